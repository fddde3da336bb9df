"""From scratch: the library function an exercise asks the learner to write is switched off while
the check calls the learner's code.

A check compares with what the library computes, so a function that only wraps the library call
(behind a guard for the empty case, say) would pass without the learner writing anything.
``refusing`` replaces each refused function by one that raises ``TypeError`` with a message
saying so, wherever the learner could reach it: a name bound in the notebook (under any alias),
its module (``sklearn.metrics.roc_auc_score``), and every other loaded module that binds it under
its own name, so that a library function calling it (``roc_auc_score`` calls ``roc_curve``)
refuses too. Everything is restored when the block ends. ``Function`` and ``Calls`` do this
with ``refused=(...)``.

PyTorch code reaches its functions through tensors rather than module names (``x.log_softmax``,
``nn.CrossEntropyLoss`` calling ``F.cross_entropy``): ``refusing_tensor`` makes a tensor type
whose ``__torch_function__`` refuses them, for a check to build its cases from.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

SWITCHED_OFF = (
    "`{name}` is switched off while this check runs: the exercise is to compute it yourself "
    "(the check compares your answer with it). {instead}"
)


def _resolve(path: str) -> Any:
    """The object at a dotted path (``"sklearn.metrics.roc_auc_score"``,
    ``"torch.Tensor.log_softmax"``), or None when its library is not installed."""
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ModuleNotFoundError as err:
            if err.name == parts[0]:
                return None  # the library is not installed: nobody can call it either
            continue
        try:
            for attribute in parts[split:]:
                obj = getattr(obj, attribute)
        except AttributeError:
            break
        return obj
    raise ValueError(
        f"cannot switch off {path!r}: no such function. Name it by its full dotted path, "
        "e.g. 'sklearn.metrics.roc_auc_score'."
    )


def _refusal(name: str, instead: str) -> Callable:
    def refused(*args, **kwargs):
        raise TypeError(SWITCHED_OFF.format(name=name, instead=instead).rstrip())

    refused.__name__ = refused.__qualname__ = name
    return refused


def _namespace_of(function: Any) -> dict:
    """The globals the learner's code reads names from: a function's own, else (a class, a
    callable object) those of the module that defines it."""
    namespace = getattr(function, "__globals__", None)
    if isinstance(namespace, dict):
        return namespace
    module = sys.modules.get(getattr(function, "__module__", None) or "")
    return vars(module) if module is not None else {}


@contextlib.contextmanager
def refusing(function: Any, refused: Sequence[str], instead: str = "") -> Iterator[None]:
    """Until the block ends, each function in ``refused`` (dotted paths) raises ``TypeError``
    (``SWITCHED_OFF``, ending with ``instead``: how to do it without the library) when called
    by a name ``function``'s globals bind it to or through any loaded module."""
    if isinstance(refused, str):
        raise TypeError(
            f"`refused` should be a tuple of dotted paths, got the string {refused!r}: write "
            f"refused=({refused!r},)."
        )
    resolved = [(_resolve(path), path.rsplit(".", 1)[-1]) for path in refused]
    names = {id(obj): name for obj, name in resolved if obj is not None}  # real function: name
    if not names:
        yield
        return
    found = {}  # (id of the namespace, key) -> (namespace, key, the real function)
    for module in list(sys.modules.values()):
        if isinstance(module, types.ModuleType):
            namespace = vars(module)
            for name in set(names.values()):
                if id(namespace.get(name)) in names:
                    found[id(namespace), name] = (namespace, name, namespace[name])
    namespace = _namespace_of(function)
    for key, value in list(namespace.items()):
        if id(value) in names:
            found[id(namespace), key] = (namespace, key, value)
    try:
        for namespace, key, original in found.values():
            namespace[key] = _refusal(names[id(original)], instead)
        yield
    finally:
        for namespace, key, original in found.values():
            namespace[key] = original


@functools.cache
def refusing_tensor(refused: tuple[str, ...], message: str) -> type:
    """A torch tensor type whose operations work as usual, autograd included, except the
    functions in ``refused`` (dotted paths: ``"torch.nn.functional.cross_entropy"``,
    ``"torch.Tensor.log_softmax"``), which raise ``TypeError(message)`` when given one. Build a
    check's cases with ``tensor.as_subclass(kind)``; a case's copy stays of this type, and a
    message names a case tensor by its shape, not by its numbers."""
    import torch

    functions = {_resolve(path) for path in refused} - {None}

    class RefusingTensor(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if func in functions:
                raise TypeError(message)
            return super().__torch_function__(func, types, args, kwargs or {})

        def __deepcopy__(self, memo):  # a check copies every argument before a call
            return self.as_subclass(torch.Tensor).clone().as_subclass(type(self))

        def __repr__(self):
            kind = "bool " if self.dtype == torch.bool else ""
            return f"<{kind}tensor of shape {tuple(self.shape)}>"

    return RefusingTensor
