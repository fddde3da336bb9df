"""Exercises of 02_cleaning.ipynb: parsing typed values, rows accounted for, a loud validator,
scaling and binning fitted on training rows only."""

import numpy as np
import pandas as pd

from mlcourse.exercise import Calls, Close, Exercise, Frame, Function, WrongAnswer

# --- 03.02.1: one typed mass, parsed to grams ----------------------------------------------------
_MASSES = [
    "3750",
    "3750 g",
    "3750g",
    " 4,125 g ",  # a thousands separator and padding
    "3.75 kg",
    "3.75kg",
    "4.1 KG",  # upper case unit
    "2 kg",  # the g of kg must not be stripped first
    "0.5kg",
    "5,012.5 g",
    "-99",  # the team's code for "not measured"
    "-99.0",  # the same code after a spreadsheet turned it into a decimal
    "n/a",
    "N/A",
    "",
    "   ",
    "-4150 g",  # a minus sign typed by mistake: impossible, but readable; the range check's job
    "3750 lb",  # anything unexpected must raise, not vanish as NaN
    "37S0 g",  # an S typed for a 5
]
_UNREADABLE = {"3750 lb": ("3750 lb",), "37S0 g": ("37s0",)}  # (words compared in any case)
_MASS_CHECK = Calls(
    cases=[dict(text=text) for text in _MASSES],
    returns=Close(),
    mentions=[_UNREADABLE.get(text, ()) for text in _MASSES],  # the error names the text
)

# --- 03.02.2: rows dropped, each for a stated reason ----------------------------------------------
_NAN = np.nan
_MEASURED = ["bill_length_mm", "body_mass_g"]
_TIDY_CASES = [
    dict(
        frame=pd.DataFrame(
            {
                "bird": ["A", "A", "B", "C", "D", "E", "B", "F", "F"],
                "bill_length_mm": [39.1, 39.1, -99, -99, _NAN, 40.0, _NAN, 41.0, 41.5],
                "body_mass_g": [3750, 3750, 3800, -99, _NAN, _NAN, 3800, 4000, 4000],
            },
            index=[10, 11, 12, 13, 14, 15, 16, 17, 18],
        ),
        measurements=_MEASURED,
    ),
    dict(  # nothing to do: every row stays, with its own label
        frame=pd.DataFrame(
            {"bird": ["G", "H"], "bill_length_mm": [45.2, 50.1], "body_mass_g": [5300, 5600]},
            index=[7, 3],
        ),
        measurements=_MEASURED,
    ),
    dict(  # only the body mass counts as a measurement here
        frame=pd.DataFrame(
            {
                "bird": ["I", "J", "K", "K"],
                "bill_length_mm": [44.0, _NAN, 46.0, 46.0],
                "body_mass_g": [_NAN, 4100, -99, -99],
            },
            index=[20, 21, 22, 23],
        ),
        measurements=["body_mass_g"],
    ),
    dict(  # the same bird typed three times; a column that is not a measurement
        frame=pd.DataFrame(
            {
                "bird": ["L", "L", "L", "M"],
                "bill_length_mm": [38.0, 38.0, 38.0, 37.5],
                "body_mass_g": [3300, 3300, 3300, 3350],
                "year": [2008, 2008, 2008, 2009],
            },
            index=[5, 6, 7, 8],
        ),
        measurements=_MEASURED,
    ),
    dict(  # two birds measured alike are not duplicates; -99 m is a real dive depth, not a code
        frame=pd.DataFrame(
            {
                "bird": ["P", "Q", "Q", "R"],
                "bill_length_mm": [40.2, 40.2, 40.2, -99],
                "body_mass_g": [3900, 3900, 3900, -99],
                "dive_depth_m": [-99.0, -35.0, -35.0, -99.0],
            },
            index=[30, 31, 32, 33],
        ),
        measurements=_MEASURED,
    ),
    dict(
        frame=pd.DataFrame({"bird": [], "bill_length_mm": [], "body_mass_g": []}),
        measurements=_MEASURED,
    ),
]


