"""The comparison helpers: each difference gets its own, specific reason."""

import numpy as np
import pandas as pd
import pytest

from mlcourse import compare


@pytest.mark.parametrize(
    "got, expected, fragment",
    [
        (np.array([1.0, 2.0]), np.array([1.0, 2.0, 3.0]), "should have shape (3,), got shape (2,)"),
        (np.ones((3, 2)), np.ones((2, 3)), "looks transposed"),
        (np.ones(6), np.ones((2, 3)), "reshape it with `.reshape(2, 3)`"),
        (
            np.array([1.0, 2.5, 3.0]),
            np.array([1.0, 2.0, 3.0]),
            "first at index (1,): got 2.5, off by 0.5",
        ),
        (np.array(["a", "b"]), np.array([1.0, 2.0]), "should hold numbers"),
        ({"a": 1}, np.array([1.0]), "should be a NumPy array, got dict"),
        (np.array([np.nan, 1.0]), np.array([0.0, 1.0]), "got nan where a number is expected"),
        (np.array(["x", "z"]), np.array(["x", "y"]), "first at index (1,): got 'z'"),
        (0.5, None, "differs in 1 of 1 elements, first at index (): got 0.5"),
    ],
)
def test_diff_arrays_names_the_problem(got, expected, fragment):
    reason = compare.diff_arrays("w", got, expected)
    assert reason is not None and fragment in reason, reason


def test_diff_arrays_accepts_lists_and_tolerance():
    assert compare.diff_arrays("w", [1.0, 2.0 + 1e-9], np.array([1.0, 2.0])) is None
    assert compare.diff_arrays("w", np.array([1.0, 2.1]), np.array([1.0, 2.0]), rtol=0.1) is None


def test_diff_arrays_does_not_print_the_expected_values():
    reason = compare.diff_arrays("w", np.array([7.25]), np.array([123.456]))
    assert "123.456" not in reason and "7.25" in reason


@pytest.mark.parametrize(
    "got, expected, fragment",
    [
        (np.array([5.0, 6.0]), 5.0, "should be a number, got numpy.ndarray"),
        (np.array([5.0]), 5.0, "Use `.item()`"),
        (True, 1.0, "should be a number, got bool"),
        (6.0, 5.0, "too large by 1 (20.0% relative)"),
        (4.0, 5.0, "too small by 1"),
        (float("nan"), 5.0, "it should not be NaN"),
        (1e9, float("inf"), "`score` is 1000000000.0; it should be inf."),
    ],
)
def test_diff_scalars_names_the_problem(got, expected, fragment):
    reason = compare.diff_scalars("score", got, expected)
    assert reason is not None and fragment in reason, reason


def test_diff_scalars_accepts_numpy_numbers_within_tolerance():
    assert compare.diff_scalars("score", np.float32(0.1), 0.1, rtol=1e-6) is None
    assert compare.diff_scalars("score", np.array(2.0), 2.0) is None
    assert compare.diff_scalars("score", float("nan"), float("nan")) is None


@pytest.mark.parametrize(
    "got, expected, fragment",
    [
        (3, "3", "should be of type str, got int"),
        ({1, 2, 9}, {1, 2, 3}, "missing: [3], unexpected: [9]"),
        ([1, 2], [1, 2, 3], "should have 3 elements, got 2"),
        ((1, 5, 3), (1, 2, 3), "differs first at position 1: got 5"),
        ("cat", "dog", "'cat', which is not the expected value"),
    ],
)
def test_diff_exact_names_the_problem(got, expected, fragment):
    reason = compare.diff_exact("answer", got, expected)
    assert reason is not None and fragment in reason, reason


def test_diff_exact_treats_numpy_integers_and_booleans_as_python_ones():
    assert compare.diff_exact("k", np.int64(3), 3) is None
    assert compare.diff_exact("flag", np.bool_(True), True) is None
    assert "should be of type bool, got int" in compare.diff_exact("flag", 1, True)


EXPECTED_FRAME = pd.DataFrame({"city": ["a", "b", None], "n": [1.0, 2.0, np.nan]})


@pytest.mark.parametrize(
    "got, fragment",
    [
        (EXPECTED_FRAME["n"], "Use `.to_frame()`"),
        (EXPECTED_FRAME.rename(columns={"n": "count"}), "missing: ['n'], unexpected: ['count']"),
        (EXPECTED_FRAME[["n", "city"]], "right columns in the wrong order"),
        (EXPECTED_FRAME.iloc[:2], "should have 3 rows, got 2"),
        (EXPECTED_FRAME.set_index(pd.Index([5, 6, 7])), "different index"),
        (EXPECTED_FRAME.assign(n=[1.0, 2.5, np.nan]), "`df['n']` differs in 1 of 3 elements"),
        (EXPECTED_FRAME.assign(n=["1", "2", "3"]), "column 'n' of `df` should have dtype float64"),
        (EXPECTED_FRAME.assign(city=["a", "c", None]), "`df['city']` differs in 1 of 3"),
    ],
)
def test_diff_frames_names_the_problem(got, fragment):
    reason = compare.diff_frames("df", got, EXPECTED_FRAME)
    assert reason is not None and fragment in reason, reason


