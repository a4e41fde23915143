"""Reads and writes of what learning uses and produces: feedback with its incidents' claims,
the fitted calibration, and each incident's calibrated confidence.

Idempotency: :func:`store_calibration` writes only rows whose fit changed (an unchanged fit
keeps its ``fitted_at``); :func:`calibrate_incident` calibrates an incident once, so a re-run
of the incident flow changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row, scalar_row
from psycopg.types.json import Jsonb

from resync_clients.postgres.incidents import RECOMMENDATION_COLUMNS, RECOMMENDATION_ROW
from resync_core.calibration import CalibrationRow
from resync_core.calibration import IncidentCalibration as IncidentCalibration
from resync_core.feedback import DETERMINISTIC, FeedbackRecord
from resync_core.incidents import StoredRecommendation

_FEEDBACK_QUERY = sql.SQL(
    "SELECT f.id AS feedback_id, f.incident_id, i.category, i.fingerprint, i.pattern_id,"
    " COALESCE(c.claimed_confidence, i.confidence) AS claimed_confidence,"
    " COALESCE(c.analyser, 'deterministic') AS analyser,"
    " f.verdict, f.resolution, f.operator, f.created_at"
    " FROM feedback f JOIN incidents i ON i.id = f.incident_id"
    " LEFT JOIN incident_calibrations c ON c.incident_id = i.id"
    " WHERE {condition} ORDER BY f.created_at, f.id LIMIT %(limit)s"
)

# The key first (analyser, category), then what an unchanged fit leaves as it is.
_CALIBRATION_KEY = ("analyser", "category")
_FITTED = (
    "verdicts",
    "shift",
    "observed_accuracy",
    "mean_claimed",
    "brier_before",
    "brier_after",
    "ece_before",
    "ece_after",
)
_CALIBRATION_COLUMNS = (*_CALIBRATION_KEY, *_FITTED)


def load_feedback(
    conn: psycopg.Connection[Any], *, since: datetime | None = None, limit: int = 200_000
) -> list[FeedbackRecord]:
    """Feedback recorded at or after ``since`` (all of it when None), oldest first."""
    condition = sql.SQL("%(since)s::timestamptz IS NULL OR f.created_at >= %(since)s")
    with conn.cursor(row_factory=class_row(FeedbackRecord)) as cur:
        query = _FEEDBACK_QUERY.format(condition=condition)
        return cur.execute(query, {"since": since, "limit": limit}).fetchall()


# Feedback with its own resolution text counts for that text; feedback without one, on an
# incident whose learned recommendation put resolutions first, judges those resolutions.
_RESOLUTION_HISTORY_QUERY = (
    "SELECT f.id AS feedback_id, f.incident_id, i.category, i.fingerprint, i.pattern_id,"
    " COALESCE(c.claimed_confidence, i.confidence) AS claimed_confidence,"
    " f.verdict, judged.text AS resolution, f.operator, f.created_at"
    " FROM feedback f JOIN incidents i ON i.id = f.incident_id"
    " LEFT JOIN incident_calibrations c ON c.incident_id = i.id"
    " CROSS JOIN LATERAL ("
    "   SELECT f.resolution AS text WHERE f.resolution IS NOT NULL"
    "   UNION ALL"
    "   SELECT jsonb_array_elements_text(r.learned_from) FROM recommendations r"
    "   WHERE f.resolution IS NULL AND r.incident_id = i.id AND r.source = 'learned'"
    "   AND r.learned_from IS NOT NULL"
    " ) AS judged"
    " WHERE i.id IS DISTINCT FROM %(exclude)s"
    " AND (i.fingerprint = %(fingerprint)s"
    " OR (%(pattern)s::text IS NOT NULL AND i.pattern_id = %(pattern)s))"
    " ORDER BY f.created_at, f.id LIMIT %(limit)s"
)


def resolution_history(
    conn: psycopg.Connection[Any],
    *,
    fingerprint: str,
    pattern_id: str | None,
    exclude_incident_id: int | None,
    limit: int = 1000,
) -> list[FeedbackRecord]:
    """Feedback that judges a resolution, on other incidents of ``fingerprint`` or
    ``pattern_id``: one record per (feedback, resolution judged). A verdict given without
    a resolution of its own judges the resolutions the incident's learned recommendation put
    first."""
    params = {
        "exclude": exclude_incident_id,
        "fingerprint": fingerprint,
        "pattern": pattern_id,
        "limit": limit,
    }
    # Without an analyser column the records take FeedbackRecord's default (deterministic).
    with conn.cursor(row_factory=class_row(FeedbackRecord)) as cur:
        return cur.execute(_RESOLUTION_HISTORY_QUERY, params).fetchall()


def record_learned_from(
    conn: psycopg.Connection[Any], recommendation_id: int, resolutions: Sequence[str]
) -> None:
    """Remember the (masked) resolution texts a learned recommendation put first."""
    conn.execute(
        "UPDATE recommendations SET learned_from = %s WHERE id = %s AND source = 'learned'",
        (Jsonb(list(resolutions)), recommendation_id),
    )


# ----------------------------------------------------------------- calibration


def store_calibration(conn: psycopg.Connection[Any], rows: Sequence[CalibrationRow]) -> int:
    """Make the ``calibration`` table hold exactly ``rows``; returns how many rows were
    inserted, changed or deleted (0 when the fit is unchanged)."""
    columns = sql.SQL(", ").join(map(sql.Identifier, _CALIBRATION_COLUMNS))
    updates = sql.SQL(", ").join(
        sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in _FITTED
    )
    current = sql.SQL(", ").join(
        sql.SQL("calibration.{}").format(sql.Identifier(c)) for c in _FITTED
    )
    excluded = sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) for c in _FITTED)
    upsert = sql.SQL(
        "INSERT INTO calibration ({columns}) VALUES ({values})"
        " ON CONFLICT (analyser, category) DO UPDATE SET {updates}, fitted_at = now()"
        " WHERE ({current}) IS DISTINCT FROM ({excluded})"
    ).format(
        columns=columns,
        values=sql.SQL(", ").join(sql.Placeholder() * len(_CALIBRATION_COLUMNS)),
        updates=updates,
        current=current,
        excluded=excluded,
    )
    changed = 0
    with conn.transaction():
        # One writer at a time: two learning runs must not interleave their rows.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('resync.calibration'))")
        with conn.cursor() as cur:
            for row in rows:
                cur.execute(upsert, [getattr(row, column) for column in _CALIBRATION_COLUMNS])
                changed += cur.rowcount
            cur.execute(
                "DELETE FROM calibration WHERE NOT ((analyser || '/' || category) = ANY(%s))",
                ([f"{row.analyser}/{row.category}" for row in rows],),
            )
            changed += cur.rowcount
    return changed


def load_calibration(conn: psycopg.Connection[Any]) -> list[CalibrationRow]:
    """The stored calibration rows, by analyser and category (empty when none was fitted)."""
    with conn.cursor(row_factory=class_row(CalibrationRow)) as cur:
        return cur.execute(
            f"SELECT {', '.join(_CALIBRATION_COLUMNS)} FROM calibration ORDER BY analyser, category"
        ).fetchall()


def calibration_fitted_at(conn: psycopg.Connection[Any]) -> datetime | None:
    """When the stored calibration last changed (None when there is none)."""
    with conn.cursor(row_factory=scalar_row) as cur:
        fitted_at: datetime | None = cur.execute(
            "SELECT max(fitted_at) FROM calibration"
        ).fetchone()
    return fitted_at


def calibrate_incident(
    conn: psycopg.Connection[Any],
    incident_id: int,
    *,
    claimed: float,
    calibrated: float,
    verdicts: int,
    analyser: str = DETERMINISTIC,
) -> bool:
    """Set an incident's confidence to ``calibrated`` and record its ``claimed`` one (and the
    ``analyser`` that claimed it), unless it was calibrated before; True when this call did
    it. Joins the caller's transaction."""
    claimed = min(1.0, max(0.0, claimed))
    calibrated = min(1.0, max(0.0, calibrated))
    row = conn.execute(
        "INSERT INTO incident_calibrations"
        " (incident_id, claimed_confidence, calibrated_confidence, verdicts, analyser)"
        " VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (incident_id) DO NOTHING RETURNING incident_id",
        (incident_id, claimed, calibrated, verdicts, analyser),
    ).fetchone()
    if row is None:
        return False
    conn.execute("UPDATE incidents SET confidence = %s WHERE id = %s", (calibrated, incident_id))
    return True


def load_incident_calibration(
    conn: psycopg.Connection[Any], incident_id: int
) -> IncidentCalibration | None:
    with conn.cursor(row_factory=class_row(IncidentCalibration)) as cur:
        return cur.execute(
            "SELECT incident_id, claimed_confidence, calibrated_confidence, verdicts,"
            " calibrated_at, analyser FROM incident_calibrations WHERE incident_id = %s",
            (incident_id,),
        ).fetchone()


def learned_recommendation(
    conn: psycopg.Connection[Any], incident_id: int
) -> StoredRecommendation | None:
    """The incident's recommendation that puts recorded resolutions first, if it has one."""
    with conn.cursor(row_factory=RECOMMENDATION_ROW) as cur:
        return cur.execute(
            f"SELECT {RECOMMENDATION_COLUMNS} FROM recommendations"
            " WHERE incident_id = %s AND source = 'learned' ORDER BY id LIMIT 1",
            (incident_id,),
        ).fetchone()
