"""Exercises of 04_data_quality_privacy.ipynb: batch validation, quarantine, group metrics over
time, an alert on a fairness gap with its uncertainty, keyed pseudonyms."""

import hashlib

import numpy as np
import pandas as pd

from mlcourse.exercise import Exact, Exercise, Frame, Function, WrongAnswer

_WEATHER = ["clear", "cloudy/misty", "light rain/snow", "heavy rain/snow"]
_SCHEMA = {
    "hr": {"kind": "int", "low": 0, "high": 23},
    "weathersit": {"kind": "category", "categories": _WEATHER},
    "temp": {"kind": "float", "low": 0.0, "high": 1.0},
    "hum": {"kind": "float", "low": 0.0, "high": 1.0},
}

# --- 06.04.1: every broken cell of a batch, with the rule it breaks -----------------------------


def _batch(rows, index=None):
    """A batch as a service receives it: one dict per request, so values keep their JSON types."""
    return pd.DataFrame(rows, index=index)


_BATCH_CASES = [
    dict(
        batch=_batch(
            [
                {"hr": 0, "weathersit": "clear", "temp": 0.0, "hum": 1.0},  # bounds are allowed
                {"hr": 24, "weathersit": "snow", "temp": 0.5, "hum": 0.4},
                {"hr": 7, "weathersit": None, "temp": float("nan"), "hum": "0.61"},
                {"hr": 7.5, "weathersit": "cloudy/misty", "temp": 31.5, "hum": -0.1},
                {"hr": 23, "weathersit": "heavy rain/snow", "temp": 1.0, "hum": 0.0},
            ]
        ),
        schema=_SCHEMA,
    ),
    dict(  # a later batch of a stream: index labels that do not start at 0
        batch=_batch(
            [
                {"hr": 12, "weathersit": "clear", "temp": 0.3, "hum": None},
                {"hr": "12", "weathersit": "Clear", "temp": True, "hum": 0.5},
                {"hr": -1, "weathersit": "light rain/snow", "temp": 0.2, "hum": 0.5},
                {"hr": 5, "weathersit": "clear", "temp": 0.2, "hum": 0.5},
            ],
            index=[1040, 1041, 1042, 1043],
        ),
        schema=_SCHEMA,
    ),
    dict(  # a smaller schema, other bounds, and a clean batch
        batch=_batch([{"windspeed": 0.9, "day": 366}, {"windspeed": 0.1, "day": 1}]),
        schema={
            "day": {"kind": "int", "low": 1, "high": 366},
            "windspeed": {"kind": "float", "low": 0.0, "high": 0.85},
        },
    ),
    dict(
        batch=_batch([{"day": 0, "windspeed": 2}, {"day": np.int64(200), "windspeed": 0.85}]),
        schema={
            "day": {"kind": "int", "low": 1, "high": 366},
            "windspeed": {"kind": "float", "low": 0.0, "high": 0.85},
        },
    ),
]

# --- 06.04.2: quarantine, keeping every bad row and its reasons --------------------------------

_Q_BATCH = pd.DataFrame(
    {
        "hr": [3, 24, 7, 8, 9, 30],
        "weathersit": ["clear", "snow", None, "clear", "clear", "clear"],
        "temp": [0.2, 0.3, np.nan, 0.4, 0.5, 0.6],
    },
    index=[500, 501, 502, 503, 504, 505],
)
_Q_PROBLEMS = pd.DataFrame(
    {
        "row": [501, 501, 502, 502, 505],
        "column": ["hr", "weathersit", "weathersit", "temp", "hr"],
        "rule": ["range", "category", "missing", "missing", "range"],
    }
)
_QUARANTINE_CASES = [
    dict(batch=_Q_BATCH, problems=_Q_PROBLEMS),
    # (no case with an empty problem list: the comparator compares column dtypes, and an empty
    # `reasons` column is float64 or object depending on how it was built, both right)
    dict(  # problems listed out of row order: the quarantine keeps the batch's order
        batch=pd.DataFrame({"hr": [1, 99, 2, -5], "hum": [0.5, 0.5, 7.0, 0.5]}),
        problems=pd.DataFrame(
            {"row": [3, 1, 2], "column": ["hr", "hr", "hum"], "rule": ["range"] * 3}
        ),
    ),
]

