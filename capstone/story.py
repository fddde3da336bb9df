"""The end-to-end story: train, deploy, serve later months, detect drift, retrain, gate."""

from __future__ import annotations

import logging
import shutil
import time

import httpx
import pandas as pd

from capstone import data, monitor, registry, retrain, serve, train
from capstone.config import Settings, configure_mlflow

logger = logging.getLogger(__name__)


def replay_traffic(url: str, frame: pd.DataFrame, rows_per_request: int, singles: int = 20):
    """Send `frame` to the API (a few single rows, then batches); returns the label mapping."""
    features = frame[list(data.FEATURE_COLUMNS)].to_dict("records")
    labels = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for index in range(min(singles, len(features))):
            response = client.post("/predict", json=features[index])
            response.raise_for_status()
            labels.append((response.json()["request_id"], 0, frame[data.TARGET].iat[index]))
        for start in range(singles, len(features), rows_per_request):
            chunk = features[start : start + rows_per_request]
            response = client.post("/predict/batch", json={"rows": chunk})
            response.raise_for_status()
            request_id = response.json()["request_id"]
            targets = frame[data.TARGET].iloc[start : start + len(chunk)]
            labels.extend((request_id, item, y) for item, y in enumerate(targets))
    return pd.DataFrame(labels, columns=["request_id", "item", data.TARGET])


def run_story(settings: Settings, rows_per_request: int = 500, fresh: bool = False) -> dict:
    """Run every stage on the settings' data and return a summary of what happened."""
    started = time.perf_counter()
    if fresh and settings.runs_dir.exists():
        shutil.rmtree(settings.runs_dir)
    configure_mlflow(settings)

    logger.info("1/7 validate %s", settings.data_path)
    frame = data.load(settings.data_path)
    window = data.select_months(frame, settings.train_months)
    train_part, holdout = data.time_holdout_split(window, settings.holdout_fraction)

    logger.info("2/7 train baseline and strong model on months %s", settings.train_months)
    models = train.train_all(train_part, holdout, settings)
    strong = models["hgb"]

    logger.info("3/7 register the strong model and deploy it as champion")
    first_version = registry.register(strong.model_uri, settings, tags={"role": "initial"})
    registry.promote(first_version, settings)  # the story's initial deployment

    logger.info("4/7 serve months %s as HTTP traffic", settings.serve_months)
    traffic = data.select_months(frame, settings.serve_months)
    traffic_started = time.time()
    app = serve.create_app(settings.with_overrides(reload_interval_s=1.0))
    with serve.BackgroundServer(app) as server:
        labels = replay_traffic(server.url, traffic, rows_per_request)
        app.state.prediction_log.flush()

        logger.info("5/7 labels arrive; drift and performance report")
        log_path = settings.prediction_log_path
        monitor.record_labels(log_path, labels)
        served = monitor.read_prediction_log(log_path, since=traffic_started)
        # How much the champion relies on each feature: computed once, on its holdout.
        importance = monitor.feature_importance(
            strong.pipeline, holdout, seed=settings.random_state
        )
        summary = monitor.monitor(
            window,
            strong.pipeline.predict(window[list(data.FEATURE_COLUMNS)]),
            log_path,
            strong.metrics["mae"],
            settings.reports_dir,
            settings.psi_threshold,
            settings.mae_degradation,
            since=traffic_started,
            importance=importance,
            reference_demand=float(holdout[data.TARGET].mean()),
            weighted_drift_threshold=settings.weighted_drift_threshold,
        )

        logger.info("6/7 retrain on recent data and gate the challenger")
        result = retrain.retrain(window, served, settings)

        logger.info("7/7 the API picks up the champion without a restart")
        reload = httpx.post(f"{server.url}/reload", timeout=60).json()
        health = httpx.get(f"{server.url}/health", timeout=10).json()

    return {
        "runs": {kind: model.run_id for kind, model in models.items()},
        "holdout_metrics": {kind: model.metrics for kind, model in models.items()},
        "initial_champion_version": first_version,
        "served_rows": len(labels),
        "drift": {
            "retrain_due": summary.retrain_due,
            "reasons": summary.reasons,
            "max_feature_psi": summary.max_feature_psi,
            "drifted_features": summary.drifted_features,
            "prediction_psi": summary.prediction_psi,
            "served_mae": summary.current_mae,
            "reference_mae": summary.reference_mae,
            "psi_threshold": summary.psi_threshold,
            "calendar_shift": summary.calendar_shift,
            "weather_drift": summary.weather_drift,
            "weighted_drift_threshold": summary.weighted_drift_threshold,
            "top_weather": [
                (row["feature"], row["weight"], row["psi"])
                for row in sorted(summary.features, key=lambda r: -r["weighted_psi"])
                if row["kind"] == "weather"
            ][:2],
            "served_normalised_error": summary.current_normalised_error,
            "reference_normalised_error": summary.reference_normalised_error,
            "normalised_error_change": summary.normalised_error_change,
            "mae_change": summary.mae_change,
            "mae_degradation": summary.mae_degradation,
        },
        "retrain": {
            "challenger_run": result.challenger.run_id,
            "challenger_version": result.challenger_version,
            "train_rows": result.train_rows,
            "holdout_months": result.holdout_months,
            "gate_run": result.decision.run_id,
            "promoted": result.decision.promoted,
            "reason": result.decision.reason,
            "champion_metrics": result.decision.champion_metrics,
            "challenger_metrics": result.decision.challenger_metrics,
            "interval": (
                result.decision.interval.as_dict() if result.decision.interval is not None else None
            ),
        },
        "api_after_reload": {"model_version": health["model_version"], "reload": reload},
        "report": summary.html_path,
        "summary_json": summary.json_path,
        "tracking_uri": settings.tracking_uri,
        "wall_seconds": round(time.perf_counter() - started, 1),
    }


