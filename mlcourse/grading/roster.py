"""What an instructor hands the grader besides submissions: the roster, due dates and late
penalties, extensions and manual grades (overrides). Each is read and checked before anything
is graded or written; a bad file raises ``InputError`` saying what was expected, what was found
and how to fix it.
"""

from __future__ import annotations

import csv
import getpass
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

ID_PATTERN = re.compile(r"^[\w@+-][\w.@+-]*$")  # a roster id is also a file name
ID_COLUMNS = ("id", "student_id", "student id", "sis user id", "student")


class InputError(ValueError):
    """A roster, due date, penalty, extensions or overrides file that cannot be used."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""
    email: str = ""
    lms_id: str = ""  # the LMS's own user id (Canvas "ID"), if the roster has one
    section: str = ""
    login: str = ""


@dataclass(frozen=True)
class Override:
    student: str
    exercise: str  # an exercise id, or a notebook id for the assignment's whole total
    points: float
    comment: str = ""
    by: str = ""
    at: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.exercise

    def row(self) -> list[str]:
        return [self.student, self.exercise, f"{round(self.points, 4):g}", self.comment]


OVERRIDE_COLUMNS = ["student", "exercise", "points", "comment", "by", "at"]


def _rows(path: Path, what: str, example: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header (lower-cased) and rows of a CSV file (UTF-8, an Excel BOM tolerated)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} {path} does not exist: expected a CSV file such as\n{example}")
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(
            f"{what} {path} is empty: expected a header row, e.g.\n{example}"
        ) from None
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        rows.append(
            {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        )
    return header, rows


def _id_column(header: list[str], path: Path, what: str, example: str) -> str:
    for name in ID_COLUMNS:
        if name in header:
            return name
    raise InputError(
        f"{what} {path} has no student id column: expected one named `id` (or "
        f"{', '.join(f'`{c}`' for c in ID_COLUMNS[1:])}), got columns {header}. Add a header row "
        f"such as:\n{example}"
    )


ROSTER_EXAMPLE = "id,name,email\ns001,Ada Lovelace,ada@example.org"


def read_roster(path: Path) -> dict[str, Student]:
    """Roster id -> Student, in file order. Columns: id, name, email; optional lms_id, section,
    login. Ids must be unique and usable as file names (feedback files are named by them)."""
    header, rows = _rows(path, "roster", ROSTER_EXAMPLE)
    column = _id_column(header, path, "roster", ROSTER_EXAMPLE)
    roster: dict[str, Student] = {}
    for line, row in enumerate(rows, start=2):
        student = row[column]
        if not ID_PATTERN.match(student):
            raise InputError(
                f"roster {path}, line {line}: the id should be letters, digits and . _ @ + - "
                f"(it names the student's feedback file), got {student!r}. Fix that row."
            )
        if student in roster:
            raise InputError(
                f"roster {path}, line {line}: id {student!r} appears twice; each student needs "
                "their own id. Remove or renumber the duplicate."
            )
        roster[student] = Student(
            student,
            row.get("name", ""),
            row.get("email", ""),
            row.get("lms_id", ""),
            row.get("section", ""),
            row.get("login", ""),
        )
    if not roster:
        raise InputError(
            f"roster {path} lists no students: expected rows such as\n{ROSTER_EXAMPLE}"
        )
    return roster


def write_roster(roster: dict[str, Student]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "name", "email", "lms_id", "section", "login"])
    for s in roster.values():
        writer.writerow([s.id, s.name, s.email, s.lms_id, s.section, s.login])
    return buffer.getvalue()


# --- time -------------------------------------------------------------------------------------

TIME_EXAMPLE = (
    "2025-03-07T23:59+01:00 (or 2025-03-07T23:59Z, or 2025-03-07 for the end of that day)"
)


def parse_time(text: str, what: str = "--due") -> datetime:
    """An ISO 8601 date and time, timezone-aware. Without an offset, the grading machine's local
    time; a date alone means the last second of that day."""
    text = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            found = datetime.combine(datetime.fromisoformat(text).date(), time(23, 59, 59))
        else:
            found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{what}: expected an ISO 8601 date and time such as {TIME_EXAMPLE}, got {text!r}. "
            "Write it in that form."
        ) from None
    return found if found.tzinfo else found.astimezone()


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Penalty:
    percent: float = 0.0  # of the assignment's points...
    per_hours: float = 24.0  # ...per started period of this many hours late

    def of(self, hours_late: float) -> float:
        """The percent taken off for ``hours_late``: per started period, at most 100."""
        if hours_late <= 0 or self.percent <= 0:
            return 0.0
        return min(100.0, self.percent * math.ceil(hours_late / self.per_hours - 1e-9))

    def describe(self) -> str:
        period = "day" if self.per_hours == 24 else "hour"
        return f"{self.percent:g}% per started {period} late"


def parse_penalty(text: str) -> Penalty:
    """``10``, ``10%``, ``10%/day`` or ``2%/hour``: percent of the points per started period."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*(?:/\s*(day|hour|d|h))?\s*", str(text))
    if not match or float(match[1]) > 100:
        raise InputError(
            f"--late-penalty: expected a percent of the assignment's points per started day or "
            f"hour late, such as 10%/day or 2%/hour (0 to 100), got {text!r}."
        )
    per = 1.0 if (match[2] or "day").startswith("h") else 24.0
    return Penalty(float(match[1]), per)


