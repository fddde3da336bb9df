"""Exercises of 06_scaling_out.ipynb: an aggregation in Spark and its pandas twin, a lag feature
with a window, partition pruning on Parquet, and the crossover where Spark starts to pay.

The Spark exercises are functions that take a Spark DataFrame. A spec module is imported before
the notebook starts its session, so each case below holds a small table as plain rows and turns
it into a Spark DataFrame of the running session only when the check copies it (``SparkCase``);
what a function returns is compared as the pandas table ``toPandas()`` gives (``SparkFrame``).
"""

import contextlib
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from mlcourse.exercise import Close, Exercise, Frame, Function, SparkFrame, WrongAnswer
from mlcourse.layout import data_file

NO_SESSION = (
    "no Spark session is running: run the cell that starts `spark` (section 2), then this check "
    "again."
)


def _session():
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    if spark is None:
        raise RuntimeError(NO_SESSION)
    return spark


class SparkCase:
    """A small table, given as rows and a Spark schema (DDL), that a check's copy turns into a
    Spark DataFrame of the notebook's running session. A Spark DataFrame cannot be built when
    this module is imported (no session yet) and is immutable, so a fresh one per call is safe.

    Built from a pandas DataFrame (sent to the JVM through Arrow, which the notebook's session
    enables): `createDataFrame` of a list of rows would start Python worker processes for it,
    about a second per kernel."""

    def __init__(self, schema: str, rows: list[tuple]):
        self.schema, self.rows = schema, rows

    def __deepcopy__(self, memo):
        columns = [column.split()[0] for column in self.schema.split(",")]
        table = pd.DataFrame.from_records(self.rows, columns=columns)
        return _session().createDataFrame(table, self.schema)

    def __repr__(self) -> str:
        return f"<Spark DataFrame [{self.schema}], {len(self.rows)} rows>"


class ParquetCase:
    """A folder of bike-share hours as Parquet, partitioned by `mnth` (one sub-folder per month);
    a check's copy gives its path. Written once per kernel with pandas (pyarrow), which lays out
    partitions the way Spark does (`mnth=July/...parquet`)."""

    _paths: dict = {}

    def __init__(self, months: list[str]):
        self.months = months

    def __deepcopy__(self, memo):
        key = tuple(self.months)
        path = self._paths.get(key)
        if path is None or not Path(path).is_dir():
            bikes = pd.read_csv(data_file("bikeshare_hourly_2011.csv"))
            table = bikes.loc[bikes["mnth"].isin(self.months), ["mnth", "day", "hr", "bikers"]]
            path = str(Path(tempfile.mkdtemp(prefix="bikes_by_month_")) / "bikes")
            table.to_parquet(path, partition_cols=["mnth"], index=False)
            self._paths[key] = path
        return path

    def __repr__(self) -> str:
        return f"'<Parquet folder partitioned by mnth: {', '.join(self.months)}>'"


@dataclass(frozen=True)
class PrunedRead(SparkFrame):
    """A Spark DataFrame read from partitioned Parquet: its rows (as ``SparkFrame``), and whether
    Spark can skip the other partitions' folders without opening them: its physical plan filters
    on the partition column (a condition under ``PartitionFilters`` beyond ``isnotnull``), or it
    was read from some of the table's partition folders only (``basePath`` and their paths)."""

    def observe(self, name, value):
        rows = super().observe(name, value)
        if isinstance(rows, dict):
            return rows
        plan = io.StringIO()
        with contextlib.redirect_stdout(plan):
            value.explain()
        scans = [line for line in plan.getvalue().splitlines() if "FileScan parquet" in line]
        filtered = bool(scans) and all(_partition_condition(scan) for scan in scans)
        some_folders = _reads_some_folders(value.inputFiles(), value.columns)
        return {"rows": rows, "pruned": filtered or some_folders}

    def diff(self, name, observed, expected):
        if "not_spark" in observed:
            return super().diff(name, observed, expected)
        reason = super().diff(name, observed["rows"], expected["rows"])
        if reason:
            return reason
        if expected["pruned"] and not observed["pruned"]:
            return (
                f"`{name}` has the right rows, but its plan reads every month's folder: "
                "`explain()` shows no condition on `mnth` under `PartitionFilters` (an empty "
                "list, or only `isnotnull(mnth)`). Filter on the partition column `mnth` itself, "
                "so that Spark can skip the other folders."
            )
        return None

    def matches(self, observed, recorded):
        if "not_spark" in observed or "not_spark" in recorded:
            return observed == recorded
        same_rows = Frame.diff(self, "value", observed["rows"], recorded["rows"]) is None
        return observed["pruned"] == recorded["pruned"] and same_rows


