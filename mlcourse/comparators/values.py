"""Values: numbers and arrays, exact values, DataFrames."""

from __future__ import annotations

from dataclasses import dataclass

from mlcourse import compare
from mlcourse.comparators.base import Comparator

# --- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Close(Comparator):
    """Numbers or arrays equal within a tolerance."""

    rtol: float = 1e-6
    atol: float = 1e-9

    def diff(self, name, observed, expected):
        if compare.is_real_number(expected):
            return compare.diff_scalars(name, observed, expected, self.rtol, self.atol)
        return compare.diff_arrays(name, observed, expected, self.rtol, self.atol)


@dataclass(frozen=True)
class Exact(Comparator):
    """Exactly equal: integers, strings, tuples, sets."""

    def diff(self, name, observed, expected):
        return compare.diff_exact(name, observed, expected)


@dataclass(frozen=True)
class Frame(Comparator):
    """pandas DataFrames: columns, shape, index, dtypes and values within a tolerance.

    ``ignore_index=True`` compares rows by position, for answers where a learner may or may not
    reset the index."""

    rtol: float = 1e-6
    atol: float = 1e-9
    ignore_index: bool = False

    def diff(self, name, observed, expected):
        if self.ignore_index and hasattr(observed, "reset_index"):
            observed, expected = observed.reset_index(drop=True), expected.reset_index(drop=True)
        return compare.diff_frames(name, observed, expected, self.rtol, self.atol)
