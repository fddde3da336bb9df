"""Exercises of 05_statistics.ipynb: confounded correlation, bootstrap intervals, Welch's t-test,
sample size from an effect size, Holm's correction, and comparing two models on one test set."""

import numpy as np

from mlcourse.exercise import Close, Exercise, Function, WrongAnswer

_rng = np.random.default_rng(5)

# --- 01.05.1: adjusting for two confounders ----------------------------------------------------
_ONE_AFTER_THE_OTHER = (
    "Did you subtract the {first} means, then the {second} means of what was left? That removes "
    "an hour effect and a weather effect added together, not the mean of each (hour, weather) "
    "combination, and rain does not cost as many rentals at 3 am as at 8 am. Group by both "
    "columns at once."
)

# --- 01.05.2: the percentile bootstrap -----------------------------------------------------
# Randomised answers are compared within a tolerance: with `seed` the reference is
# reproducible, and a correct answer that draws its resamples differently still lands within
# `atol` (the spread across 300 seeds is below 0.09 on every case). The fifth case has a
# standard error of about 1, so a 50 % interval taken at the wrong percentiles is off by ~0.7.
_BOOT_CASES = [
    dict(x=_rng.normal(10, 4, 40), statistic=np.mean, level=0.95, num_resamples=10_000, seed=1),
    dict(x=_rng.exponential(3, 60), statistic=np.mean, level=0.9, num_resamples=10_000, seed=2),
    dict(
        x=np.round(_rng.lognormal(1, 0.8, 31), 2),
        statistic=np.median,
        level=0.95,
        num_resamples=10_000,
        seed=3,
    ),
    dict(x=_rng.normal(0, 3, 25), statistic=np.std, level=0.8, num_resamples=10_000, seed=4),
    dict(x=_rng.normal(0, 5, 25), statistic=np.mean, level=0.5, num_resamples=10_000, seed=5),
    # Standard error 1.5 and many resamples: an upper percentile even 2 points off (95.5 for
    # 97.5) moves the interval's end by about 0.4, while the Monte Carlo noise stays below 0.1.
    dict(x=_rng.normal(0, 9, 36), statistic=np.mean, level=0.95, num_resamples=50_000, seed=7),
    # Few resamples of many values: the statistic applied along the wrong axis then gives an
    # interval about 0.27 wide on each side, which tells it apart from no resampling at all.
    dict(x=_rng.normal(0, 8, 3600), statistic=np.mean, level=0.5, num_resamples=400, seed=6),
    # A skewed bootstrap distribution (the sd of 20 lognormal values): the normal interval
    # (statistic ± z · bootstrap SE) is off by about 0.47 at both ends, BCa by more, while 300
    # other seeds stay within 0.07 of the reference.
    dict(
        x=np.round(np.random.default_rng(11).lognormal(2, 0.9, 20), 1),
        statistic=np.std,
        level=0.9,
        num_resamples=40_000,
        seed=8,
    ),
]

# --- 01.05.3: two groups of unequal sizes and spreads --------------------------
_groups = np.random.default_rng(7)
_TWO_GROUP_CASES = [
    # unequal sizes and variances: pooling fails
    dict(a=_groups.normal(13.0, 3.0, 6), b=_groups.normal(10.0, 1.0, 25)),
    dict(a=_groups.normal(5.0, 2.0, 12), b=_groups.normal(4.0, 1.0, 12)),  # equal sizes
    dict(a=_groups.normal(0.0, 1.0, 40), b=_groups.normal(2.0, 2.5, 9)),  # a below b
    dict(a=np.array([3, 5, 4, 6, 5, 7, 4]), b=np.array([2, 4, 3, 3, 5, 2, 3, 4, 1, 3])),
]

# --- 01.05.4: sample sizes; the bounds' fractions tell rounding up from rounding or truncating
_SAMPLE_SIZE_CASES = [
    dict(d=0.5, alpha=0.05, power=0.8),  # bound 62.79
    dict(d=0.2, alpha=0.05, power=0.9),  # bound 525.37: round() gives 525
    dict(d=0.8, alpha=0.01, power=0.8),  # bound 36.50
    dict(d=1.0, alpha=0.1, power=0.95),  # bound 21.64
    dict(d=0.05, alpha=0.05, power=0.5),  # bound 3073.17, with z_power = 0
]

# --- 01.05.5: Holm's step-down procedure -------------------------------------------------------
_HOLM_CASES = [
    dict(p_values=np.array([0.01, 0.02, 0.03]), alpha=0.05),  # Holm rejects all, Bonferroni one
    dict(p_values=np.array([0.04, 0.01, 0.03]), alpha=0.05),  # stop at 0.03: 0.04 is kept
    dict(p_values=np.array([0.30, 0.004, 0.02, 0.011, 0.6, 0.009]), alpha=0.05),
    dict(p_values=np.array([0.2, 0.5, 0.07]), alpha=0.1),
    dict(p_values=np.array([0.001]), alpha=0.05),
    dict(p_values=np.array([0.012, 0.012, 0.04, 0.001]), alpha=0.05),
    dict(p_values=np.array([0.05, 0.025]), alpha=0.05),  # p equal to its threshold: rejected
]


