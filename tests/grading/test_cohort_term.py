"""A week of a term, end to end through the command line, with real kernels in the sandbox.

A roster of 6; a Canvas-style bulk download of 5 submissions (one late, one late but extended,
one whose tags another editor stripped) collected into the submissions layout; graded with a due
date and a late penalty; a manual grade merged; the late student's resubmission regraded alone
and merged; exported for Canvas and as id,score. The running gradebook, the feedback, the
summary and both exports are asserted cell by cell.
"""

import csv
import os
from datetime import datetime
from pathlib import Path

import pytest

from mlcourse import notebook
from mlcourse.cli import main
from mlcourse.grading.export import POINTS_POSSIBLE
from tests.grading.cohort import EXERCISES, IDS, NOTEBOOK, Q1, Q2, Q3, Q4, Q5, Q6, solved

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


def _download(folder: Path, files: dict) -> Path:
    folder.mkdir(parents=True)
    for name, (answers, when, strip) in files.items():
        nb = notebook.with_answers(notebook.read(NOTEBOOK), answers)
        if strip:
            for cell in nb.cells:
                cell.metadata.pop("tags", None)
        notebook.write(nb, folder / name)
        stamp = datetime.fromisoformat(when + "+00:00").timestamp()
        os.utime(folder / name, (stamp, stamp))
    return folder


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _table(out: Path) -> dict:
    return {(r["student_id"], r["exercise"]): r for r in _rows(out / "course_gradebook.csv")}


def _cells(table: dict, *columns: str) -> dict:
    return {key: tuple(row[c] for c in columns) for key, row in table.items()}


GRADE = ["grade", str(NOTEBOOK), "--cell-timeout", "30", "--memory-mb", "1024", "--workers", "2"]


@pytest.fixture(scope="module")
def week(tmp_path_factory):
    root = tmp_path_factory.mktemp("term")
    roster = root / "roster.csv"
    roster.write_text(ROSTER)
    (root / "extensions.csv").write_text("id,days\ns04,2\n")
    (root / "overrides.csv").write_text(
        "student,exercise,points,comment,by\n"
        "s02,01.01.5,1,free-text derivation accepted on appeal,ann\n"
    )
    out = root / "graded"
    steps = {}
    # collect the LMS download
    _download(root / "download", DOWNLOAD)
    assert (
        main(
            [
                "collect",
                str(root / "download"),
                "--roster",
                str(roster),
                "--out",
                str(root / "submissions"),
            ]
        )
        == 0
    )
    steps["mapping"] = _rows(root / "submissions" / "mapping.csv")
    # grade the week
    late = ["--due", DUE, "--late-penalty", "10%/day", "--extensions", str(root / "extensions.csv")]
    command = [*GRADE, "--submissions", str(root / "submissions"), "--out", str(out)]
    assert main([*command, "--roster", str(roster), *late]) == 0
    steps["graded"] = _table(out)
    steps["summary"] = (out / "01_vectors_matrices" / "summary.md").read_text()
    # manual grades, no kernel
    assert (
        main(
            ["grade", str(NOTEBOOK), "--out", str(out), "--overrides", str(root / "overrides.csv")]
        )
        == 0
    )
    steps["overridden"] = _table(out)
    # the late student resubmits: collect it, regrade only them
    name, answers = RESUBMISSION
    _download(root / "resubmitted", {name: (answers, RESUBMITTED_AT, False)})
    assert (
        main(
            [
                "collect",
                str(root / "resubmitted"),
                "--roster",
                str(roster),
                "--out",
                str(root / "again"),
            ]
        )
        == 0
    )
    assert (
        main([*GRADE, "--submissions", str(root / "again"), "--out", str(out), "--student", "s03"])
        == 0
    )
    steps["regraded"] = _table(out)
    steps["wide"] = {r["student"]: r for r in _rows(out / "gradebook.csv")}
    steps["final summary"] = (out / "01_vectors_matrices" / "summary.md").read_text()
    steps["feedback"] = {p.stem: p.read_text() for p in (out / "feedback").glob("*.md")}
    # export
    canvas, plain = root / "canvas.csv", root / "scores.csv"
    names = ["--name", "01.01=Week 1: vectors (4312)"]
    assert main(["export", "--out", str(out), "--lms", "canvas", "--to", str(canvas), *names]) == 0
    assert main(["export", "--out", str(out), "--lms", "plain", "--to", str(plain)]) == 0
    steps["canvas"] = list(csv.reader(canvas.open()))
    steps["plain"] = plain.read_text()
    steps["out"] = out
    return steps


