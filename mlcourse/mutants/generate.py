"""First-order mutants of a reference solution, made with ``ast``, each with a stable description."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

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
