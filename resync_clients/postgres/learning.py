"""Reads and writes of what learning uses and produces: feedback with its incidents' claims,
the fitted calibration, and each incident's calibrated confidence.

Idempotency: :func:`store_calibration` writes only rows whose fit changed (an unchanged fit
keeps its ``fitted_at``); :func:`calibrate_incident` calibrates an incident once, so a re-run
of the incident flow changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from resync_analytics.learning.calibration import (
    DETERMINISTIC,
    GLOBAL,
    CalibrationAssessment,
    CalibrationModel,
    CategoryCalibration,
)
from resync_analytics.learning.feedback import FeedbackRecord
from resync_clients.postgres.incidents import StoredRecommendation

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


@dataclass(frozen=True)
class IncidentCalibration:
    """How one incident's confidence was calibrated."""

    incident_id: int
    claimed_confidence: float
    calibrated_confidence: float
    verdicts: int
    calibrated_at: datetime
    analyser: str = DETERMINISTIC


def _record(row: dict[str, Any]) -> FeedbackRecord:
    return FeedbackRecord(
        feedback_id=row["feedback_id"],
        incident_id=row["incident_id"],
        category=row["category"],
        fingerprint=row["fingerprint"],
        pattern_id=row["pattern_id"],
        claimed_confidence=float(row["claimed_confidence"]),
        verdict=row["verdict"],
        resolution=row["resolution"],
        operator=row["operator"],
        created_at=row["created_at"],
        analyser=row.get("analyser", DETERMINISTIC),
    )


def load_feedback(
    conn: psycopg.Connection[Any], *, since: datetime | None = None, limit: int = 200_000
) -> list[FeedbackRecord]:
    """Feedback recorded at or after ``since`` (all of it when None), oldest first."""
    condition = sql.SQL("%(since)s::timestamptz IS NULL OR f.created_at >= %(since)s")
    rows = conn.execute(
        _FEEDBACK_QUERY.format(condition=condition), {"since": since, "limit": limit}
    )
    return [_record(row) for row in rows]


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
    rows = conn.execute(
        _RESOLUTION_HISTORY_QUERY,
        {
            "exclude": exclude_incident_id,
            "fingerprint": fingerprint,
            "pattern": pattern_id,
            "limit": limit,
        },
    )
    return [_record(row) for row in rows]


def record_learned_from(
    conn: psycopg.Connection[Any], recommendation_id: int, resolutions: Sequence[str]
) -> None:
    """Remember the (masked) resolution texts a learned recommendation put first."""
    conn.execute(
        "UPDATE recommendations SET learned_from = %s WHERE id = %s AND source = 'learned'",
        (Jsonb(list(resolutions)), recommendation_id),
    )


# ----------------------------------------------------------------- calibration


def store_calibration(
    conn: psycopg.Connection[Any],
    model: CalibrationModel,
    assessments: Sequence[CalibrationAssessment],
) -> int:
    """Make the ``calibration`` table hold ``model`` (with the scores of ``assessments``);
    returns how many rows were inserted, changed or deleted (0 when the fit is unchanged)."""
    scores = {(a.analyser, a.category): a for a in assessments}
    rows = []
    for fit in (*model.global_fits, *model.categories):
        score = scores.get((fit.analyser, fit.category))
        rows.append(
            (
                fit.analyser,
                fit.category,
                fit.verdicts,
                fit.shift,
                fit.observed_accuracy,
                fit.mean_claimed,
                score.brier_before if score else 0.0,
                score.brier_after if score else 0.0,
                score.ece_before if score else 0.0,
                score.ece_after if score else 0.0,
            )
        )
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
                cur.execute(upsert, row)
                changed += cur.rowcount
            cur.execute(
                "DELETE FROM calibration WHERE NOT ((analyser || '/' || category) = ANY(%s))",
                ([f"{row[0]}/{row[1]}" for row in rows],),
            )
            changed += cur.rowcount
    return changed


def load_calibration(conn: psycopg.Connection[Any]) -> CalibrationModel:
    """The stored calibration (the identity when none was fitted)."""
    rows = conn.execute(
        "SELECT analyser, category, verdicts, shift, observed_accuracy, mean_claimed"
        " FROM calibration ORDER BY analyser, category"
    ).fetchall()
    fits = [CategoryCalibration(**row) for row in rows]
    return CalibrationModel(
        global_fits=tuple(f for f in fits if f.category == GLOBAL),
        categories=tuple(f for f in fits if f.category != GLOBAL),
    )


def calibration_fitted_at(conn: psycopg.Connection[Any]) -> datetime | None:
    """When the stored calibration last changed (None when there is none)."""
    row = conn.execute("SELECT max(fitted_at) AS at FROM calibration").fetchone()
    return row["at"] if row else None


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
    row = conn.execute(
        "SELECT incident_id, claimed_confidence, calibrated_confidence, verdicts, calibrated_at,"
        " analyser FROM incident_calibrations WHERE incident_id = %s",
        (incident_id,),
    ).fetchone()
    return IncidentCalibration(**row) if row else None


def learned_recommendation(
    conn: psycopg.Connection[Any], incident_id: int
) -> StoredRecommendation | None:
    """The incident's recommendation that puts recorded resolutions first, if it has one."""
    row = conn.execute(
        "SELECT id, incident_id, steps, rerun_command, source, model, confidence, created_at"
        " FROM recommendations WHERE incident_id = %s AND source = 'learned'"
        " ORDER BY id LIMIT 1",
        (incident_id,),
    ).fetchone()
    if row is None:
        return None
    return StoredRecommendation(
        **{**row, "steps": tuple(row["steps"] or ()), "confidence": float(row["confidence"])}
    )
