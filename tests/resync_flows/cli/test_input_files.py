"""File commands refuse FIFOs and devices at once (they would block or never end)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from resync_flows.cli import app, forecast, inputs

runner = CliRunner()
# Each command with its arguments before the input file and its exit status for bad input.
FILE_COMMANDS = {
    "joblog analyze": (["joblog", "analyze", "--json"], 1),
    "patterns mine": (["patterns", "mine", "--json"], 1),
    "forecast series": (["forecast", "series", "--horizon", "3", "--json"], 2),
    "anomalies detect": (["anomalies", "detect", "--json"], 2),
}


def run_cli(args: list[str]) -> subprocess.CompletedProcess[str]:
    # A real process with a timeout: a command that blocks on its input fails the test.
    return subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("name", FILE_COMMANDS)
def test_a_named_pipe_is_refused_without_blocking(name: str, fifo: Path) -> None:
    args, status = FILE_COMMANDS[name]
    result = run_cli([*args, str(fifo)])
    assert result.returncode == status, result.stderr
    assert "named pipe (FIFO), not a regular file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", FILE_COMMANDS)
def test_dev_zero_is_refused_without_reading_forever(name: str) -> None:
    args, status = FILE_COMMANDS[name]
    result = runner.invoke(app, [*args, "/dev/zero"])
    assert result.exit_code == status, result.output
    assert "/dev/zero: is a character device, not a regular file" in result.output


def test_joblog_analyze_still_analyses_the_regular_files_given_with_a_fifo(
    fifo: Path, tmp_path: Path
) -> None:
    log = tmp_path / "job.log"
    log.write_bytes(b"cp: cannot stat '/data/in.csv': No such file or directory\n")
    result = run_cli(["joblog", "analyze", "--json", str(fifo), str(log)])
    assert result.returncode == 1
    [document] = [json.loads(line) for line in result.stdout.splitlines()]
    assert document["file"] == str(log)
    assert document["category"] == "file_not_found"


def test_a_csv_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "series.csv"
    path.write_text(
        "timestamp,value\n" + "".join(f"2025-01-01T{h:02d}:00:00,1\n" for h in range(24))
    )
    monkeypatch.setattr(inputs, "MAX_CSV_BYTES", 100)
    for name in ("forecast series", "anomalies detect"):
        args, status = FILE_COMMANDS[name]
        result = runner.invoke(app, [*args, str(path)])
        assert result.exit_code == status, result.output
        assert "MiB this command reads" in result.output


@pytest.mark.parametrize("horizon", ["0", "10001", "1000000"])
def test_forecast_refuses_a_horizon_outside_one_to_ten_thousand(
    horizon: str, tmp_path: Path
) -> None:
    path = tmp_path / "series.csv"
    path.write_text(
        "timestamp,value\n" + "".join(f"2025-01-01T{h:02d}:00:00,{h}\n" for h in range(24))
    )
    result = runner.invoke(app, ["forecast", "series", str(path), "--horizon", horizon])
    assert result.exit_code == 2
    assert f"--horizon must be between 1 and {forecast.MAX_HORIZON:,} steps" in result.output


def test_forecast_accepts_the_largest_horizon(tmp_path: Path) -> None:
    path = tmp_path / "series.csv"
    path.write_text(
        "timestamp,value\n" + "".join(f"2025-01-01T{h:02d}:00:00,{h}\n" for h in range(24))
    )
    result = runner.invoke(
        app, ["forecast", "series", str(path), "--horizon", str(forecast.MAX_HORIZON), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["forecast"]) == forecast.MAX_HORIZON


@pytest.mark.parametrize("command", ["forecast series", "anomalies detect"])
def test_values_near_the_float_limit_are_refused_naming_their_lines(
    command: str, tmp_path: Path
) -> None:
    path = tmp_path / "series.csv"
    rows = [f"2025-01-01T{h:02d}:00:00,{1.7e308 if h in (3, 4) else 1.0}" for h in range(24)]
    path.write_text("timestamp,value\n" + "\n".join(rows) + "\n")
    args, status = FILE_COMMANDS[command]
    result = runner.invoke(app, [*args, str(path)])
    assert result.exit_code == status, result.output
    assert "value too large on line(s) 5, 6" in result.output