def _partition_condition(scan: str) -> bool:
    """Whether a FileScan line of a plan filters on a partition column: ``PartitionFilters``
    holds a condition other than ``isnotnull(...)`` (which alone skips no folder)."""
    found = re.search(r"PartitionFilters: \[(.*?)\], PushedFilters", scan)
    rest = re.sub(r"isnotnull\([^()]*\)", "", found.group(1)) if found else ""
    return bool(rest.strip(", "))


def _reads_some_folders(files: list[str], columns: list[str]) -> bool:
    """Whether ``files`` (``DataFrame.inputFiles()``) come from some, not all, of the partition
    folders (``mnth=...``) beside them, and the partition column is still among ``columns``: a
    table read from its months' folders directly, with ``basePath`` set to its root."""
    folders = {Path(urlparse(file).path).parent for file in files}
    if not folders or any(folder.name.split("=")[0] not in columns for folder in folders):
        return False
    roots = {folder.parent for folder in folders}
    every = {f for root in roots for f in root.iterdir() if f.is_dir() and "=" in f.name}
    return len(folders) < len(every)


# --- the cases -----------------------------------------------------------------------------------

WEATHER_SCHEMA = "weathersit string, hr int, bikers int"
# Edge cases in one table: a weather never seen with a count (all NULL), a missing count beside
# recorded ones, a NULL key (the weather was not recorded), a duplicated row (two real hours), a
# missing hour (so counting `hr` instead of rows is caught too).
WEATHER_ROWS = [
    ("clear", 8, 300),
    ("clear", 9, 100),
    ("clear", 9, 100),
    ("clear", 10, None),
    ("misty", 8, 40),
    ("misty", 9, None),
    ("misty", None, 25),
    (None, 11, 70),
    (None, 12, 10),
    ("storm", 3, None),
]
# One table per Spark exercise: every call costs a Spark job, and the suite runs each check on
# the solution's mutants too.
WEATHER_CASES = [dict(frame=SparkCase(WEATHER_SCHEMA, WEATHER_ROWS))]
WEATHER_PANDAS_CASES = [
    dict(df=pd.DataFrame(WEATHER_ROWS, columns=["weathersit", "hr", "bikers"])),
    dict(
        df=pd.DataFrame(
            {"weathersit": ["rain", np.nan, "rain"], "hr": [1, 2, 3], "bikers": [1.0, 2.0, 6.0]}
        )
    ),
]

HOURS_SCHEMA = "day int, hr int, bikers int"
# Rows shuffled: day 1 ends at 23:00 and day 2 starts at 0:00; day 2 has no row for 2:00, so
# 3:00 has no previous hour; one count is missing; day 6 starts at 1:00 (no row for 0:00).
HOURS_ROWS = [
    (2, 1, 9),
    (1, 23, 50),
    (6, 2, 4),
    (2, 3, 4),
    (1, 21, 80),
    (2, 0, 30),
    (6, 1, 3),
    (1, 22, None),
    (2, 4, 7),
]
HOURS_CASES = [dict(frame=SparkCase(HOURS_SCHEMA, HOURS_ROWS))]

# Not the notebook's example months (July, Aug), so an answer that hard-codes them fails.
MONTH_CASES = [dict(path=ParquetCase(["Jan", "Feb", "July", "Aug"]), months=["Jan", "July"])]

# Equal rates before a slower Spark: a formula without a guard fails first with its division
# by zero, the clearest message.
RATE_CASES = [
    dict(pandas_rate=1e6, spark_rate=4e6, spark_overhead_s=0.5),
    dict(pandas_rate=1e6, spark_rate=1e6, spark_overhead_s=0.2),
    dict(pandas_rate=2e6, spark_rate=5e5, spark_overhead_s=0.3),
    dict(pandas_rate=3e6, spark_rate=4e6, spark_overhead_s=2.0),
    dict(pandas_rate=5e6, spark_rate=8e6, spark_overhead_s=0.0),
]

