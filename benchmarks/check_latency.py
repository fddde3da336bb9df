"""How long one check call takes, per exercise: correct answers and known wrong answers.

Runs each notebook's solved version in this process (same code as the notebook cells, the
matplotlib Agg backend, no kernel), then times ``Exercise.check`` on the solution and on each
recorded wrong answer. Targets: median value check <= 50 ms; a model check (fit and score on a
few thousand rows, the reference model cached after the first call) <= 1 s on a repeated call.

    python benchmarks/check_latency.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
import types
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

from mlcourse import notebook  # noqa: E402
from mlcourse.layout import course_root, notebooks_under  # noqa: E402
from mlcourse.outcomes import CheckOutcome  # noqa: E402
from mlcourse.registry import load_exercises  # noqa: E402

TARGET_MS = 50.0
MODEL_TARGET_MS = 1000.0


def solved_namespace(path: Path, exercises) -> dict:
    """Run the solved notebook's code cells in a fresh ``__main__`` module, as a kernel does (so
    classes it defines can be pickled, which scikit-learn's checks do), cwd = its folder."""
    nb = notebook.solved_copy(notebook.read(path), exercises)
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main  # stays for the timings: checks may pickle these classes
    namespace: dict = main.__dict__
    previous = Path.cwd()
    os.chdir(path.parent)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in notebook.code_cells(nb):
                role, _ = notebook.cell_role(cell)
                if role != "check" and not notebook.tagged_id(cell, notebook.PROBE_TAG):
                    exec(compile(cell.source, str(path), "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(previous)
    return namespace


def time_check(exercise, namespace, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        with contextlib.suppress(CheckOutcome):
            exercise.check(namespace)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def time_model_check(repeat: int = 5) -> tuple[float, float]:
    """A module-04-style exercise: the learner's pipeline is fitted and scored inside check()."""
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from mlcourse.exercise import Exercise, Model

    X, y = make_classification(n_samples=5000, n_features=20, random_state=0)
    exercise = Exercise(
        id="99.01.1",
        title="a scaled logistic regression",
        checks={"model": Model(data=(X[:4000], y[:4000], X[4000:], y[4000:]), at_least=0.8)},
        solution="model = make_pipeline(StandardScaler(), LogisticRegression())",
        hints=["scale, then fit"],
    )
    namespace = {
        "make_pipeline": make_pipeline,
        "StandardScaler": StandardScaler,
        "LogisticRegression": LogisticRegression,
        "model": make_pipeline(StandardScaler(), LogisticRegression(C=0.5)),
    }
    first = time_check(exercise, namespace, 1)[0]
    return first, statistics.median(time_check(exercise, namespace, repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="check calls per measurement")
    args = parser.parse_args()

    rows, all_timings = [], []
    for path in notebooks_under(course_root() / "modules"):
        exercises = load_exercises(notebook.notebook_id(path))
        namespace = solved_namespace(path, exercises)
        for exercise in exercises:
            correct = time_check(exercise, namespace, args.repeat)
            wrong = []
            for answer in exercise.wrong_answers:
                scope = dict(namespace)
                scope.update(exercise.run_code(answer.code, namespace))
                wrong += time_check(exercise, scope, args.repeat)
            all_timings += correct + wrong
            rows.append((exercise.id, statistics.median(correct), statistics.median(wrong)))

    print(f"check latency, median of {args.repeat} calls (ms)")
    print(f"{'exercise':<10} {'correct':>9} {'wrong answer':>13}")
    for exercise_id, correct_ms, wrong_ms in rows:
        print(f"{exercise_id:<10} {correct_ms:9.2f} {wrong_ms:13.2f}")
    model_first, model_repeat = time_model_check()
    print(
        f"\nmodel check (Model comparator, logistic regression pipeline, 4,000 training rows, "
        f"3 seeds): first call {model_first:.0f} ms (reference fitted), repeated call median "
        f"{model_repeat:.0f} ms; {'meets' if model_repeat <= MODEL_TARGET_MS else 'MISSES'} "
        f"the {MODEL_TARGET_MS:.0f} ms target"
    )
    overall = statistics.median(all_timings)
    p95 = statistics.quantiles(all_timings, n=20)[-1]
    verdict = "meets" if overall <= TARGET_MS else "MISSES"
    print(
        f"\nall checks: median {overall:.2f} ms, p95 {p95:.2f} ms, "
        f"{len(all_timings)} calls; {verdict} the {TARGET_MS:.0f} ms target"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
