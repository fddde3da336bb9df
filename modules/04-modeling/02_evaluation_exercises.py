"""Exercises of 02_evaluation.ipynb: precision, recall and F1 with their empty cases, ROC AUC and
average precision from scratch with tied scores, a classifier that minimises a business cost,
a regression model for an asymmetric cost, and a paired bootstrap interval for an AUC gap."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mlcourse.exercise import Calls, Close, Exercise, Function, Model, WrongAnswer
from mlcourse.layout import data_file

# --- from scratch: the library's answer is switched off while a check calls the learner's code ---
# A guard for the empty cases around `roc_auc_score` (or `precision_recall_fscore_support`, ...)
# would otherwise pass every case: those functions are what the check compares with.
# `refused=(...)` makes each raise during the check's calls, whether the learner calls it by a
# name bound in the notebook, through its module, or through another library function
# (`roc_auc_score` calls `roc_curve`); see `mlcourse.comparators.scratch`.


# --- 04.02.1: precision, recall and F1 from the four counts -------------------------------------
# Asymmetric counts (precision != recall, so a swap shows), nothing predicted positive (0/0), no
# positive to find (0/0), nothing at all (every ratio 0/0), booleans, a single true positive, and
# plain lists where the only positive is the only one flagged (denominators of exactly 1).
_prf_rng = np.random.default_rng(1)
_PRF_CASES = [
    dict(y_true=np.array([1, 1, 1, 1, 1, 0, 0, 0]), y_hat=np.array([1, 1, 0, 0, 0, 1, 0, 0])),
    dict(y_true=np.array([1, 0, 1, 0, 0, 0]), y_hat=np.zeros(6, dtype=int)),  # all-equal: 0
    dict(y_true=np.array([1, 0, 0, 0, 1, 0, 0]), y_hat=np.ones(7, dtype=int)),  # all-equal: 1
    dict(y_true=np.zeros(5, dtype=int), y_hat=np.array([0, 1, 0, 0, 1])),  # a single class
    dict(y_true=np.zeros(4, dtype=int), y_hat=np.zeros(4, dtype=int)),  # nothing to find or flag
    dict(y_true=np.array([True, False, True, True]), y_hat=np.array([True, True, False, True])),
    dict(y_true=np.array([1, 0, 0, 1, 0]), y_hat=np.array([1, 1, 1, 0, 0])),  # one hit
    dict(y_true=_prf_rng.integers(0, 2, 60), y_hat=_prf_rng.integers(0, 2, 60)),
    dict(y_true=[0, 1, 0, 0], y_hat=[0, 1, 0, 0]),  # lists; one positive, flagged alone
]


# --- 04.02.2 and 04.02.3: ranking metrics with ties ---------------------------------------------
def _rounded_case(n: int, seed: int) -> dict:
    """n examples whose scores, rounded to one decimal, tie across the classes many times."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.3
    scores = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1), 1)
    return dict(y_true=y.astype(int), scores=scores)


_RANK_CASES = [
    dict(y_true=np.array([0, 0, 1, 1]), scores=np.array([0.1, 0.4, 0.35, 0.8])),
    dict(y_true=np.array([1, 0, 1, 0, 1, 0]), scores=np.array([0.9, 0.9, 0.5, 0.5, 0.2, 0.5])),
    dict(y_true=np.array([0, 1, 0, 1, 1]), scores=np.full(5, 0.3)),  # all-equal scores
    # decision values, not probabilities: every one below 0.5
    dict(y_true=np.array([1, 1, 0, 0, 0]), scores=np.array([-0.5, -1.2, -2.0, -0.7, -3.1])),
    dict(y_true=np.array([1, 1, 0, 0]), scores=np.array([0.1, 0.2, 0.8, 0.9])),  # reversed
    dict(
        y_true=np.array([True, False, False, True, False, True, False]),
        scores=np.array([3.0, 1.0, 2.0, 2.0, 0.5, 1.0, 2.0]),
    ),
    _rounded_case(200, seed=7),
    dict(y_true=[1, 0, 0, 1, 0], scores=[0.8, 0.3, 0.8, 0.5, 0.1]),  # plain lists
    dict(y_true=np.zeros(4, dtype=int), scores=np.array([0.2, 0.7, 0.1, 0.4])),  # no positive
    dict(y_true=np.ones(3, dtype=int), scores=np.array([0.2, 0.7, 0.1])),  # no negative
]
_AUC_MENTIONS = [[]] * (len(_RANK_CASES) - 2) + [["positive"], ["negative"]]

_AP_CASES = [
    dict(y_true=np.array([0, 0, 1, 1]), scores=np.array([0.1, 0.4, 0.35, 0.8])),
    dict(y_true=np.array([1, 0, 1, 0, 1, 0]), scores=np.array([0.9, 0.9, 0.5, 0.5, 0.2, 0.5])),
    dict(y_true=np.array([0, 1, 0, 1, 1]), scores=np.full(5, 0.3)),  # all-equal: the prevalence
    # precision that falls and rises again along the ranking (interpolation would change it)
    dict(
        y_true=np.array([1, 0, 0, 1, 1, 0, 0, 0, 1]),
        scores=np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2]),
    ),
    dict(y_true=np.array([0, 1, 1, 0]), scores=np.array([-1.0, 2.0, 2.0, -3.0])),  # perfect
    dict(
        y_true=np.array([True, False, False, True, False, True, False]),
        scores=np.array([3.0, 1.0, 2.0, 2.0, 0.5, 1.0, 2.0]),
    ),
    _rounded_case(200, seed=8),
    dict(y_true=np.ones(3, dtype=int), scores=np.array([0.2, 0.7, 0.1])),  # every one positive
    dict(y_true=[1, 0, 0, 1, 0], scores=[0.8, 0.3, 0.8, 0.5, 0.1]),  # plain lists
    dict(y_true=np.zeros(4, dtype=int), scores=np.array([0.2, 0.7, 0.1, 0.4])),  # no positive
]
_AP_MENTIONS = [[]] * (len(_AP_CASES) - 1) + [["positive"]]


