"""Delayed labels: arrival times, the monitor's view at time T, retraining on arrived labels."""

import numpy as np
import pandas as pd
import pytest

from capstone import labels, monitor
from capstone.data import FEATURE_COLUMNS, select_months
from capstone.retrain import recent_split
from capstone.serve import PredictionLog


def test_event_hours_and_description():
    frame = pd.DataFrame({"day": [1, 1, 32], "hr": [0, 23, 5]})
    np.testing.assert_array_equal(labels.event_hours(frame), [0, 23, 31 * 24 + 5])
    assert labels.describe_hour(31 * 24 + 5) == "day 32 05:00"
    with pytest.raises(ValueError, match=r"missing \['hr'\]"):
        labels.event_hours(frame.drop(columns="hr"))


def test_arrivals_are_seeded_and_within_the_delay():
    base = pd.DataFrame({"request_id": "r", "item": range(1000), "bikers": 1.0})
    hours = np.arange(1000.0)
    first = labels.simulate_arrivals(base, hours, (24, 72), seed=1)
    again = labels.simulate_arrivals(base, hours, (24, 72), seed=1)
    delay = first["arrived_at"] - hours
    assert delay.between(24, 72).all() and delay.std() > 10
    pd.testing.assert_frame_equal(first, again)
    assert not first["arrived_at"].equals(
        labels.simulate_arrivals(base, hours, seed=2)["arrived_at"]
    )


@pytest.mark.parametrize(
    ("delay", "hours", "message"),
    [((72, 24), np.arange(3.0), "0 <= low <= high"), ((1, 2), np.arange(2.0), "one event hour")],
)
def test_arrivals_reject_bad_input(delay, hours, message):
    base = pd.DataFrame({"request_id": "r", "item": range(3), "bikers": 1.0})
    with pytest.raises(ValueError, match=message):
        labels.simulate_arrivals(base, hours, delay)


@pytest.fixture
def delayed_log(tmp_path, bike_data, trained):
    """300 served hours of May; labels arrive 24-72 h after each hour."""
    pipeline = trained["models"]["hgb"].pipeline
    served = select_months(bike_data, (5,)).head(300)
    log = PredictionLog(tmp_path / "log.db")
    columns = {name: served[name].tolist() for name in FEATURE_COLUMNS}
    log.append("r1", "1", columns, pipeline.predict(columns))
    log.flush()
    log.close()
    hours = labels.event_hours(served)
    truth = pd.DataFrame({"request_id": "r1", "item": range(300), "bikers": served["bikers"]})
    arrivals = labels.simulate_arrivals(truth, hours, seed=0)
    monitor.record_labels(tmp_path / "log.db", arrivals)
    return {"path": tmp_path / "log.db", "hours": hours, "arrivals": arrivals, "served": served}


def test_only_labels_arrived_by_t_count_and_pending_rows_are_kept(delayed_log):
    as_of = float(delayed_log["hours"].max()) + 1
    frame = monitor.read_prediction_log(delayed_log["path"], as_of=as_of)
    arrived = delayed_log["arrivals"]["arrived_at"].to_numpy() <= as_of
    assert len(frame) == 300  # nothing dropped
    assert frame["bikers"].notna().to_numpy().tolist() == arrived.tolist()
    assert 0 < (~arrived).sum() < 300
    everything = monitor.read_prediction_log(delayed_log["path"])
    assert everything["bikers"].notna().all()
    nothing_yet = monitor.read_prediction_log(delayed_log["path"], as_of=float("-inf"))
    assert nothing_yet["bikers"].isna().all() and len(nothing_yet) == 300


def test_summary_says_what_it_cannot_know(delayed_log, splits, trained):
    pipeline = trained["models"]["hgb"].pipeline
    window = splits["window"]
    as_of = float(delayed_log["hours"].max()) + 1
    current = monitor.read_prediction_log(delayed_log["path"], as_of=as_of)
    summary = monitor.summarise(window, pipeline.predict(window), current, 30.0)
    pending = current["bikers"].isna()
    assert summary.pending_rows == pending.sum() and summary.labelled_rows == (~pending).sum()
    assert summary.pending_share == pytest.approx(pending.mean())
    arrived = current[~pending]
    assert summary.current_mae == pytest.approx(
        float(np.mean(np.abs(arrived["bikers"] - arrived["prediction"])))
    )
    assert summary.pending_prediction_psi is not None
    assert summary.first_pending_hour > summary.last_labelled_hour - 72
    assert "still await their labels" in summary.label_note
    assert "prediction drift is the only signal" in summary.label_note


def test_retraining_uses_arrived_labels_only(delayed_log, bike_data):
    as_of = float(delayed_log["hours"].max()) + 1
    served = monitor.read_prediction_log(delayed_log["path"], as_of=as_of)
    base = select_months(bike_data, (4,))
    train, holdout, _ = recent_split(base, served)
    assert len(train) + len(holdout) == len(base) + served["bikers"].notna().sum()
    assert holdout["bikers"].notna().all() and train["bikers"].notna().all()


def test_labels_without_arrival_time_count_as_arrived(tmp_path, delayed_log):
    truth = delayed_log["arrivals"].drop(columns="arrived_at")
    monitor.record_labels(delayed_log["path"], truth)  # replaces them, arrival unknown
    frame = monitor.read_prediction_log(delayed_log["path"], as_of=0.0)
    assert frame["bikers"].notna().all()
    with pytest.raises(ValueError, match=r"missing \['item'\]"):
        monitor.record_labels(delayed_log["path"], truth.drop(columns="item"))
