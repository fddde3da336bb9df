"""Train the baseline, the gradient-boosting and the PyTorch model; evaluate on a time holdout; log to MLflow."""

from __future__ import annotations

import logging
import tempfile
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.metrics import mean_absolute_error, mean_poisson_deviance, r2_score
from sklearn.pipeline import Pipeline

from capstone.config import Settings, configure_mlflow
from capstone.data import FEATURE_COLUMNS, TARGET
from capstone.features import FEATURE_NAMES, make_feature_step
from capstone.figures import figure, png_bytes

logger = logging.getLogger(__name__)
MODEL_KINDS = ("baseline", "hgb", "mlp")
# Types skops must be told to trust when loading our pipelines; anything else found fails loudly.
SKOPS_TRUSTED_TYPES = [
    "capstone.features.build_features",
    "capstone.train.SeasonalNaiveRegressor",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
]
HGB_PARAMS = {
    # Poisson loss: a log-linked mean for counts. It needs the mean right, not variance = mean
    # (the counts are overdispersed; notebook 02 measures variance/mean within hour x day type).
    "loss": "poisson",
    # Few, small trees: nearly the accuracy of 300 trees at a third of the single-row latency.
    "learning_rate": 0.2,
    "max_iter": 80,
    "max_leaf_nodes": 15,
    "min_samples_leaf": 20,
    "early_stopping": False,
}


def pip_requirements(kind: str = "hgb") -> list[str]:
    """Pinned requirements of a logged model (the capstone package itself must be importable).

    torch is pinned without its local build tag (`2.x.y+cpu` -> `2.x.y`): pip resolves the public
    version from PyPI, and the CPU or CUDA build is the installer's choice.
    """
    packages = ("mlflow", "scikit-learn", "skops", "numpy", "pandas", "scipy")
    pins = [f"{name}=={version(name)}" for name in packages]
    if kind == "mlp":
        pins += [f"torch=={version('torch').split('+')[0]}", f"tqdm=={version('tqdm')}"]
    return pins


class SeasonalNaiveRegressor(RegressorMixin, BaseEstimator):
    """Baseline: mean demand per hour x day type (workingday) in training, else the overall mean.

    Not a seasonal-naive forecast (that would repeat the value one season earlier); the class keeps
    this name because logged models and `SKOPS_TRUSTED_TYPES` refer to it.
    """

    def fit(self, X, y):
        """Learn the mean count of each (day type, hour) cell of the training rows; returns `self`.

        `X` is the feature matrix of `features.build_features` (find the `hr` and `workingday`
        columns by their position in `FEATURE_NAMES`, never by a hard-coded number), `y` the counts,
        one per row. Store `global_mean_`, the mean of all of `y` (a float), and `table_`, a 2 x 24
        array: row = `workingday` (0 or 1), column = hour (0-23), value = the mean count of the
        training rows in that cell; a cell with no training rows gets `global_mean_`. Vectorise: no
        Python loop over the rows. Inputs come validated by the pipeline (`data.validate`), so no
        error of its own.
        """
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        hour = X[:, FEATURE_NAMES.index("hr")].astype(int)
        workingday = X[:, FEATURE_NAMES.index("workingday")].astype(int)
        self.global_mean_ = float(y.mean())
        sums, counts = np.zeros((2, 24)), np.zeros((2, 24))
        np.add.at(sums, (workingday, hour), y)
        np.add.at(counts, (workingday, hour), 1)
        self.table_ = np.where(counts > 0, sums / np.maximum(counts, 1), self.global_mean_)
        return self

    def predict(self, X):
        """Each row's prediction is the mean `fit` learned for its cell (its `workingday`, its
        hour).

        `X`: a feature matrix with the columns `fit` saw. Returns a 1-D float array, one value per
        row, looked up in `table_` for all rows at once (no loop). Before `fit` there is no table to
        read.
        """
        X = np.asarray(X, dtype=float)
        hour = X[:, FEATURE_NAMES.index("hr")].astype(int)
        workingday = X[:, FEATURE_NAMES.index("workingday")].astype(int)
        return self.table_[workingday, hour]


def make_pipeline(kind: str, random_state: int = 42, params: dict | None = None) -> Pipeline:
    """Raw rows in, predicted bikers out: the feature step followed by the estimator.

    A scikit-learn `Pipeline` of two named steps: "features" (`make_feature_step()`) and "model":
    `SeasonalNaiveRegressor()` for kind "baseline", a `HistGradientBoostingRegressor` with
    `HGB_PARAMS` for "hgb", a `torch_model.TorchPoissonRegressor` with `torch_model.MLP_PARAMS` for
    "mlp"; the last two get `random_state`. `params` override the kind's defaults (`HGB_PARAMS`,
    `torch_model.MLP_PARAMS`; import torch_model inside the function, so the package imports without
    torch). Errors (`ValueError`): parameters for the baseline ("the baseline takes no parameters,
    got [...]"), an unknown kind ("unknown model kind ...; expected one of `MODEL_KINDS`").
    """
    params = dict(params or {})
    if kind == "baseline":
        if params:
            raise ValueError(f"the baseline takes no parameters, got {sorted(params)}")
        estimator = SeasonalNaiveRegressor()
    elif kind == "hgb":
        estimator = HistGradientBoostingRegressor(
            **{**HGB_PARAMS, **params}, random_state=random_state
        )
    elif kind == "mlp":
        from capstone.torch_model import MLP_PARAMS, TorchPoissonRegressor

        estimator = TorchPoissonRegressor(**{**MLP_PARAMS, **params}, random_state=random_state)
    else:
        raise ValueError(f"unknown model kind {kind!r}; expected one of {MODEL_KINDS}")
    return Pipeline([("features", make_feature_step()), ("model", estimator)])


