"""A safe format for values that cross from a kernel to the grader: JSON, with NumPy arrays
as base64 ``.npy`` read back with ``allow_pickle=False``. Nothing is ever unpickled or eval'd,
so a forged file can only claim values, never run code in the grader."""

from __future__ import annotations

import base64
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

MAX_BYTES = 32 * 2**20  # a capture larger than this is refused, so a bomb cannot fill memory
MAX_DEPTH = 32
KIND = "__kind__"


class Unencodable(TypeError):
    """A value of a type the safe format does not carry."""


REPR_CHARS = 500  # of an opaque object's text: more than any message shows of it


class Opaque:
    """Stands in for an object the safe format could not carry; only its type's name and its
    short text (``compare.short_repr``) travel, so a message about it ("should be a number, got
    mylib.Thing <mylib.Thing object>") reads the same."""

    text = ""

    def __repr__(self) -> str:
        return self.text or f"<{type(self).__module__}.{type(self).__name__} object>"


def make_opaque(type_name: str, text: str = "") -> Opaque:
    module, _, name = str(type_name)[:200].rpartition(".")
    namespace = {"__module__": module or "builtins", "text": str(text)[:REPR_CHARS]}
    kind = type(name or "object", (Opaque,), namespace)
    return kind()


def encode(value: Any, depth: int = 0, opaque: bool = False) -> Any:
    """``value`` as JSON-compatible data; raise ``Unencodable`` for anything else, or with
    ``opaque`` send such an object as its type's name."""
    if not opaque:
        return _encode(value, depth)
    try:
        return _encode(value, depth, opaque=True)
    except Unencodable:
        return {KIND: "opaque", "type": _type_name(value), "repr": _short_repr(value)}


def _type_name(value: Any) -> str:
    from mlcourse.compare import type_name

    return type_name(value)


def _short_repr(value: Any) -> str:
    from mlcourse.compare import short_repr

    try:
        return short_repr(value, REPR_CHARS)
    except Exception:  # noqa: BLE001 - a repr that fails: the type's name must do
        return ""


