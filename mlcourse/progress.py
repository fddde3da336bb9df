"""A learner's progress: each check run in JupyterLab appends its outcome to
``<course root>/.mlcourse/progress.jsonl``; ``mlcourse progress`` tabulates the latest outcome
of every exercise, course-wide, without running anything (``--verify`` re-runs the notebooks)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from mlcourse import layout
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED

FOLDER, FILE = ".mlcourse", "progress.jsonl"
SWITCH = "MLCOURSE_PROGRESS"  # "1": always record, "0": never; default: only under Jupyter


def progress_file(root: Path | None = None) -> Path:
    return (root or layout.course_root()) / FOLDER / FILE


def should_record() -> bool:
    """Record in a notebook server's kernels (JPY_SESSION_NAME), not in test or grading runs."""
    switch = os.environ.get(SWITCH)
    if switch in ("0", "1"):
        return switch == "1"
    return bool(os.environ.get("JPY_SESSION_NAME"))


def record_outcome(exercise_id: str, status: str, root: Path | None = None, force=False) -> bool:
    """Append one outcome; return False instead of raising if it cannot be written."""
    try:
        if not (force or should_record()):
            return False
        path = progress_file(root)
        path.parent.mkdir(exist_ok=True)
        line = json.dumps({"exercise": exercise_id, "status": status, "time": time.time()})
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(line + "\n")
        return True
    except Exception:  # noqa: BLE001 - progress must never fail a check
        return False


def latest(root: Path | None = None) -> dict[str, str]:
    """Exercise id -> its latest recorded status (unreadable lines are skipped)."""
    outcomes: dict[str, str] = {}
    try:
        lines = progress_file(root).read_text(encoding="utf-8").splitlines()
    except OSError:
        return outcomes
    for line in lines:
        try:
            entry = json.loads(line)
            outcomes[str(entry["exercise"])] = str(entry["status"])
        except (ValueError, KeyError, TypeError):
            continue
    return outcomes


def _exercise_ids(path: Path) -> list[str]:
    """The ids of a notebook's answer cells, read as plain JSON (fast: no nbformat, no spec)."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    return layout.answer_ids(cells) if isinstance(cells, list) else []


def summary(root: Path | None = None) -> list[tuple[str, str, int, int, int]]:
    """(module, notebook, correct, attempted, total) for every course notebook."""
    root = root or layout.course_root()
    outcomes = latest(root)
    rows = []
    for path in layout.course_notebooks(root):
        ids = _exercise_ids(path)
        statuses = [outcomes.get(i) for i in ids]
        correct = statuses.count(CORRECT)
        attempted = correct + statuses.count(INCORRECT)
        rows.append((layout.module_label(path), path.stem, correct, attempted, len(ids)))
    return rows


def format_table(rows: Iterable[tuple[str, str, int, int, int]]) -> str:
    rows = list(rows)
    lines = [f"{'module':<20} {'notebook':<32} {'correct':>7} {'attempted':>9} {'total':>5}"]
    module = None
    for name, notebook, correct, attempted, total in rows:
        shown = name if name != module else ""
        module = name
        lines.append(f"{shown:<20} {notebook:<32} {correct:>7} {attempted:>9} {total:>5}")
    totals = [sum(r[i] for r in rows) for i in (2, 3, 4)]
    lines.append(f"{'all':<20} {'':<32} {totals[0]:>7} {totals[1]:>9} {totals[2]:>5}")
    return "\n".join(lines)


def verify(paths: list[str], workers: int = 2, root: Path | None = None) -> None:
    """Re-run the notebooks through nbval (``mlcourse check``) and record what they show."""
    from mlcourse.check import run_check

    report = run_check(paths, workers=workers)
    for result in report.results:
        if result.status in (CORRECT, INCORRECT, NOT_ATTEMPTED):
            record_outcome(result.exercise_id, result.status, root, force=True)
