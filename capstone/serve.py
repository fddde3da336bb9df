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
from typing import Annotated, Literal

from fastapi import Request  # module level: FastAPI resolves string annotations here
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

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


def _check_equal_lengths(columns: BaseModel) -> BaseModel:
    """The `Columns` model's after-validator: every field's list holds the same number of values.

    `columns` is the validated `Columns` instance (iterating a pydantic model gives (field name,
    value) pairs). Return it unchanged when all the lists are equally long; otherwise raise
    `ValueError` "every column needs the same number of values, got {field: length, ...}" (every
    field's length), which pydantic turns into a 422 answer naming the problem.
    """
    lengths = {name: len(values) for name, values in columns}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"every column needs the same number of values, got {lengths}")
    return columns


# The same rules, applied to whole columns: pydantic checks each list in one pass of its core
# (no object per row), which is what makes a 10,000-row batch cheap to validate.
Columns = create_model(
    "Columns",
    __config__=ConfigDict(extra="forbid", allow_inf_nan=False, strict=True),
    __doc__="Many hours to predict, one list of values per field (all lists equally long).",
    __validators__={"equal_lengths": model_validator(mode="after")(_check_equal_lengths)},
    **{
        column.name: (list[Annotated[_row_field(column)]], Field(min_length=1))
        for column in FEATURE_SCHEMA
    },
)


class Batch(BaseModel):
    """Many hours: either `rows` (a list of Row objects) or `columns` (a list per field)."""

    model_config = ConfigDict(extra="forbid")

    rows: list[Row] | None = Field(default=None, min_length=1)
    columns: Columns | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Batch:
        """After-validator of a batch: exactly one of `rows` and `columns` is given.

        Return `self` when one of them is set and the other is None. When both are set, or neither,
        raise `ValueError` "send exactly one of 'rows' (a list of objects) or 'columns' (a list per
        field)" (a 422 answer).
        """
        if (self.rows is None) == (self.columns is None):
            raise ValueError(
                "send exactly one of 'rows' (a list of objects) or 'columns' (a list per field)"
            )
        return self

    def size(self) -> int:
        if self.rows is not None:
            return len(self.rows)
        return len(getattr(self.columns, FEATURE_COLUMNS[0]))

    def as_columns(self) -> dict[str, list]:
        """The batch as {name: list of values} for each name of `FEATURE_COLUMNS`, in that order.

        The row form goes through `rows_to_columns`; the columnar form already holds one validated
        list per field (an attribute of `columns` per name): return those lists as they are, without
        building an object per row. Either way the result is what `features.build_features` and
        every model's `predict` accept, and what the prediction log stores.
        """
        if self.rows is not None:
            return rows_to_columns(self.rows)
        return {name: getattr(self.columns, name) for name in FEATURE_COLUMNS}


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
        """Load the champion if its version changed; returns True when the model was swapped.

        Under the holder's lock: ask the registry for the champion's version
        (`registry.champion_version`); none is a `RuntimeError` naming the alias, the model, the
        tracking URI and the commands to run first (`python -m capstone train` and `python -m
        capstone register`). The same version as `current`: return False without loading. A new one:
        load it (`registry.load_version`), then replace `current` in one assignment with a
        `LoadedModel` (version, pipeline, load time), so a request never sees a half-swapped model.
        """
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
    """The service's Prometheus metrics, kept by the official client in a registry of its own
    (one per app, so two apps in one process never share counts), with the process collectors
    an operator expects (CPU, memory, open files, garbage collection)."""

    def __init__(self):
        import prometheus_client as prom

        self.registry = prom.CollectorRegistry()
        for collector in (prom.ProcessCollector, prom.PlatformCollector, prom.GCCollector):
            collector(registry=self.registry)
        self.requests = prom.Counter(
            "capstone_requests",
            "HTTP requests by path and status.",
            ["path", "status"],
            registry=self.registry,
        )
        self.latency = prom.Histogram(
            "capstone_request_seconds",
            "Request latency.",
            ["path"],
            buckets=LATENCY_BUCKETS_S,
            registry=self.registry,
        )
        self.rows_predicted = prom.Counter(
            "capstone_rows_predicted", "Rows scored.", registry=self.registry
        )
        self.model = prom.Info(
            "capstone_model", "The model version being served.", registry=self.registry
        )

    def observe(self, path: str, status: int, seconds: float) -> None:
        self.requests.labels(path, str(status)).inc()
        self.latency.labels(path).observe(seconds)

    def render(self, model_version: str | None, accept: str | None = None) -> tuple[bytes, str]:
        """The exposition (body, content type) the scraper asked for in its Accept header."""
        from prometheus_client.exposition import choose_encoder

        self.model.info({"version": str(model_version)})
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


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


