"""The simulator over real HTTP: paging, auth, OQL errors, joblogs, actions, faults, clock."""

from __future__ import annotations

import threading

import httpx
import pytest

from resync_simulator import RunningSimulator

API = "/twsd/api/v2"


@pytest.fixture
def client(tws_sim: RunningSimulator) -> httpx.Client:
    with httpx.Client(base_url=tws_sim.base_url, auth=tws_sim.basic_auth, timeout=10) as c:
        yield c


def _running_job(sim: RunningSimulator) -> tuple[str, str]:
    """(job id, run id) of a job executing now, moving the clock until one runs."""
    engine = sim.engine
    assert engine is not None
    for _ in range(200):
        plan, now = engine.current, engine.now
        for index in range(len(plan.instances)):
            runs = plan.instances[index].runs
            if plan.state_of(index, now).status == "EXEC" and runs[-1].end - now > 120:
                run_id = list(engine.iter_runs(plan, index))[-1][0]
                return engine.job_view(plan, index).job_id, run_id
        engine.advance(300)
    raise AssertionError("no job ever ran")


def test_paging_follows_next_and_previous(client: httpx.Client) -> None:
    first = client.get(f"{API}/plan/job", params={"limit": 150}).json()
    total = first["count"]
    assert len(first["results"]) == 150 and "previous" not in first
    ids = [job["id"] for job in first["results"]]
    url = first.get("next")
    while url:
        page = client.get(url).json()
        ids += [job["id"] for job in page["results"]]
        assert page["previous"]
        url = page.get("next")
    assert len(ids) == len(set(ids)) == total
    back = client.get(page["previous"]).json()
    assert back["results"][0]["id"] == ids[-len(page["results"]) - 150]


def test_include_count_false_omits_the_count(client: httpx.Client) -> None:
    body = client.get(f"{API}/plan/job", params={"limit": 1},
                      headers={"Include-Count": "false"}).json()  # fmt: skip
    assert "count" not in body and len(body["results"]) == 1


def test_oql_filters_and_orders(client: httpx.Client) -> None:
    everything = client.get(f"{API}/plan/job").json()["results"]
    name = everything[3]["name"]
    body = client.get(f"{API}/plan/job", params={"oql": f"name = '{name}' ORDER BY key DESC"})
    results = body.json()["results"]
    assert results and all(job["name"] == name for job in results)
    assert [j["key"] for j in results] == sorted((j["key"] for j in results), reverse=True)
    succ = client.get(f"{API}/plan/job",
                      params={"oql": "jobruns.compositeStatus.status = 'SUCC'"}).json()  # fmt: skip
    assert succ["count"] == sum(
        any(r["compositeStatus"]["status"] == "SUCC" for r in j["jobruns"]) for j in everything
    )


@pytest.mark.parametrize("oql", ["name = ", "key.name = 'X'", "nosuchfield = 1", "a = 'x"])
def test_bad_oql_is_a_400_with_aws_message(client: httpx.Client, oql: str) -> None:
    response = client.get(f"{API}/plan/job", params={"oql": oql})
    assert response.status_code == 400
    (message,) = response.json()["messages"]
    assert message.startswith("AWS") and "OQL_FILTER_SYNTAX_ERROR" in message


def test_auth_failures(tws_sim: RunningSimulator) -> None:
    url = tws_sim.base_url + f"{API}/plan/job?limit=1"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, auth=("resync", "wrong")).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer nope"}).status_code == 401
    expired = httpx.get(url, headers={"Authorization": "Bearer resync-sim-expired-key"})
    assert expired.status_code == 401 and "expired" in expired.json()["messages"][0]
    assert httpx.get(url, headers=tws_sim.auth_headers()).status_code == 200
    assert httpx.get(url, auth=("norights", "norights-sim")).status_code == 403
    assert httpx.get(url, auth=("viewer", "viewer-sim")).status_code == 200
    job_id = httpx.get(url, auth=tws_sim.basic_auth).json()["results"][0]["id"]
    hold = httpx.put(f"{tws_sim.base_url}{API}/plan/job/{job_id}/action/hold", json={},
                     auth=("viewer", "viewer-sim"))  # fmt: skip
    assert hold.status_code == 403 and hold.json()["messages"]
    assert httpx.get(tws_sim.base_url + "/sim/status").status_code == 401


def test_token_ttl_fault_expires_bearer_tokens(tws_sim: RunningSimulator) -> None:
    tws_sim.set_faults(token_ttl_seconds=0.2)
    url = tws_sim.base_url + f"{API}/plan/workstation"
    assert httpx.get(url, headers=tws_sim.auth_headers()).status_code == 200
    import time

    time.sleep(0.3)
    assert httpx.get(url, headers=tws_sim.auth_headers()).status_code == 401