def test_collect_maps_the_download_to_the_roster(week):
    mapping = {r["student_id"]: r for r in week["mapping"]}
    assert sorted(mapping) == ["s01", "s02", "s03", "s04", "s05"]
    assert mapping["s04"]["file"] == "s04/my_copy.ipynb"
    assert mapping["s03"]["submitted_at"] == "2025-03-09T05:00:00Z"
    assert mapping["s03"]["lms_late"] == "yes" and mapping["s01"]["lms_late"] == ""
    assert {r["matched_by"] for r in week["mapping"]} == {"lms_id"}


SCORES = {  # after the first run: exercise points and statuses per student
    "s01": ["1"] * 6,
    "s02": ["1", "1", "1", "0", "0", "0"],
    "s03": ["1", "1", "1", "0", "0", "0"],
    "s04": ["1", "1", "1", "1", "1", "0"],
    "s05": ["1"] * 6,
}
STATUSES = {
    "s01": ["correct"] * 6,
    "s02": ["correct"] * 3 + ["incorrect", "incorrect", "not attempted"],
    "s03": ["correct"] * 3 + ["incorrect", "not attempted", "not attempted"],
    "s04": ["correct"] * 5 + ["not attempted"],
    "s05": ["correct"] * 6,
}


def test_every_cell_of_the_first_run(week):
    table = week["graded"]
    assert sorted({s for s, _ in table}) == ["s01", "s02", "s03", "s04", "s05", "s06"]
    for student, scores in SCORES.items():
        rows = [table[(student, i)] for i in IDS]
        assert [r["points"] for r in rows] == scores, student
        assert [r["status"] for r in rows] == STATUSES[student], student
        assert {r["max_points"] for r in rows} == {"1"}
        assert {r["assignment"] for r in rows} == {"01.01"}
    totals = _cells(
        {k: v for k, v in table.items() if k[1] == "total"},
        "name",
        "points",
        "max_points",
        "status",
        "late_hours",
        "penalty_percent",
        "source",
    )
    assert totals == {
        ("s01", "total"): (
            "Ada Lovelace",
            "6",
            "6",
            "graded",
            "",
            "",
            "s01/01_vectors_matrices.ipynb",
        ),
        ("s02", "total"): (
            "Bob Stone",
            "3",
            "6",
            "graded",
            "",
            "",
            "s02/01_vectors_matrices.ipynb",
        ),
        ("s03", "total"): (
            "Cy Young",
            "2.4",
            "6",
            "graded",
            "30",
            "20",
            "s03/01_vectors_matrices.ipynb",
        ),
        ("s04", "total"): ("Dee Kim", "5", "6", "graded", "", "", "s04/my_copy.ipynb"),
        ("s05", "total"): ("Eve Park", "6", "6", "graded", "", "", "s05/01_vectors_matrices.ipynb"),
        ("s06", "total"): ("Fay Moss", "0", "6", "missing", "", "", ""),
    }
    assert table[("s02", Q4)]["wrong_answer"] == "1" and table[("s03", Q4)]["wrong_answer"] == "1"
    assert [table[(s, Q4)]["wrong_answer"] for s in ("s01", "s04", "s05")] == ["", "", ""]
    assert table[("s03", "total")]["detail"] == (
        "submitted 30 h after the due date (2025-03-07T23:00:00Z): -20%"
    )
    stamps = {r["graded_at"] for k, r in table.items() if k[0] != "s06"}
    assert len(stamps) == 1 and stamps.pop().endswith("Z")


def test_the_summary_of_the_first_run_clusters_the_shared_mistake(week):
    summary = week["summary"]
    assert "6 student(s): 5 submitted, 1 missing, 1 late, 0 to grade by hand." in summary
    assert "| 01.01.4 | Composing linear maps: order matters | 1 | 3 | 2 | 0 | 0 | 0.6 |" in summary
    assert "| 01.01.4 | 1 | 2 | Did you multiply in reading order?" in summary
    assert "### 01.01.4: 2 students (s02, s03); matches recorded wrong answer 1" in summary
    assert "Missing: s06." in summary and "Late: s03." in summary


