"""The course's grading folder (``--out``), kept for the whole term.

``grade`` stores each student's result per assignment (``<notebook>/results/<id>.json``; the one
it replaces moves to ``<notebook>/history/``) and each assignment's settings
(``<notebook>/assignment.json``: points, due date, late penalty, extensions); the roster and the
merged overrides live beside them. Everything else is *derived* from those, after every run:

- ``course_gradebook.csv``: the running gradebook, one row per student, assignment and exercise
  plus a ``total`` row, in a stable column and row order (``COLUMNS``). A regrade of one student
  replaces only that student's rows; a student whose submission is absent from a later run keeps
  their grade.
- ``gradebook.csv``: one row per student for the assignments of the latest run (the shape the
  course has always written; same inputs, same bytes).
- ``feedback/<id>.md``: one file per student, a section per assignment; files of ids no longer
  in the course are removed.
- ``<notebook>/summary.md`` and ``<notebook>/scores.png``: the cohort at a glance.

Every file is written atomically (a temporary file renamed over the old one), so a run that
stops half-way never leaves a half-written gradebook.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mlcourse.grading import roster as inputs
from mlcourse.grading.gradebook import (
    MISSING,
    NEEDS_REVIEW,
    ExerciseResult,
    StudentResult,
    _number,
    feedback,
    safe_file_name,
)

GRADEBOOK, WIDE, ROSTER, OVERRIDES = (
    "course_gradebook.csv",
    "gradebook.csv",
    "roster.csv",
    "overrides.csv",
)
SETTINGS, RESULTS, HISTORY = "assignment.json", "results", "history"
TOTAL = "total"
HAND_GRADED = "graded by hand"
COLUMNS = [
    "student_id",
    "name",
    "assignment",
    "exercise",
    "points",
    "max_points",
    "status",
    "late_hours",
    "penalty_percent",
    "graded_at",
    "source",
    "wrong_answer",
    "override",
    "detail",
]


_UMASK = os.umask(0o022)
os.umask(_UMASK)  # read once: what a plain open() would give a new file


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``. The file
    keeps its permissions, or gets those of a file written with ``open`` (not ``mkstemp``'s
    owner-only ones, which would hide a gradebook from a teaching assistant's account)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.is_file() else 0o666 & ~_UMASK
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data.encode() if isinstance(data, str) else data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def file_name(student: str) -> str:
    """A student's file name: their id, or a safe spelling of it plus a hash (no collisions)."""
    safe = safe_file_name(student)
    if safe == student:
        return student
    return f"{safe}-{hashlib.sha1(student.encode()).hexdigest()[:6]}"


# --- what is stored ---------------------------------------------------------------------------


@dataclass
class Settings:
    """One assignment: its notebook, exercises and points, and its lateness rules."""

    notebook_id: str
    notebook: str  # file name, e.g. 01_vectors_matrices.ipynb
    exercises: list[dict]  # {"id", "title", "points", "wrong_answers": [message, ...]}
    due: str | None = None  # ISO 8601, UTC
    penalty: float = 0.0  # percent per started period late
    per_hours: float = 24.0
    extensions: dict[str, str] = field(default_factory=dict)  # student -> due (ISO, UTC)

    @property
    def folder(self) -> str:
        return Path(self.notebook).stem

    @property
    def maximum(self) -> float:
        return sum(e["points"] for e in self.exercises)

    def due_for(self, student: str) -> datetime | None:
        text = self.extensions.get(student, self.due)
        return inputs.parse_time(text) if text else None


