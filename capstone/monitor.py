"""Drift and performance report over a window of logged predictions (and labels when present).

Labels arrive late (`capstone.labels`): at monitoring time `as_of` only the labels that arrived
by then are joined; the other predictions are kept and counted as pending. Their error cannot be
known yet, so for the newest hours prediction drift is the only signal, and the error rule (and
retraining) rests on arrived labels alone.
"""

from __future__ import annotations

import base64
import html
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from capstone.config import MAE_DEGRADATION, PSI_THRESHOLD, WEIGHTED_DRIFT_THRESHOLD
from capstone.data import FEATURE_COLUMNS, FEATURE_DTYPES, TARGET
from capstone.features import FEATURE_NAMES, build_features
from capstone.figures import figure, png_bytes
from capstone.labels import describe_hour, label_status

# The cyclic hour encodings duplicate `hr`, so they are not monitored separately.
MONITORED_FEATURES = tuple(name for name in FEATURE_NAMES if name not in ("hr_sin", "hr_cos"))
PSI_EPSILON = 1e-4
# Calendar features follow the clock: serving May-Aug after training on Jan-Apr shifts `month` and
# `season` completely whatever happens, so they are reported apart and kept out of the alarm.
# Weather features can drift in any year; their drift, weighted by the model's reliance on each,
# is the drift evidence of the retraining rule.
CALENDAR_FEATURES = ("hr", "month", "season", "weekday", "workingday", "holiday")
WEATHER_FEATURES = ("weather", "temp", "atemp", "hum", "windspeed")
# Raw input column -> monitored feature (the cyclic hour encodings derive from `hr`).
RAW_TO_FEATURE = {"mnth": "month", "weathersit": "weather"}


def psi(reference, current, bins: int = 10) -> float:
    """Population stability index of `current` against `reference` (quantile bins of reference).

    Bins come from `reference` alone. A feature with at most 24 distinct values (hour, weekday,
    weather...) gets one bin per value (edges halfway between neighbouring values); any other, the
    unique deciles of `reference` as edges (`bins` = 10). Shares of each sample per bin are floored
    at `PSI_EPSILON` (no log of 0); PSI = sum over bins of (current share - reference share) x
    ln(current share / reference share), a float >= 0 (0 for the same sample).
    """
    reference, current = np.asarray(reference, float), np.asarray(current, float)
    values = np.unique(reference)
    if len(values) <= 24:
        edges = np.concatenate([values[:-1] + np.diff(values) / 2])
    else:
        edges = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    ref_share = np.bincount(np.searchsorted(edges, reference), minlength=len(edges) + 1)
    cur_share = np.bincount(np.searchsorted(edges, current), minlength=len(edges) + 1)
    ref_share = np.clip(ref_share / len(reference), PSI_EPSILON, None)
    cur_share = np.clip(cur_share / len(current), PSI_EPSILON, None)
    return float(np.sum((cur_share - ref_share) * np.log(cur_share / ref_share)))