# --- 06.04.3: true positive rate per group and period -------------------------------------------


def _tpr_case(seed, n, periods, groups):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "period": rng.choice(periods, size=n),
            "group": rng.choice(groups, size=n, p=[0.75, 0.25][: len(groups)]),
            "y": (rng.random(n) < 0.3).astype(int),
        }
    )
    # flags agree with the label 70 % of the time, so TPR, selection rate and precision differ
    frame["y_hat"] = np.where(rng.random(n) < 0.7, frame["y"], 1 - frame["y"])
    return frame


def _tpr_edge_case():
    frame = _tpr_case(7, 60, [1, 2, 3], ["a", "b"])
    # no positive at all in period 2, and none in group "b" in any period
    frame.loc[frame["period"] == 2, "y"] = 0
    frame.loc[frame["group"] == "b", "y"] = 0
    return frame


_TPR_CASES = [
    dict(frame=_tpr_case(1, 400, [1, 2, 3, 4], ["non-student", "student"])),
    dict(frame=_tpr_case(2, 300, [10, 11, 12], ["x", "y"]).sample(frac=1, random_state=0)),
    dict(frame=_tpr_edge_case()),
]

# --- 06.04.4: an alert on a gap in selection rates, with its interval ---------------------------


def _counts(rows):
    return pd.DataFrame(rows, columns=["period", "k_a", "n_a", "k_b", "n_b"]).set_index("period")


_GAP_CASES = [
    # period 1: no gap; 2: a big gap on few people (its interval is wide); 3: a clear gap;
    # 4: a clear gap the other way; 5: a gap just beyond the limit on many people; 6: a gap
    # surely above zero but not above the limit
    dict(
        counts=_counts(
            [
                (1, 30, 300, 60, 600),
                (2, 9, 30, 30, 300),
                (3, 90, 300, 60, 600),
                (4, 10, 300, 180, 600),
                (5, 1600, 10000, 1000, 10000),
                (6, 1300, 10000, 1000, 10000),
            ]
        ),
        limit=0.05,
    ),
    dict(
        counts=_counts(
            [(7, 50, 200, 20, 200), (8, 12, 40, 4, 40), (9, 20, 200, 50, 200), (10, 5, 10, 0, 10)]
        ),
        limit=0.1,
    ),
    dict(counts=_counts([(1, 300, 1000, 250, 1000), (2, 40, 100, 25, 100)]), limit=0.02, z=1.0),
    # a large group a and a small group b: b's variance decides; then the reverse
    dict(counts=_counts([(1, 50000, 100000, 10, 50), (2, 10, 50, 50000, 100000)]), limit=0.18),
    # rates of 0 or 1 have no variance: a gap exactly at the limit is not beyond it
    dict(counts=_counts([(1, 5, 5, 3, 3), (2, 0, 4, 0, 9), (3, 4, 4, 0, 7)]), limit=0.0),
]

# --- 06.04.5: the dictionary attack on plain hashes ----------------------------------------------


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


_REID_CASES = [
    dict(
        digests=[
            _sha("ada.lovelace@example.com"),
            _sha("aturing@example.org"),
            _sha("someone.else@example.com"),  # not in the dictionary: left out
            _sha("grace.hopper@example.org"),
        ],
        first_names=["Ada", "Alan", "Grace"],
        last_names=["Lovelace", "Turing", "Hopper"],
        domains=["example.com", "example.org"],
    ),
    dict(
        digests=[_sha("kthompson@mail.example"), _sha("dennis.ritchie@mail.example")],
        first_names=["Ken", "Dennis"],
        last_names=["Thompson", "Ritchie"],
        domains=["mail.example"],
    ),
    dict(digests=[_sha("x9@example.net")], first_names=["X"], last_names=["Y"], domains=["z"]),
]

# --- 06.04.6: keyed pseudonyms --------------------------------------------------------------------

