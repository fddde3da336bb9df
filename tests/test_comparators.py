"""Every comparator kind through an exercise's check: the outcomes, the messages, the recorded
wrong answers; and the same words from the grader (through the safe format) as from the notebook.
"""

import re
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.validation import check_is_fitted, validate_data

from mlcourse.comparators import failed_sklearn_check, parse_dockerfile
from mlcourse.exercise import (
    Calls,
    Close,
    DataclassFields,
    Document,
    Estimator,
    Exact,
    Exercise,
    Frame,
    Function,
    Model,
    Plot,
    Rule,
    SklearnEstimator,
    SqlQuery,
    TestSuite,
    Unfinished,
    WrongAnswer,
    Yields,
)
from mlcourse.outcomes import CORRECT, INCORRECT, NOT_ATTEMPTED, Incorrect, NotAttempted
from mlcourse.probes import grader_verdict
from tests.test_compare import XY, MeanRegressor, NoSelfRegressor, draw

matplotlib.use("Agg")


def make_exercise(checks, solution, wrong_answers=(), number=1):
    return Exercise(
        id=f"99.01.{number}",
        title="an exercise of one kind",
        checks=checks,
        hints=["a hint"],
        solution=solution,
        wrong_answers=list(wrong_answers),
    )


def outcome_of(exercise, namespace):
    """(status, message) as the learner's ``check()`` reports it."""
    try:
        exercise.check(namespace)
    except (NotAttempted, Incorrect) as outcome:
        return outcome.status, outcome.message
    return CORRECT, ""


# --- Model: an estimator or pipeline judged by its behaviour ------------------------------------

X, Y = make_classification(
    n_samples=300, n_features=4, n_informative=2, n_redundant=0, random_state=0
)
SPLITS = (X[:150], Y[:150], X[150:], Y[150:])  # X_train, y_train, X_test, y_test
MINORITY = int(np.bincount(Y[:150]).argmin())  # always predicting it scores below 0.5


class EagerClassifier(ClassifierMixin, BaseEstimator):
    """Predicts before it is fitted."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


class NoSelfClassifier(ClassifierMixin, BaseEstimator):
    """Forgets ``return self`` in ``fit``."""

    def fit(self, X, y):
        self.inner_ = LogisticRegression().fit(X, y)

    def predict(self, X):
        check_is_fitted(self)
        return self.inner_.predict(X)


class BatchScaler(TransformerMixin, BaseEstimator):
    """Standardises each batch with its own mean and spread: the leak the check must find."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return (X - X.mean(axis=0)) / X.std(axis=0)


class StubClassifier(ClassifierMixin, BaseEstimator):
    """The stub as a notebook ships it: every method still to write."""

    def fit(self, X, y):
        raise NotImplementedError("learn from X and y")

    def predict(self, X):
        raise NotImplementedError("predict each row")


class FitStubClassifier(StubClassifier):
    def predict(self, X):
        check_is_fitted(self)
        return np.zeros(len(X), dtype=int)


class FailingClassifier(FitStubClassifier):
    def fit(self, X, y):
        raise ValueError("no idea how")


MODEL_NAMESPACE = {
    "make_pipeline": make_pipeline,
    "StandardScaler": StandardScaler,
    "LogisticRegression": LogisticRegression,
    "DummyClassifier": DummyClassifier,
}
BASELINE_MESSAGE = "Did you submit a baseline that ignores the features? Fit a real model."


def model_exercise(**model_options):
    return make_exercise(
        {"model": Model(SPLITS, **{"at_least": 0.8, **model_options})},
        solution="model = make_pipeline(StandardScaler(), LogisticRegression())",
        wrong_answers=[WrongAnswer("model = DummyClassifier()", BASELINE_MESSAGE)],
    )


MODEL_EXERCISE = model_exercise()


def test_model_a_good_pipeline_passes():
    model = make_pipeline(StandardScaler(), LogisticRegression(C=10.0))
    assert outcome_of(MODEL_EXERCISE, {**MODEL_NAMESPACE, "model": model}) == (CORRECT, "")


def test_model_below_the_threshold_fails_with_its_scores():
    status, message = outcome_of(
        MODEL_EXERCISE,
        {**MODEL_NAMESPACE, "model": DummyClassifier(strategy="constant", constant=MINORITY)},
    )
    assert status == INCORRECT
    assert "`model` scored 0." in message and "(accuracy) on the held-out rows" in message
    assert "below the required 0.8 (scores over seeds [0, 1, 2]:" in message
    assert BASELINE_MESSAGE not in message  # its scores are not the recorded baseline's


def test_model_that_behaves_like_a_recorded_wrong_answer_gets_its_message():
    # different code, same behaviour: the message follows what the model does
    namespace = {**MODEL_NAMESPACE, "model": DummyClassifier(strategy="most_frequent")}
    verdict = MODEL_EXERCISE.verdict(namespace)
    assert verdict.status == INCORRECT and verdict.wrong_answer == 0
    assert verdict.reason.startswith("`model` scored ")
    assert verdict.reason.endswith(BASELINE_MESSAGE)


def test_model_whose_score_needs_a_lucky_seed_fails():
    stump = DecisionTreeClassifier(max_depth=1, max_features=1)  # one random feature per seed
    namespace = {**MODEL_NAMESPACE, "model": stump}
    seeds = range(6)
    lucky = [s for s in seeds if outcome_of(model_exercise(seeds=(s,)), namespace)[0] == CORRECT]
    assert 0 < len(lucky) < len(seeds), f"lucky seeds {lucky}: the stump no longer needs luck"
    status, message = outcome_of(model_exercise(seeds=tuple(seeds)), namespace)
    assert status == INCORRECT and "below the required 0.8" in message, message


@pytest.mark.parametrize(
    "model",
    [
        make_pipeline(BatchScaler(), LogisticRegression()),
        make_pipeline(
            FunctionTransformer(lambda X: (X - X.mean(axis=0)) / X.std(axis=0)),
            LogisticRegression(),
        ),
    ],
    ids=["transformer class", "function transformer"],
)
def test_model_that_normalises_with_the_batch_fails_the_consistency_check(model):
    status, message = outcome_of(MODEL_EXERCISE, {**MODEL_NAMESPACE, "model": model})
    assert status == INCORRECT, "its accuracy alone passes: only the batch check can catch it"
    assert "predicts a held-out row differently depending on the other rows" in message
    assert "Learn them in `fit` and reuse them." in message


@pytest.mark.parametrize(
    "model, fragment",
    [
        (EagerClassifier(), "`model.predict` works before `fit`; it should raise NotFittedError."),
        (NoSelfClassifier(), "`model.fit` returned None; it should `return self`."),
        (FailingClassifier(), "fitting `model` and scoring it raised ValueError: no idea how"),
        (object(), "`model` cannot be created with default arguments or cloned"),
    ],
)
def test_model_breaking_the_estimator_api_fails_with_the_rule(model, fragment):
    status, message = outcome_of(MODEL_EXERCISE, {**MODEL_NAMESPACE, "model": model})
    assert status == INCORRECT and fragment in message, message


