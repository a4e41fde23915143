"""The typed API models: tolerant of unknown and missing fields, strict about broken ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from resync_clients.tws.models import (
    APIObjectError,
    JobInPlan,
    Joblog,
    JobPage,
    Workstation,
    from_mapping,
    parse_json,
)


def _job(**overrides: object) -> dict[str, object]:
    job: dict[str, object] = {
        "id": "0b5b3c1e-1111-4a55-9c1e-000000000001",
        "key": "MDM;PAYROLL;LOAD_EMP",
        "name": "LOAD_EMP",
        "folder": "/",
        "workstation": "/MDM",
        "jobStreamName": "PAYROLL",
        "jobStreamId": "0AAAAAAAAAAAB2CD",
        "jobStreamWorkstation": "/MDM",
        "schedTime": "2025-03-14T02:00:00Z",
        "lastRunCompositeStatus": {"status": "ABEND", "error": True, "started": True},
        "lastRunCommonStatus": "ERROR",
        "jobOptions": {"critical": True},
        "jobStatusFlags": {"jobLate": True},
        "timeRestrictions": {"deadlineTime": "2025-03-14T06:00:00Z", "maxDuration": "PT1H30M"},
        "jobruns": [
            {
                "id": "run-1",
                "returnCode": 1,
                "commonStatus": "ERROR",
                "compositeStatus": {"status": "ABEND"},
                "rerunType": "REGULAR",
                "lastInRerunChain": False,
                "runAttempt": 1,
                "jobNumber": 412233,
                "actualWorkstation": "/AGENT1",
                "timeInfo": {
                    "actualStartTime": "2025-03-14T02:00:05Z",
                    "actualEndTime": "2025-03-14T02:00:06Z",
                    "elapsedTime": "PT1S",
                    "estimatedDuration": "PT5H9M",
                },
            },
            {"id": "run-2", "returnCode": 0, "lastInRerunChain": True, "rerunType": "RERUN"},
        ],
    }
    job.update(overrides)
    return job


def test_job_fields_map_from_camel_case() -> None:
    job = parse_json(JobInPlan, json.dumps(_job()))
    assert job.job_stream_name == "PAYROLL"
    assert job.status == "ERROR"
    assert job.internal_status == "ABEND"
    assert job.critical and job.late
    assert job.time_restrictions is not None
    assert job.time_restrictions.max_duration == timedelta(hours=1, minutes=30)
    assert job.sched_time == datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
    first = job.jobruns[0]
    assert first.time_info is not None
    assert first.time_info.estimated_duration == timedelta(hours=5, minutes=9)
    assert first.actual_workstation == "/AGENT1"


def test_current_run_is_the_last_in_rerun_chain() -> None:
    job = from_mapping(JobInPlan, _job())
    assert job.current_run is not None and job.current_run.id == "run-2"
    runs = [{"id": "a", "lastInRerunChain": True}, {"id": "b"}]
    assert from_mapping(JobInPlan, _job(jobruns=runs)).current_run.id == "a"  # type: ignore[union-attr]
    assert from_mapping(JobInPlan, _job(jobruns=[])).current_run is None


def test_unknown_fields_and_values_are_tolerated() -> None:
    raw = _job(
        brandNewField={"nested": [1, 2]},
        lastRunCommonStatus="SOME_FUTURE_STATUS",
        jobDefinition={"task": "<jsdl>...</jsdl>", "userLogins": ["batch"]},
    )
    job = from_mapping(JobInPlan, raw)
    assert job.status == "SOME_FUTURE_STATUS"


def test_missing_optional_fields_get_defaults() -> None:
    job = from_mapping(JobInPlan, {"id": "x", "name": "ONLY_NAME"})
    assert job.jobruns == ()
    assert job.current_run is None
    assert not job.critical and not job.late
    assert job.internal_status is None and job.status is None


def test_a_job_without_id_is_rejected() -> None:
    with pytest.raises(APIObjectError):
        from_mapping(JobInPlan, {"name": "NO_ID"})


def test_page_parses_from_bytes() -> None:
    body = json.dumps({"count": 2, "results": [_job(), _job(id="other")], "next": None})
    page = parse_json(JobPage, body.encode())
    assert page.count == 2
    assert [job.id for job in page.results][1] == "other"


def test_workstation_linked_comes_from_active_states() -> None:
    linked = from_mapping(Workstation, {"id": "1", "name": "FTA1", "activeStates": ["LINKED"]})
    unlinked = from_mapping(Workstation, {"id": "2", "name": "FTA2", "activeStates": ["RUNNING"]})
    assert linked.linked and not unlinked.linked
    assert not from_mapping(Workstation, {"id": "3", "name": "NEW"}).linked


def test_joblog_text_never_fails_on_bad_bytes() -> None:
    log = Joblog(run_id="r", data=b"ok \xff\xfe end\n")
    assert log.text.startswith("ok ") and log.text.endswith(" end\n")


def test_lax_scalars_are_accepted_like_the_product_clients_do() -> None:
    raw = _job(priority="10", jobruns=[{"id": "r", "returnCode": "12", "runAttempt": 2}])
    job = from_mapping(JobInPlan, raw)
    assert job.priority == 10
    assert job.jobruns[0].return_code == 12 and job.jobruns[0].run_attempt == 2


def test_a_broken_field_is_named_in_the_error() -> None:
    body = json.dumps({"count": 1, "results": [_job(jobruns={"id": "not-a-list"})]})
    with pytest.raises(APIObjectError, match=r"results\[0\]\.jobruns"):
        parse_json(JobPage, body)


def test_a_body_that_is_not_json_is_rejected() -> None:
    with pytest.raises(APIObjectError):
        parse_json(JobPage, b"<html>Service Unavailable</html>")
