"""Simulated weeks of what the quality watch reads, with changes injected from a given night.

Stable weeks draw every night from the same distributions; a change alters one thing from
``change_night`` on, as it happens in a shop: one application's log format changes, one
category's diagnoses go wrong, operators start answering differently, the risk model or the
forecasts stop fitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from resync_analytics.quality import QualityInputs
from resync_core.feedback import FeedbackRecord
from resync_core.quality import (
    AnalysedFailure,
    CoveragePoint,
    NightRuns,
    ResolutionTimes,
    RiskOutcome,
)

CATEGORIES = ("file_not_found", "disk_full", "timeout", "database", "network", "unknown")
CATEGORY_WEIGHTS = (0.3, 0.15, 0.2, 0.15, 0.15, 0.05)
WORKSTATIONS = ("APP1", "APP2", "APP3", "DB1", "ETL1")
VERDICTS = ("helpful", "fixed", "wrong", "not_helpful", "rerun_approved")
VERDICT_WEIGHTS = (0.45, 0.2, 0.15, 0.12, 0.08)


@dataclass(frozen=True)
class Change:
    """What changes from ``night`` on (all off by default)."""

    night: date | None = None
    format_of: str | None = None  # the workstation whose joblog format changes
    wrong_category: str | None = None  # diagnoses of this category mostly wrong
    verdicts_not_helpful: bool = False  # operators mostly answer not_helpful
    risk_blind: bool = False  # outcomes no longer follow the scores
    coverage_drop: bool = False  # intervals hold far fewer actuals


def simulate(
    first: date,
    nights: int,
    *,
    seed: int,
    change: Change | None = None,
    failures_per_night: float = 60.0,
    verdicts_per_night: float = 25.0,
) -> QualityInputs:
    rng = np.random.default_rng(seed)
    change = change or Change()
    jobs = [f"{ws}#STREAM{s}.JOB{j}" for ws in WORKSTATIONS for s in range(2) for j in range(4)]
    templates = {job: [f"{job}-t{k}" for k in range(3)] for job in jobs}
    failures: list[AnalysedFailure] = []
    runs: list[NightRuns] = []
    feedback: list[FeedbackRecord] = []
    risks: list[RiskOutcome] = []
    coverage: list[CoveragePoint] = []
    resolutions: list[ResolutionTimes] = []
    run_id = feedback_id = incident_id = 0
    for offset in range(nights):
        night = first + timedelta(days=offset)
        start = datetime(night.year, night.month, night.day, 1, tzinfo=UTC)
        changed = change.night is not None and night >= change.night
        for _ in range(rng.poisson(failures_per_night)):
            run_id += 1
            job = jobs[rng.integers(len(jobs))]
            ws = job.split("#")[0]
            category = str(rng.choice(CATEGORIES, p=CATEGORY_WEIGHTS))
            pattern = str(rng.choice(templates[job]))
            if rng.random() < 0.02:  # now and then a message never seen before
                pattern = f"rare-{run_id}"
            confidence = float(rng.uniform(0.6, 0.95)) if category != "unknown" else 0.3
            if changed and change.format_of == ws:
                category, confidence, pattern = "unknown", 0.3, f"newformat-{job}-{run_id % 7}"
            failures.append(
                AnalysedFailure(
                    run_id=f"r{run_id}",
                    job_key=job,
                    workstation=ws,
                    ended_at=start + timedelta(minutes=int(rng.integers(0, 600))),
                    error_pattern=pattern,
                    category=category,
                    confidence=confidence,
                )
            )
        total = int(rng.poisson(2000))
        new = int(rng.binomial(total, 0.0005))
        runs.append(NightRuns(night, total, new, 0, tuple(f"NEW#S.J{i}" for i in range(new)), ()))
        for _ in range(rng.poisson(verdicts_per_night)):
            feedback_id += 1
            incident_id += 1
            category = str(rng.choice(CATEGORIES[:5]))
            claimed = float(rng.uniform(0.7, 0.95))
            right = rng.random() < claimed
            if changed and change.wrong_category == category:
                right = rng.random() < 0.2
            weights = np.array(VERDICT_WEIGHTS)
            if changed and change.verdicts_not_helpful:
                weights = np.array((0.15, 0.1, 0.1, 0.6, 0.05))
            verdict = str(rng.choice(VERDICTS, p=weights / weights.sum()))
            if verdict in ("helpful", "fixed", "wrong"):
                verdict = "wrong" if not right else verdict if verdict != "wrong" else "helpful"
            created = start + timedelta(hours=int(rng.integers(1, 20)))
            feedback.append(
                FeedbackRecord(
                    feedback_id=feedback_id,
                    incident_id=incident_id,
                    category=category,
                    fingerprint=f"{category}:x",
                    pattern_id=None,
                    claimed_confidence=claimed,
                    verdict=verdict,
                    resolution=None,
                    operator="op",
                    created_at=created,
                )
            )
            if rng.random() < 0.3:
                abend = created - timedelta(hours=int(rng.integers(1, 6)))
                learned = bool(rng.random() < 0.5)
                rerun = abend + timedelta(hours=float(rng.uniform(0.5, 2.0 if learned else 4.0)))
                resolutions.append(
                    ResolutionTimes(incident_id, category, None, abend, rerun, created, learned)
                )
        for k in range(200):
            score = float(rng.beta(1.2, 8.0))
            p = 0.3 if changed and change.risk_blind else score
            happened = bool(rng.random() < p)
            risks.append(RiskOutcome(f"J{k}", night, score, happened, False))
        for series in range(10):
            for hour in range(24):
                p = 0.45 if changed and change.coverage_drop else 0.8
                coverage.append(
                    CoveragePoint(
                        f"host{series}:cpu", start + timedelta(hours=hour), 0.8, rng.random() < p
                    )
                )
    return QualityInputs(failures, runs, feedback, risks, coverage, resolutions)
