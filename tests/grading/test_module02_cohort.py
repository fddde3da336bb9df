"""Grade 02_oop_for_ml.ipynb end to end: a correct, a partial and an empty submission.

The notebook's checks run scikit-learn's own estimator checks inside the grading kernel (a
comparator of the notebook's spec), fit a grid search over a pipeline (``GridSearchModel``, a ``Model``) and call a
function (``Function``); this proves each of them gradable by ``mlcourse grade`` and that the
gradebook gives the notebook's own words for a recorded wrong answer.
"""

import csv
import time

import pytest

from mlcourse import notebook
from mlcourse.grading.grade import Limits, grade
from mlcourse.registry import load_exercises
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

NOTEBOOK = ROOT / "modules" / "02-programming" / "02_oop_for_ml.ipynb"
EXERCISES = load_exercises("02.02")
IDS = [e.id for e in EXERCISES]
Q1, Q2, Q3, Q4 = EXERCISES
LEAKY_CLIPPER = Q2.wrong_answers[0]  # quantiles computed in transform: a leak from the batch
UNTUNED = Q3.wrong_answers[2]  # the default alpha, no search

# student -> (answers by exercise id, expected score per exercise)
COHORT = {
    "correct": ({e.id: e.solution for e in EXERCISES}, [1, 1, 1, 1]),
    "partial": (
        {Q1.id: Q1.solution, Q2.id: LEAKY_CLIPPER.code, Q3.id: UNTUNED.code, Q4.id: Q4.solution},
        [1, 0, 0, 1],
    ),
    "empty": ({}, [0, 0, 0, 0]),
}
LIMITS = Limits(workers=2, cell_timeout=60, timeout=120, memory_mb=2048)
BUDGET_S = 90  # measured: 20-45 s on 2 shared cores


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("module02")
    submissions = folder / "submissions"
    submissions.mkdir()
    for student, (answers, _) in COHORT.items():
        filled = notebook.with_answers(notebook.read(NOTEBOOK), answers)
        notebook.write(filled, submissions / f"{student}.ipynb")
    started = time.monotonic()
    path, _ = grade([NOTEBOOK], submissions, folder / "out", None, LIMITS)
    seconds = time.monotonic() - started
    rows = {row["student"]: row for row in csv.DictReader(path.open())}
    return folder, rows, seconds


def test_every_student_is_graded_within_the_time_bound(graded):
    _, rows, seconds = graded
    assert sorted(rows) == sorted(COHORT)
    assert {row["status"] for row in rows.values()} == {"graded"}
    assert seconds < BUDGET_S, f"grading took {seconds:.0f} s"


@pytest.mark.parametrize("student", sorted(COHORT))
def test_the_score_of_every_exercise(graded, student):
    _, rows, _ = graded
    row, expected = rows[student], COHORT[student][1]
    assert [row[i] for i in IDS] == [str(s) for s in expected], row
    assert row["total"] == str(sum(expected)) and row["max"] == str(len(IDS))


def test_feedback_gives_the_notebooks_words(graded):
    folder, _, _ = graded
    feedback = {p.stem: p.read_text() for p in (folder / "out" / "feedback").glob("*.md")}
    partial = feedback["partial"]
    name = "QuantileClipper"
    assert "fails scikit-learn's `check_methods_subset_invariance`" in partial
    assert LEAKY_CLIPPER.message.format(name=name) in partial  # the recorded wrong answer's words
    assert (
        "`search` should be a GridSearchCV that tries every value of `alphas`, got Pipeline."
        in partial
    )
    assert UNTUNED.message.format(name="search") in partial
    assert partial.count("✓ correct") == 2
    assert feedback["empty"].count("· not attempted") == len(IDS)
    assert "still raises NotImplementedError" in feedback["empty"]
