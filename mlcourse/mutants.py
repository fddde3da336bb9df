"""Check strength: first-order mutants of each reference solution, run through the exercise's
own check in the notebook's real context (``python -m mlcourse check-strength [NB ...]``).

A mutant is the reference solution with one small change (an operator swapped, a constant off
by one, a reduction or axis swapped, a keyword dropped, the return value negated, a transpose
dropped or added, two arguments swapped, an update statement removed). A check that still
passes on a mutant has a hole, unless the mutant gives the same answer on every input: the
author then explains it in the spec, ``Exercise.equivalent_mutants = {description: reason}``.

The notebook runs solved in a kernel (as in the suite); after each check cell, a cell calls
:func:`run_in_kernel`, which measures that exercise on the live globals and appends the result
as one JSON line to a file the parent process reads.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import os
import signal
import subprocess
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mlcourse.exercise import Exercise
from mlcourse.outcomes import Incorrect, NotAttempted

MAX_MUTANTS = 60  # per exercise; beyond it an evenly spread sample runs (and the table says so)
TIME_LIMIT_S = 5.0  # per mutant at least; 20 times the reference solution's own time if longer
MAX_TEXT = 48  # longest code fragment quoted in a description
MAX_QUOTED = 32  # longer expressions are named by their operator ("line 3: 2nd `*` -> `/`")

# --- generating mutants -------------------------------------------------------------------

_BINOP_SWAPS = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.MatMult: ast.Mult,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
}
_ORDERED_BINOPS = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)
_COMPARE_SWAPS = {
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.GtE),
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
}
_NAME_SWAPS = {  # reductions and functions that are easy to confuse
    "sum": "mean",
    "mean": "sum",
    "nansum": "nanmean",
    "nanmean": "nansum",
    "max": "min",
    "min": "max",
    "amax": "amin",
    "amin": "amax",
    "maximum": "minimum",
    "minimum": "maximum",
    "argmax": "argmin",
    "argmin": "argmax",
    "idxmax": "idxmin",
    "idxmin": "idxmax",
    "std": "var",
    "var": "std",
    "median": "mean",
    "cumsum": "cumprod",
    "cumprod": "cumsum",
    "any": "all",
    "all": "any",
    "sin": "cos",
    "cos": "sin",
    "floor": "ceil",
    "ceil": "floor",
    "log": "log10",
    "log10": "log",
    "exp": "expm1",
    "head": "tail",
    "tail": "head",
}

# calls never dropped: without them the code only raises a TypeError (or, for transpose, there
# is a more telling mutation)
_KEEP_CALLS = {"range", "len", "enumerate", "zip", "print", "iter", "next", "isinstance", "type"}
_KEEP_CALLS |= {"dict", "list", "tuple", "set", "str", "repr", "super", "transpose"}


@dataclass(frozen=True)
class Mutant:
    description: str  # short and stable: the key of Exercise.equivalent_mutants
    source: str

    @property
    def probed(self) -> bool:
        """Whether the mutant reports if its change did anything (see TransposeProbe)."""
        return TransposeProbe.NAME in self.source


class TransposeProbe:
    """Stands for a transpose added or dropped by a mutant, and notes whether it changed
    anything: on a 1-D value (or a scalar) it changes nothing, so a mutant whose transposes
    only ever met such values is a no-op on every input the check tried, not a hole."""

    NAME = "__mutant_transpose__"

    def __init__(self):
        self.calls = 0
        self.changed = False

    def __call__(self, value, add: bool):
        self.calls += 1
        if getattr(value, "ndim", 0) >= 2:
            self.changed = True
        return value.T if add else value

    @property
    def no_op(self) -> bool:
        return self.calls > 0 and not self.changed


def _probed_transpose(value: ast.expr, add: bool) -> ast.Call:
    """``value.T`` (add) or ``value`` (drop), through the probe."""
    return ast.Call(ast.Name(TransposeProbe.NAME, ast.Load()), [value, ast.Constant(add)], [])


def _text(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    if len(text) <= MAX_TEXT:
        return text
    half = (MAX_TEXT - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


class _Sites:
    """Every place of a tree a first-order mutation applies to, as (line, describe, apply)."""

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.parents: dict[ast.AST, tuple[ast.AST, str, int | None]] = {}
        for parent in ast.walk(tree):
            for name, value in ast.iter_fields(parent):
                if isinstance(value, list):
                    for index, child in enumerate(value):
                        if isinstance(child, ast.AST):
                            self.parents[child] = (parent, name, index)
                elif isinstance(value, ast.AST):
                    self.parents[value] = (parent, name, None)
        self.docstrings = {
            id(body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and (body := node.body)
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        }

    # each mutation: (line, text before, text after or a full description, apply) where
    # apply() changes the tree in place and returns a function that undoes the change

    def _replace(self, node: ast.AST, new: ast.AST) -> Callable[[], Callable[[], None]]:
        parent, name, index = self.parents[node]

        def apply():
            if index is None:
                setattr(parent, name, new)
            else:
                getattr(parent, name)[index] = new

            def undo():
                if index is None:
                    setattr(parent, name, node)
                else:
                    getattr(parent, name)[index] = node

            return undo

        return apply

    @staticmethod
    def _set(target: Any, attribute: str, value: Any) -> Callable[[], Callable[[], None]]:
        def apply():
            old = getattr(target, attribute)
            setattr(target, attribute, value)
            return lambda: setattr(target, attribute, old)

        return apply

    def _swap(self, node: ast.AST, new: ast.AST, short: str = ""):
        """A mutation that replaces ``node`` by ``new``, described as before -> after, or by
        ``short`` when the code is too long to quote."""
        before, after = _text(node), _text(new)
        fits = len(before) <= MAX_QUOTED and len(after) <= MAX_QUOTED
        what = f"`{before}` -> `{after}`" if fits or not short else short
        return node.lineno, what, self._replace(node, new)

    def _operator(self, node: ast.AST, op: ast.AST) -> str:
        """```/``` or ``2nd `/```: the operator, numbered when its line has several."""
        symbol = _SYMBOLS[type(op)]
        same = sorted(
            _operator_column(other, index)
            for other in ast.walk(self.tree)
            if getattr(other, "lineno", None) == node.lineno
            for index, other_op in enumerate(_operators(other))
            if type(other_op) is type(op)
        )
        if len(same) < 2:
            return f"`{symbol}`"
        index = next(i for i, o in enumerate(_operators(node)) if o is op)
        rank = same.index(_operator_column(node, index)) + 1
        return f"{_ordinal(rank)} `{symbol}`"

    def mutations(self) -> Iterator[tuple[int, str, Callable]]:
        for node in ast.walk(self.tree):
            yield from self._of(node)

    def _of(self, node: ast.AST) -> Iterator[tuple[int, str, Callable]]:  # noqa: C901
        if isinstance(node, ast.BinOp):
            swap = _BINOP_SWAPS.get(type(node.op))
            op = self._operator(node, node.op)
            if swap:
                short = f"{op} -> `{_SYMBOLS[swap]}`"
                yield self._swap(node, ast.BinOp(node.left, swap(), node.right), short)
            if isinstance(node.op, _ORDERED_BINOPS):
                short = f"operands of {op} swapped"
                yield self._swap(node, ast.BinOp(node.right, node.op, node.left), short)
            if isinstance(node.op, ast.MatMult):
                for side in ("left", "right"):
                    operand = getattr(node, side)
                    if not (isinstance(operand, ast.Attribute) and operand.attr == "T"):
                        transposed = _probed_transpose(operand, add=True)
                        yield (
                            node.lineno,
                            f"`.T` added to `{_text(operand)}`",
                            self._replace(operand, transposed),
                        )
        elif isinstance(node, ast.AugAssign):
            swap = _BINOP_SWAPS.get(type(node.op))
            if swap:
                new = ast.AugAssign(node.target, swap(), node.value)
                yield (
                    node.lineno,
                    f"`{_text(node)}` -> `{_text(new)}`",
                    self._set(node, "op", swap()),
                )
        elif isinstance(node, ast.Compare):
            for index, op in enumerate(node.ops):
                for swap in _COMPARE_SWAPS.get(type(op), ()):
                    ops = [*node.ops[:index], swap(), *node.ops[index + 1 :]]
                    short = f"{self._operator(node, op)} -> `{_SYMBOLS[swap]}`"
                    yield self._swap(node, ast.Compare(node.left, ops, node.comparators), short)
        elif isinstance(node, ast.BoolOp):
            swap = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            short = f"{self._operator(node, node.op)} -> `{_SYMBOLS[type(swap)]}`"
            yield self._swap(node, ast.BoolOp(swap, node.values), short)
        elif isinstance(node, ast.List | ast.Set):  # not tuples: mostly unpacking or shapes
            if 2 <= len(node.elts) <= 8 and not any(isinstance(e, ast.Starred) for e in node.elts):
                for index, element in enumerate(node.elts):
                    kept = [*node.elts[:index], *node.elts[index + 1 :]]
                    yield (
                        element.lineno,
                        f"`{_text(element)}` removed from `{_text(node)}`",
                        self._set(node, "elts", kept),
                    )
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
            yield self._swap(node, node.operand)
        elif isinstance(node, ast.Constant) and id(node) not in self.docstrings:
            for value in _constant_mutations(node.value):
                yield self._swap(node, ast.Constant(value))
        elif isinstance(node, ast.Call):
            yield from self._of_call(node)
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            dropped = _probed_transpose(node.value, add=False)
            yield node.lineno, f"`.T` dropped from `{_text(node)}`", self._replace(node, dropped)
        elif isinstance(node, ast.Slice):
            for bound in ("lower", "upper"):
                value = getattr(node, bound)
                if value is not None and not isinstance(value, ast.Constant):
                    shifted = ast.BinOp(value, ast.Add(), ast.Constant(1))
                    yield (
                        value.lineno,
                        f"slice `{_text(node)}`: {bound} bound + 1",
                        self._set(node, bound, shifted),
                    )
        elif isinstance(node, ast.Return) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Constant) and value.value is None:
                return
            logical = isinstance(value, ast.Compare | ast.BoolOp) or (
                isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.Not)
            )
            negated = ast.UnaryOp(ast.Not() if logical else ast.USub(), value)
            yield node.lineno, "return value negated", self._set(node, "value", negated)
        if isinstance(node, ast.stmt):
            yield from self._removal(node)

    def _of_call(self, node: ast.Call) -> Iterator[tuple[int, str, Callable]]:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        swap = _NAME_SWAPS.get(name)
        if swap:
            if isinstance(func, ast.Attribute):
                new = ast.Attribute(func.value, swap, ast.Load())
            else:
                new = ast.Name(swap, ast.Load())
            yield node.lineno, f"`{_text(func)}` -> `{_text(new)}`", self._replace(func, new)
        for keyword in node.keywords:
            if keyword.arg is not None:
                kept = [k for k in node.keywords if k is not keyword]
                yield (
                    node.lineno,
                    f"keyword `{_text(keyword)}` dropped from `{_text(func)}`",
                    self._set(node, "keywords", kept),
                )
        positional = node.args
        if not any(isinstance(a, ast.Starred) for a in positional):
            for i in range(len(positional) - 1):
                swapped = [*positional[:i], positional[i + 1], positional[i], *positional[i + 2 :]]
                yield (
                    node.lineno,
                    f"arguments {i + 1} and {i + 2} of `{_text(func)}` swapped",
                    self._set(node, "args", swapped),
                )
        single = len(node.args) == 1 and not node.keywords
        if single and name not in _KEEP_CALLS and not isinstance(node.args[0], ast.Starred):
            yield self._swap(node, node.args[0], f"call of `{_text(func)}` dropped")
        if name == "transpose":
            if isinstance(func, ast.Attribute) and not node.args and not node.keywords:
                dropped = _probed_transpose(func.value, add=False)
                yield node.lineno, f"`{_text(node)}` dropped", self._replace(node, dropped)
            elif len(node.args) == 1 and not node.keywords:
                dropped = _probed_transpose(node.args[0], add=False)
                yield node.lineno, f"`{_text(node)}` dropped", self._replace(node, dropped)

    def _removal(self, node: ast.stmt) -> Iterator[tuple[int, str, Callable]]:
        """Drop a statement that updates something already there (``v = v / n``, ``x += 1``,
        ``loss.backward()``): dropping one that defines a new name would only raise NameError."""
        parent, name, index = self.parents.get(node, (None, None, None))
        if index is None:
            return
        body = getattr(parent, name)
        if len(body) < 2:
            return
        updates = isinstance(node, ast.AugAssign) or (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        )
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            bound = _names_bound_before(self.tree, parent, index)
            updates = all(t.id in bound for t in node.targets)
        if updates:
            kept = [*body[:index], *body[index + 1 :]]
            yield node.lineno, f"`{_text(node)}` removed", self._set(parent, name, kept)


def _names_bound_before(tree: ast.Module, parent: ast.AST, index: int) -> set[str]:
    """Names assigned (or parameters) before statement ``index`` of ``parent``'s body, or in a
    function that encloses it."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            bound |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    for statement in getattr(parent, "body", [])[:index]:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.add(node.id)
    return bound


