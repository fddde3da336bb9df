"""Exercises of capstone notebook 02_train_track.ipynb: a metric, the backtest's run search, the gate."""

import numpy as np

from mlcourse.exercise import Close, Exact, Exercise, Function, WrongAnswer

_DEVIANCE_CASES = [
    dict(y=np.array([0.0, 1.0, 5.0]), y_hat=np.array([0.5, 1.0, 4.0])),
    dict(y=np.array([3.0, 3.0]), y_hat=np.array([3.0, 3.0])),
    dict(y=np.array([10.0, 0.0, 2.0, 40.0]), y_hat=np.array([12.0, 1.5, 2.5, 30.0])),
]


def _gate_cases() -> list[dict]:
    """Per-row absolute errors of a champion and a challenger on the same 200 holdout hours."""
    rng = np.random.default_rng(2011)
    champion = rng.gamma(2.0, 20.0, 200)  # errors vary a lot from hour to hour
    noise = rng.normal(0.0, 20.0, 200)
    noisy = np.abs(champion + noise)
    unit = rng.normal(0.0, 1.0, 200)
    unit = (unit - unit.mean()) / unit.std()
    steady = champion + 40.0

    def shifted(z):  # challenger errors whose mean difference is z standard errors below 0
        return steady + 10.0 * unit - z * 10.0 / np.sqrt(200)

    def case(challenger, champion_errors, confidence=0.95, resamples=2_000):
        return dict(
            challenger_errors=challenger,
            champion_errors=champion_errors,
            confidence=confidence,
            resamples=resamples,
            seed=0,
        )

    return [
        case(champion * 0.8, champion),  # clearly better
        case(champion + np.abs(rng.normal(0.0, 5.0, 200)), champion),  # clearly worse
        case(noisy * 0.98 * champion.mean() / noisy.mean(), champion),  # 2 % better, in the noise
        case(noisy * 1.02 * champion.mean() / noisy.mean(), champion),  # 2 % worse, in the noise
        case(champion * 0.97, champion),  # 3 % better on every hour: paired, a sure win
        case(champion.copy(), champion),  # the same model
        case(shifted(2.4), steady),  # the 95 % interval's upper bound is below 0 ...
        case(shifted(2.4), steady, confidence=0.999, resamples=20_000),  # ... not the 99.9 %
        # A 50 % interval is mean ± 0.67 standard errors: z = 0.82 is a win, z = 0.35 is not.
        case(shifted(0.82), steady, confidence=0.5, resamples=20_000),
        case(shifted(0.35), steady, confidence=0.5, resamples=20_000),
        case(np.array([3.0]), np.array([5.0])),  # a holdout of one hour: every resample is it
    ]


