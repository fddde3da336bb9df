"""Exercises of 01_supervised.ipynb: choosing on validation rows, cross-validation by day and
forward in time, bias and variance measured on a planted truth, a ridge penalty chosen by CV."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from mlcourse import compare
from mlcourse.comparators.base import _raised, call_signature, copied
from mlcourse.exercise import (
    Close,
    Comparator,
    Exercise,
    Function,
    Model,
    Unfinished,
    WrongAnswer,
)
from mlcourse.layout import data_file

# --- 04.01.1: choose on validation rows, report on test rows ----------------------------------


def _choose_k_cases() -> list[dict]:
    """Two cases: the notebook's tumour split, and a made-up line of 60 points whose validation and
    test rows sit next to "islands" of 1, 2, 3 and 4 flipped labels (an island of m points
    decides the vote at its centre for k <= 2m - 1), placed so that by construction every
    recorded mistake returns something else than the reference, with no ties at any maximum or
    minimum: validation accuracy peaks at k = 5 alone and is lowest at k = 9, test accuracy
    peaks at k = 3 alone, training accuracy at k = 1, and adding the validation rows to the
    training rows flips the k = 5 prediction at 27.8 (test accuracy 2/3 -> 1/3)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_rest, y_train, y_rest = train_test_split(
        X, y, test_size=0.4, random_state=66, stratify=y
    )
    X_val, X_test, y_val, y_test = train_test_split(
        X_rest, y_rest, test_size=0.5, random_state=66, stratify=y_rest
    )
    line_labels = np.zeros(60, dtype=int)
    line_labels[[5, 15, 16, 25, 26, 27, 35, 36, 37, 38, 47]] = 1  # islands of 1, 2, 3, 4 and 1
    return [
        dict(
            ks=[1, 3, 5, 7, 9],
            X_train=np.arange(60.0).reshape(-1, 1),
            y_train=line_labels,
            X_val=np.array([[26.1], [5.2], [15.6], [36.4], [47.3]]),
            y_val=np.array([1, 0, 0, 1, 1]),
            X_test=np.array([[15.4], [5.3], [27.8]]),
            y_test=np.array([1, 0, 0]),
        ),
        dict(
            ks=list(range(1, 31, 2)),
            X_train=X_train,
            y_train=y_train,
            X_val=X_val,
            y_val=y_val,
            X_test=X_test,
            y_test=y_test,
        ),
    ]


# --- 04.01.3: forward splits by whole days -------------------------------------------------------


def _positions(rows: Any, n_rows: int, part: str, fold: int) -> tuple[list[int] | None, str]:
    """Sorted row positions of one side of a fold, or (None, why they are not positions)."""
    array = np.asarray(rows)
    where = f"fold {fold}'s {part} rows"
    if array.ndim == 1 and array.size == 0:
        return [], ""  # an empty side: `_problem` says so
    if array.dtype.kind == "b":
        return None, (
            f"{where} are a boolean mask; return row positions instead (`np.flatnonzero(mask)`)."
        )
    if array.ndim != 1 or array.dtype.kind not in "iu":
        return None, (
            f"{where} should be a 1-D array of row positions (integers), got "
            f"{compare.short_repr(array)}. Did you return days instead of the positions of "
            "their rows?"
        )
    outside = array[(array < 0) | (array >= n_rows)]
    if outside.size:
        return None, (
            f"{where} include position {int(outside[0])}, but the positions of {n_rows} rows "
            f"run from 0 to {n_rows - 1}."
        )
    positions = sorted(int(i) for i in array)
    twice = [a for a, b in zip(positions, positions[1:]) if a == b]
    if twice:
        return None, (
            f"{where} list position {twice[0]} more than once; each row belongs once to a side."
        )
    return positions, ""


def _problem(folds: list, days: np.ndarray) -> str:
    """What makes these folds a dishonest forward split of whole days, or ''."""
    for index, (train, test) in enumerate(folds):
        if not train:
            return (
                f"fold {index} has no training rows: every fold needs earlier days to learn from."
            )
        if not test:
            return f"fold {index} has no test rows."
        train_days, test_days = set(days[train].tolist()), set(days[test].tolist())
        cut = sorted(train_days & test_days)
        if cut:
            return (
                f"fold {index} cuts day {cut[0]!r} in two: some of its rows train and others "
                "test. Keep every day whole."
            )
        later = sorted(d for d in train_days if d > min(test_days))
        if later:
            return (
                f"fold {index} trains on day {later[0]!r}, which comes after one of its test "
                "days: train only on days before the test days."
            )
    return ""


