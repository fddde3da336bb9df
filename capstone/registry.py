"""Register model versions, manage the `champion` alias and gate challengers on a shared holdout."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import pandas as pd

from capstone.config import Settings, configure_mlflow, use_store
from capstone.train import evaluate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateDecision:
    """Outcome of a champion/challenger comparison on one holdout."""

    promoted: bool
    reason: str
    challenger_version: str
    champion_version: str | None
    challenger_metrics: dict
    champion_metrics: dict
    holdout_rows: int
    min_improvement: float
    run_id: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def register(model_uri: str, settings: Settings, tags: dict | None = None) -> str:
    """Register `model_uri` as a new version of the settings' model; returns the version.

    `mlflow.register_model` creates the registered model on first use and links a logged model
    (`models:/m-...`) correctly on both a local SQLite store and a tracking server.
    """
    import mlflow

    configure_mlflow(settings)
    version = mlflow.register_model(model_uri, settings.model_name, tags=tags or {})
    return str(version.version)


def latest_model_uri(settings: Settings, kind: str = "hgb") -> str | None:
    """URI (`models:/m-...`) of the model logged by the newest training run of `kind`, or None.

    Training and retraining runs log the parameter `kind` (see `train.train_and_log`).
    """
    import mlflow

    configure_mlflow(settings)
    runs = mlflow.search_runs(
        experiment_names=[settings.experiment_name],
        filter_string=f"params.kind = '{kind}'",
        order_by=["start_time DESC"],
        max_results=1,
        output_format="list",
    )
    return f"models:/{runs[0].outputs.model_outputs[0].model_id}" if runs else None


def champion_version(settings: Settings) -> str | None:
    """The version the champion alias points at, or None when there is no champion yet."""
    import mlflow

    client = mlflow.MlflowClient(settings.tracking_uri, settings.tracking_uri)
    try:
        return str(
            client.get_model_version_by_alias(settings.model_name, settings.champion_alias).version
        )
    except mlflow.exceptions.MlflowException:
        return None


def promote(version: str, settings: Settings) -> None:
    import mlflow

    client = mlflow.MlflowClient(settings.tracking_uri, settings.tracking_uri)
    client.set_registered_model_alias(settings.model_name, settings.champion_alias, version)


def version_uri(version: str, settings: Settings) -> str:
    return f"models:/{settings.model_name}/{version}"


def champion_uri(settings: Settings) -> str:
    return f"models:/{settings.model_name}@{settings.champion_alias}"


def load_model(model_uri: str, settings: Settings):
    """The scikit-learn pipeline at `model_uri` (`models:/...`, `runs:/...`) in the settings' store."""
    import mlflow

    use_store(settings)
    return mlflow.sklearn.load_model(model_uri)


def load_version(version: str, settings: Settings):
    return load_model(version_uri(version, settings), settings)


def decide(challenger: dict, champion: dict | None, min_improvement: float) -> tuple[bool, str]:
    """Pure rule: promote when the challenger's MAE beats the champion's by `min_improvement`."""
    if champion is None:
        return True, "no champion yet"
    needed = champion["mae"] * (1 - min_improvement)
    if challenger["mae"] < needed:
        return True, (
            f"challenger MAE {challenger['mae']:.2f} < {needed:.2f} "
            f"(champion MAE {champion['mae']:.2f} minus {min_improvement:.0%})"
        )
    return False, (
        f"challenger MAE {challenger['mae']:.2f} does not beat {needed:.2f} "
        f"(champion MAE {champion['mae']:.2f} minus {min_improvement:.0%})"
    )


def gate(challenger_version: str, holdout: pd.DataFrame, settings: Settings) -> GateDecision:
    """Compare a registered challenger with the current champion on the SAME holdout.

    Both models are re-scored on `holdout` here (stored metrics from other holdouts are never
    reused). The decision is logged as an MLflow run, and the alias moves only on promotion.
    """
    import mlflow

    configure_mlflow(settings)
    current = champion_version(settings)
    challenger_metrics = evaluate(load_version(challenger_version, settings), holdout)
    champion_metrics = (
        evaluate(load_version(current, settings), holdout) if current is not None else None
    )
    promoted, reason = decide(challenger_metrics, champion_metrics, settings.min_improvement)
    tags = {
        "stage": "gate",
        "decision": "promote" if promoted else "keep",
        "challenger_version": challenger_version,
        "champion_version": str(current),
        "reason": reason,
    }
    with mlflow.start_run(run_name="gate", tags=tags) as run:
        mlflow.log_param("min_improvement", settings.min_improvement)
        mlflow.log_param("holdout_rows", len(holdout))
        mlflow.log_metrics({f"challenger_{k}": v for k, v in challenger_metrics.items()})
        if champion_metrics:
            mlflow.log_metrics({f"champion_{k}": v for k, v in champion_metrics.items()})
        mlflow.log_metric("promoted", float(promoted))
    if promoted:
        promote(challenger_version, settings)
    logger.info("gate: %s (%s)", tags["decision"], reason)
    return GateDecision(
        promoted=promoted,
        reason=reason,
        challenger_version=challenger_version,
        champion_version=current,
        challenger_metrics=challenger_metrics,
        champion_metrics=champion_metrics or {},
        holdout_rows=len(holdout),
        min_improvement=settings.min_improvement,
        run_id=run.info.run_id,
    )
