"""Grade a synthetic cohort end to end: every gradebook cell, every status, time bounds."""

import csv
import subprocess
import sys
import time

import pytest

from mlcourse.grading.grade import Limits, grade
from tests.grading.cohort import COHORT, IDS, NOTEBOOK, write_cohort

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

LIMITS = Limits(workers=2, cell_timeout=10, timeout=120, memory_mb=1024)
BUDGET_S = 150


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cohort")
    submissions = write_cohort(folder / "submissions")
    started = time.monotonic()
    path, _ = grade([NOTEBOOK], submissions, folder / "out", None, LIMITS)
    seconds = time.monotonic() - started
    rows = {row["student"]: row for row in csv.DictReader(path.open())}
    return folder, rows, seconds


def test_the_cohort_is_graded_within_its_time_bound(graded):
    _, rows, seconds = graded
    assert sorted(rows) == sorted(COHORT)
    assert seconds < BUDGET_S, f"grading took {seconds:.0f} s"


@pytest.mark.parametrize("student", sorted(COHORT))
def test_every_score_of_every_student(graded, student):
    _, rows, _ = graded
    row = rows[student]
    expected = COHORT[student][2]
    assert [row[i] for i in IDS] == [str(s) for s in expected], row
    assert row["total"] == str(sum(expected)) and row["max"] == "6"
    assert row["percent"] == f"{100 * sum(expected) / 6:.1f}"


def test_statuses(graded):
    _, rows, _ = graded
    statuses = {student: row["status"] for student, row in rows.items()}
    assert statuses.pop("corrupt_json") == "not gradable"
    assert "not valid notebook JSON" in rows["corrupt_json"]["detail"]
    assert set(statuses.values()) == {"graded"}


def test_tampering_never_raises_a_score(graded):
    _, rows, _ = graded
    for student in ("tamper_checks", "tamper_display", "tamper_capture"):
        earned = sum(COHORT[student][2])
        assert float(rows[student]["total"]) <= earned


def test_feedback_explains_each_outcome(graded):
    folder, _, _ = graded
    feedback = {p.stem: p.read_text() for p in (folder / "out" / "feedback").glob("*.md")}
    assert sorted(feedback) == sorted(COHORT)
    assert "Did you multiply in reading order?" in feedback["partial"]
    assert "your answer cell failed: NameError" in feedback["partial"]
    assert "· not attempted" in feedback["empty"]
    assert "is a markdown cell" in feedback["damaged_cells"]
    assert "no cell tagged exercise:01.01.2" in feedback["damaged_cells"]
    assert "the last one was graded" in feedback["damaged_cells"]
    assert "your answer cell timed out (limit 10 s)" in feedback["runaway"]
    assert "your answer cell ran out of memory (limit 1024 MB)" in feedback["runaway"]
    assert "printed 2 MB of output" in feedback["runaway"]
    assert "SystemExit" in feedback["exits"]
    assert feedback["exits"].count("your answer cell ended the kernel") == 2
    assert "✓ correct" not in feedback["tamper_display"]


def test_the_log_names_every_problem(graded):
    folder, _, _ = graded
    log = (folder / "out" / "grading.log").read_text()
    assert "corrupt_json: 01_vectors_matrices.ipynb: not gradable" in log
    assert "runaway: 01.01.2: incorrect: your answer cell timed out" in log
    assert "exits: 01.01.4: incorrect: your answer cell ended the kernel" in log


def test_regrading_gives_the_same_bytes_and_the_command_line_works(graded, tmp_path):
    folder, _, _ = graded
    submissions = write_cohort(tmp_path / "some", students={"correct", "partial", "corrupt_json"})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "mlcourse", "grade", str(NOTEBOOK), "--submissions"]
    command += [str(submissions), "--out", str(out), "--cell-timeout", "10", "--memory-mb", "1024"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    first = (folder / "out" / "gradebook.csv").read_text().splitlines()
    again = (out / "gradebook.csv").read_text().splitlines()
    assert again[0] == first[0]
    assert set(again[1:]) <= set(first[1:]) and len(again) == 4
