"""Hostile submissions graded in the sandbox: each tries to get the answers from somewhere it
should not reach, or to change something outside its scratch folder, or to stall the run.

Every hostile answer cell runs its trick and keeps whatever answer the trick finds, so a trick
that works scores; with the sandbox each scores what its own work earns: 0. The course, the
environment's site-packages and the other submissions are fingerprinted before and after. The
writes are appended comment lines and new files named ``written-by-submission.txt``, so a
sandbox that failed would leave traces ``git status`` shows, not damage.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import signal
import site
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mlcourse import notebook
from mlcourse.grading import confine
from mlcourse.grading.grade import NO_SANDBOX, Limits, grade
from tests.conftest import ROOT
from tests.grading.cohort import IDS, NOTEBOOK, SOLUTION

pytestmark = pytest.mark.slow  # real kernels: run by make test, skipped by -m 'not slow'

MARK = "# written by a graded submission\n"
WRITTEN = "written-by-submission.txt"

# (a) the toolkit hands out the reference solution
TOOLKIT = """\
from mlcourse.registry import find_exercise
exec(find_exercise({id!r}).solution, globals())
"""

_WALK = """\
import builtins, os
def _walk(suffix):
    cache = builtins.__dict__.setdefault("_stolen_paths", {{}})
    if suffix not in cache:
        found = []
        for top, dirs, files in os.walk("/"):
            dirs[:] = [d for d in dirs if os.path.join(top, d) not in ("/proc", "/sys", "/dev")]
            found += [os.path.join(top, f) for f in files if f.endswith(suffix)]
        cache[suffix] = found
    return cache[suffix]
"""

# (b) any spec on the disk, imported by path, then its exercise's solution
SEARCH_SPECS = (
    _WALK
    + """\
for path in _walk("_exercises.py") + [{spec!r}]:
    scope = {{"__file__": path, "__name__": "stolen_spec"}}
    try:
        exec(compile(open(path).read(), path, "exec"), scope)
        for exercise in scope.get("EXERCISES", []):
            if exercise.id == {id!r}:
                exec(exercise.solution, globals())
    except Exception:
        pass
"""
)

# (c) any notebook on the disk: a classmate's answer cell of the same exercise
COPY_CLASSMATE = (
    _WALK
    + """\
import json
for path in _walk(".ipynb") + {classmates!r}:
    try:
        cells = json.load(open(path))["cells"]
    except Exception:
        continue
    for cell in cells:
        source = "".join(cell.get("source", ""))
        tags = cell.get("metadata", {{}}).get("tags", [])
        if "exercise:{id}" in tags and "_walk" not in source and "NotImplementedError" not in source:
            try:
                exec(source, globals())
            except Exception:
                pass
"""
)

# (d) write into the course (as the kernel sees it, and at its real place), the environment,
# the output folder and its parent, the other submissions, the home and /tmp
WRITE = """\
import os, pathlib, site, sys
import mlcourse
MARK, WRITTEN = {mark!r}, {written!r}
folders = [
    pathlib.Path(mlcourse.__file__).parent, pathlib.Path(mlcourse.__file__).parents[1],
    *[pathlib.Path({root!r}, part) for part in ("", "mlcourse", "mlcourse/grading", "modules/01-math", "data")],
    pathlib.Path(sys.prefix), pathlib.Path(os.__file__).parent, *map(pathlib.Path, site.getsitepackages()),
    pathlib.Path({out!r}), pathlib.Path({out!r}).parent, pathlib.Path({submissions!r}),
    pathlib.Path.home(), pathlib.Path("/tmp"),
]
for folder in folders:
    try:
        (folder / WRITTEN).write_text(MARK)
    except Exception:
        pass
    for pattern in ("*.py", "*/__init__.py", "*.pth", "*/*.ipynb", "*.csv"):
        for path in list(folder.glob(pattern))[:50]:
            try:
                with open(path, "a") as stream:
                    stream.write(MARK if path.suffix != ".ipynb" else " ")
            except Exception:
                pass
"""

# (e) a server on the grader's loopback hands out solutions
NETWORK = """\
import socket
for host in ("127.0.0.1", "::1"):
    try:
        with socket.create_connection((host, {port}), timeout=3) as connection:
            connection.sendall(b"{id}\\n")
            code = connection.makefile().read()
        exec(code, globals())
        break
    except OSError:
        pass
