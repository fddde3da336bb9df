"""Load the hourly bike-share data, validate it against an explicit schema, split it by month."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MONTHS = ("Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")
MONTH_NUMBER = {name: number for number, name in enumerate(MONTHS, start=1)}
WEATHER = ("clear", "cloudy/misty", "light rain/snow", "heavy rain/snow")
TARGET = "bikers"
LABEL_COLUMNS = ("casual", "registered", TARGET)


@dataclass(frozen=True)
class Column:
    """One column of the schema: integer, float or category, with its allowed values."""

    name: str
    kind: str  # "int", "float" or "category"
    low: float | None = None
    high: float | None = None
    categories: tuple[str, ...] = ()
    description: str = ""


# The one schema of a raw row: data files, the API's request model and Spark scoring use it.
FEATURE_SCHEMA = (
    Column("season", "int", 1, 4, description="1 = winter ... 4 = autumn"),
    Column("mnth", "category", categories=MONTHS),
    Column("day", "int", 1, 366, description="day of the year"),
    Column("hr", "int", 0, 23),
    Column("holiday", "int", 0, 1),
    Column("weekday", "int", 0, 6),
    Column("workingday", "int", 0, 1),
    Column("weathersit", "category", categories=WEATHER),
    Column("temp", "float", 0, 1, description="normalised temperature"),
    Column("atemp", "float", 0, 1, description="normalised feels-like temperature"),
    Column("hum", "float", 0, 1, description="normalised humidity"),
    Column("windspeed", "float", 0, 1, description="normalised wind speed"),
)
LABEL_SCHEMA = tuple(Column(name, "int", 0, None) for name in LABEL_COLUMNS)
FEATURE_COLUMNS = tuple(column.name for column in FEATURE_SCHEMA)
# The pandas dtype of each kind, as `validate` returns it; `frame.astype(FEATURE_DTYPES)` retypes
# rows read back from a store that lost the types (SQLite keeps whole numbers as REAL).
PANDAS_DTYPES = {"int": "int64", "float": "float64", "category": "str"}
FEATURE_DTYPES = {column.name: PANDAS_DTYPES[column.kind] for column in FEATURE_SCHEMA}
MAX_REPORTED_PROBLEMS = 5


class DataValidationError(ValueError):
    """Raised when data breaks the schema; the message lists the offending rows and values."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_REPORTED_PROBLEMS]
        message = "; ".join(shown)
        if len(problems) > len(shown):
            message += f"; and {len(problems) - len(shown)} more"
        super().__init__(message)


def _check_column(values: pd.Series, column: Column, row_numbers: np.ndarray) -> tuple:
    """Return (clean values, problems) for one column; row numbers are 1-based data rows.

    `values` is one raw column (any dtype: strings from a CSV too), `column` its schema entry,
    `row_numbers` the 1-based row number of each value. A problem is a string "row <n>, column
    '<name>': <what is wrong>", one per bad value: a missing value; for a category, a value not in
    `column.categories` ("'Foo' is not one of [...]"); for a number, a value that is not a number,
    not a whole number (kind "int"), not finite, or outside [`column.low`, `column.high`] (a bound
    of None is open; the text reads "... is outside [low, high]", `inf` for an open top). Clean
    values: categories as strings, "int" columns as int64 (0 where the value was bad), "float"
    columns as floats. Nothing is raised here: `validate` collects the problems of every column.
    """
    problems = []
    missing = values.isna().to_numpy()
    for row in row_numbers[missing]:
        problems.append(f"row {row}, column '{column.name}': missing value")
    if column.kind == "category":
        clean = values.astype("object")
        bad = ~missing & ~clean.isin(column.categories).to_numpy()
        for row, value in zip(row_numbers[bad], clean[bad], strict=False):
            problems.append(
                f"row {row}, column '{column.name}': {value!r} is not one of {list(column.categories)}"
            )
        return clean.astype(str), problems

    numeric = pd.to_numeric(values.astype("object"), errors="coerce").astype(float)
    not_numeric = ~missing & numeric.isna().to_numpy()
    for row, value in zip(row_numbers[not_numeric], values[not_numeric], strict=False):
        problems.append(f"row {row}, column '{column.name}': {value!r} is not a number")
    finite = numeric.to_numpy()
    ok = ~np.isnan(finite)
    if column.kind == "int":
        fractional = ok & (finite != np.round(finite))
        for row, value in zip(row_numbers[fractional], finite[fractional], strict=False):
            problems.append(f"row {row}, column '{column.name}': {value} is not a whole number")
    infinite = ok & np.isinf(finite)
    for row, value in zip(row_numbers[infinite], finite[infinite], strict=False):
        problems.append(f"row {row}, column '{column.name}': {value} is not finite")
    low = -np.inf if column.low is None else column.low
    high = np.inf if column.high is None else column.high
    out_of_range = ok & ~np.isinf(finite) & ((finite < low) | (finite > high))
    for row, value in zip(row_numbers[out_of_range], finite[out_of_range], strict=False):
        bounds = f"[{column.low}, {'inf' if column.high is None else column.high}]"
        problems.append(f"row {row}, column '{column.name}': {value:g} is outside {bounds}")
    if column.kind == "int":
        clean = pd.Series(np.where(ok, finite, 0).astype(np.int64), index=values.index)
    else:
        clean = numeric
    return clean, problems


