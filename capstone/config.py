"""Settings for every stage, with defaults that work from a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_DATA_PATH = REPO_DIR / "data" / "bikeshare_hourly_2011.csv"
DEFAULT_RUNS_DIR = PACKAGE_DIR / "runs"
# The retraining rule (capstone.monitor), every threshold of it here:
# - PSI_THRESHOLD: a single feature's PSI above it is a major shift; reported per feature, but it
#   does not decide alone (calendar features shift by construction between seasons).
# - WEIGHTED_DRIFT_THRESHOLD: the weather features' PSI weighted by the model's reliance on each
#   (its share of the holdout permutation importance), summed; above it, retraining is due.
# - MAE_DEGRADATION: retraining is due when the normalised error (MAE / mean actual demand of the
#   same rows) is more than this fraction above the reference's normalised error, so a busier
#   season with the same relative error is not read as decay.
PSI_THRESHOLD = 0.25
WEIGHTED_DRIFT_THRESHOLD = 0.10
MAE_DEGRADATION = 0.20


@dataclass(frozen=True)
class Settings:
    """Everything a stage needs to know; paths (and the local MLflow store) derive from `runs_dir`."""

    data_path: Path = DEFAULT_DATA_PATH
    runs_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("CAPSTONE_RUNS_DIR") or DEFAULT_RUNS_DIR)
    )
    # The MLflow tracking server or database; empty: the SQLite file in `runs_dir` (see
    # `tracking_uri`). The default reads MLFLOW_TRACKING_URI; pass "" to ignore that variable.
    store_uri: str = field(default_factory=lambda: os.environ.get("MLFLOW_TRACKING_URI", ""))
    experiment_name: str = "capstone-bikeshare"
    model_name: str = "bikeshare-demand"
    champion_alias: str = "champion"
    # The drift story: train on early months, serve later ones, then retrain.
    train_months: tuple[int, ...] = (1, 2, 3, 4)
    serve_months: tuple[int, ...] = (5, 6, 7, 8)
    holdout_fraction: float = 0.2
    random_state: int = 42
    # Gate: a paired bootstrap of the per-row absolute-error difference (challenger minus
    # champion) on the same holdout, seeded by `random_state`; the challenger is promoted only
    # when the upper bound of this two-sided interval is below 0.
    gate_confidence: float = 0.95
    gate_resamples: int = 2_000
    # Retraining rule used by the monitor.
    psi_threshold: float = PSI_THRESHOLD
    mae_degradation: float = MAE_DEGRADATION
    weighted_drift_threshold: float = WEIGHTED_DRIFT_THRESHOLD
    max_batch_size: int = 10_000
    reload_interval_s: float = 10.0

    def __post_init__(self):
        object.__setattr__(self, "data_path", Path(self.data_path))
        object.__setattr__(self, "runs_dir", Path(self.runs_dir))
        if not 0 < self.gate_confidence < 1:
            raise ValueError(
                f"gate_confidence: expected a fraction in (0, 1) such as 0.95, "
                f"got {self.gate_confidence}"
            )
        if isinstance(self.gate_resamples, bool) or not isinstance(self.gate_resamples, int):
            raise ValueError(
                f"gate_resamples: expected an integer such as 2000, got {self.gate_resamples!r}"
            )
        if self.gate_resamples < 100:
            raise ValueError(
                f"gate_resamples: expected at least 100 resamples for a stable interval "
                f"(2000 is the default), got {self.gate_resamples}"
            )

    @property
    def tracking_uri(self) -> str:
        """Where MLflow tracks and registers: `store_uri`, else the SQLite file in `runs_dir`."""
        return self.store_uri or f"sqlite:///{self.runs_dir / 'mlflow.db'}"

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
    use_store(settings)
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


def use_store(settings: Settings) -> None:
    """Point MLflow's tracking and model registry at the settings' store (creates nothing)."""
    import mlflow

    mlflow.set_tracking_uri(settings.tracking_uri)
    mlflow.set_registry_uri(settings.tracking_uri)
