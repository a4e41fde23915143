"""The poller keeps good-run profiles: real simulator over HTTP, real PostgreSQL, real Prefect.

Each cycle reads at most ``good_joblogs_per_cycle`` successful runs' joblogs, each capped at
``good_joblog_max_bytes``, only of jobs without a fresh profile, and stores their templates.
"""

from __future__ import annotations

import asyncio

import pytest

from flows.poller import poll_tws
from resync_core.settings import get_settings


def scalar(store, query: str, *params: object) -> object:
    with store.connection() as conn:
        row = conn.execute(query, params).fetchone()
    return next(iter(row.values()))


@pytest.fixture
def sampling_settings(poller_settings, monkeypatch):
    monkeypatch.setenv("RESYNC_GOOD_JOBLOGS_PER_CYCLE", "3")
    monkeypatch.setenv("RESYNC_GOOD_JOBLOG_MAX_BYTES", "4096")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_a_cycle_reads_at_most_n_good_joblogs_and_stores_their_profiles(
    sampling_settings, poller_simulator, store
):
    assert sampling_settings.good_joblogs_per_cycle == 3
    first = asyncio.run(poll_tws(full=True))
    good_jobs = scalar(
        store, "SELECT count(DISTINCT job_key) FROM job_runs WHERE internal_status = 'SUCC'"
    )
    assert good_jobs > 3, "the simulated plan should have more successful jobs than the cap"
    assert first.good_joblogs == 3
    assert 0 < first.good_joblog_bytes <= 3 * 4096
    assert scalar(store, "SELECT count(*) FROM joblog_profiles") == 3
    # Every profiled job had a successful run stored by the cycle.
    assert (
        scalar(
            store,
            "SELECT count(*) FROM joblog_profiles p WHERE NOT EXISTS (SELECT 1 FROM job_runs r"
            " WHERE r.job_key = p.job_key AND r.internal_status = 'SUCC')",
        )
        == 0
    )

    # The next full cycle samples other jobs: fresh profiles are not read again.
    second = asyncio.run(poll_tws(full=True))
    assert second.good_joblogs == min(3, good_jobs - 3)
    assert scalar(store, "SELECT count(*) FROM joblog_profiles") == 3 + second.good_joblogs
    assert scalar(store, "SELECT max(runs_learnt) FROM joblog_profiles") == 1


def test_sampling_off_reads_no_good_joblog(poller_settings, poller_simulator, store, monkeypatch):
    monkeypatch.setenv("RESYNC_GOOD_JOBLOGS_PER_CYCLE", "0")
    get_settings.cache_clear()
    summary = asyncio.run(poll_tws(full=True))
    assert (summary.good_joblogs, summary.good_joblog_bytes) == (0, 0)
    assert scalar(store, "SELECT count(*) FROM joblog_profiles") == 0
