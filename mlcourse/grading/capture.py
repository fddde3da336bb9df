"""Runs inside a grading kernel, right after an answer cell: report the checked values.

It writes what the learner's names hold (for functions: what they return on the spec's cases)
in the safe format of ``codec``. It decides nothing: the grader compares these claims with a
pristine solved run, so code that patches this module can only make its own claims wrong.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from mlcourse.grading import codec

MAX_MESSAGE = 500


def source(exercise_id: str, plan: Path, out_dir: Path, reference: bool = False) -> str:
    """The code of the capture cell that replaces the check cell of ``exercise_id``."""
    call = f"capture({exercise_id!r}, globals(), {str(plan)!r}, {str(out_dir)!r}"
    return f'__import__("mlcourse.grading.capture", fromlist=["capture"]).{call}, {reference})'


def capture(exercise_id: str, namespace: dict, plan: str, out_dir: str, reference: bool = False):
    """Write ``out_dir/<exercise_id>.json`` with the checked values found in ``namespace``."""
    checks = codec.load(Path(plan)).get(exercise_id)
    if checks is None:  # an exercise the grader cannot grade: nothing to report
        return
    report = {"names": _values(checks, namespace)}
    if reference:
        report["wrong_answers"] = _wrong_answer_values(exercise_id, checks, namespace)
    codec.dump(report, Path(out_dir) / f"{exercise_id}.json")


def _values(checks: dict, namespace: dict) -> dict:
    found = {}
    for name, check in checks["names"].items():
        value = namespace.get(name, _Missing)
        if value is _Missing:
            found[name] = {"state": "missing"}
        elif value is Ellipsis:
            found[name] = {"state": "ellipsis"}
        elif check["cases"] is None:
            found[name] = _encoded(value)
        elif not callable(value):
            found[name] = {"state": "not_callable", "type": _type_name(value)}
        else:
            calls = {
                group: [_call(value, case) for case in codec.decode(cases, allow_callables=True)]
                for group, cases in (("public", check["cases"]), ("hidden", check["hidden_cases"]))
                if cases is not None
            }
            found[name] = {"state": "function", "calls": calls}
    return found


def _call(function, case: dict) -> dict:
    try:
        result = function(**copy.deepcopy(case))
    except NotImplementedError:
        return {"not_implemented": True}
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 - the learner's code failed: report how
        return {"raised": f"{type(err).__name__}: {err}"[:MAX_MESSAGE]}
    return {"returned": _encoded(result)}


def _encoded(value: Any) -> dict:
    try:
        return {"state": "value", "value": codec.encode(value)}
    except codec.Unencodable:
        return {"state": "unreadable", "type": _type_name(value)}


def _wrong_answer_values(exercise_id: str, checks: dict, namespace: dict) -> list:
    """Reference runs only: the values of each recorded wrong answer, for "Did you...?"."""
    from mlcourse.registry import find_exercise

    exercise = find_exercise(exercise_id)
    values = []
    for wrong in exercise.wrong_answers:
        try:
            scope = dict(namespace)
            scope.update(exercise.run_code(wrong.code, namespace))
            values.append(_values(checks, scope))
        except Exception:  # noqa: BLE001 - a wrong answer that cannot run simply never matches
            values.append(None)
    return values


def _type_name(value: Any) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


class _Missing:
    pass
