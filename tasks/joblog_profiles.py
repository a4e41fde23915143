"""Tasks of the good-run profiles: sample successful runs' joblogs into each job's stored
profile (poller), and read the profiles back as baselines (incident analysis).

A profile holds the hashed templates of the error-looking lines a job prints when it succeeds
(see :mod:`resync_analytics.joblog.baseline`); a failing run's lines with those templates are
noise for that job. The poller reads few good joblogs per cycle, each byte-capped, so keeping
profiles costs a 100k-job plan little.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from resync_analytics.joblog.baseline import TEMPLATE_VERSION, Baseline, template_counts
from resync_analytics.joblog.profiles import ProfilePolicy, good_job_keys, good_runs_to_sample
from resync_analytics.masking import mask_secrets
from resync_clients.postgres.joblog_profiles import load_profiles, profile_ages, record_good_run
from resync_clients.tws.client import TWSClient
from resync_clients.tws.errors import TWSError
from resync_core.job_runs import JobRunRecord
from resync_core.settings import Settings
from tasks.poll import MIN_JOBLOG_SECONDS, _settle_within, tws_client
from tasks.resources import get_store
from tasks.retry import DATABASE_RETRIES


@dataclass(frozen=True)
class ProfileSampling:
    """What one cycle's sampling cost and learnt: good joblogs read, bytes read, profiles
    written (a replayed run writes none) and templates added or evicted."""

    fetched: int = 0
    bytes_read: int = 0
    profiles_written: int = 0
    templates_added: int = 0
    templates_evicted: int = 0


def good_run_counts(data: bytes) -> Counter[int]:
    """The template counts of a good run's joblog, masked as a failing run's is before it is
    analysed, so both template alike."""
    text = mask_secrets(data.decode("utf-8", errors="replace").replace("\x00", ""))
    return template_counts(text)


async def learn_good_run_profiles(
    settings: Settings,
    runs: Sequence[JobRunRecord],
    deadline: float | None = None,
    rng: random.Random | None = None,
) -> ProfileSampling:
    """Read up to ``settings.good_joblogs_per_cycle`` successful runs' joblogs among ``runs``
    (each at most ``settings.good_joblog_max_bytes``), of jobs whose profile is missing or
    older than ``settings.joblog_profile_max_age_hours``, and add their templates to those
    jobs' profiles. A joblog that cannot be read now (or by ``deadline``, at least
    ``MIN_JOBLOG_SECONDS`` away) is skipped: the job stays due for a later cycle.

    The choice is made here, outside any task: a whole plan's runs as a task's parameters
    would cost a full cycle seconds of bookkeeping; the task gets the few runs chosen.
    """
    if settings.good_joblogs_per_cycle <= 0:
        return ProfileSampling()
    keys = good_job_keys(runs)
    if not keys:
        return ProfileSampling()
    policy = ProfilePolicy(
        settings.good_joblogs_per_cycle, timedelta(hours=settings.joblog_profile_max_age_hours)
    )
    with get_store(settings).connection() as conn:
        ages = profile_ages(conn, keys, template_version=TEMPLATE_VERSION)
    chosen = good_runs_to_sample(runs, ages, datetime.now(UTC), policy, rng)
    if not chosen:
        return ProfileSampling()
    return await sample_good_joblogs(settings, chosen, deadline)


@task(name="sample-good-joblogs", cache_policy=NO_CACHE)
async def sample_good_joblogs(
    settings: Settings, chosen: Sequence[JobRunRecord], deadline: float | None = None
) -> ProfileSampling:
    """Read the ``chosen`` successful runs' joblogs (byte-capped) and record their templates
    in their jobs' profiles."""
    now = datetime.now(UTC)
    budget = None if deadline is None else max(deadline - time.monotonic(), MIN_JOBLOG_SECONDS)
    async with tws_client(settings, budget) as tws:
        fetched, _late = await _settle_within(
            [_read_good_joblog(tws, run, settings.good_joblog_max_bytes) for run in chosen],
            budget,
        )
    read = [item for item in fetched if item is not None]
    counted = [
        (run, len(data), await asyncio.to_thread(good_run_counts, data)) for run, data in read
    ]
    written = added = evicted = 0
    with get_store(settings).connection() as conn:
        for run, _size, counts in counted:
            write = record_good_run(
                conn,
                run.job_key,
                run.run_id,
                counts,
                now,
                max_templates=settings.joblog_profile_max_templates,
                template_version=TEMPLATE_VERSION,
            )
            written += write.learnt
            added += write.added
            evicted += write.evicted
    sampling = ProfileSampling(
        fetched=len(read),
        bytes_read=sum(size for _run, size, _counts in counted),
        profiles_written=written,
        templates_added=added,
        templates_evicted=evicted,
    )
    get_run_logger().info(
        "good-run profiles: read %d of %d due job(s)' joblogs (%d bytes), %d profile(s) written",
        sampling.fetched,
        len(chosen),
        sampling.bytes_read,
        sampling.profiles_written,
    )
    return sampling


async def _read_good_joblog(
    tws: TWSClient, run: JobRunRecord, max_bytes: int
) -> tuple[JobRunRecord, bytes] | None:
    """The head of a good run's joblog, at most ``max_bytes`` (one request): what the job
    prints routinely shows in any part of it."""
    try:
        joblog = await tws.get_joblog(run.run_id, max_bytes=max_bytes)
    except TWSError as exc:
        get_run_logger().debug("good joblog of run %s not read now: %s", run.run_id, exc)
        return None
    return run, joblog.data


@task(name="load-job-baselines", **DATABASE_RETRIES, cache_policy=NO_CACHE)
def load_job_baselines(settings: Settings, job_keys: Sequence[str]) -> dict[str, Baseline]:
    """The stored good-run profile of each of ``job_keys`` that has one, as a baseline (a job
    without one is left out: its joblog is analysed as before)."""
    if not job_keys:
        return {}
    with get_store(settings).connection() as conn:
        profiles = load_profiles(conn, job_keys, template_version=TEMPLATE_VERSION)
    return {
        key: Baseline(runs=profile.runs_learnt, hashes=profile.hashes)
        for key, profile in profiles.items()
    }


__all__ = [
    "ProfileSampling",
    "good_run_counts",
    "learn_good_run_profiles",
    "load_job_baselines",
    "sample_good_joblogs",
]
