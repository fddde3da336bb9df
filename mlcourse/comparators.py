"""How one checked name is compared, in two steps that may run in different processes.

``observe(name, value)`` runs where the learner's value lives (the notebook's kernel, or a
grading kernel) and turns it into plain data: the value itself, what a function returns on the
cases, a model's held-out scores, a query's result table. ``diff(name, observed, expected)`` is
pure: it compares two observations and explains the difference, or returns None. The notebook
check and the grader both call ``mlcourse.exercise.judge`` on observations, so a learner and the
gradebook read the same words for the same answer.

``matches(observed, recorded)`` says whether an answer makes the same mistake as a recorded
wrong answer; for comparators that check a property (a score threshold, a rule) rather than
equality, it compares the observations themselves.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlcourse import compare


class Unfinished(Exception):
    """The learner's code still raises NotImplementedError: the exercise is not attempted."""


class Comparator:
    """Compares one name the learner defines against the reference solution's."""

    def observe(self, name: str, value: Any) -> Any:
        """What the check needs from ``value``, as plain data; raise ``Unfinished`` for a stub."""
        return value

    def diff(self, name: str, observed: Any, expected: Any) -> str | None:
        raise NotImplementedError

    def matches(self, observed: Any, recorded: Any) -> bool:
        """Does ``observed`` make the mistake whose observation is ``recorded``?"""
        return self.diff("value", observed, recorded) is None


# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Close(Comparator):
    """Numbers or arrays equal within a tolerance."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def diff(self, name, observed, expected):
        if compare.is_real_number(expected):
            return compare.diff_scalars(name, observed, expected, self.rtol, self.atol)
        return compare.diff_arrays(name, observed, expected, self.rtol, self.atol)


@dataclass(frozen=True)
class Exact(Comparator):
    """Exactly equal: integers, strings, tuples, sets."""

    def diff(self, name, observed, expected):
        return compare.diff_exact(name, observed, expected)


@dataclass(frozen=True)
class Frame(Comparator):
    """pandas DataFrames: columns, shape, index, dtypes and values within a tolerance.

    ``ignore_index=True`` compares rows by position, for answers where a learner may or may not
    reset the index."""

    rtol: float = 1e-6
    atol: float = 1e-9
    ignore_index: bool = False

    def diff(self, name, observed, expected):
        if self.ignore_index and hasattr(observed, "reset_index"):
            observed, expected = observed.reset_index(drop=True), expected.reset_index(drop=True)
        return compare.diff_frames(name, observed, expected, self.rtol, self.atol)


# --- functions ----------------------------------------------------------------------------------


def copied(case: Mapping[str, Any]) -> dict[str, Any]:
    """Fresh copies of a case's arguments, so a function that mutates them cannot spoil others."""
    return {key: copy.deepcopy(value) for key, value in case.items()}


def call_signature(name: str, case: Mapping[str, Any]) -> str:
    arguments = ", ".join(f"{k}={compare.short_repr(v, 40)}" for k, v in case.items())
    return f"{name}({arguments})"


def _raised(err: BaseException) -> str:
    """'ValueError: bad shape', or just 'AssertionError' for a bare ``assert`` that failed."""
    text = str(err)
    return (f"{type(err).__name__}: {text}" if text else type(err).__name__)[:500]


@dataclass(frozen=True)
class Function(Comparator):
    """A function, checked by calling it on fixed cases and comparing what it returns."""

    cases: Sequence[Mapping[str, Any]]
    returns: Comparator = Close()

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        calls = []
        for case in self.cases:
            try:
                result = value(**copied(case))
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                calls.append({"raised": _raised(err)})
                continue
            calls.append({"returned": self.returns.observe("result", result)})
        return {"calls": calls}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        for case, got, want in zip(self.cases, observed["calls"], expected["calls"]):
            call = call_signature(name, case)
            if "raised" in got:
                return f"`{call}` raised {got['raised']}"
            result, wanted = got["returned"], want["returned"]
            if result is None and wanted is not None:
                return f"`{call}` returned None. Did you forget the `return` statement?"
            reason = self.returns.diff("result", result, wanted)
            if reason:
                reason = reason.replace("`result` = ", "the result ", 1)
                return f"for `{call}`: " + reason.replace("`result`", "the result", 1)
        return None

    def matches(self, observed, recorded):
        if "not_callable" in observed or "not_callable" in recorded:
            return False
        pairs = zip(observed["calls"], recorded["calls"])
        return all(
            "returned" in got
            and "returned" in want
            and self.returns.matches(got["returned"], want["returned"])
            for got, want in pairs
        )


