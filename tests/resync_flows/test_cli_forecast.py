"""The forecast and anomalies commands, run as a user runs them (a real subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_series(path: Path, values, start="2026-01-01 00:00:00", freq="h") -> Path:
    times = pd.date_range(start, periods=len(values), freq=freq)
    rows = (f"{t:%Y-%m-%d %H:%M:%S},{v:.4f}" for t, v in zip(times, values, strict=True))
    lines = ["timestamp,value", *rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def growing_cpu(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    hours = np.arange(24 * 21)
    values = 30 + 0.08 * hours + 8 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 1, hours.size)
    return write_series(tmp_path / "cpu.csv", values)


def test_forecast_json_has_the_contract_shape(growing_cpu):
    result = run("forecast", "series", str(growing_cpu), "--horizon", "48", "--threshold", "80",
                 "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"method", "step_seconds", "forecast", "threshold_eta", "notes"}
    assert document["step_seconds"] == 3600
    points = document["forecast"]
    assert len(points) == 48
    assert all(set(p) == {"timestamp", "value", "lower", "upper"} for p in points)
    assert points[0]["timestamp"] == "2026-01-22 00:00:00"
    assert points[-1]["timestamp"] == "2026-01-23 23:00:00"
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in points)
    eta = document["threshold_eta"]
    assert eta is not None and set(eta) == {"timestamp", "lower", "upper"}
    assert eta["lower"] <= eta["timestamp"]


def test_threshold_out_of_reach_gives_null_eta(growing_cpu):
    result = run("forecast", "series", str(growing_cpu), "--horizon", "5", "--threshold", "1000",
                 "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["threshold_eta"] is None


def test_gaps_and_shuffled_rows_still_forecast(tmp_path):
    path = write_series(tmp_path / "gappy.csv", np.linspace(10, 20, 60))
    header, *rows = path.read_text().splitlines()
    del rows[10:13]
    rows.reverse()
    path.write_text("\n".join([header, *rows]) + "\n")
    result = run("forecast", "series", str(path), "--horizon", "3", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["forecast"]) == 3
    readable = run("forecast", "series", str(path), "--horizon", "3")
    assert readable.returncode == 0
    assert "missing point(s) filled" in readable.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,level\n2026-01-01,1\n", "missing column"),
        ("timestamp,value\n" + "".join(f"2026-01-0{d},x\n" for d in range(1, 10)), "non-numeric"),
        ("timestamp,value\n2026-01-01,1\n2026-01-02,2\n", "at least"),
    ],
)
@pytest.mark.parametrize("command", [("forecast", "series"), ("anomalies", "detect")])
def test_bad_input_exits_2_with_a_message(tmp_path, text, message, command):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    extra = ("--horizon", "3") if command[0] == "forecast" else ()
    result = run(*command, str(path), *extra, "--json")
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_non_positive_horizon_exits_2(growing_cpu):
    result = run("forecast", "series", str(growing_cpu), "--horizon", "0", "--json")
    assert result.returncode == 2
    assert "horizon" in result.stderr


def test_anomalies_json_lists_the_planted_spike(tmp_path):
    rng = np.random.default_rng(2)
    values = 20 + rng.normal(0, 0.5, 600)
    values[400] = 45
    path = write_series(tmp_path / "spike.csv", values, freq="5min")
    result = run("anomalies", "detect", str(path), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert list(document) == ["anomalies"]
    stamps = [a["timestamp"] for a in document["anomalies"]]
    assert stamps == ["2026-01-02 09:20:00"]
    assert 0.5 <= document["anomalies"][0]["score"] <= 1


def test_flat_series_has_no_anomalies_on_the_command_line(tmp_path):
    path = write_series(tmp_path / "flat.csv", np.full(300, 7.0))
    result = run("anomalies", "detect", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"anomalies": []}