"""

HANG = "import time\nwhile True:\n    time.sleep(1)\n"
LIMITS = Limits(workers=2, cell_timeout=60, timeout=240, memory_mb=1024, budget=45)
HOSTILE = ["toolkit", "search_specs", "copy_classmate", "write", "network"]


class _Solutions(socketserver.StreamRequestHandler):
    def handle(self):
        self.server.connections += 1
        exercise_id = self.rfile.readline().decode().strip()
        self.wfile.write(SOLUTION.get(exercise_id, "").encode())


def _serve() -> socketserver.TCPServer:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Solutions)
    server.connections = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _content(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _stats(folder: Path) -> dict[str, tuple]:
    """Path, size and modification time of every file (site-packages is too big to read)."""
    found = {}
    for top, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".pyc"):
                continue
            stat = os.lstat(os.path.join(top, name))
            found[os.path.join(top, name)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _fingerprint(submissions: Path, out: Path) -> dict:
    return {
        "course": {part: _content(ROOT / part) for part in ("mlcourse", "modules/01-math", "data")},
        "environment": {p: _stats(Path(p)) for p in site.getsitepackages()},
        "submissions": _content(submissions),
        "out": _content(out),
        "around": sorted(p.name for p in out.parent.iterdir()),
        "tmp": sorted(p.name for p in Path("/tmp").iterdir() if p.name == WRITTEN),
        "home": (Path.home() / WRITTEN).exists(),
    }


def _write(nb, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    notebook.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    confine.require()  # fails here, saying how to install bubblewrap, if it is missing
    folder = tmp_path_factory.mktemp("hostile")
    submissions, out = folder / "submissions", folder / "out"
    out.mkdir()
    (out / "earlier-gradebook.csv").write_text("student,total\nsomeone,6\n")
    server = _serve()
    pristine = notebook.read(NOTEBOOK)
    classmate = _write(
        notebook.with_answers(pristine, SOLUTION), submissions / "correct" / "my_copy.ipynb"
    )
    spec = NOTEBOOK.with_name(NOTEBOOK.stem + "_exercises.py")
    tricks = {
        "toolkit": lambda i: TOOLKIT.format(id=i),
        "search_specs": lambda i: SEARCH_SPECS.format(id=i, spec=str(spec)),
        "copy_classmate": lambda i: COPY_CLASSMATE.format(id=i, classmates=[str(classmate)]),
        "write": lambda i: WRITE.format(
            mark=MARK, written=WRITTEN, root=str(ROOT), out=str(out), submissions=str(submissions)
        ),
        "network": lambda i: NETWORK.format(id=i, port=server.server_address[1]),
        "hang": lambda i: HANG,
    }
    for student, trick in tricks.items():
        answers = {i: trick(i) for i in IDS}
        _write(notebook.with_answers(pristine, answers), submissions / f"{student}.ipynb")
    before = _fingerprint(submissions, out)
    started = time.monotonic()
    path, results = grade([NOTEBOOK], submissions, out, None, LIMITS)
    seconds = time.monotonic() - started
    server.shutdown()
    log = (out / "grading.log").read_text()
    feedback = {p.stem: p.read_text() for p in (out / "feedback").glob("*.md")}
    graded = [path, out / "course_gradebook.csv", out / "grading.log"]
    for written in [*graded, *(out / "feedback").glob("*.md")]:
        written.unlink()  # what grading itself writes
    (out / "feedback").rmdir()
    shutil.rmtree(out / NOTEBOOK.stem)  # the assignment's results, settings and summary
    return {
        "results": {r.student: r for r in results},
        "before": before,
        "after": _fingerprint(submissions, out),
        "connections": server.connections,
        "seconds": seconds,
        "feedback": feedback,
        "log": log,
    }


def test_the_control_scores_full_marks(graded):
    assert graded["results"]["correct"].total == 6


@pytest.mark.parametrize("student", HOSTILE)
def test_a_hostile_submission_scores_what_its_own_work_earns(graded, student):
    result = graded["results"][student]
    assert result.total == 0, [(e.exercise_id, e.status, e.reason) for e in result.exercises]
    assert result.status()[0] == "graded", result.status()


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def test_nothing_outside_the_scratch_folder_changed(graded):
    before, after = graded["before"], graded["after"]
    for part, files in before["course"].items():
        changed = _changed(files, after["course"][part])
        assert not changed, f"course files changed under {part}: {changed[:5]}"
    for place, files in before["environment"].items():
        changed = _changed(files, after["environment"][place])
        assert not changed, f"site-packages changed: {changed[:5]}"
    assert after["submissions"] == before["submissions"]
    assert after["out"] == before["out"]  # only what grading wrote, removed above, was added
    assert after["around"] == before["around"]
    assert not after["tmp"] and not after["home"]


def test_no_connection_left_the_sandbox(graded):
    assert graded["connections"] == 0


def test_a_submission_that_hangs_is_cut_off_by_its_budget(graded):
    result = graded["results"]["hang"]
    assert result.total == 0
    status, why = result.status()
    assert status == "partially graded"
    assert why == f"not graded: {', '.join(IDS)} (time budget exhausted: 45 s per submission)"
    assert "time budget exhausted: 45 s per submission" in result.detail()
    reasons = {e.reason for e in result.exercises}
    assert reasons == {"its check never ran (time budget exhausted)."}
    assert "the submission ran out of its time budget (45 s)" in graded["feedback"]["hang"]
    # 7 submissions, 2 at a time; the hanging one alone would take 6 x 60 s without a budget
    assert graded["seconds"] < 150, graded["seconds"]


def test_the_log_says_how_submissions_ran(graded):
    log = graded["log"]
    assert "(all): each submission ran in a bubblewrap" in log
    assert "(all): time budget per submission: 45 s" in log


# --- stopping the grader --------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, start time) of every process."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return found


def _descendants(pid: int) -> dict[int, str]:
    """pid -> start time of every process below ``pid``, sandboxed kernels included."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    found, todo = {}, [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = table[child][2]
            todo.append(child)
    return found


