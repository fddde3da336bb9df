"""Run inside a solved notebook by the test suite: prove a recorded wrong answer fails its check,
and that the grader, judging the same answer from a capture, gives the same words."""

from __future__ import annotations

import json

from mlcourse.exercise import observe
from mlcourse.outcomes import INCORRECT, NOT_ATTEMPTED
from mlcourse.registry import find_exercise


class WrongAnswerNotCaught(AssertionError):
    pass


def grader_verdict(exercise, namespace: dict):
    """The grader's verdict on the answer in ``namespace``: every observation goes through the
    safe format (JSON) and back, as between a grading kernel and the grader."""
    from mlcourse.grading import capture, checks

    def shipped(records):
        return json.loads(json.dumps(capture.encode_records(records), allow_nan=False))

    reference = {
        "names": shipped(exercise.expected_observations(namespace)),
        "wrong_answers": [
            None if records is None else shipped(records)
            for records in exercise.wrong_answer_observations(namespace)
        ],
    }
    return checks.grade(
        exercise, {}, {"names": shipped(observe(exercise.checks, namespace))}, reference
    )


def assert_wrong_answer_fails(exercise_id: str, index: int, namespace: dict) -> str:
    """Apply wrong answer ``index`` to a copy of ``namespace`` and require its own message, in
    the notebook's verdict and, word for word, in the grader's."""
    exercise = find_exercise(exercise_id)
    wrong = exercise.wrong_answers[index]
    label = f"wrong answer {index + 1} of {exercise_id}"
    scope = dict(namespace)
    scope.update(exercise.run_code(wrong.code, namespace))
    own_message = wrong.message.format(name=exercise.names[0])
    verdict = exercise.verdict(scope)
    if verdict.status == NOT_ATTEMPTED:
        raise WrongAnswerNotCaught(f"{label} reads as 'not attempted': {verdict.reason}")
    if verdict.status != INCORRECT:
        raise WrongAnswerNotCaught(
            f"{label} passes the check: the check cannot tell it from the reference solution."
        )
    if own_message not in verdict.reason:
        raise WrongAnswerNotCaught(
            f"{label} is marked incorrect, but without its own message.\n"
            f"  expected to contain: {own_message!r}\n  got: {verdict.reason!r}"
        )
    graded = grader_verdict(exercise, scope)
    if (graded.status, graded.reason) != (verdict.status, verdict.reason):
        raise WrongAnswerNotCaught(
            f"{label}: the grader and the notebook disagree.\n"
            f"  notebook: {verdict.status}: {verdict.reason!r}\n"
            f"  grader:   {graded.status}: {graded.reason!r}"
        )
    return verdict.reason
