import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capstone import monitor
from capstone.config import MAE_DEGRADATION, Settings
from capstone.data import FEATURE_COLUMNS, select_months


def test_psi_zero_for_same_and_large_for_shifted():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=5000)
    assert monitor.psi(reference, rng.normal(size=5000)) < 0.02
    assert monitor.psi(reference, rng.normal(loc=1.0, size=5000)) > 0.25
    hours = np.tile(np.arange(24), 50)
    assert monitor.psi(hours, hours) == pytest.approx(0, abs=1e-9)


def _served(frame, pipeline):
    return frame.assign(prediction=pipeline.predict(frame[list(FEATURE_COLUMNS)]))


def test_summary_flags_seasonal_drift(bike_data, trained, splits):
    pipeline = trained["models"]["hgb"].pipeline
    window = splits["window"]
    reference_predictions = pipeline.predict(window[list(FEATURE_COLUMNS)])
    summer = _served(select_months(bike_data, (6, 7)), pipeline)
    summary = monitor.summarise(window, reference_predictions, summer, 37.0)
    assert summary.retrain_due
    assert "temp" in summary.drifted_features
    assert summary.max_feature_psi > 0.25
    assert summary.weekly and all(week["mae"] >= 0 for week in summary.weekly)

    same = _served(splits["holdout"], pipeline)
    quiet = monitor.summarise(window, reference_predictions, same.drop(columns="bikers"), None)
    assert quiet.current_mae is None and quiet.labelled_rows == 0


def test_report_from_log_with_labels(tmp_path, no_backend_switch, bike_data, trained, splits):
    from capstone.serve import PredictionLog

    pipeline = trained["models"]["hgb"].pipeline
    served = select_months(bike_data, (5,)).head(300)
    log = PredictionLog(tmp_path / "log.db")
    columns = {name: served[name].tolist() for name in FEATURE_COLUMNS}
    log.append("r1", "1", columns, pipeline.predict(columns))
    log.flush()
    log.close()
    labels = pd.DataFrame({"request_id": "r1", "item": range(300), "bikers": served["bikers"]})
    assert monitor.record_labels(tmp_path / "log.db", labels) == 300
    logged = monitor.read_prediction_log(tmp_path / "log.db")
    pd.testing.assert_frame_equal(  # SQLite's REAL whole numbers come back as the schema's ints
        logged[list(FEATURE_COLUMNS)], served[list(FEATURE_COLUMNS)].reset_index(drop=True)
    )

    window = splits["window"]
    summary = monitor.monitor(
        window,
        pipeline.predict(window[list(FEATURE_COLUMNS)]),
        tmp_path / "log.db",
        reference_mae=30.0,
        folder=tmp_path / "report",
    )
    assert summary.labelled_rows == 300
    expected_mae = float(np.mean(np.abs(served["bikers"] - pipeline.predict(columns))))
    assert summary.current_mae == pytest.approx(expected_mae)
    page = Path(summary.html_path).read_text()
    assert page.count("data:image/png;base64,") >= 4
    saved = json.loads(Path(summary.json_path).read_text())
    assert saved["retrain_due"] == summary.retrain_due
    assert saved["psi_threshold"] == 0.25 and "PSI > 0.25" in saved["rule"]


# The retraining rule: calendar shifts are reported apart, weather drift counts by importance,
# decay is judged on the error normalised by demand.
# The calendar weighs too, so counting it in the alarm would fire the calendar-only test.
RELIES_ON_TEMP = {name: 0.0 for name in monitor.MONITORED_FEATURES} | {
    "hr": 4.0,
    "month": 1.0,
    "season": 1.0,
    "temp": 4.0,
}
IGNORES_TEMP = RELIES_ON_TEMP | {"temp": 0.0}


def _same_rows(window, prediction):
    """The reference rows served back, with given predictions (labels kept)."""
    return window.assign(prediction=prediction)


