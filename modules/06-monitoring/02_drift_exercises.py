"""Exercises of 02_drift.ipynb: PSI with reference-quantile bins and an epsilon, the two-sample KS
statistic and a chi-square test for a categorical from scratch (SciPy's versions switched off
while the check runs), the effective sample size of an autocorrelated series, and drift weighted
by the model's reliance on each feature."""

from __future__ import annotations

import numpy as np
from scipy import signal

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

# --- from scratch: SciPy's answer is switched off while a check calls the learner's code ---------
# The checks compare with what `scipy.stats.ks_2samp` / `chi2_contingency` compute; a function
# that only wraps them would pass without the learner writing the statistic. `refused=(...)`
# makes each raise while the check calls the learner's function, whether it is called by a name
# bound in the notebook or through its module (see `mlcourse.comparators.scratch`).

_rng = np.random.default_rng(602)

# --- 06.02.1: PSI ---------------------------------------------------------------------------------
# Reference sizes of 1000 (n - 1 = 999 is odd and not a multiple of 5), so no reference quantile
# lands exactly on a data point and the bin of every value is the same whichever side a learner's
# binning closes. Current samples: shifted, the same distribution, one that leaves most reference
# bins empty (the epsilon), one with values beyond the reference range (open end bins), and a
# skewed reference with 5 bins.
_REF_NORMAL = _rng.normal(size=1000)
_PSI_CASES = [
    dict(reference=_REF_NORMAL, current=_rng.normal(0.5, 1.0, size=800)),
    dict(reference=_REF_NORMAL, current=_rng.normal(0.0, 1.0, size=800)),
    dict(reference=_rng.uniform(size=1000), current=_rng.uniform(0.0, 0.25, size=500)),
    dict(reference=_REF_NORMAL, current=_rng.normal(0.0, 2.5, size=700)),
    dict(reference=_rng.exponential(size=1000), current=_rng.exponential(2.0, size=600), bins=5),
    # a reference of 4 rows in 10 bins: most reference bins are empty (the floor on both shares)
    dict(reference=np.array([0.1, 0.5, 0.6, 2.0]), current=_rng.uniform(0.0, 2.0, size=300)),
]

# --- 06.02.2: KS statistic ------------------------------------------------------------------------
# Unequal sizes, ties (integer data), the largest gap where b's curve is above a's (a signed or
# one-sided maximum misses it), a gap found only at b's points, and two samples that do not
# overlap (D = 1).
_KS_CASES = [
    dict(a=_rng.normal(size=300), b=_rng.normal(0.3, 1.0, size=200)),
    dict(a=_rng.integers(0, 6, size=120).astype(float), b=_rng.integers(1, 8, size=90) + 0.0),
    dict(a=_rng.normal(0.4, 1.0, size=150), b=_rng.normal(size=260)),
    dict(a=np.array([0.0, 10.0]), b=np.array([1.0, 2.0, 3.0, 4.0])),
    dict(a=np.array([5.0, 6.0, 7.0]), b=np.array([1.0, 2.0])),
]

# --- 06.02.3: chi-square for a categorical --------------------------------------------------------
_CATS = np.array(["clear", "cloudy", "rain"])
_CHI_CASES = [
    # the same categories, a moderate shift, unequal sizes
    dict(
        reference=_rng.choice(_CATS, size=400, p=[0.6, 0.3, 0.1]),
        current=_rng.choice(_CATS, size=250, p=[0.5, 0.35, 0.15]),
    ),
    # a category the reference never saw appears in the current batch
    dict(
        reference=_rng.choice(_CATS[:2], size=300, p=[0.7, 0.3]),
        current=np.array(["clear"] * 50 + ["cloudy"] * 30 + ["snow"] * 4),
    ),
    # a reference category missing from the current batch
    dict(
        reference=np.array(["clear"] * 60 + ["cloudy"] * 30 + ["rain"] * 10),
        current=np.array(["clear"] * 70 + ["cloudy"] * 50),
    ),
    # no shift at all: the statistic is small and the p-value large
    dict(
        reference=np.array(["a"] * 40 + ["b"] * 40 + ["c"] * 20 + ["d"] * 20),
        current=np.array(["a"] * 22 + ["b"] * 18 + ["c"] * 11 + ["d"] * 9),
    ),
]


