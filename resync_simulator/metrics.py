"""CPU, memory and disk series of the simulated hosts, driven by the jobs running on them.

Each host has a baseline, a cost per running job and a slowly filling disk. The number of jobs
running on the host at each sample comes from the plans' runs, so a month-end peak or a job
that grows week after week shows in the host's CPU as it would on a real machine.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from resync_simulator.model import iso_instant
from resync_simulator.plan import Plan

_DISK_EPOCH = 20_089  # day number (2025-01-01) at which disks sit at their base fill


@dataclass(frozen=True)
class HostMetricSample:
    """One sample: ``timestamp`` in epoch seconds, percentages in [0, 100]."""

    host: str
    timestamp: float
    cpu_percent: float
    memory_percent: float
    disk_percent: float
    running_jobs: int


@dataclass(frozen=True)
class _HostProfile:
    cpu_base: float
    cpu_per_job: float
    mem_base: float
    mem_per_job: float
    disk_base: float
    disk_per_day: float


def _profile(seed_tag: int, ws_index: int, limit: int) -> _HostProfile:
    rng = random.Random(seed_tag * 31 + ws_index)
    return _HostProfile(
        cpu_base=rng.uniform(3, 15),
        cpu_per_job=rng.uniform(25, 70) / max(4, limit) * 2,
        mem_base=rng.uniform(20, 45),
        mem_per_job=rng.uniform(0.6, 2.5),
        disk_base=rng.uniform(30, 60),
        # Most disks fill slowly; a few fill fast enough to need attention within weeks.
        disk_per_day=rng.uniform(0.01, 0.12) if rng.random() < 0.75 else rng.uniform(0.3, 0.9),
    )


def _noise(values: np.ndarray, salt: int) -> np.ndarray:
    # Deterministic per timestamp (not per query window), in [-0.5, 0.5).
    x = np.sin(values * 12.9898 + salt * 78.233) * 43758.5453
    return x - np.floor(x) - 0.5


def running_counts(
    plans: Iterable[Plan], ws_index: int, times: np.ndarray, now: float
) -> np.ndarray:
    """Number of runs executing on workstation ``ws_index`` at each of ``times``."""
    starts: list[float] = []
    ends: list[float] = []
    for plan in plans:
        for inst in plan.instances:
            for run in inst.runs:
                if run.workstation == ws_index and run.start <= now:
                    starts.append(run.start)
                    ends.append(run.end)
    if not starts:
        return np.zeros(len(times), dtype=int)
    started = np.searchsorted(np.sort(np.array(starts)), times, side="right")
    ended = np.searchsorted(np.sort(np.array(ends)), times, side="right")
    return (started - ended).astype(int)


def host_series(
    plans: Iterable[Plan],
    ws_index: int,
    host: str,
    limit: int,
    seed_tag: int,
    start: float,
    end: float,
    step: float,
    now: float,
    epoch_day: float = _DISK_EPOCH,
) -> list[HostMetricSample]:
    """Samples every ``step`` seconds from ``start`` to ``min(end, now)`` (aligned to step).

    ``epoch_day`` is the day (days since 1970) at which disks and memory sit at their base
    fill; the engine passes the first day of its history so a simulation started on any date
    begins with plausible levels.
    """
    first = math.ceil(start / step) * step
    times = np.arange(first, min(end, now) + 1e-9, step, dtype=float)
    if len(times) == 0:
        return []
    running = running_counts(plans, ws_index, times, now)
    p = _profile(seed_tag, ws_index, limit)
    days = times / 86400.0 - epoch_day
    cpu = p.cpu_base + p.cpu_per_job * running * (1 + 0.25 * _noise(times, ws_index))
    cpu = np.clip(cpu + 3 * _noise(times, ws_index + 7), 0, 100)
    mem = p.mem_base + p.mem_per_job * running + 0.02 * days + 2 * _noise(times, ws_index + 13)
    disk = p.disk_base + p.disk_per_day * days + 0.3 * _noise(times, ws_index + 29)
    return [
        HostMetricSample(host, float(t), round(float(c), 2), round(float(m), 2),
                         round(float(d), 2), int(r))
        for t, c, m, d, r in zip(times, cpu, np.clip(mem, 0, 100), np.clip(disk, 0, 100),
                                 running, strict=True)
    ]  # fmt: skip


def write_csv(samples: Iterable[HostMetricSample], out: TextIO) -> int:
    """Write ``host,timestamp,cpu_percent,memory_percent,disk_percent,running_jobs``; returns
    the number of rows."""
    writer = csv.writer(out)
    writer.writerow(
        ["host", "timestamp", "cpu_percent", "memory_percent", "disk_percent", "running_jobs"]
    )
    rows = 0
    for s in samples:
        writer.writerow(
            [s.host, iso_instant(s.timestamp), s.cpu_percent, s.memory_percent,
             s.disk_percent, s.running_jobs]
        )  # fmt: skip
        rows += 1
    return rows
