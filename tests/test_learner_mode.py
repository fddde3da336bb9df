"""A learner's Run All goes on past unsolved exercises; every runner that reads outcomes is strict.

In a Jupyter server's kernel (``JPY_SESSION_NAME``) a failed check shows its message and returns;
everywhere else, and wherever ``MLCOURSE_STRICT=1``, it raises its outcome as before.
"""

import os
import shutil
import subprocess
import sys

import pytest

from mlcourse import notebook
from mlcourse.outcomes import NOT_ATTEMPTED, NotAttempted
from mlcourse.registry import load_exercises
from mlcourse.session import STRICT, ExerciseSet, strict
from tests.conftest import ROOT, course_notebooks
from tests.test_exercise import make_value_exercise


@pytest.fixture
def learner_session(monkeypatch):
    """The environment a learner's JupyterLab gives its kernels (progress is not recorded)."""
    monkeypatch.delenv(STRICT, raising=False)
    monkeypatch.setenv("JPY_SESSION_NAME", "notebook.ipynb")
    monkeypatch.setenv("MLCOURSE_PROGRESS", "0")


@pytest.mark.parametrize(
    ("session", "switch", "expected"),
    [
        (None, None, True),  # a plain kernel, nbval, nbclient, a script: strict
        ("nb.ipynb", None, False),  # a Jupyter server's kernel: the learner's run goes on
        ("nb.ipynb", "1", True),  # the suite, make check and grading, even under Jupyter
        (None, "0", False),  # another front end, asked for by hand
        ("nb.ipynb", "yes", False),  # an unknown value is ignored
    ],
)
def test_strict_unless_a_learner_session(monkeypatch, session, switch, expected):
    for name, value in (("JPY_SESSION_NAME", session), (STRICT, switch)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert strict() is expected


def test_a_failed_check_raises_when_strict(monkeypatch):
    monkeypatch.setenv(STRICT, "1")
    monkeypatch.setenv("MLCOURSE_PROGRESS", "0")
    ex = ExerciseSet([make_value_exercise()])
    with pytest.raises(NotAttempted):
        ex.q1.check({"x": [1.0], "m": ...})


def test_a_failed_check_shows_its_message_and_returns_for_a_learner(learner_session, capsys):
    ex = ExerciseSet([make_value_exercise()])
    assert ex.q1.check({"x": [1.0], "m": ...}) is None
    shown = capsys.readouterr().out
    assert f"99.01.1 {NOT_ATTEMPTED}" in shown, shown
    assert "ex.q1.hint()" in shown, shown


def test_the_suite_runs_its_kernels_strict():
    # This process runs under the harness plugin (pytest_configure), so its kernels inherit it.
    assert os.environ.get(STRICT) == "1"


def _run_as_a_learner(path):
    """Run All, as JupyterLab does it: stop at the first cell that raises."""
    from nbclient import NotebookClient

    nb = notebook.read(path)
    client = NotebookClient(
        nb,
        kernel_name="python3",  # jupyter_client runs "python" kernels with this interpreter
        timeout=120,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError at the first failing cell, as Run All stops
    return nb


def _text(cell) -> str:
    return "".join(
        out.get("text", "") + out.get("data", {}).get("text/plain", "") for out in cell.outputs
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_run_all_runs_every_cell_of_a_shipped_notebook(learner_session, path):
    nb = _run_as_a_learner(path)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    skipped = [i for i, cell in enumerate(code) if cell.execution_count is None]
    assert not skipped, f"code cells {skipped} of {path.name} never ran"
    checks = [cell for cell in code if notebook.cell_role(cell)[0] == "check"]
    assert checks, f"{path.name} has no check cell"
    for cell in checks:
        exercise_id = notebook.cell_role(cell)[1]
        shown = _text(cell)
        assert f"{exercise_id} {NOT_ATTEMPTED}" in shown, (exercise_id, cell.outputs)
        html = "".join(out.get("data", {}).get("text/html", "") for out in cell.outputs)
        assert f"{exercise_id} {NOT_ATTEMPTED}" in html, (exercise_id, cell.outputs)


@pytest.mark.slow
def test_make_check_reads_every_outcome_even_from_a_learner_session(tmp_path):
    """`make check` run from a JupyterLab terminal or notebook inherits JPY_SESSION_NAME; its
    kernels must still raise, or every untouched exercise would count as correct."""
    path = tmp_path / "01_vectors_matrices.ipynb"
    shutil.copy(ROOT / "modules" / "01-math" / path.name, path)
    env = {**os.environ, "JPY_SESSION_NAME": str(path), "MLCOURSE_PROGRESS": "0"}
    env.pop(STRICT, None)
    result = subprocess.run(
        [sys.executable, "-m", "mlcourse", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    total = len(load_exercises("01.01"))
    assert f"0 of {total} correct (0 incorrect, {total} not attempted)" in result.stdout, (
        result.stdout
    )
