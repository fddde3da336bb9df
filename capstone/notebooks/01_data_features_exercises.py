"""Exercises of capstone notebook 01_data_features.ipynb: validation, time windows, features."""

import numpy as np
import pandas as pd

from mlcourse.exercise import Close, Exact, Exercise, Frame, Function, WrongAnswer

_FRAMES = [
    dict(
        frame=pd.DataFrame({"hum": [0.5, 1.2, np.nan, -0.1, 1.0]}, index=[10, 11, 12, 13, 14]),
        column="hum",
        low=0.0,
        high=1.0,
    ),
    dict(frame=pd.DataFrame({"hr": [0, 23, 24, 5]}), column="hr", low=0, high=23),
    dict(frame=pd.DataFrame({"temp": [0.2, 0.3]}), column="temp", low=0.0, high=1.0),
]

EXERCISES = [
    Exercise(
        id="cap.01.1",
        title="Find the rows that break a range rule",
        checks={"out_of_range_rows": Function(cases=_FRAMES, returns=Exact())},
        hints=[
            "Build a boolean Series that is True for bad values: missing, below `low` or above "
            "`high`, combined with `|`.",
            "`values.isna() | (values < low) | (values > high)`; then turn the positions of the "
            "True values into 1-based row numbers: `np.flatnonzero(bad) + 1`.",
        ],
        solution='''
            def out_of_range_rows(frame, column, low, high):
                """1-based positions of rows whose `column` is missing or outside [low, high]."""
                values = frame[column]
                bad = values.isna() | (values < low) | (values > high)
                return [int(i) + 1 for i in np.flatnonzero(bad.to_numpy())]
        ''',
        wrong_answers=[
            WrongAnswer(
                "def out_of_range_rows(frame, column, low, high):\n"
                "    values = frame[column]\n"
                "    bad = (values < low) | (values > high)\n"
                "    return [int(i) + 1 for i in np.flatnonzero(bad.to_numpy())]\n",
                "Did you forget missing values? NaN compares False with everything, so "
                "`values < low` never flags it: add `values.isna()`.",
            ),
            WrongAnswer(
                "def out_of_range_rows(frame, column, low, high):\n"
                "    values = frame[column]\n"
                "    bad = values.isna() | (values < low) | (values > high)\n"
                "    return [int(i) for i in np.flatnonzero(bad.to_numpy())]\n",
                "Did you return 0-based positions? Error messages count rows from 1, "
                "like a spreadsheet.",
            ),
        ],
        equivalent_mutants={
            "line 5: `int(i)` -> `i`": (
                "The positions are the same numbers either way: a NumPy integer equals the "
                "Python int of the same value, and the list is compared element by element."
            ),
        },
    ),
    Exercise(
        id="cap.01.2",
        title="The training window: January to April",
        checks={"train_window": Frame(ignore_index=True)},
        hints=[
            "Month names are strings: compare them with a list of names, not with `<`.",
            "`bikes[bikes['mnth'].isin(['Jan', 'Feb', 'March', 'April'])]`",
        ],
        solution="""
            train_window = bikes[bikes["mnth"].isin(["Jan", "Feb", "March", "April"])]
        """,
        wrong_answers=[
            WrongAnswer(
                'train_window = bikes[bikes["mnth"] < "May"]\n',
                "Did you compare month names with `<`? Strings sort alphabetically, so "
                "'Aug', 'Dec', 'July' and 'June' also come before 'May'.",
            ),
            WrongAnswer(
                'train_window = bikes[bikes["season"] == 1]\n',
                "Did you select a season? Season 1 (winter) runs from January to about 20 March "
                "and again from 21 December: it is not January to April.",
            ),
        ],
    ),
    Exercise(
        id="cap.01.3",
        title="Encode the hour on a circle",
        checks={
            "hour_on_circle": Function(
                cases=[dict(hours=np.arange(24)), dict(hours=np.array([0, 6, 23]))], returns=Close()
            )
        },
        hints=[
            "One full turn is 24 hours: the angle of hour h is 2π·h/24 radians.",
            "Return `np.column_stack([np.sin(angle), np.cos(angle)])`.",
        ],
        solution='''
            def hour_on_circle(hours):
                """(n, 2) array: sine and cosine of each hour's angle on a 24-hour clock."""
                angle = 2 * np.pi * np.asarray(hours) / 24
                return np.column_stack([np.sin(angle), np.cos(angle)])
        ''',
        wrong_answers=[
            WrongAnswer(
                "def hour_on_circle(hours):\n"
                "    angle = 2 * np.pi * np.asarray(hours) / 12\n"
                "    return np.column_stack([np.sin(angle), np.cos(angle)])\n",
                "Did you use a 12-hour clock? Then 1 am and 1 pm land on the same point, but "
                "demand at those hours is very different.",
            ),
            WrongAnswer(
                "def hour_on_circle(hours):\n"
                "    angle = np.asarray(hours) * 15\n"
                "    return np.column_stack([np.sin(angle), np.cos(angle)])\n",
                "Did you use degrees? `np.sin` expects radians: multiply by 2π/24, not 15.",
            ),
        ],
        equivalent_mutants={
            "line 3: `np.asarray(hours)` -> `hours`": (
                "`hours` is promised as a 1-D NumPy array (a pandas Series works the same): "
                "the arithmetic already gives an array, and `np.column_stack` returns the same "
                "(n, 2) array either way."
            ),
        },
    ),
]
