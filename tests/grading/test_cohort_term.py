"""A week of a term, end to end through the command line, with real kernels in the sandbox.

The worked week of docs/instructor.md: a roster of 6; a Canvas-style bulk download (.zip) of 5
submissions (one late, one late but extended, one whose tags another editor stripped) collected
into the submissions layout; graded with a due date, a late penalty and extensions; a manual
grade merged; the late student's resubmission collected, regraded alone and merged; exported for
Canvas and as id,score. The mapping, the running gradebook after every step, the latest run's
gradebook, every feedback file, both summaries and both exports are asserted in full.
"""

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from mlcourse import notebook
from mlcourse.cli import main
from mlcourse.grading.export import POINTS_POSSIBLE
from tests.grading.cohort import EXERCISES, IDS, NOTEBOOK, Q1, Q2, Q3, Q4, Q5, solved

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

WRONG_ORDER = EXERCISES[3].wrong_answers[0].code  # 01.01.4's recorded wrong answer 1
ROSTER = """id,name,email,lms_id,section
s01,Ada Lovelace,ada@example.org,101,A
s02,Bob Stone,bob@example.org,102,A
s03,Cy Young,cy@example.org,103,B
s04,Dee Kim,dee@example.org,104,B
s05,Eve Park,eve@example.org,105,A
s06,Fay Moss,fay@example.org,106,B
"""
DUE = "2025-03-07T23:00:00Z"
# Canvas download name -> (answers, submitted at (UTC), strip the tags?)
DOWNLOAD = {
    "lovelaceada_101_5001_01_vectors_matrices.ipynb": (solved(*IDS), "2025-03-07T20:00", False),
    "stonebob_102_5002_01_vectors_matrices.ipynb": (
        {**solved(Q1, Q2, Q3), Q4: WRONG_ORDER, Q5: "w_normal = oops @ y_diab\n"},
        "2025-03-07T22:59",
        False,
    ),
    "youngcy_LATE_103_5003_01_vectors_matrices.ipynb": (
        {**solved(Q1, Q2, Q3), Q4: WRONG_ORDER},
        "2025-03-09T05:00",  # 30 h late: two started days at 10%
        False,
    ),
    "kimdee_LATE_104_5004_my_copy.ipynb": (
        solved(Q1, Q2, Q3, Q4, Q5),
        "2025-03-09T05:00",  # 30 h late, but s04 has two extra days
        False,
    ),
    "parkeve_105_5005_01_vectors_matrices.ipynb": (solved(*IDS), "2025-03-06T10:00", True),
}
RESUBMISSION = ("youngcy_LATE_103_5006_01_vectors_matrices.ipynb", solved(Q1, Q2, Q3, Q4))
RESUBMITTED_AT = "2025-03-10T01:00"  # 50 h late: three started days


