"""pytest plugin over nbval: runs course notebooks and names each test by its exercise id.

Modes (``--course-notebooks``):

* ``suite`` (the default under ``make test``): every notebook runs twice, in its own kernel
  each time. ``shipped`` runs it as committed: lesson and stub cells must pass and every check
  cell must fail with "not attempted" (a check that passes on the stub is vacuous). ``solved``
  replaces each stub with its reference solution, so every cell must pass, and after each check
  runs one probe cell per recorded wrong answer, which must fail with its own message. Every
  cell that draws a figure must show it (an image output): a backend switched to Agg by library
  code leaves a learner's figure blank. A notebook must stop what it starts: a process of its
  kernel still alive after the last cell (a server, a Spark JVM) fails the run, and is killed.
* ``check`` (``make check``): runs a learner's notebooks as they are and records each check's
  outcome for the progress table; nothing is written to the notebooks.

Every kernel these runs start is strict (``MLCOURSE_STRICT=1``): a failed check raises, as the
harness reads outcomes from kernel errors, even where a learner's Jupyter session would only
show them (``mlcourse.session.strict``). The suite prints how long each notebook run took.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict

import pytest
from nbval.plugin import IPyNbCell, IPyNbFile, NbCellError, find_comment_markers, find_metadata_tags

from mlcourse import ONE_THREAD, notebook
from mlcourse.outcomes import CORRECT, ERROR, NOT_ATTEMPTED, outcome_from_error
from mlcourse.registry import load_exercises
from mlcourse.session import STRICT

SHIPPED, SOLVED, LEARNER = "shipped", "solved", "learner"
OUTCOME_KEY = "mlcourse_outcome"
NOTEBOOK_BUDGET_S = 60
# A call that draws a Matplotlib (or seaborn) figure; comments are removed before matching.
DRAWS_FIGURE = re.compile(
    r"\b(?:plt|pyplot)\.(?:subplots?|subplot_mosaic|figure|plot|scatter|barh?|hist|imshow|"
    r"matshow|pcolormesh|contourf?|quiver|stem|fill_between|errorbar|boxplot|violinplot|pie|"
    r"hexbin|semilog[xy]|loglog|show)\s*\("
    r"|\.(?:plot|imshow|matshow|hist|hist2d|barh|boxplot|violinplot|pcolormesh|contourf?|quiver|"
    r"errorbar|fill_between|hexbin)\s*\("
    r"|\bsns\.\w*plot\s*\("
)


def pytest_addoption(parser):
    group = parser.getgroup("mlcourse", "course notebooks")
    group.addoption(
        "--course-notebooks",
        choices=["suite", "check", "off"],
        default="suite",
        help="suite: shipped + solved runs of each notebook; check: a learner's own run; off.",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: a slow test (run by make test, skip with -m 'not slow')"
    )
    if config.getoption("course_notebooks") != "off":
        config.option.nbval_current_env = True  # always the course's own environment
    # Kernels started by a test inherit this process's environment: every check in them raises
    # its outcome, even when pytest itself runs from a learner's JupyterLab.
    config._mlcourse_strict_before = os.environ.get(STRICT)
    os.environ[STRICT] = "1"
    # Notebook runs go side by side on the suite's workers: one thread per kernel (measured in a
    # cross-validation of 03.05 on 2 loaded cores: 4.2 s with a thread per core, 0.24 s with one).
    for variable, value in ONE_THREAD.items():
        os.environ.setdefault(variable, value)
    config.pluginmanager.register(NotebookTimes(config), "mlcourse-notebook-times")


def pytest_unconfigure(config):
    if hasattr(config, "_mlcourse_strict_before"):
        before = config._mlcourse_strict_before
        if before is None:
            os.environ.pop(STRICT, None)
        else:
            os.environ[STRICT] = before


def figure_call(source: str) -> str | None:
    """The first call in a cell's code that draws a figure, or None."""
    code = "\n".join(line.split("#", 1)[0] for line in source.splitlines())
    match = DRAWS_FIGURE.search(code)
    return match.group(0).rstrip("( ") if match else None


def shows_image(outputs) -> bool:
    return any(
        any(kind.startswith("image/") for kind in out.get("data", {}))
        for out in outputs or []
        if out.get("output_type") in ("display_data", "execute_result")
    )


def pytest_collection_modifyitems(items):
    """Notebook runs need kernels: `-m "not slow"` leaves them out of a quick inner loop."""
    for item in items:
        if isinstance(item, CourseCell):
            item.add_marker(pytest.mark.slow)


def pytest_collect_file(file_path, parent):
    mode = parent.config.getoption("course_notebooks")
    if file_path.suffix != ".ipynb" or mode == "off" or ".ipynb_checkpoints" in file_path.parts:
        return None
    if mode == "suite":
        return CourseNotebook.from_parent(parent, path=file_path)
    return NotebookRun.from_parent(parent, path=file_path, variant=LEARNER)


class CourseNotebook(pytest.File):
    """One notebook of the course: collects its shipped and solved runs."""

    def collect(self):
        for variant in (SHIPPED, SOLVED):
            yield NotebookRun.from_parent(
                self,
                path=self.path,
                name=variant,
                nodeid=f"{self.nodeid}::{variant}",
                variant=variant,
            )


