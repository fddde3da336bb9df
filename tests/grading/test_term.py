"""A term's inputs and outputs without kernels: roster, due dates, extensions, overrides, the
running gradebook (merge, history, atomic writes), feedback, summary, LMS collect and export,
validate and the lost-tag fallback."""

import csv
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlcourse import notebook
from mlcourse.exercise import Close, Exercise
from mlcourse.grading import course, lift
from mlcourse.grading import roster as inputs
from mlcourse.grading.collect import MAPPING, collect
from mlcourse.grading.export import POINTS_POSSIBLE, export
from mlcourse.grading.gradebook import NEEDS_REVIEW, ExerciseResult, StudentResult
from mlcourse.grading.validate import validate
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED
from tests.grading.cohort import EXERCISES, IDS, NOTEBOOK, SOLUTION

ROSTER = "id,name,email,lms_id\ns1,Ada Lovelace,ada@x.org,101\ns2,Bob Stone,bob@x.org,102\n"


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


# --- inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("name,email\nAda,a@x\n", "has no student id column: expected one named `id`"),
        ("id,name\ns1,A\ns1,B\n", "id 's1' appears twice"),
        ("id,name\n../x,A\n", "the id should be letters, digits"),
        ("id,name\n", "lists no students"),
    ],
)
def test_a_bad_roster_says_what_was_expected_and_how_to_fix_it(tmp_path, text, fragment):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(inputs.InputError) as error:
        inputs.read_roster(path)
    assert fragment in str(error.value)


