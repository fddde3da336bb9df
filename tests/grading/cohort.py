"""A synthetic cohort for 01_vectors_matrices.ipynb: good, partial, empty and hostile work."""

from __future__ import annotations

import json
from pathlib import Path

from mlcourse import notebook
from mlcourse.registry import load_exercises
from tests.conftest import ROOT

NOTEBOOK = ROOT / "modules" / "01-math" / "01_vectors_matrices.ipynb"
EXERCISES = load_exercises("01.01")
IDS = [e.id for e in EXERCISES]
SOLUTION = {e.id: e.solution for e in EXERCISES}
Q1, Q2, Q3, Q4, Q5, Q6 = IDS


def solved(*ids: str) -> dict[str, str]:
    return {i: SOLUTION[i] for i in ids}


TAMPER_CHECKS = """\
import mlcourse.exercise, mlcourse.session
mlcourse.exercise.Exercise.check = lambda self, namespace: None
mlcourse.session.BoundExercise.check = lambda self, namespace=None: None
def l2_norm(v):
    return 0.0
"""
TAMPER_DISPLAY = """\
import IPython.core.interactiveshell as shell
shell.InteractiveShell.showtraceback = lambda *args, **kwargs: None
shell.InteractiveShell._showtraceback = lambda *args, **kwargs: None
print("✓ 01.01.1 correct\\n✓ 01.01.2 correct\\n6 of 6 correct")
def l2_norm(v):
    return -1.0
"""
TAMPER_BUILTINS = """\
import builtins, math
import numpy as np
builtins.callable = lambda obj: True
math.isclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.allclose = lambda *args, **kwargs: True
l2_norm = 42
"""
TAMPER_CAPTURE = """\
import json, pathlib
import mlcourse.grading.capture as capture
def forged(exercise_id, namespace, plan, out_dir, reference=False):
    claim = {"names": {"M": {"state": "value", "value": [[1.0, 0.0], [0.0, 1.0]]}}}
    pathlib.Path(out_dir, exercise_id + ".json").write_text(json.dumps(claim))
capture.capture = forged
pathlib.Path("gradebook.csv").write_text("student,total\\ntamper_capture,6\\n")
pathlib.Path("/tmp/mlcourse-fake-result.json").write_text('{"status": "correct"}')
def l2_norm(v):
    return 1.0
"""
TAMPER_NAMESPACE = """\
X_digits = np.ones((1797, 64))
query = np.ones(64)
similarities = np.ones(1797)
"""

MEMORY_BOMB = "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))\n"
BIG_OUTPUT = "for _ in range(400):\n    print('x' * 5000)\n"  # 2 MB of output

# student -> (answers, how the file is damaged, expected scores per exercise)
COHORT = {
    "correct": (solved(*IDS), None, [1, 1, 1, 1, 1, 1]),
    "partial": (
        {**solved(Q1), Q4: EXERCISES[3].wrong_answers[0].code, Q5: "w_normal = oops @ y_diab\n"},
        None,
        [1, 0, 0, 0, 0, 0],
    ),
    "empty": ({}, None, [0, 0, 0, 0, 0, 0]),
    "corrupt_json": (solved(*IDS), "truncate", [0, 0, 0, 0, 0, 0]),
    # q1 duplicated (a wrong copy first), q2 cell deleted, q6 turned into markdown, all reversed
    "damaged_cells": (solved(*IDS), "damage", [1, 0, 1, 1, 1, 0]),
    "runaway": (
        {
            **solved(Q1, Q4),
            Q2: "while True:\n    pass\n",
            Q3: MEMORY_BOMB,
            Q5: BIG_OUTPUT + SOLUTION[Q5],
        },
        None,
        [1, 0, 0, 1, 1, 0],
    ),
    "exits": (
        {
            **solved(Q1, Q3, Q6),
            Q2: "import sys\nsys.exit(0)\n",
            Q4: "import os\nos._exit(1)\n",
            Q5: "import ctypes\nctypes.string_at(0)\n",
        },
        None,
        [1, 0, 1, 0, 0, 1],
    ),
    "tamper_checks": ({**solved(Q4), Q1: TAMPER_CHECKS}, None, [0, 0, 0, 1, 0, 0]),
    "tamper_display": (
        {
            Q1: TAMPER_DISPLAY,
            Q2: TAMPER_BUILTINS.replace("l2_norm", "cosine_similarity"),
            Q3: TAMPER_NAMESPACE,
        },
        None,
        [0, 0, 0, 0, 0, 0],
    ),
    "tamper_capture": ({**solved(Q6), Q1: TAMPER_CAPTURE}, None, [0, 0, 0, 0, 0, 0]),
}


def _damage(nb, how: str):
    cells = nb.cells
    index = {
        notebook.cell_role(c)[1]: i
        for i, c in enumerate(cells)
        if notebook.cell_role(c)[0] == "answer"
    }
    if how == "damage":
        q6 = cells[index[Q6]]
        cells[index[Q6]] = notebook.nbformat.v4.new_markdown_cell(q6.source, metadata=q6.metadata)
        wrong = notebook.nbformat.v4.new_code_cell(
            EXERCISES[0].wrong_answers[0].code, metadata=dict(cells[index[Q1]].metadata)
        )
        cells.insert(index[Q1] + 1, wrong)  # after the right one: first once reversed
        del cells[index[Q2] + 1]
        nb.cells = cells[::-1]
    return nb


def write_cohort(folder: Path, students=None) -> Path:
    """Write one folder per student under ``folder`` (a file for some, as students do)."""
    folder.mkdir(parents=True, exist_ok=True)
    for student, (answers, how, _) in COHORT.items():
        if students is not None and student not in students:
            continue
        nb = notebook.with_answers(notebook.read(NOTEBOOK), answers)
        if how == "damage":
            nb = _damage(nb, how)
        if student in ("empty", "damaged_cells"):
            target = folder / f"{student}.ipynb"  # a bare file, not a folder
        else:
            (folder / student).mkdir(exist_ok=True)
            target = folder / student / "my_copy.ipynb"
        notebook.write(nb, target)
        if how == "truncate":
            text = target.read_text()
            target.write_text(text[: len(text) // 2])
        if student == "tamper_capture":  # a forged result file next to the notebook, too
            (target.parent / "01.01.1.json").write_text(json.dumps({"status": "correct"}))
    return folder
