"""Grade a cohort: ``python -m mlcourse grade ASSIGNMENT.ipynb... --submissions DIR --out DIR``.

1. For each assignment notebook, a pristine solved run (its own kernel; trusted, as it needs the
   solutions) captures the expected values and the values of each recorded wrong answer. Its
   time sets each submission's time budget (``Limits.submission_budget``).
2. A released copy of what the lesson cells need, without solutions or expected values, is
   written once (``confine.prepare``).
3. For each student, the answer cells are lifted into the pristine notebook, which runs in a
   limited kernel (``sandbox``) inside a bubblewrap sandbox that shows only that copy, the Python
   environment, the data and an empty scratch folder (``confine``); capture cells report the
   checked values.
4. The grader compares those values with the expected ones (``checks.grade``).

SIGINT or SIGTERM kills every worker and kernel at once; the students graded by then are written
(gradebook, feedback, log) and ``GradingStopped`` is raised.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import os
import signal
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from mlcourse import notebook
from mlcourse.exercise import Exercise
from mlcourse.grading import checks, codec, collect, confine, course, gradebook, lift, sandbox
from mlcourse.grading import roster as inputs
from mlcourse.grading.gradebook import NEEDS_REVIEW, ExerciseResult, StudentResult
from mlcourse.grading.sandbox import Limits
from mlcourse.layout import course_root
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, NOT_GRADED
from mlcourse.registry import load_exercises

MAX_ANSWER_CHARS = 20_000  # of each answer kept for the summary's clusters
NO_SANDBOX = (
    "graded without a sandbox (--no-sandbox): the submission's code could read and change "
    "whatever the grading user can"
)


class GradingStopped(RuntimeError):
    """SIGINT or SIGTERM stopped grading; the students graded by then were written."""

    def __init__(self, signum: int, gradebook_path: Path, graded: int, total: int):
        self.signum, self.gradebook_path = signum, gradebook_path
        self.graded, self.total = graded, total
        super().__init__(
            f"stopped by {signal.Signals(signum).name}: every worker and kernel was killed; "
            f"{graded} of {total} submission(s) were graded and written to {gradebook_path}. "
            "Run the same command again to grade them all."
        )


@dataclass
class Assignment:
    path: Path
    notebook_id: str
    pristine: object
    exercises: list[Exercise]
    hidden: dict  # exercise id -> {name: Comparator}
    hidden_dir: Path | None
    reference: dict = field(default_factory=dict)  # exercise id -> reference capture
    reference_seconds: float = 0.0  # how long the reference run took


def load_assignment(path: Path, hidden_dir: Path | None = None) -> Assignment:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"assignment notebook {path} does not exist.")
    pristine = notebook.read(path)
    notebook_id = notebook.notebook_id(path, pristine)
    exercises = load_exercises(notebook_id)
    hidden = checks.load_hidden(hidden_dir, exercises)
    hidden_dir = Path(hidden_dir).resolve() if hidden_dir is not None else None
    return Assignment(path, notebook_id, pristine, exercises, hidden, hidden_dir)


def find_submissions(folder: Path) -> dict[str, Path]:
    """Student name -> their folder or single notebook file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"--submissions {folder} is not a folder of student submissions.")
    found, others = {}, {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name == collect.MAPPING:
            continue
        if entry.is_dir():
            found[entry.name] = entry
        elif entry.suffix == ".ipynb":
            found[entry.stem] = entry
        elif entry.is_file():  # s07.pdf: graded as "not gradable", never silently missing
            others.setdefault(entry.stem, entry)
    return {**others, **found}


def locate(submission: Path, assignment: Assignment, single: bool) -> Path | None:
    """The student's copy of ``assignment``: same file name, else same notebook id, else the
    only notebook of a one-notebook assignment."""
    if submission.is_file():
        return submission if single and submission.suffix == ".ipynb" else None
    candidates = sorted(
        p for p in submission.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    for path in candidates:
        if path.name == assignment.path.name:
            return path
    for path in candidates:
        try:
            if notebook.notebook_id(path) == assignment.notebook_id:
                return path
        except Exception:  # noqa: BLE001 - unreadable here is reported when it is lifted
            continue
    return candidates[0] if single and len(candidates) == 1 else None


def _course_fingerprint(assignments: list[Assignment]) -> dict[str, str]:
    """Hashes of the files a kernel imports or reads; a change during grading is reported."""
    root = course_root()
    paths = sorted((root / "mlcourse").rglob("*.py")) + [a.path for a in assignments]
    for assignment in assignments:
        paths += sorted(assignment.path.parent.glob("*_exercises.py"))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


@dataclass(frozen=True)
class Setting:
    """How the submissions of one grading run are run."""

    view: confine.View  # the released copy (scratch and captures are set per run)
    bwrap: str | None  # None: --no-sandbox
    budget: float  # seconds per submission

    def view_for(self, folder: Path) -> confine.View:
        return confine.for_run(self.view, folder, confined=self.bwrap is not None)


def _link_data(folder: Path) -> None:
    """Lesson cells find ``data/`` from their working folder (``folder/scratch``) upwards."""
    data = course_root() / "data"
    link = folder / "data"
    if data.is_dir() and not link.exists():
        link.symlink_to(data.resolve(), target_is_directory=True)


def _run(
    assignment: Assignment,
    answers: dict,
    folder: Path,
    limits: Limits,
    reference: bool = False,
    view: confine.View | None = None,
    bwrap: str | None = None,
    budget: float | None = None,
):
    """Run the grading notebook of ``answers``: (notebook, RunResult, capture folder). Without
    a ``view`` (the reference run) the kernel sees the course itself."""
    folder.mkdir(parents=True, exist_ok=True)
    _link_data(folder)
    if view is None:
        scratch, captures = folder / "scratch", folder / "captures"
        scratch.mkdir(exist_ok=True)
        captures.mkdir(exist_ok=True)
        hidden, out_dir = assignment.hidden_dir, captures
    else:
        scratch, captures = Path(view.scratch), Path(view.captures)
        hidden, out_dir = view.inside().hidden, view.inside().captures
    graded = lift.grading_notebook(assignment.pristine, answers, hidden, out_dir, reference)
    notebook.write(graded, folder / "graded.ipynb")
    job = sandbox.Job(
        notebook=str(folder / "graded.ipynb"),
        cwd=str(scratch),
        result=str(folder / "run.json"),
        limits=limits,
        view=None if view is None else view.to_dict(),
        bwrap=bwrap,
        budget=budget,
    )
    return graded, sandbox.run_job(job), captures


def reference_run(assignment: Assignment, work: Path, limits: Limits | None = None) -> None:
    """Run the assignment with its reference solutions and keep each exercise's capture (the
    expected observations, and each recorded wrong answer's) in ``assignment.reference``, and
    the run's time in ``assignment.reference_seconds``."""
    answers = {e.id: e.solution for e in assignment.exercises}
    folder = work / f"reference-{assignment.notebook_id}"
    limits = (limits or Limits()).for_reference()
    _, run, captures = _run(assignment, answers, folder, limits, reference=True)
    if run.stopped == sandbox.STOPPED_BY_SIGNAL:
        return
    for exercise in assignment.exercises:
        path = captures / f"{exercise.id}.json"
        if not path.exists():
            failures = [c["error"] for c in run.cells.values() if c["status"] != sandbox.OK]
            raise checks.GradingError(
                f"the solved run of {assignment.path.name} reported nothing for {exercise.id}; "
                f"fix the notebook or its spec first (`make test`). Failures: {failures[:3]}"
            )
        assignment.reference[exercise.id] = codec.load(path)
    assignment.reference_seconds = run.seconds


def _exercise_result(exercise, assignment, lifted, graded, run, captures) -> ExerciseResult:
    result = ExerciseResult(exercise.id, exercise.title, NOT_GRADED, points=exercise.points)
    if exercise.id in lifted.review:
        result.status, result.reason = NEEDS_REVIEW, lifted.review[exercise.id]
        return result
    if exercise.id in lifted.problems:
        result.status, result.reason = NOT_ATTEMPTED, lifted.problems[exercise.id]
        return result
    cells = {}
    for index, cell in enumerate(graded.cells):
        role = cell.metadata.get(lift.GRADING_KEY, {})
        if role.get("exercise") == exercise.id:
            cells[role["role"]] = run.cells.get(
                str(index), {"status": sandbox.NOT_RUN, "error": ""}
            )
    answer = cells.get("answer", {"status": sandbox.NOT_RUN})
    probe = cells.get("capture", {"status": sandbox.NOT_RUN})
    if answer["status"] in sandbox.STOPPED:  # it was left out of the run that captured values
        result.status = INCORRECT
        result.reason = f"your answer cell {answer['error'].removeprefix('the cell ')}."
        return result
    path = captures / f"{exercise.id}.json"
    if path.exists():
        try:
            found = checks.grade(
                exercise,
                assignment.hidden.get(exercise.id, {}),
                codec.load(path),
                assignment.reference[exercise.id],
            )
        except checks.GradingError:
            raise
        except Exception as err:  # noqa: BLE001 - a malformed (forged) capture earns nothing
            result.status = INCORRECT
            result.reason = f"the values your code left could not be read ({type(err).__name__})."
            return result
        result.status, result.reason, result.score = found.status, found.reason, found.score
        result.hidden_status, result.hidden_reason = found.hidden_status, found.hidden_reason
        result.wrong_answer = found.wrong_answer
        if answer["status"] == sandbox.FAILED and found.status != CORRECT:
            result.status = INCORRECT
            result.reason = f"your answer cell failed: {answer['error']}. {found.reason}"
        return result
    if probe["status"] in sandbox.STOPPED:
        result.status = INCORRECT
        result.reason = (
            f"checking your answer {probe['error'].removeprefix('the cell ')}: does your code end?"
        )
    elif probe["status"] == sandbox.FAILED:
        result.status = INCORRECT
        result.reason = f"your answer could not be checked: {probe['error']}"
    elif probe["status"] == sandbox.OK:
        result.status = INCORRECT
        result.reason = (
            "no values were reported for this exercise: did your code change the grading tools?"
        )
    else:
        result.reason = f"its check never ran ({probe.get('error') or 'not reached'})."
    return result


def _not_reached(assignment: Assignment, why: str) -> list[ExerciseResult]:
    reason = f"its check never ran ({why})."
    return [
        ExerciseResult(e.id, e.title, NOT_GRADED, reason, points=e.points)
        for e in assignment.exercises
    ]


def grade_student(
    student, submission, assignments, work, limits, setting: Setting
) -> tuple[StudentResult, list]:
    """Run and score one student's submission; never raises for a bad submission. The result's
    ``parts`` hold each assignment's share: (notebook id, StudentResult, the file graded)."""
    result, log = StudentResult(student), []
    if setting.bwrap is None:
        result.conditions.append(NO_SANDBOX)
    single = len(assignments) == 1
    left = [setting.budget or None]  # seconds left of the submission's budget
    for assignment in assignments:
        part = StudentResult(student, conditions=list(result.conditions))
        path = locate(submission, assignment, single)
        why = _not_found(submission, assignment) if path is None else ""
        signalled = _grade_part(
            student, assignment, path, part, log, work, limits, setting, left, why
        )
        result.exercises += part.exercises
        result.unreadable += part.unreadable
        result.notes += part.notes
        result.stopped = part.stopped or result.stopped
        result.parts.append((assignment.notebook_id, part, path))
        if signalled:
            result.stopped = sandbox.STOPPED_BY_SIGNAL
            return result, log
    return result, log


def _not_found(submission: Path, assignment: Assignment) -> str:
    """Why no notebook of ``assignment`` was found in ``submission``, and what to do."""
    held = (
        [submission]
        if submission.is_file()
        else sorted(
            p for p in submission.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts
        )
    )
    names = [p.name for p in held[:5]] + (["..."] if len(held) > 5 else [])
    what = f"it holds {', '.join(names)}" if held else "it is empty"
    if held and not any(p.suffix == ".ipynb" for p in held):
        what += ", no notebook (.ipynb)"
    return (
        f"no copy of {assignment.path.name} in the submission ({what}); expected the notebook "
        "file itself, saved from JupyterLab. Ask for it, put it in the student's folder and "
        "regrade them with --student."
    )


def _grade_part(
    student, assignment, path, result, log, work, limits, setting, left, why=""
) -> bool:
    """Grade one assignment of one student into ``result``; True if a signal stopped it."""
    folder = work / "runs" / gradebook.safe_file_name(student) / assignment.notebook_id
    ids = [e.id for e in assignment.exercises]
    spent = f"{sandbox.BUDGET_SPENT}: {setting.budget:g} s per submission"
    try:
        if path is None:
            raise lift.Unreadable(why)
        lifted = lift.lift(lift.read_cells(path), ids, assignment.pristine, fallback=True)
    except (lift.Unreadable, OSError) as err:
        result.unreadable.append(f"{assignment.path.name}: {err}")
        result.exercises += [
            ExerciseResult(e.id, e.title, NOT_GRADED, points=e.points) for e in assignment.exercises
        ]
        log.append(f"{student}: {assignment.path.name}: not gradable: {err}")
        return False
    result.notes += lifted.notes
    if left[0] is not None and left[0] < 1:  # spent on the notebooks before this one
        result.exercises += _not_reached(assignment, sandbox.BUDGET_SPENT)
        result.stopped = spent
        log.append(f"{student}: {assignment.path.name}: not run: {spent}")
        return False
    graded, run, captures = _run(
        assignment,
        lifted.answers,
        folder,
        limits,
        view=setting.view_for(folder),
        bwrap=setting.bwrap,
        budget=left[0],
    )
    if run.stopped == sandbox.STOPPED_BY_SIGNAL:
        return True
    if left[0] is not None:
        left[0] -= run.seconds
    for exercise in assignment.exercises:
        item = _exercise_result(exercise, assignment, lifted, graded, run, captures)
        item.points = exercise.points
        item.answer = lifted.answers.get(exercise.id, "")[:MAX_ANSWER_CHARS]
        result.exercises.append(item)
        if item.status in (NOT_GRADED, NEEDS_REVIEW) or (
            item.status == INCORRECT and "cell" in item.reason
        ):
            log.append(f"{student}: {exercise.id}: {item.status}: {item.reason}")
        if item.hidden_status == INCORRECT:
            log.append(f"{student}: {exercise.id}: hidden checks failed: {item.hidden_reason}")
    for note in lifted.notes:
        log.append(f"{student}: {assignment.path.name}: {note}")
    if run.restarts:
        result.notes.append(
            f"the kernel was restarted {run.restarts} time(s), each time without the cell that stopped it"
        )
    if run.stopped == sandbox.BUDGET_SPENT:
        result.stopped = spent
        result.notes.append(f"the submission ran out of its time budget ({setting.budget:g} s)")
    elif not run.finished:
        result.notes.append(f"the notebook ran past its {limits.timeout:g} s limit")
    if run.output_bytes > 2**20:
        result.notes.append(f"the notebook printed {run.output_bytes / 2**20:.0f} MB of output")
    log.append(
        f"{student}: {assignment.path.name}: ran in {run.seconds:.1f} s, "
        f"{run.restarts} restart(s), {run.output_bytes} bytes of output"
    )
    return False


@contextlib.contextmanager
def _stopping_on_signals():
    """While grading, SIGINT and SIGTERM kill every worker (``sandbox.stop_all``) and are
    recorded in the list this yields; the main loop then stops waiting."""
    caught: list[int] = []

    def stop(signum, frame):
        caught.append(signum)
        sandbox.stop_all()

    sandbox.STOP.clear()
    if threading.current_thread() is not threading.main_thread():
        yield caught  # signals reach only the main thread; its caller handles them
        return
    previous = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _wait(futures, caught: list[int]) -> None:
    """Wait for ``futures``, or until a signal is caught (then cancel those not started)."""
    pending = set(futures)
    while pending and not caught:
        _, pending = wait(pending, timeout=0.2)
    for future in pending:
        future.cancel()


def _sandbox_line(bwrap: str | None) -> str:
    if bwrap is None:
        return f"(all): WARNING {NO_SANDBOX}"
    found = ".".join(map(str, confine.version(bwrap)))
    return f"(all): each submission ran in a bubblewrap {found} sandbox ({bwrap})"


@dataclass(frozen=True)
class Term:
    """What the instructor adds to a run besides submissions (all optional): the roster, the
    students to (re)grade, the due date, late penalty, extensions and manual grades."""

    roster: Path | None = None  # CSV: id, name, email (stored in --out; later runs reuse it)
    students: tuple[str, ...] = ()  # regrade only these ids; the others keep their grades
    due: str | None = None  # ISO 8601
    late_penalty: str | None = None  # e.g. "10%/day"
    extensions: Path | None = None  # CSV: id, due | days
    overrides: Path | None = None  # CSV: student, exercise, points, comment[, by, at]
    now: datetime | None = None  # graded_at (tests fix it)


def _settings(assignment: Assignment, stored: course.Settings | None) -> course.Settings:
    exercises = [
        {
            "id": e.id,
            "title": e.title,
            "points": float(e.points),
            "wrong_answers": [w.message.format(name=e.names[0]) for w in e.wrong_answers],
        }
        for e in assignment.exercises
    ]
    if stored is None:
        return course.Settings(assignment.notebook_id, assignment.path.name, exercises)
    return dataclasses.replace(stored, notebook=assignment.path.name, exercises=exercises)


def _prepare_term(term: Term, out: course.Course, assignments, found: dict[str, Path]):
    """Read and check every instructor input before anything runs or is written: (roster,
    settings per notebook id, merged overrides or None, the students to grade)."""
    roster = inputs.read_roster(term.roster) if term.roster else out.roster()
    stored = out.settings()
    settings = {a.notebook_id: _settings(a, stored.get(a.notebook_id)) for a in assignments}
    due = inputs.parse_time(term.due) if term.due else None
    penalty = inputs.parse_penalty(term.late_penalty) if term.late_penalty is not None else None
    for item in settings.values():
        if due is not None:
            item.due = inputs.format_time(due)
        if penalty is not None:
            item.penalty, item.per_hours = penalty.percent, penalty.per_hours
    if term.extensions:
        some = next(iter(settings.values()))
        base = due or (inputs.parse_time(some.due) if some.due else None)
        found_ids = set(roster) if roster else None
        extended = inputs.read_extensions(term.extensions, base, found_ids)
        for item in settings.values():
            item.extensions.update({s: inputs.format_time(t) for s, t in extended.items()})
    chosen = dict(found)
    if term.students:
        unknown = [s for s in term.students if s not in found]
        if unknown:
            raise inputs.InputError(
                f"--student {', '.join(unknown)}: no submission by that name in the submissions "
                f"folder, which holds {sorted(found)[:8]}. Use the folder's name (the roster id "
                "after `mlcourse collect`)."
            )
        chosen = {s: found[s] for s in term.students}
    if roster:
        strangers = sorted(set(chosen) - set(roster))
        if strangers:
            print(
                f"mlcourse grade: not on the roster, graded under their folder name: {strangers}",
                file=sys.stderr,
            )
    overrides = None
    if term.overrides:
        every = {**stored, **settings}
        maxima = {e["id"]: e["points"] for s in every.values() for e in s.exercises}
        maxima |= {nb: s.maximum for nb, s in every.items()}
        known = set(roster) | out.students() | set(found)
        new = inputs.read_overrides(term.overrides, known, maxima, now=term.now)
        overrides = inputs.merge_overrides(out.overrides(), new)
    return roster, settings, overrides, chosen


def _submission_times(submissions: Path) -> dict[str, str]:
    """Student -> submitted_at from ``mapping.csv`` (written by ``mlcourse collect``), each
    checked before anything runs (the file may have been corrected by hand)."""
    path = Path(submissions) / collect.MAPPING
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig") as stream:
        rows = list(csv.DictReader(stream))
    times = {}
    for line, row in enumerate(rows, start=2):
        if row.get("student_id") and row.get("file") and row.get("submitted_at"):
            moment = inputs.parse_time(row["submitted_at"], f"{path}, line {line}, submitted_at")
            times[row["student_id"]] = inputs.format_time(moment)
    return times


def _submitted_at(student: str, path: Path | None, times: dict[str, str]) -> str | None:
    if student in times:
        return times[student]
    if path is None or not Path(path).exists():
        return None
    moment = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC)
    return inputs.format_time(moment)


def grade(
    assignment_paths: list[Path],
    submissions: Path | None,
    out: Path,
    hidden_dir: Path | None = None,
    limits: Limits | None = None,
    sandboxed: bool = True,
    term: Term | None = None,
) -> tuple[Path, list[StudentResult]]:
    """Grade the submissions into the course's grading folder ``out`` (``mlcourse.grading.
    course``): store each result, then rewrite the gradebooks, feedback and summaries.

    ``submissions`` None grades nothing: it only applies ``term`` (overrides, due date, ...).
    ``sandboxed`` (the default) needs bubblewrap and raises ``confine.SandboxUnavailable``
    without it; False runs the kernels unconfined and says so in every row and feedback file."""
    limits, term = limits or Limits(), term or Term()
    bwrap = confine.require() if sandboxed and submissions is not None else None
    if bwrap is not None:
        confine.check_layout(course_root())
    found = find_submissions(submissions) if submissions is not None else {}
    assignments = [load_assignment(Path(p), hidden_dir) for p in assignment_paths]
    ids = [e.id for a in assignments for e in a.exercises]
    if len(set(ids)) != len(ids):
        raise ValueError("the same notebook is named twice among the assignment notebooks.")
    folder = course.Course(Path(out))
    roster, settings, overrides, chosen = _prepare_term(term, folder, assignments, found)
    times = _submission_times(submissions) if submissions is not None else {}
    results, log, caught = [], None, []
    if submissions is not None:
        results, log, caught = _grade_cohort(
            assignments, chosen, hidden_dir, limits, bwrap, sandboxed
        )
    graded_at = inputs.format_time(term.now or datetime.now(UTC))
    with _deferring_signals() as deferred:  # a Ctrl-C now would leave results half-stored
        for result in results:
            for notebook_id, part, path in result.parts:
                source = ""
                if path is not None:
                    with contextlib.suppress(ValueError):
                        source = Path(path).relative_to(Path(submissions)).as_posix()
                record = course.Record(
                    result.student,
                    notebook_id,
                    part,
                    source,
                    _submitted_at(result.student, path, times),
                    graded_at,
                )
                folder.store(settings[notebook_id], record)
        for item in settings.values():
            folder.save_settings(item)
        if term.roster:
            folder.save_roster(roster)
        if overrides is not None:
            folder.save_overrides(overrides)
        if log is not None:  # after the sandbox line (warnings and STOPPED stay first)
            anchor = _sandbox_line(bwrap)
            at = log.index(anchor) + 1 if anchor in log else 0
            log[at:at] = _roster_lines(folder, roster, assignments, term.students, results)
        path = folder.write([a.notebook_id for a in assignments], log)
    signals = caught + deferred
    if signals:
        raise GradingStopped(signals[0], path, len(results), len(chosen))
    return path, results


def _roster_lines(folder, roster, assignments, students, results) -> list[str]:
    """The log's lines on who was graded: a regrade names its students; the roster line names
    who has no grade stored for an assignment of this run (not who was absent from this run's
    submissions folder, which a regrade of one student leaves nearly empty)."""
    lines = []
    if students:
        graded = sorted({r.student for r in results})
        lines.append(f"(all): regraded {graded}; every other student keeps their stored grade")
    if roster:
        every = folder.settings()
        stored = set().union(
            *(
                set(folder.records(every[a.notebook_id]))
                for a in assignments
                if a.notebook_id in every
            )
        )
        absent = sorted(set(roster) - stored)
        lines.append(f"(all): roster of {len(roster)}; no submission from: {absent}")
    return lines


@contextlib.contextmanager
def _deferring_signals():
    """SIGINT and SIGTERM wait until the block has stored every result and written every file;
    the signals caught are in the list this yields."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def hold(signum, frame):
        caught.append(signum)

    previous = {number: signal.signal(number, hold) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _grade_cohort(assignments, students, hidden_dir, limits, bwrap, sandboxed):
    """Run the reference runs, then every student's submission: (results, log, signals)."""
    with (
        tempfile.TemporaryDirectory(prefix="mlcourse-grading-") as tmp,
        _stopping_on_signals() as caught,
    ):
        work = Path(tmp)
        view = confine.prepare([a.path for a in assignments], hidden_dir, work / "released")
        before = _course_fingerprint(assignments)
        log = [_sandbox_line(bwrap)]
        futures = []
        with ThreadPoolExecutor(max(1, limits.workers)) as pool:  # threads wait on subprocesses
            references = [pool.submit(reference_run, a, work, limits) for a in assignments]
            _wait(references, caught)
            if not caught:
                for future in references:
                    future.result()  # a GradingError: the assignment itself is broken
                budget = limits.submission_budget([a.reference_seconds for a in assignments])
                seconds = ", ".join(f"{a.reference_seconds:.1f} s" for a in assignments)
                log.append(
                    f"(all): time budget per submission: {budget:g} s (reference run {seconds})"
                )
                setting = Setting(view, bwrap, budget)
                futures = [
                    pool.submit(grade_student, name, path, assignments, work, limits, setting)
                    for name, path in students.items()
                ]
                _wait(futures, caught)
        finished = [f for f in futures if f.done() and not f.cancelled()]
        if caught:  # a run killed half-way is not kept: the next run grades it
            finished = [f for f in finished if f.exception() is None]
        done = [f.result() for f in finished]
        done = [(r, lines) for r, lines in done if r.stopped != sandbox.STOPPED_BY_SIGNAL]
        results = [r for r, _ in done]
        log += [line for _, lines in done for line in lines]
        changed = sorted(
            p for p, h in _course_fingerprint(assignments).items() if before.get(p) != h
        )
        if changed:
            log.insert(0, f"(all): WARNING course files changed during grading: {changed}")
            print(
                f"mlcourse grade: course files changed during grading: {changed}", file=sys.stderr
            )
        if caught:
            name = signal.Signals(caught[0]).name
            log.insert(0, f"(all): STOPPED by {name}: {len(results)} of {len(students)} graded")
    confine.remove_kernel_folders(os.getpid())  # those of workers killed before their end
    return results, log, caught
