"""Failure probabilities: shrunk toward the neighbours, weighted to the recent past."""

from resync_analytics.maintenance.failures import estimate_failure_risk
from resync_analytics.maintenance.history import epoch_seconds
from tests.resync_analytics.maintenance.builders import TONIGHT, history, nightly_runs, quiet_shop

AS_OF = epoch_seconds(TONIGHT)


def risk_of(frame, job: str):
    code = list(frame["job_key"].cat.categories).index(f"FTA01#NIGHTLY.{job}")
    return estimate_failure_risk(frame, AS_OF).iloc[code]


def test_a_job_that_keeps_failing_outranks_one_that_never_does():
    frame = history(
        quiet_shop(),
        nightly_runs("FLAKY", failed_days={2, 6, 11, 15, 20, 24}),
        nightly_runs("ONCE", failed_days={20}),
    )
    flaky, once, quiet = risk_of(frame, "FLAKY"), risk_of(frame, "ONCE"), risk_of(frame, "QUIET000")
    assert flaky["failures"] == 6 and flaky["runs"] == 28
    assert flaky["probability"] > once["probability"] > quiet["probability"]
    # Shrunk: below the raw 6/28, well above the shop's rate.
    assert quiet["shop_rate"] < flaky["probability"] < 6 / 28


def test_recent_failures_weigh_more_than_old_ones():
    frame = history(
        quiet_shop(),
        nightly_runs("RECENT", failed_days={1, 2, 3}),
        nightly_runs("OLD", failed_days={26, 27, 28}),
    )
    assert risk_of(frame, "RECENT")["probability"] > 2 * risk_of(frame, "OLD")["probability"]


def test_a_burst_of_failures_in_the_last_week_is_flagged_as_rising():
    frame = history(
        quiet_shop(),
        nightly_runs("BURST", failed_days={1, 2, 4, 5}),
        nightly_runs("STEADY", failed_days={3, 10, 17, 24}),
    )
    burst, steady = risk_of(frame, "BURST"), risk_of(frame, "STEADY")
    assert bool(burst["rising"]) and burst["rising_pvalue"] < 0.01
    assert not bool(steady["rising"])


def test_the_most_frequent_error_pattern_is_named():
    frame = history(
        quiet_shop(),
        nightly_runs("ORA", failed_days={3, 9, 14}, pattern="p-ora-54"),
    )
    ora = risk_of(frame, "ORA")
    assert ora["top_pattern"] == "p-ora-54" and ora["top_pattern_count"] == 3


def test_runs_scheduled_after_the_scoring_instant_are_ignored():
    rows = nightly_runs("LATER", failed_days={1})
    for row in rows:
        row["sched_time"] = float(row["sched_time"]) + 30 * 86_400  # all in the future
    frame = history(quiet_shop(), rows)
    assert risk_of(frame, "LATER")["runs"] == 0
