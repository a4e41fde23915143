"""The plan's dependency graph stored in PostgreSQL per plan day, and read back typed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from resync_clients.postgres.job_runs import upsert_job_runs
from resync_clients.postgres.plan_graph import (
    load_wired_jobs,
    mark_dependencies_resolved,
    write_plan_edges,
)
from resync_core.plan_graph import PlanEdge, PlanNode
from tests.job_runs import job_run

DAY = date(2026, 3, 1)
SEEN = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


def _edges(day: date = DAY) -> list[PlanEdge]:
    return [
        PlanEdge(day, "FTA01#NIGHTLY.EXTRACT", "FTA01#NIGHTLY.LOAD", "job", True, "satisfied"),
        PlanEdge(day, "MDM#EOD.CLOSE", "FTA01#NIGHTLY.EXTRACT", "job", False, "unsatisfied"),
        PlanEdge(day, "FTA02#FEEDS", "FTA01#NIGHTLY.EXTRACT", "job_stream", False),
        PlanEdge(day, "FTA01#DBLOCK", "FTA01#NIGHTLY.LOAD", "resource", False, "satisfied"),
        PlanEdge(day, "FTA01#/in/gl.dat", "FTA01#NIGHTLY.EXTRACT", "file", False, "unknown"),
    ]


def test_a_plan_days_edges_round_trip_and_rewriting_them_changes_nothing(store) -> None:
    edges = _edges()
    first = store.write_plan_edges(DAY, edges, SEEN)
    assert (first.inserted, first.updated) == (5, 0)
    again = store.write_plan_edges(DAY, list(reversed(edges)), SEEN)
    assert again.changed == 0
    assert store.plan_edges(DAY) == sorted(
        edges, key=lambda e: (e.successor_key, e.predecessor_key, e.kind)
    )
    # Another day's graph is kept apart; a status change updates the one edge.
    store.write_plan_edges(DAY + timedelta(days=1), _edges(DAY + timedelta(days=1))[:1], SEEN)
    changed = PlanEdge(DAY, "MDM#EOD.CLOSE", "FTA01#NIGHTLY.EXTRACT", "job", False, "satisfied")
    result = store.write_plan_edges(DAY, [changed], SEEN + timedelta(minutes=1))
    assert (result.inserted, result.updated) == (0, 1)
    stored = store.plan_edges(DAY)
    assert len(stored) == 5 and changed in stored
    assert len(store.plan_edges(DAY + timedelta(days=1))) == 1
    assert store.plan_edges(DAY - timedelta(days=1)) == []


def test_an_edge_of_another_day_or_of_an_unknown_kind_is_refused(store) -> None:
    with pytest.raises(ValueError, match="plan day"):
        store.write_plan_edges(DAY, _edges(DAY + timedelta(days=1)), SEEN)
    odd = PlanEdge(DAY, "A#S.X", "A#S.Y", "prompt", False)  # type: ignore[arg-type]
    with pytest.raises(psycopg.errors.CheckViolation):
        store.write_plan_edges(DAY, [odd], SEEN)
    assert store.plan_edges(DAY) == []


def test_wired_jobs_are_those_with_stored_edges_into_them_that_day(store) -> None:
    store.write_plan_edges(DAY, _edges(), SEEN)
    later = DAY + timedelta(days=1)
    asked = [
        (DAY, "FTA01#NIGHTLY.LOAD"),
        (DAY, "FTA01#NIGHTLY.LOAD"),
        (DAY, "FTA01#NIGHTLY.OTHER"),
        (DAY, "MDM#EOD.CLOSE"),  # a predecessor only
        (later, "FTA01#NIGHTLY.EXTRACT"),  # wired on another day
    ]
    with store.connection() as conn:
        assert load_wired_jobs(conn, asked) == {(DAY, "FTA01#NIGHTLY.LOAD")}
        assert load_wired_jobs(conn, []) == set()


def test_resolved_jobs_get_their_open_edges_marked_satisfied(store) -> None:
    released = PlanEdge(DAY, "FTA09#X.Y", "FTA01#NIGHTLY.EXTRACT", "job", False, "released")
    store.write_plan_edges(DAY, [*_edges(), released], SEEN)
    later = SEEN + timedelta(hours=1)
    with store.connection() as conn:
        changed = mark_dependencies_resolved(
            conn, [(DAY, "FTA01#NIGHTLY.EXTRACT"), (DAY + timedelta(days=1), "FTA01#NIGHTLY.LOAD")],
            later,
        )  # fmt: skip
        assert mark_dependencies_resolved(conn, [], later) == 0
    assert changed == 3  # EXTRACT's unsatisfied, unknown job-stream and unknown file edges
    statuses = {(e.predecessor_key, e.successor_key): e.status for e in store.plan_edges(DAY)}
    assert statuses[("MDM#EOD.CLOSE", "FTA01#NIGHTLY.EXTRACT")] == "satisfied"
    assert statuses[("FTA09#X.Y", "FTA01#NIGHTLY.EXTRACT")] == "released"
    assert statuses[("FTA01#DBLOCK", "FTA01#NIGHTLY.LOAD")] == "satisfied"  # as written
    with store.connection() as conn:
        assert mark_dependencies_resolved(conn, [(DAY, "FTA01#NIGHTLY.EXTRACT")], later) == 0


def test_plan_nodes_come_from_the_days_runs_with_the_latest_attempts_deadline(store) -> None:
    night = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    runs = [
        job_run("LOAD", night, seconds=60, run_id="a1", deadline_after=timedelta(hours=1)),
        job_run(
            "LOAD", night, seconds=60, run_id="a2", attempt=2, deadline_after=timedelta(hours=3)
        ),
        job_run("EXTRACT", night - timedelta(hours=2), seconds=60, run_id="b1"),
        job_run("LOAD", night - timedelta(days=1), seconds=60, run_id="c1"),  # the day before
    ]
    with store.connection() as conn:
        upsert_job_runs(conn, runs)
    assert store.plan_nodes(DAY) == [
        PlanNode("FTA01#NIGHTLY.EXTRACT", night - timedelta(hours=2), None),
        PlanNode("FTA01#NIGHTLY.LOAD", night, night + timedelta(hours=3)),
    ]
    assert store.plan_nodes(DAY + timedelta(days=3)) == []


def test_a_write_joins_the_callers_transaction(store) -> None:
    with store.connection() as conn:
        with conn.transaction():
            write_plan_edges(conn, DAY, _edges(), SEEN)
            conn.execute("SELECT 1")
        with pytest.raises(RuntimeError), conn.transaction():
            write_plan_edges(conn, DAY + timedelta(days=2), _edges(DAY + timedelta(days=2)), SEEN)
            raise RuntimeError("rolled back")
    assert len(store.plan_edges(DAY)) == 5
    assert store.plan_edges(DAY + timedelta(days=2)) == []
