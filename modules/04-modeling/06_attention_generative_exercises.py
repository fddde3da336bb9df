"""Exercises of 06_attention_generative.ipynb: scaled dot-product attention from scratch (masks,
large scores, the library call refused), multi-head attention by reshaping into heads, a pre-norm
transformer block judged by what it computes with the check's weights (causality included), a
smoothed bigram model counted from character ids (repeated pairs, an unseen character, a final
character with no successor), and the next-character distribution of a model (the context cut to
its window, the last position, a temperature, evaluation mode)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from mlcourse import compare
from mlcourse.comparators.base import Comparator, Unfinished, _raised
from mlcourse.exercise import Close, Exercise, Function, WrongAnswer, refusing_tensor

# --- shared: torch tensors as observations -----------------------------------------------------


class _LazyCases(Sequence):
    """Function cases built on first use, so that loading the spec does not build torch tensors
    (the notebook, the integrity tests and the grader load every spec)."""

    def __init__(self, build: Callable[[], list]):
        self._build = build

    @functools.cached_property
    def _cases(self) -> list:
        return self._build()

    def __getitem__(self, index):
        return self._cases[index]

    def __len__(self) -> int:
        return len(self._cases)


@dataclass(frozen=True)
class TensorClose(Close):
    """A torch tensor, compared as a float64 array within a tolerance (a tensor cannot cross to
    the grader; its values can)."""

    def observe(self, name, value):
        import torch

        if value is None:
            return None  # Function says "returned None. Did you forget the `return` statement?"
        if not isinstance(value, torch.Tensor):
            return {"not_tensor": compare.type_name(value)}
        plain = value.detach().as_subclass(torch.Tensor)
        return {"shape": list(plain.shape), "values": plain.to(torch.float64).numpy()}

    def diff(self, name, observed, expected):
        if "not_tensor" in observed:
            return f"`{name}` should be a torch tensor, got {observed['not_tensor']}."
        return compare.diff_arrays(
            name, observed["values"], expected["values"], self.rtol, self.atol
        )


def _guarded(refused_names: tuple[str, ...], message: str) -> type:
    """A tensor type that refuses the library functions named (``F.<name>``), so that an
    exercise asking for the computation cannot hand it to PyTorch; everything else works."""
    return refusing_tensor(tuple(f"torch.nn.functional.{name}" for name in refused_names), message)


def _generator(seed: int):
    import torch

    return torch.Generator().manual_seed(seed)


def _randn(*shape, seed: int, scale: float = 1.0, kind: type | None = None):
    import torch

    tensor = torch.randn(*shape, generator=_generator(seed), dtype=torch.float64) * scale
    return tensor.as_subclass(kind) if kind else tensor


# --- 04.06.1: scaled dot-product attention -------------------------------------------------------

_SDPA_MESSAGE = (
    "this exercise asks you to compute attention yourself; `F.scaled_dot_product_attention` and "
    "`nn.MultiheadAttention` do it for you. Build it from `@`, `.transpose(-2, -1)`, "
    "`masked_fill` and `torch.softmax`."
)


def _attention_cases() -> list[dict]:
    import torch

    kind = _guarded(("scaled_dot_product_attention", "multi_head_attention_forward"), _SDPA_MESSAGE)
    causal = torch.tril(torch.ones(6, 6, dtype=torch.bool)).as_subclass(kind)
    padding = torch.tensor([[True] * 5, [True] * 3 + [False] * 2]).reshape(2, 1, 1, 5)
    return [
        # 3 queries, 5 keys of size 4, values of size 2: no size is another's
        dict(
            Q=_randn(3, 4, seed=1, kind=kind),
            K=_randn(5, 4, seed=2, kind=kind),
            V=_randn(5, 2, seed=3, kind=kind),
            mask=None,
        ),
        # a batch of 2 sequences with a causal mask (6 x 6, broadcast over the batch)
        dict(
            Q=_randn(2, 6, 8, seed=4, kind=kind),
            K=_randn(2, 6, 8, seed=5, kind=kind),
            V=_randn(2, 6, 3, seed=6, kind=kind),
            mask=causal,
        ),
        # batch 2, 2 heads, padding: the second sequence has 3 real tokens and 2 pads
        dict(
            Q=_randn(2, 2, 5, 4, seed=7, kind=kind),
            K=_randn(2, 2, 5, 4, seed=8, kind=kind),
            V=_randn(2, 2, 5, 4, seed=9, kind=kind),
            mask=padding.as_subclass(kind),
        ),
        # padding and causal together, and scores of several thousand (exp overflows)
        dict(
            Q=_randn(2, 5, 4, seed=10, scale=30.0, kind=kind),
            K=_randn(2, 5, 4, seed=11, scale=30.0, kind=kind),
            V=_randn(2, 5, 2, seed=12, kind=kind),
            mask=(
                padding.reshape(2, 1, 5) & torch.tril(torch.ones(5, 5, dtype=torch.bool))
            ).as_subclass(kind),
        ),
    ]


# --- 04.06.2: multi-head attention --------------------------------------------------------------

_MHA_MESSAGE = (
    "this exercise asks you to split the heads yourself; `nn.MultiheadAttention` does it for you. "
    "Project with `X @ W_q` (and W_k, W_v), reshape to (B, L, num_heads, D // num_heads), move "
    "the heads in front of the positions with `.transpose(1, 2)`, attend, and undo it."
)


def _mha_cases() -> list[dict]:
    import torch

    kind = _guarded(("multi_head_attention_forward",), _MHA_MESSAGE)

    def case(B, L, D, num_heads, mask, seed):
        weights = {
            f"W_{w}": _randn(D, D, seed=seed + i, scale=D**-0.5, kind=kind)
            for i, w in enumerate("qkvo", start=1)
        }
        X = _randn(B, L, D, seed=seed, kind=kind)
        return dict(X=X, **weights, num_heads=num_heads, mask=mask)

    padding = torch.tensor([[True] * 4, [True] * 2 + [False] * 2]).reshape(2, 1, 1, 4)
    causal = torch.tril(torch.ones(6, 6, dtype=torch.bool))
    return [
        case(2, 5, 8, 2, None, seed=20),
        case(1, 6, 12, 3, causal.as_subclass(kind), seed=30),
        case(2, 4, 8, 4, padding.as_subclass(kind), seed=40),
    ]


# --- 04.06.3: a transformer block ---------------------------------------------------------------

_BLOCK_CONFIGS = ((16, 4, 32), (12, 3, 20))  # (d_model, num_heads, d_ff)
_SEQ_LEN, _CUT = 7, 3  # the check changes positions _CUT.. and watches positions before it


def _problem(code: str, message: str, detail=None) -> dict:
    """A block that fails before its outputs can be compared; ``detail`` tells two mistakes with
    the same code apart (NaN at position 0 or at the last position are different mistakes)."""
    return {"problem": code, "message": message, "detail": detail}


@dataclass(frozen=True)
class BlockClass(Comparator):
    """An ``nn.Module`` class ``cls(d_model, num_heads, d_ff)`` judged by what it computes: its
    parameters (names and shapes) must be the reference's, so that the check can give both the
    same weights; then its output on a batch must keep the input's shape, contain no NaN, never
    depend on later positions, and equal the reference's."""

    configs: tuple = _BLOCK_CONFIGS

    def observe(self, name, value):
        import torch
        from torch import nn

        if not (isinstance(value, type) and issubclass(value, nn.Module)):
            return _problem(
                "not_module",
                f"`{name}` should be a class that inherits from `nn.Module`, got "
                f"{compare.type_name(value)}.",
            )
        outputs, parameters = [], []
        for d_model, num_heads, d_ff in self.configs:
            call = f"{name}({d_model}, {num_heads}, {d_ff})"
            try:
                with torch.random.fork_rng(devices=[]):  # the notebook's own seed stays as it was
                    torch.manual_seed(0)
                    block = value(d_model, num_heads, d_ff)
            except NotImplementedError:
                raise Unfinished from None
            except Exception as err:  # noqa: BLE001 - the learner's constructor failed: say how
                return _problem("init", f"`{call}` raised {_raised(err)}")
            named = sorted(block.named_parameters())
            parameters.append([[n, list(p.shape)] for n, p in named])
            generator = _generator(6)
            block = block.float().eval()  # float32: masks made for float32 work as usual
            with torch.no_grad():
                for _, parameter in named:
                    parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.5)
                X = torch.randn(3, _SEQ_LEN, d_model, generator=generator)
                later = X.clone()
                later[:, _CUT:] = torch.randn(3, _SEQ_LEN - _CUT, d_model, generator=generator)
                try:
                    out, out_later = block(X), block(later)
                except NotImplementedError:
                    raise Unfinished from None
                except Exception as err:  # noqa: BLE001
                    return _problem(
                        "forward",
                        f"`{call}` on a batch of shape {tuple(X.shape)} raised {_raised(err)}",
                    )
            if not isinstance(out, torch.Tensor) or tuple(out.shape) != tuple(X.shape):
                got = tuple(out.shape) if isinstance(out, torch.Tensor) else compare.type_name(out)
                return _problem(
                    "shape",
                    f"`{call}` turned a batch of shape {tuple(X.shape)} into {got}; a block must "
                    "return a tensor of the shape it was given, so that blocks can be stacked.",
                )
            if torch.isnan(out).any():
                positions = torch.isnan(out).any(dim=2).any(dim=0).nonzero().flatten().tolist()
                return _problem(
                    "nan",
                    f"`{call}` returned NaN at positions {positions} (of 0 to {_SEQ_LEN - 1}): "
                    "a position whose scores are all masked attends to no position at all.",
                    positions,
                )
            if not torch.allclose(out[:, :_CUT], out_later[:, :_CUT], rtol=1e-5, atol=1e-6):
                return _problem(
                    "future",
                    f"`{call}`: changing the inputs at positions {_CUT} to {_SEQ_LEN - 1} changed "
                    f"the outputs at positions 0 to {_CUT - 1}, so each position reads the ones "
                    "after it. A next-character model must not see the future: mask it.",
                )
            outputs.append(out.numpy())
        return {"parameters": parameters, "outputs": outputs}

    def diff(self, name, observed, expected):
        if "problem" in observed:
            return observed["message"]
        for config, got, want in zip(self.configs, observed["parameters"], expected["parameters"]):
            call = f"`{name}{config}`"
            got_names, want_names = [n for n, _ in got], [n for n, _ in want]
            if got_names != want_names:
                parts = [
                    compare.listed("missing:", set(want_names) - set(got_names)),
                    compare.listed("unexpected:", set(got_names) - set(want_names)),
                ]
                return (
                    f"{call} has other parameters than the block described above; "
                    + ", ".join(p for p in parts if "[]" not in p)
                    + ". Name the parts `ln1`, `attn`, `ln2` and `mlp`, built as described."
                )
            for (parameter, shape), (_, wanted) in zip(got, want):
                if shape != wanted:
                    return (
                        f"{call}: `{parameter}` has shape {tuple(shape)}, expected "
                        f"{tuple(wanted)}. Check the sizes you pass to each layer."
                    )
        for config, got, want in zip(self.configs, observed["outputs"], expected["outputs"]):
            reason = compare.diff_arrays("output", got, want, rtol=1e-4, atol=1e-5)
            if reason:
                return (
                    f"with the check's weights, {name}{config} computes another function: "
                    f"{reason} Check the order of the steps: X + attn(ln1(X)), then "
                    "that plus mlp(ln2(of it))."
                )
        return None

    def matches(self, observed, recorded):
        if "problem" in observed or "problem" in recorded:
            return all(observed.get(k) == recorded.get(k) for k in ("problem", "detail"))
        return self.diff("value", observed, recorded) is None


