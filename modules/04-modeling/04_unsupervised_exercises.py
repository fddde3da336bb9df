"""Exercises of 04_unsupervised.ipynb: the two steps of k-means from scratch (empty clusters
included), choosing k by the silhouette, a scaled PCA + k-means pipeline judged on held-out
wines, robust z-scores (with a spread of 0), and a local anomaly detector that beats an isolation
forest on planted mixed-up penguin records."""

from __future__ import annotations

import numpy as np

from mlcourse.exercise import Close, Exact, Exercise, Function, Model, WrongAnswer


class IntegerLabels(Close):
    """Close, and the labels must be integers: they index the rows of ``centers``. (A float
    array is observed as a short text that says its dtype, which the grader carries as is.)"""

    def observe(self, name, value):
        array = np.asarray(value)
        if array.dtype.kind == "f":
            return f"float labels ({array.dtype})"
        return value

    def diff(self, name, observed, expected):
        if isinstance(observed, str) or isinstance(expected, str):
            if isinstance(observed, str) and isinstance(expected, str) and observed == expected:
                return None
            if isinstance(observed, str):
                return (
                    f"`{name}` holds {observed}: labels are positions of centres, and "
                    "`centers[labels]` or `np.bincount(labels)` need integers. An array filled "
                    "in a loop from `np.zeros(n)` holds floats; `np.argmin` returns integers."
                )
            return f"`{name}` should hold {expected}."
        return super().diff(name, observed, expected)


# --- 04.04.1: the assignment step ---------------------------------------------------------------
# Cases: a plain one; a point equidistant from centres 0 and 2 (the lower index wins) and a
# duplicated centre; one where the Manhattan and the Euclidean nearest centre differ; a single
# feature; a single centre; more centres than points; 3-D points on very different scales.
_assign_rng = np.random.default_rng(4041)
_ASSIGN_CASES = [
    dict(
        X=np.array([[0.0, 0.0], [1.0, 1.0], [9.0, 9.0], [10.0, 8.0], [0.0, 9.0], [5.0, 5.2]]),
        centers=np.array([[0.5, 0.5], [9.5, 8.5], [0.0, 10.0]]),
    ),
    dict(
        X=np.array([[0.0, 0.0], [2.0, 2.0], [4.0, 0.0]]),
        centers=np.array([[2.0, 0.0], [6.0, 6.0], [2.0, 0.0], [-2.0, 0.0]]),
    ),
    dict(X=np.array([[0.0, 0.0], [1.0, 0.5]]), centers=np.array([[3.0, 3.0], [5.0, 0.0]])),
    dict(X=np.array([[1.0], [2.9], [3.1], [7.0], [-4.0]]), centers=np.array([[0.0], [4.0]])),
    dict(X=_assign_rng.normal(size=(5, 3)), centers=np.array([[0.2, -0.1, 0.4]])),
    dict(
        X=np.array([[1.0, 1.0], [6.0, 5.0]]), centers=np.array([[0.0, 0.0], [5.0, 5.0], [1.0, 2.0]])
    ),
    dict(
        X=_assign_rng.normal(size=(40, 3)) * [1.0, 100.0, 0.01],
        centers=_assign_rng.normal(size=(4, 3)) * [1.0, 100.0, 0.01],
    ),
]

