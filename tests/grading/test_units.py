"""Fast checks of the pieces: the safe format, lifting, and verdicts on forged captures."""

import json
from pathlib import Path

import numpy as np
import pytest

from mlcourse.exercise import Close, Exercise
from mlcourse.grading import checks, codec, lift
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        float("nan"),
        "s",
        [1, (2, 3)],
        {"a": {1, 2}},
        np.arange(6).reshape(2, 3),
        np.float32(1.5),
        np.array(["a", None], dtype=object),
    ],
)
def test_codec_round_trip(value):
    back = codec.decode(json.loads(json.dumps(codec.encode(value))))
    assert repr(back) == repr(value)


def test_codec_refuses_objects_and_pickles():
    with pytest.raises(codec.Unencodable):
        codec.encode(object())
    pickled = {codec.KIND: "array", "npy": "gASVAAAAAAAAAAA="}  # not a .npy: must not unpickle
    with pytest.raises(ValueError):
        codec.decode(pickled)


def test_lift_takes_tagged_code_cells_only():
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["exercise:01.01.1"]}, "source": ["a = 1\n"]},
        {"cell_type": "markdown", "metadata": {"tags": ["exercise:01.01.2"]}, "source": "x"},
        {"cell_type": "code", "metadata": {"tags": "not a list"}, "source": "b = 2"},
    ]
    lifted = lift.lift(cells, ["01.01.1", "01.01.2", "01.01.3"])
    assert lifted.answers == {"01.01.1": "a = 1\n"}
    assert "markdown cell" in lifted.problems["01.01.2"]
    assert "no cell tagged" in lifted.problems["01.01.3"]


def test_forged_captures_earn_only_what_they_claim():
    exercise = Exercise(
        id="99.01.1",
        title="a product",
        checks={"M": Close()},
        solution="M = np.diag([2.0, 1.0])\n",
        hints=["h"],
    )
    right = np.diag([2.0, 1.0])
    reference = {"names": {"M": {"state": "value", "value": codec.encode(right)}}}
    claim = lambda value: {"names": {"M": {"state": "value", "value": codec.encode(value)}}}  # noqa: E731
    assert checks.grade(exercise, {}, claim(right), reference).status == CORRECT
    assert checks.grade(exercise, {}, claim(np.eye(2)), reference).status == INCORRECT
    forged = {"names": {"M": {"state": "correct", "status": "correct"}}}
    assert checks.grade(exercise, {}, forged, reference).status == INCORRECT
    assert checks.grade(exercise, {}, {"names": {}}, reference).status == NOT_ATTEMPTED


def test_codec_carries_data_frames_for_frame_checks():
    import pandas as pd

    from mlcourse.exercise import Frame

    frame = pd.DataFrame(
        {"mnth": ["Jan", None], "bikers": [3, 4], "temp": [0.2, np.nan]}, index=[7, 9]
    )
    back = codec.decode(json.loads(json.dumps(codec.encode(frame))))
    assert list(back.columns) == ["mnth", "bikers", "temp"] and list(back.index) == [7, 9]
    assert Frame().diff("df", back, codec.decode(codec.encode(frame))) is None
    with pytest.raises(codec.Unencodable):
        codec.encode(pd.DataFrame([[1, 2]], columns=["a", "a"]))


def test_codec_sends_what_it_cannot_carry_as_its_type_name_only():
    class Widget:
        def __reduce__(self):  # would run code if anything unpickled it
            raise AssertionError("never pickled")

    encoded = json.loads(json.dumps(codec.encode({"w": Widget(), "f": np.sin}, opaque=True)))
    back = codec.decode(encoded)
    assert type(back["w"]).__name__ == "Widget" and isinstance(back["w"], codec.Opaque)
    assert isinstance(back["f"], codec.Opaque) and not callable(back["f"])
    with pytest.raises(codec.Unencodable):
        codec.encode(lambda x: x)  # without opaque, refused
    # the grader's words for an opaque value are the notebook's words for the real one
    assert Close().diff("x", back["w"], 1.0) == Close().diff("x", Widget(), 1.0)


# --- the sandbox's pieces (no kernels) --------------------------------------------------------