EXTENSIONS_EXAMPLE = "id,due\ns004,2025-03-10T23:59+01:00\n(or id,days with a number of extra days)"


def read_extensions(
    path: Path, due: datetime | None, known: set[str] | None
) -> dict[str, datetime]:
    """Roster id -> that student's own due date. Columns: id and either due (a date) or days
    (extra days after ``due``)."""
    header, rows = _rows(path, "extensions file", EXTENSIONS_EXAMPLE)
    column = _id_column(header, path, "extensions file", EXTENSIONS_EXAMPLE)
    if "due" not in header and "days" not in header:
        raise InputError(
            f"extensions file {path}: expected a `due` or a `days` column, got {header}; e.g.\n"
            f"{EXTENSIONS_EXAMPLE}"
        )
    found = {}
    for line, row in enumerate(rows, start=2):
        student = row[column]
        if known is not None and student not in known:
            raise InputError(
                f"extensions file {path}, line {line}: no student {student!r} on the roster "
                f"(ids such as {sorted(known)[:5]}). Use the roster's id."
            )
        if row.get("due"):
            found[student] = parse_time(row["due"], f"extensions file {path}, line {line}")
        else:
            if due is None:
                raise InputError(
                    f"extensions file {path}, line {line}: `days` counts from --due, which was "
                    "not given. Pass --due, or give the new date in a `due` column."
                )
            try:
                days = float(row.get("days", ""))
            except ValueError:
                raise InputError(
                    f"extensions file {path}, line {line}: `days` should be a number of days, "
                    f"got {row.get('days')!r}."
                ) from None
            found[student] = due + timedelta(days=days)
    return found


# --- overrides --------------------------------------------------------------------------------

OVERRIDES_EXAMPLE = (
    "student,exercise,points,comment\n"
    's003,01.01.4,1,"right idea, see appeal"\n'
    "s005,01.01,5,whole assignment graded by hand"
)


def read_overrides(
    path: Path,
    known_students: set[str],
    maxima: dict[str, float],
    who: str | None = None,
    now: datetime | None = None,
) -> list[Override]:
    """Manual grades: one row per (student, exercise id or notebook id for the whole total).
    ``maxima``: the points each exercise id and each notebook id is worth. ``by`` and ``at``
    default to the grading user and now."""
    header, rows = _rows(path, "overrides file", OVERRIDES_EXAMPLE)
    missing = [c for c in ("student", "exercise", "points") if c not in header]
    if missing:
        raise InputError(
            f"overrides file {path}: expected columns student, exercise, points, comment "
            f"(and optionally by, at), got {header} (missing: {missing}); e.g.\n{OVERRIDES_EXAMPLE}"
        )
    who = who or _user()
    stamp = format_time(now or datetime.now(UTC))
    found: dict[tuple[str, str], Override] = {}
    for line, row in enumerate(rows, start=2):
        where = f"overrides file {path}, line {line}"
        student, exercise = row["student"], row["exercise"]
        if student not in known_students:
            raise InputError(
                f"{where}: no student {student!r} on the roster or in the gradebook (ids such as "
                f"{sorted(known_students)[:5]}). Use the student's roster id."
            )
        if exercise not in maxima:
            raise InputError(
                f"{where}: {exercise!r} is neither an exercise id nor a notebook id of the graded "
                f"assignments (such as {sorted(maxima)[:6]}). Use e.g. 01.01.4 for one exercise "
                "or 01.01 for the assignment's whole total."
            )
        try:
            points = float(row["points"])
        except ValueError:
            points = math.nan
        if not 0 <= points <= maxima[exercise]:
            raise InputError(
                f"{where}: points for {exercise} should be a number from 0 to "
                f"{maxima[exercise]:g}, got {row['points']!r}."
            )
        found[(student, exercise)] = Override(
            student,
            exercise,
            points,
            row.get("comment", ""),
            row.get("by") or who,
            row.get("at") or stamp,
        )
    return list(found.values())


def merge_overrides(kept: list[Override], new: list[Override]) -> list[Override]:
    """The course's overrides after ``new``: a new row replaces the one for the same student and
    exercise; an unchanged one keeps its first who/when."""
    merged = {o.key: o for o in kept}
    for override in new:
        old = merged.get(override.key)
        if old is not None and (old.points, old.comment) == (override.points, override.comment):
            continue
        merged[override.key] = override
    return sorted(merged.values(), key=lambda o: o.key)


def write_overrides(overrides: list[Override]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OVERRIDE_COLUMNS)
    for o in overrides:
        writer.writerow([*o.row(), o.by, o.at])
    return buffer.getvalue()


def load_overrides(path: Path) -> list[Override]:
    """The course's own overrides file (already checked when it was merged)."""
    if not Path(path).is_file():
        return []
    _, rows = _rows(path, "overrides file", OVERRIDES_EXAMPLE)
    return [
        Override(
            r["student"],
            r["exercise"],
            float(r["points"]),
            r.get("comment", ""),
            r.get("by", ""),
            r.get("at", ""),
        )
        for r in rows
    ]


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "instructor"