# --- 04.04.2: the update step -------------------------------------------------------------------
# Cases: every cluster used; cluster 1 empty; the *last* cluster empty (a bincount without
# minlength, or a loop over np.unique(labels), returns too few rows); integer pixels and integer
# centres (the means are not integers); a cluster of one point; a single feature; a cluster
# whose points all lie at the origin and one whose points sum to 0 (a test `if members.any()`
# or `if members.sum()` instead of counting the rows keeps their old centres).
_UPDATE_CASES = [
    dict(
        X=np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 14.0], [5.0, -3.0]]),
        labels=np.array([0, 0, 1, 1, 2]),
        centers=np.array([[1.0, 1.0], [11.0, 11.0], [4.0, -2.0]]),
    ),
    dict(
        X=np.array([[0.0, 1.0], [1.0, 3.0], [8.0, 8.0], [9.0, 7.0]]),
        labels=np.array([2, 0, 2, 0]),
        centers=np.array([[0.0, 0.0], [50.0, -50.0], [8.0, 8.0]]),
    ),
    dict(
        X=np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [4.0, 4.0, 4.0], [0.0, 0.0, 1.0]]),
        labels=np.array([1, 0, 1, 0]),
        centers=np.array([[0.0, 0.0, 0.0], [2.0, 2.0, 2.0], [-7.0, 3.0, 5.0], [9.0, 9.0, 9.0]]),
    ),
    dict(
        X=np.array([[0, 16, 3], [1, 12, 4], [16, 0, 0], [15, 2, 1], [8, 8, 8]]),
        labels=np.array([0, 0, 1, 1, 1]),
        centers=np.array([[0, 14, 4], [12, 3, 2]]),
    ),
    dict(
        X=np.array([[2.0], [4.0], [9.0], [-1.0]]),
        labels=np.array([1, 1, 0, 2]),
        centers=np.array([[0.0], [1.0], [2.0]]),
    ),
    dict(
        X=np.array([[0.0, 0.0], [0.0, 0.0], [-1.0, 2.0], [1.0, -2.0], [3.0, 3.0]]),
        labels=np.array([0, 0, 1, 1, 2]),
        centers=np.array([[1.0, 1.0], [2.0, -1.0], [3.0, 2.0]]),
    ),
]


# --- 04.04.3: choosing k ------------------------------------------------------------------------
def _blobs(centres, sizes, spread, seed):
    """Round clusters of the given sizes around ``centres``, far apart: the best k is clear."""
    rng = np.random.default_rng(seed)
    return np.vstack(
        [rng.normal(c, s, size=(n, len(c))) for c, n, s in zip(centres, sizes, spread)]
    )


_CHOOSE_CASES = [
    # four clusters on a square; ks from 2 (the position in ks is not k)
    dict(
        X=_blobs([(0, 0), (10, 0), (0, 10), (10, 10)], [30] * 4, [1.0] * 4, seed=1),
        ks=range(2, 8),
    ),
    # two clusters: the smallest k tried is the answer
    dict(X=_blobs([(0, 0), (12, 3)], [40, 40], [1.5, 1.5], seed=3), ks=[2, 3, 4, 5]),
    # three clusters of unequal sizes and spreads
    dict(
        X=_blobs([(0, 0), (15, 0), (6, 12)], [60, 20, 10], [2.0, 1.0, 0.5], seed=4),
        ks=range(2, 7),
    ),
    # two clusters, but k = 2 is not offered (ks is a list that starts at 3): the answer is the
    # best k in ks (3), not the best k overall (a loop over its own range of k returns 2)
    dict(X=_blobs([(0, 0), (12, 3)], [40, 40], [1.5, 1.5], seed=3), ks=[3, 4, 5, 6]),
    # four planted groups, two of them overlapping: the silhouette prefers 3 (0.05 ahead of
    # the next k), the Davies-Bouldin index 2 (an argmin of it passes the other cases)
    dict(
        X=_blobs(
            [(12, 15), (1, 11), (14, 13), (13, 4)], [26, 33, 26, 21], [2.4, 1.0, 1.8, 2.0], 126
        ),
        ks=range(2, 7),
    ),
]


# --- 04.04.4: a clustering pipeline, judged on held-out wines -----------------------------------
def wine_splits():
    """(X_train, y_train, X_test, y_test) of the wine data, as the notebook splits them, except
    that y_train is 0 for every wine: a clustering needs no labels, and a classifier that would
    learn the cultivars from them (skipping the point) has only one class to learn."""
    from sklearn.datasets import load_wine
    from sklearn.model_selection import train_test_split

    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    return X_train, np.zeros_like(y_train), X_test, y_test


