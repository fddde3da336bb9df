"""Comparison helpers that explain a difference instead of only detecting it.

Each ``diff_*`` function returns ``None`` when ``got`` matches ``expected`` and otherwise a
short reason in the style of scikit-learn's validation messages: what was expected, what was
got, and what to do. Value reasons say *where* and *by how much* without printing the
expected answer itself.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

MAX_LISTED = 5


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr`` cut to ``limit`` characters, with arrays printed compactly."""
    if isinstance(value, np.generic):
        value = value.item()
    if callable(value) and hasattr(value, "__name__") and not isinstance(value, type):
        return value.__name__  # functions by name: no memory address in messages
    if isinstance(value, np.ndarray):
        text = np.array2string(value, threshold=6, edgeitems=2, precision=4, separator=", ")
        text = f"array({text})"
    else:
        text = repr(value)
        if " object at 0x" in text:  # a default repr: no memory addresses in messages
            text = f"<{type_name(value)} object>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(value: Any) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def listed(label: str, items) -> str:
    """'missing: ['a', 'b']', sorted and capped at five (with a count of the rest)."""
    items = sorted(items, key=str)
    head = ", ".join(repr(i) for i in items[:MAX_LISTED])
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return f"{label} [{head}]{more}"


def is_real_number(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and np.issubdtype(value.dtype, np.number)
    return isinstance(value, numbers.Real)


def _tolerance(rtol: float, atol: float) -> str:
    return f"rtol={rtol:g}, atol={atol:g}"


def diff_scalars(name: str, got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9):
    """Reason why number ``got`` differs from ``expected``, or ``None``."""
    if not is_real_number(got):
        hint = ""
        if isinstance(got, np.ndarray) and got.size == 1:
            hint = " Use `.item()` to turn a one-element array into a number."
        elif isinstance(got, (np.ndarray, list, tuple)):
            hint = " Did you forget to reduce it (sum, mean, ...) to a single value?"
        return f"`{name}` should be a number, got {type_name(got)} {short_repr(got)}.{hint}"
    got_f, exp_f = float(got), float(expected)
    if math.isnan(exp_f) or math.isnan(got_f):
        if math.isnan(exp_f) and math.isnan(got_f):
            return None
        return f"`{name}` is {got_f!r}; it should {'' if math.isnan(exp_f) else 'not '}be NaN."
    if math.isclose(got_f, exp_f, rel_tol=rtol, abs_tol=atol):
        return None
    if math.isinf(exp_f) or math.isinf(got_f):  # no distance to an infinity: name both values
        return f"`{name}` is {got_f!r}; it should be {exp_f!r}."
    off = got_f - exp_f
    relative = f" ({abs(off) / abs(exp_f):.1%} relative)" if exp_f else ""
    direction = "too large" if off > 0 else "too small"
    return (
        f"`{name}` = {got_f:.6g} is {direction} by {abs(off):.3g}{relative}; "
        f"allowed tolerance is {_tolerance(rtol, atol)}."
    )


def _nan_equal(got: Any, expected: Any) -> bool:
    """``got == expected``, except that NaN equals NaN, also inside lists, tuples and dicts.

    Python's containers compare NaN by identity, so ``{"x": nan} == {"x": nan}`` holds for one
    object in a notebook and fails for the copy a grader decodes: this keeps the two alike."""
    if isinstance(got, float) and isinstance(expected, float):
        return got == expected or (math.isnan(got) and math.isnan(expected))
    if isinstance(got, dict) and isinstance(expected, dict):
        return got.keys() == expected.keys() and all(
            _nan_equal(got[key], expected[key]) for key in expected
        )
    if isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple)):
        return (
            type(got) is type(expected)
            and len(got) == len(expected)
            and all(_nan_equal(g, e) for g, e in zip(got, expected))
        )
    return bool(got == expected)


def diff_exact(name: str, got: Any, expected: Any):
    """Reason why ``got`` is not exactly ``expected`` (ints, strings, tuples, sets...)."""
    if isinstance(expected, bool) and isinstance(got, np.bool_):
        got = bool(got)
    both_integers = all(
        isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))
        for v in (got, expected)
    )
    if type(got) is not type(expected) and not both_integers:
        return f"`{name}` should be of type {type_name(expected)}, got {type_name(got)}."
    if isinstance(expected, (set, frozenset)):
        if got == expected:
            return None
        parts = [listed("missing:", expected - got), listed("unexpected:", got - expected)]
        return f"`{name}` has the wrong elements; " + ", ".join(p for p in parts if "[]" not in p)
    if isinstance(expected, (list, tuple)) and len(got) != len(expected):
        return f"`{name}` should have {len(expected)} elements, got {len(got)}."
    if _nan_equal(got, expected):
        return None
    if isinstance(expected, (list, tuple)):
        first = next(i for i, (g, e) in enumerate(zip(got, expected)) if not _nan_equal(g, e))
        return f"`{name}` differs first at position {first}: got {short_repr(got[first])}."
    return f"`{name}` is {short_repr(got)}, which is not the expected value."


