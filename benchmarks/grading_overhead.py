"""Grading overhead per submission beyond the notebook's own run time, the cost of the sandbox,
and the parallel speed-up; and a term-sized cohort graded as an instructor would.

    python benchmarks/grading_overhead.py [N_SUBMISSIONS] [--cohort N_STUDENTS] [--only-cohort]

Grades N copies of a fully solved 01_vectors_matrices notebook: in the bubblewrap sandbox with 1
and with 2 workers, and with ``--no-sandbox`` and 1 worker. The notebook's own run time is one
plain nbclient run of the solved notebook (kernel start included). Overhead = (grading wall time
with 1 worker - reference run) / N - own run time; target <= 3 s. Sandbox cost = the same
difference between the sandboxed and the unsandboxed 1-worker runs, per submission.

The cohort (``--cohort``, default 60) is generated: a roster of N + 2 (two never submit), and N
submissions of 01_vectors_matrices in six kinds (solved; a recorded wrong answer; empty; solved
with every tag stripped; late; a syntax error), graded in the sandbox with the default 2
workers, a due date and a late penalty. Printed: the wall time, seconds per submission, the
time to derive the gradebooks, feedback and summary from the stored results, and one student's
regrade merged into the running gradebook.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlcourse import notebook  # noqa: E402
from mlcourse.grading import course  # noqa: E402
from mlcourse.grading.grade import Limits, Term, grade  # noqa: E402
from mlcourse.registry import load_exercises  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "modules/01-math/01_vectors_matrices.ipynb"


def own_run_seconds(nb) -> float:
    import nbclient

    started = time.monotonic()
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return time.monotonic() - started


def main(count: int = 6) -> None:
    exercises = load_exercises("01.01")
    solved = notebook.with_answers(notebook.read(NOTEBOOK), {e.id: e.solution for e in exercises})
    own = own_run_seconds(solved)
    runs = {"sandbox, 1 worker": (1, True), "no sandbox, 1 worker": (1, False)}
    runs["sandbox, 2 workers"] = (2, True)
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(count):
            notebook.write(solved, folder / f"student{i:02d}.ipynb")
        for label, (workers, sandboxed) in runs.items():
            out = Path(tmp) / label.replace(" ", "_").replace(",", "")
            started = time.monotonic()
            grade([NOTEBOOK], folder, out, None, Limits(workers, 60, 600), sandboxed=sandboxed)
            walls[label] = time.monotonic() - started
    reference = own  # the solved reference run costs about one notebook run
    per_submission = (walls["sandbox, 1 worker"] - reference) / count
    unconfined = (walls["no sandbox, 1 worker"] - reference) / count
    print(f"{'measure':<48} {'seconds':>8}")
    print(f"{'notebook own run (plain nbclient)':<48} {own:>8.2f}")
    for label, wall in walls.items():
        print(f"{f'grade {count} submissions, {label} (wall)':<48} {wall:>8.2f}")
    print(f"{'per submission, sandbox, 1 worker':<48} {per_submission:>8.2f}")
    print(f"{'overhead per submission (target <= 3 s)':<48} {per_submission - own:>8.2f}")
    print(f"{'sandbox cost per submission':<48} {per_submission - unconfined:>8.2f}")
    speed_up = walls["sandbox, 1 worker"] / walls["sandbox, 2 workers"]
    print(f"{'speed-up, 2 workers vs 1':<48} {speed_up:>8.2f}x")


DUE = "2025-03-07T23:00:00Z"


def _cohort_answers(i: int, exercises) -> tuple[dict, bool, str]:
    """(answers, strip the tags?, submission time) of generated student ``i``."""
    solution = {e.id: e.solution for e in exercises}
    ids = list(solution)
    kind = i % 6
    on_time, late = "2025-03-07T20:00:00+00:00", "2025-03-08T10:00:00+00:00"
    if kind == 1:
        return (
            {**{k: solution[k] for k in ids[:3]}, ids[3]: exercises[3].wrong_answers[0].code},
            False,
            on_time,
        )
    if kind == 2:
        return {}, False, on_time
    if kind == 3:
        return solution, True, on_time
    if kind == 4:
        return {k: solution[k] for k in ids[:5]}, False, late
    if kind == 5:
        return {**{k: solution[k] for k in ids[:4]}, ids[4]: "w_normal = (\n"}, False, on_time
    return solution, False, on_time


def cohort(count: int = 60) -> None:
    from datetime import datetime

    exercises = load_exercises("01.01")
    pristine = notebook.read(NOTEBOOK)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        submissions, out = root / "submissions", root / "graded"
        roster = root / "roster.csv"
        lines = ["id,name,email"] + [
            f"s{i:03d},Student {i},s{i:03d}@example.org" for i in range(count + 2)
        ]
        roster.write_text("\n".join(lines) + "\n")
        for i in range(count):
            answers, strip, when = _cohort_answers(i, exercises)
            nb = notebook.with_answers(pristine, answers)
            if strip:
                for cell in nb.cells:
                    cell.metadata.pop("tags", None)
            path = submissions / f"s{i:03d}" / NOTEBOOK.name
            path.parent.mkdir(parents=True)
            notebook.write(nb, path)
            stamp = datetime.fromisoformat(when).timestamp()
            os.utime(path, (stamp, stamp))
        term = Term(roster=roster, due=DUE, late_penalty="10%/day")
        started = time.monotonic()
        _, results = grade([NOTEBOOK], submissions, out, term=term)
        wall = time.monotonic() - started
        log = (out / "grading.log").read_text()
        reference = float(log.split("(reference run ")[1].split(" s")[0])
        ran = [float(x) for x in re.findall(r": ran in ([\d.]+) s, ", log)]
        started = time.monotonic()
        course.Course(out).write(["01.01"])
        derive = time.monotonic() - started
        started = time.monotonic()
        grade([NOTEBOOK], submissions, out, term=Term(students=("s003",)))
        regrade = time.monotonic() - started
        rows = (out / course.GRADEBOOK).read_text().count("\n") - 1
        with (out / "gradebook.csv").open() as stream:
            statuses = Counter(row["status"] for row in csv.DictReader(stream))
    print(
        f"\n{'cohort of ' + str(count) + ' submissions, roster of ' + str(count + 2):<48} {'seconds':>8}"
    )
    print(f"{'grade all (sandbox, 2 workers, wall)':<48} {wall:>8.1f}")
    print(f"{'  of which the reference run':<48} {reference:>8.1f}")
    print(f"{'  per submission (wall / N)':<48} {wall / count:>8.2f}")
    print(f"{'  one kernel run, median':<48} {sorted(ran)[len(ran) // 2]:>8.2f}")
    print(f"{'derive gradebooks, feedback, summary, figure':<48} {derive:>8.2f}")
    print(f"{'regrade one student, merged (wall)':<48} {regrade:>8.1f}")
    print(f"graded {len(results)}; running gradebook rows: {rows}; statuses: {dict(statuses)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", nargs="?", type=int, default=6)
    parser.add_argument("--cohort", type=int, default=60, help="students of the cohort run")
    parser.add_argument("--only-cohort", action="store_true")
    args = parser.parse_args()
    if not args.only_cohort:
        main(args.submissions)
    cohort(args.cohort)