class NotebookRun(IPyNbFile):
    """One kernel running one version of a notebook, a test item per code cell."""

    def __init__(self, *args, variant: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.variant = variant
        self.compare_outputs = False

    def collect(self):
        self.nb = notebook.read(self.path)
        if self.variant == SOLVED:
            self.nb = notebook.solved_copy(
                self.nb, load_exercises(notebook.notebook_id(self.path, self.nb)), strength=True
            )
        cells = list(self._cells())
        if cells:
            cells[-1].last = True
        return cells

    def _cells(self):
        cell_num = 0
        for cell in self.nb.cells:
            if cell.cell_type != "code":
                continue
            options = defaultdict(bool, find_metadata_tags(cell.metadata))
            options.update(dict(find_comment_markers(cell.source)))
            options.setdefault("check", False)
            probe = notebook.tagged_id(cell, notebook.PROBE_TAG)
            if probe:
                exercise_id, number = probe.rsplit(":", 1)
                what = (
                    "check strength"
                    if number == notebook.STRENGTH_PROBE
                    else f"wrong answer {number}"
                )
                role, name = "probe", f"Cell {cell_num - 1} ({exercise_id} {what})"
            else:
                role, exercise_id = notebook.cell_role(cell)
                name = f"Cell {cell_num}" + (f" ({exercise_id} {role})" if exercise_id else "")
            yield CourseCell.from_parent(
                self,
                name=name,
                cell_num=cell_num,
                cell=cell,
                options=options,
                role=role,
                exercise_id=exercise_id,
            )
            if not probe:
                cell_num += 1


class HarnessFailure(Exception):
    """A cell ran, but not as the suite requires (e.g. a check that passes on its stub)."""


class CourseCell(IPyNbCell):
    def __init__(self, *args, role: str, exercise_id: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.role = role
        self.exercise_id = exercise_id
        self.last = False

    def _kernel_error(self) -> tuple[str, str] | None:
        for out in self.test_outputs or []:
            if out.get("output_type") == "error":
                return out["ename"], out["evalue"]
        return None

    def runtest(self):
        try:
            super().runtest()
            failure = None
        except NbCellError as err:
            failure = err
        kernel_error = self._kernel_error()
        status, reason = outcome_from_error(*kernel_error) if kernel_error else (CORRECT, "")
        if failure is not None and kernel_error is None:  # a timeout or a dead kernel
            status, reason = ERROR, str(failure)
        if self.role in ("check", "answer"):
            self.user_properties.append(
                (OUTCOME_KEY, (self.exercise_id, self.role, status, reason))
            )

        if self.parent.variant == SHIPPED and self.role == "check":
            if status == NOT_ATTEMPTED:
                return
            if status == CORRECT:
                raise HarnessFailure(
                    f"check {self.exercise_id} passes on the untouched stub: the check is vacuous."
                )
            raise HarnessFailure(
                f"check {self.exercise_id} on the untouched stub should say 'not attempted', "
                f"got {status}: {reason}"
            )
        if failure is not None:
            raise failure
        if self.last and self.parent.variant != LEARNER:
            left_behind = processes_left_behind(self.parent.kernel)
            if left_behind:
                raise HarnessFailure(
                    f"{self.path.name} ends with processes of its kernel still running: "
                    f"{'; '.join(left_behind)}. A notebook that starts a server, a Spark session "
                    "or a subprocess must stop it itself, also when a cell fails (try/finally, "
                    "or a context manager), so that a learner's machine is left as it was."
                )
        if self.parent.variant == SOLVED and self.role != "probe":
            drawn = figure_call(self.cell.source)
            if drawn and not shows_image(self.test_outputs):
                raise HarnessFailure(
                    f"{self.name} draws a figure ({drawn}(...)) but showed no image in the solved "
                    "run, so a learner sees an empty output. Did code it calls switch Matplotlib's "
                    "backend (matplotlib.use('Agg'))? Library code should draw on a "
                    "matplotlib.figure.Figure; the cell should end with plt.show()."
                )

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, HarnessFailure):
            return str(excinfo.value)
        error = self._kernel_error()
        if self.role in ("check", "probe") and error:
            return f"{self.exercise_id} {self.role}: {error[0]}: {error[1]}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, self.nodeid


def processes_left_behind(kernel, grace_s: float = 5.0) -> list[str]:
    """The kernel's child processes still alive ``grace_s`` after its last cell, described,
    then killed (so that a failing notebook does not leave them to the rest of the suite)."""
    import psutil

    pid = getattr(kernel.km.provisioner, "pid", None)
    if pid is None:
        return []
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    _, alive = psutil.wait_procs(children, timeout=grace_s)
    described = []
    for process in alive:
        try:
            described.append(f"pid {process.pid} ({' '.join(process.cmdline())[:120]})")
            process.kill()
        except psutil.Error:
            continue
    return described


class NotebookTimes:
    """Adds up the time of every phase of every cell of a notebook run, printed at the end."""

    def __init__(self, config):
        self.config = config
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report):
        is_notebook = report.nodeid.split("::")[0].endswith(".ipynb")
        if is_notebook and not hasattr(self.config, "workerinput"):
            run = "::".join(report.nodeid.split("::")[:-1])
            self.seconds[run] += report.duration

    def pytest_terminal_summary(self, terminalreporter):
        if not self.seconds:
            return
        terminalreporter.section("notebook run times")
        for run, seconds in sorted(self.seconds.items(), key=lambda kv: -kv[1]):
            flag = f"  over the {NOTEBOOK_BUDGET_S} s budget" if seconds > NOTEBOOK_BUDGET_S else ""
            terminalreporter.write_line(f"{seconds:7.1f} s  {run}{flag}")
