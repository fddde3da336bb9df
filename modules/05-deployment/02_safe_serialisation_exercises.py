"""Exercises of 02_safe_serialisation.ipynb: reading a pickle without loading it, a restricted
unpickler, a skops loader with an explicit trusted list, checking a restored model's outputs."""

from __future__ import annotations

import copy
import datetime
import operator
import pickle
import sys
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlcourse import compare
from mlcourse.comparators.base import Comparator
from mlcourse.exercise import Calls, Exact, Exercise, Function, WrongAnswer

# --- payloads: pickles built here, never loaded by the checks' reference solutions -------------


class _Reduce:
    """Pickles as `fn(*args)`: only the callable's name and the arguments travel."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


_PLAIN = pickle.dumps({"hr": [8, 17], "temp": 20.5, "ok": (True, None)}, protocol=5)
_TEXT = pickle.dumps("os.system and builtins eval are just words here", protocol=4)
_ADD_P0 = pickle.dumps(_Reduce(operator.add, (2, 3)), protocol=0)  # GLOBAL '_operator add'
_ORDERED_P2 = pickle.dumps(OrderedDict(a=1), protocol=2)  # GLOBAL 'collections OrderedDict'
_DATES_P4 = pickle.dumps(  # STACK_GLOBAL twice; the 2nd 'datetime' comes back with BINGET
    [datetime.date(2011, 1, 1), datetime.timedelta(hours=3)], protocol=4
)
_EVAL_INST = b"(S'2 + 2'\nibuiltins\neval\n."  # protocol 0 INST: import and call in one opcode
_GETATTR_P5 = pickle.dumps(_Reduce(getattr, (1, "real")), protocol=5)
_MUL_P5 = pickle.dumps(_Reduce(operator.mul, (6, 7)), protocol=5)
_SYS_P2 = pickle.dumps(_Reduce(sys.getrecursionlimit, ()), protocol=2)  # harmless, but `sys`
# 300 memoised strings first, so the module name's memo index needs LONG_BINGET (> 255)
_LONG_MEMO = pickle.dumps(
    [f"w{i}" for i in range(300)] + [_Reduce(operator.add, (1, 1)), _Reduce(operator.sub, (5, 2))],
    protocol=5,
)

_POW_P4 = pickle.dumps(_Reduce(pow, (2, 10)), protocol=4)  # builtins.pow, not _operator.pow
# Written by hand to fool a scanner that tracks only MEMOIZE: index 0 first holds 'harmless'
# (MEMOIZE), then BINPUT 0 overwrites it with 'builtins', and BINGET 0 fetches that for
# STACK_GLOBAL. Loading it calls builtins.eval('2 + 2'); a MEMOIZE-only scan reads
# 'harmless.eval'. Only find_class, which the unpickler itself calls, sees the real name.
_HIDDEN_EVAL = (
    b"\x80\x04\x8c\x08harmless\x940\x8c\x08builtinsq\x000h\x00\x8c\x04eval\x93\x8c\x052 + 2\x85R."
)

_SCAN_CASES = [
    dict(data=_PLAIN),
    dict(data=_ADD_P0),
    dict(data=_TEXT),
    dict(data=_ORDERED_P2),
    dict(data=_DATES_P4),
    dict(data=_EVAL_INST),
    dict(data=_GETATTR_P5),
    dict(data=_LONG_MEMO),
]


def _scan_answer(body: str) -> str:
    return "def pickle_globals(data):\n" + body


# --- 05.02.2: a restricted unpickler -----------------------------------------------------------

_LOAD_CASES = [
    dict(data=_PLAIN, allowed=set()),
    dict(data=_ADD_P0, allowed={"_operator.add"}),
    dict(data=_EVAL_INST, allowed={"_operator.add"}),
    dict(data=_MUL_P5, allowed={"_operator.add"}),
    dict(data=_GETATTR_P5, allowed={"builtins.eval"}),
    dict(data=_LONG_MEMO, allowed={"_operator.add", "_operator.sub"}),
    dict(data=_LONG_MEMO, allowed={"_operator.add"}),
    dict(data=_SYS_P2, allowed={"_operator.add"}),
    dict(data=_POW_P4, allowed={"_operator.pow"}),
    dict(data=_HIDDEN_EVAL, allowed={"_operator.add"}),
]
_LOAD_MENTIONS = [
    [],
    [],
    ["builtins.eval"],
    ["operator.mul"],
    ["builtins.getattr"],
    [],
    ["sub"],
    ["sys.getrecursionlimit"],
    ["builtins.pow"],
    ["builtins.eval"],
]


# --- 05.02.3: skops with an explicit trusted list ---------------------------------------------


def _skops_models():
    import skops.io as sio
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    rng = np.random.default_rng(502)
    X = rng.uniform(0, 3, size=(200, 3))
    y = X[:, 0] * 2 + np.sin(3 * X[:, 1]) + rng.normal(0, 0.1, 200)
    ridge = make_pipeline(StandardScaler(), Ridge(alpha=1.0)).fit(X, y)
    trees = HistGradientBoostingRegressor(max_iter=8, random_state=0).fit(X, y)
    cleaned = make_pipeline(FunctionTransformer(np.nan_to_num), Ridge()).fit(X, y)
    return X[:7], {
        k: sio.dumps(v) for k, v in dict(ridge=ridge, trees=trees, clean=cleaned).items()
    }


_X_NEW, _SKOPS = _skops_models()
_TREE = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"
_SKOPS_CASES = [
    dict(data=_SKOPS["ridge"], trusted=[]),
    dict(data=_SKOPS["trees"], trusted=[_TREE]),
    dict(data=_SKOPS["trees"], trusted=[]),
    dict(data=_SKOPS["clean"], trusted=[_TREE]),
    dict(data=_SKOPS["clean"], trusted=["numpy.nan_to_num", _TREE]),
]
_SKOPS_MENTIONS = [[], [], ["TreePredictor"], ["nan_to_num"], []]


@dataclass(frozen=True)
class Predictions(Comparator):
    """A loaded model, judged by what it predicts for fixed rows (plain data for the grader)."""

    X: Any = None

    def observe(self, name, value):
        if not hasattr(value, "predict"):
            return {"type": compare.type_name(value)}
        return {"predicted": np.asarray(value.predict(self.X), dtype=float).round(9).tolist()}

    def diff(self, name, observed, expected):
        if "type" in observed:
            return (
                f"`{name}` should be the loaded model (it has `predict`), got {observed['type']}."
            )
        if not np.allclose(observed["predicted"], expected["predicted"], rtol=1e-6, atol=1e-9):
            return f"`{name}` predicts different values from the model that was saved."
        return None


# --- 05.02.4: export a model, load it back ----------------------------------------------------


def _export_cases():
    import torch
    from torch import nn

    torch.manual_seed(5024)
    wide = nn.Sequential(nn.Linear(5, 12), nn.ReLU(), nn.Dropout(0.4), nn.Linear(12, 3))
    narrow = nn.Sequential(nn.Linear(2, 6), nn.Tanh(), nn.Dropout(0.2), nn.Linear(6, 1))
    examples = torch.Generator().manual_seed(7)
    # the models come straight from training: still in training mode (dropout on)
    return [
        dict(model=wide.train(), example=torch.randn(4, 5, generator=examples)),
        dict(model=narrow.train(), example=torch.randn(8, 2, generator=examples)),
    ]


_EXPORT_CASES = _export_cases()


def _input_width(module) -> int:
    """Features the module expects: the first weight matrix's second dimension."""
    for key, tensor in module.state_dict().items():
        if key.endswith("weight") and tensor.ndim == 2:
            return int(tensor.shape[1])
    raise ValueError("no weight matrix found")


