"""Tasks of pattern mining: read the error lines of failed runs, mine them, record the patterns.

The miner's state lives in ``poller_state`` under ``pattern-miner`` and is saved in the same
transaction as the patterns and run counts it produced, so a crash loses nothing and a re-run
counts nothing twice (runs already counted are in ``error_pattern_runs``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from psycopg.types.json import Jsonb

from resync_analytics.patterns.miner import PatternMiner
from resync_analytics.patterns.persistence import miner_from_json, miner_to_json
from resync_clients.events import PATTERN_NEW, DomainEvent
from resync_clients.postgres.outbox import enqueue_events
from resync_core.settings import Settings
from tasks.resources import get_store

MINER_STATE_NAME = "pattern-miner"


@dataclass(frozen=True)
class ErrorLine:
    """The line of a failed run's joblog that states its root cause."""

    run_id: str
    job_key: str
    text: str
    category: str | None
    failed_at: datetime


@dataclass(frozen=True)
class PatternMiningSummary:
    lines_mined: int
    patterns_touched: int
    new_patterns: tuple[str, ...]
    templates_total: int


@task(name="read-error-lines", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def read_error_lines(settings: Settings, lookback_days: int, limit: int) -> list[ErrorLine]:
    """Error lines of failed runs that ended in the last ``lookback_days`` and are not counted.

    Only the stated line is read from each joblog (``split_part`` in the database), never the
    whole text.
    """
    since = datetime.now(UTC) - timedelta(days=lookback_days)
    store = get_store(settings)
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT j.run_id, j.job_key, coalesce(j.end_time, j.updated_at) AS failed_at,"
            " split_part(j.joblog_text, E'\\n', j.error_line) AS text, p.category"
            " FROM job_runs j"
            " LEFT JOIN error_patterns p ON p.pattern_id = j.error_pattern"
            " WHERE j.internal_status IN ('ABEND', 'FAIL') AND j.error_line > 0"
            " AND j.joblog_text IS NOT NULL AND coalesce(j.end_time, j.updated_at) >= %s"
            " AND NOT EXISTS (SELECT 1 FROM error_pattern_runs m WHERE m.run_id = j.run_id)"
            " ORDER BY failed_at, j.run_id LIMIT %s",
            (since, limit),
        ).fetchall()
    return [
        ErrorLine(
            run_id=row["run_id"],
            job_key=row["job_key"],
            text=row["text"].rstrip("\r"),
            category=row["category"],
            failed_at=row["failed_at"],
        )
        for row in rows
    ]


@task(
    name="mine-and-store-patterns",
    retries=3,
    retry_delay_seconds=[1, 5, 15],
    cache_policy=NO_CACHE,
)
def mine_and_store_patterns(settings: Settings, lines: Sequence[ErrorLine]) -> PatternMiningSummary:
    """Mine ``lines`` into the saved miner and record everything in ONE transaction.

    Upserts ``error_patterns`` (template, category, first/last seen, occurrences), records
    each run's pattern in ``error_pattern_runs``, enqueues ``resync.pattern.new`` for each
    pattern never stored before, and saves the miner. The state row is locked for the
    transaction, so two runs of the flow cannot interleave their updates.
    """
    logger = get_run_logger()
    store = get_store(settings)
    with store.connection() as conn, conn.transaction():
        miner = _load_miner(conn)
        redirects_before = dict(miner.state().redirects)
        keys = [miner.add(line.text) for line in lines]
        miner.compact()
        state = miner.state()
        merged = {
            miner.pattern(old).pattern_id: miner.pattern(new).pattern_id
            for old, new in state.redirects.items()
            if old not in redirects_before
        }
        by_pattern: dict[str, list[ErrorLine]] = {}
        for line, key in zip(lines, keys, strict=True):
            by_pattern.setdefault(miner.pattern(key).pattern_id, []).append(line)
        templates = {p.pattern_id: p.template for p in miner.patterns()}
        inserted = _upsert_patterns(conn, by_pattern, templates)
        _record_runs(conn, by_pattern, merged)
        events = [_new_pattern_event(pid, templates[pid], by_pattern[pid]) for pid in inserted]
        enqueue_events(conn, events)
        _save_miner(conn, miner)
    logger.info(
        "mined %d error line(s) into %d pattern(s), %d new; %d template(s) known",
        len(lines),
        len(by_pattern),
        len(inserted),
        len(miner),
    )
    return PatternMiningSummary(len(lines), len(by_pattern), tuple(inserted), len(miner))


