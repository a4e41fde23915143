"""``resync-flows health`` against a real PostgreSQL, the simulator over HTTP, a real Prefect API
and the scripted LLM endpoint."""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
from typer.testing import CliRunner

from resync_clients.postgres.migrations import load_migrations
from resync_core.settings import get_settings, load_settings
from resync_flows.cli import app
from resync_flows.cli.health import check_llm, check_postgres, check_prefect, check_tws
from tests.fixtures.llm_endpoint import LLM_TEST_MODEL, reply_json, reply_status

LATEST = load_migrations()[-1].version
# Nothing listens on port 1 of loopback: connection refused at once.
UNREACHABLE_DATABASE = "postgresql://resync@127.0.0.1:1/resync"

runner = CliRunner()


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """No RESYNC_* from the outside: each test says what is configured."""
    for name in list(os.environ):
        if name.startswith("RESYNC_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RESYNC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no stray .env file
    get_settings.cache_clear()


def test_postgres_up_reports_the_schema_version(store, database_url: str) -> None:
    result = asyncio.run(check_postgres(load_settings(database_url=database_url), 5.0))
    assert result.status == "ok", result.detail
    assert result.facts["schema_version"] == LATEST
    assert result.latency_ms is not None and result.latency_ms > 0


def test_postgres_warns_when_the_poller_quarantined_job_runs(store, database_url: str) -> None:
    with store.connection() as conn:
        conn.execute(
            "INSERT INTO job_run_quarantine (run_id, job_key, action, reasons, payload)"
            " VALUES ('R1', 'WS#S.J', 'quarantined', '[\"run_id contains a NUL byte\"]', '{}'),"
            " ('R2', 'WS#S.K', 'clamped', '[\"run_attempt 0 < 1: set to 1\"]', '{}')"
        )
    result = asyncio.run(check_postgres(load_settings(database_url=database_url), 5.0))
    assert result.status == "warn", result.detail
    assert result.facts["quarantined_runs_24h"] == 1
    assert result.facts["corrected_runs_24h"] == 1
    assert "job_run_quarantine" in result.detail


def test_postgres_without_schema_is_a_warning(fresh_database_url: str) -> None:
    result = asyncio.run(check_postgres(load_settings(database_url=fresh_database_url), 5.0))
    assert result.status == "warn"
    assert result.facts["schema_version"] == 0
    assert "pending" in result.detail


def test_postgres_down_is_reported_without_the_password() -> None:
    url = "postgresql://resync:s3cret-pw@127.0.0.1:1/resync"
    result = asyncio.run(check_postgres(load_settings(database_url=url), 2.0))
    assert result.status == "down"
    assert "s3cret-pw" not in result.detail
    assert "127.0.0.1" in result.detail


def tws_settings(sim, **overrides):  # type: ignore[no-untyped-def]
    user, password = sim.basic_auth
    return load_settings(
        tws_url=sim.base_url, tws_username=user, tws_password=password, **overrides
    )


def test_tws_up_reports_latency_and_a_closed_circuit(tws_sim) -> None:
    result = asyncio.run(check_tws(tws_settings(tws_sim), 5.0))
    assert result.status == "ok", result.detail
    assert result.facts["circuit"] == "closed"
    assert result.facts["jobs_in_plan"] == tws_sim.engine.scenario.jobs
    assert result.latency_ms is not None


def test_tws_failing_with_5xx_is_down(tws_sim) -> None:
    tws_sim.set_faults(error_rate=1.0, error_status=503)
    result = asyncio.run(check_tws(tws_settings(tws_sim), 2.0))
    assert result.status == "down"
    assert "503" in result.detail or "unavailable" in result.detail.lower()
    assert result.facts["circuit"] in {"closed", "open", "half_open"}


def test_tws_hanging_is_down_within_the_timeout(tws_sim) -> None:
    tws_sim.set_faults(timeout_rate=1.0, hang_seconds=3)
    begin = time.monotonic()
    result = asyncio.run(check_tws(tws_settings(tws_sim), 0.5))
    assert result.status == "down"
    assert time.monotonic() - begin < 5


def test_tws_wrong_password_is_down_as_rejected_credentials(tws_sim) -> None:
    settings = load_settings(tws_url=tws_sim.base_url, tws_username="resync", tws_password="bad")
    result = asyncio.run(check_tws(settings, 5.0))
    assert result.status == "down"
    assert "credentials rejected" in result.detail


def test_tws_not_configured_is_off() -> None:
    assert asyncio.run(check_tws(load_settings(tws_url=None), 1.0)).status == "off"


def test_llm_not_configured_is_off() -> None:
    result = asyncio.run(check_llm(load_settings(llm_model=""), 1.0))
    assert result.status == "off"
    assert result.latency_ms is None


def test_llm_answering_is_ok_and_failing_is_down(llm_endpoint, llm_settings) -> None:
    llm_endpoint.script(reply_json({"ok": True}))
    ok = asyncio.run(check_llm(llm_settings, 2.0))
    assert ok.status == "ok", ok.detail
    assert ok.facts["model"] == LLM_TEST_MODEL

    llm_endpoint.script(reply_status(500))
    down = asyncio.run(check_llm(llm_settings, 2.0))
    assert down.status == "down"
    assert len(llm_endpoint.requests) == 2, "no retries in a health check"


def test_prefect_api_up_and_unreachable(prefect_api) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    up = asyncio.run(check_prefect(5.0))
    assert up.status == "ok", up.detail
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:1/api"}):
        down = asyncio.run(check_prefect(1.0))
    assert down.status == "down"
    assert "127.0.0.1:1" in down.detail


def test_cli_json_reports_every_component_and_exits_0_when_none_is_down(
    clean_environment, store, database_url: str, tws_sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, password = tws_sim.basic_auth
    monkeypatch.setenv("RESYNC_DATABASE_URL", database_url)
    monkeypatch.setenv("RESYNC_TWS_URL", tws_sim.base_url)
    monkeypatch.setenv("RESYNC_TWS_USERNAME", user)
    monkeypatch.setenv("RESYNC_TWS_PASSWORD", password)
    result = runner.invoke(app, ["health", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    statuses = {c["name"]: c["status"] for c in document["components"]}
    assert document["healthy"] is True
    assert statuses["postgresql"] == "ok"
    assert statuses["tws"] == "ok"
    assert statuses["llm"] == "off"
    assert password not in result.stdout


def test_cli_exits_1_when_postgres_is_down(
    clean_environment, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", UNREACHABLE_DATABASE)
    result = runner.invoke(app, ["health", "--json", "--timeout", "2"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["healthy"] is False
    assert [c["status"] for c in document["components"] if c["name"] == "postgresql"] == ["down"]


def test_cli_table_names_each_component(clean_environment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", UNREACHABLE_DATABASE)
    result = runner.invoke(app, ["health", "--timeout", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    for name in ("postgresql", "tws", "prefect", "llm"):
        assert name in result.stdout
    assert "down" in result.stdout
