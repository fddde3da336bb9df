"""Exercises of 03_ensembles_tuning.ipynb: out-of-bag predictions from bootstrap samples, the
variance of an average of correlated trees, gradient boosting as trees fitted to residuals,
successive halving with a budget, and a tuned boosted model judged on the check's own splits of
the stores (not the notebook's held-out stores, which the learner sees)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from mlcourse.exercise import Exact, Exercise, Function, Model, WrongAnswer
from mlcourse.layout import data_file

# --- 04.03.1: out-of-bag predictions ------------------------------------------------------------
_oob_rng = np.random.default_rng(31)
_OOB_X = _oob_rng.uniform(0, 10, size=(24, 3))
_OOB_Y = np.sin(_OOB_X[:, 0]) + 0.3 * _OOB_X[:, 1] + _oob_rng.normal(scale=0.2, size=24)

_OOB_CASES = [
    # row 1 is in every sample (no out-of-bag prediction: NaN); the last sample is row 1 six
    # times, so rows 0, 2, 3, 4 and 5 are out of bag for two models each
    dict(
        model=LinearRegression(),
        X=np.arange(6.0).reshape(-1, 1),
        y=np.arange(6.0) ** 2,
        samples=[
            np.array([0, 0, 1, 2, 3, 3]),
            np.array([1, 2, 2, 4, 5, 5]),
            np.array([0, 1, 3, 4, 5, 5]),
            np.array([1, 1, 1, 1, 1, 1]),
        ],
    ),
    # bootstrap samples of a tree: each row is out of bag for its own number of trees
    dict(
        model=DecisionTreeRegressor(max_depth=2, random_state=0),
        X=_OOB_X,
        y=_OOB_Y,
        samples=[_oob_rng.integers(0, 24, size=24) for _ in range(6)],
    ),
]

# --- 04.03.2: the variance of an average ----------------------------------------------------------
_VARIANCE_CASES = [
    dict(sigma2=4.0, rho=0.0, num_models=4),  # independent models: sigma2 / B
    dict(sigma2=4.0, rho=1.0, num_models=10),  # identical models: no reduction at all
    dict(sigma2=5.3, rho=0.11, num_models=1),  # one model is one model
    dict(sigma2=2.0, rho=0.25, num_models=np.array([1, 2, 5, 100])),
    dict(sigma2=6.4, rho=0.036, num_models=25),
]

# --- 04.03.3: boosting from scratch -----------------------------------------------------------------
# One feature, values drawn at random: no two splits of a stump ever tie, so the trees (and the
# answer) do not depend on how a tie would be broken (`random_state`).
_boost_rng = np.random.default_rng(33)
_BOOST_X = _boost_rng.uniform(-3, 3, size=(40, 1))
_BOOST_Y = np.sin(_BOOST_X[:, 0]) * 3 + 5 + _boost_rng.normal(scale=0.3, size=40)
_BOOST_X_NEW = np.linspace(-3.5, 3.5, 9).reshape(-1, 1)
_BOOST_X2 = _boost_rng.normal(size=(30, 2))
_BOOST_Y2 = _BOOST_X2[:, 0] ** 2 - 2 * _BOOST_X2[:, 1] + _boost_rng.normal(scale=0.1, size=30)
_BOOST_X_NEW_MISSING = np.array([[np.nan], [0.5], [-2.0]])  # one feature: no tie between features


def _boost_case(num_rounds, lr, max_depth, two_features=False):
    X, y = (_BOOST_X2, _BOOST_Y2) if two_features else (_BOOST_X, _BOOST_Y)
    X_new = _BOOST_X2[:6] * 1.5 if two_features else _BOOST_X_NEW
    return dict(X=X, y=y, X_new=X_new, num_rounds=num_rounds, lr=lr, max_depth=max_depth)


_BOOST_CASES = [
    _boost_case(0, 0.1, 1),  # no trees yet: the starting prediction alone
    _boost_case(1, 1.0, 1),  # one stump on the residuals, added in full
    _boost_case(3, 1.0, 1),  # later stumps fit what the earlier ones left
    _boost_case(5, 0.3, 2),
    _boost_case(40, 0.1, 1),
    _boost_case(2, 0.5, 1, two_features=True),
    # a missing value in X_new: a DecisionTreeRegressor sends it down the branch that had more
    # training rows, while scikit-learn's GradientBoostingRegressor refuses it, so wrapping the
    # library instead of writing the loop fails here
    {**_boost_case(4, 0.5, 2), "X_new": _BOOST_X_NEW_MISSING},
]

# --- 04.03.4: successive halving ----------------------------------------------------------------------


@dataclass(frozen=True)
class LearningCurves:
    """A stand-in for "train candidate c with this much resource and score it": the score of
    ``c`` after ``resource`` units is ``final[c] - slowness[c] / resource`` (higher is better),
    a learning curve that rises towards ``final[c]``, slowly for a large ``slowness``."""

    final: dict
    slowness: dict

    def __call__(self, candidate, resource):
        return self.final[candidate] - self.slowness[candidate] / resource


_SLOW_STARTER = LearningCurves(  # "slow" ends best, but is last after 1 unit: halving drops it
    final={"fast": 0.80, "steady": 0.78, "slow": 0.95, "flat": 0.60},
    slowness={"fast": 0.1, "steady": 0.3, "slow": 2.0, "flat": 0.0},
)
_FIVE = LearningCurves(  # five candidates, factor 2: ceil(5 / 2) = 3 survive the first round
    final={"a": 0.70, "b": 0.75, "c": 0.90, "d": 0.72, "e": 0.60},
    slowness={"a": 1.0, "b": 2.0, "c": 4.1, "d": 1.5, "e": 0.5},
)
_NINE = LearningCurves(
    final={f"c{i}": 0.5 + 0.04 * ((i * 5) % 9) for i in range(9)},
    slowness={f"c{i}": 0.2 * (i % 4) for i in range(9)},
)
_TWINS = LearningCurves(  # "right" and "left" have the same curve: they tie at every resource
    final={"right": 0.9, "left": 0.9, "low": 0.5},
    slowness={"right": 0.1, "left": 0.1, "low": 0.0},
)

_HALVING_CASES = [
    dict(
        evaluate=_SLOW_STARTER,
        candidates=["fast", "steady", "slow", "flat"],
        min_resource=1,
        factor=2,
    ),
    dict(evaluate=_FIVE, candidates=["a", "b", "c", "d", "e"], min_resource=1, factor=2),
    dict(evaluate=_NINE, candidates=[f"c{i}" for i in range(9)], min_resource=10, factor=3),
    dict(evaluate=_TWINS, candidates=["low", "right", "left"], min_resource=1, factor=3),
    # the same tie, listed the other way round: a tie broken by the candidates' names (sorting
    # (score, name) pairs) picks the first-listed twin in one of these two cases only
    dict(evaluate=_TWINS, candidates=["left", "low", "right"], min_resource=1, factor=3),
    dict(evaluate=_SLOW_STARTER, candidates=("steady",), min_resource=5, factor=3),
]

# --- 04.03.5: a tuned boosted model ---------------------------------------------------------------
# The check does not score the learner's settings on the notebook's held-out stores (`X_test`,
# split with random_state=0), which the learner can see and could have tuned on. It splits the
# 400 stores its own ways, with random_state 1 to 5 (200 to fit, 200 to score each time), and
# requires the *mean* R² over the five to reach the threshold: one split's R² on 200 stores moves
# by about 0.03 from split to split, as much as the gaps between good and default settings.
CHECK_SPLIT_SEEDS = (1, 2, 3, 4, 5)


def check_splits() -> list:
    """The check's five splits of the 400 car-seat stores (ISLP's), each
    (X_train, y_train, X_test, y_test): features one-hot encoded as in the notebook
    (`pd.get_dummies(..., drop_first=True)`), 200 stores to fit and 200 to score."""
    import pandas as pd
    from sklearn.model_selection import train_test_split

    stores = pd.read_csv(data_file("carseats.csv"))
    X = pd.get_dummies(stores.drop(columns="Sales"), drop_first=True, dtype=float).to_numpy()
    y = stores["Sales"].to_numpy()
    splits = []
    for seed in CHECK_SPLIT_SEEDS:
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=200, random_state=seed)
        splits.append((X_train, y_train, X_test, y_test))
    return splits


def _is_boosting(value: Any) -> bool:
    """Whether ``value`` is a HistGradientBoostingRegressor or holds one (a pipeline step)."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    if isinstance(value, HistGradientBoostingRegressor):
        return True
    try:
        params = value.get_params(deep=True)
    except Exception:  # noqa: BLE001 - a stub or a class: not a boosted model
        return False
    return any(isinstance(v, HistGradientBoostingRegressor) for v in params.values())