def test_a_roster_reads_ids_names_and_an_excel_bom(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffID,Name,Email\ns1,Ada,a@x\n", encoding="utf-8")
    assert inputs.read_roster(path) == {"s1": inputs.Student("s1", "Ada", "a@x")}


def test_due_dates_and_penalties():
    assert inputs.format_time(inputs.parse_time("2025-03-07T23:59+01:00")) == "2025-03-07T22:59:00Z"
    assert inputs.parse_time("2025-03-07").hour == 23  # the end of that day, local time
    with pytest.raises(inputs.InputError, match="expected an ISO 8601 date and time") as error:
        inputs.parse_time("7 March", "--due")
    assert "got '7 March'" in str(error.value)
    penalty = inputs.parse_penalty("10%/day")
    assert [penalty.of(h) for h in (0, 0.5, 24, 24.01, 500)] == [0, 10, 10, 20, 100]
    assert inputs.parse_penalty("2%/hour").of(2.5) == 6
    with pytest.raises(inputs.InputError, match="such as 10%/day"):
        inputs.parse_penalty("ten")


def test_extensions_and_overrides_refuse_unknown_students(tmp_path):
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("id,days\ns9,2\n")
    due = inputs.parse_time("2025-03-07T23:59Z")
    with pytest.raises(inputs.InputError, match="no student 's9' on the roster"):
        inputs.read_extensions(extensions, due, {"s1"})
    extensions.write_text("id,days\ns1,2\n")
    assert inputs.read_extensions(extensions, due, {"s1"})["s1"].day == 9
    overrides = tmp_path / "overrides.csv"
    maxima = {"01.01.1": 1.0, "01.01": 6.0}
    for text, fragment in [
        ("student,exercise,points\ns9,01.01.1,1\n", "no student 's9' on the roster"),
        ("student,exercise,points\ns1,01.09.1,1\n", "neither an exercise id nor a notebook id"),
        ("student,exercise,points\ns1,01.01.1,2\n", "should be a number from 0 to 1, got '2'"),
        ("student,points\ns1,1\n", "missing: ['exercise']"),
    ]:
        overrides.write_text(text)
        with pytest.raises(inputs.InputError) as error:
            inputs.read_overrides(overrides, {"s1"}, maxima)
        assert fragment in str(error.value)


def test_merged_overrides_keep_their_first_who_and_when():
    first = inputs.Override("s1", "01.01.1", 1, "appeal", "ann", "2025-01-01T00:00:00Z")
    same = inputs.Override("s1", "01.01.1", 1, "appeal", "bob", "2025-02-01T00:00:00Z")
    changed = inputs.Override("s1", "01.01.1", 0.5, "half", "bob", "2025-02-01T00:00:00Z")
    assert inputs.merge_overrides([first], [same]) == [first]
    assert inputs.merge_overrides([first], [changed]) == [changed]


def test_points_per_exercise_default_to_one_and_must_be_positive():
    spec = dict(id="99.01.1", title="t", checks={"x": Close()}, solution="x = 1", hints=["h"])
    assert Exercise(**spec).points == 1
    assert Exercise(**spec, points=2.5).points == 2.5
    with pytest.raises(ValueError, match="points should be above 0, got 0"):
        Exercise(**spec, points=0)


# --- the running gradebook ---------------------------------------------------------------

SETTINGS = course.Settings(
    "01.01",
    "01_vectors_matrices.ipynb",
    [
        {"id": "01.01.1", "title": "one", "points": 1.0, "wrong_answers": ["Did you square?"]},
        {"id": "01.01.2", "title": "two", "points": 2.0, "wrong_answers": []},
    ],
    due="2025-03-07T23:00:00Z",
    penalty=10.0,
    extensions={"s2": "2025-03-09T23:00:00Z"},
)


def _record(student, statuses, submitted="2025-03-07T12:00:00Z", graded="2025-03-08T00:00:00Z"):
    exercises = [
        ExerciseResult(
            e["id"],
            e["title"],
            status,
            "r",
            score=float(status == CORRECT),
            points=e["points"],
            wrong_answer=0 if status == INCORRECT else None,
            answer="y = x ** 2  # squared\n" if status == INCORRECT else "",
        )
        for e, status in zip(SETTINGS.exercises, statuses, strict=True)
    ]
    result = StudentResult(student, exercises)
    return course.Record(student, "01.01", result, f"{student}/nb.ipynb", submitted, graded)


@pytest.fixture
def folder(tmp_path):
    out = course.Course(tmp_path / "graded")
    out.save_settings(SETTINGS)
    out.save_roster(inputs.read_roster(_write(tmp_path / "roster.csv", ROSTER + "s3,Cy,c@x,\n")))
    out.store(SETTINGS, _record("s1", [CORRECT, INCORRECT]))
    out.store(SETTINGS, _record("s2", [CORRECT, CORRECT], submitted="2025-03-09T10:00:00Z"))
    out.store(SETTINGS, _record("s4", [INCORRECT, NOT_ATTEMPTED], "2025-03-08T23:30:00Z"))
    return out


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_the_running_gradebook_row_by_row(folder):
    folder.write(["01.01"])
    rows = _csv(folder.out / course.GRADEBOOK)
    assert list(rows[0]) == course.COLUMNS
    table = [
        (r["student_id"], r["exercise"], r["points"], r["max_points"], r["status"]) for r in rows
    ]
    assert table == [
        ("s1", "01.01.1", "1", "1", CORRECT),
        ("s1", "01.01.2", "0", "2", INCORRECT),
        ("s1", "total", "1", "3", "graded"),
        ("s2", "01.01.1", "1", "1", CORRECT),
        ("s2", "01.01.2", "2", "2", CORRECT),
        ("s2", "total", "3", "3", "graded"),  # late for the due date, on time for its extension
        ("s3", "total", "0", "3", "missing"),
        ("s4", "01.01.1", "0", "1", INCORRECT),
        ("s4", "01.01.2", "0", "2", NOT_ATTEMPTED),
        ("s4", "total", "0", "3", "graded"),
    ]
    by = {(r["student_id"], r["exercise"]): r for r in rows}
    assert by[("s1", "01.01.2")]["wrong_answer"] == "1"
    assert by[("s4", "total")]["late_hours"] == "24.5"
    assert by[("s4", "total")]["penalty_percent"] == "20"  # two started days at 10%
    assert by[("s2", "total")]["late_hours"] == ""
    assert by[("s1", "total")]["source"] == "s1/nb.ipynb"
    assert by[("s1", "total")]["graded_at"] == "2025-03-08T00:00:00Z"
    assert by[("s1", "total")]["name"] == "Ada Lovelace"


def test_a_regrade_replaces_one_students_rows_and_keeps_the_old_result(folder):
    folder.write(["01.01"])
    before = {(r["student_id"], r["exercise"]): r for r in _csv(folder.out / course.GRADEBOOK)}
    folder.store(SETTINGS, _record("s1", [CORRECT, CORRECT], graded="2025-03-10T00:00:00Z"))
    folder.write(["01.01"])
    after = {(r["student_id"], r["exercise"]): r for r in _csv(folder.out / course.GRADEBOOK)}
    assert after[("s1", "total")]["points"] == "3"
    assert after[("s1", "total")]["graded_at"] == "2025-03-10T00:00:00Z"
    assert {k: v for k, v in after.items() if k[0] != "s1"} == {
        k: v for k, v in before.items() if k[0] != "s1"
    }
    history = list((folder.out / SETTINGS.folder / course.HISTORY).glob("s1.*.json"))
    assert len(history) == 1 and "2025-03-08T000000Z" in history[0].name
    assert not list(folder.out.rglob(".*.*"))  # no temporary file left behind


def test_overrides_reach_the_gradebook_feedback_and_summary(folder):
    folder.save_overrides(
        [
            inputs.Override("s1", "01.01.2", 1.5, "partly right", "ann", "2025-03-09T08:00:00Z"),
            inputs.Override("s3", "01.01", 2, "emailed in", "ann", "2025-03-09T08:00:00Z"),
        ]
    )
    folder.write(["01.01"])
    by = {(r["student_id"], r["exercise"]): r for r in _csv(folder.out / course.GRADEBOOK)}
    assert by[("s1", "01.01.2")]["points"] == "1.5"
    assert by[("s1", "01.01.2")]["override"] == "1.5 by ann at 2025-03-09T08:00:00Z: partly right"
    assert by[("s1", "total")]["points"] == "2.5"
    assert by[("s3", "total")]["points"] == "2" and by[("s3", "total")]["status"] == "missing"
    feedback = (folder.out / "feedback" / "s1.md").read_text()
    assert "# Feedback for Ada Lovelace (s1)" in feedback
    assert "Graded by hand: 1.5 of 2 — partly right." in feedback
    late = (folder.out / "feedback" / "s4.md").read_text()
    assert (
        "**Score: 0 of 3** (0 before a 20% late penalty; submitted 24.5 h after the due date "
        "(2025-03-07T23:00:00Z))"
    ) in late


def test_feedback_files_are_keyed_by_id_and_stale_ones_removed(folder):
    (folder.out / "feedback").mkdir(parents=True)
    (folder.out / "feedback" / "old-name.md").write_text("stale")
    folder.write(["01.01"])
    names = sorted(p.name for p in (folder.out / "feedback").glob("*.md"))
    assert names == ["s1.md", "s2.md", "s3.md", "s4.md"]
    assert course.file_name("a b") != course.file_name("a_b")


def test_the_summary_counts_matches_and_clusters(folder):
    folder.store(SETTINGS, _record("s5", [INCORRECT, INCORRECT]))
    folder.write(["01.01"])
    summary = (folder.out / SETTINGS.folder / "summary.md").read_text()
    assert "5 student(s): 4 submitted, 1 missing, 1 late, 0 to grade by hand." in summary
    assert "| 01.01.1 | one | 1 | 2 | 2 | 0 | 0 | 0.5 |" in summary
    assert "| 01.01.2 | two | 2 | 1 | 2 | 1 | 0 | 0.5 |" in summary
    assert "| 01.01.1 | 1 | 2 | Did you square? | s4, s5 |" in summary
    assert "### 01.01.2: 2 students (s1, s5); matches recorded wrong answer 1" in summary
    assert "```python\ny = x ** 2\n```" in summary  # the comment is not part of the answer
    png = (folder.out / SETTINGS.folder / "scores.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_the_figure_leaves_the_global_backend_alone(folder):
    import matplotlib

    before = matplotlib.get_backend()
    folder.write(["01.01"])
    assert matplotlib.get_backend() == before


def test_needs_review_is_never_a_silent_zero(folder):
    record = _record("s2", [CORRECT, CORRECT])
    record.result.exercises[1].status = NEEDS_REVIEW
    record.result.exercises[1].score = 0.0
    folder.store(SETTINGS, record)
    folder.write(["01.01"])
    by = {(r["student_id"], r["exercise"]): r for r in _csv(folder.out / course.GRADEBOOK)}
    assert by[("s2", "total")]["status"] == NEEDS_REVIEW
    out = folder.out / "canvas.csv"
    _, warnings = export(folder.out, "canvas", out)
    rows = list(csv.reader(out.open()))
    assert [r for r in rows if r[2] == "s2"][0][5] == ""  # empty, not 0
    assert warnings == ["s2: 01.01 needs grading by hand; exported empty"]


def test_canvas_and_plain_exports(folder):
    folder.write(["01.01"])
    canvas = folder.out / "canvas.csv"
    export(folder.out, "canvas", canvas, names={"01.01": "Week 1 (4312)"})
    assert list(csv.reader(canvas.open())) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 1 (4312)"],
        [POINTS_POSSIBLE, "", "", "", "", "3"],
        ["Ada Lovelace", "101", "s1", "", "", "1"],
        ["Bob Stone", "102", "s2", "", "", "3"],
        ["Cy", "", "s3", "", "", "0"],
        ["s4", "", "s4", "", "", "0"],
    ]
    plain = folder.out / "plain.csv"
    export(folder.out, "plain", plain)
    assert plain.read_text() == "id,score\ns1,1\ns2,3\ns3,0\ns4,0\n"
    with pytest.raises(inputs.InputError, match="not graded into"):
        export(folder.out, "plain", plain, assignments=["01.02"])


# --- collect -----------------------------------------------------------------------------


def test_collect_a_canvas_zip_and_a_moodle_folder(tmp_path):
    roster = _write(tmp_path / "roster.csv", ROSTER + "s3,Cy Young,cy@x.org,\n")
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(
            zipfile.ZipInfo("lovelaceada_101_9001_01_vectors.ipynb", (2025, 3, 7, 12, 0, 0)), "{}"
        )
        z.writestr(
            zipfile.ZipInfo("stonebob_LATE_102_9002_mine.ipynb", (2025, 3, 8, 9, 30, 0)), "{}"
        )
        z.writestr(zipfile.ZipInfo("nobody_999_9003_x.ipynb", (2025, 3, 7, 1, 0, 0)), "{}")
        z.writestr(zipfile.ZipInfo("__MACOSX/._junk", (2025, 3, 7, 1, 0, 0)), "")
    rows, absent = collect(archive, roster, tmp_path / "submissions")
    mapping = {r["original"]: r for r in _csv(tmp_path / "submissions" / MAPPING)}
    assert mapping["lovelaceada_101_9001_01_vectors.ipynb"] == {
        "student_id": "s1",
        "name": "Ada Lovelace",
        "file": "s1/01_vectors.ipynb",
        "original": "lovelaceada_101_9001_01_vectors.ipynb",
        "submitted_at": "2025-03-07T12:00:00Z",
        "lms_late": "",
        "matched_by": "lms_id",
    }
    assert mapping["stonebob_LATE_102_9002_mine.ipynb"]["lms_late"] == "yes"
    assert mapping["nobody_999_9003_x.ipynb"]["matched_by"].startswith("UNMATCHED")
    assert (tmp_path / "submissions" / "s2" / "mine.ipynb").is_file()
    assert absent == ["s3"]
    moodle = tmp_path / "moodle" / "Young Cy_555_assignsubmission_file_"
    moodle.mkdir(parents=True)
    (moodle / "work.ipynb").write_text("{}")
    rows, absent = collect(tmp_path / "moodle", roster, tmp_path / "from-moodle")
    assert [(r["student_id"], r["file"], r["matched_by"]) for r in rows] == [
        ("s3", "s3/work.ipynb", "name")
    ]
    with pytest.raises(inputs.InputError, match="already holds files"):
        collect(tmp_path / "moodle", roster, tmp_path / "from-moodle")


# --- lost tags and validate --------------------------------------------------------------


def _stripped(answers: dict, drop_checks: bool = False):
    nb = notebook.with_answers(notebook.read(NOTEBOOK), answers)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    if drop_checks:
        nb.cells = [c for c in nb.cells if "ex.q" not in c.source or "check()" not in c.source]
    return nb


def test_lost_tags_are_found_by_check_call_position_or_stub():
    pristine = notebook.read(NOTEBOOK)
    nb = _stripped(SOLUTION)
    lifted = lift.lift(nb.cells, IDS, pristine, fallback=True)
    assert lifted.answers == SOLUTION and not lifted.problems and not lifted.review
    assert "6 answer cell(s) had lost their exercise tag" in lifted.notes[0]
    # check cells deleted too: position (the text before the stub) still finds each one
    nb = _stripped(SOLUTION, drop_checks=True)
    lifted = lift.lift(nb.cells, IDS, pristine, fallback=True)
    assert lifted.answers == SOLUTION
    assert all("its place in the assignment" in how for _, how in lifted.found.values())


def test_an_answer_that_cannot_be_found_needs_review_not_zero():
    pristine = notebook.read(NOTEBOOK)
    nb = _stripped({**SOLUTION}, drop_checks=True)
    before = pristine.cells[
        [c.metadata.get("tags") for c in pristine.cells].index(["exercise:01.01.2"]) - 1
    ]
    nb.cells = [c for c in nb.cells if c.source != before.source]  # its markdown is gone too
    nb.cells = [c for c in nb.cells if not c.source.startswith("def cosine_similarity(")]
    lifted = lift.lift(nb.cells, IDS, pristine, fallback=True)
    assert "01.01.2" in lifted.review and "01.01.2" not in lifted.answers
    assert "an instructor will grade it by hand" in lifted.review["01.01.2"]
    # with its tags intact, a deleted answer cell is the learner's doing: not attempted
    tagged = notebook.with_answers(pristine, SOLUTION)
    tagged.cells = [c for c in tagged.cells if c.metadata.get("tags") != ["exercise:01.01.2"]]
    lifted = lift.lift(tagged.cells, IDS, pristine, fallback=True)
    assert "no cell tagged exercise:01.01.2" in lifted.problems["01.01.2"] and not lifted.review


def test_validate_reports_and_fixes_lost_tags(tmp_path, capsys):
    from mlcourse.cli import main

    path = tmp_path / "mine.ipynb"
    notebook.write(_stripped(SOLUTION), path)
    report = validate(path)
    assert not report.ok
    assert "01.01.1: cell 7 looks like its answer" in report.problems[0]
    assert main(["validate", "--fix", str(path)]) == 0
    assert capsys.readouterr().out.startswith(
        f"{path}: fixed: ready to submit (the tags below were put back)\n"
    )
    assert validate(path).ok
    assert notebook.read(path).cells[6].metadata["tags"] == ["exercise:01.01.1"]
    path.write_text("{not json")
    assert main(["validate", str(path)]) == 1
    assert "not valid notebook JSON" in capsys.readouterr().out


def test_the_command_line_refuses_bad_inputs_before_grading(tmp_path, capsys):
    from mlcourse.cli import main

    roster = _write(tmp_path / "roster.csv", "name\nAda\n")
    command = ["grade", str(NOTEBOOK), "--out", str(tmp_path / "out"), "--no-sandbox"]
    assert main([*command, "--roster", str(roster)]) == 2
    assert "has no student id column" in capsys.readouterr().err
    assert main([*command, "--due", "next friday"]) == 2
    assert "expected an ISO 8601 date" in capsys.readouterr().err
    roster.write_text(ROSTER)
    overrides = _write(tmp_path / "o.csv", "student,exercise,points\nzed,01.01.1,1\n")
    assert main([*command, "--roster", str(roster), "--overrides", str(overrides)]) == 2
    assert "no student 'zed' on the roster" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_applying_overrides_alone_runs_no_kernel(tmp_path):
    from mlcourse.cli import main

    folder = course.Course(tmp_path / "out")
    settings = course.Settings(
        "01.01",
        NOTEBOOK.name,
        [{"id": i, "title": "t", "points": 1.0, "wrong_answers": []} for i in IDS],
    )
    folder.save_settings(settings)
    result = StudentResult("s1", [ExerciseResult(i, "t", CORRECT, score=1.0) for i in IDS])
    folder.store(settings, course.Record("s1", "01.01", result, "", None, "2025-01-01T00:00:00Z"))
    overrides = _write(
        tmp_path / "o.csv", "student,exercise,points,comment,by\ns1,01.01.4,0,copied,ann\n"
    )
    started = datetime.now(UTC)
    assert (
        main(
            ["grade", str(NOTEBOOK), "--out", str(tmp_path / "out"), "--overrides", str(overrides)]
        )
        == 0
    )
    assert (datetime.now(UTC) - started).total_seconds() < 20
    rows = {(r["student_id"], r["exercise"]): r for r in _csv(tmp_path / "out" / course.GRADEBOOK)}
    assert rows[("s1", "total")]["points"] == "5"
    assert rows[("s1", "01.01.4")]["override"].startswith("0 by ann at ")
    stored = json.loads((tmp_path / "out" / "01_vectors_matrices" / "assignment.json").read_text())
    assert [e["points"] for e in stored["exercises"]] == [e.points for e in EXERCISES]
    assert os.path.exists(tmp_path / "out" / "overrides.csv")


# --- what the review found: bad submissions, interrupted writes, the log, make grade ---------


def test_a_submission_that_is_not_a_notebook_is_named_not_dropped(tmp_path):
    from mlcourse.grading.grade import _not_found, find_submissions, load_assignment, locate

    folder = tmp_path / "submissions"
    (folder / "s1").mkdir(parents=True)
    (folder / "s1" / "report.pdf").write_bytes(b"%PDF")
    (folder / "s2.pdf").write_bytes(b"%PDF")
    (folder / "s3.ipynb").write_text("{}")
    (folder / "s3.txt").write_text("a note")  # beside a notebook: the notebook is the entry
    (folder / MAPPING).write_text("student_id,file\n")
    found = find_submissions(folder)
    assert sorted(found) == ["s1", "s2", "s3"]
    assert found["s3"].name == "s3.ipynb"
    assignment = load_assignment(NOTEBOOK)
    assert locate(found["s2"], assignment, single=True) is None
    assert _not_found(found["s1"], assignment) == (
        "no copy of 01_vectors_matrices.ipynb in the submission (it holds report.pdf, no "
        "notebook (.ipynb)); expected the notebook file itself, saved from JupyterLab. Ask for "
        "it, put it in the student's folder and regrade them with --student."
    )
    assert "(it holds s2.pdf, no notebook (.ipynb))" in _not_found(found["s2"], assignment)


def test_a_bad_time_in_mapping_csv_is_refused_before_anything_runs(tmp_path, capsys):
    from mlcourse.cli import main

    folder = tmp_path / "submissions"
    (folder / "s1").mkdir(parents=True)
    notebook.write(notebook.read(NOTEBOOK), folder / "s1" / NOTEBOOK.name)
    (folder / MAPPING).write_text(
        "student_id,name,file,original,submitted_at,lms_late,matched_by\n"
        f"s1,Ada,s1/{NOTEBOOK.name},x.ipynb,Friday night,,id\n"
    )
    out = tmp_path / "out"
    command = ["grade", str(NOTEBOOK), "--submissions", str(folder), "--out", str(out)]
    assert main([*command, "--no-sandbox"]) == 2
    err = capsys.readouterr().err
    assert "mapping.csv, line 2, submitted_at: expected an ISO 8601 date and time" in err
    assert "got 'Friday night'" in err
    assert not out.exists()


def test_atomic_writes_keep_permissions_and_leave_no_temporary_file(tmp_path):
    path = tmp_path / "gradebook.csv"
    course.atomic_write(path, "a\n")
    assert path.stat().st_mode & 0o777 == 0o666 & ~course._UMASK  # as open() would, not 0600
    path.chmod(0o640)
    course.atomic_write(path, b"b\n")
    assert path.stat().st_mode & 0o777 == 0o640 and path.read_text() == "b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["gradebook.csv"]


def test_ctrl_c_while_results_are_stored_waits_for_the_writes():
    import signal

    from mlcourse.grading.grade import _deferring_signals

    before = signal.getsignal(signal.SIGINT)
    with _deferring_signals() as caught:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt half-way through the writes
        written = True
    assert written and caught == [signal.SIGINT]
    assert signal.getsignal(signal.SIGINT) is before


def test_the_log_names_who_has_no_grade_not_who_was_left_out_of_a_regrade(folder):
    from mlcourse.grading.grade import _roster_lines

    class Notebook:
        notebook_id = "01.01"

    roster = folder.roster()
    lines = _roster_lines(folder, roster, [Notebook], ("s1",), [StudentResult("s1")])
    assert lines == [
        "(all): regraded ['s1']; every other student keeps their stored grade",
        "(all): roster of 3; no submission from: ['s3']",
    ]


def test_collect_says_how_to_fix_a_file_it_cannot_match(tmp_path, capsys):
    from mlcourse.cli import main

    roster = _write(tmp_path / "roster.csv", ROSTER)
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("lovelaceada_101_9001_nb.ipynb", (2025, 3, 7, 12, 0, 0)), "{}")
        z.writestr(zipfile.ZipInfo("final_version(2).ipynb", (2025, 3, 7, 1, 0, 0)), "{}")
    out = tmp_path / "week1"
    assert main(["collect", str(archive), "--roster", str(roster), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "not matched to the roster: final_version(2).ipynb (UNMATCHED: no roster entry" in err
    assert "Add the student to the roster (or their lms_id), then collect again" in err
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        MAPPING,
        "s1/nb.ipynb",
    ]


def test_make_grade_passes_every_option(tmp_path):
    import shlex
    import shutil
    import subprocess

    from mlcourse.cli import build_parser
    from tests.conftest import ROOT

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    variables = {
        "ASSIGNMENT": "nb.ipynb",
        "SUBMISSIONS": "week 1",
        "OUT": "graded",
        "HIDDEN": "hidden",
        "ROSTER": "roster.csv",
        "STUDENT": "s03 s17",
        "DUE": "2025-03-07T23:59+01:00",
        "LATE_PENALTY": "10%/day",
        "EXTENSIONS": "ext.csv",
        "OVERRIDES": "over.csv",
        "WORKERS": "3",
        "CELL_TIMEOUT": "30",
        "TIMEOUT": "500",
        "MEMORY_MB": "1024",
        "BUDGET": "90",
        "NO_SANDBOX": "1",
    }
    done = subprocess.run(
        ["make", "-n", "-s", "grade", *(f"{k}={v}" for k, v in variables.items())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    command = next(
        line
        for line in done.stdout.replace("\\\n", " ").splitlines()
        if "-m mlcourse grade" in line
    )
    words = shlex.split(command)
    args = build_parser().parse_args(words[words.index("mlcourse") + 1 :])
    assert (args.submissions, args.out, args.hidden) == (
        Path("week 1"),
        Path("graded"),
        Path("hidden"),
    )
    assert args.student == ["s03", "s17"] and args.due == "2025-03-07T23:59+01:00"
    assert (args.late_penalty, args.extensions, args.overrides) == (
        "10%/day",
        Path("ext.csv"),
        Path("over.csv"),
    )
    limits = (args.workers, args.cell_timeout, args.timeout, args.memory_mb, args.budget)
    assert limits == (3, 30.0, 500.0, 1024, 90.0)
    assert args.no_sandbox and args.roster == Path("roster.csv")
    off = subprocess.run(
        ["make", "-n", "-s", "grade", "ASSIGNMENT=nb.ipynb", "OUT=graded", "NO_SANDBOX=0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "--no-sandbox" not in off.stdout and "-m mlcourse grade" in off.stdout


def test_an_extension_with_a_bad_date_and_a_broken_zip_are_refused(tmp_path, capsys):
    from mlcourse.cli import main

    extensions = _write(tmp_path / "extensions.csv", "id,due\ns1,the 10th\n")
    with pytest.raises(inputs.InputError) as error:
        inputs.read_extensions(extensions, None, {"s1"})
    assert str(error.value).startswith(
        f"extensions file {extensions}, line 2: expected an ISO 8601 date and time such as "
        "2025-03-07T23:59+01:00"
    )
    assert "got 'the 10th'" in str(error.value)
    roster = _write(tmp_path / "roster.csv", ROSTER)
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("lovelaceada_101_9001_nb.ipynb", (2025, 3, 7, 12, 0, 0)), "{}")
    whole = archive.read_bytes()
    out = tmp_path / "week1"
    command = ["collect", str(archive), "--roster", str(roster), "--out", str(out)]
    archive.write_bytes(whole.replace(b"{}", b"[]", 1))  # a damaged entry: its CRC fails
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "could not be read as a .zip (Bad CRC-32" in err and "Download it again" in err
    archive.write_bytes(whole[:-30])  # cut short, as an interrupted download
    assert main(command) == 2
    assert "is a file but not a .zip (or a .zip cut short)" in capsys.readouterr().err
    assert not out.exists()
