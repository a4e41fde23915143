"""Metric history from CSV files, for hosts where no sampler runs (or history from before).

Three layouts are accepted, all with a header row:

- long: ``timestamp,host,metric,value`` and optionally ``labels`` (``key=value;key=value``);
- single series: ``timestamp,value`` with the host and metric given by the caller;
- wide: ``timestamp,host`` and one column per metric (``cpu_percent,memory_percent,...``),
  as monitoring tools and the TWS simulator export them.

Timestamps without a zone are taken as UTC. A file with a bad row is rejected whole, with the
line numbers of the first bad rows, so a half-imported history never looks complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from resync_clients.host_metrics import MetricSample

# Wide-layout column names → the metric names the host sampler uses for the same quantity.
WIDE_COLUMN_METRICS: dict[str, tuple[str, dict[str, str]]] = {
    "cpu_percent": ("cpu.percent", {}),
    "memory_percent": ("memory.percent", {}),
    "disk_percent": ("disk.used_percent", {"mount": "/"}),
    "swap_percent": ("swap.percent", {}),
    "running_jobs": ("jobs.running", {}),
}


class MetricHistoryError(ValueError):
    """The CSV cannot be imported; the message says which file, line and column."""


def _parse_labels(text: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise ValueError(f"label {part!r} is not key=value")
        labels[key.strip()] = value.strip()
    return labels


def _bad_lines(mask: pd.Series) -> str:
    # +2: one for the header row, one because CSV line numbers start at 1.
    lines = [str(index + 2) for index in mask[mask].index[:5]]
    return ", ".join(lines)


def read_metric_csv(
    path: Path, *, host: str | None = None, metric: str | None = None
) -> Iterator[MetricSample]:
    """Yield the samples of the CSV at ``path``; raise ``MetricHistoryError`` on bad input."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise MetricHistoryError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise MetricHistoryError(f"{path}: not a readable CSV file ({exc})") from None
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    if "value" not in frame.columns and "metric" not in frame.columns:
        yield from _read_wide(path, frame, host)
        return

    missing = [column for column in ("timestamp", "value") if column not in frame.columns]
    if "host" not in frame.columns and not host:
        missing.append("host (or pass the host name)")
    if "metric" not in frame.columns and not metric:
        missing.append("metric (or pass the metric name)")
    if missing:
        raise MetricHistoryError(
            f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}"
        )

    times = pd.to_datetime(frame["timestamp"], errors="coerce", utc=True, format="mixed")
    if times.isna().any():
        raise MetricHistoryError(
            f"{path}: unreadable timestamp on line(s) {_bad_lines(times.isna())}"
        )
    values = pd.to_numeric(frame["value"], errors="coerce")
    if values.isna().any():
        raise MetricHistoryError(
            f"{path}: non-numeric value on line(s) {_bad_lines(values.isna())}"
        )

    hosts = frame["host"] if "host" in frame.columns else pd.Series(host, index=frame.index)
    metrics = frame["metric"] if "metric" in frame.columns else pd.Series(metric, index=frame.index)
    label_texts = frame["labels"] if "labels" in frame.columns else None

    for index, (when, value, row_host, row_metric) in enumerate(
        zip(times, values, hosts, metrics, strict=True)
    ):
        try:
            labels = _parse_labels(label_texts.iloc[index]) if label_texts is not None else {}
        except ValueError as exc:
            raise MetricHistoryError(f"{path}: line {index + 2}: {exc}") from None
        if not row_host or not row_metric:
            raise MetricHistoryError(f"{path}: line {index + 2}: empty host or metric")
        yield MetricSample(
            host=row_host,
            metric=row_metric,
            sampled_at=when.to_pydatetime(),
            value=float(value),
            labels=labels,
        )


def _read_wide(path: Path, frame: pd.DataFrame, host: str | None) -> Iterator[MetricSample]:
    if "timestamp" not in frame.columns:
        raise MetricHistoryError(f"{path}: missing column timestamp")
    if "host" not in frame.columns and not host:
        raise MetricHistoryError(f"{path}: missing column host (or pass the host name)")
    metric_columns = [c for c in frame.columns if c not in ("timestamp", "host", "labels")]
    if not metric_columns:
        raise MetricHistoryError(f"{path}: no metric columns besides timestamp and host")
    times = pd.to_datetime(frame["timestamp"], errors="coerce", utc=True, format="mixed")
    if times.isna().any():
        raise MetricHistoryError(
            f"{path}: unreadable timestamp on line(s) {_bad_lines(times.isna())}"
        )
    values = {c: pd.to_numeric(frame[c], errors="coerce") for c in metric_columns}
    for column, series in values.items():
        # Empty cells are gaps, not errors; text is an error.
        bad = series.isna() & (frame[column].str.strip() != "")
        if bad.any():
            raise MetricHistoryError(f"{path}: non-numeric {column} on line(s) {_bad_lines(bad)}")
    hosts = frame["host"] if "host" in frame.columns else pd.Series(host, index=frame.index)
    for column in metric_columns:
        metric, labels = WIDE_COLUMN_METRICS.get(column, (column.replace("_", "."), {}))
        for when, value, row_host in zip(times, values[column], hosts, strict=True):
            if pd.isna(value):
                continue
            yield MetricSample(
                host=row_host or (host or ""),
                metric=metric,
                sampled_at=when.to_pydatetime(),
                value=float(value),
                labels=labels,
            )
