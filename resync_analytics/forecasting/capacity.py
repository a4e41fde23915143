"""Capacity assessment of hosts: when each metric reaches its limit, and which jobs drive it.

Plain logic over already-loaded data: host metric series (regularised) and per-day job
statistics of the workstations. A job "drives" a host's growth when the busy time it puts on
the host (runs x runtime per day) grows: its slope in busy seconds per day, per day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from resync_analytics.forecasting.select import SeriesForecast, forecast_many
from resync_analytics.forecasting.series import RegularSeries
from resync_analytics.forecasting.threshold import ThresholdEta, threshold_eta

# Days of job history below which a growth slope is noise.
MIN_DRIVER_DAYS = 5


@dataclass(frozen=True)
class MetricSeries:
    """One host metric series, e.g. (``app01``, ``disk.used_percent``, {mount: /data})."""

    host: str
    metric: str
    labels: Mapping[str, str]
    series: RegularSeries

    @property
    def key(self) -> str:
        """Stable text key: ``host:metric{k=v,...}`` (the ``forecasts.series_key``)."""
        inner = ",".join(f"{k}={self.labels[k]}" for k in sorted(self.labels))
        return f"{self.host}:{self.metric}" + (f"{{{inner}}}" if inner else "")


@dataclass(frozen=True)
class JobDay:
    """What one job did on one day on one workstation."""

    workstation: str
    job_key: str
    day: date
    runs: int
    busy_seconds: float


@dataclass(frozen=True)
class GrowthDriver:
    """A job whose load on its workstation grows.

    ``busy_seconds_per_day_growth``: slope of the daily busy seconds (runs x runtime), per
    day; ``runs_per_day_growth``: slope of the daily run count, per day; ``share``: this job's
    part of the workstation's total busy-time growth (0-1, among growing jobs).
    """

    job_key: str
    busy_seconds_per_day_growth: float
    runs_per_day_growth: float
    share: float


@dataclass(frozen=True)
class CapacityAssessment:
    """The forecast of one host metric against its limit, and what drives it."""

    target: MetricSeries
    threshold: float
    forecast: SeriesForecast
    eta: ThresholdEta | None
    workstation: str | None
    drivers: tuple[GrowthDriver, ...]

    @property
    def last_value(self) -> float:
        return float(self.target.series.values[-1])


def _slope(days: np.ndarray, values: np.ndarray) -> float:
    if len(days) < 2 or np.ptp(days) == 0:
        return 0.0
    return float(np.polyfit(days, values, 1)[0])


def rank_growth_drivers(
    job_days: Sequence[JobDay], *, top: int = 5
) -> dict[str, tuple[GrowthDriver, ...]]:
    """Per workstation, the jobs whose daily busy time grows most (largest first).

    Days a job did not run count as zero, between the first and last day the workstation has
    any history, so a job that starts running daily shows as growth. Jobs seen fewer than
    ``MIN_DRIVER_DAYS`` days across the history are ignored, as are shrinking jobs.
    """
    by_workstation: dict[str, list[JobDay]] = defaultdict(list)
    for item in job_days:
        by_workstation[item.workstation].append(item)
    ranked: dict[str, tuple[GrowthDriver, ...]] = {}
    for workstation, items in by_workstation.items():
        frame = pd.DataFrame(
            [(i.job_key, pd.Timestamp(i.day), i.runs, i.busy_seconds) for i in items],
            columns=["job_key", "day", "runs", "busy"],
        )
        days = pd.date_range(frame["day"].min(), frame["day"].max(), freq="D")
        if len(days) < MIN_DRIVER_DAYS:
            ranked[workstation] = ()
            continue
        offsets = np.asarray((days - days[0]).days, dtype=float)
        busy = frame.pivot_table(index="day", columns="job_key", values="busy", aggfunc="sum")
        runs = frame.pivot_table(index="day", columns="job_key", values="runs", aggfunc="sum")
        busy, runs = busy.reindex(days).fillna(0.0), runs.reindex(days).fillna(0.0)
        seen = (runs > 0).sum()
        growth = []
        for job in busy.columns:
            if seen[job] < MIN_DRIVER_DAYS:
                continue
            busy_slope = _slope(offsets, busy[job].to_numpy())
            if busy_slope > 0:
                growth.append((job, busy_slope, _slope(offsets, runs[job].to_numpy())))
        total = sum(g[1] for g in growth) or 1.0
        growth.sort(key=lambda g: g[1], reverse=True)
        ranked[workstation] = tuple(
            GrowthDriver(job, busy_slope, run_slope, busy_slope / total)
            for job, busy_slope, run_slope in growth[:top]
        )
    return ranked


def match_workstation(
    host: str, workstations: Sequence[str], mapping: Mapping[str, str]
) -> str | None:
    """The workstation running on ``host``: from ``mapping`` (workstation -> host) first,
    else the workstation whose name equals the host's (short) name, ignoring case."""
    for workstation, mapped_host in mapping.items():
        if mapped_host.lower() == host.lower():
            return workstation
    short = host.split(".", 1)[0].lower()
    for workstation in workstations:
        bare = workstation.rstrip("/").rsplit("/", 1)[-1].lower()
        if bare in (host.lower(), short):
            return workstation
    return None


def assess_capacity(
    targets: Sequence[MetricSeries],
    thresholds: Mapping[str, float],
    horizon: int,
    *,
    job_days: Sequence[JobDay] = (),
    workstation_hosts: Mapping[str, str] | None = None,
    coverage: float = 0.8,
) -> list[CapacityAssessment]:
    """Forecast each target ``horizon`` steps ahead and date its crossing of the threshold
    given for its metric (targets whose metric has no threshold are skipped).

    Percent metrics are forecast within [0, 100]. Forecasts run batched (see
    ``forecast_many``); the order of the result follows ``targets``.
    """
    chosen = [t for t in targets if t.metric in thresholds]
    forecasts = forecast_many([t.series for t in chosen], horizon, coverage=coverage)
    drivers = rank_growth_drivers(job_days)
    workstations = sorted(drivers)
    assessments = []
    for target, forecast in zip(chosen, forecasts, strict=True):
        if target.metric.endswith("percent"):
            forecast = _clip(forecast, 0.0, 100.0)
        workstation = match_workstation(target.host, workstations, workstation_hosts or {})
        limit = float(thresholds[target.metric])
        assessments.append(
            CapacityAssessment(
                target=target,
                threshold=limit,
                forecast=forecast,
                eta=threshold_eta(forecast, limit),
                workstation=workstation,
                drivers=drivers.get(workstation, ()) if workstation else (),
            )
        )
    return assessments


def _clip(forecast: SeriesForecast, low: float, high: float) -> SeriesForecast:
    from dataclasses import replace

    return replace(
        forecast,
        value=np.clip(forecast.value, low, high),
        lower=np.clip(forecast.lower, low, high),
        upper=np.clip(forecast.upper, low, high),
    )