@dataclass(frozen=True)
class Exported(Comparator):
    """A module loaded back from an exported program: is it one (a GraphModule, not the original
    class), and what it returns for batches of several sizes (plain data for the grader)."""

    batch_sizes: tuple = (1, 3, 17)

    def observe(self, name, value):
        import torch

        if not isinstance(value, torch.nn.Module):
            return {"type": compare.type_name(value)}
        observed = {"exported": isinstance(value, torch.fx.GraphModule), "outputs": []}
        width = _input_width(value)
        inputs = torch.Generator().manual_seed(11)
        for rows in self.batch_sizes:
            X = torch.randn(rows, width, generator=inputs)
            try:
                with torch.no_grad():
                    first, again = value(X), value(X)
                observed["outputs"].append(np.asarray(first, dtype=float).round(6).tolist())
                same = bool(torch.equal(first, again))  # dropout left on: not (17 rows)
                observed["repeatable"] = observed.get("repeatable", True) and same
            except Exception as err:  # noqa: BLE001 - the learner's module failed: say how
                observed["outputs"].append({"raised": type(err).__name__})
        return observed

    def diff(self, name, observed, expected):
        if "type" in observed:
            return f"`{name}` should be a torch module (the loaded one), got {observed['type']}."
        if not observed["exported"]:
            return (
                f"`{name}` should be the module loaded back from the saved program "
                "(`torch.export.load(buffer).module()`), got a module that was not exported."
            )
        for rows, got, want in zip(self.batch_sizes, observed["outputs"], expected["outputs"]):
            if isinstance(got, dict):
                return f"`{name}` raised {got['raised']} on a batch of {rows} rows."
            if np.shape(got) != np.shape(want) or not np.allclose(got, want, atol=1e-5):
                return (
                    f"`{name}` gives different outputs from the original model in evaluation "
                    f"mode on a batch of {rows} rows."
                )
        return None

    def matches(self, observed, recorded):
        # A recorded mistake is a kind of failure (not exported, outputs that change from call
        # to call, a batch size that raises), not exact values: dropout's values are random.
        return _failure_kind(observed) == _failure_kind(recorded)


