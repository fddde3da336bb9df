"""Exercises of 01_observability.ipynb: a JSON log line that strict parsers accept, a percentile
from cumulative histogram buckets, an alert rule with a window and a `for:` duration, and
error-budget arithmetic.

The cases are module-level values of this spec, so a check runs the same way in the notebook and
in a grading kernel; no check depends on a lesson cell, a server or a timing.
"""

import json
import logging
import math
from dataclasses import dataclass

import numpy as np

from mlcourse import compare
from mlcourse.comparators.base import Comparator
from mlcourse.exercise import Exercise, Function, WrongAnswer

# --- 06.01.1: one prediction, one line of strict JSON ------------------------------------------


class _NotStrictJson(ValueError):
    pass


def _refuse_constant(text):
    raise _NotStrictJson(text)


@dataclass(frozen=True)
class JsonLine(Comparator):
    """A string that must be one line of strict JSON (no NaN or Infinity), compared by content
    (parsed), so key order and spacing do not matter."""

    rtol: float = 1e-9

    def observe(self, name, value):
        if not isinstance(value, str):
            return {"type": type(value).__name__}
        lines = len(value.rstrip("\n").split("\n"))
        try:
            parsed = json.loads(value, parse_constant=_refuse_constant)
        except _NotStrictJson as err:
            return {"lines": lines, "constant": str(err)}
        except ValueError as err:
            return {"lines": lines, "invalid": str(err)[:120]}
        return {"lines": lines, "json": parsed}

    def diff(self, name, observed, expected):
        if "type" in observed:
            return f"`{name}` should be a string (one line of JSON), got {observed['type']}."
        if "constant" in observed:
            return (
                f"`{name}` holds `{observed['constant']}`, which is not JSON: a strict parser "
                "(most log pipelines, JavaScript, `jq`) rejects the whole line. Write a missing "
                "or non-finite number as null."
            )
        if "invalid" in observed:
            return f"`{name}` is not valid JSON ({observed['invalid']})."
        if observed["lines"] != 1:
            return (
                f"`{name}` spans {observed['lines']} lines; a log holds one JSON object per "
                "line, so a reader splits it by lines."
            )
        return _diff_json(name, observed["json"], expected["json"], self.rtol)

    def matches(self, observed, recorded):
        if "json" in observed and "json" in recorded:
            same = _diff_json("value", observed["json"], recorded["json"], self.rtol) is None
            return same and observed["lines"] == recorded["lines"]
        keys = ("type", "lines", "constant")
        return observed.keys() == recorded.keys() and all(
            observed.get(key) == recorded.get(key) for key in keys
        )


def _diff_json(name, got, want, rtol):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"`{name}` should be a JSON object, got {type(got).__name__}."
        missing, unexpected = sorted(set(want) - set(got)), sorted(set(got) - set(want))
        if missing:
            return f"`{name}` lacks the key(s) {missing[:5]}."
        if unexpected:
            return f"`{name}` has unexpected key(s) {unexpected[:5]}."
        for key in want:
            reason = _diff_json(f"{name}[{key!r}]", got[key], want[key], rtol)
            if reason:
                return reason
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return f"`{name}` should be a list of {len(want)} values."
        for i, (g, w) in enumerate(zip(got, want)):
            reason = _diff_json(f"{name}[{i}]", g, w, rtol)
            if reason:
                return reason
        return None
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return f"`{name}` should be a number, got {json.dumps(got)}."
        if not math.isclose(got, want, rel_tol=rtol, abs_tol=1e-12):
            return f"`{name}` is {got!r}, which is not the value of the record."
        return None
    if got != want:
        return f"`{name}` is {json.dumps(got)[:60]}, which is not the expected value."
    return None


@dataclass(frozen=True)
class FunctionOrRaise(Function):
    """`Function`, whose recorded wrong answers may also be recognised by raising: a wrong
    answer that raises the same exception type on the same cases (json.dumps refusing a NumPy
    integer) matches. (`Function` itself matches only answers that return.)"""

    def matches(self, observed, recorded):
        if "not_callable" in observed or "not_callable" in recorded:
            return False
        for got, want in zip(observed["calls"], recorded["calls"]):
            if "raised" in got or "raised" in want:
                if got.get("raised", "").split(":")[0] != want.get("raised", "").split(":")[0]:
                    return False
            elif (
                "changed" in got
                or "changed" in want
                or not self.returns.matches(got["returned"], want["returned"])
            ):
                return False
        return True


