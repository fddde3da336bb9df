"""Exercises of 03_eda.ipynb: box-plot statistics, correlation, figures checked through their data,
and answers read off the bike-share data."""

import numpy as np
import pandas as pd

from mlcourse.exercise import Exact, Exercise, Function, Plot, WrongAnswer
from mlcourse.layout import data_file

_rng = np.random.default_rng(303)

# --- 03.03.1: the five numbers of a box plot -------------------------------------------------------
_skewed = np.round(_rng.lognormal(3.0, 0.6, size=200), 2)
_with_gaps = np.round(_rng.normal(50.0, 10.0, size=40), 1)
_with_gaps[[3, 17, 30]] = np.nan
_with_gaps[[5, 25]] = [5.0, 120.0]  # one low and one high outlier
_BOX_CASES = [
    # Q1 = 2 and Q3 = 4, so the fences -1 and 7 are data points themselves
    dict(values=np.array([12.0, 3.0, -1.0, 2.0, 4.0, -6.0, 7.0, 2.0, 4.0, 3.0])),
    dict(values=_with_gaps),  # missing values and outliers on both sides
    dict(values=np.array([5.0, 1.0, 4.0, 2.0, 3.0])),  # no outliers: the whiskers reach min, max
    dict(values=np.array([5.0, 5.0, 4.0, 5.0, 5.0, 9.0])),  # ties: IQR 0, the 4 and 9 are outliers
    dict(values=_skewed),  # a long right tail: outliers on top only
]

# --- 03.03.2: the most strongly correlated pair ----------------------------------------------------


def _pairs_frame_negative() -> pd.DataFrame:
    """a-b correlate at about +0.9, c-d at about -0.97: the strongest is negative."""
    n = 60
    a, c = _rng.normal(size=n), _rng.normal(size=n)
    return pd.DataFrame(
        {
            "name": [f"row{i}" for i in range(n)],
            "a": a,
            "b": a + 0.45 * _rng.normal(size=n),
            "c": c,
            "d": -c + 0.25 * _rng.normal(size=n),
        }
    )


def _pairs_frame_gaps() -> pd.DataFrame:
    """z is measured on 20 of 60 rows only. Pairwise, x-y is the strongest pair (r = 0.85, all
    rows) ahead of x-z (0.60); on the 20 complete rows left by `dropna()`, x-y falls to 0.29."""
    rng = np.random.default_rng(1)  # its own generator: the margins above hold for this seed
    n, m = 60, 20
    x = rng.normal(size=n)
    y = np.concatenate([rng.normal(size=m), x[m:] + 0.1 * rng.normal(size=n - m)])
    z = np.concatenate([x[:m] + 0.8 * rng.normal(size=m), np.full(n - m, np.nan)])
    return pd.DataFrame({"x": x, "y": y, "z": z})


def _pairs_frame_constant() -> pd.DataFrame:
    """A constant column (its correlations are NaN) and a weak negative pair."""
    n = 30
    p = _rng.normal(size=n)
    return pd.DataFrame(
        {
            "site": ["north"] * n,
            "flat": np.full(n, 2.0),
            "p": p,
            "q": 0.4 * p + _rng.normal(size=n),
            "r": -0.8 * p + _rng.normal(size=n),
        }
    )


def _pairs_frame_curve() -> pd.DataFrame:
    """Columns out of alphabetical order. response = exp(5 dose) is a curve: its ranks follow dose
    exactly (Spearman 1.0), but its Pearson r with dose is 0.90, below speed-dose (0.94)."""
    rng = np.random.default_rng(4)
    n = 50
    dose = rng.uniform(0, 1, n)
    return pd.DataFrame(
        {"speed": dose + 0.1 * rng.normal(size=n), "dose": dose, "response": np.exp(5 * dose)}
    )


