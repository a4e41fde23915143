"""The quality report names what degraded, shows each figure over the weeks and the time to
resolution, and masks what it prints."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from resync_analytics.quality import (
    QualityInputs,
    WatchConfig,
    render_quality_report,
    resolution_summaries,
    watch_quality,
)
from resync_core.quality import ResolutionTimes
from tests.resync_analytics.quality.simulated import Change, simulate

FIRST = date(2026, 1, 5)


def test_report_shows_degraded_measures_weeks_and_time_to_resolution() -> None:
    config = WatchConfig(weeks=3)
    nights = 7 * 6
    night = FIRST + timedelta(days=nights - 1)
    inputs = simulate(FIRST, nights, seed=5, change=Change(night=night, format_of="APP2"))
    markdown = render_quality_report(watch_quality(night, inputs, config))
    assert markdown.startswith(f"# Quality of resync-flows' answers — night of {night}")
    assert "measure(s) degraded" in markdown and "workstation APP2" in markdown
    assert "| unknown_family | * |" in markdown and "**degraded**" in markdown
    for measure in ("unknown_family", "calibration_ece", "risk_brier", "forecast_coverage"):
        assert f"### {measure}:" in markdown
    header = " | ".join(w.strftime("%m-%d") for w in config.week_starts(night))
    assert f"| Scope | {header} |" in markdown
    assert "## Time to resolution" in markdown and "| learned |" in markdown


def test_quiet_report_and_masked_scopes() -> None:
    night = FIRST + timedelta(days=40)
    abend = datetime(2026, 2, 13, 1, tzinfo=UTC)
    times = [
        ResolutionTimes(1, "password=hunter2", None, abend, abend + timedelta(hours=2), None, True)
    ]
    config = WatchConfig(weeks=2)
    markdown = render_quality_report(watch_quality(night, QualityInputs(resolutions=times), config))
    assert "No measure degraded tonight." in markdown
    assert "hunter2" not in markdown


def test_resolution_medians_split_by_learned_first_step() -> None:
    abend = datetime(2026, 2, 10, 1, tzinfo=UTC)  # a Tuesday
    times = [
        ResolutionTimes(1, "timeout", "A", abend, abend + timedelta(hours=1), None, True),
        ResolutionTimes(2, "timeout", "B", abend, abend + timedelta(hours=3), None, True),
        ResolutionTimes(3, "timeout", "C", abend, abend + timedelta(hours=8), abend, False),
        ResolutionTimes(4, "disk_full", "D", abend, None, abend + timedelta(hours=4), False),
    ]
    summaries = resolution_summaries(times, [date(2026, 2, 9)])
    found = {(s.category, s.learned): s for s in summaries}
    assert found[("timeout", "learned")].median_hours_to_rerun == 2.0
    assert found[("timeout", "not learned")].median_hours_to_rerun == 8.0
    assert found[("*", "all")].incidents == 4 and found[("*", "all")].rerun_ok == 3
    assert found[("*", "all")].median_hours_to_verdict == 2.0  # 0 h and 4 h
    assert found[("disk_full", "all")].median_hours_to_rerun is None
    assert ("disk_full", "learned") not in found
