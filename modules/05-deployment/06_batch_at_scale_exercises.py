"""Exercises of 06_batch_at_scale.ipynb: a chunked scorer, the Spark UDF call, Spark's partition
folders, an idempotent partition write and a job that skips the partitions already written.

A spec module is imported before the notebook starts its Spark session, so the Spark cases hold
plain rows and become Spark DataFrames (and a pandas UDF) of the running session only when the
check copies them; files and folders are written, in a temporary folder, when a check copies
their case.
"""

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from mlcourse import compare
from mlcourse.comparators.base import Unfinished
from mlcourse.exercise import (
    Comparator,
    Exact,
    Exercise,
    Frame,
    Function,
    SparkFrame,
    WrongAnswer,
)

FEATURES = ["hr", "workingday", "temp", "hum"]
NO_SESSION = (
    "no Spark session is running: run the cell that starts `spark` (section 3), then this check "
    "again."
)


def _session():
    from pyspark.sql import SparkSession

    spark = SparkSession.getActiveSession()
    if spark is None:
        raise RuntimeError(NO_SESSION)
    return spark


def _hours(n: int, seed: int) -> pd.DataFrame:
    """`n` made-up hours: an id, the model's features and a column the model must not see."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "hour_id": np.arange(1000 * seed, 1000 * seed + n),
            "hr": rng.integers(0, 24, n),
            "workingday": rng.integers(0, 2, n),
            "temp": rng.uniform(0, 1, n).round(3),
            "hum": rng.uniform(0, 1, n).round(3),
            "station": rng.choice(["north", "south", "east"], n),
        }
    )


def _demand(features: pd.DataFrame) -> np.ndarray:
    """The stand-in model's formula (any fixed function of the features would do)."""
    return (
        20.0 * features["hr"] + 50.0 * features["workingday"] + 300.0 * features["temp"]
    ).to_numpy() - 80.0 * features["hum"].to_numpy()


# --- 05.06.1: a chunked scorer ------------------------------------------------------------------


class MemoryBoundModel:
    """A fitted model as a scorer on a memory budget sees it: `predict` takes a table of exactly
    the feature columns (in order, as a scikit-learn model fitted on a DataFrame requires) and at
    most `max_rows` rows per call."""

    def __init__(self, max_rows: int):
        self.max_rows = max_rows

    def predict(self, X):
        if list(X.columns) != FEATURES:
            raise ValueError(
                f"the model expects the columns {FEATURES}, got {list(X.columns)}. Pass "
                "`chunk[features]`, not the whole chunk."
            )
        if len(X) > self.max_rows:
            raise MemoryError(
                f"the model was given {len(X)} rows in one call; this machine's memory allows "
                f"{self.max_rows}. Read the file in chunks (`pd.read_csv(path, chunksize=...)`) "
                "and score each chunk."
            )
        return _demand(X)

    def __repr__(self) -> str:
        return f"<model, at most {self.max_rows} rows per call>"


class CsvCase:
    """A CSV file of `n` made-up hours; a check's copy gives its path (written once per kernel)."""

    _paths: dict = {}

    def __init__(self, n: int, seed: int):
        self.n, self.seed = n, seed

    def __deepcopy__(self, memo):
        path = self._paths.get((self.n, self.seed))
        if path is None or not Path(path).is_file():
            path = str(Path(tempfile.mkdtemp(prefix="hours_csv_")) / "hours.csv")
            _hours(self.n, self.seed).to_csv(path, index=False)
            self._paths[(self.n, self.seed)] = path
        return path

    def __repr__(self) -> str:
        return f"'<CSV file, {self.n} rows>'"


