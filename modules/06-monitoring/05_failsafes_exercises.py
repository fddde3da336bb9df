"""Exercises of 05_failsafes.ipynb: a fallback that does not hide bad requests, a bounded backoff
schedule with jitter, a circuit breaker driven by a fake clock, graceful degradation for a missing
feature, and tests that inject each fault into a breaker and into a resilient predict.

Every fake (models that fail on stated calls, clocks) is a module-level object of this spec, so a
check runs the same way in the notebook and in a grading kernel; nothing here sleeps or reads the
time.
"""

import linecache
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from mlcourse import compare
from mlcourse.comparators.base import Comparator, Unfinished, _raised
from mlcourse.exercise import Calls, Close, Exact, Exercise, Function, TestSuite, WrongAnswer

# --- a NaN-safe exact comparison --------------------------------------------------------------


def _nan_free(value):
    """The value with every float NaN written as the text 'NaN' (NaN != NaN, even to itself)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {key: _nan_free(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_nan_free(item) for item in value)
    return value


@dataclass(frozen=True)
class NanSafeExact(Exact):
    """Exact, on values that may hold NaN; a dict's values must also have the reference's types
    (a prediction of 120 where 120.0 is expected is an int leaking out of a float API)."""

    def observe(self, name, value):
        types = (
            {str(k): type(v).__name__ for k, v in value.items()}
            if isinstance(value, dict)
            else None
        )
        return {"value": _nan_free(value), "types": types}

    def diff(self, name, observed, expected):
        if expected["types"] is not None and observed["types"] != expected["types"]:
            if observed["types"] is None:
                return f"`{name}` should be a dict, got {type(observed['value']).__name__}."
            wrong = sorted(
                k for k in expected["types"] if observed["types"].get(k) != expected["types"][k]
            )
            if wrong:
                key = wrong[0]
                return (
                    f"`{name}[{key!r}]` should be of type {expected['types'][key]}, got "
                    f"{observed['types'].get(key, 'nothing (the key is missing)')}."
                )
        return compare.diff_exact(name, observed["value"], expected["value"])

    def matches(self, observed, recorded):
        return observed == recorded


# --- fakes shared by the checks ----------------------------------------------------------------


class _FakeModel:
    """A model stand-in: returns `value` (plus the hour) or raises `error`; named in messages."""

    def __init__(self, name, value=100.0, error=None, message="the model service did not answer"):
        self.name, self.value, self.error, self.message = name, value, error, message

    def __call__(self, row):
        if self.error is not None:
            raise self.error(self.message)
        return self.value + row["hr"]

    def __repr__(self):
        return self.name


class _FakeBaseline:
    """The fallback: 10 x hour on working days, 5 x hour otherwise (an int, as a lookup may give)."""

    def __call__(self, row):
        return (10 if row["workingday"] else 5) * row["hr"]

    def __repr__(self):
        return "baseline"


def _check_row(row):
    """The notebook's `validate_row`: a bad request raises ValueError."""
    hr, workingday = row.get("hr"), row.get("workingday")
    if not (isinstance(hr, int) and 0 <= hr <= 23):
        raise ValueError(f"hr should be an integer from 0 to 23, got {hr!r}")
    if workingday not in (0, 1):
        raise ValueError(f"workingday should be 0 or 1, got {workingday!r}")


# --- 06.05.1: a fallback that covers the model, not the request --------------------------------

_HEALTHY = _FakeModel("healthy_model")
_DOWN = _FakeModel("model_down", error=ConnectionError)
_HANGS = _FakeModel("model_timed_out", error=TimeoutError)
_NAN = _FakeModel("model_returns_nan", value=math.nan)
_NEGATIVE = _FakeModel("model_returns_negative", value=-500.0)
_INF = _FakeModel("model_returns_inf", value=math.inf)
_ZERO = _FakeModel("model_returns_zero", value=-6.0)  # 0.0 bikers at 6 am: a valid answer
_INT = _FakeModel("model_returns_int", value=100)  # 100 + hr, an int
# the model itself fails: scikit-learn raises ValueError on a NaN input, a pipeline KeyError on
# a column it does not find; neither is the caller's fault once the request has been validated
_MODEL_VALUE_ERROR = _FakeModel(
    "model_raises_valueerror", error=ValueError, message="Input X contains NaN."
)
_MODEL_KEY_ERROR = _FakeModel("model_raises_keyerror", error=KeyError, message="weathersit")
_BASELINE = _FakeBaseline()


def _row(hr, workingday=1):
    return {"hr": hr, "workingday": workingday, "temp": 0.5, "hum": 0.6, "windspeed": 0.2}


_FALLBACK_CASES = [
    {"row": _row(8), "model": _HEALTHY, "fallback": _BASELINE},
    {"row": _row(8), "model": _DOWN, "fallback": _BASELINE},
    {"row": _row(17, 0), "model": _HANGS, "fallback": _BASELINE},
    {"row": _row(3), "model": _NAN, "fallback": _BASELINE},
    {"row": _row(0, 0), "model": _NEGATIVE, "fallback": _BASELINE},
    {"row": _row(0, 0), "model": _HEALTHY, "fallback": _BASELINE},  # 100.0: at the floor
    {"row": _row(22), "model": _INF, "fallback": _BASELINE},
    {"row": _row(6), "model": _ZERO, "fallback": _BASELINE},
    {"row": _row(7), "model": _INT, "fallback": _BASELINE},
    {"row": _row(-1), "model": _DOWN, "fallback": _BASELINE},  # bad request, model down
    {"row": _row(24), "model": _HEALTHY, "fallback": _BASELINE},  # bad request, model up
    {"row": _row(9, 2), "model": _DOWN, "fallback": _BASELINE},
    {"row": _row(12), "model": _MODEL_VALUE_ERROR, "fallback": _BASELINE},
    {"row": _row(13, 0), "model": _MODEL_KEY_ERROR, "fallback": _BASELINE},
]
_FALLBACK_MENTIONS = [()] * 9 + [("hr",), ("hr",), ("workingday",), (), ()]

