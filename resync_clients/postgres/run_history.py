"""Reads of the run history that predictive maintenance learns from.

A month of a large shop is millions of runs, so the rows stream out of PostgreSQL with
``COPY ... TO STDOUT`` straight into pandas' CSV parser: no Python object per row, and memory
bounded by the resulting frame. The frame comes back raw (the columns of
``RUN_HISTORY_QUERY_COLUMNS``, typed as read); ``resync_analytics.maintenance.history`` makes
it the validated run-history frame the models use.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
import psycopg
from psycopg import sql
from psycopg.abc import Buffer
from psycopg.rows import tuple_row

# name -> dtype as parsed from the COPY: times are epoch seconds, ``failed`` a boolean.
RUN_HISTORY_QUERY_COLUMNS: dict[str, str] = {
    "job_key": "string",
    "workstation": "string",
    "sched_time": "float64",
    "start_time": "float64",
    "end_time": "float64",
    "deadline_time": "float64",
    "duration_seconds": "float64",
    "failed": "bool",
    "run_attempt": "int64",
    "error_pattern": "string",
}

# Times leave the server as epoch seconds: parsed as floats, no timestamp parsing.
_HISTORY_QUERY = sql.SQL(
    "COPY (SELECT job_key, workstation,"
    " extract(epoch FROM coalesce(sched_time, start_time)) AS sched_time,"
    " extract(epoch FROM start_time) AS start_time,"
    " extract(epoch FROM end_time) AS end_time,"
    " extract(epoch FROM deadline_time) AS deadline_time,"
    " duration_seconds, internal_status IN ('ABEND', 'FAIL') AS failed,"
    " run_attempt, error_pattern"
    " FROM job_runs WHERE coalesce(sched_time, start_time) >= {since}"
    " AND coalesce(sched_time, start_time) < {until}"
    " ORDER BY coalesce(sched_time, start_time), job_key, run_attempt)"
    " TO STDOUT (FORMAT csv, HEADER true)"
)


class _CopyReader(io.RawIOBase):
    """A file object over the chunks of a ``COPY TO STDOUT``, for ``pandas.read_csv``."""

    def __init__(self, chunks: Iterator[Buffer]) -> None:
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = bytes(chunk)
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def read_run_history(
    conn: psycopg.Connection[Any], *, since: datetime, until: datetime
) -> pd.DataFrame:
    """Every run scheduled in ``[since, until)``, oldest first, as a raw frame with the
    columns of ``RUN_HISTORY_QUERY_COLUMNS`` (``error_pattern`` None where unset)."""
    statement = _HISTORY_QUERY.format(since=sql.Literal(since), until=sql.Literal(until))
    dtypes = {
        name: dtype
        for name, dtype in RUN_HISTORY_QUERY_COLUMNS.items()
        if name != "failed"  # parsed from t/f by true_values/false_values
    }
    with conn.cursor() as cur, cur.copy(statement) as copy:
        frame = pd.read_csv(
            io.BufferedReader(_CopyReader(iter(copy))),
            dtype=dtypes,
            true_values=["t"],
            false_values=["f"],
        )
    frame["error_pattern"] = (
        frame["error_pattern"].astype(object).where(frame["error_pattern"].notna(), None)
    )
    return frame


def pattern_templates(conn: psycopg.Connection[Any], pattern_ids: Sequence[str]) -> dict[str, str]:
    """The template text of each known error pattern id."""
    if not pattern_ids:
        return {}
    with conn.cursor(row_factory=tuple_row) as cur:
        rows = cur.execute(
            "SELECT pattern_id, template FROM error_patterns WHERE pattern_id = ANY(%s)",
            (list(pattern_ids),),
        ).fetchall()
    return dict(rows)
