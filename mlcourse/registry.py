"""Find the exercise specs of a notebook by id, wherever the notebook itself was copied."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from mlcourse.exercise import Exercise
from mlcourse.layout import (  # noqa: F401 - re-exported for older imports
    SPEC_SUFFIX,
    LayoutError,
    course_root,
    notebook_id_from_path,
    parse_exercise_id,
    spec_paths,
)


class SpecError(LayoutError):
    """A notebook or exercise id has no spec, or a spec is malformed."""


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
    notebook_id, _ = parse_exercise_id(exercise_id)
    for exercise in load_exercises(notebook_id, root):
        if exercise.id == exercise_id:
            return exercise
    raise SpecError(f"no exercise {exercise_id} in the spec of notebook {notebook_id}.")


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
