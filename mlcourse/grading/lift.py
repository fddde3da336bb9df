"""Read a submission without trusting it and lift its answer cells into the pristine notebook.

Only the source of code cells tagged ``exercise:ID`` is taken. The submission's setup, lesson
and check cells, outputs and metadata are ignored; the grading notebook is the assignment itself
with each check cell replaced by a capture cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mlcourse import notebook
from mlcourse.grading import capture
from mlcourse.layout import CHECK_TAG, cell_role, parse_exercise_id, tagged_id

MAX_SUBMISSION_BYTES = 20 * 2**20
GRADING_KEY = "mlcourse_grading"  # cell metadata: {"role": ..., "exercise": ...}


class Unreadable(ValueError):
    """The submission file cannot be read as a notebook at all."""


@dataclass
class Lifted:
    answers: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # exercise id -> why not lifted
    notes: list[str] = field(default_factory=list)  # what was odd but still graded
    found: dict[str, tuple[int, str]] = field(default_factory=dict)  # untagged: (cell, how)
    review: dict[str, str] = field(default_factory=dict)  # lost, not found: a person must look


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


def lift(cells: list, exercise_ids: list[str], pristine=None, fallback: bool = False) -> Lifted:
    """The answer of each exercise: the last code cell tagged with its id.

    With ``fallback`` (the grader, ``mlcourse validate``), an exercise whose answer *and* check
    tags are both gone (another editor stripped the tags) is looked for without them
    (``find_untagged``); found, it is graded with a note; not found, it goes to ``review``
    instead of scoring a silent 0. ``pristine``, the assignment itself, adds the position and
    stub clues."""
    lifted = Lifted()
    if fallback:
        _find_lost(cells, exercise_ids, pristine, lifted)
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
        if exercise_id in lifted.found or exercise_id in lifted.review:
            continue
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


_CHECK_CALL = r"^\s*ex\.q{number}\.check\(\)"
_ANY_CHECK_CALL = re.compile(r"^\s*ex\.q\d+\.check\(\)", re.MULTILINE)


def _key(source: str) -> str:
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def _untagged_code(cell: dict) -> bool:
    return cell.get("cell_type") == "code" and cell_role(cell)[0] == "lesson"


def find_untagged(cells: list, exercise_id: str, pristine=None, taken=()) -> tuple[int, str] | None:
    """(index, how) of the cell that holds ``exercise_id``'s answer in a notebook whose tags were
    lost, or None. Clues, most reliable first: the cell just before its check call
    (``ex.qN.check()``, tagged or not); with the ``pristine`` assignment, the code cell right after
    the cell that comes before the stub there; the stub's first line (``def name(...):``, or
    ``name =``). A cell identical to one of the assignment's lesson cells is never an answer."""
    number = parse_exercise_id(exercise_id)[1]
    check_call = re.compile(_CHECK_CALL.format(number=number), re.MULTILINE)
    lesson, stub, before = set(), None, None
    if pristine is not None:
        for index, cell in enumerate(pristine.cells):
            role, cell_id = cell_role(cell)
            if role == "lesson" and cell.cell_type == "code":
                lesson.add(_key(cell.source))
            if role == "answer" and cell_id == exercise_id:
                stub = cell.source
                before = _key(pristine.cells[index - 1].source) if index else None

    def usable(index: int) -> bool:
        cell = cells[index]
        source = _source(cell)
        return (
            index not in taken
            and _untagged_code(cell)
            and _key(source) not in lesson
            and not _ANY_CHECK_CALL.search(source)
        )

    def code_before(index: int) -> int | None:
        for j in range(index - 1, -1, -1):
            if cells[j].get("cell_type") == "code":
                return j if usable(j) else None
        return None

    for index, cell in enumerate(cells):
        is_check = tagged_id(cell, CHECK_TAG) == exercise_id or (
            _untagged_code(cell) and check_call.search(_source(cell))
        )
        if cell.get("cell_type") == "code" and is_check:
            j = code_before(index)
            if j is not None:
                return j, f"the code cell before its check `ex.q{number}.check()`"
    if before:
        for index, cell in enumerate(cells):
            if _key(_source(cell)) == before:
                nxt = next(
                    (
                        j
                        for j in range(index + 1, len(cells))
                        if cells[j].get("cell_type") == "code"
                    ),
                    None,
                )
                if nxt is not None and usable(nxt):
                    return (
                        nxt,
                        "its place in the assignment (the code cell after the text before it)",
                    )
    if stub:
        first = stub.strip().splitlines()[0].strip()
        if first.startswith("def ") or first.startswith("class "):
            pattern = re.compile(rf"^{re.escape(first)}", re.MULTILINE)
        else:
            name = re.match(r"[A-Za-z_]\w*", first)
            pattern = re.compile(rf"^{name[0]}\s*=(?!=)", re.MULTILINE) if name else None
        if pattern is not None:
            for index, cell in enumerate(cells):
                if usable(index) and pattern.search(_source(cell)):
                    return index, f"its first line (`{first}`)"
    return None


def _find_lost(cells: list, exercise_ids: list[str], pristine, lifted: Lifted) -> None:
    tagged = {
        tagged_id(cell, prefix)
        for cell in cells
        for prefix in (notebook.ANSWER_TAG, CHECK_TAG)
        if tagged_id(cell, prefix)
    }
    taken: set[int] = set()
    for exercise_id in exercise_ids:
        if exercise_id in tagged:
            continue  # its tags are there: a deleted answer cell is the learner's doing
        where = find_untagged(cells, exercise_id, pristine, taken)
        if where is None:
            lifted.review[exercise_id] = (
                f"no cell tagged exercise:{exercise_id}, and its check tag is gone too (tags "
                "stripped by another editor?); its answer could not be found by its check call, "
                "position or first line, so an instructor will grade it by hand. Run `mlcourse "
                "validate` on your notebook before submitting."
            )
            continue
        index, how = where
        taken.add(index)
        lifted.found[exercise_id] = (index, how)
        lifted.answers[exercise_id] = _source(cells[index])
    if lifted.found:
        found = ", ".join(f"{i} (cell {n + 1}: {how})" for i, (n, how) in lifted.found.items())
        lifted.notes.append(
            f"{len(lifted.found)} answer cell(s) had lost their exercise tag and were found "
            f"without it: {found}. Run `mlcourse validate --fix` on your notebook to restore the "
            "tags."
        )


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
