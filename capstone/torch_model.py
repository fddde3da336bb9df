"""The PyTorch candidate: a small MLP with a Poisson loss on the same features as the tree model.

`TorchPoissonRegressor` is a scikit-learn estimator, so it sits after `features.build_features`
in the same kind of pipeline as the other models (`train.make_pipeline("mlp")`): raw rows in,
predicted bikers out. The network outputs the log of the expected count (a log link, like the
tree model's Poisson loss) and standardises its inputs itself (the mean and scale are buffers of
the module, saved with its weights), so serving needs nothing but the pipeline.

A log link extrapolates exponentially: fitted on January alone, an uncapped network predicted
billions of bikers for a warm February hour. The output is therefore capped at `CAP_FACTOR`
times the largest count seen in training (a buffer too), a bound that still leaves room for a
busier season.

Training is seeded and runs on one CPU thread, so the same data and seed give the same weights.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

WEIGHTS_FILE = "weights.pt"
# The name of the network's artifact folder in the logged pyfunc model (`capstone.torch_pyfunc`).
ARTIFACT_KEY = "mlp"
CAP_FACTOR = 2.0
CONFIG_FILE = "config.json"
# A few seconds on 2 CPU cores for the January-April training rows (measured in the README).
MLP_PARAMS = {
    "hidden": (128, 64),
    "epochs": 20,
    "batch_size": 128,
    "learning_rate": 3e-3,
    "weight_decay": 1e-4,
}


def _network(n_features: int, hidden: tuple[int, ...]):
    """The module: standardise (buffers), then Linear + ReLU layers, then one log-rate output."""
    import torch
    from torch import nn

    class PoissonMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mean", torch.zeros(n_features))
            self.register_buffer("scale", torch.ones(n_features))
            self.register_buffer("log_cap", torch.tensor(float("inf")))
            layers, width = [], n_features
            for size in hidden:
                layers += [nn.Linear(width, size), nn.ReLU()]
                width = size
            layers.append(nn.Linear(width, 1))
            self.layers = nn.Sequential(*layers)

        def forward(self, x):
            """Features (n, n_features) -> log of the expected count (n,), at most `log_cap`."""
            log_rate = self.layers((x - self.mean) / self.scale).squeeze(-1)
            return torch.clamp(log_rate, max=self.log_cap)

    return PoissonMLP()


@contextmanager
def one_thread():
    """Run torch on one intra-op thread (deterministic and fair to a shared 2-core machine)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _as_matrix(X, n_features: int | None = None) -> np.ndarray:
    matrix = np.asarray(X, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(
            f"X: expected a 2-D feature matrix (rows x features) such as "
            f"features.build_features(rows), got shape {matrix.shape}"
        )
    if n_features is not None and matrix.shape[1] != n_features:
        raise ValueError(
            f"X: expected {n_features} feature columns (the ones the model was fitted on), "
            f"got {matrix.shape[1]}; build them with features.build_features"
        )
    if not np.all(np.isfinite(matrix)):
        raise ValueError("X: expected finite features, got NaN or infinite values; fix the rows")
    return matrix


def poisson_epoch(module, loss_fn, optimizer, X, y, batch_size: int, generator) -> float:
    """One pass over (X, y) in shuffled mini-batches; returns the mean Poisson loss over the rows.

    `module` maps a float tensor (rows x features) to log-rates (rows,); `loss_fn` is a mean loss
    such as `torch.nn.PoissonNLLLoss(log_input=True)`; `optimizer` updates `module`'s parameters;
    `X` and `y` are tensors with the same number of rows; `generator` is a seeded `torch.Generator`.
    Draw one random order of the rows with `generator` (the same seed gives the same batches), then
    for each consecutive slice of `batch_size` rows of that order: zero the gradients, compute the
    loss of the slice, back-propagate, take an optimizer step. The last slice may be shorter. Return
    the batch losses averaged with each batch weighted by its number of rows (a Python float), the
    number `fit` records in `loss_curve_`.
    """
    import torch

    order = torch.randperm(len(X), generator=generator)
    total = 0.0
    for start in range(0, len(X), batch_size):
        index = order[start : start + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(module(X[index]), y[index])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(index)
    return total / len(X)


class TorchPoissonRegressor(RegressorMixin, BaseEstimator):
    """MLP regressor for counts: Poisson loss on a log-linked output, inputs standardised inside.

    `progress`: show a tqdm bar per epoch; None shows it only on a terminal (never in tests).
    """

    def __init__(
        self,
        hidden=MLP_PARAMS["hidden"],
        epochs=MLP_PARAMS["epochs"],
        batch_size=MLP_PARAMS["batch_size"],
        learning_rate=MLP_PARAMS["learning_rate"],
        weight_decay=MLP_PARAMS["weight_decay"],
        random_state=42,
        progress=None,
    ):
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.progress = progress

    def fit(self, X, y):
        """Train the network on features `X` (rows x features) and counts `y`; returns `self`.

        Inputs: `X` through `_as_matrix` (2-D and finite, else its `ValueError`); `y` must be one
        finite non-negative count per row of `X`, else `ValueError` "y: expected <n> finite
        non-negative counts (one per row of X), got shape <shape>" (plus the minimum when `y` is not
        empty). Then, on one torch thread (`one_thread()`) and seeded by `random_state` (the global
        torch seed, which sets the initial weights, and a `torch.Generator` for the shuffles):

        - build the module with `_network(number of features, tuple(hidden))` and fill its buffers:
          `mean` with the column means of `X`, `scale` with the column standard deviations, except 1
          where a column is (nearly) constant (std <= 1e-6: January-only rows have one month), and
          `log_cap` with log(`CAP_FACTOR` x max(largest count, 1));
        - set the output layer's bias to log(mean count) (the mean floored at 1e-3), so training
          starts from the mean demand instead of from 1;
        - minimise `torch.nn.PoissonNLLLoss(log_input=True)` with `torch.optim.Adam`
          (`learning_rate`, `weight_decay`): `epochs` calls of `poisson_epoch` (tensors made from
          the float32 arrays), under a `tqdm.auto` bar (desc "mlp", unit "epoch", not left behind)
          shown when `progress` is True, hidden when False, and left to tqdm (a terminal only) when
          None, its postfix showing each epoch's loss;
        - record each epoch's loss in the list `loss_curve_`, switch the module to eval mode, and
          set `module_` and `n_features_in_`.
        """
        import torch
        from tqdm.auto import tqdm

        X = _as_matrix(X)
        y = np.asarray(y, dtype=np.float32)
        if y.shape != (len(X),) or np.any(~np.isfinite(y)) or np.any(y < 0):
            raise ValueError(
                f"y: expected {len(X)} finite non-negative counts (one per row of X), got shape "
                f"{y.shape}" + (f", min {np.nanmin(y)}" if y.size else "")
            )
        with one_thread():
            torch.manual_seed(self.random_state)
            generator = torch.Generator().manual_seed(self.random_state)
            module = _network(X.shape[1], tuple(self.hidden))
            module.mean.copy_(torch.from_numpy(X.mean(axis=0)))
            # A feature constant in training (month when training on January alone) gets scale
            # 1, not a tiny one that would blow a new value up to millions of standard units.
            std = X.std(axis=0)
            module.scale.copy_(torch.from_numpy(np.where(std > 1e-6, std, 1.0).astype(np.float32)))
            module.log_cap.fill_(float(np.log(CAP_FACTOR * max(y.max(), 1.0))))
            with torch.no_grad():  # start at the mean count: log(mean y) as the output bias
                module.layers[-1].bias.fill_(float(np.log(max(y.mean(), 1e-3))))
            loss_fn = torch.nn.PoissonNLLLoss(log_input=True)
            optimizer = torch.optim.Adam(
                module.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
            )
            features, targets = torch.from_numpy(X), torch.from_numpy(y)
            disable = None if self.progress is None else not self.progress
            bar = tqdm(range(self.epochs), desc="mlp", unit="epoch", disable=disable, leave=False)
            self.loss_curve_ = []
            for _ in bar:
                loss = poisson_epoch(
                    module, loss_fn, optimizer, features, targets, self.batch_size, generator
                )
                self.loss_curve_.append(loss)
                bar.set_postfix(poisson_loss=f"{loss:.3f}")
        module.eval()
        self.module_ = module
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """Expected counts for the rows of `X`: a 1-D float64 NumPy array, every value > 0.

        Check `X` with `_as_matrix(X, self.n_features_in_)` (a wrong number of columns or a NaN is
        its `ValueError`, which names the fix), run the fitted `module_` on it without tracking
        gradients (inference mode), and undo the log link: the network outputs the log of the
        expected count, already capped at `log_cap`.
        """
        import torch

        X = _as_matrix(X, self.n_features_in_)
        with torch.inference_mode():
            return torch.exp(self.module_(torch.from_numpy(X))).double().numpy()

    def config(self) -> dict:
        """The constructor arguments and input width that rebuild the module (JSON-safe)."""
        return {
            "hidden": list(self.hidden),
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "weight_decay": self.weight_decay,
            "random_state": self.random_state,
            "n_features_in": self.n_features_in_,
        }

    def save(self, folder) -> None:
        """Write `config.json` and the module's state dict (tensors only, no pickled code)."""
        import torch

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_FILE).write_text(json.dumps(self.config(), indent=2))
        torch.save(self.module_.state_dict(), folder / WEIGHTS_FILE)

    @classmethod
    def load(cls, folder) -> TorchPoissonRegressor:
        """Rebuild a fitted regressor from `save`'s folder; loads tensors with weights_only."""
        import torch

        folder = Path(folder)
        config = json.loads((folder / CONFIG_FILE).read_text())
        n_features = config.pop("n_features_in")
        model = cls(**{**config, "hidden": tuple(config["hidden"])})
        module = _network(n_features, model.hidden)
        module.load_state_dict(torch.load(folder / WEIGHTS_FILE, weights_only=True))
        module.eval()
        model.module_, model.n_features_in_ = module, n_features
        return model
