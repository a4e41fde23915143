"""Reads and writes of incidents, the runs they cover, recommendations and operator feedback.

Concurrency: any number of flow runs may claim incidents at once (one per ABEND event, hundreds
in a storm). :func:`claim_incident` serialises claims of one fingerprint with a transaction-level
advisory lock, and the partial unique index ``incidents_open_fingerprint_key`` (one open
incident per fingerprint) backs it: a fingerprint never gets two open incidents.

Idempotency: a run is linked to at most one incident by these functions (a run already linked
is left where it is), a recommendation is stored once per incident and source, so re-running
the analysis of a run writes nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.rows import class_row, kwargs_row, scalar_row
from psycopg.types.json import Jsonb

from resync_core.feedback import FeedbackNote
from resync_core.incidents import RERUN_APPROVED as RERUN_APPROVED
from resync_core.incidents import RERUN_REJECTED as RERUN_REJECTED
from resync_core.incidents import RERUN_UNANSWERED as RERUN_UNANSWERED
from resync_core.incidents import AffectedRun as AffectedRun
from resync_core.incidents import IncidentClaim as IncidentClaim
from resync_core.incidents import IncidentDraft as IncidentDraft
from resync_core.incidents import IncidentOverview as IncidentOverview
from resync_core.incidents import PastIncident as PastIncident
from resync_core.incidents import RecentFailureRow as RecentFailureRow
from resync_core.incidents import RecommendationDraft as RecommendationDraft
from resync_core.incidents import StoredIncident as StoredIncident
from resync_core.incidents import StoredRecommendation as StoredRecommendation
from resync_core.incidents import StoredRun as StoredRun
from resync_core.job_runs import JobRunRecord


class IncidentNotFoundError(LookupError):
    """No incident with the given id."""


_INCIDENT_COLUMNS = (
    "id, fingerprint, pattern_id, job_key, category, root_cause, error_line, error_text,"
    " entities, confidence, status, created_at, resolved_at"
)

#: The columns :data:`RECOMMENDATION_ROW` maps (``learned_from`` is left out).
RECOMMENDATION_COLUMNS = (
    "id, incident_id, steps, rerun_command, source, model, confidence, created_at"
)


def _incident(*, entities: list[str] | None, **columns: Any) -> StoredIncident:
    """A ``StoredIncident`` from the ``_INCIDENT_COLUMNS`` of a row (JSON list -> tuple)."""
    return StoredIncident(entities=tuple(entities or ()), **columns)


def _recommendation(*, steps: list[str] | None, **columns: Any) -> StoredRecommendation:
    """A ``StoredRecommendation`` from the ``RECOMMENDATION_COLUMNS`` of a row."""
    return StoredRecommendation(steps=tuple(steps or ()), **columns)


_INCIDENT_ROW = kwargs_row(_incident)
#: Row factory for a select of ``RECOMMENDATION_COLUMNS``.
RECOMMENDATION_ROW = kwargs_row(_recommendation)


# ----------------------------------------------------------------- job runs read for incidents

_RUN_FIELDS = JobRunRecord.__dataclass_fields__


def _stored_run(
    *, joblog_text: str | None, error_pattern: str | None, error_line: int | None, **columns: Any
) -> StoredRun:
    """A ``StoredRun`` from a ``SELECT *`` of ``job_runs`` (columns the record lacks are
    dropped, so a migration adding one does not break reads)."""
    return StoredRun(
        run=JobRunRecord(**{key: value for key, value in columns.items() if key in _RUN_FIELDS}),
        joblog_text=joblog_text,
        error_pattern=error_pattern,
        error_line=error_line,
    )


_STORED_RUN_ROW = kwargs_row(_stored_run)


def load_runs(conn: psycopg.Connection[Any], run_ids: Sequence[str]) -> dict[str, StoredRun]:
    """The stored runs among ``run_ids`` (missing ids are simply absent)."""
    if not run_ids:
        return {}
    with conn.cursor(row_factory=_STORED_RUN_ROW) as cur:
        runs = cur.execute(
            "SELECT * FROM job_runs WHERE run_id = ANY(%s)", (list(run_ids),)
        ).fetchall()
    return {stored.run.run_id: stored for stored in runs}


def latest_failed_run(
    conn: psycopg.Connection[Any], *, workstation: str, job_stream: str, job_name: str
) -> StoredRun | None:
    """The most recent ABEND/FAIL run of one job (None when it never failed)."""
    with conn.cursor(row_factory=_STORED_RUN_ROW) as cur:
        return cur.execute(
            "SELECT * FROM job_runs WHERE workstation = %s AND job_stream = %s"
            " AND job_name = %s AND internal_status IN ('ABEND', 'FAIL')"
            " ORDER BY end_time DESC NULLS LAST, run_id DESC LIMIT 1",
            (workstation, job_stream, job_name),
        ).fetchone()


def joblog_text(conn: psycopg.Connection[Any], run_id: str) -> str | None:
    """The stored (masked) joblog of a run; None when the run or its joblog is not stored."""
    with conn.cursor(row_factory=scalar_row) as cur:
        text: str | None = cur.execute(
            "SELECT joblog_text FROM job_runs WHERE run_id = %s", (run_id,)
        ).fetchone()
    return text


def failures_between(
    conn: psycopg.Connection[Any], start: datetime, end: datetime, limit: int = 20000
) -> list[RecentFailureRow]:
    """Failed runs that ended in ``[start, end]`` and whose joblog stated an error pattern."""
    with conn.cursor(row_factory=class_row(RecentFailureRow)) as cur:
        return cur.execute(
            "SELECT j.run_id, j.job_key, COALESCE(p.category, 'unknown') AS category,"
            " j.error_pattern AS pattern_id, j.end_time AS failed_at"
            " FROM job_runs j JOIN error_patterns p ON p.pattern_id = j.error_pattern"
            " WHERE j.internal_status IN ('ABEND', 'FAIL') AND j.end_time BETWEEN %s AND %s"
            " ORDER BY j.end_time LIMIT %s",
            (start, end, limit),
        ).fetchall()


# ----------------------------------------------------------------- incidents


def load_incident(conn: psycopg.Connection[Any], incident_id: int) -> StoredIncident | None:
    with conn.cursor(row_factory=_INCIDENT_ROW) as cur:
        return cur.execute(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents WHERE id = %s", (incident_id,)
        ).fetchone()


def incidents_of_runs(
    conn: psycopg.Connection[Any], run_ids: Sequence[str]
) -> dict[str, StoredIncident]:
    """The incident each of ``run_ids`` is linked to (the earliest one if several)."""
    if not run_ids:
        return {}
    with conn.cursor(row_factory=kwargs_row(_linked_incident)) as cur:
        linked = cur.execute(
            f"SELECT DISTINCT ON (r.run_id) r.run_id AS linked_run_id, {_prefixed('i')}"
            " FROM incident_runs r JOIN incidents i ON i.id = r.incident_id"
            " WHERE r.run_id = ANY(%s) ORDER BY r.run_id, i.id",
            (list(run_ids),),
        ).fetchall()
    return dict(linked)


def _linked_incident(*, linked_run_id: str, **columns: Any) -> tuple[str, StoredIncident]:
    return linked_run_id, _incident(**columns)


def _prefixed(alias: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in _INCIDENT_COLUMNS.split(","))


def _last_failed_at(conn: psycopg.Connection[Any], incident_id: int) -> datetime | None:
    with conn.cursor(row_factory=scalar_row) as cur:
        last: datetime | None = cur.execute(
            "SELECT max(COALESCE(j.end_time, r.added_at)) FROM incident_runs r"
            " LEFT JOIN job_runs j ON j.run_id = r.run_id WHERE r.incident_id = %s",
            (incident_id,),
        ).fetchone()
    return last


def claim_incident(
    conn: psycopg.Connection[Any],
    draft: IncidentDraft,
    runs: Sequence[tuple[str, datetime]],
    quiet_after: timedelta,
) -> IncidentClaim:
    """Link ``runs`` (run id, failure time) to the open incident of ``draft.fingerprint``,
    opening one from ``draft`` when there is none or the open one has gone quiet: its last
    failure came more than ``quiet_after`` before the earliest of ``runs`` (the open one is
    then resolved).

    Runs already linked to an incident stay there; when all of them are, their incident is
    returned unchanged. Commits on its own transaction (or joins the caller's).
    """
    if not runs:
        raise ValueError("claim_incident needs at least one run")
    with conn.transaction(), conn.cursor(row_factory=_INCIDENT_ROW) as cur:
        # One claimer per fingerprint at a time, across processes; released at commit.
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"resync.incident:{draft.fingerprint}",)
        )
        already = incidents_of_runs(conn, [run_id for run_id, _ in runs])
        new_runs = [(run_id, at) for run_id, at in runs if run_id not in already]
        if not new_runs:
            return IncidentClaim(already[runs[0][0]], created=False, linked_run_ids=())

        earliest = min(at for _, at in new_runs)
        incident = cur.execute(
            f"SELECT {_INCIDENT_COLUMNS} FROM incidents"
            " WHERE fingerprint = %s AND status = 'open' FOR UPDATE",
            (draft.fingerprint,),
        ).fetchone()
        last_failed_at = _last_failed_at(conn, incident.id) if incident is not None else None
        # Gone quiet (fed last more than quiet_after ago): close it, open a new one.
        if incident is not None and last_failed_at and earliest - last_failed_at > quiet_after:
            conn.execute(
                "UPDATE incidents SET status = 'resolved', resolved_at = now() WHERE id = %s",
                (incident.id,),
            )
            incident = None

        created = False
        if incident is None:
            inserted = cur.execute(
                "INSERT INTO incidents (fingerprint, pattern_id, job_key, category, root_cause,"
                " error_line, error_text, entities, confidence)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (fingerprint) WHERE status = 'open' DO NOTHING"
                f" RETURNING {_INCIDENT_COLUMNS}",
                (
                    draft.fingerprint,
                    draft.pattern_id,
                    draft.job_key,
                    draft.category,
                    draft.root_cause,
                    draft.error_line,
                    draft.error_text,
                    Jsonb(list(draft.entities)),
                    min(1.0, max(0.0, draft.confidence)),
                ),
            ).fetchone()
            if inserted is None:  # only without the lock (another writer); take theirs
                incident = cur.execute(
                    f"SELECT {_INCIDENT_COLUMNS} FROM incidents"
                    " WHERE fingerprint = %s AND status = 'open'",
                    (draft.fingerprint,),
                ).fetchone()
            else:
                incident, created = inserted, True
            assert incident is not None

        with conn.cursor() as links:
            links.executemany(
                "INSERT INTO incident_runs (incident_id, run_id) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                [(incident.id, run_id) for run_id, _ in new_runs],
            )
        return IncidentClaim(
            incident, created=created, linked_run_ids=tuple(run_id for run_id, _ in new_runs)
        )


def update_incident_diagnosis(
    conn: psycopg.Connection[Any],
    incident_id: int,
    *,
    root_cause: str,
    confidence: float,
    entities: Sequence[str],
) -> None:
    """Replace the diagnosis text of an incident (e.g. after enrichment)."""
    conn.execute(
        "UPDATE incidents SET root_cause = %s, confidence = %s, entities = %s WHERE id = %s",
        (root_cause, min(1.0, max(0.0, confidence)), Jsonb(list(entities)), incident_id),
    )


def resolve_incident(
    conn: psycopg.Connection[Any], incident_id: int, *, at: datetime | None = None
) -> bool:
    """Mark an open incident resolved (``at``, default now); False when it was not open."""
    cur = conn.execute(
        "UPDATE incidents SET status = 'resolved', resolved_at = COALESCE(%s, now())"
        " WHERE id = %s AND status = 'open'",
        (at, incident_id),
    )
    return cur.rowcount > 0


def affected_runs(
    conn: psycopg.Connection[Any], incident_id: int, limit: int = 1000
) -> list[AffectedRun]:
    """The runs an incident covers, earliest failure first."""
    with conn.cursor(row_factory=class_row(AffectedRun)) as cur:
        return cur.execute(
            "SELECT r.run_id, j.job_key, j.workstation, j.job_stream, j.job_name,"
            " j.internal_status, j.return_code, j.end_time, j.error_line"
            " FROM incident_runs r LEFT JOIN job_runs j ON j.run_id = r.run_id"
            " WHERE r.incident_id = %s"
            " ORDER BY COALESCE(j.end_time, r.added_at), r.run_id LIMIT %s",
            (incident_id, limit),
        ).fetchall()


def count_affected_runs(conn: psycopg.Connection[Any], incident_id: int) -> int:
    with conn.cursor(row_factory=scalar_row) as cur:
        count = cur.execute(
            "SELECT count(*) FROM incident_runs WHERE incident_id = %s", (incident_id,)
        ).fetchone()
    return int(count or 0)


def list_open_incidents(conn: psycopg.Connection[Any], limit: int = 100) -> list[IncidentOverview]:
    """Open incidents, most recently fed first."""
    with conn.cursor(row_factory=kwargs_row(_overview)) as cur:
        return cur.execute(
            f"SELECT {_prefixed('i')}, s.run_count, s.last_failed_at FROM incidents i"
            " LEFT JOIN LATERAL (SELECT count(*) AS run_count,"
            "   max(COALESCE(j.end_time, r.added_at)) AS last_failed_at"
            "   FROM incident_runs r LEFT JOIN job_runs j ON j.run_id = r.run_id"
            "   WHERE r.incident_id = i.id) s ON true"
            " WHERE i.status = 'open'"
            " ORDER BY s.last_failed_at DESC NULLS LAST, i.id DESC LIMIT %s",
            (limit,),
        ).fetchall()


def _overview(
    *, run_count: int | None, last_failed_at: datetime | None, **columns: Any
) -> IncidentOverview:
    return IncidentOverview(_incident(**columns), int(run_count or 0), last_failed_at)


# ----------------------------------------------------------------- recommendations


def add_recommendation(
    conn: psycopg.Connection[Any], incident_id: int, draft: RecommendationDraft
) -> StoredRecommendation:
    """Store ``draft`` unless the incident already has a recommendation from that source;
    returns the stored one either way."""
    with conn.transaction():
        conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"resync.recommendation:{incident_id}",)
        )
        with conn.cursor(row_factory=RECOMMENDATION_ROW) as cur:
            stored = cur.execute(
                f"SELECT {RECOMMENDATION_COLUMNS} FROM recommendations"
                " WHERE incident_id = %s AND source = %s ORDER BY id LIMIT 1",
                (incident_id, draft.source),
            ).fetchone()
            if stored is None:
                stored = cur.execute(
                    "INSERT INTO recommendations"
                    " (incident_id, steps, rerun_command, source, model, confidence)"
                    f" VALUES (%s, %s, %s, %s, %s, %s) RETURNING {RECOMMENDATION_COLUMNS}",
                    (
                        incident_id,
                        Jsonb(list(draft.steps)),
                        draft.rerun_command,
                        draft.source,
                        draft.model,
                        min(1.0, max(0.0, draft.confidence)),
                    ),
                ).fetchone()
        assert stored is not None
        return stored


def latest_recommendation(
    conn: psycopg.Connection[Any], incident_id: int
) -> StoredRecommendation | None:
    """The recommendation to show: the LLM's when there is one, else the deterministic one."""
    with conn.cursor(row_factory=RECOMMENDATION_ROW) as cur:
        return cur.execute(
            f"SELECT {RECOMMENDATION_COLUMNS} FROM recommendations WHERE incident_id = %s"
            " ORDER BY (source = 'llm') DESC, id DESC LIMIT 1",
            (incident_id,),
        ).fetchone()


def lacks_recommendation(
    conn: psycopg.Connection[Any], incident_id: int, created_at: datetime, grace: timedelta
) -> bool:
    """Whether the incident (opened at ``created_at``) still has no recommendation although
    it was opened more than ``grace`` ago (by the database's clock)."""
    with conn.cursor(row_factory=scalar_row) as cur:
        lacking = cur.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM recommendations WHERE incident_id = %s)"
            " AND %s < now() - %s",
            (incident_id, created_at, grace),
        ).fetchone()
    return bool(lacking)