@dataclass(frozen=True)
class ForwardSplits(Comparator):
    """A function returning cross-validation folds, ``[(train_rows, test_rows), ...]``, called on
    each case: folds must hold whole days, train only on earlier days, and equal the reference's
    (each side's row positions compared as sets, none listed twice; a generator of pairs is read
    as a list). Observations are lists, ints and strings, so they survive the grader's JSON."""

    cases: tuple

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        calls = []
        for case in self.cases:
            days = np.asarray(case["days"])
            try:
                pairs = list(value(**copied(case)))
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                calls.append({"raised": _raised(err)})
                continue
            folds, problem = [], ""
            for index, pair in enumerate(pairs):
                if isinstance(pair, str | bytes) or not hasattr(pair, "__len__") or len(pair) != 2:
                    problem = (
                        f"fold {index} is {compare.short_repr(pair)}, not a (train_rows, "
                        "test_rows) pair: return a list with one such pair per fold."
                    )
                    break
                train, why = _positions(pair[0], len(days), "training", index)
                test, why_test = _positions(pair[1], len(days), "test", index)
                if train is None or test is None:
                    problem = why or why_test
                    break
                folds.append([train, test])
            calls.append({"folds": folds, "problem": problem or _problem(folds, days)})
        return {"calls": calls}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        for case, got, want in zip(self.cases, observed["calls"], expected["calls"]):
            call = f"`{call_signature(name, case)}`"
            if "raised" in got:
                return f"{call} raised {got['raised']}"
            if got["problem"]:
                return f"for {call}: {got['problem']}"
            if len(got["folds"]) != len(want["folds"]):
                return (
                    f"{call} returned {len(got['folds'])} folds; it should return one per "
                    f"split, {len(want['folds'])}."
                )
            for index, (pair, wanted) in enumerate(zip(got["folds"], want["folds"])):
                for part, rows, wanted_rows in zip(("test", "training"), pair[::-1], wanted[::-1]):
                    missing = len(set(wanted_rows) - set(rows))
                    extra = len(set(rows) - set(wanted_rows))
                    if missing or extra:
                        return (
                            f"for {call}: fold {index} has {len(rows)} {part} rows, with "
                            f"{missing} expected rows missing and {extra} unexpected. The "
                            "blocks of days should be the ones TimeSeriesSplit makes of the "
                            "sorted distinct days."
                        )
        return None

    def matches(self, observed, recorded):
        return observed == recorded


_split_rng = np.random.default_rng(7)
_UNEQUAL = np.repeat(np.arange(1, 8), [5, 3, 6, 2, 4, 5, 3])  # days with 2 to 6 rows
_DATES = np.repeat(
    np.array(["2011-03-01", "2011-03-02", "2011-03-04", "2011-03-07", "2011-03-08", "2011-03-10"]),
    [4, 1, 3, 5, 2, 3],
)
_SPLIT_CASES = (
    dict(days=np.repeat(np.arange(1, 9), 3), n_splits=3),  # in order, equal days
    dict(days=_UNEQUAL, n_splits=2),  # in order, unequal days
    dict(days=_split_rng.permutation(_UNEQUAL), n_splits=3),  # rows not in time order
    dict(days=_split_rng.permutation(_DATES), n_splits=2),  # dates as text, with gaps
    dict(days=np.repeat(np.array([20, 3, 11, 5, 8, 14, 17]), [2, 4, 3, 3, 1, 2, 3]), n_splits=3),
)


# --- 04.01.4: bias and variance on a planted truth ----------------------------------------------


class _Draws:
    """Draws training sets from a planted truth: `n` points spread uniformly over
    [low, high), each target the truth plus normal noise (its own seeded generator)."""

    def __init__(self, truth, low: float, high: float, n: int, noise_sd: float, seed: int):
        self.truth, self.low, self.high, self.n, self.noise_sd = truth, low, high, n, noise_sd
        self.rng = np.random.default_rng(seed)

    def __call__(self):
        x = self.rng.uniform(self.low, self.high, self.n)
        return x.reshape(-1, 1), self.truth(x) + self.rng.normal(0.0, self.noise_sd, self.n)

    def __repr__(self) -> str:
        return f"draws(n={self.n}, noise_sd={self.noise_sd:g})"


