"""The simulated enterprise without HTTP: determinism, storms, history, runtimes, metrics."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime

import orjson
import pytest

from resync_simulator.config import SimulatorConfig
from resync_simulator.engine import ActionRejected, SimulationEngine
from resync_simulator.enterprise import generate_enterprise
from resync_simulator.model import GROWTH_CYCLE_WEEKS
from resync_simulator.plan import Plan


def _snapshot(engine: SimulationEngine) -> bytes:
    plan, now = engine.current, engine.now
    return b"".join(engine.job_json(plan, i, now) for i in range(len(plan.instances)))


def test_same_seed_same_enterprise_other_seed_other_one() -> None:
    config = SimulatorConfig(seed=5, scenario="small")
    first, second = SimulationEngine(config), SimulationEngine(config)
    first.advance(7200)
    second.advance(7200)
    assert _snapshot(first) == _snapshot(second)
    first_runs = [r for i in range(50) for r, _ in first.iter_runs(first.current, i)]
    assert first_runs
    assert first.joblog(first_runs[0]) == second.joblog(first_runs[0])
    other = SimulationEngine(SimulatorConfig(seed=6, scenario="small"))
    other.advance(7200)
    assert _snapshot(other) != _snapshot(first)


def test_storm_abends_hundreds_of_jobs_within_a_minute_with_one_cause() -> None:
    engine = SimulationEngine(SimulatorConfig(seed=9, scenario="storm", backfill_days=0))
    plan = engine.current
    before = sum(plan.state_of(i, engine.now).status == "ABEND" for i in range(len(plan.instances)))
    storm_at = engine.now + engine.scenario.storm_after_seconds
    engine.advance(engine.scenario.storm_after_seconds + 90)
    now = engine.now
    storm = [
        i for i in range(len(plan.instances))
        if plan.state_of(i, now).status == "ABEND"
        and storm_at <= plan.instances[i].runs[-1].end < storm_at + 60
    ]  # fmt: skip
    assert len(storm) >= 300 > before
    templates = Counter(plan.instances[i].runs[-1].template_id for i in storm)
    assert templates.most_common(1)[0] == ("net.oracle_tns", len(storm))


def test_runtimes_follow_seasonality_and_growth() -> None:
    engine = SimulationEngine(SimulatorConfig(seed=3, scenario="small", backfill_days=40))
    days = engine.available_days()
    plans = {d: engine.plan(f"PLAN_{datetime.fromtimestamp(d * 86400, UTC):%Y%m%d}") for d in days}
    jobs = engine.enterprise.jobs
    early, late = plans[days[1]], plans[days[-1]]
    # A steady job of the same kind cancels the weekday and month-end factors out.
    steady = next(j for j in jobs if j.weekly_growth == 0 and j.month_end_factor == 1)
    grower = next(
        j
        for j in jobs
        if j.weekly_growth > 0.02
        and j.month_end_factor == 1
        and late.growth_weeks(j) > early.growth_weeks(j)  # not archived in between
    )

    def relative(plan: Plan) -> float:
        return plan.expected_duration(grower) / plan.expected_duration(steady)

    weeks = (days[-1] - days[1]) / 7
    assert relative(late) / relative(early) == pytest.approx((1 + grower.weekly_growth) ** weeks)
    month_end = next(j for j in jobs if j.month_end_factor > 1)
    by_day = {datetime.fromtimestamp(d * 86400, UTC): p.expected_duration(month_end)
              for d, p in plans.items()}  # fmt: skip
    feb_end = [v for k, v in by_day.items() if k.month == 2 and k.day == 27]
    mid_feb = [v for k, v in by_day.items() if k.month == 2 and k.day == 12]
    assert feb_end and mid_feb and feb_end[0] > 1.5 * mid_feb[0]


def test_history_runs_have_ids_joblogs_and_reruns() -> None:
    engine = SimulationEngine(SimulatorConfig(seed=11, scenario="small", backfill_days=3))
    past = engine.plan(
        f"PLAN_{datetime.fromtimestamp(engine.available_days()[0] * 86400, UTC):%Y%m%d}"
    )
    assert past is not None and past is not engine.current
    run_ids = [r for i in range(len(past.instances)) for r, _ in engine.iter_runs(past, i)]
    assert len(run_ids) == len(set(run_ids)) >= len(past.instances) * 0.9
    failed = [
        (i, run) for i in range(len(past.instances)) for run in past.instances[i].runs
        if run.final_status in ("ABEND", "FAIL")
    ]  # fmt: skip
    assert failed
    failed_run_id = next(
        r for r, run in engine.iter_runs(past, failed[0][0]) if run is failed[0][1]
    )
    truth = engine.ground_truth(failed_run_id)
    assert truth is not None and truth.category and truth.error_line
    assert engine.joblog(failed_run_id).lines[truth.error_line - 1]


def test_actions_follow_the_state_rules() -> None:
    engine = SimulationEngine(SimulatorConfig(seed=2, scenario="small", backfill_days=0))
    plan, now = engine.current, engine.now
    waiting = next(i for i in range(len(plan.instances)) if plan.state_of(i, now).status == "HOLD")
    done = next(i for i in range(len(plan.instances)) if plan.state_of(i, now).status == "SUCC")
    job_id = engine.job_view(plan, waiting).job_id
    assert engine.act(job_id, "hold")
    assert plan.state_of(waiting, engine.now).common == "HELD"
    with pytest.raises(ActionRejected):
        engine.act(engine.job_view(plan, done).job_id, "confirm-succ")
    assert engine.act(job_id, "release")
    engine.advance(30)
    assert plan.state_of(waiting, engine.now).status in ("EXEC", "SUCC", "ABEND", "FAIL")
    assert not engine.act("0-0-0-0-0", "hold")


def test_metrics_csv_export_covers_every_host() -> None:
    engine = SimulationEngine(SimulatorConfig(seed=4, scenario="small", backfill_days=1))
    out = io.StringIO()
    rows = engine.export_metrics_csv(out, step=3600)
    lines = out.getvalue().splitlines()
    assert lines[0] == "host,timestamp,cpu_percent,memory_percent,disk_percent,running_jobs"
    assert rows == len(lines) - 1 and rows >= len(engine.enterprise.hosts()) * 24
    with pytest.raises(KeyError):
        engine.host_metrics("no-such-host")


def test_large_plan_is_compact_and_pages_fast_enough() -> None:
    engine = SimulationEngine(SimulatorConfig(seed=1, jobs=20_000, backfill_days=0))
    plan, now = engine.current, engine.now
    page = b"[" + b",".join(engine.job_json(plan, i, now) for i in range(10_000)) + b"]"
    assert len(orjson.loads(page)) == 10_000


def test_growth_is_bounded_by_its_archiving_cycle_on_any_date() -> None:
    enterprise = generate_enterprise(5, 2000)
    growers = [j for j in enterprise.jobs if j.weekly_growth > 0]
    assert len(growers) > 50
    for year in (2025, 2031, 2040):
        plan = Plan(enterprise, int(datetime(year, 6, 2, tzinfo=UTC).timestamp() // 86400))
        weeks = [plan.growth_weeks(j) for j in growers]
        assert all(0 <= w < GROWTH_CYCLE_WEEKS for w in weeks)
        # Growers sit at every stage of their cycle, whatever the date.
        assert min(weeks) < 3 and max(weeks) > GROWTH_CYCLE_WEEKS - 3
