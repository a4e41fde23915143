"""Reads and writes of the mined error patterns: ``error_patterns``, ``error_pattern_runs``
(each run counted once, ever) and ``pattern_miner_state`` (the miner's saved templates)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row, dict_row, scalar_row
from psycopg.types.json import Jsonb

from resync_core.patterns import ErrorLine, PatternSighting


def read_error_lines(
    conn: psycopg.Connection[Any], *, since: datetime, limit: int
) -> list[ErrorLine]:
    """Error lines of failed runs that ended since ``since`` and are not counted yet, oldest
    first, at most ``limit``.

    Only the stated line is read from each joblog (``split_part`` in the database), never the
    whole text.
    """
    with conn.cursor(row_factory=class_row(ErrorLine)) as cur:
        return cur.execute(
            "SELECT j.run_id, j.job_key, coalesce(j.end_time, j.updated_at) AS failed_at,"
            " rtrim(split_part(j.joblog_text, E'\\n', j.error_line), E'\\r') AS text,"
            " p.category"
            " FROM job_runs j"
            " LEFT JOIN error_patterns p ON p.pattern_id = j.error_pattern"
            " WHERE j.internal_status IN ('ABEND', 'FAIL') AND j.error_line > 0"
            " AND j.joblog_text IS NOT NULL AND coalesce(j.end_time, j.updated_at) >= %s"
            " AND NOT EXISTS (SELECT 1 FROM error_pattern_runs m WHERE m.run_id = j.run_id)"
            " ORDER BY failed_at, j.run_id LIMIT %s",
            (since, limit),
        ).fetchall()


def lock_miner_state(conn: psycopg.Connection[Any], name: str) -> dict[str, Any] | None:
    """The saved state of miner ``name`` (None before its first save), locked until the
    transaction ends so two miners cannot interleave. Call inside a transaction."""
    # Create the row first so FOR UPDATE has something to lock even on the first run.
    conn.execute(
        "INSERT INTO pattern_miner_state (name) VALUES (%s) ON CONFLICT (name) DO NOTHING",
        (name,),
    )
    with conn.cursor(row_factory=scalar_row) as cur:
        state: dict[str, Any] | None = cur.execute(
            "SELECT state FROM pattern_miner_state WHERE name = %s FOR UPDATE", (name,)
        ).fetchone()
    return state


def save_miner_state(conn: psycopg.Connection[Any], name: str, state: Mapping[str, Any]) -> None:
    """Save the state of miner ``name`` (its row is locked by ``lock_miner_state``)."""
    conn.execute(
        "UPDATE pattern_miner_state SET state = %s WHERE name = %s", (Jsonb(dict(state)), name)
    )


def upsert_error_patterns(
    conn: psycopg.Connection[Any], sightings: Sequence[PatternSighting]
) -> list[str]:
    """Insert or refresh each sighted pattern (template; category kept once set; first and
    last seen widened); returns the ids that were new, in ``sightings`` order."""
    inserted: list[str] = []
    with conn.cursor(row_factory=scalar_row) as cur:
        for one in sightings:
            cur.execute(
                "INSERT INTO error_patterns (pattern_id, template, category, first_seen, last_seen)"
                " VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (pattern_id) DO UPDATE SET template = EXCLUDED.template,"
                " category = coalesce(error_patterns.category, EXCLUDED.category),"
                " first_seen = least(error_patterns.first_seen, EXCLUDED.first_seen),"
                " last_seen = greatest(error_patterns.last_seen, EXCLUDED.last_seen)"
                " RETURNING (xmax = 0) AS inserted",
                (one.pattern_id, one.template, one.category, one.first_seen, one.last_seen),
            )
            if cur.fetchone():  # the "inserted" column: True for a new pattern
                inserted.append(one.pattern_id)
    return inserted


def record_pattern_runs(
    conn: psycopg.Connection[Any],
    runs: Sequence[tuple[str, str]],
    merged: Mapping[str, str],
    touched: Sequence[str],
) -> None:
    """Count each (run id, pattern id) once, fold each merged pattern (absorbed -> survivor)
    into its survivor, and refresh the occurrences of ``touched`` and the survivors."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO error_pattern_runs (run_id, pattern_id) VALUES (%s, %s)"
            " ON CONFLICT (run_id) DO NOTHING",
            list(runs),
        )
        for absorbed, survivor in merged.items():
            if absorbed == survivor:
                continue  # not a merge: deleting "absorbed" would delete the survivor
            cur.execute(
                "UPDATE error_pattern_runs SET pattern_id = %s WHERE pattern_id = %s",
                (survivor, absorbed),
            )
            cur.execute(
                "UPDATE error_patterns s SET"
                " first_seen = least(s.first_seen, a.first_seen),"
                " last_seen = greatest(s.last_seen, a.last_seen)"
                " FROM error_patterns a WHERE s.pattern_id = %s AND a.pattern_id = %s",
                (survivor, absorbed),
            )
            cur.execute("DELETE FROM error_patterns WHERE pattern_id = %s", (absorbed,))
        # Counted from the recorded runs, so a replay cannot inflate them.
        cur.execute(
            "UPDATE error_patterns p SET occurrences = c.n"
            " FROM (SELECT pattern_id, count(*) AS n FROM error_pattern_runs"
            "       WHERE pattern_id = ANY(%s) GROUP BY pattern_id) c"
            " WHERE p.pattern_id = c.pattern_id",
            (sorted(set(touched) | set(merged.values())),),
        )