# --- 04.04.5: robust z-scores -------------------------------------------------------------------
# Cases: an even number of rows with two gross errors in a column on a large scale (a mean and a
# standard deviation are pulled by them; the median of an even count averages two values); a
# column whose MAD is 0 but not all equal; a constant column; columns on scales 1, 100 and 0.01
# with planted outliers; integers; a single column.
_z_rng = np.random.default_rng(4045)
_many = _z_rng.normal(size=(60, 3)) * [1.0, 100.0, 0.01] + [0.0, 5000.0, 0.3]
_many[[3, 17, 41], [0, 1, 2]] = [9.0, 9000.0, 2.0]
_Z_CASES = [
    dict(
        X=np.array(
            [
                [3.1, 4200.0],
                [2.9, 3900.0],
                [3.4, 4.1],
                [3.0, 3800.0],
                [3.3, 4.4],
                [2.8, 4050.0],
                [3.2, 4400.0],
                [9.9, 3700.0],
            ]
        )
    ),
    dict(
        X=np.array(
            [[5.0, 1.0], [5.0, 2.0], [5.0, 3.0], [5.0, 4.0], [6.0, 5.0], [9.0, 60.0], [5.0, 7.0]]
        )
    ),
    dict(X=np.array([[2.0, 0.5], [2.0, 0.7], [2.0, 0.4], [2.0, 3.0], [2.0, 0.6]])),
    dict(X=_many),
    dict(X=np.array([[0, 16], [1, 12], [16, 0], [15, 2], [8, 8], [0, 9]])),
    dict(X=np.array([[10.0], [12.0], [11.0], [50.0], [9.0], [10.5]])),
]

_MASKING = (
    "Did you use the mean and the standard deviation? A few gross errors pull the mean and "
    "inflate the standard deviation, so the errors look ordinary (masking). Centre on the "
    "median and divide by 1.4826 × MAD."
)


# --- 04.04.6: a detector for the mixed-up records -----------------------------------------------
MEASURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


def mixed_record_splits():
    """(X_train, y_train, X_test, y_test): the penguins with 30 planted mixed-up records (the
    bill of one bird with the flipper and mass of a bird from the other size group), split by
    the same recipe as the notebook's cell. y_test is -1 for a planted record and 1 for a real
    one; y_train is 1 for every row, as a detector learns without the planted flags (a
    classifier trained on them would skip the point, and has one class to learn here)."""
    import pandas as pd
    from sklearn.model_selection import train_test_split

    from mlcourse.layout import data_file

    penguins = pd.read_csv(data_file("penguins.csv")).dropna(subset=MEASURES)
    X_clean = penguins[MEASURES].to_numpy(dtype=float)
    gentoo = (penguins["species"] == "Gentoo").to_numpy()
    planting = np.random.default_rng(2024)
    mixed = planting.choice(len(X_clean), size=30, replace=False)
    X_mixed = X_clean.copy()
    for row in mixed:
        donor = planting.choice(np.flatnonzero(gentoo != gentoo[row]))
        X_mixed[row, 2:] = X_clean[donor, 2:]
    y_mixed = np.ones(len(X_mixed), dtype=int)
    y_mixed[mixed] = -1
    X_train, X_test, y_train, y_test = train_test_split(
        X_mixed, y_mixed, test_size=1 / 3, stratify=y_mixed, random_state=0
    )
    return X_train, np.ones_like(y_train), X_test, y_test


