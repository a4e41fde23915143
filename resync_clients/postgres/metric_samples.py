"""Writes and reads of the ``metric_samples`` table (host metric time series)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from resync_clients.host_metrics import MetricSample
from resync_clients.postgres.upsert import UpsertResult, bulk_upsert

_COLUMNS = ("host", "metric", "labels", "sampled_at", "value")


def upsert_metric_samples(
    conn: psycopg.Connection[Any], samples: Iterable[MetricSample]
) -> UpsertResult:
    """Store ``samples``; a sample already stored for the same instant is overwritten."""
    rows = ((s.host, s.metric, Jsonb(dict(s.labels)), s.sampled_at, s.value) for s in samples)
    return bulk_upsert(
        conn,
        table="metric_samples",
        columns=_COLUMNS,
        rows=rows,
        key=("host", "metric", "labels", "sampled_at"),
    )


def read_metric_series(
    conn: psycopg.Connection[Any],
    *,
    host: str,
    metric: str,
    since: datetime | None = None,
    labels: dict[str, str] | None = None,
) -> Sequence[tuple[datetime, float]]:
    """The (sampled_at, value) points of one series in time order."""
    rows = conn.execute(
        "SELECT sampled_at, value FROM metric_samples"
        " WHERE host = %s AND metric = %s AND labels = %s"
        " AND (%s::timestamptz IS NULL OR sampled_at >= %s)"
        " ORDER BY sampled_at",
        (host, metric, Jsonb(labels or {}), since, since),
    ).fetchall()
    return [(_value(row, "sampled_at", 0), _value(row, "value", 1)) for row in rows]


def _value(row: Any, name: str, index: int) -> Any:
    # Works with the store's dict rows and with plain tuple rows.
    return row[name] if isinstance(row, dict) else row[index]
