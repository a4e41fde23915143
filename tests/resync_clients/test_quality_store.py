"""Reads and writes of the quality watch on real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from psycopg.types.json import Jsonb

from resync_clients.postgres.quality import (
    analysed_failures,
    coverage_points,
    night_runs,
    risk_outcomes,
    seen_templates,
    store_quality_figures,
    stored_figures,
)
from resync_core.quality import NIGHT, WEEK, QualityFigure

DAY = date(2026, 5, 4)


def at(days: int, hours: float) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC) + timedelta(days=days, hours=hours)


def add_run(conn, run_id, job, status, start, *, end=None, deadline=None, pattern=None):
    conn.execute(
        "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name, status,"
        " internal_status, sched_time, start_time, end_time, deadline_time, error_pattern)"
        " VALUES (%s, %s, split_part(%s, '#', 1), 'S', 'J', 'X', %s, %s, %s, %s, %s, %s)",
        (
            run_id,
            job,
            job,
            status,
            start,
            start,
            end or start + timedelta(minutes=5),
            deadline,
            pattern,
        ),
    )


def test_failures_carry_the_analysers_own_claim_and_unanalysed_ones_none(store) -> None:
    with store.connection() as conn:
        add_run(conn, "r1", "WS#S.A", "ABEND", at(0, 1), pattern="p1")
        add_run(conn, "r2", "WS#S.B", "ABEND", at(0, 2))
        add_run(conn, "r3", "WS#S.C", "SUCC", at(0, 3))
        incident = conn.execute(
            "INSERT INTO incidents (fingerprint, category, root_cause, confidence)"
            " VALUES ('f', 'timeout', 'x', 0.9) RETURNING id"
        ).fetchone()["id"]
        conn.execute("INSERT INTO incident_runs VALUES (%s, 'r1')", (incident,))
        conn.execute(
            "INSERT INTO incident_calibrations (incident_id, claimed_confidence,"
            " calibrated_confidence, verdicts) VALUES (%s, 0.4, 0.9, 10)",
            (incident,),
        )
        add_run(conn, "r0", "WS#S.A", "ABEND", at(-5, 1), pattern="p0")
        add_run(conn, "s0", "WS#S.A", "SUCC", at(-5, 2), pattern="ignored")
        failures = analysed_failures(conn, since=at(0, 0), until=at(1, 0))
        known = seen_templates(conn, since=at(-30, 0), until=at(0, 0))
    assert known == {"p0"}
    assert [(f.run_id, f.category, f.confidence, f.error_pattern) for f in failures] == [
        ("r1", "timeout", 0.4, "p1"),
        ("r2", None, None, None),
    ]


def test_night_runs_count_jobs_and_workstations_first_seen_that_night(store) -> None:
    with store.connection() as conn:
        add_run(conn, "a0", "WS1#S.A", "SUCC", at(-3, 1))  # seen before the window
        add_run(conn, "a1", "WS1#S.A", "SUCC", at(0, 1))
        add_run(conn, "b1", "WS1#S.B", "SUCC", at(0, 2))  # new job on a known workstation
        add_run(conn, "c1", "WS2#S.C", "SUCC", at(1, 1))  # new job on a new workstation
        add_run(conn, "c2", "WS2#S.C", "SUCC", at(1, 2))
        add_run(conn, "b2", "WS1#S.B", "SUCC", at(1, 3))
        nights = night_runs(conn, since=at(0, 0), until=at(2, 0), history_days=30)
    assert [(n.night, n.runs, n.new_job_runs, n.new_workstation_runs) for n in nights] == [
        (DAY, 2, 1, 0),
        (DAY + timedelta(days=1), 3, 2, 2),
    ]
    assert nights[0].new_jobs == ("WS1#S.B",)
    assert nights[1].new_jobs == ("WS2#S.C",) and nights[1].new_workstations == ("WS2",)


def test_risk_outcomes_say_whether_the_job_failed_or_ended_late_that_plan_day(store) -> None:
    with store.connection() as conn:
        add_run(conn, "a", "WS#S.A", "ABEND", at(0, 1))
        add_run(conn, "b", "WS#S.B", "SUCC", at(0, 1), end=at(0, 3), deadline=at(0, 2))
        add_run(conn, "c", "WS#S.C", "SUCC", at(0, 1), end=at(0, 2), deadline=at(0, 3))
        add_run(conn, "d", "WS#S.D", "SUCC", at(1, 1))  # ran the day after: no outcome
        conn.execute(
            "INSERT INTO risk_scores (job_key, scored_for, score) VALUES"
            " ('WS#S.A', %(d)s, 0.5), ('WS#S.B', %(d)s, 0.2), ('WS#S.C', %(d)s, 0.1),"
            " ('WS#S.D', %(d)s, 0.3)",
            {"d": DAY},
        )
        outcomes = risk_outcomes(conn, first=DAY, last=DAY)
    assert [(o.job_key, o.score, o.failed, o.late, o.happened) for o in outcomes] == [
        ("WS#S.A", 0.5, True, False, True),
        ("WS#S.B", 0.2, False, True, True),
        ("WS#S.C", 0.1, False, False, False),
    ]


def test_coverage_uses_the_latest_forecast_before_each_point_and_the_samples_of_its_step(
    store,
) -> None:
    def forecast(conn, generated, lower, upper):
        points = [
            {"timestamp": at(0, h).isoformat(), "value": 50.0, "lower": lower, "upper": upper}
            for h in (1, 2, 3)
        ]
        conn.execute(
            "INSERT INTO forecasts (series_key, generated_at, method, step_seconds, horizon,"
            " points, details) VALUES ('h:cpu', %s, 'm', 3600, 3, %s, %s)",
            (
                generated,
                Jsonb(points),
                Jsonb({"host": "h", "metric": "cpu", "labels": {}, "coverage": 0.9}),
            ),
        )

    with store.connection() as conn:
        forecast(conn, at(-1, 0), 0.0, 10.0)  # older: would cover nothing
        forecast(conn, at(0, 0), 40.0, 60.0)
        # Hour 1: mean 55 inside; hour 2: mean 70 outside; hour 3: no sample, left out.
        for when, value in ((at(0, 1), 50.0), (at(0, 1.5), 60.0), (at(0, 2.2), 70.0)):
            conn.execute(
                "INSERT INTO metric_samples (host, metric, sampled_at, value)"
                " VALUES ('h', 'cpu', %s, %s)",
                (when, value),
            )
        points = coverage_points(conn, since=at(0, 0), until=at(1, 0))
    assert [(p.timestamp, p.nominal, p.covered) for p in points] == [
        (at(0, 1), 0.9, True),
        (at(0, 2), 0.9, False),
    ]


def test_a_rerun_of_a_night_replaces_its_figures(store) -> None:
    def figure(measure: str, period: str = NIGHT, value: float = 0.1) -> QualityFigure:
        return QualityFigure(
            period, DAY, measure, "*", value, 10, 0.0, 0.2, 0.5, False, ("APP3",), {"hits": 1}
        )

    with store.connection() as conn:
        store_quality_figures(conn, DAY, [figure("a"), figure("b"), figure("w", WEEK)])
        store_quality_figures(conn, DAY, [figure("a", value=0.3), figure("w", WEEK, 0.2)])
        nightly = stored_figures(conn, period=NIGHT, since=DAY)
        weekly = stored_figures(conn, period=WEEK, since=DAY)
    assert [(f.measure, f.value, f.drivers, f.details) for f in nightly] == [
        ("a", 0.3, ("APP3",), {"hits": 1})
    ]
    assert [(f.measure, f.value) for f in weekly] == [("w", 0.2)]
