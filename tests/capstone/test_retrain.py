import pytest

from capstone.data import month_numbers, select_months
from capstone.retrain import recent_split


def test_recent_split_holds_out_newest_month(bike_data):
    base = select_months(bike_data, (1, 2))
    labelled = select_months(bike_data, (3, 4, 5))
    train, holdout, months = recent_split(base, labelled)
    assert months == [5]
    assert set(month_numbers(holdout)) == {5}
    assert set(month_numbers(train)) == {1, 2, 3, 4}
    assert len(train) + len(holdout) == len(base) + len(labelled)


def test_recent_split_needs_labels(bike_data):
    labelled = select_months(bike_data, (3,)).assign(bikers=float("nan"))
    with pytest.raises(ValueError, match="no labelled served rows"):
        recent_split(select_months(bike_data, (1,)), labelled)