# --- 04.06.4: a bigram model from counts -------------------------------------------------------

_rng = np.random.default_rng(6)
_BIGRAM_CASES = [
    # the pair (1, 0) occurs twice; every id has a successor; no smoothing
    dict(ids=np.array([0, 1, 1, 0, 2, 2, 1, 0]), vocab_size=3, alpha=0.0),
    # id 3 never occurs: its row comes from the smoothing alone
    dict(ids=np.array([0, 1, 2, 1, 0, 1, 2, 2, 0, 0]), vocab_size=4, alpha=1.0),
    # id 3 occurs only at the end, so it is never followed by anything
    dict(ids=np.array([2, 0, 1, 0, 1, 0, 3]), vocab_size=4, alpha=0.1),
    dict(ids=_rng.integers(0, 5, size=200), vocab_size=5, alpha=0.5),
]


# --- 04.06.5: the next-character distribution ---------------------------------------------------

_CROP_MESSAGE = (
    "Did you feed the model more characters than its window? Keep only the last `block_size` "
    "ids of the history."
)


@functools.cache
def _char_model_class() -> type:
    import torch
    from torch import nn

    class TinyCharModel(nn.Module):
        """Character ids (B, T) -> next-character scores (B, T, V) for T <= block_size, with a
        dropout whose mask is fixed (the same on every call), so training mode is repeatable."""

        def __init__(self, vocab_size, block_size, seed):
            super().__init__()
            self.block_size = block_size
            with torch.random.fork_rng(devices=[]):  # the notebook's own seed stays as it was
                torch.manual_seed(seed)
                self.tok = nn.Embedding(vocab_size, 16)
                self.pos = nn.Embedding(block_size, 16)
                self.head = nn.Linear(16, vocab_size)
            self.double()

        def __repr__(self):
            return (
                f"TinyCharModel(vocab_size={self.head.out_features}, block_size={self.block_size})"
            )

        def forward(self, idx):
            if idx.ndim != 2:
                raise ValueError(
                    f"the model takes a batch of id sequences of shape (B, T), got shape "
                    f"{tuple(idx.shape)}: add a batch axis with `.unsqueeze(0)`."
                )
            length = idx.shape[1]
            if length > self.block_size:
                raise ValueError(
                    f"this model reads at most {self.block_size} characters, got {length}. "
                    + _CROP_MESSAGE
                )
            # each position sees the mean of the characters up to it: the last one reads them all
            positions = torch.arange(length)
            seen = self.tok(idx).cumsum(1) / (positions + 1).reshape(length, 1)
            h = torch.tanh(seen + self.pos(positions))
            if self.training:  # dropout with a fixed mask
                keep = torch.rand(h.shape, generator=_generator(0), dtype=h.dtype) > 0.5
                h = h * keep * 2.0
            return self.head(h) * 3.0

    return TinyCharModel