# --- 06.05.2: exponential backoff with full jitter, capped --------------------------------------

_DRAWS = [0.5, 0.25, 0.9, 0.1, 0.75, 0.6, 0.3, 0.8]
_BACKOFF_CASES = [
    {"max_attempts": 5, "base_s": 0.1, "cap_s": 2.0, "draws": _DRAWS},
    {"max_attempts": 8, "base_s": 0.5, "cap_s": 4.0, "draws": _DRAWS},  # the cap binds
    {"max_attempts": 1, "base_s": 0.1, "cap_s": 2.0, "draws": _DRAWS},  # no retry, no wait
    {"max_attempts": 3, "base_s": 1.0, "cap_s": 1.5, "draws": [1.0, 1.0, 1.0]},
]


# --- 06.05.3: a circuit breaker on a fake clock -------------------------------------------------


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


# each script: (failure_threshold, reset_after_s, [(time, does the dependency answer?), ...])
_SCRIPTS = [
    # three failures in a row open it; rejected while open; a good trial closes it
    (
        3,
        10.0,
        [
            (0, False),
            (1, False),
            (2, False),
            (3, True),
            (11.9, True),
            (12, True),
            (13, False),
            (14, True),
        ],
    ),
    # failures that are not consecutive never open it
    (3, 10.0, [(0, False), (1, False), (2, True), (3, False), (4, False), (5, True), (6, False)]),
    # a failed trial opens it again for a full reset_after_s, counted from the trial
    (
        2,
        5.0,
        [
            (0, False),
            (1, False),
            (6, False),
            (7, True),
            (10.9, True),
            (11, True),
            (12, False),
            (13, False),
        ],
    ),
    # threshold 1: one failure opens it; exactly reset_after_s later a trial goes through
    (1, 30.0, [(0, True), (5, False), (34.9, True), (35, True), (36, True)]),
]


def _drive(breaker_class, threshold, reset_after_s, steps):
    """Run one script; each step gives [time, was the call let through, state after]."""
    clock = _Clock()
    breaker = breaker_class(failure_threshold=threshold, reset_after_s=reset_after_s, clock=clock)
    log = []
    for time, answers in steps:
        clock.now = float(time)
        allowed = breaker.allow()
        if allowed:
            breaker.record(answers)
        log.append([float(time), bool(allowed), str(breaker.state)])
    return log


@dataclass(frozen=True)
class BreakerRuns(Comparator):
    """A circuit-breaker class, driven through scripted calls on a fake clock: which calls it
    lets through and its state after each one."""

    scripts: tuple = ()

    def observe(self, name, value):
        if not isinstance(value, type):
            return {"not_class": compare.type_name(value)}
        runs = []
        for threshold, reset_after_s, steps in self.scripts:
            try:
                runs.append({"log": _drive(value, threshold, reset_after_s, steps)})
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's class failed: say how
                runs.append({"raised": f"{type(err).__name__}: {err}"[:300]})
        return {"runs": runs}

    def diff(self, name, observed, expected):
        if "not_class" in observed:
            return f"`{name}` should be a class, got {observed['not_class']}."
        for (threshold, reset, _), got, want in zip(
            self.scripts, observed["runs"], expected["runs"]
        ):
            setup = f"`{name}(failure_threshold={threshold}, reset_after_s={reset}, clock=...)`"
            if "raised" in got:
                return f"{setup} raised {got['raised']} while it was driven through calls."
            history = []
            for (time, allowed, state), (_, want_allowed, want_state) in zip(
                got["log"], want["log"]
            ):
                if allowed != want_allowed:
                    verb = "let through" if allowed else "rejected"
                    return (
                        f"{setup}: after {'; '.join(history) or 'no calls'}, the call at "
                        f"t={time:g} was {verb}; it should not have been."
                    )
                if state != want_state:
                    return (
                        f"{setup}: after {'; '.join(history + [f't={time:g}'])}, the state is "
                        f"{state!r}, which is not what the rules give."
                    )
                history.append(f"t={time:g} {'called' if allowed else 'rejected'} -> {state}")
        return None

    def matches(self, observed, recorded):
        return observed == recorded


# --- 06.05.4: graceful degradation: a default for a missing feature, flagged -------------------

_DEFAULTS = {"temp": 0.54, "hum": 0.65, "windspeed": 0.19}
_FILL_CASES = [
    {
        "row": {"hr": 8, "workingday": 1, "temp": 0.3, "hum": 0.8, "windspeed": 0.1},
        "defaults": _DEFAULTS,
    },
    {
        "row": {"hr": 8, "workingday": 1, "temp": None, "hum": 0.8, "windspeed": 0.1},
        "defaults": _DEFAULTS,
    },
    {"row": {"hr": 8, "workingday": 1, "temp": 0.3, "hum": math.nan}, "defaults": _DEFAULTS},
    {
        "row": {"hr": 0, "workingday": 0, "temp": 0.0, "hum": 0.0, "windspeed": 0.0},
        "defaults": _DEFAULTS,
    },  # zero is a measurement, not a missing value
    {"row": {"hr": 17, "workingday": 0}, "defaults": _DEFAULTS},
    {
        "row": {"hr": 17, "workingday": 0, "windspeed": None, "temp": math.nan, "hum": 0.4},
        "defaults": _DEFAULTS,
    },
]