def _record(msg, args=(), level=logging.INFO, **extra):
    record = logging.LogRecord("predictions", level, "service.py", 1, msg, args, None)
    record.__dict__.update(extra)
    return record


_LOG_CASES = [
    dict(
        record=_record(
            "prediction",
            request_id="req-00001",
            model_version="hgb-v1",
            inputs={"hr": 8, "workingday": 1, "weathersit": "clear", "temp": 0.3},
            output=241.5,
            latency_ms=3.25,
        )
    ),
    dict(  # what a DataFrame row gives: NumPy scalars
        record=_record(
            "prediction",
            request_id="req-00002",
            model_version="hgb-v1",
            inputs={"hr": np.int64(17), "workingday": np.int64(1), "temp": np.float64(0.62)},
            output=np.float32(402.0),
            latency_ms=np.float64(4.5),
        )
    ),
    dict(  # a missing humidity (NaN) and a quote and a newline in a label
        record=_record(
            "prediction for %s",
            ("req-00003",),
            logging.WARNING,
            request_id="req-00003",
            model_version="hgb-v2",
            inputs={"hum": float("nan"), "weathersit": 'light "rain"\nsnow', "hr": 3},
            output=12.0,
            latency_ms=2.0,
        )
    ),
    dict(  # a model that failed: no output (None) and a latency that overflowed
        record=_record(
            "prediction",
            level=logging.ERROR,
            request_id="req-00004",
            model_version="hgb-v2",
            inputs={"hr": np.int32(23), "temp": np.nan},
            output=None,
            latency_ms=float("inf"),
        )
    ),
    dict(  # a float32 model that returned NaN: np.float32 is not a Python float, np.float64 is
        record=_record(
            "prediction",
            request_id="req-00005",
            model_version="mlp-v3",
            inputs={"hr": 12, "temp": np.float64("nan")},
            output=np.float32("nan"),
            latency_ms=np.float32(1.5),
        )
    ),
]

# --- 06.01.2: a percentile from cumulative bucket counts ---------------------------------------

_INF = float("inf")
_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, _INF]
_QUANTILE_CASES = [
    dict(q=0.99, upper_bounds=_BOUNDS, cumulative_counts=[120, 610, 930, 975, 990, 998, 1000]),
    dict(q=0.5, upper_bounds=_BOUNDS, cumulative_counts=[120, 610, 930, 975, 990, 998, 1000]),
    dict(q=0.9, upper_bounds=_BOUNDS, cumulative_counts=[40, 45, 60, 100, 300, 700, 700]),
    dict(q=0.05, upper_bounds=_BOUNDS, cumulative_counts=[40, 45, 60, 100, 300, 700, 700]),
    # every request slower than the largest finite bucket: Prometheus answers that bound
    dict(q=0.5, upper_bounds=_BOUNDS, cumulative_counts=[0, 0, 0, 0, 0, 0, 25]),
    # a window without a request: no percentile exists
    dict(q=0.99, upper_bounds=_BOUNDS, cumulative_counts=[0, 0, 0, 0, 0, 0, 0]),
    dict(q=0.75, upper_bounds=[0.1, 0.2, 0.4, _INF], cumulative_counts=[2, 2, 10, 10]),
    # the rank (20) equals a bucket's cumulative count exactly and the next bucket is empty: the
    # first bucket that reaches the rank holds it (a search for the first count above it does not)
    dict(q=0.5, upper_bounds=_BOUNDS, cumulative_counts=[10, 20, 20, 40, 40, 40, 40]),
]

# --- 06.01.3: an alert rule with a window and a `for:` duration --------------------------------