def _download(archive: Path, files: dict) -> Path:
    """A Canvas-style bulk download: one .zip, entries named by student, times as stored."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as download:
        for name, (answers, when, strip) in files.items():
            nb = notebook.with_answers(notebook.read(NOTEBOOK), answers)
            if strip:
                for cell in nb.cells:
                    cell.metadata.pop("tags", None)
            stamp = datetime.fromisoformat(when).timetuple()[:6]
            download.writestr(zipfile.ZipInfo(name, stamp), notebook.nbformat.writes(nb))
    return archive


GRADE = ["grade", str(NOTEBOOK), "--cell-timeout", "30", "--memory-mb", "1024", "--workers", "2"]
OVERRIDES = (
    "student,exercise,points,comment,by,at\n"
    "s02,01.01.5,1,free-text derivation accepted on appeal,ann,2025-03-09T08:00:00Z\n"
)


def run_week(root: Path) -> dict:
    """The worked week of docs/instructor.md through the command line; what each step left."""
    roster = root / "roster.csv"
    roster.write_text(ROSTER)
    (root / "extensions.csv").write_text("id,days\ns04,2\n")
    (root / "overrides.csv").write_text(OVERRIDES)
    out = root / "graded"
    steps = {}
    # collect the LMS download
    download = _download(root / "submissions.zip", DOWNLOAD)
    collect = ["collect", str(download), "--roster", str(roster)]
    assert main([*collect, "--out", str(root / "week1")]) == 0
    steps["mapping"] = (root / "week1" / "mapping.csv").read_text()
    # grade the week
    late = ["--due", DUE, "--late-penalty", "10%/day", "--extensions", str(root / "extensions.csv")]
    command = [*GRADE, "--submissions", str(root / "week1"), "--out", str(out)]
    assert main([*command, "--roster", str(roster), *late]) == 0
    steps["graded"] = (out / "course_gradebook.csv").read_text()
    steps["summary"] = (out / "01_vectors_matrices" / "summary.md").read_text()
    steps["log"] = (out / "grading.log").read_text()
    # manual grades, no kernel
    overrides = ["--overrides", str(root / "overrides.csv")]
    assert main(["grade", str(NOTEBOOK), "--out", str(out), *overrides]) == 0
    steps["overridden"] = (out / "course_gradebook.csv").read_text()
    # the late student resubmits: collect it, regrade only them
    name, answers = RESUBMISSION
    again = _download(root / "resubmission.zip", {name: (answers, RESUBMITTED_AT, False)})
    assert main(["collect", str(again), "--roster", str(roster), "--out", str(root / "s03")]) == 0
    regrade = [*GRADE, "--submissions", str(root / "s03"), "--out", str(out), "--student", "s03"]
    assert main(regrade) == 0
    steps["regraded"] = (out / "course_gradebook.csv").read_text()
    steps["regrade log"] = (out / "grading.log").read_text()
    steps["wide"] = (out / "gradebook.csv").read_text()
    steps["final summary"] = (out / "01_vectors_matrices" / "summary.md").read_text()
    steps["feedback"] = {p.stem: p.read_text() for p in (out / "feedback").glob("*.md")}
    steps["history"] = sorted(p.name for p in (out / "01_vectors_matrices" / "history").iterdir())
    # export
    canvas, plain = root / "canvas.csv", root / "scores.csv"
    names = ["--name", "01.01=Week 1: vectors (4312)"]
    assert main(["export", "--out", str(out), "--lms", "canvas", "--to", str(canvas), *names]) == 0
    assert main(["export", "--out", str(out), "--lms", "plain", "--to", str(plain)]) == 0
    steps["canvas"] = canvas.read_text()
    steps["plain"] = plain.read_text()
    steps["out"] = out
    return steps


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    return run_week(tmp_path_factory.mktemp("term"))


# Every file the week writes, cell by cell. `{run1}` and `{run2}` stand for the two grading
# runs' times (checked apart: one per run, UTC, the regrade's later).

MAPPING = """\
student_id,name,file,original,submitted_at,lms_late,matched_by
s01,Ada Lovelace,s01/01_vectors_matrices.ipynb,lovelaceada_101_5001_01_vectors_matrices.ipynb,2025-03-07T20:00:00Z,,lms_id
s02,Bob Stone,s02/01_vectors_matrices.ipynb,stonebob_102_5002_01_vectors_matrices.ipynb,2025-03-07T22:59:00Z,,lms_id
s03,Cy Young,s03/01_vectors_matrices.ipynb,youngcy_LATE_103_5003_01_vectors_matrices.ipynb,2025-03-09T05:00:00Z,yes,lms_id
s04,Dee Kim,s04/my_copy.ipynb,kimdee_LATE_104_5004_my_copy.ipynb,2025-03-09T05:00:00Z,yes,lms_id
s05,Eve Park,s05/01_vectors_matrices.ipynb,parkeve_105_5005_01_vectors_matrices.ipynb,2025-03-06T10:00:00Z,,lms_id
"""


GRADED = """\
student_id,name,assignment,exercise,points,max_points,status,late_hours,penalty_percent,graded_at,source,wrong_answer,override,detail
s01,Ada Lovelace,01.01,01.01.1,1,1,correct,,,{run1},s01/01_vectors_matrices.ipynb,,,
s01,Ada Lovelace,01.01,01.01.2,1,1,correct,,,{run1},s01/01_vectors_matrices.ipynb,,,
s01,Ada Lovelace,01.01,01.01.3,1,1,correct,,,{run1},s01/01_vectors_matrices.ipynb,,,
s01,Ada Lovelace,01.01,01.01.4,1,1,correct,,,{run1},s01/01_vectors_matrices.ipynb,,,
s01,Ada Lovelace,01.01,01.01.5,1,1,correct,,,{run1},s01/01_vectors_matrices.ipynb,,,
s01,Ada Lovelace,01.01,01.01.6,1,1,correct,,,{run1},s01/01_vectors_matrices.ipynb,,,
s01,Ada Lovelace,01.01,total,6,6,graded,,,{run1},s01/01_vectors_matrices.ipynb,,,
s02,Bob Stone,01.01,01.01.1,1,1,correct,,,{run1},s02/01_vectors_matrices.ipynb,,,
s02,Bob Stone,01.01,01.01.2,1,1,correct,,,{run1},s02/01_vectors_matrices.ipynb,,,
s02,Bob Stone,01.01,01.01.3,1,1,correct,,,{run1},s02/01_vectors_matrices.ipynb,,,
s02,Bob Stone,01.01,01.01.4,0,1,incorrect,,,{run1},s02/01_vectors_matrices.ipynb,1,,
s02,Bob Stone,01.01,01.01.5,0,1,incorrect,,,{run1},s02/01_vectors_matrices.ipynb,,,
s02,Bob Stone,01.01,01.01.6,0,1,not attempted,,,{run1},s02/01_vectors_matrices.ipynb,,,
s02,Bob Stone,01.01,total,3,6,graded,,,{run1},s02/01_vectors_matrices.ipynb,,,
s03,Cy Young,01.01,01.01.1,1,1,correct,30,,{run1},s03/01_vectors_matrices.ipynb,,,
s03,Cy Young,01.01,01.01.2,1,1,correct,30,,{run1},s03/01_vectors_matrices.ipynb,,,
s03,Cy Young,01.01,01.01.3,1,1,correct,30,,{run1},s03/01_vectors_matrices.ipynb,,,
s03,Cy Young,01.01,01.01.4,0,1,incorrect,30,,{run1},s03/01_vectors_matrices.ipynb,1,,
s03,Cy Young,01.01,01.01.5,0,1,not attempted,30,,{run1},s03/01_vectors_matrices.ipynb,,,
s03,Cy Young,01.01,01.01.6,0,1,not attempted,30,,{run1},s03/01_vectors_matrices.ipynb,,,
s03,Cy Young,01.01,total,2.4,6,graded,30,20,{run1},s03/01_vectors_matrices.ipynb,,,submitted 30 h after the due date (2025-03-07T23:00:00Z): -20%
s04,Dee Kim,01.01,01.01.1,1,1,correct,,,{run1},s04/my_copy.ipynb,,,
s04,Dee Kim,01.01,01.01.2,1,1,correct,,,{run1},s04/my_copy.ipynb,,,
s04,Dee Kim,01.01,01.01.3,1,1,correct,,,{run1},s04/my_copy.ipynb,,,
s04,Dee Kim,01.01,01.01.4,1,1,correct,,,{run1},s04/my_copy.ipynb,,,
s04,Dee Kim,01.01,01.01.5,1,1,correct,,,{run1},s04/my_copy.ipynb,,,
s04,Dee Kim,01.01,01.01.6,0,1,not attempted,,,{run1},s04/my_copy.ipynb,,,
s04,Dee Kim,01.01,total,5,6,graded,,,{run1},s04/my_copy.ipynb,,,
s05,Eve Park,01.01,01.01.1,1,1,correct,,,{run1},s05/01_vectors_matrices.ipynb,,,
s05,Eve Park,01.01,01.01.2,1,1,correct,,,{run1},s05/01_vectors_matrices.ipynb,,,
s05,Eve Park,01.01,01.01.3,1,1,correct,,,{run1},s05/01_vectors_matrices.ipynb,,,
s05,Eve Park,01.01,01.01.4,1,1,correct,,,{run1},s05/01_vectors_matrices.ipynb,,,
s05,Eve Park,01.01,01.01.5,1,1,correct,,,{run1},s05/01_vectors_matrices.ipynb,,,
s05,Eve Park,01.01,01.01.6,1,1,correct,,,{run1},s05/01_vectors_matrices.ipynb,,,
s05,Eve Park,01.01,total,6,6,graded,,,{run1},s05/01_vectors_matrices.ipynb,,,
s06,Fay Moss,01.01,total,0,6,missing,,,,,,,
"""


SUMMARY = """\
# Summary: 01_vectors_matrices.ipynb (01.01)

