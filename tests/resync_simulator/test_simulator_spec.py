"""Every endpoint the simulator serves answers with JSON valid against the product's spec.

Reads the OpenAPI spec from ../shared/tws-api (skips when absent). The spec has trailing
commas, which are stripped before parsing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from resync_simulator import RunningSimulator
from resync_simulator.conformance import pin_dependency_kinds

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "tws-api" / "WA_API3_v2.json"
API = "/twsd/api/v2"

pytestmark = pytest.mark.skipif(not SPEC_PATH.exists(), reason="product spec not available")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    text = re.sub(r",(\s*[}\]])", r"\1", SPEC_PATH.read_text(encoding="utf-8"))
    # The spec's dependency oneOf cannot match a real dependency without this (see quirks).
    return pin_dependency_kinds(json.loads(text))


def _validator(spec: dict[str, Any], path: str, method: str = "get", status: str = "200"):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    operation = spec["paths"][path][method]
    content = operation["responses"][status]["content"]
    schema = next(iter(content.values()))["schema"]
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:spec", resource)
    ref_schema = json.loads(json.dumps(schema).replace('"#/components', '"urn:spec#/components'))
    return Draft202012Validator(ref_schema, registry=registry), next(iter(content))


COVERED: set[str] = set()


def _check(spec: dict[str, Any], path: str, response: httpx.Response, method: str = "get") -> None:
    COVERED.add(path)
    assert response.status_code == 200, response.text
    validator, media_type = _validator(spec, path, method)
    if media_type.startswith("text/plain"):
        assert response.headers["content-type"] == media_type
        return
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.path))
    assert not errors, f"{path}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_every_served_endpoint_matches_the_spec(
    spec: dict[str, Any], tws_sim: RunningSimulator
) -> None:
    client = httpx.Client(base_url=tws_sim.base_url, auth=tws_sim.basic_auth, timeout=10)
    injected = client.post("/sim/inject", json={}).json()
    job_id, run_id = injected["job_id"], injected["run_id"]
    jobs = client.get(f"{API}/plan/job")
    _check(spec, "/twsd/api/v2/plan/job", jobs)
    with_runs = [j for j in jobs.json()["results"] if j["jobruns"]]
    assert with_runs, "no job has run: the check would not cover JobRunInstanceV2"
    _check(spec, "/twsd/api/v2/plan/job", client.get(f"{API}/plan/job", params={"limit": 3}))
    _check(spec, "/twsd/api/v2/plan/job/{job_id}", client.get(f"{API}/plan/job/{job_id}"))
    _check(
        spec,
        "/twsd/api/v2/plan/job/count",
        client.get(f"{API}/plan/job/count", params={"grouping_filters": "workstation,status"}),
    )
    for relation in ("predecessors", "successors"):
        _check(
            spec,
            f"/twsd/api/v2/plan/job/{{job_id}}/{relation}",
            client.get(f"{API}/plan/job/{job_id}/{relation}", params={"depth": 3}),
        )
    _check(
        spec,
        "/twsd/api/v2/plan/job/run/{run_id}/joblog",
        client.get(f"{API}/plan/job/run/{run_id}/joblog"),
    )
    _check(
        spec,
        "/twsd/api/v2/plan/job/joblog",
        client.get(f"{API}/plan/job/joblog", params={"oql": f"id = '{job_id}'"}),
    )
    workstations = client.get(f"{API}/plan/workstation")
    _check(spec, "/twsd/api/v2/plan/workstation", workstations)
    ws_id = workstations.json()["results"][0]["id"]
    _check(
        spec,
        "/twsd/api/v2/plan/workstation/{workstation_id}",
        client.get(f"{API}/plan/workstation/{ws_id}"),
    )
    _check(
        spec,
        "/twsd/api/v2/plan/job/run/{run_id}/action/rerun",
        client.put(f"{API}/plan/job/run/{run_id}/action/rerun", json={}),
        "put",
    )
    holdable = client.get(
        f"{API}/plan/job", params={"oql": "lastRunCompositeStatus.status = 'HOLD'"}
    ).json()
    target = holdable["results"][0]["id"]
    for action in ("hold", "release", "cancel"):
        _check(
            spec,
            f"/twsd/api/v2/plan/job/{{job_id}}/action/{action}",
            client.put(f"{API}/plan/job/{target}/action/{action}", json={}),
            "put",
        )
    abended = client.post("/sim/inject", json={}).json()["job_id"]
    _check(
        spec,
        "/twsd/api/v2/plan/job/{job_id}/action/confirm-succ",
        client.put(f"{API}/plan/job/{abended}/action/confirm-succ", json={}),
        "put",
    )
    _check(
        spec,
        "/twsd/api/v2/plan/job/{job_id}/action/confirm-abend",
        client.put(f"{API}/plan/job/{abended}/action/confirm-abend", json={}),
        "put",
    )
    # Past plans render through the same code, with every run finished.
    past = client.get("/sim/status").json()["availablePlans"][0]
    _check(
        spec,
        "/twsd/api/v2/plan/job",
        client.get(f"{API}/plan/job", params={"plan_id": past, "limit": 200}),
    )


def test_the_served_routes_are_all_in_the_spec(
    spec: dict[str, Any], tws_sim: RunningSimulator
) -> None:
    from resync_simulator.app import create_app

    app = create_app(tws_sim.engine).app  # type: ignore[arg-type, attr-defined]
    served = {path for path in app.openapi()["paths"] if path.startswith("/twsd")}
    assert served and served <= set(spec["paths"]), served - set(spec["paths"])
    # The conformance test above must have exercised every one of them.
    assert served == COVERED, served ^ COVERED
