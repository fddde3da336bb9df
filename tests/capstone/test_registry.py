import mlflow
import pytest

from capstone import registry
from capstone.data import FEATURE_COLUMNS
from capstone.train import log_pipeline, make_pipeline


def test_decide_rule():
    assert registry.decide({"mae": 10}, None, 0.01) == (True, "no champion yet")
    promoted, reason = registry.decide({"mae": 9.0}, {"mae": 10.0}, 0.01)
    assert promoted and "9.00 < 9.90" in reason
    promoted, reason = registry.decide({"mae": 9.95}, {"mae": 10.0}, 0.01)
    assert not promoted and "does not beat" in reason


def test_latest_model_uri_finds_the_newest_training_run(trained):
    settings = trained["settings"]
    assert registry.latest_model_uri(settings, "hgb") == trained["models"]["hgb"].model_uri
    assert registry.latest_model_uri(settings, "baseline") == (
        trained["models"]["baseline"].model_uri
    )
    assert registry.latest_model_uri(settings, "forest") is None


def test_registering_again_does_not_crash(trained):
    settings = trained["settings"]
    first = registry.register(trained["models"]["baseline"].model_uri, settings)
    second = registry.register(trained["models"]["baseline"].model_uri, settings)
    assert int(second) == int(first) + 1
    assert registry.champion_version(settings) == trained["champion_version"]


def _register_small_model(settings, rows):
    mlflow.set_tracking_uri(settings.tracking_uri)
    with mlflow.start_run(run_name="small"):
        pipeline = make_pipeline("hgb").fit(rows[list(FEATURE_COLUMNS)], rows["bikers"])
        info = log_pipeline(pipeline, rows)
    return registry.register(info.model_uri, settings)


def test_worse_challenger_is_not_promoted(trained, splits):
    settings = trained["settings"]
    champion = registry.champion_version(settings)
    worse = _register_small_model(settings, splits["train"].sample(50, random_state=0))
    decision = registry.gate(worse, splits["holdout"], settings)
    assert not decision.promoted
    assert decision.challenger_metrics["mae"] > decision.champion_metrics["mae"]
    assert registry.champion_version(settings) == champion
    run = mlflow.MlflowClient(settings.tracking_uri).get_run(decision.run_id)
    assert run.data.tags["decision"] == "keep"
    assert run.data.metrics["promoted"] == 0
    assert run.data.metrics["champion_mae"] == pytest.approx(decision.champion_metrics["mae"])


def test_gate_scores_both_models_on_the_same_holdout(trained, splits):
    settings = trained["settings"]
    same = registry.register(trained["models"]["hgb"].model_uri, settings)
    decision = registry.gate(same, splits["holdout"], settings)
    # An identical model cannot beat the champion by the required margin.
    assert decision.challenger_metrics == decision.champion_metrics
    assert not decision.promoted
    assert decision.holdout_rows == len(splits["holdout"])