6 student(s): 5 submitted, 1 missing, 1 late, 0 to grade by hand.
Scores of those who submitted (of 6 points, after late penalties and manual grades): mean 4.48, median 5, lowest 2.4, highest 6.
Missing: s06.
Late: s03.

![score distribution](scores.png)

## Per exercise

| exercise | title | points | correct | incorrect | not attempted | other | mean points |
|---|---|---|---|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | 1 | 5 | 0 | 0 | 0 | 1 |
| 01.01.2 | A similarity that ignores scale | 1 | 5 | 0 | 0 | 0 | 1 |
| 01.01.3 | Similarity search without a loop | 1 | 5 | 0 | 0 | 0 | 1 |
| 01.01.4 | Composing linear maps: order matters | 1 | 3 | 2 | 0 | 0 | 0.6 |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | 1 | 3 | 1 | 1 | 0 | 0.6 |
| 01.01.6 | A known-answer test: how many digits survive? | 1 | 2 | 0 | 3 | 0 | 0.4 |

## Recorded wrong answers matched

| exercise | wrong answer | students | message | who |
|---|---|---|---|---|
| 01.01.4 | 1 | 2 | Did you multiply in reading order? `R @ S` stretches first and rotates second; the matrix applied first stands on the right. | s02, s03 |

## Identical incorrect answers

