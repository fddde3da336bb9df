"""Exercises of 01_pandas_essentials.ipynb: selection, groupby/transform, merge, reshape, resample."""

import numpy as np
import pandas as pd

from mlcourse.exercise import Calls, Exercise, Frame, Function, WrongAnswer
from mlcourse.layout import data_file

_NAN = np.nan
_PENGUINS = pd.read_csv(data_file("penguins.csv"))
_RIDES = pd.read_csv(data_file("bikeshare_hourly_2011.csv"))

# --- 03.01.1: rows of one species with every asked-for column measured ---------------------------
_FIELD = pd.DataFrame(
    {
        "species": ["Gentoo", "Adelie", "Gentoo", "Gentoo", "Adelie", "Gentoo"],
        "bill": [47.5, 39.1, _NAN, 45.0, 40.3, 50.2],
        "mass": [5200.0, 3750.0, 4900.0, _NAN, 3250.0, 5550.0],
        "sex": ["male", "female", "female", "male", None, None],  # missing, but not asked for
    },
    index=[12, 3, 7, 40, 41, 99],  # labels that are not positions
)
_SELECT_CASES = [
    dict(penguins=_FIELD, species="Gentoo", columns=["bill", "mass"]),
    dict(penguins=_FIELD, species="Gentoo", columns=["mass", "bill"]),  # the order asked for
    dict(penguins=_FIELD, species="Adelie", columns=["mass", "sex"]),
    dict(penguins=_FIELD, species="Adelie", columns=["bill"]),
    dict(penguins=_FIELD, species="Chinstrap", columns=["bill"]),  # no such row: an empty table
    dict(penguins=_PENGUINS, species="Adelie", columns=["bill_length_mm", "body_mass_g"]),
]

# --- 03.01.2: each row's share of its group's total -----------------------------------------------


_SHARE_CASES = [
    dict(
        df=pd.DataFrame({"shop": ["a", "a", "b", None, None], "sales": [1.0, 3.0, 2.0, 4.0, 6.0]}),
        key="shop",
        value="sales",
    ),
    dict(
        # a missing value adds nothing to its group's total, and its own share is unknown
        df=pd.DataFrame({"team": ["x", "x", "y", "x"], "hours": [2.0, _NAN, 5.0, 6.0]}),
        key="team",
        value="hours",
    ),
    dict(
        # a categorical key with a category no row uses (an empty group), labels out of order
        df=pd.DataFrame(
            {
                "size": pd.Categorical(["S", "L", "S", None], categories=["S", "M", "L"]),
                "count": [10, 30, 30, 5],
            },
            index=[30, 10, 20, 0],
        ),
        key="size",
        value="count",
    ),
    dict(df=_PENGUINS, key="sex", value="body_mass_g"),  # 11 penguins of unknown sex
    dict(df=_PENGUINS, key="island", value="flipper_length_mm"),
]

# --- 03.01.3: a lookup that keeps every row once -----------------------------------------------------
_MEASURED = pd.DataFrame(
    {
        "species": ["Adelie", "Gentoo", "Emperor", "Adelie", "Chinstrap"],
        "mass": [3700.0, 5100.0, 22000.0, 3400.0, 3600.0],
    },
    index=[10, 11, 12, 13, 14],
)
_GENUS = pd.DataFrame(
    {
        "species": ["Adelie", "Chinstrap", "Gentoo", "Adelie"],  # Adelie typed in twice
        "latin": ["P. adeliae", "P. antarcticus", "P. papua", "P. adeliae"],
    }
)
_GENUS_CONFLICT = pd.DataFrame(
    {
        "species": ["Adelie", "Chinstrap", "Gentoo", "Gentoo"],  # two different rows for Gentoo
        "latin": ["P. adeliae", "P. antarcticus", "P. papua", "P. gentoo"],
    }
)
_YEARLY = (
    _PENGUINS.query("year > 2007")  # the summary covers 2008 and 2009 only
    .groupby(["species", "year"], as_index=False)["body_mass_g"]
    .mean()
    .rename(columns={"body_mass_g": "mean_mass_g"})
)
_LOOKUP_CASES = [
    dict(left=_MEASURED, right=_GENUS, on="species"),
    dict(left=_MEASURED, right=_GENUS_CONFLICT, on="species"),
    dict(left=_PENGUINS, right=pd.concat([_YEARLY, _YEARLY.iloc[[0]]]), on=["species", "year"]),
    dict(left=_PENGUINS.iloc[200:], right=_YEARLY, on=["species", "year"]),
]
_LOOKUP_MENTIONS = [[], ["not unique"], [], []]

