"""``make capstone-check``: the capstone's acceptance tests against your package, by milestone.

``tests/capstone`` runs in a pytest subprocess (so a crash of your code cannot take the table
down) with this module loaded as a plugin: it writes one JSON line per test phase. Each test
belongs to a milestone (``capstone/milestones.py``); each milestone then reads

- **passed**: every test of it passed (skipped ones are left out);
- **failing**: some test failed for a reason other than a skeleton stub; the first reason shown;
- **not attempted**: every failure is a skeleton stub's ``NotImplementedError`` (raised by the
  test, by a fixture it needs, or by a server it called: the stub's message is searched in the
  failure and in the output the test captured), and the milestone's own functions are still
  stubs in your package, or it has none of its own (the story);
- **waiting on milestone N**: as above, but you have written this milestone's functions and only
  the stubs of other milestones stop its tests (N: the first of them). Milestone 1 feeds every
  test's data, so until it passes every milestone waits on it. Reading it as "not attempted"
  would hide work you did; reading it as "failing" would blame code the tests never reached.

The exit status is 0 only when every milestone passed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from mlcourse import outcomes
from mlcourse.outcomes import NOT_ATTEMPTED, NOT_RUN
from mlcourse.skeleton import STUB_PREFIX

RESULTS_VARIABLE = "MLCOURSE_CAPSTONE_RESULTS"
STUB_RAISED = re.compile(rf"NotImplementedError: {STUB_PREFIX}(\d+) \(")
TESTS = Path("tests", "capstone")
# "not attempted" and "not run" mean what they mean for a notebook's exercises (one source,
# mlcourse.outcomes); "passed", "failing" and "waiting" describe a milestone's tests.
PASSED, FAILING, WAITING = "passed", "failing", "waiting"
SYMBOLS = {
    **outcomes.SYMBOLS,
    PASSED: outcomes.SYMBOLS[outcomes.CORRECT],
    FAILING: outcomes.SYMBOLS[outcomes.INCORRECT],
    WAITING: "…",
}
GIVEN = "given"  # the row of GIVEN_TESTS: plumbing shipped whole
OTHER = "other"  # tests no milestone claims


# --- the pytest plugin (loaded in the subprocess with -p mlcourse.capstone_check) -------------

_state: dict = {}


def pytest_configure(config):
    path = os.environ.get(RESULTS_VARIABLE)
    # Under pytest-xdist the controller receives every worker's reports: only it writes.
    if path and not hasattr(config, "workerinput"):
        _state["path"] = path


def _one_line(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = getattr(crash, "message", "") or report.longreprtext.strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else "failed"
    return line if len(line) <= 200 else line[:197] + "..."


def _write(record: dict) -> None:
    with open(_state["path"], "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def pytest_runtest_logreport(report):
    if "path" not in _state:
        return
    if report.when == "teardown":  # progress: one character per test, on the check's stderr
        sys.stderr.write("." if _state.pop(report.nodeid, "passed") != "failed" else "x")
        sys.stderr.flush()
    elif report.failed:
        _state[report.nodeid] = "failed"
    record = {"nodeid": report.nodeid, "when": report.when, "outcome": report.outcome}
    if report.failed:
        captured = "\n".join(content for _, content in report.sections)
        found = STUB_RAISED.findall(report.longreprtext + "\n" + captured)
        record["stubs"] = sorted({int(number) for number in found})
        record["reason"] = _one_line(report)
    _write(record)


def pytest_collectreport(report):
    if "path" in _state and report.failed:
        found = STUB_RAISED.findall(report.longreprtext)
        _write(
            {
                "nodeid": report.nodeid,
                "when": "collect",
                "outcome": "failed",
                "stubs": sorted({int(number) for number in found}),
                "reason": f"could not import the tests: {_one_line(report)}",
            }
        )


# --- running and judging -----------------------------------------------------------------------


@dataclass
class TestResult:
    nodeid: str
    outcome: str = "passed"  # passed, failed, skipped
    stubs: list[int] = field(default_factory=list)
    reason: str = ""

    @property
    def stub_only(self) -> bool:
        return self.outcome == "failed" and bool(self.stubs)


@dataclass
class MilestoneRow:
    key: str  # "1".."9", GIVEN or OTHER
    title: str
    status: str = NOT_RUN
    reason: str = ""
    tests: list[TestResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(t.outcome == outcome for t in self.tests)


@dataclass
class CapstoneReport:
    rows: list[MilestoneRow]
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def all_passed(self) -> bool:
        return not self.problems and all(r.status == PASSED for r in self.rows)


def _test_results(lines: list[str]) -> dict[str, TestResult]:
    """One result per test from the plugin's records (setup, call and teardown phases)."""
    results: dict[str, TestResult] = {}
    for line in lines:
        record = json.loads(line)
        result = results.setdefault(record["nodeid"], TestResult(record["nodeid"]))
        if record["outcome"] == "failed":
            if result.outcome != "failed":  # the first failing phase gives the reason
                result.reason = record.get("reason", "")
            result.outcome = "failed"
            result.stubs = sorted(set(result.stubs) | set(record.get("stubs", [])))
        elif record["outcome"] == "skipped" and result.outcome == "passed":
            result.outcome = "skipped"
    return results


