"""The nightly pattern flow announces surges (resync.pattern.surge) on real PostgreSQL and a
real Prefect API, and reports them next to the new templates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from flows.patterns import mine_error_patterns
from resync_core.events import PATTERN_NEW, PATTERN_SURGE
from tests.fixtures.prefect import read_events

SURGING = "Connection to db{n}:5432 refused after {n} attempts"
STABLE = "cp: cannot stat '/data/in/f{n}.csv': No such file or directory"
NEW = "ORA-01653: unable to extend table SALES.T1 by {n}92 in tablespace USERS"


def add_runs(store, message: str, count: int, *, night: int, job: str, ws: str = "WS1") -> None:
    """``count`` failed runs of ``job`` ending ``night`` nights before now (0 = tonight)."""
    ended = datetime.now(UTC) - timedelta(days=night, hours=1)
    with store.connection() as conn, conn.transaction():
        for n in range(count):
            run_id = f"{job}-{night}-{n}"
            text = message.format(n=n % 7 + 1)
            joblog = f"= JOB : {ws}#NIGHTLY.{job}\r\nstarting\r\n{text}\r\n= Exit Status : 1\n"
            conn.execute(
                "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name,"
                " status, internal_status, return_code, end_time, joblog_text, error_line)"
                " VALUES (%s, %s, %s, 'NIGHTLY', %s, 'ERROR', 'ABEND', 1, %s, %s, 3)",
                (run_id, f"{ws}#NIGHTLY.{job}", ws, job, ended, joblog),
            )


def rows(store, query, *params):
    with store.connection() as conn:
        return conn.execute(query, params).fetchall()


def test_a_known_template_that_jumps_tonight_is_announced_and_reported(flow_settings, store):
    from prefect.artifacts import Artifact

    for night in range(1, 29):
        add_runs(store, SURGING, 1, night=night, job="EXTRACT")
        add_runs(store, STABLE, 2, night=night, job="COPY")
    add_runs(store, SURGING, 9, night=0, job="LOAD", ws="WS2")
    add_runs(store, SURGING, 3, night=0, job="EXTRACT")
    add_runs(store, STABLE, 3, night=0, job="COPY")
    add_runs(store, NEW, 10, night=0, job="SALES")

    summary = asyncio.run(mine_error_patterns(lookback_days=35))
    patterns = {r["template"]: r["pattern_id"] for r in rows(store, "SELECT * FROM error_patterns")}
    surging = patterns["Connection to <*> refused after <*> attempts"]
    new = patterns["ORA-01653: unable to extend table SALES.T1 by <*> in tablespace USERS"]
    # Only the jump: the stable template is quiet, the new one is resync.pattern.new.
    assert summary.surges == (surging,)
    assert new in summary.new_patterns

    sent = rows(store, "SELECT * FROM event_outbox WHERE event = %s", PATTERN_SURGE)
    assert len(sent) == 1 and sent[0]["emitted_at"] is not None
    assert sent[0]["resource_id"] == f"resync.pattern.{surging}"
    payload = sent[0]["payload"]
    assert payload["tonight"] == 12 and payload["usual_rate"] == 1.0
    assert payload["ratio"] == 12.0 and payload["p_value"] < 1e-4
    assert payload["top_jobs"][0] == {"job_key": "WS2#NIGHTLY.LOAD", "runs": 9}
    assert payload["top_workstations"][0] == {"workstation": "WS2", "runs": 9}
    published = read_events(
        PATTERN_SURGE,
        expect_at_least=1,
        where=lambda e: e["payload"].get("pattern_id") == surging,
    )
    assert published and published[0]["payload"]["template"].startswith("Connection to")

    report = Artifact.get("pattern-report")
    assert report is not None
    assert f"`{surging}`" in report.data and "12 failed run(s) tonight" in report.data
    assert f"`{new}`" in report.data and "WS2#NIGHTLY.LOAD (9)" in report.data

    # A re-run the same night announces nothing twice.
    again = asyncio.run(mine_error_patterns(lookback_days=35))
    assert again.surges == (surging,)
    assert len(rows(store, "SELECT * FROM event_outbox WHERE event = %s", PATTERN_SURGE)) == 1
    assert len(rows(store, "SELECT * FROM event_outbox WHERE event = %s", PATTERN_NEW)) == 3


def test_a_quiet_night_has_no_surge(flow_settings, store):
    for night in range(0, 29):
        add_runs(store, SURGING, 2, night=night, job="EXTRACT")
    summary = asyncio.run(mine_error_patterns(lookback_days=35))
    assert summary.surges == ()
    assert rows(store, "SELECT * FROM event_outbox WHERE event = %s", PATTERN_SURGE) == []
