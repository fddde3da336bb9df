"""Fast checks of the pieces: the safe format, lifting, and verdicts on forged captures."""

import json

import numpy as np
import pytest

from mlcourse.grading import checks, codec, lift
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED
from tests.grading.cohort import EXERCISES


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
    exercise = EXERCISES[3]  # M = S @ R
    angle = np.deg2rad(30)
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    right = np.diag([2.0, 1.0]) @ R
    reference = {"names": {"M": {"state": "value", "value": codec.encode(right)}}}
    claim = lambda value: {"names": {"M": {"state": "value", "value": codec.encode(value)}}}  # noqa: E731
    assert checks.verdict(exercise, {}, claim(right), reference).status == CORRECT
    assert checks.verdict(exercise, {}, claim(np.eye(2)), reference).status == INCORRECT
    forged = {"names": {"M": {"state": "correct", "status": "correct"}}}
    assert checks.verdict(exercise, {}, forged, reference).status == INCORRECT
    assert checks.verdict(exercise, {}, {"names": {}}, reference).status == NOT_ATTEMPTED


def test_codec_carries_data_frames_for_frame_checks():
    import pandas as pd

    from mlcourse.exercise import Frame

    frame = pd.DataFrame(
        {"mnth": ["Jan", None], "bikers": [3, 4], "temp": [0.2, np.nan]}, index=[7, 9]
    )
    back = codec.decode(json.loads(json.dumps(codec.encode(frame))))
    assert list(back.columns) == ["mnth", "bikers", "temp"] and list(back.index) == [7, 9]
    assert Frame().diff("df", back, codec.decode(codec.encode(frame))) is None
    assert "Frame" in [c.__name__ for c in checks.SUPPORTED]
    with pytest.raises(codec.Unencodable):
        codec.encode(pd.DataFrame([[1, 2]], columns=["a", "a"]))


def test_codec_sends_named_functions_to_kernels_but_never_resolves_one_from_them():
    encoded = json.loads(json.dumps(codec.encode([{"f": np.sin, "x": 1.0}])))
    assert codec.decode(encoded, allow_callables=True)[0]["f"] is np.sin
    with pytest.raises(ValueError, match="function reference"):
        codec.decode(encoded)  # what a kernel sends back is values only
    with pytest.raises(codec.Unencodable):
        codec.encode(lambda x: x)  # no name to find it by