def _pairs_frame_gappy_winner() -> pd.DataFrame:
    """z is measured on 25 of 60 rows and follows x closely there (r = 0.99, x-y 0.82). Filling
    its gaps with 0 drops x-z to 0.58; `np.corrcoef` gives NaN for every pair with z."""
    rng = np.random.default_rng(5)
    n, m = 60, 25
    x = rng.normal(size=n)
    y = x + 0.9 * rng.normal(size=n)
    z = np.where(np.arange(n) < m, x + 0.15 * rng.normal(size=n), np.nan)
    return pd.DataFrame({"x": x, "y": y, "z": z})


def _pairs_frame_copied() -> pd.DataFrame:
    """A column stored twice (as after a merge): the copy correlates with it exactly as a
    column does with itself, r = 1, yet it is a pair of two columns."""
    rng = np.random.default_rng(6)
    n = 40
    mass = rng.normal(4200, 800, n)
    return pd.DataFrame(
        {
            "island": ["Dream"] * n,
            "mass_g": mass,
            "flipper_mm": 170 + mass / 100 + 5 * rng.normal(size=n),
            "mass_g_copy": mass,
        }
    )


_PAIR_CASES = [
    dict(df=_pairs_frame_negative()),
    dict(df=_pairs_frame_gaps()),
    dict(df=_pairs_frame_constant()),
    dict(df=_pairs_frame_curve()),
    dict(df=_pairs_frame_gappy_winner()),
    dict(df=_pairs_frame_copied()),
]

# --- 03.03.5: peak hours by group ------------------------------------------------------------------


_PEAK_CASES = [
    # group 1 ties at hours 8 and 17 (the earliest wins); group 0 has no row for hour 0, so
    # positions and hours differ there
    dict(
        df=pd.DataFrame(
            {
                "workingday": [1, 1, 1, 1, 0, 0, 0, 0],
                "hr": [0, 8, 12, 17, 1, 2, 3, 4],
                "bikers": [5, 300, 120, 300, 40, 20, 90, 60],
            }
        ),
        by="workingday",
    ),
    # clear: hour 7 has three rows (mean 100), hour 17 one (250): the sum peaks at 7, the mean
    # at 17. rain: hour 9 has rows 20, 20, 110 (mean 50, median 20): the mean peaks at 9, the
    # median at 7 (45). The groups peak at different hours.
    dict(
        df=pd.DataFrame(
            {
                "weathersit": ["clear"] * 5 + ["rain"] * 6,
                "hr": [7, 7, 7, 17, 12, 6, 7, 9, 9, 9, 17],
                "bikers": [90, 100, 110, 250, 80, 30, 45, 20, 20, 110, 40],
            }
        ),
        by="weathersit",
    ),
    # the real data: working days peak at 17:00, other days at 13:00
    dict(df=pd.read_csv(data_file("bikeshare_hourly_2011.csv")), by="workingday"),
]

