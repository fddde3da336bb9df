"""The prediction API: FastAPI + pydantic, champion hot-reload, SQLite prediction log, metrics."""

from __future__ import annotations

import json
import logging
import math
import queue
import socket
import sqlite3
import threading
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from fastapi import Request  # module level: FastAPI resolves string annotations here
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from capstone.config import Settings
from capstone.data import FEATURE_COLUMNS, FEATURE_SCHEMA, Column

logger = logging.getLogger(__name__)
LATENCY_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def _row_field(column: Column) -> tuple:
    """(type, pydantic Field) of one schema column: its range or categories become the rules."""
    if column.kind == "category":
        return Literal[column.categories], Field(description=column.description or None)
    kind = int if column.kind == "int" else float
    return kind, Field(ge=column.low, le=column.high, description=column.description or None)


# One hour to predict, built from the data schema so the API checks exactly what `data.validate`
# checks. Strict: no "7" for 7, no true for 1; no NaN or infinity; no unknown fields.
Row = create_model(
    "Row",
    __config__=ConfigDict(extra="forbid", allow_inf_nan=False, strict=True),
    __doc__="One hour to predict: the raw calendar and weather fields, exactly as in the data.",
    **{column.name: _row_field(column) for column in FEATURE_SCHEMA},
)


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rows: list[Row] = Field(min_length=1)


class Prediction(BaseModel):
    prediction: float
    model_version: str
    request_id: str


class BatchPrediction(BaseModel):
    predictions: list[float]
    model_version: str
    request_id: str


@dataclass(frozen=True)
class LoadedModel:
    version: str
    pipeline: object
    loaded_at: float


class ModelHolder:
    """Holds the current champion; `refresh` loads a new one fully, then swaps one reference."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.current: LoadedModel | None = None
        self._lock = threading.Lock()  # one loader at a time; readers never take it

    def refresh(self) -> bool:
        """Load the champion if its version changed; returns True when the model was swapped."""
        from capstone.registry import champion_version, load_version

        with self._lock:
            version = champion_version(self.settings)
            if version is None:
                raise RuntimeError(
                    f"no '{self.settings.champion_alias}' alias on model "
                    f"'{self.settings.model_name}' at {self.settings.tracking_uri}; "
                    "run `python -m capstone train` and `python -m capstone register` first"
                )
            if self.current is not None and self.current.version == version:
                return False
            pipeline = load_version(version, self.settings)
            self.current = LoadedModel(version, pipeline, time.time())  # atomic swap
            logger.info("serving model version %s", version)
            return True


class PredictionLog:
    """Appends predictions to SQLite from a background thread, in batches, WAL mode."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._write_loop, name="prediction-log", daemon=True)
        self._thread.start()

    def append(self, request_id: str, version: str, columns: dict, predictions) -> None:
        self._queue.put((request_id, time.time(), version, columns, predictions))

    def flush(self) -> None:
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _write_loop(self) -> None:
        connection = connect_log(self.path)
        insert = (
            f"INSERT INTO predictions (request_id, item, ts, model_version, "
            f"{', '.join(FEATURE_COLUMNS)}, prediction) "
            f"VALUES ({', '.join('?' * (len(FEATURE_COLUMNS) + 5))})"
        )
        while True:
            entries = [self._queue.get()]
            while True:  # drain whatever else is waiting into the same transaction
                try:
                    entries.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = any(entry is None for entry in entries)
            records = []
            for entry in entries:
                if entry is None:
                    continue
                request_id, ts, version, columns, predictions = entry
                feature_lists = [columns[name] for name in FEATURE_COLUMNS]
                for item, values in enumerate(zip(*feature_lists, predictions, strict=False)):
                    records.append((request_id, item, ts, version, *values[:-1], float(values[-1])))
            try:
                with connection:
                    connection.executemany(insert, records)
            except sqlite3.Error:
                logger.exception("could not write %d predictions to %s", len(records), self.path)
            for _ in entries:
                self._queue.task_done()
            if stop:
                connection.close()
                return


def connect_log(path: Path) -> sqlite3.Connection:
    """Open (and create if needed) the prediction log database."""
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    columns = ", ".join(
        f"{column.name} {'TEXT' if column.kind == 'category' else 'REAL'}"
        for column in FEATURE_SCHEMA
    )
    connection.execute(
        "CREATE TABLE IF NOT EXISTS predictions (request_id TEXT, item INTEGER, ts REAL, "
        f"model_version TEXT, {columns}, prediction REAL)"
    )
    connection.commit()
    return connection


