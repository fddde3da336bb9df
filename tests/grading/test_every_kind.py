"""The grader grades one exercise of every comparator kind, end to end, in real kernels.

A throwaway course (``modules/99-test/01_kinds.ipynb`` and its spec) is written under
``tmp_path`` and found through ``MLCOURSE_ROOT``, which the grading kernels inherit. Three
students: every answer right, every answer wrong, nothing done. The wrong student's feedback
must carry the words the notebook's own check gives for the same values.
"""

import csv
import time

import nbformat
import pytest

from mlcourse import notebook
from mlcourse.comparators import KINDS
from mlcourse.grading.grade import Limits, grade
from mlcourse.layout import ROOT_VARIABLE
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, NOT_GRADED

SPEC = '''
import numpy as np
from sklearn.datasets import make_classification

from mlcourse.exercise import (
    Calls, Close, DataclassFields, Document, Estimator, Exact, Exercise, Frame, Function, Model,
    Plot, Rule, SklearnEstimator, SqlQuery, TestSuite, WrongAnswer, Yields,
)

X, Y = make_classification(
    n_samples=200, n_features=4, n_informative=2, n_redundant=0, random_state=0
)
SPLITS = (X[:100], Y[:100], X[100:], Y[100:])


def median(values):
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def median_unsorted(values):
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def median_upper(values):
    return sorted(values)[len(values) // 2]


TRIPS = """
CREATE TABLE trips (id INTEGER, city TEXT, km REAL);
INSERT INTO trips VALUES (1, 'Oslo', 3.5), (2, 'Bergen', 12.0), (3, 'Oslo', 7.25), (4, 'Oslo', 1.0);
"""


def exercise(number, kind, checks, solution, wrong_answers=()):
    return Exercise(
        id=f"99.01.{number}", title=f"one {kind}", checks=checks, hints=["a hint"],
        solution=solution, wrong_answers=list(wrong_answers),
    )


EXERCISES = [
    exercise(1, "Close", {"m": Close()}, "m = x.mean()",
             [WrongAnswer("m = x.sum()", "Did you forget to divide by len(x)?")]),
    exercise(2, "Exact", {"n_big": Exact()}, "n_big = int((x > 1.5).sum())"),
    exercise(3, "Frame", {"by_city": Frame()},
             "by_city = sales.groupby('city', as_index=False)['units'].sum()"),
    exercise(4, "Function", {"double": Function(cases=[{"v": np.array([1.0, 2.0])}])},
             "def double(v):\\n    return 2 * v\\n",
             [WrongAnswer("def double(v):\\n    return v + 2\\n", "Did you add 2?")]),
    exercise(5, "Estimator", {"MeanRegressor": Estimator(X[:20], Y[:20].astype(float))},
             """
class MeanRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        self.mean_ = float(np.mean(y))
        return self

    def predict(self, X):
        check_is_fitted(self)
        return np.full(len(X), self.mean_)
"""),
    exercise(6, "Model", {"model": Model(SPLITS, at_least=0.8)},
             "model = make_pipeline(StandardScaler(), LogisticRegression())",
             [WrongAnswer("model = DummyClassifier()", "Did you submit a baseline?")]),
    exercise(7, "TestSuite",
             {"test_median": TestSuite(median, {"the values are not sorted": median_unsorted,
                                                "an even count takes the upper value": median_upper})},
             "def test_median(median):\\n    assert median([3, 1, 2]) == 2\\n"
             "    assert median([4, 1, 3, 2]) == 2.5\\n",
             [WrongAnswer("def test_median(median):\\n    assert median([3, 1, 2]) == 2\\n",
                          "Did you test only odd counts?")]),
    exercise(8, "SqlQuery", {"query": SqlQuery(TRIPS)},
             "query = \\"SELECT id, km FROM trips WHERE city = 'Oslo' AND km > 2\\""),
    exercise(9, "Document",
             {"dockerfile": Document("dockerfile", [
                 Rule("`{name}` should pin its base image.", lambda d: ":" in d[0][1]),
                 Rule("`{name}` should end with CMD.", lambda d: d[-1][0] == "CMD"),
             ])},
             "dockerfile = 'FROM python:3.11-slim\\\\nCOPY . .\\\\nCMD [\\"python\\", \\"app.py\\"]\\\\n'",
             [WrongAnswer("dockerfile = 'FROM python\\\\nCMD [\\"python\\"]\\\\n'",
                          "Did you leave the base image unpinned?")]),
    exercise(10, "Plot", {"ax": Plot()},
             "fig, ax = plt.subplots()\\nax.plot(x, x ** 2)\\n"
             "ax.set(title='squares', xlabel='x', ylabel='x squared')\\n"),
    exercise(11, "Yields", {"evens": Function(cases=[{"n": 3}, {"n": 0}], returns=Yields())},
             "def evens(n):\\n    for i in range(n):\\n        yield 2 * i\\n",
             [WrongAnswer("def evens(n):\\n    return [2 * i for i in range(n)]\\n",
                          "Did you build the whole list?")]),
    exercise(12, "Calls",
             {"parse": Calls(cases=[{"text": "12"}, {"text": "-1"}],
                             mentions=[[], ["expected", "'-1'"]])},
             """
def parse(text):
    if not text.isdigit():
        raise ValueError(f"expected digits, got {text!r}")
    return int(text)
""",
             [WrongAnswer("def parse(text):\\n    return int(text)\\n",
                          "Did you let int() decide?")]),
    exercise(13, "DataclassFields",
             {"Point": Calls(cases=[{"x": 1, "y": 2}], returns=DataclassFields())},
             "@dataclass(frozen=True)\\nclass Point:\\n    x: int\\n    y: int\\n"),
    exercise(14, "SklearnEstimator",
             {"LstsqRegressor": SklearnEstimator(X[:40], X[:40] @ [1.0, 2.0, 0.0, -1.0], X[40:45])},
             """
class LstsqRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        design = np.column_stack([np.ones(len(X)), X])
        self.coef_ = np.linalg.lstsq(design, y, rcond=None)[0]
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.coef_[0] + X @ self.coef_[1:]
"""),
]
'''

