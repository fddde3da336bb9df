"""The capstone as a project to build: its skeleton release, the milestone table, the milestones.

Fast tests hold ``capstone/milestones.py`` to the code and to ``tests/capstone`` and check the
``ast`` machinery; the slow ones make the real release (``mlcourse release capstone``, solved
runs of the guided notebooks included) and prove the issue's three claims on it: no reference
body anywhere in it, its milestone table reads "not attempted" everywhere, and with the
reference bodies pasted back every milestone passes.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from capstone.milestones import GIVEN_TESTS, MILESTONES, split_name, stub_message
from mlcourse import capstone_check, skeleton
from mlcourse.release import NOTICE, release, skeleton_stubs, write_skeleton
from tests.conftest import ROOT

CAPSTONE_TESTS = ROOT / "tests" / "capstone"
LISTED = [(m, f) for m in MILESTONES for f in m.functions]


# --- the milestones, held to the code -----------------------------------------------------------


@pytest.mark.parametrize("function", [f for _, f in LISTED])
def test_every_listed_function_exists_and_round_trips(function):
    module, qualname = split_name(function)
    path = skeleton.module_file(ROOT, module)
    source = path.read_text()
    node = skeleton.find_function(ast.parse(source), qualname, str(path))  # raises if missing
    assert not skeleton.is_stub(node), f"{function} is a stub in the reference itself"
    stubbed = skeleton.stub(source, {qualname: "Milestone 0 (t): write it"}, str(path))
    assert skeleton.is_stub(skeleton.find_function(ast.parse(stubbed), qualname))
    assert skeleton.paste(stubbed, source, [qualname]) == source


def test_milestones_are_numbered_in_order_and_list_each_function_once():
    assert [m.number for m in MILESTONES] == list(range(1, len(MILESTONES) + 1))
    functions = [f for _, f in LISTED]
    assert len(functions) == len(set(functions)), "a function is listed twice"
    assert sum(len(m) for m in skeleton_stubs(ROOT).values()) == len(functions)


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def test_every_capstone_test_belongs_to_one_milestone_and_every_entry_exists():
    entries = [(m.number, t) for m in MILESTONES for t in m.tests] + [
        ("given", t) for t in GIVEN_TESTS
    ]
    files = {p.name for p in CAPSTONE_TESTS.glob("test_*.py")}
    for owner, entry in entries:
        name, _, test = entry.partition("::")
        assert name in files, f"milestone {owner}: tests/capstone/{name} does not exist"
        if test:
            assert test in _test_names(CAPSTONE_TESTS / name), (
                f"milestone {owner}: no test {test} in tests/capstone/{name}"
            )
    whole = {e for _, e in entries if "::" not in e}
    for name in sorted(files - whole):
        claimed = {e.partition("::")[2] for _, e in entries if e.startswith(name + "::")}
        unclaimed = sorted(t for t in _test_names(CAPSTONE_TESTS / name) if t.startswith("test_"))
        unclaimed = [t for t in unclaimed if t not in claimed]
        assert not unclaimed, (
            f"tests/capstone/{name}: {unclaimed} belong to no milestone; add the file (or each "
            "test as 'file::test') to a milestone's tests in capstone/milestones.py"
        )
    assert len(entries) == len({e for _, e in entries}), "a test is claimed twice"


def _course_copy(tmp_path: Path, extra_function: str) -> Path:
    """A course root whose milestones list one more function than the real one."""
    copy = tmp_path / "course"
    shutil.copytree(ROOT / "capstone", copy / "capstone", ignore=shutil.ignore_patterns("runs"))
    path = copy / "capstone" / "milestones.py"
    text = path.read_text()
    anchor = '"capstone.features:build_features",'
    assert anchor in text
    path.write_text(text.replace(anchor, f"{anchor} {extra_function!r},", 1))
    return copy


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("capstone.features:build_feature", "no function or class 'build_feature' in capstone/"),
        ("capstone.featurez:build_features", "no module 'capstone.featurez'"),
        ("capstone.train:SeasonalNaiveRegressor.fitt", "no function or class 'fitt' in"),
        ("capstone.train:SeasonalNaiveRegressor", "is a class in"),
        ("capstone.features", "should be 'module:qualname'"),
    ],
)
def test_a_listed_name_that_does_not_exist_fails_clearly(tmp_path, function, message):
    course = _course_copy(tmp_path, function)
    with pytest.raises((LookupError, ValueError), match=re.escape(message)):
        write_skeleton(course, tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing written


def test_release_capstone_with_a_missing_name_stops_before_the_solved_runs(tmp_path):
    course = _course_copy(tmp_path, "capstone.features:build_feature")
    env = {**os.environ, "MLCOURSE_ROOT": str(course)}
    done = subprocess.run(
        [sys.executable, "-m", "mlcourse", "release", "capstone", "--out", str(tmp_path / "out")],
        cwd=course, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "mlcourse release: build_feature: no function or class 'build_feature'" in done.stderr
    assert "Fix the name in capstone/milestones.py" in done.stderr
    assert not (tmp_path / "out").exists()


# --- the ast machinery --------------------------------------------------------------------------

SAMPLE = '''\
import functools


def plain(x):
    # a comment that gives the answer away
    return x + 1  # inline


@functools.cache
def decorated(
    a: int,
    b: int = 2,
) -> int:
    """Docstring kept."""
    total = a
    for _ in range(b):
        total += a
    return total
    # a trailing comment inside the function


class Holder:
    """A class."""

    def method(self):
        """Only a docstring."""

    async def fetch(self):
        """Async too."""
        return await something()  # noqa


# a comment after the class stays
AFTER = plain(1)
'''


def test_stub_keeps_signature_decorators_docstrings_and_the_rest():
    names = ["plain", "decorated", "Holder.method", "Holder.fetch"]
    stubbed = skeleton.stub(SAMPLE, {n: f"Milestone 1 (T): write {n}" for n in names})
    tree = ast.parse(stubbed)
    for name in names:
        assert skeleton.is_stub(skeleton.find_function(tree, name)), name
    for kept in ("@functools.cache", "    b: int = 2,\n) -> int:", '"""Docstring kept."""',
                 '"""Only a docstring."""', "# a comment after the class stays", "AFTER = "):  # fmt: skip
        assert kept in stubbed
    for gone in ("gives the answer away", "total += a", "trailing comment", "await something"):
        assert gone not in stubbed
    assert skeleton.paste(stubbed, SAMPLE, names) == SAMPLE
    # a body on the line of its def cannot be cut cleanly: said so
    with pytest.raises(ValueError, match="starts on the line of the `def`"):
        skeleton.stub("def f(): return 1\n", {"f": "Milestone 1 (T): f"})
    with pytest.raises(LookupError, match="'Holder.nope'|no function or class 'nope'"):
        skeleton.stub(SAMPLE, {"Holder.nope": "Milestone 1 (T): x"})
    with pytest.raises(LookupError, match="plain is a function, not a class"):
        skeleton.stub(SAMPLE, {"plain.inner": "Milestone 1 (T): x"})


def test_is_stub_is_false_once_anything_is_written():
    written = SAMPLE.replace(
        "return x + 1  # inline", 'raise NotImplementedError("Milestone 1")\n    return x'
    )
    assert not skeleton.is_stub(skeleton.find_function(ast.parse(written), "plain"))
    other = SAMPLE.replace("return x + 1  # inline", 'raise NotImplementedError("later")')
    assert not skeleton.is_stub(skeleton.find_function(ast.parse(other), "plain"))


def test_judging_a_milestone_from_its_tests():
    def row(key, *tests):
        r = capstone_check.MilestoneRow(key, "t")
        r.tests = [capstone_check.TestResult(f"f.py::t{i}", *t) for i, t in enumerate(tests)]
        return r

    stub1, stub3 = ("failed", [1], "stub"), ("failed", [3], "stub")
    bug, ok = ("failed", [], "AssertionError: assert 1 == 2"), ("passed", [], "")
    cases = [
        (row("3", ok, ok), False, "passed", ""),
        (row("3", ok, stub3, stub1), False, "not attempted", "its tests need milestone 1 first"),
        (row("3", stub1), False, "not attempted", "its tests need milestone 1 first"),
        (row("3", stub1), True, "waiting", "on milestone 1"),
        (row("3", stub3, stub1), True, "not attempted", "its tests need milestone 1 first"),
        (row("3", stub1, bug), True, "failing", "t1: AssertionError: assert 1 == 2"),
        (row("9", stub1), False, "not attempted", "its tests need milestone 1 first"),
        (row("3"), False, "not run", "its tests were deselected or not found"),
    ]
    for milestone, own_written, status, reason in cases:
        capstone_check.judge(milestone, own_written)
        assert (milestone.status, milestone.reason) == (status, reason)


def test_check_capstone_rejects_an_unknown_milestone():
    with pytest.raises(ValueError, match=r"no milestone \[42\]; choose from \[1, 2"):
        capstone_check.run_capstone_check(ROOT, milestones=[42])


# --- the real release (slow) --------------------------------------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("capstone-release") / "cohort"
    started = time.perf_counter()
    release([Path("capstone")], out)
    print(f"\nrelease capstone: {time.perf_counter() - started:.0f} s")
    return out


def _table(folder: Path, *options: str) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m mlcourse check capstone`` run in ``folder``, with the toolkit shipped there."""
    env = {**os.environ, "MLCOURSE_ROOT": str(folder), "PYTHONPATH": str(folder)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mlcourse", "check", "capstone", *options],
        cwd=folder, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    return done, time.perf_counter() - started


def _rows(stdout: str) -> dict[str, str]:
    """Milestone number -> its status words, from the printed table."""
    rows = {}
    for line in stdout.splitlines():
        found = re.match(r"\s+\S\s+(\d+)\s+.+?\s+\d+/\d+ tests\s+(.+?)(\s+\(.*\))?$", line)
        if found:
            rows[found.group(1)] = found.group(2)
    return rows


def _reference_bodies() -> dict[str, ast.AST]:
    """``module:qualname`` -> its reference ``def`` node."""
    bodies = {}
    for _, function in LISTED:
        module, qualname = split_name(function)
        path = skeleton.module_file(ROOT, module)
        bodies[function] = skeleton.find_function(ast.parse(path.read_text()), qualname)
    return bodies


# Lines of a reference body that the release may hold for another reason, with the reason.
SHARED_LINES = {
    "confidence=settings.gate_confidence,": "notebook 02 calls paired_bootstrap as the gate does",
    "resamples=settings.gate_resamples,": "notebook 02 calls paired_bootstrap as the gate does",
}


def _distinctive_lines(bodies) -> dict[str, str]:
    """Lines of the listed bodies found nowhere else in the reference package: line -> function."""
    elsewhere = ""
    by_module: dict[Path, list[str]] = {}
    for _, function in LISTED:
        module, qualname = split_name(function)
        by_module.setdefault(skeleton.module_file(ROOT, module), []).append(qualname)
    for path in sorted((ROOT / "capstone").rglob("*.py")):
        source = path.read_text()
        names = by_module.get(path)
        if names:  # the module with every listed body cut out
            source = skeleton.stub(source, {n: "Milestone 0 (x): x" for n in names})
        elsewhere += source
    lines = {}
    for function, node in bodies.items():
        for statement in skeleton.statements(node):
            for line in ast.get_source_segment(
                skeleton.module_file(ROOT, split_name(function)[0]).read_text(), statement
            ).splitlines():
                line = line.strip()
                if len(line) >= 30 and line not in elsewhere and line not in SHARED_LINES:
                    lines[line] = function
    return lines


def _release_texts(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes().decode("utf-8", errors="ignore")


def _leaks(folder: Path) -> tuple[list[str], list[str]]:
    """(reference bodies, distinctive reference lines) found anywhere under ``folder``."""
    import json

    bodies = _reference_bodies()
    dumps = {skeleton.body_dump(node): function for function, node in bodies.items()}
    lines = _distinctive_lines(bodies)
    assert len(lines) > len(bodies), "too few distinctive lines to look for"
    found_dumps, found_lines = [], []
    for path, text in _release_texts(folder):
        sources = []
        if path.suffix == ".py":
            sources = [text]
        elif path.suffix == ".ipynb":
            cells = json.loads(text)["cells"]
            sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        for source in sources:
            try:
                tree = ast.parse(source)
            except SyntaxError:  # a notebook cell with magics
                continue
            for node in ast.walk(tree):
                if isinstance(node, skeleton.FUNCTIONS) and skeleton.body_dump(node) in dumps:
                    found_dumps.append(f"{path.relative_to(folder)}: {node.name}")
        found_lines += [
            f"{path.relative_to(folder)}: {line!r} (from {function})"
            for line, function in lines.items()
            if line in text
        ]
    return found_dumps, found_lines


@pytest.mark.slow
def test_the_release_holds_no_reference_body(released):
    assert (released / "capstone" / "milestones.py").is_file()
    assert (released / "tests" / "capstone" / "conftest.py").is_file()
    assert (released / "benchmarks" / "capstone_serving.py").is_file()
    assert (released / "capstone" / "notebooks" / "01_data_features_expected.json").is_file()
    assert not list(released.rglob("*.pyc")) and not (released / "capstone" / "runs").exists()
    found_dumps, found_lines = _leaks(released)
    assert not found_dumps, f"reference bodies in the release: {found_dumps[:5]}"
    assert not found_lines, f"reference lines in the release: {found_lines[:5]}"
    # the stubs are the functions listed, and each names its milestone
    for milestone, function in LISTED:
        module, qualname = split_name(function)
        source = skeleton.module_file(released, module).read_text()
        node = skeleton.find_function(ast.parse(source), qualname)
        assert skeleton.is_stub(node), function
        assert stub_message(milestone, qualname) in source
    notice = " ".join((released / NOTICE).read_text().split())
    assert f"({len(LISTED)} of them)" in notice and "make capstone-check" in notice


@pytest.mark.slow
def test_the_no_reference_check_can_fail(released, tmp_path):
    """One body pasted back, one reference line quoted in a doc: both are found."""
    leaky = tmp_path / "leaky"
    shutil.copytree(released / "capstone", leaky / "capstone")
    _, function = LISTED[-1]
    module, qualname = split_name(function)
    path = skeleton.module_file(leaky, module)
    path.write_text(
        skeleton.paste(path.read_text(), skeleton.module_file(ROOT, module).read_text(), [qualname])
    )
    found_dumps, found_lines = _leaks(leaky)
    assert found_dumps == [f"{path.relative_to(leaky)}: {qualname.split('.')[-1]}"]
    assert found_lines and all(function in line for line in found_lines)
    line = sorted(_distinctive_lines(_reference_bodies()))[0]
    (leaky / "capstone" / "NOTES.md").write_text(f"I found this online:\n\n    {line}\n")
    shutil.copytree(released / "capstone", leaky / "capstone", dirs_exist_ok=True)  # stub back
    assert _leaks(leaky) == ([], [f"capstone/NOTES.md: {line!r} (from "
                                   f"{_distinctive_lines(_reference_bodies())[line]})"])  # fmt: skip


@pytest.mark.slow
def test_the_skeleton_reads_not_attempted_everywhere(released):
    done, seconds = _table(released)
    print(f"\ncheck capstone on the skeleton: {seconds:.0f} s\n{done.stdout}")
    assert done.returncode == 1, done.stdout + done.stderr
    rows = _rows(done.stdout)
    assert sorted(rows, key=int) == [str(m.number) for m in MILESTONES], done.stdout
    assert set(rows.values()) == {"not attempted"}, done.stdout
    assert (
        f"0 of {len(MILESTONES)} milestones passed, {len(MILESTONES)} not attempted" in done.stdout
    )
    assert "problem:" not in done.stdout and "Traceback" not in done.stdout


@pytest.mark.slow
def test_the_skeleton_with_the_reference_pasted_back_passes(released, tmp_path):
    solved = tmp_path / "solved"
    shutil.copytree(released, solved)
    by_module: dict[str, list[str]] = {}
    for _, function in LISTED:
        module, qualname = split_name(function)
        by_module.setdefault(module, []).append(qualname)
    for module, names in by_module.items():
        path = skeleton.module_file(solved, module)
        reference = skeleton.module_file(ROOT, module).read_text()
        path.write_text(skeleton.paste(path.read_text(), reference, names))
        assert path.read_text() == reference, f"{module}: the skeleton differs outside the bodies"
    done, seconds = _table(solved)
    print(f"\ncheck capstone on the skeleton + reference bodies: {seconds:.0f} s\n{done.stdout}")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = _rows(done.stdout)
    assert set(rows.values()) == {"passed"} and len(rows) == len(MILESTONES), done.stdout

    # One real bug in milestone 2 reads "failing" with its reason; the rest still pass.
    path = skeleton.module_file(solved, "capstone.features")
    path.write_text(
        path.read_text().replace("angle = 2 * np.pi * hour / 24", "angle = np.pi * hour / 24")
    )
    done, _ = _table(solved, "--milestone", "2")
    assert done.returncode == 1
    assert _rows(done.stdout) == {"2": "failing"}, done.stdout
    assert "test_shape_and_known_values: " in done.stdout


@pytest.mark.slow
def test_a_written_milestone_behind_a_stub_reads_waiting(released, tmp_path):
    """Milestone 2 written, milestone 1 still a stub: its tests never reach it."""
    learner = tmp_path / "learner"
    shutil.copytree(released, learner)
    names = [split_name(f)[1] for f in next(m for m in MILESTONES if m.number == 2).functions]
    path = skeleton.module_file(learner, "capstone.features")
    reference = skeleton.module_file(ROOT, "capstone.features").read_text()
    path.write_text(skeleton.paste(path.read_text(), reference, names))
    done, _ = _table(learner, "--milestone", "2")
    assert done.returncode == 1, done.stdout + done.stderr
    assert _rows(done.stdout) == {"2": "waiting on milestone 1"}, done.stdout