def _two_peaks(hours):
    """A planted daily profile: two commuting peaks and a midday hump."""
    return (
        40
        + 380 * np.exp(-(((hours - 8) / 1.2) ** 2))
        + 420 * np.exp(-(((hours - 17.5) / 1.6) ** 2))
        + 120 * np.exp(-(((hours - 13) / 3) ** 2))
    )


def _wave(x):
    return np.sin(2 * np.pi * x)


def _bias_variance_cases() -> list[dict]:
    from sklearn.linear_model import LinearRegression
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.tree import DecisionTreeRegressor

    hours = np.arange(0, 24, 0.5).reshape(-1, 1)
    unit = np.linspace(0, 1, 25).reshape(-1, 1)
    return [
        dict(
            model=KNeighborsRegressor(n_neighbors=1),
            draw_training_set=_Draws(_two_peaks, 0, 24, 40, 60.0, seed=0),
            X_grid=hours,
            f_grid=_two_peaks(hours.ravel()),
            n_repeats=25,
        ),
        dict(
            model=KNeighborsRegressor(n_neighbors=15),
            draw_training_set=_Draws(_two_peaks, 0, 24, 40, 60.0, seed=1),
            X_grid=hours,
            f_grid=_two_peaks(hours.ravel()),
            n_repeats=25,
        ),
        dict(
            model=LinearRegression(),
            draw_training_set=_Draws(_wave, 0, 1, 30, 0.3, seed=2),
            X_grid=unit,
            f_grid=_wave(unit.ravel()),
            n_repeats=20,
        ),
        dict(
            model=DecisionTreeRegressor(max_depth=2, random_state=0),
            draw_training_set=_Draws(_wave, 0, 1, 30, 0.3, seed=3),
            X_grid=unit,
            f_grid=_wave(unit.ravel()),
            n_repeats=20,
        ),
    ]


# --- 04.01.5: a ridge penalty chosen by cross-validation ------------------------------------------
WIDE_SPLIT_SEED = 1  # the notebook's split of the 400 stores


def carseats_wide() -> tuple:
    """The notebook's wide table: the store features of carseats.csv (11 columns once one-hot
    encoded), their squares and pairwise products (77 columns); 100 stores to learn from, 300
    held out."""
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import PolynomialFeatures

    stores = pd.read_csv(data_file("carseats.csv"))
    X = pd.get_dummies(stores.drop(columns="Sales"), drop_first=True, dtype=float).to_numpy()
    X = PolynomialFeatures(2, include_bias=False).fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(
        X, stores["Sales"].to_numpy(), train_size=100, random_state=WIDE_SPLIT_SEED
    )
    return X_train, y_train, X_test, y_test


def smarket_wide() -> tuple:
    """A table with no signal to find: the S&P 500's daily return (`Today`, smarket.csv) from the
    five previous days' returns and the volume, with their squares and pairwise products (27
    columns); 100 days to learn from, 1,150 held out. A penalty chosen by CV shrinks nearly to
    the mean here (R² about -0.04); a fixed penalty that suits the store table overfits (alpha
    = 10: R² -0.20; 31.6: -0.13)."""
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import PolynomialFeatures

    market = pd.read_csv(data_file("smarket.csv"))
    lags = market[["Lag1", "Lag2", "Lag3", "Lag4", "Lag5", "Volume"]].to_numpy()
    X = PolynomialFeatures(2, include_bias=False).fit_transform(lags)
    X_train, X_test, y_train, y_test = train_test_split(
        X, market["Today"].to_numpy(), train_size=100, random_state=0
    )
    return X_train, y_train, X_test, y_test


@dataclass(frozen=True)
class OnEach(Comparator):
    """One model judged by several `Model` checks, one per data set, in order: correct only if it
    passes every one (a hyperparameter fixed by hand can suit one data set, not all)."""

    checks: tuple  # ((label, Model), ...)

    def observe(self, name, value):
        return {label: check.observe(name, value) for label, check in self.checks}

    def diff(self, name, observed, expected):
        for label, check in self.checks:
            reason = check.diff(name, observed[label], expected[label])
            if reason:
                return f"on {label}: {reason}"
        return None

    def matches(self, observed, recorded):
        return all(check.matches(observed[label], recorded[label]) for label, check in self.checks)


