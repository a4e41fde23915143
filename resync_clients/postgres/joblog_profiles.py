"""Writes and reads of the per-job good-run profiles (``joblog_profiles`` and
``joblog_profile_templates``): the hashed line templates a job's successful runs print.

Every call names the ``template_version`` of the hashes it reads or writes (the analyser's
``TEMPLATE_VERSION``). A profile written under another version is read as missing, and the next
good run learnt replaces its templates: hashes of old masks would otherwise match nothing and
the baseline would quietly stop discounting a job's routine noise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import tuple_row

MAX_TEMPLATES_PER_JOB = 2000
"""Default bound of a job's stored templates (a good run's error-looking lines are few; this
holds whatever a noisy job prints)."""


@dataclass(frozen=True)
class StoredProfile:
    """A job's good-run profile as stored: how many runs it learnt and its template hashes."""

    job_key: str
    runs_learnt: int
    updated_at: datetime
    hashes: frozenset[int]


@dataclass(frozen=True)
class ProfileWrite:
    """What recording one good run changed: templates added, refreshed and evicted
    (``learnt`` False when the run had already been recorded: a replayed cycle)."""

    learnt: bool
    added: int = 0
    relearnt: bool = False  # templates of another version were dropped first
    refreshed: int = 0
    evicted: int = 0


def profile_ages(
    conn: psycopg.Connection[Any], job_keys: Sequence[str], *, template_version: str
) -> dict[str, datetime]:
    """When each of ``job_keys`` that has a profile of ``template_version`` last learnt a good
    run (a profile of another version is left out: the job is due for sampling)."""
    if not job_keys:
        return {}
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT job_key, updated_at FROM joblog_profiles"
            " WHERE job_key = ANY(%s) AND template_version = %s",
            (list(job_keys), template_version),
        ).fetchall()
    return {job_key: updated_at for job_key, updated_at in rows}


def record_good_run(
    conn: psycopg.Connection[Any],
    job_key: str,
    run_id: str,
    counts: Mapping[int, int],
    seen_at: datetime,
    max_templates: int = MAX_TEMPLATES_PER_JOB,
    *,
    template_version: str,
) -> ProfileWrite:
    """Add one good run's template ``counts`` (hash → occurrences) to ``job_key``'s profile,
    in one transaction: counts add up, ``last_seen`` moves to ``seen_at``, and the job keeps at
    most ``max_templates``, the least recently seen (then least often seen) evicted first. A
    run already recorded as the profile's last one changes nothing. A profile of another
    ``template_version`` is started afresh: its templates are dropped, then this run learnt."""
    if max_templates < 1:
        raise ValueError("max_templates must be positive")
    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        relearnt = _drop_other_version(cur, job_key, template_version)
        row = cur.execute(
            "INSERT INTO joblog_profiles AS p"
            " (job_key, runs_learnt, updated_at, last_run_id, template_version)"
            " VALUES (%s, 1, %s, %s, %s)"
            " ON CONFLICT (job_key) DO UPDATE SET runs_learnt = p.runs_learnt + 1,"
            " updated_at = greatest(p.updated_at, excluded.updated_at),"
            " last_run_id = excluded.last_run_id"
            " WHERE p.last_run_id IS DISTINCT FROM excluded.last_run_id"
            " RETURNING runs_learnt",
            (job_key, seen_at, run_id, template_version),
        ).fetchone()
        if row is None:
            return ProfileWrite(learnt=False)
        hashes = list(counts)
        added = refreshed = 0
        if hashes:
            rows = cur.execute(
                "INSERT INTO joblog_profile_templates AS t"
                " (job_key, template_hash, seen_count, last_seen)"
                " SELECT %s, h, c, %s FROM unnest(%s::bigint[], %s::integer[]) AS u(h, c)"
                " ON CONFLICT (job_key, template_hash) DO UPDATE"
                " SET seen_count = t.seen_count + excluded.seen_count,"
                " last_seen = greatest(t.last_seen, excluded.last_seen)"
                " RETURNING (xmax = 0)",
                (job_key, seen_at, hashes, [counts[h] for h in hashes]),
            ).fetchall()
            added = sum(1 for (inserted,) in rows if inserted)
            refreshed = len(rows) - added
        evicted = cur.execute(
            "DELETE FROM joblog_profile_templates WHERE job_key = %s AND template_hash IN ("
            " SELECT template_hash FROM joblog_profile_templates WHERE job_key = %s"
            " ORDER BY last_seen DESC, seen_count DESC, template_hash OFFSET %s)",
            (job_key, job_key, max_templates),
        ).rowcount
    return ProfileWrite(
        learnt=True,
        added=added,
        refreshed=refreshed,
        evicted=max(evicted, 0),
        relearnt=relearnt,
    )


def _drop_other_version(cur: psycopg.Cursor[Any], job_key: str, template_version: str) -> bool:
    """Empty ``job_key``'s profile if another template version wrote it (the row is locked
    for the rest of the transaction); True when it did."""
    row = cur.execute(
        "SELECT template_version FROM joblog_profiles WHERE job_key = %s FOR UPDATE", (job_key,)
    ).fetchone()
    if row is None or row[0] == template_version:
        return False
    cur.execute("DELETE FROM joblog_profile_templates WHERE job_key = %s", (job_key,))
    cur.execute(
        "UPDATE joblog_profiles SET runs_learnt = 0, last_run_id = NULL, template_version = %s"
        " WHERE job_key = %s",
        (template_version, job_key),
    )
    return True


def load_profiles(
    conn: psycopg.Connection[Any], job_keys: Sequence[str], *, template_version: str
) -> dict[str, StoredProfile]:
    """The stored profiles of ``template_version`` of those of ``job_keys`` that have one (one
    query for all)."""
    if not job_keys:
        return {}
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT p.job_key, p.runs_learnt, p.updated_at,"
            " coalesce(array_agg(t.template_hash) FILTER (WHERE t.template_hash IS NOT NULL),"
            " '{}')"
            " FROM joblog_profiles p"
            " LEFT JOIN joblog_profile_templates t ON t.job_key = p.job_key"
            " WHERE p.job_key = ANY(%s) AND p.template_version = %s"
            " GROUP BY p.job_key, p.runs_learnt, p.updated_at",
            (list(dict.fromkeys(job_keys)), template_version),
        ).fetchall()
    return {
        job_key: StoredProfile(job_key, runs, updated_at, frozenset(hashes))
        for job_key, runs, updated_at, hashes in rows
    }


__all__ = [
    "MAX_TEMPLATES_PER_JOB",
    "ProfileWrite",
    "StoredProfile",
    "load_profiles",
    "profile_ages",
    "record_good_run",
]