### 01.01.4: 2 students (s02, s03); matches recorded wrong answer 1

```python
M = R @ S
```

Reason given: `M` differs in 2 of 4 elements, first at index (0, 1): got -0.5, off by 0.5 (allowed tolerance rtol=1e-06, atol=1e-09). Did you multiply in reading order? `R @ S` stretches first and rotates second; the matrix applied first stands on the right.
"""


FINAL_SUMMARY = """\
# Summary: 01_vectors_matrices.ipynb (01.01)

6 student(s): 5 submitted, 1 missing, 1 late, 0 to grade by hand.
Scores of those who submitted (of 6 points, after late penalties and manual grades): mean 4.76, median 5, lowest 2.8, highest 6.
Missing: s06.
Late: s03.

![score distribution](scores.png)

## Per exercise

| exercise | title | points | correct | incorrect | not attempted | other | mean points |
|---|---|---|---|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | 1 | 5 | 0 | 0 | 0 | 1 |
| 01.01.2 | A similarity that ignores scale | 1 | 5 | 0 | 0 | 0 | 1 |
| 01.01.3 | Similarity search without a loop | 1 | 5 | 0 | 0 | 0 | 1 |
| 01.01.4 | Composing linear maps: order matters | 1 | 4 | 1 | 0 | 0 | 0.8 |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | 1 | 3 | 1 | 1 | 0 | 0.8 |
| 01.01.6 | A known-answer test: how many digits survive? | 1 | 2 | 0 | 3 | 0 | 0.4 |

## Recorded wrong answers matched

