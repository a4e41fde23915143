"""The quality watch end to end on real PostgreSQL and a real (temporary) Prefect API: five
weeks of a shop whose APP3 joblogs change format on the last night."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from flows.watch_quality import WatchParameters, watch_quality
from resync_analytics.quality import WatchConfig
from tasks.quality import REPORT_KEY
from tests.flows.quality_shop import seed_shop
from tests.flows.test_incident_flow import read_artifact_markdown

FIRST = date(2026, 9, 1)
NIGHTS = 7 * 5


def _run(night: date, weeks: int = 4):
    return asyncio.run(watch_quality(WatchParameters(night=night, weeks=weeks)))


def test_a_format_change_is_stored_announced_and_reported_once(flow_settings, store):
    # A first night without any history measures nothing and alarms nobody.
    empty = _run(FIRST)
    assert empty.degraded == () and empty.events_sent == 0 and empty.figures > 0
    with store.connection() as conn:
        last = seed_shop(conn, FIRST, NIGHTS, changed="APP3")

    quiet = _run(last - timedelta(days=1))
    assert quiet.degraded == ()

    outcome = _run(last)
    assert outcome.night == last
    with store.connection() as conn:
        degraded = conn.execute(
            "SELECT measure, scope, value, usual_high, drivers FROM quality_figures"
            " WHERE period = 'night' AND period_start = %s AND degraded ORDER BY measure",
            (last,),
        ).fetchall()
        events = conn.execute(
            "SELECT * FROM event_outbox WHERE event = 'resync.quality.degraded'"
        ).fetchall()
        weekly = {
            row["period_start"]
            for row in conn.execute(
                "SELECT period_start FROM quality_figures"
                " WHERE period = 'week' AND measure = 'unknown_family'"
            )
        }
        ttr = conn.execute(
            "SELECT value, count FROM quality_figures WHERE period = 'week'"
            " AND measure = 'hours_to_rerun' AND scope = '*|all' ORDER BY period_start"
        ).fetchall()
    found = {row["measure"]: row for row in degraded}
    assert {"unknown_family", "new_template"} <= set(found)
    assert found["unknown_family"]["drivers"][0] == "workstation APP3"
    assert found["unknown_family"]["value"] > found["unknown_family"]["usual_high"]
    # One event per degraded measure and scope, sent to Prefect.
    assert len(events) == len(degraded) == len(outcome.degraded)
    assert all(e["emitted_at"] is not None for e in events)
    by_measure = {e["payload"]["measure"]: e for e in events}
    payload = by_measure["unknown_family"]["payload"]
    assert payload["night"] == last.isoformat() and payload["drivers"][0] == "workstation APP3"
    assert payload["usual_range"][1] < payload["value"]
    assert by_measure["unknown_family"]["resource_id"] == "resync.quality.unknown_family"
    assert set(WatchConfig(weeks=4).week_starts(last)) <= weekly
    # Reruns came an hour and ten minutes after each ABEND.
    assert ttr and all(abs(row["value"] - 70 / 60) < 1e-6 for row in ttr if row["count"])

    report = read_artifact_markdown(REPORT_KEY)
    assert f"night of {last.isoformat()}" in report
    assert "**degraded**" in report and "workstation APP3" in report
    assert "## Time to resolution" in report

    # Re-running the same night replaces its figures and sends nothing twice.
    _run(last)
    with store.connection() as conn:
        again = conn.execute(
            "SELECT count(*) AS n FROM event_outbox WHERE event = 'resync.quality.degraded'"
        ).fetchone()["n"]
        nightly = conn.execute(
            "SELECT count(*) AS n FROM quality_figures WHERE period = 'night'"
            " AND period_start = %s AND degraded",
            (last,),
        ).fetchone()["n"]
    assert again == len(events) and nightly == len(degraded)
