"""A notebook that runs past its time limit is partially graded; hidden checks count apart."""

import csv

import pytest

from mlcourse.grading.grade import Limits, grade
from tests.grading.cohort import IDS, NOTEBOOK, Q1, Q2, SOLUTION, write_cohort

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

HIDDEN = """
import numpy as np
from mlcourse.exercise import Close, Function

HIDDEN_CHECKS = {
    "01.01.1": {"l2_norm": Function(cases=[{"v": np.array([-1.0, -1.0, -1.0, -1.0])}])},
    "01.01.2": {"cosine_similarity": Function(cases=[{"u": np.array([2.0, 0.0]), "v": np.array([0.0, -5.0])}])},
}
"""
# passes every public case of 01.01.1 but not the hidden one (all entries negative)
HALF_RIGHT = "def l2_norm(v):\n    return float(np.sqrt(np.sum(v**2))) if (v >= 0).any() else 0.0\n"


def test_hidden_checks_and_a_notebook_timeout(tmp_path):
    from mlcourse import notebook

    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "01_vectors_matrices_hidden.py").write_text(HIDDEN)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    slow = {Q1: SOLUTION[Q1], Q2: "import time\ntime.sleep(60)\n"}
    notebook.write(notebook.with_answers(notebook.read(NOTEBOOK), slow), submissions / "slow.ipynb")
    half = {Q1: HALF_RIGHT, Q2: SOLUTION[Q2]}
    notebook.write(notebook.with_answers(notebook.read(NOTEBOOK), half), submissions / "half.ipynb")
    write_cohort(submissions, students={"correct"})
    out = tmp_path / "out"
    path, _ = grade([NOTEBOOK], submissions, out, hidden, Limits(2, 60, 15, 1024))
    rows = {row["student"]: row for row in csv.DictReader(path.open())}
    # 01.01.1 and 01.01.2 have hidden checks: half a point each for public and hidden
    assert [rows["correct"][i] for i in IDS] == ["1", "1", "1", "1", "1", "1"]
    assert [rows["half"][i] for i in IDS] == ["0.5", "1", "0", "0", "0", "0"]
    assert rows["half"]["total"] == "1.5" and rows["half"]["percent"] == "25.0"
    assert rows["slow"]["status"] == "partially graded"
    assert rows["slow"]["detail"].startswith("not graded: 01.01.2, 01.01.3")
    assert rows["slow"][Q1] == "1"
    feedback = (out / "feedback" / "half.md").read_text()
    assert "public checks passed; hidden checks failed (0.5 of 1)" in feedback
    assert "all passed" not in feedback and "-1." not in feedback  # hidden cases stay hidden
    assert "half: 01.01.1: hidden checks failed" in (out / "grading.log").read_text()
