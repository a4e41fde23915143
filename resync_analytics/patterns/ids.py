"""Stable ids for error patterns (joblog error templates).

The poller stores this id with each failed run's joblog and the incident analysis stores it
with each incident; both must compute it the same way, or an incident loses its history.
"""

from __future__ import annotations

import hashlib


def pattern_id(pattern: str) -> str:
    """A short stable id for an error pattern (the same template, the same id): the first 16
    hex digits of the template's SHA-1. Changing the rule orphans every stored id."""
    return hashlib.sha1(pattern.encode("utf-8")).hexdigest()[:16]
