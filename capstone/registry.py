"""Register model versions, manage the `champion` alias and gate challengers on a shared holdout."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from capstone.config import Settings, configure_mlflow, use_store
from capstone.data import FEATURE_COLUMNS, TARGET
from capstone.train import evaluate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairedInterval:
    """A paired bootstrap interval of the mean per-row error difference (challenger - champion).

    Negative differences favour the challenger; `high < 0` means it is better with `confidence`.
    """

    mean_difference: float
    low: float
    high: float
    confidence: float
    resamples: int
    rows: int
    seed: int

    def as_dict(self) -> dict:
        return asdict(self)


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
    # None when there was no champion to compare with.
    interval: PairedInterval | None
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
    """The pipeline at `model_uri` (`models:/...`, `runs:/...`) in the settings' store.

    Whatever the kind, the result has `.predict(rows)` taking raw rows (a DataFrame, a mapping of
    columns or a list of row dicts): tree and baseline models are scikit-learn pipelines (sklearn
    flavour, skops), the torch model is the pipeline inside its pyfunc wrapper (see
    `capstone.torch_pyfunc`). The API, batch scoring and the gate all load through here.
    """
    import mlflow

    use_store(settings)
    flavors = mlflow.models.get_model_info(model_uri).flavors
    if "sklearn" in flavors:
        return mlflow.sklearn.load_model(model_uri)
    if "python_function" in flavors:
        return mlflow.pyfunc.load_model(model_uri).unwrap_python_model().pipeline
    raise ValueError(
        f"{model_uri}: expected an sklearn or capstone pyfunc model, got flavours "
        f"{sorted(flavors)}; log models with capstone.train.log_pipeline"
    )


def load_version(version: str, settings: Settings):
    return load_model(version_uri(version, settings), settings)


def _validate_errors(name: str, errors) -> np.ndarray:
    values = np.asarray(errors, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(
            f"{name}: expected a non-empty 1-D array of per-row errors, got shape {values.shape}; "
            "pass one absolute error per holdout row"
        )
    if not np.all(np.isfinite(values)):
        bad = int(np.sum(~np.isfinite(values)))
        raise ValueError(
            f"{name}: expected finite errors, got {bad} NaN or infinite value(s) of {values.size}; "
            "a model predicted NaN/inf or the holdout has missing labels: drop or fix those rows "
            "before the gate"
        )
    return values


def paired_bootstrap(
    challenger_errors,
    champion_errors,
    *,
    confidence: float,
    resamples: int,
    seed: int,
) -> PairedInterval:
    """Percentile bootstrap interval of mean(challenger_errors - champion_errors).

    The two arrays hold errors on the SAME rows, in the same order: the rows are resampled
    together (paired), so the hour-to-hour variation both models share cancels out. Vectorised:
    each block of resamples is one matrix of row indices. Same inputs and seed, same interval.
    """
    challenger = _validate_errors("challenger_errors", challenger_errors)
    champion = _validate_errors("champion_errors", champion_errors)
    if challenger.shape != champion.shape:
        raise ValueError(
            f"paired errors: expected the same rows for both models, got {challenger.size} "
            f"challenger and {champion.size} champion errors; score both on the same holdout"
        )
    if not 0 < confidence < 1:
        raise ValueError(
            f"confidence: expected a fraction in (0, 1) such as 0.95, got {confidence}"
        )
    if int(resamples) != resamples or resamples < 1:
        raise ValueError(f"resamples: expected a positive integer such as 2000, got {resamples}")
    resamples = int(resamples)
    differences = challenger - champion
    rows = differences.size
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    block = max(1, 4_000_000 // rows)  # at most ~4 million indices in memory at once
    for start in range(0, resamples, block):
        stop = min(start + block, resamples)
        indices = rng.integers(0, rows, size=(stop - start, rows))
        means[start:stop] = differences[indices].mean(axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return PairedInterval(
        mean_difference=float(differences.mean()),
        low=float(low),
        high=float(high),
        confidence=float(confidence),
        resamples=resamples,
        rows=rows,
        seed=int(seed),
    )


def decide(interval: PairedInterval | None) -> tuple[bool, str]:
    """Pure rule: promote when the challenger's error is lower with the interval's confidence.

    `interval` is the paired bootstrap interval of challenger minus champion error (None when
    there is no champion): promote only when its upper bound is below 0.
    """
    if interval is None:
        return True, "no champion yet"
    described = (
        f"mean error difference {interval.mean_difference:+.2f}, "
        f"{interval.confidence:.0%} interval [{interval.low:+.2f}, {interval.high:+.2f}] "
        f"over {interval.resamples} paired resamples of {interval.rows} rows"
    )
    if interval.high < 0:
        return True, f"challenger better: {described}, upper bound < 0"
    return False, f"challenger not better with {interval.confidence:.0%} confidence: {described}"


def absolute_errors(model, holdout: pd.DataFrame) -> np.ndarray:
    """Per-row absolute errors of `model` on `holdout`, in the holdout's row order.

    `model` has `.predict(rows)` (any kind, see `load_model`); predict from the `FEATURE_COLUMNS` of
    `holdout` only and return |target - prediction| as a 1-D float array, one value per row, so two
    models' errors on the same holdout pair up row by row (`paired_bootstrap`).
    """
    predictions = model.predict(holdout[list(FEATURE_COLUMNS)])
    return np.abs(holdout[TARGET].to_numpy(dtype=float) - np.asarray(predictions, dtype=float))


def gate(challenger_version: str, holdout: pd.DataFrame, settings: Settings) -> GateDecision:
    """Compare a registered challenger with the current champion on the SAME holdout.

    Both models are re-scored on `holdout` here (stored metrics from other holdouts are never
    reused), and their per-row absolute errors are compared by a paired bootstrap
    (`settings.gate_confidence`, `settings.gate_resamples`, seeded by `settings.random_state`).
    The decision and its interval are logged as an MLflow run (parameters `gate_confidence`,
    `gate_resamples`, `gate_seed`; metrics `mae_difference`, `mae_difference_low`,
    `mae_difference_high`), and the alias moves only on promotion.
    """
    import mlflow

    configure_mlflow(settings)
    current = champion_version(settings)
    challenger_model = load_version(challenger_version, settings)
    challenger_metrics = evaluate(challenger_model, holdout)
    champion_metrics, interval = None, None
    if current is not None:
        champion_model = load_version(current, settings)
        champion_metrics = evaluate(champion_model, holdout)
        interval = paired_bootstrap(
            absolute_errors(challenger_model, holdout),
            absolute_errors(champion_model, holdout),
            confidence=settings.gate_confidence,
            resamples=settings.gate_resamples,
            seed=settings.random_state,
        )
    promoted, reason = decide(interval)
    tags = {
        "stage": "gate",
        "decision": "promote" if promoted else "keep",
        "challenger_version": challenger_version,
        "champion_version": str(current),
        "reason": reason,
    }
    with mlflow.start_run(run_name="gate", tags=tags) as run:
        mlflow.log_params(
            {
                "holdout_rows": len(holdout),
                "gate_confidence": settings.gate_confidence,
                "gate_resamples": settings.gate_resamples,
                "gate_seed": settings.random_state,
            }
        )
        mlflow.log_metrics({f"challenger_{k}": v for k, v in challenger_metrics.items()})
        if champion_metrics:
            mlflow.log_metrics({f"champion_{k}": v for k, v in champion_metrics.items()})
        if interval is not None:
            mlflow.log_metrics(
                {
                    "mae_difference": interval.mean_difference,
                    "mae_difference_low": interval.low,
                    "mae_difference_high": interval.high,
                }
            )
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
        interval=interval,
        run_id=run.info.run_id,
    )