# --- models ---------------------------------------------------------------------------------------


def _instance(estimator: Any) -> Any:
    """A fresh, unfitted copy of ``estimator`` (a class or an instance)."""
    from sklearn.base import clone

    return estimator() if isinstance(estimator, type) else clone(estimator)


@dataclass(frozen=True)
class Estimator(Comparator):
    """A scikit-learn style estimator (class or instance): API rules, then its predictions on
    ``X`` after fitting on ``X, y`` compared with the reference estimator's."""

    X: Any
    y: Any
    returns: Comparator = Close()

    def observe(self, name, value):
        try:
            problem = compare.diff_estimator_api(name, value, self.X, self.y)
            if problem:
                return {"api": problem}
            predictions = compare.predictions_of(value, self.X, self.y)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's estimator failed: say how
            return {"api": f"fitting `{name}` and predicting raised {_raised(err)}"}
        return {"predictions": predictions}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        reason = self.returns.diff("predictions", observed["predictions"], expected["predictions"])
        reason = reason and reason.replace("`predictions` differs", "`predictions` differ", 1)
        return reason and reason.replace("`predictions`", f"the predictions of `{name}`", 1)


def _per_row(model: Any, X: Any) -> list:
    """What ``model`` says about each row of ``X``: its predictions and, where it has them, its
    scores (a class label hides the small shifts that batch statistics cause)."""
    import numpy as np

    outputs = [np.asarray(model.predict(X))]
    for method in ("decision_function", "predict_proba"):
        if hasattr(model, method):
            outputs.append(np.asarray(getattr(model, method)(X), dtype=float))
            break
    return outputs


def _same_outputs(a: Any, b: Any) -> bool:
    import numpy as np

    if a.shape != b.shape:
        return False
    if np.array_equal(a, b):
        return True
    numeric = a.dtype.kind in "biuf" and b.dtype.kind in "biuf"
    return numeric and bool(np.allclose(a, b, equal_nan=True))


def _with_seed(estimator: Any, seed: int) -> Any:
    """Set every ``random_state`` parameter (nested ones too) to ``seed``."""
    params = estimator.get_params(deep=True)
    seeded = {key: seed for key in params if key.split("__")[-1] == "random_state"}
    return estimator.set_params(**seeded) if seeded else estimator


def _train_test(data: Any) -> tuple:
    """``(X_train, y_train, X_test, y_test)``, or a clear error for the spec's author."""
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise ValueError(
            "Model(data=...) should be (X_train, y_train, X_test, y_test) or a function "
            f"returning it, got {compare.type_name(data)} of length {len(data) if hasattr(data, '__len__') else '?'}."
        )
    X_train, y_train, X_test, y_test = data
    if len(X_train) != len(y_train) or len(X_test) != len(y_test):
        raise ValueError(
            "Model(data=...) should be (X_train, y_train, X_test, y_test), got lengths "
            f"{[len(part) for part in data]}. Note that train_test_split returns "
            "X_train, X_test, y_train, y_test: reorder its result."
        )
    return tuple(data)


