"""Tonight's risk per job: the domain types that cross layers.

Predictive maintenance (``resync_analytics.maintenance``) produces ``JobRisk``; the
PostgreSQL adapter stores a ``RiskScore`` per job and plan day; the TWS adapter reads the plan
into ``PlannedJob``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Reasons that only put the everyday risk of any job into words: no sign of trouble.
EVERYDAY_REASONS = frozenset({"late_exposure", "failure_baseline"})


@dataclass(frozen=True)
class RiskReason:
    """One reason behind a score. ``kind`` is stable for machines (failure_rate,
    failures_rising, recurring_error, late_risk, late_history, runtime_growth,
    runtime_anomaly, month_end, and for a score with none of these late_exposure or
    failure_baseline); ``text`` is for people; ``value`` is the number behind it."""

    kind: str
    text: str
    value: float


@dataclass(frozen=True)
class JobRisk:
    """Risk that ``job_key`` fails or finishes late in tonight's plan (probabilities 0-1)."""

    job_key: str
    workstation: str
    score: float
    failure_probability: float
    late_probability: float
    predicted_seconds: float
    p90_seconds: float
    weekly_growth: float
    late_nights: int
    deadline_nights: int
    reasons: tuple[RiskReason, ...]
    # Along the plan's dependency graph (empty / None when no edges are stored or the job
    # has no deadline): the jobs that most often set its start, first to last and the job
    # itself at the end; the instant it must end by for every deadline downstream; and the
    # JSON-ready details (hot list, median end) for explanations.
    critical_path: tuple[str, ...] = ()
    latest_safe_end: datetime | None = None
    plan_graph: Mapping[str, Any] | None = None

    @property
    def stands_out(self) -> bool:
        """A sign beyond the everyday risk every job carries (a stand-out reason)."""
        return any(reason.kind not in EVERYDAY_REASONS for reason in self.reasons)

    @property
    def chronically_late(self) -> bool:
        """Late on most recent nights: a known problem, not a new one."""
        return self.deadline_nights >= 5 and self.late_nights >= 0.5 * self.deadline_nights

    @property
    def news(self) -> float:
        """How much tonight's risk exceeds what the job's own record already says (the share
        of its nights it finished late): what a scheduler does not know yet."""
        known = self.late_nights / self.deadline_nights if self.deadline_nights else 0.0
        return self.score - known

    @property
    def job_stream(self) -> str:
        """``WORKSTATION#STREAM`` of the job key."""
        return self.job_key.rsplit(".", 1)[0]  # keys are WORKSTATION#STREAM.JOB


@dataclass(frozen=True)
class PlannedJob:
    """A job of tonight's plan that has not started yet, as the plan schedules it."""

    job_key: str
    sched_time: datetime
    deadline_time: datetime | None


@dataclass(frozen=True)
class RiskScore:
    """A stored score of one job for one plan day: ``reasons`` is the JSON document of
    ``risk_scores.reasons`` (reasons, actions and the model's numbers); ``critical_path``
    and ``latest_safe_end`` come from the plan's dependency graph (empty / None without)."""

    job_key: str
    score: float
    reasons: Mapping[str, Any]
    critical_path: Sequence[str] = ()
    latest_safe_end: datetime | None = None
