"""One exercise, declared once: what it checks, hints, reference solution, known wrong answers;
and ``judge``, the one verdict both the notebook check and the grader reach.

A spec module next to each notebook (``NN_topic_exercises.py``) lists ``EXERCISES``. The same
object serves the learner (``check``/``hint``/``solution`` in the notebook), the test suite
(stub -> not attempted, solution -> correct, each wrong answer -> its own message) and the
grader. Answers are compared as *observations* (see ``mlcourse.comparators``): plain data that
can cross from a grading kernel to the grader, so both judge with the same function.
"""

from __future__ import annotations

import ast
import contextlib
import io
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mlcourse.comparators import (  # noqa: F401 - re-exported: specs import them from here
    KINDS,
    Calls,
    Close,
    Comparator,
    DataclassFields,
    Document,
    Estimator,
    Exact,
    Frame,
    Function,
    Model,
    Plot,
    Rule,
    SklearnEstimator,
    SparkFrame,
    SqlQuery,
    TestSuite,
    Unfinished,
    Yields,
    refusing_tensor,
)
from mlcourse.layout import EXERCISE_ID, parse_exercise_id
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, Incorrect, NotAttempted

# What a name holds, as an observation record: {"state": ..., "value": observation}.
MISSING, ELLIPSIS, STUB, VALUE = "missing", "ellipsis", "stub", "value"
NOT_ATTEMPTED_REASONS = {
    MISSING: "`{name}` is not defined yet: run your answer cell.",
    ELLIPSIS: "replace the `...` in `{name} = ...` with your answer.",
    STUB: "`{name}` still raises NotImplementedError: write its body.",
}
_ABSENT = object()


@dataclass(frozen=True)
class Verdict:
    """The outcome of judging one answer: status, the learner-facing reason, and which recorded
    wrong answer (0-based) it matched, if any."""

    status: str
    reason: str = ""
    wrong_answer: int | None = None

    @property
    def correct(self) -> bool:
        return self.status == CORRECT


def observe(checks: Mapping[str, Comparator], namespace: Mapping[str, Any]) -> dict[str, dict]:
    """An observation record for each checked name found (or not) in ``namespace``."""
    records = {}
    for name, comparator in checks.items():
        value = namespace.get(name, _ABSENT)
        if value is _ABSENT:
            records[name] = {"state": MISSING}
        elif value is Ellipsis:
            records[name] = {"state": ELLIPSIS}
        else:
            try:
                records[name] = {"state": VALUE, "value": comparator.observe(name, value)}
            except Unfinished:
                records[name] = {"state": STUB}
    return records


def _first_difference(checks, observed, expected) -> str | None:
    for name, comparator in checks.items():
        record = expected.get(name, {})
        if record.get("state") != VALUE:
            raise ValueError(
                f"the reference solution left `{name}` {record.get('state', 'undefined')}; "
                "fix the exercise's solution (`make test` shows it)."
            )
        reason = comparator.diff(name, observed[name]["value"], record["value"])
        if reason:
            return reason
    return None


def _same_mistake(checks, observed, recorded) -> bool:
    if recorded is None:
        return False
    try:
        return all(
            recorded[name]["state"] == VALUE
            and comparator.matches(observed[name]["value"], recorded[name]["value"])
            for name, comparator in checks.items()
        )
    except Exception:  # noqa: BLE001 - a recorded answer that cannot be compared never matches
        return False


def judge(
    exercise: Exercise,
    observed: Mapping[str, dict],
    expected: Mapping[str, dict] | Callable[[], Mapping[str, dict]],
    wrong_answers: Iterable[Mapping[str, dict] | None] | Callable[[], Iterable] = (),
    checks: Mapping[str, Comparator] | None = None,
) -> Verdict:
    """The verdict on one answer, from observation records (see ``observe``).

    ``expected`` and ``wrong_answers`` (the recorded wrong answers' observations, in spec order)
    may be given as functions, so they are computed only when needed. ``checks`` replaces the
    exercise's own comparators (hidden checks)."""
    checks = exercise.checks if checks is None else checks
    for name in checks:
        state = observed.get(name, {}).get("state", MISSING)
        if state in NOT_ATTEMPTED_REASONS:
            return Verdict(NOT_ATTEMPTED, NOT_ATTEMPTED_REASONS[state].format(name=name))
        if state != VALUE:
            return Verdict(INCORRECT, f"`{name}` could not be read ({state}).")
    reason = _first_difference(checks, observed, expected() if callable(expected) else expected)
    if reason is None:
        return Verdict(CORRECT)
    for index, recorded in enumerate(wrong_answers() if callable(wrong_answers) else wrong_answers):
        if index < len(exercise.wrong_answers) and _same_mistake(checks, observed, recorded):
            message = exercise.wrong_answers[index].message.format(name=exercise.names[0])
            return Verdict(INCORRECT, f"{reason} {message}", index)
    return Verdict(INCORRECT, reason)