@dataclass(frozen=True)
class Model(Comparator):
    """A model the learner builds (an unfitted estimator or pipeline), judged by behaviour.

    The check fits a fresh copy on the training rows only, once per seed (every
    ``random_state`` inside it set to the seed), and requires:

    * the scikit-learn estimator API (clonable, ``predict`` before ``fit`` raises, ``fit``
      returns ``self``);
    * ``metric`` on the held-out rows of at least ``at_least`` for *every* seed, so a score
      that needs a lucky seed fails;
    * no leakage through the batch: predictions for held-out rows are the same whether they
      are predicted all at once or half at a time (``predict`` must use what ``fit`` learned,
      not statistics of the rows it is given).

    ``data`` is ``(X_train, y_train, X_test, y_test)`` or a function returning it (called once).
    ``metric`` is a scikit-learn scorer name (``"accuracy"``, ``"r2"``, ``"roc_auc"``,
    ``"neg_mean_absolute_error"``...): higher is better.
    """

    data: Any
    at_least: float
    metric: str = "accuracy"
    seeds: Sequence[int] = (0, 1, 2)
    rtol: float = 1e-6  # two scores this close are the same mistake (recorded wrong answers)
    _data_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def splits(self) -> tuple:
        if "data" not in self._data_cache:
            data = self.data() if callable(self.data) else self.data
            self._data_cache["data"] = _train_test(data)
        return self._data_cache["data"]

    def observe(self, name, value):
        import numpy as np
        from sklearn.metrics import get_scorer

        X_train, y_train, X_test, y_test = self.splits()
        try:
            problem = compare.diff_estimator_api(name, value, X_train, y_train)
            if problem:
                return {"api": problem}
            scorer = get_scorer(self.metric)
            scores = []
            for seed in self.seeds:
                model = _with_seed(_instance(value), seed).fit(X_train, y_train)
                scores.append(float(scorer(model, X_test, y_test)))
            half = len(X_test) // 2
            together = _per_row(model, X_test)
            apart = [
                np.concatenate([first, second])
                for first, second in zip(
                    _per_row(model, X_test[:half]), _per_row(model, X_test[half:])
                )
            ]
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's model failed: say how
            return {"api": f"fitting `{name}` and scoring it raised {_raised(err)}"}
        same = all(_same_outputs(a, b) for a, b in zip(together, apart))
        return {"scores": scores, "batch_consistent": same}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        if not observed["batch_consistent"]:
            return (
                f"`{name}` predicts a held-out row differently depending on the other rows "
                "predicted with it: does `predict` (or a transform) use statistics of its input, "
                "such as its mean or maximum? Learn them in `fit` and reuse them."
            )
        worst = min(observed["scores"])
        if worst < self.at_least:
            shown = ", ".join(f"{s:.3f}" for s in observed["scores"])
            return (
                f"`{name}` scored {worst:.3f} ({self.metric}) on the held-out rows, below the "
                f"required {self.at_least:g} (scores over seeds {list(self.seeds)}: {shown})."
            )
        return None

    def matches(self, observed, recorded):
        if "api" in observed or "api" in recorded:
            return observed.get("api") == recorded.get("api")
        return observed["batch_consistent"] == recorded["batch_consistent"] and bool(
            compare.diff_arrays("scores", observed["scores"], recorded["scores"], self.rtol, 1e-12)
            is None
        )


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


# --- files: SQL, Dockerfiles, YAML, JSON -------------------------------------------------------------


def _text_of(name: str, value: Any) -> str:
    """A file's text from a string holding it, or from a ``pathlib.Path`` to it (a plain
    string is always the text itself)."""
    from pathlib import Path

    if isinstance(value, Path):
        if not value.is_file():
            raise ValueError(f"`{name}` is the path {str(value)!r}, but no such file exists.")
        return value.read_text(encoding="utf-8")
    if not isinstance(value, str):
        raise ValueError(
            f"`{name}` should be a string (the file's text), got {compare.type_name(value)}."
        )
    return value


@dataclass(frozen=True)
class SqlQuery(Comparator):
    """A SQL query (a string), run on a fresh in-memory SQLite database made by ``setup`` (a
    SQL script, or a function given the connection); its result table is compared with the
    reference query's. Rows are compared as a set unless ``ordered`` (an ORDER BY matters)."""

    setup: Any
    ordered: bool = False
    rtol: float = 1e-6
    atol: float = 1e-9

    def observe(self, name, value):
        import sqlite3

        import pandas as pd

        try:
            query = _text_of(name, value)
        except ValueError as err:
            return {"error": str(err)}
        connection = sqlite3.connect(":memory:")
        try:
            if callable(self.setup):
                self.setup(connection)
            else:
                connection.executescript(self.setup)
            table = pd.read_sql_query(query, connection)
        except Exception as err:  # noqa: BLE001 - the learner's SQL failed: say how
            return {"error": f"running `{name}` failed: {_raised(err)}"}
        finally:
            connection.close()
        if not self.ordered and len(table.columns) and table.columns.is_unique:
            try:
                table = table.sort_values(list(table.columns), kind="stable")
            except TypeError:  # a column mixes types (ints and text): order rows by their text
                table = table.iloc[table.astype(str).apply(tuple, axis=1).argsort(kind="stable")]
            table = table.reset_index(drop=True)
        return {"table": table}

    def diff(self, name, observed, expected):
        if "error" in observed:
            return observed["error"]
        reason = compare.diff_frames(
            f"the result of {name}", observed["table"], expected["table"], self.rtol, self.atol
        )
        return reason and reason.replace("`the result of ", "the result of `", 1)