def model_params(kind: str, params: dict | None = None) -> dict:
    """The estimator parameters a run of `kind` logs (defaults with `params` applied)."""
    if kind == "hgb":
        return {**HGB_PARAMS, **(params or {})}
    if kind == "mlp":
        from capstone.torch_model import MLP_PARAMS

        return {**MLP_PARAMS, **(params or {})}
    return {}


def fit_pipeline(pipeline: Pipeline, rows: pd.DataFrame) -> Pipeline:
    """Fit `pipeline` on labelled `rows` with one OpenMP thread.

    The tree model's OpenMP threads spin while they wait for each other: on a busy 2-core
    machine a fit measured 18-34 s with the default threads and 0.6-1.0 s with one.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="openmp"):
        return pipeline.fit(rows[list(FEATURE_COLUMNS)], rows[TARGET])


def regression_metrics(y_true, y_pred) -> dict[str, float]:
    """MAE, RMSE, mean Poisson deviance and R2 (predictions clipped to > 0 for the deviance).

    `y_true` (counts) and `y_pred` are array-likes of the same length. Returns a dict of floats with
    the keys "mae", "rmse", "poisson_deviance" and "r2" (the names every run logs, with a prefix
    such as `holdout_`). A Poisson deviance needs a positive prediction: clip at 1e-6 for it alone.
    """
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return {
        "mae": float(mean_absolute_error(y_true, y_pred)),
        "rmse": float(np.sqrt(np.mean((y_true - y_pred) ** 2))),
        "poisson_deviance": float(mean_poisson_deviance(y_true, np.clip(y_pred, 1e-6, None))),
        "r2": float(r2_score(y_true, y_pred)),
    }


def evaluate(model, holdout: pd.DataFrame) -> dict[str, float]:
    return regression_metrics(holdout[TARGET], model.predict(holdout[list(FEATURE_COLUMNS)]))


def diagnostic_plots(y_true, y_pred, title: str) -> dict[str, bytes]:
    """PNG bytes of a residual plot and a predicted-vs-actual plot."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    images = {}
    fig = figure(5, 4)
    ax = fig.subplots()
    ax.scatter(y_pred, y_true - y_pred, s=4, alpha=0.4)
    ax.axhline(0, color="black", lw=1)
    ax.set(xlabel="predicted bikers", ylabel="actual - predicted", title=f"{title}: residuals")
    images["residuals.png"] = png_bytes(fig)
    fig = figure(5, 4)
    ax = fig.subplots()
    ax.scatter(y_true, y_pred, s=4, alpha=0.4)
    top = max(y_true.max(), y_pred.max())
    ax.plot([0, top], [0, top], color="black", lw=1)
    ax.set(xlabel="actual bikers", ylabel="predicted bikers", title=f"{title}: predicted vs actual")
    images["predicted_vs_actual.png"] = png_bytes(fig)
    return images


@dataclass(frozen=True)
class TrainedModel:
    kind: str
    run_id: str
    model_uri: str
    metrics: dict
    pipeline: Pipeline


def kind_of(pipeline: Pipeline) -> str:
    """The model kind of a fitted pipeline, from its last step's class."""
    from capstone.torch_model import TorchPoissonRegressor

    estimator = pipeline[-1]
    if isinstance(estimator, TorchPoissonRegressor):
        return "mlp"
    if isinstance(estimator, SeasonalNaiveRegressor):
        return "baseline"
    return "hgb"


def load_torch_pipeline(folder) -> Pipeline:
    """The feature step followed by the network saved in `folder` (see `TorchPoissonRegressor.save`)."""
    from capstone.torch_model import TorchPoissonRegressor

    return Pipeline(
        [("features", make_feature_step()), ("model", TorchPoissonRegressor.load(folder))]
    )


def log_torch_pipeline(pipeline: Pipeline, example: pd.DataFrame, signature):
    """Log the torch pipeline as an MLflow model from code (`capstone/torch_pyfunc.py`).

    The network goes in as an artifact folder (config + tensor-only state dict); signature and
    input example are the raw rows, as for the other kinds. See `torch_pyfunc` for why a pyfunc.
    """
    import mlflow

    from capstone.torch_model import ARTIFACT_KEY

    with tempfile.TemporaryDirectory() as folder:
        network = Path(folder) / "network"
        pipeline[-1].save(network)
        return mlflow.pyfunc.log_model(
            name="model",
            python_model=str(Path(__file__).with_name("torch_pyfunc.py")),
            artifacts={ARTIFACT_KEY: str(network)},
            signature=signature,
            input_example=example,
            pip_requirements=pip_requirements("mlp"),
        )