def test_calendar_shift_alone_does_not_trigger_retraining(splits):
    window = splits["window"]
    # Same weather, same demand, same error: only the calendar says July.
    july = window.assign(mnth="July", season=3)
    noise = np.random.default_rng(0).normal(0, 10, len(window))
    prediction = window["bikers"] + noise
    served = _same_rows(july, prediction)
    mae = float(np.abs(noise).mean())
    summary = monitor.summarise(window, prediction, served, mae, importance=RELIES_ON_TEMP)
    assert {"month", "season"} <= set(summary.calendar_shift)
    assert summary.max_feature_psi > 5  # the old any-feature rule would have fired
    assert summary.drifted_features == [] and summary.weather_drift < 0.01
    assert not summary.retrain_due, summary.reasons
    kinds = {row["feature"]: row["kind"] for row in summary.features}
    assert kinds["month"] == "calendar" and kinds["temp"] == "weather"


def test_weather_drift_on_a_relied_on_feature_triggers_retraining(splits):
    window = splits["window"]
    warmer = window.assign(temp=(window["temp"] + 0.3).clip(upper=1.0))
    prediction = np.full(len(window), window["bikers"].mean())
    unlabelled = _same_rows(warmer, prediction).drop(columns="bikers")
    relied = monitor.summarise(window, prediction, unlabelled, None, importance=RELIES_ON_TEMP)
    assert relied.retrain_due and "temp" in relied.reasons[0]
    assert relied.weather_drift == pytest.approx(0.4 * monitor.psi(window["temp"], warmer["temp"]))
    # The same drift on a feature the model does not use is reported, not alarmed on.
    ignored = monitor.summarise(window, prediction, unlabelled, None, importance=IGNORES_TEMP)
    assert "temp" in ignored.drifted_features and not ignored.retrain_due
    # No calendar shift here: this evidence fires in any year.
    assert relied.calendar_shift == []


def test_seasonal_rise_with_same_relative_error_is_not_decay(splits):
    window = splits["window"]
    noise = np.random.default_rng(1).normal(0, 0.2, len(window))
    prediction = window["bikers"] * (1 + noise)
    reference_mae = float(np.abs(window["bikers"] - prediction).mean())
    busier = _same_rows(window, 2 * prediction).assign(bikers=2 * window["bikers"])
    summary = monitor.summarise(window, prediction, busier, reference_mae, importance=IGNORES_TEMP)
    assert summary.mae_change == pytest.approx(1.0)  # absolute MAE doubled...
    assert summary.normalised_error_change == pytest.approx(0.0, abs=1e-9)  # ...relative did not
    assert not summary.retrain_due, summary.reasons


def test_real_decay_triggers_retraining(splits):
    window = splits["window"]
    noise = np.random.default_rng(2).normal(0, 0.2, len(window))
    prediction = window["bikers"] * (1 + noise)
    reference_mae = float(np.abs(window["bikers"] - prediction).mean())
    worse = _same_rows(window, window["bikers"] * (1 + 2 * noise))
    summary = monitor.summarise(window, prediction, worse, reference_mae, importance=IGNORES_TEMP)
    assert summary.normalised_error_change == pytest.approx(1.0, rel=0.01)
    assert summary.retrain_due and "normalised error" in summary.reasons[0]
    # The threshold is one setting (config.MAE_DEGRADATION); a looser one lets this decay through.
    assert summary.mae_degradation == MAE_DEGRADATION == Settings().mae_degradation
    loose = monitor.summarise(
        window, prediction, worse, reference_mae, mae_degradation=1.5, importance=IGNORES_TEMP
    )
    assert loose.mae_degradation == 1.5 and not loose.retrain_due


def test_feature_importance_on_holdout(trained, splits):
    importance = monitor.feature_importance(
        trained["models"]["hgb"].pipeline, splits["holdout"].head(200)
    )
    assert set(importance) == set(monitor.MONITORED_FEATURES)
    assert all(value >= 0 for value in importance.values())
    assert importance["hr"] == max(importance.values()) and importance["hr"] > 10
    with pytest.raises(ValueError, match="labelled holdout"):
        monitor.feature_importance(
            trained["models"]["hgb"].pipeline, splits["holdout"].drop(columns="bikers")
        )
    with pytest.raises(ValueError, match="missing"):
        monitor.summarise(
            splits["window"],
            np.zeros(len(splits["window"])),
            splits["window"].assign(prediction=0.0),
            None,
            importance={"hr": 1.0},
        )
