"""Code the learner writes: functions, generators, calls that raise, dataclasses, tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mlcourse import compare
from mlcourse.comparators.base import (
    Comparator,
    Unfinished,
    _raised,
    call_signature,
    copied,
    for_call,
)
from mlcourse.comparators.scratch import refusing
from mlcourse.comparators.values import Close, Exact

# --- functions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Function(Comparator):
    """A function, checked by calling it on fixed cases and comparing what it returns.

    With ``keeps_inputs=True`` a call must also leave its arguments as it found them (a data
    function that adds a column to the caller's table in place is a bug the caller finds later).
    With ``refused`` (dotted paths: ``("sklearn.metrics.roc_auc_score",)``) those library
    functions raise while the calls run, with a message ending in ``instead`` (see
    ``mlcourse.comparators.scratch``): for an exercise that asks for their computation.
    """

    cases: Sequence[Mapping[str, Any]]
    returns: Comparator = Close()
    keeps_inputs: bool = False
    refused: Sequence[str] = ()
    instead: str = ""

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        with refusing(value, self.refused, self.instead):
            return self._observe_calls(value)

    def _observe_calls(self, value):
        calls = []
        for case in self.cases:
            arguments = copied(case)
            try:
                result = value(**arguments)
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                calls.append({"raised": _raised(err)})
                continue
            changed = [k for k in case if self.keeps_inputs and not _same(arguments[k], case[k])]
            if changed:
                calls.append({"changed": changed})
                continue
            calls.append({"returned": self.returns.observe("result", result)})
        return {"calls": calls}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        for case, got, want in zip(self.cases, observed["calls"], expected["calls"]):
            call = call_signature(name, case)
            if "raised" in want:  # the reference raises here: the same kind of error passes
                error = _error_type(want["raised"])
                if "raised" not in got:
                    return f"`{call}` should raise {error}, but it returned without an error."
                if _error_type(got["raised"]) != error:
                    return f"`{call}` raised {got['raised']}; it should raise {error}."
                continue
            if "raised" in got:
                return f"`{call}` raised {got['raised']}"
            if "changed" in got:
                names = ", ".join(f"`{k}`" for k in got["changed"])
                return (
                    f"`{call}` changed its argument {names} in place. Leave the caller's data as "
                    "it was and return a new object instead (e.g. `df.assign(...)`, `df.copy()` "
                    "before changing it, `np.append` rather than `.append` on a list you were given)."
                )
            result, wanted = got["returned"], want["returned"]
            if result is None and wanted is not None:
                return (
                    f"`{call}` returned None where a value was expected. Did you forget the "
                    "`return` statement, or return None under a condition that does not hold here?"
                )
            reason = self.returns.diff("result", result, wanted)
            if reason:
                return for_call(f"`{call}`", reason)
        return None

    def matches(self, observed, recorded):
        if "not_callable" in observed or "not_callable" in recorded:
            return False
        pairs = zip(observed["calls"], recorded["calls"])
        return all(
            ("changed" in got and got["changed"] == want.get("changed"))
            or ("raised" in got and got["raised"] == want.get("raised"))
            or (
                "returned" in got
                and "returned" in want
                and self.returns.matches(got["returned"], want["returned"])
            )
            for got, want in pairs
        )


def _error_type(raised: str) -> str:
    """'ValueError' from 'ValueError: bad shape' (what ``_raised`` records)."""
    return raised.split(":", 1)[0]


def _same(after: Any, before: Any, depth: int = 0) -> bool:
    """Whether an argument is unchanged by a call (compared with a copy taken before it):
    pandas and NumPy values by content, containers item by item, and objects without an
    equality of their own (a fitted estimator, a scorer) by their attributes."""
    import numpy as np

    if after is before:
        return True
    if type(after) is not type(before):
        return False
    if hasattr(before, "equals") and hasattr(before, "index"):  # pandas objects
        return bool(after.equals(before)) and list(getattr(after, "columns", [])) == list(
            getattr(before, "columns", [])
        )
    if isinstance(before, np.ndarray):
        if after.shape != before.shape:
            return False
        try:
            return bool(np.array_equal(after, before, equal_nan=True))
        except TypeError:  # object arrays: NaN cannot be tested for
            return bool(np.array_equal(after, before))
    if isinstance(before, (list, tuple)):
        return len(after) == len(before) and all(
            _same(a, b, depth + 1) for a, b in zip(after, before)
        )
    if isinstance(before, dict):
        return after.keys() == before.keys() and all(
            _same(after[k], before[k], depth + 1) for k in before
        )
    if type(before).__eq__ is object.__eq__:
        if depth < 4 and hasattr(before, "__dict__"):
            return _same(vars(after), vars(before), depth + 1)
        return True  # nothing to compare it by: assume unchanged
    try:
        return bool(after == before)
    except Exception:  # noqa: BLE001 - values without a usable ==: assume unchanged
        return True


# --- learner-written tests -------------------------------------------------------------------------


@dataclass(frozen=True)
class TestSuite(Comparator):
    """A test function the learner writes, taking the implementation under test as its one
    argument: it must pass on ``correct`` and fail (raise) on every implementation in ``bugs``
    ({what is wrong with it: implementation})."""

    __test__ = False  # not a pytest class, whatever its name

    correct: Callable
    bugs: Mapping[str, Callable]

    def _run(self, test: Callable, implementation: Callable) -> str | None:
        """None when the test passes, else how it failed."""
        try:
            test(implementation)
        except NotImplementedError:
            raise Unfinished from None
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as err:  # noqa: BLE001 - a failing test is what we look for;
            # pytest.raises and pytest.fail raise pytest's Failed, a BaseException
            return _raised(err)
        return None

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        on_correct = self._run(value, self.correct)
        caught = [self._run(value, bug) is not None for bug in self.bugs.values()]
        return {"on_correct": on_correct, "caught": caught}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a test function, got {observed['not_callable']}."
        if observed["on_correct"] is not None:
            return (
                f"`{name}` fails on a correct implementation ({observed['on_correct']}): a test "
                "must pass when the code is right. Check the expected values in your asserts."
            )
        missed = [bug for bug, hit in zip(self.bugs, observed["caught"]) if not hit]
        if missed:
            return (
                f"`{name}` passes on {len(missed)} of {len(self.bugs)} implementations with a "
                f"planted bug, e.g. one where {missed[0]}. Add a case that this bug gets wrong."
            )
        return None

    def matches(self, observed, recorded):
        return observed == recorded


# --- generators, calls that may raise, dataclasses ---------------------------------------------


@dataclass(frozen=True)
class Yields(Comparator):
    """An iterator (a generator): its first ``take`` items, read lazily one at a time, so an
    endless input cannot hang the check. Items keep their type (a tuple where the solution
    yields a list is a difference); a list item is copied only after all are read, so a batch
    that the generator reuses and clears shows up as changed. Use it as the ``returns`` of
    ``Function`` for a generator function."""

    take: int = 100

    def observe(self, name, value):
        import itertools

        if not hasattr(value, "__next__"):
            return {"not_iterator": compare.type_name(value)}
        items = []
        try:
            for item in itertools.islice(value, self.take):
                items.append(item)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's generator failed: say how
            return {"raised": _raised(err), "after": len(items)}
        return {"items": [list(item) if isinstance(item, list) else item for item in items]}

    def diff(self, name, observed, expected):
        if "not_iterator" in observed:
            return (
                f"`{name}` should be an iterator that yields its items one at a time (a "
                f"generator function, with `yield`), got {observed['not_iterator']}."
            )
        if "raised" in observed:
            return f"`{name}` raised {observed['raised']} after yielding {observed['after']} items."
        got, want = observed["items"], expected["items"]
        if len(got) != len(want):
            return f"`{name}` yields {len(got)} items; it should yield {len(want)}."
        for index, (item, wanted) in enumerate(zip(got, want)):
            if compare.diff_exact("item", item, wanted) is not None:
                kind = (
                    f": it should be a {compare.type_name(wanted)}"
                    if type(item) is not type(wanted)
                    else ""
                )
                return (
                    f"`{name}` yields {compare.short_repr(item)} as item {index} (counting from "
                    f"0), which is not the expected item{kind}."
                )
        return None

    def matches(self, observed, recorded):
        if "items" in observed and "items" in recorded:
            return self.diff("value", observed, recorded) is None
        return observed == recorded


@dataclass(frozen=True)
class Calls(Comparator):
    """A function or class, called once per case in order, all on the same object (so a
    callback keeps its state from call to call). Each call either returns (compared with
    ``returns``) or raises; where the reference raises, the answer must raise the same
    exception type with a message containing each word of ``mentions[i]`` (for case ``i``,
    compared without regard to case). ``label`` is how a call is written in messages when the
    checked object is itself what a call returned (default: the checked name); with a label,
    messages also say which call of the sequence went wrong. ``refused`` and ``instead``
    switch library functions off while the calls run, as for ``Function``."""

    cases: Sequence[Mapping[str, Any]]
    returns: Comparator = Exact()
    mentions: Sequence[Sequence[str]] = ()
    label: str | None = None
    refused: Sequence[str] = ()
    instead: str = ""

    def _mentions(self, index: int) -> Sequence[str]:
        return self.mentions[index] if index < len(self.mentions) else ()

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        with refusing(value, self.refused, self.instead):
            return self._observe_calls(value)

    def _observe_calls(self, value):
        calls = []
        for index, case in enumerate(self.cases):
            try:
                result = value(**copied(case))
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - raising may be the right answer
                message = str(err)
                missing = [w for w in self._mentions(index) if w.lower() not in message.lower()]
                calls.append(
                    {"raised": type(err).__name__, "message": message[:300], "missing": missing}
                )
                continue
            calls.append({"returned": self.returns.observe("result", result)})
        return {"calls": calls}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be callable, got {observed['not_callable']}."
        calls = zip(self.cases, observed["calls"], expected["calls"])
        for index, (case, got, want) in enumerate(calls):
            call = f"`{call_signature(self.label or name, case)}`"
            if self.label:  # a sequence of calls on one object: say which call
                call += f" (call {index + 1} of {len(self.cases)})"
            if "raised" in want:
                error = want["raised"]
                if "raised" not in got:
                    return f"{call} should raise {error}, but it returned without an error."
                if got["raised"] != error:
                    return (
                        f"{call} raised {got['raised']}: {got['message']!r}; it should raise "
                        f"{error}."
                    )
                if got["missing"]:
                    return (
                        f"{call} raised {error}, but its message {got['message']!r} does not "
                        f"mention {got['missing'][0]!r}."
                    )
                continue
            if "raised" in got:
                return f"{call} raised {got['raised']}: {got['message']!r}"
            reason = self.returns.diff("result", got["returned"], want["returned"])
            if reason:
                return for_call(call, reason)
        return None

    def matches(self, observed, recorded):
        if "not_callable" in observed or "not_callable" in recorded:
            return False
        for got, want in zip(observed["calls"], recorded["calls"]):
            if ("raised" in got) != ("raised" in want):
                return False
            if "raised" in got:
                if (got["raised"], got["missing"]) != (want["raised"], want["missing"]):
                    return False
            elif not self.returns.matches(got["returned"], want["returned"]):
                return False
        return True


@dataclass(frozen=True)
class DataclassFields(Comparator):
    """A dataclass instance, as data: its fields (``dataclasses.asdict``: names in order,
    values and their types) and, when the reference's is frozen, that it is frozen too. Use it
    as the ``returns`` of ``Calls`` or ``Function`` for a class or a factory."""

    def observe(self, name, value):
        import dataclasses

        if not dataclasses.is_dataclass(value) or isinstance(value, type):
            return {"not_dataclass": compare.type_name(value)}
        frozen = type(value).__dataclass_params__.frozen
        return {"fields": dataclasses.asdict(value), "frozen": frozen}

    def diff(self, name, observed, expected):
        if "not_dataclass" in observed:
            return (
                f"`{name}` should be a dataclass instance (decorate the class with "
                f"`@dataclass`), got {observed['not_dataclass']}."
            )
        if expected["frozen"] and not observed["frozen"]:
            return f"`{name}` can be changed after it is created: it should be frozen."
        got, want = observed["fields"], expected["fields"]
        if list(got) != list(want):
            return (
                f"`{name}` has the fields {list(got)}; it should have {list(want)}, in this order."
            )
        for key in want:
            if got[key] != want[key] or type(got[key]) is not type(want[key]):
                return f"`{name}.{key}` is {got[key]!r}, which is not the expected value."
        return None

    def matches(self, observed, recorded):
        if "not_dataclass" in observed or "not_dataclass" in recorded:
            return observed == recorded
        same_fields = self.diff("value", {**observed, "frozen": True}, recorded) is None
        return same_fields and observed["frozen"] == recorded["frozen"]