@pytest.mark.parametrize("stub", [StubClassifier(), FitStubClassifier()])
def test_model_still_raising_not_implemented_is_not_attempted(stub):
    status, message = outcome_of(MODEL_EXERCISE, {**MODEL_NAMESPACE, "model": stub})
    assert (status, message) == (
        NOT_ATTEMPTED,
        "`model` still raises NotImplementedError: write its body.",
    )


def test_model_data_function_is_called_once():
    calls = []

    def data():
        calls.append(1)
        return SPLITS

    model = Model(data, at_least=0.8)
    model.observe("model", LogisticRegression())
    model.observe("model", LogisticRegression(C=0.1))
    assert len(calls) == 1


# --- TestSuite: a test the learner writes must pass on the right code, fail on planted bugs -------


def median(values):
    if not values:
        raise ValueError("the median of no values is undefined")
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def median_unsorted(values):
    if not values:
        raise ValueError("empty")
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def median_upper(values):
    if not values:
        raise ValueError("empty")
    return sorted(values)[len(values) // 2]


def median_of_nothing_is_zero(values):
    return median(values) if values else 0.0


BUGS = {
    "the values are not sorted first": median_unsorted,
    "an even count takes the upper middle value": median_upper,
    "no values give 0 instead of raising ValueError": median_of_nothing_is_zero,
}
GOOD_TEST = """\
def test_median(median):
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    with pytest.raises(ValueError):
        median([])
"""
ODD_ONLY_MESSAGE = "Did you test only lists of odd length? An even count averages two values."
TEST_EXERCISE = make_exercise(
    {"test_median": TestSuite(correct=median, bugs=BUGS)},
    solution=GOOD_TEST,
    wrong_answers=[
        WrongAnswer(
            "def test_median(median):\n    assert median([5, 1, 3]) == 3\n", ODD_ONLY_MESSAGE
        )
    ],
)


def learner_test(source: str):
    scope = {"pytest": pytest}
    exec(source, scope)  # noqa: S102 - test code written here
    return scope["test_median"]


def test_suite_a_good_test_passes():
    # its last assertion fails through pytest.raises, which raises pytest's own Failed
    assert outcome_of(
        TEST_EXERCISE, {"pytest": pytest, "test_median": learner_test(GOOD_TEST)}
    ) == (
        CORRECT,
        "",
    )


def test_suite_a_vacuous_test_fails_naming_a_planted_bug():
    def test_median(median):
        pass

    status, message = outcome_of(TEST_EXERCISE, {"pytest": pytest, "test_median": test_median})
    assert status == INCORRECT
    assert message == (
        "`test_median` passes on 3 of 3 implementations with a planted bug, e.g. one where the "
        "values are not sorted first. Add a case that this bug gets wrong."
    )


def test_suite_that_misses_a_bug_like_a_recorded_wrong_answer_gets_its_message():
    def test_median(median):  # different values, the same blind spot as the recorded answer
        assert median([9, 7, 8]) == 8

    verdict = TEST_EXERCISE.verdict({"pytest": pytest, "test_median": test_median})
    assert verdict.status == INCORRECT and verdict.wrong_answer == 0
    assert "passes on 2 of 3 implementations" in verdict.reason
    assert "one where an even count takes the upper middle value" in verdict.reason
    assert verdict.reason.endswith(ODD_ONLY_MESSAGE)


def test_suite_failing_on_the_correct_implementation_fails_with_that_message():
    test_median = learner_test("def test_median(median):\n    assert median([1, 2]) == 1\n")

    status, message = outcome_of(TEST_EXERCISE, {"pytest": pytest, "test_median": test_median})
    assert status == INCORRECT
    assert message.startswith(
        "`test_median` fails on a correct implementation (AssertionError): a test must pass"
    ), message


def test_suite_stub_is_not_attempted_and_a_non_callable_is_explained():
    def test_median(median):
        raise NotImplementedError("write the test")

    assert (
        outcome_of(TEST_EXERCISE, {"pytest": pytest, "test_median": test_median})[0]
        == NOT_ATTEMPTED
    )
    assert outcome_of(TEST_EXERCISE, {"pytest": pytest, "test_median": 3}) == (
        INCORRECT,
        "`test_median` should be a test function, got int.",
    )


# --- SqlQuery: run on a fresh in-memory database --------------------------------------------------

TRIPS = """
CREATE TABLE trips (id INTEGER, city TEXT, km REAL);
INSERT INTO trips VALUES (1, 'Oslo', 3.5), (2, 'Bergen', 12.0), (3, 'Oslo', 7.25),
                         (4, 'Oslo', 1.0), (5, 'Bergen', 4.0);
"""
LONG_OSLO = "SELECT id, km FROM trips WHERE city = 'Oslo' AND km > 2"
ALL_OSLO_MESSAGE = "Did you forget the distance condition? Join both with AND."


def sql_exercise(ordered=False, setup=TRIPS, solution=LONG_OSLO):
    return make_exercise(
        {"query": SqlQuery(setup, ordered=ordered)},
        solution=f'query = "{solution}"',
        wrong_answers=[
            WrongAnswer(
                "query = \"SELECT id, km FROM trips WHERE city = 'Oslo'\"", ALL_OSLO_MESSAGE
            )
        ],
    )


SQL_EXERCISE = sql_exercise()


@pytest.mark.parametrize(
    "query, status, fragment",
    [
        (LONG_OSLO, CORRECT, ""),
        (
            "select km, id from trips where km > 2 and city = 'Oslo'",
            INCORRECT,
            "right columns in the wrong order",
        ),
        (
            "SELECT id, km FROM trips WHERE city = 'Oslo' AND km > 0.5",
            INCORRECT,
            "the result of `query` should have 2 rows, got 3.",
        ),
        (
            "SELECT id, km FROM trips WHERE city = 'Bergen'",
            INCORRECT,
            "the result of `query['id']` differs in 2 of 2 elements",
        ),
        ("SELECT id, km FROM trips WHERE km > 1 AND city = 'Oslo'", CORRECT, ""),  # same rows
        ("SELEC id FROM trips", INCORRECT, "running `query` failed: DatabaseError"),
        ("SELECT id, km FROM trips WHERE town = 'Oslo'", INCORRECT, "no such column: town"),
        (42, INCORRECT, "`query` should be a string (the file's text), got int."),
    ],
)
def test_sql_query_outcomes(query, status, fragment):
    got_status, message = outcome_of(SQL_EXERCISE, {"query": query})
    assert got_status == status and fragment in message, message


def test_sql_query_matching_a_recorded_wrong_answer_gets_its_message():
    status, message = outcome_of(
        SQL_EXERCISE, {"query": "select id, km from trips where city='Oslo' order by km"}
    )
    assert status == INCORRECT and message.endswith(ALL_OSLO_MESSAGE), message
    assert message.startswith("the result of `query` should have 2 rows, got 3.")


def test_sql_order_by_counts_only_when_ordered():
    descending = LONG_OSLO + " ORDER BY km DESC"
    assert outcome_of(SQL_EXERCISE, {"query": descending})[0] == CORRECT
    ordered = sql_exercise(ordered=True, solution=LONG_OSLO + " ORDER BY km")
    assert outcome_of(ordered, {"query": LONG_OSLO + " ORDER BY km"})[0] == CORRECT
    status, message = outcome_of(ordered, {"query": descending})
    assert status == INCORRECT and "the result of `query['id']` differs" in message, message


def test_sql_setup_may_be_a_function_of_the_connection():
    exercise = sql_exercise(setup=lambda connection: connection.executescript(TRIPS))
    assert outcome_of(exercise, {"query": LONG_OSLO})[0] == CORRECT
    assert outcome_of(exercise, {"query": "SELECT id, km FROM trips"})[0] == INCORRECT


# --- Document: a file the learner writes, parsed and held to rules --------------------------------

DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM python:3.11-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir \\
    # pinned in the lock file
    -r requirements.txt
copy . .
USER app
CMD ["python", "-m", "app"]
"""


def test_parse_dockerfile_joins_continuations_and_drops_comments():
    assert parse_dockerfile(DOCKERFILE) == [
        ["FROM", "python:3.11-slim"],
        ["WORKDIR", "/app"],
        ["COPY", "requirements.txt ."],
        ["RUN", "pip install --no-cache-dir -r requirements.txt"],
        ["COPY", ". ."],
        ["USER", "app"],
        ["CMD", '["python", "-m", "app"]'],
    ]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("RUN echo hi\nFROM python:3.11\n", "must start with FROM"),
        ("FROM python:3.11\nRUN pip install \\\n", "the last line ends with `\\`"),
        ("FROM python:3.11\napt-get install -y curl\n", "does not start with an instruction"),
        (
            "FROM python:3.11\npip install -r requirements.txt\n",
            "'PIP' is not a Dockerfile instruction",
        ),
        ("", "must start with FROM"),
    ],
)
def test_parse_dockerfile_rejects_what_docker_would(text, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_dockerfile(text)


DOCKER_RULES = [
    Rule(
        "`{name}` should start FROM a pinned image such as `python:3.11-slim`, not `latest` or no tag.",
        lambda d: d[0][0] == "FROM" and ":" in d[0][1] and not d[0][1].endswith(":latest"),
    ),
    Rule(
        "`{name}` runs as root: add a `USER` instruction.", lambda d: any(i == "USER" for i, _ in d)
    ),
    Rule("`{name}` should end with the CMD that starts the app.", lambda d: d[-1][0] == "CMD"),
]
UNPINNED_MESSAGE = "Did you leave the base image unpinned? `latest` changes under you."
DOCKER_EXERCISE = make_exercise(
    {"dockerfile": Document("dockerfile", DOCKER_RULES)},
    solution="dockerfile = GOOD",
    wrong_answers=[
        WrongAnswer("dockerfile = GOOD.replace('3.11-slim', 'latest')", UNPINNED_MESSAGE)
    ],
)


@pytest.mark.parametrize(
    "text, status, message",
    [
        (DOCKERFILE, CORRECT, ""),
        (
            DOCKERFILE.replace("USER app\n", ""),
            INCORRECT,
            "`dockerfile` runs as root: add a `USER` instruction.",
        ),
        (
            DOCKERFILE.replace("python:3.11-slim", "python"),  # no tag: the recorded mistake
            INCORRECT,
            "`dockerfile` should start FROM a pinned image such as `python:3.11-slim`, not "
            f"`latest` or no tag. {UNPINNED_MESSAGE}",
        ),
        (
            DOCKERFILE + "EXPOSE 8000\n",
            INCORRECT,
            "`dockerfile` should end with the CMD that starts the app.",
        ),
        (
            "WORKDIR /app\n",
            INCORRECT,
            "`dockerfile` is not a valid dockerfile file: a Dockerfile must start with FROM "
            "(or ARG before FROM)",
        ),
        (
            b"FROM python",
            INCORRECT,
            "`dockerfile` should be a string (the file's text), got bytes.",
        ),
    ],
)
def test_document_dockerfile_rules(text, status, message):
    assert outcome_of(DOCKER_EXERCISE, {"GOOD": DOCKERFILE, "dockerfile": text}) == (
        status,
        message,
    )


def test_document_reads_a_path_to_the_file(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(DOCKERFILE)
    assert outcome_of(DOCKER_EXERCISE, {"GOOD": DOCKERFILE, "dockerfile": path}) == (CORRECT, "")
    missing = tmp_path / "nowhere" / "Dockerfile"
    status, message = outcome_of(DOCKER_EXERCISE, {"GOOD": DOCKERFILE, "dockerfile": missing})
    assert status == INCORRECT and "but no such file exists" in message, message


MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
spec:
  replicas: 2
"""
YAML_EXERCISE = make_exercise(
    {
        "manifest": Document(
            "yaml",
            [
                Rule("`{name}` should be a Deployment.", lambda d: d["kind"] == "Deployment"),
                Rule(
                    "`{name}` should ask for at least 2 replicas.",
                    lambda d: d["spec"]["replicas"] >= 2,
                ),
            ],
        )
    },
    solution="manifest = GOOD",
)


@pytest.mark.parametrize(
    "text, status, fragment",
    [
        (MANIFEST, CORRECT, ""),
        (MANIFEST.replace("2", "1"), INCORRECT, "`manifest` should ask for at least 2 replicas."),
        (
            "kind: Deployment\n",
            INCORRECT,
            "at least 2 replicas",
        ),  # a rule that cannot read it fails
        ("kind: [Deployment\n", INCORRECT, "`manifest` is not a valid yaml file: "),
    ],
)
def test_document_yaml_rules(text, status, fragment):
    got_status, message = outcome_of(YAML_EXERCISE, {"GOOD": MANIFEST, "manifest": text})
    assert got_status == status and fragment in message, message


def test_document_json_and_an_unknown_kind():
    document = Document("json", [Rule("`{name}` should list two items.", lambda d: len(d) == 2)])
    assert document.diff("j", document.observe("j", "[1, 2]"), None) is None
    assert "is not a valid json file" in document.diff("j", document.observe("j", "[1,"), None)
    with pytest.raises(ValueError, match="Document kind should be one of .*got 'toml'"):
        Document("toml", [])


# --- Estimator and Plot, through observe and diff ----------------------------------------------


def test_estimator_observe_and_diff():
    estimator = Estimator(*XY)
    expected = estimator.observe("Model", MeanRegressor)
    assert estimator.diff("Model", estimator.observe("Model", MeanRegressor()), expected) is None
    shifted = estimator.diff(
        "Model", estimator.observe("Model", MeanRegressor(shift=1.0)), expected
    )
    assert shifted.startswith("the predictions of `Model` differ in 3 of 3 elements,"), shifted
    assert "should `return self`" in estimator.diff(
        "Model", estimator.observe("Model", NoSelfRegressor), expected
    )
    with pytest.raises(Unfinished):
        estimator.observe("Model", StubClassifier)


def test_plot_observe_and_diff():
    plot = Plot()
    expected = plot.observe("ax", draw([0, 1], [0, 1]))
    assert plot.diff("ax", plot.observe("ax", draw([0, 1], [0, 1])), expected) is None
    assert "`ax line 0 data` differs" in plot.diff(
        "ax", plot.observe("ax", draw([0, 1], [1, 1])), expected
    )
    figure = draw([0, 1], [0, 1]).figure
    assert plot.diff("ax", plot.observe("ax", figure), expected) == (
        "`ax` should be a matplotlib Axes, got matplotlib.figure.Figure. "
        "Use `fig.axes[0]` or `fig, ax = plt.subplots()` and keep `ax`."
    )


# --- Yields: what a generator yields, read lazily ------------------------------------------------


def evens(n):
    for i in range(n):
        yield 2 * i


def evens_then_fail(n):
    yield 0
    yield 2
    raise ValueError("ran dry")


def reused_batches(n):
    """Yields the same list each time, cleared after each yield: the caller's batches empty."""
    batch = []
    for i in range(n):
        batch.append(i)
        yield batch
        batch.clear()


def endless():
    i = 0
    while True:
        yield i
        i += 1


def stub_function(*args, **kwargs):
    raise NotImplementedError("write the body")


YIELDS_EXERCISE = make_exercise(
    {"evens": Function(cases=[dict(n=4), dict(n=0)], returns=Yields())},
    solution="""
        def evens(n):
            for i in range(n):
                yield 2 * i
    """,
    wrong_answers=[
        WrongAnswer(
            "def evens(n):\n    return [2 * i for i in range(n)]\n",
            "Did you build the whole list? `yield` each item instead.",
        )
    ],
)


@pytest.mark.parametrize(
    "answer, status, fragment",
    [
        (evens, CORRECT, ""),
        (
            lambda n: iter(range(n)),
            INCORRECT,
            "for `evens(n=4)`: the result yields 1 as item 1 (counting from 0)",
        ),
        (lambda n: iter([0, 2]), INCORRECT, "the result yields 2 items; it should yield 4"),
        (lambda n: [2 * i for i in range(n)], INCORRECT, "got list. Did you build"),
        (evens_then_fail, INCORRECT, "raised ValueError: ran dry after yielding 2 items"),
        (stub_function, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ],
    ids=["generator", "wrong item", "too few", "a list", "raises", "stub"],
)
def test_yields_outcomes(answer, status, fragment):
    got, message = outcome_of(YIELDS_EXERCISE, {"evens": answer})
    assert got == status, message
    assert fragment in message


def test_yields_reads_lazily_and_sees_a_reused_batch():
    observed = Yields(take=5).observe("xs", endless())  # an endless generator does not hang
    assert observed == {"items": [0, 1, 2, 3, 4]}
    reused = Yields().observe("xs", reused_batches(3))
    assert reused == {"items": [[], [], []]}  # each list read after all were yielded
    fresh = Yields().observe("xs", iter([[0], [1], [2]]))
    assert "item 0" in Yields().diff("xs", reused, fresh)
    assert Yields().observe("xs", [1, 2]) == {"not_iterator": "list"}


# --- Calls: a sequence of calls that return or raise, and what the errors say ----------------------


def parse_digits(text):
    if not text.isdigit():
        raise ValueError(f"expected digits, got {text!r}")
    return int(text)


def parse_vaguely(text):
    if not text.isdigit():
        raise ValueError("bad input")
    return int(text)


def parse_with_type_error(text):
    if not text.isdigit():
        raise TypeError(f"expected digits, got {text!r}")
    return int(text)


CALLS_EXERCISE = make_exercise(
    {
        "parse": Calls(
            cases=[dict(text="12"), dict(text="-1"), dict(text="")],
            mentions=[[], ["expected", "'-1'"], ["expected", "''"]],
        )
    },
    solution="""
        def parse(text):
            if not text.isdigit():
                raise ValueError(f"expected digits, got {text!r}")
            return int(text)
    """,
    wrong_answers=[
        WrongAnswer(
            "def parse(text):\n    return int(text)\n",
            "Did you let `int()` decide? It accepts '-1'.",
        )
    ],
)


@pytest.mark.parametrize(
    "answer, status, fragment",
    [
        (parse_digits, CORRECT, ""),
        (lambda text: abs(int(text)), INCORRECT, "`parse(text='-1')` should raise ValueError, but"),
        (lambda text: int(text), INCORRECT, "Did you let `int()` decide?"),
        (parse_vaguely, INCORRECT, "its message 'bad input' does not mention 'expected'"),
        (parse_with_type_error, INCORRECT, "raised TypeError: \"expected digits, got '-1'\"; it "),
        (lambda text: 12, INCORRECT, "should raise ValueError"),
        (stub_function, NOT_ATTEMPTED, "still raises NotImplementedError"),
        (3, INCORRECT, "`parse` should be callable, got int."),
    ],
    ids=["right", "abs", "recorded", "vague", "wrong type", "constant", "stub", "not callable"],
)
def test_calls_outcomes(answer, status, fragment):
    got, message = outcome_of(CALLS_EXERCISE, {"parse": answer})
    assert got == status, message
    assert fragment in message, message


def make_counter(start):
    count = start

    def step():
        nonlocal count
        count += 1
        return count

    return step


def test_calls_on_one_object_keep_its_state_and_say_which_call():
    step = Calls(cases=[{}, {}, {}], label="step")
    check = Calls(cases=[dict(start=0)], returns=step)
    expected = check.observe("make_counter", make_counter)
    assert expected == {"calls": [{"returned": {"calls": [{"returned": v} for v in (1, 2, 3)]}}]}

    def stuck(start):
        return lambda: start + 1

    reason = check.diff("make_counter", check.observe("make_counter", stuck), expected)
    assert reason.startswith("for `make_counter(start=0)`: for `step()` (call 2 of 3):"), reason


# --- DataclassFields: a dataclass instance as its fields, and whether it is frozen ------------------


@dataclass(frozen=True)
class Point:
    x: int
    y: int


@dataclass
class MutablePoint:
    x: int
    y: int


@dataclass(frozen=True)
class SwappedPoint:
    y: int
    x: int


@dataclass(frozen=True)
class FloatPoint:
    x: float
    y: float

    def __post_init__(self):
        object.__setattr__(self, "x", float(self.x))
        object.__setattr__(self, "y", float(self.y))


FIELDS_EXERCISE = make_exercise(
    {"Point": Function(cases=[dict(x=1, y=2)], returns=DataclassFields())},
    solution="""
        @dataclass(frozen=True)
        class Point:
            x: int
            y: int
    """,
    wrong_answers=[
        WrongAnswer("Point = lambda x, y: (x, y)", "Did you return a tuple? Write a dataclass.")
    ],
)


@pytest.mark.parametrize(
    "answer, status, fragment",
    [
        (Point, CORRECT, ""),
        (MutablePoint, INCORRECT, "can be changed after it is created: it should be frozen"),
        (SwappedPoint, INCORRECT, "has the fields ['y', 'x']; it should have ['x', 'y']"),
        (FloatPoint, INCORRECT, "`result.x` is 1.0, which is not the expected value"),
        (lambda x, y: (x, y), INCORRECT, "Did you return a tuple?"),
        (stub_function, NOT_ATTEMPTED, "still raises NotImplementedError"),
    ],
    ids=["frozen", "mutable", "order", "types", "tuple", "stub"],
)
def test_dataclass_fields_outcomes(answer, status, fragment):
    got, message = outcome_of(FIELDS_EXERCISE, {"Point": answer, "dataclass": dataclass})
    assert got == status, message
    assert fragment in message, message


def test_dataclass_fields_match_a_recorded_answer_only_with_the_same_frozenness():
    fields = DataclassFields()
    frozen, mutable = fields.observe("p", Point(1, 2)), fields.observe("p", MutablePoint(1, 2))
    assert fields.matches(mutable, mutable) and not fields.matches(frozen, mutable)
    assert fields.observe("p", Point) == {"not_dataclass": "type"}  # the class, not an instance


# --- SklearnEstimator: scikit-learn's own checks, then the outputs ---------------------------------


class LstsqRegressor(RegressorMixin, BaseEstimator):
    """Least squares with an intercept, written to scikit-learn's rules."""

    def __init__(self, shift=0.0):
        self.shift = shift

    def fit(self, X, y):
        X, y = validate_data(self, X, y, y_numeric=True)
        design = np.column_stack([np.ones(len(X)), X])
        self.coef_ = np.linalg.lstsq(design, y, rcond=None)[0]
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.coef_[0] + X @ self.coef_[1:] + self.shift


class EagerRegressor(LstsqRegressor):
    """Predicts zeros before it is fitted."""

    def predict(self, X):
        if not hasattr(self, "coef_"):
            return np.zeros(len(X))
        return super().predict(X)


class InitAttributeRegressor(LstsqRegressor):
    """Creates a learned-looking attribute in ``__init__``: check_is_fitted is fooled."""

    def __init__(self, shift=0.0):
        self.shift = shift
        self.losses_ = []


class NoValidationRegressor(LstsqRegressor):
    """Never calls validate_data, so it sets no ``n_features_in_`` and accepts NaN."""

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        self.coef_ = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)[0]
        return self

    def predict(self, X):
        check_is_fitted(self)
        return self.coef_[0] + np.asarray(X, dtype=float) @ self.coef_[1:]


class StubRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        raise NotImplementedError("learn from X and y")

    def predict(self, X):
        raise NotImplementedError("predict each row")


_SK_RNG = np.random.default_rng(0)
SK_X = _SK_RNG.normal(size=(30, 2))
SK_Y = SK_X @ np.array([1.5, -2.0]) + 0.5
SK_X_NEW = _SK_RNG.normal(size=(5, 2))
SKLEARN_EXERCISE = make_exercise(
    {"Regressor": SklearnEstimator(SK_X, SK_Y, SK_X_NEW)},
    solution="Regressor = LstsqRegressor",
    wrong_answers=[
        WrongAnswer("Regressor = EagerRegressor", "Did you skip `check_is_fitted(self)`?")
    ],
)
SKLEARN_NAMESPACE = {"LstsqRegressor": LstsqRegressor, "EagerRegressor": EagerRegressor}


@pytest.mark.parametrize(
    "answer, status, fragment",
    [
        (LstsqRegressor, CORRECT, ""),
        (LstsqRegressor(shift=0.01), INCORRECT, "the predictions of `Regressor` differ"),
        (EagerRegressor(shift=2.0), INCORRECT, "Did you skip `check_is_fitted(self)`?"),
        (NoValidationRegressor, INCORRECT, "fails scikit-learn's `check_"),
        (InitAttributeRegressor, INCORRECT, "has `losses_` before `fit`: a name ending in `_`"),
        (StubRegressor, NOT_ATTEMPTED, "still raises NotImplementedError"),
        (int, INCORRECT, "has neither a `predict` nor a `transform` method"),
    ],
    ids=[
        "right",
        "shifted",
        "eager",
        "no validation",
        "init attribute",
        "stub",
        "not an estimator",
    ],
)
def test_sklearn_estimator_outcomes(answer, status, fragment):
    got, message = outcome_of(SKLEARN_EXERCISE, {**SKLEARN_NAMESPACE, "Regressor": answer})
    assert got == status, message
    assert fragment in message, message


def test_failed_sklearn_check_names_the_check_and_honours_skip():
    assert failed_sklearn_check(LstsqRegressor()) is None
    check, _ = failed_sklearn_check(NoValidationRegressor())
    assert check.startswith("check_")
    again = failed_sklearn_check(NoValidationRegressor(), skip={check: "known"})
    assert again is None or again[0] != check


# --- the same words from the grader as from the notebook, for every kind --------------------------


class Widget:
    """A value the safe format cannot carry: it travels to the grader as its type only."""


def stub_double(v):
    raise NotImplementedError("double v")


def make_widget(v):
    return Widget()


def draw_axes(ys, labelled=True):
    return draw([0, 1, 2], ys, title="t" if labelled else "")


# kind -> (exercise, lesson namespace, {answer label: (value, expected status)})
PARITY = {
    "Close": (
        make_exercise(
            {"m": Close()},
            "m = x.mean()",
            [WrongAnswer("m = x.sum()", "Did you forget to divide by len(x)?")],
        ),
        {"x": np.array([1.0, 2.0, 6.0])},
        {
            "correct": (3.0, CORRECT),
            "incorrect": (3.5, INCORRECT),
            "recorded": (9.0, INCORRECT),
            "not attempted": (..., NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
            "series": (pd.Series([3.0], name="m"), INCORRECT),
        },
    ),
    "Exact": (
        make_exercise({"k": Exact()}, "k = (2, 'b')"),
        {},
        {
            "correct": ((2, "b"), CORRECT),
            "incorrect": ((2, "c"), INCORRECT),
            "not attempted": (..., NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
            "set": ({2, "b"}, INCORRECT),
        },
    ),
    "Frame": (
        make_exercise({"df": Frame()}, "df = sales.groupby('city', as_index=False)['units'].sum()"),
        {"sales": pd.DataFrame({"city": ["Oslo", "Bergen", "Oslo"], "units": [3, 5, 4]})},
        {
            "correct": (pd.DataFrame({"city": ["Bergen", "Oslo"], "units": [5, 7]}), CORRECT),
            "incorrect": (pd.DataFrame({"city": ["Bergen", "Oslo"], "units": [5, 8]}), INCORRECT),
            "not attempted": (..., NOT_ATTEMPTED),
            "series": (pd.Series([5, 7], index=["Bergen", "Oslo"], name="units"), INCORRECT),
        },
    ),
    "Function": (
        make_exercise(
            {"double": Function(cases=[{"v": np.array([1.0, 2.0])}])},
            "def double(v):\n    return 2 * v\n",
            [WrongAnswer("def double(v):\n    return v + 2\n", "Did you add 2?")],
        ),
        {},
        {
            "correct": (lambda v: v * 2, CORRECT),
            "recorded": (lambda v: v + 2, INCORRECT),
            "raises": (lambda v: v.nope, INCORRECT),
            "not attempted": (stub_double, NOT_ATTEMPTED),
            "opaque": (make_widget, INCORRECT),
            "returns a function": (lambda v: np.sin, INCORRECT),
        },
    ),
    "Estimator": (
        make_exercise({"Model": Estimator(*XY)}, "Model = MeanRegressor"),
        {"MeanRegressor": MeanRegressor},
        {
            "correct": (MeanRegressor, CORRECT),
            "incorrect": (MeanRegressor(shift=1.0), INCORRECT),
            "api": (NoSelfRegressor, INCORRECT),
            "not attempted": (StubClassifier, NOT_ATTEMPTED),
        },
    ),
    "Model": (
        MODEL_EXERCISE,
        MODEL_NAMESPACE,
        {
            "correct": (make_pipeline(StandardScaler(), LogisticRegression()), CORRECT),
            "incorrect": (DummyClassifier(strategy="constant", constant=MINORITY), INCORRECT),
            "recorded": (DummyClassifier(strategy="most_frequent"), INCORRECT),
            "batch": (make_pipeline(BatchScaler(), LogisticRegression()), INCORRECT),
            "api": (EagerClassifier(), INCORRECT),
            "not attempted": (StubClassifier(), NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
        },
    ),
    "TestSuite": (
        TEST_EXERCISE,
        {"pytest": pytest},
        {
            "correct": (learner_test(GOOD_TEST), CORRECT),
            "incorrect": (lambda median: None, INCORRECT),
            "recorded": (
                learner_test("def test_median(median):\n    assert median([3, 1, 2]) == 2\n"),
                INCORRECT,
            ),
            "fails on correct": (
                learner_test("def test_median(median):\n    assert median([]) == 0\n"),
                INCORRECT,
            ),
            "not attempted": (..., NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
        },
    ),
    "SqlQuery": (
        SQL_EXERCISE,
        {},
        {
            "correct": (LONG_OSLO + " ORDER BY km DESC", CORRECT),
            "incorrect": ("SELECT id, km FROM trips WHERE city = 'Bergen'", INCORRECT),
            "recorded": ("SELECT id, km FROM trips WHERE city = 'Oslo'", INCORRECT),
            "syntax": ("SELEC id", INCORRECT),
            "strings": (
                "SELECT city AS id, km FROM trips WHERE city = 'Oslo' AND km > 2",
                INCORRECT,
            ),
            "not attempted": (..., NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
        },
    ),
    "Document": (
        DOCKER_EXERCISE,
        {"GOOD": DOCKERFILE},
        {
            "correct": (DOCKERFILE, CORRECT),
            "incorrect": (DOCKERFILE.replace("USER app\n", ""), INCORRECT),
            "recorded": (DOCKERFILE.replace("3.11-slim", "latest"), INCORRECT),
            "invalid": ("WORKDIR /app\n", INCORRECT),
            "not attempted": (..., NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
        },
    ),
    "Plot": (
        make_exercise({"ax": Plot()}, "ax = draw_axes([0, 1, 4])"),
        {"draw_axes": draw_axes},
        {
            "correct": (draw_axes([0, 1, 4]), CORRECT),
            "incorrect": (draw_axes([0, 1, 2]), INCORRECT),
            "unlabelled": (draw_axes([0, 1, 4], labelled=False), INCORRECT),
            "figure": (draw_axes([0, 1, 4]).figure, INCORRECT),
            "not attempted": (..., NOT_ATTEMPTED),
        },
    ),
    "Yields": (
        YIELDS_EXERCISE,
        {},
        {
            "correct": (evens, CORRECT),
            "incorrect": (lambda n: iter(range(n)), INCORRECT),
            "recorded": (lambda n: [2 * i for i in range(n)], INCORRECT),
            "raises": (evens_then_fail, INCORRECT),
            "not attempted": (stub_function, NOT_ATTEMPTED),
        },
    ),
    "Calls": (
        CALLS_EXERCISE,
        {},
        {
            "correct": (parse_digits, CORRECT),
            "incorrect": (parse_vaguely, INCORRECT),
            "recorded": (lambda text: int(text), INCORRECT),
            "wrong type": (parse_with_type_error, INCORRECT),
            "not attempted": (stub_function, NOT_ATTEMPTED),
            "opaque": (Widget(), INCORRECT),
        },
    ),
    "DataclassFields": (
        FIELDS_EXERCISE,
        {"dataclass": dataclass},
        {
            "correct": (Point, CORRECT),
            "incorrect": (MutablePoint, INCORRECT),
            "recorded": (lambda x, y: (x, y), INCORRECT),
            "types": (FloatPoint, INCORRECT),
            "not attempted": (stub_function, NOT_ATTEMPTED),
        },
    ),
    "SklearnEstimator": (
        SKLEARN_EXERCISE,
        SKLEARN_NAMESPACE,
        {
            "correct": (LstsqRegressor, CORRECT),
            "incorrect": (LstsqRegressor(shift=0.01), INCORRECT),
            "recorded": (EagerRegressor(shift=2.0), INCORRECT),
            "checks": (NoValidationRegressor, INCORRECT),
            "not attempted": (StubRegressor, NOT_ATTEMPTED),
        },
    ),
}

PARITY_CASES = [
    pytest.param(kind, label, id=f"{kind}-{label}")
    for kind, (_, _, answers) in PARITY.items()
    for label in answers
]


def test_every_comparator_kind_has_parity_cases():
    from mlcourse.comparators import KINDS

    assert sorted(PARITY) == sorted(kind.__name__ for kind in KINDS)
    for kind, (_, _, answers) in PARITY.items():
        statuses = {status for _, status in answers.values()}
        assert statuses == {CORRECT, INCORRECT, NOT_ATTEMPTED}, kind


@pytest.mark.parametrize("kind, label", PARITY_CASES)
def test_the_grader_gives_the_notebooks_words(kind, label):
    exercise, lesson, answers = PARITY[kind]
    value, status = answers[label]
    namespace = {**lesson, exercise.names[0]: value}
    notebook = exercise.verdict(namespace)
    assert notebook.status == status, notebook.reason
    graded = grader_verdict(exercise, namespace)
    assert (graded.status, graded.reason, graded.wrong_answer) == (
        notebook.status,
        notebook.reason,
        notebook.wrong_answer,
    )
    if label == "recorded":
        assert notebook.wrong_answer == 0, notebook.reason


def _axes():
    from matplotlib.figure import Figure

    return Figure().subplots()


def test_plot_compares_where_bars_stand_not_only_their_heights():
    plot = Plot()
    values = np.array([0.5, 1.5, 1.7, 2.5, 3.5])
    expected_ax = _axes()
    expected_ax.hist(values, bins=[0, 1, 2, 3, 4])
    shifted_ax = _axes()  # the same counts over other bin edges
    shifted_ax.hist(values + 10, bins=[10, 11, 12, 13, 14])
    expected = plot.observe("ax", expected_ax)
    assert plot.diff("ax", plot.observe("ax", expected_ax), expected) is None
    reason = plot.diff("ax", plot.observe("ax", shifted_ax), expected)
    assert reason and "bar positions and widths" in reason, reason


def test_plot_reads_text_x_values_of_a_line_as_text():
    plot = Plot()
    months = ["Jan", "Feb", "Mar"]
    right, wrong = _axes(), _axes()
    right.plot(months, [1.0, 2.0, 3.0])
    wrong.plot(["Feb", "Jan", "Mar"], [1.0, 2.0, 3.0])  # sorted the wrong way, same positions
    expected = plot.observe("ax", right)
    assert plot.diff("ax", plot.observe("ax", right), expected) is None
    reason = plot.diff("ax", plot.observe("ax", wrong), expected)
    assert (
        reason
        == "`ax` line 0 should run over x = ['Jan', 'Feb', 'Mar'], got ['Feb', 'Jan', 'Mar']."
    ), reason


def add_share_in_place(df):
    df["share"] = df["v"] / df["v"].sum()
    return df


def add_share_copy(df):
    return df.assign(share=df["v"] / df["v"].sum())


def append_in_place(values):
    values.append(0)
    return values


@pytest.mark.parametrize("keeps_inputs", [True, False])
def test_function_can_require_that_a_call_leaves_its_arguments_unchanged(keeps_inputs):

    check = Function(
        cases=[{"df": pd.DataFrame({"v": [1.0, 3.0, np.nan]})}],
        returns=Frame(),
        keeps_inputs=keeps_inputs,
    )
    expected = check.observe("add_share", add_share_copy)
    assert check.diff("add_share", check.observe("add_share", add_share_copy), expected) is None
    reason = check.diff("add_share", check.observe("add_share", add_share_in_place), expected)
    if keeps_inputs:
        assert "changed its argument `df` in place" in reason, reason
    else:
        assert reason is None
    on_lists = Function(cases=[{"values": [1, np.nan]}], returns=Exact(), keeps_inputs=True)
    got = on_lists.observe("f", append_in_place)
    assert "changed its argument `values`" in on_lists.diff("f", got, got)


def score_after_fitting_in_place(model, X, y):
    return model.fit(X, y).score(X, y)


def score_on_a_clone(model, X, y):
    from sklearn.base import clone

    return clone(model).fit(X, y).score(X, y)


def test_keeps_inputs_compares_an_estimator_by_its_attributes():
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    check = Function(cases=[{"model": LogisticRegression(), "X": X, "y": y}], keeps_inputs=True)
    expected = check.observe("score", score_on_a_clone)
    assert check.diff("score", expected, expected) is None
    reason = check.diff("score", check.observe("score", score_after_fitting_in_place), expected)
    assert "changed its argument `model` in place" in reason, reason


# --- from scratch: library functions switched off while the learner's calls run ----------------

AUC_CASES = [{"y_true": np.array([0, 1, 1, 0]), "scores": np.array([0.1, 0.4, 0.4, 0.4])}]
SWITCHED_OFF = "is switched off while this check runs: the exercise is to compute it yourself"


def learner_code(source: str, **names):
    """The functions ``source`` defines, with a notebook's globals (``names`` bound in it)."""
    namespace = dict(names)
    exec(source, namespace)
    return namespace


def auc_from_pairs(y_true, scores):
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    return float(np.mean((pos[:, None] > neg) + 0.5 * (pos[:, None] == neg)))


@pytest.mark.parametrize(
    "source",
    [
        "def roc_auc(y_true, scores):\n    return auc(y_true, scores)\n",  # a notebook alias
        "import sklearn.metrics\n"
        "def roc_auc(y_true, scores):\n    return sklearn.metrics.roc_auc_score(y_true, scores)\n",
        "def roc_auc(y_true, scores):\n"  # imported inside the function
        "    from sklearn.metrics import roc_auc_score\n"
        "    return roc_auc_score(y_true, scores)\n",
    ],
    ids=["alias", "module", "inner import"],
)
def test_function_refuses_a_library_function_however_it_is_reached(source):
    import sklearn.metrics
    from sklearn.metrics import roc_auc_score

    check = Function(
        cases=AUC_CASES,
        refused=("sklearn.metrics.roc_auc_score",),
        instead="Compare every pair.",
    )
    learner = learner_code(source, auc=roc_auc_score)
    expected = check.observe("roc_auc", auc_from_pairs)
    assert check.diff("roc_auc", expected, expected) is None
    reason = check.diff("roc_auc", check.observe("roc_auc", learner["roc_auc"]), expected)
    assert reason == (
        "`roc_auc(y_true=array([0, 1, 1, 0]), scores=array([0.1, 0.4, 0.4, 0.4]))` raised "
        f"TypeError: `roc_auc_score` {SWITCHED_OFF} (the check compares your answer with it). "
        "Compare every pair."
    )
    # everything is restored after the check, and a check without `refused` switches nothing off
    assert sklearn.metrics.roc_auc_score is roc_auc_score is learner.get("auc", roc_auc_score)
    assert Function(cases=AUC_CASES).observe("roc_auc", learner["roc_auc"]) == expected


def test_a_refused_function_is_refused_inside_the_library_and_restored_after_an_error():
    import sklearn.metrics._ranking as ranking
    from sklearn.metrics import roc_auc_score, roc_curve

    check = Calls(cases=AUC_CASES, returns=Close(), refused=("sklearn.metrics.roc_curve",))
    learner = learner_code(
        "def roc_auc(y_true, scores):\n    return roc_auc_score(y_true, scores)\n",
        roc_auc_score=roc_auc_score,
    )
    observed = check.observe("roc_auc", learner["roc_auc"])
    assert observed["calls"][0]["raised"] == "TypeError", observed  # roc_auc_score -> roc_curve
    assert f"`roc_curve` {SWITCHED_OFF}" in observed["calls"][0]["message"]
    assert ranking.roc_curve is roc_curve

    def unfinished(y_true, scores):
        raise NotImplementedError

    with pytest.raises(Unfinished):  # the block ends with an exception: all is restored
        check.observe("roc_auc", unfinished)
    assert ranking.roc_curve is roc_curve


@pytest.mark.parametrize(
    "refused, error, fragment",
    [
        (("sklearn.metrics.roc_auc_scor",), ValueError, "cannot switch off"),
        (("sklearn.metricz.roc_auc_score",), ValueError, "cannot switch off"),
        ("sklearn.metrics.roc_auc_score", TypeError, "refused=('sklearn.metrics.roc_auc_score',)"),
    ],
)
def test_refused_names_a_function_that_exists(refused, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        Function(cases=AUC_CASES, refused=refused).observe("f", auc_from_pairs)


def test_a_function_of_a_library_not_installed_needs_no_refusing():
    check = Function(cases=AUC_CASES, refused=("no_such_library_xyz.auc",))
    assert check.observe("f", auc_from_pairs) == {"calls": [{"returned": 0.75}]}


def test_the_grader_gives_the_notebooks_words_for_a_refused_call():
    from sklearn.metrics import roc_auc_score

    solution = (
        "def roc_auc(y_true, scores):\n"
        "    pos, neg = scores[y_true == 1], scores[y_true == 0]\n"
        "    return float(np.mean((pos[:, None] > neg) + 0.5 * (pos[:, None] == neg)))\n"
    )
    exercise = make_exercise(
        {"roc_auc": Function(cases=AUC_CASES, refused=("sklearn.metrics.roc_auc_score",))},
        solution,
        [WrongAnswer("def roc_auc(y_true, scores):\n    return 0.5\n", "Did you guess?")],
    )
    for source, status in [
        ("def roc_auc(y_true, scores):\n    return roc_auc_score(y_true, scores)\n", INCORRECT),
        ("def roc_auc(y_true, scores):\n    return 0.5\n", INCORRECT),
        (solution, CORRECT),
    ]:
        namespace = learner_code(source, np=np, roc_auc_score=roc_auc_score)
        notebook = exercise.verdict(namespace)
        assert notebook.status == status, notebook.reason
        graded = grader_verdict(exercise, namespace)
        assert (graded.status, graded.reason) == (notebook.status, notebook.reason)
    assert (
        SWITCHED_OFF
        in exercise.verdict(
            learner_code(
                "def roc_auc(y_true, scores):\n    return roc_auc_score(y_true, scores)\n",
                np=np,
                roc_auc_score=roc_auc_score,
            )
        ).reason
    )


def test_refusing_tensor_refuses_its_functions_only():
    torch = pytest.importorskip("torch")
    from mlcourse.exercise import refusing_tensor

    kind = refusing_tensor(
        ("torch.nn.functional.cross_entropy", "torch.Tensor.log_softmax"), "write it yourself"
    )
    assert (
        refusing_tensor(
            ("torch.nn.functional.cross_entropy", "torch.Tensor.log_softmax"), "write it yourself"
        )
        is kind
    )  # one type per refusal, however many cases use it
    logits = torch.tensor([[2.0, 1.0, 0.1]], requires_grad=True)
    guarded, y = logits.as_subclass(kind), torch.tensor([0])
    for shortcut in [
        lambda: torch.nn.functional.cross_entropy(guarded, y),
        lambda: torch.nn.CrossEntropyLoss()(guarded, y),
        lambda: guarded.log_softmax(1),
    ]:
        with pytest.raises(TypeError, match="write it yourself"):
            shortcut()
    loss = (torch.logsumexp(guarded, 1) - guarded[0, 0]).mean()  # everything else works
    loss.backward()
    assert logits.grad is not None and torch.log_softmax(logits, 1).shape == (1, 3)
    copy = __import__("copy").deepcopy(guarded)
    assert type(copy) is kind and repr(copy) == "<tensor of shape (1, 3)>"


# --- SparkFrame: a Spark DataFrame compared as the pandas table it collects to -------------------


def fake_spark_frame(table: pd.DataFrame):
    """A pyspark DataFrame without a Spark session: ``toPandas()`` gives ``table``."""
    from pyspark.sql import DataFrame

    class FakeSparkFrame(DataFrame):
        def __new__(cls, *args, **kwargs):
            return object.__new__(cls)

        def __init__(self, table):
            self.table = table

        def toPandas(self):
            return self.table.copy()

    return FakeSparkFrame(table)


def test_spark_frame_sorts_columns_and_rows_and_explains_a_pandas_answer():
    pytest.importorskip("pyspark")
    from mlcourse.exercise import SparkFrame

    check = SparkFrame()
    table = pd.DataFrame({"city": ["Oslo", "Bergen"], "units": [7, 5]})
    expected = check.observe("summary", fake_spark_frame(table))
    assert list(expected.columns) == ["city", "units"] and list(expected["city"]) == [
        "Bergen",
        "Oslo",
    ]
    shuffled = fake_spark_frame(table[["units", "city"]].iloc[::-1])
    assert check.diff("summary", check.observe("summary", shuffled), expected) is None
    wrong = fake_spark_frame(table.assign(units=[7, 6]))
    assert "units" in check.diff("summary", check.observe("summary", wrong), expected)
    pandas_answer = check.observe("summary", table)
    assert check.diff("summary", pandas_answer, expected) == (
        "`summary` should be a Spark DataFrame, got pandas.DataFrame. Keep the work in Spark "
        "(`pyspark.sql.functions`, `groupBy`, `Window`): the same code then runs on a cluster. "
        "Do not convert with `toPandas()` inside the function."
    )
    advised = SparkFrame(fix="Add a column.")
    assert advised.diff("s", pandas_answer, expected).endswith("DataFrame. Add a column.")
    assert check.matches(pandas_answer, check.observe("x", table.iloc[:1]))
    assert not check.matches(pandas_answer, expected)


def test_the_grader_gives_the_notebooks_words_for_a_spark_frame():
    pytest.importorskip("pyspark")
    from mlcourse.exercise import SparkFrame

    table = pd.DataFrame({"city": ["Bergen", "Oslo"], "units": [5, 7]})
    exercise = make_exercise({"summary": SparkFrame()}, "summary = make(table)")
    lesson = {"make": fake_spark_frame, "table": table}
    for value, status in [
        (fake_spark_frame(table.iloc[::-1]), CORRECT),
        (fake_spark_frame(table.assign(units=[5, 8])), INCORRECT),
        (table, INCORRECT),
        (..., NOT_ATTEMPTED),
    ]:
        namespace = {**lesson, "summary": value}
        notebook = exercise.verdict(namespace)
        assert notebook.status == status, notebook.reason
        graded = grader_verdict(exercise, namespace)
        assert (graded.status, graded.reason) == (notebook.status, notebook.reason)


def test_importing_the_comparators_imports_neither_pyspark_nor_torch():
    import subprocess
    import sys

    code = (
        "import sys, mlcourse.exercise\n"
        "print(sorted(m for m in ('pyspark', 'torch') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_function_where_the_reference_raises_wants_the_same_kind_of_error():
    def reference(x):
        if x < 0:
            raise ValueError("x must be >= 0")
        return x * 2

    def other_message(x):
        if x < 0:
            raise ValueError(f"negative: {x}")
        return x * 2

    def no_error(x):
        return abs(x) * 2

    def wrong_error(x):
        if x < 0:
            raise TypeError("no")
        return x * 2

    check = Function(cases=[{"x": 1}, {"x": -1}])
    expected = check.observe("f", reference)
    assert check.diff("f", check.observe("f", other_message), expected) is None
    assert "should raise ValueError, but it returned" in check.diff(
        "f", check.observe("f", no_error), expected
    )
    assert "raised TypeError: no; it should raise ValueError" in check.diff(
        "f", check.observe("f", wrong_error), expected
    )


def test_function_recognises_a_recorded_wrong_answer_that_raises():
    def crashes(x):
        raise KeyError("hr")

    check = Function(cases=[{"x": 1}])
    recorded = check.observe("f", crashes)
    assert check.matches(check.observe("f", crashes), recorded)
    assert not check.matches(check.observe("f", lambda x: x), recorded)