# --- 03.02.3: a validator that names row, column and value ----------------------------------------
_SCHEMA = {
    "species": {"allowed": ("Adelie", "Chinstrap", "Gentoo")},
    "sex": {"allowed": ("female", "male"), "nullable": True},
    "bill_depth_mm": {"range": (10, 25), "nullable": True},
    "body_mass_g": {"range": (2000, 7000)},
}


def _birds(index=(101, 102, 103, 104), **changes):
    """A small valid table (bounds included, missing values where allowed), with ``changes``
    applied as {column: {row label: value}}."""
    frame = pd.DataFrame(
        {
            "species": ["Adelie", "Gentoo", "Chinstrap", "Gentoo"],
            "sex": ["female", _NAN, "male", "female"],
            "bill_depth_mm": [10.0, _NAN, 25.0, 14.2],
            "body_mass_g": [2000.0, 7000.0, 3550.0, 5200.0],
        },
        index=list(index),
    )
    for column, values in changes.items():
        for label, value in values.items():
            frame.loc[label, column] = value
    return frame


_VALIDATE = [  # (frame, words the error must mention; none: the frame is valid)
    (_birds(), ()),
    (_birds(index=("N1A1", "N1A2", "N2A1", "N2A2")), ()),
    (_birds().iloc[:0], ()),  # no rows: nothing can be wrong
    (_birds().assign(comments=["", "nest only", "", ""]), ()),  # a column the schema leaves alone
    (_birds(species={103: "Gentto"}), ("row 103", "species", "Gentto")),
    (_birds(species={104: "gentoo"}), ("row 104", "species", "gentoo")),
    (_birds(sex={102: "M"}), ("row 102", "sex", "M")),
    (_birds(species={102: _NAN}), ("row 102", "species", "nan")),
    (_birds(body_mass_g={104: 52000}), ("row 104", "body_mass_g", "52000")),
    (_birds(body_mass_g={101: 1999}), ("row 101", "body_mass_g", "1999")),
    (_birds(body_mass_g={103: _NAN}), ("row 103", "body_mass_g", "nan")),
    (_birds(bill_depth_mm={104: -14.2}), ("row 104", "bill_depth_mm", "-14.2")),
    (_birds(bill_depth_mm={101: 25.5}), ("row 101", "bill_depth_mm", "25.5")),
    (
        _birds(index=("N1A1", "N1A2", "N2A1", "N2A2"), body_mass_g={"N2A1": 350}),
        ("row N2A1", "body_mass_g", "350"),
    ),
    (_birds().drop(columns="sex"), ("sex",)),  # a whole column missing
]
_VALIDATE_CHECK = Calls(
    cases=[dict(frame=frame, schema=_SCHEMA) for frame, _ in _VALIDATE],
    returns=Frame(),
    mentions=[words for _, words in _VALIDATE],
)

# --- 03.02.4: robust scaling fitted on training rows ----------------------------------------------
_rng = np.random.default_rng(3)
_ROBUST_CASES = [
    dict(  # an outlier in the training rows; test values beyond the training range
        X_train=np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [100.0, 50.0]]),
        X_test=np.array([[2.5, 25.0], [-3.0, 80.0], [3.0, 10.0]]),
    ),
    dict(  # a missing training value; a missing test value stays missing
        X_train=np.array([[1.0, 5.0], [_NAN, 7.0], [3.0, 9.0], [5.0, 11.0], [7.0, 13.0]]),
        X_test=np.array([[4.0, _NAN], [0.0, 8.0]]),
    ),
    dict(  # ties: a column whose middle half is one value (IQR 0) keeps its scale at 1
        X_train=np.array([[3.0, 1.0], [3.0, 2.0], [3.0, 4.0], [3.0, 8.0], [9.0, 16.0]]),
        X_test=np.array([[3.0, 5.0], [6.0, 0.5]]),
    ),
    dict(
        X_train=_rng.lognormal(3.0, 1.0, size=(40, 3)),
        X_test=_rng.lognormal(3.5, 1.2, size=(12, 3)),
    ),
]

