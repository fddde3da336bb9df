"""Grade a cohort: ``python -m mlcourse grade ASSIGNMENT.ipynb... --submissions DIR --out DIR``.

1. For each assignment notebook, a pristine solved run (its own kernel) captures the expected
   values and the values of each recorded wrong answer.
2. For each student, the answer cells are lifted into the pristine notebook, which runs in a
   limited kernel (``sandbox``); capture cells report the checked values.
3. The grader compares those values with the expected ones (``checks.verdict``).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mlcourse import notebook
from mlcourse.exercise import Exercise
from mlcourse.grading import checks, codec, gradebook, lift, sandbox
from mlcourse.grading.gradebook import ExerciseResult, StudentResult
from mlcourse.grading.sandbox import Limits
from mlcourse.layout import course_root
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, NOT_GRADED
from mlcourse.registry import load_exercises


@dataclass
class Assignment:
    path: Path
    notebook_id: str
    pristine: object
    exercises: list[Exercise]
    hidden: dict  # exercise id -> {name: Comparator}
    hidden_dir: Path | None
    reference: dict = field(default_factory=dict)  # exercise id -> reference capture


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
    found = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            found[entry.name] = entry
        elif entry.suffix == ".ipynb":
            found[entry.stem] = entry
    return found


def locate(submission: Path, assignment: Assignment, single: bool) -> Path | None:
    """The student's copy of ``assignment``: same file name, else same notebook id, else the
    only notebook of a one-notebook assignment."""
    if submission.is_file():
        return submission if single else None
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


def _run(assignment: Assignment, answers: dict, folder: Path, limits: Limits, reference=False):
    captures, scratch = folder / "captures", folder / "scratch"
    captures.mkdir(parents=True, exist_ok=True)
    scratch.mkdir(exist_ok=True)
    graded = lift.grading_notebook(
        assignment.pristine, answers, assignment.hidden_dir, captures, reference
    )
    notebook.write(graded, folder / "graded.ipynb")
    job = sandbox.Job(
        notebook=str(folder / "graded.ipynb"),
        cwd=str(scratch),
        result=str(folder / "run.json"),
        limits=limits,
    )
    return graded, sandbox.run_job(job)


def reference_run(assignment: Assignment, work: Path, limits: Limits | None = None) -> None:
    """Run the assignment with its reference solutions and keep each exercise's capture (the
    expected observations, and each recorded wrong answer's) in ``assignment.reference``."""
    answers = {e.id: e.solution for e in assignment.exercises}
    folder = work / f"reference-{assignment.notebook_id}"
    limits = (limits or Limits()).for_reference()
    _, run = _run(assignment, answers, folder, limits, reference=True)
    for exercise in assignment.exercises:
        path = folder / "captures" / f"{exercise.id}.json"
        if not path.exists():
            failures = [c["error"] for c in run.cells.values() if c["status"] != sandbox.OK]
            raise checks.GradingError(
                f"the solved run of {assignment.path.name} reported nothing for {exercise.id}; "
                f"fix the notebook or its spec first (`make test`). Failures: {failures[:3]}"
            )
        assignment.reference[exercise.id] = codec.load(path)


def _exercise_result(exercise, assignment, lifted, graded, run, captures) -> ExerciseResult:
    result = ExerciseResult(exercise.id, exercise.title, NOT_GRADED)
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


def grade_student(student, submission, assignments, work, limits) -> tuple[StudentResult, list]:
    """Run and score one student's submission; never raises for a bad submission."""
    result, log = StudentResult(student), []
    single = len(assignments) == 1
    for assignment in assignments:
        folder = work / gradebook.safe_file_name(student) / assignment.notebook_id
        ids = [e.id for e in assignment.exercises]
        path = locate(submission, assignment, single)
        try:
            if path is None:
                raise lift.Unreadable(f"no copy of {assignment.path.name} in the submission")
            lifted = lift.lift(lift.read_cells(path), ids)
        except (lift.Unreadable, OSError) as err:
            result.unreadable.append(f"{assignment.path.name}: {err}")
            result.exercises += [
                ExerciseResult(e.id, e.title, NOT_GRADED) for e in assignment.exercises
            ]
            log.append(f"{student}: {assignment.path.name}: not gradable: {err}")
            continue
        result.notes += lifted.notes
        graded, run = _run(assignment, lifted.answers, folder, limits)
        for exercise in assignment.exercises:
            item = _exercise_result(exercise, assignment, lifted, graded, run, folder / "captures")
            result.exercises.append(item)
            if item.status in (NOT_GRADED,) or (item.status == INCORRECT and "cell" in item.reason):
                log.append(f"{student}: {exercise.id}: {item.status}: {item.reason}")
            if item.hidden_status == INCORRECT:
                log.append(f"{student}: {exercise.id}: hidden checks failed: {item.hidden_reason}")
        for note in lifted.notes:
            log.append(f"{student}: {assignment.path.name}: {note}")
        if run.restarts:
            result.notes.append(
                f"the kernel was restarted {run.restarts} time(s), each time without the cell that stopped it"
            )
        if not run.finished:
            result.notes.append(f"the notebook ran past its {limits.timeout:g} s limit")
        if run.output_bytes > 2**20:
            result.notes.append(f"the notebook printed {run.output_bytes / 2**20:.0f} MB of output")
        log.append(
            f"{student}: {assignment.path.name}: ran in {run.seconds:.1f} s, "
            f"{run.restarts} restart(s), {run.output_bytes} bytes of output"
        )
    return result, log


def grade(
    assignment_paths: list[Path],
    submissions: Path,
    out: Path,
    hidden_dir: Path | None = None,
    limits: Limits | None = None,
) -> tuple[Path, list[StudentResult]]:
    """Grade every submission; write gradebook.csv, feedback/ and grading.log under ``out``."""
    limits = limits or Limits()
    students = find_submissions(submissions)
    with tempfile.TemporaryDirectory(prefix="mlcourse-grading-") as tmp:
        work = Path(tmp)
        assignments = [load_assignment(Path(p), hidden_dir) for p in assignment_paths]
        ids = [e.id for a in assignments for e in a.exercises]
        if len(set(ids)) != len(ids):
            raise ValueError("the same notebook is named twice among the assignment notebooks.")
        before = _course_fingerprint(assignments)
        workers = max(1, limits.workers)
        with ThreadPoolExecutor(workers) as pool:  # threads wait; the work is in subprocesses
            list(pool.map(lambda a: reference_run(a, work, limits), assignments))
            graded = list(
                pool.map(
                    lambda item: grade_student(item[0], item[1], assignments, work, limits),
                    students.items(),
                )
            )
        results = [r for r, _ in graded]
        log = [line for _, lines in graded for line in lines]
        changed = sorted(
            p for p, h in _course_fingerprint(assignments).items() if before.get(p) != h
        )
        if changed:
            log.insert(0, f"(all): WARNING course files changed during grading: {changed}")
            print(
                f"mlcourse grade: course files changed during grading: {changed}", file=sys.stderr
            )
    path = gradebook.write_all(results, ids, Path(out), log)
    return path, results
