"""Retrain on recent labelled data, then gate the challenger against the champion."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from capstone.config import Settings
from capstone.data import FEATURE_COLUMNS, TARGET, month_numbers
from capstone.registry import GateDecision, gate, register
from capstone.train import TrainedModel, train_all


@dataclass(frozen=True)
class RetrainResult:
    challenger: TrainedModel
    challenger_version: str
    decision: GateDecision
    train_rows: int
    holdout_months: list[int]


def recent_split(base: pd.DataFrame, labelled: pd.DataFrame) -> tuple:
    """Train on `base` plus all labelled months but the newest; hold out the newest month.

    Both champion and challenger are then judged on data neither has been trained on.
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
    base: pd.DataFrame, labelled: pd.DataFrame, settings: Settings, kind: str = "hgb"
) -> RetrainResult:
    """Train a challenger on recent data, register it and let the gate decide."""
    train, holdout, holdout_months = recent_split(base, labelled)
    challenger = train_all(train, holdout, settings, kinds=(kind,), tags={"stage": "retrain"})[kind]
    version = register(challenger.model_uri, settings, tags={"role": "challenger"})
    decision = gate(version, holdout, settings)
    return RetrainResult(challenger, version, decision, len(train), holdout_months)