def feature_drift(reference: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """PSI and two-sample KS per monitored model feature, computed on `build_features` output.

    `reference` and `current` are raw rows; compare them as model features (`FEATURE_NAMES`), one
    row per name of `MONITORED_FEATURES`, with the columns `feature`, `psi` (`psi(reference,
    current)`), `ks_statistic` and `ks_pvalue` (`scipy.stats.ks_2samp`), `reference_mean` and
    `current_mean`, all floats; sorted by `psi`, largest first, with a fresh index.
    """
    ref = pd.DataFrame(build_features(reference), columns=FEATURE_NAMES)
    cur = pd.DataFrame(build_features(current), columns=FEATURE_NAMES)
    rows = []
    for name in MONITORED_FEATURES:
        ks = stats.ks_2samp(ref[name], cur[name])
        rows.append(
            {
                "feature": name,
                "psi": psi(ref[name], cur[name]),
                "ks_statistic": float(ks.statistic),
                "ks_pvalue": float(ks.pvalue),
                "reference_mean": float(ref[name].mean()),
                "current_mean": float(cur[name].mean()),
            }
        )
    return pd.DataFrame(rows).sort_values("psi", ascending=False).reset_index(drop=True)


def feature_importance(model, holdout: pd.DataFrame, repeats: int = 3, seed: int = 0) -> dict:
    """Permutation importance per monitored feature: the rise in holdout MAE when it is shuffled.

    Raw input columns are permuted (so `hr` carries its cyclic encodings); negative values, noise
    around zero, are clipped to 0. Compute it once, on the holdout the model was judged on.
    """
    from sklearn.inspection import permutation_importance

    if TARGET not in holdout or holdout[TARGET].isna().any() or len(holdout) < 2:
        raise ValueError(
            f"feature_importance: expected a labelled holdout (column {TARGET!r}, no missing "
            f"values, at least 2 rows), got {len(holdout)} rows; pass the model's holdout"
        )
    columns = list(FEATURE_COLUMNS)
    result = permutation_importance(
        model,
        holdout[columns],
        holdout[TARGET],
        scoring="neg_mean_absolute_error",
        n_repeats=repeats,
        random_state=seed,
    )
    by_column = dict(zip(columns, result.importances_mean, strict=True))
    return {name: max(0.0, float(by_column[_raw_column(name)])) for name in MONITORED_FEATURES}


def _raw_column(feature: str) -> str:
    return {value: key for key, value in RAW_TO_FEATURE.items()}.get(feature, feature)


def weighted_drift(drift: pd.DataFrame, importance: dict | None) -> pd.DataFrame:
    """Add each feature's `kind`, importance `weight` (share of the total) and `weighted_psi`.

    Without an importance, every monitored feature weighs the same (1 / their number).
    """
    drift = drift.copy()
    drift["kind"] = np.where(drift["feature"].isin(CALENDAR_FEATURES), "calendar", "weather")
    if importance is None:
        drift["weight"] = 1 / len(MONITORED_FEATURES)
    else:
        missing = sorted(set(MONITORED_FEATURES) - set(importance))
        if missing:
            raise ValueError(
                f"importance: expected a value for every monitored feature, missing {missing}; "
                "build it with monitor.feature_importance(model, holdout)"
            )
        total = sum(max(0.0, float(importance[name])) for name in MONITORED_FEATURES)
        drift["weight"] = [
            max(0.0, float(importance[name])) / total if total > 0 else 0.0
            for name in drift["feature"]
        ]
    drift["weighted_psi"] = drift["weight"] * drift["psi"]
    return drift


def weekly_errors(labelled: pd.DataFrame) -> pd.DataFrame:
    """MAE and mean actual/predicted per week of the year (from the `day` feature).

    `labelled`: served rows with `day`, the target and `prediction`, none missing. Week 1 is days
    1-7, week 2 days 8-14, and so on. Returns one row per week present, in week order, with the
    columns `week`, `rows`, `mae`, `actual` (mean target) and `predicted` (mean prediction).
    """
    frame = labelled.assign(
        week=(labelled["day"].astype(int) - 1) // 7 + 1,
        abs_error=(labelled[TARGET] - labelled["prediction"]).abs(),
    )
    return (
        frame.groupby("week")
        .agg(
            rows=("abs_error", "size"),
            mae=("abs_error", "mean"),
            actual=(TARGET, "mean"),
            predicted=("prediction", "mean"),
        )
        .reset_index()
    )


@dataclass
class MonitorSummary:
    rows: int
    labelled_rows: int
    max_feature_psi: float
    drifted_features: list[str]
    prediction_psi: float
    prediction_ks_statistic: float
    reference_mae: float | None
    current_mae: float | None
    mae_change: float | None
    retrain_due: bool
    rule: str
    psi_threshold: float
    mae_degradation: float
    # Calendar features whose PSI is above the threshold: reported, never part of the alarm.
    calendar_shift: list[str] = field(default_factory=list)
    # Weather PSI weighted by importance share, summed, and its threshold.
    weather_drift: float = 0.0
    weighted_drift_threshold: float = WEIGHTED_DRIFT_THRESHOLD
    importance_source: str = ""
    # Normalised error: MAE / mean actual demand of the same rows.
    reference_demand: float | None = None
    current_demand: float | None = None
    reference_normalised_error: float | None = None
    current_normalised_error: float | None = None
    normalised_error_change: float | None = None
    # Delayed labels: rows still waiting for theirs at monitoring time, and what that hides.
    pending_rows: int = 0
    pending_share: float = 0.0
    pending_prediction_psi: float | None = None
    first_pending_hour: float | None = None
    last_labelled_hour: float | None = None
    label_note: str = ""
    reasons: list[str] = field(default_factory=list)
    features: list[dict] = field(default_factory=list)
    weekly: list[dict] = field(default_factory=list)
    html_path: str = ""
    json_path: str = ""


def summarise(
    reference: pd.DataFrame,
    reference_predictions,
    current: pd.DataFrame,
    reference_mae: float | None,
    psi_threshold: float = PSI_THRESHOLD,
    mae_degradation: float = MAE_DEGRADATION,
    *,
    importance: dict | None = None,
    reference_demand: float | None = None,
    weighted_drift_threshold: float = WEIGHTED_DRIFT_THRESHOLD,
) -> MonitorSummary:
    """Pure drift/performance summary; `current` has features, `prediction` and maybe labels.

    Retraining is due when the weather features' drift weighted by `importance` (see
    `feature_importance`) exceeds `weighted_drift_threshold`, or when the normalised error (MAE /
    mean actual demand) is more than `mae_degradation` above the reference's. `reference_mae`
    and `reference_demand` (the mean actual demand) come from the same rows, the holdout; without
    `reference_demand` the mean target of `reference` stands in.
    """
    drift = weighted_drift(feature_drift(reference, current), importance)
    prediction_ks = stats.ks_2samp(reference_predictions, current["prediction"])
    labelled = current.dropna(subset=[TARGET]) if TARGET in current else current.iloc[:0]
    weekly = weekly_errors(labelled) if len(labelled) else pd.DataFrame()
    current_mae = (
        float((labelled[TARGET] - labelled["prediction"]).abs().mean()) if len(labelled) else None
    )
    mae_change = (
        current_mae / reference_mae - 1 if current_mae is not None and reference_mae else None
    )
    if reference_demand is None and TARGET in reference and reference[TARGET].notna().any():
        reference_demand = float(reference[TARGET].mean())
    current_demand = float(labelled[TARGET].mean()) if len(labelled) else None
    reference_error = (
        reference_mae / reference_demand if reference_mae is not None and reference_demand else None
    )
    current_error = (
        current_mae / current_demand if current_mae is not None and current_demand else None
    )
    error_change = (
        current_error / reference_error - 1
        if current_error is not None and reference_error
        else None
    )
    status = label_status(current)
    pending = (
        current[TARGET].isna().to_numpy() if TARGET in current else np.ones(len(current), bool)
    )
    pending_psi = (
        psi(reference_predictions, current.loc[pending, "prediction"]) if pending.any() else None
    )
    over = drift["psi"] > psi_threshold
    calendar = drift["kind"] == "calendar"
    drifted = drift.loc[over & ~calendar, "feature"].tolist()
    calendar_shift = drift.loc[over & calendar, "feature"].tolist()
    weather_drift = float(drift.loc[~calendar, "weighted_psi"].sum())
    reasons = []
    if weather_drift > weighted_drift_threshold:
        top = drift.loc[~calendar].sort_values("weighted_psi", ascending=False).head(2)
        reasons.append(
            f"importance-weighted weather PSI {weather_drift:.2f} > {weighted_drift_threshold} "
            f"(mostly {', '.join(top['feature'])})"
        )
    if error_change is not None and error_change > mae_degradation:
        reasons.append(
            f"normalised error (MAE / mean demand) {current_error:.3f} is {error_change:+.0%} "
            f"vs reference {reference_error:.3f}"
        )
    return MonitorSummary(
        rows=len(current),
        labelled_rows=len(labelled),
        max_feature_psi=float(drift["psi"].max()),
        drifted_features=drifted,
        prediction_psi=psi(reference_predictions, current["prediction"]),
        prediction_ks_statistic=float(prediction_ks.statistic),
        reference_mae=reference_mae,
        current_mae=current_mae,
        mae_change=mae_change,
        retrain_due=bool(reasons),
        rule=(
            f"retrain when the weather features' PSI weighted by permutation importance sums to "
            f"more than {weighted_drift_threshold}, or the normalised error (MAE / mean demand) "
            f"is more than {mae_degradation:.0%} above the reference's; calendar features "
            f"(PSI > {psi_threshold}: {', '.join(calendar_shift) or 'none'}) are reported, "
            "not alarmed on"
        ),
        psi_threshold=psi_threshold,
        mae_degradation=mae_degradation,
        calendar_shift=calendar_shift,
        weather_drift=weather_drift,
        weighted_drift_threshold=weighted_drift_threshold,
        importance_source=(
            "permutation importance on the holdout"
            if importance is not None
            else "none given: every feature weighs the same"
        ),
        reference_demand=reference_demand,
        current_demand=current_demand,
        reference_normalised_error=reference_error,
        current_normalised_error=current_error,
        normalised_error_change=error_change,
        pending_rows=status["pending_rows"],
        pending_share=status["pending_share"],
        pending_prediction_psi=pending_psi,
        first_pending_hour=status["first_pending_hour"],
        last_labelled_hour=status["last_labelled_hour"],
        label_note=_label_note(status, pending_psi),
        reasons=reasons,
        features=drift.to_dict("records"),
        weekly=weekly.to_dict("records"),
    )


def _label_note(status: dict, pending_psi: float | None) -> str:
    """One sentence on what the monitor can and cannot know before the labels arrive."""
    if status["pending_rows"] == 0:
        return f"all {status['rows']} served rows have their labels"
    return (
        f"{status['pending_rows']} of {status['rows']} served rows "
        f"({status['pending_share']:.1%}) still await their labels (from "
        f"{describe_hour(status['first_pending_hour'])}; last labelled hour "
        f"{describe_hour(status['last_labelled_hour'])}): their error is unknown, the error rule "
        f"and retraining use only arrived labels, and for those hours prediction drift is the "
        f"only signal (prediction PSI {'n/a' if pending_psi is None else f'{pending_psi:.2f}'})"
    )


def read_prediction_log(
    path, since: float | None = None, as_of: float | None = None
) -> pd.DataFrame:
    """Logged predictions (one row per scored item), joined with the labels known at `as_of`.

    `path` is the SQLite prediction log (table `predictions`; table `labels`, written by
    `record_labels`, may not exist yet). `since`: only predictions with `ts >= since` (None: all).
    Every logged prediction comes back: join the labels on (`request_id`, `item`) keeping rows
    without a label, so a row whose label has not arrived by `as_of` (a label with `arrived_at` >
    `as_of`, or none yet) has a missing target and counts as pending. Labels recorded without an
    arrival time count as arrived; `as_of=None`: every recorded label. The column `label_arrived_at`
    says when each joined label arrived (missing when pending, and for every row when there is no
    labels table, then with a missing target too). A labels table written before labels had arrival
    times gets the column first (`_ensure_arrival_column`). Feature columns come back with the
    schema's types (`FEATURE_DTYPES`), like rows from `data.load`. Use query parameters, never
    values pasted into SQL, and close the connection whatever happens.
    """
    connection = sqlite3.connect(path)
    try:
        query = "SELECT * FROM predictions" + (" WHERE ts >= ?" if since else "")
        frame = pd.read_sql_query(query, connection, params=(since,) if since else None)
        frame = frame.astype(FEATURE_DTYPES)
        has_labels = connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='labels'"
        ).fetchone()
        if has_labels:
            _ensure_arrival_column(connection)
            labels_query = (
                f"SELECT request_id, item, {TARGET}, arrived_at AS label_arrived_at FROM labels"
            )
            if as_of is not None:
                labels_query += " WHERE arrived_at IS NULL OR arrived_at <= ?"
            params = (as_of,) if as_of is not None else None
            labels = pd.read_sql_query(labels_query, connection, params=params)
            frame = frame.merge(labels, on=["request_id", "item"], how="left")
        else:
            frame[TARGET] = np.nan
            frame["label_arrived_at"] = np.nan
    finally:
        connection.close()
    return frame