EXERCISES = [
    Exercise(
        id="04.01.1",
        title="Choose on validation rows, report on test rows",
        checks={"choose_k": Function(cases=_choose_k_cases())},
        hints=[
            "Fit one pipeline per k on `X_train, y_train` and score it with "
            "`.score(X_val, y_val)`; keep the scores in a list in the order of `ks`.",
            "`np.argmax` of that list is a *position* in `ks`, and `ks[position]` the k. The "
            "test rows come in only at the end: fit the pipeline for that k on the training "
            "rows and score it once on `X_test, y_test`.",
        ],
        solution="""
            def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                \"\"\"(best_k, test_accuracy): k chosen on the validation rows, scored once on the test rows.\"\"\"
                val_scores = [
                    make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
                    .fit(X_train, y_train)
                    .score(X_val, y_val)
                    for k in ks
                ]
                best_k = ks[int(np.argmax(val_scores))]
                chosen = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=best_k))
                return best_k, chosen.fit(X_train, y_train).score(X_test, y_test)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                    test_scores = [
                        make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
                        .fit(X_train, y_train)
                        .score(X_test, y_test)
                        for k in ks
                    ]
                    return ks[int(np.argmax(test_scores))], max(test_scores)
                """,
                "Did you choose k by its test accuracy? Then the test rows took part in the "
                "choice and the winner's test score is flattering, as in the coin-flip "
                "experiment; choose on `X_val, y_val` and use the test rows once, at the end.",
            ),
            WrongAnswer(
                """
                def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                    train_scores = [
                        make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
                        .fit(X_train, y_train)
                        .score(X_train, y_train)
                        for k in ks
                    ]
                    best_k = ks[int(np.argmax(train_scores))]
                    chosen = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=best_k))
                    return best_k, chosen.fit(X_train, y_train).score(X_test, y_test)
                """,
                "Did you choose k by training accuracy? With k = 1 every training row is its own "
                "nearest neighbour, so it always wins there; judge each k on the validation rows.",
            ),
            WrongAnswer(
                """
                def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                    val_scores = [
                        make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
                        .fit(X_train, y_train)
                        .score(X_val, y_val)
                        for k in ks
                    ]
                    return ks[int(np.argmax(val_scores))], max(val_scores)
                """,
                "Did you report the winner's validation accuracy? It was chosen because it is the "
                "highest of them all, so it flatters; the second value is the chosen model's score "
                "on the test rows.",
            ),
            WrongAnswer(
                """
                def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                    val_scores = [
                        make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
                        .fit(X_train, y_train)
                        .score(X_val, y_val)
                        for k in ks
                    ]
                    best_k = ks[int(np.argmax(val_scores))]
                    chosen = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=best_k))
                    X_both, y_both = np.vstack([X_train, X_val]), np.concatenate([y_train, y_val])
                    return best_k, chosen.fit(X_both, y_both).score(X_test, y_test)
                """,
                "Did you refit the chosen model on the training and validation rows together? "
                "That is a sound last step before deployment, but this exercise asks for the "
                "model fitted on `X_train` alone, the one whose k was chosen.",
            ),
            WrongAnswer(
                """
                def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                    val_scores = [
                        make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
                        .fit(X_train, y_train)
                        .score(X_val, y_val)
                        for k in ks
                    ]
                    best_k = int(np.argmax(val_scores))
                    chosen = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=best_k))
                    return best_k, chosen.fit(X_train, y_train).score(X_test, y_test)
                """,
                "Did you return the position of the best score? `np.argmax` gives an index into "
                "`ks`; the k itself is `ks[index]`.",
            ),
            WrongAnswer(
                """
                def choose_k(ks, X_train, y_train, X_val, y_val, X_test, y_test):
                    val_scores = [
                        KNeighborsClassifier(n_neighbors=k).fit(X_train, y_train).score(X_val, y_val)
                        for k in ks
                    ]
                    best_k = ks[int(np.argmax(val_scores))]
                    chosen = KNeighborsClassifier(n_neighbors=best_k)
                    return best_k, chosen.fit(X_train, y_train).score(X_test, y_test)
                """,
                "Did you leave out the StandardScaler? The tumour measurements have very "
                "different units, so without it the largest ones decide which rows are near; "
                "use the pipeline `make_pipeline(StandardScaler(), KNeighborsClassifier(...))`.",
            ),
        ],
        equivalent_mutants={
            "line 9: `int(np.argmax(val_scores))` -> `np.argmax(val_scores)`": (
                "A list accepts a NumPy integer as an index; `int` only makes the position a "
                "plain Python int, and `ks[...]` returns the same element either way."
            ),
        },
    ),
    Exercise(
        id="04.01.2",
        title="Cross-validation that keeps each day together",
        checks={"cv_by_day": Close()},
        hints=[
            "scikit-learn's splitter for groups is `GroupKFold` (in `sklearn.model_selection`): "
            "it never puts rows of one group on both sides of a fold.",
            "A splitter object goes in `cv=`, and the group of each row in the `groups=` "
            "argument of `cross_val_score`; here the groups are the `days` array.",
        ],
        solution="""
            cv_by_day = cross_val_score(tree_bikes, X_bikes, y_bikes, cv=GroupKFold(5), groups=days)
        """,
        wrong_answers=[
            WrongAnswer(
                "cv_by_day = cross_val_score(tree_bikes, X_bikes, y_bikes, cv=5, groups=days)\n",
                "Did you pass `groups=days` with `cv=5`? An integer `cv` means plain KFold, "
                "which ignores the groups (scikit-learn only warns): it cut the year into 5 "
                "blocks of consecutive hours. Pass a splitter that uses groups: `cv=GroupKFold(5)`.",
            ),
            WrongAnswer(
                "cv_by_day = cross_val_score(tree_bikes, X_bikes, y_bikes, "
                "cv=KFold(5, shuffle=True, random_state=0))\n",
                "Did you shuffle the hours into folds? That is the optimistic estimate above: "
                "the tree sees other hours of each validation day. Keep the days whole with "
                "GroupKFold and `groups=days`.",
            ),
            WrongAnswer(
                "cv_by_day = cross_val_score(tree_bikes, X_bikes, y_bikes, "
                "cv=GroupKFold(5, shuffle=True, random_state=0), groups=days)\n",
                "Did you shuffle the days (`shuffle=True`)? That also keeps each day whole and is "
                "a sound choice, but it deals the days into other folds than the ones this check "
                "scores; use the splitter with its defaults, as the exercise asks.",
            ),
            WrongAnswer(
                "cv_by_day = cross_val_score(tree_bikes, X_bikes, y_bikes, cv=GroupKFold(5), "
                "groups=days).mean()\n",
                "Did you average the five scores? `{name}` should keep all five, one per fold, so "
                "that you can see how much they vary.",
            ),
        ],
    ),
    Exercise(
        id="04.01.3",
        title="Forward in time, whole days at a time",
        checks={"day_forward_splits": ForwardSplits(cases=_SPLIT_CASES)},
        hints=[
            "Work on the distinct days first: `np.unique(days)` returns them sorted, and "
            "`TimeSeriesSplit(n_splits).split(...)` on that short array says which of them train "
            "and which test in each fold.",
            "Turn a fold's days into row positions with `np.isin(days, some_days)` (a mask over "
            "the rows) and `np.flatnonzero(mask)`; return one `(train_rows, test_rows)` pair per "
            "fold.",
        ],
        solution="""
            def day_forward_splits(days, n_splits):
                \"\"\"(train_rows, test_rows) per fold: whole days, each fold trained on earlier days.\"\"\"
                unique_days = np.unique(days)
                return [
                    (
                        np.flatnonzero(np.isin(days, unique_days[train])),
                        np.flatnonzero(np.isin(days, unique_days[test])),
                    )
                    for train, test in TimeSeriesSplit(n_splits).split(unique_days)
                ]
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def day_forward_splits(days, n_splits):
                    return list(TimeSeriesSplit(n_splits).split(days))
                """,
                "Did you apply TimeSeriesSplit to the rows? It counts rows, not days, so with "
                "days of unequal length a fold boundary falls inside a day, and rows that are "
                "not in time order are split by position; split the sorted distinct days.",
            ),
            WrongAnswer(
                """
                def day_forward_splits(days, n_splits):
                    return list(GroupKFold(n_splits).split(days, groups=days))
                """,
                "Did you use GroupKFold? It keeps days whole, but trains on days after the test "
                "days; a forward split trains only on the past.",
            ),
            WrongAnswer(
                """
                def day_forward_splits(days, n_splits):
                    unique_days = pd.unique(days)
                    return [
                        (
                            np.flatnonzero(np.isin(days, unique_days[train])),
                            np.flatnonzero(np.isin(days, unique_days[test])),
                        )
                        for train, test in TimeSeriesSplit(n_splits).split(unique_days)
                    ]
                """,
                "Did you take the days in the order they first appear (`pd.unique`)? When the "
                "rows are not in time order that is not the calendar: sort the days "
                "(`np.unique` does).",
            ),
            WrongAnswer(
                """
                def day_forward_splits(days, n_splits):
                    unique_days = np.unique(days)
                    blocks = np.array_split(np.arange(len(unique_days)), n_splits)
                    return [
                        (
                            np.flatnonzero(np.isin(days, unique_days[: block[0]])),
                            np.flatnonzero(np.isin(days, unique_days[block])),
                        )
                        for block in blocks
                    ]
                """,
                "Did you cut the days into `n_splits` blocks and test on each? The first block has "
                "no earlier days to learn from. TimeSeriesSplit cuts n_splits + 1 blocks and tests "
                "on all but the first.",
            ),
            WrongAnswer(
                """
                def day_forward_splits(days, n_splits):
                    unique_days = np.unique(days)
                    return [
                        (unique_days[train], unique_days[test])
                        for train, test in TimeSeriesSplit(n_splits).split(unique_days)
                    ]
                """,
                "Did you return the days themselves? `cross_val_score(cv=...)` needs the "
                "positions of the rows in each fold: turn each block of days into row positions "
                "with `np.isin` and `np.flatnonzero`.",
            ),
        ],
    ),
    Exercise(
        id="04.01.4",
        title="Bias and variance, measured on a planted truth",
        checks={"bias_variance": Function(cases=_bias_variance_cases())},
        hints=[
            "Call `draw_training_set()` once per repetition, fit a fresh `clone(model)` on what "
            "it returns, and keep its predictions on `X_grid`: stacked, they make an array of "
            "shape (n_repeats, number of grid points).",
            "Average that array over the repetitions (axis 0) to get the average model; bias² "
            "compares it with `f_grid`, variance is `np.var` over axis 0; then average each over "
            "the grid points.",
        ],
        solution="""
            def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                \"\"\"(bias², variance) of `model` over `n_repeats` training sets, averaged over X_grid.\"\"\"
                predictions = np.array(
                    [clone(model).fit(*draw_training_set()).predict(X_grid) for _ in range(n_repeats)]
                )
                bias_sq = np.mean((predictions.mean(axis=0) - f_grid) ** 2)
                variance = np.mean(predictions.var(axis=0))
                return bias_sq, variance
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                    X, y = draw_training_set()
                    predictions = np.array(
                        [clone(model).fit(X, y).predict(X_grid) for _ in range(n_repeats)]
                    )
                    bias_sq = np.mean((predictions.mean(axis=0) - f_grid) ** 2)
                    variance = np.mean(predictions.var(axis=0))
                    return bias_sq, variance
                """,
                "Did you draw one training set and fit it `n_repeats` times? Every fit is then "
                "the same and the variance is 0: call `draw_training_set()` inside the loop.",
            ),
            WrongAnswer(
                """
                def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                    models = [model.fit(*draw_training_set()) for _ in range(n_repeats)]
                    predictions = np.array([m.predict(X_grid) for m in models])
                    bias_sq = np.mean((predictions.mean(axis=0) - f_grid) ** 2)
                    variance = np.mean(predictions.var(axis=0))
                    return bias_sq, variance
                """,
                "Did you keep the fitted models in a list and predict afterwards? `fit` refits "
                "and returns the same object, so the list holds one model n times, the last "
                "fit; predict right after each fit (or fit a `clone(model)`).",
            ),
            WrongAnswer(
                """
                def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                    predictions = np.array(
                        [clone(model).fit(*draw_training_set()).predict(X_grid) for _ in range(n_repeats)]
                    )
                    bias_sq = np.mean((predictions.mean(axis=0) - f_grid) ** 2)
                    variance = np.mean((predictions - f_grid) ** 2)
                    return bias_sq, variance
                """,
                "Did you measure the spread around the truth? That is the whole expected error "
                "(bias² + variance); variance is the spread around the *average prediction*, "
                "`predictions.mean(axis=0)`.",
            ),
            WrongAnswer(
                """
                def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                    predictions = np.array(
                        [clone(model).fit(*draw_training_set()).predict(X_grid) for _ in range(n_repeats)]
                    )
                    bias_sq = np.mean(predictions.mean(axis=0) - f_grid) ** 2
                    variance = np.mean(predictions.var(axis=0))
                    return bias_sq, variance
                """,
                "Did you average the signed differences before squaring? Too high at one grid "
                "point and too low at another then cancel; square each point's difference first.",
            ),
            WrongAnswer(
                """
                def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                    predictions = np.array(
                        [clone(model).fit(*draw_training_set()).predict(X_grid) for _ in range(n_repeats)]
                    )
                    bias_sq = np.mean((predictions.mean(axis=0) - f_grid) ** 2)
                    variance = np.mean(predictions.var(axis=1))
                    return bias_sq, variance
                """,
                "Did you take the variance along the grid (axis=1)? That measures how much one "
                "fitted curve goes up and down, not how much the fits differ from one training "
                "set to another: take it over the repetitions, axis 0.",
            ),
            WrongAnswer(
                """
                def bias_variance(model, draw_training_set, X_grid, f_grid, n_repeats):
                    predictions = np.array(
                        [clone(model).fit(*draw_training_set()).predict(X_grid) for _ in range(n_repeats)]
                    )
                    bias_sq = np.mean((predictions.mean(axis=0) - f_grid) ** 2)
                    variance = np.mean(predictions.var(axis=0, ddof=1))
                    return bias_sq, variance
                """,
                "Did you divide by n_repeats - 1 (`ddof=1`, or pandas' `.var()`)? The "
                "decomposition uses the plain mean of squared deviations, NumPy's default.",
            ),
        ],
        equivalent_mutants={
            "line 4: `clone(model)` -> `model`": (
                "A scikit-learn `fit` starts from scratch (no warm start in any case), and each "
                "fit's predictions are taken before the next fit: refitting `model` itself "
                "predicts the same."
            ),
            "line 6: operands of `-` swapped": "(a - b)² equals (b - a)².",
        },
    ),
    Exercise(
        id="04.01.5",
        title="A ridge penalty chosen by cross-validation, inside the model",
        checks={
            "model": OnEach(
                (
                    (
                        "the store table",
                        Model(carseats_wide, at_least=0.8, metric="r2", seeds=(0,)),
                    ),
                    (
                        "the S&P 500 table",
                        Model(smarket_wide, at_least=-0.06, metric="r2", seeds=(0,)),
                    ),
                )
            )
        },
        hints=[
            "The penalty only means the same for every column when the columns share a scale: "
            "put a `StandardScaler` first in a pipeline.",
            "scikit-learn has a ridge that cross-validates its own penalty when it is fitted, "
            "`RidgeCV`, given the values to try; `GridSearchCV` over a pipeline that ends in "
            "`Ridge` does the same with any splitter.",
        ],
        solution="""
            model = make_pipeline(StandardScaler(), RidgeCV(alphas=alphas))
        """,
        wrong_answers=[
            WrongAnswer(
                "model = make_pipeline(StandardScaler(), LinearRegression())\n",
                "Did you fit least squares with no penalty? With 77 columns and 100 stores it "
                "fits the noise of the training stores; add a ridge penalty and let "
                "cross-validation choose its strength.",
            ),
            WrongAnswer(
                "model = make_pipeline(StandardScaler(), RidgeCV())\n",
                "Did you leave out `alphas=alphas`, or fix `alpha=10` by hand? RidgeCV's default "
                "grid (0.1, 1, 10) stops at 10, the penalty that suits the store table; on the "
                "S&P 500 table, which has nothing to find, it fits noise. Give RidgeCV the wide "
                "grid `alphas`, so that cross-validation can also choose to shrink hard.",
            ),
            WrongAnswer(
                "model = make_pipeline(StandardScaler(), Ridge(alpha=30))\n",
                "Did you fix alpha by hand, at a value that suits the store table? On the S&P 500 "
                "table, which has nothing to find, the same penalty fits noise; a model that "
                "chooses alpha by cross-validation on whatever rows it is fitted on adapts to both.",
            ),
            WrongAnswer(
                "model = make_pipeline(StandardScaler(), Ridge())\n",
                "Did you keep Ridge's default `alpha=1.0`? It is a guess, and too weak here; let "
                "cross-validation on the training rows choose alpha from `alphas`.",
            ),
            WrongAnswer(
                "model = RidgeCV(alphas=alphas)\n",
                "Did you leave out the StandardScaler? The columns range from 0-1 dummies to "
                "squared prices in the tens of thousands, so one alpha shrinks some coefficients "
                "hard and barely touches others; standardise first, inside the pipeline.",
            ),
        ],
    ),
]
