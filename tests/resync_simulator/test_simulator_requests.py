"""The simulator rejects bad requests as the product does: 400 with ``{"messages": [...]}``.

Also: wildcard filters cannot stall the engine, deep OQL nesting is a 400 rather than a 500, and
the status codes are the spec's (an unknown plan is a bad parameter, 400).
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from resync_simulator import RunningSimulator

API = "/twsd/api/v2"
BEYOND_INT32 = 2**31


@pytest.fixture
def client(tws_sim: RunningSimulator) -> httpx.Client:
    with httpx.Client(base_url=tws_sim.base_url, auth=tws_sim.basic_auth, timeout=30) as c:
        yield c


def _message(response: httpx.Response) -> str:
    (message,) = response.json()["messages"]
    assert message.startswith("AWS"), message
    return message


def _job_id(client: httpx.Client) -> str:
    return client.get(f"{API}/plan/job", params={"limit": 1}).json()["results"][0]["id"]


@pytest.mark.parametrize(
    "params",
    [
        {"oql": "name LIKE '" + "@" * 40 + "Z'"},
        {"oql": "name LIKE '" + "@A" * 40 + "Z'"},
        {"plan_filter": "@#@." + "@" * 40 + "Z"},
    ],
)
def test_wildcard_filters_answer_quickly_and_do_not_stall_other_requests(
    client: httpx.Client, tws_sim: RunningSimulator, params: dict[str, str]
) -> None:
    others: list[float] = []

    def meanwhile() -> None:
        with httpx.Client(base_url=tws_sim.base_url, auth=tws_sim.basic_auth) as other:
            started = time.perf_counter()
            other.get(f"{API}/plan/workstation")
            others.append(time.perf_counter() - started)

    started = time.perf_counter()
    thread = threading.Thread(target=meanwhile)
    thread.start()
    response = client.get(f"{API}/plan/job", params=params)
    thread.join()
    assert response.status_code == 200 and response.json()["count"] == 0
    # Generous bounds (the old regex needed hours here); both take milliseconds.
    assert time.perf_counter() - started < 5 and others[0] < 5


def test_deeply_nested_oql_is_a_400_in_the_products_shape(client: httpx.Client) -> None:
    oql = "(" * 5000 + "name = 'X'" + ")" * 5000
    response = client.get(f"{API}/plan/job", params={"oql": oql})
    assert response.status_code == 400
    assert "OQL_FILTER_SYNTAX_ERROR" in _message(response) and "nested" in _message(response)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/plan/job", {"limit": "ten"}),
        ("/plan/job", {"offset": "1.5"}),
        ("/plan/workstation", {"limit": ""}),
        ("/plan/job/run/nope/joblog", {"from_line": "x"}),
    ],
)
def test_malformed_integers_are_a_400_in_the_products_shape(
    client: httpx.Client, path: str, params: dict[str, str]
) -> None:
    response = client.get(API + path, params=params)
    assert response.status_code == 400
    assert "detail" not in response.json()
    assert next(iter(params)) in _message(response)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/plan/job", "limit"),
        ("/plan/job", "offset"),
        ("/plan/workstation", "limit"),
        ("/plan/job/run/nope/joblog", "to_line"),
        ("/plan/job/joblog", "from_line"),
    ],
)
def test_integers_beyond_int32_are_a_400(client: httpx.Client, path: str, name: str) -> None:
    response = client.get(API + path, params={name: BEYOND_INT32})
    assert response.status_code == 400 and name in _message(response)
    at_bound = client.get(API + path, params={name: BEYOND_INT32 - 1})
    assert at_bound.status_code != 400 or name not in _message(at_bound)


@pytest.mark.parametrize("relation", ["predecessors", "successors"])
def test_depth_beyond_int32_is_a_400_and_below_one_walks_no_level(
    client: httpx.Client, relation: str
) -> None:
    url = f"{API}/plan/job/{_job_id(client)}/{relation}"
    too_deep = client.get(url, params={"depth": BEYOND_INT32})
    assert too_deep.status_code == 400 and "depth" in _message(too_deep)
    assert client.get(url, params={"depth": 0}).json() == {"count": 0, "results": []}
    assert client.get(url, params={"depth": BEYOND_INT32 - 1}).status_code == 200


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("confirm-succ", {"conditions": "OK"}, "conditions"),
        ("confirm-abend", {"conditions": [1, 2]}, "conditions"),
    ],
)
def test_action_bodies_are_validated_against_the_spec(
    client: httpx.Client, action: str, body: dict, field: str
) -> None:
    job_id = _job_id(client)
    response = client.put(f"{API}/plan/job/{job_id}/action/{action}", json=body)
    assert response.status_code == 400 and field in _message(response)
    # The job is untouched: validation comes before the action.
    assert client.get(f"{API}/plan/job/{job_id}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"priority": "high"}, "priority"),
        ({"priority": BEYOND_INT32}, "priority"),
        ({"asap": "yes"}, "asap"),
        ({"variables": {"A": 1}}, "variables"),
        ({"jobDefinitionDbIdentifier": "not-a-uuid"}, "jobDefinitionDbIdentifier"),
    ],
)
def test_rerun_bodies_are_validated_against_rerun_details(
    client: httpx.Client, body: dict, field: str
) -> None:
    response = client.put(f"{API}/plan/job/run/nope/action/rerun", json=body)
    assert response.status_code == 400 and field in _message(response)


def test_a_valid_rerun_body_passes_validation(client: httpx.Client) -> None:
    body = {"priority": 20, "asap": True, "variables": {"A": "1"}, "stepName": "S1"}
    response = client.put(f"{API}/plan/job/run/nope/action/rerun", json=body)
    assert response.status_code == 404 and "AWSBIO007E" in _message(response)


@pytest.mark.parametrize("path", ["/plan/job", "/plan/job/count", "/plan/workstation"])
def test_an_unknown_plan_is_a_400_as_the_spec_lists(client: httpx.Client, path: str) -> None:
    response = client.get(API + path, params={"plan_id": "PLAN_19990101"})
    assert response.status_code == 400 and "AWSBIO030E" in _message(response)
