"""Reads of what the quality watch measures, and writes of its figures (``quality_figures``).

Every read is one set-based query over a window of nights, using the indexes the tables have:
failed runs through the partial index on failed runs, the runs of a window through the BRIN
index on ``start_time``, metric samples through their primary key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import psycopg
from psycopg.rows import class_row, dict_row, scalar_row
from psycopg.types.json import Jsonb

from resync_clients.postgres.upsert import bulk_upsert
from resync_core.quality import (
    NIGHT,
    AnalysedFailure,
    CoveragePoint,
    NightRuns,
    QualityFigure,
    ResolutionTimes,
    RiskOutcome,
)

Row = TypeVar("Row")


def _fetch(
    conn: psycopg.Connection[Any], row_type: type[Row], query: str, params: dict[str, Any]
) -> list[Row]:
    """Every row of ``query`` as a ``row_type``."""
    with conn.cursor(row_factory=class_row(row_type)) as cur:
        return cur.execute(query, params).fetchall()


# The analyser's own claim (before calibration) says whether it knew the message family.
_FAILURES = (
    "SELECT r.run_id, r.job_key, r.workstation, r.end_time AS ended_at, r.error_pattern,"
    " a.category, a.confidence FROM job_runs r"
    " LEFT JOIN LATERAL (SELECT i.category,"
    "   COALESCE(c.claimed_confidence, i.confidence) AS confidence"
    "   FROM incident_runs ir JOIN incidents i ON i.id = ir.incident_id"
    "   LEFT JOIN incident_calibrations c ON c.incident_id = i.id"
    "   WHERE ir.run_id = r.run_id ORDER BY i.id DESC LIMIT 1) a ON true"
    " WHERE r.internal_status IN ('ABEND', 'FAIL') AND r.end_time >= %(since)s"
    " AND r.end_time < %(until)s ORDER BY r.end_time, r.run_id"
)


def analysed_failures(
    conn: psycopg.Connection[Any], *, since: datetime, until: datetime
) -> list[AnalysedFailure]:
    """Failed runs that ended in ``[since, until)``, with the category and claimed confidence
    of the latest incident covering each (None when not analysed), oldest first."""
    return _fetch(conn, AnalysedFailure, _FAILURES, {"since": since, "until": until})


def seen_templates(
    conn: psycopg.Connection[Any], *, since: datetime, until: datetime
) -> frozenset[str]:
    """The error templates of the failed runs that ended in ``[since, until)``."""
    with conn.cursor(row_factory=scalar_row) as cur:
        return frozenset(
            cur.execute(
                "SELECT DISTINCT error_pattern FROM job_runs"
                " WHERE internal_status IN ('ABEND', 'FAIL') AND error_pattern IS NOT NULL"
                " AND end_time >= %s AND end_time < %s",
                (since, until),
            ).fetchall()
        )


_NIGHT_RUNS = (
    "WITH window_runs AS (SELECT job_key, workstation, start_time FROM job_runs"
    "  WHERE start_time >= %(history)s AND start_time < %(until)s),"
    " jobs AS (SELECT job_key, min(start_time) AS first FROM window_runs GROUP BY job_key),"
    " hosts AS (SELECT workstation, min(start_time) AS first FROM window_runs"
    "  GROUP BY workstation),"
    " nightly AS (SELECT (w.start_time AT TIME ZONE 'UTC')::date AS night, w.job_key,"
    "  w.workstation, (j.first AT TIME ZONE 'UTC')::date AS job_night,"
    "  (h.first AT TIME ZONE 'UTC')::date AS host_night"
    "  FROM window_runs w JOIN jobs j USING (job_key) JOIN hosts h USING (workstation)"
    "  WHERE w.start_time >= %(since)s)"
    " SELECT night, count(*) AS runs,"
    " count(*) FILTER (WHERE job_night = night) AS new_job_runs,"
    " count(*) FILTER (WHERE host_night = night) AS new_workstation_runs,"
    " COALESCE(array_agg(DISTINCT job_key) FILTER (WHERE job_night = night), '{}') AS new_jobs,"
    " COALESCE(array_agg(DISTINCT workstation) FILTER (WHERE host_night = night), '{}')"
    "  AS new_workstations"
    " FROM nightly GROUP BY night ORDER BY night"
)


def night_runs(
    conn: psycopg.Connection[Any], *, since: datetime, until: datetime, history_days: int
) -> list[NightRuns]:
    """Per night (UTC date of the start) in ``[since, until)``: the runs started and those
    of jobs and workstations not seen in the ``history_days`` before that night."""
    params = {"since": since, "until": until, "history": since - timedelta(days=history_days)}
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(_NIGHT_RUNS, params).fetchall()
    return [
        NightRuns(
            night=row["night"],
            runs=row["runs"],
            new_job_runs=row["new_job_runs"],
            new_workstation_runs=row["new_workstation_runs"],
            new_jobs=tuple(sorted(row["new_jobs"])),
            new_workstations=tuple(sorted(row["new_workstations"])),
        )
        for row in rows
    ]


# Plan days run midnight to midnight UTC on the scheduled time (as predictive maintenance
# scores them); the start_time range lets the BRIN index narrow the scan first.
_RISK_OUTCOMES = (
    "WITH outcomes AS (SELECT job_key,"
    "  (COALESCE(sched_time, start_time) AT TIME ZONE 'UTC')::date AS plan_day,"
    "  bool_or(internal_status IN ('ABEND', 'FAIL')) AS failed,"
    "  COALESCE(bool_or(end_time > deadline_time), false) AS late"
    "  FROM job_runs WHERE start_time >= %(lo)s AND start_time < %(hi)s"
    "  AND internal_status IN ('SUCC', 'ABEND', 'FAIL')"
    "  GROUP BY 1, 2)"
    " SELECT s.job_key, s.scored_for AS plan_day, s.score, o.failed, o.late"
    " FROM risk_scores s JOIN outcomes o"
    "  ON o.job_key = s.job_key AND o.plan_day = s.scored_for"
    " WHERE s.scored_for >= %(first)s AND s.scored_for <= %(last)s"
    " ORDER BY s.scored_for, s.job_key"
)


def risk_outcomes(conn: psycopg.Connection[Any], *, first: date, last: date) -> list[RiskOutcome]:
    """The risk scores of plan days ``first`` to ``last`` whose job ran to an end that day,
    with whether it failed or ended after its deadline."""
    params = {
        "first": first,
        "last": last,
        "lo": datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1),
        "hi": datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2),
    }
    return _fetch(conn, RiskOutcome, _RISK_OUTCOMES, params)


# The freshest forecast of each (series, instant) made before that instant, against the mean
# of the samples that arrived in its step.
_COVERAGE = (
    "WITH points AS (SELECT DISTINCT ON (f.series_key, (p ->> 'timestamp')::timestamptz)"
    "  f.series_key, (p ->> 'timestamp')::timestamptz AS ts,"
    "  (p ->> 'lower')::float8 AS lower, (p ->> 'upper')::float8 AS upper, f.step_seconds,"
    "  COALESCE((f.details ->> 'coverage')::float8, 0.8) AS nominal,"
    "  f.details ->> 'host' AS host, f.details ->> 'metric' AS metric,"
    "  COALESCE(f.details -> 'labels', '{}') AS labels"
    "  FROM forecasts f CROSS JOIN LATERAL jsonb_array_elements(f.points) p"
    "  WHERE f.generated_at >= %(generated)s AND f.generated_at < %(until)s"
    "  AND (p ->> 'timestamp')::timestamptz >= %(since)s"
    "  AND (p ->> 'timestamp')::timestamptz < %(until)s"
    "  AND (p ->> 'timestamp')::timestamptz >= f.generated_at"
    "  ORDER BY f.series_key, (p ->> 'timestamp')::timestamptz, f.generated_at DESC)"
    " SELECT pt.series_key, pt.ts AS timestamp, pt.nominal,"
    " a.value BETWEEN pt.lower AND pt.upper AS covered FROM points pt"
    " JOIN LATERAL (SELECT avg(m.value) AS value FROM metric_samples m"
    "  WHERE m.host = pt.host AND m.metric = pt.metric AND m.labels = pt.labels"
    "  AND m.sampled_at >= pt.ts AND m.sampled_at < pt.ts + make_interval(secs => pt.step_seconds)"
    " ) a ON a.value IS NOT NULL"
    " WHERE pt.nominal > 0 AND pt.nominal < 1"
    " ORDER BY pt.ts, pt.series_key"
)


def coverage_points(
    conn: psycopg.Connection[Any], *, since: datetime, until: datetime, generated_days: int = 14
) -> list[CoveragePoint]:
    """Forecast points in ``[since, until)`` whose actual values arrived, each from the latest
    forecast generated before it (at most ``generated_days`` before ``since``)."""
    params = {"since": since, "until": until, "generated": since - timedelta(days=generated_days)}
    return _fetch(conn, CoveragePoint, _COVERAGE, params)


# The ABEND is the incident's first failed run; the resolution the same job's next successful
# run the poller stored (within rerun_days), and the first verdict an operator gave.
_RESOLUTIONS = (
    "WITH inc AS (SELECT DISTINCT ON (i.id) i.id AS incident_id, i.category, r.job_key,"
    "  r.end_time AS abend_at FROM incidents i"
    "  JOIN incident_runs ir ON ir.incident_id = i.id JOIN job_runs r ON r.run_id = ir.run_id"
    "  WHERE r.internal_status IN ('ABEND', 'FAIL') AND r.end_time >= %(since)s"
    "  AND r.end_time < %(until)s ORDER BY i.id, r.end_time, r.run_id),"
    " succ AS (SELECT job_key, end_time FROM job_runs"
    "  WHERE start_time >= %(since)s - interval '1 day'"
    "  AND start_time < %(until)s + make_interval(days => %(rerun_days)s)"
    "  AND internal_status = 'SUCC' AND job_key IN (SELECT job_key FROM inc))"
    " SELECT inc.incident_id, inc.category, inc.job_key, inc.abend_at,"
    " (SELECT min(s.end_time) FROM succ s WHERE s.job_key = inc.job_key"
    "  AND s.end_time > inc.abend_at"
    "  AND s.end_time < inc.abend_at + make_interval(days => %(rerun_days)s)) AS rerun_ok_at,"
    " (SELECT min(f.created_at) FROM feedback f WHERE f.incident_id = inc.incident_id)"
    "  AS verdict_at,"
    " EXISTS (SELECT 1 FROM recommendations rc WHERE rc.incident_id = inc.incident_id"
    "  AND rc.source = 'learned') AS learned"
    " FROM inc ORDER BY inc.abend_at, inc.incident_id"
)


def resolution_times(
    conn: psycopg.Connection[Any], *, since: datetime, until: datetime, rerun_days: int = 7
) -> list[ResolutionTimes]:
    """Incidents whose first ABEND ended in ``[since, until)``: when, the job's next
    successful run (within ``rerun_days``), the first verdict, and whether a learned first
    step was recommended."""
    params = {"since": since, "until": until, "rerun_days": rerun_days}
    return _fetch(conn, ResolutionTimes, _RESOLUTIONS, params)


_FIGURE_COLUMNS = (
    "period",
    "period_start",
    "measure",
    "scope",
    "value",
    "count",
    "usual_low",
    "usual_high",
    "p_value",
    "degraded",
    "drivers",
    "details",
)
_FIGURE_KEY = ("period", "period_start", "measure", "scope")


def store_quality_figures(
    conn: psycopg.Connection[Any], night: date, figures: Sequence[QualityFigure]
) -> int:
    """Make ``figures`` the watch's figures of ``night`` (its nightly rows are replaced) and
    of the weeks they cover (upserted); returns how many rows were written or changed."""
    with conn.transaction():
        conn.execute(
            "DELETE FROM quality_figures WHERE period = %s AND period_start = %s",
            (NIGHT, night),
        )
        result = bulk_upsert(
            conn,
            table="quality_figures",
            columns=_FIGURE_COLUMNS,
            rows=(
                (
                    f.period,
                    f.period_start,
                    f.measure,
                    f.scope,
                    f.value,
                    f.count,
                    f.usual_low,
                    f.usual_high,
                    f.p_value,
                    f.degraded,
                    Jsonb(list(f.drivers)),
                    Jsonb(dict(f.details)),
                )
                for f in figures
            ),
            key=_FIGURE_KEY,
        )
    return result.inserted + result.updated


def stored_figures(
    conn: psycopg.Connection[Any], *, period: str, since: date, measure: str | None = None
) -> list[QualityFigure]:
    """Stored figures of ``period`` from ``since`` on (of one ``measure`` when given)."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT period, period_start, measure, scope, value, count, usual_low, usual_high,"
            " p_value, degraded, drivers, details FROM quality_figures"
            " WHERE period = %s AND period_start >= %s"
            " AND (%s::text IS NULL OR measure = %s)"
            " ORDER BY period_start, measure, scope",
            (period, since, measure, measure),
        ).fetchall()
    return [QualityFigure(**(row | {"drivers": tuple(row["drivers"])})) for row in rows]
