"""Settings for every stage, with defaults that work from a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_DATA_PATH = REPO_DIR / "data" / "bikeshare_hourly_2011.csv"
DEFAULT_RUNS_DIR = PACKAGE_DIR / "runs"


@dataclass(frozen=True)
class Settings:
    """Everything a stage needs to know; paths are derived from `runs_dir` unless set."""

    data_path: Path = DEFAULT_DATA_PATH
    runs_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("CAPSTONE_RUNS_DIR") or DEFAULT_RUNS_DIR)
    )
    tracking_uri: str = ""
    experiment_name: str = "capstone-bikeshare"
    model_name: str = "bikeshare-demand"
    champion_alias: str = "champion"
    # The drift story: train on early months, serve later ones, then retrain.
    train_months: tuple[int, ...] = (1, 2, 3, 4)
    serve_months: tuple[int, ...] = (5, 6, 7, 8)
    holdout_fraction: float = 0.2
    random_state: int = 42
    # Gate: the challenger must beat the champion's holdout MAE by this relative margin.
    min_improvement: float = 0.01
    # Retraining rule used by the monitor.
    psi_threshold: float = 0.25
    mae_degradation: float = 0.20
    max_batch_size: int = 10_000
    reload_interval_s: float = 10.0

    def __post_init__(self):
        object.__setattr__(self, "data_path", Path(self.data_path))
        object.__setattr__(self, "runs_dir", Path(self.runs_dir))
        if not self.tracking_uri:
            uri = (
                os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{self.runs_dir / 'mlflow.db'}"
            )
            object.__setattr__(self, "tracking_uri", uri)

    @property
    def artifact_root(self) -> Path:
        return self.runs_dir / "artifacts"

    @property
    def prediction_log_path(self) -> Path:
        return self.runs_dir / "predictions.db"

    @property
    def reports_dir(self) -> Path:
        return self.runs_dir / "reports"

    def with_overrides(self, **changes) -> Settings:
        """A copy with some fields changed (None values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def ensure_dirs(self) -> None:
        """Create the run folders; called by stages, never at import time."""
        for folder in (self.runs_dir, self.artifact_root, self.reports_dir):
            folder.mkdir(parents=True, exist_ok=True)


def configure_mlflow(settings: Settings) -> None:
    """Point MLflow at the settings' store and create the experiment if it is missing."""
    import logging

    import mlflow

    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    for noisy in ("mlflow", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings.ensure_dirs()
    mlflow.set_tracking_uri(settings.tracking_uri)
    mlflow.set_registry_uri(settings.tracking_uri)
    client = mlflow.MlflowClient()
    if client.get_experiment_by_name(settings.experiment_name) is None:
        artifact_location = None
        if settings.tracking_uri.startswith("sqlite:"):
            artifact_location = settings.artifact_root.as_uri()
        try:
            client.create_experiment(settings.experiment_name, artifact_location=artifact_location)
        except Exception:  # created concurrently by another process: fine
            if client.get_experiment_by_name(settings.experiment_name) is None:
                raise
    mlflow.set_experiment(settings.experiment_name)
