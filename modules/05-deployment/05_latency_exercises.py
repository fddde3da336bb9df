"""Exercises of 05_latency.ipynb: honest percentiles, a batch size under a latency budget, a
prediction cache, quantisation behind an accuracy check, structured pruning."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mlcourse import compare
from mlcourse.comparators.base import Comparator, Unfinished, _raised
from mlcourse.exercise import Calls, Close, Exact, Exercise, Function, WrongAnswer

# --- 05.05.1: a tail percentile, measured honestly ----------------------------------------------

_rng = np.random.default_rng(505)


def _latencies(n: int, warmup: int) -> np.ndarray:
    """Single-request latencies in ms: slow warm-up calls first, then a long-tailed body."""
    body = _rng.lognormal(mean=0.0, sigma=0.6, size=n - warmup) + 0.5
    body[_rng.choice(n - warmup, size=max(1, (n - warmup) // 40), replace=False)] *= 8  # pauses
    return np.round(np.concatenate([_rng.uniform(40, 90, size=warmup), body]), 3)


_PERCENTILE_CASES = [
    dict(latencies_ms=_latencies(205, 5), q=99, warmup=5),
    dict(latencies_ms=_latencies(43, 3), q=50, warmup=3),  # 40 left: an even count
    dict(latencies_ms=_latencies(37, 0), q=95, warmup=0),
    dict(latencies_ms=_latencies(100, 0), q=99, warmup=0),  # exactly enough for p99
    dict(latencies_ms=_latencies(99, 0), q=99, warmup=0),  # one too few
    dict(latencies_ms=_latencies(260, 12), q=95, warmup=12),
    dict(latencies_ms=_latencies(120, 30), q=99, warmup=30),  # 90 left: too few for p99
    dict(latencies_ms=_latencies(29, 10), q=95, warmup=10),  # 19 left: too few for p95
    dict(latencies_ms=_latencies(15, 2), q=95, warmup=2),  # too few even with the warm-up
]
_TOO_FEW = ["samples"]
_PERCENTILE_MENTIONS = [[], [], [], [], _TOO_FEW, [], _TOO_FEW, _TOO_FEW, _TOO_FEW]


def _percentile_answer(body: str, check: str = "", drop: str = "latencies_ms[warmup:]") -> str:
    check = check or (
        "    if n * (100 - q) < 100:\n"
        "        raise ValueError(f'{n} samples are too few for p{q}')\n"
    )
    return (
        "def tail_latency(latencies_ms, q, warmup):\n"
        f"    kept = np.sort(np.asarray({drop}, dtype=float))\n"
        "    n = len(kept)\n" + check + body
    )


# --- 05.05.2: the batch size that fits a latency budget -----------------------------------------

# Compute time of one call to a model with a batch of `batch_size` rows (ms), as measured.
_TABLE = pd.DataFrame(
    {
        "batch_size": [1, 8, 32, 64, 128, 256, 512, 1024],
        "p50_ms": [0.65, 0.70, 0.90, 1.20, 1.60, 2.60, 4.40, 8.00],
        "p99_ms": [1.90, 2.00, 2.40, 3.00, 4.10, 6.00, 9.50, 16.00],
    }
)
# Values exact in binary, for cases on the boundary: 16 rows per 0.48828125 ms = 32,768 rows/s,
# and at 32,768 requests/s a batch of 16 waits 15 / 32.768 = 0.457763671875 ms to fill.
_EXACT = pd.DataFrame(
    {
        "batch_size": [1, 4, 16, 64, 256],
        "p50_ms": [0.5, 0.5, 0.48828125, 1.0, 4.0],
        "p99_ms": [1.0, 1.25, 1.5, 2.0, 8.0],
    }
)
_BATCH_CASES = [
    dict(table=_TABLE, rate_per_s=2000, budget_ms=50),
    dict(table=_TABLE, rate_per_s=1000, budget_ms=9.5),  # the (b - 1) in the wait matters
    dict(table=_TABLE, rate_per_s=100_000, budget_ms=5),  # nothing keeps up in time
    dict(table=_TABLE.sample(frac=1.0, random_state=3), rate_per_s=80_000, budget_ms=11),
    dict(table=_TABLE, rate_per_s=50_000, budget_ms=5),
    dict(table=_TABLE.iloc[::-1], rate_per_s=200, budget_ms=400),
    dict(table=_EXACT, rate_per_s=32768, budget_ms=3.0),  # 16 keeps up exactly
    dict(table=_EXACT, rate_per_s=32790, budget_ms=3.0),  # 16 falls just short
    dict(table=_EXACT, rate_per_s=32768, budget_ms=1.957763671875),  # 16 fits exactly
    dict(table=_EXACT, rate_per_s=32768, budget_ms=1.9575),  # 16 misses by a hair
]


def _batch_answer(fill: str, fits: str, keeps_up: str, pick: str = "max") -> str:
    return (
        "def choose_batch_size(table, rate_per_s, budget_ms):\n"
        f"    fill_ms = {fill}\n"
        f"    fits = {fits}\n"
        f"    keeps_up = {keeps_up}\n"
        "    ok = table[fits & keeps_up]\n"
        f"    return None if ok.empty else int(ok['batch_size'].{pick}())\n"
    )


_FILL = "(table['batch_size'] - 1) / rate_per_s * 1000"
_FITS = "fill_ms + table['p99_ms'] <= budget_ms"
_KEEPS_UP = "table['batch_size'] / table['p50_ms'] * 1000 >= rate_per_s"


# --- 05.05.3: a prediction cache -----------------------------------------------------------------


class _CountingModel:
    """A stand-in model: a prediction that depends on every feature and its name, and a record
    of each request that reached it."""

    def __init__(self):
        self.calls = 0

    def __call__(self, request):
        self.calls += 1
        return float(sum((i + 1) * request[key] for i, key in enumerate(sorted(request))))


_A, _B, _C = {"hr": 8, "temp": 20.5}, {"hr": 17, "temp": 20.5}, {"hr": 8, "temp": 3.0}
_D = {"hr": 9, "temp": 1.0}
_CACHE_SCENARIOS = [
    (2, [_A, _B, _A, _C, _B, _A, _A]),
    (
        4,
        [
            {"hr": 8, "temp": 20},
            {"temp": 20, "hr": 8},
            {"temp": 8, "hr": 20},
            {"hr": 20, "temp": 8},
        ],
    ),
    (1, [_C, _C, _A, _C, _C]),
    (3, [_A, _B, _C, _A, _D, _B, _C, _A]),
    # Tells LRU from first-in-first-out, from evicting the newest entry, from maxsize + 1 entries
    # and from no bound at all: each reaches the model for a different set of these requests.
    (2, [_A, _B, _C, _B, _D, _C, _A]),
]


@dataclass(frozen=True)
class CacheScenarios(Comparator):
    """A cache factory ``f(predict, maxsize)``, run on request sequences: what each request
    returned and which requests reached the model (plain data, so the grader judges the same)."""

    scenarios: tuple = tuple(_CACHE_SCENARIOS)

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        runs = []
        for maxsize, requests in self.scenarios:
            model = _CountingModel()
            try:
                wrapped = value(model, maxsize)
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                runs.append({"raised": _raised(err), "at": -1})
                continue
            if not callable(wrapped):
                runs.append({"wrapped": compare.type_name(wrapped)})
                continue
            results, reached = [], []
            for index, request in enumerate(requests):
                before = model.calls
                try:
                    result = wrapped(dict(request))
                except Exception as err:  # noqa: BLE001
                    runs.append({"raised": _raised(err), "at": index})
                    break
                results.append(float(result) if isinstance(result, (int, float)) else None)
                reached.append(model.calls > before)
            else:
                runs.append({"results": results, "reached": reached})
        return {"runs": runs}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        for (maxsize, requests), got, want in zip(
            self.scenarios, observed["runs"], expected["runs"]
        ):
            call = f"`{name}(predict, maxsize={maxsize})`"
            if "raised" in got:
                where = "" if got["at"] < 0 else f" on request {got['at']} ({requests[got['at']]})"
                return f"{call} raised {got['raised']}{where}."
            if "wrapped" in got:
                return f"{call} should return a function of one request, got {got['wrapped']}."
            for index, request in enumerate(requests):
                result, right = got["results"][index], want["results"][index]
                if result is None or not math.isclose(result, right, rel_tol=1e-9):
                    return (
                        f"with {call}, request {index} ({request}) got {result!r}, which is not "
                        "the model's prediction for it: did another request share its cache key?"
                    )
                if got["reached"][index] and not want["reached"][index]:
                    return (
                        f"with {call}, request {index} ({request}) reached the model, but the same "
                        f"request was among the {maxsize} most recently used: the cache should "
                        "have answered it."
                    )
                if want["reached"][index] and not got["reached"][index]:
                    return (
                        f"with {call}, request {index} ({request}) was answered from the cache, "
                        f"but a cache of {maxsize} entries that evicts the least recently used "
                        "one no longer holds it (or never did): it should reach the model."
                    )
        return None

    def matches(self, observed, recorded):
        return _same_observation(observed, recorded)


def _same_observation(a, b) -> bool:
    """Observations equal as data: the same keys and values, arrays within float tolerance."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_observation(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_observation(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b


