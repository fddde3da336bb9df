"""``mlcourse release MODULE... --out DIR``: a cohort copy whose checks work without solutions.

MODULE is a folder such as ``modules/01-math``, or ``capstone`` (``capstone/notebooks`` is the
same): the capstone project for learners to build, that is its guided notebooks, the *skeleton*
of the ``capstone`` package (``write_skeleton``: the bodies of the functions that
``capstone/milestones.py`` lists raise ``NotImplementedError`` naming their milestone; all else
is whole), its acceptance tests ``tests/capstone`` (``make capstone-check`` runs them) and the
serving benchmark. The brief, rubric and write-up template ship inside the package folder.

Each notebook's expected values (and each recorded wrong answer's values) are precomputed by a
solved run and stored in the safe format next to the spec as ``NN_name_expected.json``; the
released spec keeps every check, hint and wrong-answer message but no solution or wrong-answer
code, and loads the stored values with ``attach_expected``. "Without solutions" means without
solution *code*: anyone with the release can read the expected value of every value exercise
in those files (``RELEASE.md``, written at the top of the release, says so).

Every solved run of every module given runs before anything is written, so a notebook that
fails leaves ``out`` as it was; modules can be released together or one per command into the
same folder, with the same result.
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
# What the capstone project ships beside its package and notebooks (paths from the course root).
CAPSTONE_EXTRAS = [Path("tests", "capstone"), Path("benchmarks", "capstone_serving.py")]


def _capstone_skipped(folder, names):
    """The capstone package without its run state; its notebooks are released separately."""
    return SKIPPED(folder, names) | ({"runs", "notebooks"} & set(names))


def _milestones(root: Path):
    from mlcourse.capstone_check import load_milestones

    return load_milestones(root)


def skeleton_stubs(root: Path) -> dict[str, dict[str, str]]:
    """module -> {qualname: stub message} for every function ``capstone/milestones.py`` lists."""
    plan = _milestones(root)
    stubs: dict[str, dict[str, str]] = {}
    for milestone in plan.MILESTONES:
        for function in milestone.functions:
            module, qualname = plan.split_name(function)
            if qualname in stubs.setdefault(module, {}):
                raise ValueError(f"{function} is listed twice in capstone/milestones.py")
            stubs[module][qualname] = plan.stub_message(milestone, qualname)
    return stubs


def skeleton_sources(root: Path) -> dict[Path, str]:
    """The stubbed text of each module that has listed functions, by path under ``root``.

    A listed name that does not exist raises ``LookupError`` naming it; nothing is written."""
    from mlcourse import skeleton

    root = Path(root)
    sources = {}
    for module, messages in skeleton_stubs(root).items():
        path = skeleton.module_file(root, module)
        where = path.relative_to(root).as_posix()
        sources[path.relative_to(root)] = skeleton.stub(path.read_text(), messages, where)
    return sources


def write_skeleton(root: Path, out: Path) -> None:
    """Write ``root``'s capstone package under ``out`` with the learner's functions stubbed.

    Everything is checked before anything is written (see ``skeleton_sources``)."""
    root, out = Path(root), Path(out)
    sources = skeleton_sources(root)
    shutil.copytree(
        root / "capstone", out / "capstone", ignore=_capstone_skipped, dirs_exist_ok=True
    )
    for relative, text in sources.items():
        (out / relative).write_text(text)


def _write_capstone_project(root: Path, out: Path) -> None:
    """The skeleton package, its acceptance tests and the serving benchmark."""
    write_skeleton(root, out)
    for extra in CAPSTONE_EXTRAS:
        source = root / extra
        if source.is_dir():
            shutil.copytree(source, out / extra, ignore=SKIPPED, dirs_exist_ok=True)
        elif source.is_file():
            (out / extra).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / extra)


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
        "# Released copy: solution code removed; checks compare with the expected values stored\n"
        "# in the _expected.json file beside this one (readable: see RELEASE.md).\n"
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


NOTICE = "RELEASE.md"
NOTICE_TEXT = """\
# What this release holds

Released with `mlcourse release` for a cohort: {modules}.

- **No solution code.** Each spec `NN_name_exercises.py` keeps its checks, hints and
  "Did you ...?" messages; the reference solutions and the code of the recorded wrong answers
  are removed, and `ex.qN.solution()` says so.
- **The expected values are included.** So that checks work without the solutions, a solved run
  stored what each check compares with in `NN_name_expected.json`, next to the spec: the
  expected value of every value exercise (a number, an array, a table, ...) and what each
  function must return on the spec's own cases. Anyone with this copy can read them. They are
  not a solution's code, but for a value exercise they are its answer.
- Instructors grade with the full course, where hidden checks (cases that are not in this
  release) can test the same functions on other inputs.