def format_summary(result: dict) -> str:
    """The story's outcome as a few readable lines (the CLI prints them on stderr)."""
    metrics = result["holdout_metrics"]
    drift, gate = result["drift"], result["retrain"]
    lines = [
        "",
        "Capstone story: summary",
        f"  runs            baseline {result['runs']['baseline']}, strong {result['runs']['hgb']}",
        f"  holdout MAE     baseline {metrics['baseline']['mae']:.1f}, "
        f"strong {metrics['hgb']['mae']:.1f} (Jan-Apr, last 20% in time)",
        f"  served          {result['served_rows']} rows of later months as HTTP traffic",
        f"  calendar        PSI > {drift['psi_threshold']} by construction: "
        f"{', '.join(drift['calendar_shift']) or 'none'} (reported, not in the alarm)",
        f"  weather drift   importance-weighted PSI {drift['weather_drift']:.2f} "
        f"(threshold {drift['weighted_drift_threshold']}; top "
        + ", ".join(f"{name} weight {w:.2f} x PSI {p:.2f}" for name, w, p in drift["top_weather"])
        + f"), prediction PSI {drift['prediction_psi']:.2f}",
        f"  error           served MAE {_num(drift['served_mae'], '.1f')} vs "
        f"{_num(drift['reference_mae'], '.1f')} ({_num(drift['mae_change'], '+.0%')}, not a rule); "
        f"normalised MAE/mean demand {_num(drift['served_normalised_error'], '.3f')} vs "
        f"{_num(drift['reference_normalised_error'], '.3f')} "
        f"({_num(drift['normalised_error_change'], '+.0%')}, decay above "
        f"{drift['mae_degradation']:+.0%})",
        f"  retrain due     {'yes' if drift['retrain_due'] else 'no'}: "
        f"{'; '.join(drift['reasons']) or 'no rule fired'}",
        f"  gate            champion MAE {gate['champion_metrics']['mae']:.1f} vs challenger "
        f"{gate['challenger_metrics']['mae']:.1f} on the same holdout -> "
        f"{'PROMOTED' if gate['promoted'] else 'kept the champion'}",
        f"  gate interval   {_interval_line(gate['interval'])}",
        f"  serving now     version {result['api_after_reload']['model_version']}",
        f"  report          {result['report']}",
        f"  took            {result['wall_seconds']} s",
    ]
    return "\n".join(lines)


def _num(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _interval_line(interval: dict | None) -> str:
    if interval is None:
        return "none (there was no champion to compare with)"
    verdict = "challenger better" if interval["high"] < 0 else "not shown better"
    return (
        f"challenger - champion absolute error {interval['mean_difference']:+.2f} bikers/hour, "
        f"{interval['confidence']:.0%} paired bootstrap interval [{interval['low']:+.2f}, "
        f"{interval['high']:+.2f}] ({interval['resamples']} resamples of {interval['rows']} "
        f"rows; {verdict}: promote only if the upper bound < 0)"
    )