def test_the_grading_release_of_a_spec_has_no_solution_and_no_expected_values():
    from mlcourse.release import RELEASED_SOLUTION, released_spec
    from tests.grading.cohort import EXERCISES, NOTEBOOK

    source = NOTEBOOK.with_name(NOTEBOOK.stem + "_exercises.py").read_text()
    released = released_spec(source, expected=False)
    assert "attach_expected" not in released
    for exercise in EXERCISES:
        shown = "".join([*exercise.hints, *(w.message for w in exercise.wrong_answers)])
        for code in [exercise.solution, *(w.code for w in exercise.wrong_answers)]:
            lines = [line.strip() for line in code.splitlines() if len(line.strip()) > 12]
            assert not [line for line in lines if line in released and line not in shown]
    scope = {"__file__": "released_exercises.py", "__name__": "released"}
    exec(compile(released, "released", "exec"), scope)  # noqa: S102 - our own spec
    for exercise in scope["EXERCISES"]:
        assert exercise.solution == RELEASED_SOLUTION and exercise.expected is None
        assert not exercise.equivalent_mutants
        assert all(not w.code.strip() and w.expected is None for w in exercise.wrong_answers)
        assert all(w.message for w in exercise.wrong_answers)  # messages stay: they are feedback


def test_a_submissions_budget_comes_from_the_reference_run_unless_given():
    from mlcourse.grading.sandbox import Limits

    assert Limits(cell_timeout=60).submission_budget([5.2]) == 106  # 3 x 5.2 + 30 + 60
    assert Limits(cell_timeout=10).submission_budget([5.0, 2.0]) == 3 * 7 + 60 + 10
    assert Limits(budget=20).submission_budget([100.0]) == 20


def test_the_kernel_command_confines_it(tmp_path):
    from mlcourse.grading import confine
    from tests.grading.cohort import NOTEBOOK

    view = confine.prepare([NOTEBOOK], None, tmp_path / "released")
    view = confine.for_run(view, tmp_path / "run", confined=True)
    kernel_dir = tmp_path / "k"
    argv = confine.command("bwrap", view, kernel_dir, ["python", "-m", "kernel"])
    options = " ".join(argv[: argv.index("--")])
    for option in ("--unshare-all", "--unshare-user", "--uid 65534", "--gid 65534"):
        assert option in options
    for option in ("--die-with-parent", "--new-session", "--clearenv", "--remount-ro /"):
        assert option in options
    writable = [argv[i + 2] for i, arg in enumerate(argv) if arg == "--bind"]
    assert writable == [confine.SCRATCH, confine.CAPTURES, str(kernel_dir)]
    sources = {argv[i + 1] for i, arg in enumerate(argv) if arg.endswith("bind")}
    from tests.conftest import ROOT

    assert str(ROOT) not in sources and str(ROOT / "modules") not in sources  # only the release
    assert "--setenv MLCOURSE_ROOT /course" in options and argv[-3:] == ["python", "-m", "kernel"]
    released = Path(view.course) / "modules" / NOTEBOOK.parent.name
    assert sorted(p.name for p in released.glob("*_exercises.py")) == [
        NOTEBOOK.stem + "_exercises.py"
    ]
    assert (
        "The reference solution is not part of this release"
        in next(released.glob("*_exercises.py")).read_text()
    )


def test_grading_refuses_without_bubblewrap_and_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    from mlcourse.cli import main
    from tests.grading.cohort import NOTEBOOK

    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap there
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    command = ["grade", str(NOTEBOOK), "--submissions", str(submissions), "--out"]
    assert main([*command, str(tmp_path / "out")]) == 2
    message = capsys.readouterr().err
    assert "`bwrap` is not on PATH" in message and "apt-get install bubblewrap" in message
    assert "--no-sandbox" in message
    assert not (tmp_path / "out").exists()


def test_the_gradebook_and_feedback_state_the_runs_conditions():
    from mlcourse.grading.gradebook import ExerciseResult, StudentResult, feedback
    from mlcourse.outcomes import CORRECT, NOT_GRADED

    result = StudentResult(
        "ada",
        [
            ExerciseResult("01.01.1", "one", CORRECT, score=1.0),
            ExerciseResult("01.01.2", "two", NOT_GRADED, "its check never ran (x)."),
        ],
        stopped="time budget exhausted: 46 s per submission",
        conditions=["graded without a sandbox (--no-sandbox)"],
    )
    assert result.status() == (
        "partially graded",
        "not graded: 01.01.2 (time budget exhausted: 46 s per submission)",
    )
    assert result.detail().endswith("; graded without a sandbox (--no-sandbox)")
    assert "> graded without a sandbox (--no-sandbox)" in feedback(result, 2)
