"""Auto-learning end to end: operators' feedback changes the next incident (real parts:
simulator, poller, PostgreSQL, Prefect API)."""

from __future__ import annotations

import asyncio

from flows.learning import LearningParameters, learn_from_feedback
from flows.poller import poll_tws
from resync_clients.postgres.incidents import record_feedback
from tasks.learning_report import LEARNING_REPORT_KEY
from tests.flows.test_incident_flow import (
    STABLE_TEMPLATE,
    analyse,
    distinct_job_names,
    inject_and_poll,
    read_artifact_markdown,
    rows,
    scalar,
)

SECRET = "Sup3rS3cretPw"


def first_incident_with_feedback(sim, store, name: str, **feedback: object):
    (run_id,) = inject_and_poll(sim, template_id=STABLE_TEMPLATE, job_names=[name])
    outcome = analyse(run_id)
    with store.connection() as conn:
        record_feedback(conn, outcome.incident_id, resolve=True, **feedback)
    sim.advance(600)
    return outcome


def learned_steps_of(store, incident_id: int) -> list[str] | None:
    found = rows(
        store,
        "SELECT steps FROM recommendations WHERE incident_id = %s AND source = 'learned'",
        incident_id,
    )
    return found[0]["steps"] if found else None


def add_judged_incidents(store, category: str, claimed: float, right: int, wrong: int) -> None:
    """Earlier incidents of ``category`` claimed at ``claimed``, judged by operators."""
    with store.connection() as conn:
        for index in range(right + wrong):
            incident = conn.execute(
                "INSERT INTO incidents (fingerprint, category, root_cause, confidence, status)"
                " VALUES (%s, %s, 'an earlier failure', %s, 'resolved') RETURNING id",
                (f"past:{category}:{index}", category, claimed),
            ).fetchone()
            verdict = "correct" if index < right else "wrong"
            record_feedback(conn, incident["id"], verdict=verdict, operator="ops")


