"""Late risk: runtime against the room its deadline leaves."""

import itertools

import pytest

from resync_analytics.maintenance import score_tonight
from resync_analytics.maintenance.history import epoch_seconds
from resync_analytics.maintenance.lateness import LatenessConfig, estimate_late_risk
from resync_analytics.maintenance.runtimes import estimate_runtimes
from tests.resync_analytics.maintenance.builders import (
    TONIGHT,
    history,
    nightly_runs,
    noisy,
    quiet_shop,
)

AS_OF = epoch_seconds(TONIGHT)


def late_of(frame, job: str):
    code = list(frame["job_key"].cat.categories).index(f"FTA01#NIGHTLY.{job}")
    runtimes = estimate_runtimes(frame, AS_OF)
    return estimate_late_risk(frame, runtimes, AS_OF).iloc[code]


def test_probability_follows_the_slack_left_by_the_deadline():
    runtime = noisy(3600.0, 0.2, 21)
    frame = history(
        quiet_shop(),
        # Deadline 1h05 after the schedule, start 1 min after: about half the nights late.
        nightly_runs("TIGHT", seconds=runtime, deadline_after=3900.0),
        nightly_runs("ROOMY", seconds=runtime, deadline_after=4 * 3600.0),
        nightly_runs("NONE", seconds=runtime),
    )
    tight, roomy, none = late_of(frame, "TIGHT"), late_of(frame, "ROOMY"), late_of(frame, "NONE")
    assert 0.25 < tight["late_probability"] < 0.75
    assert roomy["late_probability"] < 0.01
    assert none["late_probability"] == 0.0
    assert tight["late_nights"] > 0 and tight["deadline_nights"] == 28
    assert roomy["late_nights"] == 0


def test_a_growing_job_becomes_likely_late_before_it_ever_was():
    # 8% a week: 2h10 tonight against a 2h30 deadline; it was (almost) never late.
    noise = noisy(1.0, 0.1, 22)
    frame = history(
        quiet_shop(),
        nightly_runs(
            "GROW",
            seconds=lambda d: 7800.0 * 1.08 ** (-d / 7) * noise(d),
            deadline_after=9000.0,
        ),
    )
    grow = late_of(frame, "GROW")
    assert grow["late_nights"] <= 1
    assert grow["late_probability"] > 0.05
    assert grow["late_probability"] > 2 * grow["late_nights"] / grow["deadline_nights"]
    # The slack is what is left of 9000 s: a runtime 3% off moves it by a fifth.
    assert grow["slack_seconds"] == pytest.approx(9000.0 - 60.0 - 7800.0, rel=0.25)


def test_a_start_after_the_deadline_is_certainly_late():
    frame = history(
        quiet_shop(),
        nightly_runs("BLOCKED", start_delay=7200.0, deadline_after=3600.0),
    )
    assert late_of(frame, "BLOCKED")["late_probability"] == pytest.approx(1.0)


def sometimes_hung(seed: int):
    """A 10-minute job that hangs at 30x its usual time one night in 40."""
    base = noisy(600.0, 0.1, seed)
    return lambda d: base(d) * (30.0 if (d + seed) % 40 == 0 else 1.0)


def test_the_shops_hung_runs_give_a_roomy_job_a_small_but_real_late_risk():
    # Across the shop one run in 40 hangs at 30x its usual time; ROOMY has 3x its runtime
    # of slack, which no ordinary night uses up but a hang does.
    shop = [
        row
        for n in range(60)
        for row in nightly_runs(f"JOB{n:02d}", seconds=sometimes_hung(300 + n), days=28)
    ]
    frame = history(
        shop, nightly_runs("ROOMY", seconds=noisy(600.0, 0.1, 31), deadline_after=1860.0)
    )
    roomy = late_of(frame, "ROOMY")
    assert roomy["late_nights"] == 0
    # About the shop's hang rate (1 in 40 nights, ~0.025 after the hangs' own spread).
    assert 0.01 < roomy["late_probability"] < 0.05


