"""Which successful runs a poll cycle reads to keep each job's good-run profile current.

A profile (see :mod:`resync_analytics.joblog.baseline`) needs a good run now and then, not
every one: a cycle reads at most ``per_cycle`` successful runs' joblogs, only of jobs whose
profile is missing or older than ``max_age``, drawn at random among those so that in a
100k-job plan every job gets its turn over the cycles and no cycle costs more than the cap.
Plain logic: no database, no TWS.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from resync_core.job_runs import JobRunRecord

GOOD_STATUS = "SUCC"


@dataclass(frozen=True)
class ProfilePolicy:
    """How many good joblogs one cycle may read, and how old a profile may grow."""

    per_cycle: int
    max_age: timedelta


def good_runs_to_sample(
    runs: Iterable[JobRunRecord],
    profiled_at: Mapping[str, datetime],
    now: datetime,
    policy: ProfilePolicy,
    rng: random.Random | None = None,
) -> list[JobRunRecord]:
    """At most ``policy.per_cycle`` successful runs, one per job (its latest), of jobs with no
    profile in ``profiled_at`` or one older than ``policy.max_age`` at ``now``; a uniform random
    draw among them, in job order."""
    if policy.per_cycle <= 0:
        return []
    latest: dict[str, JobRunRecord] = {}
    for run in runs:
        if run.internal_status != GOOD_STATUS or run.return_code not in (None, 0):
            continue
        if run.end_time is None:
            continue
        kept = latest.get(run.job_key)
        if kept is None or (kept.end_time is not None and run.end_time > kept.end_time):
            latest[run.job_key] = run
    due = [
        run
        for job_key, run in sorted(latest.items())
        if job_key not in profiled_at or now - profiled_at[job_key] >= policy.max_age
    ]
    if len(due) <= policy.per_cycle:
        return due
    chosen = (rng or random.Random()).sample(range(len(due)), policy.per_cycle)
    return [due[index] for index in sorted(chosen)]


def good_job_keys(runs: Iterable[JobRunRecord]) -> list[str]:
    """The jobs with a successful run among ``runs`` (whose profile age is worth reading)."""
    return sorted({run.job_key for run in runs if run.internal_status == GOOD_STATUS})


__all__ = ["GOOD_STATUS", "ProfilePolicy", "good_job_keys", "good_runs_to_sample"]
