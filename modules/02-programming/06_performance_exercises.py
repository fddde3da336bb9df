"""Exercises of 06_performance.ipynb: profiling, vectorisation, caching, dtypes, Amdahl's law."""

import math

import numpy as np
import pandas as pd

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer

# --- 02.06.2: a loop the check can tell from whole-array code --------------------------------
_LOOP_MESSAGE = (
    "Did you loop over the hours (a `for` loop, a comprehension, `map`, `.tolist()`, or indexing "
    "one element at a time)? The check passes an array whose elements cannot be taken one by one. Work on "
    "the whole array: `np.arange`, `np.where` and `np.maximum.accumulate`."
)


class _NoElementLoops(np.ndarray):
    """A 1-D array whose elements cannot be taken one at a time in Python.

    A loop and whole-array code compute the same numbers, so no value check can tell them
    apart; this array can: iterating over it, `.tolist()`, or indexing a single element, raises a TypeError
    whose text is the recorded wrong answer's message. Whole-array operations (ufuncs,
    `np.where`, slicing, `len`) work as on any array. The grader's safe format carries it as a
    plain array, so there (only) a loop passes.
    """

    def __iter__(self):
        raise TypeError(_LOOP_MESSAGE)

    def tolist(self):
        raise TypeError(_LOOP_MESSAGE)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            raise TypeError(_LOOP_MESSAGE)
        return super().__getitem__(key)


def _hours(flags) -> _NoElementLoops:
    return np.asarray(flags, dtype=bool).view(_NoElementLoops)


_T, _F = True, False
_rng = np.random.default_rng(6)
_RAIN_CASES = [
    dict(raining=_hours([_F, _T, _F, _F, _T, _F])),
    dict(raining=_hours([_T, _F, _F])),  # rain in the very first hour
    dict(raining=_hours([_F, _F, _F])),  # no rain at all
    dict(raining=_hours([_T, _T, _F])),
    dict(raining=_hours([_T])),
    dict(raining=_hours([])),
    dict(raining=_hours(_rng.random(200) < 0.1)),
]

# --- 02.06.3: an LRU cache's hits and misses ---------------------------------------------------
_LRU_CASES = [
    dict(keys=[], maxsize=4),
    dict(keys=["a", "a", "a"], maxsize=1),
    dict(keys=["a", "b", "a", "b"], maxsize=1),  # each key pushes the other out
    dict(keys=["a", "b", "a", "b"], maxsize=2),
    dict(keys=["a", "b", "c", "a"], maxsize=2),  # a was evicted by c
    dict(keys=["a", "b", "a", "c", "a"], maxsize=2),  # the hit on a makes b the oldest
    dict(keys=[3, 1, 3, 2, 1, 3], maxsize=None),  # unbounded
    dict(keys=["x", "x", "y"], maxsize=0),  # no cache at all
    dict(keys=["1", 1, "1"], maxsize=None),  # a string and a number are different keys
    dict(keys=[*range(200), 0], maxsize=None),  # more distinct keys than the default 128 places
    dict(keys=[day % 7 for day in range(30)], maxsize=6),  # a weekly cycle one slot too large
]

# --- 02.06.4: a dtype plan ------------------------------------------------------------------------
_PLAN_CASES = [
    dict(
        frame=pd.DataFrame(
            {
                "temp": [0.24, 0.22, 0.5, 0.9],
                "hr": [0, 5, 23, 127],
                "delta": [-129, 0, 1, 2],
                "count": [0, 40_000, 1, 2],
                "weather": ["clear", "clear", "rain", "clear"],
                "ride_id": ["r1", "r2", "r3", "r4"],
            }
        )
    ),
    dict(
        frame=pd.DataFrame(
            {
                "low": [-128, 127],
                "above_int16": [0, 32_768],
                "min_int32": [-(2**31), 0],
                "above_int32": [0, 2**31],
                "code": ["x", "y"],
                "flag": [True, False],
            }
        )
    ),
    dict(
        frame=pd.DataFrame(
            {
                "half": ["a", "a", "b", "b"],  # 2 distinct of 4 rows: exactly half
                "most": ["a", "b", "c", "c"],  # 3 distinct of 4 rows
                "station": pd.Series(["A", "B", "A", "A"], dtype=object),  # old-style text
                "name": pd.Series(["p", "q", "r", "s"], dtype=object),
            }
        )
    ),
    dict(frame=pd.DataFrame({"x": [1.5], "n": [-1], "s": ["only"]})),
]