def _claims(test: str, nodeid: str) -> bool:
    """Does a milestone's test entry (``file`` or ``file::name``) cover this node id?"""
    path, _, name = nodeid.partition("::")
    if Path(path).name != test.partition("::")[0]:
        return False
    wanted = test.partition("::")[2]
    return not wanted or name.split("[")[0] == wanted or not name  # a file's collect error


def _status_of_functions(root: Path, functions) -> tuple[bool, list[str]]:
    import ast

    from mlcourse import skeleton

    written, problems = False, []
    for function in functions:
        module, _, qualname = function.partition(":")
        try:
            path = skeleton.module_file(root, module)
            node = skeleton.find_function(ast.parse(path.read_text()), qualname, str(path))
        except (LookupError, SyntaxError) as err:
            problems.append(f"{function}: {err}")
            written = True  # gone or broken: its tests will say how
            continue
        written |= not skeleton.is_stub(node)
    return written, problems


def load_milestones(root: Path):
    """``capstone/milestones.py`` of the package under ``root`` (not whichever is imported)."""
    import importlib.util

    path = root / "capstone" / "milestones.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: run this from the capstone's folder (a release made by "
            "`mlcourse release capstone`, or the course itself)"
        )
    name = f"_capstone_milestones_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def judge(row: MilestoneRow, own_written: bool) -> None:
    """Set ``row.status`` and ``row.reason`` from its tests (see the module's docstring)."""
    failed = [t for t in row.tests if t.outcome == "failed"]
    if not row.tests:
        row.status, row.reason = NOT_RUN, "its tests were deselected or not found"
    elif not failed:
        skipped = row.count("skipped")
        row.status, row.reason = PASSED, f"{skipped} skipped" if skipped else ""
    elif real := [t for t in failed if not t.stub_only]:
        first = real[0]
        row.status = FAILING
        row.reason = f"{first.nodeid.split('::')[-1]}: {first.reason}"
    else:
        blocking = sorted({n for t in failed for n in t.stubs})
        own = row.key.isdigit() and int(row.key) in blocking
        others = [n for n in blocking if str(n) != row.key]
        if own or not own_written:
            row.status = NOT_ATTEMPTED
            row.reason = (
                f"its tests need milestone {', '.join(map(str, others))} first" if others else ""
            )
        else:
            row.status, row.reason = WAITING, f"on milestone {others[0]}"


