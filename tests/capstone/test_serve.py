import math
import sqlite3
import threading
import time

import httpx
import pytest

from capstone import registry, serve
from capstone.data import FEATURE_COLUMNS, FEATURE_SCHEMA


@pytest.fixture(scope="module")
def app(trained):
    settings = trained["settings"].with_overrides(max_batch_size=100)
    return serve.create_app(settings, poll=False)


@pytest.fixture(scope="module")
def client(app):
    return serve.in_process_client(app)


@pytest.fixture(scope="module")
def rows(splits):
    return splits["holdout"][list(FEATURE_COLUMNS)].head(20).to_dict("records")


def test_predict_one_row_matches_the_model(client, rows, trained):
    response = client.post("/predict", json=rows[0])
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == trained["champion_version"]
    expected = trained["models"]["hgb"].pipeline.predict([rows[0]])[0]
    assert body["prediction"] == pytest.approx(expected)


def test_batch_predictions_in_order(client, rows, trained):
    response = client.post("/predict/batch", json={"rows": rows})
    assert response.status_code == 200
    expected = trained["models"]["hgb"].pipeline.predict(rows)
    assert response.json()["predictions"] == pytest.approx(list(expected))


def _columns(rows):
    return {name: [row[name] for row in rows] for name in FEATURE_COLUMNS}


def test_columnar_batch_gives_the_row_batch_predictions(client, rows):
    by_rows = client.post("/predict/batch", json={"rows": rows}).json()["predictions"]
    response = client.post("/predict/batch", json={"columns": _columns(rows)})
    assert response.status_code == 200, response.text
    assert response.json()["predictions"] == pytest.approx(by_rows)


BAD_COLUMNS = [
    ("out of range", {"hum": [0.5, 3]}, "columns.hum.1: Input should be less than or equal to 1"),
    ("string for int", {"hr": [1, "2"]}, "columns.hr.1: Input should be a valid integer"),
    ("unknown category", {"mnth": ["Jan", "Jun."]}, "columns.mnth.1: Input should be 'Jan'"),
    ("unequal lengths", {"hr": [1]}, "every column needs the same number of values"),
    ("missing column", {"hum": ...}, "columns.hum: Field required"),
    ("extra column", {"bikers": [1, 2]}, "columns.bikers: Extra inputs are not permitted"),
    ("empty columns", "empty", "List should have at least 1 item"),
    ("both forms", "both", "send exactly one of 'rows'"),
]


@pytest.mark.parametrize(
    ("case", "change", "message"), BAD_COLUMNS, ids=[c[0] for c in BAD_COLUMNS]
)
def test_bad_columnar_batch_is_a_422_naming_the_problem(client, rows, case, change, message):
    columns = _columns(rows[:2])
    if change == "empty":
        body = {"columns": {name: [] for name in FEATURE_COLUMNS}}
    elif change == "both":
        body = {"columns": columns, "rows": rows[:2]}
    else:
        body = {"columns": _with(columns, **change)}
    response = client.post("/predict/batch", json=body)
    assert response.status_code == 422, case
    assert message in response.json()["message"], response.json()["message"]


@pytest.mark.parametrize("path", ["/predict", "/predict/batch"])
@pytest.mark.parametrize("content_type", ["text/plain", None, "application/x-www-form-urlencoded"])
def test_anything_but_a_json_body_is_a_415(client, rows, path, content_type):
    body = serve.json.dumps(rows[0] if path == "/predict" else {"rows": rows[:1]})
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert "Content-Type: application/json" in response.json()["detail"]


def test_request_model_is_the_data_schema():
    properties = serve.Row.model_json_schema()["properties"]
    assert list(properties) == list(FEATURE_COLUMNS)
    for column in FEATURE_SCHEMA:
        field = properties[column.name]
        if column.kind == "category":
            assert field["enum"] == list(column.categories), column.name
        else:
            kind = "integer" if column.kind == "int" else "number"
            assert (field["type"], field["minimum"], field["maximum"]) == (
                kind,
                column.low,
                column.high,
            ), column.name


def _with(row, **changes):
    changed = {**row, **changes}
    return {k: v for k, v in changed.items() if v is not ...}


BAD_ROWS = [
    ("missing field", {"hum": ...}, "hum: Field required"),
    ("extra field", {"bikers": 3}, "bikers: Extra inputs are not permitted"),
    ("wrong type", {"hr": "seven"}, "hr: Input should be a valid integer"),
    ("float hour", {"hr": 7.5}, "hr: Input should be a valid integer"),
    ("bool for int", {"holiday": True}, "holiday: Input should be a valid integer"),
    ("out of range", {"hum": 1.7}, "hum: Input should be less than or equal to 1"),
    ("negative", {"windspeed": -0.1}, "windspeed: Input should be greater than or equal to 0"),
    ("hour 24", {"hr": 24}, "hr: Input should be less than or equal to 23"),
    ("unknown weather", {"weathersit": "sunny"}, "weathersit: Input should be 'clear'"),
    ("unknown month", {"mnth": "Januar"}, "mnth: Input should be 'Jan'"),
    ("null", {"temp": None}, "temp: Input should be a valid number"),
]


