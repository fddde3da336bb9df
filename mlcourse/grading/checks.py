"""The grader's side of a check: hidden checks, and the verdict on a capture.

A capture holds observation records made in the student's kernel by the spec's own comparators
(``mlcourse.exercise.observe``); the reference capture holds the solved run's. The verdict is
``mlcourse.exercise.judge`` on both, the function the notebook check calls, so the gradebook
gives the learner's notebook's words for the same answer.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlcourse.exercise import VALUE, Comparator, Exercise, judge
from mlcourse.grading import codec
from mlcourse.outcomes import CORRECT

HIDDEN_NAME = "HIDDEN_CHECKS"


class GradingError(ValueError):
    """The assignment, a hidden-checks file or the reference run cannot be used for grading."""


@dataclass(frozen=True)
class Grade:
    status: str  # CORRECT, INCORRECT or NOT_ATTEMPTED
    reason: str = ""
    hidden_status: str | None = None  # None when the exercise has no hidden checks
    hidden_reason: str = ""
    wrong_answer: int | None = None  # which recorded wrong answer the answer matched

    @property
    def score(self) -> float:
        public = float(self.status == CORRECT)
        if self.hidden_status is None:
            return public
        return (public + float(self.hidden_status == CORRECT)) / 2


# --- hidden checks --------------------------------------------------------------------------


def load_hidden(
    folder: Path | str | None, exercises: list[Exercise]
) -> dict[str, dict[str, Comparator]]:
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
                if not isinstance(comparator, Comparator):
                    raise GradingError(
                        f"{path.name}: hidden check {exercise_id} `{name}` should be a comparator "
                        f"such as Function(cases=[...]), got {type(comparator).__name__}."
                    )
                hidden.setdefault(exercise_id, {})[name] = comparator
    return hidden


# --- verdicts -------------------------------------------------------------------------------


def decode_records(records: Mapping) -> dict[str, dict]:
    """Observation records as written by a kernel, their values decoded (values only)."""
    if not isinstance(records, Mapping):
        raise ValueError("observation records should be a mapping")
    decoded = {}
    for name, record in records.items():
        state = record.get("state") if isinstance(record, Mapping) else None
        if not isinstance(state, str):
            raise ValueError(f"record of `{name}` has no state")
        decoded[name] = {"state": state}
        if state == VALUE:
            decoded[name]["value"] = codec.decode(record["value"])
    return decoded


def _reference_records(records: Mapping, names, what: str) -> dict[str, dict]:
    decoded = decode_records(records)
    for name in names:
        state = decoded.get(name, {}).get("state", "undefined")
        if state != VALUE:
            raise GradingError(f"the reference run left `{name}` {state} ({what}).")
    return decoded


def _wrong_answer_records(reference: Mapping) -> list:
    found = []
    for records in reference.get("wrong_answers") or []:
        try:
            found.append(None if records is None else decode_records(records))
        except (ValueError, KeyError, TypeError):
            found.append(None)
    return found


def grade(
    exercise: Exercise, hidden: Mapping[str, Comparator], captured: dict, reference: dict
) -> Grade:
    """Judge one capture against the reference capture, with the notebook's own ``judge``."""
    expected = _reference_records(reference["names"], exercise.names, exercise.id)
    found = judge(
        exercise,
        decode_records(captured.get("names", {})),
        expected,
        _wrong_answer_records(reference),
    )
    if not hidden:
        return Grade(found.status, found.reason, wrong_answer=found.wrong_answer)
    hidden_expected = _reference_records(reference.get("hidden", {}), hidden, "hidden checks")
    secret = judge(
        exercise, decode_records(captured.get("hidden", {})), hidden_expected, checks=hidden
    )
    return Grade(found.status, found.reason, secret.status, secret.reason, found.wrong_answer)