_SYMBOLS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.And: "and",
    ast.Or: "or",
}


def _operators(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp | ast.BoolOp):
        return [node.op]
    if isinstance(node, ast.Compare):
        return list(node.ops)
    return []


def _operator_column(node: ast.AST, index: int) -> tuple[int, int]:
    """Where the ``index``-th operator of ``node`` stands: just before its right operand."""
    if isinstance(node, ast.BinOp):
        right = node.right
    elif isinstance(node, ast.Compare):
        right = node.comparators[index]
    else:
        right = node.values[index + 1]
    return right.lineno, right.col_offset


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _constant_mutations(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return {0: [1], 1: [0, 2]}.get(value, [value + 1, value - 1])
    if isinstance(value, float):
        return [1.0] if value == 0 else ([0.0, 2.0] if value == 1 else [value * 2, value / 2])
    return []  # strings, None, bytes: no generic mutation


def mutants_of(source: str) -> list[Mutant]:
    """The first-order mutants of ``source`` that compile, in a stable order, one per distinct
    resulting program. Lines are numbered from 1 at the solution's first line."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    seen = {original}
    descriptions: dict[str, int] = {}
    found = []
    sites = sorted(_Sites(tree).mutations(), key=lambda site: site[0])  # by line, stable
    for line, what, apply in sites:
        undo = apply()
        try:
            mutated = ast.unparse(ast.fix_missing_locations(tree))
        finally:
            undo()
        if mutated in seen:
            continue
        try:
            compile(mutated, "<mutant>", "exec")
        except (SyntaxError, ValueError):
            continue
        seen.add(mutated)
        description = f"line {line}: {what}"
        descriptions[description] = descriptions.get(description, 0) + 1
        if descriptions[description] > 1:
            description += f" (#{descriptions[description]})"
        found.append(Mutant(description, mutated))
    return found


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


# --- the notebook run ------------------------------------------------------------------------

MUTANT_TAG = "mutants:"


def mutant_source(exercise_id: str, out: str, max_mutants: int, time_limit_s: float) -> str:
    return (
        "from mlcourse.mutants import run_in_kernel\n"
        f"run_in_kernel({exercise_id!r}, globals(), {out!r}, {max_mutants}, {time_limit_s})"
    )


@dataclass
class NotebookStrength:
    path: str
    results: list[Strength] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # cells that failed, results missing
    seconds: float = 0.0

    def total(self, attribute: str) -> int:
        values = (getattr(r, attribute) for r in self.results)
        return sum(v if isinstance(v, int) else len(v) for v in values)

    @property
    def clean(self) -> bool:
        return not self.problems and all(r.clean for r in self.results)


def measuring_copy(nb, exercises: list[Exercise], out: str, max_mutants: int, time_limit_s: float):
    """The solved notebook (as the suite runs it, without its wrong-answer probes) with, after
    each check cell, one cell that measures that exercise."""
    import nbformat

    from mlcourse import notebook

    solved = notebook.solved_copy(nb, exercises)
    known = {e.id for e in exercises}
    cells = []
    for cell in solved.cells:
        if notebook.tagged_id(cell, notebook.PROBE_TAG):
            continue
        cells.append(cell)
        role, exercise_id = notebook.cell_role(cell)
        if role == "check" and exercise_id in known:
            source = mutant_source(exercise_id, out, max_mutants, time_limit_s)
            measuring = nbformat.v4.new_code_cell(source)
            measuring.metadata["tags"] = [f"{MUTANT_TAG}{exercise_id}"]
            cells.append(measuring)
    solved.cells = cells
    return solved


def _kernel_env() -> dict[str, str]:
    """As the suite's kernels: strict checks (a failure raises), no learner progress recorded."""
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    return {**env, "MLCOURSE_STRICT": "1"}


async def _run_notebook(
    path: Path, max_mutants: int, time_limit_s: float, cell_timeout: float
) -> NotebookStrength:
    import tempfile

    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from mlcourse import notebook
    from mlcourse.registry import load_exercises

    started = time.perf_counter()
    shown = os.path.relpath(path)
    report = NotebookStrength(str(path) if shown.startswith("..") else shown)
    try:
        nb = notebook.read(path)
        exercises = load_exercises(notebook.notebook_id(path, nb))
    except (OSError, ValueError, LookupError) as err:  # one unreadable notebook spoils no other
        report.problems.append(f"could not read the notebook or its spec: {err}")
        return report
    with tempfile.TemporaryDirectory(prefix="mlcourse-mutants-") as scratch:
        out = str(Path(scratch) / "results.jsonl")
        measuring = measuring_copy(nb, exercises, out, max_mutants, time_limit_s)
        client = NotebookClient(
            measuring,
            timeout=cell_timeout,
            kernel_name="python3",  # jupyter_client runs "python" kernels with this interpreter
            allow_errors=True,
            resources={"metadata": {"path": str(Path(path).resolve().parent)}},
        )
        try:
            await client.async_execute(env=_kernel_env(), stderr=subprocess.DEVNULL)
        except CellTimeoutError as err:
            report.problems.append(f"a cell ran past {cell_timeout:g} s: {str(err)[:200]}")
        except DeadKernelError as err:
            report.problems.append(f"the kernel died: {err}")
        for index, cell in enumerate(measuring.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    role, exercise_id = notebook.cell_role(cell)
                    where = f" ({exercise_id} {role})" if exercise_id else ""
                    report.problems.append(
                        f"cell {index}{where} raised {output['ename']}: {output['evalue'][:200]}"
                    )
        lines = Path(out).read_text().splitlines() if Path(out).exists() else []
    measured = {r.exercise_id: r for r in map(Strength.from_json, map(json.loads, lines))}
    for exercise in exercises:
        if exercise.id in measured:
            report.results.append(measured[exercise.id])
        else:
            report.results.append(Strength(exercise.id, exercise.title, problem="not measured"))
    report.seconds = round(time.perf_counter() - started, 1)
    return report


def check_strength(
    paths: list[Path],
    workers: int = 2,
    max_mutants: int = MAX_MUTANTS,
    time_limit_s: float = TIME_LIMIT_S,
    cell_timeout: float = 600,
    progress=None,
) -> list[NotebookStrength]:
    """Measure every exercise of the notebooks ``paths``, ``workers`` kernels at a time."""
    import asyncio

    async def run_all():
        gate = asyncio.Semaphore(max(workers, 1))

        async def one(path):
            async with gate:
                report = await _run_notebook(path, max_mutants, time_limit_s, cell_timeout)
            if progress:
                progress(f"measured {report.path} in {report.seconds:.0f} s")
            return report

        return await asyncio.gather(*(one(Path(p)) for p in paths))

    return list(asyncio.run(run_all()))


def _percent(score: float | None) -> str:
    return "-" if score is None else f"{100 * score:.0f} %"


def _row(label: str, counts: tuple[int, ...], score: float | None) -> str:
    return f"  {label:<10}" + "".join(f" {n:>8}" for n in counts) + f"  {_percent(score)}"


def _score(killed: int, judged: int) -> float | None:
    return killed / judged if judged > 0 else None


def format_table(reports: list[NotebookStrength]) -> str:
    """Per exercise: mutants, killed, equivalent, no-op, survived and the score; under each
    row what needs an author (survivors, stale explanations, problems)."""
    columns = ("mutants", "killed", "equiv.", "no-op", "survived")
    header = f"  {'exercise':<10}" + "".join(f" {c:>8}" for c in columns) + "  score"
    lines = []
    course = [0] * len(columns)
    for report in reports:
        mutant_s = sum(r.seconds for r in report.results)
        lines += ["", f"{report.path}  ({report.seconds:.0f} s, mutants {mutant_s:.0f} s)", header]
        for r in report.results:
            counts = (r.tried, r.killed, len(r.equivalent), len(r.no_op), len(r.survived))
            lines.append(_row(r.exercise_id, counts, r.score))
            notes = [f"survived: {d}" for d in r.survived]
            notes += [f"stale explanation (no such mutant: remove or rename): {d}" for d in r.stale]
            notes += [f"explained, but the check catches it: {d}" for d in r.killed_but_explained]
            if r.generated > r.tried and not r.problem:
                notes.append(f"sampled {r.tried} of {r.generated} mutants (--max-mutants)")
            if r.problem:
                notes.append(f"problem: {r.problem}")
            lines += [f"      {note}" for note in notes]
        totals = tuple(
            report.total(a) for a in ("tried", "killed", "equivalent", "no_op", "survived")
        )
        lines.append(
            _row("notebook", totals, _score(totals[1], sum(totals[:1]) - sum(totals[2:4])))
        )
        lines += [f"  problem: {p}" for p in report.problems]
        course = [a + b for a, b in zip(course, totals)]
    tried, killed, equivalent, no_op, survived = course
    score = _score(killed, tried - equivalent - no_op)
    lines.append(
        f"\n{len(reports)} notebook(s): {tried} mutants, {killed} killed, {equivalent} equivalent, "
        f"{no_op} no-op, {survived} survived; {_percent(score)} of the others killed"
    )
    return "\n".join(lines).lstrip("\n")