@dataclass(frozen=True)
class PatternNights:
    """A pattern's failed runs by night before ``until``: ``by_night`` maps nights ago (0 =
    the 24 hours up to ``until``) to a count; ``first_seen_night``: the night it was first
    seen (0 = tonight)."""

    pattern_id: str
    template: str
    first_seen_night: int
    by_night: dict[int, int]


def nightly_pattern_counts(
    conn: psycopg.Connection[Any], *, until: datetime, nights: int, min_tonight: int = 1
) -> list[PatternNights]:
    """Failed runs per pattern and night (24-hour windows ending at ``until``) over tonight
    and the ``nights`` before it, for the patterns with at least ``min_tonight`` runs tonight,
    by pattern id. A run's night is its end time's (its last update without one), as mined."""
    if nights < 1:
        raise ValueError("nights must be >= 1")
    params = {"until": until, "nights": nights, "min_tonight": min_tonight}
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "WITH runs AS ("
            "  SELECT r.pattern_id, floor(extract(epoch FROM %(until)s::timestamptz"
            "         - coalesce(j.end_time, j.updated_at)) / 86400)::int AS night"
            "  FROM error_pattern_runs r JOIN job_runs j USING (run_id)"
            "  WHERE coalesce(j.end_time, j.updated_at) <= %(until)s"
            "  AND coalesce(j.end_time, j.updated_at)"
            "      > %(until)s::timestamptz - make_interval(days => %(nights)s + 1))"
            " SELECT runs.pattern_id, p.template, runs.night, count(*)::int AS failed_runs,"
            " least(floor(extract(epoch FROM %(until)s::timestamptz - p.first_seen) / 86400),"
            "       2147483647)::int AS first_seen_night"
            " FROM runs JOIN error_patterns p USING (pattern_id)"
            " WHERE runs.pattern_id IN (SELECT pattern_id FROM runs WHERE night = 0"
            "                           GROUP BY pattern_id HAVING count(*) >= %(min_tonight)s)"
            " GROUP BY runs.pattern_id, p.template, p.first_seen, runs.night"
            " ORDER BY runs.pattern_id, runs.night",
            params,
        ).fetchall()
    found: dict[str, PatternNights] = {}
    for row in rows:
        one = found.setdefault(
            row["pattern_id"],
            PatternNights(row["pattern_id"], row["template"], row["first_seen_night"], {}),
        )
        one.by_night[row["night"]] = row["failed_runs"]
    return list(found.values())


def top_pattern_sources(
    conn: psycopg.Connection[Any],
    pattern_id: str,
    *,
    since: datetime,
    until: datetime,
    limit: int = 5,
) -> dict[str, list[tuple[str, int]]]:
    """The jobs and workstations with the most failed runs of ``pattern_id`` in
    (``since``, ``until``]: ``{"jobs": [(job key, runs)...], "workstations": [...]}``."""
    found: dict[str, list[tuple[str, int]]] = {}
    query = sql.SQL(
        "SELECT j.{} AS source, count(*)::int AS failed_runs"
        " FROM error_pattern_runs r JOIN job_runs j USING (run_id)"
        " WHERE r.pattern_id = %s AND coalesce(j.end_time, j.updated_at) > %s"
        " AND coalesce(j.end_time, j.updated_at) <= %s"
        " GROUP BY 1 ORDER BY failed_runs DESC, source LIMIT %s"
    )
    for name, column in (("jobs", "job_key"), ("workstations", "workstation")):
        with conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(
                query.format(sql.Identifier(column)), (pattern_id, since, until, limit)
            ).fetchall()
        found[name] = [(row["source"], row["failed_runs"]) for row in rows]
    return found


def pattern_templates(conn: psycopg.Connection[Any], pattern_ids: Sequence[str]) -> dict[str, str]:
    """The stored template of each of ``pattern_ids`` (ids not stored are left out)."""
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(
            "SELECT pattern_id, template FROM error_patterns WHERE pattern_id = ANY(%s)",
            (list(pattern_ids),),
        ).fetchall()
    return {row["pattern_id"]: row["template"] for row in rows}
