"""Read a submission without trusting it and lift its answer cells into the pristine notebook.

Only the source of code cells tagged ``exercise:ID`` is taken. The submission's setup, lesson
and check cells, outputs and metadata are ignored; the grading notebook is the assignment itself
with each check cell replaced by a capture cell.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mlcourse import notebook
from mlcourse.grading import capture

MAX_SUBMISSION_BYTES = 20 * 2**20
GRADING_KEY = "mlcourse_grading"  # cell metadata: {"role": ..., "exercise": ...}


class Unreadable(ValueError):
    """The submission file cannot be read as a notebook at all."""


@dataclass
class Lifted:
    answers: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # exercise id -> why not lifted
    notes: list[str] = field(default_factory=list)  # what was odd but still graded


def read_cells(path: Path) -> list:
    """The ``cells`` list of a notebook file, however damaged the rest of it is."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_SUBMISSION_BYTES:
        raise Unreadable(f"the file is {size / 2**20:.0f} MB, over the 20 MB limit; clear outputs.")
    try:
        document = json.loads(path.read_bytes().decode("utf-8", errors="replace"))
    except json.JSONDecodeError as err:
        raise Unreadable(
            f"the file is not valid notebook JSON ({err.msg} at line {err.lineno}); "
            "open it in JupyterLab, save it again, and resubmit."
        ) from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise Unreadable("the file is JSON but has no list of `cells`: is it a notebook?")
    return [cell for cell in cells if isinstance(cell, dict)]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _tagged_exercise(cell: dict) -> str | None:
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    if not isinstance(tags, list):
        return None
    for tag in tags:
        if isinstance(tag, str) and tag.startswith(notebook.ANSWER_TAG):
            return tag[len(notebook.ANSWER_TAG) :]
    return None


def lift(cells: list, exercise_ids: list[str]) -> Lifted:
    """The answer of each exercise: the last code cell tagged with its id."""
    lifted = Lifted()
    found: dict[str, list[dict]] = {}
    order = []
    for cell in cells:
        exercise_id = _tagged_exercise(cell)
        if exercise_id is None:
            continue
        if exercise_id not in exercise_ids:
            lifted.notes.append(f"a cell is tagged exercise:{exercise_id}, not in this assignment")
            continue
        found.setdefault(exercise_id, []).append(cell)
        order.append(exercise_id)
    if order != sorted(set(order), key=order.index) or order != [
        i for i in exercise_ids if i in order
    ]:
        lifted.notes.append(
            "answer cells are duplicated or out of order; each was found by its tag"
        )
    for exercise_id in exercise_ids:
        cells_of = found.get(exercise_id, [])
        code_cells = [c for c in cells_of if c.get("cell_type") == "code"]
        if not cells_of:
            lifted.problems[exercise_id] = (
                f"no cell tagged exercise:{exercise_id} (deleted, or its tag removed); "
                "answer in the cell the assignment gives you."
            )
        elif not code_cells:
            kind = cells_of[-1].get("cell_type")
            lifted.problems[exercise_id] = (
                f"the cell tagged exercise:{exercise_id} is a {kind} cell, so it never runs; "
                "change it back to a code cell."
            )
        else:
            if len(code_cells) > 1:
                lifted.notes.append(
                    f"{len(code_cells)} code cells are tagged exercise:{exercise_id}; "
                    "the last one was graded"
                )
            lifted.answers[exercise_id] = _source(code_cells[-1])
    return lifted


def grading_notebook(
    pristine, answers: dict[str, str], hidden: Path | None, out_dir: Path, reference=False
):
    """The assignment with ``answers`` in its answer cells, a capture cell after each answer cell,
    no check cells and no outputs. Cells carry their role in ``metadata[GRADING_KEY]``."""
    graded = nbformat.from_dict(pristine)
    notebook.strip_outputs(graded)
    cells = []
    for cell in graded.cells:
        role, exercise_id = notebook.cell_role(cell)
        if role == "check":
            continue
        cell.metadata[GRADING_KEY] = {"role": role, "exercise": exercise_id}
        cells.append(cell)
        if role == "answer":
            if exercise_id in answers:
                cell.source = answers[exercise_id]
            probe = nbformat.v4.new_code_cell(
                capture.source(exercise_id, hidden, out_dir, reference)
            )
            probe.metadata[GRADING_KEY] = {"role": "capture", "exercise": exercise_id}
            cells.append(probe)
    graded.cells = cells
    return graded
