"""Exercises of 01_tracking_registry.ipynb: a logged model, a data fingerprint, the best run,
promotion by alias."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from mlcourse.comparators.base import Comparator, Unfinished, _raised
from mlcourse.exercise import Exact, Exercise, Function, WrongAnswer

# ---------------------------------------------------------------------------------------------
# 05.01.1: a model logged with what a serving system needs


def _same_observation(observed, recorded) -> bool:
    """Equal observations, whether or not they travelled through the grader's JSON."""
    return json.dumps(observed, sort_keys=True) == json.dumps(recorded, sort_keys=True)


def _quiet_mlflow():
    for noisy in ("mlflow", "alembic"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _dtype(spec: dict) -> str:
    """The number type of one output of a signature, a column ('double') or a tensor
    ('float64') alike: inferred from predictions or from an input example, the same output."""
    kind = spec.get("tensor-spec", {}).get("dtype") if spec.get("type") == "tensor" else None
    kind = kind or spec.get("type", "")
    return {"double": "float64", "float": "float32", "long": "int64", "integer": "int32"}.get(
        kind, kind
    )


def _needed(packages) -> set[str]:
    """The packages and every (transitive) dependency of them installed here: a pin on one of
    them is harmless; a pin outside them is a package the model does not need to load."""
    from importlib.metadata import PackageNotFoundError, requires

    seen, todo = set(), [p.lower().replace("_", "-") for p in packages]
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        try:
            needs = requires(package) or []
        except PackageNotFoundError:
            continue
        for line in needs:
            if "extra ==" in line:  # an optional extra, not a dependency
                continue
            todo.append(re.split(r"[=<>!~ \[;(]", line, maxsplit=1)[0].lower().replace("_", "-"))
    return seen


@dataclass(frozen=True)
class LoggedModel(Comparator):
    """A model URI (`info.model_uri`), judged by what MLflow stored with the model: the
    signature's input columns and types, an input example, the serialisation format and the
    requirements (each pinned with `==`, every package of the reference present)."""

    def matches(self, observed, recorded):
        return _same_observation(observed, recorded)

    def observe(self, name, value):
        import mlflow

        _quiet_mlflow()
        if not isinstance(value, str):
            return {
                "api": f"`{name}` should be the logged model's URI, a string such as "
                f"'models:/m-...' (`info.model_uri`), got {type(value).__name__}."
            }
        try:
            info = mlflow.models.get_model_info(value)
            requirements = mlflow.pyfunc.get_model_dependencies(value)
        except Exception as err:  # noqa: BLE001 - say why the URI does not lead to a model
            return {
                "api": f"MLflow found no model at `{name}`: {_raised(err)[:200]}. Set it to "
                "`info.model_uri`, where `info` is what `mlflow.sklearn.log_model` returned."
            }
        lines = [
            line.strip()
            for line in Path(requirements).read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
        signature = info.signature
        inputs = outputs = None
        if signature is not None and signature.inputs is not None:
            inputs = [[c.get("name", ""), c.get("type", "")] for c in signature.inputs.to_dict()]
        if signature is not None and signature.outputs is not None:
            outputs = [_dtype(spec) for spec in signature.outputs.to_dict()]
        flavor = info.flavors.get("sklearn", {})
        return {
            "inputs": inputs,
            "outputs": outputs,
            "example": info.saved_input_example_info is not None,
            "format": str(flavor.get("serialization_format", "not a scikit-learn model")),
            "requirements": sorted(
                [re.split(r"[=<>!~ \[;]", line, maxsplit=1)[0].lower(), "==" in line]
                for line in lines
            ),
        }

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        if observed["inputs"] is None:
            return (
                f"`{name}` has no signature: a server cannot tell a good request from a bad one. "
                "Pass `signature=infer_signature(example, small_tree.predict(example))`."
            )
        if observed["inputs"] != expected["inputs"]:
            got = [column for column, _ in observed["inputs"]]
            return (
                f"the signature of `{name}` expects the columns {got}; it should describe the "
                "frame `small_tree` was fitted on (`X_small`): its columns and their types."
            )
        if observed["outputs"] != expected["outputs"]:
            return (
                f"the signature of `{name}` describes the wrong output: infer it from what the "
                "model returns, `infer_signature(example, small_tree.predict(example))`."
            )
        if not observed["example"]:
            return (
                f"`{name}` has no input example: pass `input_example=` a few rows of `X_small`, "
                "so that a reader (and MLflow's own check) can try the model."
            )
        if observed["format"] != expected["format"]:
            return (
                f"`{name}` was saved in the {observed['format']!r} format; use "
                f"serialization_format={expected['format']!r} (loading it cannot run code)."
            )
        unpinned = sorted(pkg for pkg, pinned in observed["requirements"] if not pinned)
        if unpinned:
            return (
                f"requirements of `{name}` not pinned to a version: {unpinned[:5]}. Write each "
                "as `name==version` (`pip_requirements` built above does)."
            )
        have = {pkg for pkg, _ in observed["requirements"]}
        missing = sorted({pkg for pkg, _ in expected["requirements"]} - have)
        if missing:
            return f"requirements of `{name}` are incomplete, missing: {missing[:5]}."
        unneeded = sorted(have - _needed(pkg for pkg, _ in expected["requirements"]))
        if unneeded:
            return (
                f"requirements of `{name}` pin packages this model does not need to load: "
                f"{unneeded[:5]}. Did you leave out `pip_requirements`? MLflow then infers the "
                "list from whatever a separate process imported, and a serving image would "
                "install all of it. Pass the project's `**packaging`."
            )
        return None


# ---------------------------------------------------------------------------------------------
# 05.01.2: a fingerprint of a data frame


def _frames():
    base = pd.DataFrame(
        {
            "hr": [0, 1, 2, 3, 4, 5, 6, 7],
            "weathersit": ["clear", "clear", "mist", "clear", "rain", "mist", "clear", "clear"],
            "temp": [0.24, 0.22, 0.22, 0.24, 0.24, 0.26, 0.24, 0.2],
            "bikers": [16, 40, 32, 13, 1, 1, 2, 3],
        }
    )
    changed = base.copy()
    changed.loc[2, "temp"] = 0.23
    tiny = base.copy()
    tiny.loc[5, "temp"] = 0.26 + 1e-12  # below the 10 digits `to_json` writes by default
    reread = pd.read_csv(io.StringIO(base.to_csv(index=False)))
    bigger = pd.concat([base, base.assign(hr=base["hr"] + 8)], ignore_index=True)
    every_other = bigger.iloc[::2]
    kept = base[base["bikers"] > 2]
    return [
        ("a copy of the same frame", base, base.copy(), True, "nothing changed"),
        (
            "the same frame read back from its CSV text",
            base,
            reread,
            True,
            "the same values arrive by another route",
        ),
        (
            "a frame and the same rows copied out of a bigger frame (another memory layout)",
            every_other,
            every_other.copy(),
            True,
            "the model sees the same values",
        ),
        (
            "rows kept by a filter (index 0, 1, 2, 3, 6, 7) and the same rows re-numbered 0-5",
            kept,
            kept.reset_index(drop=True),
            True,
            "the model never sees the index labels",
        ),
        (
            "frames that differ in one temperature (0.22 -> 0.23, row 2)",
            base,
            changed,
            False,
            "a different value can train a different model",
        ),
        (
            "frames that differ by 1e-12 in one temperature",
            base,
            tiny,
            False,
            "a fingerprint says 'identical', not 'close'",
        ),
        (
            "the same rows in reverse order",
            base,
            base.iloc[::-1],
            False,
            "a split by position (first 80 %) or a seeded shuffle gives a different model",
        ),
        (
            "frames whose column `bikers` is renamed `count`",
            base,
            base.rename(columns={"bikers": "count"}),
            False,
            "the code selects columns by name",
        ),
    ]


_FINGERPRINT_PAIRS = _frames()
_ANY_ROWS = "Any few rows of `X_small` give the same column names and types in the signature."
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Fingerprint(Comparator):
    """A function of a data frame, judged by behaviour: it returns 64 hexadecimal characters,
    and on each pair of frames it gives the same or a different fingerprint as the reference."""

    def matches(self, observed, recorded):
        return _same_observation(observed, recorded)

    def observe(self, name, value):
        if not callable(value):
            return {"api": f"`{name}` should be a function, got {type(value).__name__}."}
        same = []
        for label, a, b, _, _ in _FINGERPRINT_PAIRS:
            try:
                first, second = value(a.copy()), value(b.copy())
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                return {"api": f"`{name}` raised {_raised(err)} on {label}."}
            if not isinstance(first, str):
                return {"format": f"a {type(first).__name__}"}
            if not _HEX64.fullmatch(first):
                return {"format": "a string that is not 64 lower-case hexadecimal characters"}
            same.append(first == second)
        return {"same": same}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        if "format" in observed:
            return (
                f"`{name}` returned {observed['format']}; return a SHA-256 digest as text, "
                "`hashlib.sha256(...).hexdigest()` (64 hexadecimal characters), the same in every "
                "process."
            )
        for (label, _, _, _, why), got, want in zip(
            _FINGERPRINT_PAIRS, observed["same"], expected["same"]
        ):
            if got and not want:
                return f"`{name}` gave the same fingerprint for {label}; it must differ: {why}."
            if want and not got:
                return f"`{name}` gave different fingerprints for {label}; they must match: {why}."
        return None


# ---------------------------------------------------------------------------------------------
# 05.01.3: the best run, with a tie-break


def _runs(rows):
    """A frame shaped like `mlflow.search_runs`' output, newest run first."""
    return pd.DataFrame(
        rows, columns=["run_id", "status", "params.max_depth", "metrics.val_mae"]
    ).astype({"metrics.val_mae": float})


_RUN_CASES = [
    dict(
        runs=_runs(
            [
                ("r5", "FINISHED", "12", 55.0),
                ("r4", "FINISHED", "8", 54.1),
                ("r3", "FINISHED", "4", 64.2),
            ]
        )
    ),
    # a tie: the simpler model wins; as strings, "16" < "8"
    dict(
        runs=_runs(
            [
                ("a3", "FINISHED", "16", 54.9),
                ("a2", "FINISHED", "8", 54.9),
                ("a1", "FINISHED", "2", 72.3),
            ]
        )
    ),
    # a run that failed after logging its metric (no model was saved) and one still running
    dict(
        runs=_runs(
            [
                ("b4", "RUNNING", "10", np.nan),
                ("b3", "FAILED", "6", 50.0),
                ("b2", "FINISHED", "24", 56.3),
                ("b1", "FINISHED", "4", 60.0),
            ]
        )
    ),
    # three-way tie, the simplest listed in the middle; "100" < "20" < "3" as strings
    dict(
        runs=_runs(
            [
                ("c4", "FINISHED", "100", 40.0),
                ("c3", "FINISHED", "3", 40.0),
                ("c2", "FINISHED", "20", 40.0),
                ("c1", "KILLED", "1", 39.0),
            ]
        )
    ),
    dict(runs=_runs([("d1", "FINISHED", "5", 61.0)])),
    # a tie: newest first is depth 9, first as text is "10", the simplest is 3
    dict(
        runs=_runs(
            [
                ("f3", "FINISHED", "9", 50.5),
                ("f2", "FINISHED", "10", 50.5),
                ("f1", "FINISHED", "3", 50.5),
            ]
        )
    ),
    # the minimum differs from its neighbour in the 4th decimal only
    dict(
        runs=_runs(
            [
                ("e3", "FINISHED", "2", 54.6052),
                ("e2", "FINISHED", "10", 54.6051),
                ("e1", "FINISHED", "6", 56.3),
            ]
        )
    ),
]


# ---------------------------------------------------------------------------------------------
# 05.01.4: promotion = moving the alias


@dataclass(frozen=True)
class Promotes(Comparator):
    """A function `promote(run_id)`, called for the sweep runs of the given depths (found in the
    notebook's tracking store) and for the run named `late_run`, whose model the check registers
    once, after the sweep's (so its version number is not its place in the sweep); each call
    after the alias was removed: what it returned, which version the alias then points at,
    whether that version came from the run, and how many versions the call registered."""

    experiment: str
    model: str
    alias: str
    depths: tuple
    late_run: str

    def matches(self, observed, recorded):
        return _same_observation(observed, recorded)

    def observe(self, name, value):
        import mlflow

        _quiet_mlflow()
        if not callable(value):
            return {"api": f"`{name}` should be a function, got {type(value).__name__}."}
        client = mlflow.MlflowClient()
        runs = mlflow.search_runs(experiment_names=[self.experiment])
        late = runs.loc[runs["tags.mlflow.runName"] == self.late_run, "run_id"].iloc[0]
        if not client.search_model_versions(f"name = '{self.model}' and run_id = '{late}'"):
            logged = mlflow.search_logged_models(
                experiment_ids=[runs["experiment_id"].iloc[0]],
                filter_string=f"source_run_id = '{late}'",
                output_format="list",
            )[0]
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                mlflow.register_model(logged.model_uri, self.model)
        targets = [
            (f"max_depth={depth}", runs.loc[runs["tags.mlflow.runName"] == f"depth-{depth}"])
            for depth in self.depths
        ]
        targets = [(label, found["run_id"].iloc[0]) for label, found in targets]
        calls = []
        for depth, run_id in [*targets, (self.late_run, late)]:
            with contextlib.suppress(mlflow.exceptions.MlflowException):  # no alias yet
                client.delete_registered_model_alias(self.model, self.alias)
            before = len(client.search_model_versions(f"name = '{self.model}'"))
            try:
                returned = value(run_id)
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                calls.append({"depth": depth, "raised": _raised(err)[:300]})
                continue
            try:
                found = client.get_model_version_by_alias(self.model, self.alias)
                pointed, from_run = int(found.version), found.run_id == run_id
            except mlflow.exceptions.MlflowException:
                pointed, from_run = None, False
            added = len(client.search_model_versions(f"name = '{self.model}'")) - before
            shown = returned if isinstance(returned, int) else repr(returned)[:40]
            calls.append(
                {
                    "depth": depth,
                    "returned": shown,
                    "type": type(returned).__name__,
                    "alias": pointed,
                    "from_run": from_run,
                    "added": added,
                }
            )
        return {"calls": calls}

    def diff(self, name, observed, expected):
        if "api" in observed:
            return observed["api"]
        for got in observed["calls"]:
            call = f"`{name}(<run id of the {got['depth']} run>)`"
            if "raised" in got:
                return f"{call} raised {got['raised']}"
            if got["added"]:
                return (
                    f"{call} registered {got['added']} new version(s): promoting moves the "
                    "alias to the version that already exists for that run; it registers "
                    "nothing (`client.search_model_versions` finds it)."
                )
            if got["alias"] is None:
                return (
                    f"after {call} the model has no {self.alias!r} alias: set it with "
                    "`client.set_registered_model_alias(model_name, 'champion', version)`."
                )
            if not got["from_run"]:
                return (
                    f"after {call} the {self.alias!r} alias points at version {got['alias']}, "
                    "which is not the version registered from that run."
                )
            if got["type"] != "int":
                return (
                    f"{call} returned {got['returned']} (a {got['type']}); return the version "
                    "number as an int, `int(version.version)`."
                )
            if got["returned"] != got["alias"]:
                return f"{call} returned {got['returned']}, not the version the alias points at."
        return None


EXERCISES = [
    Exercise(
        id="05.01.1",
        title="Log a model a server can trust",
        checks={"model_uri": LoggedModel()},
        hints=[
            "Copy the shape of the `log_model` call in section 3, but for `small_tree`: its "
            "example rows come from `X_small`, not `X_train`.",
            "Inside `with mlflow.start_run():`, call `mlflow.sklearn.log_model(small_tree, "
            'name="model", signature=..., input_example=example, **packaging)` and keep '
            "`.model_uri` of what it returns.",
        ],
        solution="""
            example = X_small.head(5)
            with mlflow.start_run():
                info = mlflow.sklearn.log_model(
                    small_tree,
                    name="model",
                    signature=infer_signature(example, small_tree.predict(example)),
                    input_example=example,
                    **packaging,
                )
            model_uri = info.model_uri
        """,
        wrong_answers=[
            WrongAnswer(
                "with mlflow.start_run():\n"
                "    info = mlflow.sklearn.log_model(\n"
                '        small_tree, name="model", pip_requirements=pip_requirements,\n'
                '        serialization_format="skops", skops_trusted_types=TRUSTED,\n'
                "    )\n"
                "model_uri = info.model_uri\n",
                "Did you log the model without a signature? Then MLflow stores no input schema, "
                "and a server accepts a request with missing or misspelled columns until the "
                "model fails on it. Pass `signature=` and `input_example=`.",
            ),
            WrongAnswer(
                "example = X_small.head(5)\n"
                "with mlflow.start_run():\n"
                "    info = mlflow.sklearn.log_model(\n"
                '        small_tree, name="model", input_example=example,\n'
                "        signature=infer_signature(example, small_tree.predict(example)),\n"
                '        pip_requirements=["scikit-learn", "skops", "mlflow"],\n'
                '        serialization_format="skops", skops_trusted_types=TRUSTED,\n'
                "    )\n"
                "model_uri = info.model_uri\n",
                "Did you list the requirements without versions? `pip install scikit-learn` "
                "next year installs another release, which may not load this file or may "
                "predict differently. Pin each one: `pip_requirements` (above) does.",
            ),
            WrongAnswer(
                "example = X_small.head(5)\n"
                "with mlflow.start_run():\n"
                "    info = mlflow.sklearn.log_model(\n"
                '        small_tree, name="model", input_example=example,\n'
                "        signature=infer_signature(example, small_tree.predict(example)),\n"
                "        pip_requirements=pip_requirements,\n"
                '        serialization_format="cloudpickle",\n'
                "    )\n"
                "model_uri = info.model_uri\n",
                "Did you switch to cloudpickle (or pickle) to get past the untrusted-types "
                "error? Loading a pickle runs whatever code the file names (notebook 05.02). "
                'Keep `serialization_format="skops"` and allow the reviewed type: '
                "`skops_trusted_types=TRUSTED`.",
            ),
        ],
        equivalent_mutants={
            "line 1: `X_small.head` -> `X_small.tail`": _ANY_ROWS,
            "line 1: `5` -> `6`": _ANY_ROWS,
            "line 1: `5` -> `4`": _ANY_ROWS,
            "line 3: keyword `name='model'` dropped from `mlflow.sklearn.log_model`": (
                "The artifact's name only names the folder; MLflow picks one when it is left "
                "out, and the model stored is the same."
            ),
            "line 3: keyword `signature=infer_signatu…_tree.predict(example))` dropped from "
            "`mlflow.sklearn.log_model`": (
                "Given an input example and no signature, MLflow infers the same signature from "
                "the example and the model's predictions on it."
            ),
        },
    ),
    Exercise(
        id="05.01.2",
        title="A fingerprint of the training data",
        checks={"data_fingerprint": Fingerprint()},
        hints=[
            "Serialise the frame to bytes that hold every value and every column name, in row "
            "order, but not the index, then hash them with `hashlib.sha256`.",
            "`df.to_csv(index=False)` is such a text (floats are written exactly); "
            "`hashlib.sha256(text.encode()).hexdigest()` turns it into 64 hexadecimal characters.",
        ],
        solution='''
            import hashlib

            def data_fingerprint(df):
                """SHA-256 of the frame's values, column names and row order (not its index)."""
                text = df.to_csv(index=False)
                return hashlib.sha256(text.encode()).hexdigest()
        ''',
        wrong_answers=[
            WrongAnswer(
                "import hashlib\n\n"
                "def data_fingerprint(df):\n"
                "    return hashlib.sha256(df.to_csv().encode()).hexdigest()\n",
                "Did you hash `df.to_csv()` with its index? Filtering rows keeps the old index "
                "labels, so the same data gets two fingerprints; pass `index=False`.",
            ),
            WrongAnswer(
                "import hashlib\n\n"
                "def data_fingerprint(df):\n"
                "    total = pd.util.hash_pandas_object(df, index=False).sum()\n"
                "    return hashlib.sha256(str(total).encode()).hexdigest()\n",
                "Did you add up per-row hashes? A sum does not see the order of the rows (and "
                "`hash_pandas_object` ignores column names), yet a split by position trains "
                "on other rows when the order changes.",
            ),
            WrongAnswer(
                "import hashlib\n\n"
                "def data_fingerprint(df):\n"
                "    return hashlib.sha256(df.to_numpy().tobytes()).hexdigest()\n",
                "Did you hash `df.to_numpy().tobytes()`? A frame with a text column becomes an "
                "object array, whose bytes are memory addresses that change with every copy, "
                "and column names are left out. Hash a text form such as "
                "`df.to_csv(index=False)`.",
            ),
            WrongAnswer(
                "import hashlib\n\n"
                "def data_fingerprint(df):\n"
                "    text = df.to_json(orient='records')\n"
                "    return hashlib.sha256(text.encode()).hexdigest()\n",
                "Did you hash a text that rounds floats, such as `df.to_json()` (10 digits by "
                "default), `df.to_string()` or `df.round(...)`? Frames that differ beyond those "
                "digits then share one fingerprint; `df.to_csv(index=False)` writes every float "
                "exactly.",
            ),
            WrongAnswer(
                "def data_fingerprint(df):\n    return str(hash(df.to_csv(index=False)))\n",
                "Did you use Python's built-in `hash()`? It is salted per process "
                "(PYTHONHASHSEED), so tomorrow's kernel gives the same data another number; use "
                "`hashlib.sha256(...).hexdigest()`.",
            ),
        ],
        equivalent_mutants={},
    ),
    Exercise(
        id="05.01.3",
        title="The best run, decided by a rule",
        checks={"best_run": Function(cases=_RUN_CASES, returns=Exact())},
        hints=[
            "Keep only the rows whose `status` is 'FINISHED'. Then sort by the metric, and by "
            "the depth as a number: MLflow stores every parameter as a string.",
            "`done.assign(depth=done['params.max_depth'].astype(int)).sort_values("
            "['metrics.val_mae', 'depth'])` puts the best run first; return its `run_id`.",
        ],
        solution='''
            def best_run(runs):
                """run_id of the finished run with the lowest val MAE; ties: smallest max_depth."""
                done = runs[runs["status"] == "FINISHED"]
                done = done.assign(depth=done["params.max_depth"].astype(int))
                return done.sort_values(["metrics.val_mae", "depth"])["run_id"].iloc[0]
        ''',
        wrong_answers=[
            WrongAnswer(
                "def best_run(runs):\n"
                '    return runs.sort_values("metrics.val_mae")["run_id"].iloc[0]\n',
                "Did you sort by the metric alone? A run that FAILED after logging its metric "
                "has no model to deploy, and on a tie the order is arbitrary. Keep finished "
                "runs and break ties by the smaller `max_depth`.",
            ),
            WrongAnswer(
                "def best_run(runs):\n"
                '    done = runs[runs["status"] == "FINISHED"]\n'
                '    order = ["metrics.val_mae", "params.max_depth"]\n'
                '    return done.sort_values(order)["run_id"].iloc[0]\n',
                'Did you sort `params.max_depth` as it is stored? Parameters are strings, and "16" '
                'sorts before "8". Convert with `.astype(int)` first.',
            ),
            WrongAnswer(
                "def best_run(runs):\n"
                '    ranked = runs.assign(depth=runs["params.max_depth"].astype(int))\n'
                '    return ranked.sort_values(["metrics.val_mae", "depth"])["run_id"].iloc[0]\n',
                "Did you keep runs that did not finish? A FAILED or KILLED run may have logged "
                "its metric but not its model; filter on `status == 'FINISHED'`.",
            ),
            WrongAnswer(
                "def best_run(runs):\n"
                '    done = runs[runs["status"] == "FINISHED"]\n'
                '    return done.loc[done["metrics.val_mae"].idxmin(), "run_id"]\n',
                "Did you take the first row with the lowest MAE (`idxmin`)? On a tie that is "
                "whichever run `search_runs` listed first, not a rule anyone chose; sort by the "
                "metric, then by `max_depth` as a number.",
            ),
            WrongAnswer(
                "def best_run(runs):\n"
                '    done = runs[runs["status"] != "FAILED"]\n'
                '    done = done.assign(depth=done["params.max_depth"].astype(int))\n'
                '    return done.sort_values(["metrics.val_mae", "depth"])["run_id"].iloc[0]\n',
                "Did you drop only the FAILED runs? A run can also be KILLED or still RUNNING, "
                "and neither has a model to deploy; keep `status == 'FINISHED'`.",
            ),
            WrongAnswer(
                "def best_run(runs):\n"
                '    done = runs[runs["status"] == "FINISHED"]\n'
                '    return done.loc[done["metrics.val_mae"].idxmax(), "run_id"]\n',
                "Did you take the largest MAE? It is an error: lower is better (`idxmin`, or "
                "sort ascending).",
            ),
        ],
        equivalent_mutants={},
    ),
    Exercise(
        id="05.01.4",
        title="Promote a run's model: move the alias",
        checks={
            "promote": Promotes(
                experiment="bike-demand",
                model="bike-demand-tree",
                alias="champion",
                depths=(10, 4, 24),
                late_run="first-tree",
            )
        },
        hints=[
            "`client.search_model_versions(f\"name = '{model_name}' and run_id = '{run_id}'\")` "
            "lists the registered versions made from that run (here exactly one).",
            "Then `client.set_registered_model_alias(model_name, 'champion', v.version)` and "
            "return `int(v.version)`; MLflow gives version numbers as strings.",
        ],
        solution='''
            def promote(run_id):
                """Point the champion alias at the version registered from `run_id`."""
                client = mlflow.MlflowClient()
                found = client.search_model_versions(
                    f"name = '{model_name}' and run_id = '{run_id}'"
                )
                client.set_registered_model_alias(model_name, "champion", found[0].version)
                return int(found[0].version)
        ''',
        wrong_answers=[
            WrongAnswer(
                "def promote(run_id):\n"
                "    client = mlflow.MlflowClient()\n"
                "    versions = client.search_model_versions(f\"name = '{model_name}'\")\n"
                "    newest = max(int(v.version) for v in versions)\n"
                '    client.set_registered_model_alias(model_name, "champion", newest)\n'
                "    return newest\n",
                "Did you promote the newest version? The newest is not the one the run "
                "produced; find the version whose `run_id` is the run's.",
            ),
            WrongAnswer(
                "def promote(run_id):\n"
                "    client = mlflow.MlflowClient()\n"
                "    found = client.search_model_versions(\n"
                "        f\"name = '{model_name}' and run_id = '{run_id}'\"\n"
                "    )\n"
                "    return int(found[0].version)\n",
                "Did you find the version but not move the alias? Serving loads "
                "`models:/<name>@champion`, so nothing is promoted until the alias points at "
                "it: `client.set_registered_model_alias(...)`.",
            ),
        ],
        equivalent_mutants={
            "line 8: `int(found[0].version)` -> `found[0].version`": (
                "The SQLite store's client already gives the version as an int; `int()` keeps "
                "the function right against a tracking server, which sends a string."
            ),
        },
    ),
]
