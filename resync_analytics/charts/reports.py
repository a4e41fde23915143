"""The charts the nightly reports carry: one per series at risk in the capacity report, the
runtime trend of the top risks in the maintenance report. At most ``MAX_CHARTS`` each, so a
report stays a page an operator scrolls (and an artifact of a few hundred KB at most)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd

from resync_analytics.charts.forecast import forecast_chart, metric_axis
from resync_analytics.charts.markdown import markdown_image
from resync_analytics.charts.render import ChartError
from resync_analytics.charts.runtime import runs_of_job, runtime_chart
from resync_analytics.forecasting.capacity import CapacityAssessment
from resync_core.risk import JobRisk

MAX_CHARTS = 5


def capacity_charts(
    assessments: Sequence[CapacityAssessment], limit: int = MAX_CHARTS
) -> dict[str, str]:
    """Series key -> markdown image of its forecast, for the ``limit`` series that reach
    their threshold soonest. A series that cannot be drawn is left out, not the report."""
    at_risk = sorted(
        (a for a in assessments if a.eta is not None),
        key=lambda a: a.eta.expected,  # type: ignore[union-attr]
    )
    charts: dict[str, str] = {}
    for a in at_risk[:limit]:
        assert a.eta is not None
        unit, ceiling = metric_axis(a.target.metric)
        try:
            png = forecast_chart(
                a.target.series,
                a.forecast,
                title=f"{a.target.key} reaches {a.threshold:g} around {a.eta.expected:%Y-%m-%d}",
                unit=unit,
                threshold=a.threshold,
                eta=a.eta,
                y_max=ceiling,
            )
        except ChartError:
            continue
        charts[a.target.key] = markdown_image(
            png,
            f"{a.target.key}: history, {a.forecast.method} forecast with its "
            f"{a.forecast.coverage:.0%} interval, threshold {a.threshold:g} and ETA",
        )
    return charts


def top_risks(risks: Sequence[JobRisk], limit: int = MAX_CHARTS) -> list[JobRisk]:
    """The jobs the maintenance report names first: new risks (not late most nights, with a
    stand-out reason) by how much they exceed their own record, one per job stream; the
    highest scores when no job stands out."""
    fresh = sorted(
        (r for r in risks if not r.chronically_late and r.stands_out), key=lambda r: -r.news
    )
    chosen: list[JobRisk] = []
    streams: set[str] = set()
    for risk in fresh or sorted(risks, key=lambda r: -r.score):
        if risk.job_stream not in streams:
            streams.add(risk.job_stream)
            chosen.append(risk)
        if len(chosen) == limit:
            break
    return chosen


def runtime_section(
    risks: Sequence[JobRisk],
    history: pd.DataFrame,
    plan_start: datetime,
    limit: int = MAX_CHARTS,
) -> str:
    """Markdown ``## Runtime trends of the top risks``: each top risk's runtimes night after
    night with p50, p90, the slack to its deadline and tonight's prediction (placed at the
    time of day of its last run); empty when no top risk has runs in ``history``."""
    blocks: list[str] = []
    for risk in top_risks(risks, limit):
        runs = runs_of_job(history, risk.job_key)
        if not runs:
            continue
        last = runs[-1].scheduled
        tonight = pd.Timestamp(plan_start) + (last - last.normalize())
        try:
            png = runtime_chart(
                runs,
                title=f"{risk.job_key}: {risk.score:.0%} risk tonight",
                predicted_seconds=risk.predicted_seconds,
                tonight=tonight,
            )
        except ChartError:
            continue
        alt = f"{risk.job_key}: runtimes of the last {len(runs)} runs, p50, p90 and deadline slack"
        blocks.append(markdown_image(png, alt))
    if not blocks:
        return ""
    return "\n\n".join(["## Runtime trends of the top risks", *blocks])