# --- a TestSuite that names the failing assert and runs on more than one correct version -------


def _failed_at(err, test):
    """' at line 7 of your test: `assert b.state == "open"`' for the learner's line that raised
    (or ' in your `Down.__call__`: `...`' when it was a helper of theirs)."""
    code = getattr(test, "__code__", None)
    last = None
    traceback = err.__traceback__
    while code is not None and traceback is not None:
        if traceback.tb_frame.f_code.co_filename == code.co_filename:
            last = traceback
        traceback = traceback.tb_next
    if last is None:
        return ""
    frame_code, line = last.tb_frame.f_code, last.tb_lineno
    if frame_code is code:
        where = f" at line {line - code.co_firstlineno + 1} of your test"
    else:
        where = f" in your `{getattr(frame_code, 'co_qualname', frame_code.co_name)}`"
    text = linecache.getline(code.co_filename, line).strip()
    return f"{where}: `{text[:200]}`" if text else where


@dataclass(frozen=True)
class Suite(TestSuite):
    """TestSuite, also run on ``also_correct`` ({how it differs: implementation}): correct
    versions written differently from the reference, so a test of the reference's internals
    (an attribute the interface does not promise, the exact text of an error) is caught. A test
    that fails names its failing line; one that catches no bug at all is told so."""

    also_correct: Mapping = field(default_factory=dict)

    def _run(self, test, implementation):
        try:
            test(implementation)
        except NotImplementedError:
            raise Unfinished from None
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as err:  # noqa: BLE001 - a failing test is what we look for
            return _raised(err) + _failed_at(err, test)
        return None

    def observe(self, name, value):
        observed = super().observe(name, value)
        if "not_callable" not in observed and observed["on_correct"] is None:
            observed["on_other_correct"] = [
                self._run(value, other) for other in self.also_correct.values()
            ]
        return observed

    def diff(self, name, observed, expected):
        if "not_callable" in observed or observed["on_correct"] is not None:
            return super().diff(name, observed, expected)
        for how, failed in zip(self.also_correct, observed.get("on_other_correct", ())):
            if failed is not None:
                return (
                    f"`{name}` fails on a correct implementation written differently ({how}): "
                    f"{failed}. A test may rely only on the promised interface, not on the "
                    "internals or the messages of one implementation."
                )
        missed = [bug for bug, hit in zip(self.bugs, observed["caught"]) if not hit]
        if len(missed) == len(self.bugs):
            return (
                f"`{name}` passes on all {len(self.bugs)} implementations with a planted bug: "
                "it asserts nothing that a broken version gets wrong (an assert-free test, or "
                "one of the healthy path only, passes on every version). Inject each fault and "
                "assert what must happen after it: the state or the answer, and how many calls "
                "went through."
            )
        if missed:
            listed = "; ".join(missed[:3])
            more = f"; and {len(missed) - 3} more" if len(missed) > 3 else ""
            return (
                f"`{name}` passes on {len(missed)} of {len(self.bugs)} implementations with a "
                f"planted bug, where: {listed}{more}. Add a case that each of these gets wrong."
            )
        return None


# --- 06.05.5: a test that catches broken breakers ----------------------------------------------


class _Breaker:
    """The reference breaker (the notebook's answer to 06.05.3)."""

    def __init__(self, failure_threshold, reset_after_s, clock):
        self.failure_threshold, self.reset_after_s, self.clock = (
            failure_threshold,
            reset_after_s,
            clock,
        )
        self.state, self.failures, self.opened_at = "closed", 0, None

    def allow(self):
        if self.state == "open" and self.clock() - self.opened_at >= self.reset_after_s:
            self.state = "half-open"
        return self.state != "open"

    def record(self, ok):
        if ok:
            self.state, self.failures = "closed", 0
        else:
            self.failures += 1
            if self.failures >= self.failure_threshold:
                self.state, self.opened_at = "open", self.clock()


class _NeverCloses(_Breaker):
    def record(self, ok):
        if ok and self.state == "half-open":
            self.failures = 0  # the trial succeeded, but the state stays half-open
            return
        super().record(ok)


class _OpensOnFirstFailure(_Breaker):
    def record(self, ok):
        if not ok:
            self.state, self.opened_at = "open", self.clock()
            return
        super().record(ok)


class _NeverRetries(_Breaker):
    def allow(self):
        return self.state != "open"  # no half-open: open for ever


class _CountsAllFailures(_Breaker):
    def record(self, ok):
        if ok:
            self.state = "closed"  # the count of failures is not reset by a success
            return
        super().record(ok)


class _WaitsTooLong(_Breaker):
    def allow(self):
        if self.state == "open" and self.clock() - self.opened_at > self.reset_after_s:
            self.state = "half-open"
        return self.state != "open"


class _OpensOneLate(_Breaker):
    def record(self, ok):
        if not ok and self.state == "closed":
            self.failures += 1
            if self.failures > self.failure_threshold:  # > where >= is asked
                self.state, self.opened_at = "open", self.clock()
            return
        super().record(ok)


class _OtherNames:
    """A correct breaker written differently: no `failures` or `opened_at`, a failed trial
    reopens it whatever the count."""

    def __init__(self, failure_threshold, reset_after_s, clock):
        self._limit, self._cool_down, self._now = failure_threshold, reset_after_s, clock
        self.state, self._streak, self._since = "closed", 0, None

    def allow(self):
        if self.state == "open" and self._now() - self._since >= self._cool_down:
            self.state = "half-open"
        return self.state in ("closed", "half-open")

    def record(self, ok):
        if ok:
            self.state, self._streak = "closed", 0
            return
        self._streak += 1
        if self.state == "half-open" or self._streak >= self._limit:
            self.state, self._since = "open", self._now()