def run_capstone_check(
    root: Path | None = None,
    workers: int = 2,
    milestones: list[int] | None = None,
    fast: bool = False,
    progress=None,
) -> CapstoneReport:
    """Run ``tests/capstone`` under ``root`` (the course root) and judge each milestone."""
    import tempfile

    from mlcourse.layout import course_root

    root = Path(root or course_root()).resolve()
    plan = load_milestones(root)
    MILESTONES, GIVEN_TESTS = plan.MILESTONES, plan.GIVEN_TESTS  # noqa: N806
    chosen = [m for m in MILESTONES if not milestones or m.number in milestones]
    unknown = sorted(set(milestones or ()) - {m.number for m in MILESTONES})
    if unknown:
        raise ValueError(
            f"no milestone {unknown}; choose from {[m.number for m in MILESTONES]} "
            "(e.g. --milestone 3)"
        )
    tests_dir = root / TESTS
    if not tests_dir.is_dir():
        raise FileNotFoundError(
            f"{tests_dir} does not exist: run this from the capstone's folder (a release made "
            "by `mlcourse release capstone`, or the course itself)"
        )
    if milestones:
        targets = sorted({str(TESTS / test) for m in chosen for test in m.tests})
    else:
        targets = [str(TESTS)]
    progress = progress or sys.stderr
    with tempfile.TemporaryDirectory(prefix="capstone-check-") as folder:
        results_path = Path(folder) / "results.jsonl"
        results_path.touch()
        env = {
            **os.environ,
            RESULTS_VARIABLE: str(results_path),
            "MLCOURSE_ROOT": str(root),
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p
            ),
            "MLFLOW_DISABLE_TELEMETRY": "true",
        }
        command = [sys.executable, "-m", "pytest", *targets, "-p", "mlcourse.capstone_check"]
        command += ["-p", "no:cacheprovider", "-o", "addopts=", "-q", "--tb=short", "--no-header"]
        command += ["--rootdir", str(root)]
        if workers > 1:
            command += ["-n", str(workers), "--dist", "loadfile"]
        if fast:
            command += ["-m", "not slow"]
        progress.write(f"running {' '.join(targets)} ({'-n ' + str(workers)})\n")
        progress.flush()
        started = time.perf_counter()
        # pytest's own report goes to a pipe (the table replaces it); the plugin's progress
        # characters reach the terminal through the inherited stderr.
        done = subprocess.run(command, cwd=root, env=env, stdout=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        progress.write("\n")
        lines = results_path.read_text().splitlines()
    results = _test_results(lines)
    report = CapstoneReport(rows=[], seconds=seconds)
    if done.returncode not in (0, 1) or not results:
        tail = done.stdout.strip().splitlines()[-15:]
        report.problems.append(
            f"pytest exited with status {done.returncode} after {len(results)} test(s):\n    "
            + "\n    ".join(tail)
        )
    claimed: set[str] = set()
    for milestone in chosen:
        row = MilestoneRow(str(milestone.number), milestone.title)
        row.tests = [r for n, r in results.items() if any(_claims(t, n) for t in milestone.tests)]
        claimed |= {t.nodeid for t in row.tests}
        own_written, problems = _status_of_functions(root, milestone.functions)
        report.problems += problems
        judge(row, own_written)
        report.rows.append(row)
    if not milestones:
        given = MilestoneRow(GIVEN, "settings (given)")
        given.tests = [r for n, r in results.items() if any(_claims(t, n) for t in GIVEN_TESTS)]
        claimed |= {t.nodeid for t in given.tests}
        other = MilestoneRow(OTHER, "no milestone")  # add them to capstone/milestones.py
        other.tests = [r for n, r in results.items() if n not in claimed]
        for row in (given, other):
            if row.tests:
                judge(row, own_written=True)
                report.rows.append(row)
    return report


def format_table(report: CapstoneReport) -> str:
    lines = []
    for row in report.rows:
        counts = f"{row.count('passed')}/{len(row.tests) - row.count('skipped')}"
        status = f"{row.status} {row.reason}" if row.status == WAITING else row.status
        detail = "" if row.status == WAITING or not row.reason else f"  ({row.reason})"
        lines.append(
            f"  {SYMBOLS.get(row.status, '?')} {row.key:>5}  {row.title:<20} {counts:>7} tests"
            f"  {status}{detail}"
        )
    milestones = [r for r in report.rows if r.key.isdigit()]
    passed = sum(r.status == PASSED for r in milestones)
    lines.append(
        f"\n{passed} of {len(milestones)} milestones passed"
        + "".join(
            f", {sum(r.status == s for r in milestones)} {s}"
            for s in (FAILING, WAITING, NOT_ATTEMPTED, NOT_RUN)
            if any(r.status == s for r in milestones)
        )
        + f" ({report.seconds:.0f} s)"
    )
    lines += [f"problem: {p}" for p in report.problems]
    return "\n".join(lines)
