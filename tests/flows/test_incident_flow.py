"""The incident flow end to end: simulator → poller → incident, report, event (real parts)."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from flows.incident import IncidentRequest, analyze_incidents, incident_analysis
from flows.poller import poll_tws
from resync_clients.events import INCIDENT_ANALYZED
from resync_clients.postgres.incidents import record_feedback
from tests.fixtures.prefect import read_events
from tests.resync_analytics.secret_forms import FORMS as SECRET_FORMS

SINGLE_TEMPLATE = "fnf.shell_read"
# One fixed error message (ORA-00942): every failure from it has the same error pattern.
STABLE_TEMPLATE = "db.ora_942"


def rows(store, query: str, *params: object) -> list[dict]:
    with store.connection() as conn:
        return conn.execute(query, params).fetchall()


def scalar(store, query: str, *params: object) -> object:
    return next(iter(rows(store, query, *params)[0].values()))


def read_artifact_markdown(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def fetch() -> str:
        async with get_client() as client:
            artifacts = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
            )
        assert artifacts, f"no artifact {key}"
        latest = max(artifacts, key=lambda a: a.created)
        return str(latest.data)

    return asyncio.run(fetch())


def inject_and_poll(sim, *, template_id: str, job_names: list[str | None]) -> list[str]:
    run_ids = [sim.engine.inject(job_name=name, template_id=template_id) for name in job_names]
    asyncio.run(poll_tws())
    return run_ids


def analyse(run_id: str, **options: object):
    request = IncidentRequest(run_id=run_id, propose_rerun=False, **options)
    return asyncio.run(incident_analysis(request))


def distinct_job_names(sim, count: int, skip: int = 0) -> list[str]:
    names = list(dict.fromkeys(job.name for job in sim.engine.enterprise.jobs))
    assert len(names) >= skip + count, "the simulated enterprise is too small"
    return names[skip : skip + count]


def test_abend_becomes_an_incident_with_report_and_event(poller_settings, poller_simulator, store):
    asyncio.run(poll_tws(full=True))
    (run_id,) = inject_and_poll(poller_simulator, template_id=SINGLE_TEMPLATE, job_names=[None])
    truth = poller_simulator.engine.ground_truth(run_id)

    outcome = analyse(run_id)

    (incident,) = rows(store, "SELECT * FROM incidents")
    assert incident["id"] == outcome.incident_id and outcome.created
    assert incident["category"] == truth.category == outcome.category
    assert incident["error_line"] == truth.error_line
    assert incident["status"] == "open"
    assert rows(store, "SELECT run_id FROM incident_runs") == [{"run_id": run_id}]
    (recommendation,) = rows(store, "SELECT * FROM recommendations")
    # conman selects by the job stream's workstation (a pool, say), not the agent the run
    # executed on: that is the stored job key.
    job = scalar(store, "SELECT job_key FROM job_runs WHERE run_id = %s", run_id)
    assert job.endswith(f"#{truth.job_stream}.{truth.job_name}")
    assert recommendation["rerun_command"] == f'conman "rr {job};noask"'
    assert recommendation["source"] == "deterministic" and recommendation["steps"]

    assert outcome.report_key == f"incident-{incident['id']}"
    markdown = read_artifact_markdown(outcome.report_key)
    assert incident["root_cause"] in markdown
    assert f"Line {truth.error_line} of the joblog" in markdown
    assert f"> {truth.error_line} |" in markdown  # the error line itself, marked in its context
    assert f"rr {job};noask" in markdown
    assert f"{round(incident['confidence'] * 100)}%" in markdown
    assert run_id in markdown  # affected jobs

    (event,) = read_events(
        INCIDENT_ANALYZED, expect_at_least=1, where=lambda e: e["payload"]["run_id"] == run_id
    )
    assert event["payload"]["incident_id"] == incident["id"]
    assert event["payload"]["category"] == truth.category
    assert event["resource"]["prefect.resource.id"] == (
        f"tws.job.{truth.workstation}.{truth.job_stream}.{truth.job_name}"
    )


def test_analysing_the_same_run_again_creates_no_duplicates(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    (run_id,) = inject_and_poll(poller_simulator, template_id=SINGLE_TEMPLATE, job_names=[None])
    first = analyse(run_id)
    second = analyse(run_id)

    assert second.incident_id == first.incident_id
    assert first.created and not second.created
    assert scalar(store, "SELECT count(*) FROM incidents") == 1
    assert scalar(store, "SELECT count(*) FROM incident_runs") == 1
    assert scalar(store, "SELECT count(*) FROM recommendations") == 1
    assert (
        scalar(store, "SELECT count(*) FROM event_outbox WHERE event = %s", INCIDENT_ANALYZED) == 1
    )
    events = read_events(
        INCIDENT_ANALYZED, expect_at_least=1, where=lambda e: e["payload"]["run_id"] == run_id
    )
    assert len(events) == 1  # the same event id was sent twice and stored once


def test_storm_of_fifty_failures_is_one_incident_listing_every_job(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    names = distinct_job_names(poller_simulator, 50)
    run_ids = inject_and_poll(poller_simulator, template_id="net.oracle_tns", job_names=names)
    assert len(set(run_ids)) == 50

    outcomes = asyncio.run(analyze_incidents(run_ids))

    (outcome,) = outcomes
    assert outcome.storm and outcome.created
    assert outcome.affected_runs == 50
    (incident,) = rows(store, "SELECT * FROM incidents")
    assert incident["fingerprint"] == "storm:network"
    linked = {r["run_id"] for r in rows(store, "SELECT run_id FROM incident_runs")}
    assert linked == set(run_ids)
    assert scalar(store, "SELECT count(*) FROM recommendations") == 1
    markdown = read_artifact_markdown(outcome.report_key)
    assert "ABEND storm" in markdown and "50 jobs failed" in markdown
    for name in names:
        assert name in markdown

    # The same storm arriving as one event per job (flow runs in parallel) joins the incident.
    asyncio.run(poll_tws())
    with ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(analyse, run_ids[:8]))
    assert {o.incident_id for o in again} == {incident["id"]}
    assert scalar(store, "SELECT count(*) FROM incidents") == 1


def test_concurrent_flow_runs_of_one_storm_open_a_single_incident(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    names = distinct_job_names(poller_simulator, 10, skip=50)
    run_ids = inject_and_poll(poller_simulator, template_id="auth.oracle", job_names=names)

    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(analyse, run_ids))

    storm_outcomes = [o for o in outcomes if o.storm]
    # Nearly every joblog reads as the same login failure (the analyser may read one
    # differently); those that do are one storm incident, opened exactly once.
    assert len(storm_outcomes) >= 8
    assert len({o.incident_id for o in storm_outcomes}) == 1
    assert sum(o.created for o in storm_outcomes) == 1
    (incident,) = rows(store, "SELECT * FROM incidents WHERE fingerprint = 'storm:authentication'")
    linked = {
        r["run_id"]
        for r in rows(
            store, "SELECT run_id FROM incident_runs WHERE incident_id = %s", incident["id"]
        )
    }
    assert linked == {o.run_ids[0] for o in storm_outcomes}
    assert (
        scalar(store, "SELECT count(*) FROM recommendations WHERE incident_id = %s", incident["id"])
        == 1
    )
    # No fingerprint ever has two open incidents, and no run is in two incidents.
    assert (
        scalar(
            store,
            "SELECT count(*) FROM (SELECT run_id FROM incident_runs GROUP BY run_id"
            " HAVING count(*) > 1) d",
        )
        == 0
    )


def test_resolution_of_an_earlier_incident_appears_in_the_next_report(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    (name,) = distinct_job_names(poller_simulator, 1, skip=60)
    (first_run,) = inject_and_poll(poller_simulator, template_id=STABLE_TEMPLATE, job_names=[name])
    first = analyse(first_run)
    with store.connection() as conn:
        record_feedback(
            conn,
            first.incident_id,
            verdict="helpful",
            resolution="Upstream resent the extract; reran with conman rr",
            operator="ana",
            resolve=True,
        )

    poller_simulator.advance(600)
    (second_run,) = inject_and_poll(poller_simulator, template_id=STABLE_TEMPLATE, job_names=[name])
    second = analyse(second_run)

    assert second.incident_id != first.incident_id
    markdown = read_artifact_markdown(second.report_key)
    similar_section = markdown.split("## Similar incidents", 1)[1].split("## Affected", 1)[0]
    assert f"#{first.incident_id}" in similar_section
    assert "Upstream resent the extract; reran with conman rr" in similar_section
    assert "helpful" in similar_section
    assert "same cause" in similar_section


def test_planted_secrets_never_leave_the_joblog(poller_settings, store, caplog):
    secrets = [
        "Tiger$ecret99",
        "Sup3rS3cretPw",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwifQ.c2lnbmF0dXJlMTIz",
    ]
    joblog = "\n".join(
        [
            "+ export DB_PASSWORD=Sup3rS3cretPw",
            "+ sqlplus -s etl/Tiger$ecret99@DWHPRD @/opt/etl/load_sales.sql",
            "curl -H 'Authorization: Bearer "
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJldGwifQ.c2lnbmF0dXJlMTIz' https://api.example.com/x",
            "psql: error: connection to server at db01 failed: password=Sup3rS3cretPw rejected",
            "ORA-01017: invalid username/password; logon denied (etl/Tiger$ecret99@DWHPRD)",
            # Every form operators really use (curl -u, sshpass, jdbc thin, net use, ...).
            *(form.text for form in SECRET_FORMS),
            "exit code 1",
        ]
    )
    secrets += [fragment for form in SECRET_FORMS for fragment in form.fragments()]
    with store.connection() as conn:
        conn.execute(
            "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name, status,"
            " internal_status, return_code, end_time, joblog_text)"
            " VALUES ('secret-run', 'WS1#SALES.LOAD', 'WS1', 'SALES', 'LOAD', 'ERROR', 'ABEND',"
            " 1, now(), %s)",
            (joblog,),
        )
    caplog.set_level(logging.DEBUG)
    prefect_records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            prefect_records.append(record.getMessage())

    handler = Collect(level=logging.DEBUG)
    logging.getLogger("prefect").addHandler(handler)
    try:
        outcome = analyse("secret-run")
    finally:
        logging.getLogger("prefect").removeHandler(handler)

    markdown = read_artifact_markdown(outcome.report_key)
    stored = str(rows(store, "SELECT * FROM incidents")) + str(
        rows(store, "SELECT * FROM recommendations")
    )
    outbox = str(rows(store, "SELECT payload FROM event_outbox"))
    events = str(
        read_events(
            INCIDENT_ANALYZED,
            expect_at_least=1,
            where=lambda e: e["payload"]["run_id"] == "secret-run",
        )
    )
    logs = caplog.text + "\n".join(prefect_records)
    assert "ORA-01017" in markdown or "password" in markdown.lower()  # the report is about it
    for secret in secrets:
        for where, text in {
            "artifact": markdown,
            "incident rows": stored,
            "outbox": outbox,
            "events": events,
            "logs": logs,
        }.items():
            assert secret not in text, f"secret {secret!r} leaked into {where}"


def test_a_storm_costs_one_llm_review(
    poller_settings, poller_simulator, store, llm_endpoint, monkeypatch
):
    from resync_core.settings import get_settings
    from tests.fixtures.llm_endpoint import LLM_TEST_API_KEY, LLM_TEST_MODEL, reply_json

    monkeypatch.setenv("RESYNC_LLM_MODEL", LLM_TEST_MODEL)
    monkeypatch.setenv("RESYNC_LLM_API_BASE", llm_endpoint.api_base)
    monkeypatch.setenv("RESYNC_LLM_API_KEY", LLM_TEST_API_KEY)
    get_settings.cache_clear()
    llm_endpoint.script(
        reply_json(
            {
                "category": "network",
                "root_cause": "The Oracle listener of the warehouse database is down",
                "error_line": 1,
                "entities": [],
                "steps": ["Ask the DBA to start the listener", "Rerun the failed jobs"],
                "confidence": 0.7,
            }
        )
    )
    asyncio.run(poll_tws(full=True))
    names = distinct_job_names(poller_simulator, 12, skip=70)
    run_ids = inject_and_poll(poller_simulator, template_id="net.oracle_tns", job_names=names)

    (outcome,) = asyncio.run(analyze_incidents(run_ids))
    with ThreadPoolExecutor(max_workers=4) as pool:
        again = list(pool.map(analyse, run_ids[:6]))

    assert outcome.storm and {o.incident_id for o in again} == {outcome.incident_id}
    assert len(llm_endpoint.requests) == 1
    assert LLM_TEST_API_KEY not in read_artifact_markdown(outcome.report_key)
    # The confidence calibrated is the LLM review's claim, and later fits will know it.
    analyser = scalar(
        store,
        "SELECT analyser FROM incident_calibrations WHERE incident_id = %s",
        outcome.incident_id,
    )
    assert analyser == "llm"
