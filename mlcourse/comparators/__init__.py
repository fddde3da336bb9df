"""How one checked name is compared, in two steps that may run in different processes.

``observe(name, value)`` runs where the learner's value lives (the notebook's kernel, or a
grading kernel) and turns it into plain data: the value itself, what a function returns on the
cases, a model's held-out scores, a query's result table. ``diff(name, observed, expected)`` is
pure: it compares two observations and explains the difference, or returns None. The notebook
check and the grader both call ``mlcourse.exercise.judge`` on observations, so a learner and the
gradebook read the same words for the same answer.

``matches(observed, recorded)`` says whether an answer makes the same mistake as a recorded
wrong answer; for comparators that check a property (a score threshold, a rule) rather than
equality, it compares the observations themselves.

``SparkFrame`` is not in ``KINDS`` (the kinds every grading test exercises end to end): its
answers need a Spark session, and 03.06's and 05.06's probes prove its parity with the grader.
"""

from mlcourse.comparators.base import Comparator, Unfinished, call_signature, copied
from mlcourse.comparators.code import Calls, DataclassFields, Function, TestSuite, Yields
from mlcourse.comparators.figures import Plot
from mlcourse.comparators.files import PARSERS, Document, Rule, SqlQuery, parse_dockerfile
from mlcourse.comparators.models import Estimator, Model, SklearnEstimator, failed_sklearn_check
from mlcourse.comparators.scratch import refusing, refusing_tensor
from mlcourse.comparators.values import Close, Exact, Frame, SparkFrame

KINDS = (
    Close,
    Exact,
    Frame,
    Function,
    Estimator,
    Model,
    TestSuite,
    SqlQuery,
    Document,
    Plot,
    Yields,
    Calls,
    DataclassFields,
    SklearnEstimator,
)

__all__ = [
    "KINDS",
    "PARSERS",
    "Comparator",
    "Rule",
    "SparkFrame",
    "Unfinished",
    "call_signature",
    "copied",
    "failed_sklearn_check",
    "parse_dockerfile",
    "refusing",
    "refusing_tensor",
    *(kind.__name__ for kind in KINDS),
]
