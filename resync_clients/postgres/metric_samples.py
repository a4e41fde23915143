"""Writes and reads of the ``metric_samples`` table (host metric time series)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import tuple_row
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


def metric_series_keys(
    conn: psycopg.Connection[Any], metrics: Sequence[str], since: datetime
) -> list[tuple[str, str, dict[str, str]]]:
    """(host, metric, labels) of every series of ``metrics`` sampled since ``since``, by host
    and metric."""
    with conn.cursor(row_factory=tuple_row) as cur:
        return cur.execute(
            "SELECT DISTINCT host, metric, labels FROM metric_samples"
            " WHERE metric = ANY(%s) AND sampled_at >= %s ORDER BY host, metric",
            (list(metrics), since),
        ).fetchall()


def read_metric_series(
    conn: psycopg.Connection[Any],
    *,
    host: str,
    metric: str,
    since: datetime | None = None,
    labels: dict[str, str] | None = None,
) -> Sequence[tuple[datetime, float]]:
    """The (sampled_at, value) points of one series in time order."""
    with conn.cursor(row_factory=tuple_row) as cur:
        return cur.execute(
            "SELECT sampled_at, value FROM metric_samples"
            " WHERE host = %s AND metric = %s AND labels = %s"
            " AND (%s::timestamptz IS NULL OR sampled_at >= %s)"
            " ORDER BY sampled_at",
            (host, metric, Jsonb(labels or {}), since, since),
        ).fetchall()