| exercise | wrong answer | students | message | who |
|---|---|---|---|---|
| 01.01.4 | 1 | 1 | Did you multiply in reading order? `R @ S` stretches first and rotates second; the matrix applied first stands on the right. | s02 |

## Identical incorrect answers

No two incorrect answers were the same.
"""


WIDE = """\
student,name,01.01.1,01.01.2,01.01.3,01.01.4,01.01.5,01.01.6,total,max,percent,status,late_hours,detail
s01,Ada Lovelace,1,1,1,1,1,1,6,6,100.0,graded,,
s02,Bob Stone,1,1,1,0,1,0,4,6,66.7,graded,,
s03,Cy Young,1,1,1,1,0,0,2.8,6,46.7,graded,50,submitted 50 h after the due date (2025-03-07T23:00:00Z): -30%
s04,Dee Kim,1,1,1,1,1,0,5,6,83.3,graded,,
s05,Eve Park,1,1,1,1,1,1,6,6,100.0,graded,,
s06,Fay Moss,0,0,0,0,0,0,0,6,0.0,missing,,
"""


FEEDBACK = {
    "s01": """\
# Feedback for Ada Lovelace (s01)

## 01_vectors_matrices.ipynb (01.01)

**Score: 6 of 6** — graded

| exercise | title | result | details |
|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | ✓ correct |  |
| 01.01.2 | A similarity that ignores scale | ✓ correct |  |
| 01.01.3 | Similarity search without a loop | ✓ correct |  |
| 01.01.4 | Composing linear maps: order matters | ✓ correct |  |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | ✓ correct |  |
| 01.01.6 | A known-answer test: how many digits survive? | ✓ correct |  |
""",
    "s02": """\
# Feedback for Bob Stone (s02)

## 01_vectors_matrices.ipynb (01.01)

**Score: 4 of 6** (graded by hand: 01.01.5) — graded

| exercise | title | result | details |
|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | ✓ correct |  |
| 01.01.2 | A similarity that ignores scale | ✓ correct |  |
| 01.01.3 | Similarity search without a loop | ✓ correct |  |
| 01.01.4 | Composing linear maps: order matters | ✗ incorrect | `M` differs in 2 of 4 elements, first at index (0, 1): got -0.5, off by 0.5 (allowed tolerance rtol=1e-06, atol=1e-09). Did you multiply in reading order? `R @ S` stretches first and rotates second; the matrix applied first stands on the right. |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | ✗ incorrect | your answer cell failed: NameError: name 'oops' is not defined. `w_normal` is not defined yet: run your answer cell. Graded by hand: 1 of 1 — free-text derivation accepted on appeal. |
| 01.01.6 | A known-answer test: how many digits survive? | · not attempted | replace the `...` in `digits_normal = ...` with your answer. |
""",
    "s03": """\
# Feedback for Cy Young (s03)

## 01_vectors_matrices.ipynb (01.01)

**Score: 2.8 of 6** (4 before a 30% late penalty; submitted 50 h after the due date (2025-03-07T23:00:00Z)) — graded

| exercise | title | result | details |
|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | ✓ correct |  |
| 01.01.2 | A similarity that ignores scale | ✓ correct |  |
| 01.01.3 | Similarity search without a loop | ✓ correct |  |
| 01.01.4 | Composing linear maps: order matters | ✓ correct |  |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | · not attempted | replace the `...` in `w_normal = ...` with your answer. |
| 01.01.6 | A known-answer test: how many digits survive? | · not attempted | replace the `...` in `digits_normal = ...` with your answer. |
""",
    "s04": """\
# Feedback for Dee Kim (s04)

## 01_vectors_matrices.ipynb (01.01)

**Score: 5 of 6** (on time: due date extended to 2025-03-09T23:00:00Z) — graded

| exercise | title | result | details |
|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | ✓ correct |  |
| 01.01.2 | A similarity that ignores scale | ✓ correct |  |
| 01.01.3 | Similarity search without a loop | ✓ correct |  |
| 01.01.4 | Composing linear maps: order matters | ✓ correct |  |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | ✓ correct |  |
| 01.01.6 | A known-answer test: how many digits survive? | · not attempted | replace the `...` in `digits_normal = ...` with your answer. |
""",
    "s05": """\
