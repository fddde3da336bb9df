import numpy as np
import pandas as pd
import pytest

from capstone.config import DEFAULT_DATA_PATH
from capstone.data import (
    FEATURE_COLUMNS,
    DataValidationError,
    load,
    month_numbers,
    select_months,
    time_holdout_split,
    validate,
)


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(DEFAULT_DATA_PATH, dtype={"hr": str})


def test_committed_data_is_valid(bike_data):
    assert len(bike_data) == 8645
    assert bike_data["hr"].dtype == np.int64
    assert set(bike_data["hr"]) == set(range(24))


def test_out_of_range_value_names_row_column_and_value(raw):
    bad = raw.copy()
    bad.loc[16, "hum"] = 1.7
    with pytest.raises(DataValidationError, match=r"row 17, column 'hum': 1.7 is outside \[0, 1\]"):
        validate(bad)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("weathersit", "sunny", "'sunny' is not one of"),
        ("mnth", "Januar", "'Januar' is not one of"),
        ("hr", "24", "column 'hr': 24 is outside [0, 23]"),
        ("hr", "x", "column 'hr': 'x' is not a number"),
        ("temp", None, "column 'temp': missing value"),
        ("weekday", 2.5, "column 'weekday': 2.5 is not a whole number"),
        ("bikers", -1, "column 'bikers': -1 is outside [0, inf]"),
        ("windspeed", np.inf, "column 'windspeed': inf is not finite"),
    ],
)
def test_each_kind_of_bad_value_is_reported(raw, column, value, message):
    bad = raw.head(50).astype({column: "object"})
    bad.loc[3, column] = value
    with pytest.raises(DataValidationError) as error:
        validate(bad)
    assert f"row 4, column '{column}'" in str(error.value)
    assert message in str(error.value)


def test_many_problems_are_summarised_not_dropped(raw):
    bad = raw.head(100).copy()
    bad.loc[10:29, "hum"] = 2.0
    with pytest.raises(DataValidationError) as error:
        validate(bad)
    assert len(error.value.problems) == 20
    assert str(error.value).endswith("and 15 more")
    assert str(error.value).startswith("row 11, column 'hum'")


def test_missing_column_is_named(raw):
    with pytest.raises(DataValidationError, match=r"missing column\(s\) \['hum'\]"):
        validate(raw.drop(columns="hum"))


def test_labels_optional_for_scoring(raw):
    frame = validate(raw.drop(columns=["casual", "registered", "bikers"]), require_labels=False)
    assert list(frame.columns) == list(FEATURE_COLUMNS)


def test_load_parquet_roundtrip(tmp_path, raw):
    path = tmp_path / "slice.parquet"
    raw.head(30).to_parquet(path)
    assert len(load(path)) == 30


def test_load_missing_file_says_which(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        load(tmp_path / "nope.csv")


def test_month_window_and_time_holdout(bike_data):
    window = select_months(bike_data, (1, 2, 3, 4))
    assert set(month_numbers(window)) == {1, 2, 3, 4}
    train, holdout = time_holdout_split(window, 0.2)
    assert len(train) + len(holdout) == len(window)
    assert abs(len(holdout) - 0.2 * len(window)) <= 1
    assert train["day"].max() <= holdout["day"].min()
    with pytest.raises(ValueError, match="holdout_fraction"):
        time_holdout_split(window, 1.5)