# --- 03.02.5: equal-width bins whose edges come from the training rows ----------------------------
_BIN_CASES = [
    dict(  # edges 0, 2.5, 5, 7.5, 10: values on an inner edge, on the ends and beyond them
        x_train=np.array([0.0, 3.0, 10.0, 4.0, 6.0]),
        x_test=np.array([0.0, 2.5, 5.0, 7.49, 7.5, 10.0, -1.0, 12.0, 9.9]),
        n_bins=4,
    ),
    dict(
        x_train=np.array([2.0, 8.0, 5.0, 5.0, 5.0]),  # ties in the training rows
        x_test=np.array([1.0, 2.0, 4.0, 5.0, 6.0, 8.0, 9.0]),
        n_bins=3,
    ),
    dict(x_train=np.array([10.0, 20.0]), x_test=np.array([15.0, 14.9, 25.0, 5.0]), n_bins=2),
    dict(
        x_train=_rng.normal(4200.0, 800.0, size=60),
        x_test=_rng.normal(4400.0, 900.0, size=25),
        n_bins=5,
    ),
]

EXERCISES = [
    Exercise(
        id="03.02.1",
        title="A mass typed by hand, parsed to grams",
        checks={"to_grams": _MASS_CHECK},
        hints=[
            "Normalise the text first (surrounding spaces, upper case, the thousands separator), "
            "then handle the codes for missing, then the unit. Which unit must you test for first, "
            "given that `'kg'` also ends in `'g'`? What text is left for `float()` to refuse?",
            "`str.endswith('kg')` tells the unit; `text[:-2]` drops two characters and "
            "`str.removesuffix('g')` drops a final `g`; `float()` accepts surrounding spaces. "
            "Compare the parsed *number* with -99, so that `'-99.0'` is caught too.",
        ],
        solution="""
            def to_grams(text):
                \"\"\"A body mass typed as text ('3,750 g', '3.75 kg', '-99', 'n/a') in grams; NaN if missing.\"\"\"
                text = text.strip().lower().replace(",", "")
                if text in ("", "n/a"):
                    return np.nan
                grams = float(text[:-2]) * 1000 if text.endswith("kg") else float(text.removesuffix("g"))
                return np.nan if grams == -99 else grams
        """,
        equivalent_mutants={
            "line 5: return value negated": "It negates `np.nan`, and -NaN is NaN.",
        },
        wrong_answers=[
            WrongAnswer(
                "def to_grams(text):\n    return pd.to_numeric(text, errors='coerce')\n",
                "Did you use `pd.to_numeric(..., errors='coerce')`? It turns every value typed "
                "with a unit ('3750 g', '3.75 kg') into NaN without a word, so usable "
                "measurements vanish, and it keeps -99 as a real mass. Parse the unit instead.",
            ),
            WrongAnswer(
                """
                def to_grams(text):
                    text = text.strip().lower().replace(",", "")
                    if text in ("", "n/a", "-99"):
                        return np.nan
                    return float(text.removesuffix("kg").removesuffix("g"))
                """,
                "Did you strip the unit without converting? '3.75 kg' is 3750 g, not 3.75: "
                "multiply the kilograms by 1000.",
            ),
            WrongAnswer(
                """
                def to_grams(text):
                    text = text.strip().lower().replace(",", "")
                    if text in ("", "n/a"):
                        return np.nan
                    if text.endswith("kg"):
                        return float(text[:-2]) * 1000
                    return float(text.removesuffix("g"))
                """,
                "Did you keep -99 as a mass? It is the field team's code for 'not measured': "
                "`{name}` should return NaN for it, or every mean you compute later is wrong.",
            ),
            WrongAnswer(
                """
                def to_grams(text):
                    text = text.strip().lower().replace(",", "")
                    if text in ("", "n/a", "-99"):
                        return np.nan
                    if text.endswith("kg"):
                        return float(text[:-2]) * 1000
                    return float(text.removesuffix("g"))
                """,
                "Did you compare the text with '-99'? The same code also arrives as '-99.0' "
                "once a spreadsheet has touched it: compare the parsed number with -99.",
            ),
            WrongAnswer(
                """
                def to_grams(text):
                    text = text.strip().lower().replace(",", "")
                    try:
                        grams = float(text[:-2]) * 1000 if text.endswith("kg") else float(text.removesuffix("g"))
                    except ValueError:
                        return np.nan
                    return np.nan if grams == -99 else grams
                """,
                "Did you catch the ValueError and return NaN? Then a typo ('37S0 g') or a unit "
                "you did not expect ('3750 lb') vanishes as 'missing' without a word, just as "
                "with `errors='coerce'`. Return NaN only for the codes for missing and let "
                "anything else raise.",
            ),
            WrongAnswer(
                """
                def to_grams(text):
                    text = text.strip().lower().replace(",", "")
                    if text in ("", "n/a"):
                        return np.nan
                    grams = float(text[:-2]) * 1000 if text.endswith("kg") else float(text.removesuffix("g"))
                    return np.nan if grams < 0 else grams
                """,
                "Did you turn every negative mass into NaN? Only -99 is the code for 'not "
                "measured'. '-4150 g' is a typing error: `{name}` returns it as typed, so that "
                "the range check finds it and the log counts it as impossible, not as missing.",
            ),
        ],
    ),
    Exercise(
        id="03.02.2",
        title="Rows dropped only for a stated reason",
        checks={"tidy_rows": Function(cases=_TIDY_CASES, returns=Frame())},
        hints=[
            "Three steps, in this order: the sentinel -99 becomes NaN in the measurement columns; "
            "exact duplicate rows go (the first copy stays); rows with *no* measurement left go. "
            "Why must the sentinel step come first?",
            "`DataFrame.replace` takes a dict {column: value to find} and a replacement; "
            "`drop_duplicates()` compares whole rows; `dropna` has `subset=` and `how=`. Keep "
            "the index labels: they are how the cleaning log traces a row.",
        ],
        solution="""
            def tidy_rows(frame, measurements):
                \"\"\"Sentinel -99 -> NaN, exact duplicates dropped, rows without any measurement dropped.\"\"\"
                tidy = frame.replace({column: -99 for column in measurements}, np.nan)
                return tidy.drop_duplicates().dropna(subset=measurements, how="all")
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.replace({column: -99 for column in measurements}, np.nan)
                    return tidy.drop_duplicates().dropna()
                """,
                "Did you call `dropna()` with no arguments? It drops every row with *any* "
                "missing value, and with it the measurements that row did have (bird E's bill). "
                "Drop a row only when all its measurements are missing: `subset=`, `how='all'`.",
            ),
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.replace({column: -99 for column in measurements}, np.nan)
                    return tidy.drop_duplicates(subset="bird").dropna(subset=measurements, how="all")
                """,
                "Did you drop duplicates by the bird's id alone? Two rows of bird F with "
                "different bill lengths are two records that disagree, not a row typed twice: "
                "drop only rows that are identical in every column.",
            ),
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.drop_duplicates().dropna(subset=measurements, how="all")
                    return tidy.replace({column: -99 for column in measurements}, np.nan)
                """,
                "Did you drop rows before turning -99 into NaN? A row typed with -99 in every "
                "measurement looks complete until the sentinel is decoded; decode first, then "
                "look for duplicates and empty rows.",
            ),
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.replace({column: -99 for column in measurements}, np.nan)
                    tidy = tidy.drop_duplicates().dropna(subset=measurements, how="all")
                    return tidy.reset_index(drop=True)
                """,
                "Did you reset the index? The labels are how each dropped row is traced back "
                "to the sheet in the cleaning log; `{name}` must keep them.",
            ),
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.replace(-99, np.nan)
                    return tidy.drop_duplicates().dropna(subset=measurements, how="all")
                """,
                "Did you replace -99 in every column? The code means 'not measured' only in "
                "the measurement columns; elsewhere -99 can be a real value (a dive 99 m "
                "below the surface). Give `replace` a dict {{column: -99}} for `measurements`.",
            ),
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.replace({column: -99 for column in measurements}, np.nan)
                    return tidy.drop_duplicates(subset=measurements).dropna(subset=measurements, how="all")
                """,
                "Did you look for duplicates in the measurement columns only? Two different "
                "birds can be measured alike (birds P and Q); a row typed twice is identical "
                "in every column: call `drop_duplicates()` without `subset`.",
            ),
            WrongAnswer(
                """
                def tidy_rows(frame, measurements):
                    tidy = frame.drop_duplicates()
                    tidy = tidy.replace({column: -99 for column in measurements}, np.nan)
                    return tidy.dropna(subset=measurements, how="all")
                """,
                "Did you drop duplicates before decoding -99? Bird B was typed twice, once with "
                "-99 and once with a blank for the same bill: only once both are NaN are the "
                "two rows identical. Decode first, then drop duplicates.",
            ),
        ],
    ),
    Exercise(
        id="03.02.3",
        title="A validator that fails loudly",
        checks={"validate": _VALIDATE_CHECK},
        hints=[
            "Loop over `schema.items()`; for each column, loop over `frame[column].items()`, "
            "which gives (row label, value) pairs. Decide for a missing value first "
            "(`pd.isna`): it is either allowed (`nullable`) or an error, and never compared "
            "with a range.",
            'Raise `ValueError(f"row {label}, column {column!r}: {value!r} ...")` at the first '
            "problem; `rules.get('nullable', False)` reads an optional rule; a range (lo, hi) "
            "includes both ends. Check that the column exists before you read it.",
        ],
        solution="""
            def validate(frame, schema):
                \"\"\"Return `frame` if it follows `schema`; else raise ValueError naming row, column and value.\"\"\"
                for column, rules in schema.items():
                    if column not in frame.columns:
                        raise ValueError(f"column {column!r} is missing; the schema expects {list(schema)}")
                    for label, value in frame[column].items():
                        if pd.isna(value):
                            if not rules.get("nullable", False):
                                raise ValueError(f"row {label}, column {column!r}: {value!r} is missing, which is not allowed")
                        elif "allowed" in rules and value not in rules["allowed"]:
                            raise ValueError(f"row {label}, column {column!r}: {value!r} is not an allowed value")
                        elif "range" in rules and not rules["range"][0] <= value <= rules["range"][1]:
                            raise ValueError(f"row {label}, column {column!r}: {value!r} is outside {rules['range']}")
                return frame
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def validate(frame, schema):
                    for column, rules in schema.items():
                        if column not in frame.columns:
                            raise ValueError(f"column {column!r} is missing")
                        for position, value in enumerate(frame[column]):
                            if pd.isna(value):
                                if not rules.get("nullable", False):
                                    raise ValueError(f"row {position}, column {column!r}: {value!r}")
                            elif "allowed" in rules and value not in rules["allowed"]:
                                raise ValueError(f"row {position}, column {column!r}: {value!r}")
                            elif "range" in rules and not rules["range"][0] <= value <= rules["range"][1]:
                                raise ValueError(f"row {position}, column {column!r}: {value!r}")
                    return frame
                """,
                "Did you number the rows with `enumerate`? That is the position, not the row's "
                "label, and after rows are dropped the two differ: name the label, from "
                "`frame[column].items()`, so the row can be found with `.loc`.",
            ),
            WrongAnswer(
                """
                def validate(frame, schema):
                    for column, rules in schema.items():
                        if column not in frame.columns:
                            raise ValueError(f"column {column!r} is missing")
                        for label, value in frame[column].items():
                            if "allowed" in rules and value not in rules["allowed"]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            if "range" in rules and not rules["range"][0] <= value <= rules["range"][1]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                    return frame
                """,
                "Did you compare missing values with the rules? NaN is in no set of allowed "
                "values and fails every range, so `{name}` rejects missing values that the "
                "schema allows (`nullable`). Test `pd.isna(value)` first.",
            ),
            WrongAnswer(
                """
                def validate(frame, schema):
                    for column, rules in schema.items():
                        for label, value in frame[column].items():
                            if pd.isna(value):
                                if not rules.get("nullable", False):
                                    raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            elif "allowed" in rules and value not in rules["allowed"]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            elif "range" in rules and not rules["range"][0] <= value <= rules["range"][1]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                    return frame
                """,
                "Did you assume every column is there? `frame[column]` then raises a bare "
                "KeyError; check `column in frame.columns` first and raise a ValueError that "
                "names the missing column.",
            ),
            WrongAnswer(
                """
                def validate(frame, schema):
                    for column, rules in schema.items():
                        if column not in frame.columns:
                            raise ValueError(f"column {column!r} is missing")
                        for label, value in frame[column].items():
                            if pd.isna(value):
                                if not rules.get("nullable", False):
                                    raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            elif "allowed" in rules and value not in rules["allowed"]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            elif "range" in rules and not rules["range"][0] < value < rules["range"][1]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                    return frame
                """,
                "Did you exclude the ends of the range (`<` instead of `<=`)? A body mass of "
                "exactly 2000 g is allowed by the range (2000, 7000).",
            ),
            WrongAnswer(
                """
                def validate(frame, schema):
                    for column, rules in schema.items():
                        if column not in frame.columns:
                            raise ValueError(f"column {column!r} is missing")
                        for label, value in frame[column].items():
                            if pd.isna(value):
                                if not rules.get("nullable", True):
                                    raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            elif "allowed" in rules and value not in rules["allowed"]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                            elif "range" in rules and not rules["range"][0] <= value <= rules["range"][1]:
                                raise ValueError(f"row {label}, column {column!r}: {value!r}")
                    return frame
                """,
                "Did you let a value be missing unless the schema forbids it "
                "(`rules.get('nullable', True)`)? A missing value is allowed only where the "
                "schema says `'nullable': True`: a species or body mass left blank must fail.",
            ),
        ],
    ),
    Exercise(
        id="03.02.4",
        title="Robust scaling, fitted on the training rows",
        checks={"robust_scale": Function(cases=_ROBUST_CASES)},
        hints=[
            "Learn two numbers per column from `X_train` only: its median and its interquartile "
            "range (IQR = 75th minus 25th percentile); then transform `X_test` with them. "
            "Which NumPy functions skip missing values?",
            "`np.nanmedian` and `np.nanpercentile` skip NaN, and `axis=0` gives one value per "
            "column; `np.nanpercentile` accepts a list of percentiles at once. For an IQR of 0, "
            "`np.where(condition, 1.0, iqr)` picks the divisor.",
        ],
        solution="""
            def robust_scale(X_train, X_test):
                \"\"\"X_test centred on the training median and divided by the training IQR, per column.\"\"\"
                median = np.nanmedian(X_train, axis=0)
                q1, q3 = np.nanpercentile(X_train, [25, 75], axis=0)
                iqr = q3 - q1
                return (X_test - median) / np.where(iqr == 0, 1.0, iqr)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def robust_scale(X_train, X_test):
                    X_all = np.vstack([X_train, X_test])
                    median = np.nanmedian(X_all, axis=0)
                    q1, q3 = np.nanpercentile(X_all, [25, 75], axis=0)
                    iqr = np.where(q3 - q1 == 0, 1.0, q3 - q1)
                    return (X_test - median) / iqr
                """,
                "Did you fit on the training and test rows together? The test rows then shape "
                "their own transform: a leak. Compute the median and IQR from `X_train` only.",
            ),
            WrongAnswer(
                """
                def robust_scale(X_train, X_test):
                    median = np.nanmedian(X_test, axis=0)
                    q1, q3 = np.nanpercentile(X_test, [25, 75], axis=0)
                    iqr = np.where(q3 - q1 == 0, 1.0, q3 - q1)
                    return (X_test - median) / iqr
                """,
                "Did you fit the scaler on `X_test` (a `fit_transform` on the test rows)? Each "
                "batch then gets its own scale, and a deployed model sees numbers it was not "
                "trained on. Learn the statistics from `X_train`.",
            ),
            WrongAnswer(
                """
                def robust_scale(X_train, X_test):
                    median = np.median(X_train, axis=0)
                    q1, q3 = np.percentile(X_train, [25, 75], axis=0)
                    iqr = np.where(q3 - q1 == 0, 1.0, q3 - q1)
                    return (X_test - median) / iqr
                """,
                "Did you use `np.median` and `np.percentile`? One missing training value makes "
                "them NaN and the whole column becomes NaN; `np.nanmedian` and "
                "`np.nanpercentile` skip missing values.",
            ),
            WrongAnswer(
                """
                def robust_scale(X_train, X_test):
                    return (X_test - np.nanmean(X_train, axis=0)) / np.nanstd(X_train, axis=0)
                """,
                "Did you standardise (mean and standard deviation)? One outlier pulls both; "
                "robust scaling uses the median and the interquartile range.",
            ),
            WrongAnswer(
                """
                def robust_scale(X_train, X_test):
                    median = np.nanmedian(X_train, axis=0)
                    q1, q3 = np.nanpercentile(X_train, [25, 75], axis=0)
                    return (X_test - median) / (q3 - q1)
                """,
                "Did you divide by an IQR of 0? When more than half of a column's training "
                "values are tied, q1 equals q3 and the division gives inf or NaN; divide that "
                "column by 1 instead.",
            ),
        ],
    ),
    Exercise(
        id="03.02.5",
        title="Equal-width bins with edges from the training rows",
        checks={"bin_codes": Function(cases=_BIN_CASES)},
        hints=[
            "The edges are `n_bins + 1` equally spaced numbers from the *training* minimum to "
            "the *training* maximum. Only the inner edges decide a bin; what should happen to a "
            "test value below the first edge or above the last?",
            "`np.linspace` gives equally spaced numbers, both ends included (how many do you "
            "need?). `np.digitize(values, edges)` counts, for each value, how many of `edges` it "
            "has reached: which edges must you pass so that the count is the bin number, 0 to "
            "`n_bins - 1`, even beyond the training range?",
        ],
        solution="""
            def bin_codes(x_train, x_test, n_bins):
                \"\"\"Bin number (0 .. n_bins-1) of each test value; equal-width edges from x_train.\"\"\"
                edges = np.linspace(x_train.min(), x_train.max(), n_bins + 1)
                return np.digitize(x_test, edges[1:-1])
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def bin_codes(x_train, x_test, n_bins):
                    edges = np.linspace(x_train.min(), x_train.max(), n_bins + 1)
                    return pd.cut(x_test, edges, labels=False)
                """,
                "Did you use `pd.cut` with the training edges? It returns NaN for test values "
                "outside the training range (the first edge included), and puts a value on an "
                "edge in the lower bin. Use `np.digitize` on the inner edges.",
            ),
            WrongAnswer(
                """
                def bin_codes(x_train, x_test, n_bins):
                    edges = np.linspace(x_test.min(), x_test.max(), n_bins + 1)
                    return np.digitize(x_test, edges[1:-1])
                """,
                "Did you take the edges from `x_test`? Then the bins move with every batch and "
                "a bin number means different masses in training and at prediction time. "
                "The edges come from `x_train`.",
            ),
            WrongAnswer(
                """
                def bin_codes(x_train, x_test, n_bins):
                    return pd.qcut(x_test, n_bins, labels=False, duplicates="drop")
                """,
                "Did you use `pd.qcut`? It makes quantile bins (equal counts, not equal widths) "
                "and fits them on the values it is given, here the test rows.",
            ),
            WrongAnswer(
                """
                def bin_codes(x_train, x_test, n_bins):
                    edges = np.linspace(x_train.min(), x_train.max(), n_bins + 1)
                    return np.digitize(x_test, edges)
                """,
                "Did you pass all the edges to `np.digitize`? Then a value below the training "
                "minimum is bin 0 and the minimum itself bin 1: `{name}` returns numbers from 0 "
                "to n_bins + 1. Pass the inner edges, `edges[1:-1]`.",
            ),
            WrongAnswer(
                """
                def bin_codes(x_train, x_test, n_bins):
                    edges = np.linspace(x_train.min(), x_train.max(), n_bins + 1)
                    return np.digitize(x_test, edges[1:-1], right=True)
                """,
                "Did you put a value that lies exactly on an inner edge in the lower bin "
                "(`right=True`)? Bin `i` includes its left edge: 2.5 with edges 0, 2.5, 5, ... "
                "is in bin 1.",
            ),
        ],
    ),
]
