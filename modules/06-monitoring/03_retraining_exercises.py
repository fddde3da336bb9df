"""Exercises of 03_retraining.ipynb: delayed labels, normalised errors, triggers, a gate."""

from types import SimpleNamespace

import numpy as np
import pandas as pd

from mlcourse.exercise import Close, Exact, Exercise, Frame, Function, WrongAnswer

_rng = np.random.default_rng(603)

# --- 06.03.1: predictions joined with the labels that have arrived by `as_of` -----------------


def _join_case(n_predictions, n_orphans, as_of, seed, log_order=False):
    rng = np.random.default_rng(seed)
    predicted_at = np.sort(rng.integers(0, 200, size=n_predictions))
    predictions = pd.DataFrame(
        {
            "request_id": [f"r{i:04d}" for i in range(n_predictions)],
            "predicted_at": predicted_at,
            "y_hat": rng.integers(5, 300, size=n_predictions).astype(float),
        }
    )
    labelled = rng.permutation(n_predictions)[: int(n_predictions * 0.8)]  # some never arrive
    arrives_at = predicted_at[labelled] + 1 + rng.integers(0, 120, size=labelled.size)
    arrives_at[0] = as_of  # a label arriving exactly at `as_of` has arrived
    labels = pd.DataFrame(
        {
            "request_id": predictions["request_id"].to_numpy()[labelled],
            "bikers": rng.integers(1, 400, size=labelled.size),
            "arrives_at": arrives_at,
        }
    )
    # labels for requests this log does not hold (another replica's, or a test request)
    orphans = pd.DataFrame(
        {
            "request_id": [f"x{i:04d}" for i in range(n_orphans)],
            "bikers": rng.integers(1, 400, size=n_orphans),
            "arrives_at": rng.integers(0, as_of, size=n_orphans),
        }
    )
    labels = pd.concat([labels, orphans]).sample(frac=1, random_state=seed)
    if log_order:  # two replicas' logs interleaved: not in request-id order, index 0..n-1
        predictions = predictions.sample(frac=1, random_state=seed).reset_index(drop=True)
    return {"predictions": predictions, "labels": labels.reset_index(drop=True), "as_of": as_of}


_JOIN_CASES = [
    _join_case(12, 2, 120, 1),
    _join_case(60, 5, 150, 2, log_order=True),
    _join_case(25, 0, 400, 3),  # every label has arrived by then
]

# --- 06.03.2: error summary per month -----------------------------------------------------------


def _summary_case(seed, months):
    rng = np.random.default_rng(seed)
    rows = []
    for month, level in months:
        n = 48
        bikers = rng.poisson(level * (0.2 + 1.6 * rng.random(n))) + 1
        bikers[:3] = 1  # quiet night hours: a per-row ratio explodes on them
        y_hat = bikers * rng.lognormal(0, 0.3, n)
        y_base = np.full(n, bikers.mean())
        rows.append(
            pd.DataFrame({"month": month, "bikers": bikers, "y_hat": y_hat, "y_base": y_base})
        )
    return {"frame": pd.concat(rows, ignore_index=True).sample(frac=1, random_state=seed)}


_SUMMARY_CASES = [
    _summary_case(4, [(5, 180), (6, 200), (7, 190)]),
    _summary_case(5, [(1, 50), (4, 130)]),
]

# --- 06.03.3: a performance trigger with patience -----------------------------------------------

_ALARM_CASES = [
    # a one-week blip above 0.75 (0.5 x 1.5), then a sustained rise from week 6: fires at week 8
    dict(
        errors=np.array([0.5, 0.52, 0.9, 0.5, 0.49, 0.51, 0.8, 0.85, 0.9, 0.95]),
        reference=0.5,
        tolerance=0.5,
        patience=3,
    ),
    # exactly on the threshold is not above it
    dict(
        errors=np.array([0.75, 0.75, 0.75, 0.76, 0.8, 0.76, 0.4]),
        reference=0.5,
        tolerance=0.5,
        patience=2,
    ),
    # two blips of two weeks never make a run of three
    dict(
        errors=np.array([0.3, 0.4, 0.4, 0.2, 0.4, 0.4, 0.2, 0.2]),
        reference=0.25,
        tolerance=0.2,
        patience=3,
    ),
    # patience 1: the first week above fires
    dict(errors=np.array([0.2, 0.21, 0.26, 0.2]), reference=0.2, tolerance=0.2, patience=1),
    # a bad first week does not start a run of two on its own
    dict(errors=np.array([0.9, 0.5, 0.9, 0.9, 0.5]), reference=0.5, tolerance=0.5, patience=2),
    # never above
    dict(errors=np.array([0.1, 0.12, 0.11]), reference=0.2, tolerance=0.1, patience=1),
    # two runs long enough: the alarm is the first one's (week 2), not the last's
    dict(
        errors=np.array([0.5, 0.9, 0.9, 0.5, 0.9, 0.9, 0.9]),
        reference=0.5,
        tolerance=0.5,
        patience=2,
    ),
]