@dataclass(frozen=True)
class OnOtherSplits(Model):
    """``Model`` on several splits of the data (``data`` returns a list of
    ``(X_train, y_train, X_test, y_test)``), the model's ``random_state`` set to ``seeds[k]`` on
    split k; ``at_least`` bounds the mean score over the splits. The answer must also be (or
    hold) a ``HistGradientBoostingRegressor``: the exercise tunes boosting."""

    def splits(self) -> list:
        from mlcourse.comparators.models import _train_test

        if "data" not in self._data_cache:
            data = self.data() if callable(self.data) else self.data
            self._data_cache["data"] = [_train_test(split) for split in data]
        return self._data_cache["data"]

    def observe(self, name, value):
        if not _is_boosting(value):
            kind = value.__name__ if isinstance(value, type) else type(value).__name__
            return {
                "api": f"`{name}` should be a HistGradientBoostingRegressor, got {kind}: this "
                "exercise tunes a boosted model."
            }
        scores, consistent = [], True
        for split, seed in zip(self.splits(), self.seeds, strict=True):
            one = Model(data=split, at_least=self.at_least, metric=self.metric, seeds=(seed,))
            observed = one.observe(name, value)
            if "api" in observed:
                return observed
            scores += observed["scores"]
            consistent = consistent and observed["batch_consistent"]
        return {"scores": scores, "batch_consistent": consistent}

    def diff(self, name, observed, expected):
        if "api" in observed or not observed["batch_consistent"]:
            return super().diff(name, observed, expected)
        mean = float(np.mean(observed["scores"]))
        if mean < self.at_least:
            shown = ", ".join(f"{s:.3f}" for s in observed["scores"])
            return (
                f"`{name}` scored a mean {self.metric} of {mean:.3f} on the check's "
                f"{len(observed['scores'])} splits of the stores, below the required "
                f"{self.at_least:g} (one score per split: {shown})."
            )
        return None


