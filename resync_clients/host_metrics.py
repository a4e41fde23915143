"""Host metrics from psutil: CPU, load, memory, swap, disks, I/O rates and top processes.

A ``HostMetricsSampler`` keeps the previous I/O counters so that each ``sample()`` can report
rates (bytes per second) over the interval since the last one; the first sample of a sampler
has no rates. Every value is a ``MetricSample`` row, ready for the ``metric_samples`` table.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psutil

logger = logging.getLogger(__name__)

# Pseudo and read-only filesystems say nothing about capacity.
_IGNORED_FSTYPES = frozenset(
    {"squashfs", "tmpfs", "devtmpfs", "overlay", "proc", "sysfs", "iso9660", "nsfs", "ramfs"}
)


@dataclass(frozen=True)
class MetricSample:
    """One measured value of one metric of one host at one instant.

    ``labels`` distinguish series of the same metric (a core, a mount, a process).
    """

    host: str
    metric: str
    sampled_at: datetime
    value: float
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def series(self) -> str:
        """A stable text key for (metric, labels), e.g. ``disk.used_percent{mount=/data}``."""
        if not self.labels:
            return self.metric
        inner = ",".join(f"{key}={self.labels[key]}" for key in sorted(self.labels))
        return f"{self.metric}{{{inner}}}"


@dataclass(frozen=True)
class _IoCounters:
    at: float
    disk_read: int
    disk_write: int
    net_recv: int
    net_sent: int


class HostMetricsSampler:
    """Samples this host's metrics; keep one instance per host process so rates work.

    ``top_processes`` bounds how many processes are reported per ranking (CPU and memory).
    """

    def __init__(self, host: str | None = None, *, top_processes: int = 5) -> None:
        self.host = host or socket.gethostname()
        self.top_processes = top_processes
        self._previous_io: _IoCounters | None = None
        # cpu_percent(interval=None) measures since the previous call: prime it once.
        psutil.cpu_percent(percpu=True)
        for process in psutil.process_iter():
            try:
                process.cpu_percent(None)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue

    def sample(self) -> list[MetricSample]:
        """Take one sample of every metric; never raises for one unreadable source."""
        now = datetime.now(UTC)
        samples: list[MetricSample] = []
        for reader in (
            self._cpu,
            self._load,
            self._memory,
            self._disks,
            self._io_rates,
            self._processes,
        ):
            try:
                samples.extend(reader(now))
            except (OSError, psutil.Error) as exc:
                # One broken source (an unmounted disk, a restricted /proc) must not cost the rest.
                logger.warning("could not read %s on %s: %s", reader.__name__, self.host, exc)
        return samples

    def _metric(self, now: datetime, metric: str, value: float, **labels: str) -> MetricSample:
        return MetricSample(self.host, metric, now, float(value), labels)

    def _cpu(self, now: datetime) -> Iterator[MetricSample]:
        per_core = psutil.cpu_percent(percpu=True)
        if per_core:
            yield self._metric(now, "cpu.percent", sum(per_core) / len(per_core))
        for index, percent in enumerate(per_core):
            yield self._metric(now, "cpu.core.percent", percent, core=str(index))
        yield self._metric(now, "cpu.count", psutil.cpu_count() or len(per_core))

    def _load(self, now: datetime) -> Iterator[MetricSample]:
        if not hasattr(os, "getloadavg"):
            return
        for minutes, value in zip((1, 5, 15), os.getloadavg(), strict=True):
            yield self._metric(now, f"load.{minutes}m", value)

    def _memory(self, now: datetime) -> Iterator[MetricSample]:
        memory = psutil.virtual_memory()
        yield self._metric(now, "memory.percent", memory.percent)
        yield self._metric(now, "memory.used_bytes", memory.total - memory.available)
        yield self._metric(now, "memory.total_bytes", memory.total)
        swap = psutil.swap_memory()
        yield self._metric(now, "swap.percent", swap.percent)
        yield self._metric(now, "swap.used_bytes", swap.used)

    def _disks(self, now: datetime) -> Iterator[MetricSample]:
        seen_devices: set[str] = set()
        for partition in psutil.disk_partitions(all=False):
            if partition.fstype in _IGNORED_FSTYPES or partition.device in seen_devices:
                continue
            seen_devices.add(partition.device)
            try:
                usage = psutil.disk_usage(partition.mountpoint)
            except (PermissionError, FileNotFoundError, OSError):
                continue
            mount = partition.mountpoint
            yield self._metric(now, "disk.used_percent", usage.percent, mount=mount)
            yield self._metric(now, "disk.used_bytes", usage.used, mount=mount)
            yield self._metric(now, "disk.total_bytes", usage.total, mount=mount)

    def _io_rates(self, now: datetime) -> Iterator[MetricSample]:
        disk = psutil.disk_io_counters()
        net = psutil.net_io_counters()
        current = _IoCounters(
            at=time.monotonic(),
            disk_read=disk.read_bytes if disk else 0,
            disk_write=disk.write_bytes if disk else 0,
            net_recv=net.bytes_recv if net else 0,
            net_sent=net.bytes_sent if net else 0,
        )
        previous, self._previous_io = self._previous_io, current
        if previous is None:
            return
        elapsed = current.at - previous.at
        if elapsed <= 0:
            return
        for metric, before, after in (
            ("disk.read_bytes_per_s", previous.disk_read, current.disk_read),
            ("disk.write_bytes_per_s", previous.disk_write, current.disk_write),
            ("net.recv_bytes_per_s", previous.net_recv, current.net_recv),
            ("net.sent_bytes_per_s", previous.net_sent, current.net_sent),
        ):
            # Counters wrap or reset on some platforms: a negative delta is no rate at all.
            if after >= before:
                yield self._metric(now, metric, (after - before) / elapsed)

    def _processes(self, now: datetime) -> Iterator[MetricSample]:
        rows: list[tuple[float, int, str, int]] = []
        for process in psutil.process_iter(["name", "memory_info"]):
            try:
                cpu = process.cpu_percent(None)
                memory_info = process.info["memory_info"]
                rss = memory_info.rss if memory_info else 0
                rows.append((cpu, rss, process.info["name"] or "?", process.pid))
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        for cpu, _rss, name, pid in sorted(rows, key=lambda row: row[0], reverse=True)[
            : self.top_processes
        ]:
            yield self._metric(now, "process.cpu_percent", cpu, process=name, pid=str(pid))
        for _cpu, rss, name, pid in sorted(rows, key=lambda row: row[1], reverse=True)[
            : self.top_processes
        ]:
            yield self._metric(now, "process.rss_bytes", rss, process=name, pid=str(pid))
