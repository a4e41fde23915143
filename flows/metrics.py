"""Host metrics sampling: one deployment per host keeps its CPU, memory and disk series."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from tasks.metrics import import_metric_history, sample_system_metrics, store_metric_samples


@flow(name="sample-host-metrics", log_prints=False)
def sample_host_metrics(
    samples: int = 6, interval_seconds: float = 10.0, host: str | None = None
) -> int:
    """Sample this host ``samples`` times, ``interval_seconds`` apart, and store the values.

    Scheduled every ``samples * interval_seconds`` seconds this keeps a continuous series;
    returns the number of rows written.
    """
    collected = sample_system_metrics(samples=samples, interval_seconds=interval_seconds, host=host)
    return store_metric_samples(collected)


@flow(name="import-metric-history")
def import_metrics(path: Path, host: str | None = None, metric: str | None = None) -> int:
    """Import a metric-history CSV for a host where no sampler runs."""
    return import_metric_history(path, host=host, metric=metric)
