"""The suite is not vacuous: a broken reference solution or a check that always passes fails it.

Each test copies module 01 into a temporary course, breaks one spec (or notebook), and runs
the notebook suite on it in a subprocess (as `make test` would), then reads which tests failed
and why.
"""

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

SPEC = "01_vectors_matrices_exercises.py"
NOTEBOOK = "01_vectors_matrices.ipynb"


def run_suite_on_broken_copy(tmp_path, old, new, file=SPEC, env=None, only=NOTEBOOK):
    """Replace ``old`` by ``new`` in ``file`` of a copy of module 01, run the suite on its
    notebook ``only`` (a pytest node id under the module, or None for all), with ``env`` added,
    and return its FAILED lines."""
    module = tmp_path / "modules" / "01-math"
    shutil.copytree(ROOT / "modules" / "01-math", module)
    edited = module / file
    text = edited.read_text()
    assert old in text, f"{file} changed: update this test's edit"
    edited.write_text(text.replace(old, new, 1))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(module / only if only else tmp_path / "modules"),
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "-rf",
            "--tb=line",
            "--nbval-cell-timeout=120",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "MLCOURSE_ROOT": str(tmp_path), "COLUMNS": "400", **(env or {})},
    )
    assert result.returncode == 1, result.stdout[-3000:]
    return [line for line in result.stdout.splitlines() if line.startswith("FAILED")]


def test_deleting_a_reference_solution_body_fails_the_suite(tmp_path):
    failed = run_suite_on_broken_copy(
        tmp_path,
        "return (u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))",
        "pass",
    )
    print("\n".join(failed))
    assert any("solved::Cell 6 (01.01.2 check)" in f for f in failed), failed
    assert all("01.01.2" in f for f in failed), failed


def test_a_check_that_always_passes_fails_the_suite(tmp_path):
    failed = run_suite_on_broken_copy(
        tmp_path,
        'checks={"l2_norm": Function(cases=_VECTOR_CASES)}',
        'checks={"l2_norm": type("AlwaysPasses", (Close,), {"diff": lambda *a: None})()}',
        # As if `make test` ran from a JupyterLab terminal or notebook: its kernels would inherit
        # the session's name, where a learner's checks show outcomes instead of raising them.
        # The harness must still run them strict, or every check would look passed.
        env={"JPY_SESSION_NAME": "learner.ipynb"},
    )
    print("\n".join(failed))
    assert any("shipped::Cell 4 (01.01.1 check)" in f and "vacuous" in f for f in failed), failed
    assert any("(01.01.1 wrong answer 1)" in f and "passes the check" in f for f in failed)
    assert any("(01.01.1 wrong answer 2)" in f for f in failed), failed
    assert all("01.01.1" in f for f in failed), failed  # the other checks still raise


@pytest.mark.parametrize("exercise_id", ["01.01.4"])
def test_a_wrong_answer_equal_to_the_solution_fails_the_suite(tmp_path, exercise_id):
    failed = run_suite_on_broken_copy(tmp_path, '"M = R @ S\\n"', '"M = S @ R\\n"')
    print("\n".join(failed))
    assert any(f"({exercise_id} wrong answer 1)" in f and "passes the check" in f for f in failed)


def test_a_process_a_notebook_leaves_running_fails_the_suite(tmp_path):
    failed = run_suite_on_broken_copy(
        tmp_path,
        '"import numpy as np\\n"',
        '"import numpy as np\\n", "import subprocess\\n", '
        '"server = subprocess.Popen([\\"sleep\\", \\"120\\"])\\n"',
        file=NOTEBOOK,
        only=f"{NOTEBOOK}::shipped",
    )
    print("\n".join(failed))
    assert len(failed) == 1 and "processes of its kernel still running" in failed[0], failed
    assert "sleep 120" in failed[0], failed
