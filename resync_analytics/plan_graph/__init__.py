"""Late risk along the plan's dependency graph: Monte Carlo over the DAG, latest safe ends,
critical paths, what-ifs and stuck jobs. Pure: arrays in, arrays and dataclasses out.
"""

from resync_analytics.plan_graph.critical_path import (
    DeadlineRisk,
    HotJob,
    deadline_risks,
    latest_safe_end,
)
from resync_analytics.plan_graph.graph import PlanDag, PlanGraphCycleError, build_dag
from resync_analytics.plan_graph.simulate import (
    RuntimeDistribution,
    Simulation,
    Tonight,
    runtime_distribution,
    simulate,
)
from resync_analytics.plan_graph.stuck import StuckJob, stuck_jobs
from resync_analytics.plan_graph.what_if import (
    MissedDeadline,
    Scenario,
    SinglePointOfFailure,
    WhatIf,
    single_points_of_failure,
    what_if,
)

__all__ = [
    "DeadlineRisk",
    "HotJob",
    "MissedDeadline",
    "PlanDag",
    "PlanGraphCycleError",
    "RuntimeDistribution",
    "Scenario",
    "Simulation",
    "SinglePointOfFailure",
    "StuckJob",
    "Tonight",
    "WhatIf",
    "build_dag",
    "deadline_risks",
    "latest_safe_end",
    "runtime_distribution",
    "simulate",
    "single_points_of_failure",
    "stuck_jobs",
    "what_if",
]
