"""``resync-flows serve``: refuses to start without a Prefect server or with unknown names.

Serving itself (schedules and the ABEND trigger in one process) is exercised by
``bench/e2e.py``; the deployments it builds are compared with prefect.yaml in tests/deployments.
"""

from __future__ import annotations

from prefect.settings import PREFECT_API_URL, temporary_settings
from typer.testing import CliRunner

from resync_flows.cli import app

runner = CliRunner()


def test_serve_without_a_prefect_server_explains_how_to_start_one() -> None:
    with temporary_settings({PREFECT_API_URL: None}):
        result = runner.invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "PREFECT_API_URL" in result.output
    assert "prefect server start" in result.output


def test_serve_rejects_an_unknown_deployment_and_lists_the_known_ones() -> None:
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:1/api"}):
        result = runner.invoke(app, ["serve", "--only", "poll-tws/nope"])
    assert result.exit_code == 2
    assert "poll-tws/nope" in result.output
    assert "poll-tws/poller" in result.output
    assert "incident-analysis/on-abend" in result.output


def test_serve_rejects_a_bad_metrics_host_name() -> None:
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:1/api"}):
        result = runner.invoke(app, ["serve", "--metrics-host", "bad host"])
    assert result.exit_code == 2
    assert "host name" in result.output
