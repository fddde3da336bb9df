"""Exercises of capstone notebook 03_serve_monitor.ipynb: PSI, KS and the retraining trigger."""

import numpy as np

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer

_SHARES = [
    dict(expected=np.array([0.25, 0.25, 0.25, 0.25]), actual=np.array([0.25, 0.25, 0.25, 0.25])),
    dict(expected=np.array([0.5, 0.3, 0.2]), actual=np.array([0.2, 0.3, 0.5])),
    dict(expected=np.array([0.1, 0.2, 0.3, 0.4]), actual=np.array([0.4, 0.3, 0.2, 0.1])),
    dict(expected=np.array([0.6, 0.4]), actual=np.array([0.5, 0.5])),
]
_rng = np.random.default_rng(1)
_SAMPLES = [
    dict(a=np.array([1.0, 2.0, 3.0, 4.0]), b=np.array([2.5, 3.5, 4.5, 5.5])),
    dict(a=np.array([0.0, 0.0, 1.0, 1.0]), b=np.array([0.0, 1.0, 1.0, 1.0])),
    dict(a=_rng.normal(size=30), b=_rng.normal(0.5, size=40)),
    dict(a=np.array([5.0, 6.0, 7.0]), b=np.array([1.0, 2.0, 3.0])),
]

EXERCISES = [
    Exercise(
        id="cap.03.1",
        title="Population stability index from bin shares",
        checks={"psi_from_shares": Function(cases=_SHARES, returns=Close())},
        hints=[
            "PSI = Σ over bins of (actual − expected) · ln(actual / expected).",
            "`np.sum((actual - expected) * np.log(actual / expected))`",
        ],
        solution='''
            def psi_from_shares(expected, actual):
                """PSI of the bin shares `actual` (serving) against `expected` (training)."""
                return float(np.sum((actual - expected) * np.log(actual / expected)))
        ''',
        wrong_answers=[
            WrongAnswer(
                "def psi_from_shares(expected, actual):\n"
                "    return float(np.sum(actual * np.log(actual / expected)))\n",
                "Did you compute only Σ actual·ln(actual/expected)? That is the KL divergence in "
                "one direction; PSI weights each log-ratio by the difference of the shares, "
                "which makes it symmetric.",
            ),
            WrongAnswer(
                "def psi_from_shares(expected, actual):\n"
                "    return float(np.sum((actual - expected) * np.log(expected / actual)))\n",
                "Did you flip the ratio inside the log? Then every term is ≤ 0 and the index "
                "comes out negative.",
            ),
        ],
        equivalent_mutants={
            "line 3: call of `float` dropped": (
                "`np.sum(...)` is already a NumPy float64, a subclass of float with the same value."
            ),
        },
    ),
    Exercise(
        id="cap.03.2",
        title="The Kolmogorov-Smirnov statistic from scratch",
        checks={"ks_statistic": Function(cases=_SAMPLES, returns=Close())},
        hints=[
            "The statistic is the largest vertical gap between the two empirical CDFs. Both "
            "CDFs only change at sample points, so evaluate them at every point of `a` AND `b`.",
            "With `a, b` sorted, `np.searchsorted(a, points, side='right') / len(a)` is the "
            "empirical CDF of `a` at `points`.",
        ],
        solution='''
            def ks_statistic(a, b):
                """Largest absolute gap between the empirical CDFs of samples a and b."""
                a, b = np.sort(a), np.sort(b)
                points = np.concatenate([a, b])
                cdf_a = np.searchsorted(a, points, side="right") / len(a)
                cdf_b = np.searchsorted(b, points, side="right") / len(b)
                return float(np.max(np.abs(cdf_a - cdf_b)))
        ''',
        wrong_answers=[
            WrongAnswer(
                "def ks_statistic(a, b):\n"
                "    a, b = np.sort(a), np.sort(b)\n"
                "    cdf_a = np.searchsorted(a, a, side='right') / len(a)\n"
                "    cdf_b = np.searchsorted(b, a, side='right') / len(b)\n"
                "    return float(np.max(np.abs(cdf_a - cdf_b)))\n",
                "Did you evaluate the CDFs only at the points of `a`? The largest gap can sit at "
                "a point of `b`: use both samples' points.",
            ),
        ],
        equivalent_mutants={
            "line 7: call of `float` dropped": (
                "`np.max(...)` is already a NumPy float64, a subclass of float with the same value."
            ),
            "line 7: `cdf_a - cdf_b` -> `cdf_b - cdf_a`": (
                "The statistic is the absolute gap: `np.abs` of the difference is the same in "
                "either order."
            ),
        },
    ),
    Exercise(
        id="cap.03.3",
        title="Which features drifted?",
        checks={"drifted": Exact()},
        hints=[
            "Keep the rows of `drift` whose `psi` is above `settings.psi_threshold` (0.25).",
            "`sorted(drift.loc[drift['psi'] > settings.psi_threshold, 'feature'])`",
        ],
        solution="""
            drifted = sorted(drift.loc[drift["psi"] > settings.psi_threshold, "feature"])
        """,
        wrong_answers=[
            WrongAnswer(
                'drifted = sorted(drift.loc[drift["ks_pvalue"] < 0.05, "feature"])\n',
                "Did you use the KS p-value? With thousands of rows the test calls even tiny, "
                "harmless shifts significant (humidity here); PSI measures how large a shift is.",
            ),
            WrongAnswer(
                'drifted = sorted(drift.loc[drift["psi"] > 0.1, "feature"])\n',
                "Did you use 0.1? That is the usual 'moderate shift, watch it' level; the "
                "retraining rule uses `settings.psi_threshold` (0.25).",
            ),
        ],
        equivalent_mutants={
            "line 1: `>` -> `>=`": (
                "`drifted` is computed from the notebook's own drift table, the only input there "
                "is, and no feature's PSI in it equals `settings.psi_threshold` (0.25) exactly, so "
                "`>` and `>=` select the same features. Telling them apart needs a PSI at the "
                "threshold, i.e. a function exercise with such a case."
            ),
        },
    ),
]
