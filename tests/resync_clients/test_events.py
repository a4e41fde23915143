import asyncio
import time

from resync_clients.events import (
    JOB_ABEND,
    DomainEvent,
    event_id_for,
    job_resource_id,
    publish_events,
)
from tests.fixtures.prefect import read_events


def test_job_resource_id_drops_folders():
    assert job_resource_id("/PROD/FTA01", "/PAY/PAYROLL", "LOAD_EMP") == (
        "tws.job.FTA01.PAYROLL.LOAD_EMP"
    )


def test_event_id_is_stable_per_key_and_distinct_across_keys():
    assert event_id_for("run-1:ABEND") == event_id_for("run-1:ABEND")
    assert event_id_for("run-1:ABEND") != event_id_for("run-1:FAIL")


def test_replayed_events_are_stored_once(prefect_api):
    unique = f"replay-{time.time_ns()}"
    events = [
        DomainEvent(
            name=JOB_ABEND,
            resource_id=f"tws.job.WS1.{unique}.JOB{i}",
            idempotency_key=f"{unique}:{i}",
            payload={"run_id": f"{unique}-{i}", "return_code": 12},
        )
        for i in range(3)
    ]
    assert asyncio.run(publish_events(events)) == 3
    assert asyncio.run(publish_events(events)) == 3  # a crash-and-replay sends them again

    def mine(event: dict) -> bool:
        return unique in event["resource"]["prefect.resource.id"]

    # The server stores events in batches; wait for ours, not for anyone's.
    read_events(JOB_ABEND, expect_at_least=3, where=mine)
    # Wait a little longer to give a duplicate the chance to appear if dedup were broken.
    time.sleep(2)
    stored = read_events(JOB_ABEND, where=mine)
    assert sorted(event["id"] for event in stored) == sorted(str(e.event_id) for e in events)
    assert all(event["payload"]["return_code"] == 12 for event in stored)
