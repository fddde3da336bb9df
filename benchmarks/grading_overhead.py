"""Grading overhead per submission beyond the notebook's own run time, the cost of the sandbox,
and the parallel speed-up.

    python benchmarks/grading_overhead.py [N_SUBMISSIONS]

Grades N copies of a fully solved 01_vectors_matrices notebook: in the bubblewrap sandbox with 1
and with 2 workers, and with ``--no-sandbox`` and 1 worker. The notebook's own run time is one
plain nbclient run of the solved notebook (kernel start included). Overhead = (grading wall time
with 1 worker - reference run) / N - own run time; target <= 3 s. Sandbox cost = the same
difference between the sandboxed and the unsandboxed 1-worker runs, per submission.
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