@dataclass(frozen=True)
class ReadInChunks(Function):
    """`Function`, and while the learner's function runs, every `pd.read_csv` call without
    `chunksize` (or `iterator`, or `nrows`) is recorded: a function that reads the whole file
    and cuts it into chunks afterwards passes the model's limit but needs the memory it saves."""

    def observe(self, name, value):
        whole_reads = []
        read_csv = pd.read_csv

        def recorded(*args, **kwargs):
            if not any(kwargs.get(k) for k in ("chunksize", "iterator", "nrows")):
                whole_reads.append(True)
            return read_csv(*args, **kwargs)

        pd.read_csv = recorded
        try:
            observed = super().observe(name, value)
        finally:
            pd.read_csv = read_csv
        if whole_reads and "calls" in observed:
            return {"read_whole": True}
        return observed

    def diff(self, name, observed, expected):
        if "read_whole" in observed:
            return (
                f"`{name}` read the whole file at once (`pd.read_csv` without `chunksize`): "
                "that needs the memory for the whole file, which is what scoring in chunks "
                "saves, however small the pieces given to the model. Let pandas read it "
                "`chunksize` rows at a time: "
                "`pd.read_csv(path, chunksize=chunksize)`."
            )
        return super().diff(name, observed, expected)

    def matches(self, observed, recorded):
        if "read_whole" in observed or "read_whole" in recorded:
            return observed == recorded
        return super().matches(observed, recorded)


_CHUNK_CASES = [
    dict(model=MemoryBoundModel(100), path=CsvCase(250, 1), features=FEATURES, chunksize=100),
    dict(model=MemoryBoundModel(64), path=CsvCase(64, 2), features=FEATURES, chunksize=64),
    dict(model=MemoryBoundModel(1000), path=CsvCase(37, 3), features=FEATURES, chunksize=1000),
]


# --- 05.06.2: the Spark UDF call ----------------------------------------------------------------


# The DataFrame methods that bring rows to the driver. A case's frame records each call (the
# learner's function may not use them: scoring on the driver is the mistake 05.06.2 is about),
# and `SparkFrameOnExecutors` reports it. One check runs its cases one at a time, so one list
# will do.
_TO_DRIVER = ("collect", "toPandas", "toArrow", "toLocalIterator", "take", "head", "first", "tail")
_brought_to_driver: list = []


def _watched(frame):
    """`frame`, its class switched to a subclass whose row-collecting methods are recorded."""
    base = type(frame)

    def recorded(method):
        original = getattr(base, method)

        def call(self, *args, **kwargs):
            _brought_to_driver.append(method)
            return original(self, *args, **kwargs)

        return call

    frame.__class__ = type(base.__name__, (base,), {m: recorded(m) for m in _TO_DRIVER})
    return frame


class SparkHours:
    """A small table of hours that a check's copy turns into a Spark DataFrame of the running
    session (built from pandas through Arrow, one partition: one task per job), watched for
    calls that bring its rows to the driver."""

    def __init__(self, n: int, seed: int):
        self.n, self.seed = n, seed

    def __deepcopy__(self, memo):
        _brought_to_driver.clear()  # a new call starts
        return _watched(_session().createDataFrame(_hours(self.n, self.seed)).coalesce(1))

    def __repr__(self) -> str:
        return f"<Spark DataFrame of {self.n} hours>"


class SparkModelUdf:
    """A check's copy is a pandas UDF that calls the stand-in model the way
    `mlflow.pyfunc.spark_udf` calls a logged one with a signature: one struct column in (a
    pandas DataFrame of its fields per batch), one double out; called on several columns
    instead, it names them by the signature's order, and on none, it takes the signature's."""

    def __deepcopy__(self, memo):
        from pyspark.sql import functions as F
        from pyspark.sql.functions import pandas_udf

        # Self-contained: Spark's Python workers cannot import this spec module, so the
        # function refers to nothing of it (the formula is `_demand`'s).
        @pandas_udf("double")
        def on_struct(features: pd.DataFrame) -> pd.Series:
            return (
                20.0 * features["hr"]
                + 50.0 * features["workingday"]
                + 300.0 * features["temp"]
                - 80.0 * features["hum"]
            ).astype("float64")

        def predict(*columns):
            if len(columns) == 1:
                return on_struct(columns[0])
            named = zip(columns or FEATURES, FEATURES)
            return on_struct(F.struct(*[F.col(c).alias(n) for c, n in named]))

        return predict

    def __repr__(self) -> str:
        return "<Spark UDF of the model>"


