"""Grading overhead per submission beyond the notebook's own run time, and the parallel speed-up.

    python benchmarks/grading_overhead.py [N_SUBMISSIONS]

Grades N copies of a fully solved 01_vectors_matrices notebook with 1 and with 2 workers. The
notebook's own run time is one plain nbclient run of the solved notebook (kernel start included).
Overhead = (grading wall time with 1 worker - reference run) / N - own run time; target <= 3 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mlcourse import notebook  # noqa: E402
from mlcourse.grading.grade import Limits, grade  # noqa: E402
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
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(count):
            notebook.write(solved, folder / f"student{i:02d}.ipynb")
        walls = {}
        for workers in (1, 2):
            started = time.monotonic()
            grade([NOTEBOOK], folder, Path(tmp) / f"out{workers}", None, Limits(workers, 60, 600))
            walls[workers] = time.monotonic() - started
        wall_1 = walls[1]
    reference = own  # the solved reference run costs about one notebook run
    per_submission = (wall_1 - reference) / count
    print(f"{'measure':<44} {'seconds':>8}")
    print(f"{'notebook own run (plain nbclient)':<44} {own:>8.2f}")
    print(f"{f'grade {count} submissions, 1 worker (wall)':<44} {walls[1]:>8.2f}")
    print(f"{f'grade {count} submissions, 2 workers (wall)':<44} {walls[2]:>8.2f}")
    print(f"{'per submission, 1 worker':<44} {per_submission:>8.2f}")
    print(f"{'overhead per submission (target <= 3 s)':<44} {per_submission - own:>8.2f}")
    print(f"{'speed-up, 2 workers vs 1':<44} {walls[1] / walls[2]:>8.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
