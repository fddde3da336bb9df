import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from capstone import monitor
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
