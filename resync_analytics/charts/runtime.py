"""The runtime trend of one job: its runtimes night after night, their p50 and p90, and how
much time its deadline left it (the slack)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from resync_analytics.charts.render import (
    COLOURS,
    ChartError,
    date_x,
    finish_axes,
    new_figure,
    png_chart,
    utc_moment,
)


@dataclass(frozen=True)
class JobRun:
    """One run of a job: when it was scheduled, how long it ran, how long it could have run
    and still met its deadline (``budget_seconds``: deadline minus start; None without a
    deadline), and whether it failed."""

    scheduled: pd.Timestamp
    runtime_seconds: float
    budget_seconds: float | None = None
    failed: bool = False


def runs_of_job(history: pd.DataFrame, job_key: str) -> list[JobRun]:
    """The runs of ``job_key`` in a run-history frame (``resync_analytics.maintenance``
    columns, times in epoch seconds), oldest first; runs with no duration are left out."""
    rows = history[history["job_key"] == job_key]
    rows = rows[np.isfinite(rows["duration_seconds"].to_numpy(dtype=float))]
    rows = rows.sort_values("sched_time")
    budget = rows["deadline_time"].to_numpy(dtype=float) - rows["start_time"].to_numpy(dtype=float)
    return [
        JobRun(
            scheduled=pd.Timestamp(sched, unit="s", tz="UTC"),
            runtime_seconds=float(duration),
            budget_seconds=float(left) if math.isfinite(left) else None,
            failed=bool(failed),
        )
        for sched, duration, left, failed in zip(
            rows["sched_time"].to_numpy(dtype=float),
            rows["duration_seconds"].to_numpy(dtype=float),
            budget,
            rows["failed"].to_numpy(dtype=bool),
            strict=True,
        )
    ]


def _time_unit(seconds: float) -> tuple[str, float]:
    if seconds < 120:
        return "s", 1.0
    if seconds < 2 * 3600:
        return "min", 60.0
    return "h", 3600.0


def runtime_figure(
    runs: Sequence[JobRun],
    *,
    title: str,
    predicted_seconds: float | None = None,
    tonight: object | None = None,
) -> Figure:
    """The chart as a figure (artists carry ``gid``: runtime, failed, p50, p90, budget,
    late, predicted). p50 and p90 are of the successful runs shown; the deadline's line is
    the time each run had from its start, its legend names the least slack, and nights that
    ran past it are shaded; the runtime predicted for ``tonight`` is a star at that date."""
    if not runs:
        raise ChartError("no run to draw")
    when = pd.DatetimeIndex([utc_moment(r.scheduled) for r in runs])
    runtime = np.array([r.runtime_seconds for r in runs], dtype=float)
    if not np.isfinite(runtime).all() or (runtime < 0).any():
        raise ChartError("runtimes must be finite and not negative")
    budget = np.array([np.nan if r.budget_seconds is None else r.budget_seconds for r in runs])
    failed = np.array([r.failed for r in runs], dtype=bool)
    ok = runtime[~failed] if (~failed).any() else runtime
    p50, p90 = (float(v) for v in np.percentile(ok, [50, 90]))
    unit, scale = _time_unit(max(float(runtime.max()), predicted_seconds or 0.0))

    figure, axes = new_figure(title)
    axes.plot(
        when,
        runtime / scale,
        "-o",
        color=COLOURS["history"],
        linewidth=1.0,
        markersize=3.5,
        label="runtime",
        gid="runtime",
    )
    if failed.any():
        axes.plot(
            when[failed],
            runtime[failed] / scale,
            "x",
            color=COLOURS["failed"],
            markersize=8,
            markeredgewidth=2,
            label="failed run",
            gid="failed",
        )
    for name, value in (("p50", p50), ("p90", p90)):
        axes.axhline(
            value / scale,
            color=COLOURS[name],
            linestyle=":" if name == "p50" else "--",
            linewidth=1.3,
            label=f"{name} {value / scale:.3g} {unit}",
            gid=name,
        )
    top = max(float(runtime.max()), p90, predicted_seconds or 0.0) / scale
    if np.isfinite(budget).any():
        top = _deadline_slack(axes, when, runtime / scale, budget / scale, unit, top)
    if predicted_seconds is not None and tonight is not None:
        axes.plot(
            [date_x(tonight)],
            [predicted_seconds / scale],
            "*",
            color=COLOURS["forecast"],
            markersize=13,
            label=f"tonight ~{predicted_seconds / scale:.3g} {unit}",
            gid="predicted",
        )
    axes.set_ylim(0, top * 1.3)
    finish_axes(axes, x="scheduled (UTC)", y=f"runtime ({unit})")
    return figure


# A deadline this many times the longest runtime away would flatten the runtimes to a line
# at the bottom: its line is left above the chart and the legend says so.
FAR_DEADLINE = 3.0


def _deadline_slack(
    axes: Axes,
    when: pd.DatetimeIndex,
    runtime: np.ndarray,
    budget: np.ndarray,
    unit: str,
    top: float,
) -> float:
    """Draw the time each run had before its deadline and the nights it ran out (shaded);
    the legend names the least slack. Returns the top of the runtimes' range, raised to
    show the budget line unless the deadline is far."""
    known = np.isfinite(budget)
    least = float(np.min(budget[known] - runtime[known]))
    far = float(budget[known].min()) > FAR_DEADLINE * top
    words = (
        f"least slack {least:.3g} {unit}" if least >= 0 else f"late by up to {-least:.3g} {unit}"
    )
    axes.plot(
        when,
        budget,
        color=COLOURS["budget"],
        linewidth=1.0,
        label=f"time to deadline at start ({words}{', above the chart' if far else ''})",
        gid="budget",
    )
    late = known & (budget < runtime)
    if late.any():
        axes.fill_between(
            when,
            np.where(known, budget, runtime),
            runtime,
            where=late,
            interpolate=True,
            color=COLOURS["failed"],
            alpha=0.3,
            linewidth=0,
            label="late",
            gid="late",
        )
    near = budget[known & (budget <= FAR_DEADLINE * top)]
    return max(top, float(near.max())) if near.size else top


runtime_chart = png_chart(runtime_figure, "runtime_chart")