@dataclass(frozen=True)
class Rule:
    """One requirement on a parsed file: ``passes(document)`` is true when it is met; ``message``
    says what to fix (``{name}`` is the checked name)."""

    message: str
    passes: Callable[[Any], bool]


DOCKERFILE_INSTRUCTIONS = frozenset(
    ("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL")
    + ("MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR")
)


def parse_dockerfile(text: str) -> list[list[str]]:
    """[[INSTRUCTION, arguments], ...], continuation lines joined, comments dropped (Docker
    drops comment and empty lines inside a continued instruction too)."""
    instructions, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line = (pending + line).strip()
        pending = ""
        keyword, _, arguments = line.partition(" ")
        if not keyword.isalpha():
            raise ValueError(f"{line[:40]!r} does not start with an instruction such as FROM")
        if keyword.upper() not in DOCKERFILE_INSTRUCTIONS:
            raise ValueError(
                f"{keyword.upper()!r} is not a Dockerfile instruction (in {line[:40]!r}): did the "
                "line before it forget its `\\`?"
            )
        instructions.append([keyword.upper(), arguments.strip()])
    if pending:
        raise ValueError("the last line ends with `\\` but nothing follows it")
    if not instructions or instructions[0][0] not in ("FROM", "ARG"):
        raise ValueError("a Dockerfile must start with FROM (or ARG before FROM)")
    return instructions


def _parse_yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def _parse_json(text: str) -> Any:
    import json

    return json.loads(text)


PARSERS: dict[str, Callable[[str], Any]] = {
    "dockerfile": parse_dockerfile,
    "yaml": _parse_yaml,
    "json": _parse_json,
    "text": str,
}


@dataclass(frozen=True)
class Document(Comparator):
    """A file the learner writes (its text, or a path to it): parsed as ``kind`` (dockerfile,
    yaml, json or text), then every ``Rule`` must hold. The reference solution must pass the
    same rules (the test suite proves it)."""

    kind: str
    rules: Sequence[Rule]

    def __post_init__(self):
        if self.kind not in PARSERS:
            raise ValueError(
                f"Document kind should be one of {sorted(PARSERS)}, got {self.kind!r}."
            )

    def observe(self, name, value):
        try:
            text = _text_of(name, value)
        except ValueError as err:  # not text, or a path to no file
            return {"error": str(err)}
        try:
            return {"document": PARSERS[self.kind](text)}
        except Exception as err:  # noqa: BLE001 - a file that does not parse: say why
            return {"error": f"`{name}` is not a valid {self.kind} file: {err}"}

    def failed_rule(self, observed) -> int | None:
        for index, rule in enumerate(self.rules):
            try:
                if not rule.passes(observed["document"]):
                    return index
            except Exception:  # noqa: BLE001 - a rule that cannot read the document fails
                return index
        return None

    def diff(self, name, observed, expected):
        if "error" in observed:
            return observed["error"]
        index = self.failed_rule(observed)
        return None if index is None else self.rules[index].message.format(name=name)

    def matches(self, observed, recorded):
        if "error" in observed or "error" in recorded:
            return ("error" in observed) == ("error" in recorded)
        return self.failed_rule(observed) == self.failed_rule(recorded)


