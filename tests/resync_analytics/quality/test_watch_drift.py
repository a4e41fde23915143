"""The watch finds each injected change on its first night and stays quiet on stable weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from resync_analytics.quality import QualityWatch, WatchConfig, watch_quality
from resync_core.quality import ALL
from tests.resync_analytics.quality.simulated import Change, simulate

FIRST = date(2026, 1, 5)
CONFIG = WatchConfig()
# Baseline weeks, then eight more nights: enough history for every reported week.
NIGHTS = 7 * (CONFIG.weeks + 1) + 8
CHANGE_NIGHT = FIRST + timedelta(days=NIGHTS - 3)


def _watch(night: date, verdicts: float = 25.0, **change: object) -> QualityWatch:
    inputs = simulate(
        FIRST,
        NIGHTS,
        seed=7,
        change=Change(night=CHANGE_NIGHT, **change),  # type: ignore[arg-type]
        verdicts_per_night=verdicts,
    )
    return watch_quality(night, inputs, CONFIG)


def _degraded(watch: QualityWatch) -> set[tuple[str, str]]:
    return {(f.measure, f.scope) for f in watch.degraded}


def test_stable_weeks_raise_no_alarm() -> None:
    watch = _watch(CHANGE_NIGHT)  # no change requested: nothing differs
    assert _degraded(watch) == set()
    tested = [f for f in watch.tonight if f.p_value is not None]
    assert {f.measure for f in tested} >= {
        "unknown_family",
        "new_template",
        "new_job",
        "wrong_diagnosis",
        "risk_brier",
        "forecast_coverage",
        "category_mix",
        "verdict_mix",
    }


def test_format_change_of_one_application_is_found_the_first_night() -> None:
    before = _watch(CHANGE_NIGHT - timedelta(days=1), format_of="APP3")
    assert _degraded(before) == set()
    watch = _watch(CHANGE_NIGHT, format_of="APP3")
    found = {f.measure: f for f in watch.degraded}
    assert {"unknown_family", "new_template"} <= set(found)
    for measure in ("unknown_family", "new_template"):
        figure = found[measure]
        assert figure.value is not None and figure.usual_high is not None
        assert figure.value > figure.usual_high
        assert figure.drivers[0] == "workstation APP3"
        jobs = [d for d in figure.drivers if "#" in d]
        # Chance names a job elsewhere now and then; the changed application's jobs lead.
        assert jobs[0].startswith("APP3#")
        assert sum(d.startswith("APP3#") for d in jobs) > len(jobs) / 2
    # The category mix moves towards unknown, and the watch names it.
    assert "unknown" in found["category_mix"].drivers


def test_calibration_drift_of_one_category_is_found_the_first_night() -> None:
    # A category needs a handful of verdicts in one night to be judged on it: a busy shop.
    before = _watch(CHANGE_NIGHT - timedelta(days=1), 80.0, wrong_category="disk_full")
    assert _degraded(before) == set()
    watch = _watch(CHANGE_NIGHT, 80.0, wrong_category="disk_full")
    assert ("wrong_diagnosis", "disk_full") in _degraded(watch)
    others = {s for m, s in _degraded(watch) if m == "wrong_diagnosis"} - {"disk_full", ALL}
    assert others == set()
    overall = next(f for f in watch.tonight if f.measure == "wrong_diagnosis" and f.scope == ALL)
    if overall.degraded:
        assert overall.drivers[0] == "disk_full"


def test_verdict_drift_is_found_the_first_night() -> None:
    watch = _watch(CHANGE_NIGHT, verdicts_not_helpful=True)
    assert ("verdict_mix", ALL) in _degraded(watch)
    figure = next(f for f in watch.degraded if f.measure == "verdict_mix")
    assert figure.drivers[0] == "not_helpful"
    # not_helpful does not judge the diagnosis: the analyser's calibration did not drift.
    assert not any(m == "wrong_diagnosis" for m, _ in _degraded(watch))


@pytest.mark.parametrize(
    ("change", "measure"),
    [({"risk_blind": True}, "risk_brier"), ({"coverage_drop": True}, "forecast_coverage")],
)
def test_prediction_drift_of_risks_and_forecasts_is_found(
    change: dict[str, bool], measure: str
) -> None:
    assert _degraded(_watch(CHANGE_NIGHT - timedelta(days=1), **change)) == set()
    assert (measure, ALL) in _degraded(_watch(CHANGE_NIGHT, **change))


def test_false_alarm_rate_over_many_stable_weeks_is_low() -> None:
    # 10 shops x 2 weeks of nights, each against its own four weeks before.
    watched = alarms = 0
    nights = 7 * (CONFIG.baseline_weeks + 2)
    config = WatchConfig(weeks=1)
    for seed in range(10):
        inputs = simulate(FIRST, nights, seed=100 + seed)
        for offset in range(7 * CONFIG.baseline_weeks, nights):
            watch = watch_quality(FIRST + timedelta(days=offset), inputs, config)
            watched += 1
            alarms += bool(watch.degraded)
    assert watched == 140
    # About 20 tests a night at alpha 0.001 with effect floors: expect ~0; allow 2 %.
    assert alarms / watched <= 0.02


def test_small_nights_are_not_tested() -> None:
    inputs = simulate(FIRST, NIGHTS, seed=3, failures_per_night=1.0, verdicts_per_night=1.0)
    watch = watch_quality(CHANGE_NIGHT, inputs, CONFIG)
    unknown = next(f for f in watch.tonight if f.measure == "unknown_family")
    assert unknown.count < CONFIG.min_count
    assert unknown.p_value is None and not unknown.degraded
    assert "not_tested" in unknown.details


def test_weekly_figures_cover_every_reported_week() -> None:
    watch = _watch(CHANGE_NIGHT)
    starts = CONFIG.week_starts(CHANGE_NIGHT)
    assert len(starts) == CONFIG.weeks and all(s.weekday() == 0 for s in starts)
    assert starts[-1] <= CHANGE_NIGHT < starts[-1] + timedelta(days=7)
    for measure in ("unknown_family", "calibration_ece", "risk_brier", "forecast_coverage"):
        weekly = [f for f in watch.figures if f.period == "week" and f.measure == measure]
        assert sorted({f.period_start for f in weekly}) == starts
        assert all(f.value is not None and f.count > 0 for f in weekly if f.scope == ALL)


def test_templates_known_from_before_the_window_are_not_new() -> None:
    from dataclasses import replace

    inputs = simulate(FIRST, NIGHTS, seed=7)
    first = CONFIG.history_start(CHANGE_NIGHT)
    late = [f for f in inputs.failures if f.ended_at.date() >= first + timedelta(days=7)]
    known = frozenset(f.error_pattern for f in inputs.failures if f.error_pattern)
    cold = watch_quality(CHANGE_NIGHT, replace(inputs, failures=late), CONFIG)
    warm = watch_quality(
        CHANGE_NIGHT, replace(inputs, failures=late, known_templates=known), CONFIG
    )

    def first_week(watch: QualityWatch) -> float:
        week = CONFIG.week_starts(CHANGE_NIGHT)[1]
        figure = next(
            f
            for f in watch.figures
            if f.period == "week" and f.measure == "new_template" and f.period_start == week
        )
        assert figure.value is not None
        return figure.value

    # Without what came before, the first week of the window looks largely new.
    assert first_week(cold) > 0.2 and first_week(warm) == 0.0
    # Failures given from before the window teach the templates seen as well.
    assert first > FIRST  # the simulated failures start before the window
    opening = CONFIG.week_starts(CHANGE_NIGHT)[0]
    given = watch_quality(CHANGE_NIGHT, inputs, CONFIG)
    share = next(
        f.value
        for f in given.figures
        if f.period == "week" and f.measure == "new_template" and f.period_start == opening
    )
    assert share is not None and share < 0.1