def require_json(request: Request) -> None:
    """Answer 415 unless the body is declared JSON. A JSON body sent as text/plain is a "simple"
    request that a browser sends cross-site without asking first (no CORS preflight)."""
    from fastapi import HTTPException

    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise HTTPException(
            status_code=415,
            detail=f"expected a JSON body with Content-Type: application/json, got "
            f"{media_type or 'no Content-Type'}; send the body as JSON "
            "(e.g. httpx.post(url, json=...) or curl -H 'Content-Type: application/json')",
        )


def _short_text(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace")


def rows_to_columns(rows: list[Row]) -> dict[str, list]:
    """Pydantic rows -> a mapping of columns, the cheapest input `build_features` accepts.

    `rows` is a list of validated `Row` objects; return {name: [that field of every row, in order]}
    for each name of `FEATURE_COLUMNS`, in that order (one pass per column, no DataFrame).
    """
    return {name: [getattr(row, name) for row in rows] for name in FEATURE_COLUMNS}


_omp_limited = threading.local()


def one_openmp_thread_here() -> None:
    """Limit OpenMP to one thread in the calling thread, once per thread.

    OpenMP's thread count is per calling thread: the limit `create_app` sets holds for the event
    loop's thread, not for the worker threads that score batches (`run_in_threadpool`). Measured
    on a busy 2-core machine: a 10,000-row predict took ~1,000 ms in a worker thread without its
    own limit and ~90 ms with it; setting the limit costs ~10 ms, hence once per thread.
    """
    from threadpoolctl import threadpool_limits

    if not getattr(_omp_limited, "done", False):
        threadpool_limits(1, user_api="openmp")
        _omp_limited.done = True


def create_app(settings: Settings, log_predictions: bool = True, poll: bool = True):
    """Build the FastAPI app; loads the champion now and fails clearly when there is none."""
    from contextlib import asynccontextmanager

    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.concurrency import run_in_threadpool
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse, Response
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

    def score(columns: dict[str, list]) -> tuple[str, str, object]:
        one_openmp_thread_here()
        model = holder.current  # one read: the whole request uses the same model
        predictions = model.pipeline.predict(columns)
        request_id = uuid.uuid4().hex
        if prediction_log is not None:
            prediction_log.append(request_id, model.version, columns, predictions)
        metrics.rows_predicted.inc(len(predictions))
        return request_id, model.version, predictions

    json_only = [Depends(require_json)]

    @app.post("/predict", response_model=Prediction, dependencies=json_only)
    async def predict(row: Row):
        request_id, version, predictions = score(rows_to_columns([row]))
        body = {"prediction": float(predictions[0]), "model_version": version}
        return JSONResponse({**body, "request_id": request_id})

    batch_schema = Batch.model_json_schema(ref_template="#/components/schemas/{model}")
    batch_body = {"content": {"application/json": {"schema": batch_schema}}, "required": True}

    @app.post(
        "/predict/batch",
        response_model=BatchPrediction,
        openapi_extra={"requestBody": batch_body},
        summary="Predict many rows (body: {'rows': [Row, ...]} or {'columns': {field: [...]}})",
        dependencies=json_only,
    )
    async def predict_batch(request: Request):
        # pydantic's own JSON parser validates large bodies several times faster than FastAPI's
        # json.loads-then-validate path; the errors keep the same shape.
        try:
            batch = Batch.model_validate_json(await request.body())
        except ValidationError as error:
            return await validation_error(request, RequestValidationError(error.errors()))
        if batch.size() > settings.max_batch_size:
            raise HTTPException(
                status_code=413,
                detail=f"batch has {batch.size()} rows; the limit is {settings.max_batch_size}. "
                "Split it into smaller batches or use `python -m capstone batch` for files.",
            )
        request_id, version, predictions = await run_in_threadpool(score, batch.as_columns())
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

    @app.get("/metrics", response_class=Response)
    async def prometheus_metrics(request: Request):
        body, content_type = metrics.render(holder.current.version, request.headers.get("accept"))
        return Response(body, media_type=content_type)

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
