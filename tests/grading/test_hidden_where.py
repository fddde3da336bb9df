"""Hidden checks: the grading process imports the instructor's files (once, before any kernel),
but the student's code runs on the hidden cases only inside the sandboxed kernel, and a
submission cannot change the files the grading process imports."""

import csv
import os

import pytest

from mlcourse import notebook
from mlcourse.grading.grade import Limits, grade
from tests.grading.cohort import IDS, NOTEBOOK, Q1, SOLUTION

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

# Each import of the hidden file appends the importing process's id to IMPORTS, where it can:
# the grading process and the (unsandboxed, trusted) reference run can; a sandboxed kernel
# cannot see that path at all.
HIDDEN = """
import os
import numpy as np
from mlcourse.exercise import Function

try:
    with open({imports!r}, "a") as log:
        log.write(f"{{os.getpid()}}\\n")
except OSError:
    pass

HIDDEN_CHECKS = {{"01.01.1": {{"l2_norm": Function(cases=[{{"v": np.array([-3.0, -4.0])}}])}}}}
"""
# rewrites every hidden file it can see, then answers correctly
REWRITER = """
import pathlib
for path in pathlib.Path("/grading/hidden").glob("*.py"):
    try:
        path.write_text("HIDDEN_CHECKS = {}\\n")
    except OSError:
        pass
"""
# a right answer that tries to leave a mark where the grading process would see it
MARKER = """
def l2_norm(v):
    try:
        open({marker!r}, "w").write("called outside the sandbox")
    except OSError:
        pass
    return float(np.sqrt(np.sum(v**2)))
"""


def test_hidden_checks_run_the_students_code_only_in_the_sandbox(tmp_path):
    imports, marker = tmp_path / "imports.txt", tmp_path / "called.txt"
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    spec = hidden / "01_vectors_matrices_hidden.py"
    spec.write_text(HIDDEN.format(imports=str(imports)))
    original = spec.read_bytes()
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    answers = {
        "rewriter": {Q1: REWRITER + SOLUTION[Q1]},
        "marker": {Q1: MARKER.format(marker=str(marker))},
    }
    for student, given in answers.items():
        nb = notebook.with_answers(notebook.read(NOTEBOOK), given)
        notebook.write(nb, submissions / f"{student}.ipynb")
    out = tmp_path / "out"
    path, _ = grade([NOTEBOOK], submissions, out, hidden, Limits(2, 60, 300, 1024))
    rows = {row["student"]: row for row in csv.DictReader(path.open())}
    # both answers are right on the public and the hidden case: the student's function ran on
    # the hidden case somewhere, and its results reached the grader
    assert [rows[s][IDS[0]] for s in ("marker", "rewriter")] == ["1", "1"]
    for student in answers:
        feedback = (out / "feedback" / f"{student}.md").read_text()
        assert "public checks passed; hidden checks passed" in feedback
    # ...but never in the grading process: the mark it tried to leave is not there
    assert not marker.exists()
    # the instructor's file is unchanged; the copy the kernels saw was read-only
    assert spec.read_bytes() == original
    # imported by the grading process once, first (before any kernel), then by the reference
    # run's kernel (once per capture cell); the two sandboxed kernels could not reach the log
    pids = imports.read_text().split()
    assert pids[0] == str(os.getpid()) and pids.count(pids[0]) == 1
    assert len(set(pids[1:])) == 1 and len(pids) == 1 + len(IDS)
