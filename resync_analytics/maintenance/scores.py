"""What is stored of a risk: the reasons document of ``risk_scores`` and the row per job."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from resync_analytics.maintenance.actions import suggest_actions
from resync_core.risk import JobRisk, RiskScore


def reasons_document(risk: JobRisk) -> dict[str, Any]:
    """What ``risk_scores.reasons`` holds: the reasons, the suggested actions and the
    model's numbers (the at-risk event carries the same reasons)."""
    return {
        "reasons": [asdict(reason) for reason in risk.reasons],
        "actions": list(suggest_actions(risk)),
        "failure_probability": risk.failure_probability,
        "late_probability": risk.late_probability,
        "predicted_seconds": risk.predicted_seconds,
        "p90_seconds": risk.p90_seconds,
        "weekly_growth": risk.weekly_growth,
        "workstation": risk.workstation,
        "chronically_late": risk.chronically_late,
        "stands_out": risk.stands_out,
        "news": risk.news,
        **({"plan_graph": dict(risk.plan_graph)} if risk.plan_graph is not None else {}),
    }


def risk_scores(risks: Iterable[JobRisk]) -> list[RiskScore]:
    """The rows to store for ``risks``, in their order."""
    return [
        RiskScore(
            risk.job_key,
            risk.score,
            reasons_document(risk),
            risk.critical_path,
            risk.latest_safe_end,
        )
        for risk in risks
    ]
