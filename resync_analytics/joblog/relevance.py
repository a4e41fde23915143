"""Which second-tier entities stay beside the first tier.

The second tier (see :func:`salience.related_entities`) reads up to ten lines either side of
the root-cause line. When the first tier already names the file or script the failure is about,
a further file from those lines is the job's set-up (its working directory, its interpreter, the
input it read before, the archive it would have written next), not the one that failed; when it
names the host, a further host is another node of the job (a worker, the agent, a jump host).
A stack frame, an object or a code may still complete it.

On the development parts this drops no labelled entity of the written source and one of the
real one (a client's program path beside the socket it could not reach) while raising precision
on both by about three points; a cap on the lines' distance instead, chosen on the real part
(3 lines), lost a sixth of the written part's recall (bench/joblog_relevance.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from resync_analytics.joblog.entities import Entity, EntityRole, role_of

RESOURCES: tuple[frozenset[EntityRole], ...] = (
    frozenset({"path", "script"}),
    frozenset({"host", "port"}),
)
"""Roles that locate the failed resource: one of each is enough."""


def relevant_related(related: Sequence[Entity], named: Sequence[Entity]) -> list[Entity]:
    """``related`` without the files and scripts, or hosts and ports, of which ``named`` (the
    first tier) names one already."""
    named_roles = {role_of(e) for e in named}
    located = [group for group in RESOURCES if group & named_roles]
    return [e for e in related if not any(role_of(e) in group for group in located)]


__all__ = ["RESOURCES", "relevant_related"]
