"""Running an exercise's mutants through its own check: the strength of one exercise."""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import signal
import threading
import time
import types
import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from mlcourse.exercise import Exercise
from mlcourse.mutants.generate import Mutant, TransposeProbe, mutants_of
from mlcourse.outcomes import Incorrect, NotAttempted

MAX_MUTANTS = 60  # per exercise; beyond it an evenly spread sample runs (and the table says so)
TIME_LIMIT_S = 5.0  # per mutant at least; 20 times the reference solution's own time if longer

# --- running them through the check ---------------------------------------------------------

KILLED, SURVIVED, ERROR, TIMEOUT = "killed", "survived", "error", "timeout"


@dataclass
class Strength:
    """How one exercise's check fares against its solution's mutants."""

    exercise_id: str
    title: str = ""
    generated: int = 0  # mutants that compile
    tried: int = 0  # run through the check (at most the cap)
    killed: int = 0  # the check failed them, or they crashed or timed out
    equivalent: list[str] = field(default_factory=list)  # survivors the spec explains
    no_op: list[str] = field(default_factory=list)  # survivors whose change changed nothing
    survived: list[str] = field(default_factory=list)  # survivors with no explanation: holes
    stale: list[str] = field(default_factory=list)  # explanations that name no mutant
    killed_but_explained: list[str] = field(default_factory=list)  # "equivalent", yet caught
    crashed: dict[str, str] = field(default_factory=dict)  # mutant -> what it raised (killed)
    problem: str = ""  # the measurement itself failed (the solution fails its own check, ...)
    seconds: float = 0.0

    @property
    def score(self) -> float | None:
        """Killed share of the mutants tried that are neither equivalent nor no-ops (None when
        there are none)."""
        judged = self.tried - len(self.equivalent) - len(self.no_op)
        return self.killed / judged if judged > 0 else None

    @property
    def clean(self) -> bool:
        return not (self.survived or self.stale or self.killed_but_explained or self.problem)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Strength:
        return cls(**data)


