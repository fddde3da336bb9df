"""The grader's side of a check: what to capture, hidden checks, and the verdict on a capture.

Verdicts reuse the spec's own comparators, so grading messages are the ones a learner sees in the
notebook. Expected values come from a pristine solved run (``capture`` with ``reference=True``).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlcourse.exercise import Close, Comparator, Exact, Exercise, Frame, Function, _StubCalled
from mlcourse.grading import codec
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, NotAttempted

SUPPORTED = (Close, Exact, Frame, Function)
HIDDEN_NAME = "HIDDEN_CHECKS"


class GradingError(ValueError):
    """The assignment, a hidden-checks file or the reference run cannot be used for grading."""


@dataclass(frozen=True)
class Verdict:
    status: str  # CORRECT, INCORRECT or NOT_ATTEMPTED
    reason: str = ""
    hidden_status: str | None = None  # None when the exercise has no hidden checks
    hidden_reason: str = ""

    @property
    def score(self) -> float:
        public = float(self.status == CORRECT)
        if self.hidden_status is None:
            return public
        return (public + float(self.hidden_status == CORRECT)) / 2


# --- hidden checks --------------------------------------------------------------------------


def load_hidden(folder: Path | None, exercises: list[Exercise]) -> dict[str, dict[str, Comparator]]:
    """``HIDDEN_CHECKS = {exercise_id: {checked_name: Comparator}}`` merged from ``folder/*.py``."""
    if folder is None:
        return {}
    folder = Path(folder)
    if not folder.is_dir():
        raise GradingError(f"--hidden should be a folder of .py files, got {folder}.")
    by_id = {e.id: e for e in exercises}
    hidden: dict[str, dict[str, Comparator]] = {}
    for path in sorted(folder.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"mlcourse_hidden_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        declared = getattr(module, HIDDEN_NAME, None)
        if not isinstance(declared, Mapping):
            raise GradingError(
                f"{path.name} should define {HIDDEN_NAME} = {{'01.01.1': {{'name': Function(...)}}}}"
                f", got {type(declared).__name__}."
            )
        for exercise_id, checks in declared.items():
            if exercise_id not in by_id:
                continue  # hidden checks of another assignment's notebook
            for name, comparator in checks.items():
                if name not in by_id[exercise_id].checks:
                    raise GradingError(
                        f"{path.name}: hidden check of {exercise_id} names `{name}`, but that "
                        f"exercise checks {by_id[exercise_id].names}. Use one of those names."
                    )
                _require_supported(comparator, f"hidden check {exercise_id} `{name}`")
                hidden.setdefault(exercise_id, {})[name] = comparator
    return hidden


def _require_supported(comparator: Comparator, label: str) -> None:
    returns = getattr(comparator, "returns", None)
    if not isinstance(comparator, SUPPORTED) or (returns and not isinstance(returns, SUPPORTED)):
        raise GradingError(
            f"{label} uses {type(comparator).__name__}; the grader compares only "
            f"{', '.join(c.__name__ for c in SUPPORTED)} values. Grade it by hand or add support."
        )
    if isinstance(comparator, Function):
        try:
            _cases(comparator)
        except codec.Unencodable as err:
            raise GradingError(
                f"{label} is called on cases that hold {err}, which the grader's safe format "
                "cannot carry into a kernel (functions, for example). Grade it by hand, or give "
                "the cases plain values."
            ) from None


def unsupported_reason(exercise: Exercise) -> str | None:
    """Why an exercise cannot be graded from captured values, or None."""
    try:
        for name, comparator in exercise.checks.items():
            _require_supported(comparator, f"`{name}` of {exercise.id}")
    except GradingError as err:
        return str(err)
    return None


def plan(exercises: list[Exercise], hidden: Mapping[str, Mapping[str, Comparator]]) -> dict:
    """What the capture cell of each exercise must report (function cases in the safe format).

    Exercises that cannot be graded (see ``unsupported_reason``) are left out."""
    document = {}
    for exercise in exercises:
        if unsupported_reason(exercise):
            continue
        names = {}
        for name, comparator in exercise.checks.items():
            secret = hidden.get(exercise.id, {}).get(name)
            names[name] = {
                "cases": _cases(comparator),
                "hidden_cases": _cases(secret) if secret is not None else None,
            }
        document[exercise.id] = {"names": names}
    return document


def _cases(comparator: Comparator | None):
    if isinstance(comparator, Function):
        return codec.encode([dict(case) for case in comparator.cases])
    return None


# --- verdicts -------------------------------------------------------------------------------


def verdict(
    exercise: Exercise,
    hidden: Mapping[str, Comparator],
    captured: dict,
    reference: dict,
) -> Verdict:
    """Compare one capture with the reference capture, using the spec's comparators."""
    records = captured["names"]
    for name in exercise.names:
        state = records.get(name, {}).get("state", "missing")
        if state == "missing":
            return Verdict(NOT_ATTEMPTED, f"`{name}` is not defined: run your answer cell.")
        if state == "ellipsis":
            return Verdict(NOT_ATTEMPTED, f"replace the `...` in `{name} = ...` with your answer.")
    expected = _expected(exercise.checks, reference["names"], "public")
    try:
        reason = exercise._first_reason(_got(records, "public"), expected)
    except NotAttempted as outcome:
        return Verdict(NOT_ATTEMPTED, outcome.message)
    status = CORRECT if reason is None else INCORRECT
    if reason is not None:
        known = _matching_wrong_answer(exercise, records, reference)
        if known is not None:
            reason = f"{reason} {known.message.format(name=exercise.names[0])}"
    if not hidden:
        return Verdict(status, reason or "")
    hidden_reason = _hidden_reason(hidden, records, reference["names"])
    hidden_status = CORRECT if hidden_reason is None else INCORRECT
    return Verdict(status, reason or "", hidden_status, hidden_reason or "")


def _matching_wrong_answer(exercise: Exercise, records: dict, reference: dict):
    for wrong, values in zip(exercise.wrong_answers, reference.get("wrong_answers") or []):
        if values is None:
            continue
        try:
            expected = _expected(exercise.checks, values, "public")
            if exercise._first_reason(_got(records, "public"), expected) is None:
                return wrong
        except Exception:  # noqa: BLE001 - a wrong answer that cannot be compared never matches
            continue
    return None


def _hidden_reason(hidden: Mapping[str, Comparator], records: dict, reference: dict) -> str | None:
    expected = _expected(hidden, reference, "hidden")
    got = _got(records, "hidden")
    for name, comparator in hidden.items():
        try:
            reason = comparator.diff(name, got[name], expected[name])
        except _StubCalled:
            reason = f"`{name}` still raises NotImplementedError."
        if reason:
            return reason
    return None


def _expected(checks: Mapping[str, Comparator], records: dict, group: str) -> dict:
    expected = {}
    for name, comparator in checks.items():
        record = records.get(name, {})
        if isinstance(comparator, Function):
            calls = record.get("calls", {}).get(group)
            if record.get("state") != "function" or calls is None:
                raise GradingError(f"the reference run did not define the function `{name}`.")
            outputs = []
            for index, call in enumerate(calls):
                if "returned" not in call or call["returned"].get("state") != "value":
                    raise GradingError(
                        f"the reference solution failed on case {index + 1} of `{name}`: {call}"
                    )
                outputs.append(comparator.returns.expected(codec.decode(call["returned"]["value"])))
            expected[name] = outputs
        else:
            if record.get("state") != "value":
                raise GradingError(f"the reference run left `{name}` {record.get('state')}.")
            expected[name] = comparator.expected(codec.decode(record["value"]))
    return expected


def _got(records: dict, group: str) -> dict:
    """The learner's values as the comparators expect them; functions replay recorded calls."""
    got = {}
    for name, record in records.items():
        state = record.get("state")
        if state == "value":
            got[name] = codec.decode(record["value"])
        elif state == "function":
            got[name] = _Replay(record.get("calls", {}).get(group) or [])
        else:
            got[name] = _placeholder(record.get("type", "unknown"))
    return got


class _Replay:
    """Stands in for the learner's function: returns, in order, what it returned in the kernel."""

    def __init__(self, calls: list):
        self.calls = calls
        self.index = 0

    def __call__(self, **_case):
        if self.index >= len(self.calls):
            raise _recorded_error("GradingError: no recorded call for this case")
        call = self.calls[self.index]
        self.index += 1
        if call.get("not_implemented"):
            raise NotImplementedError
        if "raised" in call:
            raise _recorded_error(str(call["raised"]))
        returned = call.get("returned", {})
        if returned.get("state") == "value":
            return codec.decode(returned["value"])
        return _placeholder(returned.get("type", "unknown"))


def _recorded_error(text: str) -> Exception:
    name, _, message = text.partition(": ")
    name = name if re.fullmatch(r"[A-Za-z_][\w.]{0,80}", name) else "Exception"
    return type(name.rsplit(".", 1)[-1], (Exception,), {})(message)


def _placeholder(type_name: str):
    """An object whose type *name* is the learner's type, so the messages name it correctly."""
    module, _, name = str(type_name).rpartition(".")
    kind = type(name or "object", (), {"__module__": module or "builtins"})
    return kind()