# --- 06.03.4: a champion/challenger gate with uncertainty and a minimum of labelled rows ---------


def paired_interval(challenger_errors, champion_errors):
    """The interval function the check passes as `bootstrap`: a paired percentile bootstrap of
    mean(challenger - champion), 95 %, 2,000 resamples, seed 0 (the capstone's gate settings).

    Like `capstone.registry.paired_bootstrap` it refuses unknown errors and unpaired arrays. The
    check does not import the capstone: in a cohort copy it may be the learner's own stub.
    """
    challenger = np.asarray(challenger_errors, dtype=float)
    champion = np.asarray(champion_errors, dtype=float)
    if challenger.shape != champion.shape or challenger.ndim != 1 or challenger.size == 0:
        raise ValueError(
            f"paired errors: expected two 1-D arrays of the same rows, got shapes "
            f"{challenger.shape} and {champion.shape}; keep the same rows of both"
        )
    if not (np.isfinite(challenger).all() and np.isfinite(champion).all()):
        raise ValueError(
            "paired errors: expected known (finite) errors only, got NaN; keep the rows where "
            "both errors are known"
        )
    differences = challenger - champion
    rows = np.random.default_rng(0).integers(0, differences.size, size=(2000, differences.size))
    low, high = np.quantile(differences[rows].mean(axis=1), [0.025, 0.975])
    return SimpleNamespace(low=float(low), high=float(high))


def _gate_case(n, shared, improvement, noise, min_rows, pending, seed, failures=(0, 0)):
    rng = np.random.default_rng(seed)
    hard = rng.gamma(2.0, shared, n)  # how hard each hour is, for both models alike
    champion = hard + rng.normal(0, noise, n).clip(-0.9 * hard)
    challenger = (hard - improvement + rng.normal(0, noise, n)).clip(0)
    champion = champion.clip(0)
    missing = rng.permutation(n)[:pending]  # labels not arrived: no error for either model
    champion[missing] = np.nan
    challenger[missing] = np.nan
    failed = rng.permutation(n)
    challenger[failed[: failures[0]]] = np.nan  # the shadow challenger timed out
    champion[failed[failures[0] : sum(failures)]] = np.nan  # lost from the champion's log
    return {
        "challenger_errors": challenger,
        "champion_errors": champion,
        "min_rows": min_rows,
        "bootstrap": paired_interval,
    }


_GATE_CASES = [
    # clear, consistent improvement, enough rows: promote
    _gate_case(600, 20.0, 6.0, 4.0, 200, 150, 11),
    # the same improvement on too few labelled rows: wait
    _gate_case(220, 20.0, 6.0, 4.0, 200, 40, 12),
    # exactly min_rows labelled rows: enough
    _gate_case(260, 20.0, 6.0, 4.0, 200, 60, 13),
    # a small mean gain drowned in noise: keep
    _gate_case(400, 20.0, 0.8, 15.0, 200, 50, 14),
    # a worse challenger: keep
    _gate_case(500, 20.0, -3.0, 4.0, 200, 80, 15),
    # a small, consistent gain under large shared variation: pairing sees it
    _gate_case(400, 60.0, 1.5, 2.0, 100, 30, 16),
    # the shadow challenger failed on some requests the champion served
    _gate_case(300, 20.0, 6.0, 4.0, 200, 30, 17, failures=(50, 0)),
    # rows lost from the champion's log count as unknown too: 190 known rows, wait
    _gate_case(230, 20.0, 6.0, 4.0, 200, 0, 18, failures=(0, 40)),
    # a slightly worse challenger whose interval still reaches below 0: keep
    _gate_case(300, 20.0, -0.5, 12.0, 200, 20, 22),
    # no real difference: the interval's upper bound is a little above 0 (about +0.4): keep
    _gate_case(300, 20.0, 0.0, 8.0, 200, 20, 509),
]

