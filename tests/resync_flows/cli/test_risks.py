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


# --- along the plan's dependency graph ---------------------------------------------------

EXTRACT, LOAD = "FTA01#NIGHTLY.EXTRACT", "FTA01#NIGHTLY.LOAD"
SAFE_END = PLAN_DAY + timedelta(hours=1, minutes=20)


def graph_document(late: float, graph: dict | None) -> dict:
    document = {
        "reasons": [{"kind": "late_risk", "text": "late along its path", "value": late}],
        "actions": ["watch EXTRACT"],
        "failure_probability": 0.01,
        "late_probability": late,
    }
    if graph is not None:
        document["plan_graph"] = graph
    return document


def store_graph_scores(store) -> None:
    from resync_clients.postgres.risk_scores import replace_risk_scores
    from resync_core.risk import RiskScore

    graph = {
        "late_probability": 0.6,
        "deadline": (PLAN_DAY + timedelta(hours=1, minutes=30)).isoformat(),
        "median_end": (PLAN_DAY + timedelta(hours=1, minutes=35)).isoformat(),
        "simulations": 400,
        "hot": [{"job_key": EXTRACT, "path_share": 0.97, "slack_seconds": -900.0, "state": "held"}],
    }
    with store.connection() as conn:
        replace_risk_scores(
            conn,
            PLAN_DAY.date(),
            [
                RiskScore(LOAD, 0.6, graph_document(0.6, graph), (EXTRACT, LOAD), SAFE_END),
                RiskScore("FTA01#NIGHTLY.PLAIN", 0.1, graph_document(0.1, None)),
            ],
        )
        conn.commit()