class MutantTimeout(BaseException):
    """A mutant ran past its time limit (a BaseException, so no ``except Exception`` in a
    check can swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after ``seconds`` with MutantTimeout (main thread only, where Python
    and the notebook kernel run their code; elsewhere, no limit)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum, frame):
        raise MutantTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _private_copy(namespace: Mapping[str, Any], code: str, skip) -> dict[str, Any]:
    """A copy of ``namespace`` whose values that ``code`` names are deep copies, so a mutant that
    changes an array or frame in place cannot spoil the notebook or the next mutant."""
    scope = dict(namespace)
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    for name in used & scope.keys() - set(skip):
        value = scope[name]
        if isinstance(
            value, types.ModuleType | types.FunctionType | type | types.BuiltinFunctionType
        ):
            continue
        with contextlib.suppress(Exception):  # a value that cannot be copied is shared as is
            scope[name] = copy.deepcopy(value)
    return scope


def _verdict(exercise: Exercise, code: str, namespace: Mapping[str, Any], limit: float, extra=None):
    """(KILLED | SURVIVED | ERROR | TIMEOUT, detail) for answer ``code`` in ``namespace``
    (``extra``: names only the answer code sees, such as a TransposeProbe)."""
    try:
        with _time_limit(limit), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # overflow and the like: the verdict says enough
            private = _private_copy(namespace, code, exercise.names)
            private.update(extra or {})
            values = exercise.run_code(code, private)
            scope = dict(namespace)
            scope.update(values)
            exercise.check(scope)
    except MutantTimeout:
        return TIMEOUT, f"ran past {limit:g} s"
    except (Incorrect, NotAttempted) as outcome:
        return KILLED, outcome.message
    except Exception as err:  # noqa: BLE001 - a mutant that crashes is caught too
        return ERROR, f"{type(err).__name__}: {err}"[:200]
    return SURVIVED, ""


def _sample(mutants: list[Mutant], cap: int, keep: set[str]) -> list[Mutant]:
    """At most ``cap`` mutants spread evenly over the list, always with those in ``keep``."""
    if len(mutants) <= cap:
        return mutants
    chosen = {i for i, m in enumerate(mutants) if m.description in keep}
    rest = [i for i in range(len(mutants)) if i not in chosen]
    room = max(cap - len(chosen), 0)
    chosen |= {rest[k * len(rest) // room] for k in range(room)} if room else set()
    return [mutants[i] for i in sorted(chosen)]


def measure(
    exercise: Exercise,
    namespace: Mapping[str, Any],
    max_mutants: int = MAX_MUTANTS,
    time_limit_s: float = TIME_LIMIT_S,
) -> Strength:
    """Run the mutants of ``exercise``'s solution through its check, in ``namespace`` (the
    notebook's globals after its check cell)."""
    started = time.perf_counter()
    result = Strength(exercise.id, exercise.title)
    explained = dict(exercise.equivalent_mutants)
    try:
        mutants = mutants_of(exercise.solution)
    except SyntaxError as err:
        result.problem = f"the solution does not parse: {err}"
        return result
    known = {m.description for m in mutants}
    result.stale = [d for d in explained if d not in known]
    result.generated = len(mutants)
    baseline_start = time.perf_counter()
    status, detail = _verdict(exercise, exercise.solution, namespace, 10 * time_limit_s)
    if status != SURVIVED:
        result.problem = f"the reference solution does not pass its own check ({status}): {detail}"
        return result
    limit = max(time_limit_s, 20 * (time.perf_counter() - baseline_start))
    for mutant in _sample(mutants, max_mutants, set(explained)):
        probe = TransposeProbe() if mutant.probed else None
        extra = {TransposeProbe.NAME: probe} if probe else None
        status, detail = _verdict(exercise, mutant.source, namespace, limit, extra)
        result.tried += 1
        if status == SURVIVED:
            if mutant.description in explained:
                result.equivalent.append(mutant.description)
            elif probe and probe.no_op:
                result.no_op.append(mutant.description)
            else:
                result.survived.append(mutant.description)
            continue
        result.killed += 1
        if status in (ERROR, TIMEOUT):
            result.crashed[mutant.description] = detail
        if mutant.description in explained:
            result.killed_but_explained.append(mutant.description)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def run_in_kernel(
    exercise_id: str,
    namespace: Mapping[str, Any],
    out: str,
    max_mutants: int = MAX_MUTANTS,
    time_limit_s: float = TIME_LIMIT_S,
) -> None:
    """Called by the cell after a check cell: measure one exercise, append it to ``out``."""
    from mlcourse.registry import find_exercise

    try:
        result = measure(find_exercise(exercise_id), namespace, max_mutants, time_limit_s)
    except Exception as err:  # noqa: BLE001 - reported, never raised into the notebook run
        result = Strength(exercise_id, problem=f"measuring failed: {type(err).__name__}: {err}")
    with open(out, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(result.to_json()) + "\n")


class WeakCheck(AssertionError):
    """A check lets through a mutant of its solution that the spec does not explain."""


def assert_strong(exercise_id: str, namespace: Mapping[str, Any]) -> str:
    """Run in the suite's solved notebooks after a check: fail on an unexplained survivor, a
    stale explanation, or an "equivalent" mutant that the check in fact catches."""
    from mlcourse.registry import find_exercise

    result = measure(find_exercise(exercise_id), namespace)
    if result.clean:
        return f"{exercise_id}: {result.killed} of {result.tried} mutants caught"
    lines = [f"the check of {exercise_id} is weaker than its solution's mutants:"]
    lines += [f"  survives: {d}" for d in result.survived]
    lines += [f"  explained but no such mutant (stale): {d}" for d in result.stale]
    lines += [f"  explained as equivalent but caught: {d}" for d in result.killed_but_explained]
    lines += [f"  {result.problem}"] if result.problem else []
    lines.append(
        "Add a case or a recorded wrong answer that tells each survivor from the solution, or, "
        "if it gives the same answer on every input, explain it in the spec's "
        "equivalent_mutants={description: why}. `make check-strength NB=...` lists them."
    )
    raise WeakCheck("\n".join(lines))