# --- 06.03.5: canary size -----------------------------------------------------------------------

_CANARY_CASES = [
    dict(p_stable=0.01, p_canary=0.02, alpha=0.05, power=0.8),
    dict(p_stable=0.01, p_canary=0.015, alpha=0.05, power=0.9),
    dict(p_stable=0.002, p_canary=0.01, alpha=0.01, power=0.8),
    dict(p_stable=0.05, p_canary=0.08, alpha=0.1, power=0.5),  # power 0.5: z_b = 0
    dict(p_stable=0.2, p_canary=0.3, alpha=0.05, power=0.95),
]


EXERCISES = [
    Exercise(
        id="06.03.1",
        title="Join the labels that have arrived, keep the ones that have not",
        checks={
            "join_labels": Function(
                cases=_JOIN_CASES, returns=Frame(ignore_index=True), keeps_inputs=True
            )
        },
        hints=[
            "Keep only the labels with `arrives_at <= as_of` first; then join them to the "
            "predictions so that every prediction stays, labelled or not. Which kind of join "
            "keeps every row of the left table?",
            "`predictions.merge(arrived[['request_id', 'bikers']], on='request_id', how='left')` "
            "leaves `bikers` as NaN for a pending prediction; `np.where(...isna(), 'pending', "
            "'labelled')` gives the status.",
        ],
        solution="""
            def join_labels(predictions, labels, as_of):
                \"\"\"Every prediction, with `bikers` (NaN while pending) and `status`.\"\"\"
                arrived = labels[labels["arrives_at"] <= as_of]
                joined = predictions.merge(
                    arrived[["request_id", "bikers"]], on="request_id", how="left"
                )
                joined["status"] = np.where(joined["bikers"].isna(), "pending", "labelled")
                return joined
        """,
        equivalent_mutants={
            "line 4: keyword `on='request_id'` dropped from `predictions.merge`": "`merge` "
            "joins on the columns both frames share, and `request_id` is the only one.",
        },
        wrong_answers=[
            WrongAnswer(
                "def join_labels(predictions, labels, as_of):\n"
                "    arrived = labels[labels['arrives_at'] <= as_of]\n"
                "    joined = predictions.merge(arrived[['request_id', 'bikers']], "
                "on='request_id')\n"
                "    joined['status'] = 'labelled'\n"
                "    return joined\n",
                "Did you use an inner join (`merge` without `how='left'`)? It silently drops "
                "every prediction whose label has not arrived, so `{name}` can no longer say how "
                "many are pending. Join with `how='left'` and mark those rows 'pending'.",
            ),
            WrongAnswer(
                "def join_labels(predictions, labels, as_of):\n"
                "    joined = predictions.merge(labels[['request_id', 'bikers']], "
                "on='request_id', how='left')\n"
                "    joined['status'] = np.where(joined['bikers'].isna(), 'pending', "
                "'labelled')\n"
                "    return joined\n",
                "Did you join every label, including those that arrive after `as_of`? At that "
                "time they do not exist yet: a monitor that uses them reads the future. Keep the "
                "labels with `arrives_at <= as_of` first.",
            ),
            WrongAnswer(
                "def join_labels(predictions, labels, as_of):\n"
                "    arrived = labels[labels['arrives_at'] <= as_of]\n"
                "    joined = predictions.merge(arrived[['request_id', 'bikers']], "
                "on='request_id', how='outer')\n"
                "    joined['status'] = np.where(joined['bikers'].isna(), 'pending', "
                "'labelled')\n"
                "    return joined\n",
                "Did you use an outer join? It adds rows for labels of requests this log never "
                "served (no prediction, no `y_hat`). Keep exactly the predictions: `how='left'`.",
            ),
        ],
    ),
    Exercise(
        id="06.03.2",
        title="Errors that seasonality cannot fake",
        checks={"error_summary": Function(cases=_SUMMARY_CASES, returns=Frame())},
        hints=[
            "Group by `month` and take the mean absolute error of `y_hat`, of `y_base` and the "
            "mean of `bikers`; the two ratios come from those three numbers per month.",
            "`relative_mae = mae / demand` (the month's MAE over its mean demand, not the mean of "
            "per-row ratios) and `skill = 1 - mae / baseline_mae`.",
        ],
        solution="""
            def error_summary(frame):
                \"\"\"Per month: mae, demand, relative_mae, skill (one row per month, sorted).\"\"\"
                errors = frame.assign(
                    error=(frame["bikers"] - frame["y_hat"]).abs(),
                    base_error=(frame["bikers"] - frame["y_base"]).abs(),
                )
                summary = errors.groupby("month").agg(
                    mae=("error", "mean"), base_mae=("base_error", "mean"), demand=("bikers", "mean")
                )
                summary["relative_mae"] = summary["mae"] / summary["demand"]
                summary["skill"] = 1 - summary["mae"] / summary["base_mae"]
                return summary[["mae", "demand", "relative_mae", "skill"]]
        """,
        equivalent_mutants={
            "line 4: `frame['bikers'] - frame['y_hat']` -> `frame['y_hat'] - frame['bikers']`": (
                "|a - b| = |b - a|: the absolute error does not depend on the order."
            ),
            "line 5: operands of `-` swapped": "|a - b| = |b - a|, for the baseline's error too.",
        },
        wrong_answers=[
            WrongAnswer(
                "def error_summary(frame):\n"
                "    f = frame.assign(error=(frame['bikers'] - frame['y_hat']).abs(),\n"
                "                     base_error=(frame['bikers'] - frame['y_base']).abs())\n"
                "    f['ratio'] = f['error'] / f['bikers']\n"
                "    s = f.groupby('month').agg(mae=('error', 'mean'), "
                "base_mae=('base_error', 'mean'),\n"
                "                               demand=('bikers', 'mean'), "
                "relative_mae=('ratio', 'mean'))\n"
                "    s['skill'] = 1 - s['mae'] / s['base_mae']\n"
                "    return s[['mae', 'demand', 'relative_mae', 'skill']]\n",
                "Did you average the per-row ratio |error| / bikers (a MAPE)? Quiet hours with one "
                "or two bikers dominate it (a miss of 10 on 2 bikers counts as 500 %). Divide the "
                "month's MAE by the month's mean demand instead.",
            ),
            WrongAnswer(
                "def error_summary(frame):\n"
                "    f = frame.assign(error=(frame['bikers'] - frame['y_hat']).abs(),\n"
                "                     base_error=(frame['bikers'] - frame['y_base']).abs())\n"
                "    s = f.groupby('month').agg(mae=('error', 'mean'), "
                "base_mae=('base_error', 'mean'),\n"
                "                               demand=('bikers', 'mean'))\n"
                "    s['relative_mae'] = s['mae'] / s['demand']\n"
                "    s['skill'] = s['base_mae'] - s['mae']\n"
                "    return s[['mae', 'demand', 'relative_mae', 'skill']]\n",
                "Did you take the skill as the baseline's MAE minus the model's? That difference "
                "is in bikers and grows with demand, like the absolute MAE. Use the ratio: "
                "`1 - mae / baseline_mae`, the share of the baseline's error the model removes.",
            ),
        ],
    ),
    Exercise(
        id="06.03.3",
        title="A performance trigger that ignores a one-week blip",
        checks={"first_alarm": Function(cases=_ALARM_CASES, returns=Close())},
        hints=[
            "Walk through the weeks keeping a count of consecutive weeks above "
            "`reference * (1 + tolerance)`: add one when a week is above, back to 0 when it is "
            "not. The alarm fires in the week the count reaches `patience`.",
            "A good week sets the count back to 0: that is what makes the bad weeks "
            "*consecutive*. Return as soon as the count equals `patience`; if the loop ends "
            "without that, the alarm never fired.",
        ],
        solution="""
            def first_alarm(errors, reference, tolerance, patience):
                \"\"\"Index of the week the alarm fires, or -1 if it never does.\"\"\"
                run = 0
                for week, error in enumerate(errors):
                    run = run + 1 if error > reference * (1 + tolerance) else 0
                    if run == patience:
                        return week
                return -1
        """,
        wrong_answers=[
            WrongAnswer(
                "def first_alarm(errors, reference, tolerance, patience):\n"
                "    above = np.flatnonzero(errors > reference * (1 + tolerance))\n"
                "    return int(above[0]) if above.size else -1\n",
                "Did you fire on the first week above the threshold? `{name}` must wait for "
                "`patience` consecutive weeks, so that a one-week blip is not a retraining.",
            ),
            WrongAnswer(
                "def first_alarm(errors, reference, tolerance, patience):\n"
                "    count = 0\n"
                "    for week, error in enumerate(errors):\n"
                "        count += error > reference * (1 + tolerance)\n"
                "        if count == patience:\n"
                "            return week\n"
                "    return -1\n",
                "Did you count every week above the threshold, without starting again at 0 after "
                "a good week? Two separate blips then add up to an alarm. Reset the count when "
                "a week is back under the threshold.",
            ),
            WrongAnswer(
                "def first_alarm(errors, reference, tolerance, patience):\n"
                "    run = 0\n"
                "    for week, error in enumerate(errors):\n"
                "        run = run + 1 if error > reference * (1 + tolerance) else 0\n"
                "        if run == patience:\n"
                "            return week - patience + 1\n"
                "    return -1\n",
                "Did you return the week the run of bad weeks started? The monitor only knows "
                "it is a run when the last of those weeks has been seen: return that week.",
            ),
            WrongAnswer(
                "def first_alarm(errors, reference, tolerance, patience):\n"
                "    run, fired = 0, -1\n"
                "    for week, error in enumerate(errors):\n"
                "        run = run + 1 if error > reference * (1 + tolerance) else 0\n"
                "        if run == patience:\n"
                "            fired = week\n"
                "    return fired\n",
                "Did you keep looking after the alarm fired, and return the last run's week? "
                "Retraining starts at the first alarm: `{name}` returns as soon as a run "
                "reaches `patience`.",
            ),
        ],
    ),
    Exercise(
        id="06.03.4",
        title="A gate that waits for labels and for evidence",
        checks={"gate": Function(cases=_GATE_CASES, returns=Exact(), keeps_inputs=True)},
        hints=[
            "Keep the rows where both errors are known (`~np.isnan(...)` of each, combined with "
            "`&`); with fewer than `min_rows` of them, return 'wait'. Otherwise call "
            "`bootstrap` on those rows of both arrays.",
            "`interval = bootstrap(challenger_errors[both], champion_errors[both])`; return "
            "'promote' when `interval.high < 0`, else 'keep'.",
        ],
        solution="""
            def gate(challenger_errors, champion_errors, min_rows, bootstrap):
                \"\"\"'wait', 'promote' or 'keep' for two arrays of per-request errors.\"\"\"
                both = ~np.isnan(challenger_errors) & ~np.isnan(champion_errors)
                if both.sum() < min_rows:
                    return "wait"
                interval = bootstrap(challenger_errors[both], champion_errors[both])
                return "promote" if interval.high < 0 else "keep"
        """,
        wrong_answers=[
            WrongAnswer(
                "def gate(challenger_errors, champion_errors, min_rows, bootstrap):\n"
                "    both = ~np.isnan(challenger_errors) & ~np.isnan(champion_errors)\n"
                "    if both.sum() < min_rows:\n"
                "        return 'wait'\n"
                "    better = challenger_errors[both].mean() < champion_errors[both].mean()\n"
                "    return 'promote' if better else 'keep'\n",
                "Did you compare the two mean errors? A lower mean on a few hundred noisy hours "
                "is often luck: a gate without uncertainty promotes it. Promote only when the "
                "bootstrap interval lies entirely below 0.",
            ),
            WrongAnswer(
                "def gate(challenger_errors, champion_errors, min_rows, bootstrap):\n"
                "    both = ~np.isnan(challenger_errors) & ~np.isnan(champion_errors)\n"
                "    interval = bootstrap(challenger_errors[both], champion_errors[both])\n"
                "    return 'promote' if interval.high < 0 else 'keep'\n",
                "Did you skip the minimum number of labelled rows? On a few days of labels the "
                "interval describes only those days (one weather spell); return 'wait' while "
                "fewer than `min_rows` rows are labelled.",
            ),
            WrongAnswer(
                "def gate(challenger_errors, champion_errors, min_rows, bootstrap):\n"
                "    both = ~np.isnan(challenger_errors) & ~np.isnan(champion_errors)\n"
                "    if both.sum() < min_rows:\n"
                "        return 'wait'\n"
                "    interval = bootstrap(challenger_errors[both], champion_errors[both])\n"
                "    return 'promote' if interval.low < 0 else 'keep'\n",
                "Did you promote when the interval's lower bound is below 0? That only says the "
                "challenger *might* be better; promote when even the upper bound, `high`, is "
                "below 0.",
            ),
            WrongAnswer(
                "def gate(challenger_errors, champion_errors, min_rows, bootstrap):\n"
                "    a, b = np.nan_to_num(challenger_errors), np.nan_to_num(champion_errors)\n"
                "    if a.size < min_rows:\n"
                "        return 'wait'\n"
                "    interval = bootstrap(a, b)\n"
                "    return 'promote' if interval.high < 0 else 'keep'\n",
                "Did you replace the missing errors with 0 (`np.nan_to_num`) or count every "
                "request as labelled? A pending label is not a perfect prediction: keep only the "
                "rows where both errors are known, and count those.",
            ),
        ],
        equivalent_mutants={
            "line 7: `interval.high < 0` -> `interval.high <= 0`": "The upper bound is a "
            "quantile of means of continuous errors: it is never exactly 0.",
        },
    ),
    Exercise(
        id="06.03.5",
        title="How many requests a canary needs",
        checks={"canary_size": Function(cases=_CANARY_CASES, returns=Close(rtol=0, atol=0.5))},
        hints=[
            "`z_a = stats.norm.ppf(1 - alpha)` (one-sided) and `z_b = stats.norm.ppf(power)`; "
            "each is multiplied by the standard deviation of one failure under its own rate, "
            "`math.sqrt(p * (1 - p))`.",
            "Divide the sum by `p_canary - p_stable`, square it and round up with `math.ceil`.",
        ],
        solution="""
            def canary_size(p_stable, p_canary, alpha, power):
                \"\"\"Canary requests needed to detect p_canary > p_stable (one-sided).\"\"\"
                z_a, z_b = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)
                spread = z_a * math.sqrt(p_stable * (1 - p_stable)) + z_b * math.sqrt(
                    p_canary * (1 - p_canary)
                )
                return math.ceil((spread / (p_canary - p_stable)) ** 2)
        """,
        equivalent_mutants={
            "line 7: `p_canary - p_stable` -> `p_stable - p_canary`": "The ratio is squared: "
            "its sign does not matter.",
        },
        wrong_answers=[
            WrongAnswer(
                "def canary_size(p_stable, p_canary, alpha, power):\n"
                "    z_a, z_b = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)\n"
                "    s = z_a * math.sqrt(p_stable * (1 - p_stable)) + z_b * math.sqrt(\n"
                "        p_canary * (1 - p_canary))\n"
                "    return math.ceil((s / (p_canary - p_stable)) ** 2)\n",
                "Did you use the two-sided quantile `1 - alpha / 2`? A canary is stopped only "
                "when it is worse, so the test is one-sided: `stats.norm.ppf(1 - alpha)`.",
            ),
            WrongAnswer(
                "def canary_size(p_stable, p_canary, alpha, power):\n"
                "    z_a = stats.norm.ppf(1 - alpha)\n"
                "    s = z_a * math.sqrt(p_stable * (1 - p_stable))\n"
                "    return math.ceil((s / (p_canary - p_stable)) ** 2)\n",
                "Did you leave out the power term? Without `z_b * sqrt(p_canary * (1 - "
                "p_canary))` the canary notices a real rise only half the time.",
            ),
            WrongAnswer(
                "def canary_size(p_stable, p_canary, alpha, power):\n"
                "    z_a, z_b = stats.norm.ppf(1 - alpha), stats.norm.ppf(power)\n"
                "    s = z_a * math.sqrt(p_stable * (1 - p_stable)) + z_b * math.sqrt(\n"
                "        p_canary * (1 - p_canary))\n"
                "    return round((s / (p_canary - p_stable)) ** 2)\n",
                "Did you round to the nearest whole number? Rounding down gives a canary a little "
                "too small for the power asked; round up with `math.ceil`.",
            ),
        ],
    ),
]