@dataclass(frozen=True)
class SparkFrameOnExecutors(SparkFrame):
    """A Spark DataFrame (``SparkFrame``), which the function must make without bringing the
    case's rows to the driver."""

    fix: str = (
        "Keep the work on the executors: add a column with `frame.withColumn(...)`; do not bring "
        "the rows to the driver (`toPandas()`, `collect()`)."
    )

    def observe(self, name, value):
        if _brought_to_driver:
            return {"to_driver": _brought_to_driver[0]}
        return super().observe(name, value)

    def diff(self, name, observed, expected):
        if isinstance(observed, dict) and "to_driver" in observed:
            return (
                f"the function called `frame.{observed['to_driver']}()`, which brings the rows "
                "of the Spark DataFrame to the driver, one machine: on a cluster's data that is "
                "the bottleneck (or the out-of-memory error) Spark is there to avoid, even if "
                "the result is made a Spark DataFrame again. Score on the executors: call the "
                'UDF on the columns, `frame.withColumn("prediction", ...)`.'
            )
        return super().diff(name, observed, expected)


# One case: every Spark job costs the notebook's run time (the check, each recorded wrong
# answer and each mutant of the solution run it), and one table already tells these apart.
_UDF_CASES = [dict(frame=SparkHours(30, 4), predict=SparkModelUdf(), features=FEATURES)]


# --- 05.06.3: where Spark puts a row ------------------------------------------------------------

_PATH_CASES = [
    dict(root="out", row={"mnth": "May", "day": 121, "hr": 8}, columns=["mnth"]),
    dict(root="scores", row={"mnth": "May", "day": 121, "hr": 8}, columns=["day", "mnth"]),
    dict(root="out", row={"mnth": None, "day": 5, "hr": 0}, columns=["mnth", "day"]),
    dict(root="lake/scores", row={"station": "A/B", "day": 7}, columns=["station"]),
    dict(root="out", row={"station": "50%", "day": 7}, columns=["day", "station"]),
]


# --- 05.06.4: an idempotent partition write -----------------------------------------------------


def _day_scores(day: int, n: int, shift: float = 0.0) -> pd.DataFrame:
    hours = _hours(n, day)
    scores = pd.DataFrame(
        {"hour_id": hours["hour_id"], "hr": hours["hr"], "prediction": _demand(hours) + shift}
    )
    return scores.set_axis(np.arange(n) * 3 + 2)  # rows kept from a larger table: index 2, 5, ...


def _unwritable_scores() -> pd.DataFrame:
    """A day's scores whose `to_parquet` fails before any file is written: a text value in the
    number column `prediction`."""
    scores = _day_scores(124, 3)
    scores["prediction"] = scores["prediction"].astype(object)
    scores.loc[scores.index[1], "prediction"] = "n/a"
    return scores


