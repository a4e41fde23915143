"""A proposed rerun waits for an operator's answer given through the Prefect API, and only an
approval reruns the job in TWS (the simulator)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from flows.incident import IncidentRequest, incident_analysis
from flows.poller import poll_tws
from resync_clients.postgres.incidents import RERUN_APPROVED, RERUN_REJECTED, RERUN_UNANSWERED

TEMPLATE = "db.ora_942"


class FlowInThread:
    """Runs the incident flow in a thread, as a worker would, so the test can answer it."""

    def __init__(self, request: IncidentRequest) -> None:
        self.result: Any = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(request,), daemon=True)
        self._thread.start()

    def _run(self, request: IncidentRequest) -> None:
        try:
            self.result = asyncio.run(incident_analysis(request))
        except BaseException as exc:
            self.error = exc

    def join(self, timeout: float = 60) -> Any:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the flow did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def wait_for_paused_run(timeout: float = 60) -> Any:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    async def find() -> list[Any]:
        async with get_client() as client:
            return await client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PAUSED]))
                )
            )

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        paused = asyncio.run(find())
        if paused:
            assert len(paused) == 1
            return paused[0]
        time.sleep(0.3)
    raise AssertionError("the flow never paused for approval")


def resume(flow_run_id: Any, run_input: dict[str, Any]) -> None:
    from prefect.client.orchestration import get_client

    async def send() -> None:
        async with get_client() as client:
            result = await client.resume_flow_run(flow_run_id, run_input=run_input)
            assert result.status.value == "ACCEPT", result

    asyncio.run(send())


def runs_of_job(sim, job_name: str) -> list[str]:
    engine = sim.engine
    plan = engine.plan()
    index = next(i for i, job in enumerate(engine.enterprise.jobs) if job.name == job_name)
    return [run_id for run_id, _run in engine.iter_runs(plan, index)]


@pytest.fixture
def failed_run(poller_settings, poller_simulator, store) -> tuple[str, str]:
    asyncio.run(poll_tws(full=True))
    run_id = poller_simulator.engine.inject(template_id=TEMPLATE)
    asyncio.run(poll_tws())
    return run_id, poller_simulator.engine.ground_truth(run_id).job_name


def feedback_verdicts(store) -> list[str]:
    with store.connection() as conn:
        return [row["verdict"] for row in conn.execute("SELECT verdict FROM feedback ORDER BY id")]


def test_approved_rerun_is_carried_out_in_tws(failed_run, poller_simulator, store):
    run_id, job_name = failed_run
    before = runs_of_job(poller_simulator, job_name)
    flow_run = FlowInThread(
        IncidentRequest(run_id=run_id, approval_timeout_seconds=60, approval_poll_seconds=1)
    )
    paused = wait_for_paused_run()
    assert runs_of_job(poller_simulator, job_name) == before, "nothing happens before approval"

    resume(paused.id, {"approve": True, "operator": "ana", "comment": "table recreated"})
    outcome = flow_run.join()

    assert outcome.rerun.decision == RERUN_APPROVED
    assert outcome.rerun.operator == "ana"
    after = runs_of_job(poller_simulator, job_name)
    assert len(after) == len(before) + 1
    assert outcome.rerun.new_run_id in after
    assert feedback_verdicts(store) == [RERUN_APPROVED]


def test_rejected_rerun_does_nothing(failed_run, poller_simulator, store):
    run_id, job_name = failed_run
    before = runs_of_job(poller_simulator, job_name)
    flow_run = FlowInThread(
        IncidentRequest(run_id=run_id, approval_timeout_seconds=60, approval_poll_seconds=1)
    )
    paused = wait_for_paused_run()
    resume(paused.id, {"approve": False, "operator": "bo", "comment": "wait for the DBA"})
    outcome = flow_run.join()

    assert outcome.rerun.decision == RERUN_REJECTED
    assert outcome.rerun.new_run_id is None
    assert runs_of_job(poller_simulator, job_name) == before
    assert feedback_verdicts(store) == [RERUN_REJECTED]


def test_unanswered_rerun_times_out_and_does_nothing(failed_run, poller_simulator, store):
    run_id, job_name = failed_run
    before = runs_of_job(poller_simulator, job_name)
    outcome = FlowInThread(
        IncidentRequest(run_id=run_id, approval_timeout_seconds=2, approval_poll_seconds=1)
    ).join()

    assert outcome.rerun.decision == RERUN_UNANSWERED
    assert runs_of_job(poller_simulator, job_name) == before
    assert feedback_verdicts(store) == [RERUN_UNANSWERED]
