"""Which plan day to score and the history window it is scored from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from resync_core.risk import JobRisk, PlannedJob


def plan_start(plan_day: date) -> datetime:
    """The instant a plan day starts (plan days run midnight to midnight UTC)."""
    return datetime(plan_day.year, plan_day.month, plan_day.day, tzinfo=UTC)


def default_plan_day(planned: Sequence[PlannedJob] | None, now: datetime) -> date:
    """The day of the first job still to run in the plan; tomorrow without a plan."""
    if planned:
        return min(job.sched_time for job in planned).astimezone(UTC).date()
    return (now + timedelta(days=1)).astimezone(UTC).date()


def history_window(plan_day: date, lookback_days: float) -> tuple[datetime, datetime]:
    """The history a plan day is scored from: the ``lookback_days`` before it starts."""
    start = plan_start(plan_day)
    return start - timedelta(days=lookback_days), start


def failed_patterns(history: pd.DataFrame) -> list[str]:
    """The error-pattern ids of the failed runs of a run-history frame, each once."""
    return history.loc[history["failed"], "error_pattern"].dropna().unique().tolist()


def alerts_to_send(
    risks: Sequence[JobRisk], *, min_score: float, alert_score: float, max_events: int
) -> tuple[list[JobRisk], list[JobRisk]]:
    """(the risks worth storing, the at most ``max_events`` of them worth announcing): a
    chronically late job is reported, not announced every night."""
    kept = [risk for risk in risks if risk.score >= min_score]
    alerts = [r for r in kept if r.score >= alert_score and not r.chronically_late][:max_events]
    return kept, alerts
