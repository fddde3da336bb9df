"""Models: the estimator API, behaviour on held-out rows, scikit-learn's own checks."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlcourse import compare
from mlcourse.comparators.base import Comparator, Unfinished, _raised
from mlcourse.comparators.values import Close

# --- models ---------------------------------------------------------------------------------------


def _instance(estimator: Any) -> Any:
    """A fresh, unfitted copy of ``estimator`` (a class or an instance)."""
    from sklearn.base import clone

    return estimator() if isinstance(estimator, type) else clone(estimator)


@dataclass(frozen=True)
class Estimator(Comparator):
    """A scikit-learn style estimator (class or instance): API rules, then its predictions on
    ``X`` after fitting on ``X, y`` compared with the reference estimator's."""

    X: Any
    y: Any
    returns: Comparator = Close()

    def observe(self, name, value):
        try:
            problem = compare.diff_estimator_api(name, value, self.X, self.y)
            if problem:
                return {"api": problem}
            predictions = compare.predictions_of(value, self.X, self.y)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's estimator failed: say how
            return {"api": f"fitting `{name}` and predicting raised {_raised(err)}"}
        return {"predictions": predictions}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        reason = self.returns.diff("predictions", observed["predictions"], expected["predictions"])
        reason = reason and reason.replace("`predictions` differs", "`predictions` differ", 1)
        return reason and reason.replace("`predictions`", f"the predictions of `{name}`", 1)


def _per_row(model: Any, X: Any) -> list:
    """What ``model`` says about each row of ``X``: its predictions and, where it has them, its
    scores (a class label hides the small shifts that batch statistics cause)."""
    import numpy as np

    outputs = [np.asarray(model.predict(X))]
    for method in ("decision_function", "predict_proba"):
        if hasattr(model, method):
            outputs.append(np.asarray(getattr(model, method)(X), dtype=float))
            break
    return outputs


def _same_outputs(a: Any, b: Any) -> bool:
    import numpy as np

    if a.shape != b.shape:
        return False
    if np.array_equal(a, b):
        return True
    numeric = a.dtype.kind in "biuf" and b.dtype.kind in "biuf"
    return numeric and bool(np.allclose(a, b, equal_nan=True))


def _with_seed(estimator: Any, seed: int) -> Any:
    """Set every ``random_state`` parameter (nested ones too) to ``seed``."""
    params = estimator.get_params(deep=True)
    seeded = {key: seed for key in params if key.split("__")[-1] == "random_state"}
    return estimator.set_params(**seeded) if seeded else estimator


def _train_test(data: Any) -> tuple:
    """``(X_train, y_train, X_test, y_test)``, or a clear error for the spec's author."""
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise ValueError(
            "Model(data=...) should be (X_train, y_train, X_test, y_test) or a function "
            f"returning it, got {compare.type_name(data)} of length {len(data) if hasattr(data, '__len__') else '?'}."
        )
    X_train, y_train, X_test, y_test = data
    if len(X_train) != len(y_train) or len(X_test) != len(y_test):
        raise ValueError(
            "Model(data=...) should be (X_train, y_train, X_test, y_test), got lengths "
            f"{[len(part) for part in data]}. Note that train_test_split returns "
            "X_train, X_test, y_train, y_test: reorder its result."
        )
    return tuple(data)