def _encode(value: Any, depth: int = 0, opaque: bool = False) -> Any:
    if depth > MAX_DEPTH:
        raise Unencodable("nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and type(value) is int:
        return value
    if isinstance(value, float) and type(value) is float:
        return value if math.isfinite(value) else {KIND: "float", "repr": repr(value)}
    if isinstance(value, complex) and type(value) is complex:
        return {KIND: "complex", "re": _encode(value.real), "im": _encode(value.imag)}
    if isinstance(value, (np.ndarray, np.generic)):
        return _encode_array(value, depth, opaque)
    if _is_frame(value):
        return {
            KIND: "frame",
            "columns": [encode(c, depth + 1, opaque) for c in value.columns.tolist()],
            "index": _encode_array(value.index.to_numpy(), depth, opaque),
            "data": [_encode_array(value[c].to_numpy(), depth, opaque) for c in value.columns],
        }
    if _is_series(value):
        return {
            KIND: "series",
            "name": value.name,
            "index": _encode_array(value.index.to_numpy(), depth, opaque),
            "index_name": value.index.name,
            "data": _encode_array(value.to_numpy(), depth, opaque),
        }
    if type(value) in (list, tuple):
        items = [encode(item, depth + 1, opaque) for item in value]
        return items if type(value) is list else {KIND: "tuple", "items": items}
    if type(value) in (set, frozenset):
        items = sorted((encode(item, depth + 1, opaque) for item in value), key=repr)
        return {KIND: type(value).__name__, "items": items}
    if type(value) is dict:
        return {
            KIND: "dict",
            "items": [
                [encode(k, depth + 1, opaque), encode(v, depth + 1, opaque)]
                for k, v in value.items()
            ],
        }
    raise Unencodable(f"values of type {type(value).__module__}.{type(value).__qualname__}")


def _is_frame(value: Any) -> bool:
    """A pandas DataFrame with unique, plain column labels (checked without importing pandas)."""
    pandas = sys.modules.get("pandas")
    return (
        pandas is not None
        and type(value) is pandas.DataFrame
        and value.columns.is_unique
        and all(isinstance(c, (str, int)) for c in value.columns)
    )


def _is_series(value: Any) -> bool:
    """A pandas Series with plain labels (a DataFrame check says "use `.to_frame()`" to it)."""
    pandas = sys.modules.get("pandas")
    return (
        pandas is not None
        and type(value) is pandas.Series
        and all(n is None or type(n) in (str, int) for n in (value.name, value.index.name))
    )


def _encode_array(value, depth: int, opaque: bool = False) -> Any:
    array = np.asarray(value)
    scalar = isinstance(value, np.generic)
    if array.dtype.hasobject:
        if scalar:
            raise Unencodable("object scalars")
        items = [encode(item, depth + 1, opaque) for item in array.ravel().tolist()]
        return {KIND: "objects", "shape": list(array.shape), "items": items}
    if array.dtype.kind not in "biufcUSMm":
        raise Unencodable(f"arrays of dtype {array.dtype}")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {KIND: "scalar" if scalar else "array", "npy": data}


def decode(data: Any, depth: int = 0) -> Any:
    """The value that ``encode`` turned into ``data``; raise ``ValueError`` if malformed."""
    if depth > MAX_DEPTH:
        raise ValueError("nested too deeply")
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode(item, depth + 1) for item in data]
    if not isinstance(data, dict):
        raise ValueError(f"unexpected {type(data).__name__} in encoded data")
    kind = data.get(KIND)
    if kind in ("array", "scalar"):
        raw = base64.b64decode(data["npy"], validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
        return array[()] if kind == "scalar" else array
    if kind == "objects":
        items = [decode(item, depth + 1) for item in data["items"]]
        array = np.empty(len(items), dtype=object)
        array[:] = items
        return array.reshape([int(n) for n in data["shape"]])
    if kind == "frame":
        import pandas as pd

        columns = [decode(c, depth + 1) for c in data["columns"]]
        arrays = [decode(a, depth + 1) for a in data["data"]]
        if len(columns) != len(arrays):
            raise ValueError("a frame needs one array per column")
        index = decode(data["index"], depth + 1)
        return pd.DataFrame(dict(zip(columns, arrays, strict=True)), index=index)
    if kind == "series":
        import pandas as pd

        names = [data["name"], data["index_name"]]
        if not all(n is None or type(n) in (str, int) for n in names):
            raise ValueError("a series name should be a string or an integer")
        index = pd.Index(decode(data["index"], depth + 1), name=names[1])
        return pd.Series(decode(data["data"], depth + 1), index=index, name=names[0])
    if kind == "opaque":
        return make_opaque(data["type"], data.get("repr", ""))
    if kind == "float":
        return float(data["repr"])
    if kind == "complex":
        return complex(decode(data["re"]), decode(data["im"]))
    if kind in ("tuple", "set", "frozenset"):
        items = [decode(item, depth + 1) for item in data["items"]]
        return {"tuple": tuple, "set": set, "frozenset": frozenset}[kind](items)
    if kind == "dict":
        return {decode(k, depth + 1): decode(v, depth + 1) for k, v in data["items"]}
    raise ValueError(f"unknown encoded kind {kind!r}")


def dump(document: Any, path: Path) -> None:
    """Write already-encoded ``document`` as JSON (sorted keys, so files are reproducible)."""
    Path(path).write_text(json.dumps(document, sort_keys=True, allow_nan=False))


def load(path: Path) -> Any:
    """Read a JSON document written by ``dump``; refuse files over ``MAX_BYTES``."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValueError(f"{path.name} is {size} bytes, over the {MAX_BYTES}-byte limit")
    return json.loads(path.read_text())