# --- 03.01.4: a table of counts ------------------------------------------------------------------------
_VISITS = pd.DataFrame(
    {
        "site": ["north", "north", "south", "north", None, "east", "north"],
        "day": ["Mon", "Tue", "Mon", "Mon", "Tue", "Wed", None],
        "minutes": [30.0, _NAN, 45.0, 10.0, 5.0, _NAN, 20.0],
    }
)
_COUNT_CASES = [
    dict(df=_PENGUINS, rows="island", columns="species"),  # Chinstraps live on one island only
    dict(df=_PENGUINS, rows="species", columns="sex"),  # sex unknown for 11 penguins
    dict(df=_VISITS, rows="site", columns="day"),
    dict(df=_RIDES, rows="weathersit", columns="workingday"),  # one hour of heavy rain or snow
]

# --- 03.01.5: hours to days, with gaps ----------------------------------------------------------------


def _hourly(stamps, bikers):
    index = pd.DatetimeIndex(pd.to_datetime(stamps))
    return pd.DataFrame({"bikers": bikers, "temp": np.linspace(0.2, 0.4, len(bikers))}, index=index)


_FEBRUARY = _RIDES.query("mnth == 'Feb' and day not in [40, 41, 47]").assign(
    when=lambda d: (
        pd.Timestamp("2011-01-01")
        + pd.to_timedelta(d["day"] - 1, unit="D")
        + pd.to_timedelta(d["hr"], unit="h")
    )
)
_RESAMPLE_CASES = [
    dict(
        hours=_hourly(
            ["2011-03-01 08:00", "2011-03-01 09:00", "2011-03-03 07:00", "2011-03-03 18:00"],
            [12, 30, 5, 40],
        )  # nothing at all on 2 March
    ),
    dict(
        hours=_hourly(
            ["2011-03-05 23:00", "2011-03-04 01:00", "2011-03-05 02:00", "2011-03-07 12:00"],
            [0, 0, 7, 3],
        )  # out of order; a day with rides recorded but none taken; a day with one hour
    ),
    dict(
        hours=_hourly(
            ["2011-06-10 07:00", "2011-06-10 08:00", "2011-06-10 09:00", "2011-06-12 17:00"],
            [50, _NAN, 80, 20],
        )  # an hour recorded with its count missing: it counts in `hours`, adds 0 to the total
    ),
    dict(hours=_hourly(["2011-12-31 10:00", "2011-12-31 11:00"], [4, 6])),
    dict(hours=_FEBRUARY.set_index("when")[["bikers", "casual", "registered"]]),
]

