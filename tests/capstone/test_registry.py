import re

import mlflow
import numpy as np
import pytest

from capstone import registry
from capstone.data import FEATURE_COLUMNS
from capstone.train import log_pipeline, make_pipeline


def _errors(seed=0, rows=500):
    """Absolute errors of a champion whose size varies a lot from hour to hour."""
    return np.random.default_rng(seed).gamma(2.0, 20.0, rows)


def _interval(challenger, champion, seed=42, resamples=2_000):
    return registry.paired_bootstrap(
        challenger, champion, confidence=0.95, resamples=resamples, seed=seed
    )


def test_clearly_better_challenger_is_promoted():
    champion = _errors()
    noise = np.random.default_rng(1).normal(0.0, 2.0, champion.size)
    interval = _interval(np.abs(champion - 3.0 + noise), champion)
    assert interval.high < 0 and interval.low < interval.mean_difference < interval.high
    promoted, reason = registry.decide(interval)
    assert promoted and "upper bound < 0" in reason and "95% interval" in reason


def test_equal_or_noisy_challenger_is_not_promoted():
    champion = _errors()
    same = _interval(champion.copy(), champion)
    assert (same.low, same.high, same.mean_difference) == (0.0, 0.0, 0.0)
    assert registry.decide(same)[0] is False
    # Better on average by a little, but far within the noise: a 1 % margin rule would promote it.
    rng = np.random.default_rng(2)
    noisy_challenger = np.abs(champion + rng.normal(0.0, 15.0, champion.size))
    noisy_challenger *= champion.mean() * 0.98 / noisy_challenger.mean()
    noisy = _interval(noisy_challenger, champion)
    assert noisy.mean_difference < -0.01 * champion.mean()
    assert noisy.low < 0 < noisy.high
    promoted, reason = registry.decide(noisy)
    assert not promoted and "not better with 95% confidence" in reason


def test_worse_challenger_is_not_promoted_by_the_rule():
    champion = _errors()
    interval = _interval(champion + 2.0, champion)
    assert interval.low > 0
    assert registry.decide(interval)[0] is False


def test_no_champion_promotes():
    assert registry.decide(None) == (True, "no champion yet")


def test_pairing_matters():
    # A small, steady gain hidden under large hour-to-hour variation: only a paired comparison
    # sees it (resampling each model's errors separately would give an interval around 0).
    champion = _errors(rows=300)
    interval = _interval(champion - 0.5, champion)
    assert interval.high < 0
    assert interval.mean_difference == pytest.approx(-0.5)


def test_interval_is_reproducible_for_a_seed():
    champion = _errors()
    challenger = np.abs(champion + np.random.default_rng(3).normal(0.0, 10.0, champion.size))
    first, again = _interval(challenger, champion), _interval(challenger, champion)
    assert first == again
    other = _interval(challenger, champion, seed=7)
    assert (other.low, other.high) != (first.low, first.high)
    assert other.mean_difference == first.mean_difference
    assert (first.resamples, first.rows, first.confidence) == (2_000, champion.size, 0.95)


def test_interval_is_stable_with_the_default_resamples():
    champion = _errors()
    challenger = np.abs(champion + np.random.default_rng(4).normal(0.0, 10.0, champion.size))
    bounds = np.array(
        [[(i := _interval(challenger, champion, seed=s)).low, i.high] for s in range(5)]
    )
    width = bounds[0, 1] - bounds[0, 0]
    assert np.ptp(bounds, axis=0).max() < 0.1 * width


@pytest.mark.parametrize(
    "challenger, champion, message",
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0], "got 3 challenger and 2 champion errors"),
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "challenger_errors: expected finite errors"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], "champion_errors: expected finite errors"),
        ([], [], "expected a non-empty 1-D array"),
        ([[1.0, 2.0]], [[1.0, 2.0]], "expected a non-empty 1-D array"),
    ],
)
def test_bad_errors_are_refused_clearly(challenger, champion, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _interval(challenger, champion)


@pytest.mark.parametrize(
    "options, message",
    [
        (dict(confidence=1.0, resamples=2_000), "confidence: expected a fraction in (0, 1)"),
        (dict(confidence=0.95, resamples=0), "resamples: expected a positive integer"),
        (dict(confidence=0.95, resamples=10.5), "resamples: expected a positive integer"),
    ],
)
def test_bad_bootstrap_options_are_refused(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        registry.paired_bootstrap([1.0, 2.0], [1.0, 2.0], seed=0, **options)


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
    interval = decision.interval
    assert interval.low > 0 and interval.rows == len(splits["holdout"])
    assert interval.mean_difference == pytest.approx(
        decision.challenger_metrics["mae"] - decision.champion_metrics["mae"]
    )
    assert run.data.metrics["mae_difference_low"] == pytest.approx(interval.low)
    assert run.data.metrics["mae_difference_high"] == pytest.approx(interval.high)
    assert run.data.metrics["mae_difference"] == pytest.approx(interval.mean_difference)
    assert run.data.params["gate_confidence"] == str(settings.gate_confidence)
    assert run.data.params["gate_resamples"] == str(settings.gate_resamples)
    assert decision.as_dict()["interval"]["high"] == interval.high


def test_gate_scores_both_models_on_the_same_holdout(trained, splits):
    settings = trained["settings"]
    same = registry.register(trained["models"]["hgb"].model_uri, settings)
    decision = registry.gate(same, splits["holdout"], settings)
    # An identical model has the same error on every row: the interval is [0, 0], not below 0.
    assert decision.challenger_metrics == decision.champion_metrics
    assert (decision.interval.low, decision.interval.high) == (0.0, 0.0)
    assert not decision.promoted
    assert decision.holdout_rows == len(splits["holdout"])