EXERCISES = [
    Exercise(
        id="03.06.1",
        title="An aggregation in Spark, with NULLs",
        checks={"weather_summary": Function(cases=WEATHER_CASES, returns=SparkFrame())},
        hints=[
            "Group by the weather with `frame.groupBy(...)` and give `.agg(...)` two expressions "
            "from `pyspark.sql.functions` (`F`), each named with `.alias(...)`.",
            '`F.count` of a column skips NULLs, `F.count("*")` counts rows; `F.avg` skips NULLs '
            "on its own, so leave the missing counts in the table.",
        ],
        solution="""
            def weather_summary(frame):
                \"\"\"Hours recorded and mean rentals per weather situation.\"\"\"
                return frame.groupBy("weathersit").agg(
                    F.count("*").alias("hours"), F.avg("bikers").alias("mean_bikers")
                )
        """,
        equivalent_mutants={
            "line 3: arguments 1 and 2 of `frame.groupBy('weathersit').agg` swapped": (
                "The check compares columns by name, in any order (SparkFrame sorts them)."
            ),
        },
        wrong_answers=[
            WrongAnswer(
                "def weather_summary(frame):\n"
                "    return frame.groupBy('weathersit').agg(\n"
                "        F.count('bikers').alias('hours'), F.avg('bikers').alias('mean_bikers'))\n",
                "Did you count the column `bikers`? `F.count(column)` skips the hours whose "
                'count is missing; count every row with `F.count("*")`.',
            ),
            WrongAnswer(
                "def weather_summary(frame):\n"
                "    return frame.groupBy('weathersit').agg(F.count('*').alias('hours'),\n"
                "        (F.sum('bikers') / F.count('*')).alias('mean_bikers'))\n",
                "Did you divide the sum by the number of rows? The hours with a missing count "
                "then weigh in as zeros. `F.avg` divides by the values it actually averaged.",
            ),
            WrongAnswer(
                "def weather_summary(frame):\n"
                "    return frame.dropna().groupBy('weathersit').agg(\n"
                "        F.count('*').alias('hours'), F.avg('bikers').alias('mean_bikers'))\n",
                "Did you drop the rows with a missing value first? `dropna()` also threw away "
                "hours whose weather or count was unknown, and with them whole groups. Keep "
                "every row: `F.avg` already skips missing counts.",
            ),
        ],
    ),
    Exercise(
        id="03.06.2",
        title="The same table from pandas",
        checks={"weather_summary_pandas": Function(cases=WEATHER_PANDAS_CASES, returns=Frame())},
        hints=[
            "Two differences from Spark's defaults matter here: which group the missing weather "
            "lands in, and which rows a count counts. Look up the `dropna` argument of "
            "`DataFrame.groupby`.",
            "Named aggregation, `.agg(new_name=(column, function))`, names the result columns; "
            'the function `"size"` counts rows, `"count"` counts values. `.reset_index()` '
            "turns the group labels back into a column.",
        ],
        solution="""
            def weather_summary_pandas(df):
                \"\"\"Spark's `weather_summary`, computed by pandas.\"\"\"
                summary = df.groupby("weathersit", dropna=False).agg(
                    hours=("bikers", "size"), mean_bikers=("bikers", "mean")
                )
                return summary.reset_index()
        """,
        wrong_answers=[
            WrongAnswer(
                "def weather_summary_pandas(df):\n"
                "    return df.groupby('weathersit').agg(\n"
                "        hours=('bikers', 'size'), mean_bikers=('bikers', 'mean')).reset_index()\n",
                "Did you group with pandas' default `dropna=True`? It silently drops the hours "
                "whose weather is missing, while Spark keeps them as a group with a NULL key. "
                "Pass `dropna=False`.",
            ),
            WrongAnswer(
                "def weather_summary_pandas(df):\n"
                "    return df.groupby('weathersit', dropna=False).agg(\n"
                "        hours=('bikers', 'count'), mean_bikers=('bikers', 'mean')).reset_index()\n",
                "Did you use `count`? In pandas it counts the values that are not missing, like "
                "Spark's `F.count(column)`; `size` counts rows.",
            ),
        ],
    ),
    Exercise(
        id="03.06.3",
        title="A lag feature that respects days and gaps",
        checks={"add_previous_hour": Function(cases=HOURS_CASES, returns=SparkFrame())},
        hints=[
            "A window `Window.partitionBy(...).orderBy(...)` lets `F.lag` look at the previous "
            "row of the same day. The previous row is the previous hour only when no hour is "
            "missing in between.",
            'Also take `F.lag("hr")` over the same window, and keep the lagged count only '
            '`F.when` that hour is `F.col("hr") - 1`: `F.when` without `.otherwise` gives NULL.',
        ],
        solution="""
            def add_previous_hour(frame):
                \"\"\"`frame` with `prev_bikers`: rentals in the hour before, on the same day.\"\"\"
                by_day = Window.partitionBy("day").orderBy("hr")
                follows = F.lag("hr").over(by_day) == F.col("hr") - 1
                return frame.withColumn("prev_bikers", F.when(follows, F.lag("bikers").over(by_day)))
        """,
        wrong_answers=[
            WrongAnswer(
                "def add_previous_hour(frame):\n"
                "    w = Window.orderBy('day', 'hr')\n"
                "    return frame.withColumn('prev_bikers', F.lag('bikers').over(w))\n",
                "Did you order one window over the whole table? The lag then crosses from 23:00 "
                "of one day into 0:00 of the next (and Spark moves every row into one partition "
                "to do it). Partition the window by `day`.",
            ),
            WrongAnswer(
                "def add_previous_hour(frame):\n"
                "    w = Window.partitionBy('day').orderBy('hr')\n"
                "    return frame.withColumn('prev_bikers', F.lag('bikers').over(w))\n",
                "Did you take the previous row? Where an hour is missing from the data, the "
                "previous row is two or more hours back. Keep the lagged count only when the "
                "lagged `hr` is exactly one less.",
            ),
            WrongAnswer(
                "def add_previous_hour(frame):\n"
                "    hours = frame.withColumn('t', F.col('day') * 24 + F.col('hr'))\n"
                "    w = Window.orderBy('t')\n"
                "    follows = F.lag('t').over(w) == F.col('t') - 1\n"
                "    return hours.withColumn('prev_bikers', F.when(follows, F.lag('bikers').over(w)))"
                ".drop('t')\n",
                "Did you number the hours across days (`day * 24 + hr`)? Then 0:00 takes the "
                "rentals of 23:00 the day before, but the feature asked for looks within the "
                "same day only (NULL at `hr` 0). Partition the window by `day`.",
            ),
        ],
    ),
    Exercise(
        id="03.06.4",
        title="Read only the months you need",
        checks={"read_months": Function(cases=MONTH_CASES, returns=PrunedRead())},
        hints=[
            "Read the folder at `path` (the table's root, not a month's sub-folder) with "
            "`spark.read.parquet`, so that `mnth` stays a column.",
            "Filter on the partition column itself (`Column.isin` tests membership in a list). "
            "Then `read_months(...).explain()` should show your condition under "
            "`PartitionFilters`.",
        ],
        solution="""
            def read_months(path, months):
                \"\"\"The rows of the given months from the Parquet table at `path`.\"\"\"
                return spark.read.parquet(path).filter(F.col("mnth").isin(months))
        """,
        wrong_answers=[
            WrongAnswer(
                "def read_months(path, months):\n"
                "    return spark.read.parquet(*[f'{path}/mnth={m}' for m in months])\n",
                "Did you read the months' sub-folders directly? Each then counts as a table of "
                "its own and the `mnth` column disappears. Read the root folder and filter on "
                "`mnth`: Spark skips the other folders for you.",
            ),
            WrongAnswer(
                "def read_months(path, months):\n"
                "    table = spark.read.parquet(path).toPandas()\n"
                "    return spark.createDataFrame(table[table['mnth'].isin(months)])\n",
                "Did you bring the table to the driver with `toPandas()` and filter it there? "
                "The rows are right, but every month was read, and on a cluster the whole table "
                "would have to fit in the driver's memory. Filter the Spark DataFrame on `mnth`: "
                "Spark then skips the other months' folders.",
            ),
        ],
    ),
    Exercise(
        id="03.06.5",
        title="Where Spark starts to pay",
        checks={"crossover_rows": Function(cases=RATE_CASES, returns=Close(rtol=1e-6))},
        hints=[
            "Write both times as functions of the row count n: pandas takes n / pandas_rate "
            "seconds, Spark spark_overhead_s + n / spark_rate. Set them equal and solve for n.",
            "The equation has a positive solution only when Spark processes more rows per "
            "second than pandas; otherwise Spark is never faster, whatever n: return `np.inf`.",
        ],
        solution="""
            def crossover_rows(pandas_rate, spark_rate, spark_overhead_s):
                \"\"\"Rows at which Spark's time equals pandas's; np.inf if Spark never wins.\"\"\"
                if spark_rate <= pandas_rate:
                    return np.inf
                return spark_overhead_s / (1 / pandas_rate - 1 / spark_rate)
        """,
        wrong_answers=[
            WrongAnswer(
                "def crossover_rows(pandas_rate, spark_rate, spark_overhead_s):\n"
                "    if spark_rate == pandas_rate:\n"
                "        return np.inf\n"
                "    return spark_overhead_s / (1 / pandas_rate - 1 / spark_rate)\n",
                "Did you guard only against a division by zero? When Spark processes fewer rows "
                "per second than pandas, the formula gives a negative row count: the equation "
                "has no solution for n > 0, Spark is never faster, return `np.inf`.",
            ),
            WrongAnswer(
                "def crossover_rows(pandas_rate, spark_rate, spark_overhead_s):\n"
                "    if spark_rate <= pandas_rate:\n"
                "        return np.inf\n"
                "    return spark_overhead_s * (spark_rate - pandas_rate)\n",
                "Did you subtract the rates? The times add per row: a row costs 1 / rate "
                "seconds, so the gap per row is 1 / pandas_rate - 1 / spark_rate, and the "
                "overhead is paid back after spark_overhead_s / gap rows.",
            ),
        ],
    ),
]
