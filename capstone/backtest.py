"""Model selection on a rolling-origin backtest: a small search, every configuration tracked.

One split says little: a configuration can win one holdout by luck. The backtest trains on the
months up to m and validates on month m + 1, for every m of the training window (January -> February,
January-February -> March, ...), so each configuration is judged on several later months, each
scored only by a model that never saw it.

The rule (`choose`): the configuration with the lowest **mean validation MAE over the folds**
(bikers per hour, the unit the gate uses) wins; configurations within `TIE_TOLERANCE` (1 %) of the
best mean are tied, and the tie goes to the one listed first in `SEARCH`, which lists them from
simplest to most complex. The holdout (the last 20 % of the window in time, never used here)
then confirms the choice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from capstone.config import Settings, configure_mlflow
from capstone.data import FEATURE_COLUMNS, TARGET, month_numbers
from capstone.train import (
    MODEL_KINDS,
    fit_pipeline,
    make_pipeline,
    model_params,
    regression_metrics,
)

logger = logging.getLogger(__name__)
TIE_TOLERANCE = 0.01


@dataclass(frozen=True)
class Candidate:
    """One configuration of the search: a name, a model kind and its parameter overrides."""

    name: str
    kind: str
    params: dict = field(default_factory=dict)


# From simplest to most complex: the order breaks ties (see `choose`).
SEARCH = (
    Candidate("baseline", "baseline"),
    Candidate("hgb-small", "hgb"),
    Candidate("hgb-large", "hgb", {"learning_rate": 0.1, "max_iter": 200, "max_leaf_nodes": 31}),
    Candidate("mlp", "mlp"),
    Candidate("mlp-wide", "mlp", {"hidden": (256, 128), "epochs": 30, "learning_rate": 1e-3}),
)


@dataclass(frozen=True)
class Fold:
    """Train on `train_months`, validate on `validate_month` (month numbers, 1 = January)."""

    train_months: tuple[int, ...]
    validate_month: int
    train: pd.DataFrame
    validate: pd.DataFrame


def rolling_origin_folds(frame: pd.DataFrame, min_train_months: int = 1) -> list[Fold]:
    """Rolling-origin folds of `frame`: train on the months up to m, validate on the next month.

    The months are the distinct month numbers present in `frame` (`data.month_numbers`, 1 =
    January), sorted; the first fold trains on the first `min_train_months` of them and validates on
    the next one, each later fold adds one month to the training part (January-April with
    `min_train_months=1`: Jan -> Feb, Jan-Feb -> Mar, Jan-Mar -> Apr). Returns a list of `Fold`: the
    training month numbers (a tuple), the validation month, and the rows of those months (index
    reset, in `frame`'s order), so no fold ever validates on a month it trained on or one before it.
    Errors (`ValueError`): `min_train_months` below 1 ("expected at least 1, got ..."); fewer than
    `min_train_months` + 1 distinct months ("rolling-origin backtest: expected at least <k> distinct
    months (train on the first, validate on the next), got [<months>]; widen the training window").
    """
    if min_train_months < 1:
        raise ValueError(f"min_train_months: expected at least 1, got {min_train_months}")
    months = month_numbers(frame)
    present = sorted(set(months.tolist()))
    if len(present) < min_train_months + 1:
        raise ValueError(
            f"rolling-origin backtest: expected at least {min_train_months + 1} distinct months "
            f"(train on the first, validate on the next), got {present}; widen the training window"
        )
    folds = []
    for index in range(min_train_months, len(present)):
        train_months, validate_month = tuple(present[:index]), present[index]
        folds.append(
            Fold(
                train_months,
                validate_month,
                frame[np.isin(months, train_months)].reset_index(drop=True),
                frame[months == validate_month].reset_index(drop=True),
            )
        )
    return folds


def score_fold(candidate: Candidate, fold: Fold, random_state: int) -> dict[str, float]:
    """Fit `candidate` on the fold's training months; its metrics on the validation month.

    Build the pipeline of the candidate's kind and parameters (`train.make_pipeline`, seeded by
    `random_state`), fit it on `fold.train` alone with `train.fit_pipeline` (one OpenMP thread), and
    return `train.regression_metrics` of `fold.validate`'s target against the predictions for its
    feature columns (`FEATURE_COLUMNS`): a dict with mae, rmse, poisson_deviance and r2. The
    validation rows must never reach the fit. Bad candidates fail in `make_pipeline` (an unknown
    kind, parameters given to the baseline).
    """
    pipeline = fit_pipeline(
        make_pipeline(candidate.kind, random_state, candidate.params), fold.train
    )
    predictions = pipeline.predict(fold.validate[list(FEATURE_COLUMNS)])
    return regression_metrics(fold.validate[TARGET], predictions)


def choose(mean_mae: dict[str, float], order, tolerance: float = TIE_TOLERANCE) -> str:
    """The winner: lowest mean MAE; within `tolerance` of it, the first name in `order`.

    `mean_mae` maps a configuration name to its mean validation MAE over the folds; `order` lists
    the names from simplest to most complex (`SEARCH`'s order). Every configuration whose mean MAE
    is at most (1 + `tolerance`) times the best one is tied with the best; return the name of the
    tied configuration that comes first in `order` (a `str`). Errors (`ValueError`): an empty
    `mean_mae` ("choose: expected at least one configuration's mean MAE, got none"), names missing
    from `order` ("choose: configurations missing from the order: [<sorted names>]"), a NaN or
    infinite MAE ("choose: expected finite mean MAEs, got {...}").
    """
    if not mean_mae:
        raise ValueError("choose: expected at least one configuration's mean MAE, got none")
    unknown = sorted(set(mean_mae) - set(order))
    if unknown:
        raise ValueError(f"choose: configurations missing from the order: {unknown}")
    values = np.array(list(mean_mae.values()), dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"choose: expected finite mean MAEs, got {mean_mae}")
    best = float(values.min())
    tied = [name for name in order if name in mean_mae and mean_mae[name] <= best * (1 + tolerance)]
    return tied[0]


@dataclass(frozen=True)
class SearchResult:
    """The backtest of every configuration and the chosen one."""

    table: pd.DataFrame  # one row per configuration: name, kind, per-fold MAE, mean, std, run_id
    chosen: Candidate
    folds: list[tuple[tuple[int, ...], int]]
    parent_run_ids: dict[str, str]
    candidates: tuple[Candidate, ...]

    def best_of_kind(self, kind: str) -> Candidate:
        """The configuration of `kind` with the lowest mean backtest MAE."""
        rows = self.table[self.table["kind"] == kind]
        if rows.empty:
            raise ValueError(f"no configuration of kind {kind!r} in the search")
        name = rows.sort_values("mean_mae", kind="stable").iloc[0]["name"]
        return next(c for c in self.candidates if c.name == name)


def search(
    frame: pd.DataFrame, settings: Settings, candidates=SEARCH, progress: bool | None = None
) -> SearchResult:
    """Backtest every candidate on rolling-origin folds of `frame`, one MLflow run each.

    Each configuration is a parent run (`backtest-<name>`, tag `stage=backtest`, parameters
    `kind`, `config` and the model's parameters, metrics `backtest_mae` (the mean) and
    `backtest_mae_std`) with one nested child run per fold (`fold_train_months`,
    `fold_validate_month`, metrics `mae`, `rmse`, `poisson_deviance`, `r2`).
    """
    import mlflow
    from tqdm.auto import tqdm

    candidates = tuple(candidates)
    names = [c.name for c in candidates]
    if len(set(names)) != len(names) or not candidates:
        raise ValueError(f"search: expected distinct configuration names, got {names}")
    for candidate in candidates:
        if candidate.kind not in MODEL_KINDS:
            raise ValueError(
                f"search: configuration {candidate.name!r} has kind {candidate.kind!r}; "
                f"expected one of {MODEL_KINDS}"
            )
    configure_mlflow(settings)
    folds = rolling_origin_folds(frame)
    rows, parents = [], {}
    disable = None if progress is None else not progress
    for candidate in tqdm(candidates, desc="backtest", unit="config", disable=disable):
        fold_mae = []
        tags = {"stage": "backtest", "config": candidate.name}
        with mlflow.start_run(run_name=f"backtest-{candidate.name}", tags=tags) as parent:
            logged = {"kind": candidate.kind, "config": candidate.name, "folds": len(folds)}
            logged.update(
                {
                    f"{candidate.kind}_{k}": v
                    for k, v in model_params(candidate.kind, candidate.params).items()
                }
            )
            mlflow.log_params(logged)
            for number, fold in enumerate(folds, start=1):
                metrics = score_fold(candidate, fold, settings.random_state)
                fold_mae.append(metrics["mae"])
                with mlflow.start_run(
                    run_name=f"backtest-{candidate.name}-fold{number}", nested=True, tags=tags
                ):
                    mlflow.log_params(
                        {
                            "fold_train_months": ",".join(map(str, fold.train_months)),
                            "fold_validate_month": fold.validate_month,
                        }
                    )
                    mlflow.log_metrics(metrics)
                mlflow.log_metric("fold_mae", metrics["mae"], step=number)
            mean, std = float(np.mean(fold_mae)), float(np.std(fold_mae))
            mlflow.log_metrics({"backtest_mae": mean, "backtest_mae_std": std})
        parents[candidate.name] = parent.info.run_id
        row = {"name": candidate.name, "kind": candidate.kind}
        row.update(
            {f"mae_month{f.validate_month}": m for f, m in zip(folds, fold_mae, strict=True)}
        )
        rows.append({**row, "mean_mae": mean, "std_mae": std, "run_id": parent.info.run_id})
        logger.info("backtest %s: mean MAE %.2f (folds %s)", candidate.name, mean, fold_mae)
    table = pd.DataFrame(rows)
    winner = choose(dict(zip(table["name"], table["mean_mae"], strict=True)), names)
    chosen = next(c for c in candidates if c.name == winner)
    with mlflow.start_run(run_name="backtest-choice", tags={"stage": "backtest-choice"}):
        mlflow.log_params(
            {
                "chosen_config": winner,
                "chosen_kind": chosen.kind,
                "metric": "mean fold MAE",
                "tie_tolerance": TIE_TOLERANCE,
                "tie_break": "first in SEARCH order (simplest)",
            }
        )
    folds_run = [(f.train_months, f.validate_month) for f in folds]
    return SearchResult(table, chosen, folds_run, parents, candidates)


def format_table(result: SearchResult) -> str:
    """The backtest as aligned text lines, the chosen configuration marked."""
    fold_columns = [c for c in result.table.columns if c.startswith("mae_month")]
    header = f"{'config':<12}" + "".join(f"{'val m' + c[9:]:>9}" for c in fold_columns)
    lines = [header + f"{'mean':>9}{'std':>8}"]
    for row in result.table.to_dict("records"):
        mark = "  <- chosen" if row["name"] == result.chosen.name else ""
        folds = "".join(f"{row[c]:>9.1f}" for c in fold_columns)
        lines.append(f"{row['name']:<12}{folds}{row['mean_mae']:>9.1f}{row['std_mae']:>8.1f}{mark}")
    return "\n".join(lines)