@pytest.mark.parametrize(("case", "changes", "message"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_bad_row_is_a_4xx_naming_the_problem(client, rows, case, changes, message):
    response = client.post("/predict", json=_with(rows[0], **changes))
    assert response.status_code == 422, case
    assert message in response.json()["message"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"season": 1,', "malformed JSON"),
        (b"[1, 2]", "Input should be a valid dictionary"),
    ],
)
def test_unparseable_bodies_are_4xx(client, content, message):
    headers = {"content-type": "application/json"}
    response = client.post("/predict", content=content, headers=headers)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_nan_and_inf_are_rejected(client, rows):
    for value in (math.nan, math.inf):
        body = serve.json.dumps(_with(rows[0], temp=value))  # json writes NaN/Infinity
        response = client.post(
            "/predict", content=body, headers={"content-type": "application/json"}
        )
        assert 400 <= response.status_code < 500
        assert "temp" in response.json()["message"] or "JSON" in response.json()["message"]


def test_bad_batches(client, rows):
    oversized = client.post("/predict/batch", json={"rows": rows * 6})
    assert oversized.status_code == 413
    assert "120 rows; the limit is 100" in oversized.json()["detail"]
    empty = client.post("/predict/batch", json={"rows": []})
    assert empty.status_code == 422 and "rows" in empty.json()["message"]
    bad_item = client.post("/predict/batch", json={"rows": [rows[0], _with(rows[1], hum=3)]})
    assert bad_item.status_code == 422 and "rows.1.hum" in bad_item.json()["message"]


def test_health_metrics_docs_and_log(client, app, rows):
    assert client.get("/health").json()["status"] == "ok"
    client.post("/predict", json=rows[0])
    text = client.get("/metrics").text
    assert 'capstone_requests_total{path="/predict",status="200"}' in text
    assert 'capstone_request_seconds_bucket{le="+Inf",path="/predict"}' in text
    assert "capstone_model_info{version=" in text
    assert "capstone_rows_predicted_total" in text and "process_cpu_seconds_total" in text
    openmetrics = client.get("/metrics", headers={"accept": "application/openmetrics-text"})
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    assert openmetrics.text.rstrip().endswith("# EOF")
    assert client.get("/openapi.json").json()["paths"]["/predict/batch"]
    app.state.prediction_log.flush()
    with sqlite3.connect(app.state.holder.settings.prediction_log_path) as db:
        count, mean = db.execute("SELECT count(*), avg(prediction) FROM predictions").fetchone()
    assert count >= 1 and mean > 0


def _hammer(url, rows, threads, per_thread, errors, versions):
    def worker(index):
        with httpx.Client(base_url=url, timeout=10) as http:
            for i in range(per_thread):
                try:
                    response = http.post("/predict", json=rows[(index + i) % len(rows)])
                    if response.status_code != 200:
                        errors.append(response.status_code)
                    else:
                        versions.add(response.json()["model_version"])
                except httpx.HTTPError as error:
                    errors.append(repr(error))

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    return pool


@pytest.mark.slow
def test_concurrent_load_and_champion_swap_without_failures(trained, splits, rows):
    settings = trained["settings"]
    app = serve.create_app(settings, log_predictions=True, poll=False)
    errors, versions = [], set()
    started = time.monotonic()
    with serve.BackgroundServer(app) as server:
        pool = _hammer(server.url, rows, threads=8, per_thread=50, errors=errors, versions=versions)
        for thread in pool:
            thread.start()
        # Promote a new version mid-load and make the API pick it up.
        new_version = registry.register(trained["models"]["hgb"].model_uri, settings)
        old_version = registry.champion_version(settings)
        registry.promote(new_version, settings)
        reload = httpx.post(f"{server.url}/reload", timeout=30).json()
        for thread in pool:
            thread.join(timeout=60)
        after = httpx.get(f"{server.url}/health").json()["model_version"]
        registry.promote(old_version, settings)  # leave the shared champion as it was
    assert errors == []
    assert reload["changed"] and after == new_version
    assert time.monotonic() - started < 60
    app.state.prediction_log.flush()


def test_worker_threads_score_with_one_openmp_thread(trained):
    """The OpenMP limit is per thread: batches are scored in worker threads, which set their own."""
    from threadpoolctl import threadpool_info

    def openmp_threads():
        return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "openmp"]

    seen = {}

    def worker():
        seen["before"] = openmp_threads()
        serve.one_openmp_thread_here()
        seen["after"] = openmp_threads()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["after"] and set(seen["after"]) == {1}, seen
