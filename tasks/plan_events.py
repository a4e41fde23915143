"""Moved to :mod:`resync_analytics.plan_events` (plain logic); kept so old imports still work."""

from resync_analytics.plan_events import job_events as job_events
from resync_analytics.plan_events import workstation_events as workstation_events