# --- 05.05.5: structured pruning ---------------------------------------------------------------


def _mlp(seed: int, d: int, h: int, o: int):
    """A 1-hidden-layer network whose units with the largest incoming weights are not the ones
    that matter most: a few get large inputs and almost no outgoing weight."""
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, o))
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator))
            layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator) * 0.5)
        loud = torch.randperm(h, generator=generator)[: max(1, h // 4)]
        model[0].weight[loud] *= 4.0  # loud inputs ...
        model[2].weight[:, loud] *= 0.02  # ... that the output barely hears
        spread = torch.linspace(0.5, 1.5, h)[torch.randperm(h, generator=generator)]
        model[0].weight.mul_(spread[:, None])  # no two units score alike
    return model


_PRUNE_CASES = [
    dict(seed=1, d=6, h=12, o=3, keep=5),
    dict(seed=2, d=9, h=16, o=1, keep=8),
    dict(seed=3, d=4, h=10, o=2, keep=1),
    dict(seed=4, d=5, h=8, o=4, keep=8),  # keep everything: the same function
]


@dataclass(frozen=True)
class PrunedModels(Comparator):
    """A function ``f(model, keep)`` returning a smaller network: the layer sizes of what it
    returns, its outputs on fixed inputs, and whether it left the given model as it was."""

    cases: tuple = tuple(_PRUNE_CASES)
    rtol: float = 1e-4
    atol: float = 1e-5

    def observe(self, name, value):
        import torch
        from torch import nn

        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        with torch.random.fork_rng():  # new layers draw from torch's generator: leave it as it was
            return {"runs": [self._run(value, case, nn) for case in self.cases]}

    def _run(self, value, case, nn):
        import torch

        model = _mlp(case["seed"], case["d"], case["h"], case["o"])
        X = torch.randn(32, case["d"], generator=torch.Generator().manual_seed(case["seed"]))
        with torch.no_grad():
            before = model(X).numpy().copy()
        try:
            pruned = value(model, case["keep"])
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
            return {"raised": _raised(err)}
        shapes = [tuple(layer.weight.shape) for layer in model if isinstance(layer, nn.Linear)]
        with torch.no_grad():
            changed = shapes != [(case["h"], case["d"]), (case["o"], case["h"])] or not (
                np.array_equal(model(X).numpy(), before)
            )
        if not isinstance(pruned, nn.Module):
            return {"returned": compare.type_name(pruned)}
        sizes = [
            [layer.in_features, layer.out_features]
            for layer in pruned.modules()
            if isinstance(layer, nn.Linear)
        ]
        try:
            with torch.no_grad():
                outputs = pruned(X).double().numpy()
        except Exception as err:  # noqa: BLE001 - a pruned model that cannot run: say how
            return {"sizes": sizes, "changed": changed, "run": _raised(err)}
        return {"sizes": sizes, "changed": changed, "outputs": outputs}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        for case, got, want in zip(self.cases, observed["runs"], expected["runs"]):
            d, h, o, keep = case["d"], case["h"], case["o"], case["keep"]
            call = f"`{name}(model, keep={keep})` on a {d}-{h}-{o} network"
            if "raised" in got:
                return f"{call} raised {got['raised']}."
            if "returned" in got:
                return f"{call} should return a torch module (an `nn.Sequential`), got {got['returned']}."
            if got["changed"]:
                return (
                    f"{call} changed the model it was given. Build new layers (or work on "
                    "`copy.deepcopy(model)`) and leave the caller's model as it was."
                )
            if got["sizes"] != want["sizes"]:
                return (
                    f"{call} returns linear layers of sizes (in, out) {got['sizes']}; they should "
                    f"be {want['sizes']}: the pruned units must be gone from both layers, not "
                    "only set to zero."
                )
            if "run" in got:
                return f"{call}: calling the pruned model raised {got['run']}."
            reason = compare.diff_arrays(
                "outputs", got["outputs"], want["outputs"], self.rtol, self.atol
            )
            if reason:
                return (
                    f"{call}: the pruned model's outputs differ from those of the network that "
                    f"keeps the {keep} units with the largest score ||w_in|| * ||w_out|| "
                    f"(weights and biases copied). {reason}"
                )
        return None

    def matches(self, observed, recorded):
        return _same_observation(observed, recorded)


_PRUNE_SCORE = "    score = first.weight.norm(dim=1) * last.weight.norm(dim=0)\n"


def _prune_answer(score: str = _PRUNE_SCORE, pick: str = "largest=True", bias: bool = True) -> str:
    bias_line = "        small[0].bias.copy_(first.bias[units])\n" if bias else ""
    return (
        "def prune_hidden_units(model, keep):\n"
        "    first, last = model[0], model[2]\n"
        + score
        + f"    units = torch.topk(score, keep, {pick}).indices\n"
        "    small = nn.Sequential(nn.Linear(first.in_features, keep), nn.ReLU(),\n"
        "                          nn.Linear(keep, last.out_features))\n"
        "    with torch.no_grad():\n"
        "        small[0].weight.copy_(first.weight[units])\n"
        + bias_line
        + "        small[2].weight.copy_(last.weight[:, units])\n"
        "        small[2].bias.copy_(last.bias)\n"
        "    return small\n"
    )


# --- 05.05.4: quantise, but only if the accuracy holds ------------------------------------------


def _classifier(seed: int, n: int, outlier: bool, int8_labels: bool = False, noise: float = 0.0):
    """A small classifier, inputs and its own labels (accuracy 1.0 in float32; with ``noise``, that
    share of the labels is made wrong, so the float32 accuracy is 1 - noise). With ``outlier``,
    one huge weight on an input that is always 0 changes nothing in float32 but sets the int8
    scale of its whole matrix, so every other weight is rounded coarsely. With ``int8_labels``
    the labels are the int8 model's, so quantising *gains* accuracy."""
    import torch
    from torch import nn

    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():
        model = nn.Sequential(nn.Linear(16, 64), nn.ReLU(), nn.Linear(64, 4))
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) * 0.5)
            layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator) * 0.1)
        if outlier:
            model[0].weight[0, 15] = 200.0
        X = torch.randn(n, 16, generator=generator)
        X[:, 15] = 0.0
        y = model(X).argmax(dim=1)
        if int8_labels:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                int8 = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
            y = int8(X).argmax(dim=1)
        wrong = round(noise * n)
        y[:wrong] = (y[:wrong] + 1) % 4
    return model, X, y