EXERCISES = [
    Exercise(
        id="03.03.1",
        title="What a box plot draws: quartiles and whiskers",
        checks={"box_stats": Function(cases=_BOX_CASES)},
        hints=[
            "`np.nanpercentile(values, [25, 50, 75])` gives the three quartiles and skips the "
            "missing values (or drop them first with a mask `~np.isnan(values)`).",
            "A whisker ends at a data point: of the values at or above the lower fence "
            "Q1 - 1.5 IQR take the smallest, and of those at or below Q3 + 1.5 IQR the largest.",
        ],
        solution="""
            def box_stats(values):
                \"\"\"Lower whisker, Q1, median, Q3 and upper whisker of a box plot of `values`.\"\"\"
                x = values[~np.isnan(values)]
                q1, median, q3 = np.percentile(x, [25, 50, 75])
                iqr = q3 - q1
                low = x[x >= q1 - 1.5 * iqr].min()
                high = x[x <= q3 + 1.5 * iqr].max()
                return np.array([low, q1, median, q3, high])
        """,
        equivalent_mutants={
            "line 8: call of `np.array` dropped": "The check compares the five numbers as an "
            "array (`Close`), so a list of the same five numbers is the same answer.",
        },
        wrong_answers=[
            WrongAnswer(
                """
                def box_stats(values):
                    x = values[~np.isnan(values)]
                    q1, median, q3 = np.percentile(x, [25, 50, 75])
                    iqr = q3 - q1
                    return np.array([q1 - 1.5 * iqr, q1, median, q3, q3 + 1.5 * iqr])
                """,
                "Did you end the whiskers at the fences Q1 - 1.5 IQR and Q3 + 1.5 IQR? The fences "
                "only decide what counts as an outlier; a whisker ends at the most extreme data "
                "point inside them, so it never reaches past the data.",
            ),
            WrongAnswer(
                """
                def box_stats(values):
                    x = values[~np.isnan(values)]
                    q1, median, q3 = np.percentile(x, [25, 50, 75])
                    return np.array([x.min(), q1, median, q3, x.max()])
                """,
                "Did you end the whiskers at the minimum and the maximum? Then the outliers "
                "disappear into the whiskers; stop each whisker at the last data point within "
                "1.5 IQR of the box.",
            ),
            WrongAnswer(
                """
                def box_stats(values):
                    x = values[~np.isnan(values)]
                    q1, median, q3 = np.percentile(x, [25, 50, 75])
                    iqr = q3 - q1
                    low = max(q1 - 1.5 * iqr, x.min())
                    high = min(q3 + 1.5 * iqr, x.max())
                    return np.array([low, q1, median, q3, high])
                """,
                "Did you stop each whisker at its fence, or at the data's end if that comes "
                "first? Between the last data point inside the fence and the fence itself there "
                "is no data; the whisker ends at that last data point.",
            ),
            WrongAnswer(
                """
                def box_stats(values):
                    x = values[~np.isnan(values)]
                    q1, median, q3 = np.percentile(x, [25, 50, 75])
                    iqr = q3 - q1
                    low = x[x > q1 - 1.5 * iqr].min()
                    high = x[x < q3 + 1.5 * iqr].max()
                    return np.array([low, q1, median, q3, high])
                """,
                "Did you compare with `>` and `<`? A value that lies exactly on a fence is not an "
                "outlier (only points *beyond* the fences are), so the whisker may end on it: "
                "keep the values `>=` the lower fence and `<=` the upper one.",
            ),
        ],
    ),
    Exercise(
        id="03.03.2",
        title="The most strongly correlated pair of columns",
        checks={"strongest_pair": Function(cases=_PAIR_CASES, returns=Exact())},
        hints=[
            "`df.select_dtypes('number').corr()` is the matrix of pairwise correlations. A strong "
            "relationship can be negative, so compare sizes with `.abs()`; and every column "
            "correlates perfectly with itself.",
            "Blank out the cells that are no finding before you look for the largest: "
            "`frame.where(mask)` keeps the values where a boolean `mask` of the same shape is True "
            "and puts NaN elsewhere (`np.eye(n, dtype=bool)` is True on the diagonal only). "
            "`.stack()` turns a matrix into a Series indexed by (row, column) pairs, and pandas "
            "skips NaN when it looks for a maximum.",
        ],
        solution="""
            def strongest_pair(df):
                \"\"\"The two numeric columns with the largest |Pearson r|, in column order.\"\"\"
                r = df.select_dtypes("number").corr().abs()
                r = r.where(~np.eye(len(r), dtype=bool))
                return r.stack().idxmax()
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def strongest_pair(df):
                    r = df.select_dtypes("number").corr()
                    r = r.where(~np.eye(len(r), dtype=bool))
                    return r.stack().idxmax()
                """,
                "Did you take the largest correlation without `abs()`? A correlation of -0.97 is "
                "a stronger relationship than +0.9: one column almost determines the other, "
                "going down. Compare the sizes, `r.abs()`.",
            ),
            WrongAnswer(
                """
                def strongest_pair(df):
                    return df.select_dtypes("number").corr().abs().stack().idxmax()
                """,
                "Did you keep the diagonal? Every column correlates perfectly (r = 1) with "
                "itself, so `{name}` returned a column paired with itself. Blank out the "
                "diagonal before looking for the maximum.",
            ),
            WrongAnswer(
                """
                def strongest_pair(df):
                    r = df.select_dtypes("number").dropna().corr().abs()
                    r = r.where(~np.eye(len(r), dtype=bool))
                    return r.stack().idxmax()
                """,
                "Did you call `dropna()` first? It throws away every row with any missing value, "
                "also the rows where the two columns you compare are both present, and the "
                "correlations change. `corr()` already uses, for each pair, the rows where both "
                "are present.",
            ),
            WrongAnswer(
                """
                def strongest_pair(df):
                    r = df.select_dtypes("number").fillna(0).corr().abs()
                    r = r.where(~np.eye(len(r), dtype=bool))
                    return r.stack().idxmax()
                """,
                "Did you fill the missing values with 0? That invents a measurement of 0 for every "
                "gap and weakens the correlations of the column with gaps. Leave the gaps as NaN: "
                "`corr()` uses, for each pair, the rows where both values are present.",
            ),
            WrongAnswer(
                """
                def strongest_pair(df):
                    r = df.select_dtypes("number").corr().abs().stack()
                    return r[r < 1].idxmax()
                """,
                "Did you remove the diagonal by dropping every r of 1? Two different columns can "
                "correlate perfectly too (the same measurement stored twice, or in two units), "
                "and that pair is the answer. Blank out the diagonal by position (row = column), "
                "not by value.",
            ),
        ],
    ),
    Exercise(
        id="03.03.3",
        title="A scatter plot that keeps the unknown group",
        checks={"ax_sex": Plot()},
        hints=[
            "Loop over `penguins.groupby(key)` as the species figure does, one `scatter` per "
            "group. Which rows does `groupby` leave out when the key is missing?",
            "Make the missing sex a group of its own first: "
            "`key = penguins['sex'].fillna('unknown')`, and drop the two penguins whose bill was "
            "not measured with `dropna(subset=[...])`.",
        ],
        solution="""
            measured = penguins.dropna(subset=["bill_length_mm", "bill_depth_mm"])
            fig, ax_sex = plt.subplots()
            for sex, group in measured.groupby(measured["sex"].fillna("unknown")):
                ax_sex.scatter(group["bill_length_mm"], group["bill_depth_mm"], label=sex)
            ax_sex.set(title="Penguin bills by sex", xlabel="bill length (mm)",
                       ylabel="bill depth (mm)")
            ax_sex.legend()
        """,
        wrong_answers=[
            WrongAnswer(
                """
                fig, ax_sex = plt.subplots()
                for sex, group in penguins.groupby("sex"):
                    ax_sex.scatter(group["bill_length_mm"], group["bill_depth_mm"], label=sex)
                ax_sex.set(title="Penguin bills by sex", xlabel="bill length (mm)",
                           ylabel="bill depth (mm)")
                """,
                "Did you group by `sex` as it is, or call `dropna()` on the whole table first? "
                "`groupby` leaves out the rows whose key is missing (`dropna=True` is its "
                "default), and `dropna()` removes every row with any missing value, so the "
                "penguins of unknown sex vanish from the figure without a word. Fill the missing "
                "key with 'unknown' first, and drop only the rows without a bill measurement.",
            ),
            WrongAnswer(
                """
                fig, ax_sex = plt.subplots()
                for sex, group in penguins.groupby(penguins["sex"].fillna("unknown")):
                    ax_sex.scatter(group["bill_length_mm"], group["bill_depth_mm"], label=sex)
                ax_sex.set(title="Penguin bills by sex", xlabel="bill length (mm)",
                           ylabel="bill depth (mm)")
                """,
                "Did you keep the two penguins whose bill was not measured? Their points are "
                "NaN and draw nothing; leave them out with "
                "`dropna(subset=['bill_length_mm', 'bill_depth_mm'])`.",
            ),
            WrongAnswer(
                """
                measured = penguins.dropna(subset=["bill_length_mm", "bill_depth_mm"])
                key = measured["sex"].fillna("unknown")
                fig, ax_sex = plt.subplots()
                for sex in key.unique():
                    group = measured[key == sex]
                    ax_sex.scatter(group["bill_length_mm"], group["bill_depth_mm"], label=sex)
                ax_sex.set(title="Penguin bills by sex", xlabel="bill length (mm)",
                           ylabel="bill depth (mm)")
                """,
                "Did you loop over `unique()`? It lists the values in the order they first appear "
                "(male first here), so the layers come out male, female, unknown. Draw them in "
                "the order female, male, unknown, the sorted order `groupby` gives.",
            ),
        ],
        equivalent_mutants={
            "line 1: `'bill_length_mm'` removed from `['bill_length_mm', 'bill_depth_mm']`": (
                "The same two penguins lack both bill measurements, so dropping the rows missing "
                "either one drops the same rows."
            ),
            "line 1: `'bill_depth_mm'` removed from `['bill_length_mm', 'bill_depth_mm']`": (
                "The same two penguins lack both bill measurements, so dropping the rows missing "
                "either one drops the same rows."
            ),
            "line 4: keyword `label=sex` dropped from `ax_sex.scatter`": (
                "Labels feed the legend only; the check reads the points of each layer, the title "
                "and the axis labels, which stay the same."
            ),
            "line 7: `ax_sex.legend()` removed": (
                "The legend names the layers; the points, the title and the axis labels the check "
                "reads stay the same."
            ),
        },
    ),
    Exercise(
        id="03.03.4",
        title="Rentals per day, month by month",
        checks={"ax_monthly": Plot()},
        hints=[
            "Two steps: first one total per day (`groupby('day')` and `sum`), then the mean of "
            "those totals within each month. Keep each day's month name next to its total "
            "(group by `['mnth', 'day']`).",
            "`groupby('mnth')` sorts the month names alphabetically (April, Aug, Dec, ...); "
            "`.reindex(MONTHS)` puts them in calendar order before you plot them against "
            "`range(1, 13)`.",
        ],
        solution="""
            daily = bikes.groupby(["mnth", "day"])["bikers"].sum()
            monthly = daily.groupby("mnth").mean().reindex(MONTHS)
            fig, ax_monthly = plt.subplots()
            ax_monthly.plot(range(1, 13), monthly)
            ax_monthly.set(title="Bike rentals per day, 2011", xlabel="month (1 = January)",
                           ylabel="rentals per day (mean)")
        """,
        wrong_answers=[
            WrongAnswer(
                """
                daily = bikes.groupby(["mnth", "day"])["bikers"].sum()
                monthly = daily.groupby("mnth").mean()
                fig, ax_monthly = plt.subplots()
                ax_monthly.plot(range(1, 13), monthly)
                ax_monthly.set(title="Bike rentals per day, 2011", xlabel="month (1 = January)",
                               ylabel="rentals per day (mean)")
                """,
                "Did you plot the months in the order `groupby` returns them? It sorts the names "
                "alphabetically (April, Aug, Dec, Feb, ...), so April's value is drawn at month "
                "1. Reorder with `.reindex(MONTHS)` first.",
            ),
            WrongAnswer(
                """
                monthly = bikes.groupby("mnth")["bikers"].mean().reindex(MONTHS)
                fig, ax_monthly = plt.subplots()
                ax_monthly.plot(range(1, 13), monthly)
                ax_monthly.set(title="Bike rentals per day, 2011", xlabel="month (1 = January)",
                               ylabel="rentals per day (mean)")
                """,
                "Did you average the hourly rows? That is rentals per recorded hour, not per day. "
                "Add up each day's rows first, then average the daily totals over the month.",
            ),
            WrongAnswer(
                """
                monthly = 24 * bikes.groupby("mnth")["bikers"].mean().reindex(MONTHS)
                fig, ax_monthly = plt.subplots()
                ax_monthly.plot(range(1, 13), monthly)
                ax_monthly.set(title="Bike rentals per day, 2011", xlabel="month (1 = January)",
                               ylabel="rentals per day (mean)")
                """,
                "Did you multiply the mean per hour by 24? The data has no row for an hour without "
                "rentals, so the hourly mean is over the recorded hours only and 24 times it "
                "overstates the months with gaps (January by about 100 a day). Add up each day's "
                "rows instead.",
            ),
            WrongAnswer(
                """
                daily = bikes.groupby(["mnth", "day"])["bikers"].sum()
                monthly = daily.groupby("mnth").mean().reindex(MONTHS)
                fig, ax_monthly = plt.subplots()
                ax_monthly.plot(monthly.to_numpy())
                ax_monthly.set(title="Bike rentals per day, 2011", xlabel="month (1 = January)",
                               ylabel="rentals per day (mean)")
                """,
                "Did you plot the values alone, against the month names, or with `Series.plot`? "
                "Then Matplotlib puts the points at x = 0, 1, ..., 11, so January sits at 0. Give "
                "the x values yourself: `ax.plot(range(1, 13), ...)`.",
            ),
        ],
    ),
    Exercise(
        id="03.03.5",
        title="At which hour do rentals peak? Read off, group by group",
        checks={"peak_hours": Function(cases=_PEAK_CASES, returns=Exact())},
        hints=[
            "You need one mean of `bikers` per (group, hour) pair: `groupby` accepts a list of "
            "columns. A table with one row per hour and one column per group makes the next step "
            "easy (`unstack` moves an index level into the columns).",
            "In each group's column, look for the index label (the hour) of the largest mean, "
            "not its position: `np.argmax` gives a position, which is not the hour when some "
            "hours have no row. `idxmax()` gives the label, the first one on a tie.",
        ],
        solution="""
            def peak_hours(df, by):
                \"\"\"{group: the hour with the highest mean rentals} for each value of `by`.\"\"\"
                means = df.groupby([by, "hr"])["bikers"].mean().unstack(by)
                return means.idxmax().to_dict()
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def peak_hours(df, by):
                    means = df.groupby([by, "hr"])["bikers"].mean().unstack(by)
                    return {group: int(np.argmax(means[group].dropna())) for group in means}
                """,
                "Did you use `np.argmax`? It returns the position of the largest value, which is "
                "the hour only when every hour has a row; this data set has no row for an hour "
                "without rentals. `idxmax()` returns the index label, the hour itself.",
            ),
            WrongAnswer(
                """
                def peak_hours(df, by):
                    means = df.groupby([by, "hr"])["bikers"].mean().unstack(by)
                    return {group: means[group].sort_values().index[-1] for group in means}
                """,
                "Did you sort the means and take the last one? On a tie that picks the later "
                "hour; `{name}` should give the earliest of the tied hours, as `idxmax()` does.",
            ),
            WrongAnswer(
                """
                def peak_hours(df, by):
                    peak = df.groupby("hr")["bikers"].mean().idxmax()
                    return {group: peak for group in df[by].unique()}
                """,
                "Did you find one peak over all rows? Each group has its own daily rhythm (working "
                "days peak in the evening rush hour, other days around midday): group by `by` "
                "and by the hour.",
            ),
            WrongAnswer(
                """
                def peak_hours(df, by):
                    sums = df.groupby([by, "hr"])["bikers"].sum().unstack(by)
                    return sums.idxmax().to_dict()
                """,
                "Did you add up the rentals of each hour instead of averaging them? An hour with "
                "more rows (more days recorded) then wins even if each of its rows is smaller: "
                "use the mean.",
            ),
        ],
    ),
]