# --- 06.02.4: effective sample size ---------------------------------------------------------------
def _ar1(phi: float, n: int, mean: float, rng) -> np.ndarray:
    noise = rng.normal(size=n + 200)
    return signal.lfilter([1.0], [1.0, -phi], noise)[200:] + mean


_ESS_CASES = [
    dict(x=_ar1(0.9, 2000, 10.0, _rng)),  # hourly-like: strong autocorrelation, far from 0
    dict(x=_ar1(0.5, 600, -3.0, _rng)),
    dict(x=_rng.normal(5.0, 2.0, size=1000)),  # independent rows: about n
    dict(x=_ar1(-0.4, 800, 1.0, _rng)),  # alternating: more information than n rows
    # one day of hourly temperatures that warm steadily: short, so a lag that wraps around
    # (np.roll) or a correlation of the two slices on their own means (np.corrcoef, autocorr)
    # differs from r as defined
    dict(x=np.linspace(8.0, 22.0, 24) + _rng.normal(0.0, 1.0, size=24)),
]

# --- 06.02.5: weighted drift score ----------------------------------------------------------------
_SCORE_CASES = [
    # the drifting feature is one the model ignores (the real case: windspeed)
    dict(
        psi_by_feature={"hr": 0.01, "temp": 0.05, "windspeed": 0.9},
        importance={"windspeed": 0.2, "temp": 8.0, "hr": 50.0},
    ),
    # a negative importance (noise around zero) must not subtract drift
    dict(
        psi_by_feature={"hr": 0.02, "temp": 0.4, "hum": 0.3},
        importance={"hr": 30.0, "temp": 10.0, "hum": -2.0},
    ),
    # importance in other units (MAE of another target): only the shares matter
    dict(
        psi_by_feature={"a": 0.3, "b": 0.1},
        importance={"a": 0.003, "b": 0.001},
    ),
]