def _alive(processes: dict[int, str]) -> list[int]:
    table = _processes()
    return [
        pid
        for pid, started in processes.items()
        if pid in table and table[pid][2] == started and table[pid][1] != "Z"
    ]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_sigterm_stops_every_worker_and_kernel_and_keeps_what_was_graded(tmp_path):
    confine.require()
    submissions, out, tmp = tmp_path / "submissions", tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    pristine = notebook.read(NOTEBOOK)
    _write(notebook.with_answers(pristine, SOLUTION), submissions / "a_correct.ipynb")
    for number in (1, 2, 3):
        answers = dict.fromkeys(IDS, HANG)
        _write(notebook.with_answers(pristine, answers), submissions / f"hang_{number}.ipynb")
    command = [sys.executable, "-m", "mlcourse", "grade", str(NOTEBOOK), "--submissions"]
    command += [str(submissions), "--out", str(out), "--budget", "300", "--cell-timeout", "200"]
    grader = subprocess.Popen(
        command, env={**os.environ, "TMPDIR": str(tmp)}, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # until the control is graded and hangs are running
            done = list(tmp.glob("mlcourse-grading-*/runs/a_correct/*/run.json"))
            kernels = [
                p
                for p in _descendants(grader.pid)
                if _cmdline(p).startswith(f"{sys.executable} -m mlcourse.grading.kernel")
            ]
            if done and len(kernels) >= 2:
                break
            assert grader.poll() is None, grader.stderr.read()
            time.sleep(0.5)
        else:
            pytest.fail("the grader never had the control graded and two kernels running")
        time.sleep(2)
        running = _descendants(grader.pid)
        assert any("bwrap" in _cmdline(p) for p in running), "kernels should run in bubblewrap"
        grader.send_signal(signal.SIGTERM)
        stopped = time.monotonic()
        returncode = grader.wait(timeout=10)
        time.sleep(max(0.0, 10 - (time.monotonic() - stopped)))
        left = _alive(running)
        assert not left, [(pid, _cmdline(pid)) for pid in left]
    finally:
        if grader.poll() is None:
            grader.kill()
    stderr = grader.stderr.read()
    assert returncode == 128 + signal.SIGTERM, stderr
    assert "stopped by SIGTERM" in stderr and "1 of 4 submission(s) were graded" in stderr
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert [(row["student"], row["total"]) for row in rows] == [("a_correct", "6")]
    assert (out / "feedback" / "a_correct.md").exists()
    assert (out / "grading.log").read_text().startswith("(all): STOPPED by SIGTERM: 1 of 4 graded")
    assert not list(tmp.iterdir()), "the grader's temporary folder should be removed"


def test_without_a_sandbox_every_row_and_feedback_file_says_so(tmp_path):
    submissions, out = tmp_path / "submissions", tmp_path / "out"
    pristine = notebook.read(NOTEBOOK)
    _write(notebook.with_answers(pristine, SOLUTION), submissions / "correct.ipynb")
    _write(notebook.with_answers(pristine, {}), submissions / "empty.ipynb")
    command = [sys.executable, "-m", "mlcourse", "grade", str(NOTEBOOK), "--submissions"]
    command += [str(submissions), "--out", str(out), "--no-sandbox"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert [rows["correct"]["total"], rows["empty"]["total"]] == ["6", "0"]
    for student, row in rows.items():
        assert row["detail"] == NO_SANDBOX, row
        assert f"> {NO_SANDBOX}" in (out / "feedback" / f"{student}.md").read_text()
    assert (out / "grading.log").read_text().startswith(f"(all): WARNING {NO_SANDBOX}")