@dataclass(frozen=True)
class Model(Comparator):
    """A model the learner builds (an unfitted estimator or pipeline), judged by behaviour.

    The check fits a fresh copy on the training rows only, once per seed (every
    ``random_state`` inside it set to the seed), and requires:

    * the scikit-learn estimator API (clonable, ``predict`` before ``fit`` raises, ``fit``
      returns ``self``);
    * ``metric`` on the held-out rows of at least ``at_least`` for *every* seed, so a score
      that needs a lucky seed fails;
    * no leakage through the batch: predictions for held-out rows are the same whether they
      are predicted all at once or half at a time (``predict`` must use what ``fit`` learned,
      not statistics of the rows it is given).

    ``data`` is ``(X_train, y_train, X_test, y_test)`` or a function returning it (called once).
    ``metric`` is a scikit-learn scorer name (``"accuracy"``, ``"r2"``, ``"roc_auc"``,
    ``"neg_mean_absolute_error"``...): higher is better.
    """

    data: Any
    at_least: float
    metric: str = "accuracy"
    seeds: Sequence[int] = (0, 1, 2)
    rtol: float = 1e-6  # two scores this close are the same mistake (recorded wrong answers)
    _data_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def splits(self) -> tuple:
        if "data" not in self._data_cache:
            data = self.data() if callable(self.data) else self.data
            self._data_cache["data"] = _train_test(data)
        return self._data_cache["data"]

    def observe(self, name, value):
        import numpy as np
        from sklearn.metrics import get_scorer

        X_train, y_train, X_test, y_test = self.splits()
        try:
            problem = compare.diff_estimator_api(name, value, X_train, y_train)
            if problem:
                return {"api": problem}
            scorer = get_scorer(self.metric)
            scores = []
            for seed in self.seeds:
                model = _with_seed(_instance(value), seed).fit(X_train, y_train)
                scores.append(float(scorer(model, X_test, y_test)))
            half = len(X_test) // 2
            together = _per_row(model, X_test)
            apart = [
                np.concatenate([first, second])
                for first, second in zip(
                    _per_row(model, X_test[:half]), _per_row(model, X_test[half:])
                )
            ]
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's model failed: say how
            return {"api": f"fitting `{name}` and scoring it raised {_raised(err)}"}
        same = all(_same_outputs(a, b) for a, b in zip(together, apart))
        return {"scores": scores, "batch_consistent": same}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        if not observed["batch_consistent"]:
            return (
                f"`{name}` predicts a held-out row differently depending on the other rows "
                "predicted with it: does `predict` (or a transform) use statistics of its input, "
                "such as its mean or maximum? Learn them in `fit` and reuse them."
            )
        worst = min(observed["scores"])
        if worst < self.at_least:
            shown = ", ".join(f"{s:.3f}" for s in observed["scores"])
            return (
                f"`{name}` scored {worst:.3f} ({self.metric}) on the held-out rows, below the "
                f"required {self.at_least:g} (scores over seeds {list(self.seeds)}: {shown})."
            )
        return None

    def matches(self, observed, recorded):
        if "api" in observed or "api" in recorded:
            return observed.get("api") == recorded.get("api")
        return observed["batch_consistent"] == recorded["batch_consistent"] and bool(
            compare.diff_arrays("scores", observed["scores"], recorded["scores"], self.rtol, 1e-12)
            is None
        )


# --- estimators under scikit-learn's own checks -------------------------------------------------

# What the checks that fail without a telling message (a bare assert) test, in words.
SKLEARN_CHECK_MEANINGS = {
    "check_estimators_fit_returns_self": "`fit` should end with `return self`.",
    "check_regressors_train": (
        "fitted on standardised data, its predictions should have the shape of y and an R² "
        "above 0.5 on the training rows."
    ),
    "check_n_features_in": "`fit` should set `n_features_in_`: call `validate_data` in `fit`.",
    "check_readonly_memmap_input": "`fit` should work on read-only arrays and return self.",
    "check_methods_subset_invariance": (
        "the output for a row should not depend on the other rows passed with it."
    ),
}


def _first_line(err: BaseException) -> str:
    """'ValueError: the first line of its message.' (a failed assert without its type)."""
    lines = str(err).strip().splitlines()
    if not lines:
        return type(err).__name__
    text = lines[0][:300].rstrip()
    text = text if text.endswith((".", "!", "?")) else text + "."
    return text if isinstance(err, AssertionError) else f"{type(err).__name__}: {text}"


def _says_nothing(err: BaseException) -> bool:
    """A bare assert, or NumPy's "Not equal to tolerance" that names no rule."""
    text = str(err).strip()
    return not text or text.startswith(("Not equal to tolerance", "Arrays are not"))


@contextlib.contextmanager
def _picklable(cls: type):
    """Let pickle find ``cls`` by its module and name while the checks run.

    A class made by ``exec`` (the reference solution, a recorded wrong answer) says it lives in
    ``__main__`` where the learner's class of the same name lives, so pickling it fails; the
    checks' pickling round trip needs to find this very class. The module's entry is restored.
    """
    import sys

    module = sys.modules.get(cls.__module__)
    name = cls.__qualname__
    if module is None or "." in name or getattr(module, name, None) is cls:
        yield
        return
    missing = object()
    before = getattr(module, name, missing)
    setattr(module, name, cls)
    try:
        yield
    finally:
        if before is missing:
            delattr(module, name)
        else:
            setattr(module, name, before)


def failed_sklearn_check(
    estimator: Any, skip: Mapping[str, str] | None = None
) -> tuple[str, str] | None:
    """(check name, what went wrong) for the first of scikit-learn's estimator checks that
    ``estimator`` fails, leaving out the checks in ``skip`` ({check name: why}); None when it
    passes them all."""
    import warnings

    from sklearn.utils.estimator_checks import check_estimator

    with _picklable(type(estimator)), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            results = check_estimator(
                estimator, on_fail=None, expected_failed_checks=dict(skip or {})
            )
        except Exception as err:  # noqa: BLE001 - e.g. tags that cannot be read
            return "check_estimator", _first_line(err)
    for result in results:
        if result["status"] == "failed":
            check, err = result["check_name"], result["exception"]
            if check in SKLEARN_CHECK_MEANINGS and _says_nothing(err):  # say what it tests
                return check, SKLEARN_CHECK_MEANINGS[check]
            return check, _first_line(err)
    return None