def _load_miner(conn: psycopg.Connection[Any]) -> PatternMiner:
    # Create the row first so FOR UPDATE has something to lock even on the first run.
    conn.execute(
        "INSERT INTO poller_state (name, cursor) VALUES (%s, '{}') ON CONFLICT (name) DO NOTHING",
        (MINER_STATE_NAME,),
    )
    row = conn.execute(
        "SELECT cursor FROM poller_state WHERE name = %s FOR UPDATE", (MINER_STATE_NAME,)
    ).fetchone()
    saved = (row["cursor"] or {}).get("miner") if row else None
    return miner_from_json(saved) if saved else PatternMiner()


def _save_miner(conn: psycopg.Connection[Any], miner: PatternMiner) -> None:
    conn.execute(
        "UPDATE poller_state SET cursor = %s WHERE name = %s",
        (Jsonb({"miner": miner_to_json(miner)}), MINER_STATE_NAME),
    )


def _upsert_patterns(
    conn: psycopg.Connection[Any],
    by_pattern: dict[str, list[ErrorLine]],
    templates: dict[str, str],
) -> list[str]:
    """Insert or refresh the touched patterns; returns the ids that were new."""
    inserted: list[str] = []
    with conn.cursor() as cur:
        for pattern_id, lines in sorted(by_pattern.items()):
            categories = Counter(line.category for line in lines if line.category)
            category = categories.most_common(1)[0][0] if categories else None
            cur.execute(
                "INSERT INTO error_patterns (pattern_id, template, category, first_seen, last_seen)"
                " VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (pattern_id) DO UPDATE SET template = EXCLUDED.template,"
                " category = coalesce(error_patterns.category, EXCLUDED.category),"
                " first_seen = least(error_patterns.first_seen, EXCLUDED.first_seen),"
                " last_seen = greatest(error_patterns.last_seen, EXCLUDED.last_seen)"
                " RETURNING (xmax = 0) AS inserted",
                (
                    pattern_id,
                    templates[pattern_id],
                    category,
                    min(line.failed_at for line in lines),
                    max(line.failed_at for line in lines),
                ),
            )
            row = cur.fetchone()
            if row is not None and row["inserted"]:
                inserted.append(pattern_id)
    return inserted


def _record_runs(
    conn: psycopg.Connection[Any],
    by_pattern: dict[str, list[ErrorLine]],
    merged: dict[str, str],
) -> None:
    """Count each run once, fold merged patterns into their survivors, refresh the counts."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO error_pattern_runs (run_id, pattern_id) VALUES (%s, %s)"
            " ON CONFLICT (run_id) DO NOTHING",
            [(line.run_id, pid) for pid, lines in by_pattern.items() for line in lines],
        )
        for absorbed, survivor in merged.items():
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
        touched = sorted(set(by_pattern) | set(merged.values()))
        # Counted from the recorded runs, so a replay cannot inflate them.
        cur.execute(
            "UPDATE error_patterns p SET occurrences = c.n"
            " FROM (SELECT pattern_id, count(*) AS n FROM error_pattern_runs"
            "       WHERE pattern_id = ANY(%s) GROUP BY pattern_id) c"
            " WHERE p.pattern_id = c.pattern_id",
            (touched,),
        )


def _new_pattern_event(pattern_id: str, template: str, lines: Sequence[ErrorLine]) -> DomainEvent:
    example = lines[0]
    categories = Counter(line.category for line in lines if line.category)
    return DomainEvent(
        name=PATTERN_NEW,
        resource_id=f"resync.pattern.{pattern_id}",
        # Once per pattern, ever: a replayed run enqueues nothing new.
        idempotency_key=f"{PATTERN_NEW}:{pattern_id}",
        payload={
            "pattern_id": pattern_id,
            "template": template,
            "category": categories.most_common(1)[0][0] if categories else None,
            "occurrences": len(lines),
            "example_run_id": example.run_id,
            "example_job_key": example.job_key,
            "example_line": example.text,
        },
        occurred_at=min(line.failed_at for line in lines),
    )
