"""Predictive maintenance end to end: a backfilled simulated shop over real HTTP, real
PostgreSQL and a real (temporary) Prefect API."""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from flows.backfill import backfill_history
from flows.maintenance import MaintenanceOutcome, MaintenanceParameters, predict_tonight_risks
from resync_core.settings import Settings, get_settings
from resync_simulator import RunningSimulator, SimulatorConfig, run_simulator
from resync_simulator.history import job_key_of
from resync_simulator.plan import plan_id_for
from tasks.resources import close_store
from tests.fixtures.poller import point_settings_at

HISTORY_DAYS = 21
START = datetime(2026, 10, 20, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def shop() -> Iterator[RunningSimulator]:
    seed = zlib.crc32(__name__.encode()) % 100_000
    config = SimulatorConfig(
        seed=seed, scenario="small", jobs=1200, backfill_days=HISTORY_DAYS, start=START
    )
    with run_simulator(config) as sim:
        yield sim


@pytest.fixture
def shop_settings(
    flow_settings: Settings, shop: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Settings]:
    settings = point_settings_at(shop, monkeypatch)
    today = shop.engine.plan().day
    plans = [plan_id_for(day) for day in range(today - HISTORY_DAYS, today)]
    asyncio.run(backfill_history(plans, capture_joblogs=False))
    yield settings
    close_store()
    get_settings.cache_clear()


def run_flow(shop: RunningSimulator, alert_score: float = 0.5) -> MaintenanceOutcome:
    plan_day = datetime.fromtimestamp(shop.engine.plan().day * 86_400, UTC).date()
    parameters = MaintenanceParameters(plan_day=plan_day, alert_score=alert_score)
    return asyncio.run(predict_tonight_risks(parameters))


# On an ordinary night of a healthy shop few jobs reach 50%; the flaky ones reach a few %.
ALERT = 0.03


def test_scores_name_the_flaky_jobs_with_reasons_and_announce_new_risks(shop, shop_settings, store):
    outcome = run_flow(shop, alert_score=ALERT)
    at_risk = outcome.at_risk
    with store.connection() as conn:
        with_deadline = conn.execute(
            "SELECT count(*) AS n FROM job_runs WHERE deadline_time IS NOT NULL"
        ).fetchone()["n"]
        scores = conn.execute("SELECT * FROM risk_scores ORDER BY score DESC").fetchall()
        events = conn.execute("SELECT * FROM event_outbox").fetchall()
    assert with_deadline > 1000  # the poller's records carry the plan's deadlines
    assert scores and at_risk > 0
    assert outcome.from_plan and outcome.scored >= len(scores)
    assert all(0 <= s["score"] <= 1 for s in scores)
    assert all(s["reasons"]["reasons"] for s in scores)  # every score explains itself

    # The jobs scored likeliest to fail are the ones the simulator made flaky.
    enterprise = shop.engine.enterprise
    true_rate = {job_key_of(enterprise, job.index): job.fail_rate for job in enterprise.jobs}
    by_failure = sorted(scores, key=lambda s: -s["reasons"]["failure_probability"])
    top = [true_rate[s["job_key"]] for s in by_failure[:20]]
    assert sum(rate > 0.01 for rate in top) >= 10

    assert events and {e["event"] for e in events} == {"resync.job.at_risk"}
    assert all(e["emitted_at"] is not None for e in events)
    announced = {e["payload"]["job_key"] for e in events}
    stored = {s["job_key"]: s["score"] for s in scores}
    assert all(stored[key] >= ALERT for key in announced)
    assert len(announced) == at_risk
    assert all(e["resource_id"].startswith("tws.job.") for e in events)


def test_rerun_for_the_same_plan_day_replaces_scores_and_sends_nothing_twice(
    shop, shop_settings, store
):
    from prefect.artifacts import Artifact

    run_flow(shop)
    report = Artifact.get("maintenance-report")
    assert report is not None
    assert "Likely to fail or finish late tonight" in report.data
    # No plan graph stored: the report says nothing about single points of failure.
    assert "single points of failure" not in report.data
    # The runtime trends of the top risks end the report, five charts at most.
    trends = report.data.split("## Runtime trends of the top risks", 1)[1]
    assert 1 <= trends.count("](data:image/png;base64,") <= 5
    assert Artifact.get("jobs-at-risk") is not None
    with store.connection() as conn:
        first = conn.execute("SELECT job_key, score FROM risk_scores ORDER BY 1").fetchall()
        events = conn.execute("SELECT count(*) AS n FROM event_outbox").fetchone()["n"]
    run_flow(shop)
    with store.connection() as conn:
        second = conn.execute("SELECT job_key, score FROM risk_scores ORDER BY 1").fetchall()
        again = conn.execute("SELECT count(*) AS n FROM event_outbox").fetchone()["n"]
    assert first == second
    assert again == events


def test_the_jobs_still_to_run_are_scored_and_a_tws_outage_falls_back_to_recent_jobs(
    shop, shop_settings, store
):
    engine = shop.engine
    plan, now = engine.plan(), engine.now
    enterprise = engine.enterprise
    still_to_run = {
        job_key_of(enterprise, instance.index)
        for instance in plan.instances
        if not instance.started_runs(now)
    }
    assert still_to_run  # the evening streams of the simulated day

    run_flow(shop)
    with store.connection() as conn:
        scored = {r["job_key"] for r in conn.execute("SELECT job_key FROM risk_scores")}
    assert scored and scored <= still_to_run

    shop.set_faults(error_rate=1.0)
    try:
        assert not run_flow(shop).from_plan
    finally:
        shop.clear_faults()
    with store.connection() as conn:
        fallback = {r["job_key"] for r in conn.execute("SELECT job_key FROM risk_scores")}
    # Scored anyway, from the jobs active lately: more of them than are still to run.
    assert len(fallback) > len(scored)
    assert fallback - still_to_run


def test_stored_plan_edges_give_deadline_jobs_a_critical_path_and_a_latest_safe_end(
    shop, shop_settings, store
):
    from resync_clients.postgres.plan_graph import write_plan_edges
    from resync_core.plan_graph import PlanEdge

    engine = shop.engine
    enterprise = engine.enterprise
    plan_day = datetime.fromtimestamp(engine.plan().day * 86_400, UTC).date()
    # The simulated shop's own job dependencies, as the poller stores them.
    edges = [
        PlanEdge(
            plan_day,
            job_key_of(enterprise, pred),
            job_key_of(enterprise, job.index),
            "job",
            enterprise.jobs[pred].stream == job.stream,
        )
        for job in enterprise.jobs
        for pred in job.job_predecessors
    ]
    assert edges
    with store.connection() as conn:
        write_plan_edges(conn, plan_day, edges, datetime.now(UTC))
        conn.commit()

    parameters = MaintenanceParameters(plan_day=plan_day, alert_score=0.99, min_score=0.0)
    outcome = asyncio.run(predict_tonight_risks(parameters))
    assert outcome.plan_edges == len(edges)
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT job_key, critical_path, latest_safe_end, reasons FROM risk_scores"
        ).fetchall()
    pairs = {(edge.predecessor_key, edge.successor_key) for edge in edges}
    along = [row for row in rows if row["critical_path"]]
    assert along, "no stored score carries a critical path"
    for row in along:
        path = row["critical_path"]
        assert path[-1] == row["job_key"]
        assert all((a, b) in pairs for a, b in pairwise(path))
        assert row["latest_safe_end"] is not None
        assert row["reasons"]["plan_graph"]["hot"] is not None
    # Some deadline job really waits for others tonight.
    assert any(len(row["critical_path"]) > 1 for row in along)

    # The report names the jobs whose failure would cost the most, each a job of the plan
    # with a deadline job downstream of it, and the deadlines each would miss.
    from prefect.artifacts import Artifact

    report = Artifact.get("maintenance-report")
    assert report is not None
    section = report.data.split("## Tonight's three most consequential single points of failure")
    assert len(section) == 2, "no single points of failure in the report"
    body = section[1].split("\n## ", 1)[0]
    named = re.findall(r"^- \*\*(\S+)\*\*: a failure", body, flags=re.M)
    assert 1 <= len(named) <= 3
    successors: dict[str, set[str]] = {}
    for a, b in pairs:
        successors.setdefault(a, set()).add(b)
    missed = re.findall(r"^  - `(\S+)` \(due \d\d:\d\d UTC\): missed by", body, flags=re.M)
    assert missed, "no deadline named as missed"
    for job in named:
        below, todo = set(), [job]
        while todo:
            for nxt in successors.get(todo.pop(), ()):
                if nxt not in below:
                    below.add(nxt)
                    todo.append(nxt)
        assert below, f"{job} has nothing downstream yet was named"
