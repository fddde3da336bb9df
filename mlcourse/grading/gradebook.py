"""What grading produces: the gradebook CSV, one Markdown feedback file per student, a log.

The CSV holds only scores and fixed wording, rows sorted by student, so the same inputs always
give the same bytes.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlcourse.outcomes import CORRECT, NOT_GRADED, label

GRADED, PARTIAL, NOT_GRADABLE = "graded", "partially graded", "not gradable"
NEEDS_REVIEW = "needs review"  # an exercise (and so its student) a person must grade
MISSING = "missing"  # on the roster, nothing submitted


@dataclass
class ExerciseResult:
    exercise_id: str
    title: str
    status: str  # CORRECT, INCORRECT, NOT_ATTEMPTED or NOT_GRADED
    reason: str = ""
    score: float = 0.0
    hidden_status: str | None = None
    hidden_reason: str = ""  # for the instructor's log only: it may reveal hidden cases
    wrong_answer: int | None = None  # the recorded wrong answer (0-based) it matched, if any
    points: float = 1.0  # what the exercise is worth (its spec's ``points``)
    answer: str = ""  # the graded source (the instructor's summary clusters identical ones)

    @property
    def earned(self) -> float:
        return self.score * self.points


@dataclass
class StudentResult:
    student: str
    exercises: list[ExerciseResult] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # why a notebook could not be graded
    notes: list[str] = field(default_factory=list)  # problems met, shown to the student too
    stopped: str = ""  # what ended the run before some checks, e.g. the time budget
    conditions: list[str] = field(default_factory=list)  # of the whole run, e.g. no sandbox
    # per assignment: (notebook id, its part of this result, the file graded or None)
    parts: list = field(default_factory=list, repr=False)

    @property
    def total(self) -> float:
        return sum(e.earned for e in self.exercises)

    @property
    def maximum(self) -> float:
        return sum(e.points for e in self.exercises)

    def status(self) -> tuple[str, str]:
        """(GRADED | PARTIAL | NOT_GRADABLE, why)."""
        ungraded = [e.exercise_id for e in self.exercises if e.status == NOT_GRADED]
        if self.unreadable and len(ungraded) == len(self.exercises):
            return NOT_GRADABLE, "; ".join(self.unreadable)
        if ungraded:
            why = (
                "; ".join(self.unreadable) or self.stopped or "the run stopped before their checks"
            )
            return PARTIAL, f"not graded: {', '.join(ungraded)} ({why})"
        review = [e.exercise_id for e in self.exercises if e.status == NEEDS_REVIEW]
        if review:
            return NEEDS_REVIEW, f"to grade by hand: {', '.join(review)} (answer cell not found)"
        return GRADED, ""

    def detail(self) -> str:
        """The gradebook's ``detail``: why not fully graded, then the run's conditions."""
        return "; ".join(part for part in [self.status()[1], *self.conditions] if part)


def _number(value: float) -> str:
    return f"{round(value, 4):g}"


def write_csv(results: list[StudentResult], exercise_ids: list[str], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", *exercise_ids, "total", "max", "percent", "status", "detail"])
    for result in sorted(results, key=lambda r: r.student):
        scores = {e.exercise_id: e.earned for e in result.exercises}
        maximum = _number(result.maximum) if result.exercises else len(exercise_ids)
        status, _ = result.status()
        percent = 100 * result.total / float(maximum) if float(maximum) else 0.0
        writer.writerow(
            [
                result.student,
                *(_number(scores.get(i, 0.0)) for i in exercise_ids),
                _number(result.total),
                maximum,
                f"{percent:.1f}",
                status,
                result.detail(),
            ]
        )
    Path(path).write_text(buffer.getvalue())


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def feedback(result: StudentResult, maximum: float, title: str = "", score_line: str = "") -> str:
    """The Markdown a student gets back (``title``: the heading; ``score_line``: in place of the
    plain score, e.g. with a late penalty or a manual grade)."""
    status, why = result.status()
    score = score_line or f"**Score: {_number(result.total)} of {_number(maximum)}**"
    lines = [
        title or f"# Feedback for {result.student}",
        "",
        f"{score} — {status}" + (f": {why}" if why else ""),
        "",
    ]
    lines += [f"> {_cell(condition)}" for condition in result.conditions]
    lines += [
        *([""] if result.conditions else []),
        "| exercise | title | result | details |",
        "|---|---|---|---|",
    ]
    hidden_used = False
    for e in result.exercises:
        shown = label(e.status)
        if e.hidden_status is not None:
            hidden_used = True
            public = "public checks passed" if e.status == CORRECT else shown
            hidden = (
                "hidden checks passed" if e.hidden_status == CORRECT else "hidden checks failed"
            )
            shown = f"{public}; {hidden} ({_number(e.earned)} of {_number(e.points)})"
        elif e.points != 1:
            shown = f"{shown} ({_number(e.earned)} of {_number(e.points)})"
        lines.append(f"| {e.exercise_id} | {_cell(e.title)} | {shown} | {_cell(e.reason)} |")
    if hidden_used:
        lines += [
            "",
            "Exercises marked with hidden checks were also run on cases you have not seen; each "
            "half of the point needs its checks to pass.",
        ]
    if result.unreadable or result.notes:
        lines += ["", "## Problems met while grading", ""]
        lines += [f"- {_cell(n)}" for n in [*result.unreadable, *result.notes]]
    return "\n".join(lines) + "\n"


def safe_file_name(student: str) -> str:
    return re.sub(r"[^\w.-]", "_", student).lstrip(".") or "_"


def write_all(
    results: list[StudentResult], exercise_ids: list[str], out: Path, log_lines: list[str]
) -> Path:
    """Write gradebook.csv, feedback/<student>.md and grading.log under ``out``."""
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    gradebook = out / "gradebook.csv"
    write_csv(results, exercise_ids, gradebook)
    for result in results:
        text = feedback(result, len(exercise_ids))
        (out / "feedback" / f"{safe_file_name(result.student)}.md").write_text(text)
    (out / "grading.log").write_text("\n".join(log_lines) + ("\n" if log_lines else ""))
    return gradebook
