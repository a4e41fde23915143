"""What a scheduler can do before tonight's batch about a job at risk: concrete actions.

Each action follows from a reason of the score, and names the conman command where there is
one (quoted whole: the argument contains ``;``). None of them is carried out by the product:
they are proposals for the people who own the plan.
"""

from __future__ import annotations

from resync_analytics.joblog.models import tws_name_problem
from resync_analytics.maintenance.risk import human_duration
from resync_core.risk import JobRisk

# conman's highest numeric priority short of "go": the job starts as soon as it is ready.
HIGH_PRIORITY = 99
PLACEHOLDER_SELECTOR = "<WS>#<JOBSTREAM>.<JOB>"


def _selector(job_key: str) -> str:
    """``WORKSTATION#STREAM.JOB`` (conman's job selector as it stands) when every name is a
    valid TWS name; placeholders otherwise, so a pasted command never runs anything else."""
    workstation, _, rest = job_key.rpartition("#")
    stream, _, job = rest.partition(".")
    names = [("job stream", stream), ("job", job)]
    if workstation:
        names.append(("workstation", workstation))
    if any(tws_name_problem(kind, name) for kind, name in names):
        return PLACEHOLDER_SELECTOR
    return job_key


def _stream_selector(job_stream: str) -> str:
    """``WORKSTATION#STREAM`` as it stands when its names are valid, else placeholders."""
    workstation, _, stream = job_stream.rpartition("#")
    names = [("job stream", stream)] + ([("workstation", workstation)] if workstation else [])
    if any(tws_name_problem(kind, name) for kind, name in names):
        return "<WS>#<JOBSTREAM>"
    return job_stream


def suggest_actions(risk: JobRisk) -> tuple[str, ...]:
    """The actions worth taking for ``risk`` before the batch, most useful first."""
    kinds = {reason.kind for reason in risk.reasons}
    actions: list[str] = []
    if "late_risk" in kinds:
        if risk.chronically_late:
            actions.append(
                "Late most nights: move the stream's deadline or start it earlier in the "
                "database plan, or shorten its critical path; tonight's run cannot fix it."
            )
        else:
            actions.append(
                "Let it start the moment it is ready: "
                f'conman "ap {_selector(risk.job_key)};{HIGH_PRIORITY}"; and watch its '
                f"predecessors (it needs about {human_duration(risk.p90_seconds)} at worst)."
            )
    if "late_exposure" in kinds:
        actions.append(
            "Watch its stream while it runs: a job before it that hangs leaves it no room "
            f'(conman "sj {_stream_selector(risk.job_stream)}.@").'
        )
    if "runtime_growth" in kinds:
        actions.append(
            f"Runtime grows {risk.weekly_growth:.1%} a week: look for growing input or a "
            "missing purge, or move it to a less loaded workstation before it hits its deadline."
        )
    if "month_end" in kinds:
        actions.append("Month end: check that its workstation's limit leaves room for it.")
    if kinds & {"failure_rate", "failures_rising", "recurring_error"}:
        actions.append(
            "Check the cause of its recent failures before the run (its last incidents: "
            "`resync-flows incident list`); after a failure it reruns with "
            f'conman "rr {_selector(risk.job_key)};noask" once fixed.'
        )
    if "runtime_anomaly" in kinds:
        actions.append(
            "Its last run took far longer than usual: check it did not leave locks or "
            "half-written files behind before tonight's run."
        )
    return tuple(actions)
