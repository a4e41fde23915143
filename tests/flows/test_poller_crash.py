"""Kill the poller with SIGKILL at different points of its cycle: nothing lost, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from resync_clients.events import JOB_ABEND, JOB_FAIL
from tests.fixtures.prefect import read_events

# Seconds after start at which a cycle is killed: from start-up (imports) through the plan
# read, the joblog fetches, the commit and the event publishing.
KILL_AFTER_SECONDS = (2.0, 4.5, 6.0, 7.5, 9.0, 11.0)


def poller_process(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "resync_flows.cli", "poll", "--once"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
    )


@pytest.mark.slow
def test_sigkill_at_any_point_loses_no_transition_and_duplicates_no_event(
    poller_settings, poller_simulator, store
):
    from prefect.settings import PREFECT_API_URL

    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    injected: list[str] = []
    # Slow responses stretch a cycle over several seconds so the kills land inside it.
    poller_simulator.set_faults(latency_ms=120)
    for delay in KILL_AFTER_SECONDS:
        injected.append(poller_simulator.engine.inject())
        process = poller_process(env)
        time.sleep(delay)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    poller_simulator.clear_faults()
    injected.append(poller_simulator.engine.inject())
    final = poller_process(env)
    _, stderr = final.communicate(timeout=240)
    assert final.returncode == 0, stderr.decode(errors="replace")[-2000:]

    with store.connection() as conn:
        failed = {
            row["run_id"]: row
            for row in conn.execute(
                "SELECT r.run_id, r.internal_status, r.joblog_text IS NOT NULL AS has_log"
                " FROM job_runs r WHERE r.run_id = ANY(%s)",
                (injected,),
            )
        }
        transitions = conn.execute(
            "SELECT run_id, to_internal_status FROM job_status_transitions"
            " WHERE run_id = ANY(%s) AND to_internal_status IN ('ABEND', 'FAIL')",
            (injected,),
        ).fetchall()
        pending = conn.execute(
            "SELECT count(*) AS n FROM event_outbox WHERE emitted_at IS NULL"
        ).fetchone()["n"]

    assert set(failed) == set(injected), "every failed run is stored"
    assert all(row["internal_status"] in {"ABEND", "FAIL"} for row in failed.values())
    assert all(row["has_log"] for row in failed.values()), "every failed run has its joblog"
    assert sorted(t["run_id"] for t in transitions) == sorted(injected)
    assert pending == 0, "every committed event was sent"

    announced: list[dict] = []
    for name in (JOB_ABEND, JOB_FAIL):
        announced += read_events(name, where=lambda e: e["payload"].get("run_id") in set(injected))
    deadline = time.monotonic() + 20
    while len(announced) < len(injected) and time.monotonic() < deadline:
        time.sleep(1)
        announced = [
            e
            for name in (JOB_ABEND, JOB_FAIL)
            for e in read_events(name, where=lambda e: e["payload"].get("run_id") in set(injected))
        ]
    run_ids = [event["payload"]["run_id"] for event in announced]
    assert sorted(run_ids) == sorted(injected), "each failure announced exactly once"
