"""MLflow "model from code" for the PyTorch candidate: raw rows in, predicted bikers out.

`train.log_torch_pipeline` logs this file as the model's code and the fitted network as an
artifact folder (`config.json` + a tensor-only state dict). Loading runs this file, which builds
the same two-step pipeline as the other kinds (`features.build_features`, then the network), so
`mlflow models serve`, `mlflow.pyfunc.spark_udf` and the capstone API all take the same raw rows.

Why a pyfunc and not `mlflow.pytorch.log_model`: the pytorch flavour's pyfunc takes a numeric
tensor, not the raw rows (strings such as `mnth="May"`) that every other consumer sends, and it
pickles the whole module, so loading it runs arbitrary code; here the weights load with
`torch.load(weights_only=True)`, as the tree models load with skops.
"""

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel

from capstone.torch_model import ARTIFACT_KEY


class TorchDemandModel(PythonModel):
    """The pyfunc face of `torch_model.TorchPoissonRegressor` behind the feature step."""

    def load_context(self, context):
        from capstone.train import load_torch_pipeline

        self.pipeline = load_torch_pipeline(context.artifacts[ARTIFACT_KEY])

    def predict(self, context, model_input: pd.DataFrame, params=None):
        """Raw rows (the signature's columns) -> predicted bikers per row."""
        return self.pipeline.predict(model_input)


mlflow.models.set_model(TorchDemandModel())
