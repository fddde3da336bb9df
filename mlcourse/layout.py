"""The course layout, in one place: where notebooks and specs live, how ids and tags are spelt.

Used by the registry, ``make check``, progress, grading, release and the tests. It imports
nothing heavy (no nbformat, no NumPy), so ``mlcourse progress`` starts instantly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

MODULES = "modules"  # modules/NN-topic/NN_name.ipynb
CAPSTONE = "capstone"
CAPSTONE_NOTEBOOKS = "notebooks"  # capstone/notebooks/NN_name.ipynb, notebook ids "cap.NN"
CAPSTONE_ID = "cap"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
SPEC_SUFFIX = "_exercises.py"  # NN_name.ipynb -> NN_name_exercises.py beside it
CHECKPOINTS = ".ipynb_checkpoints"
DATA = "data"  # data files committed with their provenance (data/PROVENANCE.md)

# An exercise id is module.notebook.number: "01.02.3", or "cap.01.2" for the capstone.
EXERCISE_ID = re.compile(rf"^(?P<notebook>(?:\d{{2}}|{CAPSTONE_ID})\.\d{{2}})\.(?P<number>\d+)$")

# Cell tags: the stub a learner edits, the check cell below it, and (solved runs only) probes.
ANSWER_TAG = "exercise:"
CHECK_TAG = "check:"
PROBE_TAG = "probe:"
ROLES = (("answer", ANSWER_TAG), ("check", CHECK_TAG))
ROOT_VARIABLE = "MLCOURSE_ROOT"


class LayoutError(ValueError, LookupError):
    """A path or id does not follow the course layout."""


def course_root() -> Path:
    """The repository root: ``$MLCOURSE_ROOT`` or the folder that holds this package."""
    configured = os.environ.get(ROOT_VARIABLE)
    root = Path(configured) if configured else Path(__file__).resolve().parents[1]
    if not any(place.is_dir() for place in notebook_places(root)):
        raise LayoutError(
            f"no {MODULES}/ or {CAPSTONE}/{CAPSTONE_NOTEBOOKS}/ folder under the course root "
            f"{root}; set {ROOT_VARIABLE} to the folder that holds them."
        )
    return root


def data_file(name: str) -> Path:
    """The path of a data file the course ships (``data/<name>``), wherever a notebook runs."""
    path = course_root() / DATA / name
    if not path.is_file():
        shipped = sorted(p.name for p in (course_root() / DATA).glob("*") if p.is_file())
        raise LayoutError(
            f"the course has no data file {name!r}; data/ holds {shipped}. Data files are "
            "committed with the course (nothing is downloaded): check the name."
        )
    return path


def notebook_places(root: Path) -> list[Path]:
    """The folders that hold course notebooks, in course order."""
    return [root / MODULES, root / CAPSTONE / CAPSTONE_NOTEBOOKS]


def is_capstone(path: Path) -> bool:
    return Path(path).parent.name == CAPSTONE_NOTEBOOKS


def notebooks_under(folder: Path) -> list[Path]:
    """Course notebooks (``NN_name.ipynb``) under ``folder``, sorted, checkpoints skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob(NOTEBOOK_GLOB) if CHECKPOINTS not in p.parts)


def course_notebooks(root: Path | None = None) -> list[Path]:
    """Every notebook of the course: the modules', then the capstone's guided ones."""
    root = root or course_root()
    return [path for place in notebook_places(root) for path in notebooks_under(place)]


def spec_paths(root: Path | None = None) -> list[Path]:
    root = root or course_root()
    return sorted(
        p
        for place in notebook_places(root)
        if place.is_dir()
        for p in place.rglob(f"*{SPEC_SUFFIX}")
    )


def spec_path(notebook: Path) -> Path:
    """The spec file that belongs beside ``notebook``."""
    notebook = Path(notebook)
    return notebook.with_name(notebook.stem + SPEC_SUFFIX)


def module_label(notebook: Path) -> str:
    """The module a notebook belongs to, as tables show it: '01-math' or 'capstone'."""
    return CAPSTONE if is_capstone(notebook) else Path(notebook).parent.name


def notebook_id_from_path(path: Path) -> str:
    """'modules/01-math/01_vectors_matrices.ipynb' -> '01.01'; capstone notebooks -> 'cap.NN'."""
    path = Path(path)
    module = CAPSTONE_ID if is_capstone(path) else path.parent.name[:2]
    number = path.name[:2]
    if not (module.isdigit() or module == CAPSTONE_ID) or not number.isdigit():
        raise LayoutError(
            f"{path} is not a course notebook: expected {MODULES}/NN-topic/NN_name.ipynb "
            f"or {CAPSTONE}/{CAPSTONE_NOTEBOOKS}/NN_name.ipynb."
        )
    return f"{module}.{number}"


def parse_exercise_id(exercise_id: str) -> tuple[str, int]:
    """'01.02.3' -> ('01.02', 3)."""
    match = EXERCISE_ID.match(str(exercise_id))
    if not match:
        raise LayoutError(
            f"exercise id {exercise_id!r} should look like '01.02.3' (module.notebook.number) "
            f"or '{CAPSTONE_ID}.01.2'."
        )
    return match["notebook"], int(match["number"])


def tags(cell: Mapping) -> list[str]:
    """A cell's tags, tolerating damaged metadata (a learner's file, a submission)."""
    metadata = cell.get("metadata") if isinstance(cell, Mapping) else None
    found = metadata.get("tags") if isinstance(metadata, Mapping) else None
    return [t for t in found if isinstance(t, str)] if isinstance(found, list) else []


def tagged_id(cell: Mapping, prefix: str) -> str | None:
    """The exercise id in a cell's ``prefix`` tag, or None."""
    for tag in tags(cell):
        if tag.startswith(prefix):
            return tag[len(prefix) :]
    return None


def cell_role(cell: Mapping) -> tuple[str, str | None]:
    """('answer' | 'check' | 'lesson', exercise id or None)."""
    if cell.get("cell_type") == "code":
        for role, prefix in ROLES:
            exercise_id = tagged_id(cell, prefix)
            if exercise_id:
                return role, exercise_id
    return "lesson", None


def answer_ids(cells: Iterable[Mapping]) -> list[str]:
    """The exercise ids of a notebook's answer cells, in order."""
    found = []
    for cell in cells:
        role, exercise_id = cell_role(cell) if isinstance(cell, Mapping) else ("lesson", None)
        if role == "answer":
            found.append(exercise_id)
    return found
