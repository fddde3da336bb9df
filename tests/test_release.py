"""A release has working checks and no solution code anywhere."""

import os
import shutil
import subprocess
import sys

import pytest

from mlcourse import notebook
from mlcourse.release import release
from tests.grading.cohort import EXERCISES, NOTEBOOK, Q1, Q4, SOLUTION

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    module = tmp_path_factory.mktemp("course") / "modules" / NOTEBOOK.parent.name
    module.mkdir(parents=True)  # the one notebook these tests know, whatever the module holds
    for path in (NOTEBOOK, NOTEBOOK.with_name(NOTEBOOK.stem + "_exercises.py")):
        shutil.copy(path, module / path.name)
    out = tmp_path_factory.mktemp("release")
    release([module], out)
    return out


def _solution_lines() -> set[str]:
    shipped = NOTEBOOK.read_text()
    lines = set()
    for exercise in EXERCISES:
        codes = [exercise.solution] + [w.code for w in exercise.wrong_answers]
        for code in codes:
            lines |= {line.strip() for line in code.splitlines() if len(line.strip()) > 8}
    return {line for line in lines if line not in shipped}  # the stubs' own lines may stay


def test_no_solution_text_anywhere_in_the_release(released):
    lines = _solution_lines()
    assert lines, "the spec should have solution lines to look for"
    files = [p for p in released.rglob("*") if p.is_file()]
    assert any(p.name == "01_vectors_matrices_expected.json" for p in files)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="ignore")
        found = [line for line in lines if line in text]
        assert not found, f"{path.relative_to(released)} contains solution text {found[:2]}"


def test_released_checks_still_tell_the_three_outcomes(released):
    target = released / "modules" / NOTEBOOK.parent.name / NOTEBOOK.name
    answers = {Q1: SOLUTION[Q1], Q4: EXERCISES[3].wrong_answers[0].code}
    notebook.write(notebook.with_answers(notebook.read(target), answers), target)
    env = {**os.environ, "MLCOURSE_ROOT": str(released)}
    done = subprocess.run(
        [sys.executable, "-m", "mlcourse", "check", str(target)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "1 of 6 correct (1 incorrect, 4 not attempted)" in flat, done.stdout
    assert "Did you multiply in reading order?" in flat
