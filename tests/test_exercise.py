"""Exercise specs: the three outcomes, known wrong answers, hints, and the short display."""

import numpy as np
import pytest

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer
from mlcourse.outcomes import Incorrect, NotAttempted, outcome_from_error
from mlcourse.session import ExerciseSet


def make_value_exercise(**overrides):
    spec = dict(
        id="99.01.1",
        title="Mean of x",
        checks={"m": Close()},
        hints=["Add and divide.", "`x.mean()`"],
        solution="m = x.mean()",
        wrong_answers=[WrongAnswer("m = x.sum()", "Did you forget to divide `{name}` by len(x)?")],
    )
    spec.update(overrides)
    return Exercise(**spec)


def make_function_exercise():
    return Exercise(
        id="99.01.2",
        title="Double",
        checks={"double": Function(cases=[{"v": np.array([1.0, 2.0])}, {"v": np.array([0.0])}])},
        hints=["Multiply by two."],
        solution="def double(v):\n    return 2 * v\n",
        wrong_answers=[WrongAnswer("def double(v):\n    return v + 2\n", "Did you add 2?")],
    )


X = np.array([1.0, 2.0, 6.0])


def outcome_of(exercise, namespace):
    try:
        exercise.check(namespace)
    except (NotAttempted, Incorrect) as outcome:
        return type(outcome).__name__, outcome.message
    return "Correct", ""


@pytest.mark.parametrize(
    "namespace, status, fragment",
    [
        ({"x": X}, "NotAttempted", "`m` is not defined yet"),
        ({"x": X, "m": ...}, "NotAttempted", "replace the `...`"),
        ({"x": X, "m": 3.0}, "Correct", ""),
        ({"x": X, "m": 3.5}, "Incorrect", "too large by 0.5"),
        ({"x": X, "m": 9.0}, "Incorrect", "Did you forget to divide `m` by len(x)?"),
        ({"x": X, "m": "3"}, "Incorrect", "should be a number, got str"),
    ],
)
def test_value_exercise_outcomes(namespace, status, fragment):
    got_status, message = outcome_of(make_value_exercise(), namespace)
    assert got_status == status and fragment in message, message


def raises_not_implemented(v):
    raise NotImplementedError


def fails(v):
    return v.missing_attribute


def returns_nothing(v):
    2 * v  # noqa: B018 - the bug under test


@pytest.mark.parametrize(
    "function, status, fragment",
    [
        (raises_not_implemented, "NotAttempted", "still raises NotImplementedError"),
        (lambda v: 2 * v, "Correct", ""),
        (lambda v: v + 2, "Incorrect", "Did you add 2?"),
        (fails, "Incorrect", "raised AttributeError"),
        (returns_nothing, "Incorrect", "Did you forget the `return` statement"),
        (lambda v: 2 * v[:1], "Incorrect", "should have shape (2,), got shape (1,)"),
        ("not a function", "Incorrect", "should be a function, got str"),
    ],
)
def test_function_exercise_outcomes(function, status, fragment):
    got_status, message = outcome_of(make_function_exercise(), {"double": function})
    assert got_status == status and fragment in message, message


def test_function_reason_names_the_call_and_case():
    _, message = outcome_of(make_function_exercise(), {"double": lambda v: 3 * v})
    assert message.startswith("for `double(v=array([1., 2.]))`: the result differs"), message


def test_learner_function_cannot_mutate_the_cases():
    def mutating(v):
        v[:] = 0
        return 2 * v

    exercise = make_function_exercise()
    outcome_of(exercise, {"double": mutating})
    assert outcome_of(exercise, {"double": lambda v: 2 * v})[0] == "Correct"


def test_check_does_not_change_the_learner_namespace():
    namespace = {"x": X, "m": 3.0}
    make_value_exercise().check(namespace)
    assert set(namespace) == {"x", "m"}


def test_exact_comparator():
    exercise = make_value_exercise(checks={"m": Exact()}, solution="m = len(x)", wrong_answers=[])
    assert outcome_of(exercise, {"x": X, "m": 3})[0] == "Correct"
    assert "should be of type int, got float" in outcome_of(exercise, {"x": X, "m": 3.0})[1]


