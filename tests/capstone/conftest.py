"""Shared fixtures: one small trained + registered model per test session, all state in tmp."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds (servers, Spark)")


@pytest.fixture
def no_backend_switch(monkeypatch):
    """Fail the test if library code switches matplotlib's global backend (it breaks notebooks)."""
    import matplotlib

    def refuse(*args, **kwargs):
        raise AssertionError("library code must not call matplotlib.use; draw on a Figure")

    monkeypatch.setattr(matplotlib, "use", refuse)


@pytest.fixture(scope="session")
def bike_data():
    from capstone.config import DEFAULT_DATA_PATH
    from capstone.data import load

    return load(DEFAULT_DATA_PATH)


@pytest.fixture(scope="session")
def session_settings(tmp_path_factory):
    from capstone.config import Settings

    runs = tmp_path_factory.mktemp("capstone-runs")
    return Settings(
        runs_dir=runs,
        store_uri="",  # the SQLite store in `runs`, whatever MLFLOW_TRACKING_URI says
        train_months=(1, 2, 3, 4),
        serve_months=(5, 6),
        reload_interval_s=0,
    )


@pytest.fixture(scope="session")
def splits(bike_data, session_settings):
    from capstone.data import select_months, time_holdout_split

    window = select_months(bike_data, session_settings.train_months)
    train, holdout = time_holdout_split(window, session_settings.holdout_fraction)
    return {"window": window, "train": train, "holdout": holdout}


@pytest.fixture(scope="session")
def trained(splits, session_settings):
    """Baseline + strong model logged to a tmp MLflow store; the strong one is champion."""
    from capstone import registry
    from capstone.train import train_all

    kinds = ("baseline", "hgb")  # the torch model has its own fixture (`trained_torch`)
    models = train_all(splits["train"], splits["holdout"], session_settings, kinds=kinds)
    version = registry.register(models["hgb"].model_uri, session_settings)
    registry.promote(version, session_settings)
    return {"models": models, "champion_version": version, "settings": session_settings}


@pytest.fixture(scope="session")
def trained_torch(trained, splits):
    """`trained` plus the PyTorch MLP, logged to the same store (not registered).

    Apart from `trained`, so a torch model that does not train yet fails only the tests that
    use it, not every test of the serving and registry milestones.
    """
    from capstone.train import train_all

    settings = trained["settings"]
    mlp = train_all(splits["train"], splits["holdout"], settings, kinds=("mlp",))["mlp"]
    return {**trained, "models": {**trained["models"], "mlp": mlp}}