def log_pipeline(pipeline: Pipeline, example: pd.DataFrame):
    """Log a fitted pipeline with signature, input example and explicit requirements.

    Tree and baseline pipelines use the sklearn flavour in skops format; the torch pipeline a
    pyfunc model from code (`log_torch_pipeline`).
    """
    import mlflow
    import skops.io
    from mlflow.models import infer_signature

    example = example[list(FEATURE_COLUMNS)].head(5).reset_index(drop=True)
    with warnings.catch_warnings():
        # Integer columns are never missing here: the schema rejects nulls before scoring.
        warnings.filterwarnings("ignore", message=".*integer column", category=UserWarning)
        signature = infer_signature(example, pipeline.predict(example))
    if kind_of(pipeline) == "mlp":
        return log_torch_pipeline(pipeline, example, signature)
    untrusted = set(skops.io.get_untrusted_types(data=skops.io.dumps(pipeline)))
    unexpected = untrusted - set(SKOPS_TRUSTED_TYPES)
    if unexpected:
        raise TypeError(
            f"pipeline contains types skops would not trust: {sorted(unexpected)}; "
            "review them and add them to SKOPS_TRUSTED_TYPES if they are safe"
        )
    return mlflow.sklearn.log_model(
        pipeline,
        name="model",
        signature=signature,
        input_example=example,
        pip_requirements=pip_requirements(),
        serialization_format="skops",
        skops_trusted_types=sorted(untrusted),
    )


def train_and_log(
    kind: str,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    settings: Settings,
    tags=None,
    params: dict | None = None,
    run_name: str | None = None,
) -> TrainedModel:
    """Fit one model kind, evaluate on the holdout, log params/metrics/plots/model as one run.

    `params` override the kind's default estimator parameters (as `make_pipeline`). Fit
    `make_pipeline(kind, settings.random_state, params)` on `train` with `fit_pipeline`, score
    `holdout` with `regression_metrics`, then in one MLflow run (name `run_name`, else
    "train-<kind>"; tags `stage=train` plus `tags`) log the parameters `kind`, `train_rows`,
    `holdout_rows`, `train_days` and `holdout_days` ("first-last" day of the year), and for every
    kind but the baseline its estimator parameters as `<kind>_<name>` (`model_params`) and
    `random_state`, and for "mlp" `framework` ("pytorch <version>"); the metrics as
    `holdout_<name>`; the two PNGs of `diagnostic_plots` under the artifact folder `plots`; the
    pipeline itself with `log_pipeline`. Returns a `TrainedModel` (kind, run id, the logged model's
    URI, the holdout metrics, the fitted pipeline). An unknown kind fails in `make_pipeline`.
    """
    import mlflow

    pipeline = fit_pipeline(make_pipeline(kind, settings.random_state, params), train)
    predictions = pipeline.predict(holdout[list(FEATURE_COLUMNS)])
    metrics = regression_metrics(holdout[TARGET], predictions)
    tags = {"stage": "train", **(tags or {})}
    with mlflow.start_run(run_name=run_name or f"train-{kind}", tags=tags) as run:
        logged = {"kind": kind, "train_rows": len(train), "holdout_rows": len(holdout)}
        logged["train_days"] = f"{int(train['day'].min())}-{int(train['day'].max())}"
        logged["holdout_days"] = f"{int(holdout['day'].min())}-{int(holdout['day'].max())}"
        if kind != "baseline":
            logged.update({f"{kind}_{k}": v for k, v in model_params(kind, params).items()})
            logged["random_state"] = settings.random_state
        if kind == "mlp":
            logged["framework"] = f"pytorch {version('torch')}"
        mlflow.log_params(logged)
        mlflow.log_metrics({f"holdout_{name}": value for name, value in metrics.items()})
        with tempfile.TemporaryDirectory() as folder:
            for filename, png in diagnostic_plots(holdout[TARGET], predictions, kind).items():
                (Path(folder) / filename).write_bytes(png)
            mlflow.log_artifacts(folder, artifact_path="plots")
        info = log_pipeline(pipeline, train)
    return TrainedModel(kind, run.info.run_id, info.model_uri, metrics, pipeline)


def train_all(
    train: pd.DataFrame, holdout: pd.DataFrame, settings: Settings, kinds=MODEL_KINDS, tags=None
) -> dict[str, TrainedModel]:
    """Train every model kind in `kinds` (default: all three) with a progress bar; by kind."""
    from tqdm import tqdm

    configure_mlflow(settings)
    results = {}
    for kind in tqdm(kinds, desc="training", unit="model"):
        results[kind] = train_and_log(kind, train, holdout, settings, tags=tags)
        logger.info("trained %s: %s", kind, results[kind].metrics)
    return results