class _KeepsOldTimer(_Breaker):
    def record(self, ok):
        if not ok and self.state == "half-open":
            self.state = "open"  # opened_at not restarted: the next call is a trial again
            return
        super().record(ok)


_BREAKER_BUGS = {
    "a successful trial call in half-open does not close the breaker": _NeverCloses,
    "one failure opens the breaker, whatever failure_threshold says": _OpensOnFirstFailure,
    "an open breaker never lets a trial call through, however long you wait": _NeverRetries,
    "a success does not reset the count of failures (non-consecutive failures open it)": (
        _CountsAllFailures
    ),
    "a failed trial reopens the breaker without restarting the reset_after_s wait": (
        _KeepsOldTimer
    ),
    "the trial waits for more than reset_after_s (> where >= is asked)": _WaitsTooLong,
    "it opens only after failure_threshold + 1 consecutive failures (> where >= is asked)": (
        _OpensOneLate
    ),
}
_BREAKER_ALSO_CORRECT = {
    "it keeps its count and its opening time under other names, and has no `failures` or "
    "`opened_at`": _OtherNames,
}


# --- 06.05.6: a test that injects each fault into a resilient predict ---------------------------


def _resilient_predict(row, model, fallback, max_attempts=3):
    _check_row(row)
    for _ in range(max_attempts):
        try:
            return {"prediction": float(model(row)), "source": "model"}
        except Exception:  # noqa: BLE001 - any failure of the model is retried, then falls back
            continue
    return {"prediction": float(fallback(row)), "source": "fallback"}


def _swallows_bad_requests(row, model, fallback, max_attempts=3):
    try:
        _check_row(row)
    except ValueError:
        return {"prediction": 0.0, "source": "fallback"}
    return _resilient_predict(row, model, fallback, max_attempts)


def _retries_without_limit(row, model, fallback, max_attempts=3):
    return _resilient_predict(row, model, fallback, max_attempts=1000)


def _never_retries(row, model, fallback, max_attempts=3):
    return _resilient_predict(row, model, fallback, max_attempts=1)


def _no_fallback(row, model, fallback, max_attempts=3):
    _check_row(row)
    for attempt in range(max_attempts):
        try:
            return {"prediction": float(model(row)), "source": "model"}
        except Exception:
            if attempt == max_attempts - 1:
                raise


def _fixed_attempts(row, model, fallback, max_attempts=3):
    return _resilient_predict(row, model, fallback, max_attempts=3)


def _one_attempt_too_many(row, model, fallback, max_attempts=3):
    return _resilient_predict(row, model, fallback, max_attempts=max_attempts + 1)


def _retries_connection_errors_only(row, model, fallback, max_attempts=3):
    _check_row(row)
    for _ in range(max_attempts):
        try:
            return {"prediction": float(model(row)), "source": "model"}
        except ConnectionError:
            continue
    return {"prediction": float(fallback(row)), "source": "fallback"}


def _predict_written_differently(row, model, fallback, max_attempts=3):
    """Correct, but with its own validation message and a while loop."""
    if not (isinstance(row.get("hr"), int) and 0 <= row["hr"] < 24) or row.get(
        "workingday"
    ) not in (0, 1):
        raise ValueError(f"bad request: hr={row.get('hr')!r}, workingday={row.get('workingday')!r}")
    attempts = 0
    while attempts < max_attempts:
        attempts += 1
        try:
            y_hat = float(model(row))
        except Exception:  # noqa: BLE001 - any failure of the model is retried
            continue
        return {"source": "model", "prediction": y_hat}
    return {"source": "fallback", "prediction": float(fallback(row))}


def _unflagged_fallback(row, model, fallback, max_attempts=3):
    answer = _resilient_predict(row, model, fallback, max_attempts)
    return {**answer, "source": "model"}


_PREDICT_BUGS = {
    "a bad request (hr=99) gets a fallback answer instead of a ValueError": _swallows_bad_requests,
    "a model that keeps failing is retried 1000 times, not max_attempts": _retries_without_limit,
    "a model that fails once and then answers is not retried (straight to the fallback)": (
        _never_retries
    ),
    "after the last failed attempt the model's error is raised instead of the fallback": (
        _no_fallback
    ),
    "the fallback's answer is labelled source='model'": _unflagged_fallback,
    "max_attempts is ignored: always 3 calls (the default)": _fixed_attempts,
    "a model that keeps failing is called max_attempts + 1 times": _one_attempt_too_many,
    "only a ConnectionError is retried: a TimeoutError from the model reaches the caller": (
        _retries_connection_errors_only
    ),
}
_PREDICT_ALSO_CORRECT = {
    "its ValueError says 'bad request: hr=99, workingday=1'": _predict_written_differently,
}