# Feedback for Eve Park (s05)

## 01_vectors_matrices.ipynb (01.01)

**Score: 6 of 6** — graded

| exercise | title | result | details |
|---|---|---|---|
| 01.01.1 | The Euclidean (L2) norm | ✓ correct |  |
| 01.01.2 | A similarity that ignores scale | ✓ correct |  |
| 01.01.3 | Similarity search without a loop | ✓ correct |  |
| 01.01.4 | Composing linear maps: order matters | ✓ correct |  |
| 01.01.5 | Least squares for a curve: a quadratic in BMI | ✓ correct |  |
| 01.01.6 | A known-answer test: how many digits survive? | ✓ correct |  |

## Problems met while grading

- 6 answer cell(s) had lost their exercise tag and were found without it: 01.01.1 (cell 7: the code cell before its check `ex.q1.check()`), 01.01.2 (cell 10: the code cell before its check `ex.q2.check()`), 01.01.3 (cell 17: the code cell before its check `ex.q3.check()`), 01.01.4 (cell 26: the code cell before its check `ex.q4.check()`), 01.01.5 (cell 34: the code cell before its check `ex.q5.check()`), 01.01.6 (cell 41: the code cell before its check `ex.q6.check()`). Run `mlcourse validate --fix` on your notebook to restore the tags.
""",
    "s06": """\
# Feedback for Fay Moss (s06)

## 01_vectors_matrices.ipynb (01.01)

**Score: 0 of 6** — missing: nothing was submitted.
""",
}


CANVAS = """\
Student,ID,SIS User ID,SIS Login ID,Section,Week 1: vectors (4312)
    Points Possible,,,,,6
Ada Lovelace,101,s01,,A,6
Bob Stone,102,s02,,A,4
Cy Young,103,s03,,B,2.8
Dee Kim,104,s04,,B,5
Eve Park,105,s05,,A,6
Fay Moss,106,s06,,B,0
"""


OVERRIDDEN = {  # line of GRADED -> the line after the manual grade; no other line changes
    "s02,Bob Stone,01.01,01.01.5,0,1,incorrect,,,{run1},s02/01_vectors_matrices.ipynb,,,": (
        "s02,Bob Stone,01.01,01.01.5,1,1,incorrect,,,{run1},s02/01_vectors_matrices.ipynb,,"
        "1 by ann at 2025-03-09T08:00:00Z: free-text derivation accepted on appeal,"
    ),
    "s02,Bob Stone,01.01,total,3,6,graded,,,{run1},s02/01_vectors_matrices.ipynb,,,": (
        "s02,Bob Stone,01.01,total,4,6,graded,,,{run1},s02/01_vectors_matrices.ipynb,,,"
    ),
}
S03 = "s03,Cy Young,01.01,"
SOURCE = "s03/01_vectors_matrices.ipynb"
REGRADED = {  # s03's rows after their late resubmission (50 h late: three started days)
    f"{S03}01.01.1,1,1,correct,30,,{{run1}},{SOURCE},,,": f"{S03}01.01.1,1,1,correct,50,,{{run2}},{SOURCE},,,",
    f"{S03}01.01.2,1,1,correct,30,,{{run1}},{SOURCE},,,": f"{S03}01.01.2,1,1,correct,50,,{{run2}},{SOURCE},,,",
    f"{S03}01.01.3,1,1,correct,30,,{{run1}},{SOURCE},,,": f"{S03}01.01.3,1,1,correct,50,,{{run2}},{SOURCE},,,",
    f"{S03}01.01.4,0,1,incorrect,30,,{{run1}},{SOURCE},1,,": f"{S03}01.01.4,1,1,correct,50,,{{run2}},{SOURCE},,,",
    f"{S03}01.01.5,0,1,not attempted,30,,{{run1}},{SOURCE},,,": (
        f"{S03}01.01.5,0,1,not attempted,50,,{{run2}},{SOURCE},,,"
    ),
    f"{S03}01.01.6,0,1,not attempted,30,,{{run1}},{SOURCE},,,": (
        f"{S03}01.01.6,0,1,not attempted,50,,{{run2}},{SOURCE},,,"
    ),
    f"{S03}total,2.4,6,graded,30,20,{{run1}},{SOURCE},,,"
    "submitted 30 h after the due date (2025-03-07T23:00:00Z): -20%": (
        f"{S03}total,2.8,6,graded,50,30,{{run2}},{SOURCE},,,"
        "submitted 50 h after the due date (2025-03-07T23:00:00Z): -30%"
    ),
}


def _runs(week) -> dict[str, str]:
    """The two runs' graded_at values, checked: one per run, ISO 8601 UTC, in order."""
    first = {r["graded_at"] for r in _rows_of(week["graded"]) if r["graded_at"]}
    second = {r["graded_at"] for r in _rows_of(week["regraded"]) if r["graded_at"]} - first
    assert len(first) == 1 and len(second) == 1, (first, second)
    run1, run2 = first.pop(), second.pop()
    for stamp in (run1, run2):
        assert datetime.fromisoformat(stamp.replace("Z", "+00:00")).tzinfo is not None
        assert stamp.endswith("Z")
    assert run1 < run2
    return {"{run1}": run1, "{run2}": run2}


