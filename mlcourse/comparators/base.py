"""The comparator protocol and what every kind shares."""

from __future__ import annotations

import copy
from collections.abc import Mapping
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


def for_call(call: str, reason: str) -> str:
    """A value reason about ``result`` reworded for one call: 'for `f(x=1)`: the result ...'."""
    reason = reason.replace("`result` = ", "the result ", 1)
    return f"for {call}: " + reason.replace("`result`", "the result", 1)
