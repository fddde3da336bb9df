"""The PyTorch candidate: a Poisson MLP behind the same feature step, logged as a pyfunc."""

from pathlib import Path

import mlflow
import numpy as np
import pytest
import yaml

from capstone import registry
from capstone.data import FEATURE_COLUMNS
from capstone.features import build_features
from capstone.torch_model import CAP_FACTOR, TorchPoissonRegressor
from capstone.train import make_pipeline, regression_metrics


@pytest.fixture(scope="module")
def small(splits):
    rows = splits["train"].head(600)
    return build_features(rows), rows["bikers"].to_numpy()


def test_training_is_seeded_and_deterministic(small):
    X, y = small
    first = TorchPoissonRegressor(epochs=3, random_state=3).fit(X, y).predict(X)
    second = TorchPoissonRegressor(epochs=3, random_state=3).fit(X, y).predict(X)
    other_seed = TorchPoissonRegressor(epochs=3, random_state=4).fit(X, y).predict(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other_seed)


def test_poisson_loss_learns_and_predictions_are_positive_counts(small):
    X, y = small
    model = TorchPoissonRegressor(epochs=15, random_state=0).fit(X, y)
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    predictions = model.predict(X)
    assert predictions.dtype == np.float64 and np.all(predictions > 0)
    constant_mae = np.mean(np.abs(y - y.mean()))
    assert np.mean(np.abs(y - predictions)) < 0.7 * constant_mae


def test_the_mlp_is_a_real_candidate_on_the_holdout(trained_torch):
    mlp, baseline = (
        trained_torch["models"]["mlp"].metrics,
        trained_torch["models"]["baseline"].metrics,
    )
    assert mlp["mae"] < 0.7 * baseline["mae"]  # measured: 38 vs 74


def test_standardised_inside_and_output_capped(small):
    X, y = small
    model = TorchPoissonRegressor(epochs=2, random_state=0).fit(X, y)
    module = model.module_
    np.testing.assert_allclose(module.mean.numpy(), X.mean(axis=0), rtol=1e-5, atol=1e-5)
    month = list(range(X.shape[1]))[3]  # constant in these January rows: scale 1, not ~0
    assert np.ptp(X[:, month]) == 0 and module.scale[month].item() == 1.0
    far = X[:5].copy()
    far[:, 9:] = 50.0  # temperatures and humidity far outside anything seen
    assert model.predict(far).max() <= CAP_FACTOR * y.max() * (1 + 1e-5)


def test_save_and_load_round_trip(tmp_path, small):
    X, y = small
    model = TorchPoissonRegressor(epochs=2, hidden=(8, 4), random_state=0).fit(X, y)
    model.save(tmp_path / "net")
    loaded = TorchPoissonRegressor.load(tmp_path / "net")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.hidden == (8, 4)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros(5), np.zeros(5), "expected a 2-D feature matrix"),
        (np.zeros((4, 3)), np.zeros(3), "expected 4 finite non-negative counts"),
        (np.zeros((3, 3)), np.array([1.0, -1.0, 2.0]), "non-negative counts"),
        (np.full((2, 3), np.nan), np.zeros(2), "expected finite features"),
    ],
)
def test_bad_training_input_is_a_clear_error(X, y, message):
    with pytest.raises(ValueError, match=message):
        TorchPoissonRegressor(epochs=1).fit(X, y)


def test_predicting_with_the_wrong_width_names_the_fix(small):
    X, y = small
    model = TorchPoissonRegressor(epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="expected 13 feature columns"):
        model.predict(X[:, :5])


def test_progress_bar_only_when_asked(small, capsys):
    X, y = small
    TorchPoissonRegressor(epochs=2, progress=False).fit(X, y)
    assert "epoch" not in capsys.readouterr().err
    TorchPoissonRegressor(epochs=2, progress=True).fit(X, y)
    assert "mlp" in capsys.readouterr().err


def test_logged_as_pyfunc_with_signature_example_and_requirements(trained_torch, splits):
    settings = trained_torch["settings"]
    model = trained_torch["models"]["mlp"]
    mlflow.set_tracking_uri(settings.tracking_uri)
    run = mlflow.MlflowClient(settings.tracking_uri).get_run(model.run_id)
    assert run.data.params["kind"] == "mlp" and run.data.params["framework"].startswith("pytorch")
    assert run.data.params["mlp_hidden"] == "(128, 64)"
    local = mlflow.artifacts.download_artifacts(model.model_uri, tracking_uri=settings.tracking_uri)
    mlmodel = yaml.safe_load(Path(local, "MLmodel").read_text())
    assert mlmodel["flavors"]["python_function"]["loader_module"].endswith("code_model")
    assert "signature" in mlmodel and "saved_input_example_info" in mlmodel
    inputs = [field["name"] for field in yaml.safe_load(mlmodel["signature"]["inputs"])]
    assert inputs == list(FEATURE_COLUMNS)  # raw rows, like the other kinds
    requirements = Path(local, "requirements.txt").read_text().split()
    assert any(line.startswith("torch==") and "+" not in line for line in requirements)
    assert not list(Path(local).rglob("*.pkl"))  # weights are a tensor-only state dict
    rows = splits["holdout"][list(FEATURE_COLUMNS)]
    pyfunc = mlflow.pyfunc.load_model(model.model_uri)
    np.testing.assert_allclose(pyfunc.predict(rows), model.pipeline.predict(rows), rtol=1e-6)


def test_registry_loads_either_kind_with_the_same_predict(trained_torch, splits):
    settings = trained_torch["settings"]
    rows = splits["holdout"][list(FEATURE_COLUMNS)].head(50)
    for kind in ("hgb", "mlp", "baseline"):
        model = trained_torch["models"][kind]
        loaded = registry.load_model(model.model_uri, settings)
        np.testing.assert_allclose(loaded.predict(rows), model.pipeline.predict(rows), rtol=1e-6)
        records = rows.to_dict("records")  # every input shape the API and batch use
        np.testing.assert_allclose(loaded.predict(records), loaded.predict(rows), rtol=1e-6)


def test_make_pipeline_mlp_takes_overrides(splits):
    rows = splits["train"].head(300)
    pipeline = make_pipeline("mlp", 0, {"hidden": (8,), "epochs": 2}).fit(rows, rows["bikers"])
    assert pipeline[-1].hidden == (8,)
    assert regression_metrics(rows["bikers"], pipeline.predict(rows))["mae"] > 0
    with pytest.raises(ValueError, match="the baseline takes no parameters"):
        make_pipeline("baseline", 0, {"epochs": 2})