# --- figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plot(Comparator):
    """A matplotlib Axes: its lines, scatter points and bars as data, and its labels."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def observe(self, name, value):
        from matplotlib.axes import Axes

        if not isinstance(value, Axes):
            return {"not_axes": compare.type_name(value), "has_axes": hasattr(value, "axes")}
        return compare.plot_data(value)

    def diff(self, name, observed, expected):
        if "not_axes" in observed:
            fix = (
                " Use `fig.axes[0]` or `fig, ax = plt.subplots()` and keep `ax`."
                if observed["has_axes"]
                else ""
            )
            return f"`{name}` should be a matplotlib Axes, got {observed['not_axes']}.{fix}"
        return compare.diff_plot_data(name, observed, expected, self.rtol, self.atol)


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
    messages also say which call of the sequence went wrong."""

    cases: Sequence[Mapping[str, Any]]
    returns: Comparator = Exact()
    mentions: Sequence[Sequence[str]] = ()
    label: str | None = None

    def _mentions(self, index: int) -> Sequence[str]:
        return self.mentions[index] if index < len(self.mentions) else ()

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
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
                reason = reason.replace("`result` = ", "the result ", 1)
                return f"for {call}: " + reason.replace("`result`", "the result", 1)
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


# --- estimators under scikit-learn's own checks -------------------------------------------------

# What the checks that fail without a telling message (a bare assert) test, in words.
SKLEARN_CHECK_MEANINGS = {
    "check_estimators_fit_returns_self": "`fit` should end with `return self`.",
    "check_regressors_train": (
        "fitted on standardised data, its predictions should have the shape of y and an R² "
        "above 0.5 on the training rows."
    ),
    "check_n_features_in": "`fit` should set `n_features_in_`: call `validate_data` in `fit`.",
    "check_readonly_memmap_input": "`fit` should work on read-only arrays and return self.",
    "check_methods_subset_invariance": (
        "the output for a row should not depend on the other rows passed with it."
    ),
}


def _first_line(err: BaseException) -> str:
    """'ValueError: the first line of its message.' (a failed assert without its type)."""
    lines = str(err).strip().splitlines()
    if not lines:
        return type(err).__name__
    text = lines[0][:300].rstrip()
    text = text if text.endswith((".", "!", "?")) else text + "."
    return text if isinstance(err, AssertionError) else f"{type(err).__name__}: {text}"


def _says_nothing(err: BaseException) -> bool:
    """A bare assert, or NumPy's "Not equal to tolerance" that names no rule."""
    text = str(err).strip()
    return not text or text.startswith(("Not equal to tolerance", "Arrays are not"))


@contextlib.contextmanager
def _picklable(cls: type):
    """Let pickle find ``cls`` by its module and name while the checks run.

    A class made by ``exec`` (the reference solution, a recorded wrong answer) says it lives in
    ``__main__`` where the learner's class of the same name lives, so pickling it fails; the
    checks' pickling round trip needs to find this very class. The module's entry is restored.
    """
    import sys

    module = sys.modules.get(cls.__module__)
    name = cls.__qualname__
    if module is None or "." in name or getattr(module, name, None) is cls:
        yield
        return
    missing = object()
    before = getattr(module, name, missing)
    setattr(module, name, cls)
    try:
        yield
    finally:
        if before is missing:
            delattr(module, name)
        else:
            setattr(module, name, before)


