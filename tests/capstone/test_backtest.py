"""Model selection on a rolling-origin backtest."""

import mlflow
import numpy as np
import pytest

from capstone import backtest
from capstone.backtest import Candidate, choose, rolling_origin_folds
from capstone.data import month_numbers, select_months


def test_folds_train_on_the_past_and_validate_on_the_next_month(splits):
    folds = rolling_origin_folds(splits["train"])
    assert [(f.train_months, f.validate_month) for f in folds] == [
        ((1,), 2),
        ((1, 2), 3),
        ((1, 2, 3), 4),
    ]
    for fold in folds:
        assert set(month_numbers(fold.train)) == set(fold.train_months)
        assert set(month_numbers(fold.validate)) == {fold.validate_month}
        assert fold.train["day"].max() < fold.validate["day"].min()  # never the future


def test_one_month_cannot_be_backtested(bike_data):
    with pytest.raises(ValueError, match=r"at least 2 distinct months .* got \[3\]"):
        rolling_origin_folds(select_months(bike_data, (3,)))


ORDER = ["baseline", "hgb-small", "hgb-large", "mlp"]


@pytest.mark.parametrize(
    ("maes", "winner"),
    [
        ({"baseline": 32.0, "hgb-small": 20.4, "hgb-large": 21.4, "mlp": 23.9}, "hgb-small"),
        ({"baseline": 32.0, "hgb-small": 20.4, "hgb-large": 19.0, "mlp": 23.9}, "hgb-large"),
        # within 1 % of the best: the simpler configuration, listed first, wins the tie
        ({"baseline": 32.0, "hgb-small": 20.05, "hgb-large": 19.95, "mlp": 19.9}, "hgb-small"),
        ({"mlp": 19.9, "hgb-large": 22.0}, "mlp"),
    ],
)
def test_choose_lowest_mean_mae_ties_to_the_simplest(maes, winner):
    assert choose(maes, ORDER) == winner


@pytest.mark.parametrize(
    ("maes", "message"),
    [
        ({}, "got none"),
        ({"forest": 1.0}, r"missing from the order: \['forest'\]"),
        ({"mlp": float("nan")}, "expected finite mean MAEs"),
    ],
)
def test_choose_rejects_bad_input(maes, message):
    with pytest.raises(ValueError, match=message):
        choose(maes, ORDER)


def test_search_tracks_every_configuration_and_fold(splits, session_settings):
    settings = session_settings.with_overrides(experiment_name="backtest-test")
    rows = splits["train"]
    rows = rows[month_numbers(rows) <= 3]  # two folds keep it quick
    candidates = (
        Candidate("baseline", "baseline"),
        Candidate("hgb-tiny", "hgb", {"max_iter": 20}),
        Candidate("mlp-tiny", "mlp", {"hidden": (16,), "epochs": 3}),
    )
    result = backtest.search(rows, settings, candidates, progress=False)
    table = result.table.set_index("name")
    assert list(table.index) == ["baseline", "hgb-tiny", "mlp-tiny"]
    assert result.folds == [((1,), 2), ((1, 2), 3)]
    assert table["mean_mae"].to_dict() == pytest.approx(
        table[["mae_month2", "mae_month3"]].mean(axis=1).to_dict()
    )
    assert result.chosen.name == choose(table["mean_mae"].to_dict(), list(table.index))
    assert result.chosen.name != "baseline"  # trees and the MLP beat a lookup table
    assert result.best_of_kind("mlp").name == "mlp-tiny"

    client = mlflow.MlflowClient(settings.tracking_uri)
    experiment = client.get_experiment_by_name(settings.experiment_name)
    runs = client.search_runs([experiment.experiment_id], "tags.stage = 'backtest'")
    parents = [r for r in runs if "mlflow.parentRunId" not in r.data.tags]
    children = [r for r in runs if "mlflow.parentRunId" in r.data.tags]
    assert len(parents) == 3 and len(children) == 3 * 2
    best = client.search_runs(
        [experiment.experiment_id],
        "tags.stage = 'backtest' and params.config != ''",
        order_by=["metrics.backtest_mae ASC"],
        max_results=1,
    )[0]
    assert best.data.params["config"] == result.chosen.name
    for parent in parents:
        name = parent.data.params["config"]
        assert parent.data.metrics["backtest_mae"] == pytest.approx(table.loc[name, "mean_mae"])
    child = children[0]
    assert set(child.data.metrics) >= {"mae", "rmse", "poisson_deviance", "r2"}
    assert "fold_validate_month" in child.data.params
    assert "<- chosen" in backtest.format_table(result)


def test_search_rejects_bad_configurations(splits, session_settings):
    with pytest.raises(ValueError, match="expected one of"):
        backtest.search(splits["train"], session_settings, (Candidate("x", "forest"),))
    with pytest.raises(ValueError, match="distinct configuration names"):
        backtest.search(
            splits["train"],
            session_settings,
            (Candidate("a", "baseline"), Candidate("a", "hgb")),
        )


def test_search_list_is_ordered_simplest_first():
    kinds = [c.kind for c in backtest.SEARCH]
    assert kinds[0] == "baseline" and "mlp" in kinds and "hgb" in kinds
    assert 3 <= len(backtest.SEARCH) <= 6
    assert np.all(np.diff([("baseline", "hgb", "mlp").index(k) for k in kinds]) >= 0)
