"""The quality watch on the simulated shop the demo runs: a month of history backfilled over
real HTTP into real PostgreSQL, real Prefect; the CRM application's joblogs change format on
the last night, and the watch flags that night and none of the nights before."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from flows.backfill import backfill_history
from flows.watch_quality import WatchParameters, watch_quality
from resync_core.settings import Settings, get_settings
from resync_simulator import RunningSimulator, SimulatorConfig, run_simulator
from resync_simulator.format_change import LogFormatChange
from resync_simulator.plan import plan_id_for
from tasks.resources import close_store
from tests.fixtures.poller import point_settings_at

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

HISTORY_DAYS = 30
START = datetime(2026, 11, 18, 6, tzinfo=UTC)
CHANGED = (START - timedelta(days=1)).date()


@pytest.fixture
def shop(flow_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSimulator]:
    config = SimulatorConfig(
        seed=2026,
        backfill_days=HISTORY_DAYS,
        start=START,
        format_change=LogFormatChange(application="CRM", from_day=CHANGED),
    )
    with run_simulator(config) as sim:
        point_settings_at(sim, monkeypatch)
        today = sim.engine.plan().day
        plans = [plan_id_for(day) for day in range(today - HISTORY_DAYS, today)]
        asyncio.run(backfill_history(plans))
        yield sim
    close_store()
    get_settings.cache_clear()


def _degraded(night: date) -> tuple[str, ...]:
    # As the demo runs it: two weeks to learn the shop's templates, two weeks of baseline.
    parameters = WatchParameters(night=night, baseline_weeks=2, weeks=2)
    return asyncio.run(watch_quality(parameters)).degraded


def test_the_watch_flags_the_first_night_of_the_new_format_only(shop, store):
    for night in (CHANGED - timedelta(days=2), CHANGED - timedelta(days=1)):
        assert _degraded(night) == (), night
    flagged = _degraded(CHANGED)
    assert any(line.startswith("new_template") for line in flagged), flagged
    with store.connection() as conn:
        row = conn.execute(
            "SELECT value, usual_high, p_value, details FROM quality_figures"
            " WHERE period = 'night' AND period_start = %s AND measure = 'new_template'",
            (CHANGED,),
        ).fetchone()
        crm = conn.execute(
            "SELECT count(*) AS n FROM job_runs WHERE internal_status IN ('ABEND', 'FAIL')"
            " AND job_stream LIKE 'CRM%%' AND error_pattern IS NOT NULL"
            " AND (end_time AT TIME ZONE 'UTC')::date = %s",
            (CHANGED,),
        ).fetchone()["n"]
    assert row["value"] > row["usual_high"] and row["p_value"] < 0.001
    # The application's failures in the new format are what is new that night.
    assert crm >= 10 and row["details"]["hits"] >= crm