def validate(frame: pd.DataFrame, require_labels: bool = True) -> pd.DataFrame:
    """Check `frame` against the schema and return a typed copy with only schema columns.

    Raises DataValidationError naming each bad row (1-based, header excluded), column and value.
    Nothing is dropped silently: any problem fails the whole frame.
    """
    schema = FEATURE_SCHEMA + (LABEL_SCHEMA if require_labels else ())
    missing_columns = [column.name for column in schema if column.name not in frame.columns]
    if missing_columns:
        raise DataValidationError(
            [f"missing column(s) {missing_columns}; expected columns {[c.name for c in schema]}"]
        )
    row_numbers = np.arange(1, len(frame) + 1)
    clean, problems = {}, []
    for column in schema:
        values, column_problems = _check_column(frame[column.name], column, row_numbers)
        clean[column.name] = values.to_numpy()
        problems.extend(column_problems)
    if problems:
        # Sort by row so the first problems reported are the first rows in the file.
        problems.sort(key=lambda text: int(text.split(",")[0].split()[1]))
        raise DataValidationError(problems)
    return pd.DataFrame(clean)


def load(path: str | Path, require_labels: bool = True) -> pd.DataFrame:
    """Read a CSV or Parquet file and validate it."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"data file {path} does not exist; check the --data path")
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype={"hr": str})
    return validate(frame, require_labels=require_labels)


def month_numbers(frame: pd.DataFrame) -> np.ndarray:
    return frame["mnth"].map(MONTH_NUMBER).to_numpy()


def select_months(frame: pd.DataFrame, months) -> pd.DataFrame:
    """Rows whose month number (1 = Jan) is in `months`, in time order."""
    wanted = np.isin(month_numbers(frame), list(months))
    return frame[wanted].reset_index(drop=True)


def time_holdout_split(frame: pd.DataFrame, holdout_fraction: float) -> tuple:
    """Split time-ordered rows: the last `holdout_fraction` becomes the holdout.

    Sort by `day` then `hr` (a stable sort), keep the first round(n x (1 - `holdout_fraction`)) rows
    for training and the rest as the holdout; returns (train, holdout), both with a fresh index, so
    the holdout is strictly later than every training row. A fraction outside (0, 1) is a
    `ValueError` "holdout_fraction must be in (0, 1), got ...".
    """
    if not 0 < holdout_fraction < 1:
        raise ValueError(f"holdout_fraction must be in (0, 1), got {holdout_fraction}")
    ordered = frame.sort_values(["day", "hr"], kind="stable").reset_index(drop=True)
    cut = int(round(len(ordered) * (1 - holdout_fraction)))
    return ordered.iloc[:cut].reset_index(drop=True), ordered.iloc[cut:].reset_index(drop=True)