_QUANTISE_CASES = [
    dict(seed=1, n=300, outlier=False, max_drop=0.02),  # loses about 1 point: quantise
    dict(seed=2, n=300, outlier=True, max_drop=0.02),  # loses about 40 points: keep float32
    dict(seed=3, n=300, outlier=False, max_drop=0.01),  # loses 2 points: too many
    dict(seed=3, n=300, outlier=False, max_drop=0.05),
    dict(seed=5, n=40, outlier=False, max_drop=0.0),  # loses nothing: quantise
    dict(seed=3, n=300, outlier=False, max_drop=0.01, int8_labels=True),  # int8 does better
    # Accuracy 0.70 -> 0.683: 1.7 points lost (2.4 % of 0.70), within a max_drop of 2 points.
    dict(seed=3, n=300, outlier=False, max_drop=0.02, noise=0.3),
]


@dataclass(frozen=True)
class QuantiseChoice(Comparator):
    """A function ``f(model, X, y, max_drop)`` returning a model: whether it is quantised, its
    outputs on ``X``, and whether it left the given model as it was."""

    cases: tuple = tuple(_QUANTISE_CASES)

    def observe(self, name, value):
        import torch

        if not callable(value):
            return {"not_callable": compare.type_name(value)}
        runs = []
        for case in self.cases:
            model, X, y = _classifier(
                case["seed"],
                case["n"],
                case["outlier"],
                case.get("int8_labels", False),
                case.get("noise", 0.0),
            )
            with torch.no_grad():
                before = model(X).numpy().copy()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    chosen = value(model, X, y, case["max_drop"])
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's code failed: say how
                runs.append({"raised": _raised(err)})
                continue
            with torch.no_grad():
                changed = not np.array_equal(model(X).numpy(), before)
            if not isinstance(chosen, torch.nn.Module):
                runs.append({"returned": compare.type_name(chosen)})
                continue
            quantised = any("quantized" in type(m).__module__ for m in chosen.modules())
            try:
                with torch.no_grad():
                    outputs = chosen(X).double().numpy()
            except Exception as err:  # noqa: BLE001 - a model that cannot run: say how
                runs.append({"changed": changed, "quantised": quantised, "run": _raised(err)})
                continue
            runs.append({"changed": changed, "quantised": quantised, "outputs": outputs})
        return {"runs": runs}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function, got {observed['not_callable']}."
        for number, (case, got, want) in enumerate(
            zip(self.cases, observed["runs"], expected["runs"]), start=1
        ):
            call = f"`{name}(model, X, y, max_drop={case['max_drop']})` (model {number})"
            if "raised" in got:
                return f"{call} raised {got['raised']}."
            if "returned" in got:
                return f"{call} should return a torch model, got {got['returned']}."
            if got["changed"]:
                return (
                    f"{call} changed the model it was given; quantise a copy "
                    "(`quantize_dynamic` makes one unless you pass `inplace=True`)."
                )
            if got["quantised"] != want["quantised"]:
                if want["quantised"]:
                    return (
                        f"{call} returned the float32 model, but the int8 one loses no more "
                        "than `max_drop` of accuracy on (X, y): it should be returned."
                    )
                return (
                    f"{call} returned a quantised model that loses more than `max_drop` of "
                    "accuracy on (X, y): return the original model instead."
                )
            if "run" in got:
                return f"{call}: calling the returned model raised {got['run']}."
            reason = compare.diff_arrays("outputs", got["outputs"], want["outputs"], 1e-5, 1e-6)
            if reason:
                return (
                    f"{call}: the returned model's outputs differ from those of "
                    "`quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)` (or of the "
                    f"original). {reason}"
                )
        return None

    def matches(self, observed, recorded):
        return _same_observation(observed, recorded)


