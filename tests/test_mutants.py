"""check-strength: the mutants generated from a solution, and how a check fares against them."""

import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from mlcourse import cli, mutants
from mlcourse.exercise import Close, Exercise, Function
from mlcourse.mutants import Strength, measure, mutants_of


def descriptions(source: str) -> list[str]:
    return [m.description for m in mutants_of(source)]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("y = a + b\n", ["line 1: `a + b` -> `a - b`"]),
        ("y = a / b\n", ["line 1: `a / b` -> `a * b`", "line 1: `a / b` -> `b / a`"]),
        ("y = a ** 2\n", ["line 1: `a ** 2` -> `a * 2`", "line 1: `2` -> `3`"]),
        ("y = a @ b\n", ["line 1: `a @ b` -> `a * b`", "line 1: `a @ b` -> `b @ a`"]),
        ("ok = a < b\n", ["line 1: `a < b` -> `a <= b`", "line 1: `a < b` -> `a > b`"]),
        ("ok = a == b\n", ["line 1: `a == b` -> `a != b`"]),
        ("ok = a and b\n", ["line 1: `a and b` -> `a or b`"]),
        ("y = x[0]\n", ["line 1: `0` -> `1`"]),
        ("y = 1\n", ["line 1: `1` -> `0`", "line 1: `1` -> `2`"]),
        ("y = 7\n", ["line 1: `7` -> `8`", "line 1: `7` -> `6`"]),
        ("y = 0.5\n", ["line 1: `0.5` -> `1.0`", "line 1: `0.5` -> `0.25`"]),
        ("y = True\n", ["line 1: `True` -> `False`"]),
        (
            "y = np.sum(x, axis=1)\n",
            [
                "line 1: `np.sum` -> `np.mean`",
                "line 1: keyword `axis=1` dropped from `np.sum`",
                "line 1: `1` -> `0`",
                "line 1: `1` -> `2`",
            ],
        ),
        ("i = x.argmax()\n", ["line 1: `x.argmax` -> `x.argmin`"]),
        ("m = x.max()\n", ["line 1: `x.max` -> `x.min`"]),
        ("y = f(a, b)\n", ["line 1: arguments 1 and 2 of `f` swapped"]),
        ("y = np.sqrt(a)\n", ["line 1: `np.sqrt(a)` -> `a`"]),
        ("y = -a\n", ["line 1: `-a` -> `a`"]),
        ("def f(x):\n    return x\n", ["line 2: return value negated"]),
        ("z = A.T @ B\n", ["line 1: `.T` dropped from `A.T`", "line 1: `.T` added to `B`"]),
        ("z = np.transpose(A)\n", ["line 1: `np.transpose(A)` dropped"]),
        ("y = x[:k]\n", ["line 1: slice `:k`: upper bound + 1"]),
        (
            "y = [a, b]\n",
            ["line 1: `a` removed from `[a, b]`", "line 1: `b` removed from `[a, b]`"],
        ),
        ("v = x\nv = v / n\n", ["line 2: `v = v / n` removed"]),
        ("y = alpha * beta * gamma * delta * epsilon\n", ["line 1: 4th `*` -> `/`"]),
    ],
)
def test_mutants_of_a_snippet_include_the_expected_ones(source, expected):
    found = descriptions(source)
    missing = [d for d in expected if d not in found]
    assert not missing, f"missing {missing}; found {found}"


def test_a_return_of_a_comparison_is_negated_with_not():
    (negated,) = [
        m for m in mutants_of("def f(a, b):\n    return a < b\n") if "negated" in m.description
    ]
    assert "return not a < b" in negated.source


def test_every_mutant_compiles_differs_and_has_a_unique_stable_description():
    source = (
        "def pca(X, k):\n"
        '    """Docstrings and strings are left alone."""\n'
        "    Xc = X - X.mean(axis=0)\n"
        "    _, s, Vt = np.linalg.svd(Xc, full_matrices=False)\n"
        "    W = Vt[:k]\n"
        '    label = "components"\n'
        "    return Xc @ W.T\n"
    )
    found = mutants_of(source)
    assert len(found) >= 12
    for mutant in found:
        compile(mutant.source, "<mutant>", "exec")
        assert "Docstrings and strings are left alone." in mutant.source
        assert "'components'" in mutant.source
    sources = [m.source for m in found]
    assert len(set(sources)) == len(sources)
    assert len({m.description for m in found}) == len(found)
    assert descriptions(source) == [m.description for m in found]  # stable across calls


