"""``resync-flows runtimes backtest``, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "resync_flows.cli", "runtimes", "backtest", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "history.csv"
    path.write_text("\n".join(["job,start,runtime_seconds", *lines]) + "\n")
    return path


def test_json_has_one_object_per_row_in_input_order(tmp_path):
    path = write(
        tmp_path,
        [
            "backup,2026-03-02T01:00:00Z,600",
            "backup,2026-03-01T01:00:00Z,580",
            "report,2026-03-01T03:00:00Z,60",
            "backup,2026-03-03T01:00:00Z,610",
        ],
    )
    result = run(str(path), "--json")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [set(o) for o in objects] == [{"row", "p50", "p90"}] * 4
    assert [o["row"] for o in objects] == [0, 1, 2, 3]
    # Row 1 is backup's earliest run and report has only one: nothing earlier to go on.
    assert objects[1]["p50"] is None and objects[1]["p90"] is None
    assert objects[2]["p50"] is None and objects[2]["p90"] is None
    # Row 0 sees only row 1 (the earlier start), though row 1 comes later in the file.
    assert objects[0]["p50"] == pytest.approx(580, rel=0.2)
    assert objects[0]["p50"] <= objects[0]["p90"]
    assert objects[3]["p50"] <= objects[3]["p90"]


def test_a_later_row_does_not_influence_an_earlier_prediction(tmp_path):
    rows = [f"etl,2026-03-{day:02d}T02:00:00Z,{100 + day}" for day in range(1, 11)]
    first = run(str(write(tmp_path, rows)), "--json").stdout.splitlines()
    rows[-1] = "etl,2026-03-10T02:00:00Z,999999"
    second = run(str(write(tmp_path, rows)), "--json").stdout.splitlines()
    assert len(first) == len(second) == 10
    assert first == second  # the last run's own prediction does not use its runtime either


def test_readable_output_reports_calibration(tmp_path):
    rows = [f"etl,2026-03-{day:02d}T02:00:00Z,{100 + day % 3}" for day in range(1, 21)]
    result = run(str(write(tmp_path, rows)))
    assert result.returncode == 0, result.stderr
    assert "20 runs of 1 jobs; 19 with earlier runs" in result.stdout
    assert "runs above p50" in result.stdout


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["etl,2026-03-01T02:00:00Z,5", "etl,not-a-date,6"], "line 3: unreadable start"),
        (["etl,2026-03-01T02:00:00Z,-5"], "line 2: negative runtime_seconds"),
    ],
)
def test_bad_rows_exit_2_naming_the_line(tmp_path, lines, message):
    result = run(str(write(tmp_path, lines)), "--json")
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_missing_column_is_named(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("job,runtime_seconds\netl,5\n")
    result = run(str(path), "--json")
    assert result.returncode == 2
    assert "missing column(s) start" in result.stderr


def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run(str(fifo), "--json")
    assert result.returncode == 2
    assert "not a regular file" in result.stderr
