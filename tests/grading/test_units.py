"""Fast checks of the pieces: the safe format, lifting, and verdicts on forged captures."""

import json

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
