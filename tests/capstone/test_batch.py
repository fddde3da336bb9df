import numpy as np
import pandas as pd
import pytest

from capstone import batch, registry
from capstone.data import FEATURE_COLUMNS, DataValidationError


@pytest.fixture(scope="module")
def input_rows(splits):
    return splits["holdout"][list(FEATURE_COLUMNS)].head(200)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_score_file_matches_the_model(tmp_path, trained, input_rows, suffix):
    source = tmp_path / f"in{suffix}"
    if suffix == ".csv":
        input_rows.to_csv(source, index=False)
    else:
        input_rows.to_parquet(source)
    output = tmp_path / f"out{suffix}"
    settings = trained["settings"]
    count = batch.score_file(source, output, registry.champion_uri(settings), settings)
    scored = pd.read_csv(output) if suffix == ".csv" else pd.read_parquet(output)
    assert count == len(scored) == 200
    expected = trained["models"]["hgb"].pipeline.predict(input_rows)
    np.testing.assert_allclose(scored["prediction"], expected)


def test_score_file_rejects_bad_rows(tmp_path, trained, input_rows):
    bad = input_rows.copy()
    bad.loc[bad.index[5], "temp"] = 3.0
    bad.to_csv(tmp_path / "bad.csv", index=False)
    settings = trained["settings"]
    with pytest.raises(DataValidationError, match="row 6, column 'temp'"):
        batch.score_file(tmp_path / "bad.csv", tmp_path / "o.csv", "models:/x/1", settings)


@pytest.mark.slow
def test_spark_udf_scores_like_the_model(tmp_path, trained, input_rows):
    source = tmp_path / "in.csv"
    input_rows.to_csv(source, index=False)
    settings = trained["settings"]
    output = tmp_path / "scored.parquet"
    count = batch.score_spark(source, output, registry.champion_uri(settings), settings)
    scored = pd.read_parquet(output).sort_values(["day", "hr"]).reset_index(drop=True)
    assert count == 200
    expected = trained["models"]["hgb"].pipeline.predict(
        input_rows.sort_values(["day", "hr"]).reset_index(drop=True)
    )
    np.testing.assert_allclose(scored["prediction"], expected, rtol=1e-9)