class Metrics:
    """Request counters and latency histograms, rendered in the Prometheus text format."""

    def __init__(self):
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, int], int] = {}
        self.buckets: dict[str, list[int]] = {}
        self.sums: dict[str, float] = {}
        self.rows_predicted = 0

    def observe(self, path: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(path, status)] = self.requests.get((path, status), 0) + 1
            counts = self.buckets.setdefault(path, [0] * (len(LATENCY_BUCKETS_S) + 1))
            counts[np.searchsorted(LATENCY_BUCKETS_S, seconds)] += 1
            self.sums[path] = self.sums.get(path, 0.0) + seconds

    def render(self, model_version: str | None) -> str:
        lines = [
            "# HELP capstone_requests_total HTTP requests by path and status.",
            "# TYPE capstone_requests_total counter",
        ]
        with self._lock:
            for (path, status), count in sorted(self.requests.items()):
                lines.append(f'capstone_requests_total{{path="{path}",status="{status}"}} {count}')
            lines += [
                "# HELP capstone_request_seconds Request latency.",
                "# TYPE capstone_request_seconds histogram",
            ]
            for path, counts in sorted(self.buckets.items()):
                cumulative = np.cumsum(counts)
                for bound, total in zip(LATENCY_BUCKETS_S, cumulative, strict=False):
                    lines.append(
                        f'capstone_request_seconds_bucket{{path="{path}",le="{bound}"}} {total}'
                    )
                lines.append(
                    f'capstone_request_seconds_bucket{{path="{path}",le="+Inf"}} {cumulative[-1]}'
                )
                lines.append(f'capstone_request_seconds_sum{{path="{path}"}} {self.sums[path]:.6f}')
                lines.append(f'capstone_request_seconds_count{{path="{path}"}} {cumulative[-1]}')
            lines += [
                "# HELP capstone_rows_predicted_total Rows scored.",
                "# TYPE capstone_rows_predicted_total counter",
                f"capstone_rows_predicted_total {self.rows_predicted}",
            ]
        lines += [
            "# HELP capstone_model_info The model version being served.",
            "# TYPE capstone_model_info gauge",
            f'capstone_model_info{{version="{model_version}"}} 1',
        ]
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """A plain ASGI middleware (cheaper than BaseHTTPMiddleware) that times every request."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start, status = time.perf_counter(), [500]

        async def send_and_record(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            self.metrics.observe(scope["path"], status[0], time.perf_counter() - start)


def _error_message(errors) -> str:
    """pydantic errors -> one line naming each field path and problem."""
    parts = []
    for error in errors[:5]:
        location = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        message = error.get("msg")
        if error.get("type") == "json_invalid":
            message = f"malformed JSON ({error.get('ctx', {}).get('error', 'could not parse')})"
            location = f"body at character {location}" if location else location
        elif location == "" and error.get("type") == "model_attributes_type":
            message += " (send a JSON object with Content-Type: application/json)"
        parts.append(f"{location or 'body'}: {message}")
    if len(errors) > 5:
        parts.append(f"and {len(errors) - 5} more")
    return "; ".join(parts)


def _short_text(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace")


def rows_to_columns(rows: list[Row]) -> dict[str, list]:
    """Pydantic rows -> a mapping of columns, the cheapest input `build_features` accepts."""
    return {name: [getattr(row, name) for row in rows] for name in FEATURE_COLUMNS}


def create_app(settings: Settings, log_predictions: bool = True, poll: bool = True):
    """Build the FastAPI app; loads the champion now and fails clearly when there is none."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, HTTPException
    from fastapi.concurrency import run_in_threadpool
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, PlainTextResponse, Response
    from threadpoolctl import threadpool_limits

    holder = ModelHolder(settings)
    holder.refresh()
    # One OpenMP thread per predict: with many small requests, OpenMP teams spinning on 2 cores
    # starve the event loop (measured: 26 req/s and 2 s p99 with the default, ~480 req/s with 1).
    # Called after the model is loaded, so scikit-learn's OpenMP runtime is there to be limited.
    threadpool_limits(1, user_api="openmp")
    prediction_log = PredictionLog(settings.prediction_log_path) if log_predictions else None
    metrics = Metrics()
    stop = threading.Event()

    def poll_champion():
        while not stop.wait(settings.reload_interval_s):
            try:
                holder.refresh()
            except Exception:  # keep serving the current model if the registry hiccups
                logger.exception("champion refresh failed; still serving the current model")

    @asynccontextmanager
    async def lifespan(_app):
        yield
        stop.set()
        if prediction_log is not None:
            prediction_log.close()

    if poll and settings.reload_interval_s > 0:
        threading.Thread(target=poll_champion, name="champion-poll", daemon=True).start()

    app = FastAPI(
        title="Bike-share demand API",
        description="Predicts hourly bike rentals from calendar and weather (capstone project).",
        version="1.0",
        lifespan=lifespan,
    )
    app.state.holder, app.state.prediction_log, app.state.metrics = holder, prediction_log, metrics

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError):
        errors = jsonable_encoder(error.errors(), custom_encoder={bytes: _short_text})
        for item in errors:  # NaN/inf inputs cannot be echoed back in strict JSON
            if isinstance(item.get("input"), float) and not math.isfinite(item["input"]):
                item["input"] = str(item["input"])
        return JSONResponse(
            status_code=422, content={"message": _error_message(errors), "detail": errors}
        )

    def score(rows: list[Row]) -> tuple[str, str, np.ndarray]:
        model = holder.current  # one read: the whole request uses the same model
        columns = rows_to_columns(rows)
        predictions = model.pipeline.predict(columns)
        request_id = uuid.uuid4().hex
        if prediction_log is not None:
            prediction_log.append(request_id, model.version, columns, predictions)
        metrics.rows_predicted += len(rows)
        return request_id, model.version, predictions

    @app.post("/predict", response_model=Prediction)
    async def predict(row: Row):
        request_id, version, predictions = score([row])
        body = {"prediction": float(predictions[0]), "model_version": version}
        return JSONResponse({**body, "request_id": request_id})

    batch_schema = Batch.model_json_schema(ref_template="#/components/schemas/{model}")
    batch_body = {"content": {"application/json": {"schema": batch_schema}}, "required": True}

    @app.post(
        "/predict/batch",
        response_model=BatchPrediction,
        openapi_extra={"requestBody": batch_body},
        summary="Predict many rows (body: {'rows': [Row, ...]})",
    )
    async def predict_batch(request: Request):
        # pydantic's own JSON parser validates large bodies several times faster than FastAPI's
        # json.loads-then-validate path; the errors keep the same shape.
        try:
            batch = Batch.model_validate_json(await request.body())
        except ValidationError as error:
            return await validation_error(request, RequestValidationError(error.errors()))
        if len(batch.rows) > settings.max_batch_size:
            raise HTTPException(
                status_code=413,
                detail=f"batch has {len(batch.rows)} rows; the limit is {settings.max_batch_size}. "
                "Split it into smaller batches or use `python -m capstone batch` for files.",
            )
        request_id, version, predictions = await run_in_threadpool(score, batch.rows)
        body = json.dumps(
            {
                "predictions": predictions.tolist(),
                "model_version": version,
                "request_id": request_id,
            }
        )
        return Response(body, media_type="application/json")

    @app.get("/health")
    async def health():
        current = holder.current
        return {
            "status": "ok",
            "model_name": settings.model_name,
            "model_version": current.version,
            "loaded_at": current.loaded_at,
        }

    @app.post("/reload")
    async def reload():
        changed = await run_in_threadpool(holder.refresh)
        return {"changed": changed, "model_version": holder.current.version}

    @app.get("/metrics", response_class=PlainTextResponse)
    async def prometheus_metrics():
        return PlainTextResponse(
            metrics.render(holder.current.version), media_type="text/plain; version=0.0.4"
        )

    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def in_process_client(app):
    """A FastAPI `TestClient`: HTTP requests answered by `app` in this process, no server.

    Starlette's test client prefers the `httpx2` package and, finding only `httpx` (which this
    project pins), warns once on import. That warning is about our dependencies, not the
    reader's code, so exactly that one is silenced here, on the import that raises it.
    """
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="Using `httpx` with `starlette.testclient` is deprecated",
            category=StarletteDeprecationWarning,
        )
        from fastapi.testclient import TestClient

    return TestClient(app)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class BackgroundServer:
    """Run an app under uvicorn in a thread (for the story, tests and benchmarks)."""

    def __init__(self, app, host: str = "127.0.0.1", port: int | None = None):
        import uvicorn

        self.host, self.port = host, port or free_port(host)
        config = uvicorn.Config(
            app, host=self.host, port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="uvicorn", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"API did not start on {self.url} within 30 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=15)


def run(settings: Settings, host: str, port: int) -> None:
    """Serve in the foreground (the CLI and the Dockerfile use this)."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)