"""
CAPSTONE_NOTICE = """
## The capstone is a skeleton

`capstone/` is the project you build. Every function `capstone/milestones.py` lists ({count} of
them) keeps its signature and docstring, and its body raises `NotImplementedError` naming its
milestone; the plumbing (CLI, settings, figures, the server thread, the report page) is whole.
`make capstone-check` (`python -m mlcourse check capstone`) runs the acceptance tests in
`tests/capstone` against your package and prints one row per milestone. The guided notebooks in
`capstone/notebooks/` call the package: each runs once the milestones it covers pass (notebook 01:
1-2, notebook 02: 1-4, notebook 03: 1-8); until then a cell stops with the milestone to write.
Read `capstone/README.md`, "Build it yourself": the extension, the rubric and the write-up
template are beside it.
"""


def _module_folders(modules: list[Path], root: Path) -> list[tuple[Path, Path]]:
    """(module folder, its place in the release) for each of ``modules``, checked."""
    found = []
    for module in map(Path, modules):
        if module == Path("capstone") or module.resolve() == (root / "capstone").resolve():
            module = root / "capstone" / "notebooks"  # the capstone project: same release
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
        found.append((module, relative))
    return found


def _solved_runs(module: Path, tmp: Path) -> dict[Path, dict]:
    """Notebook -> its expected-values document, from one solved run of each notebook."""
    from mlcourse.grading.checks import GradingError
    from mlcourse.grading.grade import load_assignment, reference_run

    documents = {}
    for path in notebooks_under(module):
        if not spec_path(path).exists():
            continue
        assignment = load_assignment(path)
        try:
            reference_run(assignment, tmp)
        except GradingError as err:
            raise GradingError(
                f"release stopped before writing anything: {err} (fix it, or release the other "
                "modules without this one)"
            ) from None
        missing = [e.id for e in assignment.exercises if e.id not in assignment.reference]
        if missing:  # the run was stopped by a signal
            raise GradingError(
                f"the solved run of {path.name} was stopped before {missing[0]}; nothing was "
                "released. Run the command again."
            )
        documents[path] = _expected_document(assignment)
    return documents


def release(modules: list[Path], out: Path) -> list[Path]:
    """Write the toolkit and ``modules`` under ``out``; return the released module folders.

    Every notebook's solved run happens first; only when all succeed is ``out`` written, so a
    failing notebook leaves ``out`` as it was. Releasing modules together or one per command
    into the same ``out`` gives the same files (``RELEASE.md`` lists every module released)."""
    root, out = course_root(), Path(out)
    chosen = _module_folders(modules, root)
    documents: dict[Path, dict[Path, dict]] = {}
    if any(relative.parts[0] == "capstone" for _, relative in chosen):
        skeleton_sources(root)  # a listed name that does not exist fails before the solved runs
    with tempfile.TemporaryDirectory(prefix="mlcourse-release-") as tmp:
        for module, _ in chosen:
            documents[module] = _solved_runs(module, Path(tmp))
    for item in TOOLKIT:
        source = root / item
        if source.is_dir():
            shutil.copytree(source, out / item, ignore=SKIPPED, dirs_exist_ok=True)
        elif source.is_file():
            out.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / item)
    released = []
    for module, relative in chosen:
        target = out / relative
        if relative.parts[0] == "capstone":  # its notebooks import the capstone package
            _write_capstone_project(root, out)
        shutil.copytree(module, target, ignore=SKIPPED, dirs_exist_ok=True)
        for spec in sorted(target.glob(f"*{SPEC_SUFFIX}")):
            spec.unlink()
        for path, document in documents[module].items():
            spec = spec_path(path)
            codec.dump(document, target / (path.stem + EXPECTED_SUFFIX))
            (target / spec.name).write_text(released_spec(spec.read_text()))
            nb = notebook.read(target / path.name)
            notebook.strip_outputs(nb)
            notebook.write(nb, target / path.name)
        released.append(target)
    _write_notice(out)
    return released


def _write_notice(out: Path) -> None:
    """``RELEASE.md``: what the release holds, naming every module released into ``out``."""
    places = [out / "modules", out / "capstone" / "notebooks"]
    names = sorted(
        p.relative_to(out).as_posix()
        for place in places
        if place.is_dir()
        for p in ([place] if place.name == "notebooks" else place.iterdir())
        if p.is_dir() and any(p.glob(f"*{EXPECTED_SUFFIX}"))
    )
    text = NOTICE_TEXT.format(modules=", ".join(names) or "no module")
    if (out / "capstone" / "milestones.py").is_file():
        count = sum(len(messages) for messages in skeleton_stubs(out).values())
        text += CAPSTONE_NOTICE.format(count=count)
    (out / NOTICE).write_text(text)
