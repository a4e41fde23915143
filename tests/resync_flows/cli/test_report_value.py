"""``resync-flows report value``: time to resolution from the stored history (real
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from resync_flows.cli import app
from tests.flows.quality_shop import seed_shop

runner = CliRunner()


def test_value_reports_hours_to_rerun_and_verdict_per_week_and_learned_split(
    store, database_url: str
) -> None:
    today = datetime.now(UTC).date()
    with store.connection() as conn:
        seed_shop(conn, today - timedelta(days=20), 14, changed=None)
    result = runner.invoke(
        app, ["report", "value", "--weeks", "4", "--json", "--database-url", database_url]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    overall = [r for r in rows if r["category"] == "*" and r["learned"] == "all"]
    assert len(overall) == 4  # every week is listed, with or without incidents
    busy = [r for r in overall if r["incidents"]]
    assert busy and sum(r["incidents"] for r in busy) == sum(
        r["incidents"] for r in rows if r["category"] != "*" and r["learned"] == "all"
    )
    # The shop reruns each failure 70 minutes after it ends; verdicts come 2 hours after.
    assert all(abs(r["median_hours_to_rerun"] - 70 / 60) < 1e-6 for r in busy)
    assert all(abs(r["median_hours_to_verdict"] - 2.0) < 1e-6 for r in busy)
    for week in busy:
        split = [
            r
            for r in rows
            if r["week_start"] == week["week_start"]
            and r["category"] == "*"
            and r["learned"] != "all"
        ]
        assert sum(r["incidents"] for r in split) == week["incidents"]
        assert {r["learned"] for r in split} == {"learned", "not learned"}

    table = runner.invoke(
        app,
        ["report", "value", "--weeks", "2", "--database-url", database_url],
        env={"COLUMNS": "200"},
    )
    assert table.exit_code == 0, table.output
    assert "Time to resolution" in table.output and "all categories" in table.output


def test_value_refuses_a_week_count_out_of_range(database_url: str) -> None:
    result = runner.invoke(app, ["report", "value", "--weeks", "0", "--database-url", database_url])
    assert result.exit_code == 2