# --- 04.02.4: expected calibration error --------------------------------------------------------
# Bins of very different sizes (an unweighted mean of the gaps differs), empty bins, a
# probability of exactly 1 next to others in the top bin, exactly 0, over- and under-confident
# bins that a signed sum would cancel, a single class, all-equal probabilities, 5 bins. No
# probability sits on an inner bin edge, where floating point would make the bin a coin toss.
_ece_rng = np.random.default_rng(5)
_ECE_CASES = [
    dict(
        y_true=np.array([0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1]),  # a confident miss at 1.0
        probs=np.array([0.05, 0.12, 0.15, 0.18, 0.55, 0.62, 0.91, 0.95, 1.0, 0.97, 0.85]),
        n_bins=10,
    ),
    dict(  # 8 customers in one bin, 1 in another
        y_true=np.array([0, 0, 0, 0, 0, 0, 0, 1, 1]),
        probs=np.array([0.02, 0.03, 0.01, 0.04, 0.02, 0.05, 0.03, 0.02, 0.35]),
        n_bins=10,
    ),
    dict(  # over-confident and under-confident bins: signed gaps cancel
        y_true=np.array([0, 0, 1, 1, 1, 1, 0, 0]),
        probs=np.array([0.3, 0.3, 0.3, 0.3, 0.7, 0.7, 0.7, 0.7]),
        n_bins=4,
    ),
    dict(
        y_true=np.zeros(5, dtype=int),
        probs=np.array([0.0, 0.13, 0.44, 0.0, 0.95]),  # a single class
        n_bins=10,
    ),
    dict(y_true=np.array([1, 0, 0, 1, 0, 0]), probs=np.full(6, 0.45), n_bins=10),  # all equal
    dict(y_true=_ece_rng.integers(0, 2, 80), probs=_ece_rng.beta(2, 3, 80), n_bins=5),
    dict(y_true=[1, 0, 0], probs=[0.93, 0.31, 1.0], n_bins=10),  # plain lists
]


# --- 04.02.5: a classifier that minimises a business cost ---------------------------------------
CALL_COST, MISSED_DEFAULT_COST = 100, 500  # dollars: a call to a customer who would have paid


def default_data() -> tuple:
    """The notebook's split of default.csv: 5,000 training customers, and the other 5,000 (its
    validation and test customers) held out."""
    from sklearn.model_selection import train_test_split

    default = pd.read_csv(data_file("default.csv"))
    X = default[["balance", "income"]].assign(student=(default["student"] == "Yes").astype(int))
    y = (default["default"] == "Yes").astype(int)
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=0
    )
    return X_train, y_train, X_rest, y_rest


def call_cost(y_true, y_hat) -> float:
    """Dollars per customer: a call to a customer who would have paid costs CALL_COST, a
    default nobody called about MISSED_DEFAULT_COST."""
    y_true, y_hat = np.asarray(y_true) == 1, np.asarray(y_hat) == 1
    false_alarms, missed = np.sum(~y_true & y_hat), np.sum(y_true & ~y_hat)
    return (CALL_COST * false_alarms + MISSED_DEFAULT_COST * missed) / len(y_true)


def _cost_scorer(model, X, y) -> float:
    return -call_cost(y, model.predict(X))  # a scorer: higher is better


# --- 04.02.6: a regression model for an asymmetric cost -----------------------------------------
SHORT_COST, IDLE_COST = 3, 1  # per bike: a rider who finds no bike, a bike nobody rides
BIKE_FEATURES = ["hr", "weekday", "workingday", "holiday", "temp", "atemp", "hum", "windspeed"]
WEATHER_CODES = {"clear": 0, "cloudy/misty": 1, "light rain/snow": 2, "heavy rain/snow": 3}


def bike_data() -> tuple:
    """The notebook's split of the 2011 hourly rentals: every fourth day held out, all of it."""
    bikes = pd.read_csv(data_file("bikeshare_hourly_2011.csv"))
    X = bikes[BIKE_FEATURES].assign(weather=bikes["weathersit"].map(WEATHER_CODES))
    y = bikes["bikers"].astype(float)
    held_out = (bikes["day"] % 4 == 0).to_numpy()
    return X[~held_out], y[~held_out], X[held_out], y[held_out]


def stock_cost(y_true, y_hat) -> float:
    """Cost per hour of staging y_hat bikes where y_true riders come."""
    y_true, y_hat = np.asarray(y_true, dtype=float), np.asarray(y_hat, dtype=float)
    short, idle = np.maximum(y_true - y_hat, 0), np.maximum(y_hat - y_true, 0)
    return float(np.mean(SHORT_COST * short + IDLE_COST * idle))


