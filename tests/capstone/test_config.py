import re
from pathlib import Path

import pytest

from capstone.config import Settings


def test_tracking_uri_follows_the_runs_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    settings = Settings(runs_dir=tmp_path / "a")
    assert settings.tracking_uri == f"sqlite:///{tmp_path / 'a' / 'mlflow.db'}"
    moved = settings.with_overrides(runs_dir=tmp_path / "b")
    assert moved.tracking_uri == f"sqlite:///{tmp_path / 'b' / 'mlflow.db'}"


def test_tracking_uri_from_the_environment_or_given(tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert Settings(runs_dir=tmp_path).tracking_uri == "http://127.0.0.1:5000"
    local = Settings(runs_dir=tmp_path, store_uri="")
    assert local.tracking_uri == f"sqlite:///{Path(tmp_path) / 'mlflow.db'}"
    given = Settings(runs_dir=tmp_path).with_overrides(store_uri="sqlite:///elsewhere.db")
    assert given.tracking_uri == "sqlite:///elsewhere.db"


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(gate_confidence=95), "gate_confidence: expected a fraction in (0, 1)"),
        (dict(gate_confidence=0.0), "gate_confidence: expected a fraction in (0, 1)"),
        (dict(gate_resamples=20), "gate_resamples: expected at least 100 resamples"),
        (dict(gate_resamples=2000.0), "gate_resamples: expected an integer"),
    ],
)
def test_gate_settings_are_checked(tmp_path, changes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        Settings(runs_dir=tmp_path, **changes)
