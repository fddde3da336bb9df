"""Find the exercise specs of a notebook by id, wherever the notebook itself was copied."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from mlcourse.exercise import EXERCISE_ID, Exercise

SPEC_SUFFIX = "_exercises.py"


class SpecError(LookupError):
    """A notebook or exercise id has no spec, or a spec is malformed."""


def course_root() -> Path:
    """The repository root: ``$MLCOURSE_ROOT`` or the folder that holds this package."""
    configured = os.environ.get("MLCOURSE_ROOT")
    root = Path(configured) if configured else Path(__file__).resolve().parents[1]
    if not ((root / "modules").is_dir() or (root / "capstone" / "notebooks").is_dir()):
        raise SpecError(
            f"no modules/ or capstone/notebooks/ folder under the course root {root}; "
            "set MLCOURSE_ROOT to the folder that holds them."
        )
    return root


def spec_paths(root: Path | None = None) -> list[Path]:
    root = root or course_root()
    places = [root / "modules", root / "capstone" / "notebooks"]
    return sorted(p for place in places if place.is_dir() for p in place.rglob(f"*{SPEC_SUFFIX}"))


def notebook_id_from_path(path: Path) -> str:
    """'modules/01-math/01_vectors_matrices.ipynb' -> '01.01'; capstone notebooks -> 'cap.NN'."""
    path = Path(path)
    module = "cap" if path.parent.name == "notebooks" else path.parent.name[:2]
    notebook = path.name[:2]
    if not (module.isdigit() or module == "cap") or not notebook.isdigit():
        raise SpecError(
            f"{path} is not a course notebook: expected modules/NN-topic/NN_name.ipynb."
        )
    return f"{module}.{notebook}"


def load_exercises(notebook_id: str, root: Path | None = None) -> list[Exercise]:
    """The ``EXERCISES`` list of the spec module that belongs to notebook ``notebook_id``."""
    matches = [p for p in spec_paths(root) if notebook_id_from_path(p) == notebook_id]
    if len(matches) != 1:
        found = "none" if not matches else ", ".join(str(m) for m in matches)
        raise SpecError(
            f"notebook {notebook_id!r} should have exactly one spec file, found {found}."
        )
    exercises = _import(matches[0]).EXERCISES
    for exercise in exercises:
        if exercise.notebook_id != notebook_id:
            raise SpecError(f"{matches[0].name} declares {exercise.id}, outside {notebook_id}.")
    return exercises


def find_exercise(exercise_id: str, root: Path | None = None) -> Exercise:
    match = EXERCISE_ID.match(exercise_id)
    if not match:
        raise SpecError(f"{exercise_id!r} is not an exercise id such as '01.02.3'.")
    for exercise in load_exercises(match["notebook"], root):
        if exercise.id == exercise_id:
            return exercise
    raise SpecError(f"no exercise {exercise_id} in the spec of notebook {match['notebook']}.")


def _import(path: Path):
    name = "mlcourse_spec_" + path.stem
    module = sys.modules.get(name)
    if module is not None and getattr(module, "__file__", None) == str(path):
        return module
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
