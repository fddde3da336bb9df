"""``mlcourse release MODULE... --out DIR``: a cohort copy whose checks work without solutions.

MODULE is a folder such as ``modules/01-math``, or ``capstone/notebooks`` (which also copies the
``capstone`` package its notebooks use).

Each notebook's expected values (and each recorded wrong answer's values) are precomputed by a
solved run and stored in the safe format next to the spec as ``NN_name_expected.json``; the
released spec keeps every check, hint and wrong-answer message but no solution or wrong-answer
code, and loads the stored values with ``attach_expected``.
"""

from __future__ import annotations

import ast
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from mlcourse import notebook
from mlcourse.grading import codec
from mlcourse.layout import SPEC_SUFFIX, course_root, notebooks_under, spec_path

EXPECTED_SUFFIX = "_expected.json"
RELEASED_SOLUTION = "# The reference solution is not part of this release.\n"
TOOLKIT = ["mlcourse", "data", "pyproject.toml", "requirements.txt", "requirements.in"]
TOOLKIT += ["environment.yml", "Makefile", "README.md", "LICENSE", ".gitignore"]
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")


def _capstone_skipped(folder, names):
    """The capstone package without its run state; its notebooks are released separately."""
    return SKIPPED(folder, names) | ({"runs", "notebooks"} & set(names))


def attach_expected(exercises: list, spec_file: str) -> list:
    """Called by a released spec: give each exercise its stored expected values."""
    path = Path(spec_file).with_name(Path(spec_file).name.replace(SPEC_SUFFIX, EXPECTED_SUFFIX))
    stored = codec.load(path)
    for exercise in exercises:
        entry = stored[exercise.id]
        exercise.expected = {name: codec.decode(v) for name, v in entry["expected"].items()}
        exercise.wrong_answers = [
            replace(wrong, expected={n: codec.decode(v) for n, v in values.items()})
            for wrong, values in zip(exercise.wrong_answers, entry["wrong_answers"])
            if values is not None
        ]
    return exercises


def released_spec(source: str, expected: bool = True) -> str:
    """The spec's source without solution or wrong-answer code, loading stored values.

    With ``expected=False``, the copy a grading kernel imports (``mlcourse.grading.confine``):
    it loads no expected values either (the grading process alone holds them and compares), and
    drops the ``equivalent_mutants`` notes, which quote variants of the solution."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name == "Exercise":
            for keyword in node.keywords:
                if keyword.arg == "solution":
                    keyword.value = ast.Constant(RELEASED_SOLUTION)
                elif keyword.arg == "equivalent_mutants" and not expected:
                    keyword.value = ast.Dict(keys=[], values=[])
        elif name == "WrongAnswer":
            if node.args:
                node.args[0] = ast.Constant("")
            for keyword in node.keywords:
                if keyword.arg == "code":
                    keyword.value = ast.Constant("")
    if not expected:
        return (
            "# Released for grading: no solutions, no wrong-answer code, no expected values.\n"
            + ast.unparse(tree)
            + "\n"
        )
    tail = ast.parse(
        "from mlcourse.release import attach_expected\n\n"
        "EXERCISES = attach_expected(EXERCISES, __file__)\n"
    )
    tree.body += tail.body
    return (
        "# Released copy: solutions removed; checks compare with the stored expected values.\n"
        + ast.unparse(tree)
        + "\n"
    )


def _values(records) -> dict | None:
    """The observed values of reference records (still encoded), or None if one is missing."""
    if records is None or any(r.get("state") != "value" for r in records.values()):
        return None
    return {name: record["value"] for name, record in records.items()}


def _expected_document(assignment) -> dict:
    """Per exercise: the solution's observations and each recorded wrong answer's."""
    return {
        exercise.id: {
            "expected": _values(assignment.reference[exercise.id]["names"]),
            "wrong_answers": [
                _values(records)
                for records in assignment.reference[exercise.id].get("wrong_answers") or []
            ],
        }
        for exercise in assignment.exercises
    }


def release(modules: list[Path], out: Path) -> list[Path]:
    """Write the toolkit and ``modules`` under ``out``; return the released module folders."""
    from mlcourse.grading.grade import load_assignment, reference_run

    root, out = course_root(), Path(out)
    for item in TOOLKIT:
        source = root / item
        if source.is_dir():
            shutil.copytree(source, out / item, ignore=SKIPPED, dirs_exist_ok=True)
        elif source.is_file():
            out.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / item)
    released = []
    for module in map(Path, modules):
        if not module.is_dir():
            module = root / "modules" / module.name
        if not module.is_dir():
            raise FileNotFoundError(f"{module} is not a module folder such as modules/01-math.")
        try:
            relative = module.resolve().relative_to(root.resolve())
        except ValueError:  # a module folder outside the course, e.g. a draft elsewhere
            relative = Path("modules", module.name)
        if relative.parts[0] not in ("modules", "capstone"):
            raise ValueError(f"{module} is neither under modules/ nor capstone/notebooks.")
        target = out / relative
        if relative.parts[0] == "capstone":  # its notebooks import the capstone package
            shutil.copytree(
                root / "capstone", out / "capstone", ignore=_capstone_skipped, dirs_exist_ok=True
            )
        shutil.copytree(module, target, ignore=SKIPPED, dirs_exist_ok=True)
        for spec in sorted(target.glob(f"*{SPEC_SUFFIX}")):
            spec.unlink()
        with tempfile.TemporaryDirectory(prefix="mlcourse-release-") as tmp:
            for path in notebooks_under(module):
                spec = spec_path(path)
                if not spec.exists():
                    continue
                assignment = load_assignment(path)
                reference_run(assignment, Path(tmp))
                codec.dump(
                    _expected_document(assignment),
                    target / (path.stem + EXPECTED_SUFFIX),
                )
                (target / spec.name).write_text(released_spec(spec.read_text()))
                nb = notebook.read(target / path.name)
                notebook.strip_outputs(nb)
                notebook.write(nb, target / path.name)
        released.append(target)
    return released
