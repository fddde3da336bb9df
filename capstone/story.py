"""The end-to-end story: select a model on a backtest, deploy, serve later months, wait for
labels, detect drift, retrain, gate."""

from __future__ import annotations

import logging
import shutil
import time

import httpx
import pandas as pd

from capstone import backtest, data, labels, monitor, registry, retrain, serve, train
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


def run_story(
    settings: Settings,
    rows_per_request: int = 500,
    fresh: bool = False,
    candidates=backtest.SEARCH,
    label_delay_hours: tuple[float, float] = labels.LABEL_DELAY_HOURS,
) -> dict:
    """Run every stage on the settings' data and return a summary of what happened.

    One OpenMP thread throughout: spinning OpenMP teams slow a busy 2-core machine tenfold.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="openmp"):
        return _run_story(settings, rows_per_request, fresh, candidates, label_delay_hours)


def _run_story(settings, rows_per_request, fresh, candidates, label_delay_hours) -> dict:
    started = time.perf_counter()
    if fresh and settings.runs_dir.exists():
        shutil.rmtree(settings.runs_dir)
    configure_mlflow(settings)

    logger.info("1/8 validate %s", settings.data_path)
    frame = data.load(settings.data_path)
    window = data.select_months(frame, settings.train_months)
    train_part, holdout = data.time_holdout_split(window, settings.holdout_fraction)

    logger.info("2/8 rolling-origin backtest of %d configurations", len(candidates))
    search = backtest.search(train_part, settings, candidates)
    chosen = search.chosen
    logger.info("backtest:\n%s", backtest.format_table(search))

    logger.info("3/8 the best configuration of each kind on the holdout (torch included)")
    models, configs = {}, {}
    for kind in dict.fromkeys(c.kind for c in search.candidates):
        best = search.best_of_kind(kind)
        models[kind] = train.train_and_log(
            kind,
            train_part,
            holdout,
            settings,
            params=best.params,
            run_name=f"train-{best.name}",
            tags={"config": best.name},
        )
        configs[kind] = best.name
    strong = models[chosen.kind]
    holdout_best = min(models, key=lambda kind: models[kind].metrics["mae"])

    logger.info("4/8 register %s (the backtest's choice) and deploy it as champion", chosen.name)
    first_version = registry.register(
        strong.model_uri, settings, tags={"role": "initial", "config": chosen.name}
    )
    registry.promote(first_version, settings)  # the story's initial deployment

    logger.info("5/8 serve months %s as HTTP traffic", settings.serve_months)
    traffic = data.select_months(frame, settings.serve_months)
    traffic_started = time.time()
    app = serve.create_app(settings.with_overrides(reload_interval_s=1.0))
    with serve.BackgroundServer(app) as server:
        served_labels = replay_traffic(server.url, traffic, rows_per_request)
        app.state.prediction_log.flush()

        # Labels arrive late: each hour's count 24-72 h after the hour (seeded). The monitor
        # runs at the end of the served window, when the last days are still unlabelled.
        hours = labels.event_hours(traffic)
        arrivals = labels.simulate_arrivals(
            served_labels, hours, label_delay_hours, seed=settings.random_state
        )
        as_of = float(hours.max()) + 1
        logger.info(
            "6/8 labels arrive %g-%g h after their hour; monitoring at %s",
            *label_delay_hours,
            labels.describe_hour(as_of),
        )
        log_path = settings.prediction_log_path
        monitor.record_labels(log_path, arrivals)
        served = monitor.read_prediction_log(log_path, since=traffic_started, as_of=as_of)
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
            as_of=as_of,
        )

        logger.info("7/8 retrain %s on the arrived labels and gate the challenger", chosen.name)
        result = retrain.retrain(window, served, settings, kind=chosen.kind, params=chosen.params)

        logger.info("8/8 the API picks up the champion without a restart")
        reload = httpx.post(f"{server.url}/reload", timeout=60).json()
        health = httpx.get(f"{server.url}/health", timeout=10).json()

    return {
        "backtest": {
            "metric": "mean validation MAE over rolling-origin folds (bikers/hour)",
            "tie_break": f"within {backtest.TIE_TOLERANCE:.0%} of the best: the simplest "
            "(first in the search list)",
            "folds": [
                {"train_months": list(months), "validate_month": month}
                for months, month in search.folds
            ],
            "table": search.table.to_dict("records"),
            "text": backtest.format_table(search),
            "chosen": chosen.name,
            "chosen_kind": chosen.kind,
            "holdout_best_kind": holdout_best,
        },
        "runs": {kind: model.run_id for kind, model in models.items()},
        "configs": configs,
        "holdout_metrics": {kind: model.metrics for kind, model in models.items()},
        "initial_champion_version": first_version,
        "served_rows": len(served_labels),
        "labels": {
            "delay_hours": list(label_delay_hours),
            "seed": settings.random_state,
            "as_of": labels.describe_hour(as_of),
            "labelled_rows": summary.labelled_rows,
            "pending_rows": summary.pending_rows,
            "pending_share": summary.pending_share,
            "pending_prediction_psi": summary.pending_prediction_psi,
            "note": summary.label_note,
        },
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
            "challenger_kind": chosen.kind,
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
    drift, gate, search, known = (
        result["drift"],
        result["retrain"],
        result["backtest"],
        result["labels"],
    )
    chosen_kind = search["chosen_kind"]
    confirmed = (
        "the holdout agrees"
        if search["holdout_best_kind"] == chosen_kind
        else f"the holdout alone would have picked {search['holdout_best_kind']}"
    )
    lines = [
        "",
        "Capstone story: summary",
        f"  backtest        {search['metric']}; tie: {search['tie_break']}",
        *(f"    {line}" for line in search["text"].splitlines()),
        f"  chosen          {search['chosen']} ({chosen_kind}); runs: "
        + ", ".join(f"{kind} {run}" for kind, run in result["runs"].items()),
        "  holdout MAE     "
        + ", ".join(
            f"{kind} ({result['configs'][kind]}) {m['mae']:.1f}" for kind, m in metrics.items()
        )
        + f" (last 20% of the window in time; {confirmed})",
        f"  served          {result['served_rows']} rows of later months as HTTP traffic",
        f"  labels          arrive {known['delay_hours'][0]:g}-{known['delay_hours'][1]:g} h "
        f"after their hour (uniform, seed {known['seed']}); at {known['as_of']}: "
        f"{known['labelled_rows']} labelled, {known['pending_rows']} pending "
        f"({known['pending_share']:.1%}), kept in the log and counted, not dropped",
        f"  not yet known   the error of the pending hours; prediction PSI on them "
        f"{_num(known['pending_prediction_psi'], '.2f')} is their only signal; the error rule "
        "and retraining use arrived labels only",
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
        f"({gate['challenger_kind']}) "
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