def failed_sklearn_check(
    estimator: Any, skip: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """(check name, what went wrong) for the first of scikit-learn's estimator checks that
    ``estimator`` fails, leaving out the checks in ``skip`` ({check name: why}); None when it
    passes them all."""
    import warnings

    from sklearn.utils.estimator_checks import check_estimator

    with _picklable(type(estimator)), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            results = check_estimator(
                estimator, on_fail=None, expected_failed_checks=dict(skip or {})
            )
        except Exception as err:  # noqa: BLE001 - e.g. tags that cannot be read
            return "check_estimator", _first_line(err)
    for result in results:
        if result["status"] == "failed":
            check, err = result["check_name"], result["exception"]
            if check in SKLEARN_CHECK_MEANINGS and _says_nothing(err):  # say what it tests
                return check, SKLEARN_CHECK_MEANINGS[check]
            return check, _first_line(err)
    return None


def _unfitted_problem(name: str, instance: Any, method: str, X: Any) -> str | None:
    """Why calling ``method`` before ``fit`` does not raise NotFittedError, or None."""
    from sklearn.exceptions import NotFittedError

    try:
        getattr(instance, method)(X)
    except NotFittedError:
        return None
    except NotImplementedError:
        raise Unfinished from None
    except Exception as err:  # noqa: BLE001 - the wrong error: say which
        return (
            f"`{name}.{method}` before `fit` raised {type(err).__name__}; it should raise "
            "NotFittedError: call `check_is_fitted(self)` first."
        )
    return f"`{name}.{method}` works before `fit`; it should raise NotFittedError."


@dataclass(frozen=True)
class SklearnEstimator(Comparator):
    """An estimator class the learner writes (or an instance of it), held to scikit-learn's
    own contract, in three steps:

    0. No attribute ending in ``_`` before ``fit`` (it would make ``check_is_fitted`` pass),
       and ``predict`` (or ``transform``) before ``fit`` must raise ``NotFittedError``
       (scikit-learn's checks also accept an AttributeError there; the course does not).
    1. scikit-learn's ``check_estimator`` (about 50 checks; all but those in ``skip``,
       {check name: why it is left out}): the first failing check is the reason, and a
       recorded wrong answer matches by the check it fails.
    2. Its output after ``fit(X, y)``: ``predict(X_new)`` for a predictor, ``transform(X_new)``
       for a transformer, compared with the reference solution's within ``rtol``/``atol``.

    ``Estimator`` checks the API by hand and compares predictions; this one runs the whole
    battery (tenths of a second per answer), for classes meant to plug into scikit-learn.
    """

    X: Any
    y: Any
    X_new: Any
    skip: Mapping[str, str] = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9

    def observe(self, name, value):
        import numpy as np
        from sklearn.base import clone

        try:
            instance = value() if isinstance(value, type) else clone(value)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - report any failure to construct or clone
            problem = f"`{name}` cannot be created with its default arguments: {_first_line(err)}"
            return {"failed": "construct", "api": problem}
        method = next((m for m in ("predict", "transform") if hasattr(instance, m)), None)
        if method is None:
            problem = f"`{name}` has neither a `predict` nor a `transform` method."
            return {"failed": "methods", "api": problem}
        learned = sorted(
            key
            for key in getattr(instance, "__dict__", {})
            if key.endswith("_") and not key.startswith("__")
        )
        if learned:  # check_is_fitted would take it as fitted: say why, not only that
            problem = (
                f"`{name}` has `{learned[0]}` before `fit`: a name ending in `_` marks what "
                "`fit` learns, so `check_is_fitted` takes the object as fitted. Create it in "
                "`fit`, not in `__init__`."
            )
            return {"failed": "learned in __init__", "api": problem}
        problem = _unfitted_problem(name, clone(instance), method, self.X_new)
        if problem:
            return {"failed": "unfitted", "api": problem}
        try:  # a stub raises NotImplementedError: not attempted
            fitted = clone(instance).fit(self.X, self.y)
            outputs = np.asarray(getattr(fitted, method)(self.X_new), dtype=float)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the checks below say more, if they can
            outputs, error = None, err
        failed = failed_sklearn_check(instance, self.skip)
        if failed:
            check, text = failed
            return {"failed": check, "api": f"`{name}` fails scikit-learn's `{check}`: {text}"}
        if outputs is None:
            problem = f"fitting `{name}` and calling `{method}` raised {_first_line(error)}"
            return {"failed": "fit", "api": problem}
        return {"method": method, "outputs": outputs}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        if observed["method"] != expected["method"]:
            return f"`{name}` should have a `{expected['method']}` method."
        label = "predictions" if observed["method"] == "predict" else "transformed values"
        reason = compare.diff_arrays(
            label, observed["outputs"], expected["outputs"], self.rtol, self.atol
        )
        if reason:
            reason = reason.replace(f"`{label}` differs", f"the {label} of `{name}` differ", 1)
        return reason

    def matches(self, observed, recorded):
        if "api" in observed or "api" in recorded:
            return observed.get("failed") == recorded.get("failed")
        return self.diff("value", observed, recorded) is None


KINDS = (
    Close,
    Exact,
    Frame,
    Function,
    Estimator,
    Model,
    TestSuite,
    SqlQuery,
    Document,
    Plot,
    Yields,
    Calls,
    DataclassFields,
    SklearnEstimator,
)
