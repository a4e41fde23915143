"""Runtime model: real trends found, outliers and weekday rhythm not mistaken for them."""

import math
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from resync_analytics.maintenance.history import epoch_seconds, is_month_end, run_history_frame
from resync_analytics.maintenance.runtimes import estimate_runtimes
from tests.resync_analytics.maintenance.builders import (
    TONIGHT,
    history,
    nightly_runs,
    noisy,
    quiet_shop,
)

AS_OF = epoch_seconds(TONIGHT)


def model_of(frame, job: str, as_of: float = AS_OF):
    code = list(frame["job_key"].cat.categories).index(f"FTA01#NIGHTLY.{job}")
    return estimate_runtimes(frame, as_of).jobs.iloc[code]


def test_a_job_growing_four_percent_a_week_is_measured_and_projected():
    # One draw of 5% noise moves a 28-night fit by a point or two either way; over several
    # draws the measured growth must centre on the true 4% (the last three nights are month
    # end, compared with the week before them, so they neither add nor hide growth).
    measured = []
    for seed in range(11, 19):
        base = noisy(1200.0, 0.05, seed)
        frame = history(
            quiet_shop(),
            nightly_runs("GROW", seconds=lambda d, base=base: base(d) * 1.04 ** (-d / 7)),
        )
        grow = model_of(frame, "GROW")
        measured.append(grow["weekly_growth"])
        assert grow["weekly_growth"] == pytest.approx(0.04, abs=0.02), seed
        # Tonight's median is the trend's value tonight, not the month's median.
        assert grow["predicted_seconds"] > grow["median_seconds"] * 1.03, seed
    assert sum(measured) / len(measured) == pytest.approx(0.04, abs=0.006)


def test_noise_and_one_stuck_run_make_no_trend():
    base = noisy(900.0, 0.25, 12)
    frame = history(
        quiet_shop(), nightly_runs("STUCK", seconds=lambda d: base(d) * (60 if d == 2 else 1))
    )
    stuck = model_of(frame, "STUCK")
    assert stuck["weekly_growth"] == 0.0
    assert stuck["predicted_seconds"] == pytest.approx(900.0, rel=0.25)


def test_the_latest_run_far_beyond_the_usual_gets_a_high_robust_z():
    base = noisy(900.0, 0.1, 13)
    frame = history(
        quiet_shop(), nightly_runs("HUNG", seconds=lambda d: base(d) * (20 if d == 1 else 1))
    )
    hung = model_of(frame, "HUNG")
    assert hung["last_z"] > 10
    assert hung["last_seconds"] == pytest.approx(base(1) * 20)


def test_weekday_rhythm_of_the_shop_shapes_tonights_prediction():
    # Every job runs 40% shorter on Saturdays; tonight (2026-03-07) is a Saturday.
    def weekend_light(median: float, seed: int):
        base = noisy(median, 0.05, seed)
        return lambda d: base(d) * (0.6 if (TONIGHT.weekday() - d) % 7 == 5 else 1.0)

    rows = []
    for n in range(30):
        rows += nightly_runs(f"JOB{n:02d}", seconds=weekend_light(600.0, 100 + n), days=35)
    frame = run_history_frame(pd.DataFrame(rows))
    saturday = AS_OF + 5 * 86_400
    monday = model_of(frame, "JOB00")
    sat = model_of(frame, "JOB00", saturday)
    assert sat["predicted_seconds"] == pytest.approx(0.6 * monday["predicted_seconds"], rel=0.1)


def test_month_end_nights_are_learned_per_job_and_applied_at_month_end():
    assert is_month_end(TONIGHT.date().replace(day=1))
    rows = []
    for n in range(20):
        rows += nightly_runs(f"JOB{n:02d}", seconds=noisy(600.0, 0.05, 200 + n), days=40)

    def closing(day: int) -> float:
        moment = TONIGHT.timestamp() - day * 86_400
        date = datetime.fromtimestamp(moment, UTC).date()
        return 600.0 * (2.5 if is_month_end(date) else 1.0)

    rows += nightly_runs("CLOSE", seconds=closing, days=40)
    frame = run_history_frame(pd.DataFrame(rows))
    # 2026-03-02 is not in the month-end window; 2026-03-30 is.
    ordinary = model_of(frame, "CLOSE")
    month_end = model_of(frame, "CLOSE", epoch_seconds(TONIGHT.replace(day=30)))
    assert ordinary["predicted_seconds"] == pytest.approx(600.0, rel=0.1)
    assert bool(month_end["month_end_tonight"])
    # Shrunk toward no effect, but most of the 2.5x is there.
    assert 1.6 < month_end["predicted_seconds"] / 600.0 < 2.6
    assert math.isfinite(month_end["month_end_factor"])


def test_a_job_without_successful_runs_has_no_runtime_model():
    frame = history(quiet_shop(), nightly_runs("BROKEN", failed_days=set(range(1, 29))))
    broken = model_of(frame, "BROKEN")
    assert broken["successes"] == 0
    assert np.isnan(broken["predicted_seconds"])


def test_a_job_new_to_a_closing_stream_is_expected_to_run_long_at_month_end_like_it():
    def closing(median: float, seed: int):
        base = noisy(median, 0.05, seed)

        def seconds(day: int) -> float:
            moment = TONIGHT.timestamp() - day * 86_400
            date = datetime.fromtimestamp(moment, UTC).date()
            return base(day) * (2.5 if is_month_end(date) else 1.0)

        return seconds

    rows = quiet_shop()
    for n in range(8):
        rows += nightly_runs(
            f"CLOSE{n}", stream="CLOSING", seconds=closing(600.0, 300 + n), days=40
        )
    # Added to the stream two weeks ago: it has never run at a month end.
    rows += nightly_runs("NEWCOMER", stream="CLOSING", seconds=closing(300.0, 320), days=14)
    frame = run_history_frame(pd.DataFrame(rows))
    keys = list(frame["job_key"].cat.categories)
    month_end = estimate_runtimes(frame, epoch_seconds(TONIGHT.replace(day=30))).jobs
    newcomer = month_end.iloc[keys.index("FTA01#CLOSING.NEWCOMER")]
    regular = month_end.iloc[keys.index("FTA01#CLOSING.CLOSE0")]
    assert 2.0 < newcomer["predicted_seconds"] / 300.0 < 2.8
    # With its stream behind it, a regular's own month ends are hardly shrunk.
    assert 2.1 < regular["predicted_seconds"] / 600.0 < 2.8
