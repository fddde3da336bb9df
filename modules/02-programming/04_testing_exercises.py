"""Exercises of 04_testing.ipynb: a refactored module, a parametrised pytest file, tests that
catch planted bugs, property tests, a fixture that writes a data file.

The planted bugs are module-level functions, so that the check (``TestSuite``) can run the
learner's test on each of them, in the notebook and in a grading kernel alike.
"""

import ast
import csv
import warnings
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from mlcourse.exercise import Document, Exact, Exercise, Function, Rule, TestSuite, WrongAnswer

# --- 02.04.1: a notebook cell refactored into a module ----------------------------------------


def _first_days(last_day: int = 4) -> dict:
    """Days 1 to ``last_day`` of the shipped bike-share data (22 to 24 rows a day)."""
    path = Path(__file__).resolve().parents[2] / "data" / "bikeshare_hourly_2011.csv"
    days, counts = [], []
    with open(path, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if int(row["day"]) > last_day:
                break
            days.append(int(row["day"]))
            counts.append(int(row["bikers"]))
    return {"days": np.array(days), "counts": np.array(counts)}


_DAILY_CASES = [
    _first_days(),  # real hours, some missing: 24, 23, 22 and 23 rows
    {"days": [1, 1, 1, 2, 2], "counts": [5, 0, 7, 3, 4]},
    {"days": [3, 1, 3, 2, 1], "counts": [10, 20, 30, 40, 50]},  # not sorted by day
    {"days": [7], "counts": [12]},
    {"days": [], "counts": []},
]


def _parsed(text: str):
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def _top_function(text: str, name: str):
    tree = _parsed(text)
    for node in tree.body if tree else []:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    return None


def _is_constant(node) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_constant(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return _is_constant(node.operand)
    if isinstance(node, ast.BinOp):  # SECONDS_PER_DAY = 24 * 60 * 60
        return _is_constant(node.left) and _is_constant(node.right)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_constant(k) for k in node.keys) and all(
            _is_constant(v) for v in node.values
        )
    return False


def _is_main_guard(node) -> bool:
    """``if __name__ == "__main__":``, the one place a module may run a demo."""
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and len(test.comparators) == 1
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def _no_work_at_import(text: str) -> bool:
    """Only a docstring, imports, definitions and constants at the top level."""
    tree = _parsed(text)
    for index, node in enumerate(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
            continue
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the module docstring
        assigned = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if assigned is not None and _is_constant(assigned):
            continue
        if _is_main_guard(node):
            continue
        return False
    return True


def _prints(text: str) -> bool:
    tree = _parsed(text)
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
        for node in ast.walk(tree)
    )


def _totals(days, counts) -> dict:
    totals = {}
    for day, count in zip(days, counts):
        totals[day] = totals.get(day, 0) + count
    return totals


def _module_function_right(text: str) -> bool:
    """The module's own `daily_totals` (run from the text) gives the right totals."""
    namespace = {"__name__": "daily"}
    exec(compile(text, "daily.py", "exec"), namespace)  # only definitions: checked before
    function = namespace["daily_totals"]
    return all(dict(function(**case)) == _totals(**case) for case in _DAILY_CASES)


_MODULE_RULES = [
    Rule(
        "`{name}` is not valid Python: paste the text into a cell of its own and run it to see "
        "the error.",
        lambda text: _parsed(text) is not None,
    ),
    Rule(
        "`{name}` has no module docstring: start the file with a string that says what the "
        'module is for, e.g. `"""Daily aggregates of the bike-share counts."""`.',
        lambda text: ast.get_docstring(_parsed(text)) is not None,
    ),
    Rule(
        "`{name}` does not define `daily_totals` at the top level of the module (a `def` that "
        "starts in the first column).",
        lambda text: _top_function(text, "daily_totals") is not None,
    ),
    Rule(
        "`daily_totals` in `{name}` has no docstring: its first line should say what it "
        "returns, then document the arguments.",
        lambda text: ast.get_docstring(_top_function(text, "daily_totals")) is not None,
    ),
    Rule(
        "`{name}` runs code when it is imported (a call or a computed value at the top level, "
        "such as a leftover demo or loading data): keep only imports, constants and "
        'definitions there, and put a demo under `if __name__ == "__main__":`.',
        _no_work_at_import,
    ),
    Rule(
        "`{name}` prints: a library function returns its result and leaves printing to the "
        "caller. Remove the `print` calls.",
        lambda text: not _prints(text),
    ),
    Rule(
        "`daily_totals` is right, but the function in `{name}` is not: did you fix it in a "
        "notebook cell instead of in the module's text? Correct `{name}` and bind "
        "`daily_totals` from it with `load_module`.",
        _module_function_right,
    ),
]


# --- 02.04.2: a parametrised pytest file -------------------------------------------------------


def hour_bucket(hour):
    """The part of the day an hour (0-23) falls in."""
    if not 0 <= hour <= 23:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return ("night", "morning", "afternoon", "evening")[hour // 6]


def _bucket(hour, night_ends=6, morning_ends=12, afternoon_ends=18):
    if hour < night_ends:
        return "night"
    if hour < morning_ends:
        return "morning"
    if hour < afternoon_ends:
        return "afternoon"
    return "evening"


def bucket_rejects_midnight(hour):
    if not 0 < hour <= 23:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return _bucket(hour)


def bucket_five_is_morning(hour):
    if not 0 <= hour <= 23:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return _bucket(hour, night_ends=5)


def bucket_noon_is_morning(hour):
    if not 0 <= hour <= 23:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return _bucket(hour, morning_ends=13)


def bucket_six_pm_is_afternoon(hour):
    if not 0 <= hour <= 23:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return _bucket(hour, afternoon_ends=19)


def bucket_wraps_24(hour):
    if hour < 0:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return _bucket(hour % 24)


def bucket_accepts_negative(hour):
    if hour > 23:
        raise ValueError(f"hour should be 0 to 23, got {hour!r}.")
    return ("night", "morning", "afternoon", "evening")[hour // 6]


_BUCKET_BUGS = {
    "hour 0 (midnight) is rejected": bucket_rejects_midnight,
    "hour 5 is already morning": bucket_five_is_morning,
    "hour 12 (noon) is still morning": bucket_noon_is_morning,
    "hour 18 is still afternoon": bucket_six_pm_is_afternoon,
    "hour 24 is accepted (it wraps round to night)": bucket_wraps_24,
    "a negative hour is accepted": bucket_accepts_negative,
}


def _decorator_names(function) -> set:
    """The dotted names of a function's decorators, calls included: `pytest.mark.parametrize`."""
    names = set()
    for decorator in function.decorator_list:
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            names.add(".".join([node.id, *reversed(parts)]))
    return names


def _functions(text: str) -> list:
    tree = _parsed(text)
    return [node for node in (tree.body if tree else []) if isinstance(node, ast.FunctionDef)]


def _parameters(function) -> set:
    return {argument.arg for argument in function.args.args + function.args.kwonlyargs}


def _tests(text: str) -> list:
    return [function for function in _functions(text) if function.name.startswith("test")]


def _fixtures(text: str) -> list:
    return [
        function
        for function in _functions(text)
        if _decorator_names(function) & {"pytest.fixture", "fixture"}
    ]


def _parametrised(text: str) -> bool:
    return any(
        _decorator_names(test) & {"pytest.mark.parametrize", "mark.parametrize", "parametrize"}
        for test in _tests(text)
    )


_TEMPORARY_FOLDERS = {"tmp_path", "tmp_path_factory", "tmpdir", "tmpdir_factory"}


def _fixture_used(text: str) -> bool:
    names = {fixture.name for fixture in _fixtures(text)}
    return any(_parameters(test) & names for test in _tests(text))


_PARSES = Rule(
    "`{name}` is not valid Python: paste the text into a cell of its own and run it to see the "
    "error.",
    lambda text: _parsed(text) is not None,
)

_PARAMETRISED_RULES = [
    _PARSES,
    Rule(
        "`{name}` has no parametrised test: put the cases in a table, "
        '`@pytest.mark.parametrize("hour, expected", [...])` above a test function, so that '
        "pytest reports each case on its own.",
        _parametrised,
    ),
]

_FIXTURE_RULES = [
    _PARSES,
    Rule(
        "`{name}` defines no fixture: write the file in a function decorated with "
        "`@pytest.fixture` that returns its path, and let the tests ask for it by name.",
        lambda text: bool(_fixtures(text)),
    ),
    Rule(
        "The fixture in `{name}` does not ask for `tmp_path`: take `tmp_path` as its argument "
        "and write the file inside it, so that every test gets a fresh folder that pytest "
        "cleans up.",
        lambda text: any(_parameters(fixture) & _TEMPORARY_FOLDERS for fixture in _fixtures(text)),
    ),
    Rule(
        "No test in `{name}` uses your fixture: a test receives it by naming the fixture as one "
        "of its arguments (`def test_...(counts_file):`).",
        _fixture_used,
    ),
]


# --- 02.04.3: a test that catches every planted bug -------------------------------------------


def moving_average(values, window):
    """Mean of every run of `window` consecutive values (the reference)."""
    if window < 1:
        raise ValueError(f"window should be at least 1, got {window!r}.")
    values = np.asarray(values, dtype=float)
    if window > len(values):
        return np.empty(0)
    return sliding_window_view(values, window).mean(axis=1)


def average_drops_last_window(values, window):
    if window < 1:
        raise ValueError(f"window should be at least 1, got {window!r}.")
    values = np.asarray(values, dtype=float)
    return np.array([values[i : i + window].mean() for i in range(len(values) - window)])


def average_long_window_raises(values, window):
    if window < 1:
        raise ValueError(f"window should be at least 1, got {window!r}.")
    return sliding_window_view(np.asarray(values, dtype=float), window).mean(axis=1)


def average_skips_nan(values, window):
    if window < 1:
        raise ValueError(f"window should be at least 1, got {window!r}.")
    values = np.asarray(values, dtype=float)
    if window > len(values):
        return np.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN window
        return np.nanmean(sliding_window_view(values, window), axis=1)


def average_running_sums(values, window):
    if window < 1:
        raise ValueError(f"window should be at least 1, got {window!r}.")
    sums = np.cumsum(np.concatenate([[0.0], np.asarray(values, dtype=float)]))
    return (sums[window:] - sums[:-window]) / window


def average_in_place(values, window):
    if window < 1:
        raise ValueError(f"window should be at least 1, got {window!r}.")
    values = np.asarray(values, dtype=float)  # no copy when `values` is already a float array
    if window > len(values):
        return np.empty(0)
    values /= window
    return sliding_window_view(values, window).sum(axis=1)


def average_accepts_zero_window(values, window):
    values = np.asarray(values, dtype=float)
    if window > len(values):
        return np.empty(0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # the mean of an empty window
        return sliding_window_view(values, window).mean(axis=1)


_AVERAGE_BUGS = {
    "the last window is dropped": average_drops_last_window,
    "a window longer than the input raises instead of giving an empty array": (
        average_long_window_raises
    ),
    "a window with a NaN gets the mean of its other values": average_skips_nan,
    "a NaN spoils every later window too (running sums)": average_running_sums,
    "the input array is divided in place": average_in_place,
    "window 0 is accepted instead of raising ValueError": average_accepts_zero_window,
}


# --- 02.04.4: property tests for a data transform ---------------------------------------------


def minmax_scale(x):
    """Scale a 1-D array to [0, 1]; a constant array maps to zeros (the reference)."""
    x = np.asarray(x, dtype=float)
    span = x.max() - x.min()
    if span == 0:
        return np.zeros_like(x)
    return (x - x.min()) / span


def minmax_assumes_sorted(x):
    x = np.asarray(x, dtype=float)
    span = x[-1] - x[0]
    if span == 0:
        return np.zeros_like(x)
    return (x - x[0]) / span


def minmax_epsilon(x):
    x = np.asarray(x, dtype=float)
    return (x - x.min()) / (x.max() - x.min() + 1e-9)


def minmax_constant_nan(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore"):
        return (x - x.min()) / (x.max() - x.min())


def minmax_sorts(x):
    x = np.sort(np.asarray(x, dtype=float))
    span = x[-1] - x[0]
    if span == 0:
        return np.zeros_like(x)
    return (x - x[0]) / span


def minmax_in_place(x):
    x = np.asarray(x, dtype=float)
    x -= x.min()
    span = x.max()
    if span > 0:
        x /= span
    return x


_MINMAX_BUGS = {
    "it scales by the first and last values, as if the input were sorted": minmax_assumes_sorted,
    "it adds 1e-9 to the range, so the largest value misses 1 (badly, for a small range)": (
        minmax_epsilon
    ),
    "a constant input (one value, say) gives NaN instead of zeros": minmax_constant_nan,
    "it returns the scaled values sorted, not in the input's order": minmax_sorts,
    "it scales the input array in place": minmax_in_place,
}


# --- 02.04.5: a fixture that writes a data file -----------------------------------------------


def load_counts(path):
    """The `bikers` column of a CSV file with a header row, as a list of ints in file order.

    The columns may come in any order, and the last line may lack its line break.
    """
    with open(path, newline="", encoding="utf-8") as stream:
        return [int(row["bikers"]) for row in csv.DictReader(stream)]


def counts_second_column(path):
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    return [int(row[1]) for row in rows[1:]]


def counts_drop_unterminated(path):
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    column = lines[0].split(",").index("bikers")
    return [int(line.split(",")[column]) for line in lines[1:-1]]  # assumes a final "\n"


def counts_as_text(path):
    with open(path, newline="", encoding="utf-8") as stream:
        return [row["bikers"] for row in csv.DictReader(stream)]


_COUNTS_BUGS = {
    "it reads the second column, whatever its name": counts_second_column,
    "it drops the last row of a file that does not end with a line break": (
        counts_drop_unterminated
    ),
    "it returns the counts as strings, not ints": counts_as_text,
}


EXERCISES = [
    Exercise(
        id="02.04.1",
        title="Refactor a notebook cell into a module",
        checks={
            "daily_totals": Function(cases=_DAILY_CASES, returns=Exact()),
            "module_source": Document(kind="text", rules=_MODULE_RULES),
        },
        hints=[
            "The function gets everything through its arguments: loop over "
            "`zip(days, counts)` and add each count to its day's total in a dict "
            "(`totals.get(day, 0) + count`). No `reshape`: a day may have any number of rows.",
            "The text needs three things: a docstring as its first statement, the `def` with "
            "a docstring of its own, and nothing else that runs at import (no `print`, no data "
            'loading). Then `daily_totals = load_module("daily", module_source).daily_totals`.',
        ],
        solution="""
            module_source = '''
            \"\"\"Daily aggregates of the hourly bike-share counts.\"\"\"


            def daily_totals(days, counts):
                \"\"\"Total count per day, as a dict {day: total}.

                days: the day of each row (any order, any number of rows per day).
                counts: the count of each row, aligned with `days`.
                \"\"\"
                totals = {}
                for day, count in zip(days, counts):
                    totals[day] = totals.get(day, 0) + count
                return totals
            '''
            daily_totals = load_module("daily", module_source).daily_totals
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    module_source = '''
                    \"\"\"Daily aggregates of the hourly bike-share counts.\"\"\"
                    import numpy as np


                    def daily_totals(days, counts):
                        \"\"\"Total count per day, as a dict {day: total}.\"\"\"
                        counts = np.asarray(counts)
                        n_days = len(counts) // 24
                        totals = counts[: n_days * 24].reshape(n_days, 24).sum(axis=1)
                        return {day: total for day, total in zip(sorted(set(days)), totals)}
                    '''
                    daily_totals = load_module("daily", module_source).daily_totals
                """,
                "Did you keep the cell's `reshape(-1, 24)`? It assumes every day has 24 rows "
                "in order; the data has missing hours, so the days drift apart. Group by the "
                "day each row belongs to instead.",
            ),
            WrongAnswer(
                """
                    module_source = '''
                    \"\"\"Daily aggregates of the hourly bike-share counts.\"\"\"


                    def daily_totals(days, counts):
                        \"\"\"Total count per day, as a dict {day: total}.

                        days: the day of each row (any order, any number of rows per day).
                        counts: the count of each row, aligned with `days`.
                        \"\"\"
                        totals = {}
                        for day, count in zip(days, counts):
                            totals[day] = count
                        return totals
                    '''
                    daily_totals = load_module("daily", module_source).daily_totals
                """,
                "Did you assign each count to its day (`totals[day] = count`) instead of adding "
                "it to the day's total? Only the last row of each day survives.",
            ),
            WrongAnswer(
                """
                    module_source = '''
                    \"\"\"Daily aggregates of the hourly bike-share counts.\"\"\"


                    def daily_totals(days, counts):
                        \"\"\"Total count per day, as a dict {day: total}.

                        days: the day of each row (any order, any number of rows per day).
                        counts: the count of each row, aligned with `days`.
                        \"\"\"
                        totals = {}
                        for day, count in zip(days, counts):
                            totals[day] = totals.get(day, 0) + count
                        return totals


                    print(daily_totals([1, 1, 2], [3, 4, 5]))
                    '''
                    daily_totals = load_module("daily", module_source).daily_totals
                """,
                "Did you leave a demo call at the bottom of the module? It runs on every "
                '`import`. Delete it, or move it under `if __name__ == "__main__":`.',
            ),
            WrongAnswer(
                """
                    module_source = '''
                    def daily_totals(days, counts):
                        totals = {}
                        for day, count in zip(days, counts):
                            totals[day] = totals.get(day, 0) + count
                        return totals
                    '''
                    daily_totals = load_module("daily", module_source).daily_totals
                """,
                "Did you leave out the docstrings? The next person (you in a month) reads them "
                "first: one for the module, one for the function.",
            ),
        ],
    ),
    Exercise(
        id="02.04.2",
        title="A parametrised pytest file for the hour buckets",
        checks={
            "test_hour_bucket": TestSuite(correct=hour_bucket, bugs=_BUCKET_BUGS),
            "test_source": Document(kind="text", rules=_PARAMETRISED_RULES),
        },
        hints=[
            "Off-by-one bugs live at the edges of each range: test the first and the last hour "
            "of every bucket (0 and 5, 6 and 11, ...), one row of the parametrize table each.",
            "Add a second test, parametrised over hours just outside the day (-1 and 24), that "
            "expects the error: `with pytest.raises(ValueError): hour_bucket(hour)`.",
        ],
        solution="""
            test_source = '''
            import pytest
            from buckets import hour_bucket


            @pytest.mark.parametrize(
                "hour, expected",
                [(0, "night"), (5, "night"), (6, "morning"), (11, "morning"),
                 (12, "afternoon"), (17, "afternoon"), (18, "evening"), (23, "evening")],
            )
            def test_bucket_boundaries(hour, expected):
                assert hour_bucket(hour) == expected


            @pytest.mark.parametrize("hour", [-1, 24])
            def test_hours_outside_the_day_are_rejected(hour):
                with pytest.raises(ValueError):
                    hour_bucket(hour)
            '''
            test_hour_bucket = pytest_check(test_source, "buckets", "hour_bucket")
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    test_source = '''
                    import pytest
                    from buckets import hour_bucket

                    def test_hour_bucket():
                        assert hour_bucket(8) == 'morning'
                    '''
                    test_hour_bucket = pytest_check(test_source, "buckets", "hour_bucket")
                """,
                "Did you test one typical hour? Bugs sit at the edges: parametrise over the "
                "first and last hour of every bucket.",
            ),
            WrongAnswer(
                """
                    test_source = '''
                    import pytest
                    from buckets import hour_bucket


                    def test_bucket_boundaries():
                        for hour, expected in [(0, "night"), (5, "night"), (6, "morning"),
                                               (11, "morning"), (12, "afternoon"),
                                               (17, "afternoon"), (18, "evening"),
                                               (23, "evening")]:
                            assert hour_bucket(hour) == expected
                        for hour in [-1, 24]:
                            with pytest.raises(ValueError):
                                hour_bucket(hour)
                    '''
                    test_hour_bucket = pytest_check(test_source, "buckets", "hour_bucket")
                """,
                "Did you loop over the cases inside one test? It catches the bugs, but pytest "
                "reports one test, and the first failing case hides the ones after it. Move "
                "the table into `@pytest.mark.parametrize`: one reported test per case.",
            ),
            WrongAnswer(
                """
                    test_source = '''
                    import pytest
                    from buckets import hour_bucket

                    @pytest.mark.parametrize('hour, expected', [(0, 'night'), (6, 'morning'), (12, 'afternoon'), (18, 'evening')])
                    def test_bucket_starts(hour, expected):
                        assert hour_bucket(hour) == expected


                    @pytest.mark.parametrize("hour", [-1, 24])
                    def test_hours_outside_the_day_are_rejected(hour):
                        with pytest.raises(ValueError):
                            hour_bucket(hour)
                    '''
                    test_hour_bucket = pytest_check(test_source, "buckets", "hour_bucket")
                """,
                "Did you test only the first hour of each bucket? A bucket that ends an hour "
                "early (5 already morning) passes that; test the last hour of each bucket too.",
            ),
            WrongAnswer(
                """
                    test_source = '''
                    import pytest
                    from buckets import hour_bucket


                    @pytest.mark.parametrize(
                        "hour, expected",
                        [(0, "night"), (5, "night"), (6, "morning"), (11, "morning"),
                         (12, "afternoon"), (17, "afternoon"), (18, "evening"), (23, "evening")],
                    )
                    def test_bucket_boundaries(hour, expected):
                        assert hour_bucket(hour) == expected
                    '''
                    test_hour_bucket = pytest_check(test_source, "buckets", "hour_bucket")
                """,
                "Did you leave out the hours outside the day? `{name}` should also check that "
                "-1 and 24 raise ValueError, with `pytest.raises`.",
            ),
            WrongAnswer(
                """
                    test_source = '''
                    import pytest
                    from buckets import hour_bucket


                    @pytest.mark.parametrize(
                        "hour, expected",
                        [(0, "night"), (5, "night"), (6, "night"), (11, "morning"),
                         (12, "afternoon"), (17, "afternoon"), (18, "evening"), (23, "evening")],
                    )
                    def test_bucket_boundaries(hour, expected):
                        assert hour_bucket(hour) == expected


                    @pytest.mark.parametrize("hour", [-1, 24])
                    def test_hours_outside_the_day_are_rejected(hour):
                        with pytest.raises(ValueError):
                            hour_bucket(hour)
                    '''
                    test_hour_bucket = pytest_check(test_source, "buckets", "hour_bucket")
                """,
                "Did you put hour 6 in the night? The night is hours 0 to 5; a test that "
                "expects the wrong value fails on the correct code.",
            ),
        ],
    ),
    Exercise(
        id="02.04.3",
        title="A test that catches six planted bugs",
        checks={"test_moving_average": TestSuite(correct=moving_average, bugs=_AVERAGE_BUGS)},
        hints=[
            "Write one small case per promise of the docstring: a normal input (counts the "
            "windows), a window longer than the input, a NaN with values after it, a window "
            "of 0, and a check that the float array you passed in still holds its values.",
            "Use a small float NumPy array, not a list (a list is copied on the way in, so the "
            "in-place bug cannot touch it): check the values of every window, then the array "
            "itself after the call. For the NaN bugs, put the NaN first, with a window after "
            "it that does not contain it. For the error, `with pytest.raises(ValueError):`.",
        ],
        solution="""
            def test_moving_average(moving_average):
                values = np.array([2.0, 4.0, 6.0, 8.0])
                assert np.allclose(moving_average(values, 2), [3.0, 5.0, 7.0])
                assert np.array_equal(values, [2.0, 4.0, 6.0, 8.0])
                assert len(moving_average(values, 5)) == 0
                smoothed = moving_average(np.array([np.nan, 2.0, 4.0]), 2)
                assert np.isnan(smoothed[0]) and smoothed[1] == 3.0
                with pytest.raises(ValueError):
                    moving_average(values, window=0)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    def test_moving_average(moving_average):
                        values = np.array([2.0, 4.0, 6.0, 8.0])
                        assert np.allclose(moving_average(values, 2), [3.0, 5.0, 7.0])
                """,
                "Did you test only the happy path? One typical input catches the dropped "
                "window and nothing else: add a case for each edge the docstring promises.",
            ),
            WrongAnswer(
                """
                    def test_moving_average(moving_average):
                        values = [2.0, 4.0, 6.0, 8.0]
                        assert np.allclose(moving_average(values, 2), [3.0, 5.0, 7.0])
                        assert np.array_equal(values, [2.0, 4.0, 6.0, 8.0])
                        assert len(moving_average(values, 5)) == 0
                        smoothed = moving_average(np.array([np.nan, 2.0, 4.0]), 2)
                        assert np.isnan(smoothed[0]) and smoothed[1] == 3.0
                        with pytest.raises(ValueError):
                            moving_average(values, window=0)
                """,
                "Did you pass a list to test that the input is unchanged? `np.asarray` copies a "
                "list, so the in-place bug cannot touch it; pass a float NumPy array and "
                "compare it afterwards.",
            ),
            WrongAnswer(
                """
                    def test_moving_average(moving_average):
                        values = np.array([2.0, 4.0, 6.0, 8.0])
                        assert np.allclose(moving_average(values, 2), [3.0, 5.0, 7.0])
                        assert np.array_equal(values, [2.0, 4.0, 6.0, 8.0])
                        assert len(moving_average(values, 5)) == 0
                        smoothed = moving_average(np.array([2.0, np.nan]), 2)
                        assert np.isnan(smoothed[0])
                        with pytest.raises(ValueError):
                            moving_average(values, window=0)
                """,
                "Did your NaN case only have windows that contain the NaN? Put values after "
                "it, so that a NaN which leaks into later windows shows.",
            ),
        ],
        equivalent_mutants={
            "line 3: arguments 1 and 2 of `np.allclose` swapped": (
                "The two arrays differ by far more than the tolerance whenever they differ at "
                "all here, so the comparison gives the same verdict either way round."
            ),
            "line 4: arguments 1 and 2 of `np.array_equal` swapped": (
                "Equality is symmetric: `np.array_equal(a, b) == np.array_equal(b, a)`."
            ),
            "line 5: `5` -> `6`": (
                "Any window longer than the four values tests the same promise: the reference "
                "gives an empty array and the bug that raises still raises."
            ),
            "line 6: `np.array([np.nan, 2.0, 4.0])` -> `[np.nan, 2.0, 4.0]`": (
                "The implementations convert a list and an array alike (`np.asarray`), and "
                "this case does not test in-place changes, so the verdicts are the same."
            ),
        },
    ),
    Exercise(
        id="02.04.4",
        title="Property tests for a min-max scaler",
        checks={"test_minmax_properties": TestSuite(correct=minmax_scale, bugs=_MINMAX_BUGS)},
        hints=[
            "Draw many inputs from a seeded generator, with random lengths (1 included: a single "
            "value is constant) and random scales (`10.0 ** rng.uniform(-12, 6)`): some bugs "
            "show only on tiny ranges or one-element inputs.",
            "Three rules catch all five bugs, if you assert them exactly (`==`, not a "
            "tolerance): the input is unchanged after the call (keep a copy); the smallest "
            "output is 0 and the largest 1, unless the input is constant; and the outputs "
            "rank the same way as the inputs (look at `y` in the order `np.argsort(x)` gives).",
        ],
        solution="""
            def test_minmax_properties(minmax_scale):
                rng = np.random.default_rng(0)
                for _ in range(300):
                    x = rng.normal(size=rng.integers(1, 20)) * 10.0 ** rng.uniform(-12, 6)
                    before = x.copy()
                    y = minmax_scale(x)
                    assert np.array_equal(x, before)
                    assert y.min() == 0 and (y.max() == 1 or np.ptp(x) == 0)
                    assert np.all(np.diff(y[np.argsort(x)]) >= 0)
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    def test_minmax_properties(minmax_scale):
                        assert np.allclose(minmax_scale(np.array([1.0, 2.0, 3.0])), [0.0, 0.5, 1.0])
                """,
                "Did you test one example? It is sorted, has a range of 2 and more than one "
                "value, so every planted bug passes it; draw many random inputs and assert "
                "properties that hold for all of them.",
            ),
            WrongAnswer(
                """
                    def test_minmax_properties(minmax_scale):
                        rng = np.random.default_rng(0)
                        for _ in range(300):
                            x = rng.normal(size=rng.integers(1, 20))
                            before = x.copy()
                            y = minmax_scale(x)
                            assert np.array_equal(x, before)
                            assert np.isclose(y.min(), 0) and (np.isclose(y.max(), 1) or np.ptp(x) == 0)
                            assert np.all(np.diff(y[np.argsort(x)]) >= 0)
                """,
                "Did you draw inputs of one scale only and compare the ends with a tolerance? "
                "Adding 1e-9 to the range is invisible at scale 1; draw the scale too "
                "(`10.0 ** rng.uniform(-12, 6)`), or require the largest output to be exactly 1.",
            ),
            WrongAnswer(
                """
                    def test_minmax_properties(minmax_scale):
                        rng = np.random.default_rng(0)
                        for _ in range(300):
                            x = rng.normal(size=rng.integers(2, 20)) * 10.0 ** rng.uniform(-12, 6)
                            before = x.copy()
                            y = minmax_scale(x)
                            assert np.array_equal(x, before)
                            assert y.min() == 0 and (y.max() == 1 or np.ptp(x) == 0)
                            assert np.all(np.diff(y[np.argsort(x)]) >= 0)
                """,
                "Did you draw at least two values each time? A constant input, such as a "
                "single value, is where the division by zero hides: let the length be 1 too.",
            ),
            WrongAnswer(
                """
                    def test_minmax_properties(minmax_scale):
                        rng = np.random.default_rng(0)
                        for _ in range(300):
                            x = rng.normal(size=rng.integers(1, 20)) * 10.0 ** rng.uniform(-12, 6)
                            before = x.copy()
                            y = minmax_scale(x)
                            assert np.array_equal(x, before)
                            assert np.all((y >= 0) & (y <= 1))
                            assert y.min() == 0 and (y.max() == 1 or np.ptp(x) == 0)
                            assert np.allclose(minmax_scale(y), y)
                """,
                "Did you leave out the order? A scaler that returns its output sorted keeps "
                "every value in [0, 1] and is idempotent; check that the output is in the "
                "input's order.",
            ),
            WrongAnswer(
                """
                    def test_minmax_properties(minmax_scale):
                        rng = np.random.default_rng(0)
                        for _ in range(300):
                            x = rng.normal(size=rng.integers(1, 20)) * 10.0 ** rng.uniform(-12, 6)
                            before = x.copy()
                            y = minmax_scale(x)
                            assert y.min() == 0 and (y.max() == 1 or np.ptp(x) == 0)
                            assert np.all(np.diff(y[np.argsort(x)]) >= 0)
                """,
                "Did you check that the input is left as it was? Keep a copy "
                "(`before = x.copy()`) and compare it with `x` after the call: a scaler that "
                "works in place changes the caller's data.",
            ),
        ],
        # Variants of the property test that still pass on the reference and still fail on
        # each planted bug, so the check gives them the same verdict.
        equivalent_mutants={
            "line 2: `0` -> `1`": "another seed draws other inputs of the same kinds.",
            "line 3: `300` -> `301`": "one draw more changes nothing that 300 missed.",
            "line 3: `300` -> `299`": "the last draw is not the only one to catch a bug.",
            "line 4: `*` -> `/`": "dividing by a random scale varies the scale as much.",
            "line 4: `10.0 ** rng.uniform(-12, 6)` -> `10.0 * rng.uniform(-12, 6)`": (
                "scales between -120 and 60 still give ranges that the exact ends catch."
            ),
            "line 4: `10.0 ** rng.uniform(-12, 6)` -> `rng.uniform(-12, 6) ** 10.0`": (
                "this scale, too, varies over many orders of magnitude."
            ),
            "line 4: `10.0` -> `20.0`": "powers of 20 cover the scales as well.",
            "line 4: `10.0` -> `5.0`": "powers of 5 cover the scales as well.",
            "line 4: `6` -> `7`": "the scales reach one power of ten further.",
            "line 4: `6` -> `5`": "the scales stop one power of ten earlier.",
            "line 4: `20` -> `21`": "lengths up to 20 instead of 19.",
            "line 4: `20` -> `19`": "lengths up to 18 instead of 19.",
            "line 4: `12` -> `13`": "the scales reach one power of ten lower.",
            "line 4: `12` -> `11`": "the scales stop one power of ten higher.",
            "line 7: arguments 1 and 2 of `np.array_equal` swapped": "equality is symmetric.",
            "line 9: `np.diff(y[np.argsort(x)]) >= 0` -> `np.diff(y[np.argsort(x)]) > 0`": (
                "normal draws have no ties, so the reference's sorted outputs strictly increase too."
            ),
        },
    ),
    Exercise(
        id="02.04.5",
        title="A fixture that writes a data file",
        checks={
            "test_load_counts": TestSuite(correct=load_counts, bugs=_COUNTS_BUGS),
            "test_source": Document(kind="text", rules=_FIXTURE_RULES),
        },
        hints=[
            "Start from the `counts` fixture of section 3, but let it take `tmp_path` and write "
            "a file there, then return the file's path. Then make that file as awkward as the "
            "docstring allows: which column orders and line endings does it promise to handle?",
            "One small file can catch all three bugs: `bikers` in a column other than the "
            "second, and no line break after the last row. Compare the whole result with a "
            'list of ints. Keep the `r` of `r"""`: it passes a `\\n` you type in a string '
            "of the test file through as typed.",
        ],
        solution="""
            test_source = r\'\'\'
            import pytest
            from counts_io import load_counts


            @pytest.fixture
            def counts_file(tmp_path):
                \"\"\"Two hours of rentals: `bikers` last, no line break at the end.\"\"\"
                path = tmp_path / "hours.csv"
                path.write_text("day,hr,bikers\\n1,0,16\\n1,1,40")
                return path


            def test_reads_the_bikers_column_as_ints(counts_file):
                assert load_counts(counts_file) == [16, 40]
            \'\'\'
            test_load_counts = pytest_check(test_source, "counts_io", "load_counts")
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    test_source = r\'\'\'
                    from counts_io import load_counts


                    def test_reads_the_bikers_column_as_ints(tmp_path):
                        path = tmp_path / "hours.csv"
                        path.write_text("day,hr,bikers\\n1,0,16\\n1,1,40")
                        assert load_counts(path) == [16, 40]
                    \'\'\'
                    test_load_counts = pytest_check(test_source, "counts_io", "load_counts")
                """,
                "Did you write the file inside the test? It works for one test, and the next "
                "test that needs a file copies those lines. Move them into a fixture that "
                "returns the path, and let each test ask for it.",
            ),
            WrongAnswer(
                """
                    test_source = r\'\'\'
                    import tempfile
                    from pathlib import Path

                    import pytest
                    from counts_io import load_counts


                    @pytest.fixture
                    def counts_file():
                        path = Path(tempfile.gettempdir()) / "mlcourse-hours.csv"
                        path.write_text("day,hr,bikers\\n1,0,16\\n1,1,40")
                        return path


                    def test_reads_the_bikers_column_as_ints(counts_file):
                        assert load_counts(counts_file) == [16, 40]
                    \'\'\'
                    test_load_counts = pytest_check(test_source, "counts_io", "load_counts")
                """,
                "Did you write the file to a folder of your own choosing? Every test, and every "
                "run in parallel, then shares one file, and nothing removes it. Ask for "
                "`tmp_path`: a new folder per test, which pytest cleans up.",
            ),
            WrongAnswer(
                """
                    test_source = r\'\'\'
                    import pytest
                    from counts_io import load_counts


                    @pytest.fixture
                    def counts_file(tmp_path):
                        path = tmp_path / "hours.csv"
                        path.write_text("hr,bikers\\n0,16\\n1,40\\n")
                        return path


                    def test_reads_the_bikers_column_as_ints(counts_file):
                        assert load_counts(counts_file) == [16, 40]
                    \'\'\'
                    test_load_counts = pytest_check(test_source, "counts_io", "load_counts")
                """,
                "Did your file put `bikers` in the second column and end with a line break? "
                "That is the one layout on which reading by position and dropping the last "
                "line both look right. Write a file in a layout the docstring allows but a "
                "careless loader gets wrong.",
            ),
            WrongAnswer(
                """
                    test_source = r\'\'\'
                    import pytest
                    from counts_io import load_counts


                    @pytest.fixture
                    def counts_file(tmp_path):
                        path = tmp_path / "hours.csv"
                        path.write_text("day,hr,bikers\\n1,0,16\\n1,1,40")
                        return path


                    def test_reads_every_row(counts_file):
                        assert len(load_counts(counts_file)) == 2
                    \'\'\'
                    test_load_counts = pytest_check(test_source, "counts_io", "load_counts")
                """,
                "Did you check only how many counts come back? A loader that reads the wrong "
                "column, or returns strings, gives the right number of them. Compare the "
                "values themselves.",
            ),
        ],
    ),
]
