"""One exercise, declared once: what it checks, hints, reference solution, known wrong answers.

A spec module next to each notebook (``NN_topic_exercises.py``) lists ``EXERCISES``. The same
object serves the learner (``check``/``hint``/``solution`` in the notebook), the test suite
(stub -> not attempted, solution -> correct, each wrong answer -> its own message) and the
grader. The check never needs the reference solution at check time in principle: it compares
against ``expected_values``, which a release can precompute and ship instead of the solution.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mlcourse import compare
from mlcourse.outcomes import Incorrect, NotAttempted

EXERCISE_ID = re.compile(r"^(?P<notebook>(?:\d{2}|cap)\.\d{2})\.(?P<number>\d+)$")
_MISSING = object()


class _StubCalled(Exception):
    """A learner function still raises NotImplementedError."""


# --- comparators: how one checked name is compared --------------------------------------


class Comparator:
    """Compares one name the learner defines against the reference value."""

    def expected(self, reference: Any) -> Any:
        """What to store for comparison (a release may precompute and ship this)."""
        return reference

    def diff(self, name: str, got: Any, expected: Any) -> str | None:
        raise NotImplementedError


@dataclass(frozen=True)
class Close(Comparator):
    """Numbers or arrays equal within a tolerance."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def diff(self, name, got, expected):
        if compare._is_real_number(expected):
            return compare.diff_scalars(name, got, expected, self.rtol, self.atol)
        return compare.diff_arrays(name, got, expected, self.rtol, self.atol)


@dataclass(frozen=True)
class Exact(Comparator):
    """Exactly equal: integers, strings, tuples, sets."""

    def diff(self, name, got, expected):
        return compare.diff_exact(name, got, expected)


@dataclass(frozen=True)
class Frame(Comparator):
    """pandas DataFrames: columns, shape, index, dtypes and values within a tolerance.

    ``ignore_index=True`` compares rows by position, for answers where a learner may or may not
    reset the index."""

    rtol: float = 1e-6
    atol: float = 1e-9
    ignore_index: bool = False

    def diff(self, name, got, expected):
        if self.ignore_index and hasattr(got, "reset_index"):
            got, expected = got.reset_index(drop=True), expected.reset_index(drop=True)
        return compare.diff_frames(name, got, expected, self.rtol, self.atol)


@dataclass(frozen=True)
class Estimator(Comparator):
    """A scikit-learn style estimator (class or instance): API rules, then its predictions on
    ``X`` after fitting on ``X, y`` compared with the reference estimator's."""

    X: Any
    y: Any
    returns: Comparator = Close()

    def expected(self, reference):
        return compare.predictions_of(reference, self.X, self.y)

    def diff(self, name, got, expected):
        try:
            reason = compare.diff_estimator_api(name, got, self.X, self.y)
            if reason:
                return reason
            predictions = compare.predictions_of(got, self.X, self.y)
        except NotImplementedError:
            raise _StubCalled from None
        except Exception as err:  # the learner's estimator failed: say how
            return f"fitting `{name}` and predicting raised {type(err).__name__}: {err}"
        reason = self.returns.diff("predictions", predictions, expected)
        return reason and reason.replace("`predictions`", f"the predictions of `{name}`", 1)


@dataclass(frozen=True)
class Plot(Comparator):
    """A matplotlib Axes: its lines, scatter points and bars as data, and its labels."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def expected(self, reference):
        return compare.plot_data(reference)

    def diff(self, name, got, expected):
        return compare.diff_plot(name, got, expected, self.rtol, self.atol)


@dataclass(frozen=True)
class Function(Comparator):
    """A function, checked by calling it on fixed cases and comparing what it returns."""

    cases: Sequence[Mapping[str, Any]]
    returns: Comparator = Close()

    def expected(self, reference):
        return [self.returns.expected(reference(**_copied(case))) for case in self.cases]

    def diff(self, name, got, expected):
        if not callable(got):
            return f"`{name}` should be a function, got {compare.type_name(got)}."
        for case, want in zip(self.cases, expected):
            call = (
                f"{name}({', '.join(f'{k}={compare.short_repr(v, 40)}' for k, v in case.items())})"
            )
            try:
                result = got(**_copied(case))
            except NotImplementedError:
                raise _StubCalled from None
            except Exception as err:  # the learner's code failed: say where and how
                return f"`{call}` raised {type(err).__name__}: {err}"
            if result is None and want is not None:
                return f"`{call}` returned None. Did you forget the `return` statement?"
            reason = self.returns.diff("result", result, want)
            if reason:
                reason = reason.replace("`result` = ", "the result ", 1)
                return f"for `{call}`: " + reason.replace("`result`", "the result", 1)
        return None


def _copied(case: Mapping[str, Any]) -> dict[str, Any]:
    """Fresh copies of a case's arguments, so a function that mutates them cannot spoil others."""
    import copy

    return {key: copy.deepcopy(value) for key, value in case.items()}


# --- the exercise ------------------------------------------------------------------------