def test_a_job_deep_in_its_stream_is_exposed_to_every_hang_before_it():
    # Six 10-minute jobs in a chain, each with the same 20 minutes of slack: their own
    # risk is the same, but each hang before a job in its stream can make it late too.
    shop = [
        row
        for n in range(60)
        for row in nightly_runs(f"JOB{n:02d}", seconds=sometimes_hung(500 + n), stream="OTHER")
    ]
    chain = [
        row
        for step in range(6)
        for row in nightly_runs(
            f"STEP{step}",
            stream="CHAIN",
            seconds=noisy(600.0, 0.05, 40 + step),
            start_delay=60.0 + 660.0 * step,
            deadline_after=60.0 + 660.0 * step + 600.0 + 1200.0,
        )
    ]
    frame = history(shop, chain)
    keys = list(frame["job_key"].cat.categories)

    # The score says where the risk comes from.
    risks = {r.job_key: r for r in score_tonight(frame, TONIGHT)}
    (reason,) = risks["FTA01#CHAIN.STEP5"].reasons
    assert "5 jobs run before it in its stream" in reason.text
    risk = estimate_late_risk(frame, estimate_runtimes(frame, AS_OF), AS_OF)
    chance = [
        risk.iloc[keys.index(f"FTA01#CHAIN.STEP{step}")]["late_probability"] for step in range(6)
    ]
    assert all(later > earlier for earlier, later in itertools.pairwise(chance))
    assert chance[-1] > 3 * chance[0]


def test_a_start_delayed_by_a_hang_is_not_taken_for_a_usual_start():
    # Three nights ago a hang upstream made the job begin two hours late, and so finish
    # late; that night is no reason to expect tonight's start to be like it.
    delayed = nightly_runs("DELAYED_ONCE", start_delay=60.0, deadline_after=1800.0)
    delayed[2]["start_time"] = float(delayed[2]["start_time"]) + 7200.0
    delayed[2]["end_time"] = float(delayed[2]["end_time"]) + 7200.0
    frame = history(quiet_shop(), delayed)
    assert late_of(frame, "DELAYED_ONCE")["late_probability"] < 0.02
    assert late_of(frame, "DELAYED_ONCE")["jobs_before"] == 0  # alone in its stream's start


def test_a_job_whose_start_wanders_is_told_by_its_range_of_starts():
    # Its predecessors' runtimes vary: it starts 10 to 100 minutes after its schedule, and
    # its deadline falls inside that range; the start, not its 5 minutes, is the risk.
    wander = nightly_runs("WANDER", seconds=noisy(300.0, 0.05, 7), deadline_after=5400.0)
    for day, row in enumerate(wander):
        delay = 600.0 + (day * 37 % 10) * 600.0
        row["start_time"] = float(row["sched_time"]) + delay
        row["end_time"] = float(row["start_time"]) + float(row["duration_seconds"])
    frame = history(quiet_shop(), wander)
    risks = {r.job_key: r for r in score_tonight(frame, TONIGHT)}
    late = next(r for r in risks["FTA01#NIGHTLY.WANDER"].reasons if r.kind == "late_risk")
    assert "a start between 01:" in late.text and " lately" in late.text
    assert "usual start" not in late.text


def test_a_very_long_stream_counts_only_the_nearest_jobs_before_each():
    chain = [
        row
        for step in range(120)
        for row in nightly_runs(
            f"STEP{step:03d}",
            stream="LONG",
            days=7,
            seconds=noisy(60.0, 0.05, 600 + step),
            start_delay=60.0 + 70.0 * step,
            deadline_after=60.0 + 70.0 * step + 1800.0,
        )
    ]
    frame = history(quiet_shop(), chain)
    keys = list(frame["job_key"].cat.categories)
    config = LatenessConfig(max_jobs_before=40)
    risk = estimate_late_risk(frame, estimate_runtimes(frame, AS_OF), AS_OF, config)
    before = [
        risk.iloc[keys.index(f"FTA01#LONG.STEP{step:03d}")]["jobs_before"] for step in (0, 10, 119)
    ]
    assert before == [0, 10, 40]