def test_joblog_line_ranges_and_content_only(
    client: httpx.Client, tws_sim: RunningSimulator
) -> None:
    injected = client.post("/sim/inject", json={"template_id": "fnf.shell_read"}).json()
    run_id, truth = injected["run_id"], injected["ground_truth"]
    full = client.get(f"{API}/plan/job/run/{run_id}/joblog")
    assert full.headers["content-type"] == "text/plain; charset=utf-8"
    lines = full.content.splitlines(keepends=True)
    assert truth["category"] == "file_not_found" and 1 <= truth["error_line"] <= len(lines)
    assert any(e.encode() in lines[truth["error_line"] - 1] for e in truth["entities"])
    part = client.get(f"{API}/plan/job/run/{run_id}/joblog", params={"from_line": 2, "to_line": 4})
    assert part.content == b"".join(lines[1:4])
    content = client.get(f"{API}/plan/job/run/{run_id}/joblog", params={"contentOnly": "true"})
    assert content.content in full.content and len(content.content) < len(full.content)
    assert not content.content.startswith(b"=====")
    assert client.get(f"{API}/plan/job/run/{run_id}/joblog",
                      params={"from_line": 0}).status_code == 400  # fmt: skip
    assert client.get(f"{API}/plan/job/run/nope/joblog").status_code == 404
    by_query = client.get(f"{API}/plan/job/joblog",
                          params={"oql": f"id = '{injected['job_id']}'"})  # fmt: skip
    assert by_query.content == full.content


def test_follow_streams_while_the_job_runs(client: httpx.Client, tws_sim: RunningSimulator) -> None:
    _, run_id = _running_job(tws_sim)
    engine = tws_sim.engine
    assert engine is not None
    chunks: list[bytes] = []
    with client.stream("GET", f"{API}/plan/job/run/{run_id}/joblog",
                       params={"follow": "true"}) as response:  # fmt: skip
        assert response.status_code == 200
        stream = response.iter_raw()
        chunks.append(next(stream))
        assert b"Exit Status" not in chunks[0]  # still running: no trailer yet
        ender = threading.Timer(0.2, engine.advance, args=(86_400 / 4,))
        ender.start()
        chunks.extend(stream)
        ender.join()
    finished = client.get(f"{API}/plan/job/run/{run_id}/joblog").content
    assert b"".join(chunks) == finished


def test_actions_need_json_and_a_valid_state(
    client: httpx.Client, tws_sim: RunningSimulator
) -> None:
    jobs = client.get(f"{API}/plan/job",
                      params={"oql": "lastRunCompositeStatus.status = 'HOLD'"}).json()  # fmt: skip
    job_id = jobs["results"][-1]["id"]
    url = f"{API}/plan/job/{job_id}/action/hold"
    assert client.put(url, content=b"{}").status_code == 415
    held = client.put(url, json={})
    assert held.status_code == 200 and held.json()["id"] == job_id
    job = client.get(f"{API}/plan/job/{job_id}").json()
    assert job["lastRunCommonStatus"] == "HELD" and job["priority"] == 0
    again = client.put(url, json={})
    assert again.status_code == 400 and again.json()["messages"][0].startswith("AWSBIN076E")
    assert client.put(f"{API}/plan/job/{job_id}/action/release", json={}).status_code == 200
    unknown = client.put(f"{API}/plan/job/WS;JS;NAME/action/hold", json={})
    assert unknown.status_code == 404 and "AWSBIO006E" in unknown.json()["messages"][0]


def test_rerun_of_an_abended_run_creates_a_new_run(client: httpx.Client) -> None:
    injected = client.post("/sim/inject", json={}).json()
    job_before = client.get(f"{API}/plan/job/{injected['job_id']}").json()
    assert job_before["lastRunCompositeStatus"]["status"] in ("ABEND", "FAIL")
    url = f"{API}/plan/job/run/{injected['run_id']}/action/rerun"
    assert client.put(url).status_code == 415
    rerun = client.put(url, json={})
    assert rerun.status_code == 200
    job = client.get(f"{API}/plan/job/{injected['job_id']}").json()
    assert len(job["jobruns"]) == len(job_before["jobruns"]) + 1
    assert job["jobruns"][-1]["id"] == rerun.json()["id"]
    assert job["jobruns"][-1]["lastInRerunChain"] and not job["jobruns"][-2]["lastInRerunChain"]
    confirm = client.put(f"{API}/plan/job/{injected['job_id']}/action/confirm-abend", json={})
    assert confirm.status_code in (200, 400)


