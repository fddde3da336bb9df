"""The capstone's milestones, in one place: what the learner writes and which tests accept it.

Pure data, standard library only. Three things read it:

- ``mlcourse release capstone`` writes the skeleton: every function named in ``functions`` keeps
  its decorators, signature and docstring, and its body becomes
  ``raise NotImplementedError(stub_message(...))``; everything else is shipped whole.
- ``make capstone-check`` (``python -m mlcourse check capstone``) runs ``tests/capstone`` and
  prints one row per milestone from ``tests``.
- ``tests/test_capstone_release.py`` holds both lists to the code: a name that does not exist, or
  a test file of ``tests/capstone`` that no milestone (and not ``GIVEN_TESTS``) claims, fails.

A function is ``"module:qualname"`` (``"capstone.train:SeasonalNaiveRegressor.fit"``); a test is
a file of ``tests/capstone`` (``"test_data.py"``) or one test in it
(``"test_cli.py::test_validate_command_ok_and_bad"``; parametrised cases follow their test).
Adding a function the learner writes, or a test file, is one line in the tuple of its milestone.

What the learner writes is the ML and engineering core: validation rules, feature building, the
baseline, training and its logging, the PyTorch model's training loop, fit and predict, the
rolling-origin backtest's folds, fold scoring and choice, the gate's bootstrap and decision, the
request schema's rules and the scoring path, batch scoring, drift and the retraining rule, the
delayed-label (as-of) join and what it leaves pending, retraining. Plumbing stays whole: the CLI,
logging and MLflow set-up, settings, figures, the background server, the prediction-log writer
thread, the HTML report, the story's orchestration, the search's MLflow logging
(`backtest.search`), the torch model's save/load and pyfunc wrapper, loading a model of any kind
(`registry.load_model`: milestone 3's tests use it), the simulated label delays.
"""

from __future__ import annotations

from dataclasses import dataclass

README_SECTION = "capstone/README.md, 'Milestones'"


@dataclass(frozen=True)
class Milestone:
    number: int
    title: str  # the stage, as the README's milestone table names it
    functions: tuple[str, ...]  # "module:qualname" the learner writes
    tests: tuple[str, ...]  # files or "file::test" of tests/capstone that accept it


MILESTONES = (
    Milestone(
        1,
        "Validate",
        functions=(
            "capstone.data:_check_column",
            "capstone.data:validate",
            "capstone.data:time_holdout_split",
        ),
        tests=("test_data.py", "test_cli.py::test_validate_command_ok_and_bad"),
    ),
    Milestone(
        2,
        "Features",
        functions=("capstone.features:build_features",),
        tests=("test_features.py",),
    ),
    Milestone(
        3,
        "Train",
        functions=(
            "capstone.train:SeasonalNaiveRegressor.fit",
            "capstone.train:SeasonalNaiveRegressor.predict",
            "capstone.train:make_pipeline",
            "capstone.train:regression_metrics",
            "capstone.train:log_pipeline",
            "capstone.train:train_and_log",
            "capstone.torch_model:poisson_epoch",
            "capstone.torch_model:TorchPoissonRegressor.fit",
            "capstone.torch_model:TorchPoissonRegressor.predict",
            "capstone.backtest:rolling_origin_folds",
            "capstone.backtest:score_fold",
            "capstone.backtest:choose",
        ),
        tests=(
            "test_train.py",
            "test_torch_model.py",
            "test_backtest.py",
            "test_cli.py::test_cli_kinds_are_the_trainers",
        ),
    ),
    Milestone(
        4,
        "Register and gate",
        functions=(
            "capstone.registry:paired_bootstrap",
            "capstone.registry:decide",
            "capstone.registry:absolute_errors",
            "capstone.registry:gate",
        ),
        tests=(
            "test_registry.py",
            "test_cli.py::test_register_with_no_training_run_says_what_to_run",
        ),
    ),
    Milestone(
        5,
        "Serve",
        functions=(
            "capstone.serve:_check_equal_lengths",
            "capstone.serve:Batch._one_form",
            "capstone.serve:Batch.as_columns",
            "capstone.serve:ModelHolder.refresh",
            "capstone.serve:require_json",
            "capstone.serve:rows_to_columns",
        ),
        tests=(
            "test_serve.py",
            "test_serve_torch.py",
            "test_cli.py::test_dockerfile_cmd_serves_health",
        ),
    ),
    Milestone(
        6,
        "Batch",
        functions=("capstone.batch:score_frame", "capstone.batch:score_file"),
        tests=("test_batch.py",),
    ),
    Milestone(
        7,
        "Monitor",
        functions=(
            "capstone.monitor:psi",
            "capstone.monitor:feature_drift",
            "capstone.monitor:feature_importance",
            "capstone.monitor:weighted_drift",
            "capstone.monitor:weekly_errors",
            "capstone.monitor:summarise",
            "capstone.monitor:read_prediction_log",
            "capstone.labels:label_status",
        ),
        tests=("test_monitor.py", "test_labels.py"),
    ),
    Milestone(
        8,
        "Retrain",
        functions=("capstone.retrain:recent_split", "capstone.retrain:retrain"),
        tests=("test_retrain.py",),
    ),
    Milestone(
        9,
        "Story",
        functions=(),  # the orchestration is given; it passes when every stage above does
        tests=(
            "test_cli.py::test_story_end_to_end_on_a_small_slice",
            "test_cli.py::test_story_against_a_real_mlflow_server",
        ),
    ),
)

# Tests of the plumbing that ships whole (settings): run and reported, but no milestone's.
GIVEN_TESTS = ("test_config.py",)


def stub_message(milestone: Milestone, qualname: str) -> str:
    """The text a skeleton stub raises: which milestone, what to write, where to read."""
    return (
        f"Milestone {milestone.number} ({milestone.title}): write {qualname}; see {README_SECTION}."
    )


def split_name(function: str) -> tuple[str, str]:
    """``"capstone.data:validate"`` -> ``("capstone.data", "validate")``, checked."""
    module, sep, qualname = function.partition(":")
    if not sep or not module or not qualname or "<" in qualname:
        raise ValueError(
            f"a milestone function should be 'module:qualname' such as "
            f"'capstone.data:validate' or 'capstone.train:SeasonalNaiveRegressor.fit', got "
            f"{function!r}"
        )
    return module, qualname


def milestone_of(number: int) -> Milestone:
    for milestone in MILESTONES:
        if milestone.number == number:
            return milestone
    raise LookupError(f"no milestone {number}; the milestones are {[m.number for m in MILESTONES]}")
