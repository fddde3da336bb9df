"""The notebook format: cell roles by tag, the shared setup cell, solved copies, clean outputs."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from mlcourse.exercise import Exercise
from mlcourse.layout import (  # noqa: F401 - the tags and roles live in the layout
    ANSWER_TAG,
    CHECK_TAG,
    PROBE_TAG,
    cell_role,
    notebook_id_from_path,
    tagged_id,
)

SETUP_SOURCE = """\
# Setup, the same in every notebook: course toolkit, seeded random generator `rng`,
# plot defaults, and this notebook's exercises `ex` (ex.q1.check(), .hint(), .solution()).
import mlcourse

rng, ex = mlcourse.start("{notebook_id}")"""


_START_CALL = re.compile(r"""mlcourse\.start\(\s*["']([^"']+)["']""")


def notebook_id(path: str | Path, nb=None) -> str:
    """The id a notebook declares in its setup cell (``mlcourse.start("01.01")``), so that a
    learner's copy anywhere, under any name, still finds its exercises; else from its path."""
    nb = nb if nb is not None else read(path)
    for cell in code_cells(nb)[:1]:
        match = _START_CALL.search(cell.source)
        if match:
            return match.group(1)
    return notebook_id_from_path(Path(path))


def read(path: str | Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def setup_source(notebook_id: str) -> str:
    return SETUP_SOURCE.format(notebook_id=notebook_id)


def check_source(exercise: Exercise) -> str:
    handle = f"ex.q{exercise.number}"
    return f"{handle}.check()\n# {handle}.hint()\n# {handle}.solution()"


def probe_source(exercise_id: str, index: int) -> str:
    return (
        "from mlcourse.probes import assert_wrong_answer_fails\n"
        f'assert_wrong_answer_fails("{exercise_id}", {index}, globals())'
    )


STRENGTH_PROBE = "strength"  # probe:<id>:strength, the mutants of the solution vs its check


def strength_source(exercise_id: str) -> str:
    return f'from mlcourse.mutants import assert_strong\nassert_strong("{exercise_id}", globals())'


def solved_copy(nb, exercises: list[Exercise], strength: bool = False):
    """A copy with every answer cell replaced by its reference solution and, after each check,
    one probe cell per recorded wrong answer (each must fail its check with its own message)
    and, with ``strength``, one that runs the solution's mutants through the check."""
    by_id = {e.id: e for e in exercises}
    solved = nbformat.from_dict(nb)
    cells = []
    for cell in solved.cells:
        role, exercise_id = cell_role(cell)
        if role == "answer" and exercise_id in by_id:
            cell.source = by_id[exercise_id].solution
        cells.append(cell)
        if role == "check" and exercise_id in by_id:
            for index, _ in enumerate(by_id[exercise_id].wrong_answers):
                probe = nbformat.v4.new_code_cell(probe_source(exercise_id, index))
                probe.metadata["tags"] = [f"{PROBE_TAG}{exercise_id}:{index + 1}"]
                cells.append(probe)
            if strength:
                probe = nbformat.v4.new_code_cell(strength_source(exercise_id))
                probe.metadata["tags"] = [f"{PROBE_TAG}{exercise_id}:{STRENGTH_PROBE}"]
                cells.append(probe)
    solved.cells = cells
    return solved


def with_answers(nb, answers: dict[str, str]):
    """A copy whose answer cells hold ``answers[exercise_id]`` (used to paste solutions)."""
    filled = nbformat.from_dict(nb)
    for cell in filled.cells:
        role, exercise_id = cell_role(cell)
        if role == "answer" and exercise_id in answers:
            cell.source = answers[exercise_id]
    return filled


def has_outputs(cell) -> bool:
    return cell.cell_type == "code" and bool(cell.get("outputs") or cell.get("execution_count"))


def strip_outputs(nb) -> int:
    """Remove outputs and execution counts in place (keeping cells marked NBVAL_CHECK_OUTPUT)."""
    stripped = 0
    for cell in code_cells(nb):
        if "NBVAL_CHECK_OUTPUT" in cell.source:
            continue
        if has_outputs(cell):
            stripped += 1
        cell.outputs = []
        cell.execution_count = None
    return stripped


def write(nb, path: str | Path) -> None:
    nbformat.write(nb, str(path))