def _traffic():
    rng = np.random.default_rng(6013)
    minutes = 60
    requests = rng.poisson(200 + 150 * np.sin(np.arange(minutes) / 9.0))
    errors = rng.binomial(requests, 0.01)
    errors[12:14] = (requests[12:14] * 0.6).astype(int)  # a two-minute blip
    errors[35:50] = (requests[35:50] * 0.12).astype(int)  # an incident
    requests[52:55] = 0  # no traffic at all
    errors[52:55] = 0
    return errors, requests


_ERRORS, _REQUESTS = _traffic()
_ALERT_CASES = [
    dict(errors=_ERRORS, requests=_REQUESTS, threshold=0.05, window=5, for_minutes=3),
    dict(errors=_ERRORS, requests=_REQUESTS, threshold=0.05, window=5, for_minutes=0),
    dict(errors=_ERRORS, requests=_REQUESTS, threshold=0.08, window=10, for_minutes=2),
    dict(  # busy minutes without errors, quiet minutes with: a mean of ratios is wrong
        errors=np.array([0, 0, 3, 3, 0, 0, 3, 3, 3, 0]),
        requests=np.array([1000, 1000, 10, 10, 1000, 1000, 10, 10, 10, 1000]),
        threshold=0.01,
        window=3,
        for_minutes=1,
    ),
    dict(  # a long quiet start, then errors: the all-time rate lags far behind
        errors=np.array([0] * 30 + [30] * 6),
        requests=np.array([100] * 36),
        threshold=0.2,
        window=2,
        for_minutes=1,
    ),
    dict(  # errors from the very first minute: the window is shorter at the start
        errors=np.array([5, 5, 5, 5, 0, 0, 0, 0]),
        requests=np.array([10] * 8),
        threshold=0.2,
        window=3,
        for_minutes=1,
    ),
    dict(  # no traffic for longer than the window, inside an incident: those windows have no
        # error rate, so the condition is not active there and the `for:` count starts again
        errors=np.array([0, 0, 5, 5, 5, 0, 0, 0, 0, 5, 5, 5]),
        requests=np.array([10, 10, 10, 10, 10, 0, 0, 0, 0, 10, 10, 10]),
        threshold=0.2,
        window=2,
        for_minutes=1,
    ),
    dict(  # a rate exactly at the threshold is not above it
        errors=np.array([5, 5, 5, 5, 6, 6]),
        requests=np.array([100] * 6),
        threshold=0.05,
        window=2,
        for_minutes=0,
    ),
]


@dataclass(frozen=True)
class BoolArray(Comparator):
    """A boolean array (dtype bool), one value per minute."""

    def observe(self, name, value):
        values = np.asarray(value)
        return {"kind": values.dtype.kind, "dtype": str(values.dtype), "values": values.tolist()}

    def diff(self, name, observed, expected):
        if observed["kind"] != "b":
            return (
                f"`{name}` should be a boolean array (dtype bool), got dtype {observed['dtype']}. "
                "Start from `np.zeros(n, dtype=bool)` or compare (`>`) to get booleans."
            )
        return compare.diff_arrays(name, np.array(observed["values"]), expected["values"])


# --- 06.01.4: error-budget arithmetic ---------------------------------------------------------

_BUDGET_CASES = [
    dict(slo=0.999, total=2_000_000, failed=800, days_elapsed=10),
    dict(slo=0.995, total=50_000, failed=600, days_elapsed=12, period_days=28),
    dict(slo=0.99, total=1_000_000, failed=0, days_elapsed=3),
    dict(slo=0.999, total=3_000_000, failed=4_500, days_elapsed=20),
    dict(slo=0.9, total=1_000, failed=100, days_elapsed=30),
]