def _rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(text.splitlines()))


def _filled(text: str, runs: dict) -> str:
    for mark, stamp in runs.items():
        text = text.replace(mark, stamp)
    return text


def _changed(text: str, changes: dict) -> str:
    lines = text.splitlines()
    for old, new in changes.items():
        assert lines.count(old) == 1, old
        lines[lines.index(old)] = new
    return "\n".join(lines) + "\n"


def test_collect_maps_the_zip_to_the_roster(week):
    assert week["mapping"] == MAPPING


def test_the_running_gradebook_cell_by_cell_after_each_step(week):
    runs = _runs(week)
    assert week["graded"] == _filled(GRADED, runs)
    overridden = _changed(GRADED, OVERRIDDEN)
    assert week["overridden"] == _filled(overridden, runs)
    assert week["regraded"] == _filled(_changed(overridden, REGRADED), runs)
    assert list(_rows_of(week["graded"])[0]) == [
        "student_id",
        "name",
        "assignment",
        "exercise",
        "points",
        "max_points",
        "status",
        "late_hours",
        "penalty_percent",
        "graded_at",
        "source",
        "wrong_answer",
        "override",
        "detail",
    ]


def test_the_latest_run_gradebook_and_the_history(week):
    assert week["wide"] == WIDE
    assert week["history"] == [f"s03.{_runs(week)['{run1}'].replace(':', '')}.json"]


def test_the_log_names_the_missing_student_and_the_regrade(week):
    assert "(all): roster of 6; no submission from: ['s06']" in week["log"].splitlines()
    lines = week["regrade log"].splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith("(all): each submission ran in"))
    assert lines[start + 1 : start + 3] == [
        "(all): regraded ['s03']; every other student keeps their stored grade",
        "(all): roster of 6; no submission from: ['s06']",
    ]
    assert [x.split(":")[0] for x in lines if not x.startswith("(all)")] == ["s03"]


def test_the_summaries_line_by_line(week):
    assert week["summary"] == SUMMARY
    assert week["final summary"] == FINAL_SUMMARY


def test_feedback_per_roster_id_in_full(week):
    assert week["feedback"] == FEEDBACK


def test_the_lms_exports(week):
    assert week["canvas"] == CANVAS
    assert list(csv.reader(CANVAS.splitlines()))[1][0] == POINTS_POSSIBLE
    assert week["plain"] == "id,score\ns01,6\ns02,4\ns03,2.8\ns04,5\ns05,6\ns06,0\n"