# --- 01.05.6: McNemar's statistic from three label vectors ---------------------------------
def _labels_for(n_counts, classes=(0, 1)):
    """y_true, y_hat_a, y_hat_b with the given numbers of (both right, only A right,
    only B right, both wrong with the same label, both wrong with different labels)."""
    both, only_a, only_b, same_wrong, diff_wrong = n_counts
    first, second = classes[0], classes[1]
    third = classes[2] if len(classes) > 2 else classes[1]
    rows = (
        [(first, first, first)] * both
        + [(first, first, second)] * only_a
        + [(first, second, first)] * only_b
        + [(first, second, second)] * same_wrong
        + [(first, second, third)] * diff_wrong
    )
    order = np.random.default_rng(sum(n_counts)).permutation(len(rows))
    y_true, y_hat_a, y_hat_b = (np.array(column)[order] for column in zip(*rows))
    return dict(y_true=y_true, y_hat_a=y_hat_a, y_hat_b=y_hat_b)


_y_big = _rng.integers(0, 2, 300)
_MCNEMAR_CASES = [
    _labels_for((11, 5, 2, 2, 0)),  # binary
    _labels_for((30, 4, 1, 2, 3), classes=(0, 1, 2)),  # both wrong, with different labels
    _labels_for((40, 1, 6, 5, 0)),  # B is the better model
    dict(
        y_true=_y_big,
        y_hat_a=np.where(_rng.random(300) < 0.9, _y_big, 1 - _y_big),
        y_hat_b=np.where(_rng.random(300) < 0.8, _y_big, 1 - _y_big),
    ),
]


# --- 01.05.7: the paired permutation (sign-flip) test --------------------------------------
def _correctness(n, only_a, only_b, both_wrong):
    """correct_a, correct_b (booleans) for n examples with the given disagreement counts."""
    a = np.ones(n, bool)
    b = np.ones(n, bool)
    b[:only_a] = False  # A right, B wrong
    a[only_a : only_a + only_b] = False  # B right, A wrong
    a[only_a + only_b : only_a + only_b + both_wrong] = False
    b[only_a + only_b : only_a + only_b + both_wrong] = False
    order = np.random.default_rng(n + only_a).permutation(n)
    return a[order], b[order]


def _paired_case(n, only_a, only_b, both_wrong, seed, as_int=False):
    a, b = _correctness(n, only_a, only_b, both_wrong)
    if as_int:
        a, b = a.astype(int), b.astype(int)
    return dict(correct_a=a, correct_b=b, num_permutations=10_000, seed=seed)


_PAIRED_CASES = [
    _paired_case(200, 12, 0, 10, seed=1),  # A's errors are a subset of B's: pairing matters
    _paired_case(100, 8, 3, 5, seed=2, as_int=True),  # exact p = 464/2048
    _paired_case(80, 3, 3, 4, seed=3),  # equal accuracy: p = 1
    _paired_case(60, 1, 7, 2, seed=4),  # B is better: exact p = 18/256
]

