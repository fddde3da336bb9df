"""The three outcomes of a check, and how each one is shown.

Outcomes are exceptions (after learntools): a check that raises nothing passed. A raised
outcome fails the notebook cell, so nbval and the grader see it, but IPython shows only the
short message from ``_render_traceback_`` instead of a 40-line traceback.
"""

from __future__ import annotations

CORRECT = "correct"
NOT_ATTEMPTED = "not attempted"
INCORRECT = "incorrect"
ERROR = "error"  # the notebook failed outside a check; used by reports, never raised here
MISSING = "missing"  # the spec has the exercise but the notebook has no check cell for it
NOT_RUN = "not run"  # the check cell exists but never ran (kernel died, timeout earlier)
NOT_GRADED = "not graded"  # the grader could not reach a verdict (not the learner's answer)

# The one rendering of a status, used by the notebook, `make check`, progress and the gradebook.
SYMBOLS = {
    CORRECT: "✓",
    NOT_ATTEMPTED: "·",
    INCORRECT: "✗",
    ERROR: "!",
    MISSING: "?",
    NOT_RUN: "-",
    NOT_GRADED: "?",
}
COLOURS = {CORRECT: "#1a7f37", NOT_ATTEMPTED: "#9a6700", INCORRECT: "#cf222e"}
_ANSI = {CORRECT: "\x1b[32m", NOT_ATTEMPTED: "\x1b[33m", INCORRECT: "\x1b[31m"}
_RESET = "\x1b[0m"


def symbol(status: str) -> str:
    return SYMBOLS.get(status, "?")


def label(status: str) -> str:
    """'✓ correct', '· not attempted', ...: symbol and word together."""
    return f"{symbol(status)} {status}"


class CheckOutcome(Exception):
    """Base of the outcomes a check raises; ``str(outcome)`` is the learner-facing message."""

    status = ""

    def __init__(self, exercise_id: str, message: str):
        super().__init__(message)
        self.exercise_id = exercise_id
        self.message = message
        self.help_line = ""  # set by the notebook binding: where to find a hint

    def headline(self) -> str:
        return f"{self.exercise_id} {self.status}"

    def _render_traceback_(self) -> list[str]:
        colour = _ANSI.get(self.status, "")
        lines = [f"{colour}{symbol(self.status)} {self.headline()}:{_RESET} {self.message}"]
        return lines + ([f"  {self.help_line}"] if self.help_line else [])


class NotAttempted(CheckOutcome):
    """The stub is untouched (``...`` or ``raise NotImplementedError``) or was not run."""

    status = NOT_ATTEMPTED


class Incorrect(CheckOutcome):
    """The answer is wrong; the message says what is wrong and, if known, why."""

    status = INCORRECT


def outcome_from_error(ename: str, evalue: str) -> tuple[str, str]:
    """Map a kernel error (exception name and message) to ``(status, reason)``."""
    if ename == NotAttempted.__name__:
        return NOT_ATTEMPTED, evalue
    if ename == Incorrect.__name__:
        return INCORRECT, evalue
    return ERROR, f"{ename}: {evalue}" if evalue else ename