EXERCISES = [
    Exercise(
        id="06.05.1",
        title="A fallback that covers the model, not the request",
        checks={
            "predict_or_fallback": Calls(
                cases=_FALLBACK_CASES, returns=NanSafeExact(), mentions=_FALLBACK_MENTIONS
            )
        },
        hints=[
            "Two different kinds of failure: a request that breaks the rules is the caller's "
            "mistake and must reach the caller (call `validate_row(row)` first, outside any "
            "`try`); a model that raises or answers nonsense is ours, and gets the fallback.",
            "Inside `try:` call `model(row)`; `except Exception:` go to the fallback. After the "
            "call, an answer that is not `math.isfinite` or is below 0 is treated like an "
            "exception. Return `{'prediction': float(...), 'source': 'model' or 'fallback'}`.",
        ],
        solution="""
            def predict_or_fallback(row, model, fallback):
                validate_row(row)
                try:
                    y_hat = float(model(row))
                except Exception:
                    y_hat = math.nan
                if math.isfinite(y_hat) and y_hat >= 0:
                    return {"prediction": y_hat, "source": "model"}
                return {"prediction": float(fallback(row)), "source": "fallback"}
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    def predict_or_fallback(row, model, fallback):
                        try:
                            y_hat = float(model(row))
                        except Exception:
                            y_hat = math.nan
                        if math.isfinite(y_hat) and y_hat >= 0:
                            return {"prediction": y_hat, "source": "model"}
                        return {"prediction": float(fallback(row)), "source": "fallback"}
                """,
                "Did you leave the request unvalidated? A healthy model happily predicts for "
                "hour 24, and a down one sends hour -1 to the fallback table, whose index -1 "
                "is hour 23. Instead, call `validate_row(row)` first, outside the `try`.",
            ),
            WrongAnswer(
                """
                    def predict_or_fallback(row, model, fallback):
                        try:
                            validate_row(row)
                            y_hat = float(model(row))
                            if math.isfinite(y_hat) and y_hat >= 0:
                                return {"prediction": y_hat, "source": "model"}
                        except Exception:
                            pass
                        return {"prediction": float(fallback(row)), "source": "fallback"}
                """,
                "Did you put `validate_row` inside the `try`? Then a bad request (hr=-1) is "
                "answered with a fallback and the caller never learns it sent garbage: the "
                "fallback hides every error. Instead, validate first, outside the `try`, so "
                "ValueError reaches the caller.",
            ),
            WrongAnswer(
                """
                    def predict_or_fallback(row, model, fallback):
                        validate_row(row)
                        try:
                            return {"prediction": float(model(row)), "source": "model"}
                        except Exception:
                            return {"prediction": float(fallback(row)), "source": "fallback"}
                """,
                "Did you fall back only when the model raises? A model can fail without "
                "raising: NaN, infinity or a negative count of bikers. Instead, check the "
                "answer with `math.isfinite(y_hat) and y_hat >= 0` and use the fallback when it "
                "fails.",
            ),
            WrongAnswer(
                """
                    def predict_or_fallback(row, model, fallback):
                        validate_row(row)
                        try:
                            y_hat = float(model(row))
                        except ConnectionError:
                            y_hat = math.nan
                        if math.isfinite(y_hat) and y_hat >= 0:
                            return {"prediction": y_hat, "source": "model"}
                        return {"prediction": float(fallback(row)), "source": "fallback"}
                """,
                "Did you catch only ConnectionError? A dependency also fails with a "
                "TimeoutError (and others you have not met yet). Instead, catch `Exception` "
                "around the model call only, where the request is already known to be valid.",
            ),
            WrongAnswer(
                """
                    def predict_or_fallback(row, model, fallback):
                        try:
                            validate_row(row)
                            y_hat = float(model(row))
                        except ValueError:
                            raise
                        except Exception:
                            y_hat = math.nan
                        if math.isfinite(y_hat) and y_hat >= 0:
                            return {"prediction": y_hat, "source": "model"}
                        return {"prediction": float(fallback(row)), "source": "fallback"}
                """,
                "Did you let every ValueError through, to keep the bad requests' errors? The "
                "model raises ValueError too (scikit-learn on a NaN input), and that failure "
                "is ours, not the caller's. Instead, call `validate_row(row)` before the `try`, "
                "and inside it catch `Exception`.",
            ),
            WrongAnswer(
                """
                    def predict_or_fallback(row, model, fallback):
                        validate_row(row)
                        try:
                            y_hat = float(model(row))
                        except (ConnectionError, TimeoutError):
                            y_hat = math.nan
                        if math.isfinite(y_hat) and y_hat >= 0:
                            return {"prediction": y_hat, "source": "model"}
                        return {"prediction": float(fallback(row)), "source": "fallback"}
                """,
                "Did you list the exceptions you expect (ConnectionError, TimeoutError)? A "
                "model also fails in ways you did not list: a ValueError on a NaN input, a "
                "KeyError for a missing column. Instead, catch `Exception` around the model "
                "call only, where the request is already known to be valid.",
            ),
        ],
    ),
    Exercise(
        id="06.05.2",
        title="Exponential backoff with full jitter, capped",
        checks={"backoff_waits": Function(cases=_BACKOFF_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "There are `max_attempts - 1` waits: one before each retry, none after the last "
            "attempt. Wait number k (from 0) has the ceiling `min(cap_s, base_s * 2 ** k)`.",
            "Full jitter multiplies the ceiling by a uniform draw: `draws[k] * min(cap_s, "
            "base_s * 2 ** k)`, in a list comprehension over `range(max_attempts - 1)`.",
        ],
        solution="""
            def backoff_waits(max_attempts, base_s, cap_s, draws):
                return [draws[k] * min(cap_s, base_s * 2**k) for k in range(max_attempts - 1)]
        """,
        equivalent_mutants={
            "line 2: arguments 1 and 2 of `min` swapped": "the smaller of two numbers does not "
            "depend on their order.",
        },
        wrong_answers=[
            WrongAnswer(
                """
                    def backoff_waits(max_attempts, base_s, cap_s, draws):
                        return [min(cap_s, base_s * 2**k) for k in range(max_attempts - 1)]
                """,
                "Did you leave out the jitter? Every client that failed at the same moment then "
                "retries at the same moment, and the retries arrive as one wave. Instead, "
                "multiply each ceiling by its draw, `draws[k]`.",
            ),
            WrongAnswer(
                """
                    def backoff_waits(max_attempts, base_s, cap_s, draws):
                        return [draws[k] * base_s * 2**k for k in range(max_attempts - 1)]
                """,
                "Did you forget the cap? After 8 attempts the wait doubles to minutes. Instead, "
                "take `min(cap_s, base_s * 2 ** k)` before the jitter.",
            ),
            WrongAnswer(
                """
                    def backoff_waits(max_attempts, base_s, cap_s, draws):
                        return [draws[k] * min(cap_s, base_s * 2**k) for k in range(max_attempts)]
                """,
                "Did you add a wait after the last attempt? Nothing follows it, so that wait "
                "only delays the fallback. Instead, `{name}` returns `max_attempts - 1` waits.",
            ),
            WrongAnswer(
                """
                    def backoff_waits(max_attempts, base_s, cap_s, draws):
                        return [min(cap_s, draws[k] * base_s * 2**k) for k in range(max_attempts - 1)]
                """,
                "Did you cap after the jitter? Then long waits pile up at the cap again (draws "
                "near 1 all give `cap_s`). Instead, jitter the capped ceiling: "
                "`draws[k] * min(cap_s, base_s * 2 ** k)`.",
            ),
        ],
    ),
    Exercise(
        id="06.05.3",
        title="A circuit breaker on a fake clock",
        checks={"CircuitBreaker": BreakerRuns(scripts=tuple(_SCRIPTS))},
        hints=[
            "Keep three attributes: `state`, `failures` (consecutive ones) and `opened_at`. "
            "`allow()` is where time matters: an open breaker whose `clock() - opened_at >= "
            "reset_after_s` becomes 'half-open'; then it returns `state != 'open'`.",
            "`record(True)`: state 'closed', failures 0. `record(False)`: failures += 1; once "
            "failures reach the threshold, state 'open' and `opened_at = clock()`. A failed "
            "trial counts too: nothing reset the count while the breaker was open.",
        ],
        solution="""
            class CircuitBreaker:
                def __init__(self, failure_threshold, reset_after_s, clock):
                    self.failure_threshold = failure_threshold
                    self.reset_after_s = reset_after_s
                    self.clock = clock
                    self.state, self.failures, self.opened_at = "closed", 0, None

                def allow(self):
                    if self.state == "open" and self.clock() - self.opened_at >= self.reset_after_s:
                        self.state = "half-open"
                    return self.state != "open"

                def record(self, ok):
                    if ok:
                        self.state, self.failures = "closed", 0
                    else:
                        self.failures += 1
                        if self.failures >= self.failure_threshold:
                            self.state, self.opened_at = "open", self.clock()
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    class CircuitBreaker:
                        def __init__(self, failure_threshold, reset_after_s, clock):
                            self.failure_threshold = failure_threshold
                            self.reset_after_s = reset_after_s
                            self.clock = clock
                            self.state, self.failures, self.opened_at = "closed", 0, None

                        def allow(self):
                            if self.state == "open" and self.clock() - self.opened_at > self.reset_after_s:
                                self.state = "half-open"
                            return self.state != "open"

                        def record(self, ok):
                            if ok:
                                self.state, self.failures = "closed", 0
                            else:
                                self.failures += 1
                                if self.failures >= self.failure_threshold:
                                    self.state, self.opened_at = "open", self.clock()
                """,
                "Did you wait strictly more than `reset_after_s` (`>`)? A trial is due once "
                "`reset_after_s` have passed, so exactly `reset_after_s` after opening the call "
                "goes through. Instead, compare with `>=`.",
            ),
            WrongAnswer(
                """
                    class CircuitBreaker:
                        def __init__(self, failure_threshold, reset_after_s, clock):
                            self.failure_threshold = failure_threshold
                            self.reset_after_s = reset_after_s
                            self.clock = clock
                            self.state, self.failures, self.opened_at = "closed", 0, None

                        def allow(self):
                            if self.state == "open" and self.clock() - self.opened_at >= self.reset_after_s:
                                self.state = "half-open"
                            return self.state != "open"

                        def record(self, ok):
                            if ok:
                                self.state = "closed"
                            else:
                                self.failures += 1
                                if self.failures >= self.failure_threshold:
                                    self.state, self.opened_at = "open", self.clock()
                """,
                "Did you forget to reset the failure count on a success? Then failures spread "
                "over hours of good traffic add up and open the breaker. Instead, a success "
                "sets `failures = 0`: the threshold counts consecutive failures.",
            ),
            WrongAnswer(
                """
                    class CircuitBreaker:
                        def __init__(self, failure_threshold, reset_after_s, clock):
                            self.failure_threshold = failure_threshold
                            self.reset_after_s = reset_after_s
                            self.clock = clock
                            self.state, self.failures, self.opened_at = "closed", 0, None

                        def allow(self):
                            if self.state == "open" and self.clock() - self.opened_at >= self.reset_after_s:
                                self.state = "half-open"
                            return self.state != "open"

                        def record(self, ok):
                            if ok:
                                self.state, self.failures = "closed", 0
                            else:
                                self.failures += 1
                                if self.state == "closed" and self.failures >= self.failure_threshold:
                                    self.state, self.opened_at = "open", self.clock()
                """,
                "Did you open the breaker only from 'closed'? Then a failed trial leaves it "
                "half-open, and every following call goes through to a dependency that is "
                "still down. Instead, a failure in 'half-open' opens the breaker again, with "
                "`opened_at = clock()`.",
            ),
            WrongAnswer(
                """
                    import time as _time

                    class CircuitBreaker:
                        def __init__(self, failure_threshold, reset_after_s, clock):
                            self.failure_threshold = failure_threshold
                            self.reset_after_s = reset_after_s
                            self.state, self.failures, self.opened_at = "closed", 0, None

                        def allow(self):
                            if self.state == "open" and _time.monotonic() - self.opened_at >= self.reset_after_s:
                                self.state = "half-open"
                            return self.state != "open"

                        def record(self, ok):
                            if ok:
                                self.state, self.failures = "closed", 0
                            else:
                                self.failures += 1
                                if self.failures >= self.failure_threshold:
                                    self.state, self.opened_at = "open", _time.monotonic()
                """,
                "Did you read the real time (`time.monotonic()`) instead of the `clock` you "
                "were given? The breaker then ignores the fake clock, and a test cannot move "
                "time forward without sleeping. Instead, call `self.clock()` for the time.",
            ),
        ],
    ),
    Exercise(
        id="06.05.4",
        title="Graceful degradation: a default for a missing feature, flagged",
        checks={
            "fill_missing": Function(cases=_FILL_CASES, returns=NanSafeExact(), keeps_inputs=True)
        },
        hints=[
            "Copy the row first (`filled = dict(row)`), then for each name in `defaults`: a "
            "value is missing when the key is absent, the value is None, or it is NaN.",
            "`value = row.get(name)`; missing is `value is None or (isinstance(value, float) "
            "and math.isnan(value))`: a 0.0 is a measurement. Return `(filled, sorted(names "
            "you filled))`.",
        ],
        solution="""
            def fill_missing(row, defaults):
                filled, missing = dict(row), []
                for name, default in defaults.items():
                    value = row.get(name)
                    if value is None or (isinstance(value, float) and math.isnan(value)):
                        filled[name] = default
                        missing.append(name)
                return filled, sorted(missing)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    def fill_missing(row, defaults):
                        filled, missing = dict(row), []
                        for name, default in defaults.items():
                            if not row.get(name):
                                filled[name] = default
                                missing.append(name)
                        return filled, sorted(missing)
                """,
                "Did you test `if not row.get(name)`? A wind speed of 0.0 is falsy, so every "
                "calm hour (13 % of the hours in 2011) is served with a made-up wind speed and "
                "flagged as degraded. Instead, test `value is None` or NaN explicitly.",
            ),
            WrongAnswer(
                """
                    def fill_missing(row, defaults):
                        missing = []
                        for name, default in defaults.items():
                            value = row.get(name)
                            if value is None or (isinstance(value, float) and math.isnan(value)):
                                row[name] = default
                                missing.append(name)
                        return row, sorted(missing)
                """,
                "Did you write the defaults into `row` itself? The caller's request (also what "
                "the prediction log records) then shows values it never sent. Instead, fill a "
                "copy: `filled = dict(row)`.",
            ),
            WrongAnswer(
                """
                    def fill_missing(row, defaults):
                        filled, missing = dict(row), []
                        for name, default in defaults.items():
                            if row.get(name) is None:
                                filled[name] = default
                                missing.append(name)
                        return filled, sorted(missing)
                """,
                "Did you treat only None as missing? A feature source that fails often sends "
                "NaN (pandas' missing value), which the model then sees as a number. Instead, "
                "also fill `isinstance(value, float) and math.isnan(value)`.",
            ),
        ],
    ),
    Exercise(
        id="06.05.5",
        title="A test that catches broken circuit breakers",
        checks={
            "test_breaker": Suite(
                correct=_Breaker, bugs=_BREAKER_BUGS, also_correct=_BREAKER_ALSO_CORRECT
            )
        },
        hints=[
            "Make a fake clock in the test (a class with `now` and `__call__`, or a one-item "
            "list read by a lambda), build `CircuitBreaker(failure_threshold=3, "
            "reset_after_s=10, clock=clock)`, and move `now` yourself: no sleeping.",
            "Each planted bug breaks one rule of the table, often only at its edge. Put an "
            "assert right at each edge: one failure short of the threshold (still closed) and "
            "at it (open); failures broken by a success; the exact moment `reset_after_s` "
            "has passed; a trial that fails (is the wait restarted?) and one that succeeds.",
        ],
        solution="""
            def test_breaker(CircuitBreaker):
                now = [0.0]
                breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=lambda: now[0])
                for ok in (False, True, False, False):
                    assert breaker.allow()
                    breaker.record(ok)
                assert breaker.allow()  # two failures in a row: still closed
                breaker.record(False)
                assert not breaker.allow()
                now[0] = 10.0
                assert breaker.allow()
                breaker.record(False)
                now[0] = 19.0
                assert not breaker.allow()
                now[0] = 20.0
                assert breaker.allow()
                breaker.record(True)
                assert breaker.state == "closed"
        """,
        equivalent_mutants={
            "line 15: `20.0` -> `40.0`": "any time from 20 s on is past the second wait (the "
            "trial failed at 10 s), and the boundary of the wait (`>=`) is already tested at "
            "10 s; every planted bug is caught either way.",
        },
        wrong_answers=[
            WrongAnswer(
                """
                    def test_breaker(CircuitBreaker):
                        now = [0.0]
                        breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=lambda: now[0])
                        for _ in range(3):
                            breaker.record(False)
                        assert breaker.state == "open" and not breaker.allow()
                """,
                "Did you test only that the breaker opens? Half of a breaker's job is to close "
                "again: a test that stops at 'open' passes on one that never lets a trial "
                "through, or never closes. Instead, advance the fake clock past `reset_after_s` "
                "and assert the trial, its failure and its success.",
            ),
            WrongAnswer(
                """
                    def test_breaker(CircuitBreaker):
                        now = [0.0]
                        breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=lambda: now[0])
                        for _ in range(3):
                            breaker.record(False)
                        assert not breaker.allow()
                        now[0] = 10.0
                        assert breaker.allow()
                        breaker.record(True)
                        assert breaker.state == "closed"
                """,
                "Did you inject only consecutive failures and a successful trial? A breaker "
                "that opens on the first failure, that counts failures across successes or "
                "that keeps the old timer after a failed trial passes that. Instead, also "
                "interleave a success between failures and fail one trial.",
            ),
            WrongAnswer(
                """
                    def test_breaker(CircuitBreaker):
                        now = [0.0]
                        breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10, clock=lambda: now[0])
                        for ok in (False, True, False, False):
                            breaker.record(ok)
                        assert breaker.allow()
                        for _ in range(5):
                            breaker.record(False)
                        assert not breaker.allow()
                        now[0] = 10.0
                        assert breaker.allow()
                        breaker.record(False)
                        now[0] = 19.0
                        assert not breaker.allow()
                        now[0] = 20.0
                        assert breaker.allow()
                        breaker.record(True)
                        assert breaker.state == "closed"
                """,
                "Did you record more failures than `failure_threshold` before asserting that it "
                "is open? Then a breaker that opens one failure late passes. Instead, assert at "
                "the edge: closed after `failure_threshold - 1` failures, open right after the "
                "next one.",
            ),
        ],
    ),
    Exercise(
        id="06.05.6",
        title="Fault injection: a test for every way the predict path can fail",
        checks={
            "test_resilient_predict": Suite(
                correct=_resilient_predict, bugs=_PREDICT_BUGS, also_correct=_PREDICT_ALSO_CORRECT
            )
        },
        hints=[
            "Write a fake model service that is down: a class whose `__call__(self, row)` adds 1 "
            "to `self.calls` and raises the exception it was given (a refused connection, "
            "or a `TimeoutError` like section 2's). Counting calls is how a test sees retries; "
            "a fallback can be `lambda row: 42.0`.",
            "Pass `max_attempts` yourself (a value other than the default), and assert the "
            "whole answer and the exact number of calls, for each kind of failure; a bad request "
            "goes inside `with pytest.raises(ValueError):`. Assert only what the promises say.",
        ],
        solution="""
            class Down:  # a fake model service that is down: counts its calls, raises `error`

                def __init__(self, error):
                    self.error, self.calls = error, 0

                def __call__(self, row):
                    self.calls += 1
                    raise self.error("model service down")


            def test_resilient_predict(resilient_predict):
                fallback = lambda row: 42.0
                for error in (ConnectionError, TimeoutError):  # refused, or hung past its timeout
                    down = Down(error)
                    answer = resilient_predict(request, down, fallback, max_attempts=2)
                    assert answer == {"prediction": 42.0, "source": "fallback"} and down.calls == 2
                with pytest.raises(ValueError):
                    resilient_predict({**request, "hr": None}, down, fallback)
        """,
        equivalent_mutants={
            "line 8: `self.error('model service down')` -> `'model service down'`": "raising "
            "a string raises TypeError instead, still an exception out of the model call: each "
            "version treats it as it treats any failure of the model (the one that retries only "
            "ConnectionError lets it through, as it does the TimeoutError).",
            "line 18: arguments 2 and 3 of `resilient_predict` swapped": "a bad request raises "
            "ValueError before the model or the fallback is called, so their order does not "
            "matter there.",
        },
        wrong_answers=[
            WrongAnswer(
                """
                    class FailsFirst:
                        def __init__(self, n):
                            self.n, self.calls = n, 0

                        def __call__(self, row):
                            self.calls += 1
                            if self.calls <= self.n:
                                raise ConnectionError("model service down")
                            return 100.0


                    def test_resilient_predict(resilient_predict):
                        row = {"hr": 8, "workingday": 1, "temp": 0.5, "hum": 0.6, "windspeed": 0.2}
                        fallback = lambda row: 42.0
                        assert resilient_predict(row, FailsFirst(0), fallback)["source"] == "model"
                        assert resilient_predict(row, FailsFirst(1), fallback)["source"] == "model"
                        assert resilient_predict(row, FailsFirst(10_000), fallback)["source"] == "fallback"
                """,
                "Did you check only the answers, never the requests? A path that retries 1000 "
                "times also ends in the fallback, having hammered a service that is down; and "
                "a bad request was never sent. Instead, count the fake model's calls "
                "(exactly `max_attempts`) and assert that `hr=99` raises ValueError.",
            ),
            WrongAnswer(
                """
                    def test_resilient_predict(resilient_predict):
                        row = {"hr": 8, "workingday": 1, "temp": 0.5, "hum": 0.6, "windspeed": 0.2}
                        fallback = lambda row: 42.0
                        assert resilient_predict(row, lambda row: 100.0, fallback)["source"] == "model"
                        with pytest.raises(ValueError):
                            resilient_predict({**row, "hr": 99}, lambda row: 100.0, fallback)
                """,
                "Did you test only the healthy path and the bad request? No fault was injected "
                "into the model, so nothing checks the retries or the fallback. Instead, pass "
                "fake models that fail a stated number of times.",
            ),
            WrongAnswer(
                """
                    class Down:
                        def __init__(self):
                            self.calls = 0

                        def __call__(self, row):
                            self.calls += 1
                            raise ConnectionError("model service down")


                    def test_resilient_predict(resilient_predict):
                        fallback = lambda row: 42.0
                        down = Down()
                        answer = resilient_predict(request, down, fallback, max_attempts=2)
                        assert answer == {"prediction": 42.0, "source": "fallback"} and down.calls == 2
                        with pytest.raises(ValueError):
                            resilient_predict({**request, "hr": None}, down, fallback)
                """,
                "Did you inject only a ConnectionError? A predict path that catches only that "
                "passes, and the first model call that hangs past its timeout (a TimeoutError, "
                "section 2) crashes the request. Instead, inject each kind of failure, a "
                "TimeoutError too.",
            ),
        ],
    ),
]
