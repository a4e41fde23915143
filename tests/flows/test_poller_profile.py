"""The poller analyses a failed run's joblog against its job's stored good-run profile."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from flows.poller import poll_tws
from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.baseline import TEMPLATE_VERSION, Baseline
from resync_clients.postgres.joblog_profiles import record_good_run
from resync_core.settings import get_settings
from tasks.joblog_profiles import good_run_counts

TEMPLATE = "db.pg_relation"  # a failure whose joblog has other error-like lines to fall back on


def stored_finding(store, run_id: str):  # type: ignore[no-untyped-def]
    with store.connection() as conn:
        return conn.execute(
            "SELECT job_key, job_name, joblog_text, error_line FROM job_runs WHERE run_id = %s",
            (run_id,),
        ).fetchone()


def test_an_error_the_jobs_good_runs_print_is_not_stored_as_the_cause(
    poller_settings, poller_simulator, store, monkeypatch
):
    monkeypatch.setenv("RESYNC_GOOD_JOBLOGS_PER_CYCLE", "0")  # the profile is set by hand here
    get_settings.cache_clear()
    asyncio.run(poll_tws(full=True))
    first = poller_simulator.engine.inject(template_id=TEMPLATE)
    asyncio.run(poll_tws())
    truth = poller_simulator.engine.ground_truth(first)
    row = stored_finding(store, first)
    assert row["error_line"] == truth.error_line  # no profile yet: the cause is stored

    # The job fails again; its good runs routinely print the very line that is the cause.
    second = poller_simulator.engine.inject(job_name=row["job_name"], template_id=TEMPLATE)
    snapshot = poller_simulator.engine.joblog(second)
    cause_line = poller_simulator.engine.ground_truth(second).error_line
    cause = snapshot.lines[cause_line - 1].decode().rstrip("\n")
    good = f"starting\n{cause}\n= Exit Status : 0\n".encode()
    counts = good_run_counts(good)
    with store.connection() as conn:
        record_good_run(
            conn,
            row["job_key"],
            "good-1",
            counts,
            datetime.now(UTC),
            template_version=TEMPLATE_VERSION,
        )

    asyncio.run(poll_tws())
    again = stored_finding(store, second)
    assert again["job_key"] == row["job_key"]
    known = Baseline(runs=1, hashes=frozenset(counts))
    expected = analyze_joblog(again["joblog_text"], baseline=known).error_line
    assert expected != analyze_joblog(again["joblog_text"]).error_line
    assert again["error_line"] == expected
