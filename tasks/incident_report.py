"""The incident report as a Prefect artifact with a stable key per incident.

``publish_incident_report`` stores the markdown of
:func:`resync_analytics.incident_report.render_incident_report` as the artifact
``incident-<id>`` (every publication is a new version of the same key, so the UI always shows
the latest state of the incident).
"""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact
from prefect.cache_policies import NO_CACHE

from resync_analytics.incident_report import artifact_key, render_incident_report
from resync_analytics.incident_similarity import SimilarIncident
from resync_analytics.incident_view import IncidentView
from resync_analytics.masking import mask_secrets


@task(name="publish-incident-report", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
async def publish_incident_report(view: IncidentView, similar: tuple[SimilarIncident, ...]) -> str:
    """Publish the report as the markdown artifact ``incident-<id>``; returns the key."""
    key = artifact_key(view.incident.id)
    markdown = render_incident_report(view, similar)
    await acreate_markdown_artifact(
        markdown=markdown,
        key=key,
        description=mask_secrets(f"{view.incident.category}: {view.incident.root_cause}")[:500],
    )
    get_run_logger().info("incident report published as artifact %s", key)
    return key
