"""``mlcourse validate NOTEBOOK...``: before submitting, does the grader find every answer?

It checks that the file is a readable notebook, that its setup cell names a notebook of this
course, and that every exercise has exactly one code cell tagged ``exercise:ID`` (and its check
cell ``check:ID``), with no tag naming an exercise the notebook does not have. A cell whose tags
another editor stripped is looked for as the grader would (``lift.find_untagged``);
``--fix`` puts the tags back on the cells found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from mlcourse.grading import lift
from mlcourse.layout import (
    ANSWER_TAG,
    CHECK_TAG,
    LayoutError,
    cell_role,
    course_notebooks,
    notebook_id_from_path,
    tagged_id,
    tags,
)

_START_CALL = re.compile(r"""mlcourse\.start\(\s*["']([^"']+)["']""")


@dataclass
class Report:
    path: Path
    problems: list[str] = field(default_factory=list)
    good: list[str] = field(default_factory=list)
    fixed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def all_fixed(self) -> bool:
        """Every problem was a lost tag, and ``--fix`` put each back."""
        lost = [p for p in self.problems if "lost its tag" in p]
        return bool(self.fixed) and len(lost) == len(self.problems) == len(self.fixed)

    def text(self) -> str:
        if self.ok:
            state = "ready to submit"
        elif self.all_fixed:
            state = "fixed: ready to submit (the tags below were put back)"
        else:
            state = "NOT ready to submit"
        lines = [f"{self.path}: {state}"]
        lines += [f"  ✓ {line}" for line in self.good]
        lines += [f"  ✗ {line}" for line in self.problems]
        lines += [f"  fixed: {line}" for line in self.fixed]
        return "\n".join(lines)


def _pristine(notebook_id: str, path: Path):
    """The course's own copy of the notebook, if this is not it (more clues for lost tags)."""
    from mlcourse import notebook

    try:
        for candidate in course_notebooks():
            same_id = notebook_id_from_path(candidate) == notebook_id
            if same_id and candidate.resolve() != Path(path).resolve():
                return notebook.read(candidate)
    except (LayoutError, OSError):
        pass
    return None


def validate(path: Path, fix: bool = False) -> Report:
    from mlcourse.registry import load_exercises

    path = Path(path)
    report = Report(path)
    try:
        cells = lift.read_cells(path)
    except (lift.Unreadable, OSError) as err:
        report.problems.append(f"the file cannot be read as a notebook: {err}")
        return report
    report.good.append("the file is a readable notebook")
    setup = next((c for c in cells if c.get("cell_type") == "code"), None)
    match = _START_CALL.search(lift._source(setup)) if setup else None
    notebook_id = match[1] if match else None
    if notebook_id is None:
        try:
            notebook_id = notebook_id_from_path(path)
        except LayoutError:
            report.problems.append(
                'no setup cell `rng, ex = mlcourse.start("NN.NN")` and the file name is not a '
                "course notebook's: restore the first code cell from the course's copy."
            )
            return report
    try:
        exercises = load_exercises(notebook_id)
    except LayoutError as err:
        report.problems.append(
            f"the setup cell names notebook {notebook_id!r}, which this course does not have "
            f"({err}). Restore the setup cell from the course's copy."
        )
        return report
    ids = [e.id for e in exercises]
    report.good.append(f"notebook {notebook_id}: {len(ids)} exercise(s)")
    strangers = sorted(
        {
            tagged_id(c, prefix)
            for c in cells
            for prefix in (ANSWER_TAG, CHECK_TAG)
            if tagged_id(c, prefix) and tagged_id(c, prefix) not in ids
        }
    )
    if strangers:
        report.problems.append(
            f"cells are tagged with exercise ids this notebook does not have: {strangers[:5]} "
            f"(it has {ids}). Was this cell copied from another notebook? Remove or fix the tag."
        )
    lifted = lift.lift(cells, ids, _pristine(notebook_id, path), fallback=True)
    for exercise_id in ids:
        answers = [c for c in cells if cell_role(c) == ("answer", exercise_id)]
        if len(answers) == 1:
            report.good.append(f"{exercise_id}: answer cell found by its tag")
        elif len(answers) > 1:
            report.problems.append(
                f"{exercise_id}: {len(answers)} code cells are tagged exercise:{exercise_id}; "
                "only the last is graded. Delete the others or remove their tag."
            )
        elif exercise_id in lifted.found:
            index, how = lifted.found[exercise_id]
            report.problems.append(
                f"{exercise_id}: cell {index + 1} looks like its answer ({how}) but has lost its "
                f"tag exercise:{exercise_id}. Run `mlcourse validate --fix {path}` or add the tag "
                "in JupyterLab (property inspector, the gear icon, > Cell tags)."
            )
            if fix:
                _add_tag(cells[index], f"{ANSWER_TAG}{exercise_id}")
                report.fixed.append(f"cell {index + 1} tagged {ANSWER_TAG}{exercise_id}")
        elif exercise_id in lifted.review:
            report.problems.append(
                f"{exercise_id}: no answer cell: its tag is gone and no cell looks like it. Copy "
                "the exercise's cell (and the check cell below it) from the course's notebook."
            )
        else:
            report.problems.append(f"{exercise_id}: {lifted.problems[exercise_id]}")
    if fix and report.fixed:
        _write_tags(path, cells)
    return report


def _add_tag(cell: dict, tag: str) -> None:
    metadata = cell.setdefault("metadata", {})
    if not isinstance(metadata, dict):
        metadata = cell["metadata"] = {}
    metadata["tags"] = [*tags(cell), tag]


def _write_tags(path: Path, cells: list) -> None:
    """Write the notebook back with the tagged ``cells`` (the same dicts, changed in place)."""
    document = json.loads(Path(path).read_bytes().decode("utf-8", errors="replace"))
    by_position = [c for c in document["cells"] if isinstance(c, dict)]
    for original, changed in zip(by_position, cells, strict=True):
        original["metadata"] = changed.get("metadata", {})
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")