def test_the_override_is_merged_with_who_and_when(week):
    before, after = week["graded"], week["overridden"]
    assert after[("s02", Q5)]["points"] == "1"
    assert after[("s02", Q5)]["status"] == "incorrect"  # what the grader found stays visible
    assert after[("s02", Q5)]["override"].startswith("1 by ann at ")
    assert after[("s02", Q5)]["override"].endswith(": free-text derivation accepted on appeal")
    assert after[("s02", "total")]["points"] == "4"
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {("s02", Q5), ("s02", "total")}


def test_the_regrade_replaces_only_the_late_students_rows(week):
    before, after = week["overridden"], week["regraded"]
    changed = {k[0] for k in after if after[k] != before[k]}
    assert changed == {"s03"}
    assert [after[("s03", i)]["status"] for i in IDS] == STATUSES["s04"][:4] + ["not attempted"] * 2
    assert _cells(
        {("s03", "total"): after[("s03", "total")]}, "points", "late_hours", "penalty_percent"
    ) == {("s03", "total"): ("2.8", "50", "30")}
    assert after[("s03", "total")]["graded_at"] > before[("s03", "total")]["graded_at"]
    history = list((week["out"] / "01_vectors_matrices" / "history").glob("s03.*.json"))
    assert len(history) == 1  # the first grade is kept
    wide = week["wide"]
    assert [wide[s]["total"] for s in sorted(wide)] == ["6", "4", "2.8", "5", "6", "0"]
    assert [wide[s]["status"] for s in sorted(wide)] == ["graded"] * 5 + ["missing"]


def test_the_final_summary(week):
    summary = week["final summary"]
    assert "6 student(s): 5 submitted, 1 missing, 1 late, 0 to grade by hand." in summary
    assert "mean 4.76, median 5, lowest 2.8, highest 6." in summary
    expected = {
        Q1: "| 5 | 0 | 0 | 0 | 1 |",
        Q4: "| 4 | 1 | 0 | 0 | 0.8 |",
        Q5: "| 3 | 1 | 1 | 0 | 0.8 |",  # s02's manual point counts in the mean
        Q6: "| 2 | 0 | 3 | 0 | 0.4 |",
    }
    for exercise_id, counts in expected.items():
        line = next(x for x in summary.splitlines() if x.startswith(f"| {exercise_id} |"))
        assert line.endswith(counts), line
    assert "| 01.01.4 | 1 | 1 | Did you multiply in reading order?" in summary
    assert "No two incorrect answers were the same." in summary


def test_feedback_per_roster_id(week):
    feedback = week["feedback"]
    assert sorted(feedback) == ["s01", "s02", "s03", "s04", "s05", "s06"]
    assert feedback["s01"].startswith("# Feedback for Ada Lovelace (s01)\n")
    assert "**Score: 6 of 6** — graded" in feedback["s01"]
    assert "Graded by hand: 1 of 1 — free-text derivation accepted on appeal." in feedback["s02"]
    assert "**Score: 4 of 6** — graded" in feedback["s02"]
    assert (
        "**Score: 2.8 of 6** (4 before a 30% late penalty; submitted 50 h after the due date "
        "(2025-03-07T23:00:00Z)) — graded"
    ) in feedback["s03"]
    assert "on time (due date extended to 2025-03-09T23:00:00Z)" in feedback["s04"]
    assert (
        "6 answer cell(s) had lost their exercise tag and were found without it" in feedback["s05"]
    )
    assert "**Score: 6 of 6** — graded" in feedback["s05"]
    assert "**Score: 0 of 6** — missing: nothing was submitted." in feedback["s06"]


def test_the_lms_exports(week):
    assert week["canvas"] == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 1: vectors (4312)"],
        [POINTS_POSSIBLE, "", "", "", "", "6"],
        ["Ada Lovelace", "101", "s01", "", "A", "6"],
        ["Bob Stone", "102", "s02", "", "A", "4"],
        ["Cy Young", "103", "s03", "", "B", "2.8"],
        ["Dee Kim", "104", "s04", "", "B", "5"],
        ["Eve Park", "105", "s05", "", "A", "6"],
        ["Fay Moss", "106", "s06", "", "B", "0"],
    ]
    assert week["plain"] == "id,score\ns01,6\ns02,4\ns03,2.8\ns04,5\ns05,6\ns06,0\n"
