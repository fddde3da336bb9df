"""Progress records never fail a check; the table reads the latest outcome per exercise."""

import shutil

import pytest

from mlcourse import progress
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, Incorrect
from mlcourse.registry import load_exercises
from mlcourse.session import BoundExercise
from tests.conftest import ROOT


@pytest.fixture
def course(tmp_path, monkeypatch):
    module = tmp_path / "modules" / "01-math"  # a one-notebook course: tables stay stable
    module.mkdir(parents=True)
    for name in ("01_vectors_matrices.ipynb", "01_vectors_matrices_exercises.py"):
        shutil.copy(ROOT / "modules" / "01-math" / name, module / name)
    monkeypatch.setenv("MLCOURSE_ROOT", str(tmp_path))
    monkeypatch.setenv(progress.SWITCH, "1")
    return tmp_path


def test_latest_outcome_per_exercise_makes_the_table(course):
    for exercise_id, status in [
        ("01.01.1", INCORRECT),
        ("01.01.1", CORRECT),
        ("01.01.2", NOT_ATTEMPTED),
        ("01.01.3", CORRECT),
        ("01.01.3", INCORRECT),
    ]:
        assert progress.record_outcome(exercise_id, status)
    progress.progress_file().open("a").write("not json\n")
    assert progress.summary() == [("01-math", "01_vectors_matrices", 1, 2, 6)]
    table = progress.format_table(progress.summary())
    assert "01_vectors_matrices" in table and table.splitlines()[-1].split() == [
        "all",
        "1",
        "2",
        "6",
    ]


def test_a_check_records_its_outcome_and_survives_a_broken_store(course):
    bound = BoundExercise(load_exercises("01.01")[3], "ex.q4")
    import numpy as np

    with pytest.raises(Incorrect):
        bound.check({"R": np.eye(2), "S": 2 * np.eye(2), "M": np.zeros((2, 2))})
    assert progress.latest() == {"01.01.4": INCORRECT}
    shutil.rmtree(course / ".mlcourse")
    (course / ".mlcourse").write_text("a file where the folder should be")
    bound.check({"R": np.eye(2), "S": 2 * np.eye(2), "M": 2 * np.eye(2)})  # still passes


def test_nothing_is_recorded_outside_jupyter(course, monkeypatch):
    monkeypatch.delenv(progress.SWITCH)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert not progress.record_outcome("01.01.1", CORRECT)
    assert progress.latest() == {}


def test_verify_reruns_the_notebooks(course):
    from mlcourse import notebook

    path = course / "modules" / "01-math" / "01_vectors_matrices.ipynb"
    exercise = load_exercises("01.01")[0]
    notebook.write(
        notebook.with_answers(notebook.read(path), {exercise.id: exercise.solution}), path
    )
    progress.verify([str(path)], workers=1)
    assert progress.latest()["01.01.1"] == CORRECT
    assert progress.summary() == [("01-math", "01_vectors_matrices", 1, 1, 6)]
