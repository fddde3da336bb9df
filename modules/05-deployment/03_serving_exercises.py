"""Exercises of 03_serving.ipynb: a request schema, a columnar batch endpoint, a TestClient test
suite that catches planted bugs, and a choice between online and batch inference.

The planted-bug services of 05.03.3 and the stand-in model of 05.03.2 are module-level objects
of this spec, so the checks run the same way in the notebook and in a grading kernel. The
services repeat the notebook's contract (its schema and routes) on purpose: a check must not
depend on lesson cells the learner can edit.
"""

import json
import math
import warnings
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from mlcourse.exercise import Calls, Comparator, Exact, Exercise, TestSuite, Unfinished, WrongAnswer

# --- shared: the notebook's contract, repeated for the checks ---------------------------------

WEATHER = ("clear", "cloudy/misty", "light rain/snow", "heavy rain/snow")
FEATURES = ["hr", "workingday", "weathersit", "temp", "hum", "windspeed"]


def _client(app):
    """FastAPI's TestClient that answers 500 for a server error instead of raising it."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=StarletteDeprecationWarning)
        from fastapi.testclient import TestClient

    return TestClient(app, raise_server_exceptions=False)


def _formula(X: pd.DataFrame) -> np.ndarray:
    """A stand-in model: every feature moves the prediction, so a swapped column shows."""
    return np.asarray(
        10
        + 5 * X["hr"]
        + 7 * X["workingday"]
        + 3 * X["weathersit"]
        + 100 * X["temp"]
        - 20 * X["hum"]
        + 30 * X["windspeed"],
        dtype=float,
    )


class RecordingModel:
    """A model whose `predict` is a fixed formula and which counts its calls and rows."""

    def __init__(self):
        self.calls = []

    def predict(self, X):
        if not isinstance(X, pd.DataFrame) or list(X.columns) != FEATURES:
            raise TypeError(
                f"the model expects a DataFrame with the columns {FEATURES}, got "
                f"{type(X).__name__}{'' if not hasattr(X, 'columns') else list(X.columns)}; "
                "build it with `features(...)`"
            )
        self.calls.append(len(X))
        return _formula(X)


# --- 05.03.1: the penguin request schema --------------------------------------------------------

_PENGUIN = {
    "island": "Biscoe",
    "bill_length_mm": 45.2,
    "bill_depth_mm": 14.8,
    "flipper_length_mm": 212,
    "body_mass_g": 5200,
    "sex": "female",
}
_NO_SEX = {k: v for k, v in _PENGUIN.items() if k != "sex"}

# (payload, the word an error must mention, or None for a payload to accept)
_PENGUIN_CASES = [
    (_PENGUIN, None),
    ({**_PENGUIN, "island": "Dream", "sex": "male", "bill_depth_mm": 19}, None),
    (_NO_SEX, None),  # sex is missing for 11 penguins of the data set
    ({**_PENGUIN, "sex": None}, None),
    # tiny but positive: gt=0, not gt=1
    (
        {
            **_PENGUIN,
            "bill_length_mm": 0.5,
            "bill_depth_mm": 0.5,
            "flipper_length_mm": 0.5,
            "body_mass_g": 0.5,
        },
        None,
    ),  # fmt: skip
    ({**_PENGUIN, "island": "Atlantis"}, "island"),
    ({**_PENGUIN, "island": "biscoe"}, "island"),
    ({**_PENGUIN, "sex": "M"}, "sex"),
    ({**_PENGUIN, "bill_length_mm": 0}, "bill_length_mm"),
    ({**_PENGUIN, "bill_depth_mm": -14.8}, "bill_depth_mm"),
    ({**_PENGUIN, "flipper_length_mm": math.inf}, "flipper_length_mm"),
    ({**_PENGUIN, "flipper_length_mm": -1}, "flipper_length_mm"),
    ({**_PENGUIN, "body_mass_g": 0}, "body_mass_g"),
    ({**_PENGUIN, "body_mass_g": math.nan}, "body_mass_g"),
    ({**_PENGUIN, "bill_length_mm": "45.2"}, "bill_length_mm"),
    ({**_PENGUIN, "body_mass_g": True}, "body_mass_g"),
    ({**_PENGUIN, "species": "Gentoo"}, "species"),
    ({k: v for k, v in _PENGUIN.items() if k != "island"}, "island"),
]


@dataclass(frozen=True)
class Fields(Comparator):
    """A pydantic model instance, as its fields: names, values and their types."""

    def observe(self, name, value):
        if not isinstance(value, BaseModel):
            return {"not_model": type(value).__name__}
        return {"fields": {k: repr(v) for k, v in value.model_dump().items()}}

    def diff(self, name, observed, expected):
        if "not_model" in observed:
            return (
                f"`{name}` should be an instance of a pydantic model, got {observed['not_model']}."
            )
        got, want = observed["fields"], expected["fields"]
        if sorted(got) != sorted(want):
            missing = sorted(set(want) - set(got))[:5]
            extra = sorted(set(got) - set(want))[:5]
            return f"`{name}` has the wrong fields (missing: {missing}, unexpected: {extra})."
        for key in want:
            if got[key] != want[key]:
                return f"`{name}.{key}` is {got[key]}, which is not the expected value or type."
        return None


# --- 05.03.2: a columnar batch endpoint -----------------------------------------------------------


def _columns(rows: list[dict]) -> dict:
    return {name: [row[name] for row in rows] for name in FEATURES}


_HOUR = {
    "hr": 8, "workingday": 1, "weathersit": "clear", "temp": 0.3, "hum": 0.6, "windspeed": 0.2,
}  # fmt: skip
_rng = np.random.default_rng(3)
_ROWS = [
    {
        "hr": int(_rng.integers(0, 24)),
        "workingday": int(_rng.integers(0, 2)),
        "weathersit": WEATHER[int(_rng.integers(0, 4))],
        "temp": round(float(_rng.uniform()), 2),
        "hum": round(float(_rng.uniform()), 2),
        "windspeed": round(float(_rng.uniform(0, 0.6)), 2),
    }
    for _ in range(40)
]
_COLUMNS = _columns(_ROWS)


def _replace(columns: dict, name: str, index: int, value) -> dict:
    changed = {k: list(v) for k, v in columns.items()}
    changed[name][index] = value
    return changed


_EDGE = {"hr": 23, "workingday": 0, "weathersit": "heavy rain/snow", "temp": 1, "hum": 0,
         "windspeed": 1.0}  # fmt: skip
# (what the request is, body); bodies with NaN travel as raw text, as a client could send them
_COLUMN_REQUESTS = [
    ("40 valid rows", _COLUMNS),
    ("one valid row", _columns([_HOUR])),
    ("rows at the edges of every range", _columns([_EDGE, {**_EDGE, "hr": 0, "temp": 0}])),
    ("1,000 rows (the largest batch allowed)", _columns(_ROWS * 25)),
    ("1,001 rows (one too many)", _columns(_ROWS * 25 + [_HOUR])),
    ("empty lists", {name: [] for name in FEATURES}),
    ("columns of different lengths", {**_COLUMNS, "temp": _COLUMNS["temp"][:-1]}),
    ("hum = 1.7 in row 5", _replace(_COLUMNS, "hum", 5, 1.7)),
    ("hr = 24 in row 0", _replace(_COLUMNS, "hr", 0, 24)),
    ("hr = '7' (a string) in row 3", _replace(_COLUMNS, "hr", 3, "7")),
    ("temp = NaN in row 2", _replace(_COLUMNS, "temp", 2, math.nan)),
    ("weathersit = 'sunny' in row 1", _replace(_COLUMNS, "weathersit", 1, "sunny")),
    ("an extra column 'rain_mm'", {**_COLUMNS, "rain_mm": [0.0] * 40}),
    ("no 'windspeed' column", {k: v for k, v in _COLUMNS.items() if k != "windspeed"}),
    ("a single value instead of a list for 'hr'", {**_columns([_HOUR]), "hr": 8}),
]


@dataclass(frozen=True)
class ColumnsService(Comparator):
    """An app factory ``make(model)``, checked by the answers of the app it builds to fixed
    requests (status, predictions) and by how often it calls the model."""

    path: str = "/predict/columns"

    def observe(self, name, value):
        if not callable(value):
            return {"not_callable": type(value).__name__}
        model = RecordingModel()
        try:
            app = value(model)
        except NotImplementedError:
            raise Unfinished from None
        except Exception as err:  # noqa: BLE001 - the learner's factory failed: say how
            return {"raised": f"{type(err).__name__}: {err}"[:300]}
        if not isinstance(app, FastAPI):
            return {"not_app": type(app).__name__}
        client, answers = _client(app), []
        for _, body in _COLUMN_REQUESTS:
            before = len(model.calls)
            response = client.post(
                self.path,
                content=json.dumps(body),  # allow_nan: NaN goes out as the token NaN
                headers={"content-type": "application/json"},
            )
            answer = {"status": response.status_code, "calls": model.calls[before:]}
            if response.status_code == 200:
                try:
                    answer["predictions"] = [float(p) for p in response.json()["predictions"]]
                except Exception as err:  # noqa: BLE001 - a body without the key
                    answer["predictions"] = f"unreadable: {type(err).__name__}: {err}"[:200]
            answers.append(answer)
            if len(answer["calls"]) > 1:  # one call per batch is the rule: the rest adds nothing
                break  # (and a model called per row would take seconds on the 1,000-row body)
        return {"answers": answers}

    def diff(self, name, observed, expected):
        if "not_callable" in observed:
            return f"`{name}` should be a function of the model, got {observed['not_callable']}."
        if "raised" in observed:
            return f"`{name}(model)` raised {observed['raised']}"
        if "not_app" in observed:
            return f"`{name}(model)` should return a FastAPI app, got {observed['not_app']}."
        pairs = zip(_COLUMN_REQUESTS, observed["answers"], expected["answers"])
        for (what, _), got, want in pairs:
            call = f"`POST {self.path}` with {what}"
            if got["status"] != want["status"]:
                crashed = (
                    " A 500 means your code raised an error: post that body with "
                    f"`TestClient({name}(model))` to see the traceback."
                    if got["status"] == 500
                    else ""
                )
                return (
                    f"{call} answered {got['status']}; it should answer {want['status']}.{crashed}"
                )
            if want["status"] != 200:
                continue
            if isinstance(got["predictions"], str):
                return (
                    f"{call}: the body should be JSON {{'predictions': [...]}}, got "
                    f"{got['predictions']}."
                )
            if len(got["predictions"]) != len(want["predictions"]):
                return (
                    f"{call} returned {len(got['predictions'])} predictions; it should return "
                    f"one per row, {len(want['predictions'])}."
                )
            if not np.allclose(got["predictions"], want["predictions"], rtol=1e-9, atol=1e-9):
                row = int(np.argmax(~np.isclose(got["predictions"], want["predictions"])))
                return (
                    f"{call}: prediction {row} is not the model's prediction for row {row}; "
                    "pass the rows to the model in their order, with `features(...)`."
                )
            if got["calls"] != want["calls"]:
                return (
                    f"{call} called `model.predict` {len(got['calls'])} times (rows per call: "
                    f"{got['calls'][:5]}); call it once, on the whole batch."
                )
        if len(observed["answers"]) < len(expected["answers"]):
            return f"`{name}(model)` called `model.predict` more than once for one request."
        return None


# --- 05.03.3: a test suite for the service --------------------------------------------------------


def _row_prediction(row: dict) -> float:
    """The stand-in model's formula for one row, in plain Python (no DataFrame: checks run it
    thousands of times)."""
    weather = WEATHER.index(row["weathersit"]) + 1
    return float(
        10 + 5 * row["hr"] + 7 * row["workingday"] + 3 * weather + 100 * row["temp"]
        - 20 * row["hum"] + 30 * row["windspeed"]
    )  # fmt: skip


def service(
    *,
    health: bool = True,
    forbid_extra: bool = True,
    strict: bool = True,
    hum_checked: bool = True,
    last_hour: int = 23,
    batch_in_order: bool = True,
    bad_input_status: int = 422,
) -> FastAPI:
    """The notebook's bike-share service (its contract), with switches that plant one bug each."""
    config = ConfigDict(
        extra="forbid" if forbid_extra else "ignore", allow_inf_nan=False, strict=strict
    )
    share = Annotated[float, Field(ge=0, le=1)]

    class Hour(BaseModel):
        model_config = config
        hr: Annotated[int, Field(ge=0, le=last_hour)]
        workingday: Annotated[int, Field(ge=0, le=1)]
        weathersit: Literal[WEATHER]
        temp: share
        hum: share if hum_checked else float
        windspeed: share

    class Batch(BaseModel):
        model_config = ConfigDict(extra="forbid")
        rows: list[Hour] = Field(min_length=1, max_length=1000)

    app = FastAPI(title="Bike-share demand")

    @app.exception_handler(RequestValidationError)
    def invalid_request(_request, error):
        errors = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        return JSONResponse({"detail": errors}, status_code=bad_input_status)

    if health:

        @app.get("/health")
        def health_check():
            return {"status": "ok"}

    @app.post("/predict")
    def predict(hour: Hour):
        return {"prediction": _row_prediction(hour.model_dump())}

    @app.post("/predict/batch")
    def predict_batch(batch: Batch):
        predictions = [_row_prediction(row.model_dump()) for row in batch.rows]
        return {"predictions": predictions if batch_in_order else sorted(predictions)}

    return app


