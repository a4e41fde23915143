"""The event that announces an analysed incident. Plain logic: no database, no Prefect."""

from __future__ import annotations

from resync_analytics.incident_view import IncidentView
from resync_analytics.masking import mask_secrets
from resync_core.events import INCIDENT_ANALYZED, DomainEvent, job_resource_id
from resync_core.job_runs import JobRunRecord


def incident_event(view: IncidentView, run: JobRunRecord, report_key: str) -> DomainEvent:
    """``resync.incident.analyzed`` for ``run`` in ``view``'s incident (one per incident and
    run: re-running the analysis re-sends the same event id). The root cause is masked."""
    incident = view.incident
    return DomainEvent(
        name=INCIDENT_ANALYZED,
        resource_id=job_resource_id(run.workstation, run.job_stream, run.job_name),
        idempotency_key=f"{INCIDENT_ANALYZED}:{incident.id}:{run.run_id}",
        payload={
            "incident_id": incident.id,
            "run_id": run.run_id,
            "job_key": run.job_key,
            "workstation": run.workstation,
            "job_stream": run.job_stream,
            "job_name": run.job_name,
            "category": incident.category,
            "root_cause": mask_secrets(incident.root_cause),
            "error_line": incident.error_line,
            "confidence": round(incident.confidence, 3),
            "fingerprint": incident.fingerprint,
            "storm": view.storm is not None,
            "affected_runs": view.affected_count,
            "source": view.source,
            "report_artifact": report_key,
        },
        resource_labels={
            "tws.workstation": run.workstation,
            "tws.job_stream": run.job_stream,
            "tws.job": run.job_name,
            "resync.incident.id": str(incident.id),
        },
    )