def test_clock_advance_moves_jobs_forward(client: httpx.Client) -> None:
    def statuses() -> dict[str, str]:
        jobs = client.get(f"{API}/plan/job").json()["results"]
        return {j["id"]: j["lastRunCompositeStatus"]["status"] for j in jobs}

    rank = {"HOLD": 0, "READY": 1, "EXEC": 2, "SUCC": 3, "ABEND": 3, "FAIL": 3, "CANCL": 3}
    for _ in range(12):  # an hour at a time: some hours of the day are quiet
        before = statuses()
        now = client.post("/sim/clock/advance", json={"seconds": 3600}).json()["now"]
        after = statuses()
        common = before.keys() & after.keys()  # the plan may have rolled over at midnight
        changed = [i for i in common if before[i] != after[i]]
        if changed:
            # Time only moves jobs forward through their life cycle (a recovery rerun may
            # start an ABENDed job again).
            assert all(
                rank[after[i]] > rank[before[i]] or before[i] in ("ABEND", "FAIL") for i in changed
            ), now
            return
    raise AssertionError("twelve hours passed and no job changed status")


def test_faults_errors_rate_limits_and_broken_bodies(tws_sim: RunningSimulator) -> None:
    url = tws_sim.base_url + f"{API}/plan/workstation"
    auth = tws_sim.basic_auth
    tws_sim.set_faults(fail_next=2)
    assert [httpx.get(url, auth=auth).status_code for _ in range(3)] == [503, 503, 200]
    tws_sim.set_faults(rate_limit_next=1, retry_after_seconds=7)
    limited = httpx.get(url, auth=auth)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    tws_sim.set_faults(malformed_json_rate=1.0)
    broken = httpx.get(url, auth=auth)
    assert broken.status_code == 200
    with pytest.raises(ValueError):
        broken.json()
    tws_sim.set_faults(reset_rate=1.0)
    with pytest.raises(httpx.HTTPError):
        httpx.get(url, auth=auth)
    tws_sim.set_faults(timeout_rate=1.0, hang_seconds=5)
    with pytest.raises(httpx.TimeoutException):
        httpx.get(url, auth=auth, timeout=0.3)
    tws_sim.set_faults(latency_ms=150)
    assert httpx.get(url, auth=auth).elapsed.total_seconds() >= 0.15
    assert (
        httpx.get(tws_sim.base_url + "/sim/faults", auth=auth).status_code == 200
    )  # /sim unaffected


def test_workstations_and_oql(client: httpx.Client) -> None:
    all_ws = client.get(f"{API}/plan/workstation").json()
    assert all_ws["count"] == len(all_ws["results"]) > 3
    ftas = client.get(f"{API}/plan/workstation", params={"oql": "type IN ['FTA'] ORDER BY name"})
    names = [w["name"] for w in ftas.json()["results"]]
    assert names == sorted(names) and all(n.startswith("FTA") for n in names)
    one = client.get(f"{API}/plan/workstation/{all_ws['results'][0]['id']}").json()
    assert one["name"] == all_ws["results"][0]["name"]
    assert client.get(f"{API}/plan/workstation/nope").status_code == 404


def test_past_plans_and_metrics(client: httpx.Client) -> None:
    status = client.get("/sim/status").json()
    past = status["availablePlans"][0]
    jobs = client.get(f"{API}/plan/job", params={"plan_id": past, "limit": 50}).json()
    assert all(j["planId"] == past for j in jobs["results"])
    run = next(j["jobruns"][-1] for j in jobs["results"] if j["jobruns"])
    assert client.get(f"{API}/plan/job/run/{run['id']}/joblog").status_code == 200
    unknown_plan = client.get(f"{API}/plan/job", params={"plan_id": "PLAN_19990101"})
    assert unknown_plan.status_code == 400 and "AWSBIO030E" in unknown_plan.json()["messages"][0]
    host = status["hosts"][1]
    series = client.get("/sim/metrics", params={"host": host, "step": 900}).json()["samples"]
    assert len(series) > 100 and all(0 <= s["cpu"] <= 100 for s in series)
    busy = [s["cpu"] for s in series if s["runningJobs"] > 0]
    idle = [s["cpu"] for s in series if s["runningJobs"] == 0]
    if busy and idle:
        assert sum(busy) / len(busy) > sum(idle) / len(idle)
    csv_text = client.get("/sim/metrics", params={"host": host, "format": "csv"}).text
    assert csv_text.startswith("host,timestamp,cpu_percent")
