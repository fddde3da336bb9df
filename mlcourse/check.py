"""``make check``: run a learner's notebooks through nbval and tabulate each exercise's outcome.

The notebooks are executed in fresh kernels and never written to. Each check cell's outcome is
read from the kernel's error message (exception name and text), not from anything printed.
"""

from __future__ import annotations

import contextlib
import io
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from mlcourse import layout, notebook
from mlcourse.harness import OUTCOME_KEY
from mlcourse.outcomes import CORRECT, ERROR, INCORRECT, MISSING, NOT_ATTEMPTED, NOT_RUN, symbol
from mlcourse.registry import load_exercises


@dataclass
class ExerciseResult:
    exercise_id: str
    title: str
    notebook: str
    status: str = NOT_RUN
    reason: str = ""


@dataclass
class CheckReport:
    results: list[ExerciseResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def all_correct(self) -> bool:
        return bool(self.results) and self.count(CORRECT) == len(self.results)


class _OutcomeCollector:
    """pytest plugin object: keeps the outcome of every answer and check cell."""

    def __init__(self, progress=None):
        self.outcomes: dict[tuple[str, str], tuple[str, str]] = {}
        self.errors: list[str] = []
        self.progress = progress or sys.stderr
        self.current = None

    def pytest_runtest_logstart(self, nodeid, location):
        notebook = nodeid.split("::")[0]
        if notebook != self.current:
            self.current = notebook
            self.progress.write(f"\nrunning {notebook} ")
        self.progress.write(".")
        self.progress.flush()

    def pytest_runtest_logreport(self, report):
        for key, value in report.user_properties:
            if key == OUTCOME_KEY:
                exercise_id, role, status, reason = value
                self.outcomes[(exercise_id, role)] = (status, reason)
        if report.failed and report.when != "call":
            self.errors.append(f"{report.nodeid}: {report.longreprtext.splitlines()[-1:]}")

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(f"could not read {report.nodeid}: {report.longreprtext[-300:]}")


def find_notebooks(targets: list[str]) -> list[Path]:
    """Notebooks named, or found under the folders named (default: every module and the
    capstone's guided notebooks)."""
    if not targets:
        return layout.course_notebooks()
    found = []
    for path in map(Path, targets):
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; name a notebook or a module folder.")
        if path.is_dir():
            found += layout.notebooks_under(path)
        elif path.suffix == ".ipynb":
            found.append(path)
        else:
            raise ValueError(f"{path} is not a notebook (.ipynb) or a folder.")
    return found


def run_check(targets: list[str], workers: int = 2, cell_timeout: int = 120) -> CheckReport:
    """Run the notebooks and return one result per exercise of their specs."""
    import pytest

    notebooks = find_notebooks(targets)
    report = CheckReport()
    for path in notebooks:
        for exercise in load_exercises(notebook.notebook_id(path)):
            report.results.append(ExerciseResult(exercise.id, exercise.title, path.name))
    if not notebooks:
        return report
    collector = _OutcomeCollector()
    args = [
        *map(str, notebooks),
        "--course-notebooks=check",
        f"--nbval-cell-timeout={cell_timeout}",
        "-o",
        "addopts=",
        "-p",
        "no:cacheprovider",
        "-qq",
        "--tb=no",
        "--no-header",
        "--rootdir",
        str(Path(notebooks[0]).resolve().parent),
    ]
    if workers > 1 and len(notebooks) > 1:
        args += ["-n", str(min(workers, len(notebooks))), "--dist", "loadfile"]
    pytest_output = io.StringIO()  # pytest's own report is noise here; our table replaces it
    with contextlib.redirect_stdout(pytest_output):
        pytest.main(args, plugins=[collector])
    sys.stderr.write("\n")
    for result in report.results:
        check = collector.outcomes.get((result.exercise_id, "check"))
        answer = collector.outcomes.get((result.exercise_id, "answer"))
        if check is None:
            result.status = NOT_RUN if answer else MISSING
            result.reason = "" if answer else "no check cell for it in the notebook"
            continue
        result.status, result.reason = check
        if answer and answer[0] == ERROR and result.status != CORRECT:
            result.status, result.reason = INCORRECT, f"your answer cell failed: {answer[1]}"
    report.problems = collector.errors
    return report


def format_table(report: CheckReport, width: int = 100) -> str:
    """One row per exercise; a failure's full reason wrapped on the lines below its row."""
    lines = []
    notebook_name = None
    for r in report.results:
        if r.notebook != notebook_name:
            notebook_name = r.notebook
            lines.append(f"\n{notebook_name}")
        lines.append(f"  {symbol(r.status)} {r.exercise_id:<9} {r.status:<14} {r.title}")
        if r.reason and r.status != NOT_ATTEMPTED:
            lines += textwrap.wrap(
                r.reason, width=max(width, 40), initial_indent=" " * 14, subsequent_indent=" " * 14
            )
    total = len(report.results)
    lines.append(
        f"\n{report.count(CORRECT)} of {total} correct"
        f" ({report.count(INCORRECT)} incorrect, {report.count(NOT_ATTEMPTED)} not attempted"
        + "".join(f", {report.count(s)} {s}" for s in (ERROR, MISSING, NOT_RUN) if report.count(s))
        + ")"
    )
    lines += [f"problem: {p}" for p in report.problems]
    return "\n".join(lines).lstrip("\n")