def test_a_new_name_is_never_removed_only_an_update():
    assert not [d for d in descriptions("a = 1\nb = a + 1\n") if "removed" in d]
    assert "line 2: `x += 1` removed" in descriptions("x = 0\nx += 1\n")
    assert "line 2: `loss.backward()` removed" in descriptions("loss = f()\nloss.backward()\n")


# --- measuring a check: no kernel, a namespace dict stands for the notebook's globals --------

ADD = "def add(a, b):\n    return a + b\n"
SURVIVOR = "line 2: `a + b` -> `a - b`"


def add_exercise(cases, equivalent=None, solution=ADD):
    return Exercise(
        id="01.01.1",
        title="add",
        checks={"add": Function(cases=cases)},
        solution=solution,
        hints=["a + b"],
        equivalent_mutants=equivalent or {},
    )


def test_a_weak_check_lets_a_mutant_survive_and_a_strong_one_kills_it():
    weak = measure(add_exercise([dict(a=2.0, b=0.0)]), {})
    assert weak.survived == [SURVIVOR]
    assert not weak.clean
    assert weak.score == pytest.approx(weak.killed / weak.tried)
    strong = measure(add_exercise([dict(a=2.0, b=0.0), dict(a=2.0, b=3.0)]), {})
    assert strong.survived == [] and strong.killed == strong.tried > 0
    assert strong.score == 1.0 and strong.clean


def test_an_explained_survivor_counts_as_equivalent():
    result = measure(add_exercise([dict(a=2.0, b=0.0)], {SURVIVOR: "b is always 0"}), {})
    assert result.equivalent == [SURVIVOR]
    assert result.survived == []
    assert result.clean
    assert result.score == 1.0  # killed / (tried - equivalent)


def test_an_explanation_that_names_no_mutant_is_stale():
    stale = "line 9: `a * b` -> `a / b`"
    result = measure(add_exercise([dict(a=2.0, b=3.0)], {stale: "written for an old solution"}), {})
    assert result.stale == [stale]
    assert not result.clean


def test_an_explanation_of_a_mutant_the_check_kills_is_reported():
    result = measure(
        add_exercise([dict(a=2.0, b=3.0)], {SURVIVOR: "wrongly thought equivalent"}), {}
    )
    assert result.killed_but_explained == [SURVIVOR]
    assert not result.clean


def test_a_solution_that_fails_its_own_check_is_a_problem_not_a_score():
    exercise = add_exercise([dict(a=2.0, b=3.0)])
    exercise.solution = "add = 3\n"  # not a function: the check refuses it
    result = measure(exercise, {})
    assert "does not pass its own check" in result.problem
    assert result.tried == 0 and not result.clean


def test_a_mutant_that_loops_forever_is_stopped_and_counts_as_killed():
    count_up = "def count(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i\n"
    exercise = Exercise(
        id="01.01.2",
        title="count",
        checks={"count": Function(cases=[dict(n=3)])},
        solution=count_up,
        hints=["loop"],
    )
    result = measure(exercise, {}, time_limit_s=0.2)
    looping = "line 4: `i += 1` -> `i -= 1`"
    assert "ran past" in result.crashed[looping]
    assert looping not in result.survived
    assert result.seconds < 10


def test_a_mutant_that_changes_a_notebook_array_in_place_cannot_spoil_it():
    exercise = Exercise(
        id="01.01.3",
        title="in place",
        checks={"y": Close()},
        solution="x += 0\ny = x * 2\n",
        hints=["double"],
    )
    namespace = {"x": np.zeros(3)}
    result = measure(exercise, namespace)
    assert "line 1: `0` -> `1`" not in result.survived  # x += 1 happened on a private copy
    np.testing.assert_array_equal(namespace["x"], np.zeros(3))


def test_a_transpose_of_a_1d_value_is_a_no_op_and_of_a_matrix_a_hole():
    dot = "def dot(u, v):\n    return u @ v\n"

    def exercise(cases):
        return Exercise(
            id="01.01.4",
            title="dot",
            checks={"dot": Function(cases=cases)},
            solution=dot,
            hints=["@"],
        )

    vectors = measure(exercise([dict(u=np.array([1.0, 2.0]), v=np.array([3.0, 5.0]))]), {})
    assert "line 2: `.T` added to `u`" in vectors.no_op
    assert "line 2: `.T` added to `u`" not in vectors.survived
    matrices = measure(exercise([dict(u=np.array([[1.0, 2.0], [0.0, 1.0]]), v=np.eye(2))]), {})
    assert "line 2: `.T` added to `u`" not in matrices.no_op + matrices.survived


