"""What the setup cell of every notebook calls: seeds, plotting defaults, this notebook's exercises."""

from __future__ import annotations

import html
import inspect
import os

import numpy as np

from mlcourse import view
from mlcourse.exercise import Exercise
from mlcourse.outcomes import CORRECT, CheckOutcome
from mlcourse.registry import load_exercises

SEED = 42
STRICT = "MLCOURSE_STRICT"  # "1": a check raises its outcome, "0": it shows it and returns


def strict() -> bool:
    """Does a failed check raise? Yes, unless this kernel belongs to a learner's notebook server.

    Raising is what the suite, ``make check`` and grading read (they also set ``MLCOURSE_STRICT=1``
    for their kernels); in a learner's JupyterLab or Notebook the outcome is shown instead, so
    *Run All* goes on past an unsolved exercise. A Jupyter server names each kernel's notebook in
    ``JPY_SESSION_NAME``; other front ends can ask for the learner behaviour with
    ``MLCOURSE_STRICT=0``. Anything unknown stays strict: a runner that forgot the switch still
    sees every failed check.
    """
    switch = os.environ.get(STRICT)
    if switch in ("0", "1"):
        return switch == "1"
    return not os.environ.get("JPY_SESSION_NAME")


class BoundExercise:
    """An exercise as the notebook sees it: ``check()``, ``hint()``, ``solution()``."""

    def __init__(self, exercise: Exercise, handle: str):
        self.exercise = exercise
        self.handle = handle  # e.g. "ex.q2", used in the help line under a failure

    def check(self, namespace=None) -> None:
        """Check the answer in the caller's namespace (the notebook's variables).

        A failed check raises its outcome (``NotAttempted``, ``Incorrect``) when ``strict()``,
        and otherwise shows the same message and returns, so the notebook runs on.
        """
        if namespace is None:
            namespace = inspect.stack()[1].frame.f_globals
        from mlcourse.progress import record_outcome  # never raises

        try:
            self.exercise.check(namespace)
        except CheckOutcome as outcome:
            record_outcome(self.exercise.id, outcome.status)
            outcome.help_line = (
                f"{self.handle}.hint() for a hint, {self.handle}.solution() to compare"
            )
            if strict():
                raise
            _show_outcome(outcome, self.exercise.title)
            return
        record_outcome(self.exercise.id, CORRECT)
        view.show_correct(self.exercise.id, self.exercise.title)

    def hint(self, number: int | None = None) -> None:
        number, text = self.exercise.next_hint(number)
        view.show_hint(self.exercise.id, number, len(self.exercise.hints), text)

    def solution(self) -> None:
        view.show_solution(self.exercise.id, self.exercise.solution)

    def __repr__(self) -> str:
        return f"<exercise {self.exercise.id}: {self.exercise.title}>"


def _show_outcome(outcome: CheckOutcome, title: str) -> None:
    """A failed check's message, without a traceback: HTML in a notebook, text elsewhere."""
    text = view.outcome_text(outcome.exercise_id, outcome.status, outcome.message)
    text += f"\n  {outcome.help_line}" if outcome.help_line else ""
    if not view.in_notebook():
        print(text)
        return
    from IPython.display import display

    markup = view.outcome_html(outcome.exercise_id, title, outcome.status, outcome.message)
    if outcome.help_line:
        markup += (
            f'<div style="padding:0 12px;color:#57606a">{html.escape(outcome.help_line)}</div>'
        )
    display({"text/html": markup, "text/plain": text}, raw=True)


class ExerciseSet:
    """This notebook's exercises as attributes ``q1``, ``q2``, ..."""

    def __init__(self, exercises: list[Exercise], name: str = "ex"):
        self._by_number = {e.number: BoundExercise(e, f"{name}.q{e.number}") for e in exercises}

    def __getattr__(self, attribute: str) -> BoundExercise:
        if attribute.startswith("q") and attribute[1:].isdigit():
            number = int(attribute[1:])
            if number in self._by_number:
                return self._by_number[number]
        known = ", ".join(f"q{n}" for n in sorted(self._by_number))
        raise AttributeError(f"this notebook has no exercise {attribute!r}; it has {known}.")

    def __iter__(self):
        return iter(self._by_number.values())

    def __len__(self) -> int:
        return len(self._by_number)


def start(notebook_id: str, seed: int = SEED):
    """Prepare a notebook: seed NumPy, set plot defaults, load its exercises.

    Returns ``(rng, ex)``: a seeded ``numpy.random.Generator`` and the notebook's exercises.
    """
    np.random.seed(seed)  # for library code that still reads the legacy global state
    _plot_defaults()
    return np.random.default_rng(seed), ExerciseSet(load_exercises(notebook_id))


def _plot_defaults() -> None:
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6, 4),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