def _failure_kind(observed) -> tuple:
    if "type" in observed:
        return ("type", observed["type"])
    raised = tuple(o["raised"] if isinstance(o, dict) else "" for o in observed["outputs"])
    return (observed["exported"], observed.get("repeatable"), raised)


def _export_answer(prepare: str, dynamic: str = ", dynamic_shapes=({0: batch},)") -> str:
    return (
        "def export_model(model, example):\n" + prepare + "    batch = torch.export.Dim('batch')\n"
        f"    program = torch.export.export(model, (example,){dynamic})\n"
        "    buffer = io.BytesIO()\n"
        "    torch.export.save(program, buffer)\n"
        "    return torch.export.load(buffer).module()\n"
    )


# --- 05.02.5: do the restored model's outputs match? ---------------------------------------------


def _match_cases():
    import torch
    from torch import nn

    torch.manual_seed(502)

    def mlp(dropout=0.0, scale=1.0):
        net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 1))
        with torch.no_grad():
            net[3].weight.mul_(scale)
            net[3].bias.add_(scale)
        return net.eval()

    def nudged(net, by):
        out = copy.deepcopy(net)
        with torch.no_grad():
            out[3].bias.add_(by)
        return out

    class LastRowOff(nn.Module):  # right on every row but the last
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            y_hat = self.net(x).clone()
            y_hat[-1] += 0.5
            return y_hat

    class Squeezed(nn.Module):  # right values, but shape (n,) where the original gives (n, 1)
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            return self.net(x).squeeze(-1)

    def constant(value):  # outputs exactly `value`, so a difference can equal atol exactly
        net = mlp()
        with torch.no_grad():
            net[3].weight.zero_()
            net[3].bias.fill_(value)
        return net

    X = torch.randn(6, 4, generator=torch.Generator().manual_seed(5))
    base, dropped, big = mlp(), mlp(dropout=0.5), mlp(scale=400.0)
    dropped.train()  # as a model comes back from a training loop
    copy_of_dropped = copy.deepcopy(dropped)
    return [
        dict(model=base, restored=copy.deepcopy(base), X=X, atol=1e-6),
        dict(model=base, restored=nudged(base, 1e-3), X=X, atol=1e-5),
        dict(model=base, restored=nudged(base, 1e-7), X=X, atol=1e-5),
        dict(model=dropped, restored=copy_of_dropped, X=X, atol=1e-6),
        dict(model=big, restored=nudged(big, 2e-3), X=X, atol=1e-4),
        dict(model=base, restored=LastRowOff(copy.deepcopy(base)), X=X, atol=1e-4),
        # one row off by 0.5: the mean difference (0.083) is within atol, the largest is not
        dict(model=base, restored=LastRowOff(copy.deepcopy(base)), X=X, atol=0.1),
        dict(model=base, restored=Squeezed(copy.deepcopy(base)), X=X[:1], atol=1e-4),
        dict(model=base, restored=nudged(base, 5e-4), X=X, atol=1e-3),
        dict(model=constant(1.0), restored=constant(1.5), X=X, atol=0.5),  # exactly at atol
    ]