# --- 02.06.5: Amdahl's law for several parts --------------------------------------------------
_AMDAHL_CASES = [
    dict(fractions={"features": 0.9, "train": 0.1}, speedups={"features": 10}),
    dict(fractions={"features": 0.9, "train": 0.1}, speedups={}),
    dict(fractions={"a": 0.5, "b": 0.5}, speedups={"a": 2, "b": 2}),
    dict(fractions={"load": 0.2, "features": 0.7, "train": 0.1}, speedups={"features": math.inf}),
    dict(fractions={"only": 1.0}, speedups={"only": 4}),
    # one part made 3 times faster, another made 2 times slower (a speedup of 0.5)
    dict(fractions={"a": 0.6, "b": 0.3, "c": 0.1}, speedups={"a": 3, "c": 0.5}),
]

EXERCISES = [
    Exercise(
        id="02.06.1",
        title="Profile before you optimise",
        checks={"hot_function": Exact(), "hot_calls": Exact()},
        hints=[
            "Profile the call with the lesson's helper and print the top of the table: "
            "`profile_stats(make_report, rides).sort_stats('tottime').print_stats(8)`.",
            "Read the first row of the table sorted by `tottime` (time in the function's own "
            "code): the function's name is in brackets at the end of the row, and `ncalls` is "
            "its number of calls. Type both in: a string and an int.",
        ],
        solution="""
            # profile_stats(make_report, rides).sort_stats("tottime").print_stats(8)
            hot_function = "profile_distance"
            hot_calls = 9814
        """,
        wrong_answers=[
            WrongAnswer(
                'hot_function = "make_report"\nhot_calls = 1\n',
                "Did you sort by cumulative time? `make_report` includes the time of everything "
                "it calls, so it is always at the top; sort by `tottime`, the time spent in a "
                "function's own code.",
            ),
            WrongAnswer(
                'hot_function = "most_similar_earlier_day"\nhot_calls = 365\n',
                "Did you pick the function that holds the loop over the days? Its cumulative time "
                "is large, but most of it is spent in the function it calls; `tottime` shows "
                "where the time really goes.",
            ),
        ],
    ),
    Exercise(
        id="02.06.2",
        title="Vectorise a loop: hours since the last rain",
        checks={"hours_since_rain": Function(cases=_RAIN_CASES)},
        hints=[
            "Make an array of positions, `np.arange(len(raining))`, and replace the dry hours "
            "by -1 with `np.where`. The last rainy position at or before each hour is then the "
            "running maximum of that array: `np.maximum.accumulate`.",
            "Subtract the last rainy position from the position; where that position is still "
            "-1 (no rain yet) put `np.nan` instead, with a second `np.where`.",
        ],
        solution="""
            def hours_since_rain(raining):
                \"\"\"Hours since the latest rainy hour at or before each hour; NaN before any rain.\"\"\"
                positions = np.arange(len(raining))
                last_rain = np.maximum.accumulate(np.where(raining, positions, -1))
                return np.where(last_rain >= 0, positions - last_rain, np.nan)
        """,
        wrong_answers=[
            WrongAnswer(
                "def hours_since_rain(raining):\n"
                "    hours, last = [], None\n"
                "    for i, rain in enumerate(raining):\n"
                "        if rain:\n"
                "            last = i\n"
                "        hours.append(np.nan if last is None else i - last)\n"
                "    return np.array(hours, dtype=float)\n",
                _LOOP_MESSAGE,
            ),
            WrongAnswer(
                "def hours_since_rain(raining):\n"
                "    positions = np.arange(len(raining))\n"
                "    last_rain = np.maximum.accumulate(np.where(raining, positions, -1))\n"
                "    return (positions - last_rain).astype(float)\n",
                "Did you keep the hours before the first rain? They were counted from the "
                "position -1; there is no earlier rain there, so `{name}` should give NaN.",
            ),
            WrongAnswer(
                "def hours_since_rain(raining):\n"
                "    positions = np.arange(len(raining))\n"
                "    last_rain = np.maximum.accumulate(raining * positions)\n"
                "    return (positions - last_rain).astype(float)\n",
                "Did you multiply the mask by the positions? A dry hour and rain at position 0 "
                "then both give 0; mark the dry hours with -1 instead (`np.where`).",
            ),
        ],
        equivalent_mutants={
            "line 4: `1` -> `2`": "Dry hours marked -2 instead of -1: any negative mark stays "
            "below every position, so the running maximum is the same where it has rained, and "
            "`last_rain >= 0` turns the rest into NaN.",
        },
    ),
    Exercise(
        id="02.06.3",
        title="Hits and misses of an LRU cache",
        checks={"lru_stats": Function(cases=_LRU_CASES, returns=Exact())},
        hints=[
            "Let `functools.lru_cache` do the bookkeeping: wrap any cheap function of one key "
            "with `functools.lru_cache(maxsize=maxsize)`, call it on every key in order and read "
            "`cache_info()`.",
            "Create the cached function *inside* `lru_stats`, so that every call starts from an "
            "empty cache of the requested size (a function decorated once at the top level "
            "keeps its hits, misses and size between calls).",
        ],
        solution="""
            def lru_stats(keys, maxsize):
                \"\"\"(hits, misses) of an LRU cache of `maxsize` entries looked up with `keys`.\"\"\"
                lookup = functools.lru_cache(maxsize=maxsize)(lambda key: key)
                for key in keys:
                    lookup(key)
                info = lookup.cache_info()
                return (info.hits, info.misses)
        """,
        wrong_answers=[
            WrongAnswer(
                "@functools.lru_cache\n"
                "def _lookup(key):\n"
                "    return key\n"
                "\n"
                "def lru_stats(keys, maxsize):\n"
                "    _lookup.cache_clear()\n"
                "    for key in keys:\n"
                "        _lookup(key)\n"
                "    info = _lookup.cache_info()\n"
                "    return (info.hits, info.misses)\n",
                "Did you decorate a function with `@functools.lru_cache` once, outside `{name}`? "
                "It holds 128 entries whatever `maxsize` says; create the cached function inside "
                "`{name}` with `functools.lru_cache(maxsize=maxsize)`, which also starts it empty.",
            ),
            WrongAnswer(
                "def lru_stats(keys, maxsize):\n"
                "    misses = len(set(keys))\n"
                "    return (len(keys) - misses, misses)\n",
                "Did you count one miss per distinct key? A bounded cache forgets keys: a key "
                "that was evicted misses again when it comes back.",
            ),
            WrongAnswer(
                "def lru_stats(keys, maxsize):\n"
                "    stored, hits, misses = [], 0, 0\n"
                "    for key in keys:\n"
                "        if key in stored:\n"
                "            hits += 1\n"
                "            continue\n"
                "        misses += 1\n"
                "        if maxsize != 0:\n"
                "            stored.append(key)\n"
                "            if maxsize is not None and len(stored) > maxsize:\n"
                "                stored.pop(0)\n"
                "    return (hits, misses)\n",
                "Did you evict the key that was stored first? An LRU cache evicts the least "
                "recently *used* key: a hit makes a key the most recent again.",
            ),
        ],
    ),
    Exercise(
        id="02.06.4",
        title="A dtype plan that saves memory",
        checks={"shrink_plan": Function(cases=_PLAN_CASES, returns=Exact())},
        hints=[
            "Loop over `frame.columns` and build a list of `(column, dtype name)` pairs. "
            "`frame[c].dtype == 'float64'` tests a "
            "float column, `pd.api.types.is_integer_dtype(frame[c])` an integer one and "
            "`pd.api.types.is_string_dtype(frame[c])` a text one (`str` or `object`).",
            "For integers, `np.iinfo('int8').min` and `.max` give the range of a type: take the "
            "first of 'int8', 'int16', 'int32', 'int64' with min ≤ the column's minimum and its "
            "maximum ≤ max (both inclusive). For text, compare `frame[c].nunique()` with "
            "`len(frame) / 2`. Otherwise keep `str(frame[c].dtype)`.",
        ],
        solution="""
            def shrink_plan(frame):
                \"\"\"A list of (column, dtype name to store it with) pairs, in column order.\"\"\"
                plan = []
                for column in frame.columns:
                    values = frame[column]
                    if values.dtype == "float64":
                        kind = "float32"
                    elif pd.api.types.is_integer_dtype(values):
                        kind = next(
                            kind
                            for kind in ["int8", "int16", "int32", "int64"]
                            if np.iinfo(kind).min <= values.min() and values.max() <= np.iinfo(kind).max
                        )
                    elif pd.api.types.is_string_dtype(values) and values.nunique() <= len(values) / 2:
                        kind = "category"
                    else:
                        kind = str(values.dtype)
                    plan.append((column, kind))
                return plan
        """,
        wrong_answers=[
            WrongAnswer(
                "def shrink_plan(frame):\n"
                "    plan = {}\n"
                "    for column in frame.columns:\n"
                "        values = frame[column]\n"
                "        if values.dtype == 'float64':\n"
                "            plan[column] = 'float32'\n"
                "        elif pd.api.types.is_integer_dtype(values):\n"
                "            plan[column] = str(pd.to_numeric(values, downcast='unsigned').dtype)\n"
                "        elif pd.api.types.is_string_dtype(values):\n"
                "            plan[column] = (\n"
                "                'category' if values.nunique() <= len(values) / 2 else str(values.dtype)\n"
                "            )\n"
                "        else:\n"
                "            plan[column] = str(values.dtype)\n"
                "    return list(plan.items())\n",
                "Did you downcast to unsigned integers? The plan uses the signed types int8 to "
                "int64, which stay correct when a later value or a difference is negative.",
            ),
            WrongAnswer(
                "def shrink_plan(frame):\n"
                "    plan = {}\n"
                "    for column in frame.columns:\n"
                "        values = frame[column]\n"
                "        if values.dtype == 'float64':\n"
                "            plan[column] = 'float32'\n"
                "        elif pd.api.types.is_integer_dtype(values):\n"
                "            plan[column] = str(pd.to_numeric(values, downcast='integer').dtype)\n"
                "        elif pd.api.types.is_string_dtype(values):\n"
                "            plan[column] = 'category'\n"
                "        else:\n"
                "            plan[column] = str(values.dtype)\n"
                "    return list(plan.items())\n",
                "Did you make every text column a category? When most values are distinct (ids, "
                "names), a category stores each of them once more plus a code per row and saves "
                "nothing; keep those columns as they are.",
            ),
            WrongAnswer(
                "def shrink_plan(frame):\n"
                "    plan = {}\n"
                "    for column in frame.columns:\n"
                "        values = frame[column]\n"
                "        if values.dtype == 'float64':\n"
                "            plan[column] = 'float32'\n"
                "        elif pd.api.types.is_integer_dtype(values):\n"
                "            plan[column] = next(\n"
                "                kind for kind in ['int8', 'int16', 'int32', 'int64']\n"
                "                if np.iinfo(kind).min < values.min() and values.max() < np.iinfo(kind).max\n"
                "            )\n"
                "        elif pd.api.types.is_string_dtype(values) and values.nunique() <= len(values) / 2:\n"
                "            plan[column] = 'category'\n"
                "        else:\n"
                "            plan[column] = str(values.dtype)\n"
                "    return list(plan.items())\n",
                "Did you leave out the limits of each type? int8 holds -128 to 127 *inclusive*: "
                "use <= on both sides.",
            ),
            WrongAnswer(
                "def shrink_plan(frame):\n"
                "    plan = {}\n"
                "    for column in frame.columns:\n"
                "        values = frame[column]\n"
                "        if values.dtype == 'float64':\n"
                "            plan[column] = 'float32'\n"
                "        elif pd.api.types.is_integer_dtype(values):\n"
                "            plan[column] = next(\n"
                "                kind for kind in ['int8', 'int16', 'int32', 'int64']\n"
                "                if values.max() <= np.iinfo(kind).max\n"
                "            )\n"
                "        elif pd.api.types.is_string_dtype(values) and values.nunique() <= len(values) / 2:\n"
                "            plan[column] = 'category'\n"
                "        else:\n"
                "            plan[column] = str(values.dtype)\n"
                "    return list(plan.items())\n",
                "Did you check only the largest value? A column whose minimum is -129 does not fit "
                "in int8 even though its maximum does: check both ends.",
            ),
        ],
    ),
    Exercise(
        id="02.06.5",
        title="Amdahl's law for a whole pipeline",
        checks={"overall_speedup": Function(cases=_AMDAHL_CASES, returns=Close(rtol=1e-9))},
        hints=[
            "Work with times, not speedups: a step that took the share f of the run and is made "
            "s times faster now takes f / s; a step with no speedup still takes f. The new run "
            "time is the sum of these, as a share of the old one.",
            "The overall speedup is the old run time (1, since the shares add up to 1) divided "
            "by the new one. `speedups.get(step, 1)` reads a step's speedup with 1 for the "
            "steps not listed, and `share / math.inf` is 0.0, so a step made free needs no "
            "special case.",
        ],
        solution="""
            def overall_speedup(fractions, speedups):
                \"\"\"Speedup of the whole run when each step in `speedups` gets that much faster.\"\"\"
                return 1 / sum(share / speedups.get(step, 1) for step, share in fractions.items())
        """,
        wrong_answers=[
            WrongAnswer(
                "def overall_speedup(fractions, speedups):\n"
                "    return sum(share * speedups.get(step, 1) for step, share in fractions.items())\n",
                "Did you average the speedups, weighted by the fractions? Times add up, speedups "
                "do not: add up the new times (share / speedup) and invert the sum.",
            ),
            WrongAnswer(
                "def overall_speedup(fractions, speedups):\n"
                "    new_time = sum(fractions[step] / s for step, s in speedups.items())\n"
                "    return 1 / new_time if new_time else 1.0\n",
                "Did you leave out the steps that were not sped up? They still take their full "
                "share of the time, and they are what limits the overall speedup.",
            ),
            WrongAnswer(
                "def overall_speedup(fractions, speedups):\n"
                "    return math.prod(speedups.values())\n",
                "Did you multiply the speedups of the steps? The steps run one after the other and "
                "share the run time: two halves each made 2 times faster make the whole run 2 "
                "times faster, not 4.",
            ),
        ],
    ),
]
