"""Offline scoring: a CSV/Parquet file on one machine, or Spark (`spark_udf`) for bigger data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from capstone.config import REPO_DIR, Settings, use_store
from capstone.data import FEATURE_COLUMNS, FEATURE_SCHEMA, load

# The Spark SQL type of each schema kind; the model's signature expects exactly these.
SPARK_TYPES = {"int": "long", "float": "double", "category": "string"}


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def score_frame(model, frame: pd.DataFrame) -> pd.DataFrame:
    """Validated raw rows -> the same rows with a `prediction` column.

    `model` is any loaded model (`registry.load_model`), `frame` rows checked by `data.validate`.
    Predict from the `FEATURE_COLUMNS` alone and return a copy of `frame` with the predictions
    added; `frame` itself is left unchanged.
    """
    scored = frame.copy()
    scored["prediction"] = model.predict(frame[list(FEATURE_COLUMNS)])
    return scored


def score_file(input_path, output_path, model_uri: str, settings: Settings) -> int:
    """Validate `input_path`, score every row with `model_uri`, write `output_path`; returns the
    rows.

    Read and validate the file with `data.load(..., require_labels=False)` (a bad row is its
    `DataValidationError`, naming row, column and value; a missing file its `FileNotFoundError`),
    load the model with `registry.load_model(model_uri, settings)`, score with `score_frame`, and
    write CSV or Parquet by the output's suffix (`_write`). Returns the number of rows scored.
    """
    from capstone.registry import load_model

    frame = load(input_path, require_labels=False)
    model = load_model(model_uri, settings)
    _write(score_frame(model, frame), Path(output_path))
    return len(frame)


def spark_session(master: str = "local[2]"):
    """A quiet local Spark session whose Python workers can import the capstone package."""
    from pyspark.sql import SparkSession

    # Python workers are separate processes: they need our interpreter and the repo on the path.
    paths = [str(REPO_DIR), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("capstone-batch")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def score_spark(input_path, output_path, model_uri: str, settings: Settings, spark=None) -> int:
    """Score a CSV/Parquet file with `mlflow.pyfunc.spark_udf` and write Parquet or CSV.

    The model's own signature is enforced on each partition, so types are cast to match it.
    """
    import mlflow
    from pyspark.sql import functions as F

    use_store(settings)
    own_session = spark is None
    spark = spark or spark_session()
    try:
        input_path, output_path = str(input_path), str(output_path)
        if input_path.endswith(".parquet"):
            frame = spark.read.parquet(input_path)
        else:
            frame = spark.read.csv(input_path, header=True, inferSchema=True)
        for column in FEATURE_SCHEMA:
            frame = frame.withColumn(column.name, F.col(column.name).cast(SPARK_TYPES[column.kind]))
        predict = mlflow.pyfunc.spark_udf(
            spark, model_uri, result_type="double", env_manager="local"
        )
        scored = frame.withColumn("prediction", predict(F.struct(*FEATURE_COLUMNS)))
        writer = scored.coalesce(1).write.mode("overwrite")
        if output_path.endswith(".parquet"):
            writer.parquet(output_path)
        else:
            writer.option("header", True).csv(output_path)
        return (
            spark.read.parquet(output_path).count()
            if output_path.endswith(".parquet")
            else scored.count()
        )
    finally:
        if own_session:
            spark.stop()
