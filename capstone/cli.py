"""Command line: one subcommand per stage. Results (JSON) go to stdout, logs to stderr."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from capstone.config import Settings

# Kept here (not imported from capstone.train) so `--help` stays fast: no torch or sklearn.
MODEL_KINDS = ("baseline", "hgb", "mlp")

logger = logging.getLogger("capstone")


def _emit(result) -> None:
    print(json.dumps(result, indent=2, default=str))


def cmd_validate(settings: Settings, args) -> dict:
    from capstone.data import load

    frame = load(args.input or settings.data_path, require_labels=not args.no_labels)
    return {"ok": True, "rows": len(frame), "path": str(args.input or settings.data_path)}


def _training_window(settings: Settings):
    from capstone.data import load, select_months, time_holdout_split

    window = select_months(load(settings.data_path), settings.train_months)
    return window, *time_holdout_split(window, settings.holdout_fraction)


def cmd_train(settings: Settings, args) -> dict:
    from capstone.train import train_all

    _window, train_part, holdout = _training_window(settings)
    models = train_all(train_part, holdout, settings, kinds=tuple(args.kinds))
    return {
        kind: {"run_id": m.run_id, "model_uri": m.model_uri, "holdout": m.metrics}
        for kind, m in models.items()
    }


def cmd_backtest(settings: Settings, args) -> dict:
    from capstone import backtest

    _window, train_part, _holdout = _training_window(settings)
    result = backtest.search(train_part, settings)
    print(backtest.format_table(result), file=sys.stderr)
    return {
        "metric": "mean validation MAE over rolling-origin folds",
        "folds": result.folds,
        "table": result.table.to_dict("records"),
        "chosen": result.chosen.name,
        "chosen_kind": result.chosen.kind,
    }


def cmd_register(settings: Settings, args) -> dict:
    """Register a logged model; it becomes champion when there is none, or through the gate."""
    from capstone import registry

    model_uri = args.model_uri or registry.latest_model_uri(settings, kind=args.kind)
    if model_uri is None:
        raise SystemExit(f"no {args.kind} training run found; run `python -m capstone train` first")
    version = registry.register(model_uri, settings)
    result = {"model_uri": model_uri, "version": version}
    if args.promote:
        registry.promote(version, settings)
        result["decision"] = "promoted (--promote)"
    else:
        _window, _train, holdout = _training_window(settings)
        result["gate"] = registry.gate(version, holdout, settings).as_dict()
    result["champion_version"] = registry.champion_version(settings)
    return result


def cmd_serve(settings: Settings, args) -> dict:
    from capstone.serve import run

    run(settings, args.host, args.port)
    return {"stopped": True}


def cmd_batch(settings: Settings, args) -> dict:
    from capstone import batch, registry

    model_uri = args.model_uri or registry.champion_uri(settings)
    if args.spark:
        rows = batch.score_spark(args.input, args.output, model_uri, settings)
    else:
        rows = batch.score_file(args.input, args.output, model_uri, settings)
    return {"rows": rows, "output": args.output, "model_uri": model_uri, "spark": args.spark}


def cmd_monitor(settings: Settings, args) -> dict:
    from capstone import monitor, registry
    from capstone.data import FEATURE_COLUMNS, TARGET
    from capstone.train import evaluate

    window, _train, holdout = _training_window(settings)
    champion = registry.load_model(registry.champion_uri(settings), settings)
    summary = monitor.monitor(
        window,
        champion.predict(window[list(FEATURE_COLUMNS)]),
        settings.prediction_log_path,
        evaluate(champion, holdout)["mae"],
        settings.reports_dir,
        settings.psi_threshold,
        settings.mae_degradation,
        # The same evidence as the story: drift weighted by how much the champion relies on
        # each feature, and the error normalised by the demand of the same rows.
        importance=monitor.feature_importance(champion, holdout, seed=settings.random_state),
        reference_demand=float(holdout[TARGET].mean()),
        weighted_drift_threshold=settings.weighted_drift_threshold,
    )
    return {k: v for k, v in summary.__dict__.items() if k not in ("features", "weekly")}


def cmd_retrain(settings: Settings, args) -> dict:
    from capstone import monitor, retrain

    window, _train, _holdout = _training_window(settings)
    served = monitor.read_prediction_log(settings.prediction_log_path)
    result = retrain.retrain(window, served, settings, kind=args.kind)
    return {
        "challenger_run": result.challenger.run_id,
        "challenger_version": result.challenger_version,
        "gate": result.decision.as_dict(),
    }


def cmd_story(settings: Settings, args) -> dict:
    from capstone.story import format_summary, run_story

    result = run_story(settings, rows_per_request=args.rows_per_request, fresh=args.fresh)
    print(format_summary(result), file=sys.stderr)
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="capstone", description=__doc__)
    parser.add_argument("--data", help="raw data CSV/Parquet (default: the committed 2011 data)")
    parser.add_argument("--runs-dir", help="where the MLflow store, logs and reports live")
    parser.add_argument("--tracking-uri", help="MLflow tracking URI (default: env or sqlite)")
    parser.add_argument("--model-name", help="registered model name")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check a data file against the schema")
    validate.add_argument("--input", help="file to check (default: --data)")
    validate.add_argument("--no-labels", action="store_true", help="file has no label columns")
    validate.set_defaults(handler=cmd_validate)

    train = commands.add_parser("train", help="train the baseline, tree and torch models")
    train.add_argument("--kinds", nargs="+", default=list(MODEL_KINDS), choices=MODEL_KINDS)
    train.set_defaults(handler=cmd_train)

    backtest = commands.add_parser("backtest", help="rolling-origin backtest of the search")
    backtest.set_defaults(handler=cmd_backtest)

    register = commands.add_parser("register", help="register a model version and gate it")
    register.add_argument("--model-uri", help="default: the latest training run's model of --kind")
    register.add_argument("--kind", default="hgb", choices=MODEL_KINDS)
    register.add_argument("--promote", action="store_true", help="skip the gate, make champion")
    register.set_defaults(handler=cmd_register)

    serve = commands.add_parser("serve", help="serve the champion over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--reload-interval", type=float, help="seconds between champion checks")
    serve.add_argument("--max-batch-size", type=int)
    serve.set_defaults(handler=cmd_serve)

    batch = commands.add_parser("batch", help="score a CSV/Parquet file")
    batch.add_argument("--input", required=True)
    batch.add_argument("--output", required=True)
    batch.add_argument("--model-uri", help="default: models:/<name>@champion")
    batch.add_argument("--spark", action="store_true", help="use Spark local[2] + spark_udf")
    batch.set_defaults(handler=cmd_batch)

    monitor = commands.add_parser("monitor", help="drift + performance report from the log")
    monitor.set_defaults(handler=cmd_monitor)

    retrain = commands.add_parser("retrain", help="retrain on labelled traffic, gate, promote")
    retrain.add_argument("--kind", default="hgb", choices=MODEL_KINDS, help="challenger kind")
    retrain.set_defaults(handler=cmd_retrain)

    story = commands.add_parser("story", help="run every stage end to end")
    story.add_argument("--fresh", action="store_true", help="wipe the runs folder first")
    story.add_argument("--rows-per-request", type=int, default=500)
    story.set_defaults(handler=cmd_story)
    return parser


def main(argv=None) -> int:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings().with_overrides(
        data_path=args.data,
        runs_dir=args.runs_dir,
        store_uri=args.tracking_uri,
        model_name=args.model_name,
        reload_interval_s=getattr(args, "reload_interval", None),
        max_batch_size=getattr(args, "max_batch_size", None),
    )
    from capstone.data import DataValidationError

    try:
        _emit(args.handler(settings, args))
    except DataValidationError as error:
        print(f"DataValidationError: {error}", file=sys.stderr)
        return 1
    return 0