LESSON = """\
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from dataclasses import dataclass
from sklearn.utils.validation import check_is_fitted, validate_data

x = np.array([1.0, 2.0, 6.0])
sales = pd.DataFrame({"city": ["Oslo", "Bergen", "Oslo"], "units": [3, 5, 4]})
"""

STUBS = {
    1: "m = ...",
    2: "n_big = ...",
    3: "by_city = ...",
    4: "def double(v):\n    raise NotImplementedError('double every element')\n",
    5: (
        "class MeanRegressor(RegressorMixin, BaseEstimator):\n"
        "    def fit(self, X, y):\n        raise NotImplementedError('learn the mean of y')\n\n"
        "    def predict(self, X):\n        raise NotImplementedError('predict it for each row')\n"
    ),
    6: "model = ...",
    7: "def test_median(median):\n    raise NotImplementedError('write the test')\n",
    8: "query = ...",
    9: "dockerfile = ...",
    10: "ax = ...",
    11: "def evens(n):\n    raise NotImplementedError('yield 2 * i for each i below n')\n",
    12: "def parse(text):\n    raise NotImplementedError('read the count')\n",
    13: "class Point:\n    def __init__(self, x, y):\n        raise NotImplementedError('keep x and y')\n",
    14: (
        "class LstsqRegressor(RegressorMixin, BaseEstimator):\n"
        "    def fit(self, X, y):\n        raise NotImplementedError('solve least squares')\n\n"
        "    def predict(self, X):\n        raise NotImplementedError('predict each row')\n"
    ),
}

# Every answer wrong, the way learners get them wrong; some are recorded wrong answers.
WRONG = {
    1: "m = x.sum()",
    2: "n_big = 2.0",
    3: "by_city = sales.groupby('city')['units'].sum()",
    4: "def double(v):\n    return v + 2\n",
    5: (
        "class MeanRegressor(RegressorMixin, BaseEstimator):\n"
        "    def fit(self, X, y):\n        self.mean_ = float(np.mean(y))\n\n"
        "    def predict(self, X):\n        check_is_fitted(self)\n"
        "        return np.full(len(X), self.mean_)\n"
    ),
    6: "model = DummyClassifier(strategy='most_frequent')",
    7: "def test_median(median):\n    assert median([9, 7, 8]) == 8\n",
    8: "query = \"SELECT id, km FROM trips WHERE city = 'Oslo'\"",
    9: "dockerfile = 'FROM python\\nCMD [\"python\"]\\n'",
    10: "fig, ax = plt.subplots()\nax.plot(x, 2 * x)\n",
    11: "def evens(n):\n    return [2 * i for i in range(n)]\n",
    12: "def parse(text):\n    return abs(int(text))\n",
    13: "@dataclass\nclass Point:\n    x: int\n    y: int\n",
    14: (
        "class LstsqRegressor(RegressorMixin, BaseEstimator):\n"
        "    def fit(self, X, y):\n"
        "        self.coef_ = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y)[0]\n"
        "        return self\n\n"
        "    def predict(self, X):\n        check_is_fitted(self)\n"
        "        return self.coef_[0] + np.asarray(X) @ self.coef_[1:]\n"
    ),
}

# Fragments each wrong answer's reason must hold (beyond equality with the notebook's words).
WRONG_FRAGMENTS = {
    1: "Did you forget to divide by len(x)?",
    2: "should be of type int, got float",
    3: "Use `.to_frame()`",
    4: "Did you add 2?",
    5: "should `return self`",
    6: "Did you submit a baseline?",
    7: "Did you test only odd counts?",
    8: "the result of `query` should have 2 rows, got 3.",
    9: "Did you leave the base image unpinned?",
    10: "`ax line 0 data` differs",
    11: "Did you build the whole list?",
    12: "`parse(text='-1')` should raise ValueError, but it returned without an error.",
    13: "can be changed after it is created: it should be frozen.",
    14: "`LstsqRegressor` fails scikit-learn's `check_",
}
NOT_ATTEMPTED_FRAGMENTS = {1: "replace the `...`", 4: "still raises NotImplementedError"}
IDS = [f"99.01.{n}" for n in STUBS]
LIMITS = Limits(workers=2, cell_timeout=60, timeout=240, memory_mb=2048)
BUDGET_S = 120

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'


