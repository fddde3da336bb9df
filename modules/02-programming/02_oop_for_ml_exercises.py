"""Exercises of 02_oop_for_ml.ipynb: an estimator and a transformer that pass scikit-learn's own
checks, a grid search over a pipeline, and a function where a class was the wrong tool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlcourse.exercise import (
    Close,
    Exercise,
    Function,
    Model,
    SklearnEstimator,
    WrongAnswer,
)

# --- scikit-learn's checks, all but one -------------------------------------------------------

# The one check left out, by measurement: for the reference GDRegressor it took 0.15 of the
# battery's 0.4 s (it refits on array-likes and DataFrames), and every mutant of a solution pays
# it again. What it tests (input that is not an ndarray is converted) follows from
# `validate_data`, which check_n_features_in and the NaN, dtype and 1-D checks already demand.
SKIPPED_CHECKS = {
    "check_regressor_data_not_an_array": "slowest check; validate_data, demanded by others, "
    "converts array-likes"
}


# --- 02.02.1: gradient descent as an estimator ----------------------------------------------------
# Correlated, uncentred columns: 100 steps of size 0.1 are far from the least-squares solution,
# so the path matters (a closed-form answer, another lr or another number of steps differ).
_gd_rng = np.random.default_rng(3)
_GD_X = _gd_rng.normal(size=(40, 3)) @ np.array([[1.0, 0.8, 0.0], [0.0, 0.3, 0.5], [0.0, 0.0, 0.4]])
_GD_X += np.array([1.0, -0.5, 0.3])
_GD_Y = _GD_X @ np.array([2.0, -1.0, 3.0]) + 5.0 + _gd_rng.normal(scale=0.3, size=40)
_GD_X_NEW = _gd_rng.normal(size=(10, 3)) * 2


# --- 02.02.2: a transformer ------------------------------------------------------------------------
_clip_rng = np.random.default_rng(4)
_CLIP_X = _clip_rng.standard_t(df=2, size=(60, 3)) * np.array([1.0, 10.0, 0.1])
_CLIP_X_NEW = np.vstack(  # rows beyond the training range, and a batch with its own spread
    [_clip_rng.standard_t(df=2, size=(8, 3)) * np.array([3.0, 30.0, 0.3]), _CLIP_X[:4] * 0.5]
)


# --- 02.02.3: a grid search over a pipeline --------------------------------------------------------


def wide_data():
    """The notebook's wide table: 200 rows, 60 features on scales from 0.01 to 100, 5 of them
    informative; the first 100 rows to learn from, the last 100 held out."""
    from sklearn.datasets import make_regression

    X, y = make_regression(
        n_samples=200, n_features=60, n_informative=5, noise=60.0, random_state=0
    )
    X = X * np.logspace(-2, 2, 60)
    return X[:100], y[:100], X[100:], y[100:]


ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)  # the notebook's `alphas`


def search_problem(search: Any, alphas: tuple) -> str | None:
    """What keeps ``search`` from being a grid search of a ``RidgeRegressor`` (alone or at the
    end of a pipeline) over every value of ``alphas``, with ``{name}`` for the checked name; or
    None. The score alone cannot tell: a pipeline with the right ``alpha`` typed in scores the
    same."""
    if type(search).__name__ != "GridSearchCV":
        return (
            f"`{{name}}` should be a GridSearchCV that tries every value of `alphas`, got "
            f"{type(search).__name__}. Did you type in the best alpha instead of searching?"
        )
    final = search.estimator
    final = final.steps[-1][1] if hasattr(final, "steps") else final
    if type(final).__name__ != "RidgeRegressor":
        return (
            f"`{{name}}` should search over your `RidgeRegressor` (last in the pipeline), got "
            f"{type(final).__name__}."
        )
    grids = search.param_grid if isinstance(search.param_grid, list) else [search.param_grid]
    tried = {float(a) for grid in grids for k, v in grid.items() if k.endswith("alpha") for a in v}
    if tried != set(alphas):
        return f"`{{name}}` tries alpha in {sorted(tried)}; it should try every value of `alphas`."
    return None


@dataclass(frozen=True)
class GridSearchModel(Model):
    """``Model``, and the answer must be a grid search over ``alphas`` (see ``search_problem``)."""

    alphas: tuple = ()

    def observe(self, name, value):
        return {**super().observe(name, value), "search": search_problem(value, self.alphas)}

    def diff(self, name, observed, expected):
        if observed.get("search"):
            return observed["search"].format(name=name)
        return super().diff(name, observed, expected)

    def matches(self, observed, recorded):
        same_search = observed.get("search") == recorded.get("search")
        return same_search and super().matches(observed, recorded)


# --- 02.02.4: a function, not a class ---------------------------------------------------------------
_CYCLIC_CASES = [
    dict(values=np.arange(24), period=24),
    dict(values=np.array([0, 24, 12, 6]), period=24),  # 24 h is 0 h again
    dict(values=np.array([0, 3, 6]), period=7),  # weekdays
    dict(values=[1, 12], period=12),  # months, as a plain list
    dict(values=np.array([18]), period=24),  # one value
    dict(values=np.array([], dtype=int), period=24),  # no values
]

EXERCISES = [
    Exercise(
        id="02.02.1",
        title="Gradient descent as a scikit-learn estimator",
        checks={"GDRegressor": SklearnEstimator(_GD_X, _GD_Y, _GD_X_NEW, skip=SKIPPED_CHECKS)},
        hints=[
            "Copy the shape of `RidgeRegressor`: `__init__` stores `lr` and `num_epochs` as they "
            "are; `fit` calls `validate_data(self, X, y, y_numeric=True)`, starts from "
            "`coef_ = np.zeros(...)` and `intercept_ = 0.0` and loops `num_epochs` times; "
            "`predict` calls "
            "`check_is_fitted(self)` and `validate_data(self, X, reset=False)`.",
            "One step: `error = X @ self.coef_ + self.intercept_ - y`, then "
            "`self.coef_ = self.coef_ - self.lr * 2 * X.T @ error / len(y)` and "
            "`self.intercept_ = self.intercept_ - self.lr * 2 * error.mean()`. "
            "Finish `fit` with `return self`.",
        ],
        solution="""
            class GDRegressor(RegressorMixin, BaseEstimator):
                \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                def __init__(self, lr=0.1, num_epochs=100):
                    self.lr = lr
                    self.num_epochs = num_epochs

                def fit(self, X, y):
                    X, y = validate_data(self, X, y, y_numeric=True)
                    self.coef_ = np.zeros(X.shape[1])
                    self.intercept_ = 0.0
                    for _ in range(self.num_epochs):
                        error = X @ self.coef_ + self.intercept_ - y
                        self.coef_ = self.coef_ - self.lr * 2 * X.T @ error / len(y)
                        self.intercept_ = self.intercept_ - self.lr * 2 * error.mean()
                    return self

                def predict(self, X):
                    check_is_fitted(self)
                    X = validate_data(self, X, reset=False)
                    return X @ self.coef_ + self.intercept_
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    class GDRegressor(RegressorMixin, BaseEstimator):
                        \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                        def __init__(self, lr=0.1, num_epochs=100):
                            self.lr = lr
                            self.num_epochs = num_epochs

                        def fit(self, X, y):
                            X, y = validate_data(self, X, y, y_numeric=True)
                            A = np.column_stack([np.ones(len(X)), X])
                            w = np.linalg.lstsq(A, y, rcond=None)[0]
                            self.intercept_, self.coef_ = w[0], w[1:]
                            return self

                        def predict(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return X @ self.coef_ + self.intercept_
                """,
                "Did you solve least squares directly? That is where gradient descent ends up "
                "after enough steps; `{name}` should take exactly `num_epochs` steps of size "
                "`lr`, so that both hyperparameters mean something.",
            ),
            WrongAnswer(
                """
                    class GDRegressor(RegressorMixin, BaseEstimator):
                        \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                        def __init__(self, lr=0.1, num_epochs=100):
                            self.lr = lr
                            self.num_epochs = num_epochs

                        def fit(self, X, y):
                            X, y = validate_data(self, X, y, y_numeric=True)
                            self.coef_ = np.zeros(X.shape[1])
                            self.intercept_ = 0.0
                            for _ in range(self.num_epochs):
                                error = X @ self.coef_ + self.intercept_ - y
                                self.coef_ = self.coef_ - self.lr * 2 * X.T @ error
                                self.intercept_ = self.intercept_ - self.lr * 2 * error.sum()
                            return self

                        def predict(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return X @ self.coef_ + self.intercept_
                """,
                "Did you sum the gradient over the rows instead of averaging it? The step then "
                "grows with the number of rows and gradient descent diverges; divide by "
                "`len(y)` (or use `.mean()`).",
            ),
            WrongAnswer(
                """
                    class GDRegressor(RegressorMixin, BaseEstimator):
                        \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                        def __init__(self, lr=0.1, num_epochs=100):
                            self.lr = lr
                            self.num_epochs = num_epochs

                        def fit(self, X, y):
                            X, y = validate_data(self, X, y, y_numeric=True)
                            self.coef = np.zeros(X.shape[1])
                            self.intercept_ = 0.0
                            for _ in range(self.num_epochs):
                                error = X @ self.coef + self.intercept_ - y
                                self.coef = self.coef - self.lr * 2 * X.T @ error / len(y)
                                self.intercept_ = self.intercept_ - self.lr * 2 * error.mean()
                            return self

                        def predict(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return X @ self.coef + self.intercept_
                """,
                "Did you name a learned attribute without the trailing underscore (`coef`)? "
                "scikit-learn reads public attributes without `_` as hyperparameters; whatever "
                "`fit` learns is named with a trailing `_` (`coef_`).",
            ),
            WrongAnswer(
                """
                    class GDRegressor(RegressorMixin, BaseEstimator):
                        \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                        def __init__(self, lr=0.1, num_epochs=100):
                            self.lr = lr
                            self.num_epochs = num_epochs
                            self.losses_ = []

                        def fit(self, X, y):
                            X, y = validate_data(self, X, y, y_numeric=True)
                            self.coef_ = np.zeros(X.shape[1])
                            self.intercept_ = 0.0
                            for _ in range(self.num_epochs):
                                error = X @ self.coef_ + self.intercept_ - y
                                self.coef_ = self.coef_ - self.lr * 2 * X.T @ error / len(y)
                                self.intercept_ = self.intercept_ - self.lr * 2 * error.mean()
                            return self

                        def predict(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return X @ self.coef_ + self.intercept_
                """,
                "Did you create an attribute in `__init__` (`self.losses_ = []`)? `__init__` "
                "stores the hyperparameters and nothing else; create what `fit` learns inside "
                "`fit`.",
            ),
            WrongAnswer(
                """
                    class GDRegressor(RegressorMixin, BaseEstimator):
                        \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                        def __init__(self, lr=0.1, num_epochs=100):
                            if lr <= 0:
                                raise ValueError(f'lr should be > 0, got {lr!r}')
                            self.lr = lr
                            self.num_epochs = num_epochs

                        def fit(self, X, y):
                            X, y = validate_data(self, X, y, y_numeric=True)
                            self.coef_ = np.zeros(X.shape[1])
                            self.intercept_ = 0.0
                            for _ in range(self.num_epochs):
                                error = X @ self.coef_ + self.intercept_ - y
                                self.coef_ = self.coef_ - self.lr * 2 * X.T @ error / len(y)
                                self.intercept_ = self.intercept_ - self.lr * 2 * error.mean()
                            return self

                        def predict(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return X @ self.coef_ + self.intercept_
                """,
                "Did you validate `lr` in `__init__`? `set_params` (which GridSearchCV calls) "
                "never runs `__init__`, so the check would be skipped there; validate "
                "hyperparameters at the start of `fit`.",
            ),
            WrongAnswer(
                """
                    class GDRegressor(RegressorMixin, BaseEstimator):
                        \"\"\"Linear regression fitted by full-batch gradient descent on the mean squared error.\"\"\"

                        def __init__(self, lr=0.1, num_epochs=100):
                            self.lr = lr
                            self.num_epochs = num_epochs

                        def fit(self, X, y):
                            X, y = validate_data(self, X, y, y_numeric=True)
                            self.coef_ = np.zeros(X.shape[1])
                            self.intercept_ = 0.0
                            for _ in range(self.num_epochs):
                                error = X @ self.coef_ - y
                                self.coef_ = self.coef_ - self.lr * 2 * X.T @ error / len(y)
                            return self

                        def predict(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return X @ self.coef_ + self.intercept_
                """,
                "Did you leave out the intercept? Without it every prediction line passes "
                "through 0; learn `intercept_` with its own gradient, `2 * error.mean()`.",
            ),
            WrongAnswer(
                """
                class GDRegressor(RegressorMixin, BaseEstimator):
                    def __init__(self, lr=0.1, num_epochs=100):
                        self.lr = lr
                        self.num_epochs = num_epochs

                    def fit(self, X, y):
                        X, y = validate_data(self, X, y, y_numeric=True)
                        self.coef_ = np.zeros(X.shape[1])
                        self.intercept_ = 0.0
                        for _ in range(self.num_epochs):
                            error = X @ self.coef_ + self.intercept_ - y
                            self.coef_ = self.coef_ - self.lr * X.T @ error / len(y)
                            self.intercept_ = self.intercept_ - self.lr * error.mean()
                        return self

                    def predict(self, X):
                        check_is_fitted(self)
                        X = validate_data(self, X, reset=False)
                        return X @ self.coef_ + self.intercept_
                """,
                "Did you drop the factor 2 of the gradient? That is the gradient of half the "
                "mean squared error: every step is half as long, and after `num_epochs` steps "
                "the model is elsewhere. The gradient of the MSE is `2 / n * X.T @ error`.",
            ),
        ],
        equivalent_mutants={
            "line 9: keyword `y_numeric=True` dropped from `validate_data`": (
                "y_numeric only turns an object-dtype y into floats; gradient descent's "
                "arithmetic (`X @ coef_ - y`) computes with the same double-precision numbers "
                "from an object y, and fails on non-numbers either way (the lesson's ridge needs "
                "it: np.linalg refuses object arrays)."
            ),
            "line 9: `True` -> `False`": (
                "y_numeric=False is the default, the same as dropping the keyword (see above)."
            ),
        },
    ),
    Exercise(
        id="02.02.2",
        title="A transformer that learns its limits in fit",
        checks={
            "QuantileClipper": SklearnEstimator(_CLIP_X, None, _CLIP_X_NEW, skip=SKIPPED_CHECKS)
        },
        hints=[
            "A transformer is an estimator with `fit` and `transform` (inherit from "
            "`TransformerMixin` and `BaseEstimator`; `fit_transform` comes from the mixin). "
            "`fit(self, X, y=None)` learns, `transform(self, X)` uses only what `fit` learned.",
            "In `fit`: `self.lower_ = np.quantile(X, self.lower, axis=0)` and the same for "
            "`upper_`; in `transform`: `np.clip(X, self.lower_, self.upper_)`, after "
            "`check_is_fitted(self)` and `validate_data(self, X, reset=False)`.",
        ],
        solution="""
            class QuantileClipper(TransformerMixin, BaseEstimator):
                \"\"\"Clip each column to the quantiles `lower` and `upper` learned in `fit`.\"\"\"

                def __init__(self, lower=0.05, upper=0.95):
                    self.lower = lower
                    self.upper = upper

                def fit(self, X, y=None):
                    X = validate_data(self, X)
                    self.lower_ = np.quantile(X, self.lower, axis=0)
                    self.upper_ = np.quantile(X, self.upper, axis=0)
                    return self

                def transform(self, X):
                    check_is_fitted(self)
                    X = validate_data(self, X, reset=False)
                    return np.clip(X, self.lower_, self.upper_)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    class QuantileClipper(TransformerMixin, BaseEstimator):
                        \"\"\"Clip each column to the quantiles `lower` and `upper` learned in `fit`.\"\"\"

                        def __init__(self, lower=0.05, upper=0.95):
                            self.lower = lower
                            self.upper = upper

                        def fit(self, X, y=None):
                            X = validate_data(self, X)
                            self.lower_ = np.quantile(X, self.lower, axis=0)
                            self.upper_ = np.quantile(X, self.upper, axis=0)
                            return self

                        def transform(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            low = np.quantile(X, self.lower, axis=0)
                            high = np.quantile(X, self.upper, axis=0)
                            return np.clip(X, low, high)
                """,
                "Did you compute the quantiles in `transform`? Then a row's output depends on "
                "the rows that come with it, and a single row is never clipped: a leak from the "
                "batch. Use the limits `fit` learned (`self.lower_`, `self.upper_`).",
            ),
            WrongAnswer(
                """
                    class QuantileClipper(TransformerMixin, BaseEstimator):
                        \"\"\"Clip each column to the quantiles `lower` and `upper` learned in `fit`.\"\"\"

                        def __init__(self, lower=0.05, upper=0.95):
                            self.lower = lower
                            self.upper = upper

                        def fit(self, X, y=None):
                            X = validate_data(self, X)
                            self.lower_ = np.quantile(X, self.lower)
                            self.upper_ = np.quantile(X, self.upper)
                            return self

                        def transform(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return np.clip(X, self.lower_, self.upper_)
                """,
                "Did you leave out `axis=0`? Without it `np.quantile` gives one pair of limits "
                "for all columns together; each column needs its own.",
            ),
            WrongAnswer(
                """
                    class QuantileClipper(TransformerMixin, BaseEstimator):
                        \"\"\"Clip each column to the quantiles `lower` and `upper` learned in `fit`.\"\"\"

                        def __init__(self, lower=0.05, upper=0.95):
                            self.lower = lower
                            self.upper = upper

                        def fit(self, X, y=None):
                            X = validate_data(self, X)
                            self.lower_ = np.percentile(X, self.lower, axis=0)
                            self.upper_ = np.percentile(X, self.upper, axis=0)
                            return self

                        def transform(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return np.clip(X, self.lower_, self.upper_)
                """,
                "Did you call `np.percentile` with 0.05? It takes percentages from 0 to 100, so "
                "0.05 is the 0.05th percentile; `np.quantile` takes fractions from 0 to 1.",
            ),
            WrongAnswer(
                """
                    class QuantileClipper(TransformerMixin, BaseEstimator):
                        \"\"\"Clip each column to the quantiles `lower` and `upper` learned in `fit`.\"\"\"

                        def __init__(self, lower=0.05, upper=0.95):
                            self.lower = lower
                            self.upper = upper

                        def fit(self, X, y=None):
                            X = validate_data(self, X)
                            self.low = np.quantile(X, self.lower, axis=0)
                            self.high = np.quantile(X, self.upper, axis=0)
                            return self

                        def transform(self, X):
                            check_is_fitted(self)
                            X = validate_data(self, X, reset=False)
                            return np.clip(X, self.low, self.high)
                """,
                "Did you name the learned limits without a trailing underscore (`low`, `high`)? "
                "Public attributes without `_` are hyperparameters to scikit-learn; learned "
                "values end with `_` (`lower_`).",
            ),
        ],
        equivalent_mutants={
            "line 17: arguments 1 and 2 of `np.clip` swapped": (
                "np.clip(a, lo, hi) is minimum(maximum(a, lo), hi), and maximum is symmetric: "
                "maximum(X, lower_) equals maximum(lower_, X), broadcast to X's shape."
            ),
        },
    ),
    Exercise(
        id="02.02.3",
        title="A grid search over a pipeline with your own estimator",
        checks={
            "search": GridSearchModel(
                wide_data, at_least=0.66, metric="r2", seeds=(0,), alphas=ALPHAS
            ),
            "best_alpha": Close(),
        },
        hints=[
            "Build the pipeline with `make_pipeline(StandardScaler(), RidgeRegressor())`; "
            "its steps are named after their classes in lower case, so the grid is "
            '`{"ridgeregressor__alpha": alphas}`.',
            "`search = GridSearchCV(pipeline, grid)`, then `search.fit(X_wide, y_wide)` and "
            '`best_alpha = search.best_params_["ridgeregressor__alpha"]`.',
        ],
        solution="""
            search = GridSearchCV(
                make_pipeline(StandardScaler(), RidgeRegressor()),
                {"ridgeregressor__alpha": alphas},
            )
            search.fit(X_wide, y_wide)
            best_alpha = search.best_params_["ridgeregressor__alpha"]
        """,
        wrong_answers=[
            WrongAnswer(
                """
                search = GridSearchCV(RidgeRegressor(), {"alpha": alphas})
                search.fit(X_wide, y_wide)
                best_alpha = search.best_params_["alpha"]
                """,
                "Did you leave out the StandardScaler? The features range from 0.01 to 100, "
                "so one penalty `alpha` shrinks the small-scale features far more than the "
                "large ones; standardise inside the pipeline.",
            ),
            WrongAnswer(
                """
                X_scaled = StandardScaler().fit_transform(X_wide)
                search = GridSearchCV(RidgeRegressor(), {"alpha": alphas})
                search.fit(X_scaled, y_wide)
                best_alpha = search.best_params_["alpha"]
                """,
                "Did you standardise `X_wide` before the search? Then `{name}` is a model for "
                "scaled data that receives raw features, and each validation fold was scaled "
                "with statistics of the rows it is tested on; put the scaler in the pipeline.",
            ),
            WrongAnswer(
                """
                search = make_pipeline(StandardScaler(), RidgeRegressor())
                best_alpha = 1.0
                """,
                "Did you keep the default `alpha=1.0` without searching? On 100 rows with 60 "
                "features a stronger penalty predicts better; let GridSearchCV choose from "
                "`alphas`.",
            ),
        ],
    ),
    Exercise(
        id="02.02.4",
        title="A function where a class was the wrong tool",
        checks={"cyclic_features": Function(cases=_CYCLIC_CASES)},
        hints=[
            "One full turn of the circle is 2π radians, so a value v of a cycle of length "
            "`period` sits at the angle `2 * np.pi * v / period`.",
            "`angle = 2 * np.pi * np.asarray(values) / period`, then "
            "`np.column_stack([np.sin(angle), np.cos(angle)])` gives one row per value.",
        ],
        solution="""
            def cyclic_features(values, period):
                \"\"\"Each value of a cycle (hour, weekday, month) as sin and cos of its angle.\"\"\"
                angle = 2 * np.pi * np.asarray(values) / period
                return np.column_stack([np.sin(angle), np.cos(angle)])
        """,
        wrong_answers=[
            WrongAnswer(
                "def cyclic_features(values, period):\n"
                "    angle = np.asarray(values) / period\n"
                "    return np.column_stack([np.sin(angle), np.cos(angle)])\n",
                "Did you forget the factor 2π? `np.sin` takes radians, and one full cycle is "
                "2π radians; without it 23 h and 0 h do not meet.",
            ),
            WrongAnswer(
                "def cyclic_features(values, period):\n"
                "    angle = 2 * np.pi * np.asarray(values) / period\n"
                "    return np.array([np.sin(angle), np.cos(angle)])\n",
                "Did you stack sin and cos as rows? `{name}` should return one row per value "
                "and two columns: use `np.column_stack`.",
            ),
            WrongAnswer(
                "def cyclic_features(values, period):\n"
                "    angle = 2 * np.pi * np.asarray(values) / 24\n"
                "    return np.column_stack([np.sin(angle), np.cos(angle)])\n",
                "Did you divide by 24 whatever the period? Weekdays have a period of 7 and "
                "months of 12: use the `period` argument.",
            ),
        ],
    ),
]
