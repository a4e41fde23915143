"""Scoring the jobs of tonight's plan, with the schedule and deadlines the plan states."""

from datetime import timedelta

from resync_analytics.maintenance import PlannedJob, score_tonight
from tests.resync_analytics.maintenance.builders import (
    TONIGHT,
    history,
    nightly_runs,
    noisy,
    quiet_shop,
)


def test_only_planned_jobs_with_history_are_scored_with_tonights_deadline():
    frame = history(
        quiet_shop(),
        nightly_runs("LOAD", seconds=noisy(3600.0, 0.1, 41), deadline_after=4 * 3600.0),
    )
    sched = TONIGHT + timedelta(hours=1)
    planned = [
        # Tonight's plan moved LOAD's deadline to 50 minutes after its schedule.
        PlannedJob("FTA01#NIGHTLY.LOAD", sched, sched + timedelta(minutes=50)),
        PlannedJob("FTA01#NIGHTLY.QUIET000", sched, None),
        PlannedJob("FTA01#NIGHTLY.BRAND_NEW", sched, sched + timedelta(hours=1)),
    ]
    risks = {r.job_key: r for r in score_tonight(frame, TONIGHT, planned=planned)}

    assert set(risks) == {"FTA01#NIGHTLY.LOAD", "FTA01#NIGHTLY.QUIET000"}
    load = risks["FTA01#NIGHTLY.LOAD"]
    assert load.late_probability > 0.9  # an hour's work in 49 minutes
    late = next(r for r in load.reasons if r.kind == "late_risk")
    assert "01:50 UTC deadline" in late.text

    # Without the plan, the history's roomy deadline holds and every active job is scored.
    unplanned = {r.job_key: r for r in score_tonight(frame, TONIGHT)}
    assert unplanned["FTA01#NIGHTLY.LOAD"].late_probability < 0.01
    assert len(unplanned) == 61
