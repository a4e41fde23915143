"""Run history read back from PostgreSQL as the maintenance models expect it."""

from datetime import UTC, datetime, timedelta

import numpy as np

from resync_analytics.maintenance.history import run_history_frame
from resync_clients.postgres.job_runs import upsert_job_runs
from resync_clients.postgres.run_history import read_run_history
from resync_core.job_runs import JobRunRecord
from tests.job_runs import job_run

DAY = datetime(2026, 3, 1, tzinfo=UTC)


def run(number: int, *, days_ago: int, failed: bool = False, attempt: int = 1) -> JobRunRecord:
    return job_run(
        "LOAD",
        DAY - timedelta(days=days_ago) + timedelta(hours=1),
        seconds=300.0,
        run_id=f"r{number}",
        failed=failed,
        attempt=attempt,
        start_delay=timedelta(minutes=2),
        deadline_after=timedelta(hours=2),
    )


def test_runs_in_the_window_come_back_typed_oldest_first(store):
    runs = [
        run(1, days_ago=3),
        run(2, days_ago=2, failed=True),
        run(3, days_ago=2, attempt=2),
        run(4, days_ago=40),  # before the window
        run(5, days_ago=0),  # the plan being scored: not history
    ]
    with store.connection() as conn:
        upsert_job_runs(conn, runs)
        conn.execute("UPDATE job_runs SET error_pattern = 'p-ora' WHERE run_id = 'r2'")
        conn.commit()
        frame = run_history_frame(read_run_history(conn, since=DAY - timedelta(days=28), until=DAY))

    assert len(frame) == 3
    assert list(frame["failed"]) == [False, True, False]
    assert list(frame["run_attempt"]) == [1, 1, 2]
    assert frame["job_key"].dtype == "category"
    assert list(frame["error_pattern"]) == [None, "p-ora", None]
    first = runs[0]
    assert frame["sched_time"].iat[0] == first.sched_time.timestamp()
    assert frame["deadline_time"].iat[0] - frame["sched_time"].iat[0] == 7200.0
    assert np.allclose(frame["duration_seconds"], 300.0)


def test_an_empty_window_gives_an_empty_frame_with_the_columns(store):
    with store.connection() as conn:
        frame = run_history_frame(read_run_history(conn, since=DAY - timedelta(days=28), until=DAY))
    assert len(frame) == 0
    assert {"job_key", "failed", "deadline_time"} <= set(frame.columns)