def _stock_scorer(model, X, y) -> float:
    return -stock_cost(y, model.predict(X))


def _cache_key(value) -> bytes | None:
    """The pickle of ``value``, or None where it holds code that is not a library's."""
    import io
    import pickle

    class LibraryOnly(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, type) or callable(obj) and hasattr(obj, "__code__"):
                module = getattr(obj, "__module__", None) or ""
                if (
                    module == "__main__"
                    or module.startswith("<")
                    or "." not in module
                    and (module not in ("builtins", "numpy", "math", "operator", "functools"))
                ):
                    raise pickle.PicklingError(f"{obj!r} is defined outside a library")
            return NotImplemented

    buffer = io.BytesIO()
    try:
        LibraryOnly(buffer).dump(value)
    except Exception:  # noqa: BLE001 - a lambda, a notebook class: no cache
        return None
    return buffer.getvalue()


@dataclass(frozen=True)
class CostModel(Model):
    """``Model`` with a cost as its metric (``metric`` scores minus the cost, so higher is
    better): the reason speaks of the cost and its ceiling, ``-at_least``."""

    unit: str = "per row"
    _fits: dict = field(default_factory=dict, compare=False, repr=False)

    def observe(self, name, value):
        """Fitting is cached per kernel, keyed by the estimator's pickle (class and
        parameters): a repeat check, and the reference or a recorded wrong answer with the
        same parameters, fit once. Estimators holding code defined in the notebook (a class, a
        scorer function: its pickle is only its name, which a new definition keeps) or that
        cannot be pickled are fitted every time."""
        key = _cache_key(value)
        if key is None:
            return super().observe(name, value)
        if key not in self._fits:
            self._fits[key] = super().observe(name, value)
        return copy.deepcopy(self._fits[key])

    def diff(self, name, observed, expected):
        if "api" in observed or not observed["batch_consistent"]:
            return super().diff(name, observed, expected)
        costs = [-score for score in observed["scores"]]
        ceiling = -self.at_least
        if max(costs) > ceiling:
            shown = ", ".join(f"{c:.2f}" for c in costs)
            return (
                f"`{name}` costs {max(costs):.2f} {self.unit} on the held-out rows, above the "
                f"{ceiling:g} allowed (costs over seeds {list(self.seeds)}: {shown})."
            )
        return None