@dataclass(frozen=True)
class WrongAnswer:
    """A recorded mistake: code that replaces the stub, and what to tell a learner who made it.

    ``message`` may use ``{name}`` for the checked name, so the text cannot drift from the check.
    """

    code: str
    message: str
    expected: Mapping[str, Any] | None = None  # precomputed values (a release ships no code)


@dataclass
class Exercise:
    id: str
    title: str
    checks: Mapping[str, Comparator]
    solution: str
    hints: Sequence[str]
    wrong_answers: Sequence[WrongAnswer] = ()
    expected: Mapping[str, Any] | None = field(default=None, repr=False)  # precomputed (release)
    # Mutants of the solution that give the same answer on every input (``make check-strength``):
    # {mutant description: why it is equivalent}.
    equivalent_mutants: Mapping[str, str] = field(default_factory=dict, repr=False)
    _hints_shown: int = field(default=0, repr=False)

    def __post_init__(self):
        if not EXERCISE_ID.match(self.id):
            raise ValueError(
                f"exercise id {self.id!r} should look like '01.02.3' (module.notebook.number)."
            )
        if not self.checks:
            raise ValueError(f"exercise {self.id} checks no names: give `checks={{name: ...}}`.")
        self.solution = _dedent(self.solution)
        self.wrong_answers = [replace(w, code=_dedent(w.code)) for w in self.wrong_answers]

    @property
    def notebook_id(self) -> str:
        return EXERCISE_ID.match(self.id)["notebook"]

    @property
    def number(self) -> int:
        return int(EXERCISE_ID.match(self.id)["number"])

    @property
    def names(self) -> list[str]:
        return list(self.checks)

    # -- values ---------------------------------------------------------------------------

    def run_code(self, code: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
        """Run answer code on a copy of the notebook's namespace and return the checked names."""
        # Without the learner's bindings of the checked names: code that forgets to define one
        # must not inherit the learner's answer and so compare it with itself.
        scope = {k: v for k, v in namespace.items() if k not in self.checks}
        with _quiet(), _closing_new_figures():
            exec(compile(code, f"<{self.id}>", "exec"), scope)  # noqa: S102 - our own spec code
        missing = [n for n in self.names if n not in scope]
        if missing:
            raise ValueError(f"code for {self.id} does not define {missing}")
        return {name: scope[name] for name in self.names}

    def expected_values(self, namespace: Mapping[str, Any], code: str | None = None) -> dict:
        """What the checks compare against: the reference solution's (or ``code``'s) values."""
        if code is None and self.expected is not None:
            return dict(self.expected)
        values = self.run_code(self.solution if code is None else code, namespace)
        return {name: self.checks[name].expected(value) for name, value in values.items()}

    # -- the check ------------------------------------------------------------------------

    def check(self, namespace: Mapping[str, Any]) -> None:
        """Raise NotAttempted or Incorrect; return None when every checked name is right."""
        got = {name: namespace.get(name, _MISSING) for name in self.names}
        for name, value in got.items():
            if value is _MISSING:
                raise NotAttempted(self.id, f"`{name}` is not defined yet: run your answer cell.")
            if value is Ellipsis:
                raise NotAttempted(
                    self.id, f"replace the `...` in `{name} = ...` with your answer."
                )
        expected = self.expected_values(namespace)
        reason = self._first_reason(got, expected)
        if reason is None:
            return
        known = self._matching_wrong_answer(got, namespace)
        if known is not None:
            reason = f"{reason} {known.message.format(name=self.names[0])}"
        raise Incorrect(self.id, reason)

    def _first_reason(self, got, expected) -> str | None:
        for name in self.names:
            try:
                reason = self.checks[name].diff(name, got[name], expected[name])
            except _StubCalled:
                raise NotAttempted(
                    self.id, f"`{name}` still raises NotImplementedError: write its body."
                ) from None
            if reason:
                return reason
        return None

    def _matching_wrong_answer(self, got, namespace) -> WrongAnswer | None:
        for wrong in self.wrong_answers:
            try:
                values = wrong.expected
                if values is None:
                    values = self.expected_values(namespace, wrong.code)
                if self._first_reason(got, values) is None:
                    return wrong
            except Exception:  # noqa: BLE001 - a wrong answer that cannot run simply does not match
                continue
        return None

    # -- help -----------------------------------------------------------------------------

    def next_hint(self, number: int | None = None) -> tuple[int, str]:
        """The requested hint, or the next one in order (the last one repeats)."""
        if not self.hints:
            raise ValueError(f"exercise {self.id} has no hints.")
        if number is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            number = self._hints_shown
        if not 1 <= number <= len(self.hints):
            raise ValueError(f"hint number should be 1 to {len(self.hints)}, got {number!r}.")
        return number, self.hints[number - 1]


def _dedent(code: str) -> str:
    import textwrap

    return textwrap.dedent(code).strip("\n") + "\n"


@contextlib.contextmanager
def _quiet():
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


@contextlib.contextmanager
def _closing_new_figures():
    """Reference code may plot; close its figures so they never appear in the learner's output."""
    import sys

    plt = sys.modules.get("matplotlib.pyplot")
    before = set(plt.get_fignums()) if plt else set()
    try:
        yield
    finally:
        plt = sys.modules.get("matplotlib.pyplot")
        if plt:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
