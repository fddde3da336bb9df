"""A release has working checks and no solution code anywhere; modules release on their own
and together alike, and a failing notebook leaves the release folder as it was."""

import filecmp
import os
import shutil
import subprocess
import sys

import pytest

from mlcourse import notebook
from mlcourse.grading import checks
from mlcourse.release import NOTICE, release
from tests.conftest import ROOT
from tests.grading.cohort import EXERCISES, NOTEBOOK, Q1, Q4, SOLUTION

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

SECOND = ROOT / "modules" / "02-programming" / "01_python_idioms.ipynb"  # another module's


def _module(course, source):
    """A module folder holding only ``source`` and its spec (whatever the real module holds)."""
    module = course / "modules" / source.parent.name
    module.mkdir(parents=True, exist_ok=True)
    for path in (source, source.with_name(source.stem + "_exercises.py")):
        shutil.copy(path, module / path.name)
    return module


@pytest.fixture(scope="module")
def modules(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    return _module(course, NOTEBOOK), _module(course, SECOND)


@pytest.fixture(scope="module")
def apart(tmp_path_factory, modules):
    """01-math released, then 02-programming by a second command into the same folder."""
    first = tmp_path_factory.mktemp("release")
    release([modules[0]], first)
    both = tmp_path_factory.mktemp("apart") / "cohort"
    shutil.copytree(first, both)
    release([modules[1]], both)
    return first, both


@pytest.fixture(scope="module")
def released(apart):
    return apart[0]


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_modules_release_alike_together_and_one_per_command(tmp_path, modules, apart):
    together = tmp_path / "cohort"
    release(list(modules), together)
    both = apart[1]
    assert _files(together) == _files(both)
    names = [n for n in _files(together) if n.startswith("modules/")]
    assert names == [
        "modules/01-math/01_vectors_matrices.ipynb",
        "modules/01-math/01_vectors_matrices_exercises.py",
        "modules/01-math/01_vectors_matrices_expected.json",
        "modules/02-programming/01_python_idioms.ipynb",
        "modules/02-programming/01_python_idioms_exercises.py",
        "modules/02-programming/01_python_idioms_expected.json",
    ]
    _, mismatch, errors = filecmp.cmpfiles(together, both, names + [NOTICE], shallow=False)
    assert not mismatch and not errors
    notice = (together / NOTICE).read_text()
    assert (
        "Released with `mlcourse release` for a cohort: modules/01-math, modules/02-programming."
    ) in notice
    assert "**The expected values are included.**" in notice
    assert "for a value exercise they are its answer" in notice
    spec = (together / names[4]).read_text()
    assert spec.startswith("# Released copy: solution code removed; checks compare with the ")
    # the second module's released checks load their stored values
    env = {**os.environ, "MLCOURSE_ROOT": str(together)}
    code = (
        "from mlcourse.registry import load_exercises\n"
        "exercises = load_exercises('02.01')\n"
        "print(len(exercises), all(e.expected for e in exercises), "
        "any('not part of this release' in e.solution for e in exercises))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.stdout.split()[1:] == ["True", "True"], done.stderr


def test_a_failing_notebook_leaves_the_release_folder_as_it_was(tmp_path, modules, monkeypatch):
    import mlcourse.grading.grade as grading

    def solved_run(assignment, work, limits=None):
        if assignment.notebook_id == "02.01":
            raise checks.GradingError("the solved run of 01_python_idioms.ipynb failed")
        assignment.reference = {e.id: {"names": {}} for e in assignment.exercises}

    monkeypatch.setattr(grading, "reference_run", solved_run)
    out = tmp_path / "cohort"
    with pytest.raises(checks.GradingError, match="release stopped before writing anything"):
        release(list(modules), out)
    assert not out.exists()  # not even the toolkit or 01-math, released first in the list


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