@dataclass
class Record:
    """One student's graded submission of one assignment."""

    student: str
    assignment: str  # notebook id
    result: StudentResult  # this assignment's part only
    source: str = ""  # the file graded, relative to the submissions folder
    submitted_at: str | None = None  # ISO 8601, UTC
    graded_at: str = ""

    def to_json(self) -> str:
        data = dataclasses.asdict(self.result)
        data.pop("parts", None)
        document = {
            "student": self.student,
            "assignment": self.assignment,
            "source": self.source,
            "submitted_at": self.submitted_at,
            "graded_at": self.graded_at,
            "result": data,
        }
        return json.dumps(document, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Record:
        data = json.loads(text)
        result = dict(data["result"])
        result["exercises"] = [ExerciseResult(**e) for e in result["exercises"]]
        return cls(
            data["student"],
            data["assignment"],
            StudentResult(**result),
            data.get("source", ""),
            data.get("submitted_at"),
            data.get("graded_at", ""),
        )


class Course:
    """The grading folder: read what is stored, store new results, derive the rest."""

    def __init__(self, out: Path):
        self.out = Path(out)

    # -- reading --

    def settings(self) -> dict[str, Settings]:
        """Notebook id -> settings of every assignment graded into this folder, in course order."""
        found = {}
        for path in sorted(self.out.glob(f"*/{SETTINGS}")):
            settings = Settings(**json.loads(path.read_text()))
            found[settings.notebook_id] = settings
        return dict(sorted(found.items()))

    def records(self, settings: Settings) -> dict[str, Record]:
        folder = self.out / settings.folder / RESULTS
        found = {}
        for path in sorted(folder.glob("*.json")):
            record = Record.from_json(path.read_text())
            found[record.student] = record
        return found

    def roster(self) -> dict[str, inputs.Student]:
        path = self.out / ROSTER
        return inputs.read_roster(path) if path.is_file() else {}

    def overrides(self) -> list[inputs.Override]:
        return inputs.load_overrides(self.out / OVERRIDES)

    def students(self) -> set[str]:
        known = set(self.roster())
        for settings in self.settings().values():
            known |= {p.stem for p in (self.out / settings.folder / RESULTS).glob("*.json")}
            known |= set(self.records(settings))
        return known

    # -- writing what is stored --

    def save_settings(self, settings: Settings) -> None:
        text = json.dumps(dataclasses.asdict(settings), indent=1, sort_keys=True) + "\n"
        atomic_write(self.out / settings.folder / SETTINGS, text)

    def store(self, settings: Settings, record: Record) -> None:
        """Keep ``record``; the one it replaces moves to ``history/`` (no grade is ever lost)."""
        name = file_name(record.student)
        path = self.out / settings.folder / RESULTS / f"{name}.json"
        if path.is_file():
            old = Record.from_json(path.read_text())
            stamp = (old.graded_at or "earlier").replace(":", "")
            kept = self.out / settings.folder / HISTORY / f"{name}.{stamp}.json"
            atomic_write(kept, path.read_bytes())
        atomic_write(path, record.to_json())

    def save_roster(self, roster: dict[str, inputs.Student]) -> None:
        atomic_write(self.out / ROSTER, inputs.write_roster(roster))

    def save_overrides(self, overrides: list[inputs.Override]) -> None:
        atomic_write(self.out / OVERRIDES, inputs.write_overrides(overrides))

    # -- deriving --

    def write(self, latest: list[str], log_lines: list[str] | None = None) -> Path:
        """Derive the gradebooks, feedback and summaries; ``latest``: the notebook ids of this
        run (``gradebook.csv``). Returns ``gradebook.csv``'s path."""
        from mlcourse.grading import summary

        roster, all_settings = self.roster(), self.settings()
        records = {nb: self.records(s) for nb, s in all_settings.items()}
        students = sorted(set(roster).union(*[set(r) for r in records.values()]))
        overrides = {o.key: o for o in self.overrides()}
        views = {
            (student, nb): assess(settings, records[nb].get(student), overrides, student)
            for student in students
            for nb, settings in all_settings.items()
        }
        names = {s: roster[s].name if s in roster else "" for s in students}
        rows = [
            row
            for student in students
            for nb in all_settings
            for row in views[(student, nb)].rows(student, names[student], nb)
        ]
        atomic_write(self.out / GRADEBOOK, _csv(COLUMNS, rows))
        wide = self.out / WIDE
        chosen = [all_settings[nb] for nb in latest if nb in all_settings]
        atomic_write(wide, _wide(chosen, students, names, set(roster), views))
        self._feedback(students, names, all_settings, views)
        for settings in all_settings.values():
            summary.write(
                self.out / settings.folder,
                settings,
                {s: views[(s, settings.notebook_id)] for s in students},
                records[settings.notebook_id],
            )
        if log_lines is not None:
            atomic_write(
                self.out / "grading.log", "\n".join(log_lines) + ("\n" if log_lines else "")
            )
        return wide

    def _feedback(self, students, names, all_settings, views) -> None:
        folder = self.out / "feedback"
        folder.mkdir(parents=True, exist_ok=True)
        wanted = set()
        for student in students:
            name = names[student]
            heading = f"# Feedback for {name} ({student})" if name else f"# Feedback for {student}"
            parts = [heading, ""]
            for nb, settings in all_settings.items():
                parts.append(views[(student, nb)].feedback(settings))
            path = folder / f"{file_name(student)}.md"
            wanted.add(path.name)
            atomic_write(path, "\n".join(parts).rstrip("\n") + "\n")
        for path in folder.glob("*.md"):
            if path.name not in wanted:  # an id no longer in the course (renamed, re-keyed)
                path.unlink()


def _csv(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# --- one student's assignment, as shown -------------------------------------------------------


@dataclass
class View:
    """A student's assignment after lateness and overrides: what every output shows."""

    result: StudentResult | None  # None: nothing submitted
    record: Record | None
    maximum: float
    raw: float = 0.0  # points before the late penalty
    total: float = 0.0  # after it (or an override of the whole assignment)
    late_hours: float | None = None  # None: on time, no due date or no time known
    penalty: float = 0.0
    due: datetime | None = None
    extended: bool = False
    total_override: inputs.Override | None = None
    overridden: dict[str, inputs.Override] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.result is None:
            return MISSING
        return self.result.status()[0]

    @property
    def detail(self) -> str:
        parts = [] if self.result is None else [self.result.detail()]
        if self.late_hours:
            parts.append(self.late_text())
        return "; ".join(p for p in parts if p)

    def late_text(self, penalty: bool = True) -> str:
        due = inputs.format_time(self.due) if self.due else "?"
        text = f"submitted {self.late_hours:g} h after the due date ({due}"
        text += ", extended)" if self.extended else ")"
        return text + (f": -{self.penalty:g}%" if self.penalty and penalty else "")

    def rows(self, student: str, name: str, nb: str) -> list[list[str]]:
        record = self.record
        graded_at = record.graded_at if record else ""
        source = record.source if record else ""
        late = "" if self.late_hours is None else _number(self.late_hours)
        rows = []
        exercises = self.result.exercises if self.result else []
        for e in exercises:
            override = self.overridden.get(e.exercise_id)
            rows.append(
                [
                    student,
                    name,
                    nb,
                    e.exercise_id,
                    _number(e.earned),
                    _number(e.points),
                    e.status,
                    late,
                    "",
                    graded_at,
                    source,
                    "" if e.wrong_answer is None else str(e.wrong_answer + 1),
                    _override_text(override),
                    e.reason if e.status == NEEDS_REVIEW else "",
                ]
            )
        rows.append(
            [
                student,
                name,
                nb,
                TOTAL,
                _number(self.total),
                _number(self.maximum),
                self.status,
                late,
                _number(self.penalty) if self.penalty else "",
                graded_at,
                source,
                "",
                _override_text(self.total_override),
                self.detail,
            ]
        )
        return rows

    def feedback(self, settings: Settings) -> str:
        title = f"## {settings.notebook} ({settings.notebook_id})"
        if self.result is None:
            line = f"**Score: {_number(self.total)} of {_number(self.maximum)}** — {MISSING}"
            if self.total_override:
                line += f" ({_override_text(self.total_override)})"
            return f"{title}\n\n{line}: nothing was submitted.\n"
        score = f"**Score: {_number(self.total)} of {_number(self.maximum)}**"
        notes = []
        if self.penalty:
            notes.append(f"{_number(self.raw)} before a {self.penalty:g}% late penalty")
        if self.late_hours:
            notes.append(self.late_text(penalty=False))
        elif self.extended:
            notes.append(f"on time: due date extended to {inputs.format_time(self.due)}")
        if self.overridden and not self.total_override:
            by_hand = sorted(self.overridden)
            notes.append(f"graded by hand: {', '.join(by_hand)}")
        if self.total_override:
            notes.append(f"set by hand: {_override_text(self.total_override)}")
        if notes:
            score += " (" + "; ".join(notes) + ")"
        return feedback(self.result, self.maximum, title=title, score_line=score)


def _override_text(override: inputs.Override | None) -> str:
    if override is None:
        return ""
    text = f"{_number(override.points)} by {override.by or '?'} at {override.at or '?'}"
    return text + (f": {override.comment}" if override.comment else "")


def assess(settings: Settings, record: Record | None, overrides: dict, student: str) -> View:
    """Points, lateness and overrides of one student's assignment."""
    view = View(None if record is None else _copy(record.result), record, settings.maximum)
    due = settings.due_for(student)
    view.due, view.extended = due, student in settings.extensions
    if view.result is not None:
        points = {e["id"]: e["points"] for e in settings.exercises}
        for e in view.result.exercises:
            e.points = points.get(e.exercise_id, e.points)
            override = overrides.get((student, e.exercise_id))
            if override is not None:
                view.overridden[e.exercise_id] = override
                e.score = override.points / e.points
                if e.status == NEEDS_REVIEW:
                    e.status = HAND_GRADED
                e.reason = (e.reason + " " if e.reason else "") + (
                    f"Graded by hand: {_number(override.points)} of {_number(e.points)}"
                    + (f" — {override.comment}" if override.comment else "")
                    + "."
                )
        view.raw = view.result.total
        if due is not None and record.submitted_at:
            hours = (inputs.parse_time(record.submitted_at) - due).total_seconds() / 3600
            if hours > 0:
                view.late_hours = round(hours, 1) or 0.1
                penalty = inputs.Penalty(settings.penalty, settings.per_hours)
                view.penalty = penalty.of(hours)
    view.total = round(view.raw * (1 - view.penalty / 100), 4)
    whole = overrides.get((student, settings.notebook_id))
    if whole is not None:
        view.total_override, view.total = whole, whole.points
    return view


def _copy(result: StudentResult) -> StudentResult:
    return dataclasses.replace(
        result, exercises=[dataclasses.replace(e) for e in result.exercises], parts=[]
    )


def _wide(chosen: list[Settings], students, names, on_roster, views) -> str:
    """``gradebook.csv``: a row per student, a column per exercise of the latest run's
    assignments; total (after lateness and overrides), max, percent, status, late, detail."""
    ids = [e["id"] for s in chosen for e in s.exercises]
    header = ["student", "name", *ids, "total", "max", "percent", "status", "late_hours", "detail"]
    rows = []
    for student in students:
        shown = [views[(student, s.notebook_id)] for s in chosen]
        if not any(v.record for v in shown) and student not in on_roster:
            continue  # neither on the roster nor in these assignments
        earned = {}
        for view in shown:
            for e in view.result.exercises if view.result else []:
                earned[e.exercise_id] = e.earned
        total = sum(v.total for v in shown)
        maximum = sum(v.maximum for v in shown)
        statuses = [v.status for v in shown]
        status = next(
            (
                s
                for s in (MISSING, "not gradable", "partially graded", NEEDS_REVIEW)
                if s in statuses
            ),
            statuses[0] if statuses else MISSING,
        )
        if MISSING in statuses and len(set(statuses)) > 1:
            status = "partially graded"
        late = [v.late_hours for v in shown if v.late_hours]
        rows.append(
            [
                student,
                names[student],
                *(_number(earned.get(i, 0.0)) for i in ids),
                _number(total),
                _number(maximum),
                f"{100 * total / maximum if maximum else 0.0:.1f}",
                status,
                _number(max(late)) if late else "",
                "; ".join(v.detail for v in shown if v.detail),
            ]
        )
    return _csv(header, rows)
