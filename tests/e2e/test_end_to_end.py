"""End to end with real parts: a Prefect server, ``prefect deploy --all`` on prefect.yaml, a
process worker, the TWS simulator over HTTP and PostgreSQL.

An ABEND injected in TWS is seen by the poller (a manual deployment run through the API, as
the UI starts one), announced as ``tws.job.abend``, and the deployment trigger starts the
incident analysis, whose incident and recommendation land in PostgreSQL.

The server runs without its scheduler so that only the runs this test starts exist; schedules
are Prefect's own business and are checked in tests/deployments.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from deployments.definitions import WORK_POOL
from resync_clients.store import Store
from resync_core.settings import get_settings
from resync_simulator import RunningSimulator, SimulatorConfig, run_simulator
from resync_simulator.failures import FAILURE_TEMPLATES
from resync_simulator.plan import failure_status
from tasks.resources import close_store
from tests.e2e.stack import (
    PrefectStack,
    prefect_server,
    prepare_and_deploy,
    process_worker,
    using_api,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]

INCIDENT_WAIT_SECONDS = 120
ABEND_TEMPLATES = [t.template_id for t in FAILURE_TEMPLATES if failure_status(t) == "ABEND"]


@dataclass(frozen=True)
class EndToEnd:
    stack: PrefectStack
    simulator: RunningSimulator
    store: Store


def resync_environment(database_url: str, simulator: RunningSimulator, data_dir: str) -> dict:
    user, password = simulator.basic_auth
    return {
        "RESYNC_DATABASE_URL": database_url,
        "RESYNC_TWS_URL": simulator.base_url,
        "RESYNC_TWS_USERNAME": user,
        "RESYNC_TWS_PASSWORD": password,
        "RESYNC_DATA_DIR": data_dir,
    }


def empty_tables(store: Store) -> None:
    with store.connection() as conn:
        tables = [
            row["tablename"]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename <> 'schema_migrations'"
            )
        ]
        conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY")


def first_full_poll(stack: PrefectStack, environment: dict[str, str]) -> None:
    """The first cycle reads the whole plan and announces every failure already in it; done
    before the trigger exists so that only the test's own ABEND starts an analysis."""
    from flows.poller import poll_tws

    with pytest.MonkeyPatch.context() as patch, using_api(stack.api_url):
        for name, value in environment.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        close_store()
        try:
            summary = asyncio.run(poll_tws(full=True))
            assert summary.full and summary.jobs_read > 0
        finally:
            close_store()
            get_settings.cache_clear()


@pytest.fixture(scope="module")
def end_to_end(
    tmp_path_factory: pytest.TempPathFactory, database_url: str, _session_store: Store
) -> Iterator[EndToEnd]:
    home = tmp_path_factory.mktemp("prefect-home")
    empty_tables(_session_store)
    config = SimulatorConfig(seed=4242, scenario="small", clock_rate=0)
    with run_simulator(config) as simulator, prefect_server(home, scheduler=False) as stack:
        environment = resync_environment(database_url, simulator, str(home / "resync-data"))
        try:
            first_full_poll(stack, environment)
            prepare_and_deploy(stack)
            with process_worker(stack, WORK_POOL, environment):
                yield EndToEnd(stack, simulator, _session_store)
        except BaseException:
            print(stack.logs())
            raise
    empty_tables(_session_store)


def inject_abend(simulator: RunningSimulator, template_id: str) -> str:
    response = httpx.post(
        simulator.base_url + "/sim/inject",
        json={"template_id": template_id},
        auth=simulator.basic_auth,
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["run_id"]


def run_deployment_through_api(
    stack: PrefectStack, name: str, parameters: dict[str, Any], timeout: float = 180
) -> Any:
    """Create a run of deployment ``name`` with ``parameters`` (what the UI's "Run" does) and
    wait for its final state."""
    from prefect.deployments import run_deployment

    with using_api(stack.api_url):
        return run_deployment(name, parameters=parameters, timeout=timeout)


def incident_of_run(store: Store, run_id: str) -> dict[str, Any] | None:
    with store.connection() as conn:
        return conn.execute(
            "SELECT i.id, i.category, i.root_cause, count(r.id) AS recommendations"
            " FROM incidents i JOIN incident_runs ir ON ir.incident_id = i.id"
            " LEFT JOIN recommendations r ON r.incident_id = i.id"
            " WHERE ir.run_id = %s GROUP BY i.id",
            (run_id,),
        ).fetchone()


def wait_for_incident(end_to_end: EndToEnd, run_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + INCIDENT_WAIT_SECONDS
    while time.monotonic() < deadline:
        row = incident_of_run(end_to_end.store, run_id)
        if row is not None and row["recommendations"] > 0:
            return row
        time.sleep(0.5)
    pytest.fail(f"no incident for run {run_id} after {INCIDENT_WAIT_SECONDS}s\n"
                f"{end_to_end.stack.logs()}")  # fmt: skip


async def triggered_runs(stack: PrefectStack, deployment: str) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    with using_api(stack.api_url):
        async with get_client() as client:
            found = await client.read_deployment_by_name(deployment)
            return await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[found.id]))
            )


def test_abend_in_tws_becomes_an_incident_through_the_deployed_trigger(
    end_to_end: EndToEnd,
) -> None:
    run_id = inject_abend(end_to_end.simulator, ABEND_TEMPLATES[0])

    poll = run_deployment_through_api(end_to_end.stack, "poll-tws/poller", {"full": False})
    assert poll.state.is_completed(), f"{poll.state}\n{end_to_end.stack.logs()}"

    incident = wait_for_incident(end_to_end, run_id)
    assert incident["category"] == "file_not_found"
    assert incident["root_cause"]

    analyses = asyncio.run(triggered_runs(end_to_end.stack, "incident-analysis/on-abend"))
    started_for_run = [r for r in analyses if r.parameters["request"]["run_id"] == run_id]
    assert len(started_for_run) == 1, "one analysis per ABEND event, started by the trigger"
    assert not any(r.parameters["request"]["run_id"] != run_id for r in analyses), (
        "failures announced before the trigger existed started nothing"
    )


def test_manual_run_with_typed_parameters_through_the_api_is_idempotent(
    end_to_end: EndToEnd,
) -> None:
    run_id = inject_abend(end_to_end.simulator, ABEND_TEMPLATES[1])
    poll = run_deployment_through_api(end_to_end.stack, "poll-tws/poller", {"full": False})
    assert poll.state.is_completed()
    first = wait_for_incident(end_to_end, run_id)

    # An operator re-runs the analysis from the UI form, without the rerun proposal.
    manual = run_deployment_through_api(
        end_to_end.stack,
        "incident-analysis/on-abend",
        {"request": {"run_id": run_id, "propose_rerun": False}},
    )
    assert manual.state.is_completed(), f"{manual.state}\n{end_to_end.stack.logs()}"
    assert manual.parameters["request"]["propose_rerun"] is False
    again = incident_of_run(end_to_end.store, run_id)
    assert again is not None and again["id"] == first["id"], "the same incident, not a second"
