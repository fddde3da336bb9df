import numpy as np
import pytest

from capstone.data import FEATURE_COLUMNS
from capstone.features import FEATURE_NAMES, build_features, make_feature_step


def test_shape_and_known_values(bike_data):
    matrix = build_features(bike_data.head(24))
    assert matrix.shape == (24, len(FEATURE_NAMES))
    assert matrix.dtype == np.float64
    hour = matrix[:, FEATURE_NAMES.index("hr")]
    np.testing.assert_array_equal(hour, np.arange(24))
    np.testing.assert_allclose(matrix[6, FEATURE_NAMES.index("hr_sin")], 1.0)
    np.testing.assert_allclose(matrix[0, FEATURE_NAMES.index("hr_cos")], 1.0)
    assert (matrix[:, FEATURE_NAMES.index("month")] == 1).all()
    assert matrix[0, FEATURE_NAMES.index("weather")] == 0  # "clear"


def test_same_output_for_frame_columns_and_records(bike_data):
    rows = bike_data[list(FEATURE_COLUMNS)].sample(200, random_state=0)
    from_frame = build_features(rows)
    from_records = build_features(rows.to_dict("records"))
    from_columns = build_features({name: rows[name].tolist() for name in FEATURE_COLUMNS})
    np.testing.assert_array_equal(from_frame, from_records)
    np.testing.assert_array_equal(from_frame, from_columns)


def test_unknown_category_is_a_clear_error(bike_data):
    rows = bike_data[list(FEATURE_COLUMNS)].head(2).to_dict("records")
    rows[1]["weathersit"] = "tornado"
    with pytest.raises(ValueError, match="unknown category 'tornado'"):
        build_features(rows)


def test_feature_step_is_the_same_function(bike_data):
    step = make_feature_step()
    rows = bike_data.head(10)
    np.testing.assert_array_equal(step.fit_transform(rows), build_features(rows))