EXERCISES = [
    Exercise(
        id="01.05.1",
        title="Correlation within the hour of day and the weather",
        checks={"r_hour_weather": Close(rtol=1e-6)},
        hints=[
            '`bikes.groupby(["hr", "weathersit"])` makes one group per combination of hour '
            'and weather; `.transform("mean")` on a column of it puts each row\'s group mean '
            "on that row.",
            'Subtract those means from `bikes["hum"]` and from `bikes["bikers"]`, then '
            "`np.corrcoef(hum_centred, bikers_centred)[0, 1]`.",
        ],
        solution="""
            groups = bikes.groupby(["hr", "weathersit"])
            hum_centred = bikes["hum"] - groups["hum"].transform("mean")
            bikers_centred = bikes["bikers"] - groups["bikers"].transform("mean")
            r_hour_weather = np.corrcoef(hum_centred, bikers_centred)[0, 1]
        """,
        wrong_answers=[
            WrongAnswer(
                """
                hours = bikes.groupby("hr")
                hum_centred = bikes["hum"] - hours["hum"].transform("mean")
                bikers_centred = bikes["bikers"] - hours["bikers"].transform("mean")
                r_hour_weather = np.corrcoef(hum_centred, bikers_centred)[0, 1]
                """,
                "Did you subtract the hour-of-day means only? That is the -0.08 of the text. "
                'Group by both columns at once: `bikes.groupby(["hr", "weathersit"])`.',
            ),
            WrongAnswer(
                """
                weather = bikes.groupby("weathersit")
                hum_centred = bikes["hum"] - weather["hum"].transform("mean")
                bikers_centred = bikes["bikers"] - weather["bikers"].transform("mean")
                r_hour_weather = np.corrcoef(hum_centred, bikers_centred)[0, 1]
                """,
                "Did you subtract the weather means only? The clock still confounds that; "
                "group by the hour and the weather together.",
            ),
            WrongAnswer(
                """
                hours = bikes.groupby("hr")
                hum_1 = bikes["hum"] - hours["hum"].transform("mean")
                bikers_1 = bikes["bikers"] - hours["bikers"].transform("mean")
                weather = bikes["weathersit"]
                hum_2 = hum_1 - hum_1.groupby(weather).transform("mean")
                bikers_2 = bikers_1 - bikers_1.groupby(weather).transform("mean")
                r_hour_weather = np.corrcoef(hum_2, bikers_2)[0, 1]
                """,
                _ONE_AFTER_THE_OTHER.format(first="hour-of-day", second="weather"),
            ),
            WrongAnswer(
                """
                weather = bikes.groupby("weathersit")
                hum_1 = bikes["hum"] - weather["hum"].transform("mean")
                bikers_1 = bikes["bikers"] - weather["bikers"].transform("mean")
                hours = bikes["hr"]
                hum_2 = hum_1 - hum_1.groupby(hours).transform("mean")
                bikers_2 = bikers_1 - bikers_1.groupby(hours).transform("mean")
                r_hour_weather = np.corrcoef(hum_2, bikers_2)[0, 1]
                """,
                _ONE_AFTER_THE_OTHER.format(first="weather", second="hour-of-day"),
            ),
            WrongAnswer(
                "r_hour_weather = np.corrcoef(bikes['hum'], bikes['bikers'])[0, 1]\n",
                "Did you correlate the raw columns? That is the -0.29 of the text, which mixes "
                "in the daily cycle and the weather. Subtract each group's means first.",
            ),
            WrongAnswer(
                """
                groups = bikes.groupby(["hr", "weathersit"])
                bikers_centred = bikes["bikers"] - groups["bikers"].transform("mean")
                r_hour_weather = np.corrcoef(bikes["hum"], bikers_centred)[0, 1]
                """,
                "Did you centre the rentals only? Humidity also follows the clock and the "
                "weather; subtract each group's mean humidity from `hum` too.",
            ),
            WrongAnswer(
                """
                groups = bikes.groupby(["hr", "weathersit"])
                hum_centred = bikes["hum"] - groups["hum"].transform("mean")
                r_hour_weather = np.corrcoef(hum_centred, bikes["bikers"])[0, 1]
                """,
                "Did you centre the humidity only? Subtract each group's mean rentals from "
                "`bikers` too.",
            ),
            WrongAnswer(
                """
                r_hour_weather = np.nanmean(
                    [
                        np.corrcoef(g["hum"], g["bikers"])[0, 1]
                        for _, g in bikes.groupby(["hr", "weathersit"])
                        if len(g) > 2
                    ]
                )
                """,
                "Did you average the correlations within the groups? That is a different "
                "summary (each group counts equally, whatever its size or spread). `{name}` is "
                "one correlation of the two centred columns.",
            ),
        ],
        equivalent_mutants={
            "line 4: arguments 1 and 2 of `np.corrcoef` swapped": (
                "A correlation is symmetric in its two variables."
            ),
        },
    ),
    Exercise(
        id="01.05.2",
        title="A percentile bootstrap interval for any statistic",
        checks={
            "bootstrap_ci": Function(cases=_BOOT_CASES, returns=Close(rtol=0, atol=0.15)),
        },
        hints=[
            "Resample indices with replacement: `idx = rng.integers(0, len(x), "
            "size=(num_resamples, len(x)))`; `x[idx]` then holds one resample per row, and "
            "`values = statistic(x[idx], axis=1)` gives one statistic per resample.",
            "A central interval of probability `level` leaves (1 - level) / 2 in each tail: "
            "`np.percentile(values, [50 * (1 - level), 50 * (1 + level)])` (percentages, 0-100).",
        ],
        solution="""
            def bootstrap_ci(x, statistic, level, num_resamples, seed):
                \"\"\"Percentile bootstrap interval (low, high) for statistic(x).\"\"\"
                rng = np.random.default_rng(seed)
                idx = rng.integers(0, len(x), size=(num_resamples, len(x)))
                values = statistic(x[idx], axis=1)
                low, high = np.percentile(values, [50 * (1 - level), 50 * (1 + level)])
                return low, high
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    shuffled = rng.permuted(np.tile(x, (num_resamples, 1)), axis=1)
                    values = statistic(shuffled, axis=1)
                    return tuple(np.percentile(values, [50 * (1 - level), 50 * (1 + level)]))
                """,
                "Did you resample without replacement? Every resample is then `x` reordered, "
                "the statistic never changes and the interval has width 0. Draw with "
                "replacement (`rng.integers`, or `rng.choice(..., replace=True)`).",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    idx = rng.integers(0, len(x), size=(num_resamples, len(x)))
                    values = statistic(x[idx], axis=1)
                    return tuple(np.percentile(values, [100 * (1 - level), 100 * level]))
                """,
                "Did you take the percentiles 100(1 - level) and 100 level (5 and 95 for a 95 % "
                "interval)? That leaves 1 - level in *each* tail, so the interval is too "
                "narrow; split 1 - level between the two tails.",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    idx = rng.integers(0, len(x), size=(num_resamples, len(x)))
                    values = statistic(x[idx], axis=0)
                    return tuple(np.percentile(values, [50 * (1 - level), 50 * (1 + level)]))
                """,
                "Did you apply the statistic along `axis=0`? With one resample per row, that "
                "summarises each *position* across resamples; use `axis=1` to get one value per "
                "resample.",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    return tuple(np.percentile(x, [50 * (1 - level), 50 * (1 + level)]))
                """,
                "Did you take percentiles of the data `x`? They describe single observations; "
                "`{name}` is about the *statistic*, so take percentiles of the statistic over "
                "the resamples.",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    idx = rng.integers(0, len(x), size=(num_resamples, len(x)))
                    values = statistic(x[idx], axis=1)
                    return tuple(np.percentile(values, [2.5, 97.5]))
                """,
                "Did you hard-code the percentiles 2.5 and 97.5? They are right only for "
                "`level=0.95`; compute them from `level`.",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    idx = rng.integers(0, len(x), size=(num_resamples, len(x)))
                    values = statistic(x[idx], axis=1)
                    return tuple(np.percentile(values, [(1 - level) / 2, (1 + level) / 2]))
                """,
                "Did you pass fractions to `np.percentile`? It takes percentages from 0 to 100 "
                "(`np.quantile` takes fractions from 0 to 1).",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    rng = np.random.default_rng(seed)
                    idx = rng.integers(0, len(x), size=(num_resamples, len(x)))
                    se = statistic(x[idx], axis=1).std()
                    z = stats.norm.ppf(0.5 + level / 2)
                    return statistic(x) - z * se, statistic(x) + z * se
                """,
                "Did you take the statistic plus or minus z times the bootstrap standard error? "
                "That normal interval is symmetric by construction; when the bootstrap "
                "distribution is skewed its ends are wrong. The percentile interval reads both "
                "ends off the bootstrap values: `np.percentile(values, ...)`.",
            ),
            WrongAnswer(
                """
                def bootstrap_ci(x, statistic, level, num_resamples, seed):
                    result = stats.bootstrap(
                        (x,),
                        statistic,
                        confidence_level=level,
                        n_resamples=num_resamples,
                        rng=np.random.default_rng(seed),
                    )
                    return result.confidence_interval.low, result.confidence_interval.high
                """,
                "Did you call `stats.bootstrap` with its default method? That is BCa, which "
                "moves the percentiles to correct for bias and skewness; `{name}` is the plain "
                "percentile interval. Write the resampling yourself (hint 1).",
            ),
        ],
        equivalent_mutants={
            "line 6: `50` -> `51`": (
                "The lower percentile moves from 2.5 to 2.55 (95 % case): far inside the "
                "Monte Carlo tolerance, which must admit resamples drawn in another order."
            ),
            "line 6: `50` -> `49`": (
                "The lower percentile moves from 2.5 to 2.45 (95 % case): far inside the "
                "Monte Carlo tolerance, which must admit resamples drawn in another order."
            ),
        },
    ),
    Exercise(
        id="01.05.3",
        title="Welch's t-test by hand",
        checks={"welch_t_test": Function(cases=_TWO_GROUP_CASES, returns=Close(rtol=1e-6))},
        hints=[
            "With `v_a = np.var(a, ddof=1) / len(a)` and the same for b: t = (mean a - mean b) "
            "/ sqrt(v_a + v_b), and df = (v_a + v_b)² / (v_a² / (n_a - 1) + v_b² / (n_b - 1)).",
            "Two-sided: p = 2 P(T ≥ |t|) = `2 * stats.t.sf(abs(t), df)`. Return `t, p`.",
        ],
        solution="""
            def welch_t_test(a, b):
                \"\"\"Welch's two-sample t-test: (t statistic, two-sided p-value).\"\"\"
                v_a = np.var(a, ddof=1) / len(a)
                v_b = np.var(b, ddof=1) / len(b)
                t = (np.mean(a) - np.mean(b)) / np.sqrt(v_a + v_b)
                df = (v_a + v_b) ** 2 / (v_a**2 / (len(a) - 1) + v_b**2 / (len(b) - 1))
                p = 2 * stats.t.sf(abs(t), df)
                return t, p
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def welch_t_test(a, b):
                    n_a, n_b = len(a), len(b)
                    pooled = ((n_a - 1) * np.var(a, ddof=1) + (n_b - 1) * np.var(b, ddof=1)) / (
                        n_a + n_b - 2
                    )
                    t = (np.mean(a) - np.mean(b)) / np.sqrt(pooled * (1 / n_a + 1 / n_b))
                    return t, 2 * stats.t.sf(abs(t), n_a + n_b - 2)
                """,
                "Did you pool the variances? That is Student's t-test (`equal_var=True`); "
                "Welch's keeps each group's variance: sqrt(s_a²/n_a + s_b²/n_b), with the "
                "Welch-Satterthwaite degrees of freedom.",
            ),
            WrongAnswer(
                """
                def welch_t_test(a, b):
                    v_a, v_b = np.var(a) / len(a), np.var(b) / len(b)
                    t = (np.mean(a) - np.mean(b)) / np.sqrt(v_a + v_b)
                    df = (v_a + v_b) ** 2 / (v_a**2 / (len(a) - 1) + v_b**2 / (len(b) - 1))
                    return t, 2 * stats.t.sf(abs(t), df)
                """,
                "Did you use `np.var(a)`? Its default `ddof=0` divides by n; the sample "
                "variance divides by n - 1: `np.var(a, ddof=1)`.",
            ),
            WrongAnswer(
                """
                def welch_t_test(a, b):
                    v_a, v_b = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
                    t = (np.mean(a) - np.mean(b)) / np.sqrt(v_a + v_b)
                    df = (v_a + v_b) ** 2 / (v_a**2 / (len(a) - 1) + v_b**2 / (len(b) - 1))
                    return t, stats.t.sf(abs(t), df)
                """,
                "Did you return a one-sided p-value? A difference in either direction counts "
                "as extreme: double the tail, `2 * stats.t.sf(abs(t), df)`.",
            ),
            WrongAnswer(
                """
                def welch_t_test(a, b):
                    v_a, v_b = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
                    t = (np.mean(a) - np.mean(b)) / np.sqrt(v_a + v_b)
                    return t, 2 * stats.t.sf(abs(t), len(a) + len(b) - 2)
                """,
                "Did you use n_a + n_b - 2 degrees of freedom? That belongs to the pooled test; "
                "Welch's test uses the Welch-Satterthwaite formula.",
            ),
            WrongAnswer(
                """
                def welch_t_test(a, b):
                    v_a, v_b = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
                    t = (np.mean(a) - np.mean(b)) / np.sqrt(v_a + v_b)
                    return t, 2 * stats.norm.sf(abs(t))
                """,
                "Did you take the p-value from the standard normal? With small groups t has "
                "heavier tails than the normal, so that p-value is too small; use "
                "`stats.t.sf(abs(t), df)` with the Welch-Satterthwaite df.",
            ),
        ],
    ),
    Exercise(
        id="01.05.4",
        title="Planning a sample size from the effect to detect",
        checks={"n_per_group": Function(cases=_SAMPLE_SIZE_CASES)},
        hints=[
            "Power reaches the target when d sqrt(n/2) - z_alpha >= z_power, with "
            "`z_alpha = stats.norm.ppf(1 - alpha / 2)` and `z_power = stats.norm.ppf(power)`. "
            "Solve that inequality for n.",
            "n >= 2 ((z_alpha + z_power) / d)²; the smallest whole n is that bound rounded *up*: "
            "`int(np.ceil(2 * ((z_alpha + z_power) / d) ** 2))`.",
        ],
        solution="""
            def n_per_group(d, alpha, power):
                \"\"\"Smallest n per group for approximate (two-sided) power >= power.\"\"\"
                z_alpha = stats.norm.ppf(1 - alpha / 2)
                z_power = stats.norm.ppf(power)
                return int(np.ceil(2 * ((z_alpha + z_power) / d) ** 2))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def n_per_group(d, alpha, power):
                    z_alpha, z_power = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)
                    return int(np.ceil(2 * ((z_alpha + z_power) / d) ** 2))
                """,
                "Did you use the quantile 1 - alpha? That belongs to a one-sided test; the "
                "two-sided test splits alpha between the tails: `stats.norm.ppf(1 - alpha / 2)`.",
            ),
            WrongAnswer(
                """
                def n_per_group(d, alpha, power):
                    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
                    return int(np.ceil(((z_alpha + z_power) / d) ** 2))
                """,
                "Did you drop the factor 2? The mean of t is d sqrt(n/2), not d sqrt(n): each "
                "of the two group means brings its own noise.",
            ),
            WrongAnswer(
                """
                def n_per_group(d, alpha, power):
                    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
                    return int(round(2 * ((z_alpha + z_power) / d) ** 2))
                """,
                "Did you round to the nearest whole number? When the bound is 525.4, 525 "
                "observations fall just short of it; round up with `np.ceil`.",
            ),
            WrongAnswer(
                """
                def n_per_group(d, alpha, power):
                    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
                    return int(2 * ((z_alpha + z_power) / d) ** 2)
                """,
                "Did you convert with `int(...)` alone? It cuts off the fraction, so `{name}` "
                "falls short of the bound; round up with `np.ceil` first.",
            ),
            WrongAnswer(
                """
                def n_per_group(d, alpha, power):
                    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(1 - power)
                    return int(np.ceil(2 * ((z_alpha + z_power) / d) ** 2))
                """,
                "Did you use `stats.norm.ppf(1 - power)`? That is -z_power, the quantile on the "
                "wrong side; the condition needs `stats.norm.ppf(power)`.",
            ),
            WrongAnswer(
                """
                def n_per_group(d, alpha, power):
                    z_alpha = stats.norm.ppf(1 - alpha / 2)
                    n = np.arange(1, 100_000)
                    shift = d * np.sqrt(n / 2)
                    both_tails = stats.norm.cdf(shift - z_alpha) + stats.norm.cdf(-shift - z_alpha)
                    return int(n[np.argmax(both_tails >= power)])
                """,
                "Did you add the other tail, Φ(-d sqrt(n/2) - z)? That is a slightly better "
                "approximation, but `{name}` asks for the n at which the one-term formula of "
                "the text, Φ(d sqrt(n/2) - z_alpha), reaches `power`; the two differ by one "
                "observation when power is low.",
            ),
        ],
        equivalent_mutants={
            "line 5: call of `int` dropped": (
                "`np.ceil` returns the same whole number as a float (63.0 for 63)."
            ),
        },
    ),
    Exercise(
        id="01.05.5",
        title="Holm's correction for many tests",
        checks={"holm": Function(cases=_HOLM_CASES)},
        hints=[
            "`order = np.argsort(p_values)` lists the tests from the smallest p-value up. "
            "Walk through it with k = 0, 1, ...: reject while p ≤ alpha / (m - k), and stop at "
            "the first p that fails; all later ones are kept too.",
            "Fill `reject = np.zeros(m, dtype=bool)` by position: `reject[order[k]] = True`, "
            "so the answer stays in the order of the input.",
        ],
        solution="""
            def holm(p_values, alpha):
                \"\"\"Holm's step-down procedure: which hypotheses to reject, in input order.\"\"\"
                m = len(p_values)
                reject = np.zeros(m, dtype=bool)
                for k, i in enumerate(np.argsort(p_values)):
                    if p_values[i] > alpha / (m - k):
                        break
                    reject[i] = True
                return reject
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def holm(p_values, alpha):
                    return np.asarray(p_values) <= alpha / len(p_values)
                """,
                "Did you apply Bonferroni's threshold alpha / m to every test? Holm uses it "
                "only for the smallest p-value, then alpha / (m - 1), ... up to alpha.",
            ),
            WrongAnswer(
                """
                def holm(p_values, alpha):
                    m = len(p_values)
                    reject = np.zeros(m, dtype=bool)
                    for k, i in enumerate(np.argsort(p_values)):
                        reject[i] = p_values[i] <= alpha / (m - k)
                    return reject
                """,
                "Did you go on after the first p-value that fails? Holm's procedure stops "
                "there: every larger p-value is kept, even if it is below its own threshold.",
            ),
            WrongAnswer(
                """
                def holm(p_values, alpha):
                    m = len(p_values)
                    p_sorted = np.sort(p_values)
                    reject = np.zeros(m, dtype=bool)
                    for k in range(m):
                        if p_sorted[k] > alpha / (m - k):
                            break
                        reject[k] = True
                    return reject
                """,
                "Did you return the decisions in sorted order? `{name}` must answer for each "
                "p-value at its position in the input: put each decision back with the "
                "indices from `np.argsort`.",
            ),
            WrongAnswer(
                """
                def holm(p_values, alpha):
                    m = len(p_values)
                    reject = np.zeros(m, dtype=bool)
                    for k, i in enumerate(np.argsort(p_values)):
                        if p_values[i] >= alpha / (m - k):
                            break
                        reject[i] = True
                    return reject
                """,
                "Did you reject only when p < alpha / (m - k)? The rule is p ≤ alpha / (m - k): "
                "a p-value equal to its threshold is rejected.",
            ),
            WrongAnswer(
                """
                def holm(p_values, alpha):
                    p = np.asarray(p_values)
                    m, order = len(p), np.argsort(p_values)
                    reject = np.zeros(m, dtype=bool)
                    for k in range(m - 1, -1, -1):
                        if p[order[k]] <= alpha / (m - k):
                            reject[order[: k + 1]] = True
                            break
                    return reject
                """,
                "Did you start from the largest p-value and reject everything below the first "
                "one that passes? That is Hochberg's step-up procedure. Holm's steps *down*: "
                "from the smallest p-value, stopping at the first that fails.",
            ),
            WrongAnswer(
                """
                def holm(p_values, alpha):
                    return np.asarray(p_values) <= alpha
                """,
                "Did you compare every p-value with alpha itself? That is no correction at all: "
                "with many tests it lets false positives through. Holm's thresholds run from "
                "alpha / m up to alpha.",
            ),
        ],
        equivalent_mutants={
            "line 4: keyword `dtype=bool` dropped from `np.zeros`": (
                "A float array of 0s and 1s compares element by element equal to the booleans."
            ),
        },
    ),
    Exercise(
        id="01.05.6",
        title="McNemar's statistic from two models' predictions",
        checks={"mcnemar_statistic": Function(cases=_MCNEMAR_CASES)},
        hints=[
            "Only the examples where exactly one model is right count: "
            "`b = np.sum((y_hat_a == y_true) & (y_hat_b != y_true))`, and c the other way "
            "round.",
            "`return (b - c) ** 2 / (b + c)`. Examples that both models get wrong do not "
            "count, even when the two wrong labels differ.",
        ],
        solution="""
            def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                \"\"\"McNemar's chi-squared statistic (b - c)² / (b + c), without correction.\"\"\"
                right_a, right_b = y_hat_a == y_true, y_hat_b == y_true
                b = np.sum(right_a & ~right_b)
                c = np.sum(~right_a & right_b)
                return (b - c) ** 2 / (b + c)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    disagree = y_hat_a != y_hat_b
                    b = np.sum(disagree & (y_hat_a == y_true))
                    c = np.sum(disagree) - b
                    return (b - c) ** 2 / (b + c)
                """,
                "Did you count every disagreement between the predictions? With more than two "
                "classes both models can be wrong with different labels; those examples favour "
                "neither model. Count the examples where exactly one model is right.",
            ),
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    right_a, right_b = y_hat_a == y_true, y_hat_b == y_true
                    both_right = np.sum(right_a & right_b)
                    both_wrong = np.sum(~right_a & ~right_b)
                    return (both_right - both_wrong) ** 2 / (both_right + both_wrong)
                """,
                "Did you use the examples where the models agree? They carry no information "
                "about which model is better; McNemar uses the two discordant counts.",
            ),
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    errors_a = np.sum(y_hat_a != y_true)
                    errors_b = np.sum(y_hat_b != y_true)
                    return (errors_a - errors_b) ** 2 / (errors_a + errors_b)
                """,
                "Did you compare the two error counts? Their difference is b - c, but their sum "
                "also counts the examples both models get wrong; the denominator is b + c.",
            ),
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    right_a, right_b = y_hat_a == y_true, y_hat_b == y_true
                    b, c = np.sum(right_a & ~right_b), np.sum(~right_a & right_b)
                    return (abs(b - c) - 1) ** 2 / (b + c)
                """,
                "Did you apply the continuity correction (|b - c| - 1)²? It is a common variant, "
                "but this exercise asks for the uncorrected (b - c)² / (b + c).",
            ),
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    right_a, right_b = y_hat_a == y_true, y_hat_b == y_true
                    b, c = np.sum(right_a & ~right_b), np.sum(~right_a & right_b)
                    return stats.chi2.sf((b - c) ** 2 / (b + c), df=1)
                """,
                "Did you return the p-value? `{name}` is the statistic (b - c)² / (b + c) "
                "itself; the p-value would be `stats.chi2.sf(statistic, df=1)`.",
            ),
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    right_a, right_b = y_hat_a == y_true, y_hat_b == y_true
                    b, c = np.sum(right_a & ~right_b), np.sum(~right_a & right_b)
                    return (b - c) / np.sqrt(b + c)
                """,
                "Did you return (b - c) / sqrt(b + c)? That is the standardised b, roughly a "
                "standard normal Z; the chi-squared statistic is its square.",
            ),
            WrongAnswer(
                """
                def mcnemar_statistic(y_true, y_hat_a, y_hat_b):
                    right_a, right_b = y_hat_a == y_true, y_hat_b == y_true
                    table = [
                        [np.sum(right_a & right_b), np.sum(right_a & ~right_b)],
                        [np.sum(~right_a & right_b), np.sum(~right_a & ~right_b)],
                    ]
                    return stats.chi2_contingency(table, correction=False).statistic
                """,
                "Did you run a chi-squared test of independence on the 2 × 2 table? That asks "
                "whether the two models' successes are *related*, not whether their accuracies "
                "differ. McNemar uses only the two discordant counts: (b - c)² / (b + c).",
            ),
        ],
        equivalent_mutants={
            "line 6: `b - c` -> `c - b`": ("The difference is squared."),
        },
    ),
    Exercise(
        id="01.05.7",
        title="A paired permutation test for two models",
        checks={
            "paired_permutation_test": Function(
                cases=_PAIRED_CASES, returns=Close(rtol=0, atol=0.03)
            ),
        },
        hints=[
            "Work with the per-example differences `d = correct_a.astype(int) - "
            "correct_b.astype(int)` (each -1, 0 or 1). Under the null hypothesis each "
            "difference is as likely to have the opposite sign, so flip signs at random: "
            "`signs = rng.choice([-1, 1], size=(num_permutations, len(d)))`.",
            "Compare sums (integers, so ties compare exactly): "
            "`np.mean(np.abs((signs * d).sum(axis=1)) >= abs(d.sum()))`.",
        ],
        solution="""
            def paired_permutation_test(correct_a, correct_b, num_permutations, seed):
                \"\"\"Two-sided sign-flip p-value for 'A and B are equally accurate'.\"\"\"
                rng = np.random.default_rng(seed)
                d = np.asarray(correct_a, dtype=int) - np.asarray(correct_b, dtype=int)
                signs = rng.choice([-1, 1], size=(num_permutations, len(d)))
                flipped = np.abs((signs * d).sum(axis=1))
                return np.mean(flipped >= abs(d.sum()))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def paired_permutation_test(correct_a, correct_b, num_permutations, seed):
                    rng = np.random.default_rng(seed)
                    n = len(correct_a)
                    pooled = np.concatenate([correct_a, correct_b]).astype(int)
                    shuffled = rng.permuted(np.tile(pooled, (num_permutations, 1)), axis=1)
                    flipped = np.abs(shuffled[:, :n].sum(axis=1) - shuffled[:, n:].sum(axis=1))
                    return np.mean(flipped >= abs(pooled[:n].sum() - pooled[n:].sum()))
                """,
                "Did you shuffle all 2n results together? That is the unpaired test: it "
                "ignores that both models answered the *same* examples, so the many examples "
                "both get right add noise. Swap A and B within each example (flip the sign "
                "of its difference) instead.",
            ),
            WrongAnswer(
                """
                def paired_permutation_test(correct_a, correct_b, num_permutations, seed):
                    rng = np.random.default_rng(seed)
                    d = np.asarray(correct_a, dtype=int) - np.asarray(correct_b, dtype=int)
                    signs = rng.choice([-1, 1], size=(num_permutations, len(d)))
                    return np.mean((signs * d).sum(axis=1) >= d.sum())
                """,
                "Did you count only one direction? The question is whether the models differ, "
                "either way: compare absolute values, `np.abs(...) >= abs(observed)`.",
            ),
            WrongAnswer(
                """
                def paired_permutation_test(correct_a, correct_b, num_permutations, seed):
                    rng = np.random.default_rng(seed)
                    d = np.asarray(correct_a, dtype=int) - np.asarray(correct_b, dtype=int)
                    signs = rng.choice([-1, 1], size=(num_permutations, len(d)))
                    return np.mean(np.abs((signs * d).sum(axis=1)) > abs(d.sum()))
                """,
                "Did you use `>`? The p-value counts results *at least* as extreme as the one "
                "observed, ties included: compare with `>=`.",
            ),
            WrongAnswer(
                """
                def paired_permutation_test(correct_a, correct_b, num_permutations, seed):
                    rng = np.random.default_rng(seed)
                    a, b = np.asarray(correct_a, dtype=int), np.asarray(correct_b, dtype=int)
                    observed = a.mean() - b.mean()
                    signs = rng.choice([-1, 1], size=(num_permutations, len(a)))
                    return np.mean(np.abs((signs * (a - b)).mean(axis=1)) >= abs(observed))
                """,
                "Did you compare floating-point means computed two different ways (the "
                "observed a.mean() - b.mean(), the flipped ones as means of differences)? "
                "Rounding makes equal values differ in the last digit (0.92 - 0.87 is not "
                "0.05 in floating point), so ties are lost. Compare integer sums of the "
                "differences, on both sides of `>=`.",
            ),
        ],
        equivalent_mutants={
            "line 4: operands of `-` swapped": (
                "Swapping A and B negates every difference; the test compares absolute values."
            ),
            "line 4: keyword `dtype=int` dropped from `np.asarray`": (
                "Booleans minus integers are integers: one conversion is enough."
            ),
            "line 4: keyword `dtype=int` dropped from `np.asarray` (#2)": (
                "Booleans minus integers are integers: one conversion is enough."
            ),
        },
    ),
]
