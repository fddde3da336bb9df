"""`make check` on a learner's copy: untouched, solved, wrong, broken. Runs real kernels."""

import shutil
import subprocess
import sys

import pytest

from mlcourse import notebook
from mlcourse.registry import load_exercises
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

NOTEBOOK = ROOT / "modules" / "01-math" / "01_vectors_matrices.ipynb"
EXERCISES = load_exercises("01.01")


def run_check(*paths):
    result = subprocess.run(
        [sys.executable, "-m", "mlcourse", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def learner_copy(tmp_path):
    path = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, path)
    return path


def test_untouched_copy_scores_zero_and_is_not_modified(learner_copy):
    before = learner_copy.read_bytes()
    table = run_check(learner_copy)
    assert f"0 of {len(EXERCISES)} correct (0 incorrect, {len(EXERCISES)} not attempted)" in table
    assert learner_copy.read_bytes() == before


def test_pasted_solutions_score_full_marks(learner_copy):
    solved = notebook.with_answers(
        notebook.read(learner_copy), {e.id: e.solution for e in EXERCISES}
    )
    notebook.write(solved, learner_copy)
    table = run_check(learner_copy)
    assert f"{len(EXERCISES)} of {len(EXERCISES)} correct" in table


def test_wrong_and_broken_answers_are_reported_with_their_reasons(learner_copy):
    wrong = EXERCISES[3].wrong_answers[0]  # 01.01.4: R @ S
    answers = {
        EXERCISES[0].id: EXERCISES[0].solution,
        EXERCISES[3].id: wrong.code,
        EXERCISES[4].id: "w_normal = undefined_name @ y_diab\n",
    }
    notebook.write(notebook.with_answers(notebook.read(learner_copy), answers), learner_copy)
    table = run_check(learner_copy)
    flat = " ".join(table.split())
    rows = {line.split()[1]: line for line in table.splitlines() if line[2:3] in ("✓", "✗", "·")}
    assert "correct" in rows["01.01.1"] and "✓" in rows["01.01.1"]
    assert "incorrect" in rows["01.01.4"] and "Did you multiply in reading order?" in flat
    assert "incorrect" in rows["01.01.5"] and "your answer cell failed: NameError" in flat
    assert "not attempted" in rows["01.01.2"]
    assert f"1 of {len(EXERCISES)} correct (2 incorrect, 3 not attempted)" in table


def test_check_of_a_missing_path_says_so(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mlcourse", "check", str(tmp_path / "nope.ipynb")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "does not exist" in result.stderr