EXERCISES = [
    Exercise(
        id="03.01.1",
        title="The rows you can use, and only those",
        checks={"select_measured": Function(cases=_SELECT_CASES, returns=Frame())},
        hints=[
            "Two steps: pick the rows of the species and the asked-for columns in one `.loc[rows, "
            "columns]`, then throw away the rows that still have a gap.",
            "`dropna()` looks at every column of the table it is called on, so call it after the "
            "columns are chosen (or tell it which columns matter with `subset=`). Keep the row "
            "labels as they are.",
        ],
        solution="""
            def select_measured(penguins, species, columns):
                rows = penguins.loc[penguins["species"] == species, columns]
                return rows.dropna()
        """,
        wrong_answers=[
            WrongAnswer(
                "def select_measured(penguins, species, columns):\n"
                "    return penguins[penguins['species'] == species].dropna()[columns]\n",
                "Did you call `dropna()` before choosing the columns? It then drops a row that "
                "lacks a value you did not ask for (such as `sex`), although every asked-for "
                "measurement is there. Choose the columns first, or pass `subset=columns`.",
            ),
            WrongAnswer(
                "def select_measured(penguins, species, columns):\n"
                "    rows = penguins.loc[penguins['species'] == species, columns]\n"
                "    return rows.dropna().reset_index(drop=True)\n",
                "Did you reset the index? `{name}` should keep each penguin's row label, so that "
                "its rows can still be matched with the rest of the table.",
            ),
            WrongAnswer(
                "def select_measured(penguins, species, columns):\n"
                "    rows = penguins.loc[penguins['species'] == species, columns]\n"
                "    return rows.dropna(how='all')\n",
                "Did you pass `how='all'`? That drops a row only when every column is missing; "
                "a row with one gap among the asked-for columns must go too (the default, "
                "`how='any'`).",
            ),
        ],
    ),
    Exercise(
        id="03.01.2",
        title="Each row's share of its group, missing keys included",
        checks={"add_share": Function(cases=_SHARE_CASES, returns=Frame(), keeps_inputs=True)},
        hints=[
            "You need the group's total on every row, not one row per group: `agg` gives the "
            "latter, `transform` the former (the same length and index as the table).",
            "`groupby` leaves out the rows whose key is missing unless you ask it not to: look "
            "at its `dropna` parameter. Then `df.assign(share=...)` returns a copy with the new "
            "column.",
        ],
        solution="""
            def add_share(df, key, value):
                totals = df.groupby(key, dropna=False)[value].transform("sum")
                return df.assign(share=df[value] / totals)
        """,
        wrong_answers=[
            WrongAnswer(
                "def add_share(df, key, value):\n"
                "    totals = df.groupby(key)[value].transform('sum')\n"
                "    return df.assign(share=df[value] / totals)\n",
                "Did you group with the default `dropna=True`? The rows whose `key` is missing "
                "then belong to no group and get a NaN share; `groupby(key, dropna=False)` "
                "keeps them as a group of their own.",
            ),
            WrongAnswer(
                "def add_share(df, key, value):\n"
                "    totals = df.groupby(key, dropna=False)[value].sum()\n"
                "    return df.assign(share=df[value] / totals)\n",
                "Did you divide by `groupby(...).sum()`? It has one row per group, labelled by "
                "the key, so the division lines up row labels with group labels and gives NaN. "
                "`transform('sum')` puts each group's total on every row of the group.",
            ),
            WrongAnswer(
                "def add_share(df, key, value):\n"
                "    return df.assign(share=df[value] / df[value].sum())\n",
                "Did you divide by the total of the whole column? `{name}` should give each "
                "row's share of its own group, so the shares of each group add up to 1.",
            ),
            WrongAnswer(
                "def add_share(df, key, value):\n"
                "    totals = df.groupby(key, dropna=False)[value].transform('mean')\n"
                "    return df.assign(share=df[value] / totals)\n",
                "Did you divide by the group mean? That compares a row with a typical row of "
                "its group; a share divides by the group's total (`'sum'`).",
            ),
            WrongAnswer(
                "def add_share(df, key, value):\n"
                "    df['share'] = df[value] / df.groupby(key, dropna=False)[value].transform('sum')\n"
                "    return df\n",
                "Did you write `df['share'] = ...` into the table you were given? The caller's "
                "`df` now has a column it did not ask for. Return a new table: "
                "`df.assign(share=...)`.",
            ),
        ],
    ),
    Exercise(
        id="03.01.3",
        title="A lookup that keeps every row, once",
        checks={
            "add_lookup": Calls(cases=_LOOKUP_CASES, returns=Frame(), mentions=_LOOKUP_MENTIONS)
        },
        hints=[
            "Three requirements, three tools: rows of `right` that are exact copies of each other "
            "say nothing new (`drop_duplicates`); a left join keeps the unmatched rows of `left`; "
            "`validate=` makes pandas raise when a key of `right` still occurs twice.",
            "`merge` numbers its result 0, 1, 2, ...; `left.join(lookup.set_index(on), on=on, "
            "...)` takes the same `how=` and `validate=` and keeps the row labels of `left` "
            "(or put the labels of `left` back on the merged table).",
        ],
        solution="""
            def add_lookup(left, right, on):
                lookup = right.drop_duplicates()
                merged = left.merge(lookup, on=on, how="left", validate="many_to_one")
                return merged.set_index(left.index)
        """,
        equivalent_mutants={
            "line 3: keyword `on=on` dropped from `left.merge`": "The exercise promises that "
            "the tables share no column but the keys, and `merge` without `on` joins on all "
            "the shared columns: the keys.",
        },
        wrong_answers=[
            WrongAnswer(
                "def add_lookup(left, right, on):\n"
                "    return left.merge(right, on=on, how='left').set_index(left.index)\n",
                "Did you merge without dropping duplicates or `validate=`? A key that occurs "
                "twice in `right` makes a many-to-many match: the rows of `left` with that key "
                "come out twice (your result is longer than `left`, or `set_index` fails on the "
                "length), and a real conflict passes silently.",
            ),
            WrongAnswer(
                "def add_lookup(left, right, on):\n"
                "    lookup = right.drop_duplicates().set_index(on)\n"
                "    return left.join(lookup, on=on, how='inner', validate='many_to_one')\n",
                "Did you use an inner join (the default of `merge`)? It drops the rows of `left` "
                "whose key is missing from `right`; `how='left'` keeps them with NaN.",
            ),
            WrongAnswer(
                "def add_lookup(left, right, on):\n"
                "    lookup = right.drop_duplicates()\n"
                "    merged = left.merge(lookup, on=on, how='left')\n"
                "    return merged.set_index(left.index)\n",
                "Did you leave out `validate=`? When two different rows of `right` share a key, "
                "the rows of `left` with that key are doubled (here `set_index` then fails on "
                "the length). `validate='many_to_one'` makes `merge` raise a `MergeError` that "
                "names the problem.",
            ),
            WrongAnswer(
                "def add_lookup(left, right, on):\n"
                "    lookup = right.drop_duplicates(subset=on)\n"
                "    merged = left.merge(lookup, on=on, how='left', validate='many_to_one')\n"
                "    return merged.set_index(left.index)\n",
                "Did you drop duplicates by the key alone (`subset=on`)? Two different rows for "
                "one key are a conflict, and keeping the first hides it; drop only exact copies "
                "and let `validate=` raise on the rest.",
            ),
            WrongAnswer(
                "def add_lookup(left, right, on):\n"
                "    lookup = right.drop_duplicates()\n"
                "    return left.merge(lookup, on=on, how='left', validate='many_to_one')\n",
                "Did you return the result of `merge` as it is? `merge` numbers its rows 0, 1, "
                "2, ... and loses the row labels of `left`; put them back with "
                "`.set_index(left.index)` or use `left.join(...)`.",
            ),
        ],
    ),
    Exercise(
        id="03.01.4",
        title="A table of counts, zeros included",
        checks={"count_table": Function(cases=_COUNT_CASES, returns=Frame())},
        hints=[
            "One row per value of `rows`, one column per value of `columns`: a pivot table whose "
            "cells count rows. `pivot_table` takes `aggfunc=` and `fill_value=`.",
            "Count rows with `'size'`, not `'count'` (which counts the values that are not "
            "missing, column by column), and fill the pairs that never occur with 0.",
        ],
        solution="""
            def count_table(df, rows, columns):
                return df.pivot_table(index=rows, columns=columns, aggfunc="size", fill_value=0)
        """,
        wrong_answers=[
            WrongAnswer(
                "def count_table(df, rows, columns):\n"
                "    return df.groupby([rows, columns]).size().unstack()\n",
                "Did you `unstack` without `fill_value`? A pair that never occurs (Chinstraps on "
                "Biscoe) then shows as NaN, which reads as 'unknown'; it is a count of 0.",
            ),
            WrongAnswer(
                "def count_table(df, rows, columns):\n"
                "    counted = df.groupby([rows, columns]).count()\n"
                "    return counted.iloc[:, 0].unstack(fill_value=0)\n",
                "Did you use `count()`? It counts the values of a column that are not missing, "
                "so a row with a gap in that column is left out; `size()` (or "
                "`aggfunc='size'`) counts rows.",
            ),
        ],
    ),
    Exercise(
        id="03.01.5",
        title="Hours to days, gaps included",
        checks={"daily_totals": Function(cases=_RESAMPLE_CASES, returns=Frame())},
        hints=[
            "`resample('D')` makes one bin per calendar day from the first to the last, also "
            "for a day with no rows at all; `groupby` on the date only makes groups for the "
            "days that occur.",
            "What does `.sum()` of an empty bin return? Look at its `min_count` parameter. "
            "`.size()` counts the rows in each bin.",
        ],
        solution="""
            def daily_totals(hours):
                days = hours["bikers"].resample("D")
                return pd.DataFrame({"bikers": days.sum(min_count=1), "hours": days.size()})
        """,
        wrong_answers=[
            WrongAnswer(
                "def daily_totals(hours):\n"
                "    days = hours['bikers'].resample('D')\n"
                "    return pd.DataFrame({'bikers': days.sum(), 'hours': days.size()})\n",
                "Did you sum with the default `min_count=0`? A day with no recorded hour then "
                "shows 0 rentals, as if nobody rode; `sum(min_count=1)` makes it NaN (unknown).",
            ),
            WrongAnswer(
                "def daily_totals(hours):\n"
                "    days = hours['bikers'].groupby(hours.index.normalize())\n"
                "    return pd.DataFrame({'bikers': days.sum(), 'hours': days.size()})\n",
                "Did you group by the date? `groupby` makes a group only for the days that "
                "occur, so a day with no recorded hour has no row at all; `resample('D')` gives "
                "every calendar day in the range.",
            ),
            WrongAnswer(
                "def daily_totals(hours):\n"
                "    days = hours['bikers'].resample('D')\n"
                "    return pd.DataFrame({'bikers': days.sum(min_count=1), 'hours': 24})\n",
                "Did you assume 24 hours a day? Hours are missing from the records (a storm, a "
                "system failure); count the rows of each day with `.size()`.",
            ),
            WrongAnswer(
                "def daily_totals(hours):\n"
                "    days = hours['bikers'].resample('D')\n"
                "    return pd.DataFrame({'bikers': days.sum(min_count=1), 'hours': days.count()})\n",
                "Did you count the hours with `.count()`? It counts the values of `bikers` that "
                "are not missing, so an hour that was recorded with its count missing is left "
                "out; `.size()` counts the rows, that is the recorded hours.",
            ),
        ],
    ),
]
