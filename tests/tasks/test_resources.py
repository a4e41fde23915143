"""The process-wide resources: what one task run learns about TWS, the next one still knows."""

from __future__ import annotations

import asyncio

from resync_clients.tws.client import CircuitState
from resync_core.job_runs import JobRunRecord
from resync_core.settings import Settings
from resync_simulator import RunningSimulator
from tasks.poll import capture_failed_joblogs
from tasks.resources import close_resources, get_resources, get_store


def failed_runs(count: int) -> list[JobRunRecord]:
    """Failed runs TWS does not know: a healthy TWS answers 404 for their joblogs."""
    return [
        JobRunRecord(
            run_id=f"no-such-run-{number}",
            job_id=f"no-such-job-{number}",
            job_key=f"WS#STREAM.JOB{number}",
            plan_id="current",
            workstation="WS",
            job_stream="STREAM",
            job_name=f"JOB{number}",
            folder="/",
            status="ERROR",
            internal_status="ABEND",
            return_code=8,
            sched_time=None,
            start_time=None,
            end_time=None,
            duration_seconds=None,
            rerun_type=None,
            run_attempt=1,
            is_critical=False,
        )
        for number in range(count)
    ]


def capture(settings: Settings, runs: list[JobRunRecord]) -> list:
    """One run of the real Prefect task, on an event loop of its own (as a worker thread's)."""
    return asyncio.run(capture_failed_joblogs(settings, runs))


def test_a_circuit_opened_by_one_task_run_stays_open_for_the_next_run(
    poller_settings: Settings, poller_simulator: RunningSimulator
) -> None:
    runs = failed_runs(6)
    poller_simulator.set_faults(error_rate=1.0, error_status=503)
    assert capture(poller_settings, runs) == []  # every fetch failed: nothing stored
    assert get_resources(poller_settings).tws.circuit_state is CircuitState.OPEN

    # TWS is healthy again, but within the cool-down the next task run sends nothing: its
    # fetches fail fast on the open circuit instead of getting TWS's 404s.
    poller_simulator.clear_faults()
    assert capture(poller_settings, runs[:1]) == []
    assert get_resources(poller_settings).tws.circuit_state is CircuitState.OPEN

    # Fresh resources (a new process) have a closed circuit and reach TWS at once.
    close_resources()
    findings = capture(poller_settings, runs[:1])
    assert [finding.run_id for finding in findings] == ["no-such-run-0"]
    assert findings[0].joblog_text == ""  # TWS answered 404: nothing to fetch


def test_task_runs_share_one_store_until_the_resources_are_closed(
    poller_settings: Settings,
) -> None:
    store = get_store(poller_settings)
    assert get_resources().store is store
    close_resources()
    assert get_store(poller_settings) is not store


def test_an_llm_client_is_made_once_per_process(poller_settings: Settings) -> None:
    settings = poller_settings.model_copy(update={"llm_model": "openai/gpt-4o-mini"})
    close_resources()
    resources = get_resources(settings)
    assert resources.llm is resources.llm
    assert resources.llm.config.model == "openai/gpt-4o-mini"