def _ensure_arrival_column(connection: sqlite3.Connection) -> None:
    """Add `arrived_at` to a labels table written before labels had arrival times."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(labels)")}
    if "arrived_at" not in columns:
        with connection:
            connection.execute("ALTER TABLE labels ADD COLUMN arrived_at REAL")


def record_labels(path, labels: pd.DataFrame) -> int:
    """Store labels (columns request_id, item, the target and optionally `arrived_at`).

    `arrived_at` is when each label became known, on the clock the monitor's `as_of` uses; a
    label without it counts as known whenever the log is read.
    """
    missing = [name for name in ("request_id", "item", TARGET) if name not in labels]
    if missing:
        raise ValueError(
            f"record_labels: expected columns request_id, item, {TARGET} (and optionally "
            f"arrived_at), missing {missing}"
        )
    arrived = labels["arrived_at"] if "arrived_at" in labels else pd.Series(np.nan, labels.index)
    rows = zip(
        labels["request_id"],
        labels["item"].astype(int),
        labels[TARGET].astype(float),
        (None if pd.isna(value) else float(value) for value in arrived),
        strict=True,
    )
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(
                f"CREATE TABLE IF NOT EXISTS labels (request_id TEXT, item INTEGER, {TARGET} REAL, "
                "arrived_at REAL, PRIMARY KEY (request_id, item))"
            )
        _ensure_arrival_column(connection)
        with connection:
            connection.executemany(
                f"INSERT OR REPLACE INTO labels (request_id, item, {TARGET}, arrived_at) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
    finally:
        connection.close()
    return len(labels)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _figure_base64(fig) -> str:
    return base64.b64encode(png_bytes(fig)).decode("ascii")


def _plots(summary: MonitorSummary, reference, reference_predictions, current) -> list[tuple]:
    plots = []
    features = pd.DataFrame(summary.features)
    fig = figure(6, 3.5)
    ax = fig.subplots()
    colours = np.where(features["kind"] == "calendar", "lightgray", "tab:blue")
    ax.barh(features["feature"], features["psi"], color=colours)
    ax.axvline(summary.psi_threshold, color="red", ls="--", lw=1)
    ax.set(xlabel="PSI", title="Feature drift (PSI) vs reference; grey: calendar, not alarmed")
    plots.append(("Feature drift", _figure_base64(fig)))
    fig = figure(6, 3.5)
    ax = fig.subplots()
    ax.hist(reference_predictions, bins=40, alpha=0.5, density=True, label="reference")
    ax.hist(current["prediction"], bins=40, alpha=0.5, density=True, label="served")
    ax.set(xlabel="predicted bikers", title="Prediction drift")
    ax.legend()
    plots.append(("Prediction drift", _figure_base64(fig)))
    ref_matrix = pd.DataFrame(build_features(reference), columns=FEATURE_NAMES)
    cur_matrix = pd.DataFrame(build_features(current), columns=FEATURE_NAMES)
    for name in features["feature"].head(3):
        fig = figure(6, 3)
        ax = fig.subplots()
        ax.hist(ref_matrix[name], bins=30, alpha=0.5, density=True, label="reference")
        ax.hist(cur_matrix[name], bins=30, alpha=0.5, density=True, label="served")
        ax.set(title=f"{name}", xlabel=name)
        ax.legend()
        plots.append((f"Distribution of {name}", _figure_base64(fig)))
    if summary.weekly:
        weekly = pd.DataFrame(summary.weekly)
        fig = figure(6, 3)
        ax = fig.subplots()
        ax.plot(weekly["week"], weekly["mae"], marker="o", label="weekly MAE")
        if summary.reference_mae:
            ax.axhline(summary.reference_mae, color="gray", ls="--", label="reference MAE")
        ax.set(xlabel="week of year", ylabel="MAE", title="Error by week")
        ax.legend()
        plots.append(("Error by week", _figure_base64(fig)))
    return plots


def write_report(
    summary: MonitorSummary, reference, reference_predictions, current, folder
) -> MonitorSummary:
    """Write a one-file HTML report (PNG plots embedded) and a JSON summary into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary.html_path = str(folder / "drift_report.html")
    summary.json_path = str(folder / "drift_summary.json")
    Path(summary.json_path).write_text(json.dumps(asdict(summary), indent=2, default=float))
    verdict = "RETRAIN DUE" if summary.retrain_due else "no retraining needed"
    table = pd.DataFrame(summary.features).to_html(index=False, float_format="%.3f")
    images = "".join(
        f"<h3>{html.escape(title)}</h3><img src='data:image/png;base64,{data}'/>"
        for title, data in _plots(summary, reference, reference_predictions, current)
    )
    reasons = "".join(f"<li>{html.escape(reason)}</li>" for reason in summary.reasons)
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Drift report</title>
<style>body{{font-family:sans-serif;max-width:900px;margin:auto}}td,th{{padding:2px 8px}}</style>
</head><body><h1>Bike-share demand: drift and performance</h1>
<p><b>{verdict}</b>. Rule: {html.escape(summary.rule)}.</p><ul>{reasons}</ul>
<p>{summary.rows} served rows, {summary.labelled_rows} with labels.
Labels: {html.escape(summary.label_note)}. Current MAE:
{summary.current_mae if summary.current_mae is None else round(summary.current_mae, 2)};
reference MAE: {summary.reference_mae if summary.reference_mae is None else round(summary.reference_mae, 2)}.
Normalised error (MAE / mean demand): {_fmt(summary.current_normalised_error)} vs reference
{_fmt(summary.reference_normalised_error)}. Importance-weighted weather PSI
{summary.weather_drift:.3f} (weights: {html.escape(summary.importance_source)}); calendar features
shifted by construction: {html.escape(", ".join(summary.calendar_shift) or "none")}.
Prediction PSI {summary.prediction_psi:.3f}, KS {summary.prediction_ks_statistic:.3f}.</p>
<h2>Per-feature drift</h2>{table}<h2>Plots</h2>{images}</body></html>"""
    Path(summary.html_path).write_text(page)
    return summary


def monitor(
    reference: pd.DataFrame,
    reference_predictions,
    log_path,
    reference_mae: float | None,
    folder,
    psi_threshold: float = PSI_THRESHOLD,
    mae_degradation: float = MAE_DEGRADATION,
    since: float | None = None,
    *,
    importance: dict | None = None,
    reference_demand: float | None = None,
    weighted_drift_threshold: float = WEIGHTED_DRIFT_THRESHOLD,
    as_of: float | None = None,
) -> MonitorSummary:
    """Read the prediction log (labels known at `as_of`), summarise, write the HTML + JSON report."""
    current = read_prediction_log(log_path, since=since, as_of=as_of)
    if current.empty:
        raise ValueError(f"no logged predictions in {log_path}; serve some traffic first")
    summary = summarise(
        reference,
        reference_predictions,
        current,
        reference_mae,
        psi_threshold,
        mae_degradation,
        importance=importance,
        reference_demand=reference_demand,
        weighted_drift_threshold=weighted_drift_threshold,
    )
    return write_report(summary, reference, reference_predictions, current, folder)
