"""The job-trace workload series that the outside-series forecast bench is measured on."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.swf_series import load, read_trace, workload_series

# 1993-10-01 07:00:00 UTC, i.e. 23:00 PST the day before: the series start an hour later.
HEADER = """; Version: 2.2
; UnixStartTime: 749458800
; TimeZone: -28800
; EndTime:   (this copy stops at 1993-10-03 00:00 PST)
"""


def _job(number: int, start: int, run: int, procs: int, user: int) -> str:
    fields = [number, start, -1, run, procs, -1, -1, -1, -1, -1, -1, user, 1, 1, 1, -1, -1, -1]
    return " ".join(str(f) for f in fields)


def _write(path: Path, jobs: list[str]) -> Path:
    with gzip.open(path, "wt") as handle:
        handle.write(HEADER + "\n".join(jobs) + "\n")
    return path


def test_busy_processors_count_each_job_for_the_time_it_runs_in_each_hour(tmp_path: Path) -> None:
    hour = 3600
    trace = read_trace(
        _write(
            tmp_path / "t.swf.gz",
            [
                # Starts at 23:30 PST before the first midnight: only its 30 minutes after
                # midnight count, and it is not a job started in the series.
                _job(1, hour // 2, hour, 64, 7),
                # Starts at 01:15, runs 90 minutes on 32 processors: 45 min in 01:00-02:00,
                # 45 min in 02:00-03:00.
                _job(2, hour + hour + hour // 4, 90 * 60, 32, 8),
                # Zero run time: no busy time, but a job started (a failed launch).
                _job(3, 3 * hour, 0, 8, 8),
            ],
        )
    )
    series = workload_series(trace, pd.Timedelta(hours=1))
    busy = series["busy"]
    assert busy.index[0] == pd.Timestamp("1993-10-01 00:00")
    assert len(busy) == 48
    np.testing.assert_allclose(busy.to_numpy()[:4], [32.0, 24.0, 24.0, 0.0])
    assert busy.to_numpy()[4:].sum() == 0
    # A job with no run time still started (02:00); the one before midnight is not counted.
    np.testing.assert_allclose(series["jobs"].to_numpy()[:4], [0.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(series["cpu"].to_numpy()[1], 32 * 1.5)
    # Users rank by processor-hours (64 for the first job's user, 48 for the other's), and
    # their loads add up to the total.
    np.testing.assert_allclose(series["user1"] + series["user2"], busy)
    assert series["user1"].to_numpy()[0] == pytest.approx(32.0)
    assert series["user2"].to_numpy()[1] == pytest.approx(24.0)


def test_daily_series_cover_whole_local_days(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.swf.gz", [_job(1, 2 * 3600, 12 * 3600, 128, 1)])
    daily = workload_series(read_trace(path), pd.Timedelta(days=1))["busy"]
    assert list(daily.index) == [pd.Timestamp("1993-10-01"), pd.Timestamp("1993-10-02")]
    np.testing.assert_allclose(daily.to_numpy(), [128 * 12 / 24, 0.0])


def test_a_missing_trace_gives_none_so_benches_can_skip(tmp_path: Path) -> None:
    assert load(tmp_path / "absent.swf.gz") is None
