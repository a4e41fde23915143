"""Tonight's risk per job: will it fail, will it finish late, and the reasons why.

Combines the failure, runtime and lateness models into one probability per job (that it
fails or is late: ``1 - (1 - p_fail) (1 - p_late)``) and says why in sentences a scheduler
can act on, each with the numbers behind it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from resync_analytics.maintenance.failures import FailureModelConfig, estimate_failure_risk
from resync_analytics.maintenance.history import DAY_SECONDS, epoch_seconds
from resync_analytics.maintenance.lateness import LatenessConfig, estimate_late_risk
from resync_analytics.maintenance.runtimes import RuntimeModelConfig, estimate_runtimes
from resync_core.risk import EVERYDAY_REASONS as EVERYDAY_REASONS
from resync_core.risk import JobRisk as JobRisk
from resync_core.risk import PlannedJob as PlannedJob
from resync_core.risk import RiskReason as RiskReason


@dataclass(frozen=True)
class MaintenanceConfig:
    """What counts as history and what is worth a reason."""

    lookback_days: float = 28.0
    active_within_days: float = 7.0
    anomaly_z: float = 4.0
    failure: FailureModelConfig = field(default_factory=FailureModelConfig)
    runtime: RuntimeModelConfig = field(default_factory=RuntimeModelConfig)
    lateness: LatenessConfig = field(default_factory=LatenessConfig)


# Recent starts further apart than this are reported as a range, not as one usual time.
WIDE_START_SPREAD_SECONDS = 30 * 60


def human_duration(seconds: float) -> str:
    """``42s``, ``13m``, ``2h05m``: durations as an operator reads them."""
    if not np.isfinite(seconds):
        return "?"
    seconds = max(0.0, float(seconds))
    if seconds < 90:
        return f"{seconds:.0f}s"
    if seconds < 5400:
        return f"{seconds / 60:.0f}m"
    hours, rest = divmod(round(seconds / 60), 60)
    return f"{hours}h{rest:02d}m"


def scoring_window(
    history: pd.DataFrame, tonight: datetime, config: MaintenanceConfig
) -> pd.DataFrame:
    """The runs scheduled in the ``lookback_days`` before ``tonight``, with only their jobs
    as categories (the models' job codes)."""
    as_of = epoch_seconds(tonight)
    window = history[
        (history["sched_time"] < as_of)
        & (history["sched_time"] >= as_of - config.lookback_days * DAY_SECONDS)
    ]
    return window.assign(job_key=window["job_key"].cat.remove_unused_categories())


def month_end_history(
    history: pd.DataFrame, tonight: datetime, config: MaintenanceConfig
) -> pd.DataFrame:
    """The runs older than the scoring window that the runtime model still learns month
    ends from (``runtime.month_end_lookback_days`` before ``tonight``): on the first night
    of a month end, the window itself holds none."""
    as_of = epoch_seconds(tonight)
    sched = history["sched_time"]
    since = as_of - max(config.runtime.month_end_lookback_days, config.lookback_days) * DAY_SECONDS
    return history[(sched < as_of - config.lookback_days * DAY_SECONDS) & (sched >= since)]


def score_tonight(
    history: pd.DataFrame,
    tonight: datetime,
    config: MaintenanceConfig | None = None,
    pattern_templates: Mapping[str, str] | None = None,
    planned: Sequence[PlannedJob] | None = None,
) -> list[JobRisk]:
    """Score the jobs of the plan starting at ``tonight`` from runs scheduled in the
    ``lookback_days`` before it. Highest risk first.

    ``planned``: the plan's jobs not started yet, with tonight's schedule and deadlines; only
    those (with a history) are scored. Without it, every job active in the last
    ``active_within_days`` is, with the deadline of its latest run.
    ``pattern_templates`` maps error-pattern ids to their text, for the reasons.
    """
    cfg = config or MaintenanceConfig()
    as_of = epoch_seconds(tonight)
    window = scoring_window(history, tonight, cfg)
    if window.empty:
        return []
    failures = estimate_failure_risk(window, as_of, cfg.failure)
    older = month_end_history(history, tonight, cfg)
    model = estimate_runtimes(window, as_of, cfg.runtime, older)
    runtimes = model.jobs
    keys = window["job_key"].cat.categories
    tonight_deadline = tonight_sched = active = None
    if planned is not None:
        tonight_deadline, tonight_sched, active = _planned_arrays(planned, keys)
    lateness = estimate_late_risk(window, model, as_of, cfg.lateness, tonight_deadline)
    if tonight_sched is not None:
        known = ~np.isnan(tonight_sched)
        lateness["sched_of_day"] = np.where(known, tonight_sched, lateness["sched_of_day"])

    codes = window["job_key"].cat.codes.to_numpy()
    if active is None:
        last_seen = np.full(len(failures), -np.inf)
        np.fmax.at(last_seen, codes, window["sched_time"].to_numpy())
        active = last_seen >= as_of - cfg.active_within_days * DAY_SECONDS
    workstation = np.full(len(failures), "", dtype=object)
    order = np.argsort(window["sched_time"].to_numpy(), kind="stable")
    workstation[codes[order]] = window["workstation"].astype(str).to_numpy()[order]

    p_fail = failures["probability"].to_numpy()
    p_late = lateness["late_probability"].to_numpy()
    score = 1.0 - (1.0 - p_fail) * (1.0 - p_late)
    templates = pattern_templates or {}
    # Plain dicts: a row lookup in a DataFrame costs ~100x more, and there are 100k jobs.
    failure_rows = failures.to_dict("records")
    runtime_rows = runtimes.to_dict("records")
    late_rows = lateness.to_dict("records")
    risks = [
        JobRisk(
            job_key=str(keys[j]),
            workstation=str(workstation[j]),
            score=float(score[j]),
            failure_probability=float(p_fail[j]),
            late_probability=float(p_late[j]),
            predicted_seconds=float(runtime_rows[j]["predicted_seconds"]),
            p90_seconds=float(runtime_rows[j]["p90_seconds"]),
            weekly_growth=float(runtime_rows[j]["weekly_growth"]),
            late_nights=int(late_rows[j]["late_nights"]),
            deadline_nights=int(late_rows[j]["deadline_nights"]),
            reasons=_reasons(
                failure_rows[j], runtime_rows[j], late_rows[j], tonight, cfg, templates
            ),
        )
        for j in np.flatnonzero(active)[np.argsort(-score[active], kind="stable")]
    ]
    return risks


def _planned_arrays(
    planned: Sequence[PlannedJob], keys: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per job code: tonight's deadline offset (NaN: none or unknown), scheduled time of day
    (NaN: not planned) and whether it is planned."""
    deadline = np.full(len(keys), np.nan)
    sched_of_day = np.full(len(keys), np.nan)
    chosen = np.zeros(len(keys), dtype=bool)
    positions = keys.get_indexer(pd.Index([job.job_key for job in planned]))
    for job, position in zip(planned, positions, strict=True):
        if position < 0:
            continue  # no history: nothing to score it from
        chosen[position] = True
        sched_of_day[position] = epoch_seconds(job.sched_time) % DAY_SECONDS
        if job.deadline_time is not None:
            deadline[position] = (job.deadline_time - job.sched_time).total_seconds()
    return deadline, sched_of_day, chosen


def _reasons(
    failure: Mapping[str, Any],
    runtime: Mapping[str, Any],
    late: Mapping[str, Any],
    tonight: datetime,
    cfg: MaintenanceConfig,
    templates: Mapping[str, str],
) -> tuple[RiskReason, ...]:
    reasons: list[RiskReason] = []
    p_fail = float(failure["probability"])
    # A failure-rate reason only for a job that failed more than once and stands out from
    # its neighbours: one failure in a month is what every job does now and then.
    if failure["failures"] >= 2 and p_fail >= 2 * float(failure["prior"]):
        reasons.append(
            RiskReason(
                "failure_rate",
                f"failed {int(failure['failures'])} of its last {int(failure['runs'])} runs; "
                f"{p_fail:.0%} chance tonight (shop: {failure['shop_rate']:.1%})",
                p_fail,
            )
        )
    if bool(failure["rising"]):
        earlier = int(failure["failures"] - failure["recent_failures"])
        reasons.append(
            RiskReason(
                "failures_rising",
                f"{int(failure['recent_failures'])} failures in the last "
                f"{cfg.failure.recent_days:g} days against {earlier} in the "
                f"{cfg.lookback_days - cfg.failure.recent_days:g} before",
                float(failure["rising_pvalue"]),
            )
        )
    if failure["top_pattern_count"] >= 2:
        pattern = str(failure["top_pattern"])
        text = templates.get(pattern, pattern)
        reasons.append(
            RiskReason(
                "recurring_error",
                f"the same error {int(failure['top_pattern_count'])} times: {text[:160]}",
                float(failure["top_pattern_count"]),
            )
        )
    p_late = float(late["late_probability"])
    if p_late >= 0.05 and np.isfinite(late["deadline_offset"]):
        sched, deadline = _schedule_tonight(late, tonight)
        reasons.append(
            RiskReason(
                "late_risk",
                f"{p_late:.0%} chance to miss its {deadline:%H:%M} UTC deadline: needs "
                f"{human_duration(runtime['predicted_seconds'])} (p90 "
                f"{human_duration(runtime['p90_seconds'])}) from {_usual_start(late, sched)}"
                + (f"; {_exposure(late)}" if _mostly_upstream(late) else ""),
                p_late,
            )
        )
    if late["late_nights"] > 0:
        reasons.append(
            RiskReason(
                "late_history",
                f"finished late on {int(late['late_nights'])} of its last "
                f"{int(late['deadline_nights'])} nights",
                float(late["late_nights"]),
            )
        )
    growth = float(runtime["weekly_growth"])
    if growth > 0:
        in_six_weeks = runtime["predicted_seconds"] * (1 + growth) ** 6
        reasons.append(
            RiskReason(
                "runtime_growth",
                f"runtime growing {growth:.1%} a week: "
                f"{human_duration(runtime['predicted_seconds'])} tonight, about "
                f"{human_duration(in_six_weeks)} in six weeks",
                growth,
            )
        )
    last_z = float(runtime["last_z"])
    if np.isfinite(last_z) and last_z >= cfg.anomaly_z:
        reasons.append(
            RiskReason(
                "runtime_anomaly",
                f"its last run took {human_duration(runtime['last_seconds'])}, far beyond its "
                f"usual {human_duration(runtime['median_seconds'])} ({last_z:.0f} robust sd)",
                last_z,
            )
        )
    factor = float(runtime["month_end_factor"])
    if bool(runtime["month_end_tonight"]) and np.isfinite(factor) and factor >= 1.3:
        reasons.append(
            RiskReason(
                "month_end",
                f"month end tonight: it has run {factor:.1f}x its usual time at month end",
                factor,
            )
        )
    if not reasons:
        reasons.append(_baseline_reason(failure, late, tonight))
    return tuple(reasons)


def _schedule_tonight(late: Mapping[str, Any], tonight: datetime) -> tuple[float, datetime]:
    """Tonight's scheduled time of the job (epoch seconds) and its deadline."""
    sched = epoch_seconds(tonight) + float(np.nan_to_num(late["sched_of_day"]))
    return sched, datetime.fromtimestamp(sched + float(late["deadline_offset"]), UTC)


def _usual_start(late: Mapping[str, Any], sched: float) -> str:
    """``a usual start at 01:10``, or the range of recent starts when they spread widely
    (its predecessors' runtimes vary): the start, not the runtime, is then the risk."""

    def at(column: str) -> str:
        return f"{datetime.fromtimestamp(sched + float(late[column]), UTC):%H:%M}"

    spread = float(late["latest_start_offset"]) - float(late["earliest_start_offset"])
    if np.isfinite(spread) and spread >= WIDE_START_SPREAD_SECONDS:
        return (
            f"a start between {at('earliest_start_offset')} and {at('latest_start_offset')} lately"
        )
    return f"a usual start at {at('usual_start_offset')}"


def _mostly_upstream(late: Mapping[str, Any]) -> bool:
    """Most of the job's late risk comes from a hang among the jobs before it."""
    return float(late["upstream_hang_probability"]) >= 0.5 * float(late["late_probability"])


def _exposure(late: Mapping[str, Any]) -> str:
    """What would make the job late: a hang before it in its stream, or one of its own."""
    before = int(late["jobs_before"])
    slack = human_duration(max(0.0, float(np.nan_to_num(late["slack_seconds"]))))
    if before and _mostly_upstream(late):
        return (
            f"{before} job{'s' if before != 1 else ''} run before it in its stream, and a hang "
            f"in any of them would use up its {slack} of slack"
        )
    return f"a hang of its own would use up its {slack} of slack"


def _baseline_reason(
    failure: Mapping[str, Any], late: Mapping[str, Any], tonight: datetime
) -> RiskReason:
    """Why a job without any stand-out sign still carries a risk: the larger of its two
    everyday risks, in words (every score is explained)."""
    p_fail, p_late = float(failure["probability"]), float(late["late_probability"])
    if p_late > p_fail and np.isfinite(late["deadline_offset"]):
        _, deadline = _schedule_tonight(late, tonight)
        return RiskReason(
            "late_exposure",
            f"{p_late:.0%} chance to miss its {deadline:%H:%M} UTC deadline: {_exposure(late)}",
            p_late,
        )
    failures, runs = int(failure["failures"]), int(failure["runs"])
    return RiskReason(
        "failure_baseline",
        f"{p_fail:.0%} chance to fail tonight: {failures} failure{'s' if failures != 1 else ''} "
        f"in its last {runs} runs, on a workstation where {float(failure['prior']):.1%} of runs "
        "fail",
        p_fail,
    )
