"""The one feature transformation, shared by training, the API, batch and Spark scoring.

`build_features` takes raw rows in any of three shapes (a DataFrame, a dict of columns, a list of
row dicts) and returns a float matrix. It is the first step of every logged model pipeline, so a
served request, a batch file and a training row all go through exactly this code.

`hr_sin` and `hr_cos` place the hour on a circle so that 23:00 and 00:00 are neighbours. That
matters to linear and distance-based models; the gradient-boosting model splits on thresholds and
also gets the raw `hr`, so for it the circle is a convenience, not a fix.
"""

from __future__ import annotations

import numpy as np

from capstone.data import FEATURE_COLUMNS, MONTH_NUMBER, WEATHER

WEATHER_SEVERITY = {name: level for level, name in enumerate(WEATHER)}
FEATURE_NAMES = (
    "hr",
    "hr_sin",
    "hr_cos",
    "month",
    "season",
    "weekday",
    "workingday",
    "holiday",
    "weather",
    "temp",
    "atemp",
    "hum",
    "windspeed",
)
PASSTHROUGH = ("season", "weekday", "workingday", "holiday")


def _as_columns(rows) -> dict:
    """Accept a DataFrame, a mapping of columns or a list of row dicts; return a column mapping."""
    if isinstance(rows, list):
        return {name: [row[name] for row in rows] for name in FEATURE_COLUMNS}
    return rows  # DataFrames and dicts both support rows[name]


def build_features(rows) -> np.ndarray:
    """Raw rows -> (n, len(FEATURE_NAMES)) float64 matrix, columns in FEATURE_NAMES order.

    `rows`: a DataFrame, a mapping of columns or a list of row dicts (`_as_columns` makes them
    columns). The columns: the hour; its sine and cosine on the 24-hour circle (hour 23 next to hour
    0); the month number (`MONTH_NUMBER`); `PASSTHROUGH` as they are; the weather's severity
    (`WEATHER_SEVERITY`); temp, atemp, hum, windspeed. Vectorised (no loop over rows but the two
    category look-ups). A month or weathersit value the maps do not know is a `ValueError` naming it
    and the known values.
    """
    columns = _as_columns(rows)
    hour = np.asarray(columns["hr"], dtype=np.float64)
    months = columns["mnth"]
    weather = columns["weathersit"]
    try:
        month = np.fromiter((MONTH_NUMBER[m] for m in months), dtype=np.float64, count=len(hour))
        severity = np.fromiter(
            (WEATHER_SEVERITY[w] for w in weather), dtype=np.float64, count=len(hour)
        )
    except KeyError as error:
        raise ValueError(
            f"unknown category {error.args[0]!r}; expected a month in {list(MONTH_NUMBER)} "
            f"and weathersit in {list(WEATHER)}"
        ) from None
    angle = 2 * np.pi * hour / 24
    matrix = np.empty((len(hour), len(FEATURE_NAMES)), dtype=np.float64)
    matrix[:, 0] = hour
    matrix[:, 1] = np.sin(angle)
    matrix[:, 2] = np.cos(angle)
    matrix[:, 3] = month
    for index, name in enumerate(PASSTHROUGH, start=4):
        matrix[:, index] = np.asarray(columns[name], dtype=np.float64)
    matrix[:, 8] = severity
    for index, name in enumerate(("temp", "atemp", "hum", "windspeed"), start=9):
        matrix[:, index] = np.asarray(columns[name], dtype=np.float64)
    return matrix


def make_feature_step():
    """The sklearn step that wraps `build_features` at the head of every model pipeline."""
    from sklearn.preprocessing import FunctionTransformer

    return FunctionTransformer(build_features, validate=False, check_inverse=False)
