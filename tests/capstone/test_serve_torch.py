"""The API does not care which kind the champion is: a torch champion, and swaps between kinds."""

import httpx
import numpy as np
import pytest

from capstone import registry, serve
from capstone.data import FEATURE_COLUMNS


@pytest.fixture(scope="module")
def torch_settings(trained_torch):
    """Its own registered model name in the shared store: the session's champion is untouched."""
    settings = trained_torch["settings"].with_overrides(model_name="bikeshare-torch-test")
    versions = {
        kind: registry.register(trained_torch["models"][kind].model_uri, settings)
        for kind in ("mlp", "hgb")
    }
    registry.promote(versions["mlp"], settings)
    return settings, versions


@pytest.fixture(scope="module")
def torch_client(torch_settings):
    settings, _ = torch_settings
    return serve.in_process_client(
        serve.create_app(settings.with_overrides(max_batch_size=100), poll=False)
    )


@pytest.fixture(scope="module")
def rows(splits):
    return splits["holdout"][list(FEATURE_COLUMNS)].head(20).to_dict("records")


def test_torch_champion_serves_single_rows(torch_client, torch_settings, rows, trained_torch):
    _, versions = torch_settings
    body = torch_client.post("/predict", json=rows[0]).json()
    assert body["model_version"] == versions["mlp"]
    expected = trained_torch["models"]["mlp"].pipeline.predict([rows[0]])[0]
    assert body["prediction"] == pytest.approx(expected, rel=1e-6)
    assert body["prediction"] != pytest.approx(
        trained_torch["models"]["hgb"].pipeline.predict([rows[0]])[0], rel=1e-3
    )  # really the torch model, not the tree model


def test_torch_champion_serves_both_batch_forms(torch_client, rows, trained_torch):
    expected = trained_torch["models"]["mlp"].pipeline.predict(rows)
    by_rows = torch_client.post("/predict/batch", json={"rows": rows})
    columns = {name: [row[name] for row in rows] for name in FEATURE_COLUMNS}
    by_columns = torch_client.post("/predict/batch", json={"columns": columns})
    assert by_rows.status_code == by_columns.status_code == 200
    np.testing.assert_allclose(by_rows.json()["predictions"], expected, rtol=1e-6)
    np.testing.assert_allclose(by_columns.json()["predictions"], expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("path", "change", "message"),
    [
        ("/predict", {"hum": 1.7}, "hum: Input should be less than or equal to 1"),
        ("/predict", {"mnth": "Januar"}, "mnth: Input should be 'Jan'"),
        ("/predict/batch", {"hr": 24}, "rows.0.hr: Input should be less than or equal to 23"),
    ],
)
def test_torch_champion_has_the_same_validation(torch_client, rows, path, change, message):
    row = {**rows[0], **change}
    response = torch_client.post(path, json=row if path == "/predict" else {"rows": [row]})
    assert response.status_code == 422
    assert message in response.json()["message"]
    assert (
        torch_client.post(path, content="{}", headers={"content-type": "text/plain"}).status_code
        == 415
    )


@pytest.mark.slow
def test_hot_swap_between_kinds_without_failures(torch_settings, rows, trained_torch):
    settings, versions = torch_settings
    app = serve.create_app(settings, log_predictions=False, poll=False)
    seen, errors = [], []
    with serve.BackgroundServer(app) as server, httpx.Client(base_url=server.url) as http:
        for target in ("hgb", "mlp", "hgb"):
            registry.promote(versions[target], settings)
            assert http.post("/reload", timeout=30).json()["model_version"] == versions[target]
            for row in rows[:5]:
                response = http.post("/predict", json=row)
                if response.status_code != 200:
                    errors.append(response.text)
                    continue
                body = response.json()
                expected = trained_torch["models"][target].pipeline.predict([row])[0]
                seen.append((body["model_version"], body["prediction"] - expected))
        registry.promote(versions["mlp"], settings)  # as the module's fixture left it
    assert errors == []
    assert {version for version, _ in seen} == set(versions.values())
    assert max(abs(diff) for _, diff in seen) < 1e-6 * 1000
