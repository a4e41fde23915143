"""What changed between two observations of the plan's job runs.

Plain logic: no Prefect, no database, no HTTP. The poller asks it what changed since the
stored state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from resync_core.job_runs import JobRunRecord, StatusTransition


def detect_transitions(
    previous_status: Mapping[str, str],
    runs: Iterable[JobRunRecord],
    observed_at: datetime,
) -> list[StatusTransition]:
    """Transitions of ``runs`` against ``previous_status`` (run id → internal status).

    A run not in ``previous_status`` is new and yields a transition from None; a run whose
    status is unchanged yields nothing, so replaying the same observation is harmless.
    """
    transitions: list[StatusTransition] = []
    for run in runs:
        before = previous_status.get(run.run_id)
        if before == run.internal_status:
            continue
        transitions.append(
            StatusTransition(
                run_id=run.run_id,
                job_key=run.job_key,
                from_internal_status=before,
                to_internal_status=run.internal_status,
                to_status=run.status,
                return_code=run.return_code,
                observed_at=observed_at,
            )
        )
    return transitions