_KEY_A = bytes(range(32))  # a made-up key for the check; a real key comes from the environment
_KEY_B = bytes(range(100, 132))
_PSEUDONYM_CASES = [
    dict(emails=["ada.lovelace@example.com", "alan.turing@example.org"], key=_KEY_A),
    dict(emails=["  Ada.Lovelace@Example.com ", "ada.lovelace@example.com"], key=_KEY_A),
    dict(emails=["grace.hopper@example.net"], key=_KEY_B),
    dict(emails=[], key=_KEY_B),
]


EXERCISES = [
    Exercise(
        id="06.04.1",
        title="Every broken cell of a batch, with the rule it breaks",
        checks={"find_problems": Function(cases=_BATCH_CASES, returns=Frame(), keeps_inputs=True)},
        hints=[
            "Go through the rows (`batch.iterrows()` gives the index label and the row) and, in "
            "each, the columns of `schema` in order. Decide one rule per cell, in this order: "
            "missing (`pd.isna`), then type, then range or category.",
            "A number is `isinstance(value, numbers.Real) and not isinstance(value, (bool, "
            "np.bool_))`; an `int` column also needs `value == int(value)`. A string is never a "
            "number, even `'0.61'`. Collect `(row, column, rule)` tuples and return "
            "`pd.DataFrame(records, columns=['row', 'column', 'rule'])`.",
        ],
        solution="""
            def find_problems(batch, schema):
                \"\"\"One row (row, column, rule) per cell of `batch` that breaks `schema`.\"\"\"
                records = []
                for row, values in batch.iterrows():
                    for column, rule in schema.items():
                        value = values[column]
                        if pd.isna(value):
                            records.append((row, column, "missing"))
                        elif rule["kind"] == "category":
                            if value not in rule["categories"]:
                                records.append((row, column, "category"))
                        elif (
                            not isinstance(value, numbers.Real)
                            or isinstance(value, (bool, np.bool_))
                            or (rule["kind"] == "int" and value != int(value))
                        ):
                            records.append((row, column, "type"))
                        elif not rule["low"] <= value <= rule["high"]:
                            records.append((row, column, "range"))
                return pd.DataFrame(records, columns=["row", "column", "rule"])
        """,
        wrong_answers=[
            WrongAnswer(
                "def find_problems(batch, schema):\n"
                "    records = []\n"
                "    for row, values in batch.iterrows():\n"
                "        for column, rule in schema.items():\n"
                "            value = values[column]\n"
                "            if pd.isna(value):\n"
                "                records.append((row, column, 'missing'))\n"
                "            elif rule['kind'] == 'category':\n"
                "                if value not in rule['categories']:\n"
                "                    records.append((row, column, 'category'))\n"
                "            elif not rule['low'] < float(value) < rule['high']:\n"
                "                records.append((row, column, 'range'))\n"
                "    return pd.DataFrame(records, columns=['row', 'column', 'rule'])\n",
                "Did you use strict inequalities (`low < value < high`)? The bounds themselves "
                "(hour 0, humidity 1.0) are allowed values: compare with `<=`.",
            ),
            WrongAnswer(
                "def find_problems(batch, schema):\n"
                "    records = []\n"
                "    for row, values in batch.iterrows():\n"
                "        for column, rule in schema.items():\n"
                "            value = values[column]\n"
                "            if pd.isna(value):\n"
                "                records.append((row, column, 'missing'))\n"
                "            elif rule['kind'] == 'category':\n"
                "                if value not in rule['categories']:\n"
                "                    records.append((row, column, 'category'))\n"
                "            else:\n"
                "                try:\n"
                "                    number = float(value)\n"
                "                except (TypeError, ValueError):\n"
                "                    records.append((row, column, 'type'))\n"
                "                    continue\n"
                "                if rule['kind'] == 'int' and number != int(number):\n"
                "                    records.append((row, column, 'type'))\n"
                "                elif not rule['low'] <= number <= rule['high']:\n"
                "                    records.append((row, column, 'range'))\n"
                "    return pd.DataFrame(records, columns=['row', 'column', 'rule'])\n",
                "Did you convert values with `float(value)`? That turns the string `'0.61'` and "
                "`True` into numbers, so a client that sends the wrong types passes unnoticed. "
                "A value that is not already a number breaks the `type` rule.",
            ),
            WrongAnswer(
                "def find_problems(batch, schema):\n"
                "    records = []\n"
                "    for row, values in batch.iterrows():\n"
                "        for column, rule in schema.items():\n"
                "            value = values[column]\n"
                "            if rule['kind'] == 'category':\n"
                "                if value not in rule['categories']:\n"
                "                    records.append((row, column, 'category'))\n"
                "            elif not isinstance(value, numbers.Real) or isinstance(value, bool):\n"
                "                records.append((row, column, 'type'))\n"
                "            elif not rule['low'] <= value <= rule['high']:\n"
                "                records.append((row, column, 'range'))\n"
                "    return pd.DataFrame(records, columns=['row', 'column', 'rule'])\n",
                "Did you leave out the `missing` rule? A missing value then shows up as a "
                "category, type or range problem (NaN fails every comparison), and a null rate "
                "is the first thing a data-quality dashboard tracks. Test `pd.isna(value)` first.",
            ),
            WrongAnswer(
                "def find_problems(batch, schema):\n"
                "    records = []\n"
                "    for row, values in batch.iterrows():\n"
                "        for column, rule in schema.items():\n"
                "            value = values[column]\n"
                "            if pd.isna(value):\n"
                "                records.append((row, column, 'missing'))\n"
                "            elif rule['kind'] == 'category':\n"
                "                if value not in rule['categories']:\n"
                "                    records.append((row, column, 'category'))\n"
                "            elif not isinstance(value, numbers.Real) or (\n"
                "                rule['kind'] == 'int' and value != int(value)\n"
                "            ):\n"
                "                records.append((row, column, 'type'))\n"
                "            elif not rule['low'] <= value <= rule['high']:\n"
                "                records.append((row, column, 'range'))\n"
                "    return pd.DataFrame(records, columns=['row', 'column', 'rule'])\n",
                "Did you test only `isinstance(value, numbers.Real)`? In Python `True` is a "
                "number too (`bool` is a subclass of `int`, and `0 <= True <= 1`), so a client "
                "that sends a checkbox where a temperature belongs passes. Exclude `bool` and "
                "`np.bool_` explicitly.",
            ),
        ],
    ),
    Exercise(
        id="06.04.2",
        title="Quarantine bad rows without losing them",
        checks={
            "quarantine": Function(cases=_QUARANTINE_CASES, returns=Frame(), keeps_inputs=True)
        },
        hints=[
            "Group `problems` by `row` and join each row's `column: rule` texts with `'; '`. "
            "Then take those rows of `batch` with `.loc`, in the batch's own order.",
            "`reasons = (problems['column'] + ': ' + problems['rule']).groupby(problems['row'])"
            ".agg('; '.join)`; then `bad = batch.index.isin(reasons.index)` and "
            "`batch[bad].assign(reasons=reasons)` (assign aligns on the index labels).",
        ],
        solution="""
            def quarantine(batch, problems):
                \"\"\"The rows of `batch` named in `problems`, once each, with a `reasons` column.\"\"\"
                texts = problems["column"] + ": " + problems["rule"]
                reasons = texts.groupby(problems["row"]).agg("; ".join)
                bad = batch.index.isin(reasons.index)
                return batch[bad].assign(reasons=reasons)
        """,
        wrong_answers=[
            WrongAnswer(
                "def quarantine(batch, problems):\n    return batch.loc[problems['row']]\n",
                "Did you keep the bad rows but not why they are bad? `{name}` must add a "
                "`reasons` column: whoever repairs the rows (or the upstream team) needs to know "
                "which rule each one broke.",
            ),
            WrongAnswer(
                "def quarantine(batch, problems):\n"
                "    texts = problems['column'] + ': ' + problems['rule']\n"
                "    rows = batch.loc[problems['row']]\n"
                "    return rows.assign(reasons=texts.to_numpy())\n",
                "Did you take one quarantined row per problem? A row that breaks two rules then "
                "appears twice, and good + quarantined rows no longer add up to the batch. Group "
                "the problems by row first.",
            ),
            WrongAnswer(
                "def quarantine(batch, problems):\n"
                "    texts = problems['column'] + ': ' + problems['rule']\n"
                "    reasons = texts.groupby(problems['row'], sort=False).agg('; '.join)\n"
                "    return batch.loc[reasons.index].assign(reasons=reasons)\n",
                "Did you take the rows in the order of `problems` (`batch.loc[...]` with the "
                "problems' row labels)? The quarantine keeps the batch's own order, whatever "
                "order the problems were found in: select with a mask, "
                "`batch[batch.index.isin(...)]`.",
            ),
            WrongAnswer(
                "def quarantine(batch, problems):\n"
                "    texts = problems['column'] + ': ' + problems['rule']\n"
                "    reasons = texts.groupby(problems['row']).agg('; '.join)\n"
                "    rows = batch.loc[reasons.index].reset_index(drop=True)\n"
                "    return rows.assign(reasons=reasons.to_numpy())\n",
                "Did you reset the index? The quarantined rows must keep their index labels, the "
                "only link back to the request they came from (and the way to replay them once "
                "fixed).",
            ),
        ],
    ),
    Exercise(
        id="06.04.3",
        title="True positive rate per group and period",
        checks={"tpr_by_period": Function(cases=_TPR_CASES, returns=Frame(), keeps_inputs=True)},
        hints=[
            "The true positive rate (TPR) of a group is the share of its *positives* "
            "(`y == 1`) that the model flagged (`y_hat == 1`): filter on `y` first, then average "
            "`y_hat` per period and group.",
            "`frame[frame['y'] == 1].pivot_table(index='period', columns='group', values='y_hat', "
            "aggfunc='mean')`, then `.reindex(index=..., columns=...)` with the sorted unique "
            "periods and groups of the *whole* frame, so that a period without positives stays "
            "(as NaN).",
        ],
        solution="""
            def tpr_by_period(frame):
                \"\"\"Share of y == 1 rows flagged (y_hat == 1), per period (rows) and group.\"\"\"
                positives = frame[frame["y"] == 1]
                table = positives.pivot_table(
                    index="period", columns="group", values="y_hat", aggfunc="mean"
                )
                return table.reindex(
                    index=np.unique(frame["period"]), columns=np.unique(frame["group"])
                )
        """,
        wrong_answers=[
            WrongAnswer(
                "def tpr_by_period(frame):\n"
                "    table = frame.pivot_table(index='period', columns='group', values='y_hat',\n"
                "                              aggfunc='mean')\n"
                "    return table.reindex(index=np.unique(frame['period']),\n"
                "                         columns=np.unique(frame['group']))\n",
                "Did you average `y_hat` over every row? That is the selection rate (how often "
                "the model flags), not the true positive rate: keep only the rows with `y == 1` "
                "first.",
            ),
            WrongAnswer(
                "def tpr_by_period(frame):\n"
                "    flagged = frame[frame['y_hat'] == 1]\n"
                "    table = flagged.pivot_table(index='period', columns='group', values='y',\n"
                "                                aggfunc='mean')\n"
                "    return table.reindex(index=np.unique(frame['period']),\n"
                "                         columns=np.unique(frame['group']))\n",
                "Did you average `y` over the flagged rows? That is the precision. The TPR is "
                "the share of true positives (`y == 1`) that were flagged: the mean of `y_hat` "
                "over them.",
            ),
            WrongAnswer(
                "def tpr_by_period(frame):\n"
                "    positives = frame[frame['y'] == 1]\n"
                "    return positives.pivot_table(index='period', columns='group',\n"
                "                                 values='y_hat', aggfunc='mean')\n",
                "Did you let periods without positives disappear? A period where nobody defaulted "
                "has an unknown TPR, and the table should show it (as NaN) rather than skip it: "
                "reindex with every period and group of `frame`.",
            ),
        ],
        equivalent_mutants={
            "line 4: keyword `aggfunc='mean'` dropped from `positives.pivot_table`": (
                "'mean' is the default aggfunc of pivot_table"
            ),
        },
    ),
    Exercise(
        id="06.04.4",
        title="Alert when a gap is wider than the limit, beyond doubt",
        checks={"gap_alerts": Function(cases=_GAP_CASES, returns=Exact())},
        hints=[
            "Per period: p_a = k_a / n_a, p_b = k_b / n_b, gap = p_a - p_b and its standard error "
            "se = sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b). The interval is gap ± z·se.",
            "Alert when the whole interval lies beyond the limit on either side: "
            "`gap - z * se > limit` or `gap + z * se < -limit`. Return "
            "`list(counts.index[alert])`.",
        ],
        solution="""
            def gap_alerts(counts, limit, z=1.96):
                \"\"\"Periods whose gap p_a - p_b is beyond ±limit with its whole z-interval.\"\"\"
                p_a = counts["k_a"] / counts["n_a"]
                p_b = counts["k_b"] / counts["n_b"]
                gap = p_a - p_b
                se = np.sqrt(p_a * (1 - p_a) / counts["n_a"] + p_b * (1 - p_b) / counts["n_b"])
                alert = (gap - z * se > limit) | (gap + z * se < -limit)
                return list(counts.index[alert])
        """,
        wrong_answers=[
            WrongAnswer(
                "def gap_alerts(counts, limit, z=1.96):\n"
                "    gap = counts['k_a'] / counts['n_a'] - counts['k_b'] / counts['n_b']\n"
                "    return list(counts.index[gap.abs() > limit])\n",
                "Did you compare the point estimate of the gap with the limit? On a small group "
                "the gap is noisy (30 people: ± 16 points), so `{name}` fires on noise. Alert "
                "only when the whole interval gap ± z·se is beyond the limit.",
            ),
            WrongAnswer(
                "def gap_alerts(counts, limit, z=1.96):\n"
                "    p_a = counts['k_a'] / counts['n_a']\n"
                "    p_b = counts['k_b'] / counts['n_b']\n"
                "    gap = p_a - p_b\n"
                "    se = np.sqrt(p_a * (1 - p_a) / counts['n_a'] + p_b * (1 - p_b) / counts['n_b'])\n"
                "    return list(counts.index[gap - z * se > limit])\n",
                "Did you look in one direction only? A gap can widen either way (group b "
                "flagged far more than group a too): also alert when `gap + z * se < -limit`.",
            ),
            WrongAnswer(
                "def gap_alerts(counts, limit, z=1.96):\n"
                "    p_a = counts['k_a'] / counts['n_a']\n"
                "    p_b = counts['k_b'] / counts['n_b']\n"
                "    gap = p_a - p_b\n"
                "    se = np.sqrt(p_a * (1 - p_a) / counts['n_a'] + p_b * (1 - p_b) / counts['n_b'])\n"
                "    return list(counts.index[(gap - z * se > 0) | (gap + z * se < 0)])\n",
                "Did you test whether the gap is different from zero? With enough people any "
                "gap is significant; the question is whether it is wider than the limit you can "
                "accept. Compare the interval with `limit`, not with 0.",
            ),
        ],
        equivalent_mutants={
            "line 5: `p_a - p_b` -> `p_b - p_a`": (
                "the alert is symmetric: a gap beyond +limit one way is beyond -limit the other"
            ),
        },
    ),
    Exercise(
        id="06.04.5",
        title="The dictionary attack, at scale",
        checks={"reidentify": Function(cases=_REID_CASES, returns=Exact())},
        hints=[
            "Build every guess (both patterns, for every first name, last name and domain), in "
            "lower case, hash each with SHA-256 and keep a dict from digest to guess. Then look "
            "each digest up.",
            "`guesses = [f'{f}.{l}@{d}' ...] + [f'{f[0]}{l}@{d}' ...]` with `.lower()`; "
            "`table = {hashlib.sha256(g.encode()).hexdigest(): g for g in guesses}`; return "
            "`{d: table[d] for d in digests if d in table}`.",
        ],
        solution="""
            def reidentify(digests, first_names, last_names, domains):
                \"\"\"{digest: address} for each digest that a guessed address hashes to.\"\"\"
                table = {}
                for first in first_names:
                    for last in last_names:
                        for domain in domains:
                            for guess in (f"{first}.{last}@{domain}", f"{first[0]}{last}@{domain}"):
                                guess = guess.lower()
                                table[hashlib.sha256(guess.encode()).hexdigest()] = guess
                return {digest: table[digest] for digest in digests if digest in table}
        """,
        wrong_answers=[
            WrongAnswer(
                "def reidentify(digests, first_names, last_names, domains):\n"
                "    table = {}\n"
                "    for f in first_names:\n"
                "        for l in last_names:\n"
                "            for d in domains:\n"
                "                g = f'{f}.{l}@{d}'.lower()\n"
                "                table[hashlib.sha256(g.encode()).hexdigest()] = g\n"
                "    return {x: table[x] for x in digests if x in table}\n",
                "Did you try only the `first.last@` pattern? Users named `alovelace@...` are "
                "missed: add the guesses `initial + last@domain` too.",
            ),
            WrongAnswer(
                "def reidentify(digests, first_names, last_names, domains):\n"
                "    table = {}\n"
                "    for f in first_names:\n"
                "        for l in last_names:\n"
                "            for d in domains:\n"
                "                for g in (f'{f}.{l}@{d}', f'{f[0]}{l}@{d}'):\n"
                "                    table[hashlib.sha256(g.encode()).hexdigest()] = g\n"
                "    return {x: table[x] for x in digests if x in table}\n",
                "Did you hash the guesses as built from the capitalised names? A hash changes "
                "completely with one letter's case, and the addresses were lower case: "
                "`.lower()` each guess before hashing it.",
            ),
            WrongAnswer(
                "def reidentify(digests, first_names, last_names, domains):\n"
                "    table = {}\n"
                "    for f in first_names:\n"
                "        for l in last_names:\n"
                "            for d in domains:\n"
                "                for g in (f'{f}.{l}@{d}', f'{f[0]}{l}@{d}'):\n"
                "                    g = g.lower()\n"
                "                    table[hashlib.sha256(g.encode()).hexdigest()] = g\n"
                "    return {x: table.get(x) for x in digests}\n",
                "Did you keep the digests you could not recover, as None? `{name}` should return "
                "only the recovered ones: test `if digest in table`.",
            ),
        ],
    ),
    Exercise(
        id="06.04.6",
        title="Keyed pseudonyms for e-mail addresses",
        checks={"pseudonymise": Function(cases=_PSEUDONYM_CASES, returns=Exact())},
        hints=[
            "Normalise each address first (`.strip().lower()`), so that one person gets one "
            "pseudonym; then hash it *with the key*: an HMAC, not a plain hash.",
            "`hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()` for "
            "each address, in a list.",
        ],
        solution="""
            def pseudonymise(emails, key):
                \"\"\"HMAC-SHA256 hex digest of each normalised address, under `key`.\"\"\"
                return [
                    hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
                    for email in emails
                ]
        """,
        wrong_answers=[
            WrongAnswer(
                "def pseudonymise(emails, key):\n"
                "    return [hashlib.sha256(e.strip().lower().encode()).hexdigest() for e in emails]\n",
                "Did you hash without the key? A plain SHA-256 of an address is the same for "
                "everyone who computes it, so the dictionary attack above reverses it. Use "
                "`hmac.new(key, ...)`.",
            ),
            WrongAnswer(
                "def pseudonymise(emails, key):\n"
                "    return [hmac.new(key, e.encode(), hashlib.sha256).hexdigest() for e in emails]\n",
                "Did you hash the address as typed? `' Ada.Lovelace@Example.com'` and "
                "`'ada.lovelace@example.com'` are the same person and must get the same "
                "pseudonym: `.strip().lower()` first.",
            ),
            WrongAnswer(
                "def pseudonymise(emails, key):\n"
                "    return [hashlib.sha256(key + e.strip().lower().encode()).hexdigest()\n"
                "            for e in emails]\n",
                "Did you prepend the key to the address and hash that? `sha256(key + message)` "
                "is open to length-extension attacks; HMAC is the construction made for a keyed "
                "hash: `hmac.new(key, message, hashlib.sha256)`.",
            ),
        ],
    ),
]