# --- the exercise ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrongAnswer:
    """A recorded mistake: code that replaces the stub, and what to tell a learner who made it.

    ``message`` may use ``{name}`` for the checked name, so the text cannot drift from the check.
    """

    code: str
    message: str
    expected: Mapping[str, Any] | None = None  # precomputed observations (a release ships no code)


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
    points: float = 1  # what a correct answer is worth in the gradebook
    _hints_shown: int = field(default=0, repr=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        parse_exercise_id(self.id)
        if not self.checks:
            raise ValueError(f"exercise {self.id} checks no names: give `checks={{name: ...}}`.")
        for name, comparator in self.checks.items():
            if not isinstance(comparator, Comparator):
                raise TypeError(
                    f"exercise {self.id} checks `{name}` with {comparator!r}; use one of "
                    f"{', '.join(kind.__name__ for kind in KINDS)}."
                )
        if isinstance(self.points, bool) or not isinstance(self.points, int | float):
            raise TypeError(f"exercise {self.id}: points should be a number, got {self.points!r}.")
        if not self.points > 0:
            raise ValueError(
                f"exercise {self.id}: points should be above 0, got {self.points!r}; "
                "leave it out for the default of 1."
            )
        self.solution = _dedent(self.solution)
        self.wrong_answers = [replace(w, code=_dedent(w.code)) for w in self.wrong_answers]

    @property
    def notebook_id(self) -> str:
        return parse_exercise_id(self.id)[0]

    @property
    def number(self) -> int:
        return parse_exercise_id(self.id)[1]

    @property
    def names(self) -> list[str]:
        return list(self.checks)

    # -- values -------------------------------------------------------------------------------

    def run_code(self, code: str, namespace: Mapping[str, Any]) -> dict[str, Any]:
        """Run answer code on a copy of the notebook's namespace and return the checked names."""
        # Without the learner's bindings of the checked names: code that forgets to define one
        # must not inherit the learner's answer and so compare it with itself.
        scope = {k: v for k, v in namespace.items() if k not in self.checks}
        with _quiet(), _closing_new_figures():
            exec(compile(code, f"<{self.id}>", "exec", dont_inherit=True), scope)  # noqa: S102 - our own spec code
        missing = [n for n in self.names if n not in scope]
        if missing:
            raise ValueError(f"code for {self.id} does not define {missing}")
        return {name: scope[name] for name in self.names}

    def observe_code(self, code: str, namespace: Mapping[str, Any]) -> dict[str, dict]:
        """Observation records of what ``code`` (the solution, a wrong answer) defines.

        Cached per kernel: the same code on the same input objects is run once, so a check
        that trains a model pays for the reference model only on its first call."""
        read = [name for name in _names_read(code) if name not in self.checks]  # not inputs
        key = (code, tuple((name, id(namespace.get(name))) for name in read))
        if key not in self._cache:
            inputs = [namespace.get(name) for name in read]  # kept alive, so their ids stay theirs
            self._cache[key] = (observe(self.checks, self.run_code(code, namespace)), inputs)
        return self._cache[key][0]

    def expected_observations(self, namespace: Mapping[str, Any]) -> dict[str, dict]:
        if self.expected is not None:  # a release: stored, no solution code
            return {name: {"state": VALUE, "value": value} for name, value in self.expected.items()}
        return self.observe_code(self.solution, namespace)

    def wrong_answer_observations(self, namespace: Mapping[str, Any]):
        """Each recorded wrong answer's observations, computed one at a time as asked for."""
        for wrong in self.wrong_answers:
            if wrong.expected is not None:
                yield {name: {"state": VALUE, "value": v} for name, v in wrong.expected.items()}
                continue
            try:
                yield self.observe_code(wrong.code, namespace)
            except Exception:  # noqa: BLE001 - a wrong answer that cannot run never matches
                yield None

    # -- the check ----------------------------------------------------------------------------

    def verdict(self, namespace: Mapping[str, Any]) -> Verdict:
        """Judge the answer the notebook's ``namespace`` holds."""
        return judge(
            self,
            observe(self.checks, namespace),
            lambda: self.expected_observations(namespace),
            lambda: self.wrong_answer_observations(namespace),
        )

    def check(self, namespace: Mapping[str, Any]) -> None:
        """Raise NotAttempted or Incorrect; return None when every checked name is right."""
        verdict = self.verdict(namespace)
        if verdict.status == NOT_ATTEMPTED:
            raise NotAttempted(self.id, verdict.reason)
        if verdict.status == INCORRECT:
            raise Incorrect(self.id, verdict.reason)

    # -- help ---------------------------------------------------------------------------------

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


def _names_read(code: str) -> list[str]:
    """The names ``code`` mentions: a lesson cell that rebinds one invalidates the cache."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return sorted({node.id for node in ast.walk(tree) if isinstance(node, ast.Name)})


def _dedent(code: str) -> str:
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
    show = plt.show if plt else None
    if plt:  # plt.show() in reference code would display its figure under the learner's cell
        plt.show = lambda *args, **kwargs: None
    try:
        yield
    finally:
        if plt:
            plt.show = show
        plt = sys.modules.get("matplotlib.pyplot")
        if plt:
            for number in set(plt.get_fignums()) - before:
                plt.close(number)


__all__ = [
    "EXERCISE_ID",
    "Exercise",
    "Verdict",
    "WrongAnswer",
    "judge",
    "observe",
    *(kind.__name__ for kind in KINDS),
    "Comparator",
    "Rule",
    "SparkFrame",
    "Unfinished",
    "refusing_tensor",
]
