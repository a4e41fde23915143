"""Watching the quality of resync-flows' own answers: the observations the watch reads and the
figures it stores. Domain types only; the measures live in ``resync_analytics.quality``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from resync_core.feedback import FeedbackRecord

NIGHT = "night"
WEEK = "week"
ALL = "*"  # the scope of a figure over every category, job or series


@dataclass(frozen=True)
class AnalysedFailure:
    """A failed run with the incident its joblog was analysed into (None: not analysed)."""

    run_id: str
    job_key: str
    workstation: str
    ended_at: datetime
    error_pattern: str | None
    category: str | None
    confidence: float | None


@dataclass(frozen=True)
class NightRuns:
    """The runs started in one night and those of jobs (workstations) first seen that night."""

    night: date
    runs: int
    new_job_runs: int
    new_workstation_runs: int
    new_jobs: tuple[str, ...] = ()
    new_workstations: tuple[str, ...] = ()


@dataclass(frozen=True)
class RiskOutcome:
    """A stored risk score and what the job did in that plan day (failed or finished late)."""

    job_key: str
    plan_day: date
    score: float
    failed: bool
    late: bool

    @property
    def happened(self) -> bool:
        return self.failed or self.late


@dataclass(frozen=True)
class CoveragePoint:
    """A forecast point whose actual value arrived: inside ``[lower, upper]`` or not."""

    series_key: str
    timestamp: datetime
    nominal: float  # the interval's intended coverage (0.8: 80 %)
    covered: bool


@dataclass(frozen=True)
class ResolutionTimes:
    """An incident's ABEND, the job's next successful run and the first operator verdict."""

    incident_id: int
    category: str
    job_key: str | None
    abend_at: datetime
    rerun_ok_at: datetime | None
    verdict_at: datetime | None
    learned: bool  # a learned first step was recommended


@dataclass(frozen=True)
class QualityFigure:
    """One measure of one period (a night tested against the weeks before it, or a week) and
    scope (``ALL``, a category, a series). ``usual_low``/``usual_high``: the range of the
    nightly values in the baseline weeks; ``degraded``: the test and the range both say so."""

    period: str
    period_start: date
    measure: str
    scope: str
    value: float | None
    count: int
    usual_low: float | None = None
    usual_high: float | None = None
    p_value: float | None = None
    degraded: bool = False
    drivers: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QualityInputs:
    """What the watch reads for one night, from ``config.history_start`` on;
    ``known_templates``: the error templates of failures before then (not new when they
    return; failures given from before then count as known too)."""

    failures: Sequence[AnalysedFailure] = ()
    runs: Sequence[NightRuns] = ()
    feedback: Sequence[FeedbackRecord] = ()
    risks: Sequence[RiskOutcome] = ()
    coverage: Sequence[CoveragePoint] = ()
    resolutions: Sequence[ResolutionTimes] = ()
    known_templates: frozenset[str] = frozenset()
