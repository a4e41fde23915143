"""The poll cycle's write: runs, transitions, joblogs, events and cursor on one connection,
inside the caller's transaction, behind the poller's lock and epoch fence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from resync_clients.events import DomainEvent
from resync_clients.postgres.job_runs import (
    JoblogFinding,
    insert_transitions,
    store_joblog_findings,
    upsert_job_runs,
)
from resync_clients.postgres.locks import check_lock_held
from resync_clients.postgres.outbox import enqueue_events
from resync_clients.postgres.poller_state import PollCursor, check_poller_epoch, save_poll_cursor
from resync_clients.postgres.quarantine import (
    RejectedRun,
    isolate_rejected,
    record_rejected_runs,
)
from resync_core.job_runs import JobRunRecord, StatusTransition


@dataclass(frozen=True)
class PollCycleWrite:
    """What the cycle's write did. ``refused``: runs the database refused (quarantined with
    their transitions, joblogs and events); ``rejected``: those plus the caller's."""

    runs_changed: int
    transitions: int
    joblogs: int
    events_enqueued: int
    refused: tuple[RejectedRun, ...]
    rejected: tuple[RejectedRun, ...]


def write_poll_cycle(
    conn: psycopg.Connection[Any],
    *,
    poller: str,
    runs: Sequence[JobRunRecord],
    transitions: Sequence[StatusTransition],
    findings: Sequence[JoblogFinding],
    events: Sequence[DomainEvent],
    cursor: PollCursor,
    rejected: Sequence[RejectedRun],
    fence: tuple[str, int, int] | None,
    seen_at: datetime,
) -> PollCycleWrite:
    """Write one cycle; call inside ONE transaction (it does not commit).

    With ``fence`` (lock name, lock backend pid, epoch) first checks the epoch is current and
    the lock still held (raises ``CursorFencedError`` / ``LockLostError``, writing nothing).
    """
    if fence is not None:
        lock_name, lock_pid, epoch = fence
        check_poller_epoch(conn, poller, epoch)
        check_lock_held(conn, lock_name, lock_pid)
    changed, refused = isolate_rejected(conn, runs, lambda rs: upsert_job_runs(conn, rs).changed)
    if refused:
        gone = {r.record.run_id for r in refused}
        transitions = [t for t in transitions if t.run_id not in gone]
        findings = [f for f in findings if f.run_id not in gone]
        events = [e for e in events if e.payload.get("run_id") not in gone]
    all_rejected = (*rejected, *refused)
    record_rejected_runs(conn, all_rejected, seen_at)
    recorded = insert_transitions(conn, transitions)
    store_joblog_findings(conn, findings)
    enqueued = enqueue_events(conn, events)
    save_poll_cursor(conn, poller, cursor)
    return PollCycleWrite(
        changed, recorded.inserted, len(findings), enqueued, tuple(refused), all_rejected
    )
