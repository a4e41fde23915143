"""Stuck by our own model in the poller: real simulator, PostgreSQL and Prefect. A running
job past the p99 of its stored runtime quantiles is announced once, with how far beyond it
is and the deadline jobs downstream in the stored graph that it delays."""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import UTC, datetime

from flows.poller import poll_tws
from resync_analytics.plan_graph.stuck import lognormal_p99
from resync_clients.postgres.risk_scores import replace_risk_scores
from resync_core.events import JOB_STUCK
from resync_core.risk import RiskScore
from resync_simulator.history import job_key_of


def running_jobs(store) -> list[dict]:
    with store.connection() as conn:
        return conn.execute(
            "SELECT run_id, job_key, start_time, sched_time FROM job_runs"
            " WHERE start_time IS NOT NULL AND end_time IS NULL"
            " AND internal_status NOT IN ('SUCC', 'ABEND', 'FAIL', 'CANCELLED', 'SUPPR')"
            " AND sched_time IS NOT NULL ORDER BY job_key"
        ).fetchall()


def deadlines_below(store, day, job_key: str, deadlines: dict[str, datetime]) -> dict[str, int]:
    """Deadline jobs waiting (directly or not) for ``job_key`` in the stored graph, with
    their distance in edges: read plainly from the table."""
    follow: dict[str, set[str]] = {}
    for edge in store.plan_edges(day):
        if edge.kind in ("job", "job_stream") and edge.status not in ("satisfied", "released"):
            follow.setdefault(edge.predecessor_key, set()).add(edge.successor_key)
    hops, queue = {job_key: 0}, deque([job_key])
    while queue:
        node = queue.popleft()
        for nxt in follow.get(node, set()) | follow.get(node.rsplit(".", 1)[0], set()):
            if nxt not in hops:
                hops[nxt] = hops[node] + 1
                queue.append(nxt)
    return {key: n for key, n in hops.items() if n > 0 and key in deadlines}


def plan_deadlines(engine) -> dict[str, datetime]:
    """Every job's deadline in the simulated plan (the truth the plan itself holds)."""
    plan = engine.current
    return {
        job_key_of(engine.enterprise, index): datetime.fromtimestamp(plan.deadline(index), UTC)
        for index in range(len(plan.instances))
    }


def stuck_events(store) -> list[dict]:
    with store.connection() as conn:
        return conn.execute(
            "SELECT idempotency_key, payload FROM event_outbox WHERE event = %s", (JOB_STUCK,)
        ).fetchall()


def test_a_running_job_past_its_own_p99_is_stuck_once_with_whom_it_delays(
    poller_settings, poller_simulator, store
):
    # The simulated clock moves ten minutes at a time until two jobs of one plan day run
    # and one of them has deadline jobs waiting downstream (the batch has such moments).
    engine = poller_simulator.engine
    for _step in range(6 * 36):
        plan = engine.current
        executing = sum(
            plan.state_of(i, engine.now).status == "EXEC" for i in range(len(plan.instances))
        )
        if executing >= 2:
            asyncio.run(poll_tws(full=True))
            running = running_jobs(store)
            day = running[0]["sched_time"].astimezone(UTC).date() if running else None
            running = [r for r in running if r["sched_time"].astimezone(UTC).date() == day]
            due = plan_deadlines(engine)
            below = {r["job_key"]: deadlines_below(store, day, r["job_key"], due) for r in running}
            if len(running) >= 2 and any(below.values()):
                break
        engine.advance(600)
    else:
        raise AssertionError("the simulated batch never ran two jobs ahead of a deadline")
    # The one with most deadline jobs downstream runs far beyond its p99; another (scored
    # with a huge p99) is within it; the rest have no stored score.
    slow = max(running, key=lambda r: (len(below[r["job_key"]]), r["job_key"]))
    fine = next(r for r in running if r is not slow)
    assert below[slow["job_key"]], "some running job should have a deadline job downstream"
    before = {row["idempotency_key"] for row in stuck_events(store)}
    with store.connection() as conn:
        replace_risk_scores(
            conn,
            day,
            [
                RiskScore(slow["job_key"], 0.5, {"predicted_seconds": 60.0, "p90_seconds": 90.0}),
                RiskScore(fine["job_key"], 0.1, {"predicted_seconds": 1e10, "p90_seconds": 2e10}),
                # The jobs still to run have no run yet: their deadlines are those the
                # scoring before the batch stored, from the plan.
                *(
                    RiskScore(key, 0.05, {"plan_graph": {"deadline": due[key].isoformat()}})
                    for key in below[slow["job_key"]]
                    if key not in (slow["job_key"], fine["job_key"])
                ),
            ],
        )
        conn.commit()

    asyncio.run(poll_tws())
    polled_at = datetime.now(UTC)
    new = [row for row in stuck_events(store) if row["idempotency_key"] not in before]
    by_model = [row for row in new if "runtime_p99" in row["payload"]["stuck_by"]]
    assert [row["idempotency_key"] for row in by_model] == [f"{JOB_STUCK}:{slow['run_id']}"]
    payload = by_model[0]["payload"]
    assert payload["job_key"] == slow["job_key"] and payload["plan_day"] == day.isoformat()
    p99 = lognormal_p99(60.0, 90.0)
    assert abs(payload["p99_seconds"] - p99) < 0.1
    elapsed = (polled_at - slow["start_time"]).total_seconds()
    assert elapsed - 120 <= payload["elapsed_seconds"] <= elapsed
    assert abs(payload["ratio"] - payload["elapsed_seconds"] / p99) < 0.01
    delayed = [(d["job_key"], d["hops"]) for d in payload["delays"]]
    expected = below[slow["job_key"]]
    assert 1 <= len(delayed) <= min(10, len(expected))
    assert all(expected[key] == hops for key, hops in delayed)
    assert [hops for _key, hops in delayed] == sorted(hops for _key, hops in delayed)
    # Only the nearest ones are named when more wait.
    assert max(hops for _k, hops in delayed) <= min(
        sorted(expected.values())[len(delayed) - 1 :] or [0]
    )
    assert all(f"{JOB_STUCK}:{r['run_id']}" not in {x["idempotency_key"] for x in by_model}
               for r in running if r is not slow)  # fmt: skip

    # Still stuck next cycle: no second event.
    asyncio.run(poll_tws())
    again = [row for row in stuck_events(store) if row["idempotency_key"] not in before]
    assert len(again) == len(new)
