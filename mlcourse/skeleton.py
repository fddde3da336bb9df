"""Function bodies swapped by ``ast`` positions: the capstone skeleton and its reverse.

``stub`` replaces the bodies of named functions with ``raise NotImplementedError(message)``,
keeping decorators, signature and docstring; ``paste`` puts another source's bodies back in.
Only the lines of those bodies change (plus comments indented under their last statement): the
rest of the file, comments and formatting included, stays byte for byte. ``is_stub`` tells a
skeleton stub from a body someone wrote; ``body_dump`` is a function body as a normalised ast
dump (positions and comments ignored), to compare bodies wherever they appear.

A function is named by its ``qualname`` in its module: ``validate`` or ``Batch._one_form``
(methods of nested classes work too; functions nested in functions do not).
"""

from __future__ import annotations

import ast
from pathlib import Path

STUB_PREFIX = "Milestone "
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def module_file(root: Path, module: str) -> Path:
    """``capstone.data`` -> ``root/capstone/data.py`` (or its package's ``__init__.py``)."""
    path = Path(root, *module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise LookupError(
        f"no module {module!r} under {root}: expected {path.with_suffix('.py')}; check the "
        "module part of the name (before ':')"
    )


def find_function(tree: ast.Module, qualname: str, where: str = "the module"):
    """The ``def`` node of ``qualname`` (``name`` or ``Class.method``) in ``tree``."""
    scope, node = tree.body, None
    parts = qualname.split(".")
    for depth, part in enumerate(parts):
        found = [n for n in scope if isinstance(n, (*FUNCTIONS, ast.ClassDef)) and n.name == part]
        if not found:
            names = sorted(n.name for n in scope if isinstance(n, (*FUNCTIONS, ast.ClassDef)))
            inside = ".".join(parts[:depth]) or where
            raise LookupError(
                f"{qualname}: no function or class {part!r} in {inside}; it defines "
                f"{names[:12]}{' ...' if len(names) > 12 else ''}. Fix the name in "
                "capstone/milestones.py"
            )
        node = found[-1]  # the last definition is the one Python keeps
        if depth < len(parts) - 1:
            if not isinstance(node, ast.ClassDef):
                raise LookupError(
                    f"{qualname}: {'.'.join(parts[: depth + 1])} is a function, not a class; "
                    "only methods of classes can be named with a dot"
                )
            scope = node.body
    if not isinstance(node, FUNCTIONS):
        raise LookupError(f"{qualname} is a class in {where}; name one of its methods")
    return node


def _docstring(node) -> ast.Expr | None:
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first
    return None


def statements(node) -> list[ast.stmt]:
    """The body of a ``def`` without its docstring."""
    return node.body[1:] if _docstring(node) else list(node.body)


def body_dump(node) -> str:
    """The body (docstring left out) as a normalised ast dump: equal for equal code."""
    return ast.dump(ast.Module(body=statements(node), type_ignores=[]))


def is_stub(node) -> bool:
    """True when the body is exactly a skeleton stub: ``raise NotImplementedError("Milestone ...")``."""
    body = statements(node)
    if len(body) != 1 or not isinstance(body[0], ast.Raise):
        return False
    exc = body[0].exc
    return (
        isinstance(exc, ast.Call)
        and isinstance(exc.func, ast.Name)
        and exc.func.id == "NotImplementedError"
        and len(exc.args) == 1
        and isinstance(exc.args[0], ast.Constant)
        and isinstance(exc.args[0].value, str)
        and exc.args[0].value.startswith(STUB_PREFIX)
    )


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _span(node, lines: list[str], qualname: str) -> tuple[int, int, str]:
    """(first, last) 0-based line range of the body after the docstring, and its indentation.

    ``last`` is exclusive; the range may be empty (a body that is only a docstring). Comment
    lines indented under the function, before its first statement (after the signature) or
    after its last one, belong to the body."""
    doc = _docstring(node)
    first_statement = node.body[0]
    start_line = lines[first_statement.lineno - 1]
    if start_line[: first_statement.col_offset].strip():
        raise ValueError(
            f"{qualname}: its body starts on the line of the `def` (line "
            f"{first_statement.lineno}); put the body on lines of its own"
        )
    indent = " " * first_statement.col_offset
    first = doc.end_lineno if doc else first_statement.lineno - 1
    while not doc and first > node.lineno:  # comments between the signature and the body
        text = lines[first - 1]
        if text.strip() and not (text.lstrip().startswith("#") and _indent(text) > node.col_offset):
            break
        first -= 1
    last = node.end_lineno
    probe = last
    while probe < len(lines):
        text = lines[probe]
        if not text.strip():
            probe += 1
            continue
        if text.lstrip().startswith("#") and _indent(text) > node.col_offset:
            probe += 1
            last = probe
            continue
        break
    return first, last, indent


def _replace_bodies(source: str, bodies: dict, where: str) -> str:
    """``source`` with the body of each qualname replaced by ``bodies[qualname](indent)``, the
    new body's text at that indentation."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    spans = []
    for qualname, make in bodies.items():
        node = find_function(tree, qualname, where)
        first, last, indent = _span(node, lines, qualname)
        new = make(indent)
        if new and not new.endswith("\n"):
            new += "\n"
        spans.append((first, last, new))
    spans.sort(reverse=True)
    for (first, last, new), later in zip(spans, [None] + spans[:-1], strict=True):
        if later is not None and last > later[0]:
            raise ValueError(f"two of {sorted(bodies)} in {where} overlap; name each once")
        lines[first:last] = [new]
    result = "".join(lines)
    ast.parse(result)  # a bad splice fails here, not in the learner's hands
    return result


def _stub_lines(indent: str, message: str, width: int = 100) -> str:
    """The stub statement at ``indent``, wrapped as ``ruff format`` would past ``width``."""
    quoted = '"' + message.replace("\\", "\\\\").replace('"', '\\"') + '"'
    line = f"{indent}raise NotImplementedError({quoted})\n"
    if len(line) - 1 <= width:
        return line
    return f"{indent}raise NotImplementedError(\n{indent}    {quoted}\n{indent})\n"


def stub(source: str, messages: dict[str, str], where: str = "the module") -> str:
    """``source`` with each named function's body replaced by a stub raising its message."""
    for qualname, message in messages.items():
        if not message.startswith(STUB_PREFIX):
            raise ValueError(f"{qualname}: a stub message starts with {STUB_PREFIX!r}")
    result = _replace_bodies(
        source,
        {name: (lambda indent, m=m: _stub_lines(indent, m)) for name, m in messages.items()},
        where,
    )
    tree = ast.parse(result)
    for qualname in messages:
        assert is_stub(find_function(tree, qualname, where)), qualname
    return result


def body_text(source: str, qualname: str, where: str = "the module") -> tuple[str, str]:
    """(the source lines of a function's body after its docstring, their indentation)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    first, last, indent = _span(find_function(tree, qualname, where), lines, qualname)
    return "".join(lines[first:last]), indent


def paste(target: str, donor: str, qualnames, where: str = "the module") -> str:
    """``target`` with the bodies of ``qualnames`` taken from ``donor`` (the reverse of stub).

    The lines are copied as they are, so the function must sit at the same indentation in both
    (it does in a skeleton made from the donor)."""
    bodies = {}
    for name in qualnames:
        text, donor_indent = body_text(donor, name, where)

        def make(indent, text=text, donor_indent=donor_indent, name=name):
            if indent != donor_indent:
                raise ValueError(
                    f"{name}: indented {len(indent)} spaces here and {len(donor_indent)} in "
                    "the source of its body; paste into a skeleton made from that source"
                )
            return text

        bodies[name] = make
    return _replace_bodies(target, bodies, where)