def diff_arrays(name: str, got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9):
    """Reason why array-like ``got`` differs from ``expected``: type, shape, dtype, values."""
    expected = np.asarray(expected)
    if not isinstance(got, (np.ndarray, list, tuple, numbers.Number, np.generic)):
        return f"`{name}` should be a NumPy array, got {type_name(got)}."
    try:
        got_arr = np.asarray(got)
    except ValueError as err:  # ragged lists
        return f"`{name}` cannot be turned into an array ({err}). Make every row the same length."
    if got_arr.shape != expected.shape:
        fix = ""
        if got_arr.ndim > 1 and got_arr.shape == expected.shape[::-1]:
            fix = " It looks transposed: check the order of the operands or use `.T`."
        elif got_arr.size == expected.size:
            fix = (
                f" It has the right number of elements: reshape it with `.reshape{expected.shape}`."
            )
        return f"`{name}` should have shape {expected.shape}, got shape {got_arr.shape}.{fix}"
    numeric = np.issubdtype(expected.dtype, np.number)
    if numeric and not (
        np.issubdtype(got_arr.dtype, np.number) or np.issubdtype(got_arr.dtype, np.bool_)
    ):
        return f"`{name}` should hold numbers, got dtype {got_arr.dtype}."
    if not numeric:
        same = np.asarray((got_arr == expected) | (_missing(got_arr) & _missing(expected)), bool)
        if same.all():
            return None
        bad = np.argwhere(~same)
        where = tuple(int(i) for i in bad[0])
        return (
            f"`{name}` differs in {len(bad)} of {expected.size} elements, "
            f"first at index {where}: got {short_repr(got_arr[where])}."
        )
    got_f = got_arr.astype(float)
    exp_f = expected.astype(float)
    close = np.isclose(got_f, exp_f, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    bad = np.argwhere(~close)
    where = tuple(int(i) for i in bad[0]) if expected.ndim else ()
    got_v, exp_v = float(got_f[where]), float(exp_f[where])
    if np.isnan(got_v) or np.isnan(exp_v):
        detail = f"got {got_v!r} where {'a number' if np.isnan(got_v) else 'NaN'} is expected"
    else:
        detail = f"got {got_v:.6g}, off by {abs(got_v - exp_v):.3g}"
    place = f"at index {where}" if expected.ndim else "in its value"
    return (
        f"`{name}` differs in {len(bad)} of {expected.size} elements, first {place}: {detail} "
        f"(allowed tolerance {_tolerance(rtol, atol)})."
    )


def _missing(values: np.ndarray) -> np.ndarray:
    """Element-wise 'is None or NaN' for arrays of any dtype."""
    flat = [v is None or (isinstance(v, float) and math.isnan(v)) for v in values.ravel()]
    return np.array(flat, dtype=bool).reshape(values.shape)


def diff_frames(name: str, got: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9):
    """Reason why DataFrame ``got`` differs: type, columns, shape, dtypes, index, values."""
    import pandas as pd

    if not isinstance(got, pd.DataFrame):
        fix = (
            " Use `.to_frame()` to turn a Series into a DataFrame."
            if isinstance(got, pd.Series)
            else ""
        )
        return f"`{name}` should be a pandas DataFrame, got {type_name(got)}.{fix}"
    missing = set(expected.columns) - set(got.columns)
    unexpected = set(got.columns) - set(expected.columns)
    if missing or unexpected:
        parts = [
            listed("missing:", missing) if missing else "",
            listed("unexpected:", unexpected) if unexpected else "",
        ]
        return f"`{name}` has the wrong columns; " + ", ".join(p for p in parts if p) + "."
    if list(got.columns) != list(expected.columns):
        return f"`{name}` has the right columns in the wrong order: use `{name}[{list(expected.columns)!r}]`."
    if got.shape != expected.shape:
        return f"`{name}` should have {len(expected)} rows, got {len(got)}."
    if not got.index.equals(expected.index):
        return (
            f"`{name}` has a different index (first labels {short_repr(list(got.index[:3]))}). "
            "Did you forget `.reset_index(drop=True)`, or reset it when you should not have?"
        )
    for column in expected.columns:
        e_col, g_col = expected[column], got[column]
        if pd.api.types.is_numeric_dtype(e_col) != pd.api.types.is_numeric_dtype(g_col):
            return (
                f"column {column!r} of `{name}` should have dtype {e_col.dtype}, got {g_col.dtype}."
            )
        label = f"{name}[{column!r}]"
        if pd.api.types.is_numeric_dtype(e_col):
            reason = diff_arrays(
                label,
                g_col.to_numpy(dtype=float, na_value=np.nan),
                e_col.to_numpy(dtype=float, na_value=np.nan),
                rtol,
                atol,
            )
        else:
            reason = diff_arrays(
                label, g_col.astype(object).to_numpy(), e_col.astype(object).to_numpy()
            )
        if reason:
            return reason
    return None


def diff_estimator_api(name: str, estimator: Any, X: Any, y: Any) -> str | None:
    """Reason why ``estimator`` (a class or an instance) breaks the scikit-learn estimator API."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    try:
        instance = estimator() if isinstance(estimator, type) else clone(estimator)
    except Exception as err:  # noqa: BLE001 - report any failure to construct or clone
        return f"`{name}` cannot be created with default arguments or cloned: {type(err).__name__}: {err}"
    for method in ("fit", "predict", "get_params", "set_params"):
        if not callable(getattr(instance, method, None)):
            fix = " Inherit from `sklearn.base.BaseEstimator`." if "params" in method else ""
            return f"`{name}` has no `{method}` method.{fix}"
    try:
        instance.predict(X)
    except NotFittedError:
        pass
    except NotImplementedError:
        raise  # a stub: the caller reports it as not attempted
    except Exception as err:  # noqa: BLE001
        return (
            f"`{name}.predict` before `fit` raised {type(err).__name__}; it should raise "
            "NotFittedError: call `sklearn.utils.validation.check_is_fitted(self)` first."
        )
    else:
        return f"`{name}.predict` works before `fit`; it should raise NotFittedError."
    returned = instance.fit(X, y)
    if returned is not instance:
        return f"`{name}.fit` returned {short_repr(returned)}; it should `return self`."
    return None


def predictions_of(estimator: Any, X: Any, y: Any) -> np.ndarray:
    """Fit a fresh copy of ``estimator`` (class or instance) on X, y and predict X."""
    from sklearn.base import clone

    instance = estimator() if isinstance(estimator, type) else clone(estimator)
    return np.asarray(instance.fit(X, y).predict(X))


def _is_text(values) -> bool:
    values = np.asarray(values, dtype=object)
    return values.size > 0 and all(isinstance(v, str) for v in values.ravel())


def plot_data(ax: Any) -> dict:
    """What a figure shows, as data: line and scatter coordinates (text x values, such as month
    names on a categorical axis, as their positions plus the text), bars as x, y, width and
    height, and whether the figure is labelled."""
    lines, line_text = [], []
    for line in ax.get_lines():
        line_text.append([str(v) for v in line.get_xdata()] if _is_text(line.get_xdata()) else None)
        lines.append(np.asarray(line.get_xydata(), dtype=float))
    points = [
        np.asarray(c.get_offsets(), dtype=float)
        for c in ax.collections
        if hasattr(c, "get_offsets") and len(c.get_offsets())
    ]
    rectangles = [p for p in ax.patches if hasattr(p, "get_height") and hasattr(p, "get_x")]
    return {
        "lines": lines,
        "line_text": line_text,
        "points": points,
        "bars": np.array([float(p.get_height()) for p in rectangles]),
        "bar_boxes": np.array(
            [[p.get_x(), p.get_y(), p.get_width(), p.get_height()] for p in rectangles], dtype=float
        ).reshape(-1, 4),
        "labelled": bool(ax.get_title() and ax.get_xlabel() and ax.get_ylabel()),
    }


def diff_plot_data(name: str, shown: dict, expected: dict, rtol: float = 1e-6, atol: float = 1e-9):
    """Reason why what an Axes shows (``plot_data`` of it) differs from ``expected``."""
    for kind, noun in (("lines", "line"), ("points", "scatter layer")):
        if len(shown[kind]) != len(expected[kind]):
            return f"`{name}` should have {len(expected[kind])} {noun}(s), got {len(shown[kind])}."
    # Text x values (month names on a categorical axis) first: their positions are 0, 1, 2...
    # whatever the text, so the text is what says whether the line is right.
    texts = zip(shown.get("line_text", []), expected.get("line_text", []))
    for i, (g, e) in enumerate(texts):
        if e is not None and g != e:
            return f"`{name}` line {i} should run over x = {e}, got {g}."
    for kind, noun in (("lines", "line"), ("points", "scatter layer")):
        for i, (g, e) in enumerate(zip(shown[kind], expected[kind])):
            reason = diff_arrays(f"{name} {noun} {i} data", g, e, rtol, atol)
            if reason:
                return reason
    reason = diff_arrays(f"{name} bar heights", shown["bars"], expected["bars"], rtol, atol)
    if reason:
        return reason
    if "bar_boxes" in expected:  # where the bars stand: a histogram's bin edges, bar order
        reason = diff_arrays(
            f"{name} bar positions and widths (x, y, width, height of each bar)",
            shown["bar_boxes"],
            expected["bar_boxes"],
            rtol,
            atol,
        )
        if reason:
            return reason
    if expected["labelled"] and not shown["labelled"]:
        return f"`{name}` needs a title and both axis labels (`ax.set_title`, `set_xlabel`, `set_ylabel`)."
    return None
