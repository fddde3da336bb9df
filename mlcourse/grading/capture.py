"""Runs inside a grading kernel, right after an answer cell: report the checked values.

It writes the observation records of the learner's names (``mlcourse.exercise.observe``, with
the spec's own comparators: values, what a function returns on the cases, a model's scores) in
the safe format of ``codec``. It decides nothing: the grader judges these claims against a
pristine solved run, so code that patches this module can only make its own claims wrong.
"""

from __future__ import annotations

from pathlib import Path

from mlcourse.grading import codec


def source(exercise_id: str, hidden: Path | None, out_dir: Path, reference: bool = False) -> str:
    """The code of the capture cell that replaces the check cell of ``exercise_id``."""
    hidden_text = None if hidden is None else str(hidden)
    call = f"capture({exercise_id!r}, globals(), {hidden_text!r}, {str(out_dir)!r}, {reference})"
    return f'__import__("mlcourse.grading.capture", fromlist=["capture"]).{call}'


def capture(exercise_id: str, namespace: dict, hidden, out_dir: str, reference: bool = False):
    """Write ``out_dir/<exercise_id>.json`` with the observations of the names in ``namespace``."""
    from mlcourse.exercise import observe
    from mlcourse.grading.checks import load_hidden
    from mlcourse.registry import find_exercise

    exercise = find_exercise(exercise_id)
    report = {"names": encode_records(observe(exercise.checks, namespace))}
    hidden_checks = load_hidden(hidden, [exercise]).get(exercise_id)
    if hidden_checks:
        report["hidden"] = encode_records(observe(hidden_checks, namespace))
    if reference:
        report["wrong_answers"] = [
            None if records is None else encode_records(records)
            for records in exercise.wrong_answer_observations(namespace)
        ]
    codec.dump(report, Path(out_dir) / f"{exercise_id}.json")


def encode_records(records: dict) -> dict:
    """Observation records in the safe format; objects it cannot carry travel as their type."""
    return {
        name: {**record, "value": codec.encode(record["value"], opaque=True)}
        if "value" in record
        else record
        for name, record in records.items()
    }