_GATE_CASES = _gate_cases()

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
        title="Find the best configuration with MLflow's search",
        checks={"ranking": Exact(), "best_config": Exact()},
        hints=[
            "`mlflow.search_runs(experiment_names=[...], filter_string=..., order_by=[...])` "
            "returns a DataFrame with one row per run; tags, parameters and metrics are columns "
            "named `tags.<name>`, `params.<name>` and `metrics.<name>`. A filter on a metric, "
            "such as `metrics.backtest_mae >= 0`, keeps only the runs that logged it: the parent "
            "runs, not their folds.",
            "Filter with `\"tags.stage = 'backtest' and metrics.backtest_mae >= 0\"`, order by "
            '`"metrics.backtest_mae ASC"` and take `params.config` as the ranking. Then '
            "`best = runs['metrics.backtest_mae'].min()`, keep the rows within "
            "`best * (1 + backtest.TIE_TOLERANCE)`, and of their configurations take the one "
            "with the smallest position in `search_order` (`min(..., key=search_order.index)`).",
        ],
        solution="""
            runs = mlflow.search_runs(
                experiment_names=[settings.experiment_name],
                filter_string="tags.stage = 'backtest' and metrics.backtest_mae >= 0",
                order_by=["metrics.backtest_mae ASC"],
            )
            ranking = runs["params.config"].tolist()
            best = runs["metrics.backtest_mae"].min()
            tied = runs[runs["metrics.backtest_mae"] <= best * (1 + backtest.TIE_TOLERANCE)]
            best_config = min(tied["params.config"], key=search_order.index)
        """,
        wrong_answers=[
            WrongAnswer(
                "runs = mlflow.search_runs(\n"
                "    experiment_names=[settings.experiment_name],\n"
                "    filter_string='metrics.holdout_mae >= 0',\n"
                '    order_by=["metrics.holdout_mae ASC"],\n'
                ")\n"
                'ranking = runs["params.kind"].tolist()\n'
                "best_config = ranking[0]\n",
                "Did you rank by the holdout (`metrics.holdout_mae`)? Those are the training "
                "runs of section 2, scored once on the rows that must confirm the choice later: "
                "choosing on them spends the holdout. Rank the backtest's parent runs by their "
                "mean fold MAE, `metrics.backtest_mae`.",
            ),
            WrongAnswer(
                "runs = mlflow.search_runs(\n"
                "    experiment_names=[settings.experiment_name],\n"
                "    filter_string=\"tags.stage = 'backtest' and metrics.backtest_mae >= 0\",\n"
                '    order_by=["metrics.backtest_mae DESC"],\n'
                ")\n"
                'ranking = runs["params.config"].tolist()\n'
                'best = runs["metrics.backtest_mae"].min()\n'
                'tied = runs[runs["metrics.backtest_mae"] <= best * (1 + backtest.TIE_TOLERANCE)]\n'
                'best_config = min(tied["params.config"], key=search_order.index)\n',
                "Did you sort descending? MAE is an error: the best configuration has the lowest "
                "`backtest_mae`, so `{name}` lists them in ascending order.",
            ),
            WrongAnswer(
                "runs = mlflow.search_runs(\n"
                "    experiment_names=[settings.experiment_name],\n"
                "    filter_string=\"tags.stage = 'backtest'\",\n"
                '    order_by=["metrics.mae ASC"],\n'
                ")\n"
                'ranking = runs["tags.config"].tolist()\n'
                "best_config = ranking[0]\n",
                "Did you rank the fold runs? The child runs (one per fold, metric `mae`) carry "
                "the tag `stage=backtest` too, and a single lucky month says little. Keep the "
                "parent runs, those with the metric `backtest_mae`, one per configuration.",
            ),
            WrongAnswer(
                "runs = mlflow.search_runs(\n"
                "    experiment_names=[settings.experiment_name],\n"
                "    filter_string=\"tags.stage = 'backtest' and metrics.backtest_mae >= 0\",\n"
                '    order_by=["metrics.backtest_mae ASC"],\n'
                ")\n"
                'ranking = runs["params.config"].tolist()\n'
                "best_config = ranking[0]\n",
                "Did you take the lowest mean MAE alone? Configurations within 1 % of the best "
                "(`backtest.TIE_TOLERANCE`) are tied with it, and a tie goes to the one listed "
                "first in `search_order`, the simpler one.",
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
            "line 8: `<=` -> `<`": (
                "The two differ only for a configuration whose mean MAE is exactly "
                "(1 + TIE_TOLERANCE) times the best one, or when the best mean MAE is exactly 0 "
                "(a perfect model on every fold); means of real fold MAEs are neither, so the "
                "tied set, and the answer, are the same."
            ),
        },
    ),
    Exercise(
        id="cap.02.3",
        title="The promotion gate: a paired bootstrap",
        checks={"should_promote": Function(cases=_GATE_CASES, returns=Exact())},
        hints=[
            "Work with the per-row differences `challenger_errors - champion_errors` (the same "
            "rows for both models). Draw `resamples` sets of row positions with replacement "
            "(`rng.integers(0, n, size=(resamples, n))` draws them all at once), average the "
            "differences of each set, and take the upper quantile `1 - (1 - confidence) / 2` "
            "of those means.",
            "`rng = np.random.default_rng(seed)`; `means = differences[rows].mean(axis=1)`; "
            "`return bool(np.quantile(means, 1 - (1 - confidence) / 2) < 0)`",
        ],
        solution='''
            def should_promote(challenger_errors, champion_errors, confidence, resamples, seed):
                """True when the challenger's errors are lower with the given confidence."""
                differences = challenger_errors - champion_errors
                rng = np.random.default_rng(seed)
                rows = rng.integers(0, len(differences), size=(resamples, len(differences)))
                means = differences[rows].mean(axis=1)
                return bool(np.quantile(means, 1 - (1 - confidence) / 2) < 0)
        ''',
        wrong_answers=[
            WrongAnswer(
                "def should_promote(challenger_errors, champion_errors, confidence, resamples, "
                "seed):\n"
                "    return bool(np.mean(challenger_errors) < np.mean(champion_errors))\n",
                "Did you compare the two mean errors alone? A 2 % lower MAE on one holdout can be "
                "noise: promote only when the whole interval of the difference is below 0.",
            ),
            WrongAnswer(
                "def should_promote(challenger_errors, champion_errors, confidence, resamples, "
                "seed):\n"
                "    differences = challenger_errors - champion_errors\n"
                "    rng = np.random.default_rng(seed)\n"
                "    rows = rng.integers(0, len(differences), size=(resamples, len(differences)))\n"
                "    means = differences[rows].mean(axis=1)\n"
                "    return bool(np.quantile(means, (1 - confidence) / 2) < 0)\n",
                "Did you test the lower bound? An interval that merely reaches below 0 allows a "
                "worse challenger; the UPPER bound must be below 0.",
            ),
            WrongAnswer(
                "def should_promote(challenger_errors, champion_errors, confidence, resamples, "
                "seed):\n"
                "    rng = np.random.default_rng(seed)\n"
                "    n = len(champion_errors)\n"
                "    a = challenger_errors[rng.integers(0, n, size=(resamples, n))]\n"
                "    b = champion_errors[rng.integers(0, n, size=(resamples, n))]\n"
                "    means = a.mean(axis=1) - b.mean(axis=1)\n"
                "    return bool(np.quantile(means, 1 - (1 - confidence) / 2) < 0)\n",
                "Did you resample the two models' errors separately? Both models were scored on "
                "the same hours: resample the rows once and keep each hour's pair together, so "
                "the hour-to-hour variation they share cancels out.",
            ),
            WrongAnswer(
                "def should_promote(challenger_errors, champion_errors, confidence, resamples, "
                "seed):\n"
                "    differences = challenger_errors - champion_errors\n"
                "    rng = np.random.default_rng(seed)\n"
                "    rows = rng.integers(0, len(differences), size=(resamples, len(differences)))\n"
                "    means = differences[rows].mean(axis=1)\n"
                "    return bool(np.quantile(means, 0.975) < 0)\n",
                "Did you fix the level at 95 %? Use `confidence`: the upper bound is the "
                "`1 - (1 - confidence) / 2` quantile.",
            ),
            WrongAnswer(
                "def should_promote(challenger_errors, champion_errors, confidence, resamples, "
                "seed):\n"
                "    differences = champion_errors - challenger_errors\n"
                "    rng = np.random.default_rng(seed)\n"
                "    rows = rng.integers(0, len(differences), size=(resamples, len(differences)))\n"
                "    means = differences[rows].mean(axis=1)\n"
                "    return bool(np.quantile(means, 1 - (1 - confidence) / 2) < 0)\n",
                "Did you subtract the challenger's errors from the champion's? With challenger "
                "minus champion, a negative difference means the challenger errs less.",
            ),
        ],
        equivalent_mutants={
            "line 6: `differences[rows].mean` -> `differences[rows].sum`": (
                "Each sum is the mean times the number of rows (> 0): the upper quantile is "
                "scaled by the same positive factor, so its sign, the answer, is the same."
            ),
            "line 7: call of `bool` dropped": (
                "`np.quantile(...) < 0` is a numpy.bool_ with the same truth value, which "
                "`Exact` compares equal to the Python bool."
            ),
        },
    ),
]