def test_resolution_that_worked_is_the_first_step_of_the_next_incident(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    (name,) = distinct_job_names(poller_simulator, 1, skip=80)
    resolution = f"Granted SELECT to the batch user (sqlplus admin/{SECRET}@DWHPRD)"
    first = first_incident_with_feedback(
        poller_simulator, store, name, verdict="fixed", resolution=resolution, operator="anna"
    )
    assert learned_steps_of(store, first.incident_id) is None  # nothing to learn from then

    (second_run,) = inject_and_poll(poller_simulator, template_id=STABLE_TEMPLATE, job_names=[name])
    second = analyse(second_run)
    again = analyse(second_run)

    assert second.incident_id != first.incident_id and again.incident_id == second.incident_id
    steps = learned_steps_of(store, second.incident_id)
    assert steps is not None
    assert steps[0].startswith("What fixed this before (worked 1 of 1 times, last on ")
    assert steps[0].endswith(
        "by anna): Granted SELECT to the batch user (sqlplus admin/***@DWHPRD)"
    )
    deterministic = rows(
        store,
        "SELECT steps FROM recommendations WHERE incident_id = %s AND source = 'deterministic'",
        second.incident_id,
    )[0]["steps"]
    assert steps[1:] == deterministic  # the analyser's steps follow, unchanged
    # Re-running the same run added nothing.
    assert (
        scalar(
            store, "SELECT count(*) FROM recommendations WHERE incident_id = %s", second.incident_id
        )
        == 2
    )
    markdown = read_artifact_markdown(second.report_key)
    what_to_do = markdown.split("## What to do", 1)[1].split("##", 1)[0]
    assert "1. What fixed this before (worked 1 of 1 times" in what_to_do
    assert SECRET not in markdown
    assert SECRET not in str(rows(store, "SELECT steps FROM recommendations"))


def test_resolution_called_wrong_is_not_promoted(poller_settings, poller_simulator, store):
    asyncio.run(poll_tws(full=True))
    (name,) = distinct_job_names(poller_simulator, 1, skip=85)
    first_incident_with_feedback(
        poller_simulator,
        store,
        name,
        verdict="wrong",
        resolution="Rebuilt the index on DWH.FACT_SALES",
        operator="bo",
    )

    (second_run,) = inject_and_poll(poller_simulator, template_id=STABLE_TEMPLATE, job_names=[name])
    second = analyse(second_run)

    steps = learned_steps_of(store, second.incident_id)
    assert steps is not None  # flagged, so operators see what not to try first
    assert not any(step.startswith("What fixed") for step in steps)
    assert steps[-1].startswith("Tried before without success (did not work 1 of 1 times)")
    assert steps[-1].endswith("Rebuilt the index on DWH.FACT_SALES")


def test_verdicts_on_a_learned_step_without_text_count_for_and_against_it(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    (name,) = distinct_job_names(poller_simulator, 1, skip=90)
    resolution = "Restarted the listener on dwhdb01 (lsnrctl start)"
    first_incident_with_feedback(
        poller_simulator, store, name, verdict="fixed", resolution=resolution, operator="anna"
    )

    def next_incident():
        (run_id,) = inject_and_poll(poller_simulator, template_id=STABLE_TEMPLATE, job_names=[name])
        return analyse(run_id)

    # Shown first; the operator follows it, it does not help, they say so without text.
    second = next_incident()
    assert learned_steps_of(store, second.incident_id)[0].startswith("What fixed this before")
    with store.connection() as conn:
        record_feedback(conn, second.incident_id, verdict="not_helpful", resolve=True)
    poller_simulator.advance(600)

    # Worked once, then did not (the newer verdict weighs a little more): no longer
    # recommended first; shown last, with its record, as what not to try first.
    third = next_incident()
    steps = learned_steps_of(store, third.incident_id) or []
    assert not any(step.startswith("What fixed") for step in steps)
    assert steps[-1] == (
        f"Tried before without success (did not work 1 of 2 times), not a first choice: "
        f"{resolution}"
    )


def test_learning_flow_calibrates_the_next_incident_and_reruns_change_nothing(
    poller_settings, poller_simulator, store
):
    asyncio.run(poll_tws(full=True))
    (name,) = distinct_job_names(poller_simulator, 1, skip=90)
    (run_id,) = inject_and_poll(poller_simulator, template_id=STABLE_TEMPLATE, job_names=[name])
    category = poller_simulator.engine.ground_truth(run_id).category
    # Operators found this category's diagnoses right only half the time at a claim of 0.9.
    add_judged_incidents(store, category, 0.9, right=40, wrong=40)
    add_judged_incidents(store, "disk_full", 0.8, right=16, wrong=4)

    first = learn_from_feedback(LearningParameters())
    fitted = rows(store, "SELECT * FROM calibration ORDER BY category")
    second = learn_from_feedback(LearningParameters())

    assert first.verdicts == 100 and first.categories == 2 and first.rows_changed == 3
    assert second.rows_changed == 0
    assert rows(store, "SELECT * FROM calibration ORDER BY category") == fitted
    assert {row["category"] for row in fitted} == {"*", category, "disk_full"}
    markdown = read_artifact_markdown(LEARNING_REPORT_KEY)
    assert f"| {category} | 80 | 50% | 0.90 |" in markdown
    assert "Brier before → after" in markdown

    outcome = analyse(run_id)

    (calibrated,) = rows(
        store, "SELECT * FROM incident_calibrations WHERE incident_id = %s", outcome.incident_id
    )
    claimed = calibrated["claimed_confidence"]
    assert calibrated["verdicts"] == 80
    assert outcome.confidence == calibrated["calibrated_confidence"] < claimed - 0.1
    assert (
        scalar(store, "SELECT confidence FROM incidents WHERE id = %s", outcome.incident_id)
        == outcome.confidence
    )
    report = read_artifact_markdown(outcome.report_key)
    assert f"{round(outcome.confidence * 100)}%" in report
    assert (
        f"claimed {claimed:.2f} → {outcome.confidence:.2f} after 80 operator verdict(s)" in report
    )

    # Analysing the run again neither calibrates twice nor changes the stored confidence.
    again = analyse(run_id)
    assert again.confidence == outcome.confidence
    assert scalar(store, "SELECT count(*) FROM incident_calibrations") == 1


def test_learning_flow_without_feedback_reports_and_stores_nothing(flow_settings, store):
    outcome = learn_from_feedback()
    assert (outcome.feedback, outcome.verdicts, outcome.rows_changed) == (0, 0, 0)
    assert scalar(store, "SELECT count(*) FROM calibration") == 0
    assert "No verdicts on diagnoses yet" in read_artifact_markdown(LEARNING_REPORT_KEY)


def test_learning_report_lists_resolutions_learned_with_secrets_masked(flow_settings, store):
    with store.connection() as conn:
        for verdict in ("fixed", "fixed", "helpful", "wrong"):
            # One resolved incident per occurrence of the same cause.
            incident = conn.execute(
                "INSERT INTO incidents (fingerprint, category, root_cause, confidence, status)"
                " VALUES ('network:dbprd01:1521', 'network', 'Listener down', 0.9, 'resolved')"
                " RETURNING id"
            ).fetchone()
            resolution = (
                f"lsnrctl start as oracle, then sqlplus sys/{SECRET}@DWHPRD to check"
                if verdict != "wrong"
                else "Rebooted the application server"
            )
            record_feedback(conn, incident["id"], verdict=verdict, resolution=resolution)

    outcome = learn_from_feedback()

    assert outcome.causes_with_resolutions == 1 and outcome.promoted_resolutions == 1
    markdown = read_artifact_markdown(LEARNING_REPORT_KEY)
    learned = markdown.split("## Resolutions learned", 1)[1]
    assert "network:dbprd01:1521" in learned
    assert "sqlplus sys/***@DWHPRD to check — worked 3 of 3 (recommended first)" in learned
    assert "Rebooted the application server — worked 0 of 1 (flagged: did not work)" in learned
    assert SECRET not in markdown
