"""``forecast series`` on a long CSV (``series,timestamp,value``): one object per series."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", "forecast", "series", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def series_values() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    hours = np.arange(24 * 7)
    return {
        # "zeta" first in the file: output follows first appearance, not names.
        "zeta": 40 + 0.1 * hours + rng.normal(0, 1, hours.size),
        "alpha": 20 + 5 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 0.5, hours.size),
    }


def write_long(path: Path) -> Path:
    times = pd.date_range("2026-02-01", periods=24 * 7, freq="h")
    values = series_values()
    lines = ["series,timestamp,value"]
    for i, moment in enumerate(times):  # interleaved rows
        for name, column in values.items():
            lines.append(f"{name},{moment:%Y-%m-%dT%H:%M:%S},{column[i]:.4f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_single(path: Path, name: str) -> Path:
    times = pd.date_range("2026-02-01", periods=24 * 7, freq="h")
    column = series_values()[name]
    rows = [f"{t:%Y-%m-%dT%H:%M:%S},{v:.4f}" for t, v in zip(times, column, strict=True)]
    path.write_text("\n".join(["timestamp,value", *rows]) + "\n")
    return path


def test_long_csv_prints_one_object_per_series_in_first_appearance_order(tmp_path):
    result = run(str(write_long(tmp_path / "long.csv")), "--horizon", "6", "--threshold", "55",
                 "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["series"] for o in objects] == ["zeta", "alpha"]
    for document in objects:
        assert set(document) == {
            "series", "method", "step_seconds", "forecast", "threshold_eta", "notes"
        }  # fmt: skip
        assert document["step_seconds"] == 3600
        assert len(document["forecast"]) == 6


def test_each_series_gets_the_same_object_as_its_own_file(tmp_path):
    long = run(str(write_long(tmp_path / "long.csv")), "--horizon", "4", "--json")
    assert long.returncode == 0, long.stderr
    for line in long.stdout.splitlines():
        document = json.loads(line)
        name = document.pop("series")
        single = run(str(write_single(tmp_path / f"{name}.csv", name)), "--horizon", "4", "--json")
        assert single.returncode == 0, single.stderr
        assert json.dumps(document) + "\n" == single.stdout


def test_long_csv_bad_timestamp_names_its_line(tmp_path):
    path = write_long(tmp_path / "long.csv")
    lines = path.read_text().splitlines()
    lines[4] = "alpha,tuesday,3"
    path.write_text("\n".join(lines) + "\n")
    result = run(str(path), "--horizon", "3", "--json")
    assert result.returncode == 2
    assert "unreadable timestamp on line(s) 5" in result.stderr


def test_long_csv_too_short_series_is_named(tmp_path):
    path = write_long(tmp_path / "long.csv")
    path.write_text(path.read_text() + "tiny,2026-02-01T00:00:00,1\n")
    result = run(str(path), "--horizon", "3", "--json")
    assert result.returncode == 2
    assert "[tiny]" in result.stderr
    assert result.stdout == ""


def test_long_csv_missing_value_column_is_named(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("series,timestamp\na,2026-02-01T00:00:00\n")
    result = run(str(path), "--horizon", "3", "--json")
    assert result.returncode == 2
    assert "missing column(s) value" in result.stderr


def test_long_csv_notes_say_what_was_done_to_each_series(tmp_path):
    rng = np.random.default_rng(5)
    times = pd.date_range("2026-02-01", periods=24 * 14, freq="h")
    shifted = 50 + 5 * np.sin(2 * np.pi * np.arange(times.size) / 24) + rng.normal(0, 1, times.size)
    shifted[24 * 9 :] += 30  # moved to a busier host on day 10
    lines = ["series,timestamp,value"]
    lines += [f"busy,{t:%Y-%m-%dT%H:%M:%S},{v:.4f}" for t, v in zip(times, shifted, strict=True)]
    # A short series with a gap: too short to backtest, gap filled.
    lines += [f"short,2026-02-01T{h:02d}:00:00,{10 + h}" for h in range(10) if h != 5]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    result = run(str(path), "--horizon", "24", "--json")
    assert result.returncode == 0, result.stderr
    busy, short = (json.loads(line) for line in result.stdout.splitlines())
    assert any("level shift of +" in note and "2026-02-10" in note for note in busy["notes"])
    # The forecast continues from the new level, not the average of both.
    assert min(p["value"] for p in busy["forecast"]) > 65
    assert short["method"] == "naive"
    assert any("short history" in note for note in short["notes"])
    assert any("missing point(s) filled" in note for note in short["notes"])
