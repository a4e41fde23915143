"""Which second-tier entities stay beside the first tier.

The second tier (see :func:`salience.related_entities`) reads up to ten lines either side of
the root-cause line. When the first tier already names the file or script the failure is about,
a further file from those lines is the job's set-up (its working directory, its interpreter, the
input it read before, the archive it would have written next), not the one that failed; a stack
frame or a non-file entity may still complete it.

On the development parts this drops no labelled entity of either source (written or real) and
raises precision on both; a cap on the lines' distance instead, chosen on the real part (3
lines), lost a sixth of the written part's recall (bench/joblog_relevance.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from resync_analytics.joblog.entities import Entity, EntityRole, role_of

_FILES: frozenset[EntityRole] = frozenset({"path", "script"})


def relevant_related(related: Sequence[Entity], named: Sequence[Entity]) -> list[Entity]:
    """``related`` without files and scripts when ``named`` (the first tier) names one."""
    if not any(role_of(e) in _FILES for e in named):
        return list(related)
    return [e for e in related if role_of(e) not in _FILES]


__all__ = ["relevant_related"]
