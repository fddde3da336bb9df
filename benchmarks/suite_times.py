"""Per-notebook run times of the test suite (shipped and solved runs), one kernel at a time.

Runs the notebook part of the suite without parallel workers, so each figure is one notebook's
own time (kernel start included), and prints them with the 60 s budget of a notebook.

    python benchmarks/suite_times.py [PATH ...]
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

from mlcourse.registry import course_root

BUDGET_S = 60


def main(argv: list[str]) -> int:
    root = course_root()
    targets = argv or ["modules"]
    start = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *targets,
            "-p",
            "no:xdist",
            "-q",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "--nbval-cell-timeout=120",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    lines = result.stdout.splitlines()
    rows = []
    if "notebook run times" in result.stdout:
        index = next(i for i, line in enumerate(lines) if "notebook run times" in line)
        for line in lines[index + 1 :]:
            match = re.match(r"\s*([\d.]+) s\s+(\S+)", line)
            if not match:
                break
            rows.append((float(match[1]), match[2]))
    print(f"{'seconds':>8}  notebook run (1 kernel, no parallel workers)")
    for seconds, run in rows:
        flag = "" if seconds <= BUDGET_S else f"  over the {BUDGET_S} s budget"
        print(f"{seconds:8.1f}  {run}{flag}")
    print(
        f"\n{len(rows)} notebook runs, {sum(s for s, _ in rows):.1f} s in cells and kernels, "
        f"{wall:.1f} s wall; pytest: {lines[-1] if lines else 'no output'}"
    )
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