_QUANTISE = (
    "    with warnings.catch_warnings():\n"
    "        warnings.simplefilter('ignore')\n"
    "        candidate = torch.ao.quantization.quantize_dynamic("
    "model, {nn.Linear}, dtype=torch.qint8%s)\n"
)


def _quantise_answer(decide: str, inplace: bool = False) -> str:
    return (
        "def quantise_if_accurate(model, X, y, max_drop):\n"
        + _QUANTISE % (", inplace=True" if inplace else "")
        + "    with torch.inference_mode():\n"
        "        before = (model(X).argmax(dim=1) == y).float().mean().item()\n"
        "        after = (candidate(X).argmax(dim=1) == y).float().mean().item()\n"
        f"    {decide}\n"
    )


EXERCISES = [
    Exercise(
        id="05.05.1",
        title="A tail percentile, measured honestly",
        checks={
            "tail_latency": Calls(
                cases=_PERCENTILE_CASES, returns=Close(), mentions=_PERCENTILE_MENTIONS
            )
        },
        hints=[
            "Drop the first `warmup` values, sort the rest, and use the nearest-rank rule: the "
            "q-th percentile of n sorted values is the k-th smallest, k = ceil(q * n / 100) "
            "(counting from 1). Check the sample count *after* dropping the warm-up.",
            "`kept = np.sort(latencies_ms[warmup:])`, `n = len(kept)`; raise "
            "`ValueError(f'{n} samples are too few for p{q}')` when `n * (100 - q) < 100`; "
            "return `kept[math.ceil(q * n / 100) - 1]`. (`np.percentile(kept, q, "
            "method='inverted_cdf')` is the same rule.)",
        ],
        solution="""
            def tail_latency(latencies_ms, q, warmup):
                \"\"\"Nearest-rank q-th percentile (ms) of the latencies after the first `warmup`.\"\"\"
                kept = np.sort(np.asarray(latencies_ms[warmup:], dtype=float))
                n = len(kept)
                if n * (100 - q) < 100:
                    raise ValueError(f"{n} samples are too few for p{q}")
                return kept[math.ceil(q * n / 100) - 1]
        """,
        wrong_answers=[
            WrongAnswer(
                _percentile_answer("    return kept.mean()\n"),
                "Did you return the mean? A few slow requests pull the mean up and it describes "
                "no request in particular; `{name}` should return the q-th percentile.",
            ),
            WrongAnswer(
                _percentile_answer(
                    "    return kept[math.ceil(q * n / 100) - 1]\n", drop="latencies_ms"
                ),
                "Did you keep the warm-up? The first calls pay for loading and first-time "
                "set-up, which no steady request pays: drop the first `warmup` values "
                "(`latencies_ms[warmup:]`) before anything else.",
            ),
            WrongAnswer(
                _percentile_answer("    return np.percentile(kept, q)\n"),
                "Did you use `np.percentile` with its default? It interpolates between two "
                "measured values; the nearest-rank rule returns a latency that was measured "
                "(`method='inverted_cdf'`, or `kept[math.ceil(q * n / 100) - 1]`).",
            ),
            WrongAnswer(
                _percentile_answer("    return np.percentile(kept, q, method='nearest')\n"),
                "Did you use `np.percentile(..., method='nearest')`? Despite its name it is not "
                "the nearest-rank rule: it rounds the interpolation position q * (n - 1) / 100. "
                "The nearest rank is k = ceil(q * n / 100): `method='inverted_cdf'`.",
            ),
            WrongAnswer(
                _percentile_answer("    return kept[int(q * n / 100)]\n"),
                "Did you index with `int(q * n / 100)`? The rank k = ceil(q * n / 100) counts "
                "from 1, so the value is `kept[k - 1]`; `int(...)` without the -1 is one place "
                "too high whenever q * n / 100 is a whole number.",
            ),
            WrongAnswer(
                _percentile_answer(
                    "    return kept[math.ceil(q * n / 100) - 1]\n", check="    pass\n"
                ),
                "Did you skip the sample count? With fewer than 100 / (100 - q) values, p99 is "
                "just the largest value you saw: `{name}` should raise a ValueError that says "
                "there are too few samples.",
            ),
            WrongAnswer(
                "def tail_latency(latencies_ms, q, warmup):\n"
                "    if len(latencies_ms) * (100 - q) < 100:\n"
                "        raise ValueError('too few samples')\n"
                "    kept = np.sort(np.asarray(latencies_ms[warmup:], dtype=float))\n"
                "    return kept[math.ceil(q * len(kept) / 100) - 1]\n",
                "Did you count the samples before dropping the warm-up? Only the values you "
                "keep estimate the percentile: count them after `latencies_ms[warmup:]`.",
            ),
        ],
        equivalent_mutants={
            "line 3: keyword `dtype=float` dropped from `np.asarray`": "the percentile is one of "
            "the measured values either way, and `Close` compares numbers, not dtypes",
        },
    ),
    Exercise(
        id="05.05.2",
        title="The batch size that fits a latency budget",
        checks={"choose_batch_size": Function(cases=_BATCH_CASES, returns=Exact())},
        hints=[
            "Work on whole columns: `fill_ms = (table['batch_size'] - 1) / rate_per_s * 1000` "
            "is how long the first request of a batch waits for the others. A row is feasible "
            "when `fill_ms + p99_ms <= budget_ms` and the worker keeps up, "
            "`batch_size / p50_ms * 1000 >= rate_per_s`.",
            "Combine the two conditions with `&`, keep those rows, and return `None` if none "
            "is left, else `int(rows['batch_size'].max())`.",
        ],
        solution="""
            def choose_batch_size(table, rate_per_s, budget_ms):
                \"\"\"The largest batch size that keeps up with `rate_per_s` requests per second
                with every request answered within `budget_ms`; None if there is none.\"\"\"
                fill_ms = (table["batch_size"] - 1) / rate_per_s * 1000
                fits = fill_ms + table["p99_ms"] <= budget_ms
                keeps_up = table["batch_size"] / table["p50_ms"] * 1000 >= rate_per_s
                ok = table[fits & keeps_up]
                return None if ok.empty else int(ok["batch_size"].max())
        """,
        wrong_answers=[
            WrongAnswer(
                _batch_answer("0", _FITS, _KEEPS_UP),
                "Did you leave out the wait to fill the batch? The first request of a batch of "
                "b waits for b - 1 more to arrive, (b - 1) / rate seconds, before the model "
                "even starts.",
            ),
            WrongAnswer(
                _batch_answer("table['batch_size'] / rate_per_s * 1000", _FITS, _KEEPS_UP),
                "Did you wait for b requests? The first request is already there: it waits for "
                "the other b - 1, (b - 1) / rate seconds.",
            ),
            WrongAnswer(
                _batch_answer("(table['batch_size'] - 1) / rate_per_s", _FITS, _KEEPS_UP),
                "Did you mix seconds and milliseconds? (b - 1) / rate is in seconds; multiply "
                "by 1000 before adding it to `p99_ms`.",
            ),
            WrongAnswer(
                _batch_answer(_FILL, "fill_ms + table['p50_ms'] <= budget_ms", _KEEPS_UP),
                "Did you hold the median to the budget? Half the batches take longer than p50; "
                "a latency budget is a promise about the slow ones, so use `p99_ms`.",
            ),
            WrongAnswer(
                _batch_answer(_FILL, "fill_ms + table['p99_ms'] < budget_ms", _KEEPS_UP),
                "Did you use `<` for the budget? A request answered in exactly `budget_ms` meets "
                "it: `fill_ms + p99_ms <= budget_ms`.",
            ),
            WrongAnswer(
                _batch_answer(
                    _FILL, _FITS, "table['batch_size'] / table['p99_ms'] * 1000 >= rate_per_s"
                ),
                "Did you use `p99_ms` for the throughput? How many rows per second a worker "
                "scores is set by its typical call, `p50_ms`; the slow calls matter for the budget.",
            ),
            WrongAnswer(
                _batch_answer(_FILL, _FITS, "True"),
                "Did you skip the throughput condition? If the worker scores fewer rows per "
                "second than arrive, the queue grows without end and every latency with it: "
                "`batch_size / p50_ms * 1000 >= rate_per_s` must hold too.",
            ),
            WrongAnswer(
                _batch_answer(_FILL, _FITS, _KEEPS_UP, pick="min"),
                "Did you return the smallest feasible batch size? Larger batches cost less per "
                "row; among the sizes that meet the budget, `{name}` should return the largest.",
            ),
        ],
        equivalent_mutants={
            "line 8: `int(ok['batch_size'].max())` -> `ok['batch_size'].max()`": "a NumPy integer "
            "and a Python int of the same value are the same answer to `Exact`",
        },
    ),
    Exercise(
        id="05.05.3",
        title="A prediction cache that evicts the least recently used",
        checks={"cached_predict": CacheScenarios()},
        hints=[
            "Two parts. The key: a dict cannot be a dict key and its fields may come in any "
            "order, but `tuple(sorted(request.items()))` is hashable and the same for the same "
            "request. The eviction: keep track of the order in which keys were last *used*, "
            "not the order in which they were first stored.",
            "Keep an `OrderedDict` from key to prediction. The key must not depend on the "
            "order of the request's fields: `tuple(sorted(request.items()))`. On a hit, "
            "`move_to_end(key)` marks it as just used; on a miss, call `predict`, store the "
            "result and, if the dict holds more than `maxsize` entries, "
            "`popitem(last=False)` drops the least recently used one.",
            "Or let `functools.lru_cache(maxsize=maxsize)` do the bookkeeping on a function of "
            "the key: `@lru_cache(maxsize)\\ndef by_key(key): return predict(dict(key))`, and "
            "return `lambda request: by_key(tuple(sorted(request.items())))`.",
        ],
        solution="""
            def cached_predict(predict, maxsize):
                \"\"\"predict(request) with an LRU cache of `maxsize` requests (dicts).\"\"\"
                cache = OrderedDict()

                def predict_one(request):
                    key = tuple(sorted(request.items()))
                    if key in cache:
                        cache.move_to_end(key)
                        return cache[key]
                    cache[key] = predict(request)
                    if len(cache) > maxsize:
                        cache.popitem(last=False)
                    return cache[key]

                return predict_one
        """,
        wrong_answers=[
            WrongAnswer(
                "def cached_predict(predict, maxsize):\n"
                "    cache = OrderedDict()\n"
                "    def predict_one(request):\n"
                "        key = tuple(request.values())\n"
                "        if key in cache:\n"
                "            cache.move_to_end(key)\n"
                "            return cache[key]\n"
                "        cache[key] = predict(request)\n"
                "        if len(cache) > maxsize:\n"
                "            cache.popitem(last=False)\n"
                "        return cache[key]\n"
                "    return predict_one\n",
                "Did you key the cache on `tuple(request.values())`? Two different requests, "
                "{{'hr': 8, 'temp': 20}} and {{'temp': 8, 'hr': 20}}, then share a key and one "
                "gets the other's prediction. Key on the names too, in a fixed order: "
                "`tuple(sorted(request.items()))`.",
            ),
            WrongAnswer(
                "def cached_predict(predict, maxsize):\n"
                "    cache = OrderedDict()\n"
                "    def predict_one(request):\n"
                "        key = tuple(request.items())\n"
                "        if key in cache:\n"
                "            cache.move_to_end(key)\n"
                "            return cache[key]\n"
                "        cache[key] = predict(request)\n"
                "        if len(cache) > maxsize:\n"
                "            cache.popitem(last=False)\n"
                "        return cache[key]\n"
                "    return predict_one\n",
                "Did you key the cache on `tuple(request.items())` without sorting? The same "
                "request with its fields in another order then misses the cache; sort the "
                "items first.",
            ),
            WrongAnswer(
                "def cached_predict(predict, maxsize):\n"
                "    cache = OrderedDict()\n"
                "    def predict_one(request):\n"
                "        key = tuple(sorted(request.items()))\n"
                "        if key in cache:\n"
                "            return cache[key]\n"
                "        cache[key] = predict(request)\n"
                "        if len(cache) > maxsize:\n"
                "            cache.popitem(last=False)\n"
                "        return cache[key]\n"
                "    return predict_one\n",
                "Did you forget to mark a hit as recently used? Without `cache.move_to_end(key)` "
                "the cache evicts the oldest *inserted* entry (first in, first out), even when "
                "it was just used.",
            ),
            WrongAnswer(
                "def cached_predict(predict, maxsize):\n"
                "    cache = {}\n"
                "    def predict_one(request):\n"
                "        key = tuple(sorted(request.items()))\n"
                "        if key not in cache:\n"
                "            cache[key] = predict(request)\n"
                "        return cache[key]\n"
                "    return predict_one\n",
                "Did you let the cache grow without a bound? A server sees an endless stream of "
                "distinct requests: keep at most `maxsize` entries and evict the least "
                "recently used one.",
            ),
            WrongAnswer(
                "def cached_predict(predict, maxsize):\n"
                "    cache = OrderedDict()\n"
                "    def predict_one(request):\n"
                "        key = tuple(sorted(request.items()))\n"
                "        if key in cache:\n"
                "            cache.move_to_end(key)\n"
                "            return cache[key]\n"
                "        if len(cache) >= maxsize - 1:\n"
                "            cache.popitem(last=False)\n"
                "        cache[key] = predict(request)\n"
                "        return cache[key]\n"
                "    return predict_one\n",
                "Did you evict one entry too early? The cache should hold `maxsize` entries: "
                "evict only when adding a new one would make it hold more.",
            ),
        ],
    ),
    Exercise(
        id="05.05.4",
        title="Quantise only if the accuracy holds",
        checks={"quantise_if_accurate": QuantiseChoice()},
        hints=[
            "Quantise a copy with `torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, "
            "dtype=torch.qint8)` (inside `warnings.catch_warnings()` to silence its deprecation "
            "warning), then compute the accuracy of both models on (X, y): "
            "`(net(X).argmax(dim=1) == y).float().mean().item()`.",
            "Return the quantised model when `before - after <= max_drop`, else the original.",
        ],
        solution="""
            def quantise_if_accurate(model, X, y, max_drop):
                \"\"\"The int8 model if it loses at most `max_drop` accuracy on (X, y), else `model`.\"\"\"
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    candidate = torch.ao.quantization.quantize_dynamic(
                        model, {nn.Linear}, dtype=torch.qint8
                    )
                with torch.inference_mode():
                    before = (model(X).argmax(dim=1) == y).float().mean().item()
                    after = (candidate(X).argmax(dim=1) == y).float().mean().item()
                return candidate if before - after <= max_drop else model
        """,
        wrong_answers=[
            WrongAnswer(
                _quantise_answer("return candidate"),
                "Did you quantise without checking the accuracy? One large weight can set the "
                "int8 scale of a whole matrix and round every other weight away: measure the "
                "accuracy of both models and keep the original when the drop exceeds `max_drop`.",
            ),
            WrongAnswer(
                _quantise_answer("return candidate if before - after < max_drop else model"),
                "Did you use `<`? A drop equal to `max_drop` is allowed (`<=`).",
            ),
            WrongAnswer(
                _quantise_answer("return candidate if after - before <= max_drop else model"),
                "Did you subtract the wrong way round? The drop is `before - after`, the accuracy "
                "the quantised model loses.",
            ),
            WrongAnswer(
                _quantise_answer(
                    "return candidate if (before - after) / before <= max_drop else model"
                ),
                "Did you compare something other than the accuracy lost (a drop relative to the "
                "accuracy before, or the quantised model's accuracy alone)? `max_drop` is in "
                "accuracy points: compare `before - after` with it.",
            ),
            WrongAnswer(
                _quantise_answer(
                    "return candidate if before - after <= max_drop else model", inplace=True
                ),
                "Did you pass `inplace=True`? Then the caller's model is quantised too, and "
                "there is no float32 model left to fall back on. Quantise a copy.",
            ),
        ],
        equivalent_mutants={
            "line 4: `warnings.simplefilter('ignore')` removed": "it only silences the "
            "deprecation warnings; the model returned is the same",
            "line 4: `warnings.simplefilter('ignore')` -> `'ignore'`": "it only silences the "
            "deprecation warnings; the model returned is the same",
            "line 5: keyword `dtype=torch.qint8` dropped from "
            "`torch.ao.quantization.quantize_dynamic`": "`torch.qint8` is the default dtype of "
            "`quantize_dynamic`",
        },
    ),
    Exercise(
        id="05.05.5",
        title="Structured pruning: remove hidden units",
        checks={"prune_hidden_units": PrunedModels()},
        hints=[
            "Score the hidden units: `model[0].weight` has one row per unit (its incoming "
            "weights) and `model[2].weight` one column per unit (its outgoing weights), so "
            "`model[0].weight.norm(dim=1) * model[2].weight.norm(dim=0)` scores them all; "
            "`torch.topk(score, keep).indices` picks the best.",
            "Make `nn.Sequential(nn.Linear(d, keep), nn.ReLU(), nn.Linear(keep, o))` and, inside "
            "`torch.no_grad()`, copy `first.weight[units]`, `first.bias[units]`, "
            "`last.weight[:, units]` and `last.bias` into it with `.copy_(...)`.",
        ],
        solution="""
            def prune_hidden_units(model, keep):
                \"\"\"A new Linear-ReLU-Linear network with the `keep` most useful hidden units.\"\"\"
                first, last = model[0], model[2]
                score = first.weight.norm(dim=1) * last.weight.norm(dim=0)
                units = torch.topk(score, keep).indices
                small = nn.Sequential(
                    nn.Linear(first.in_features, keep), nn.ReLU(), nn.Linear(keep, last.out_features)
                )
                with torch.no_grad():
                    small[0].weight.copy_(first.weight[units])
                    small[0].bias.copy_(first.bias[units])
                    small[2].weight.copy_(last.weight[:, units])
                    small[2].bias.copy_(last.bias)
                return small
        """,
        wrong_answers=[
            WrongAnswer(
                _prune_answer(score="    score = first.weight.norm(dim=1)\n"),
                "Did you score units by their incoming weights alone? A unit with large inputs "
                "but outgoing weights near 0 changes no output; score by ||w_in|| * ||w_out||.",
            ),
            WrongAnswer(
                _prune_answer(pick="largest=False"),
                "Did you keep the units with the smallest scores? Keep the `keep` largest and "
                "remove the rest.",
            ),
            WrongAnswer(
                _prune_answer(bias=False),
                "Did you forget the first layer's bias? Each kept unit keeps its bias too: copy "
                "`first.bias[units]`, or the new layer keeps its random initial bias.",
            ),
            WrongAnswer(
                "def prune_hidden_units(model, keep):\n"
                "    small = copy.deepcopy(model)\n"
                "    score = small[0].weight.norm(dim=1) * small[2].weight.norm(dim=0)\n"
                "    drop = torch.topk(score, len(score) - keep, largest=False).indices\n"
                "    with torch.no_grad():\n"
                "        small[0].weight[drop] = 0\n"
                "        small[0].bias[drop] = 0\n"
                "    return small\n",
                "Did you set the pruned units' weights to zero? The matrices keep their size, "
                "so every multiplication still happens and nothing gets faster. Build smaller "
                "layers that leave those units out.",
            ),
            WrongAnswer(
                "def prune_hidden_units(model, keep):\n"
                "    first, last = model[0], model[2]\n"
                "    score = first.weight.norm(dim=1) * last.weight.norm(dim=0)\n"
                "    units = torch.topk(score, keep).indices\n"
                "    with torch.no_grad():\n"
                "        model[0] = nn.Linear(first.in_features, keep)\n"
                "        model[0].weight.copy_(first.weight[units])\n"
                "        model[0].bias.copy_(first.bias[units])\n"
                "        model[2] = nn.Linear(keep, last.out_features)\n"
                "        model[2].weight.copy_(last.weight[:, units])\n"
                "        model[2].bias.copy_(last.bias)\n"
                "    return model\n",
                "Did you replace the layers of the model you were given? The caller still serves "
                "that model: return a new one and leave the original as it was.",
            ),
            WrongAnswer(
                "def prune_hidden_units(model, keep):\n"
                "    amount = model[0].out_features - keep\n"
                "    prune.ln_structured(model[0], 'weight', amount=amount, n=2, dim=0)\n"
                "    return model\n",
                "Did you call `prune.ln_structured`? It zeros whole rows of the weight matrix "
                "of the model you pass in (changing the caller's model), and the matrices keep "
                "their size, so nothing gets faster. Build a new, smaller network instead.",
            ),
        ],
    ),
]