_SERVICE = service()
_SERVICE_BUGS = {
    "there is no /health endpoint (404)": service(health=False),
    "unknown fields such as 'rain_mm' are silently ignored": service(forbid_extra=False),
    "a string such as '7' for hr is accepted (lax types)": service(strict=False),
    "hum is not range-checked (1.7 or 81 is scored)": service(hum_checked=False),
    "hr = 23, the last hour of the day, is refused with 422": service(last_hour=22),
    "/predict/batch returns its predictions sorted, not in row order": service(
        batch_in_order=False
    ),
    "bad input is answered 500 (a server error, which clients retry) instead of 422": service(
        bad_input_status=500
    ),
}


# --- 05.03.4: online or batch -----------------------------------------------------------------------

_COSTS = {"request_s": 0.002, "batch_overhead_s": 0.004, "batch_row_s": 0.00002}
_INFERENCE_CASES = [
    # tomorrow's 24 hours x 500 stations, known the evening before: batch
    {"lead_time_s": 8 * 3600, "rows": 12_000, "latency_budget_s": None, **_COSTS},
    # a rider's app asks about the next hour at one station; inputs known only now
    {"lead_time_s": 0, "rows": 1, "latency_budget_s": 0.1, **_COSTS},
    # inputs known 1 s ahead, 10,000 rows: the batch needs 0.204 s, it fits
    {"lead_time_s": 1.0, "rows": 10_000, "latency_budget_s": 0.05, **_COSTS},
    # 10,000 rows known 0.1 s ahead: a batch needs 0.204 s (too late), requests fit
    {"lead_time_s": 0.1, "rows": 10_000, "latency_budget_s": 0.05, **_COSTS},
    # one request at a time would need 20 s, the batch 0.204 s: inside a 10 s lead time
    {"lead_time_s": 10, "rows": 10_000, "latency_budget_s": 0.001, **_COSTS},
    # nothing fits: the batch is too slow for the lead time, a request for the budget
    {"lead_time_s": 0.1, "rows": 10_000, "latency_budget_s": 0.001, **_COSTS},
    # rows x batch_row_s alone (0.1 s) fits a 0.102 s lead time; with the overhead it does not
    {"lead_time_s": 0.102, "rows": 5_000, "latency_budget_s": 0.003, **_COSTS},
    # exactly on the limits (numbers exact in binary): a plan needing no more time than there is
    # fits; the batch needs 0.5 + 2 x 0.125 = 0.75 s
    {
        "lead_time_s": 0.75,
        "rows": 2,
        "latency_budget_s": None,
        "request_s": 0.5,
        "batch_overhead_s": 0.5,
        "batch_row_s": 0.125,
    },
    {
        "lead_time_s": 0.5,
        "rows": 2,
        "latency_budget_s": 0.5,
        "request_s": 0.5,
        "batch_overhead_s": 0.5,
        "batch_row_s": 0.125,
    },
    # no latency budget given (None): nobody waits online, only a batch can serve
    {"lead_time_s": 0.01, "rows": 1_000, "latency_budget_s": None, **_COSTS},
    # inputs known only at the moment (lead time 0), but one request (0.002 s) is slower than the
    # 0.001 s budget: online does not fit either
    {"lead_time_s": 0, "rows": 1, "latency_budget_s": 0.001, **_COSTS},
]
_INFERENCE_MENTIONS = [
    ["latency"] if index in (5, 9, 10) else [] for index in range(len(_INFERENCE_CASES))
]