def has_recommendation(conn: psycopg.Connection[Any], incident_id: int, source: str) -> bool:
    with conn.cursor(row_factory=scalar_row) as cur:
        found = cur.execute(
            "SELECT EXISTS (SELECT 1 FROM recommendations WHERE incident_id = %s AND source = %s)",
            (incident_id, source),
        ).fetchone()
    return bool(found)


# ----------------------------------------------------------------- feedback and history


def record_feedback(
    conn: psycopg.Connection[Any],
    incident_id: int,
    *,
    verdict: str,
    resolution: str | None = None,
    operator: str | None = None,
    resolve: bool = False,
    recorded_at: datetime | None = None,
) -> int:
    """Record what an operator said about an incident (and how it was fixed); returns the
    feedback id. ``resolve`` also closes the incident. ``recorded_at`` (default now) is for
    verdicts taken down elsewhere and entered later, or given on a simulated clock.
    Raises ``IncidentNotFoundError``."""
    verdict = verdict.strip()
    if not verdict:
        raise ValueError("verdict must not be empty")
    with conn.transaction():
        if load_incident(conn, incident_id) is None:
            raise IncidentNotFoundError(f"no incident {incident_id}")
        recommendation = latest_recommendation(conn, incident_id)
        with conn.cursor(row_factory=scalar_row) as cur:
            feedback_id = cur.execute(
                "INSERT INTO feedback"
                " (incident_id, recommendation_id, verdict, resolution, operator, created_at)"
                " VALUES (%s, %s, %s, %s, %s, COALESCE(%s, now())) RETURNING id",
                (
                    incident_id,
                    recommendation.id if recommendation else None,
                    verdict,
                    resolution.strip() if resolution and resolution.strip() else None,
                    operator,
                    recorded_at,
                ),
            ).fetchone()
        if resolve:
            resolve_incident(conn, incident_id, at=recorded_at)
    assert feedback_id is not None
    return int(feedback_id)


