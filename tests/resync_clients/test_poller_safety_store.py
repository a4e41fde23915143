"""Poison records, lost locks and fenced cursors against a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from resync_clients.postgres.job_runs import upsert_job_runs
from resync_clients.postgres.locks import LockLostError, check_lock_held, exclusive_lock
from resync_clients.postgres.poller_state import (
    CursorFencedError,
    PollCursor,
    check_poller_epoch,
    claim_poller_epoch,
    save_poll_cursor,
)
from resync_clients.postgres.quarantine import (
    check_job_runs,
    isolate_rejected,
    record_rejected_runs,
)
from resync_core.job_runs import JobRunRecord

LOCK = "resync.poller.test"


def run(run_id: str, **changes: object) -> JobRunRecord:
    values: dict[str, object] = dict(
        run_id=run_id,
        job_id=f"job-{run_id}",
        job_key=f"WS1#STREAM.{run_id}",
        plan_id="current",
        workstation="WS1",
        job_stream="STREAM",
        job_name=run_id,
        folder="/",
        status="SUCCESSFUL",
        internal_status="SUCC",
        return_code=0,
        sched_time=None,
        start_time=datetime(2025, 3, 14, 2, tzinfo=UTC),
        end_time=datetime(2025, 3, 14, 2, 5, tzinfo=UTC),
        duration_seconds=300.0,
        rerun_type=None,
        run_attempt=1,
        is_critical=False,
    )
    values.update(changes)
    return JobRunRecord(**values)  # type: ignore[arg-type]


def write_checked(conn, runs):  # type: ignore[no-untyped-def]
    checked = check_job_runs(runs)
    changed, refused = isolate_rejected(
        conn, checked.valid, lambda batch: upsert_job_runs(conn, batch).changed
    )
    record_rejected_runs(conn, [*checked.rejected, *refused], datetime.now(UTC))
    return changed, [*checked.rejected, *refused]


def test_run_attempt_below_one_is_clamped_and_the_rest_of_the_page_is_stored(store) -> None:
    page = [run("A"), run("B", run_attempt=0), run("C", run_attempt=-3), run("D")]
    with store.connection() as conn, conn.transaction():
        changed, rejected = write_checked(conn, page)
    assert changed == 4
    with store.connection() as conn:
        attempts = {
            r["run_id"]: r["run_attempt"]
            for r in conn.execute("SELECT run_id, run_attempt FROM job_runs")
        }
        quarantine = {
            r["run_id"]: r
            for r in conn.execute("SELECT run_id, action, reasons, payload FROM job_run_quarantine")
        }
    assert attempts == {"A": 1, "B": 1, "C": 1, "D": 1}
    assert set(quarantine) == {"B", "C"}
    assert quarantine["C"]["action"] == "clamped"
    assert "run_attempt -3 < 1" in quarantine["C"]["reasons"][0]
    assert quarantine["C"]["payload"]["run_attempt"] == -3, "the raw value is kept"
    assert {r.action for r in rejected} == {"clamped"}


def test_unusable_records_are_quarantined_with_their_payload_and_others_stored(store) -> None:
    page = [
        run("OK1"),
        run("NUL\x00ID"),
        run("HUGE", run_attempt=2**40),
        run("DIRTY", job_name="LOAD\x00EMP", return_code=2**35, duration_seconds=-5.0),
        run("OK2"),
    ]
    with store.connection() as conn, conn.transaction():
        write_checked(conn, page)
    with store.connection() as conn:
        stored = {
            r["run_id"]: r
            for r in conn.execute(
                "SELECT run_id, job_name, return_code, duration_seconds FROM job_runs"
            )
        }
        actions = {
            r["run_id"]: r["action"]
            for r in conn.execute("SELECT run_id, action FROM job_run_quarantine")
        }
    assert set(stored) == {"OK1", "OK2", "DIRTY"}
    assert stored["DIRTY"]["job_name"] == "LOADEMP"
    assert stored["DIRTY"]["return_code"] is None
    assert stored["DIRTY"]["duration_seconds"] is None
    assert actions == {"NULID": "quarantined", "HUGE": "quarantined", "DIRTY": "clamped"}


@pytest.fixture
def poison_constraint(store):  # type: ignore[no-untyped-def]
    """A constraint the pre-write check does not know (as a DBA or a later migration adds)."""
    with store.connection() as conn:
        conn.execute(
            "ALTER TABLE job_runs ADD CONSTRAINT test_no_poison CHECK (job_name <> 'POISON')"
        )
    yield
    with store.connection() as conn:
        conn.execute("ALTER TABLE job_runs DROP CONSTRAINT test_no_poison")


def test_a_row_the_database_refuses_for_an_unknown_reason_is_isolated(
    store, poison_constraint
) -> None:
    page = [run(f"R{i}") for i in range(9)] + [run("P", job_name="POISON")]
    with store.connection() as conn, conn.transaction():
        changed, rejected = write_checked(conn, page)
    assert changed == 9
    assert [r.record.run_id for r in rejected] == ["P"]
    assert "test_no_poison" in rejected[0].reasons[0]
    with store.connection() as conn:
        count = conn.execute("SELECT count(*) AS n FROM job_runs").fetchone()["n"]
        action = conn.execute("SELECT action FROM job_run_quarantine").fetchone()["action"]
    assert (count, action) == (9, "quarantined")


def terminate(store, pid: int) -> None:  # type: ignore[no-untyped-def]
    with store.connection() as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_killed_lock_session_is_noticed_and_its_cursor_write_is_fenced(
    store, database_url: str
) -> None:
    first = psycopg.connect(database_url)
    second = psycopg.connect(database_url)
    try:
        with exclusive_lock(first, LOCK) as held:
            assert held is not None
            epoch = claim_poller_epoch(first, "tws-test")
            held.verify()

            terminate(store, held.pid)
            with pytest.raises(LockLostError, match="session"):
                held.verify()

            # The lock is free again: a second poller takes over and claims a new epoch.
            with exclusive_lock(second, LOCK) as taken:
                assert taken is not None
                new_epoch = claim_poller_epoch(second, "tws-test")
                assert new_epoch == epoch + 1

                # The first poller's commit is refused, by the lock check and by the epoch.
                with store.connection() as conn:
                    with pytest.raises(LockLostError):
                        check_lock_held(conn, LOCK, held.pid)
                    conn.rollback()
                    with pytest.raises(CursorFencedError), conn.transaction():
                        check_poller_epoch(conn, "tws-test", epoch)
                        save_poll_cursor(conn, "tws-test", PollCursor(cycles_since_full=99))
                # The second poller's commit goes through.
                with store.connection() as conn, conn.transaction():
                    check_lock_held(conn, LOCK, taken.pid)
                    check_poller_epoch(conn, "tws-test", new_epoch)
                    save_poll_cursor(conn, "tws-test", PollCursor(cycles_since_full=7))
        with store.connection() as conn:
            row = conn.execute(
                "SELECT cursor, epoch FROM poller_state WHERE name = 'tws-test'"
            ).fetchone()
        assert row["cursor"]["cycles_since_full"] == 7
        assert row["epoch"] == new_epoch
    finally:
        first.close()
        second.close()


def test_a_second_poller_cannot_take_a_held_lock(database_url: str, store) -> None:
    with (
        psycopg.connect(database_url) as one,
        psycopg.connect(database_url) as two,
        exclusive_lock(one, LOCK) as held,
        exclusive_lock(two, LOCK) as other,
    ):
        assert held is not None
        assert other is None
