"""Exercises of capstone notebook 02_train_track.ipynb: a metric, run search, the gate rule."""

import numpy as np

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer

_DEVIANCE_CASES = [
    dict(y=np.array([0.0, 1.0, 5.0]), y_hat=np.array([0.5, 1.0, 4.0])),
    dict(y=np.array([3.0, 3.0]), y_hat=np.array([3.0, 3.0])),
    dict(y=np.array([10.0, 0.0, 2.0, 40.0]), y_hat=np.array([12.0, 1.5, 2.5, 30.0])),
]
_GATE_CASES = [
    dict(challenger_mae=30.0, champion_mae=40.0, min_improvement=0.01),
    dict(challenger_mae=39.8, champion_mae=40.0, min_improvement=0.01),
    dict(challenger_mae=45.0, champion_mae=40.0, min_improvement=0.01),
    dict(challenger_mae=39.0, champion_mae=40.0, min_improvement=0.0),
    dict(challenger_mae=40.0, champion_mae=40.0, min_improvement=0.0),
    dict(challenger_mae=39.995, champion_mae=40.0, min_improvement=0.01),
]

EXERCISES = [
    Exercise(
        id="cap.02.1",
        title="Mean Poisson deviance from scratch",
        checks={"poisson_deviance": Function(cases=_DEVIANCE_CASES, returns=Close())},
        hints=[
            "Per hour the deviance is 2·[y·log(y/ŷ) − (y − ŷ)], and y·log(y/ŷ) counts as 0 when "
            "y = 0. Average it over the hours.",
            "`scipy.special.xlogy(y, y / y_hat)` computes y·log(y/ŷ) and returns 0 where y = 0.",
        ],
        solution='''
            from scipy.special import xlogy

            def poisson_deviance(y, y_hat):
                """Mean Poisson deviance of predictions y_hat > 0 for counts y >= 0."""
                return float(2 * np.mean(xlogy(y, y / y_hat) - (y - y_hat)))
        ''',
        wrong_answers=[
            WrongAnswer(
                "from scipy.special import xlogy\n\n"
                "def poisson_deviance(y, y_hat):\n"
                "    return float(np.mean(xlogy(y, y / y_hat) - (y - y_hat)))\n",
                "Did you drop the factor 2? The deviance is twice the log-likelihood gap.",
            ),
            WrongAnswer(
                "def poisson_deviance(y, y_hat):\n"
                "    return float(2 * np.mean(y * np.log(y / y_hat) - (y - y_hat)))\n",
                "Did you use `y * np.log(y / y_hat)`? For hours with y = 0 it computes 0 · log 0 "
                "= NaN; use `scipy.special.xlogy`, which defines it as 0.",
            ),
        ],
        equivalent_mutants={
            "line 5: call of `float` dropped": (
                "`2 * np.mean(...)` is already a NumPy float64, a subclass of float with the same "
                "value."
            ),
        },
    ),
    Exercise(
        id="cap.02.2",
        title="Find the best run with MLflow's search",
        checks={"best_kind": Exact()},
        hints=[
            "`mlflow.search_runs(experiment_names=[...], order_by=[...])` returns a DataFrame "
            "with one row per run; parameters are columns named `params.<name>`.",
            'Order by `"metrics.holdout_mae ASC"` (lower error is better) and take '
            '`runs.loc[0, "params.kind"]`.',
        ],
        solution="""
            runs = mlflow.search_runs(
                experiment_names=[settings.experiment_name], order_by=["metrics.holdout_mae ASC"]
            )
            best_kind = runs.loc[0, "params.kind"]
        """,
        wrong_answers=[
            WrongAnswer(
                "runs = mlflow.search_runs(\n"
                "    experiment_names=[settings.experiment_name],\n"
                '    order_by=["metrics.holdout_mae DESC"],\n'
                ")\n"
                'best_kind = runs.loc[0, "params.kind"]\n',
                "Did you sort by MAE descending, or not at all? `search_runs` lists the newest run "
                "first by default, and DESC puts the worst model first: MAE is an error, so sort "
                "ascending.",
            ),
        ],
        equivalent_mutants={
            "line 1: keyword `experiment_names=[settings.experiment_name]` dropped from "
            "`mlflow.search_runs`": (
                "Without an experiment, `search_runs` searches the active experiment, and the "
                "setup cell's `configure_mlflow(settings)` makes `settings.experiment_name` the "
                "active one: the same runs either way. A second experiment in the store would "
                "change nothing, as search_runs never searches all experiments by default."
            ),
        },
    ),
    Exercise(
        id="cap.02.3",
        title="The promotion gate",
        checks={"should_promote": Function(cases=_GATE_CASES, returns=Exact())},
        hints=[
            "The challenger must beat the champion by a *relative* margin: its MAE has to be "
            "below the champion's MAE reduced by `min_improvement` (a fraction such as 0.01).",
            "`return challenger_mae < champion_mae * (1 - min_improvement)`",
        ],
        solution='''
            def should_promote(challenger_mae, champion_mae, min_improvement):
                """True when the challenger's MAE beats the champion's by the relative margin."""
                return challenger_mae < champion_mae * (1 - min_improvement)
        ''',
        wrong_answers=[
            WrongAnswer(
                "def should_promote(challenger_mae, champion_mae, min_improvement):\n"
                "    return challenger_mae < champion_mae\n",
                "Did you ignore `min_improvement`? Without a margin, noise alone would swap "
                "models back and forth.",
            ),
            WrongAnswer(
                "def should_promote(challenger_mae, champion_mae, min_improvement):\n"
                "    return challenger_mae > champion_mae * (1 - min_improvement)\n",
                "Did you promote the larger MAE? MAE is an error: lower is better.",
            ),
            WrongAnswer(
                "def should_promote(challenger_mae, champion_mae, min_improvement):\n"
                "    return challenger_mae < champion_mae - min_improvement\n",
                "Did you subtract the margin as an absolute number? `min_improvement` is a fraction "
                "of the champion's MAE.",
            ),
        ],
    ),
]