def _next_char_cases() -> list[dict]:
    import torch

    model_class = _char_model_class()
    ids = torch.tensor([3, 1, 4, 1, 5, 0, 2, 6, 5, 3, 5, 2])
    return [
        dict(model=model_class(7, 8, seed=1), ids=ids[:5], temperature=1.0, block_size=8),
        dict(model=model_class(7, 8, seed=1), ids=ids, temperature=1.0, block_size=8),
        dict(model=model_class(7, 8, seed=2), ids=ids[:9], temperature=0.5, block_size=8),
        dict(model=model_class(7, 4, seed=3), ids=ids[2:], temperature=2.0, block_size=4),
    ]


_SAME_AXES = "transpose(a, b) and transpose(b, a) swap the same two axes."
_WEIGHTS_TOO = (
    "need_weights only decides whether the attention weights are returned as well; the output, "
    "`[0]`, is the same."
)

EXERCISES = [
    Exercise(
        id="04.06.1",
        title="Scaled dot-product attention, masks included",
        checks={
            "attention": Function(
                cases=_LazyCases(_attention_cases), returns=TensorClose(rtol=1e-5, atol=1e-7)
            )
        },
        hints=[
            "Three steps, all on the last two axes so that any leading batch or head axes come "
            "along: scores of every query against every key, then a softmax over the keys, then "
            "the weighted sum of the values. `K.transpose(-2, -1)` swaps a key tensor's last two "
            "axes whatever its number of axes.",
            "Before the softmax, set the scores where `mask` is False to minus infinity: "
            "`Tensor.masked_fill(where, value)` fills the places where its boolean argument is "
            "True, and `~` negates a boolean tensor. Their exponential is then 0, and the "
            "weights of the allowed keys still sum to 1. `torch.softmax` subtracts the row's "
            "largest score first, so huge scores cannot overflow.",
        ],
        solution="""
            def attention(Q, K, V, mask=None):
                \"\"\"softmax(Q Kᵀ / √d) V over the last two axes; `mask` (bool, True = may
                attend) broadcasts against the scores.\"\"\"
                scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])
                if mask is not None:
                    scores = scores.masked_fill(~mask, float("-inf"))
                return torch.softmax(scores, dim=-1) @ V
        """,
        wrong_answers=[
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1)\n"
                "    if mask is not None:\n"
                "        scores = scores.masked_fill(~mask, float('-inf'))\n"
                "    return torch.softmax(scores, dim=-1) @ V\n",
                "Did you leave out the scaling? Divide the scores by √d, the square root of the "
                "size of a query; unscaled scores grow with d and the softmax saturates.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1) / Q.shape[-1]\n"
                "    if mask is not None:\n"
                "        scores = scores.masked_fill(~mask, float('-inf'))\n"
                "    return torch.softmax(scores, dim=-1) @ V\n",
                "Did you divide by d instead of √d? Dot products of d unit-variance terms have a "
                "standard deviation of √d; dividing by √d brings them back to 1.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])\n"
                "    if mask is not None:\n"
                "        scores = scores.masked_fill(~mask, float('-inf'))\n"
                "    return torch.softmax(scores, dim=-2) @ V\n",
                "Did you take the softmax over the queries (`dim=-2`)? Each query's weights over "
                "the keys must sum to 1: the softmax runs along the last axis, `dim=-1`.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    weights = torch.softmax(Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1]), "
                "dim=-1)\n"
                "    if mask is not None:\n"
                "        weights = weights * mask\n"
                "    return weights @ V\n",
                "Did you mask after the softmax? Zeroing weights afterwards leaves the allowed "
                "ones summing to less than 1. Mask the scores (minus infinity) before the "
                "softmax, which then shares all the weight among the allowed keys.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])\n"
                "    if mask is not None:\n"
                "        scores = scores.masked_fill(mask, float('-inf'))\n"
                "    return torch.softmax(scores, dim=-1) @ V\n",
                "Did you read the mask the other way round? Here (as in "
                "`F.scaled_dot_product_attention`) True means 'may attend': blank out the "
                "scores where the mask is False, `masked_fill(~mask, ...)`.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])\n"
                "    if mask is not None:\n"
                "        scores = scores.masked_fill(~mask, float('-inf'))\n"
                "    weights = torch.exp(scores)\n"
                "    return weights / weights.sum(dim=-1, keepdim=True) @ V\n",
                "Did you write the softmax as exp(scores) / sum? With scores in the thousands "
                "`exp` overflows to inf and inf / inf is NaN. Subtract each row's largest score "
                "first, or use `torch.softmax`, which does.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])\n"
                "    if mask is not None:\n"
                "        scores = scores.masked_fill(~mask, 0.0)\n"
                "    return torch.softmax(scores, dim=-1) @ V\n",
                "Did you set the blocked scores to 0? A score of 0 still gets the weight e⁰ = 1 "
                "before normalising; only minus infinity gives a weight of exactly 0.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    scores = Q @ K.transpose(-2, -1) / math.sqrt(Q.shape[-1])\n"
                "    return torch.softmax(scores, dim=-1) @ V\n",
                "Did you ignore `mask`? The cases without a mask pass, the masked ones do not: "
                "blank out the scores where the mask is False before the softmax.",
            ),
            WrongAnswer(
                "def attention(Q, K, V, mask=None):\n"
                "    return F.scaled_dot_product_attention(Q, K, V, attn_mask=mask)\n",
                _SDPA_MESSAGE,
            ),
        ],
        equivalent_mutants={
            "line 4: arguments 1 and 2 of `K.transpose` swapped": _SAME_AXES,
        },
    ),
    Exercise(
        id="04.06.2",
        title="Multi-head attention: split, attend, merge",
        checks={
            "multi_head_attention": Function(
                cases=_LazyCases(_mha_cases), returns=TensorClose(rtol=1e-5, atol=1e-7)
            )
        },
        hints=[
            "Follow the shapes: `X @ W_q` is (B, L, D); `.reshape(B, L, num_heads, D // "
            "num_heads)` cuts each position's vector into the heads' pieces; `.transpose(1, 2)` "
            "makes it (B, num_heads, L, d_head), so that attention runs per head over the "
            "positions. Do the same for K and V.",
            "`F.scaled_dot_product_attention` (or your `attention`) treats the head axis as a "
            "batch axis. Its result (B, num_heads, L, d_head) goes back with `.transpose(1, 2)` "
            "then `.reshape(B, L, D)`, and only then through `W_o`.",
        ],
        solution="""
            def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
                \"\"\"Self-attention of X (B, L, D) with num_heads heads of size D // num_heads.\"\"\"
                B, L, D = X.shape

                def heads(W):
                    return (X @ W).reshape(B, L, num_heads, D // num_heads).transpose(1, 2)

                out = F.scaled_dot_product_attention(heads(W_q), heads(W_k), heads(W_v),
                                                     attn_mask=mask)
                return out.transpose(1, 2).reshape(B, L, D) @ W_o
        """,
        wrong_answers=[
            WrongAnswer(
                "def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):\n"
                "    B, L, D = X.shape\n"
                "    def heads(W):\n"
                "        return (X @ W).reshape(B, num_heads, L, D // num_heads)\n"
                "    out = F.scaled_dot_product_attention(heads(W_q), heads(W_k), heads(W_v),\n"
                "                                         attn_mask=mask)\n"
                "    return out.reshape(B, L, D) @ W_o\n",
                "Did you reshape (B, L, D) straight to (B, num_heads, L, d_head)? The shape is "
                "right but the numbers are not: that mixes pieces of different positions into "
                "each 'position'. Reshape to (B, L, num_heads, d_head), then `.transpose(1, 2)`.",
            ),
            WrongAnswer(
                "def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):\n"
                "    B, L, D = X.shape\n"
                "    def heads(W):\n"
                "        return (X @ W).reshape(B, L, num_heads, D // num_heads).transpose(1, 2)\n"
                "    out = F.scaled_dot_product_attention(heads(W_q), heads(W_k), heads(W_v),\n"
                "                                         attn_mask=mask)\n"
                "    return out.reshape(B, L, D) @ W_o\n",
                "Did you merge the heads with `.reshape(B, L, D)` alone? The result is "
                "(B, num_heads, L, d_head): `.transpose(1, 2)` first, so that each position's "
                "heads sit side by side, then reshape.",
            ),
            WrongAnswer(
                "def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):\n"
                "    B, L, D = X.shape\n"
                "    def heads(W):\n"
                "        return (X @ W).reshape(B, L, num_heads, D // num_heads).transpose(1, 2)\n"
                "    out = F.scaled_dot_product_attention(heads(W_q), heads(W_k), heads(W_v),\n"
                "                                         attn_mask=mask)\n"
                "    return out.transpose(1, 2).reshape(B, L, D)\n",
                "Did you forget the output projection? The merged heads still go through `W_o`, "
                "which mixes what the heads found.",
            ),
            WrongAnswer(
                """
                def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):
                    B, L, D = X.shape
                    def heads(W):
                        return (X @ W).reshape(B, L, num_heads, D // num_heads).transpose(1, 2)
                    Q, K, V = heads(W_q), heads(W_k), heads(W_v)
                    scores = Q @ K.transpose(-2, -1) / math.sqrt(D)
                    if mask is not None:
                        scores = scores.masked_fill(~mask, float("-inf"))
                    out = torch.softmax(scores, dim=-1) @ V
                    return out.transpose(1, 2).reshape(B, L, D) @ W_o
                """,
                "Did you scale by √D, the width of the model? A head's scores are dot products of "
                "d_head = D // num_heads terms: divide by √d_head.",
            ),
            WrongAnswer(
                "def multi_head_attention(X, W_q, W_k, W_v, W_o, num_heads, mask=None):\n"
                "    B, L, D = X.shape\n"
                "    def heads(W):\n"
                "        return (X @ W.T).reshape(B, L, num_heads, D // num_heads).transpose(1, 2)\n"
                "    out = F.scaled_dot_product_attention(heads(W_q), heads(W_k), heads(W_v),\n"
                "                                         attn_mask=mask)\n"
                "    return out.transpose(1, 2).reshape(B, L, D) @ W_o.T\n",
                "Did you multiply by the transposed weights, as `nn.Linear` does? Here the "
                "projections are `X @ W_q`, `X @ W_k`, `X @ W_v` and, at the end, `@ W_o`.",
            ),
        ],
        equivalent_mutants={
            "line 6: arguments 1 and 2 of `(X @ W).reshape(B, L, n…// num_heads).transpose` "
            "swapped": _SAME_AXES,
            "line 10: arguments 1 and 2 of `out.transpose` swapped": _SAME_AXES,
        },
    ),
    Exercise(
        id="04.06.3",
        title="A transformer block: attention, MLP, residuals, layer norm",
        checks={"TransformerBlock": BlockClass()},
        hints=[
            "In `__init__`: `nn.LayerNorm(d_model)` twice, `nn.MultiheadAttention(d_model, "
            "num_heads, batch_first=True)`, and `nn.Sequential` of a Linear from d_model to d_ff, "
            "`nn.GELU()` and a Linear back. The check reads the parameters by these names.",
            "`nn.MultiheadAttention` returns a pair (output, weights): keep `[0]`. Its boolean "
            "`attn_mask` marks with True the pairs that may NOT attend: for position i that is "
            "every j > i, the part of an (L, L) matrix strictly above the diagonal "
            "(`torch.triu(..., diagonal=1)`).",
        ],
        solution="""
            class TransformerBlock(nn.Module):
                \"\"\"Pre-norm block: X + attention(ln1(X)) with a causal mask, then + mlp(ln2(.)).\"\"\"

                def __init__(self, d_model, num_heads, d_ff):
                    super().__init__()
                    self.ln1 = nn.LayerNorm(d_model)
                    self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
                    self.ln2 = nn.LayerNorm(d_model)
                    self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(),
                                             nn.Linear(d_ff, d_model))

                def forward(self, X):
                    L = X.shape[1]
                    blocked = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
                    H = self.ln1(X)
                    X = X + self.attn(H, H, H, attn_mask=blocked, need_weights=False)[0]
                    return X + self.mlp(self.ln2(X))
        """,
        wrong_answers=[
            WrongAnswer(
                """
                class TransformerBlock(nn.Module):
                    def __init__(self, d_model, num_heads, d_ff):
                        super().__init__()
                        self.ln1 = nn.LayerNorm(d_model)
                        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
                        self.ln2 = nn.LayerNorm(d_model)
                        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(),
                                                 nn.Linear(d_ff, d_model))

                    def forward(self, X):
                        H = self.ln1(X)
                        X = X + self.attn(H, H, H)[0]
                        return X + self.mlp(self.ln2(X))
                """,
                "Did you leave out the causal mask, or pass one that blocks nothing? Without it "
                "every position attends to the whole sequence, the characters it is meant to "
                "predict included. (A float mask is added to the scores: 1s above the diagonal "
                "only nudge them; a boolean mask, True above the diagonal, blocks them.)",
            ),
            WrongAnswer(
                """
                class TransformerBlock(nn.Module):
                    def __init__(self, d_model, num_heads, d_ff):
                        super().__init__()
                        self.ln1 = nn.LayerNorm(d_model)
                        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
                        self.ln2 = nn.LayerNorm(d_model)
                        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(),
                                                 nn.Linear(d_ff, d_model))

                    def forward(self, X):
                        L = X.shape[1]
                        allowed = torch.tril(torch.ones(L, L, dtype=torch.bool))
                        H = self.ln1(X)
                        X = X + self.attn(H, H, H, attn_mask=allowed)[0]
                        return X + self.mlp(self.ln2(X))
                """,
                "Did you pass True for the pairs that may attend? `nn.MultiheadAttention` reads "
                "a boolean mask the other way round from `F.scaled_dot_product_attention`: True "
                "means blocked. Block the positions above the diagonal.",
            ),
            WrongAnswer(
                """
                class TransformerBlock(nn.Module):
                    def __init__(self, d_model, num_heads, d_ff):
                        super().__init__()
                        self.ln1 = nn.LayerNorm(d_model)
                        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
                        self.ln2 = nn.LayerNorm(d_model)
                        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(),
                                                 nn.Linear(d_ff, d_model))

                    def forward(self, X):
                        L = X.shape[1]
                        blocked = torch.triu(torch.ones(L, L, dtype=torch.bool))
                        H = self.ln1(X)
                        X = X + self.attn(H, H, H, attn_mask=blocked)[0]
                        return X + self.mlp(self.ln2(X))
                """,
                "Did you block the diagonal too? `torch.triu` keeps the diagonal unless told "
                "`diagonal=1`, so position 0 may attend to nothing. Position i may read itself: "
                "block only the pairs j > i.",
            ),
            WrongAnswer(
                """
                class TransformerBlock(nn.Module):
                    def __init__(self, d_model, num_heads, d_ff):
                        super().__init__()
                        self.ln1 = nn.LayerNorm(d_model)
                        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
                        self.ln2 = nn.LayerNorm(d_model)
                        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(),
                                                 nn.Linear(d_ff, d_model))

                    def forward(self, X):
                        L = X.shape[1]
                        blocked = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
                        X = self.ln1(X + self.attn(X, X, X, attn_mask=blocked)[0])
                        return self.ln2(X + self.mlp(X))
                """,
                "Did you normalise after adding, as the 2017 paper did (post-norm)? This block "
                "normalises the input of each sublayer and adds its output to the unnormalised "
                "stream: X + attn(ln1(X)), then + mlp(ln2(...)).",
            ),
            WrongAnswer(
                """
                class TransformerBlock(nn.Module):
                    def __init__(self, d_model, num_heads, d_ff):
                        super().__init__()
                        self.ln1 = nn.LayerNorm(d_model)
                        self.attn = nn.MultiheadAttention(d_model, num_heads, batch_first=True)
                        self.ln2 = nn.LayerNorm(d_model)
                        self.mlp = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(),
                                                 nn.Linear(d_ff, d_model))

                    def forward(self, X):
                        L = X.shape[1]
                        blocked = torch.triu(torch.ones(L, L, dtype=torch.bool), diagonal=1)
                        H = self.ln1(X)
                        X = self.attn(H, H, H, attn_mask=blocked)[0]
                        return self.mlp(self.ln2(X))
                """,
                "Did you drop the residual connections? Each sublayer's output is added to its "
                "input (`X = X + ...`), so that a block only has to learn a correction.",
            ),
        ],
        equivalent_mutants={
            "line 16: keyword `need_weights=False` dropped from `self.attn`": _WEIGHTS_TOO,
            "line 16: `False` -> `True`": _WEIGHTS_TOO,
        },
    ),
    Exercise(
        id="04.06.4",
        title="A bigram model from counts, with add-alpha smoothing",
        checks={"bigram_probs": Function(cases=_BIGRAM_CASES)},
        hints=[
            "Every pair of neighbours `(ids[t], ids[t + 1])` is one observation: the arrays "
            "`ids[:-1]` and `ids[1:]` line up each character with the one after it. A "
            "character's row counts what followed it, so the last character adds nothing.",
            "`counts[a, b] += 1` with index arrays adds 1 only once per distinct pair, however "
            "often it repeats; `np.add.at(counts, (rows, cols), 1)` adds once per occurrence. "
            "Then add `alpha` to every entry and divide each row by its sum "
            "(`keepdims=True` keeps the shapes aligned).",
        ],
        solution="""
            def bigram_probs(ids, vocab_size, alpha):
                \"\"\"P[a, b] = p(next id is b | this id is a), add-alpha smoothed; rows sum to 1.\"\"\"
                counts = np.zeros((vocab_size, vocab_size))
                np.add.at(counts, (ids[:-1], ids[1:]), 1)
                counts += alpha
                return counts / counts.sum(axis=1, keepdims=True)
        """,
        wrong_answers=[
            WrongAnswer(
                "def bigram_probs(ids, vocab_size, alpha):\n"
                "    counts = np.zeros((vocab_size, vocab_size))\n"
                "    counts[ids[:-1], ids[1:]] += 1\n"
                "    counts += alpha\n"
                "    return counts / counts.sum(axis=1, keepdims=True)\n",
                "Did you count with `counts[ids[:-1], ids[1:]] += 1`? With index arrays NumPy "
                "adds 1 once per distinct pair, so a pair seen twice counts once. Use "
                "`np.add.at(counts, (ids[:-1], ids[1:]), 1)` (or a loop).",
            ),
            WrongAnswer(
                "def bigram_probs(ids, vocab_size, alpha):\n"
                "    counts = np.zeros((vocab_size, vocab_size))\n"
                "    np.add.at(counts, (ids[:-1], ids[1:]), 1)\n"
                "    counts += alpha\n"
                "    return counts / counts.sum(axis=0, keepdims=True)\n",
                "Did you normalise the columns (`axis=0`)? Row a is the distribution of the "
                "character after a, so each row must sum to 1 (`axis=1`).",
            ),
            WrongAnswer(
                "def bigram_probs(ids, vocab_size, alpha):\n"
                "    counts = np.zeros((vocab_size, vocab_size))\n"
                "    np.add.at(counts, (ids[:-1], ids[1:]), 1)\n"
                "    totals = np.bincount(ids, minlength=vocab_size)[:, None]\n"
                "    return (counts + alpha) / (totals + alpha * vocab_size)\n",
                "Did you divide by how often each character occurs? The last character of the "
                "text has no successor, so its row's total is one less; divide by the row sums "
                "of the counts, and every row sums to 1.",
            ),
            WrongAnswer(
                "def bigram_probs(ids, vocab_size, alpha):\n"
                "    counts = np.zeros((vocab_size, vocab_size))\n"
                "    np.add.at(counts, (ids[:-1], ids[1:]), 1)\n"
                "    return (counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha)\n",
                "Did you add alpha only once to the denominator? Each of the `vocab_size` "
                "entries of a row got alpha, so its total grows by alpha times vocab_size.",
            ),
        ],
    ),
    Exercise(
        id="04.06.5",
        title="The next-character distribution: window, last position, temperature",
        checks={
            "next_char_probs": Function(
                cases=_LazyCases(_next_char_cases), returns=TensorClose(rtol=1e-6, atol=1e-9)
            )
        },
        hints=[
            "The model takes a batch (B, T) with T at most `block_size`, and returns scores "
            "(B, T, V): one row of scores per position, each predicting the character after that "
            "position. Only the newest `block_size` ids fit, and only the last position's row "
            "predicts what comes next.",
            "Put the model in evaluation mode and work without gradients. A slice with a "
            "negative start, `[-n:]`, keeps the last n items (all of them when there are fewer); "
            "`.unsqueeze(0)` adds a batch axis of size 1. Divide the chosen row of scores by "
            "`temperature` before the softmax.",
        ],
        solution="""
            def next_char_probs(model, ids, temperature, block_size):
                \"\"\"p(next character | the last block_size ids), sharpened or flattened by the
                temperature: a 1-D tensor that sums to 1.\"\"\"
                model.eval()
                with torch.no_grad():
                    logits = model(ids[-block_size:].unsqueeze(0))[0, -1]
                return torch.softmax(logits / temperature, dim=-1)
        """,
        wrong_answers=[
            WrongAnswer(
                "def next_char_probs(model, ids, temperature, block_size):\n"
                "    model.eval()\n"
                "    with torch.no_grad():\n"
                "        logits = model(ids.unsqueeze(0))[0, -1]\n"
                "    return torch.softmax(logits / temperature, dim=-1)\n",
                _CROP_MESSAGE,
            ),
            WrongAnswer(
                "def next_char_probs(model, ids, temperature, block_size):\n"
                "    model.eval()\n"
                "    with torch.no_grad():\n"
                "        logits = model(ids[-block_size:].unsqueeze(0))[0, 0]\n"
                "    return torch.softmax(logits / temperature, dim=-1)\n",
                "Did you take the scores of the first position? Row t predicts the character "
                "after position t, so the next character comes from the last row, `[0, -1]`.",
            ),
            WrongAnswer(
                "def next_char_probs(model, ids, temperature, block_size):\n"
                "    model.eval()\n"
                "    with torch.no_grad():\n"
                "        logits = model(ids[-block_size:].unsqueeze(0))[0, -1]\n"
                "    return torch.softmax(logits * temperature, dim=-1)\n",
                "Did you multiply by the temperature? Divide the scores by it: a temperature "
                "below 1 then sharpens the distribution and one above 1 flattens it.",
            ),
            WrongAnswer(
                "def next_char_probs(model, ids, temperature, block_size):\n"
                "    with torch.no_grad():\n"
                "        logits = model(ids[-block_size:].unsqueeze(0))[0, -1]\n"
                "    return torch.softmax(logits / temperature, dim=-1)\n",
                "Did you forget `model.eval()`? A model in training mode applies dropout, which "
                "changes its predictions at random; switch it to evaluation mode first.",
            ),
        ],
        equivalent_mutants={
            "line 7: `1` -> `0`": "`dim=-0` is `dim=0`, and the scores of one position are "
            "1-D: axis 0 is their last axis.",
        },
    ),
]
