"""Synthetic run histories for the maintenance models: one row per run, epoch seconds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from resync_analytics.maintenance.history import run_history_frame

# A Sunday night: the plan scored in these tests starts on Monday 2026-03-02.
TONIGHT = datetime(2026, 3, 2, tzinfo=UTC)
DAY = 86_400.0


def nightly_runs(
    job: str,
    *,
    days: int = 28,
    seconds: Callable[[int], float] = lambda day: 600.0,
    failed_days: set[int] = frozenset(),
    sched_hour: float = 1.0,
    start_delay: float = 60.0,
    deadline_after: float | None = None,
    workstation: str = "FTA01",
    stream: str = "NIGHTLY",
    pattern: str | None = None,
) -> list[dict[str, object]]:
    """One run a night for the ``days`` nights before ``TONIGHT``; ``day`` counts back from
    1 (last night) and ``seconds(day)`` gives that night's runtime."""
    rows = []
    for day in range(1, days + 1):
        sched = TONIGHT.timestamp() - day * DAY + sched_hour * 3600
        start = sched + start_delay
        duration = seconds(day)
        rows.append(
            {
                "job_key": f"{workstation}#{stream}.{job}",
                "workstation": workstation,
                "sched_time": sched,
                "start_time": start,
                "end_time": start + duration,
                "deadline_time": None if deadline_after is None else sched + deadline_after,
                "duration_seconds": duration,
                "failed": day in failed_days,
                "run_attempt": 1,
                "error_pattern": pattern if day in failed_days else None,
            }
        )
    return rows


def history(*groups: list[dict[str, object]]) -> pd.DataFrame:
    return run_history_frame(pd.DataFrame([row for group in groups for row in group]))


def noisy(median: float, sigma: float, seed: int) -> Callable[[int], float]:
    rng = np.random.default_rng(seed)
    draws = np.exp(rng.normal(0.0, sigma, 400))
    return lambda day: median * float(draws[day])


def quiet_shop(jobs: int = 60, seed: int = 3) -> list[dict[str, object]]:
    """Jobs that never fail, with noisy runtimes: the neighbours that set the priors."""
    rows: list[dict[str, object]] = []
    for number in range(jobs):
        rows += nightly_runs(f"QUIET{number:03d}", seconds=noisy(300.0, 0.2, seed + number))
    return rows
