"""Which second-tier entities stay beside the first tier.

The second tier (see :func:`salience.related_entities`) reads up to ten lines either side of
the root-cause line. When the first tier already names the file or script the failure is about,
a further file from those lines is the job's set-up (its working directory, its interpreter, the
input it read before, the archive it would have written next), not the one that failed; when it
names the host, a further host is another node of the job (a worker, the agent, a jump host);
when it names a frame, a further frame is another level of the same stack. An object or a
code may still complete it.

Of what remains, only the first (an error statement of the chain before the nearest line) is
kept: on the development parts one further entity in five is labelled, and the later ones of a
log almost never (2 of 65). Leave-one-source-out over the 200 development sources (real threads
and written families) chooses a cap of 1 for 199 of them under F2 (recall weighted, the goal
being 90% recall against 70% precision): real development recall 80.2% -> 79.9%, precision
63.5% -> 66.2%; written 92.7% -> 91.1%, 54.8% -> 58.5%. F1 would drop the tier (real recall
76.5%, written 80.6%).

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
    frozenset({"frame"}),
)
"""Roles that locate the failed resource or code: one of each is enough (a stack is named by
one frame, see :func:`precision.keep_entities`)."""

MAX_KEPT = 1
"""Second-tier entities kept (chosen by leave-one-source-out, see the module docstring)."""

LOCATIONS_DROPPED: frozenset[EntityRole] = frozenset()
"""Which second-tier locations (files and scripts, hosts and ports, frames) are left out even
when the first tier names none: a line up to ten away that names a place is mostly the job's
set-up (its working directory, a tool's path, another node), while an object, code or account
there may still complete the cause. Chosen leave-one-source-out by
``bench/joblog_entity_choices.py``. None: dropping files, hosts and frames wins under F1 on all
284 folds (real and written development precision 63.3% -> 65.7%, recall 82.3% -> 80.8%) and
dropping files alone nearly ties under F2, but either takes the written corpus's (88.3% ->
85.2% or 86.4%) and the simulator's recall (90.4% -> 86.9% or 88.9%) under their floors."""


def relevant_related(related: Sequence[Entity], named: Sequence[Entity]) -> list[Entity]:
    """The first ``MAX_KEPT`` of ``related`` without the files and scripts, or hosts and
    ports, of which ``named`` (the first tier) names one already."""
    named_roles = {role_of(e) for e in named}
    located = [group for group in RESOURCES if group & named_roles]
    kept = [e for e in related if not any(role_of(e) in group for group in located)]
    kept = [e for e in kept if role_of(e) not in LOCATIONS_DROPPED]
    return kept[:MAX_KEPT]


__all__ = ["LOCATIONS_DROPPED", "MAX_KEPT", "RESOURCES", "relevant_related"]