# --- 04.02.7: a paired bootstrap interval for a difference in AUC -------------------------------
def _two_models_case(n: int, seed: int, num_resamples: int, gap: float) -> dict:
    """Scores of two models on the same n examples: B is A plus noise (correlated, as two
    models of the same data are), A better by about ``gap``."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3 == 0  # a third positive: no resample lacks a class
    rng.shuffle(y)
    scores_a = rng.normal(size=n) + 1.2 * y
    scores_b = scores_a + rng.normal(scale=gap, size=n)
    return dict(
        y_true=y.astype(int),
        scores_a=np.round(scores_a, 2),
        scores_b=np.round(scores_b, 2),
        num_resamples=num_resamples,
        seed=seed,
    )


_BOOT_CASES = [
    _two_models_case(60, seed=11, num_resamples=10, gap=0.8),
    _two_models_case(45, seed=12, num_resamples=6, gap=0.3),
]


EXERCISES = [
    Exercise(
        id="04.02.1",
        title="Precision, recall and F1, empty cases included",
        checks={
            "precision_recall_f1": Function(
                cases=_PRF_CASES,
                refused=(
                    "sklearn.metrics.precision_recall_fscore_support",
                    "sklearn.metrics.precision_score",
                    "sklearn.metrics.recall_score",
                    "sklearn.metrics.f1_score",
                    "sklearn.metrics.fbeta_score",
                ),
                instead="Count TP, FP and FN with boolean masks (or `confusion_matrix` with "
                "`labels=[0, 1]`) and divide.",
            )
        },
        hints=[
            "Count the true positives (true label 1 and predicted 1), false positives (true 0, "
            "predicted 1) and false negatives (true 1, predicted 0) with boolean masks and "
            "`np.sum`. Precision divides TP by everything *predicted* positive, recall by "
            "everything *truly* positive.",
            "Test each denominator before dividing, with a conditional expression "
            "`a / b if b > 0 else 0.0`. For F1, the harmonic mean 2pr / (p + r) is 0 / 0 when "
            "p = r = 0; the count form 2TP / (2TP + FP + FN) is the same number wherever both "
            "are defined.",
        ],
        solution="""
            def precision_recall_f1(y_true, y_hat):
                \"\"\"Precision, recall and F1 of 0/1 predictions y_hat against labels y_true.\"\"\"
                y_true, y_hat = np.asarray(y_true) == 1, np.asarray(y_hat) == 1
                tp = np.sum(y_true & y_hat)
                fp = np.sum(~y_true & y_hat)
                fn = np.sum(y_true & ~y_hat)
                precision = tp / (tp + fp) if tp + fp > 0 else 0.0
                recall = tp / (tp + fn) if tp + fn > 0 else 0.0
                f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
                return precision, recall, f1
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def precision_recall_f1(y_true, y_hat):
                    y_true, y_hat = np.asarray(y_true) == 1, np.asarray(y_hat) == 1
                    tp = np.sum(y_true & y_hat)
                    precision = tp / y_hat.sum() if y_hat.sum() > 0 else 0.0
                    recall = tp / y_true.sum() if y_true.sum() > 0 else 0.0
                    return recall, precision, 2 * tp / (y_hat.sum() + y_true.sum() or 1)
                """,
                "Did you swap precision and recall? Precision asks how many of the flagged "
                "examples are positive (divide by the predicted positives); recall how many of "
                "the positives were flagged (divide by the true positives). Return them in the "
                "order (precision, recall, f1).",
            ),
            WrongAnswer(
                """
                def precision_recall_f1(y_true, y_hat):
                    y_true, y_hat = np.asarray(y_true) == 1, np.asarray(y_hat) == 1
                    tp = np.sum(y_true & y_hat)
                    precision = tp / y_hat.sum() if y_hat.sum() > 0 else 0.0
                    recall = tp / y_true.sum() if y_true.sum() > 0 else 0.0
                    return precision, recall, (precision + recall) / 2
                """,
                "Did you average precision and recall? F1 is their *harmonic* mean, "
                "2pr / (p + r), which stays near the smaller of the two: a model with recall 1 "
                "and precision 0.02 has F1 0.04, not 0.51.",
            ),
            WrongAnswer(
                """
                def precision_recall_f1(y_true, y_hat):
                    y_true, y_hat = np.asarray(y_true) == 1, np.asarray(y_hat) == 1
                    tp = np.sum(y_true & y_hat)
                    precision = tp / max(y_hat.sum(), 1)
                    recall = tp / max(y_true.sum(), 1)
                    return precision, recall, 2 * precision * recall / (precision + recall)
                """,
                "Did you compute F1 as 2pr / (p + r) without a guard? With no true positive, "
                "p = r = 0 and that is 0 / 0 (NaN). By convention F1 is then 0: use the count "
                "form 2TP / (2TP + FP + FN), or test for TP = 0 first.",
            ),
            WrongAnswer(
                """
                def precision_recall_f1(y_true, y_hat):
                    y_true, y_hat = np.asarray(y_true) == 1, np.asarray(y_hat) == 1
                    tp = np.sum(y_true & y_hat)
                    precision, recall = tp / y_hat.sum(), tp / y_true.sum()
                    return precision, recall, 2 * tp / (y_hat.sum() + y_true.sum())
                """,
                "Did you divide without testing for an empty denominator? A model that flags "
                "nobody has no predicted positives, and a sample may hold no positive at all: "
                "`{name}` then returns NaN. Return 0.0 for a ratio whose denominator is 0.",
            ),
        ],
    ),
    Exercise(
        id="04.02.2",
        title="ROC AUC from scratch: ties count half",
        checks={
            "roc_auc": Calls(
                cases=_RANK_CASES,
                returns=Close(rtol=1e-9),
                mentions=_AUC_MENTIONS,
                refused=(
                    "sklearn.metrics.roc_auc_score",
                    "sklearn.metrics.roc_curve",
                    "scipy.stats.mannwhitneyu",
                ),
                instead="Compare the scores of every (positive, negative) pair.",
            )
        },
        hints=[
            "AUC is the share of (positive, negative) pairs that the scores put in the right "
            "order, a tied pair counting ½. Split the scores by class, `pos = scores[y == 1]` "
            "and `neg = scores[y == 0]`; broadcasting `pos[:, None]` against `neg` compares "
            "every pair at once.",
            "`pos[:, None] > neg` is a table with one boolean per (positive, negative) pair: its "
            "mean is the share of pairs in the right order; `==` finds the ties, which add half "
            "their share. Test for an empty `pos` or `neg` first and raise `ValueError` with a "
            "message that names the missing class.",
        ],
        solution="""
            def roc_auc(y_true, scores):
                \"\"\"Area under the ROC curve: P(score of a positive > score of a negative),
                ties counting one half.\"\"\"
                y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                pos, neg = scores[y_true], scores[~y_true]
                if len(pos) == 0 or len(neg) == 0:
                    missing = "positive" if len(pos) == 0 else "negative"
                    raise ValueError(f"ROC AUC needs both classes; y_true has no {missing} example")
                pairs = pos[:, None] - neg
                return np.mean(pairs > 0) + 0.5 * np.mean(pairs == 0)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def roc_auc(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    pos, neg = scores[y_true], scores[~y_true]
                    if len(pos) == 0 or len(neg) == 0:
                        missing = "positive" if len(pos) == 0 else "negative"
                        raise ValueError(f"no {missing} example")
                    return np.mean(pos[:, None] > neg)
                """,
                "Did you count only the pairs where the positive scores strictly higher? A tie "
                "is a coin flip for a ranking, neither right nor wrong: count it as ½. (With "
                "`>=` you would count it as 1; both bias the AUC of a model with tied scores.)",
            ),
            WrongAnswer(
                """
                def roc_auc(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    if y_true.all() or not y_true.any():
                        missing = "positive" if not y_true.any() else "negative"
                        raise ValueError(f"no {missing} example")
                    order = np.argsort(-scores, kind="stable")
                    tpr = np.r_[0, np.cumsum(y_true[order]) / y_true.sum()]
                    fpr = np.r_[0, np.cumsum(~y_true[order]) / (~y_true).sum()]
                    return np.trapezoid(tpr, fpr)
                """,
                "Did you sort the examples and step through them one at a time? Tied scores "
                "then move the curve up or right in whatever order the sort left them, so the "
                "area depends on that order. A threshold cannot separate tied examples: take "
                "one step per *distinct* score (a diagonal segment), or count tied pairs as ½.",
            ),
            WrongAnswer(
                """
                def roc_auc(y_true, scores):
                    y_true = np.asarray(y_true) == 1
                    y_hat = np.asarray(scores) >= 0.5
                    if y_true.all() or not y_true.any():
                        missing = "positive" if not y_true.any() else "negative"
                        raise ValueError(f"no {missing} example")
                    tpr = np.mean(y_hat[y_true])
                    fpr = np.mean(y_hat[~y_true])
                    return (1 + tpr - fpr) / 2
                """,
                "Did you threshold the scores at 0.5 first? The ROC curve needs the scores "
                "themselves: hard labels leave a single point, whose 'area' is the balanced "
                "accuracy at that one threshold, and scores need not be probabilities at all "
                "(decision values can all be negative).",
            ),
            WrongAnswer(
                """
                def roc_auc(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    pos, neg = scores[y_true], scores[~y_true]
                    pairs = pos[:, None] - neg
                    return np.mean(pairs > 0) + 0.5 * np.mean(pairs == 0)
                """,
                "Did you leave out the test for a single class? With no positive (or no "
                "negative) example there is no pair to rank and `{name}` returns NaN; raise "
                "`ValueError` saying which class is missing, so the caller learns why.",
            ),
            WrongAnswer(
                """
                def roc_auc(y_true, scores):
                    y_true = np.asarray(y_true) == 1
                    if y_true.all() or not y_true.any():
                        missing = "positive" if not y_true.any() else "negative"
                        raise ValueError(f"no {missing} example")
                    return roc_auc_score(y_true, scores)
                """,
                "Did you wrap a library's AUC (`roc_auc_score`, `roc_curve`, SciPy's "
                "`mannwhitneyu`) in a test for a single class? It gives the right number, which "
                "is why the check compares with it and switches it off while calling `{name}`: "
                "the exercise is to count the ordered and tied (positive, negative) pairs "
                "yourself.",
            ),
        ],
    ),
    Exercise(
        id="04.02.3",
        title="Average precision from scratch: one step per distinct score",
        checks={
            "average_precision": Calls(
                cases=_AP_CASES,
                returns=Close(rtol=1e-9),
                mentions=_AP_MENTIONS,
                refused=(
                    "sklearn.metrics.average_precision_score",
                    "sklearn.metrics.precision_recall_curve",
                ),
                instead="Sort the scores and read precision and recall at each distinct score.",
            )
        },
        hints=[
            "Sort the scores from high to low. The thresholds are the *distinct* scores: "
            "after `order = np.argsort(-scores)`, the last position of each run of equal "
            "sorted scores is where `sorted_scores[i] != sorted_scores[i + 1]` (and the very "
            "last position). `np.cumsum` of the sorted labels gives TP at every position.",
            "At those positions k (0-based), precision is TP / (k + 1) and recall is TP / "
            "(number of positives). `np.diff(recall, prepend=0)` gives the recall gained at each "
            "threshold; weight each gain by the precision there and add up. Raise `ValueError` "
            "first when there is no positive example.",
        ],
        solution="""
            def average_precision(y_true, scores):
                \"\"\"Average precision: the sum over distinct thresholds of the recall gained
                times the precision reached.\"\"\"
                y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                if not y_true.any():
                    raise ValueError("average precision needs at least one positive example")
                order = np.argsort(-scores, kind="stable")
                sorted_scores, hits = scores[order], np.cumsum(y_true[order])
                last = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
                precision = hits[last] / (np.flatnonzero(last) + 1)
                recall = hits[last] / y_true.sum()
                return np.sum(np.diff(recall, prepend=0) * precision)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def average_precision(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    if not y_true.any():
                        raise ValueError("no positive example")
                    hits = np.cumsum(y_true[np.argsort(-scores, kind="stable")])
                    precision = hits / np.arange(1, len(hits) + 1)
                    recall = hits / y_true.sum()
                    return np.sum(np.diff(recall, prepend=0) * precision)
                """,
                "Did you treat every example as its own threshold? Examples with tied scores "
                "are flagged together or not at all, so precision must be read only after the "
                "last of them; otherwise the answer depends on how the sort ordered the ties.",
            ),
            WrongAnswer(
                """
                def average_precision(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    if not y_true.any():
                        raise ValueError("no positive example")
                    order = np.argsort(-scores, kind="stable")
                    sorted_scores, hits = scores[order], np.cumsum(y_true[order])
                    last = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
                    precision = hits[last] / (np.flatnonzero(last) + 1)
                    recall = hits[last] / y_true.sum()
                    return np.trapezoid(np.r_[1, precision], np.r_[0, recall])
                """,
                "Did you take the trapezoidal area under the precision-recall curve? No "
                "threshold reaches the points on a straight line between two PR points, and "
                "with few distinct scores those lines flatter the model. Average precision uses "
                "steps: the recall gained at each threshold times the precision there.",
            ),
            WrongAnswer(
                """
                def average_precision(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    if not y_true.any():
                        raise ValueError("no positive example")
                    order = np.argsort(-scores, kind="stable")
                    sorted_scores, hits = scores[order], np.cumsum(y_true[order])
                    last = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
                    precision = hits[last] / (np.flatnonzero(last) + 1)
                    precision = np.maximum.accumulate(precision[::-1])[::-1]
                    recall = hits[last] / y_true.sum()
                    return np.sum(np.diff(recall, prepend=0) * precision)
                """,
                "Did you interpolate the precision (the best precision at any higher recall, "
                "as the PASCAL VOC benchmark did)? That is another, more generous summary; "
                "average precision as scikit-learn defines it uses the precision actually "
                "reached at each threshold.",
            ),
            WrongAnswer(
                """
                def average_precision(y_true, scores):
                    y_true, scores = np.asarray(y_true) == 1, np.asarray(scores)
                    order = np.argsort(-scores, kind="stable")
                    sorted_scores, hits = scores[order], np.cumsum(y_true[order])
                    last = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
                    precision = hits[last] / (np.flatnonzero(last) + 1)
                    recall = hits[last] / y_true.sum()
                    return np.sum(np.diff(recall, prepend=0) * precision)
                """,
                "Did you leave out the test for a sample without positives? Recall divides by "
                "the number of positives, so `{name}` returns NaN there; raise `ValueError` "
                "saying that there is no positive example.",
            ),
            WrongAnswer(
                """
                def average_precision(y_true, scores):
                    if not np.any(np.asarray(y_true) == 1):
                        raise ValueError("no positive example")
                    return average_precision_score(y_true, scores)
                """,
                "Did you wrap scikit-learn's `average_precision_score` (or "
                "`precision_recall_curve`) in a test for the empty case? It gives the right "
                "number, which is why the check compares with it and switches it off while "
                "calling `{name}`: the exercise is to build the sum of recall gained times "
                "precision yourself, one threshold per distinct score.",
            ),
        ],
        equivalent_mutants={
            "line 7: keyword `kind='stable'` dropped from `np.argsort`": "Only the last "
            "position of each run of tied scores is read, where the running count of hits "
            "includes every tied example whatever their order within the run.",
        },
    ),
    Exercise(
        id="04.02.4",
        title="Expected calibration error: bins weighted by their size",
        checks={"expected_calibration_error": Function(cases=_ECE_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "Bin k holds the probabilities from k / n_bins up to (k + 1) / n_bins, the last one "
            "including 1.0: `probs * n_bins` rounded down gives k, except for a probability "
            "of exactly 1, which must land in the last bin, not a bin of its own.",
            "A bin's weighted gap, (n_b / n) × |observed rate − mean probability|, equals "
            "|sum over the bin of (y − p)| / n. `np.bincount(bin_index, weights=...)` sums "
            "per bin; empty bins then add 0 instead of NaN.",
        ],
        solution="""
            def expected_calibration_error(y_true, probs, n_bins):
                \"\"\"Sum over equal-width bins of (bin size / n) × |default rate − mean
                probability|.\"\"\"
                y_true, probs = np.asarray(y_true), np.asarray(probs)
                bins = np.minimum((probs * n_bins).astype(int), n_bins - 1)
                gaps = np.bincount(bins, weights=y_true - probs, minlength=n_bins)
                return np.abs(gaps).sum() / len(probs)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def expected_calibration_error(y_true, probs, n_bins):
                    y_true, probs = np.asarray(y_true, dtype=float), np.asarray(probs, dtype=float)
                    bins = np.minimum((probs * n_bins).astype(int), n_bins - 1)
                    gaps = [
                        abs(y_true[bins == k].mean() - probs[bins == k].mean())
                        for k in range(n_bins)
                        if np.any(bins == k)
                    ]
                    return np.mean(gaps)
                """,
                "Did you average the bins' gaps without weighting them? A bin of one customer "
                "would then count as much as a bin of a thousand. Weight each bin's gap by its "
                "share of the examples, n_b / n.",
            ),
            WrongAnswer(
                """
                def expected_calibration_error(y_true, probs, n_bins):
                    y_true, probs = np.asarray(y_true, dtype=float), np.asarray(probs, dtype=float)
                    bins = (probs * n_bins).astype(int)
                    gaps = np.bincount(bins, weights=y_true - probs)
                    return np.abs(gaps).sum() / len(probs)
                """,
                "Did you round `probs * n_bins` down without a limit? A probability of exactly "
                "1.0 then gets a bin of its own, index n_bins, instead of joining the last bin "
                "[1 - 1/n_bins, 1]. Cap the index at n_bins - 1.",
            ),
            WrongAnswer(
                """
                def expected_calibration_error(y_true, probs, n_bins):
                    y_true, probs = np.asarray(y_true, dtype=float), np.asarray(probs, dtype=float)
                    bins = np.minimum((probs * n_bins).astype(int), n_bins - 1)
                    gaps = np.bincount(bins, weights=y_true - probs, minlength=n_bins)
                    return gaps.sum() / len(probs)
                """,
                "Did you forget the absolute value? Then an over-confident bin and an "
                "under-confident one cancel, and a badly calibrated model can score 0.",
            ),
            WrongAnswer(
                """
                def expected_calibration_error(y_true, probs, n_bins):
                    y_true, probs = np.asarray(y_true, dtype=float), np.asarray(probs, dtype=float)
                    bins = np.minimum((probs * n_bins).astype(int), n_bins - 1)
                    total = 0.0
                    for k in range(n_bins):
                        in_bin = bins == k
                        total += in_bin.mean() * abs(y_true[in_bin].mean() - probs[in_bin].mean())
                    return total
                """,
                "Did you include the empty bins? The mean of an empty bin is NaN, and one NaN "
                "makes `{name}` NaN. Skip the bins that hold no example.",
            ),
        ],
        equivalent_mutants={
            "line 6: keyword `minlength=n_bins` dropped from `np.bincount`": "The bins past the "
            "highest occupied one would only add zeros to the sum.",
            "line 4: `np.asarray(y_true)` -> `y_true`": "`y_true` is used only in "
            "`y_true - probs`, where `probs` is already an array: NumPy converts a list there.",
            "line 5: arguments 1 and 2 of `np.minimum` swapped": "The minimum of two numbers "
            "does not depend on their order.",
            "line 6: `y_true - probs` -> `probs - y_true`": "Each bin's sum only changes sign, "
            "and its absolute value is taken.",
        },
    ),
    Exercise(
        id="04.02.5",
        title="A classifier that minimises the cost of missed defaults",
        checks={
            "cost_model": CostModel(
                default_data, at_least=-10.0, metric=_cost_scorer, unit="dollars per customer"
            )
        },
        # The check judges the cost, as the bank would: thresholds near 1/6 are as good.
        equivalent_mutants={
            "line 2: `1` -> `2`": "A threshold of 1/3 costs $9.58 per customer on the held-out "
            "customers (1/6: $9.24); the cost curve is flat from about 0.1 to 0.35, and any "
            "threshold there meets the $10 bar, as an honest answer should.",
            "line 2: `6` -> `7`": "A threshold of 1/7 costs $9.48 per customer (1/6: $9.24): "
            "inside the flat valley of the cost curve, a correct answer too.",
            "line 2: `6` -> `5`": "A threshold of 1/5 costs $9.72 per customer (1/6: $9.24): "
            "inside the flat valley of the cost curve, a correct answer too.",
        },
        hints=[
            "Calling costs 100 and a missed default 500: for a customer with calibrated "
            "default probability p, calling costs (1 - p) × 100 on average and not calling "
            "p × 500. Call when the first is smaller: solve for the threshold on p.",
            "Keep the logistic regression's probabilities calibrated (no `class_weight`) and "
            "move the threshold instead: wrap the lesson's unfitted pipeline in "
            "`FixedThresholdClassifier` with the threshold you derived. The check fits it: do "
            "not call `fit` yourself.",
        ],
        solution="""
            cost_model = FixedThresholdClassifier(
                make_pipeline(StandardScaler(), LogisticRegression()), threshold=1 / 6
            )
        """,
        wrong_answers=[
            WrongAnswer(
                "cost_model = make_pipeline(StandardScaler(), LogisticRegression())\n",
                "Did you keep the default threshold of 0.5? `predict` then calls a customer "
                "only when default is more likely than not, as if a missed default cost the "
                "same as a needless call. Move the threshold to where the expected costs of "
                "calling and not calling are equal.",
            ),
            WrongAnswer(
                """
                cost_model = make_pipeline(
                    StandardScaler(), LogisticRegression(class_weight="balanced")
                )
                """,
                'Did you reweight the classes with `class_weight="balanced"`? That weighs a '
                "default about 29 times a non-default (their ratio in the data), not the 5 "
                "times that the costs say: `{name}` calls far too many customers.",
            ),
            WrongAnswer(
                """
                cost_model = FixedThresholdClassifier(
                    make_pipeline(StandardScaler(), LogisticRegression(class_weight="balanced")),
                    threshold=1 / 6,
                )
                """,
                "Did you both reweight the classes and lower the threshold? Either one shifts "
                "the decision towards calling; together they count the imbalance twice, and the "
                "reweighted probabilities are no longer calibrated, so the threshold 1/6 no "
                "longer means 'a one-in-six chance of default'.",
            ),
            WrongAnswer(
                """
                cost_model = FixedThresholdClassifier(
                    make_pipeline(StandardScaler(), LogisticRegression()), threshold=5 / 6
                )
                """,
                "Did you swap the two costs? Call when p × 500 > (1 - p) × 100, that is when "
                "p > 100 / (100 + 500): the dearer a missed default, the *lower* the threshold.",
            ),
            WrongAnswer(
                """
                cost_model = FixedThresholdClassifier(
                    make_pipeline(StandardScaler(), LogisticRegression()), threshold=1 / 11
                )
                """,
                "Did you reuse the lesson's threshold 1/11? It was derived for a missed default "
                "costing $1,000; at $500 the two expected costs are equal at another "
                "probability: work it out from 100 and 500.",
            ),
        ],
    ),
    Exercise(
        id="04.02.6",
        title="How many bikes to stage: the loss that matches the cost",
        checks={
            "stock_model": CostModel(
                bike_data, at_least=-47.0, metric=_stock_scorer, seeds=(0,), unit="per hour"
            )
        },
        hints=[
            "Divide the cost 3 × shortage + 1 × surplus by 4: it becomes 0.75 × shortage + "
            "0.25 × surplus, the pinball loss of one quantile. Which one?",
            "`HistGradientBoostingRegressor` minimises the pinball loss with "
            '`loss="quantile"`; its `quantile` parameter is the α of that loss, the weight '
            "of an under-prediction: 3 / (3 + 1) here.",
        ],
        solution="""
            stock_model = HistGradientBoostingRegressor(loss="quantile", quantile=0.75)
        """,
        wrong_answers=[
            WrongAnswer(
                "stock_model = HistGradientBoostingRegressor()\n",
                "Did you keep the squared error? It makes the model predict the *mean* rentals "
                "(the absolute error, the median), which is short of riders about half of the "
                "time. With a shortage three times as costly as an idle bike, the right stock is "
                "short only a quarter of the time.",
            ),
            WrongAnswer(
                'stock_model = HistGradientBoostingRegressor(loss="quantile", quantile=0.9)\n',
                "Did you reuse the lesson's 0.9-quantile? That quantile matches a shortage "
                "nine times as costly as an idle bike; here it is three times, so `{name}` "
                "stages too many bikes. Work out the quantile from 3 and 1.",
            ),
            WrongAnswer(
                'stock_model = HistGradientBoostingRegressor(loss="quantile", quantile=0.25)\n',
                "Did you take the quantile the wrong way round? Pinball loss weighs "
                "under-prediction (a shortage) by the quantile and over-prediction by one minus "
                "it: the costly shortage needs the *high* quantile, 3 / (3 + 1).",
            ),
        ],
    ),
    Exercise(
        id="04.02.7",
        title="A paired bootstrap interval for a difference in AUC",
        checks={"paired_bootstrap_auc": Function(cases=_BOOT_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "Make the `rows` array as the exercise says, then loop over its rows: with one "
            "resample `r` (an array of row numbers), index all three arrays with it, so that "
            "both AUCs are computed on the same examples.",
            "Keep AUC(a) - AUC(b) of each resample in a list; the interval is the 2.5th and "
            "97.5th percentiles of that list, as one array of two numbers.",
        ],
        solution="""
            def paired_bootstrap_auc(y_true, scores_a, scores_b, num_resamples, seed):
                \"\"\"95 % percentile bootstrap interval of AUC(a) - AUC(b), resampling
                examples.\"\"\"
                rng = np.random.default_rng(seed)
                n = len(y_true)
                rows = rng.integers(0, n, size=(num_resamples, n))
                differences = [
                    roc_auc_score(y_true[r], scores_a[r]) - roc_auc_score(y_true[r], scores_b[r])
                    for r in rows
                ]
                return np.percentile(differences, [2.5, 97.5])
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def paired_bootstrap_auc(y_true, scores_a, scores_b, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    n = len(y_true)
                    rows_a = rng.integers(0, n, size=(num_resamples, n))
                    rows_b = rng.integers(0, n, size=(num_resamples, n))
                    differences = [
                        roc_auc_score(y_true[a], scores_a[a]) - roc_auc_score(y_true[b], scores_b[b])
                        for a, b in zip(rows_a, rows_b)
                    ]
                    return np.percentile(differences, [2.5, 97.5])
                """,
                "Did you resample the two models separately? That is the unpaired bootstrap "
                "of notebook 01.05: it treats the models as if they had been tested on "
                "different examples. Score both on the same resampled rows.",
            ),
            WrongAnswer(
                """
                def paired_bootstrap_auc(y_true, scores_a, scores_b, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    n = len(y_true)
                    rows = rng.integers(0, n, size=(num_resamples, n))
                    auc_a = [roc_auc_score(y_true[r], scores_a[r]) for r in rows]
                    auc_b = [roc_auc_score(y_true[r], scores_b[r]) for r in rows]
                    low_a, high_a = np.percentile(auc_a, [2.5, 97.5])
                    low_b, high_b = np.percentile(auc_b, [2.5, 97.5])
                    return np.array([low_a - high_b, high_a - low_b])
                """,
                "Did you combine the two models' own intervals? The ends of two intervals do "
                "not make an interval for the difference: they ignore that both AUCs rise and "
                "fall together on the same resample. Take percentiles of the per-resample "
                "*differences*.",
            ),
            WrongAnswer(
                """
                def paired_bootstrap_auc(y_true, scores_a, scores_b, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    n = len(y_true)
                    rows = rng.integers(0, n, size=(num_resamples, n))
                    differences = [
                        roc_auc_score(y_true[r], scores_b[r]) - roc_auc_score(y_true[r], scores_a[r])
                        for r in rows
                    ]
                    return np.percentile(differences, [2.5, 97.5])
                """,
                "Did you subtract in the other order? `{name}` should bound AUC(a) - AUC(b): "
                "positive when model a ranks better.",
            ),
            WrongAnswer(
                """
                def paired_bootstrap_auc(y_true, scores_a, scores_b, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    differences = []
                    for _ in range(num_resamples):
                        r = rng.permutation(len(y_true))
                        differences.append(
                            roc_auc_score(y_true[r], scores_a[r]) - roc_auc_score(y_true[r], scores_b[r])
                        )
                    return np.percentile(differences, [2.5, 97.5])
                """,
                "Did you shuffle the rows instead of drawing them with replacement? A "
                "permutation holds the same examples, so every AUC is the same and the interval "
                "has no width. Draw n rows with replacement: `rng.integers(0, n, size=...)`.",
            ),
        ],
    ),
]