EXERCISES = [
    Exercise(
        id="06.01.1",
        title="A log line every parser accepts",
        checks={"log_line": FunctionOrRaise(cases=_LOG_CASES, returns=JsonLine())},
        hints=[
            "`json.dumps` refuses NumPy integers (a `TypeError`) and writes NaN as `NaN`, which "
            "is not JSON. Convert the values first: NumPy scalars have `.item()`, and "
            "`math.isfinite` tells a usable float from NaN and infinity.",
            "Write a small helper that walks a value: a dict -> convert each value, an "
            "`np.generic` -> `.item()`, a float that is not finite -> None, anything else as it "
            "is. Build the dict of `level` (`record.levelname`), `message` "
            "(`record.getMessage()`) and the five fields from `getattr(record, key)`, and return "
            "`json.dumps(...)` of it without `indent`.",
        ],
        solution="""
            def plain(value):
                if isinstance(value, dict):
                    return {key: plain(item) for key, item in value.items()}
                if isinstance(value, np.generic):
                    value = value.item()
                if isinstance(value, float) and not math.isfinite(value):
                    return None
                return value

            def log_line(record):
                fields = {"level": record.levelname, "message": record.getMessage()}
                for key in PREDICTION_FIELDS:
                    fields[key] = plain(getattr(record, key))
                return json.dumps(fields)
        """,
        wrong_answers=[
            WrongAnswer(
                "def log_line(record):\n"
                "    fields = {'level': record.levelname, 'message': record.getMessage()}\n"
                "    for key in PREDICTION_FIELDS:\n"
                "        fields[key] = getattr(record, key)\n"
                "    return json.dumps(fields)\n",
                "Did you pass the record's values straight to `json.dumps`? Values taken from a "
                "DataFrame are NumPy scalars (`np.int64`), which it refuses; convert each with "
                "`.item()` first.",
            ),
            WrongAnswer(
                "def log_line(record):\n"
                "    fields = {'level': record.levelname, 'message': record.getMessage()}\n"
                "    for key in PREDICTION_FIELDS:\n"
                "        fields[key] = getattr(record, key)\n"
                "    return json.dumps(fields, default=float)\n",
                "Did you convert NumPy values with `default=` only? `default` is called for "
                "types JSON lacks, never for a float, so NaN and infinity still come out as "
                "`NaN` and `Infinity`, which a strict parser rejects; write them as null.",
            ),
            WrongAnswer(
                "def plain(value):\n"
                "    if isinstance(value, dict):\n"
                "        return {key: plain(item) for key, item in value.items()}\n"
                "    if isinstance(value, np.generic):\n"
                "        value = value.item()\n"
                "    if isinstance(value, float) and not math.isfinite(value):\n"
                "        return None\n"
                "    return value\n\n"
                "def log_line(record):\n"
                "    fields = {'level': record.levelname, 'message': record.getMessage()}\n"
                "    for key in PREDICTION_FIELDS:\n"
                "        fields[key] = plain(getattr(record, key))\n"
                "    return json.dumps(fields, indent=2)\n",
                "Did you format the JSON with `indent`? A log holds one object per line and is "
                "read line by line; an indented object spans many lines.",
            ),
            WrongAnswer(
                "def log_line(record):\n"
                "    return str({'level': record.levelname, 'message': record.msg, "
                "**{key: getattr(record, key) for key in PREDICTION_FIELDS}})\n",
                "Did you write the dict with `str()`? That is Python's notation (single quotes, "
                "None, nan), not JSON; use `json.dumps` on plain values.",
            ),
        ],
    ),
    Exercise(
        id="06.01.2",
        title="A percentile from histogram buckets",
        checks={"histogram_quantile": Function(cases=_QUANTILE_CASES)},
        hints=[
            "The q-quantile is the value below which a fraction q of the requests fall: the "
            "request of rank `q * total`, where `total` is the last cumulative count (the "
            "`+Inf` bucket). Find the first bucket whose cumulative count reaches that rank, "
            "then place the rank inside it as if the bucket's requests were spread evenly "
            "between its lower and upper bound (the first bucket starts at 0).",
            "`b = np.searchsorted(cumulative_counts, rank)` is that bucket. Its lower bound is "
            "`upper_bounds[b - 1]` (0 for b = 0) and the requests below it are "
            "`cumulative_counts[b - 1]` (0 for b = 0); return `lower + (upper - lower) * "
            "(rank - below) / (count_b - below)`. Two cases first: total 0 -> `float('nan')`, "
            "and b in the `+Inf` bucket -> the largest finite bound.",
        ],
        solution="""
            def histogram_quantile(q, upper_bounds, cumulative_counts):
                total = cumulative_counts[-1]
                if total == 0:
                    return float("nan")
                rank = q * total
                b = int(np.searchsorted(cumulative_counts, rank))
                if b == len(upper_bounds) - 1:
                    return upper_bounds[-2]
                lower = upper_bounds[b - 1] if b > 0 else 0.0
                below = cumulative_counts[b - 1] if b > 0 else 0
                in_bucket = cumulative_counts[b] - below
                return lower + (upper_bounds[b] - lower) * (rank - below) / in_bucket
        """,
        wrong_answers=[
            WrongAnswer(
                "def histogram_quantile(q, upper_bounds, cumulative_counts):\n"
                "    if cumulative_counts[-1] == 0:\n"
                "        return float('nan')\n"
                "    b = int(np.searchsorted(cumulative_counts, q * cumulative_counts[-1]))\n"
                "    return upper_bounds[min(b, len(upper_bounds) - 2)]\n",
                "Did you return the upper bound of the bucket? That overstates the percentile by "
                "up to a bucket's width; interpolate inside the bucket as `histogram_quantile` "
                "does.",
            ),
            WrongAnswer(
                "def histogram_quantile(q, upper_bounds, cumulative_counts):\n"
                "    counts = np.diff(cumulative_counts, prepend=0)\n"
                "    finite = np.array(upper_bounds[:-1])\n"
                "    mids = np.r_[(np.r_[0, finite[:-1]] + finite) / 2, finite[-1]]\n"
                "    return float(np.sum(mids * counts) / cumulative_counts[-1])\n",
                "Did you compute a mean from the buckets? A mean is not a percentile: the slow "
                "tail the p99 is about barely moves it. Find the bucket holding rank "
                "`q * total` instead.",
            ),
            WrongAnswer(
                "def histogram_quantile(q, upper_bounds, cumulative_counts):\n"
                "    counts = np.cumsum(cumulative_counts)\n"
                "    if counts[-1] == 0:\n"
                "        return float('nan')\n"
                "    rank = q * counts[-1]\n"
                "    b = int(np.searchsorted(counts, rank))\n"
                "    if b == len(upper_bounds) - 1:\n"
                "        return upper_bounds[-2]\n"
                "    lower = upper_bounds[b - 1] if b > 0 else 0.0\n"
                "    below = counts[b - 1] if b > 0 else 0\n"
                "    return lower + (upper_bounds[b] - lower) * (rank - below) / (counts[b] - below)\n",
                "Did you add the counts up again? Prometheus buckets are already cumulative "
                "(`le` means 'less than or equal'): the count of a bucket includes every bucket "
                "before it.",
            ),
            WrongAnswer(
                "def histogram_quantile(q, upper_bounds, cumulative_counts):\n"
                "    total = cumulative_counts[-1]\n"
                "    if total == 0:\n"
                "        return float('nan')\n"
                "    rank = q * total\n"
                "    b = int(np.searchsorted(cumulative_counts, rank))\n"
                "    lower = upper_bounds[b - 1] if b > 0 else 0.0\n"
                "    below = cumulative_counts[b - 1] if b > 0 else 0\n"
                "    return lower + (upper_bounds[b] - lower) * (rank - below) / "
                "(cumulative_counts[b] - below)\n",
                "Did you interpolate into the `+Inf` bucket? Its upper bound is infinite, so "
                "{name} answered inf; Prometheus answers the largest finite bound there (all "
                "you know is 'slower than that').",
            ),
            WrongAnswer(
                "def histogram_quantile(q, upper_bounds, cumulative_counts):\n"
                "    total = cumulative_counts[-1]\n"
                "    if total == 0:\n"
                "        return float('nan')\n"
                "    rank = q * total\n"
                "    b = int(np.searchsorted(cumulative_counts, rank, side='right'))\n"
                "    if b >= len(upper_bounds) - 1:\n"
                "        return upper_bounds[-2]\n"
                "    lower = upper_bounds[b - 1] if b > 0 else 0.0\n"
                "    below = cumulative_counts[b - 1] if b > 0 else 0\n"
                "    return lower + (upper_bounds[b] - lower) * (rank - below) / "
                "(cumulative_counts[b] - below)\n",
                "Did you look for the first bucket whose count is above the rank (`>`, or "
                "`side='right'`)? When the rank equals a bucket's cumulative count, that bucket "
                "already holds it; skipping on to the next one lands in the wrong bucket. Take the "
                "first bucket whose count reaches the rank (`>=`).",
            ),
        ],
        equivalent_mutants={
            "line 4: return value negated": "-nan is nan: a window without requests has no "
            "quantile either way.",
            "line 6: call of `int` dropped": "np.searchsorted returns a NumPy integer, which "
            "indexes and compares as the int does.",
        },
    ),
    Exercise(
        id="06.01.3",
        title="An alert rule that ignores a blip",
        checks={"alert_firing": Function(cases=_ALERT_CASES, returns=BoolArray())},
        hints=[
            "Two steps. First the condition at each minute t: the errors summed over the "
            "window (minutes t - window + 1 .. t, fewer at the start) divided by the requests "
            "summed over the same window, compared with the threshold (no requests: not "
            "active). Then the `for:` part: count how many evaluations in a row the "
            "condition has held.",
            "`pd.Series(errors).rolling(window, min_periods=1).sum()` gives the windowed sums; "
            "their ratio `> threshold` is the condition (0/0 is NaN, and NaN > x is False). "
            "Then loop once: `run = run + 1 if active else 0`, and the alert fires at t when "
            "`run > for_minutes`.",
        ],
        solution="""
            def alert_firing(errors, requests, threshold, window, for_minutes):
                err = pd.Series(errors).rolling(window, min_periods=1).sum()
                req = pd.Series(requests).rolling(window, min_periods=1).sum()
                active = (err / req > threshold).to_numpy()
                firing = np.zeros(len(active), dtype=bool)
                run = 0
                for t, now in enumerate(active):
                    run = run + 1 if now else 0
                    firing[t] = run > for_minutes
                return firing
        """,
        wrong_answers=[
            WrongAnswer(
                "def alert_firing(errors, requests, threshold, window, for_minutes):\n"
                "    err = pd.Series(errors).rolling(window, min_periods=1).sum()\n"
                "    req = pd.Series(requests).rolling(window, min_periods=1).sum()\n"
                "    return (err / req > threshold).to_numpy()\n",
                "Did you leave out the `for:` duration? {name} fires on a short blip; the "
                "condition must hold for `for_minutes` more evaluations before the alert fires.",
            ),
            WrongAnswer(
                "def alert_firing(errors, requests, threshold, window, for_minutes):\n"
                "    active = np.cumsum(errors) / np.cumsum(requests) > threshold\n"
                "    firing = np.zeros(len(active), dtype=bool)\n"
                "    run = 0\n"
                "    for t, now in enumerate(active):\n"
                "        run = run + 1 if now else 0\n"
                "        firing[t] = run > for_minutes\n"
                "    return firing\n",
                "Did you compute the error rate over all time? A long healthy history hides "
                "an outage for a long time; use only the last `window` minutes.",
            ),
            WrongAnswer(
                "def alert_firing(errors, requests, threshold, window, for_minutes):\n"
                "    with np.errstate(invalid='ignore', divide='ignore'):\n"
                "        ratio = pd.Series(np.asarray(errors) / np.asarray(requests))\n"
                "    active = (ratio.rolling(window, min_periods=1).mean() > threshold)\n"
                "    firing = np.zeros(len(active), dtype=bool)\n"
                "    run = 0\n"
                "    for t, now in enumerate(active.to_numpy()):\n"
                "        run = run + 1 if now else 0\n"
                "        firing[t] = run > for_minutes\n"
                "    return firing\n",
                "Did you average the per-minute error rates? A quiet minute with 3 errors in 10 "
                "requests then weighs as much as a busy one with 0 in 1,000. Divide the summed "
                "errors by the summed requests of the window.",
            ),
            WrongAnswer(
                "def alert_firing(errors, requests, threshold, window, for_minutes):\n"
                "    err = pd.Series(errors).rolling(window, min_periods=1).sum()\n"
                "    req = pd.Series(requests).rolling(window, min_periods=1).sum()\n"
                "    rate = (err / req).to_numpy()\n"
                "    firing = np.zeros(len(rate), dtype=bool)\n"
                "    run = 0\n"
                "    for t, now in enumerate(rate):\n"
                "        if not np.isnan(now):\n"
                "            run = run + 1 if now > threshold else 0\n"
                "        firing[t] = run > for_minutes\n"
                "    return firing\n",
                "Did you carry the `for:` count through minutes whose window has no requests? "
                "There is no error rate there, so the condition is not active: the alert stops "
                "firing and the count starts again when traffic returns.",
            ),
        ],
        equivalent_mutants={
            "line 2: `1` -> `0`": "every window holds at least minute t itself, so "
            "min_periods=0 and min_periods=1 give the same sums.",
            "line 3: `1` -> `0`": "every window holds at least minute t itself, so "
            "min_periods=0 and min_periods=1 give the same sums.",
        },
    ),
    Exercise(
        id="06.01.4",
        title="Error-budget arithmetic",
        checks={"error_budget": Function(cases=_BUDGET_CASES)},
        hints=[
            "The budget is the failures the SLO allows: a fraction `1 - slo` of the requests. "
            "The burn rate is the observed failure fraction divided by that allowed fraction "
            "(1.0 spends the budget exactly by the end of the period).",
            "`budget_left = 1 - failed / ((1 - slo) * total)` and `burn_rate = (failed / total) "
            "/ (1 - slo)`. At a constant burn rate b the whole period's budget lasts "
            "`period_days / b` days from the start, so `days_left = period_days / b - "
            "days_elapsed`, at least 0, and `math.inf` when nothing has failed.",
        ],
        solution="""
            def error_budget(slo, total, failed, days_elapsed, period_days=30):
                allowed = 1 - slo
                budget_left = 1 - failed / (allowed * total)
                burn_rate = failed / total / allowed
                if burn_rate == 0:
                    return budget_left, burn_rate, math.inf
                return budget_left, burn_rate, max(period_days / burn_rate - days_elapsed, 0.0)
        """,
        wrong_answers=[
            WrongAnswer(
                "def error_budget(slo, total, failed, days_elapsed, period_days=30):\n"
                "    budget_left = 1 - failed / (slo * total)\n"
                "    burn_rate = failed / total / slo\n"
                "    if burn_rate == 0:\n"
                "        return budget_left, burn_rate, math.inf\n"
                "    return budget_left, burn_rate, max(period_days / burn_rate - days_elapsed, 0.0)\n",
                "Did you use the SLO itself as the budget? A 99.9 % SLO allows 0.1 % of "
                "requests to fail: the budget is `1 - slo` of them.",
            ),
            WrongAnswer(
                "def error_budget(slo, total, failed, days_elapsed, period_days=30):\n"
                "    budget_used = failed / ((1 - slo) * total)\n"
                "    burn_rate = failed / total / (1 - slo)\n"
                "    if burn_rate == 0:\n"
                "        return budget_used, burn_rate, math.inf\n"
                "    return budget_used, burn_rate, max(period_days / burn_rate - days_elapsed, 0.0)\n",
                "Did you return the budget used instead of the budget left? The first value is "
                "`1 - used`.",
            ),
            WrongAnswer(
                "def error_budget(slo, total, failed, days_elapsed, period_days=30):\n"
                "    allowed = 1 - slo\n"
                "    burn_rate = failed / total / allowed\n"
                "    if burn_rate == 0:\n"
                "        return 1.0, 0.0, math.inf\n"
                "    return 1 - failed / (allowed * total), burn_rate, period_days / burn_rate\n",
                "Did you count the days from the start of the period? `period_days / burn_rate` "
                "is when the budget runs out counted from day 0; subtract the days already "
                "gone (and never answer less than 0).",
            ),
        ],
        equivalent_mutants={
            "line 7: arguments 1 and 2 of `max` swapped": "max of two numbers does not depend "
            "on their order (where they are equal both are 0).",
        },
    ),
]
