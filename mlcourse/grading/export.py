"""``mlcourse export --out graded/ --lms canvas|plain --to FILE``: the running gradebook's
assignment totals in a form an LMS gradebook import accepts.

- ``canvas``: Canvas's gradebook import CSV: ``Student, ID, SIS User ID, SIS Login ID, Section``,
  then one column per assignment (name it ``Week 1 (1234)``, with the Canvas assignment id in
  parentheses, to update an existing assignment; without one Canvas creates a new one), and a
  ``Points Possible`` row first. Student is the roster's name, ID its ``lms_id`` (the Canvas
  user id), SIS User ID its ``id``, SIS Login ID its ``login``, Section its ``section``.
- ``plain``: ``id,score``, the sum of the chosen assignments' totals.

A missing submission exports 0; an assignment that still needs grading by hand exports an
empty cell (an LMS leaves an empty cell unchanged), and is named on stderr.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from mlcourse.grading import course
from mlcourse.grading.gradebook import NEEDS_REVIEW, _number
from mlcourse.grading.roster import InputError

LMS = ("canvas", "plain")
POINTS_POSSIBLE = "    Points Possible"


def _totals(out: Path) -> tuple[dict, dict]:
    """(student -> notebook id -> (points, status), notebook id -> max points)."""
    path = Path(out) / course.GRADEBOOK
    if not path.is_file():
        raise InputError(
            f"{path} does not exist: expected the running gradebook that `mlcourse grade --out "
            f"{out}` writes. Grade into that folder first, or point --out at it."
        )
    totals: dict[str, dict] = {}
    maxima: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if row["exercise"] == course.TOTAL:
                totals.setdefault(row["student_id"], {})[row["assignment"]] = (
                    row["points"],
                    row["status"],
                )
                maxima[row["assignment"]] = row["max_points"]
    return totals, maxima


def export(
    out: Path,
    lms: str,
    to: Path,
    assignments: list[str] | None = None,
    names: dict[str, str] | None = None,
) -> tuple[Path, list[str]]:
    """Write the export; return (its path, warnings)."""
    if lms not in LMS:
        raise InputError(f"--lms should be one of {list(LMS)}, got {lms!r}.")
    folder = course.Course(out)
    settings = folder.settings()
    totals, maxima = _totals(out)
    chosen = list(assignments or settings)
    unknown = [a for a in chosen if a not in settings]
    if unknown:
        raise InputError(
            f"--assignment {unknown}: not graded into {out}; it holds {list(settings)}. Use a "
            "notebook id such as 01.01."
        )
    names = names or {}
    unknown = sorted(set(names) - set(settings))
    if unknown:
        raise InputError(f"--name for {unknown}: no such assignment in {out} ({list(settings)}).")
    roster = folder.roster()
    students = list(roster) + sorted(set(totals) - set(roster))
    warnings = []

    def cell(student: str, nb: str) -> str:
        points, status = totals.get(student, {}).get(nb, ("0", course.MISSING))
        if status == NEEDS_REVIEW:
            warnings.append(f"{student}: {nb} needs grading by hand; exported empty")
            return ""
        return points

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if lms == "canvas":
        columns = [names.get(nb, Path(settings[nb].notebook).stem) for nb in chosen]
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns])
        possible = [maxima.get(nb, _number(settings[nb].maximum)) for nb in chosen]
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", *possible])
        for student in students:
            entry = roster.get(student)
            writer.writerow(
                [
                    entry.name if entry else student,
                    entry.lms_id if entry else "",
                    student,
                    entry.login if entry else "",
                    entry.section if entry else "",
                    *(cell(student, nb) for nb in chosen),
                ]
            )
    else:
        writer.writerow(["id", "score"])
        for student in students:
            cells = [cell(student, nb) for nb in chosen]
            score = "" if "" in cells else _number(sum(float(c) for c in cells))
            writer.writerow([student, score])
    course.atomic_write(Path(to), buffer.getvalue())
    return Path(to), warnings
