"""Retrain on recent labelled data, then gate the challenger against the champion."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from capstone.config import Settings, configure_mlflow
from capstone.data import FEATURE_COLUMNS, TARGET, month_numbers
from capstone.registry import GateDecision, gate, register
from capstone.train import TrainedModel, train_and_log


@dataclass(frozen=True)
class RetrainResult:
    challenger: TrainedModel
    challenger_version: str
    decision: GateDecision
    train_rows: int
    holdout_months: list[int]


def recent_split(base: pd.DataFrame, labelled: pd.DataFrame) -> tuple:
    """Train on `base` plus all labelled months but the newest; hold out the newest month.

    Both champion and challenger are then judged on data neither has been trained on. Rows whose
    label has not arrived (a missing target: pending, see `capstone.labels`) are left out of both.
    """
    labelled = labelled.dropna(subset=[TARGET])
    if labelled.empty:
        raise ValueError("no labelled served rows yet: record labels before retraining")
    months = month_numbers(labelled)
    newest = months.max()
    if (months < newest).sum() == 0 and base.empty:
        raise ValueError("need at least one labelled month besides the holdout month")
    columns = [*FEATURE_COLUMNS, TARGET]
    train = pd.concat([base[columns], labelled.loc[months < newest, columns]], ignore_index=True)
    holdout = labelled.loc[months == newest, columns].reset_index(drop=True)
    return train, holdout, [int(newest)]


def retrain(
    base: pd.DataFrame,
    labelled: pd.DataFrame,
    settings: Settings,
    kind: str = "hgb",
    params: dict | None = None,
) -> RetrainResult:
    """Train a challenger (`kind`, `params` as chosen by the backtest) on recent data with
    arrived labels only, register it and let the gate decide."""
    train, holdout, holdout_months = recent_split(base, labelled)
    configure_mlflow(settings)
    challenger = train_and_log(
        kind, train, holdout, settings, tags={"stage": "retrain"}, params=params
    )
    version = register(challenger.model_uri, settings, tags={"role": "challenger"})
    decision = gate(version, holdout, settings)
    return RetrainResult(challenger, version, decision, len(train), holdout_months)
