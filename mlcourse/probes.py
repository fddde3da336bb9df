"""Run inside a solved notebook by the test suite: prove a recorded wrong answer fails its check."""

from __future__ import annotations

from mlcourse.outcomes import Incorrect, NotAttempted
from mlcourse.registry import find_exercise


class WrongAnswerNotCaught(AssertionError):
    pass


def assert_wrong_answer_fails(exercise_id: str, index: int, namespace: dict) -> str:
    """Apply wrong answer ``index`` to a copy of ``namespace`` and require its own message."""
    exercise = find_exercise(exercise_id)
    wrong = exercise.wrong_answers[index]
    label = f"wrong answer {index + 1} of {exercise_id}"
    scope = dict(namespace)
    scope.update(exercise.run_code(wrong.code, namespace))
    own_message = wrong.message.format(name=exercise.names[0])
    try:
        exercise.check(scope)
    except Incorrect as outcome:
        if own_message not in outcome.message:
            raise WrongAnswerNotCaught(
                f"{label} is marked incorrect, but without its own message.\n"
                f"  expected to contain: {own_message!r}\n  got: {outcome.message!r}"
            ) from None
        return outcome.message
    except NotAttempted as outcome:
        raise WrongAnswerNotCaught(f"{label} reads as 'not attempted': {outcome.message}") from None
    raise WrongAnswerNotCaught(
        f"{label} passes the check: the check cannot tell it from the reference solution."
    )
