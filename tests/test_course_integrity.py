"""The course's own rules, checked on every notebook and spec (no kernel needed)."""

import re

import pytest

from mlcourse import notebook
from mlcourse.registry import load_exercises, notebook_id_from_path, spec_paths
from tests.conftest import ROOT, course_notebooks

NOTEBOOKS = course_notebooks()
NOTEBOOK_IDS = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


def test_the_course_has_notebooks():
    assert NOTEBOOKS, "no notebooks found under modules/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_is_named_nn_topic(path):
    assert re.fullmatch(r"\d{2}_[a-z0-9_]+\.ipynb", path.name), path.name
    assert re.fullmatch(r"\d{2}-[a-z0-9-]+|notebooks", path.parent.name), path.parent.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_is_committed_without_outputs(path):
    with_outputs = [
        i
        for i, cell in enumerate(notebook.code_cells(notebook.read(path)))
        if notebook.has_outputs(cell) and "NBVAL_CHECK_OUTPUT" not in cell.source
    ]
    assert not with_outputs, f"code cells {with_outputs} have outputs: run `make strip`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_first_code_cell_is_the_shared_setup_cell(path):
    first = notebook.code_cells(notebook.read(path))[0]
    assert first.source == notebook.setup_source(notebook_id_from_path(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_every_exercise_has_one_stub_then_one_check(path):
    exercises = load_exercises(notebook_id_from_path(path))
    roles = [notebook.cell_role(c) for c in notebook.read(path).cells]
    tagged = [(role, eid) for role, eid in roles if eid]
    spec_ids = [e.id for e in exercises]
    assert [eid for role, eid in tagged if role == "answer"] == spec_ids, "stub cells vs spec"
    assert [eid for role, eid in tagged if role == "check"] == spec_ids, "check cells vs spec"
    for exercise in exercises:
        answer = roles.index(("answer", exercise.id))
        check = roles.index(("check", exercise.id))
        between = [r for r in roles[answer + 1 : check] if r[0] != "lesson" or r[1]]
        assert answer < check and not between, f"{exercise.id}: its check must follow its stub"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_check_cells_are_the_standard_one_liner(path):
    by_id = {e.id: e for e in load_exercises(notebook_id_from_path(path))}
    for cell in notebook.read(path).cells:
        role, exercise_id = notebook.cell_role(cell)
        if role == "check":
            assert cell.source == notebook.check_source(by_id[exercise_id]), exercise_id


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_stubs_are_left_for_the_learner(path):
    for cell in notebook.read(path).cells:
        role, exercise_id = notebook.cell_role(cell)
        if role == "answer":
            assert "..." in cell.source or "raise NotImplementedError" in cell.source, exercise_id


SPECS = spec_paths()


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_every_spec_belongs_to_a_notebook(spec):
    notebook_path = spec.with_name(spec.name.replace("_exercises.py", ".ipynb"))
    assert notebook_path.exists(), f"{spec.name} has no notebook {notebook_path.name}"


EXERCISES = [e for path in NOTEBOOKS for e in load_exercises(notebook_id_from_path(path))]


def test_exercise_ids_are_unique_and_numbered_from_one():
    ids = [e.id for e in EXERCISES]
    assert len(ids) == len(set(ids))
    by_notebook = {}
    for e in EXERCISES:
        by_notebook.setdefault(e.notebook_id, []).append(e.number)
    for notebook_id, numbers in by_notebook.items():
        assert numbers == list(range(1, len(numbers) + 1)), notebook_id


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
def test_every_exercise_has_hints_a_solution_and_a_wrong_answer(exercise):
    assert exercise.title.strip()
    assert exercise.hints and all(h.strip() for h in exercise.hints)
    assert exercise.solution.strip() and "..." not in exercise.solution
    assert exercise.wrong_answers, "record at least one known wrong answer"
    for wrong in exercise.wrong_answers:
        assert wrong.message.strip() and wrong.code.strip() != exercise.solution.strip()
        wrong.message.format(name="x")  # only {name} may be a placeholder
    messages = [w.message for w in exercise.wrong_answers]
    assert len(messages) == len(set(messages)), "each wrong answer needs its own message"


def test_each_module_has_a_readme_with_objectives_prerequisites_and_time():
    modules = sorted({p.parent for p in NOTEBOOKS if p.parent.parent.name == "modules"})
    for module in modules:
        text = (module / "README.md").read_text().lower()
        for heading in ("objectives", "prerequisites", "time"):
            assert heading in text, f"{module.name}/README.md lacks '{heading}'"


def test_every_data_file_is_credited_with_its_checksum():
    import hashlib

    data = ROOT / "data"
    provenance = (data / "PROVENANCE.md").read_text()
    files = sorted(p for p in data.iterdir() if p.is_file() and p.name != "PROVENANCE.md")
    assert files, "data/ ships no data file"
    for path in files:
        assert f"{path.name}" in provenance, f"data/PROVENANCE.md has no section for {path.name}"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest in provenance, (
            f"data/{path.name} changed: its sha256 {digest} is not the one in data/PROVENANCE.md; "
            "record the new checksum and say how the file was changed"
        )


def syllabus_skills() -> dict[str, list[str]]:
    """Each module's skills, as listed in docs/syllabus.md (first column of its table)."""
    skills: dict[str, list[str]] = {}
    section = None
    for line in (ROOT / "docs" / "syllabus.md").read_text().splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
            skills.setdefault(section, [])
        elif section and line.startswith("|") and not set(line) <= set("|- "):
            first = line.strip("|").split("|")[0].strip()
            if not first.startswith("skill"):
                skills[section].append(first)
    return skills


def test_every_syllabus_skill_maps_to_exercises_in_its_module_readme():
    modules = sorted({p.parent for p in NOTEBOOKS if p.parent.parent.name == "modules"})
    known = {exercise.id for exercise in EXERCISES}
    skills = syllabus_skills()
    for module in modules:
        rows = {}
        for line in (module / "README.md").read_text().splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.startswith("|") and len(cells) >= 3:
                rows[cells[0]] = re.findall(r"\b\d\d\.\d\d\.\d+\b", cells[-1])
        assert skills.get(module.name), f"docs/syllabus.md has no section '## {module.name}'"
        for skill in skills[module.name]:
            assert rows.get(skill), (
                f"{module.name}/README.md: the syllabus skill '{skill}' has no row with exercise "
                "ids in its 'Syllabus coverage' table"
            )
            unknown = set(rows[skill]) - known
            assert not unknown, f"{module.name}/README.md maps '{skill}' to unknown ids {unknown}"
        mapped = {i for ids in rows.values() for i in ids}
        prefix = module.name[:2] + "."
        unmapped = {i for i in known if i.startswith(prefix)} - mapped
        assert not unmapped, f"{module.name}/README.md maps no syllabus skill to {sorted(unmapped)}"