_MATCH_CASES = _match_cases()


def _match_answer(body: str, prepare: str = "    model.eval()\n    restored.eval()\n") -> str:
    return (
        "def outputs_match(model, restored, X, atol):\n" + prepare + "    with torch.no_grad():\n"
        "        expected, got = model(X), restored(X)\n" + body
    )


EXERCISES = [
    Exercise(
        id="05.02.1",
        title="Read a pickle without loading it: which names would it import?",
        checks={"pickle_globals": Function(_SCAN_CASES, returns=Exact())},
        hints=[
            "`pickletools.genops(data)` walks the opcodes without running any: it yields "
            "`(opcode, arg, position)`. Collect names from three opcodes: `GLOBAL` and `INST` "
            "carry their name in `arg` as `'module name'`; `STACK_GLOBAL` (protocol 4 and 5, "
            "the default) has no `arg`: it takes the module and the name from the two strings "
            "pushed just before it.",
            "Keep a list of the strings pushed so far (every opcode whose `arg` is a `str`). "
            "Protocol 4+ also stores values in a memo with `MEMOIZE` (the next index, "
            "0, 1, 2, ...) and pushes them again with `BINGET` / `LONG_BINGET` (whose `arg` is "
            "the index): a module named twice is written once. Record what `MEMOIZE` stores, "
            "and push it again on a `BINGET`.",
        ],
        solution="""
            def pickle_globals(data):
                found, strings, memo = set(), [], []
                for op, arg, _ in pickletools.genops(data):
                    if op.name in ("GLOBAL", "INST"):
                        found.add(arg.replace(" ", "."))
                    elif op.name == "STACK_GLOBAL":
                        found.add(f"{strings[-2]}.{strings[-1]}")
                    elif op.name == "MEMOIZE":
                        memo.append(strings[-1] if strings else None)
                    elif op.name in ("BINGET", "LONG_BINGET"):
                        strings.append(memo[arg])
                    elif isinstance(arg, str):
                        strings.append(arg)
                return found
        """,
        wrong_answers=[
            WrongAnswer(
                _scan_answer(
                    "    found = set()\n"
                    "    for op, arg, _ in pickletools.genops(data):\n"
                    "        if op.name in ('GLOBAL', 'INST'):\n"
                    "            found.add(arg.replace(' ', '.'))\n"
                    "    return found\n"
                ),
                "Did you look only for `GLOBAL` and `INST`? Protocols 4 and 5 (Python's "
                "default) import with `STACK_GLOBAL`, whose module and name are the two "
                "strings pushed just before it.",
            ),
            WrongAnswer(
                _scan_answer(
                    "    found, strings = set(), []\n"
                    "    for op, arg, _ in pickletools.genops(data):\n"
                    "        if op.name in ('GLOBAL', 'INST'):\n"
                    "            found.add(arg.replace(' ', '.'))\n"
                    "        elif op.name == 'STACK_GLOBAL':\n"
                    "            found.add(f'{strings[-2]}.{strings[-1]}')\n"
                    "        elif isinstance(arg, str):\n"
                    "            strings.append(arg)\n"
                    "    return found\n"
                ),
                "Did you ignore the memo? A module named twice is written once, stored with "
                "`MEMOIZE` and pushed again with `BINGET` (`LONG_BINGET` past index 255), so "
                "`{name}` pairs the second name with the wrong module. Keep what `MEMOIZE` "
                "stores and push it again on a `BINGET`.",
            ),
            WrongAnswer(
                _scan_answer(
                    "    words = (b'os', b'system', b'eval', b'exec', b'subprocess')\n"
                    "    return {w.decode() for w in words if w in data}\n"
                ),
                "Did you search the raw bytes for dangerous words? Plain text data can "
                "contain them, and a payload can import a name that is on no list "
                "(`builtins.getattr`, `_operator.add`). Read the opcodes with "
                "`pickletools.genops` and report every name an import opcode would load.",
            ),
        ],
    ),
    Exercise(
        id="05.02.2",
        title="A restricted unpickler: load only the globals you allow",
        checks={"safe_loads": Calls(_LOAD_CASES, returns=Exact(), mentions=_LOAD_MENTIONS)},
        hints=[
            "Subclass `pickle.Unpickler` and override `find_class(self, module, name)`: the "
            "unpickler calls it for every global the data imports, before anything is called. "
            "Build the instance on `io.BytesIO(data)` and call `.load()`.",
            "In `find_class`, compare `f'{module}.{name}'` with `allowed`: return "
            "`super().find_class(module, name)` when it is allowed, otherwise raise "
            "`pickle.UnpicklingError` with a message naming that full name and saying how to "
            "allow it.",
        ],
        solution="""
            def safe_loads(data, allowed):
                class Restricted(pickle.Unpickler):
                    def find_class(self, module, name):
                        if f"{module}.{name}" not in allowed:
                            raise pickle.UnpicklingError(
                                f"refusing to load global {module}.{name}: it is not in `allowed`; "
                                "add it only after checking that calling it is harmless"
                            )
                        return super().find_class(module, name)

                return Restricted(io.BytesIO(data)).load()
        """,
        wrong_answers=[
            WrongAnswer(
                "def safe_loads(data, allowed):\n    return pickle.loads(data)\n",
                "Did you call `pickle.loads`? It imports and calls whatever the data names "
                "before you can look at the result. Subclass `pickle.Unpickler` and refuse "
                "names outside `allowed` in `find_class`.",
            ),
            WrongAnswer(
                "def safe_loads(data, allowed):\n"
                "    class Restricted(pickle.Unpickler):\n"
                "        def find_class(self, module, name):\n"
                "            if module in {'os', 'posix', 'subprocess', 'sys'}:\n"
                "                raise pickle.UnpicklingError(f'refusing {module}.{name}')\n"
                "            return super().find_class(module, name)\n"
                "    return Restricted(io.BytesIO(data)).load()\n",
                "Did you block a list of dangerous modules? A block list always misses one "
                "(`builtins.eval`, `builtins.getattr`): allow only the names in `allowed` and "
                "refuse everything else.",
            ),
            WrongAnswer(
                "def safe_loads(data, allowed):\n"
                "    modules = {a.rsplit('.', 1)[0] for a in allowed}\n"
                "    class Restricted(pickle.Unpickler):\n"
                "        def find_class(self, module, name):\n"
                "            if module not in modules:\n"
                "                raise pickle.UnpicklingError(f'refusing {module}.{name}')\n"
                "            return super().find_class(module, name)\n"
                "    return Restricted(io.BytesIO(data)).load()\n",
                "Did you allow whole modules? Allowing `_operator.add` must not allow "
                "`_operator.mul` (or `builtins.eval` along with `builtins.len`): compare the "
                "full `f'{{module}}.{{name}}'` with `allowed`.",
            ),
            WrongAnswer(
                "def safe_loads(data, allowed):\n"
                "    found, strings, memo = set(), [], []\n"
                "    for op, arg, _ in pickletools.genops(data):\n"
                "        if op.name in ('GLOBAL', 'INST'):\n"
                "            found.add(arg.replace(' ', '.'))\n"
                "        elif op.name == 'STACK_GLOBAL':\n"
                "            found.add(f'{strings[-2]}.{strings[-1]}')\n"
                "        elif op.name == 'MEMOIZE':\n"
                "            memo.append(strings[-1] if strings else None)\n"
                "        elif op.name in ('BINGET', 'LONG_BINGET'):\n"
                "            strings.append(memo[arg])\n"
                "        elif isinstance(arg, str):\n"
                "            strings.append(arg)\n"
                "    refused = found - set(allowed)\n"
                "    if refused:\n"
                "        raise pickle.UnpicklingError(f'refusing to load global {refused}')\n"
                "    return pickle.loads(data)\n",
                "Did you scan the opcodes (exercise 1) and then call `pickle.loads`? A scanner "
                "sees only what it models: a hand-written pickle can store a module name with "
                "`BINPUT` where the scanner expects `MEMOIZE`, so the scan reads a harmless "
                "name and `pickle.loads` imports `builtins.eval`. Refuse inside the loader: "
                "override `find_class`, which the unpickler itself calls for every global.",
            ),
        ],
    ),
    Exercise(
        id="05.02.3",
        title="A skops loader with an explicit trusted list",
        checks={
            "load_skops": Calls(_SKOPS_CASES, returns=Predictions(_X_NEW), mentions=_SKOPS_MENTIONS)
        },
        hints=[
            "`skops.io.get_untrusted_types(data=data)` lists the types in the file that skops "
            "does not trust by default, without loading anything. Which of them are not in "
            "`trusted`?",
            "If any are left, raise `ValueError` naming them and saying how to fix it "
            "(review each one, then add it to `trusted`); otherwise return "
            "`skops.io.loads(data, trusted=trusted)`.",
        ],
        solution="""
            def load_skops(data, trusted):
                unknown = [t for t in sio.get_untrusted_types(data=data) if t not in trusted]
                if unknown:
                    raise ValueError(
                        f"refusing to load: the file contains types not in `trusted`: {unknown}. "
                        "Review each one, then add it to `trusted` if you trust it."
                    )
                return sio.loads(data, trusted=trusted)
        """,
        wrong_answers=[
            WrongAnswer(
                "def load_skops(data, trusted):\n"
                "    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))\n",
                "Did you pass the file's own list of untrusted types as `trusted`? That "
                "trusts whatever the file asks for, which is what loading with pickle does. "
                "Trust only the reviewed list `trusted` and refuse anything beyond it.",
            ),
            WrongAnswer(
                "def load_skops(data, trusted):\n    return sio.loads(data, trusted=trusted)\n",
                "Did you leave the refusal to `skops.io.loads`? It raises its own "
                "`UntrustedTypesFoundException` (a `TypeError`); `{name}` should check first "
                "with `skops.io.get_untrusted_types` and raise a `ValueError` that names the "
                "unreviewed types and how to allow them.",
            ),
        ],
    ),
    Exercise(
        id="05.02.4",
        title="Export a model with torch.export and load it back",
        checks={"export_model": Function(_EXPORT_CASES, returns=Exported())},
        hints=[
            "Four steps, as in section 6: `model.eval()`; "
            "`torch.export.export(model, (example,), dynamic_shapes=...)`; "
            "`torch.export.save(program, buffer)` into an `io.BytesIO()`; then "
            "return `torch.export.load(buffer).module()`.",
            "The models arrive in training mode, and an exported program keeps the mode it was "
            "exported in: call `.eval()` before exporting. Mark dimension 0 dynamic with "
            "`batch = torch.export.Dim('batch')` and `dynamic_shapes=({0: batch},)`, or the "
            "program only accepts batches of `len(example)` rows.",
        ],
        solution="""
            def export_model(model, example):
                model.eval()
                batch = torch.export.Dim("batch")
                program = torch.export.export(model, (example,), dynamic_shapes=({0: batch},))
                buffer = io.BytesIO()
                torch.export.save(program, buffer)
                return torch.export.load(buffer).module()
        """,
        wrong_answers=[
            WrongAnswer(
                _export_answer(""),
                "Did you export the model in training mode? The program keeps the mode it was "
                "exported in, so dropout stays on and its outputs are random. Call "
                "`model.eval()` before `torch.export.export`.",
            ),
            WrongAnswer(
                _export_answer("    model.eval()\n", dynamic=""),
                "Did you export without `dynamic_shapes`? The program then accepts only batches "
                "of exactly `len(example)` rows and fails on any other size. Mark dimension 0 "
                "dynamic with `torch.export.Dim`.",
            ),
            WrongAnswer(
                "def export_model(model, example):\n    return model.eval()\n",
                "Did you return the model itself? The point is a program that runs without your "
                "Python class: export it, save it, and return what `torch.export.load` gives "
                "back (`.module()`).",
            ),
        ],
    ),
    Exercise(
        id="05.02.5",
        title="Does the restored model give the same outputs?",
        checks={"outputs_match": Function(_MATCH_CASES, returns=Exact())},
        equivalent_mutants={
            "line 8: `got - expected` -> `expected - got`": "the absolute value is the same",
        },
        hints=[
            "Put both models in evaluation mode (`.eval()`: dropout off) and run them on `X` "
            "under `torch.no_grad()`. Outputs that should match must have the same shape "
            "first: compare `.shape` before any values.",
            "Then compare the largest absolute difference with `atol`: "
            "`(got - expected).abs().max() <= atol`. Beware `torch.allclose`: it adds a "
            "relative tolerance (`rtol=1e-5`) that hides differences in large outputs, and it "
            "broadcasts shapes (1, 1) and (1,) together.",
        ],
        solution="""
            def outputs_match(model, restored, X, atol):
                model.eval()
                restored.eval()
                with torch.no_grad():
                    expected, got = model(X), restored(X)
                if got.shape != expected.shape:
                    return False
                return bool((got - expected).abs().max() <= atol)
        """,
        wrong_answers=[
            WrongAnswer(
                _match_answer(
                    "    if got.shape != expected.shape:\n        return False\n"
                    "    return bool((got - expected).abs().max() <= atol)\n",
                    prepare="",
                ),
                "Did you run the models in training mode? Dropout then drops a different "
                "random set of units in each call, and two identical models disagree. Call "
                "`.eval()` on both before comparing.",
            ),
            WrongAnswer(
                _match_answer("    return bool(torch.equal(got, expected))\n"),
                "Did you ask for exactly equal outputs with `torch.equal` or `==`? A restored "
                "or exported model may compute in a different order and differ in the last "
                "bits; compare the largest absolute difference with `atol`.",
            ),
            WrongAnswer(
                _match_answer("    return bool(torch.allclose(got, expected, atol=atol))\n"),
                "Did you use `torch.allclose`? It adds a relative tolerance (`rtol=1e-5`, "
                "0.004 for outputs near 400) and broadcasts shapes (1, 1) and (1,) together. "
                "Check the shapes, then compare `(got - expected).abs().max()` with `atol` alone.",
            ),
            WrongAnswer(
                _match_answer(
                    "    if got.shape != expected.shape:\n        return False\n"
                    "    return bool((got[0] - expected[0]).abs().max() <= atol)\n"
                ),
                "Did you compare only the first row? A difference can hide in any row: "
                "take the largest difference over all of them.",
            ),
            WrongAnswer(
                _match_answer(
                    "    if got.shape != expected.shape:\n        return False\n"
                    "    return bool((got - expected).abs().mean() <= atol)\n"
                ),
                "Did you average the differences? One row off by 0.5 among six averages to "
                "0.083 and hides under atol = 0.1; a tolerance bounds every output, so compare "
                "the largest absolute difference (`.max()`) with `atol`.",
            ),
        ],
    ),
]