def _read_back(root: Path) -> pd.DataFrame:
    """Every Parquet file under `root/day=<day>/`, with `day` taken from the folder name."""
    tables = []
    for file in sorted(root.glob("day=*/*.parquet")):
        # pyarrow, ignoring pandas' metadata: an index written by mistake shows as a column
        table = pq.read_table(file).to_pandas(ignore_metadata=True)
        # the day belongs in the folder's name only; one in the file too shows as a column
        table = table.rename(columns={"day": "day (also in the file)"})
        tables.append(table.assign(day=int(file.parent.name.split("=", 1)[1])))
    if not tables:
        return pd.DataFrame({"hour_id": [], "hr": [], "prediction": [], "day": []})
    table = pd.concat(tables, ignore_index=True)
    return table.sort_values(["day", "hour_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class IdempotentWrites(Comparator):
    """A partition writer, run through a schedule with reruns; compared by what a reader of the
    folder then finds: the rows of every `day=` folder and which folders are marked complete."""

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        tmp = Path(tempfile.mkdtemp(prefix="scores_"))
        root = tmp / "scores"  # not created yet: the first run creates it
        try:
            # day 121 runs, day 122 runs, day 121 is rerun (same rows), then rerun on corrected
            # data with fewer rows (a late fix of the input); day 123 was left half-written by
            # a run that died, and runs again; day 124's write fails (a value Parquet cannot
            # store in a number column), which must leave day 124 unmarked.
            steps = [
                (121, _day_scores(121, 6)),
                (122, _day_scores(122, 4)),
                (121, _day_scores(121, 6)),
                (121, _day_scores(121, 5, shift=1.5)),
                ("half-written", None),
                (123, _day_scores(123, 3)),
                (124, _unwritable_scores()),
            ]
            for day, scores in steps:
                if scores is None:
                    (root / "day=123").mkdir(parents=True, exist_ok=True)
                    _day_scores(123, 2).to_parquet(root / "day=123" / "part-7.parquet", index=False)
                    continue
                try:
                    value(scores.copy(), str(root), day)  # a str, as a scheduler passes it
                except NotImplementedError:
                    raise Unfinished from None
                except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                    if day != 124:  # day 124's write is meant to fail
                        return {"raised": f"{type(err).__name__}: {err}"[:300], "day": day}
            complete = sorted(p.parent.name for p in root.glob("day=*/_SUCCESS"))
            return {"table": _read_back(root), "complete": complete}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        if "raised" in observed:
            return f"`{name}(scores, root, day={observed['day']})` raised {observed['raised']}"
        got, want = observed["table"], expected["table"]
        if len(got) > len(want):
            return (
                f"after running `{name}` for days 121, 122, 121 again, 121 on corrected data, "
                f"123 (left half-written by a failed run) and 124 (whose write fails), the "
                f"folder holds {len(got)} rows, "
                f"{len(got) - len(want)} more than the last runs wrote: a rerun must replace its "
                "partition, not add to it."
            )
        if "day (also in the file)" in got.columns:
            return (
                "the Parquet files hold a `day` column: the day belongs in the folder's name "
                "only (a reader takes it from there, and a second copy in the file conflicts "
                "with it). Write the scores as they are given."
            )
        if len(got) < len(want):
            return (
                f"after running `{name}` for days 121, 122, 121 again, 121 on corrected data, "
                f"123 and 124 (whose write fails), the folder holds {len(got)} rows, "
                f"{len(want) - len(got)} fewer than the runs wrote: did a run remove more than "
                "its own partition (the whole `root`, or other days)? Remove only the folder "
                '`root / f"day={day}"`.'
            )
        reason = compare.diff_frames("the rows read back", got, want, 1e-9, 1e-9)
        if reason:
            return f"after the schedule of runs, {reason}"
        if observed["complete"] != expected["complete"]:
            return (
                f"after the runs, the folders marked complete by a `_SUCCESS` file are "
                f"{observed['complete']}, expected {expected['complete']}: every partition "
                "written should end with one, written last, after its data (day 124's run "
                "failed while writing its data, so its folder must not be marked complete)."
            )
        return None

    def matches(self, observed, recorded):
        if "table" not in observed or "table" not in recorded:
            return observed == recorded
        return self.diff("value", observed, recorded) is None


# --- 05.06.5: the partitions still to do --------------------------------------------------------


class OutputFolder:
    """An output folder in a known state; a check's copy creates it and gives its path.
    `done`: partitions with data and `_SUCCESS`; `half`: data but no marker (a run that died);
    `empty`: a folder with nothing in it."""

    def __init__(self, done=(), half=(), empty=(), exists=True):
        self.done, self.half, self.empty, self.exists = done, half, empty, exists

    def __deepcopy__(self, memo):
        root = Path(tempfile.mkdtemp(prefix="job_output_")) / "scores"
        if not self.exists:
            return str(root)
        for day in (*self.done, *self.half, *self.empty):
            (root / f"day={day}").mkdir(parents=True)
        for day in (*self.done, *self.half):
            (root / f"day={day}" / "part-0.parquet").write_bytes(b"PAR1")
        for day in self.done:
            (root / f"day={day}" / "_SUCCESS").touch()
        return str(root)  # a str, as a scheduler passes it

    def __repr__(self) -> str:
        return f"'<scores/: done {list(self.done)}, half-written {list(self.half)}>'"


_PENDING_CASES = [
    dict(days=[121, 122, 123, 124], root=OutputFolder(done=(121, 122))),
    dict(days=[124, 121, 123, 122], root=OutputFolder(done=(122,), half=(121,), empty=(124,))),
    dict(days=[5, 6, 7], root=OutputFolder(exists=False)),
    dict(days=[10, 10, 9, 8], root=OutputFolder(done=(8, 30))),
    dict(days=[1, 2], root=OutputFolder(done=(1, 2))),
]


EXERCISES = [
    Exercise(
        id="05.06.1",
        title="Score a file that does not fit in memory, chunk by chunk",
        checks={"score_in_chunks": ReadInChunks(cases=_CHUNK_CASES, returns=Frame())},
        hints=[
            "`pd.read_csv(path, chunksize=chunksize)` returns an iterator of DataFrames of at "
            "most `chunksize` rows each, so only one chunk is in memory at a time. Score each "
            "one and keep the scored chunks in a list.",
            "In the loop, `chunk.assign(prediction=...)` returns the chunk with the new column; "
            "after the loop, one `pd.concat` joins the scored chunks (each chunk's index carries "
            "on from the previous one's, so the index is already 0, 1, ...).",
        ],
        solution="""
            def score_in_chunks(model, path, features, chunksize):
                \"\"\"The rows of the CSV file at `path` with a `prediction` column, read and
                scored `chunksize` rows at a time.\"\"\"
                scored = [
                    chunk.assign(prediction=model.predict(chunk[features]))
                    for chunk in pd.read_csv(path, chunksize=chunksize)
                ]
                return pd.concat(scored)  # each chunk's index runs on from the previous one's
        """,
        wrong_answers=[
            WrongAnswer(
                "def score_in_chunks(model, path, features, chunksize):\n"
                "    for chunk in pd.read_csv(path, chunksize=chunksize):\n"
                "        scored = chunk.assign(prediction=model.predict(chunk[features]))\n"
                "    return scored\n",
                "Did you return the last chunk only? Each pass of the loop replaced `scored`; "
                "collect every scored chunk in a list and `pd.concat` them after the loop.",
            ),
            WrongAnswer(
                "def score_in_chunks(model, path, features, chunksize):\n"
                "    table = pd.read_csv(path)\n"
                "    chunks = [table.iloc[i:i + chunksize] for i in range(0, len(table), chunksize)]\n"
                "    return pd.concat([c.assign(prediction=model.predict(c[features])) "
                "for c in chunks])\n",
                "Did you read the file with `pd.read_csv(path)` and slice it? Each call to the "
                "model is small then, but the whole file is in memory at once, which a file "
                "larger than memory does not allow.",
            ),
            WrongAnswer(
                "def score_in_chunks(model, path, features, chunksize):\n"
                "    predictions = [model.predict(chunk[features])\n"
                "                   for chunk in pd.read_csv(path, chunksize=chunksize)]\n"
                "    return pd.DataFrame({'prediction': np.concatenate(predictions)})\n",
                "Did you return the predictions alone? Without the other columns (`hour_id`) "
                "nobody can tell which prediction belongs to which row: return each chunk with "
                "its `prediction` column added.",
            ),
        ],
    ),
    Exercise(
        id="05.06.2",
        title="Score a Spark DataFrame with the model's UDF",
        checks={"add_predictions": Function(cases=_UDF_CASES, returns=SparkFrameOnExecutors())},
        hints=[
            "A UDF is called like a Spark function, on columns, and returns a column: add it "
            'with `frame.withColumn("prediction", ...)`. The rows never leave the executors.',
            "The model's UDF takes one struct column holding the features by name: "
            "`predict(F.struct(*features))`.",
        ],
        solution="""
            def add_predictions(frame, predict, features):
                \"\"\"`frame` with a `prediction` column computed on the executors by the UDF.\"\"\"
                return frame.withColumn("prediction", predict(F.struct(*features)))
        """,
        wrong_answers=[
            WrongAnswer(
                "def add_predictions(frame, predict, features):\n"
                "    table = spark.createDataFrame(frame.toPandas())\n"
                "    return table.withColumn('prediction', predict(F.struct(*features)))\n",
                "Did you bring the table to the driver (`toPandas()`) and make a new Spark "
                "DataFrame of it (`spark.createDataFrame`)? On a cluster that moves every row to one "
                "machine, which is what Spark is there to avoid (and it runs out of memory on "
                "real data). Call the UDF on the columns of `frame` itself: "
                '`frame.withColumn("prediction", predict(F.struct(*features)))`.',
            ),
            WrongAnswer(
                "def add_predictions(frame, predict, features):\n"
                '    return frame.select(predict(F.struct(*features)).alias("prediction"))\n',
                "Did you `select` only the prediction? The scored table must keep its rows' other "
                "columns (`hour_id`, ...), or nobody can join a prediction back to its hour: use "
                "`withColumn`.",
            ),
        ],
    ),
    Exercise(
        id="05.06.3",
        title="Where does Spark put this row?",
        checks={"partition_path": Function(cases=_PATH_CASES, returns=Exact())},
        hints=[
            "One folder level per partition column, in the order of `columns` (the order given "
            "to `partitionBy`, not the order of the row's keys), each named `column=value`, under "
            "`root`. Join them with `/`.",
            "A missing value (None) becomes `__HIVE_DEFAULT_PARTITION__`; in a value, `%` "
            "becomes `%25` and `/` becomes `%2F`. Think about which of the two to replace first "
            "(`%2F` contains a `%`). A small function for one value keeps the join readable.",
        ],
        solution="""
            def partition_path(root, row, columns):
                \"\"\"The folder, under `root`, holding `row` when written partitioned by
                `columns`.\"\"\"
                def folder_value(value):
                    if value is None:
                        return "__HIVE_DEFAULT_PARTITION__"
                    return str(value).replace("%", "%25").replace("/", "%2F")

                return "/".join([root] + [f"{c}={folder_value(row[c])}" for c in columns])
        """,
        wrong_answers=[
            WrongAnswer(
                "def partition_path(root, row, columns):\n"
                "    return '/'.join([root] + [f'{c}={v}' for c, v in row.items() "
                "if c in columns])\n",
                "Did you follow the order of the row's keys? The folders nest in the order of "
                'the partition columns (`partitionBy("day", "mnth")` puts `mnth=` inside '
                "`day=`): loop over `columns`.",
            ),
            WrongAnswer(
                "def partition_path(root, row, columns):\n"
                "    return '/'.join([root] + [f'{c}={row[c]}' for c in columns])\n",
                "Did you write the values as they are? A missing value would make a folder "
                "called `None`, and a `/` in a value would open one more folder level; Spark "
                "writes `__HIVE_DEFAULT_PARTITION__` for a missing value and escapes `%` and `/` "
                "(`%25`, `%2F`).",
            ),
            WrongAnswer(
                "def partition_path(root, row, columns):\n"
                "    def folder_value(value):\n"
                "        if value is None:\n"
                "            return '__HIVE_DEFAULT_PARTITION__'\n"
                "        return str(value).replace('/', '%2F').replace('%', '%25')\n"
                "    return '/'.join([root] + [f'{c}={folder_value(row[c])}' for c in columns])\n",
                "Did you escape `/` before `%`? The `%` of `%2F` is then escaped again (`A%252FB`): "
                "escape `%` first.",
            ),
        ],
    ),
    Exercise(
        id="05.06.4",
        title="A partition write you can rerun",
        checks={"write_partition": IdempotentWrites()},
        hints=[
            'The job\'s unit of work is the folder `root / f"day={day}"`: whatever a '
            "previous run (finished or not) left there must go before the new rows are written "
            "(`shutil.rmtree(folder, ignore_errors=True)`), so a rerun replaces the partition.",
            "Then create the folder again (with its parents: `root` may not exist yet), write "
            "the Parquet file without the index, and only after that the empty marker "
            "(`Path.touch()`): a run that dies before the end must leave the day unmarked.",
        ],
        solution="""
            def write_partition(scores, root, day):
                \"\"\"Write `scores` as the partition `day=<day>` under `root`, replacing what a
                previous run left there, and mark it complete.\"\"\"
                folder = Path(root) / f"day={day}"
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                scores.to_parquet(folder / "part-0.parquet", index=False)
                (folder / "_SUCCESS").touch()
        """,
        wrong_answers=[
            WrongAnswer(
                "def write_partition(scores, root, day):\n"
                "    folder = Path(root) / f'day={day}'\n"
                "    folder.mkdir(parents=True, exist_ok=True)\n"
                "    part = len(list(folder.glob('*.parquet')))\n"
                "    scores.to_parquet(folder / f'part-{part}.parquet', index=False)\n"
                "    (folder / '_SUCCESS').touch()\n",
                'Did you add a new file next to the old ones (Spark\'s `mode("append")` does the '
                "same)? Each rerun then duplicates the day's rows. Remove the partition's folder "
                "first, so a rerun replaces it.",
            ),
            WrongAnswer(
                "def write_partition(scores, root, day):\n"
                "    folder = Path(root) / f'day={day}'\n"
                "    folder.mkdir(parents=True, exist_ok=True)\n"
                "    scores.to_parquet(folder / 'part-0.parquet', index=False)\n"
                "    (folder / '_SUCCESS').touch()\n",
                "Did you only overwrite your own file name? A rerun then replaces `part-0.parquet` "
                "but keeps whatever else a failed or older run left in the folder. Remove the "
                "whole partition folder before writing.",
            ),
            WrongAnswer(
                "def write_partition(scores, root, day):\n"
                "    folder = Path(root) / f'day={day}'\n"
                "    shutil.rmtree(folder, ignore_errors=True)\n"
                "    folder.mkdir(parents=True)\n"
                "    scores.to_parquet(folder / 'part-0.parquet', index=False)\n",
                "Did you forget the `_SUCCESS` marker? Without it the next run cannot tell a "
                "finished partition from one a crash left half-written.",
            ),
            WrongAnswer(
                "def write_partition(scores, root, day):\n"
                "    folder = Path(root) / f'day={day}'\n"
                "    shutil.rmtree(folder, ignore_errors=True)\n"
                "    folder.mkdir(parents=True)\n"
                "    (folder / '_SUCCESS').touch()\n"
                "    scores.to_parquet(folder / 'part-0.parquet', index=False)\n",
                "Did you write the `_SUCCESS` marker before the data? A run that fails while "
                "writing then leaves a partition marked complete, and the next run skips it: "
                "touch the marker last.",
            ),
            WrongAnswer(
                "def write_partition(scores, root, day):\n"
                "    folder = Path(root) / f'day={day}'\n"
                "    shutil.rmtree(folder, ignore_errors=True)\n"
                "    folder.mkdir(parents=True)\n"
                "    scores.to_parquet(folder / 'part-0.parquet')\n"
                "    (folder / '_SUCCESS').touch()\n",
                "Did you write the DataFrame's index? pandas then stores it as an extra column "
                "(`__index_level_0__`) that every reader of the output finds: pass `index=False`.",
            ),
        ],
    ),
    Exercise(
        id="05.06.5",
        title="Run only what is missing",
        checks={"pending_days": Function(cases=_PENDING_CASES, returns=Exact())},
        hints=[
            'A day is done only when `root / f"day={day}" / "_SUCCESS"` exists: a folder '
            "without the marker was left by a run that died, and must be redone.",
            "A set drops repeated days and `sorted` gives the order to run them in. "
            "`Path.exists()` is simply False when `root` itself does not exist yet, so no "
            "special case is needed.",
        ],
        solution="""
            def pending_days(days, root):
                \"\"\"The days among `days` whose partition under `root` is not complete,
                each once, in order.\"\"\"
                return sorted(
                    {day for day in days if not (Path(root) / f"day={day}" / "_SUCCESS").exists()}
                )
        """,
        wrong_answers=[
            WrongAnswer(
                "def pending_days(days, root):\n"
                "    return sorted({d for d in days if not (Path(root) / f'day={d}').exists()})\n",
                "Did you treat an existing folder as done? A run that died half-way leaves the "
                "folder without its `_SUCCESS` marker; check for the marker.",
            ),
            WrongAnswer(
                "def pending_days(days, root):\n"
                "    return [d for d in days if not (Path(root) / f'day={d}' / '_SUCCESS').exists()]\n",
                "Did you keep the days as given? `{name}` should return each day once, in "
                "increasing order, so a backfill runs the oldest day first and never twice.",
            ),
        ],
    ),
]