def test_show_json_states_the_critical_path_and_latest_safe_end(database_url, store) -> None:
    store_graph_scores(store)
    result = runner.invoke(app, ["risks", "show", "--json", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    rows = {row["job_key"]: row for row in map(json.loads, result.output.splitlines())}
    assert rows[LOAD]["critical_path"] == [EXTRACT, LOAD]
    assert datetime.fromisoformat(rows[LOAD]["latest_safe_end"]) == SAFE_END
    assert rows["FTA01#NIGHTLY.PLAIN"]["critical_path"] == []
    assert rows["FTA01#NIGHTLY.PLAIN"]["latest_safe_end"] is None
    # The contract's earlier fields are all still there.
    assert {"job_key", "plan_day", "score", "failure_probability", "late_probability"} <= set(
        rows[LOAD]
    )


def test_show_job_explains_its_path_and_what_drives_it(database_url, store) -> None:
    store_graph_scores(store)
    text = runner.invoke(app, ["risks", "show", "--job", LOAD, "--database-url", database_url])
    assert text.exit_code == 0, text.output
    assert f"critical path: {EXTRACT} → {LOAD}" in text.output
    assert "latest safe end 01:20 UTC" in text.output and "deadline 01:30 UTC" in text.output
    assert f"{EXTRACT}: on the path in 97% of simulations, slack 15m behind, held" in text.output

    as_json = runner.invoke(
        app, ["risks", "show", "--job", LOAD, "--json", "--database-url", database_url]
    )
    one = json.loads(as_json.output)
    assert one["hot"][0]["job_key"] == EXTRACT and one["critical_path"] == [EXTRACT, LOAD]

    plain = runner.invoke(
        app, ["risks", "show", "--job", "FTA01#NIGHTLY.PLAIN", "--database-url", database_url]
    )
    assert "no plan graph" in plain.output
    missing = runner.invoke(
        app, ["risks", "show", "--job", "FTA01#X.NOPE", "--database-url", database_url]
    )
    assert missing.exit_code == 1 and "no stored score for FTA01#X.NOPE" in missing.output


def store_chain(store) -> None:
    """EXTRACT (50 min from 00:00) then LOAD (10 min, deadline 01:30): 30 minutes of slack."""
    from resync_clients.postgres.plan_graph import write_plan_edges
    from resync_core.plan_graph import PlanEdge

    runs = []
    for day in range(0, 29):  # day 0: tonight's plan, as the poller would list it
        sched = PLAN_DAY - timedelta(days=day)
        runs.append(job_run("EXTRACT", sched, seconds=3000.0, run_id=f"e{day}"))
        runs.append(
            job_run(
                "LOAD",
                sched,
                seconds=600.0,
                run_id=f"l{day}",
                start_delay=timedelta(minutes=50),
                deadline_after=timedelta(hours=1, minutes=30),
            )
        )
    with store.connection() as conn:
        upsert_job_runs(conn, runs)
        edge = PlanEdge(PLAN_DAY.date(), EXTRACT, LOAD, "job", True)
        write_plan_edges(conn, PLAN_DAY.date(), [edge], PLAN_DAY)
        conn.commit()


def what_if(database_url: str, *args: str):
    return runner.invoke(
        app,
        ["risks", "what-if", *args, "--plan-day", "2026-03-02", "--database-url", database_url],
    )


def test_what_if_names_the_deadlines_missed_and_by_how_much(database_url, store) -> None:
    store_chain(store)
    delayed = what_if(database_url, "--delay", f"{EXTRACT}=1h", "--json", "--sims", "200")
    assert delayed.exit_code == 0, delayed.output
    outcome = json.loads(delayed.output)
    assert outcome["scenario"] == {
        "kind": "delay",
        "job_key": EXTRACT,
        "minutes": 60.0,
        "recovery_minutes": None,
    }
    assert [m["job_key"] for m in outcome["missed"]] == [LOAD]
    assert abs(outcome["missed"][0]["minutes_late"] - 30) < 3  # 60 min delay, 30 min slack
    assert outcome["missed"][0]["probability_before"] < 0.05

    within = what_if(database_url, "--delay", f"{EXTRACT}=15m", "--sims", "200")
    assert within.exit_code == 0 and "no deadline would be missed" in within.output

    hung = what_if(database_url, "--hang", EXTRACT, "--sims", "200")
    assert hung.exit_code == 0, hung.output
    assert f"{LOAD}  deadline 01:30 UTC: never ends" in hung.output

    failed = what_if(database_url, "--fail", EXTRACT, "--recovery", "0", "--json")
    # Rerun at once: 50 more minutes, 20 minutes past LOAD's deadline.
    assert abs(json.loads(failed.output)["missed"][0]["minutes_late"] - 20) < 3


def test_what_if_refuses_bad_requests_clearly(database_url, store) -> None:
    store_chain(store)
    assert what_if(database_url, "--delay", f"{EXTRACT}=soon").exit_code == 2
    assert what_if(database_url, "--hang", EXTRACT, "--fail", EXTRACT).exit_code == 2
    unknown = what_if(database_url, "--hang", "FTA01#X.NOPE")
    assert unknown.exit_code == 1 and "not in the plan" in unknown.output
    other_day = runner.invoke(
        app,
        [
            "risks",
            "what-if",
            "--hang",
            EXTRACT,
            "--plan-day",
            "2026-01-01",
            "--database-url",
            database_url,
        ],
    )
    assert other_day.exit_code == 1 and "no dependency graph stored" in other_day.output


def test_stuck_names_a_job_past_its_p99_and_the_deadline_it_delays(database_url, store) -> None:
    import dataclasses

    store_chain(store)
    # Tonight's EXTRACT started at midnight and has not ended: at 02:00 it has run 2h (50m
    # usually); LOAD waits for it.
    running = dataclasses.replace(
        job_run("EXTRACT", PLAN_DAY, seconds=1.0, run_id="e0"),
        status="EXEC",
        internal_status="EXEC",
        end_time=None,
        duration_seconds=None,
    )
    waiting = dataclasses.replace(
        job_run(
            "LOAD",
            PLAN_DAY,
            seconds=1.0,
            run_id="l0",
            deadline_after=timedelta(hours=1, minutes=30),
        ),
        status="HOLD",
        internal_status="HOLD",
        start_time=None,
        end_time=None,
        duration_seconds=None,
    )
    with store.connection() as conn:
        upsert_job_runs(conn, [running, waiting])
        conn.commit()
    args = ["risks", "stuck", "--plan-day", "2026-03-02", "--database-url", database_url]
    result = runner.invoke(app, [*args, "--at", "2026-03-02T02:00Z", "--json"])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.output.splitlines()]
    assert [job["job_key"] for job in found] == [EXTRACT]
    assert found[0]["elapsed_seconds"] == 7200.0
    assert 3000 < found[0]["p99_seconds"] < 3600  # 50 minutes and a narrow spread
    assert found[0]["beyond_seconds"] == round(7200.0 - found[0]["p99_seconds"], 1)
    assert [d["job_key"] for d in found[0]["delays"]] == [LOAD]
    # LOAD cannot start before EXTRACT ends (after 02:00): its 01:30 deadline is gone.
    assert found[0]["delays"][0]["probability_before"] == 1.0

    early = runner.invoke(app, [*args, "--at", "2026-03-02T00:30Z"])
    assert early.exit_code == 0 and "no running job is past its p99" in early.output
    text = runner.invoke(app, [*args, "--at", "2026-03-02T02:00Z"])
    assert f"{EXTRACT}: running 2h00m" in text.output and f"delays {LOAD}" in text.output


def test_what_if_worst_ranks_tonights_single_points_of_failure(database_url, store) -> None:
    store_chain(store)
    result = what_if(database_url, "--worst", "--recovery", "0", "--json", "--sims", "200")
    assert result.exit_code == 0, result.output
    worst = json.loads(result.output)["single_points_of_failure"]
    # A failure of EXTRACT (rerun: +50 min) costs LOAD 20 minutes; a failure of LOAD itself
    # (rerun: +10 min) fits in its 30 minutes of slack, so it is no point of failure.
    assert [one["job_key"] for one in worst] == [EXTRACT]
    assert [m["job_key"] for m in worst[0]["missed"]] == [LOAD]
    assert abs(worst[0]["expected_minutes_lost"] - 20) < 3
    assert what_if(database_url, "--worst", "--hang", EXTRACT).exit_code == 2