EXERCISES = [
    Exercise(
        id="04.04.1",
        title="The assignment step: every point to its nearest centre",
        checks={"assign_clusters": Function(cases=_ASSIGN_CASES, returns=IntegerLabels())},
        hints=[
            "Insert an axis in each array so that the difference broadcasts to shape "
            "(n points, k centres, d features): `X[:, None, :]` has shape (n, 1, d) and "
            "`centers[None, :, :]` shape (1, k, d).",
            "Take the length of each difference along the last axis (the features), which "
            "leaves an (n, k) table of distances, then the position of the smallest entry in "
            "each row: `np.argmin(..., axis=1)` returns the first one on a tie.",
        ],
        solution="""
            def assign_clusters(X, centers):
                \"\"\"Index of the nearest centre (Euclidean) for each row of X.\"\"\"
                distances = np.linalg.norm(X[:, None, :] - centers[None, :, :], axis=2)
                return np.argmin(distances, axis=1)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def assign_clusters(X, centers):
                    distances = np.linalg.norm(X[:, None, :] - centers[None, :, :], axis=2)
                    return np.argmax(distances, axis=1)
                """,
                "Did you take `argmax`? That picks the farthest centre; each point joins the "
                "nearest one, `np.argmin`.",
            ),
            WrongAnswer(
                """
                def assign_clusters(X, centers):
                    distances = np.abs(X[:, None, :] - centers[None, :, :]).sum(axis=2)
                    return np.argmin(distances, axis=1)
                """,
                "Did you add absolute differences? That is the Manhattan distance, and the "
                "nearest centre can change: k-means minimises squared Euclidean distances.",
            ),
            WrongAnswer(
                """
                def assign_clusters(X, centers):
                    distances = np.linalg.norm(X[:, None, :] - centers[None, :, :], axis=1)
                    return np.argmin(distances, axis=1)
                """,
                "Did you take the norm along axis 1? In the (n, k, d) array of differences "
                "that runs over the centres; the features are the last axis.",
            ),
            WrongAnswer(
                """
                def assign_clusters(X, centers):
                    distances = np.linalg.norm(X[:, None, :] - centers[None, :, :], axis=2)
                    return np.argmin(distances)
                """,
                "Did you call `np.argmin` without `axis`? It returns one position in the "
                "flattened table; `{name}` needs one centre per row.",
            ),
            WrongAnswer(
                """
                def assign_clusters(X, centers):
                    labels = np.zeros(len(X))
                    for i, x in enumerate(X):
                        labels[i] = np.argmin(np.linalg.norm(centers - x, axis=1))
                    return labels
                """,
                "Did you fill `np.zeros(len(X))` in a loop? That array holds floats, which "
                "cannot index `centers`; broadcast instead (or give `dtype=int`).",
            ),
        ],
        equivalent_mutants={
            "line 3: operands of `-` swapped": (
                "A difference and its negative have the same Euclidean norm."
            ),
        },
    ),
    Exercise(
        id="04.04.2",
        title="The update step, empty clusters included",
        checks={"update_centers": Function(cases=_UPDATE_CASES, keeps_inputs=True)},
        hints=[
            "Start from a float copy of `centers` (`centers.astype(float)` makes one), so a "
            "centre you do not move keeps its place, integer inputs give fractional means, "
            "and the caller's array is left alone.",
            "Loop over the k cluster numbers, not over the labels that occur: select the rows "
            "with `X[labels == j]` and replace row j of the copy by their mean along axis 0 "
            "only when that selection has at least one row.",
        ],
        solution="""
            def update_centers(X, labels, centers):
                \"\"\"Each centre moved to the mean of its rows; a centre with none stays put.\"\"\"
                new_centers = centers.astype(float)
                for j in range(len(centers)):
                    members = X[labels == j]
                    if len(members) > 0:
                        new_centers[j] = members.mean(axis=0)
                return new_centers
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def update_centers(X, labels, centers):
                    return np.array([X[labels == j].mean(axis=0) for j in range(len(centers))])
                """,
                "Did you take the mean of an empty cluster? The mean of no rows is NaN, and a "
                "NaN centre wins every later assignment (`np.argmin` returns the position of a "
                "NaN). Leave a centre with no rows where it was.",
            ),
            WrongAnswer(
                """
                def update_centers(X, labels, centers):
                    new_centers = np.zeros(centers.shape)
                    for j in range(len(centers)):
                        members = X[labels == j]
                        if len(members) > 0:
                            new_centers[j] = members.mean(axis=0)
                    return new_centers
                """,
                "Did you start from zeros? An empty cluster's centre then jumps to the origin; "
                "it should keep its previous position, so start from a copy of `centers`.",
            ),
            WrongAnswer(
                """
                def update_centers(X, labels, centers):
                    return np.array([X[labels == j].mean(axis=0) for j in np.unique(labels)])
                """,
                "Did you loop over `np.unique(labels)`? An empty cluster does not occur in "
                "`labels`, so its row goes missing and the centres after it shift up; loop "
                "over `range(len(centers))`.",
            ),
            WrongAnswer(
                """
                def update_centers(X, labels, centers):
                    for j in range(len(centers)):
                        members = X[labels == j]
                        if len(members) > 0:
                            centers[j] = members.mean(axis=0)
                    return centers
                """,
                "Did you write the new means into `centers` itself? That changes the caller's "
                "array (a k-means loop that compares old and new centres then sees no change), "
                "and integer centres round the means. Work on `centers.astype(float)`.",
            ),
            WrongAnswer(
                """
                def update_centers(X, labels, centers):
                    new_centers = centers.astype(float)
                    for j in range(len(centers)):
                        members = X[labels == j]
                        if len(members) > 0:
                            new_centers[j] = members.mean()
                    return new_centers
                """,
                "Did you call `.mean()` without `axis=0`? That averages every coordinate of "
                "the cluster into one number; each feature needs its own mean.",
            ),
            WrongAnswer(
                """
                def update_centers(X, labels, centers):
                    new_centers = centers.astype(float)
                    for j in range(len(centers)):
                        members = X[labels == j]
                        if members.any():
                            new_centers[j] = members.mean(axis=0)
                    return new_centers
                """,
                "Did you test `members.any()`? That asks whether some coordinate is non-zero, "
                "so a cluster of points at the origin keeps its old centre; an empty cluster "
                "is one with no rows: test `len(members)`.",
            ),
        ],
    ),
    Exercise(
        id="04.04.3",
        title="Choosing k by the silhouette",
        checks={"choose_k": Function(cases=_CHOOSE_CASES, returns=Exact())},
        hints=[
            "For each k in `ks`, fit `KMeans(n_clusters=k, n_init=10, random_state=0)` and "
            "score its labels with `silhouette_score(X, labels)`; keep the scores in a list in "
            "the order of `ks`.",
            "`np.argmax(scores)` is a *position* in that list; `ks` may start at 2 or 3, so "
            "turn the position back into a number of clusters with `list(ks)[position]`.",
        ],
        solution="""
            def choose_k(X, ks):
                \"\"\"The k in ks whose k-means clustering of X has the largest mean silhouette.\"\"\"
                ks = list(ks)
                scores = [
                    silhouette_score(X, KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X))
                    for k in ks
                ]
                return ks[int(np.argmax(scores))]
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def choose_k(X, ks):
                    ks = list(ks)
                    inertias = [KMeans(n_clusters=k, n_init=10, random_state=0).fit(X).inertia_ for k in ks]
                    return ks[int(np.argmin(inertias))]
                """,
                "Did you pick the k with the smallest inertia? Inertia falls every time a "
                "centre is added, so that always returns the largest k tried; compare "
                "silhouettes instead.",
            ),
            WrongAnswer(
                """
                def choose_k(X, ks):
                    scores = [
                        silhouette_score(X, KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(X))
                        for k in ks
                    ]
                    return int(np.argmax(scores))
                """,
                "Did you return the position of the best score? `ks` need not start at 0, so "
                "position 2 in `range(2, 8)` is k = 4; return the k at that position.",
            ),
            WrongAnswer(
                """
                def choose_k(X, ks):
                    ks = list(ks)
                    inertias = [KMeans(n_clusters=k, n_init=10, random_state=0).fit(X).inertia_ for k in ks]
                    return ks[int(np.argmax(-np.diff(inertias))) + 1]
                """,
                "Did you look for the largest drop in inertia (an automatic elbow)? The biggest "
                "drop usually comes from the first centres added, whatever the data hold; "
                "`{name}` should maximise the mean silhouette.",
            ),
        ],
        equivalent_mutants={
            "line 3: `ks = list(ks)` removed": (
                "The exercise passes a list or a range; both can be iterated twice and indexed "
                "by position, which is all the function does with `ks`."
            ),
            "line 8: `int(np.argmax(scores))` -> `np.argmax(scores)`": (
                "Lists and ranges accept a NumPy integer as an index as well as a Python int."
            ),
            "line 5: keyword `n_init=10` dropped from `KMeans`": (
                "On the check's data sets one k-means++ start or ten pick the same k (measured "
                "for 1, 9, 10 and 11 starts with seeds 0, 1 and none). The exercise judges the "
                "choice of k, not the number of starts."
            ),
            "line 5: `10` -> `11`": "Another number of starts: the same k (see above).",
            "line 5: `10` -> `9`": "Another number of starts: the same k (see above).",
            "line 5: keyword `random_state=0` dropped from `KMeans`": (
                "Every seed tried picks the same k on the check's data sets (see the number of "
                "starts)."
            ),
            "line 5: `0` -> `1`": "Another seed: the same k (see above).",
        },
    ),
    Exercise(
        id="04.04.4",
        title="A clustering pipeline for wines: scale, project, cluster",
        checks={
            "model": Model(
                wine_splits, at_least=0.75, metric="adjusted_rand_score", seeds=(0, 1, 2)
            )
        },
        hints=[
            "Wine's 13 measurements come in different units (proline runs into the thousands): "
            "which step of section 3 must come before any distance, and before PCA?",
            "`make_pipeline` takes the steps in the order the data pass through them: a "
            "scaler, then `PCA` with the number of components asked for, then `KMeans` with "
            "one cluster per cultivar (how many are there?) and `n_init=10`.",
        ],
        solution="""
            model = make_pipeline(StandardScaler(), PCA(n_components=2), KMeans(n_clusters=3, n_init=10))
        """,
        wrong_answers=[
            WrongAnswer(
                "model = make_pipeline(PCA(n_components=2), KMeans(n_clusters=3, n_init=10))\n",
                "Did you leave the features unscaled? Proline, in the hundreds and thousands, "
                "holds almost all the variance, so PCA and k-means see little else; "
                "standardise first.",
            ),
            WrongAnswer(
                "model = make_pipeline(PCA(n_components=2), StandardScaler(), "
                "KMeans(n_clusters=3, n_init=10))\n",
                "Did you scale after PCA? The components were already chosen on the raw "
                "units (mostly proline); scaling must come first in the pipeline.",
            ),
            WrongAnswer(
                "model = make_pipeline(StandardScaler(), PCA(n_components=2), "
                "KMeans(n_clusters=2, n_init=10))\n",
                "Did you ask for 2 clusters? The wines come from 3 cultivars; with 2 clusters "
                "two of them must share one.",
            ),
        ],
        equivalent_mutants={
            "line 1: keyword `n_components=2` dropped from `PCA`": (
                "PCA keeping all 13 components only rotates the standardised data; k-means on "
                "it scores an ARI of 0.834 on the test wines for each seed (2 components: "
                "0.883), above the 0.75 bar: a correct answer, as the check should accept."
            ),
            "line 1: `2` -> `3`": (
                "Three components score 0.883 for each seed, as two do: a correct answer."
            ),
            "line 1: keyword `n_init=10` dropped from `KMeans`": (
                "One k-means++ start (the default) scores 0.883, 0.883 and 0.940 for seeds 0, "
                "1 and 2: a correct answer; section 3 explains why several starts are safer."
            ),
            "line 1: `10` -> `11`": "Eleven starts score 0.883 for each seed: a correct answer.",
            "line 1: `10` -> `9`": "Nine starts score 0.883 for each seed: a correct answer.",
        },
    ),
    Exercise(
        id="04.04.5",
        title="Robust z-scores, a spread of 0 included",
        checks={"robust_z": Function(cases=_Z_CASES, returns=Close(rtol=1e-4, atol=1e-9))},
        hints=[
            "Work column by column with `axis=0`: the median of each column, the absolute "
            "deviations `np.abs(X - median)`, and their median (the MAD) and mean.",
            "Build the spread of each column as 1.4826 × MAD, and where that is 0, 1.2533 × "
            "the mean absolute deviation: `np.where(condition, a, b)` picks per column. For "
            "the last rule, remember that a finite number divided by `np.inf` is 0.",
        ],
        solution="""
            def robust_z(X):
                \"\"\"Robust z-scores of X (2-D), column by column.\"\"\"
                median = np.median(X, axis=0)
                deviations = np.abs(X - median)
                spread = 1.4826 * np.median(deviations, axis=0)
                spread = np.where(spread > 0, spread, 1.2533 * deviations.mean(axis=0))
                return (X - median) / np.where(spread > 0, spread, np.inf)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def robust_z(X):
                    return (X - X.mean(axis=0)) / X.std(axis=0)
                """,
                _MASKING,
            ),
            WrongAnswer(
                """
                def robust_z(X):
                    median = np.median(X, axis=0)
                    deviations = np.abs(X - median)
                    spread = np.median(deviations, axis=0)
                    spread = np.where(spread > 0, spread, 1.2533 * deviations.mean(axis=0))
                    return (X - median) / np.where(spread > 0, spread, np.inf)
                """,
                "Did you divide by the raw MAD? For normal data the MAD is 0.6745 σ, so the "
                "scores come out 1.48 times too large; multiply the MAD by 1.4826.",
            ),
            WrongAnswer(
                """
                def robust_z(X):
                    median = np.median(X, axis=0)
                    return (X - median) / (1.4826 * np.median(np.abs(X - median), axis=0))
                """,
                "Did you divide by a MAD of 0? When more than half a column shares one value "
                "its MAD is 0 and the division gives inf and NaN; fall back on 1.2533 × the "
                "mean absolute deviation, and give 0 where that is 0 too.",
            ),
            WrongAnswer(
                """
                def robust_z(X):
                    median = np.median(X)
                    deviations = np.abs(X - median)
                    spread = 1.4826 * np.median(deviations)
                    return (X - median) / spread
                """,
                "Did you take the median of the whole array? Each column has its own centre "
                "and spread (grams and millimetres do not mix): use `axis=0`.",
            ),
            WrongAnswer(
                """
                from sklearn.preprocessing import RobustScaler

                def robust_z(X):
                    return RobustScaler().fit_transform(X)
                """,
                "Did you use `RobustScaler`? It centres on the median but divides by the "
                "interquartile range (and by 1 where that is 0), not by 1.4826 × MAD with the "
                "fallbacks asked for: compute the spread yourself.",
            ),
            WrongAnswer(
                """
                def robust_z(X):
                    median = np.median(X, axis=0)
                    deviations = np.abs(X - median)
                    spread = 1.4826 * np.median(deviations, axis=0)
                    spread = np.where(spread > 0, spread, 1.2533 * np.abs(X - X.mean(axis=0)).mean(axis=0))
                    return (X - median) / np.where(spread > 0, spread, np.inf)
                """,
                "Did you measure the fallback deviation around the mean? Take the mean of the "
                "absolute deviations from the median, the ones the MAD was made of.",
            ),
        ],
        equivalent_mutants={
            "line 4: `X - median` -> `median - X`": (
                "The deviations are taken in absolute value: |median - x| = |x - median|."
            ),
        },
    ),
    Exercise(
        id="04.04.6",
        title="A local detector for mixed-up records",
        checks={
            "detector": Model(mixed_record_splits, at_least=0.88, metric="roc_auc", seeds=(0, 1, 2))
        },
        hints=[
            "The mixed-up records sit between the species' clouds, where an isolation forest "
            "still finds plenty of company: compare each row with its own neighbourhood "
            "instead (`LocalOutlierFactor`).",
            "LOF measures distances, so standardise first (a pipeline), and pass "
            "`novelty=True`: only then does it score rows it was not fitted on, with "
            "`decision_function` and `predict`.",
        ],
        solution="""
            detector = make_pipeline(StandardScaler(), LocalOutlierFactor(novelty=True))
        """,
        wrong_answers=[
            WrongAnswer(
                "detector = IsolationForest()\n",
                "Did you use an isolation forest? It judges each row against the whole data "
                "set with splits on one feature at a time, and a bill of one species with the "
                "body of another passes many such splits; compare each row with its neighbours.",
            ),
            WrongAnswer(
                "detector = LocalOutlierFactor(novelty=True)\n",
                "Did you skip the scaler? Body mass in grams then decides every distance, and a "
                "mixed-up record looks like any penguin of its mass; standardise first.",
            ),
            WrongAnswer(
                "detector = make_pipeline(StandardScaler(), LocalOutlierFactor())\n",
                "Did you leave `novelty` at its default? `LocalOutlierFactor()` only labels "
                "the rows it is fitted on (`fit_predict`) and has no `predict` for new rows; "
                "pass `novelty=True`.",
            ),
            WrongAnswer(
                "from sklearn.covariance import EllipticEnvelope\n\n"
                "detector = make_pipeline(StandardScaler(), EllipticEnvelope())\n",
                "Did you fit one ellipse to all the penguins? Three species make three clouds; "
                "a single Gaussian shape calls the gaps between them normal.",
            ),
            WrongAnswer(
                "from sklearn.neighbors import KNeighborsClassifier\n\n"
                "detector = make_pipeline(StandardScaler(), KNeighborsClassifier())\n",
                "Did you train a classifier on the planted flags? A detector must find the odd "
                "rows without being told which they are (real anomalies come unlabelled), so "
                "the check marks every training row as normal (1); use an outlier detector.",
            ),
        ],
    ),
]
