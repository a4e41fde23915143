"""``--plot FILE`` on the CSV commands, run as a user runs them: the chart goes to the file,
stdout stays byte for byte what the command prints without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.resync_analytics.charts.pngs import png_size


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", *args], capture_output=True, timeout=120
    )


def write_series(path: Path, values: np.ndarray, freq: str) -> Path:
    times = pd.date_range("2026-01-01", periods=len(values), freq=freq)
    rows = (f"{t:%Y-%m-%d %H:%M:%S},{v:.4f}" for t, v in zip(times, values, strict=True))
    path.write_text("\n".join(["timestamp,value", *rows]) + "\n")
    return path


@pytest.fixture
def spike(tmp_path: Path) -> Path:
    values = 20 + np.random.default_rng(2).normal(0, 0.5, 600)
    values[400] = 45
    return write_series(tmp_path / "spike.csv", values, "5min")


@pytest.fixture
def growing(tmp_path: Path) -> Path:
    hours = np.arange(24 * 21)
    noise = np.random.default_rng(0).normal(0, 1, hours.size)
    values = 30 + 0.08 * hours + 8 * np.sin(2 * np.pi * hours / 24) + noise
    return write_series(tmp_path / "cpu.csv", values, "h")


@pytest.mark.parametrize("as_json", [["--json"], []], ids=["json", "readable"])
def test_anomalies_plot_writes_a_png_and_leaves_stdout_unchanged(spike, tmp_path, as_json):
    plain = run("anomalies", "detect", str(spike), *as_json)
    chart = tmp_path / "spike.png"
    plotted = run("anomalies", "detect", str(spike), *as_json, "--plot", str(chart))
    assert plain.returncode == plotted.returncode == 0, plotted.stderr
    assert plotted.stdout == plain.stdout
    assert b"2026-01-02 09:20:00" in plain.stdout
    assert png_size(chart.read_bytes()) == (900, 360)


def test_forecast_plot_writes_a_png_and_leaves_the_json_unchanged(growing, tmp_path):
    args = ("forecast", "series", str(growing), "--horizon", "48", "--threshold", "80", "--json")
    plain = run(*args)
    chart = tmp_path / "out" / "cpu.png"
    chart.parent.mkdir()
    plotted = run(*args, "--plot", str(chart))
    assert plain.returncode == plotted.returncode == 0, plotted.stderr
    assert plotted.stdout == plain.stdout
    assert png_size(chart.read_bytes()) == (900, 360)
    assert [p.name for p in chart.parent.iterdir()] == ["cpu.png"]  # no temporary left


def test_plot_into_a_missing_folder_fails_before_printing(growing, spike, tmp_path):
    chart = tmp_path / "nowhere" / "x.png"
    for args in (
        ("forecast", "series", str(growing), "--horizon", "4", "--json"),
        ("anomalies", "detect", str(spike), "--json"),
    ):
        result = run(*args, "--plot", str(chart))
        assert result.returncode == 2
        assert result.stdout == b""
        assert b"cannot write there" in result.stderr
    assert not chart.parent.exists()


def test_plot_refuses_a_long_csv_of_several_series(tmp_path):
    path = tmp_path / "long.csv"
    times = pd.date_range("2026-01-01", periods=100, freq="h")
    rows = [f"{name},{t:%Y-%m-%d %H:%M:%S},{i % 7}" for name in "ab" for i, t in enumerate(times)]
    path.write_text("\n".join(["series,timestamp,value", *rows]) + "\n")
    chart = tmp_path / "long.png"
    result = run("forecast", "series", str(path), "--horizon", "4", "--json", "--plot", str(chart))
    assert result.returncode == 2
    assert result.stdout == b""
    assert b"--plot draws one series" in result.stderr
    assert not chart.exists()
