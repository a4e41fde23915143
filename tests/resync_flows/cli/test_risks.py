"""``resync-flows risks``: score a plan day, show the riskiest jobs with their reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from resync_clients.postgres.job_runs import upsert_job_runs
from resync_core.job_runs import JobRunRecord
from resync_flows.cli import app
from tests.job_runs import job_run

runner = CliRunner()
PLAN_DAY = datetime(2026, 3, 2, tzinfo=UTC)


def nightly(job: str, day: int, failed: bool) -> JobRunRecord:
    return job_run(
        job,
        PLAN_DAY - timedelta(days=day) + timedelta(hours=2),
        seconds=300.0 + 7 * (day % 5),
        run_id=f"{job}-{day}",
        failed=failed,
        start_delay=timedelta(minutes=1),
        deadline_after=timedelta(hours=3),
    )


def test_show_before_any_scoring_says_what_to_run(database_url, store) -> None:
    result = runner.invoke(app, ["risks", "show", "--database-url", database_url])
    assert result.exit_code == 1
    assert "risks score" in result.output


def test_a_bad_plan_day_is_refused(database_url, store) -> None:
    result = runner.invoke(app, ["risks", "show", "--plan-day", "tonight"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_score_then_show_puts_the_failing_job_first_with_its_reasons(
    flow_settings, database_url, store
) -> None:
    runs = [
        nightly(job, day, failed=job == "FLAKY" and day % 4 == 1)
        for day in range(1, 29)
        for job in ["FLAKY", *(f"STEADY{n:02d}" for n in range(30))]
    ]
    with store.connection() as conn:
        upsert_job_runs(conn, runs)
        conn.commit()

    scored = runner.invoke(
        app, ["risks", "score", "--plan-day", "2026-03-02", "--limit", "3", "--json"]
    )
    assert scored.exit_code == 0, scored.output
    lines = [json.loads(line) for line in scored.output.splitlines() if line.startswith("{")]
    assert lines[0]["job_key"] == "FTA01#NIGHTLY.FLAKY"
    assert lines[0]["plan_day"] == "2026-03-02"
    assert lines[0]["failure_probability"] > 0.1
    assert any(reason.startswith("failed 7 of its last 28 runs") for reason in lines[0]["reasons"])
    assert any('conman "rr FTA01#NIGHTLY.FLAKY;noask"' in a for a in lines[0]["actions"])

    shown = runner.invoke(app, ["risks", "show", "--database-url", database_url])
    assert shown.exit_code == 0
    assert "plan of 2026-03-02" in shown.output and "FLAKY" in shown.output
