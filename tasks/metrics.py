"""Tasks that sample host metrics and store metric series."""

from __future__ import annotations

import time
from pathlib import Path

from prefect import get_run_logger, task

from resync_clients.host_metrics import HostMetricsSampler, MetricSample
from resync_clients.metric_csv import read_metric_csv
from resync_clients.postgres.metric_samples import upsert_metric_samples
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES


@task(name="sample-system-metrics")
def sample_system_metrics(
    samples: int = 1, interval_seconds: float = 10.0, host: str | None = None
) -> list[MetricSample]:
    """Take ``samples`` samples of this host, ``interval_seconds`` apart (one task run)."""
    sampler = HostMetricsSampler(host=host)
    collected: list[MetricSample] = []
    for index in range(samples):
        if index:
            time.sleep(interval_seconds)
        collected.extend(sampler.sample())
    get_run_logger().info(
        "sampled %d value(s) of %s over %d sample(s)", len(collected), sampler.host, samples
    )
    return collected


@task(name="store-metric-samples", **DATABASE_RETRIES)
def store_metric_samples(samples: list[MetricSample]) -> int:
    """Upsert ``samples`` into PostgreSQL; returns how many rows changed."""
    store = get_store()
    with store.connection() as conn:
        result = upsert_metric_samples(conn, samples)
    return result.changed


@task(name="import-metric-history", **DATABASE_RETRIES)
def import_metric_history(
    path: Path, host: str | None = None, metric: str | None = None, batch_size: int = 50_000
) -> int:
    """Load a metric-history CSV (see ``resync_clients.metric_csv``) in one transaction."""
    store = get_store()
    # Parse everything first: a bad line rejects the file before anything is written.
    samples = list(read_metric_csv(path, host=host, metric=metric))
    changed = 0
    with store.connection() as conn, conn.transaction():
        for start in range(0, len(samples), batch_size):
            changed += upsert_metric_samples(conn, samples[start : start + batch_size]).changed
    get_run_logger().info(
        "imported %d sample(s) from %s (%d new or changed)", len(samples), path, changed
    )
    return changed