EXERCISES = [
    Exercise(
        id="06.02.1",
        title="PSI with bins from the reference",
        checks={"psi": Function(cases=_PSI_CASES)},
        hints=[
            "Bin edges: the reference's quantiles at 1/bins, 2/bins, ... (`np.quantile(reference, "
            "np.linspace(0, 1, bins + 1))`), with the two outer edges replaced by -inf and +inf so "
            "that current values beyond the reference's range still land in a bin. Both samples "
            "use the same edges, taken from the reference only.",
            "Shares: `np.histogram(values, edges)[0] / len(values)` for each sample; then "
            "`np.maximum(share, EPSILON)` for both before "
            "`np.sum((cur - ref) * np.log(cur / ref))`.",
        ],
        solution="""
            def psi(reference, current, bins=10):
                \"\"\"Population stability index of `current` against `reference`.\"\"\"
                edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
                edges[0], edges[-1] = -np.inf, np.inf
                ref_share = np.histogram(reference, edges)[0] / len(reference)
                cur_share = np.histogram(current, edges)[0] / len(current)
                ref_share = np.maximum(ref_share, EPSILON)
                cur_share = np.maximum(cur_share, EPSILON)
                return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    edges = np.quantile(current, np.linspace(0, 1, bins + 1))
                    edges[0], edges[-1] = -np.inf, np.inf
                    ref_share = np.maximum(np.histogram(reference, edges)[0] / len(reference), EPSILON)
                    cur_share = np.maximum(np.histogram(current, edges)[0] / len(current), EPSILON)
                    return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
                """,
                "Did you take the bin edges from the current data? Then every current bin holds "
                "1/bins of the rows whatever happened, and the bins move with each batch. `{name}` "
                "must fix the edges on the reference (its quantiles) and count both samples in them.",
            ),
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
                    edges[0], edges[-1] = -np.inf, np.inf
                    ref_share = np.histogram(reference, edges)[0] / len(reference)
                    cur_share = np.histogram(current, edges)[0] / len(current)
                    return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
                """,
                "Did you leave empty bins at zero? A current bin with no rows gives log(0) and a PSI "
                "of inf (or nan). Raise both shares to at least `EPSILON` before taking the log.",
            ),
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    edges = np.linspace(reference.min(), reference.max(), bins + 1)
                    edges[0], edges[-1] = -np.inf, np.inf
                    ref_share = np.maximum(np.histogram(reference, edges)[0] / len(reference), EPSILON)
                    cur_share = np.maximum(np.histogram(current, edges)[0] / len(current), EPSILON)
                    return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
                """,
                "Did you use equal-width bins? `{name}` uses the reference's quantiles, so that each "
                "bin holds 1/bins of the reference and no bin is nearly empty.",
            ),
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
                    ref_share = np.maximum(np.histogram(reference, edges)[0] / len(reference), EPSILON)
                    cur_share = np.maximum(np.histogram(current, edges)[0] / len(current), EPSILON)
                    return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
                """,
                "Did you keep the reference's minimum and maximum as the outer edges? Current values "
                "beyond the reference's range then fall out of every bin and are not counted. Replace "
                "the outer edges by -inf and +inf.",
            ),
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
                    edges[0], edges[-1] = -np.inf, np.inf
                    ref_share = np.maximum(np.histogram(reference, edges)[0] / len(reference), EPSILON)
                    cur_share = np.maximum(np.histogram(current, edges)[0] / len(current), EPSILON)
                    return np.sum(cur_share * np.log(cur_share / ref_share))
                """,
                "Did you compute the KL divergence, sum(cur * log(cur / ref))? PSI weighs each log "
                "ratio by the difference (cur - ref): it is the KL divergence in both directions "
                "added.",
            ),
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
                    edges[0], edges[-1] = -np.inf, np.inf
                    ref_share = np.histogram(reference, edges)[0] / len(reference) + EPSILON
                    cur_share = np.histogram(current, edges)[0] / len(current) + EPSILON
                    return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
                """,
                "Did you add `EPSILON` to every share? That shifts every bin, not only the empty "
                "ones, and the sum moves a little. Floor the shares instead: "
                "`np.maximum(share, EPSILON)`.",
            ),
            WrongAnswer(
                """
                def psi(reference, current, bins=10):
                    pooled = np.concatenate([reference, current])
                    edges = np.quantile(pooled, np.linspace(0, 1, bins + 1))
                    edges[0], edges[-1] = -np.inf, np.inf
                    ref_share = np.maximum(np.histogram(reference, edges)[0] / len(reference), EPSILON)
                    cur_share = np.maximum(np.histogram(current, edges)[0] / len(current), EPSILON)
                    return np.sum((cur_share - ref_share) * np.log(cur_share / ref_share))
                """,
                "Did you take the bin edges from both samples pooled? Then the bins move with every "
                "batch and part of the shift is absorbed into them. Fix the edges on the reference "
                "only.",
            ),
            WrongAnswer(
                "from capstone.monitor import psi\n",
                "Did you import the capstone's `psi`? It gives a feature with at most 24 distinct "
                "values one bin per value, so on a small reference it differs from the decile "
                "version asked here; write `{name}` yourself (the lesson shows the capstone's after the check).",
            ),
        ],
        equivalent_mutants={
            "line 7: arguments 1 and 2 of `np.maximum` swapped": "The maximum is symmetric.",
            "line 8: arguments 1 and 2 of `np.maximum` swapped": "The maximum is symmetric.",
        },
    ),
    Exercise(
        id="06.02.2",
        title="The two-sample KS statistic",
        checks={
            "ks_statistic": Function(
                cases=_KS_CASES,
                refused=("scipy.stats.ks_2samp", "scipy.stats.kstest"),
                instead="Sort each sample, count with `np.searchsorted(..., side='right')` to get "
                "its empirical CDF at every pooled point, and take the largest absolute gap.",
            )
        },
        hints=[
            "The empirical CDF of a sample at a point t is the share of its values <= t: "
            "`np.searchsorted(np.sort(a), t, side='right') / len(a)` works for an array of points.",
            "The largest gap between two step functions is found at one of their jumps: evaluate "
            "both CDFs at every value of `np.concatenate([a, b])` and return the largest "
            "`np.abs(cdf_a - cdf_b)`.",
        ],
        solution="""
            def ks_statistic(a, b):
                \"\"\"Largest vertical gap between the empirical CDFs of samples a and b.\"\"\"
                points = np.concatenate([a, b])
                cdf_a = np.searchsorted(np.sort(a), points, side="right") / len(a)
                cdf_b = np.searchsorted(np.sort(b), points, side="right") / len(b)
                return np.max(np.abs(cdf_a - cdf_b))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def ks_statistic(a, b):
                    cdf_a = np.searchsorted(np.sort(a), a, side="right") / len(a)
                    cdf_b = np.searchsorted(np.sort(b), a, side="right") / len(b)
                    return np.max(np.abs(cdf_a - cdf_b))
                """,
                "Did you evaluate the CDFs only at the values of `a`? The largest gap can sit at a "
                "value of `b`. Evaluate both at every value of `np.concatenate([a, b])`.",
            ),
            WrongAnswer(
                """
                def ks_statistic(a, b):
                    points = np.concatenate([a, b])
                    cdf_a = np.searchsorted(np.sort(a), points, side="right") / len(a)
                    cdf_b = np.searchsorted(np.sort(b), points, side="right") / len(b)
                    return np.max(cdf_a - cdf_b)
                """,
                "Did you drop the absolute value? When `b`'s CDF is the higher one the signed "
                "maximum misses the gap. Take `np.max(np.abs(cdf_a - cdf_b))`.",
            ),
            WrongAnswer(
                """
                def ks_statistic(a, b):
                    pooled = np.concatenate([a, b])
                    cdf_a = np.searchsorted(np.sort(a), pooled, side="right") / len(a)
                    cdf_p = np.searchsorted(np.sort(pooled), pooled, side="right") / len(pooled)
                    return np.max(np.abs(cdf_a - cdf_p))
                """,
                "Did you compare `a` with the pooled data? The pooled sample contains `a`, which "
                "shrinks the gap (and breaks the test's independence). Compare `a` with `b`.",
            ),
        ],
        equivalent_mutants={
            "line 6: `cdf_a - cdf_b` -> `cdf_b - cdf_a`": "|u - v| = |v - u|.",
        },
    ),
    Exercise(
        id="06.02.3",
        title="Chi-square test for a categorical feature",
        checks={
            "chi_square_drift": Function(
                cases=_CHI_CASES,
                refused=("scipy.stats.chi2_contingency", "scipy.stats.chisquare"),
                instead="Count a 2 x k table over the categories of both samples, build the "
                "expected counts from its row and column totals, and use `stats.chi2.sf` for the "
                "p-value.",
            )
        },
        hints=[
            "The categories are those seen in either sample: `np.union1d(reference, current)`. "
            "Count each in each sample to get a 2 x k table of counts (not shares).",
            "Expected count of a cell = row total x column total / grand total "
            "(`table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()`); the "
            "statistic is `np.sum((table - expected) ** 2 / expected)` with k - 1 degrees of "
            "freedom: `stats.chi2.sf(statistic, k - 1)`.",
        ],
        solution="""
            def chi_square_drift(reference, current):
                \"\"\"Chi-square homogeneity test of two samples of labels: (statistic, p-value).\"\"\"
                categories = np.union1d(reference, current)
                table = np.array([[np.sum(s == c) for c in categories] for s in (reference, current)])
                expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
                statistic = np.sum((table - expected) ** 2 / expected)
                return statistic, stats.chi2.sf(statistic, len(categories) - 1)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def chi_square_drift(reference, current):
                    categories = np.unique(reference)
                    table = np.array([[np.sum(s == c) for c in categories] for s in (reference, current)])
                    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
                    statistic = np.sum((table - expected) ** 2 / expected)
                    return statistic, stats.chi2.sf(statistic, len(categories) - 1)
                """,
                "Did you take the categories from the reference only? A category that appears only "
                "in the current batch (a new weather code, a new product) is then never counted, "
                "though it is the plainest drift there is. Use the categories of both samples.",
            ),
            WrongAnswer(
                """
                def chi_square_drift(reference, current):
                    categories = np.union1d(reference, current)
                    ref = np.array([np.sum(reference == c) for c in categories])
                    cur = np.array([np.sum(current == c) for c in categories])
                    expected = np.maximum(ref / ref.sum(), 1e-4) * cur.sum()
                    statistic = np.sum((cur - expected) ** 2 / expected)
                    return statistic, stats.chi2.sf(statistic, len(categories) - 1)
                """,
                "Did you treat the reference shares as exact and test only the current counts "
                "against them (a goodness-of-fit test)? The reference is a sample too: compare the "
                "two samples in one 2 x k table, with expected counts from its totals.",
            ),
            WrongAnswer(
                """
                def chi_square_drift(reference, current):
                    categories = np.union1d(reference, current)
                    table = np.array([[np.sum(s == c) for c in categories] for s in (reference, current)])
                    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
                    statistic = np.sum((table - expected) ** 2 / expected)
                    return statistic, stats.chi2.sf(statistic, len(categories))
                """,
                "Did you use k degrees of freedom? A 2 x k table has (2 - 1) x (k - 1) = k - 1.",
            ),
            WrongAnswer(
                """
                def chi_square_drift(reference, current):
                    categories = np.union1d(reference, current)
                    table = np.array([[np.mean(s == c) for c in categories] for s in (reference, current)])
                    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
                    statistic = np.sum((table - expected) ** 2 / expected)
                    return statistic, stats.chi2.sf(statistic, len(categories) - 1)
                """,
                "Did you build the table from shares instead of counts? The chi-square statistic "
                "grows with the number of rows; on shares it is far too small. Count the rows.",
            ),
        ],
        equivalent_mutants={
            "line 3: arguments 1 and 2 of `np.union1d` swapped": "The union is the same sorted set.",
            "line 6: `table - expected` -> `expected - table`": "The difference is squared.",
        },
    ),
    Exercise(
        id="06.02.4",
        title="How many independent rows is an autocorrelated series worth?",
        checks={"effective_sample_size": Function(cases=_ESS_CASES, returns=Close(rtol=0.03))},
        hints=[
            "Centre first: `d = x - x.mean()`. The lag-1 autocorrelation is "
            "`np.sum(d[:-1] * d[1:]) / np.sum(d ** 2)`.",
            "With r that autocorrelation, the effective sample size is `n * (1 - r) / (1 + r)`: "
            "close to n when r is near 0, far smaller when r is near 1.",
        ],
        solution="""
            def effective_sample_size(x):
                \"\"\"n (1 - r) / (1 + r), r the lag-1 autocorrelation of the 1-D series x.\"\"\"
                d = x - x.mean()
                r = np.sum(d[:-1] * d[1:]) / np.sum(d**2)
                return len(x) * (1 - r) / (1 + r)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def effective_sample_size(x):
                    r = np.sum(x[:-1] * x[1:]) / np.sum(x ** 2)
                    return len(x) * (1 - r) / (1 + r)
                """,
                "Did you forget to subtract the mean? Far from zero every product x_t x_(t+1) is "
                "large and positive, r comes out near 1 whatever the series does, and `{name}` "
                "near 0.",
            ),
            WrongAnswer(
                """
                def effective_sample_size(x):
                    d = x - x.mean()
                    r = np.sum(d[:-1] * d[1:]) / np.sum(d ** 2)
                    return len(x) * (1 + r) / (1 - r)
                """,
                "Did you turn the ratio upside down? Positive autocorrelation means each row repeats "
                "part of the previous one, so the series is worth fewer independent rows than n: "
                "n (1 - r) / (1 + r).",
            ),
            WrongAnswer(
                """
                def effective_sample_size(x):
                    d = x - x.mean()
                    r = np.sum(d[:-1] * d[1:]) / np.sum(d ** 2)
                    return len(x) * (1 - abs(r)) / (1 + abs(r))
                """,
                "Did you take |r|? Negative lag-1 autocorrelation (a series that alternates) makes "
                "the mean more precise than n independent rows would: keep the sign of r.",
            ),
            WrongAnswer(
                """
                def effective_sample_size(x):
                    d = x - x.mean()
                    r = np.sum(d * np.roll(d, 1)) / np.sum(d ** 2)
                    return len(x) * (1 - r) / (1 + r)
                """,
                "Did you shift with `np.roll`? It wraps around and pairs the last row with the "
                "first, which are not neighbours; on a short trending series that product changes r "
                "a lot. Pair `d[:-1]` with `d[1:]`.",
            ),
            WrongAnswer(
                """
                def effective_sample_size(x):
                    r = np.corrcoef(x[:-1], x[1:])[0, 1]
                    return len(x) * (1 - r) / (1 + r)
                """,
                "Did you use `np.corrcoef(x[:-1], x[1:])` (or pandas' `autocorr`)? It centres each "
                "slice on its own mean and divides by their own spreads, so on a short trending "
                "series it finds r near 1. Use r as defined: deviations from the mean of the whole "
                "series, divided by the sum of all squared deviations.",
            ),
        ],
        equivalent_mutants={
            "line 3: `x - x.mean()` -> `x.mean() - x`": (
                "Negating every deviation leaves each product d_t d_(t+1) and each square as it is."
            ),
        },
    ),
    Exercise(
        id="06.02.5",
        title="Drift weighted by the model's reliance on each feature",
        checks={"drift_score": Function(cases=_SCORE_CASES)},
        hints=[
            "Clip each importance at 0 (`max(value, 0.0)`: negative permutation importance is "
            "noise), then divide by their total so that the weights add up to 1.",
            "Return `sum(weight[f] * psi_by_feature[f] for f in psi_by_feature)`.",
        ],
        solution="""
            def drift_score(psi_by_feature, importance):
                \"\"\"PSI of each feature weighted by its share of the (clipped) importance.\"\"\"
                weight = {f: max(importance[f], 0.0) for f in psi_by_feature}
                total = sum(weight.values())
                return sum(weight[f] / total * psi_by_feature[f] for f in psi_by_feature)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def drift_score(psi_by_feature, importance):
                    return sum(psi_by_feature.values()) / len(psi_by_feature)
                """,
                "Did you average the PSIs without weights? A large drift in a feature the model "
                "ignores then raises the alarm; weight each PSI by the feature's share of the "
                "importance.",
            ),
            WrongAnswer(
                """
                def drift_score(psi_by_feature, importance):
                    return sum(max(importance[f], 0.0) * psi_by_feature[f] for f in psi_by_feature)
                """,
                "Did you multiply by the raw importances? They are in the units of the metric "
                "(bikers of MAE), so the score would change with the target's scale. Divide by "
                "their total first: weights that add up to 1.",
            ),
            WrongAnswer(
                """
                def drift_score(psi_by_feature, importance):
                    total = sum(importance[f] for f in psi_by_feature)
                    return sum(importance[f] / total * psi_by_feature[f] for f in psi_by_feature)
                """,
                "Did you keep negative importances? Shuffling a useless feature can lower the error "
                "by chance; a negative weight would subtract its drift. Clip importances at 0 first.",
            ),
            WrongAnswer(
                """
                def drift_score(psi_by_feature, importance):
                    return max(psi_by_feature.values())
                """,
                "Did you take the largest PSI? That ignores how much the model relies on the "
                "feature; weight each PSI by the feature's share of the importance.",
            ),
        ],
        equivalent_mutants={
            "line 3: arguments 1 and 2 of `max` swapped": "The maximum is symmetric.",
        },
    ),
]
