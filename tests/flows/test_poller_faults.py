"""The poller against a TWS that misbehaves and a lock session that dies, over real HTTP
(the simulator), real PostgreSQL and a real Prefect API."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from flows.poller import POLLER_LOCK, poll_tws
from resync_analytics.joblog.completeness import has_trailer
from resync_clients.postgres.locks import LockLostError
from resync_clients.tws.errors import TWSProtocolError
from tasks.poll import JOBLOG_MAX_ATTEMPTS, OBSERVE_RETRY_DELAY_SECONDS


def joblog_row(store, run_id: str):  # type: ignore[no-untyped-def]
    with store.connection() as conn:
        return conn.execute(
            "SELECT joblog_text, joblog_complete, joblog_attempts FROM job_runs WHERE run_id = %s",
            (run_id,),
        ).fetchone()


def test_joblog_cut_short_is_stored_as_incomplete_and_fetched_again(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    poller_simulator.set_faults(truncate_joblog_rate=1.0)
    run_id = poller_simulator.engine.inject()
    asyncio.run(poll_tws())
    cut = joblog_row(store, run_id)
    assert cut["joblog_text"], "the part that arrived is kept meanwhile"
    assert (cut["joblog_complete"], cut["joblog_attempts"]) == (False, 1)

    poller_simulator.clear_faults()
    asyncio.run(poll_tws())
    whole = joblog_row(store, run_id)
    assert (whole["joblog_complete"], whole["joblog_attempts"]) == (True, 2)
    assert len(whole["joblog_text"]) > len(cut["joblog_text"])
    assert has_trailer(whole["joblog_text"].encode())


def test_joblog_always_cut_short_is_fetched_a_bounded_number_of_times(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    poller_simulator.set_faults(truncate_joblog_rate=1.0)
    run_id = poller_simulator.engine.inject()
    for _ in range(JOBLOG_MAX_ATTEMPTS + 2):
        asyncio.run(poll_tws())
    row = joblog_row(store, run_id)
    assert row["joblog_complete"] is False
    assert row["joblog_attempts"] == JOBLOG_MAX_ATTEMPTS


def test_malformed_page_fails_the_cycle_at_once_without_a_task_retry(
    poller_settings, poller_simulator, store
):
    poller_simulator.set_faults(malformed_json_rate=1.0)
    started = time.monotonic()
    with pytest.raises(TWSProtocolError):
        asyncio.run(poll_tws(full=True))
    assert time.monotonic() - started < OBSERVE_RETRY_DELAY_SECONDS, "no Prefect retry"


def lock_holder_pid(store) -> int | None:  # type: ignore[no-untyped-def]
    with store.connection() as conn:
        row = conn.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND ((classid::bigint << 32) | objid::bigint) = hashtext(%s)::bigint",
            (POLLER_LOCK,),
        ).fetchone()
    return None if row is None else row["pid"]


def test_poller_whose_lock_session_is_killed_commits_nothing_and_a_second_one_takes_over(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    with store.connection() as conn:
        before = conn.execute(
            "SELECT cursor, epoch FROM poller_state WHERE name = 'tws'"
        ).fetchone()
    run_id = poller_simulator.engine.inject()
    # Slow answers keep the first cycle inside its plan read while its lock session is killed.
    poller_simulator.set_faults(latency_ms=400)
    outcome: list[BaseException | object] = []

    def first_poller() -> None:
        try:
            outcome.append(asyncio.run(poll_tws()))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=first_poller)
    thread.start()
    pid = None
    deadline = time.monotonic() + 30
    while pid is None and time.monotonic() < deadline:
        pid = lock_holder_pid(store)
        time.sleep(0.05)
    assert pid is not None, "the first poller took the lock"
    with store.connection() as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))

    # The lock is free: a second poller runs a whole cycle meanwhile.
    poller_simulator.clear_faults()
    second = asyncio.run(poll_tws())
    assert not second.skipped
    thread.join(timeout=120)
    assert len(outcome) == 1
    assert isinstance(outcome[0], LockLostError), outcome[0]

    with store.connection() as conn:
        after = conn.execute("SELECT cursor, epoch FROM poller_state WHERE name = 'tws'").fetchone()
        transitions = conn.execute(
            "SELECT count(*) AS n FROM job_status_transitions WHERE run_id = %s"
            " AND to_internal_status IN ('ABEND', 'FAIL')",
            (run_id,),
        ).fetchone()["n"]
    assert after["epoch"] == before["epoch"] + 2, "each poller claimed its own epoch"
    assert after["cursor"]["cycles_since_full"] == 1, "only the second poller's cycle counted"
    assert transitions == 1
