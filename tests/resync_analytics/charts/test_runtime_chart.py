import numpy as np
import pandas as pd
import pytest

from resync_analytics.charts import ChartError, JobRun, runs_of_job, runtime_chart, runtime_figure
from tests.resync_analytics.charts.pngs import by_gid, legend_labels, png_size
from tests.resync_analytics.maintenance.builders import TONIGHT, history, nightly_runs

JOB = "FTA01#NIGHTLY.LOAD"


def growing_job(deadline_after: float | None = 3000.0) -> pd.DataFrame:
    return history(
        nightly_runs(
            "LOAD",
            days=30,
            seconds=lambda day: 1800.0 + 30.0 * (30 - day),
            failed_days={4, 11},
            deadline_after=deadline_after,
        ),
        nightly_runs("OTHER", days=30),
    )


def test_runs_of_job_reads_one_job_oldest_first_with_its_deadline_budget():
    runs = runs_of_job(growing_job(), JOB)
    assert len(runs) == 30
    assert [r.scheduled for r in runs] == sorted(r.scheduled for r in runs)
    assert runs[-1].runtime_seconds == 1800.0 + 30.0 * 29  # last night is day 1
    # Started 60 s after its schedule with the deadline 3000 s after it.
    assert {r.budget_seconds for r in runs} == {2940.0}
    assert sum(r.failed for r in runs) == 2
    assert runs_of_job(growing_job(deadline_after=None), JOB)[0].budget_seconds is None
    assert runs_of_job(growing_job(), "FTA01#NIGHTLY.NOPE") == []


def test_p50_p90_lines_are_the_successful_runs_percentiles_in_minutes():
    runs = runs_of_job(growing_job(), JOB)
    figure = runtime_figure(runs, title="t")
    ok = [r.runtime_seconds for r in runs if not r.failed]
    (p50,) = by_gid(figure, "p50")
    (p90,) = by_gid(figure, "p90")
    assert p50.get_ydata()[0] == pytest.approx(np.percentile(ok, 50) / 60)
    assert p90.get_ydata()[0] == pytest.approx(np.percentile(ok, 90) / 60)
    assert figure.axes[0].get_ylabel() == "runtime (min)"
    (failed,) = by_gid(figure, "failed")
    assert len(failed.get_xdata()) == 2


def test_deadline_line_names_the_least_slack_and_late_nights_are_shaded():
    runs = runs_of_job(growing_job(deadline_after=2700.0), JOB)
    late = [r for r in runs if r.runtime_seconds > r.budget_seconds]
    assert 0 < len(late) < len(runs)
    figure = runtime_figure(runs, title="t")
    (budget,) = by_gid(figure, "budget")
    assert list(budget.get_ydata()) == [r.budget_seconds / 60 for r in runs]
    worst = max(r.runtime_seconds - r.budget_seconds for r in runs) / 60
    assert f"time to deadline at start (late by up to {worst:.3g} min)" in legend_labels(figure)
    assert len(by_gid(figure, "late")) == 1
    # The budget line is inside the chart.
    assert figure.axes[0].get_ylim()[1] >= max(r.budget_seconds for r in runs) / 60

    relaxed_runs = runs_of_job(growing_job(deadline_after=3600.0), JOB)
    relaxed = runtime_figure(relaxed_runs, title="t")
    assert by_gid(relaxed, "late") == []
    least = min(r.budget_seconds - r.runtime_seconds for r in relaxed_runs) / 60
    assert f"time to deadline at start (least slack {least:.3g} min)" in legend_labels(relaxed)


def test_a_far_deadline_stays_above_the_chart_and_the_legend_says_so():
    runs = runs_of_job(growing_job(deadline_after=20 * 3600.0), JOB)
    figure = runtime_figure(runs, title="t")
    longest = max(r.runtime_seconds for r in runs) / 60
    assert figure.axes[0].get_ylim()[1] < 2 * longest  # runtimes keep the height
    (label,) = [text for text in legend_labels(figure) if text.startswith("time to deadline")]
    assert label.endswith(", above the chart)")


def test_no_deadline_draws_no_slack_and_tonights_prediction_is_a_star():
    runs = runs_of_job(growing_job(deadline_after=None), JOB)
    figure = runtime_figure(runs, title="t", predicted_seconds=2900.0, tonight=TONIGHT)
    assert by_gid(figure, "budget") == by_gid(figure, "late") == []
    (star,) = by_gid(figure, "predicted")
    assert star.get_ydata()[0] == pytest.approx(2900.0 / 60)
    assert "tonight ~48.3 min" in legend_labels(figure)


def test_png_has_the_chart_size_and_fits_a_report():
    png = runtime_chart(runs_of_job(growing_job(), JOB), title="FTA01#NIGHTLY.LOAD")
    assert png_size(png) == (900, 360)
    assert len(png) <= 60_000


def test_short_runtimes_read_in_seconds_and_long_ones_in_hours():
    stamp = pd.Timestamp("2026-03-01", tz="UTC")
    quick = runtime_figure([JobRun(stamp, 40.0), JobRun(stamp, 50.0)], title="t")
    slow = runtime_figure([JobRun(stamp, 4 * 3600.0)], title="t")
    assert quick.axes[0].get_ylabel() == "runtime (s)"
    assert slow.axes[0].get_ylabel() == "runtime (h)"


def test_bad_runs_are_refused():
    stamp = pd.Timestamp("2026-03-01", tz="UTC")
    with pytest.raises(ChartError, match="no run"):
        runtime_figure([], title="t")
    with pytest.raises(ChartError, match="finite"):
        runtime_figure([JobRun(stamp, float("nan"))], title="t")
