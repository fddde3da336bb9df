"""Where the time of `make test` goes: the whole suite, timed per part, and the projection to a
35-notebook course against the 15-minute budget.

Runs the suite as `make test` does (2 workers, ``--dist loadfile``), with a JUnit report, and
adds up each test's time by part: notebook runs (per notebook, shipped + solved), capstone,
grading, harness self-tests, other unit tests. Parts run side by side on the workers, so part
times add up to about twice the wall time.

    python benchmarks/suite_times.py [--workers 2] [PYTEST ARGS ...]

Budget (the authoring rule that makes it fit): a notebook run <= 60 s hard cap, median <= 15 s;
the whole `make test` <= 15 min on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from mlcourse.layout import course_root

BUDGET_S = 15 * 60
NOTEBOOK_CAP_S = 60
NOTEBOOK_MEDIAN_S = 15
COURSE_NOTEBOOKS = 35


def part_of(classname: str, name: str) -> str:
    """The part of the suite a JUnit test case belongs to."""
    if ".ipynb" in classname:
        return "notebook runs"
    path = classname.replace(".", "/")
    for prefix, part in (
        ("tests/capstone", "capstone"),
        ("tests/grading", "grading"),
        ("tests/test_harness", "harness self-tests"),
        ("tests/test_mutants", "check strength"),
        ("tests/test_learner_mode", "learner mode"),
        ("tests/test_check_command", "make check"),
    ):
        if path.startswith(prefix):
            return part
    return "other unit tests"


def notebook_of(classname: str, name: str) -> str:
    """'modules/01-math/01_x.ipynb::solved' from a notebook cell's JUnit names."""
    head, _, variant = classname.partition(".ipynb")
    return f"{head.replace('.', '/')}.ipynb::{variant.strip('.') or name}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args, pytest_args = parser.parse_known_args(argv)
    root = course_root()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        start = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-n", str(args.workers), "--dist", "loadfile", "-q"]
            + [f"--junitxml={report}", "-o", "junit_family=xunit2", *pytest_args],
            cwd=root,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        cases = ET.parse(report).getroot().iter("testcase")
        parts, runs = defaultdict(float), defaultdict(float)
        count = 0
        for case in cases:
            seconds = float(case.get("time", 0))
            classname, name = case.get("classname", ""), case.get("name", "")
            part = part_of(classname, name)
            parts[part] += seconds
            if part == "notebook runs":
                runs[notebook_of(classname, name)] += seconds
            count += 1
    print(f"make test's pytest part: {count} tests, {wall:.0f} s wall with {args.workers} workers")
    print(f"\n{'seconds':>8}  part (summed over workers)")
    for part, seconds in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"{seconds:8.1f}  {part}")
    print(f"\n{'seconds':>8}  notebook run")
    for run, seconds in sorted(runs.items(), key=lambda kv: -kv[1]):
        flag = f"  over the {NOTEBOOK_CAP_S} s cap" if seconds > NOTEBOOK_CAP_S else ""
        print(f"{seconds:8.1f}  {run}{flag}")
    if runs:
        notebooks = len(runs) / 2
        median = statistics.median(runs.values())
        learner = parts.get("learner mode", 0.0)  # one learner-mode run per notebook
        fixed = sum(parts.values()) - parts["notebook runs"] - learner
        per_notebook = (parts["notebook runs"] + learner) / notebooks
        rule = 3 * NOTEBOOK_MEDIAN_S  # shipped, solved and learner runs at the median rule
        projected_rule = (COURSE_NOTEBOOKS * rule + fixed) / args.workers
        projected_today = (COURSE_NOTEBOOKS * per_notebook + fixed) / args.workers
        print(
            f"\n{notebooks:.0f} notebooks, median run {median:.1f} s (rule: <= {NOTEBOOK_MEDIAN_S} s);"
            f" {per_notebook:.0f} s per notebook for its shipped, solved and learner-mode runs."
            f"\nProjection to {COURSE_NOTEBOOKS} notebooks, {args.workers} workers, the rest as today "
            f"({fixed:.0f} s): {projected_today / 60:.1f} min at today's rate, "
            f"{projected_rule / 60:.1f} min if every run took the {NOTEBOOK_MEDIAN_S} s median "
            f"(budget {BUDGET_S / 60:.0f} min, plus ~1 min of install and lint)."
        )
    print(
        f"pytest: {result.stdout.strip().splitlines()[-1] if result.stdout.strip() else 'no output'}"
    )
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