def test_hints_come_in_order_then_repeat_the_last():
    exercise = make_value_exercise()
    assert [exercise.next_hint()[0] for _ in range(3)] == [1, 2, 2]
    assert exercise.next_hint(1) == (1, "Add and divide.")
    with pytest.raises(ValueError, match="hint number should be 1 to 2, got 3"):
        exercise.next_hint(3)


@pytest.mark.parametrize("bad_id", ["1.1.1", "01.01", "01.01.x", "ab.01.1"])
def test_exercise_ids_are_validated(bad_id):
    with pytest.raises(ValueError, match="should look like '01.02.3'"):
        make_value_exercise(id=bad_id)


def test_solution_that_does_not_define_the_name_is_reported():
    exercise = make_value_exercise(solution="y = 1")
    with pytest.raises(ValueError, match=r"does not define \['m'\]"):
        exercise.check({"x": X, "m": 1.0})


def test_failure_renders_as_one_short_line_plus_help():
    exercise_set = ExerciseSet([make_value_exercise()])
    with pytest.raises(Incorrect) as caught:
        exercise_set.q1.check({"x": X, "m": 3.5})
    lines = caught.value._render_traceback_()
    assert len(lines) == 2
    assert "99.01.1 incorrect:" in lines[0] and "too large by 0.5" in lines[0]
    assert "ex.q1.hint()" in lines[1]


def test_correct_check_prints_a_confirmation(capsys):
    ExerciseSet([make_value_exercise()]).q1.check({"x": X, "m": 3.0})
    assert "99.01.1 correct" in capsys.readouterr().out


def test_check_reads_the_callers_globals():
    global m, x
    x, m = X, 3.0
    ExerciseSet([make_value_exercise()]).q1.check()


def test_unknown_exercise_attribute_lists_the_known_ones():
    with pytest.raises(AttributeError, match="has no exercise 'q7'; it has q1"):
        ExerciseSet([make_value_exercise()]).q7  # noqa: B018


@pytest.mark.parametrize(
    "ename, status",
    [("NotAttempted", "not attempted"), ("Incorrect", "incorrect"), ("NameError", "error")],
)
def test_outcome_from_kernel_error(ename, status):
    assert outcome_from_error(ename, "why")[0] == status


def test_estimator_and_plot_comparators_in_an_exercise():
    from mlcourse.exercise import Estimator, Plot
    from tests.test_compare import XY, MeanRegressor, draw

    estimator_exercise = make_value_exercise(
        checks={"Model": Estimator(*XY)}, solution="Model = MeanRegressor", wrong_answers=[]
    )
    namespace = {"MeanRegressor": MeanRegressor}
    assert outcome_of(estimator_exercise, {**namespace, "Model": MeanRegressor})[0] == "Correct"
    shifted = MeanRegressor(shift=1.0)
    status, message = outcome_of(estimator_exercise, {**namespace, "Model": shifted})
    assert status == "Incorrect" and "the predictions of `Model` differ" in message, message

    plot_exercise = make_value_exercise(
        checks={"ax": Plot()}, solution="ax = draw([0, 1], [0, 1])", wrong_answers=[]
    )
    assert outcome_of(plot_exercise, {"draw": draw, "ax": draw([0, 1], [0, 1])})[0] == "Correct"
    assert "line 0 data" in outcome_of(plot_exercise, {"draw": draw, "ax": draw([0, 1], [1, 1])})[1]


def test_frame_comparator_can_ignore_the_index():
    import pandas as pd

    from mlcourse.exercise import Frame

    expected = pd.DataFrame({"a": [1, 2]}, index=[5, 6])
    assert Frame(ignore_index=True).diff("df", expected.reset_index(drop=True), expected) is None
    assert "different index" in Frame().diff("df", expected.reset_index(drop=True), expected)


def test_reference_code_runs_without_the_toolkits_future_imports():
    # exercise.py has `from __future__ import annotations`; solution code must not inherit it,
    # or frameworks that read annotations (FastAPI, pydantic, dataclasses) see strings.
    exercise = make_value_exercise(
        checks={"f": Exact()}, solution="def f(x: int) -> float:\n    return x\n"
    )
    (f,) = exercise.run_code(exercise.solution, {}).values()
    assert f.__annotations__ == {"x": int, "return": float}
