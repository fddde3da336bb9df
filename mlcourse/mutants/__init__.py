"""Check strength: first-order mutants of each reference solution, run through the exercise's
own check in the notebook's real context (``python -m mlcourse check-strength [NB ...]``).

A mutant is the reference solution with one small change (an operator swapped, a constant off
by one, a reduction or axis swapped, a keyword dropped, the return value negated, a transpose
dropped or added, two arguments swapped, an update statement removed). A check that still
passes on a mutant has a hole, unless the mutant gives the same answer on every input: the
author then explains it in the spec, ``Exercise.equivalent_mutants = {description: reason}``.

The notebook runs solved in a kernel (as in the suite); after each check cell, a cell calls
:func:`run_in_kernel`, which measures that exercise on the live globals and appends the result
as one JSON line to a file the parent process reads.
"""

from mlcourse.mutants.generate import Mutant, TransposeProbe, mutants_of
from mlcourse.mutants.measure import (
    MAX_MUTANTS,
    TIME_LIMIT_S,
    Strength,
    WeakCheck,
    assert_strong,
    measure,
    run_in_kernel,
)
from mlcourse.mutants.notebooks import NotebookStrength, check_strength, format_table

__all__ = [
    "MAX_MUTANTS",
    "TIME_LIMIT_S",
    "Mutant",
    "NotebookStrength",
    "Strength",
    "TransposeProbe",
    "WeakCheck",
    "assert_strong",
    "check_strength",
    "format_table",
    "measure",
    "mutants_of",
    "run_in_kernel",
]