def test_diff_frames_equal_frames_including_missing_values():
    assert compare.diff_frames("df", EXPECTED_FRAME.copy(), EXPECTED_FRAME) is None


def test_listed_caps_at_five_and_counts_the_rest():
    text = compare.listed("missing:", list("gfedcba"))
    assert text == "missing: ['a', 'b', 'c', 'd', 'e'] and 2 more"


class MeanRegressor:
    """A minimal estimator following the scikit-learn API."""

    def __init__(self, shift=0.0):
        self.shift = shift

    def get_params(self, deep=True):
        return {"shift": self.shift}

    def set_params(self, **params):
        self.shift = params.get("shift", self.shift)
        return self

    def fit(self, X, y):
        self.mean_ = float(np.mean(y)) + self.shift
        return self

    def predict(self, X):
        from sklearn.exceptions import NotFittedError

        if not hasattr(self, "mean_"):
            raise NotFittedError("call fit first")
        return np.full(len(X), self.mean_)


class NoSelfRegressor(MeanRegressor):
    def fit(self, X, y):
        super().fit(X, y)


class EagerRegressor(MeanRegressor):
    def predict(self, X):
        return np.zeros(len(X))


class NoParams:
    def fit(self, X, y):
        return self

    def predict(self, X):
        return X


XY = (np.arange(6.0).reshape(3, 2), np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize(
    "estimator, fragment",
    [
        (NoParams, "has no `get_params` method. Inherit from `sklearn.base.BaseEstimator`"),
        (NoSelfRegressor, "returned None; it should `return self`"),
        (EagerRegressor, "works before `fit`; it should raise NotFittedError"),
        (lambda required: None, "cannot be created with default arguments"),
    ],
)
def test_diff_estimator_api_names_the_broken_rule(estimator, fragment):
    reason = compare.diff_estimator_api("est", estimator, *XY)
    assert reason is not None and fragment in reason, reason


def test_diff_estimator_api_accepts_a_correct_estimator_class_or_instance():
    assert compare.diff_estimator_api("est", MeanRegressor, *XY) is None
    assert compare.diff_estimator_api("est", MeanRegressor(shift=1.0), *XY) is None
    assert compare.predictions_of(MeanRegressor(shift=1.0), *XY).tolist() == [3.0, 3.0, 3.0]


def draw(xs, ys, title="t", bars=()):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot(xs, ys)
    if bars:
        ax.bar(range(len(bars)), bars)
    ax.set(title=title, xlabel="x", ylabel="y")
    plt.close(fig)
    return ax


@pytest.mark.parametrize(
    "got, fragment",
    [
        (draw([0, 1], [0, 2]), "`ax line 0 data` differs in 1 of 4 elements"),
        (draw([0, 1], [0, 1], title=""), "needs a title and both axis labels"),
        (draw([0, 1], [0, 1], bars=(1, 2)), "`ax bar heights` should have shape (0,)"),
        ("not an axes", "should be a matplotlib Axes, got str"),
    ],
)
def test_diff_plot_names_the_problem(got, fragment):
    reason = diff_plot("ax", got, draw([0, 1], [0, 1]))
    assert reason is not None and fragment in reason, reason


def test_diff_plot_accepts_the_same_figure():
    assert diff_plot("ax", draw([0, 1], [0, 1]), draw([0, 1], [0, 1])) is None


def diff_plot(name, got, reference):
    from mlcourse.comparators import Plot

    plot = Plot()
    return plot.diff(name, plot.observe(name, got), plot.observe(name, reference))


def test_exact_treats_nan_as_equal_to_nan_also_in_a_decoded_copy():
    import math

    from mlcourse.compare import diff_exact

    # Two different NaN objects: what a grader decodes is never the notebook's own object.
    got = {"temp": float("nan"), "rows": [1.0, float("nan")], "ok": (math.nan, "x")}
    expected = {"temp": float("nan"), "rows": [1.0, float("nan")], "ok": (float("nan"), "x")}
    assert diff_exact("d", got, expected) is None
    assert diff_exact("v", float("nan"), float("nan")) is None
    assert "not the expected value" in diff_exact("d", {"temp": 1.0}, {"temp": float("nan")})
    assert "position 1" in diff_exact("t", (1.0, 2.0), (1.0, float("nan")))
