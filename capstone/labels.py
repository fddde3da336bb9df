"""Delayed labels: the count of an hour is known only some time after the hour.

In a real service the rentals of an hour are counted, cleaned and loaded later (here: 24-72 hours
later). Each label therefore carries an arrival time; at monitoring time T only the labels that
arrived by T count, and the predictions still waiting for theirs are kept and counted as
pending, never dropped. Times here are hours since 1 January 00:00 of the data's year (the
story's simulated clock); `event_hours` places each served row on that clock.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from capstone.data import TARGET

# The story's simulated delay: the label of an hour arrives uniformly 24-72 hours after it.
LABEL_DELAY_HOURS = (24.0, 72.0)


def event_hours(frame: pd.DataFrame) -> np.ndarray:
    """Hours since 1 January 00:00 of each row's hour, from its `day` (of the year) and `hr`."""
    missing = [name for name in ("day", "hr") if name not in frame]
    if missing:
        raise ValueError(
            f"event_hours: expected columns 'day' (day of the year) and 'hr', missing {missing}"
        )
    return (frame["day"].to_numpy(dtype=float) - 1) * 24 + frame["hr"].to_numpy(dtype=float)


def simulate_arrivals(
    labels: pd.DataFrame,
    hours,
    delay_hours: tuple[float, float] = LABEL_DELAY_HOURS,
    seed: int = 0,
) -> pd.DataFrame:
    """`labels` with an `arrived_at` column: each row's event hour plus a seeded uniform delay.

    `hours` holds the event hour of each label row (see `event_hours`), in the same order.
    """
    low, high = delay_hours
    if not 0 <= low <= high:
        raise ValueError(
            f"delay_hours: expected (low, high) with 0 <= low <= high, such as (24, 72), "
            f"got {delay_hours}"
        )
    hours = np.asarray(hours, dtype=float)
    if hours.shape != (len(labels),):
        raise ValueError(
            f"hours: expected one event hour per label row ({len(labels)}), got shape {hours.shape}"
        )
    delays = np.random.default_rng(seed).uniform(low, high, len(labels))
    return labels.assign(arrived_at=hours + delays)


def label_status(frame: pd.DataFrame) -> dict:
    """What is known at monitoring time: labelled and pending rows, and the hours still blind.

    `frame` is the prediction log as read at time T (`monitor.read_prediction_log(..., as_of=T)`): a
    row whose target (`TARGET`) is missing is pending, and every row is when the column is absent.
    Returns a dict: `rows`, `labelled_rows`, `pending_rows` (ints), `pending_share` (a float, 0.0
    for an empty frame), and `first_pending_hour` (the earliest event hour of a pending row, see
    `event_hours`) and `last_labelled_hour` (the latest event hour of a labelled row) as floats, or
    None when there is no such row or `frame` lacks `day` or `hr`. The error of a pending row cannot
    be known yet; prediction drift is the only signal for it.
    """
    if TARGET not in frame:
        pending = np.ones(len(frame), dtype=bool)
    else:
        pending = frame[TARGET].isna().to_numpy()
    status = {
        "rows": len(frame),
        "labelled_rows": int((~pending).sum()),
        "pending_rows": int(pending.sum()),
        "pending_share": float(pending.mean()) if len(frame) else 0.0,
        "first_pending_hour": None,
        "last_labelled_hour": None,
    }
    if len(frame) and {"day", "hr"} <= set(frame.columns):
        hours = event_hours(frame)
        if pending.any():
            status["first_pending_hour"] = float(hours[pending].min())
        if (~pending).any():
            status["last_labelled_hour"] = float(hours[~pending].max())
    return status


def describe_hour(hour: float | None) -> str:
    """Hours since 1 January 00:00 -> 'day 243 (of the year) 17:00'."""
    if hour is None:
        return "n/a"
    day, hr = divmod(int(hour), 24)
    return f"day {day + 1} {hr:02d}:00"