def write_course(root):
    folder = root / "modules" / "99-test"
    folder.mkdir(parents=True)
    (folder / "01_kinds_exercises.py").write_text(SPEC)
    cells = [
        nbformat.v4.new_code_cell(notebook.setup_source("99.01")),
        nbformat.v4.new_code_cell(LESSON),
    ]
    for number, stub in STUBS.items():
        answer = nbformat.v4.new_code_cell(stub)
        answer.metadata["tags"] = [f"exercise:99.01.{number}"]
        check = nbformat.v4.new_code_cell(f"ex.q{number}.check()")
        check.metadata["tags"] = [f"check:99.01.{number}"]
        cells += [answer, check]
    path = folder / "01_kinds.ipynb"
    notebook.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def in_process_reasons(exercises) -> dict[str, str]:
    """What the notebook's own check says to the wrong student, run here on the same code."""
    import matplotlib

    matplotlib.use("Agg")
    reasons = {}
    for exercise in exercises:
        namespace = {}
        exec(LESSON, namespace)  # noqa: S102 - the test's own lesson code
        exec(WRONG[exercise.number], namespace)  # noqa: S102 - the test's own wrong answers
        reasons[exercise.id] = exercise.verdict(namespace).reason
    return reasons


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ROOT_VARIABLE, str(root))
        assignment = write_course(root)
        from mlcourse.registry import load_exercises

        exercises = load_exercises("99.01")
        solutions = {e.id: e.solution for e in exercises}
        submissions = root / "submissions"
        submissions.mkdir()
        pristine = notebook.read(assignment)
        for student, answers in [
            ("correct", solutions),
            ("wrong", {f"99.01.{n}": code for n, code in WRONG.items()}),
            ("empty", {}),
        ]:
            notebook.write(
                notebook.with_answers(pristine, answers), submissions / f"{student}.ipynb"
            )
        started = time.monotonic()
        path, results = grade([assignment], submissions, root / "out", None, LIMITS)
        seconds = time.monotonic() - started
        expected_reasons = in_process_reasons(exercises)
    rows = {row["student"]: row for row in csv.DictReader(path.open())}
    by_student = {r.student: {e.exercise_id: e for e in r.exercises} for r in results}
    return exercises, rows, by_student, expected_reasons, seconds


def kinds_in(comparator) -> set[str]:
    """The comparator's kind and those nested in it as ``returns`` (Yields inside Function)."""
    inner = getattr(comparator, "returns", None)
    return {type(comparator).__name__} | (kinds_in(inner) if inner is not None else set())


def test_the_course_has_one_exercise_of_every_kind(graded):
    exercises = graded[0]
    kinds = set().union(*(kinds_in(c) for e in exercises for c in e.checks.values()))
    assert sorted(kinds) == sorted(kind.__name__ for kind in KINDS)


def test_every_kind_is_graded_for_every_student(graded):
    _, rows, by_student, _, seconds = graded
    assert sorted(rows) == ["correct", "empty", "wrong"]
    for student, results in by_student.items():
        assert [r.status for r in results.values() if r.status == NOT_GRADED] == [], student
        assert rows[student]["status"] == "graded", rows[student]
    assert seconds < BUDGET_S, f"grading took {seconds:.0f} s"


@pytest.mark.parametrize(
    "student, status, score",
    [("correct", CORRECT, "1"), ("wrong", INCORRECT, "0"), ("empty", NOT_ATTEMPTED, "0")],
)
def test_scores_and_statuses_per_exercise(graded, student, status, score):
    _, rows, by_student, _, _ = graded
    row = rows[student]
    assert [row[i] for i in IDS] == [score] * len(IDS), row
    statuses = {i: (r.status, r.reason) for i, r in by_student[student].items()}
    assert {i: s for i, (s, _) in statuses.items()} == dict.fromkeys(IDS, status), statuses
    assert row["total"] == str(len(IDS) if status == CORRECT else 0)


def test_the_wrong_students_feedback_is_the_notebooks_words(graded):
    _, _, by_student, expected_reasons, _ = graded
    for exercise_id, result in by_student["wrong"].items():
        number = int(exercise_id.rsplit(".", 1)[1])
        assert WRONG_FRAGMENTS[number] in result.reason, (exercise_id, result.reason)
        assert result.reason == expected_reasons[exercise_id], exercise_id


def test_the_empty_students_feedback_says_what_to_do(graded):
    _, _, by_student, _, _ = graded
    for number, fragment in NOT_ATTEMPTED_FRAGMENTS.items():
        assert fragment in by_student["empty"][f"99.01.{number}"].reason
