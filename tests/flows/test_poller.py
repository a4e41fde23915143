"""The poller over real HTTP (the simulator), real PostgreSQL and a real Prefect API."""

from __future__ import annotations

import asyncio

import pytest

from flows.poller import poll_tws
from resync_clients.events import JOB_ABEND, JOB_FAIL
from tasks.resources import close_resources
from tests.fixtures.prefect import read_events


def scalar(store, query: str, *params: object) -> object:
    with store.connection() as conn:
        row = conn.execute(query, params).fetchone()
    return next(iter(row.values()))


def run_ids_in_plan(sim) -> set[str]:
    engine = sim.engine
    plan = engine.plan()
    return {
        run_id
        for index in range(len(plan.instances))
        for run_id, _run in engine.iter_runs(plan, index)
    }


def test_first_poll_stores_every_run_and_a_replay_changes_nothing(
    poller_settings, poller_simulator, store
):
    first = asyncio.run(poll_tws(full=True))
    assert first.full and not first.skipped
    expected = run_ids_in_plan(poller_simulator)
    assert expected, "the simulated plan should have started runs"
    stored = scalar(store, "SELECT count(*) FROM job_runs WHERE plan_id <> 'none'")
    assert stored == len(expected)
    assert first.runs_changed == len(expected)
    transitions = scalar(store, "SELECT count(*) FROM job_status_transitions")
    outbox = scalar(store, "SELECT count(*) FROM event_outbox")

    again = asyncio.run(poll_tws(full=True))
    assert (again.runs_changed, again.transitions) == (0, 0)
    assert scalar(store, "SELECT count(*) FROM job_status_transitions") == transitions
    assert scalar(store, "SELECT count(*) FROM event_outbox") == outbox


def test_abend_is_stored_with_its_joblog_analysis_and_announced(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    run_id = poller_simulator.engine.inject(template_id=None)
    truth = poller_simulator.engine.ground_truth(run_id)

    summary = asyncio.run(poll_tws())
    assert not summary.full
    assert summary.failures >= 1

    with store.connection() as conn:
        row = conn.execute(
            "SELECT internal_status, joblog_text, error_pattern, error_line FROM job_runs"
            " WHERE run_id = %s",
            (run_id,),
        ).fetchone()
        transition = conn.execute(
            "SELECT from_internal_status, to_internal_status FROM job_status_transitions"
            " WHERE run_id = %s AND to_internal_status IN ('ABEND', 'FAIL')",
            (run_id,),
        ).fetchone()
    assert row["internal_status"] in {"ABEND", "FAIL"}
    assert row["joblog_text"], "the failed run's joblog is stored"
    assert row["error_pattern"], "an error pattern is attached to the run"
    assert row["error_line"] == truth.error_line
    assert transition is not None

    event_name = JOB_ABEND if row["internal_status"] == "ABEND" else JOB_FAIL
    mine = read_events(
        event_name, expect_at_least=1, where=lambda e: e["payload"].get("run_id") == run_id
    )
    assert len(mine) == 1
    assert mine[0]["payload"]["error_pattern"] == row["error_pattern"]
    assert mine[0]["resource"]["prefect.resource.id"].startswith("tws.job.")


def test_unreachable_tws_fails_the_cycle_and_the_next_one_catches_up(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    poller_simulator.set_faults(error_rate=1.0)
    run_id = poller_simulator.engine.inject()
    with pytest.raises(Exception, match=r"(?i)unavailable|503|500|gave up|TWS"):
        asyncio.run(poll_tws())
    assert scalar(store, "SELECT count(*) FROM job_runs WHERE run_id = %s", run_id) in (0, 1)

    poller_simulator.clear_faults()
    # The failed cycle opened the process's TWS circuit for its cool-down; the next cycle here
    # stands for one after it (fresh resources: the circuit starts closed).
    close_resources()
    asyncio.run(poll_tws())
    status = scalar(store, "SELECT internal_status FROM job_runs WHERE run_id = %s", run_id)
    assert status in {"ABEND", "FAIL"}
    assert scalar(store, "SELECT joblog_text IS NOT NULL FROM job_runs WHERE run_id = %s", run_id)