def _unfitted_problem(name: str, instance: Any, method: str, X: Any) -> str | None:
    """Why calling ``method`` before ``fit`` does not raise NotFittedError, or None."""
    from sklearn.exceptions import NotFittedError

    try:
        getattr(instance, method)(X)
    except NotFittedError:
        return None
    except NotImplementedError:
        raise Unfinished from None
    except Exception as err:  # noqa: BLE001 - the wrong error: say which
        return (
            f"`{name}.{method}` before `fit` raised {type(err).__name__}; it should raise "
            "NotFittedError: call `check_is_fitted(self)` first."
        )
    return f"`{name}.{method}` works before `fit`; it should raise NotFittedError."


@dataclass(frozen=True)
class SklearnEstimator(Comparator):
    """An estimator class the learner writes (or an instance of it), held to scikit-learn's
    own contract, in three steps:

    0. No attribute ending in ``_`` before ``fit`` (it would make ``check_is_fitted`` pass),
       and ``predict`` (or ``transform``) before ``fit`` must raise ``NotFittedError``
       (scikit-learn's checks also accept an AttributeError there; the course does not).
    1. scikit-learn's ``check_estimator`` (about 50 checks; all but those in ``skip``,
       {check name: why it is left out}): the first failing check is the reason, and a
       recorded wrong answer matches by the check it fails.
    2. Its output after ``fit(X, y)``: ``predict(X_new)`` for a predictor, ``transform(X_new)``
       for a transformer, compared with the reference solution's within ``rtol``/``atol``.

    ``Estimator`` checks the API by hand and compares predictions; this one runs the whole
    battery (tenths of a second per answer), for classes meant to plug into scikit-learn.
    """

    X: Any
    y: Any
    X_new: Any
    skip: Mapping[str, str] = field(default_factory=dict)
    rtol: float = 1e-6
    atol: float = 1e-9

    def observe(self, name, value):
        import numpy as np
        from sklearn.base import clone

        try:
            instance = value() if isinstance(value, type) else clone(value)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - report any failure to construct or clone
            problem = f"`{name}` cannot be created with its default arguments: {_first_line(err)}"
            return {"failed": "construct", "api": problem}
        method = next((m for m in ("predict", "transform") if hasattr(instance, m)), None)
        if method is None:
            problem = f"`{name}` has neither a `predict` nor a `transform` method."
            return {"failed": "methods", "api": problem}
        learned = sorted(
            key
            for key in getattr(instance, "__dict__", {})
            if key.endswith("_") and not key.startswith("__")
        )
        if learned:  # check_is_fitted would take it as fitted: say why, not only that
            problem = (
                f"`{name}` has `{learned[0]}` before `fit`: a name ending in `_` marks what "
                "`fit` learns, so `check_is_fitted` takes the object as fitted. Create it in "
                "`fit`, not in `__init__`."
            )
            return {"failed": "learned in __init__", "api": problem}
        problem = _unfitted_problem(name, clone(instance), method, self.X_new)
        if problem:
            return {"failed": "unfitted", "api": problem}
        try:  # a stub raises NotImplementedError: not attempted
            fitted = clone(instance).fit(self.X, self.y)
            outputs = np.asarray(getattr(fitted, method)(self.X_new), dtype=float)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the checks below say more, if they can
            outputs, error = None, err
        failed = failed_sklearn_check(instance, self.skip)
        if failed:
            check, text = failed
            return {"failed": check, "api": f"`{name}` fails scikit-learn's `{check}`: {text}"}
        if outputs is None:
            problem = f"fitting `{name}` and calling `{method}` raised {_first_line(error)}"
            return {"failed": "fit", "api": problem}
        return {"method": method, "outputs": outputs}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        if observed["method"] != expected["method"]:
            return f"`{name}` should have a `{expected['method']}` method."
        label = "predictions" if observed["method"] == "predict" else "transformed values"
        reason = compare.diff_arrays(
            label, observed["outputs"], expected["outputs"], self.rtol, self.atol
        )
        if reason:
            reason = reason.replace(f"`{label}` differs", f"the {label} of `{name}` differ", 1)
        return reason

    def matches(self, observed, recorded):
        if "api" in observed or "api" in recorded:
            return observed.get("failed") == recorded.get("failed")
        return self.diff("value", observed, recorded) is None
