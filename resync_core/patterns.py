"""Error patterns: the domain types that cross layers.

The PostgreSQL adapter reads ``ErrorLine`` from failed runs and stores ``PatternSighting``;
the pattern miner (``resync_analytics.patterns``) turns the lines into the sightings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ErrorLine:
    """The line of a failed run's joblog that states its root cause."""

    run_id: str
    job_key: str
    text: str
    category: str | None
    failed_at: datetime


@dataclass(frozen=True)
class PatternSighting:
    """A pattern seen in a batch of error lines: its template, the category most of its
    lines carry (None when none does) and when it was first and last seen."""

    pattern_id: str
    template: str
    category: str | None
    first_seen: datetime
    last_seen: datetime
