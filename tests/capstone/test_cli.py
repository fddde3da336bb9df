import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from capstone.cli import main
from capstone.config import PACKAGE_DIR, REPO_DIR, Settings
from capstone.serve import free_port


def test_validate_command_ok_and_bad(tmp_path, capsys, bike_data):
    assert main(["validate"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 8645
    bad = bike_data.head(20).copy()
    bad.loc[16, "hum"] = 1.7
    bad.to_csv(tmp_path / "bad.csv", index=False)
    assert main(["validate", "--input", str(tmp_path / "bad.csv")]) == 1
    assert "row 17, column 'hum': 1.7 is outside [0, 1]" in capsys.readouterr().err


@pytest.mark.slow
def test_story_end_to_end_on_a_small_slice(tmp_path):
    from capstone.story import format_summary, run_story

    settings = Settings(
        runs_dir=tmp_path / "runs",
        store_uri="",
        train_months=(1, 2),
        serve_months=(5, 6),
    )
    summary = run_story(settings, rows_per_request=400)
    metrics = summary["holdout_metrics"]
    assert metrics["hgb"]["mae"] < metrics["baseline"]["mae"]
    assert summary["served_rows"] == 744 + 720
    assert summary["drift"]["retrain_due"] and "temp" in summary["drift"]["drifted_features"]
    retrain = summary["retrain"]
    assert retrain["holdout_months"] == [6]
    assert retrain["promoted"], retrain["reason"]
    assert retrain["challenger_metrics"]["mae"] < retrain["champion_metrics"]["mae"]
    interval = retrain["interval"]
    assert interval["low"] <= interval["mean_difference"] <= interval["high"] < 0
    assert interval["mean_difference"] == pytest.approx(
        retrain["challenger_metrics"]["mae"] - retrain["champion_metrics"]["mae"]
    )
    assert f"[{interval['low']:+.2f}, {interval['high']:+.2f}]" in format_summary(summary)
    assert summary["api_after_reload"]["model_version"] == retrain["challenger_version"]
    assert Path(summary["report"]).read_text().startswith("<!doctype html>")
    # Re-running on the same store must not trip over existing names.
    again = run_story(settings, rows_per_request=800)
    assert int(again["retrain"]["challenger_version"]) > int(retrain["challenger_version"])


def _dockerfile_cmd() -> list[str]:
    text = (PACKAGE_DIR / "Dockerfile").read_text()
    match = re.search(r"^CMD\s+(\[.*\])\s*$", text, flags=re.MULTILINE)
    assert match, "Dockerfile needs an exec-form CMD"
    return json.loads(match.group(1))


@pytest.mark.slow
def test_dockerfile_cmd_serves_health(trained):
    had_runs_dir = (PACKAGE_DIR / "runs").exists()
    argv = _dockerfile_cmd()
    assert argv[:4] == ["python", "-m", "capstone", "serve"]
    port = free_port()
    argv = [sys.executable, *argv[1:]]
    argv[argv.index("--host") + 1] = "127.0.0.1"
    argv[argv.index("--port") + 1] = str(port)
    settings = trained["settings"]
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": settings.tracking_uri,
        "CAPSTONE_RUNS_DIR": str(settings.runs_dir),
        "PYTHONPATH": str(REPO_DIR),
    }
    process = subprocess.Popen(
        argv, cwd=REPO_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline, health = time.monotonic() + 120, None  # a busy shared machine is slow
        while time.monotonic() < deadline and process.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert health is not None, f"{shlex.join(argv)} did not serve: {process.stderr.read1()}"
        assert health["status"] == "ok"
        assert health["model_version"] == trained["champion_version"]
        assert not (PACKAGE_DIR / "runs").exists() or had_runs_dir
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_story_against_a_real_mlflow_server(tmp_path):
    """MLFLOW_TRACKING_URI pointing at `mlflow server` works unchanged (loopback only)."""
    import mlflow

    from capstone.story import run_story

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", f"sqlite:///{tmp_path / 'server.db'}",
         "--artifacts-destination", str(tmp_path / "server-artifacts"), "--workers", "1"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        env={**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true"},
    )  # fmt: skip
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "mlflow server did not start in 90 s"
            try:
                if httpx.get(f"{uri}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        settings = Settings(runs_dir=tmp_path / "runs", store_uri=uri,
                            train_months=(1, 2), serve_months=(5, 6))  # fmt: skip
        summary = run_story(settings, rows_per_request=800)
        assert summary["tracking_uri"] == uri
        assert summary["retrain"]["promoted"], summary["retrain"]["reason"]
        client = mlflow.MlflowClient(uri, uri)
        champion = client.get_model_version_by_alias(settings.model_name, "champion")
        assert champion.version == summary["retrain"]["challenger_version"]
        run = client.get_run(summary["runs"]["hgb"])
        assert run.data.metrics["holdout_mae"] == pytest.approx(
            summary["holdout_metrics"]["hgb"]["mae"]
        )
        assert any((tmp_path / "server-artifacts").rglob("MLmodel")), "artifacts not on server"
        assert not (tmp_path / "runs" / "mlflow.db").exists()  # nothing went to the local store
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_register_with_no_training_run_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(SystemExit, match="python -m capstone train"):
        main(["--runs-dir", str(tmp_path), "register"])
    assert (tmp_path / "mlflow.db").exists()  # the store followed --runs-dir


def test_cli_kinds_are_the_trainers():
    from capstone import cli, train

    assert cli.MODEL_KINDS == train.MODEL_KINDS  # kept apart so `--help` imports no torch
