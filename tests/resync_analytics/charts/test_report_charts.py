"""The charts the nightly reports embed: one per series at risk, at most five per report."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from resync_analytics.charts import ChartError, forecast_figure, from_record
from resync_analytics.charts.reports import MAX_CHARTS, capacity_charts, runtime_section, top_risks
from resync_analytics.forecasting import regularise
from resync_analytics.forecasting.capacity import MetricSeries, assess_capacity
from resync_analytics.forecasting.capacity_report import forecast_record, report_markdown
from resync_core.risk import JobRisk, RiskReason
from tests.resync_analytics.charts.pngs import by_gid, png_size
from tests.resync_analytics.maintenance.builders import TONIGHT, history, nightly_runs

IMAGE = re.compile(r"!\[[^\]\n]*\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)")
GENERATED = datetime(2026, 3, 1, tzinfo=UTC)


def disk(host: str, daily_growth: float) -> MetricSeries:
    index = pd.date_range(end=GENERATED, periods=21 * 24, freq="h", inclusive="left")
    steps = np.arange(len(index))
    noise = np.random.default_rng(len(host)).normal(0, 0.5, len(index))
    values = 50 + daily_growth * steps / 24 + noise
    series = regularise(index, values, step=pd.Timedelta("1h"), name="disk.used_percent")
    return MetricSeries(host, "disk.used_percent", {"mount": "/"}, series)


def assessments(growths: list[float]):
    targets = [disk(f"app{n:02d}", g) for n, g in enumerate(growths)]
    return assess_capacity(targets, {"disk.used_percent": 90.0}, 21 * 24)


def test_report_embeds_one_chart_under_each_series_at_risk():
    found = assessments([1.5, 0.0, 1.8])  # two of three reach 90 within three weeks
    at_risk = sorted((a for a in found if a.eta is not None), key=lambda a: a.eta.expected)
    assert [a.target.host for a in at_risk] == ["app02", "app00"]
    markdown = report_markdown(found, GENERATED, charts=capacity_charts(found))
    images = IMAGE.findall(markdown)
    assert len(images) == 2
    assert all(png_size(base64.b64decode(image)) == (900, 360) for image in images)
    # Each chart follows its own risk's line, soonest first, before the table of all series.
    lines = markdown.splitlines()
    bullets = [i for i, line in enumerate(lines) if line.startswith("- **")]
    charts = [i for i, line in enumerate(lines) if IMAGE.search(line)]
    table = lines.index("| series | now | threshold | method | ETA |")
    assert bullets[0] < charts[0] < bullets[1] < charts[1] < table
    assert "app02:" in lines[charts[0]] and "app00:" in lines[charts[1]]


def test_without_charts_the_report_is_unchanged():
    found = assessments([2.5])
    plain = report_markdown(found, GENERATED)
    assert report_markdown(found, GENERATED, charts={}) == plain
    assert IMAGE.search(plain) is None


def test_charts_are_capped_at_the_soonest_five():
    found = assessments([1.5 + 0.1 * n for n in range(7)])
    charts = capacity_charts(found)
    soonest = sorted((a for a in found if a.eta is not None), key=lambda a: a.eta.expected)
    assert len(soonest) == 7
    assert len(charts) == MAX_CHARTS
    assert list(charts) == [a.target.key for a in soonest[:MAX_CHARTS]]


def risk(job: str, score: float, *, reason: str = "runtime_growth", late: int = 0) -> JobRisk:
    return JobRisk(
        job_key=job,
        workstation=job.split("#")[0],
        score=score,
        failure_probability=score / 2,
        late_probability=score,
        predicted_seconds=2400.0,
        p90_seconds=2700.0,
        weekly_growth=0.05,
        late_nights=late,
        deadline_nights=10,
        reasons=(RiskReason(reason, "why", 1.0),),
    )


def test_top_risks_are_new_ones_one_per_stream_else_the_highest_scores():
    risks = [
        risk("FTA01#A.ONE", 0.9, late=8),  # late most nights: known, not news
        risk("FTA01#B.ONE", 0.8),
        risk("FTA01#B.TWO", 0.7),  # same stream as B.ONE
        risk("FTA01#C.ONE", 0.6),
        risk("FTA01#D.ONE", 0.5, reason="late_exposure"),  # no stand-out reason
    ]
    assert [r.job_key for r in top_risks(risks)] == ["FTA01#B.ONE", "FTA01#C.ONE"]
    everyday = [risk("FTA01#D.ONE", 0.5, reason="late_exposure"), risk("FTA01#E.X", 0.7, late=9)]
    assert [r.job_key for r in top_risks(everyday)] == ["FTA01#E.X", "FTA01#D.ONE"]


def test_runtime_section_draws_the_top_risks_that_have_runs():
    frame = history(
        nightly_runs("LOAD", stream="B", seconds=lambda day: 1800.0 + 20 * (28 - day)),
        nightly_runs("ONE", stream="C", deadline_after=4000.0),
    )
    risks = [risk("FTA01#B.LOAD", 0.8), risk("FTA01#C.ONE", 0.6), risk("FTA01#Z.GONE", 0.5)]
    section = runtime_section(risks, frame, TONIGHT)
    assert section.startswith("## Runtime trends of the top risks")
    images = IMAGE.findall(section)
    assert len(images) == 2  # Z.GONE has no run to draw
    assert all(png_size(base64.b64decode(image)) == (900, 360) for image in images)
    assert runtime_section([risk("FTA01#Z.GONE", 0.5)], frame, TONIGHT) == ""


def test_a_stored_forecast_draws_like_the_fresh_one():
    (fresh,) = [a for a in assessments([1.5]) if a.eta is not None]
    stored = forecast_record(fresh, GENERATED)
    # As PostgreSQL gives it back: the points and details as JSON, the ETAs as datetimes.
    stored = replace(stored, points=json.loads(json.dumps(list(stored.points))))
    forecast, eta = from_record(stored)
    assert eta is not None and eta.expected == fresh.eta.expected
    assert list(forecast.value) == list(fresh.forecast.value)
    assert forecast.coverage == fresh.forecast.coverage
    figure = forecast_figure(fresh.target.series, forecast, title="t", threshold=90.0, eta=eta)
    (marker,) = by_gid(figure, "eta")
    again = forecast_figure(
        fresh.target.series, fresh.forecast, title="t", threshold=90.0, eta=fresh.eta
    )
    assert list(marker.get_xdata()) == list(by_gid(again, "eta")[0].get_xdata())
    with pytest.raises(ChartError, match="no points"):
        from_record(replace(stored, points=[]))
    with pytest.raises(ChartError, match="malformed"):
        from_record(replace(stored, points=[{"timestamp": "2026-03-01T00:00:00+00:00"}]))