def _fingerprint(value: Any):
    """A key for an unfitted estimator's settings (its class object and its pickled clone), or
    None when it has none (a stub, an object that cannot be cloned or pickled)."""
    from sklearn.base import clone

    try:
        fresh = value() if isinstance(value, type) else clone(value)
        return id(type(fresh)), pickle.dumps(fresh)
    except Exception:  # noqa: BLE001 - no key: the check simply trains again
        return None


@dataclass(frozen=True)
class TrainedOnce(OnOtherSplits):
    """``OnOtherSplits``, with what each answer did remembered for the kernel's life: checking
    the same settings again (a repeat check, the grader's second look) does not train again.

    Fits run on one thread, so the check takes the same time on a laptop and in the grader."""

    _seen: dict = field(default_factory=dict, compare=False, repr=False)

    def observe(self, name, value):
        from threadpoolctl import threadpool_limits

        key = _fingerprint(value)
        if key is None or key not in self._seen:
            with threadpool_limits(limits=1):
                observed = super().observe(name, value)
            if key is None:
                return observed
            self._seen[key] = (observed, type(value))  # the type kept alive: its id stays its own
        return copy.deepcopy(self._seen[key][0])


EXERCISES = [
    Exercise(
        id="04.03.1",
        title="Out-of-bag predictions: a free validation set",
        checks={"oob_predictions": Function(cases=_OOB_CASES)},
        hints=[
            "For each sample, the out-of-bag rows are those whose index does not appear in it: "
            "`np.isin(np.arange(len(X)), rows)` marks the rows that do. Fit a fresh copy of the "
            "model (`clone(model)`) on the sample's rows, then predict only the others.",
            "Keep two arrays of length `len(X)`: the sum of the out-of-bag predictions each row "
            "received and how many it received. Their ratio is the answer; a row with a count of "
            "0 must end up NaN (`np.divide(..., where=...)` or `np.where` can arrange that).",
        ],
        solution="""
            def oob_predictions(model, X, y, samples):
                \"\"\"For each row of X, the mean prediction of the models whose bootstrap sample
                left it out (NaN where every sample holds the row).\"\"\"
                total, count = np.zeros(len(X)), np.zeros(len(X))
                for rows in samples:
                    out = ~np.isin(np.arange(len(X)), rows)
                    fitted = clone(model).fit(X[rows], y[rows])
                    total[out] += fitted.predict(X[out])
                    count[out] += 1
                return np.divide(total, count, out=np.full(len(X), np.nan), where=count > 0)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def oob_predictions(model, X, y, samples):
                    fitted = [clone(model).fit(X[rows], y[rows]) for rows in samples]
                    return np.mean([m.predict(X) for m in fitted], axis=0)
                """,
                "Did you average every model's prediction for every row? A model that trained "
                "on a row has seen its answer, so its prediction there is too good. Instead, "
                "average for each row only the models whose sample left that row out.",
            ),
            WrongAnswer(
                """
                def oob_predictions(model, X, y, samples):
                    total = np.zeros(len(X))
                    for rows in samples:
                        out = ~np.isin(np.arange(len(X)), rows)
                        total[out] += clone(model).fit(X[rows], y[rows]).predict(X[out])
                    return total / len(samples)
                """,
                "Did you divide by the number of samples? Each row is out of bag for its own "
                "number of models (about a third of them, varying from row to row). Instead, "
                "count them per row and divide each row's sum by its own count.",
            ),
            WrongAnswer(
                """
                def oob_predictions(model, X, y, samples):
                    total, count = np.zeros(len(X)), np.zeros(len(X))
                    for rows in samples:
                        out = ~np.isin(np.arange(len(X)), rows)
                        total[out] += clone(model).fit(X[rows], y[rows]).predict(X[out])
                        count[out] += 1
                    return np.divide(total, count, out=np.zeros(len(X)), where=count > 0)
                """,
                "Did you give 0 to a row that every sample holds? No model can predict it out of "
                "bag, and 0 reads like a real prediction. Instead, return NaN there, so that "
                "`np.nanmean` and friends skip it.",
            ),
        ],
        equivalent_mutants={
            "line 7: `clone(model)` -> `model`": (
                "A scikit-learn `fit` starts from scratch and returns the model, and its "
                "predictions are taken before the next `fit`: refitting the one object gives "
                "the same numbers as fitting fresh copies."
            ),
            "line 10: keyword `where=count > 0` dropped from `np.divide`": (
                "Where the count is 0 the sum is 0 too, and 0 / 0 is NaN in NumPy (with a "
                "RuntimeWarning): the same array as leaving those rows at the NaN of `out`."
            ),
            "line 10: `count > 0` -> `count >= 0`": (
                "Counts are never negative, so this divides every row; where the count is 0, "
                "0 / 0 gives the same NaN (see the mutant without `where`)."
            ),
        },
    ),
    Exercise(
        id="04.03.2",
        title="How far can averaging go? The variance of an average",
        checks={"ensemble_variance": Function(cases=_VARIANCE_CASES)},
        hints=[
            "Write Var(mean of B models) as (1/B²) times the sum of all B² covariances "
            "Cov(f_i, f_j): how many of them are variances σ², and how many are covariances ρσ²?",
            "B of the terms are σ² and B(B − 1) are ρσ²; divide their sum by B² and simplify: "
            "one term stays as B grows and one shrinks like 1/B.",
        ],
        solution="""
            def ensemble_variance(sigma2, rho, num_models):
                \"\"\"Variance of the mean of `num_models` predictions, each of variance `sigma2`,
                any two correlated with correlation `rho`.\"\"\"
                return rho * sigma2 + (1 - rho) * sigma2 / num_models
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def ensemble_variance(sigma2, rho, num_models):
                    return sigma2 / num_models
                """,
                "Did you divide σ² by the number of models? That holds only for independent "
                "models (ρ = 0); trees grown on the same data are correlated. Instead, count "
                "the B(B − 1) covariances ρσ² in the sum as well.",
            ),
            WrongAnswer(
                """
                def ensemble_variance(sigma2, rho, num_models):
                    return rho * sigma2 + sigma2 / num_models
                """,
                "Did you add σ²/B to the floor ρσ²? For identical models (ρ = 1) that gives more "
                "than σ², although their mean is just one model. The shrinking term is "
                "(1 − ρ)σ²/B.",
            ),
            WrongAnswer(
                """
                def ensemble_variance(sigma2, rho, num_models):
                    return rho * sigma2
                """,
                "Did you return only the floor ρσ²? That is the limit for infinitely many models; "
                "with B of them a term (1 − ρ)σ²/B remains (all of σ² for B = 1).",
            ),
            WrongAnswer(
                """
                def ensemble_variance(sigma2, rho, num_models):
                    B = num_models
                    return (B * sigma2 + B * (B - 1) / 2 * rho * sigma2) / B**2
                """,
                "Did you count each pair of models once? The double sum over i and j holds both "
                "Cov(f_i, f_j) and Cov(f_j, f_i): B(B − 1) covariance terms, not B(B − 1)/2. "
                "Check: for ρ = 1 the mean of identical models must have variance σ².",
            ),
        ],
    ),
    Exercise(
        id="04.03.3",
        title="Gradient boosting from scratch: trees fitted to residuals",
        checks={"boost": Function(cases=_BOOST_CASES)},
        hints=[
            "Keep the current predictions on the training rows and on `X_new`, both starting "
            "at the mean of `y`. Each round, the residuals `y - current` are the target of a new "
            "`DecisionTreeRegressor(max_depth=max_depth)`.",
            "After fitting a round's tree, add `lr` times its predictions to both arrays of "
            "predictions: the training ones decide what the next tree fits.",
        ],
        solution="""
            def boost(X, y, X_new, num_rounds, lr, max_depth):
                \"\"\"Predictions for X_new of `num_rounds` trees, each fitted to the residuals of
                those before it and added with weight `lr`, after a start at the mean of y.\"\"\"
                current = np.full(len(X), y.mean())
                y_hat = np.full(len(X_new), y.mean())
                for _ in range(num_rounds):
                    tree = DecisionTreeRegressor(max_depth=max_depth).fit(X, y - current)
                    current += lr * tree.predict(X)
                    y_hat += lr * tree.predict(X_new)
                return y_hat
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def boost(X, y, X_new, num_rounds, lr, max_depth):
                    current, y_hat = np.zeros(len(X)), np.zeros(len(X_new))
                    for _ in range(num_rounds):
                        tree = DecisionTreeRegressor(max_depth=max_depth).fit(X, y - current)
                        current += lr * tree.predict(X)
                        y_hat += lr * tree.predict(X_new)
                    return y_hat
                """,
                "Did you start from 0? With few rounds and a small `lr` the predictions never "
                "climb to the level of `y`. Instead, start from the mean of `y`, the best "
                "constant under squared error.",
            ),
            WrongAnswer(
                """
                def boost(X, y, X_new, num_rounds, lr, max_depth):
                    y_hat = np.full(len(X_new), y.mean())
                    for _ in range(num_rounds):
                        tree = DecisionTreeRegressor(max_depth=max_depth).fit(X, y - y.mean())
                        y_hat += lr * tree.predict(X_new)
                    return y_hat
                """,
                "Did you fit every tree to the same target? Then each tree repeats the first one. "
                "Instead, fit each tree to the residuals y − (the current predictions), what the "
                "trees so far still get wrong.",
            ),
            WrongAnswer(
                """
                def boost(X, y, X_new, num_rounds, lr, max_depth):
                    current = np.full(len(X), y.mean())
                    y_hat = np.full(len(X_new), y.mean())
                    for _ in range(num_rounds):
                        tree = DecisionTreeRegressor(max_depth=max_depth).fit(X, y - current)
                        current += tree.predict(X)
                        y_hat += lr * tree.predict(X_new)
                    return y_hat
                """,
                "Did you update the training predictions without `lr`? The next tree then fits "
                "residuals of a model you do not use. Instead, add `lr * tree.predict(...)` to "
                "both arrays of predictions.",
            ),
            WrongAnswer(
                """
                def boost(X, y, X_new, num_rounds, lr, max_depth):
                    current = np.full(len(X), y.mean())
                    y_hat = np.full(len(X_new), y.mean())
                    for _ in range(num_rounds):
                        tree = DecisionTreeRegressor(max_depth=max_depth).fit(X, y - current)
                        current += tree.predict(X)
                        y_hat += tree.predict(X_new)
                    return y_hat
                """,
                "Did you leave out the learning rate? Each tree's correction is added times "
                "`lr`: small steps, more trees, and less of any one tree's noise.",
            ),
        ],
    ),
    Exercise(
        id="04.03.4",
        title="Successive halving: many candidates, one budget",
        checks={"successive_halving": Function(cases=_HALVING_CASES, returns=Exact())},
        hints=[
            "Keep a list of survivors and the current resource. Each round: score every "
            "survivor with `evaluate(candidate, resource)`, add `resource * len(survivors)` to "
            "what was spent, and stop when only one survivor is left.",
            "To keep the best `math.ceil(len(survivors) / factor)`, sort the positions by score "
            "from high to low with `sorted(..., key=..., reverse=True)`: Python's sort is "
            "stable, so of two equal scores the one listed first stays first. Then multiply "
            "the resource by `factor`.",
        ],
        solution="""
            def successive_halving(evaluate, candidates, min_resource, factor):
                \"\"\"(winner, resource spent) of successive halving over `candidates`.\"\"\"
                survivors, resource, spent = list(candidates), min_resource, 0
                while True:
                    scores = [evaluate(c, resource) for c in survivors]
                    spent += resource * len(survivors)
                    if len(survivors) == 1:
                        return survivors[0], spent
                    ranked = sorted(range(len(survivors)), key=lambda i: scores[i], reverse=True)
                    survivors = [survivors[i] for i in ranked[: math.ceil(len(survivors) / factor)]]
                    resource *= factor
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    scores = [evaluate(c, min_resource) for c in candidates]
                    return candidates[int(np.argmax(scores))], min_resource * len(candidates)
                """,
                "Did you pick the winner after the first round? Scores after the smallest "
                "resource are rough; halving keeps the best 1/factor, gives them `factor` times "
                "more, and repeats until one candidate is left.",
            ),
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    survivors, resource, spent = list(candidates), min_resource, 0
                    while True:
                        scores = [evaluate(c, resource) for c in survivors]
                        spent += resource * len(survivors)
                        if len(survivors) == 1:
                            return survivors[0], spent
                        ranked = sorted(range(len(survivors)), key=lambda i: scores[i], reverse=True)
                        survivors = [survivors[i] for i in ranked[: len(survivors) // factor]]
                        resource *= factor
                """,
                "Did you keep `len(survivors) // factor` candidates? With 5 candidates and a "
                "factor of 2 that drops 3 of them at once. Round up instead: "
                "`math.ceil(len(survivors) / factor)`.",
            ),
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    survivors, spent = list(candidates), 0
                    while True:
                        scores = [evaluate(c, min_resource) for c in survivors]
                        spent += min_resource * len(survivors)
                        if len(survivors) == 1:
                            return survivors[0], spent
                        ranked = sorted(range(len(survivors)), key=lambda i: scores[i], reverse=True)
                        survivors = [survivors[i] for i in ranked[: math.ceil(len(survivors) / factor)]]
                """,
                "Did you keep the resource fixed? The survivors must get `factor` times more "
                "each round: that is where the saving pays for a better look at the best.",
            ),
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    survivors, resource, spent = list(candidates), min_resource, 0
                    while True:
                        scores = [evaluate(c, resource) for c in survivors]
                        spent += resource * len(survivors)
                        if len(survivors) == 1:
                            return survivors[0], spent
                        ranked = np.argsort(scores)[::-1]
                        survivors = [survivors[i] for i in ranked[: math.ceil(len(survivors) / factor)]]
                        resource *= factor
                """,
                "Did you reverse an ascending `np.argsort`? Of two equal scores the one listed "
                "last then comes first. Sort from high to low with a stable sort instead: "
                "`sorted(..., reverse=True)` or `np.argsort(-scores, kind='stable')`.",
            ),
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    survivors, resource, spent = list(candidates), min_resource, 0
                    while len(survivors) > 1:
                        scores = [evaluate(c, resource) for c in survivors]
                        spent += resource * len(survivors)
                        ranked = sorted(range(len(survivors)), key=lambda i: scores[i], reverse=True)
                        survivors = [survivors[i] for i in ranked[: math.ceil(len(survivors) / factor)]]
                        resource *= factor
                    return survivors[0], spent
                """,
                "Did you stop before training the last survivor? Its final round is part of the "
                "budget: it is the model you will use. Count `resource` for it as well.",
            ),
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    survivors, resource, spent = list(candidates), min_resource, 0
                    while True:
                        scores = [evaluate(c, resource) for c in survivors]
                        spent += resource
                        if len(survivors) == 1:
                            return survivors[0], spent
                        ranked = sorted(range(len(survivors)), key=lambda i: scores[i], reverse=True)
                        survivors = [survivors[i] for i in ranked[: math.ceil(len(survivors) / factor)]]
                        resource *= factor
                """,
                "Did you add `resource` once per round? Every survivor is trained with it, so a "
                "round spends `resource * len(survivors)`.",
            ),
            WrongAnswer(
                """
                def successive_halving(evaluate, candidates, min_resource, factor):
                    survivors, resource, spent = list(candidates), min_resource, 0
                    while True:
                        scores = [evaluate(c, resource) for c in survivors]
                        spent += resource * len(survivors)
                        if len(survivors) == 1:
                            return survivors[0], spent
                        ranked = sorted(zip(scores, survivors), reverse=True)
                        survivors = [c for _, c in ranked[: math.ceil(len(survivors) / factor)]]
                        resource *= factor
                """,
                "Did you sort (score, candidate) pairs? On a tie Python then compares the "
                "candidates themselves, so the name decides, not the order they were listed in. "
                "Sort by the score alone with a stable sort: `sorted(..., key=..., reverse=True)`.",
            ),
        ],
    ),
    Exercise(
        id="04.03.5",
        title="A boosted model that beats the defaults on stores it never saw",
        checks={
            "model": TrainedOnce(check_splits, at_least=0.74, metric="r2", seeds=(0, 1, 2, 3, 4))
        },
        hints=[
            "Sales in these stores rise and fall with each feature separately (price, shelf "
            "location, advertising...) with little interplay between them. How deep must a tree "
            "be to add one feature's effect? Compare `max_depth` 1, 2 and 3 by cross-validation "
            "on the training stores.",
            "Small trees learn slowly: section 4's stumps were still improving at round 300 with "
            "a learning rate of 0.1. Try a few learning rates (and `max_iter`) for the depth you "
            "chose, and leaves of a few stores (`min_samples_leaf`); score each candidate with "
            "`cross_val_score(candidate, X_train, y_train, cv=5).mean()`, never on the test "
            "stores.",
        ],
        solution="""
            model = HistGradientBoostingRegressor(max_depth=1, learning_rate=0.3, min_samples_leaf=5)
        """,
        wrong_answers=[
            WrongAnswer(
                "model = HistGradientBoostingRegressor()\n",
                "Did you keep the default settings? Trees with up to 31 leaves each, on 200 "
                "stores, fit noise: they average R² 0.71 on the check's splits. Instead, compare "
                "smaller trees by cross-validation on the training stores.",
            ),
            WrongAnswer(
                "model = HistGradientBoostingRegressor(**halving.best_params_)\n",
                "Did you take the halving search's winner? It won races of 8, 24 and 72 rounds, "
                "which deep trees lead; given more rounds, smaller trees do better. Compare "
                "candidates with the number of rounds you will use.",
            ),
            WrongAnswer(
                "model = HistGradientBoostingRegressor(max_depth=1)\n",
                "Did you make the trees stumps but keep 100 rounds at learning rate 0.1? Stumps "
                "learn slowly (section 4's were still improving at round 300): 100 small steps "
                "leave them far from done. Give them a larger `learning_rate` or more `max_iter`, "
                "chosen by cross-validation.",
            ),
            WrongAnswer(
                "model = RandomForestRegressor(random_state=0)\n",
                "Did you submit a random forest? Its deep trees average away variance, but on "
                "these stores, whose sales add up feature by feature, boosting small trees "
                "does better. Boost a `HistGradientBoostingRegressor` instead.",
            ),
            WrongAnswer(
                "model = LinearRegression()\n",
                "Did you submit the linear baseline? It does well on these stores (section 7), "
                "but this exercise is about tuning a boosted model: set `model` to a "
                "`HistGradientBoostingRegressor` with the settings you chose.",
            ),
        ],
        equivalent_mutants={
            "line 1: keyword `min_samples_leaf=5` dropped from `HistGradientBoostingRegressor`": (
                "Leaves of at least 20 stores (the default) are another good setting for stumps "
                "(mean R² 0.77): the check judges the score on its own splits, and any setting "
                "that reaches it is right."
            ),
            "line 1: `1` -> `2`": (
                "Trees of depth 2 boosted with the same learning rate also reach the required "
                "mean score (0.75): a correct answer, as the check should accept."
            ),
            "line 1: `0.3` -> `0.6`": (
                "A learning rate of 0.6 for 100 rounds of stumps also reaches the required "
                "score: another correct answer."
            ),
            "line 1: `5` -> `6`": "Leaves of 6 stores work as well as 5: another correct answer.",
            "line 1: `5` -> `4`": "Leaves of 4 stores work as well as 5: another correct answer.",
        },
    ),
]