def test_the_cap_samples_mutants_but_keeps_the_explained_ones():
    explained = {SURVIVOR: "b is always 0"}
    result = measure(add_exercise([dict(a=2.0, b=0.0)], explained), {}, max_mutants=1)
    assert result.generated > result.tried == 1
    assert result.equivalent == [SURVIVOR]


# --- the command ----------------------------------------------------------------------------


def report(**fields):
    strength = Strength("01.01.1", "add", generated=4, tried=4, killed=3, **fields)
    return mutants.NotebookStrength("modules/01-x/01_x.ipynb", [strength], seconds=1.0)


@pytest.mark.parametrize(
    "fields, argv, status",
    [
        (dict(survived=[SURVIVOR]), [], 1),
        (dict(survived=[SURVIVOR]), ["--report-only"], 0),
        (dict(equivalent=[SURVIVOR]), [], 0),
        (dict(equivalent=[SURVIVOR], stale=["line 9: gone"]), [], 1),
    ],
)
def test_the_command_fails_on_an_unexplained_survivor(
    monkeypatch, capsys, tmp_path, fields, argv, status
):
    notebook = tmp_path / "01_x.ipynb"
    notebook.write_text("{}")
    monkeypatch.setattr(mutants, "check_strength", lambda *a, **k: [report(**fields)])
    assert cli.main(["check-strength", str(notebook), *argv]) == status
    out = capsys.readouterr().out
    assert "01.01.1" in out and "mutants" in out
    if fields.get("survived"):
        assert f"survived: {SURVIVOR}" in out
    if fields.get("stale"):
        assert "stale explanation" in out and "line 9: gone" in out


def test_the_table_gives_each_count_and_the_score():
    table = mutants.format_table([report(equivalent=[SURVIVOR])])
    row = next(line for line in table.splitlines() if line.strip().startswith("01.01.1"))
    assert row.split() == ["01.01.1", "4", "3", "1", "0", "0", "100", "%"]
    assert "1 notebook(s): 4 mutants, 3 killed, 1 equivalent" in table


# --- end to end: a tiny course, its notebook run in a kernel ----------------------------------

TINY_SPEC = """
from mlcourse.exercise import Close, Exercise, Function

EXERCISES = [
    Exercise(
        id="01.01.1",
        title="add",
        checks={"add": Function(cases=[dict(a=2.0, b=0.0)])},
        solution="def add(a, b):\\n    return a + b\\n",
        hints=["a + b"],
    ),
    Exercise(
        id="01.01.2",
        title="twice the notebook's data",
        checks={"doubled": Close()},
        solution="doubled = data * 2\\n",
        hints=["* 2"],
    ),
]
"""


def tiny_notebook():
    def cell(source, tag=None):
        made = nbformat.v4.new_code_cell(source)
        if tag:
            made.metadata["tags"] = [tag]
        return made

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell('import mlcourse\n\nrng, ex = mlcourse.start("01.01")'),
        cell("import numpy as np\n\ndata = np.array([1.0, 2.0, 3.0])"),
        cell("def add(a, b):\n    raise NotImplementedError", "exercise:01.01.1"),
        cell("ex.q1.check()\n# ex.q1.hint()\n# ex.q1.solution()", "check:01.01.1"),
        cell("doubled = ...", "exercise:01.01.2"),
        cell("ex.q2.check()\n# ex.q2.hint()\n# ex.q2.solution()", "check:01.01.2"),
    ]
    return nb


@pytest.mark.slow
def test_check_strength_runs_a_notebook_in_a_kernel_and_lists_its_survivors(tmp_path):
    module = tmp_path / "modules" / "01-tiny"
    module.mkdir(parents=True)
    (module / "01_tiny_exercises.py").write_text(TINY_SPEC)
    nbformat.write(tiny_notebook(), str(module / "01_tiny.ipynb"))
    result = subprocess.run(
        [sys.executable, "-m", "mlcourse", "check-strength", str(module / "01_tiny.ipynb")],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
        env={**os.environ, "MLCOURSE_ROOT": str(tmp_path)},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    rows = {
        line.split()[0]: line.split() for line in result.stdout.splitlines() if line[:4] == "  01"
    }
    assert rows["01.01.1"][5] == "1", result.stdout  # one survivor: a + b -> a - b (b is 0)
    assert f"survived: {SURVIVOR}" in result.stdout
    # the second check compares with the notebook's own `data`: every mutant is caught there
    assert rows["01.01.2"][1] == rows["01.01.2"][2] != "0", result.stdout
    assert "problem" not in result.stdout