def _choose_reference(lead_time_s, rows, latency_budget_s, request_s, batch_overhead_s,
                      batch_row_s):  # fmt: skip
    batch_s = batch_overhead_s + rows * batch_row_s
    if batch_s <= lead_time_s:
        return "batch"
    if latency_budget_s is not None and request_s <= latency_budget_s:
        return "online"
    raise ValueError(f"neither fits: batch {batch_s} s, latency budget {latency_budget_s}")


def _validate_cases():  # the reference answers the comments above claim
    answers = []
    for case in _INFERENCE_CASES:
        try:
            answers.append(_choose_reference(**case))
        except ValueError:
            answers.append("raises")
    expected = ["batch", "online", "batch", "online", "batch", "raises", "online", "batch",
                "online", "raises", "raises"]  # fmt: skip
    assert answers == expected, answers


_validate_cases()


EXERCISES = [
    Exercise(
        id="05.03.1",
        title="A request schema for a penguin classifier",
        checks={
            "Penguin": Calls(
                cases=[payload for payload, _ in _PENGUIN_CASES],
                returns=Fields(),
                mentions=[[word] if word else [] for _, word in _PENGUIN_CASES],
            )
        },
        hints=[
            "Start from `Hour`: the same `model_config` line turns on the three strict rules "
            "(no unknown fields, no NaN or infinity, no silent conversions). The island is one of "
            "three strings (`Literal[...]`); a measurement must be above 0 (`gt`, not `ge`).",
            "`sex` may be left out or sent as null: its type must allow None (`X | None`) "
            "and it needs a default, or pydantic reports it missing. `gt=0` alone lets `inf` "
            "through (inf > 0): only `allow_inf_nan=False` refuses it.",
        ],
        solution="""
            class Penguin(BaseModel):
                model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                island: Literal["Biscoe", "Dream", "Torgersen"]
                bill_length_mm: float = Field(gt=0)
                bill_depth_mm: float = Field(gt=0)
                flipper_length_mm: float = Field(gt=0)
                body_mass_g: float = Field(gt=0)
                sex: Literal["female", "male"] | None = None
        """,
        wrong_answers=[
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    island: Literal["Biscoe", "Dream", "Torgersen"]
                    bill_length_mm: float = Field(gt=0)
                    bill_depth_mm: float = Field(gt=0)
                    flipper_length_mm: float = Field(gt=0)
                    body_mass_g: float = Field(gt=0)
                    sex: Literal["female", "male"] | None = None
                """,
                "Did you leave out `model_config`? By default pydantic drops unknown fields "
                "without a word, turns the string '45.2' into 45.2 and accepts infinity. Add "
                "`model_config = ConfigDict(extra='forbid', allow_inf_nan=False, strict=True)`.",
            ),
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    model_config = ConfigDict(extra="forbid", strict=True)
                    island: Literal["Biscoe", "Dream", "Torgersen"]
                    bill_length_mm: float = Field(gt=0)
                    bill_depth_mm: float = Field(gt=0)
                    flipper_length_mm: float = Field(gt=0)
                    body_mass_g: float = Field(gt=0)
                    sex: Literal["female", "male"] | None = None
                """,
                "Did you count on `gt=0` to refuse infinity? `inf > 0` is true, so `{name}` "
                "accepted a flipper of infinite length. Add `allow_inf_nan=False` to the config.",
            ),
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                    island: Literal["Biscoe", "Dream", "Torgersen"]
                    bill_length_mm: float = Field(gt=0)
                    bill_depth_mm: float = Field(gt=0)
                    flipper_length_mm: float = Field(gt=0)
                    body_mass_g: float = Field(gt=0)
                    sex: Literal["female", "male"]
                """,
                "Did you make `sex` required? It is unknown for 11 of the 344 penguins, and a "
                "client that does not know it must still get a prediction: "
                "`sex: Literal['female', 'male'] | None = None`.",
            ),
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                    island: str
                    bill_length_mm: float = Field(gt=0)
                    bill_depth_mm: float = Field(gt=0)
                    flipper_length_mm: float = Field(gt=0)
                    body_mass_g: float = Field(gt=0)
                    sex: str | None = None
                """,
                "Did you type the island and the sex as plain `str`? Then 'Atlantis' and 'M' "
                "pass and reach the model as categories it never saw. List the allowed values "
                "with `Literal[...]`.",
            ),
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                    island: Literal["Biscoe", "Dream", "Torgersen"]
                    bill_length_mm: float = Field(ge=0)
                    bill_depth_mm: float = Field(ge=0)
                    flipper_length_mm: float = Field(ge=0)
                    body_mass_g: float = Field(ge=0)
                    sex: Literal["female", "male"] | None = None
                """,
                "Did you use `ge=0`? A bill of length 0 mm is a missing value in disguise, not a "
                "measurement: use `gt=0` (greater than) so that 0 is refused.",
            ),
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
                    island: Literal["Biscoe", "Dream", "Torgersen"]
                    bill_length_mm: float = Field(gt=0)
                    bill_depth_mm: float = Field(gt=0)
                    flipper_length_mm: float = Field(gt=0)
                    body_mass_g: float = Field(gt=0)
                    sex: Literal["female", "male"] | None = None
                """,
                "Did you leave out `strict=True`? Without it pydantic turns the string '45.2' "
                "into 45.2 and `True` into 1.0, so a client's bug goes unnoticed: add "
                "`strict=True` to the config.",
            ),
            WrongAnswer(
                """
                class Penguin(BaseModel):
                    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                    island: Literal["Biscoe", "Dream", "Torgersen"]
                    bill_length_mm: float = Field(gt=0)
                    bill_depth_mm: float = Field(gt=0)
                    flipper_length_mm: int = Field(gt=0)
                    body_mass_g: int = Field(gt=0)
                    sex: Literal["female", "male"] | None = None
                """,
                "Did you type the flipper length or the body mass as `int`, because the data "
                "holds whole millimetres and grams? The request promises numbers greater than 0: "
                "a strict `int` refuses 0.5, while a `float` field accepts 212 (as 212.0).",
            ),
        ],
    ),
    Exercise(
        id="05.03.2",
        title="A columnar batch endpoint",
        equivalent_mutants={
            "line 2: keyword `allow_inf_nan=False` dropped from `ConfigDict`": "every float of "
            "the body is a Share, bounded on both sides (0 to 1), and NaN and inf fail one of "
            "the bounds: the setting changes only the wording of the 422 (measured in section 2)",
            "line 2: `False` -> `True`": "the same as dropping `allow_inf_nan=False`: every float "
            "is bounded on both sides, so NaN and inf are refused either way",
            "line 14: `sorted(lengths)` -> `lengths`": "changes only the wording of the error "
            "message, not which bodies are refused",
        },
        checks={"make_columns_app": ColumnsService()},
        hints=[
            "The body is one model with a list per feature, `hr: list[Hr]` and so on with "
            "`Flag`, `Weather` and `Share`, plus the lesson's config line. The rules that "
            "involve several lists (equal lengths, 1 to 1,000 rows) go in a method decorated "
            "with `@model_validator(mode='after')`, which raises ValueError to refuse.",
            "Then `make_columns_app(model)` creates `app = new_app(...)` and a "
            "`@app.post('/predict/columns')` function whose parameter is typed with that model. "
            "`body.model_dump()` is already the mapping of columns that `features(...)` reads, so "
            "one `model.predict` call scores the whole batch.",
        ],
        solution="""
                class Columns(BaseModel):
                    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                    hr: list[Hr]
                    workingday: list[Flag]
                    weathersit: list[Weather]
                    temp: list[Share]
                    hum: list[Share]
                    windspeed: list[Share]

                    @model_validator(mode="after")
                    def one_batch(self):
                        lengths = {len(values) for values in self.model_dump().values()}
                        if len(lengths) > 1:
                            raise ValueError(f"every column needs the same number of values, got {sorted(lengths)}")
                        if not 1 <= lengths.pop() <= 1000:
                            raise ValueError("send 1 to 1,000 rows")
                        return self


                def make_columns_app(model):
                    app = new_app("Bike-share demand, columns")

                    @app.post("/predict/columns")
                    def predict_columns(body: Columns):
                        y_hat = model.predict(features(body.model_dump()))
                        return {"predictions": y_hat.tolist()}

                    return app
        """,
        wrong_answers=[
            WrongAnswer(
                """
                    class Columns(BaseModel):
                        model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                        hr: list[Hr]
                        workingday: list[Flag]
                        weathersit: list[Weather]
                        temp: list[Share]
                        hum: list[Share]
                        windspeed: list[Share]

                        @model_validator(mode="after")
                        def one_batch(self):
                            for values in self.model_dump().values():
                                if not 1 <= len(values) <= 1000:
                                    raise ValueError("send 1 to 1,000 rows")
                            return self


                    def make_columns_app(model):
                        app = new_app("Bike-share demand, columns")

                        @app.post("/predict/columns")
                        def predict_columns(body: Columns):
                            y_hat = model.predict(features(body.model_dump()))
                            return {"predictions": y_hat.tolist()}

                        return app
                """,
                "Did you check each list but not that they are equally long? A column one value "
                "short belongs to no row: compare the lengths in the "
                "`@model_validator(mode='after')` and raise ValueError when they differ.",
            ),
            WrongAnswer(
                """
                    class Columns(BaseModel):
                        model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                        hr: list[Hr]
                        workingday: list[Flag]
                        weathersit: list[Weather]
                        temp: list[Share]
                        hum: list[Share]
                        windspeed: list[Share]

                        @model_validator(mode="after")
                        def one_batch(self):
                            lengths = {len(values) for values in self.model_dump().values()}
                            if len(lengths) > 1:
                                raise ValueError(f"every column needs the same number of values, got {sorted(lengths)}")
                            return self


                    def make_columns_app(model):
                        app = new_app("Bike-share demand, columns")

                        @app.post("/predict/columns")
                        def predict_columns(body: Columns):
                            y_hat = model.predict(features(body.model_dump()))
                            return {"predictions": y_hat.tolist()}

                        return app
                """,
                "Did you leave the batch size unbounded? An empty batch and a batch of a million "
                "rows are both accepted; refuse anything outside 1 to 1,000 rows.",
            ),
            WrongAnswer(
                """
                    class Columns(BaseModel):
                        model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                        hr: list[Hr]
                        workingday: list[Flag]
                        weathersit: list[Weather]
                        temp: list[Share]
                        hum: list[Share]
                        windspeed: list[Share]

                        @model_validator(mode="after")
                        def one_batch(self):
                            lengths = {len(values) for values in self.model_dump().values()}
                            if len(lengths) > 1:
                                raise ValueError(f"every column needs the same number of values, got {sorted(lengths)}")
                            if not 1 <= lengths.pop() <= 1000:
                                raise ValueError("send 1 to 1,000 rows")
                            return self


                    def make_columns_app(model):
                        app = new_app("Bike-share demand, columns")

                        @app.post("/predict/columns")
                        def predict_columns(body: Columns):
                            columns = body.model_dump()
                            y_hat = [
                                float(model.predict(features({k: [v[i]] for k, v in columns.items()}))[0])
                                for i in range(len(columns["hr"]))
                            ]
                            return {"predictions": y_hat}

                        return app
                """,
                "Did you call the model once per row? The predictions are right, but a batch "
                "endpoint exists to pay the model's fixed cost once: call `model.predict` once, "
                "on the whole frame.",
            ),
            WrongAnswer(
                """
                    class Columns(BaseModel):
                        hr: list[Hr]
                        workingday: list[Flag]
                        weathersit: list[Weather]
                        temp: list[Share]
                        hum: list[Share]
                        windspeed: list[Share]

                        @model_validator(mode="after")
                        def one_batch(self):
                            lengths = {len(values) for values in self.model_dump().values()}
                            if len(lengths) > 1:
                                raise ValueError(f"every column needs the same number of values, got {sorted(lengths)}")
                            if not 1 <= lengths.pop() <= 1000:
                                raise ValueError("send 1 to 1,000 rows")
                            return self


                    def make_columns_app(model):
                        app = new_app("Bike-share demand, columns")

                        @app.post("/predict/columns")
                        def predict_columns(body: Columns):
                            y_hat = model.predict(features(body.model_dump()))
                            return {"predictions": y_hat.tolist()}

                        return app
                """,
                "Did you leave out `model_config` on the batch model? The item types check each "
                "value, but the model then ignores an unknown column such as 'rain_mm' and "
                "converts '7' to 7: add the same config line as `Hour`.",
            ),
            WrongAnswer(
                """
                    class Columns(BaseModel):
                        model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)
                        hr: list[Hr]
                        workingday: list[Flag]
                        weathersit: list[Weather]
                        temp: list[Share]
                        hum: list[Share]
                        windspeed: list[Share]

                        @model_validator(mode="after")
                        def one_batch(self):
                            lengths = {len(values) for values in self.model_dump().values()}
                            if len(lengths) > 1:
                                raise ValueError(f"every column needs the same number of values, got {sorted(lengths)}")
                            if not 1 <= lengths.pop() <= 1000:
                                raise ValueError("send 1 to 1,000 rows")
                            return self


                    def make_columns_app(model):
                        app = FastAPI()

                        @app.post("/predict/columns")
                        def predict_columns(body: Columns):
                            y_hat = model.predict(features(body.model_dump()))
                            return {"predictions": y_hat.tolist()}

                        return app
                """,
                "Did you start from `FastAPI()` instead of `new_app(...)`? FastAPI's default 422 "
                "echoes the bad input, and a NaN cannot be written as JSON: the request for a NaN"
                " temperature ends in a server error (500) instead of a 422.",
            ),
        ],
    ),
    Exercise(
        id="05.03.3",
        title="A TestClient suite that catches seven planted bugs",
        equivalent_mutants={
            "line 5: `({}, 200)` removed from `[({}, 200), ({'hr': 23}…{'rain_mm': 3.0}, 422)]`": (
                "the valid edge hour ({'hr': 23}, 200) already expects 200 for a valid request, "
                "so every planted bug is still caught"
            ),
            **{
                f"line 6: `{a}` -> `{b}`": "another bad value of the same kind (out of range, or "
                "any value of an unknown field) is refused by the same rule"
                for a, b in [("1.7", "3.4"), ("3.0", "6.0"), ("3.0", "1.5")]
            },
            **{
                f"line 10: `{a}` -> `{b}`": "two other hours whose predictions are not in "
                "increasing order still expose a batch that sorts them"
                for a, b in [("20", "21"), ("20", "19"), ("3", "4"), ("3", "2")]
            },
        },
        checks={"test_service": TestSuite(correct=_SERVICE, bugs=_SERVICE_BUGS)},
        hints=[
            "Each planted bug breaks one promise of the contract table. For each promise, send "
            "one request that only a correct service answers right: a valid hour at the edge "
            "of a range (hr = 23) expects 200, a bad one (hum = 1.7, hr = '7', an extra field) "
            "expects exactly 422.",
            "A table of (change to `hour`, expected status) pairs and one loop keep it short. "
            "For the batch order, post two different rows to `/predict/batch` and compare its "
            "list with the two `/predict` answers, in order. Start with `client = "
            "TestClient(app)` and `client.get('/health').status_code == 200`.",
        ],
        solution="""
            def test_service(app):
                client = TestClient(app)
                assert client.get("/health").status_code == 200
                cases = [
                    ({}, 200), ({"hr": 23}, 200),
                    ({"hum": 1.7}, 422), ({"hr": "7"}, 422), ({"rain_mm": 3.0}, 422),
                ]
                for change, status in cases:
                    assert client.post("/predict", json={**hour, **change}).status_code == status
                rows = [{**hour, "hr": 20}, {**hour, "hr": 3}]
                batch = client.post("/predict/batch", json={"rows": rows}).json()["predictions"]
                assert batch == [client.post("/predict", json=row).json()["prediction"] for row in rows]
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def test_service(app):
                    client = TestClient(app)
                    assert client.get("/health").status_code == 200
                    cases = [
                        ({}, 200),
                        ({"hum": 1.7}, 422), ({"hr": "7"}, 422), ({"rain_mm": 3.0}, 422),
                    ]
                    for change, status in cases:
                        assert client.post("/predict", json={**hour, **change}).status_code == status
                    rows = [{**hour, "hr": 20}, {**hour, "hr": 3}]
                    batch = client.post("/predict/batch", json={"rows": rows}).json()["predictions"]
                    assert batch == [client.post("/predict", json=row).json()["prediction"] for row in rows]
                """,
                "Did you test only values in the middle of the ranges? An off-by-one bound "
                "refuses a valid edge value: send `hr = 23`, the last hour, and expect 200.",
            ),
            WrongAnswer(
                """
                def test_service(app):
                    client = TestClient(app)
                    assert client.get("/health").status_code == 200
                    cases = [
                        ({}, 200), ({"hr": 23}, 200),
                        ({"hum": 1.7}, 422), ({"hr": "7"}, 422), ({"rain_mm": 3.0}, 422),
                    ]
                    for change, status in cases:
                        assert client.post("/predict", json={**hour, **change}).status_code == status
                    rows = [{**hour, "hr": 20}, {**hour, "hr": 3}]
                    batch = client.post("/predict/batch", json={"rows": rows}).json()["predictions"]
                    assert len(batch) == len(rows)
                """,
                "Did you check only how many predictions the batch returns, or post rows whose "
                "predictions are already in increasing order (such as hours 7, 8, 17)? A batch "
                "that sorts its predictions passes both. Compare the batch with the single-row "
                "answers, in order, for rows such as an evening hour before a night hour.",
            ),
            WrongAnswer(
                """
                def test_service(app):
                    client = TestClient(app)
                    assert client.get("/health").status_code == 200
                    cases = [
                        ({}, 200), ({"hr": 23}, 200),
                        ({"hum": 1.7}, 422),
                    ]
                    for change, status in cases:
                        assert client.post("/predict", json={**hour, **change}).status_code == status
                    rows = [{**hour, "hr": 20}, {**hour, "hr": 3}]
                    batch = client.post("/predict/batch", json={"rows": rows}).json()["predictions"]
                    assert batch == [client.post("/predict", json=row).json()["prediction"] for row in rows]
                """,
                "Did you test one kind of bad input only? A range check does not find a service "
                "that ignores unknown fields or turns '7' into 7: send an extra field and a "
                "string for a number too, each expecting 422.",
            ),
            WrongAnswer(
                """
                def test_service(app):
                    client = TestClient(app)
                    assert client.get("/health").status_code == 200
                    cases = [
                        ({}, 200), ({"hr": 23}, 200),
                        ({"hum": 1.7}, 422), ({"hr": "7"}, 422), ({"rain_mm": 3.0}, 422),
                    ]
                    for change, status in cases:
                        answer = client.post("/predict", json={**hour, **change}).status_code
                        assert answer == 200 if status == 200 else answer != 200
                    rows = [{**hour, "hr": 20}, {**hour, "hr": 3}]
                    batch = client.post("/predict/batch", json={"rows": rows}).json()["predictions"]
                    assert batch == [client.post("/predict", json=row).json()["prediction"] for row in rows]
                """,
                "Did you expect only 'not 200' for bad input? That also passes a service that "
                "crashes (500) on it, and clients retry a 5xx as if the server were at fault. "
                "Expect exactly 422.",
            ),
        ],
    ),
    Exercise(
        id="05.03.4",
        title="Online or batch?",
        checks={
            "choose_inference": Calls(
                cases=_INFERENCE_CASES, returns=Exact(), mentions=_INFERENCE_MENTIONS
            )
        },
        hints=[
            "A batch job scores all `rows` in `batch_overhead_s + rows * batch_row_s` seconds, "
            "and it can run only once the inputs are known: it fits when that time is at most "
            "`lead_time_s`. Prefer it when it fits (cheaper per row, and the answer is ready "
            "before anyone asks).",
            "Otherwise online fits when one request (`request_s`) is within "
            "`latency_budget_s` (None means no one waits online: it never fits). If neither "
            "fits, `raise ValueError(...)` with a message that names the latency budget and "
            "the batch time.",
        ],
        solution="""
            def choose_inference(lead_time_s, rows, latency_budget_s, request_s,
                                 batch_overhead_s, batch_row_s):
                batch_s = batch_overhead_s + rows * batch_row_s
                if batch_s <= lead_time_s:
                    return "batch"
                if latency_budget_s is not None and request_s <= latency_budget_s:
                    return "online"
                raise ValueError(
                    f"neither fits: a batch needs {batch_s:.3g} s but the inputs are known "
                    f"{lead_time_s} s ahead, and one request takes {request_s} s against a "
                    f"latency budget of {latency_budget_s} s"
                )
        """,
        wrong_answers=[
            WrongAnswer(
                """
                def choose_inference(lead_time_s, rows, latency_budget_s, request_s,
                                     batch_overhead_s, batch_row_s):
                    if latency_budget_s is not None and request_s <= latency_budget_s:
                        return "online"
                    if batch_overhead_s + rows * batch_row_s <= lead_time_s:
                        return "batch"
                    raise ValueError("neither fits the latency budget")
                """,
                "Did you try online first? When the inputs are known in time, a batch is "
                "cheaper per row and its answers are ready before anyone asks: choose batch "
                "whenever it fits, online only when it does not.",
            ),
            WrongAnswer(
                """
                def choose_inference(lead_time_s, rows, latency_budget_s, request_s,
                                     batch_overhead_s, batch_row_s):
                    if rows * request_s <= lead_time_s:
                        return "batch"
                    if latency_budget_s is not None and request_s <= latency_budget_s:
                        return "online"
                    raise ValueError("neither fits the latency budget")
                """,
                "Did you price the batch as one request per row (`rows * request_s`)? A batch "
                "pays the fixed cost once: `batch_overhead_s + rows * batch_row_s`.",
            ),
            WrongAnswer(
                """
                def choose_inference(lead_time_s, rows, latency_budget_s, request_s,
                                     batch_overhead_s, batch_row_s):
                    if rows * batch_row_s <= lead_time_s:
                        return "batch"
                    if latency_budget_s is not None and request_s <= latency_budget_s:
                        return "online"
                    raise ValueError("neither fits the latency budget")
                """,
                "Did you leave out the batch's fixed cost? A job also pays "
                "`batch_overhead_s` (start-up, loading, writing) once per run.",
            ),
            WrongAnswer(
                """
                def choose_inference(lead_time_s, rows, latency_budget_s, request_s,
                                     batch_overhead_s, batch_row_s):
                    if batch_overhead_s + rows * batch_row_s <= lead_time_s:
                        return "batch"
                    return "online"
                """,
                "Did you fall back to online without checking the latency budget? When one "
                "request is slower than the budget, no plan meets the requirements: say so with "
                "a ValueError instead of promising a latency you cannot keep.",
            ),
            WrongAnswer(
                """
                def choose_inference(lead_time_s, rows, latency_budget_s, request_s,
                                     batch_overhead_s, batch_row_s):
                    if lead_time_s == 0:
                        return "online"
                    if batch_overhead_s + rows * batch_row_s <= lead_time_s:
                        return "batch"
                    if latency_budget_s is not None and request_s <= latency_budget_s:
                        return "online"
                    raise ValueError("neither fits the latency budget")
                """,
                "Did you answer online whenever the inputs arrive with the question (lead time "
                "0)? Online must still fit the latency budget: when one request is slower than "
                "the budget, raise ValueError.",
            ),
        ],
    ),
]
