"""The predictive-maintenance report a scheduler reads before the batch: markdown text.

New risks come first, one line per job (or per job stream at risk as a whole) with its
reasons. Jobs that are late most nights are a known problem with a different fix (the
deadline or the stream no longer fits), so they are folded into one line per job stream
instead of drowning the new risks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date
from typing import TYPE_CHECKING, TypeVar

from resync_analytics.maintenance.actions import suggest_actions
from resync_analytics.maintenance.risk import human_duration
from resync_core.risk import JobRisk

if TYPE_CHECKING:  # plan_graph imports maintenance: a runtime import would be circular
    from resync_analytics.plan_graph.what_if import MissedDeadline, SinglePointOfFailure

ItemT = TypeVar("ItemT")


def job_stream_of(job_key: str) -> str:
    """``WORKSTATION#STREAM`` of a ``WORKSTATION#STREAM.JOB`` key."""
    return job_key.rsplit(".", 1)[0]


def group_by_stream(
    items: Sequence[ItemT], job_key: Callable[[ItemT], str], min_jobs: int = 3
) -> list[list[ItemT]]:
    """``items`` in their order, with the jobs of a stream that has ``min_jobs`` or more of
    them folded into one group at the place of its first (one cause, one line: a stream
    that starts late makes all its jobs late)."""
    per_stream: dict[str, list[ItemT]] = defaultdict(list)
    for item in items:
        per_stream[job_stream_of(job_key(item))].append(item)
    groups: list[list[ItemT]] = []
    for item in items:
        members = per_stream[job_stream_of(job_key(item))]
        if len(members) < min_jobs:
            groups.append([item])
        elif members[0] is item:
            groups.append(members)
    return groups


def report_markdown(
    risks: Sequence[JobRisk],
    plan_day: date,
    *,
    alert_score: float,
    history_runs: int,
    limit: int = 15,
    failure_points: Sequence[SinglePointOfFailure] | None = None,
) -> str:
    """Markdown for the jobs scored for ``plan_day`` (``risks`` highest score first);
    ``failure_points`` (None: no plan graph stored) adds the single points of failure."""
    at_alert = [r for r in risks if r.score >= alert_score]
    # Newest first: a job late most nights is known; one that usually is not, is news.
    fresh = sorted(
        (r for r in risks if not r.chronically_late and r.stands_out), key=lambda r: -r.news
    )
    chronic = [r for r in risks if r.chronically_late]
    lines = [
        f"# Tonight's risks — plan of {plan_day:%Y-%m-%d}",
        "",
        f"{len(risks)} active jobs scored from {history_runs} runs of history; "
        f"{len(at_alert)} at {alert_score:.0%} risk or more "
        f"({sum(not r.chronically_late for r in at_alert)} of them new), "
        f"{len(chronic)} late most nights.",
        "",
        "## Likely to fail or finish late tonight",
        "",
    ]
    groups = group_by_stream(fresh, lambda risk: risk.job_key)[:limit]
    if not groups:
        lines.append("No job stands out tonight.")
    for group in groups:
        risk = group[0]
        if len(group) > 1:
            lines.append(
                f"- **{risk.job_stream}**: {len(group)} jobs at risk together, e.g. "
                f"**{risk.job_key.rsplit('.', 1)[1]}** — {risk.score:.0%}"
            )
        else:
            runs = human_duration(risk.predicted_seconds)
            lines.append(
                f"- **{risk.job_key}** — {risk.score:.0%} (fail {risk.failure_probability:.0%},"
                f" late {risk.late_probability:.0%}; runs ~{runs})"
            )
        lines.extend(f"  - {reason.text}" for reason in risk.reasons)
        lines.extend(f"  - *Before tonight:* {action}" for action in suggest_actions(risk)[:2])

    if failure_points is not None:
        lines += ["", *failure_points_section(failure_points)]

    growing = sorted((r for r in risks if r.weekly_growth > 0), key=lambda r: -r.weekly_growth)
    if growing:
        lines += ["", "## Runtimes growing week after week", ""]
        lines += [
            f"- `{r.job_key}`: +{r.weekly_growth:.1%} a week, "
            f"~{human_duration(r.predicted_seconds)} tonight"
            for r in growing[:limit]
        ]

    if chronic:
        lines += ["", "## Late most nights (the deadline or the stream no longer fits)", ""]
        by_stream: dict[str, list[JobRisk]] = defaultdict(list)
        for risk in chronic:
            by_stream[risk.job_stream].append(risk)
        ordered = sorted(by_stream.items(), key=lambda item: (-len(item[1]), item[0]))
        for stream, jobs in ordered[:limit]:
            worst = max(jobs, key=lambda r: r.late_nights / max(r.deadline_nights, 1))
            lines.append(
                f"- `{stream}`: {len(jobs)} job(s) late, e.g. `{worst.job_key.rsplit('.', 1)[1]}` "
                f"on {worst.late_nights} of {worst.deadline_nights} nights — review the "
                "deadline, start the stream earlier, or shorten its growing jobs."
            )
        if len(ordered) > limit:
            lines.append(f"- … and {len(ordered) - limit} more job stream(s).")
    return "\n".join(lines)


def failure_points_section(points: Sequence[SinglePointOfFailure], limit: int = 3) -> list[str]:
    """Markdown lines naming the ``limit`` jobs whose failure tonight would cost the most:
    what a failure adds in expected minutes late, and each deadline it would miss and by
    how much (a scheduler protects these jobs first)."""
    lines = ["## Tonight's three most consequential single points of failure", ""]
    if not points:
        lines.append("No single job's failure would cost a deadline tonight.")
        return lines
    for point in points[:limit]:
        outcome = point.outcome
        lines.append(
            f"- **{point.job_key}**: a failure (rerun after "
            f"{outcome.scenario.recovery_minutes:g} min) adds "
            f"~{outcome.expected_minutes_lost:.0f} min late over all deadlines"
        )
        if not outcome.missed:
            lines.append("  - no deadline missed outright, but several get closer")
        lines.extend(f"  - {_missed_text(missed)}" for missed in outcome.missed[:5])
        if len(outcome.missed) > 5:
            lines.append(f"  - … and {len(outcome.missed) - 5} more deadline(s)")
    return lines


def _missed_text(missed: MissedDeadline) -> str:
    due = (
        f" (due {missed.deadline.astimezone(UTC):%H:%M} UTC)" if missed.deadline is not None else ""
    )
    late = (
        "never met tonight"
        if missed.minutes_late is None
        else f"missed by ~{human_duration(max(missed.minutes_late, 0.0) * 60)}"
    )
    return (
        f"`{missed.job_key}`{due}: {late} "
        f"(chance of missing {missed.probability_before:.0%} → {missed.probability_after:.0%})"
    )


def risk_table(risks: Sequence[JobRisk], limit: int = 200) -> list[dict[str, object]]:
    """The ``limit`` riskiest jobs as table rows (``risks`` highest score first)."""
    return [
        {
            "job": risk.job_key,
            "score": round(risk.score, 3),
            "fail": round(risk.failure_probability, 3),
            "late": round(risk.late_probability, 3),
            "runtime_p90": round(risk.p90_seconds),
            "weekly_growth": round(risk.weekly_growth, 4),
            "reasons": "; ".join(reason.text for reason in risk.reasons),
        }
        for risk in risks[:limit]
    ]