def _feedback_notes(raw: Any) -> tuple[FeedbackNote, ...]:
    items = json.loads(raw) if isinstance(raw, str) else (raw or [])
    return tuple(
        FeedbackNote(
            verdict=item["verdict"],
            resolution=item.get("resolution"),
            operator=item.get("operator"),
            created_at=datetime.fromisoformat(item["created_at"]),
        )
        for item in items
    )


def past_incidents(
    conn: psycopg.Connection[Any],
    *,
    fingerprint: str,
    pattern_id: str | None,
    exclude_incident_id: int | None,
    limit: int = 50,
) -> list[PastIncident]:
    """Other incidents with the same fingerprint or error pattern, newest first, with all
    their feedback."""
    with conn.cursor(row_factory=kwargs_row(_past_incident)) as cur:
        return cur.execute(
            "SELECT i.id AS incident_id, i.fingerprint, i.pattern_id, i.category, i.root_cause,"
            " i.job_key, i.status, i.created_at, i.resolved_at,"
            " (SELECT count(*) FROM incident_runs r WHERE r.incident_id = i.id) AS run_count,"
            " COALESCE((SELECT jsonb_agg(jsonb_build_object('verdict', f.verdict,"
            "   'resolution', f.resolution, 'operator', f.operator, 'created_at', f.created_at)"
            "   ORDER BY f.created_at) FROM feedback f WHERE f.incident_id = i.id), '[]')"
            "   AS feedback"
            " FROM incidents i"
            " WHERE i.id IS DISTINCT FROM %s"
            " AND (i.fingerprint = %s OR (%s::text IS NOT NULL AND i.pattern_id = %s))"
            " ORDER BY i.created_at DESC, i.id DESC LIMIT %s",
            (exclude_incident_id, fingerprint, pattern_id, pattern_id, limit),
        ).fetchall()


def _past_incident(*, feedback: Any, **columns: Any) -> PastIncident:
    return PastIncident(feedback=_feedback_notes(feedback), **columns)
