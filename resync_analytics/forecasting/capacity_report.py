"""What the nightly capacity forecast stores and reports of its assessments: the stored
record per series, the details document, the markdown report and the artifact table."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import pandas as pd

from resync_analytics.forecasting.capacity import CapacityAssessment, MetricSeries
from resync_core.forecasts import ForecastRecord


def split_by_host(series: Sequence[MetricSeries], chunks: int) -> list[list[MetricSeries]]:
    """``series`` in at most ``chunks`` contiguous groups of whole hosts, in their order.

    A host's series stay together so a chunk is a unit of work a task runner (threads, or
    Dask workers) can take; concatenating the chunks gives back ``series``.
    """
    hosts = list(dict.fromkeys(s.host for s in series))
    if not hosts:
        return []
    per_chunk = -(-len(hosts) // max(1, chunks))
    group = {host: index // per_chunk for index, host in enumerate(hosts)}
    out: list[list[MetricSeries]] = [[] for _ in range(max(group.values()) + 1)]
    for one in series:
        out[group[one.host]].append(one)
    return out


def forecast_points(assessment: CapacityAssessment) -> list[dict[str, float | str]]:
    """The forecast steps as ``{timestamp, value, lower, upper}`` objects."""
    f = assessment.forecast
    return [
        {"timestamp": t.isoformat(), "value": float(v), "lower": float(lo), "upper": float(hi)}
        for t, v, lo, hi in zip(f.index, f.value, f.lower, f.upper, strict=True)
    ]


def forecast_details(assessment: CapacityAssessment) -> dict[str, object]:
    """The details document of a forecast: series, backtest scores, growing jobs, notes."""
    f = assessment.forecast
    return {
        "host": assessment.target.host,
        "metric": assessment.target.metric,
        "labels": dict(assessment.target.labels),
        "workstation": assessment.workstation,
        "last_value": assessment.last_value,
        "coverage": f.coverage,
        "seasonal_period": f.period,
        "backtest": [
            # MASE is undefined (NaN) for a constant history; JSON has no NaN.
            {"method": s.method, "mae": s.mae, "mase": s.mase if math.isfinite(s.mase) else None}
            for s in f.scores
        ],
        "drivers": [
            {
                "job_key": d.job_key,
                "busy_seconds_per_day_growth": d.busy_seconds_per_day_growth,
                "runs_per_day_growth": d.runs_per_day_growth,
                "share": d.share,
            }
            for d in assessment.drivers
        ],
        # What was done to the series (gaps filled, level shifts removed, short history).
        "notes": list(assessment.forecast.notes),
    }


def forecast_record(assessment: CapacityAssessment, generated_at: datetime) -> ForecastRecord:
    """The ``forecasts`` row of one assessment for the generation ``generated_at``."""
    eta = assessment.eta
    return ForecastRecord(
        series_key=assessment.target.key,
        generated_at=generated_at,
        method=assessment.forecast.method,
        step_seconds=assessment.target.series.step_seconds,
        horizon=assessment.forecast.horizon,
        points=forecast_points(assessment),
        threshold=assessment.threshold,
        threshold_eta=None if eta is None else eta.expected,
        threshold_eta_lower=None if eta is None else eta.earliest,
        threshold_eta_upper=None if eta is None or eta.latest is None else eta.latest,
        # Round-tripped through JSON so dates and numpy numbers become plain JSON values.
        details=json.loads(json.dumps(forecast_details(assessment), default=str)),
    )


def due_within(
    assessments: Sequence[CapacityAssessment], generated_at: datetime, alert_within: timedelta
) -> list[CapacityAssessment]:
    """The assessments whose expected ETA falls before ``generated_at + alert_within``."""
    return [
        a
        for a in assessments
        if a.eta is not None and a.eta.expected.to_pydatetime() <= generated_at + alert_within
    ]


def _when(moment: pd.Timestamp | None, generated_at: datetime) -> str:
    if moment is None:
        return "after the horizon"
    days = (moment.to_pydatetime() - generated_at).total_seconds() / 86400
    weeks = days / 7
    span = f"{weeks:.1f} weeks" if days >= 14 else f"{days:.1f} days"
    return f"{moment:%Y-%m-%d} (in {span})"


def report_markdown(
    assessments: Sequence[CapacityAssessment],
    generated_at: datetime,
    charts: Mapping[str, str] | None = None,
) -> str:
    """The capacity report an operator reads: risks first, then every series. ``charts``
    (series key -> markdown image) puts a series' chart under its risk."""
    lines = [f"# Capacity forecast — {generated_at:%Y-%m-%d %H:%M} UTC", ""]
    risks = sorted(
        (a for a in assessments if a.eta is not None),
        key=lambda a: a.eta.expected,  # type: ignore[union-attr]
    )
    if not risks:
        lines.append("No host metric reaches its threshold within the forecast horizon.")
    for a in risks:
        eta = a.eta
        assert eta is not None
        lines.append(
            f"- **{a.target.key}** will reach {a.threshold:g} around "
            f"{_when(eta.expected, generated_at)}; earliest {_when(eta.earliest, generated_at)},"
            f" latest {_when(eta.latest, generated_at)} (now {a.last_value:.1f}, "
            f"{a.forecast.method})."
        )
        for d in a.drivers[:3]:
            lines.append(
                f"  - `{d.job_key}` adds {d.busy_seconds_per_day_growth:.0f} busy s/day per day "
                f"({d.share:.0%} of the growth on {a.workstation})"
            )
        if a.drivers:
            lines.append(
                "  - Before then: move or reschedule the growing jobs above, or add capacity."
            )
        if charts and a.target.key in charts:
            lines += ["", f"  {charts[a.target.key]}", ""]
    lines += ["", "| series | now | threshold | method | ETA |", "|---|---|---|---|---|"]
    for a in assessments:
        eta_day = "—" if a.eta is None else f"{a.eta.expected:%Y-%m-%d}"
        lines.append(
            f"| {a.target.key} | {a.last_value:.1f} | {a.threshold:g} "
            f"| {a.forecast.method} | {eta_day} |"
        )
    return "\n".join(lines)


def forecast_table(assessments: Sequence[CapacityAssessment]) -> list[dict[str, object]]:
    """One row per series for the forecasts table artifact."""
    return [
        {
            "series": a.target.key,
            "workstation": a.workstation or "",
            "now": round(a.last_value, 2),
            "threshold": a.threshold,
            "method": a.forecast.method,
            "eta": "" if a.eta is None else a.eta.expected.isoformat(),
            "eta_earliest": "" if a.eta is None else a.eta.earliest.isoformat(),
            "eta_latest": "" if a.eta is None or a.eta.latest is None else a.eta.latest.isoformat(),
            "top_driver": a.drivers[0].job_key if a.drivers else "",
        }
        for a in assessments
    ]
