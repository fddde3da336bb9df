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


NOT_SPARK_FIX = (
    "Keep the work in Spark (`pyspark.sql.functions`, `groupBy`, `Window`): the same code then "
    "runs on a cluster. Do not convert with `toPandas()` inside the function."
)


@dataclass(frozen=True)
class SparkFrame(Frame):
    """A Spark DataFrame, compared as the pandas DataFrame ``toPandas()`` gives, with its columns
    in name order and its rows sorted (a Spark result has no row order unless it is sorted).
    Any other value is wrong, with ``fix`` as the advice. pyspark is imported only when a value
    is observed."""

    fix: str = NOT_SPARK_FIX

    def observe(self, name, value):
        from pyspark.sql import DataFrame

        if not isinstance(value, DataFrame):
            return {"not_spark": compare.type_name(value)}
        table = value.toPandas()
        table = table[sorted(table.columns)]
        return table.sort_values(list(table.columns)).reset_index(drop=True)

    def diff(self, name, observed, expected):
        if isinstance(observed, dict):
            return f"`{name}` should be a Spark DataFrame, got {observed['not_spark']}. {self.fix}"
        return super().diff(name, observed, expected)

    def matches(self, observed, recorded):
        if isinstance(observed, dict) or isinstance(recorded, dict):  # not a Spark DataFrame
            both = isinstance(observed, dict) and isinstance(recorded, dict)
            return both and observed == recorded
        return super().matches(observed, recorded)
