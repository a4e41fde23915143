"""Which failures are one incident: cause fingerprints, ABEND storms and incident lifetimes.

Two failures are the same incident when they share a *fingerprint*:

- a **cause** fingerprint: the category, the normalised error pattern and the resources named on
  the error line (path, host, table, user...). Two jobs missing the same trigger file share it;
  two jobs missing different files do not (the history of the pattern still links them).
- a **storm** fingerprint: many distinct jobs failing within a short window for one shared
  reason (the database is down: hundreds of ``ORA-12541``/``ORA-12170`` in ten minutes). For
  shared-dependency categories (network, database, ...) the category alone decides, because
  the same outage shows through different programs and messages; for other categories the
  error pattern must match too.

An open incident stops absorbing failures once it has been quiet for longer than its lifetime
(a storm ends when no new failure has arrived for a window); the next failure then opens a new
incident. Plain logic: no database, no Prefect.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

# Categories whose failures usually share one outside dependency (a database, a network, a
# directory service, a file system): a burst of them is one outage, whatever the message.
SHARED_DEPENDENCY_CATEGORIES = frozenset(
    {"network", "database", "authentication", "timeout", "disk_full", "resource_busy"}
)

CAUSE_PREFIX = "cause"
STORM_PREFIX = "storm"

_WHITESPACE = re.compile(r"\s+")
_REPEATED_WILDCARDS = re.compile(r"<\*>(?:[\s,;:]*<\*>)+")


@dataclass(frozen=True)
class GroupingPolicy:
    """How failures are grouped into incidents.

    ``storm_window``: failures this close in time can be one storm, and a storm incident that
    received nothing for this long is over. ``storm_min_jobs``: distinct jobs needed to call it
    a storm. ``cause_quiet_period``: an open cause incident without a new failure for this long
    is considered dealt with; the next failure opens a new one.
    """

    storm_window: timedelta = timedelta(minutes=15)
    storm_min_jobs: int = 5
    cause_quiet_period: timedelta = timedelta(hours=24)

    def __post_init__(self) -> None:
        if self.storm_min_jobs < 2:
            raise ValueError("a storm needs at least 2 jobs")
        if self.storm_window <= timedelta(0) or self.cause_quiet_period <= timedelta(0):
            raise ValueError("windows must be positive")


@dataclass(frozen=True)
class Failure:
    """One failed run as grouping sees it.

    ``pattern_id`` identifies the error pattern (empty when the joblog stated none);
    ``failed_at`` is when the run ended (TWS time).
    """

    run_id: str
    job_key: str
    category: str
    pattern_id: str
    failed_at: datetime


@dataclass(frozen=True)
class Storm:
    """Many distinct jobs failing together for one shared reason."""

    fingerprint: str
    key: str
    job_count: int
    run_ids: tuple[str, ...]
    first_failed_at: datetime
    last_failed_at: datetime


def normalise_pattern(pattern: str) -> str:
    """``pattern`` with whitespace collapsed and runs of ``<*>`` merged (case is kept)."""
    text = _WHITESPACE.sub(" ", pattern).strip()
    return _REPEATED_WILDCARDS.sub("<*>", text)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def cause_fingerprint(category: str, pattern: str, error_text: str, entities: Iterable[str]) -> str:
    """The fingerprint of a failure's specific cause: ``cause:<category>:<hash>``.

    The hash covers the normalised pattern and the entities that occur on the error line
    itself (the resources the failing statement names). Stable across processes and releases.
    """
    resources = sorted({entity for entity in entities if entity and entity in error_text})
    return f"{CAUSE_PREFIX}:{category}:{_digest(normalise_pattern(pattern), *resources)}"


def storm_key(category: str, pattern_id: str) -> str:
    """What failures of one storm share: the category alone for shared-dependency categories,
    else the category and the error pattern."""
    if category in SHARED_DEPENDENCY_CATEGORIES:
        return category
    return f"{category}:{pattern_id}" if pattern_id else ""


def storm_fingerprint(key: str) -> str:
    return f"{STORM_PREFIX}:{key}"


def is_storm_fingerprint(fingerprint: str) -> bool:
    return fingerprint.startswith(f"{STORM_PREFIX}:")


def detect_storm(
    failure: Failure, neighbours: Iterable[Failure], policy: GroupingPolicy
) -> Storm | None:
    """The storm ``failure`` belongs to, judged from failures around it; None when it is alone.

    ``neighbours`` may include ``failure`` itself and failures outside the window (they are
    ignored). The answer depends only on the failures given, not on the wall clock, so
    analysing the same run again gives the same grouping.
    """
    key = storm_key(failure.category, failure.pattern_id)
    if not key or failure.category in ("success", "unknown"):
        return None
    window = policy.storm_window
    together = {failure.run_id: failure}
    for other in neighbours:
        if (
            storm_key(other.category, other.pattern_id) == key
            and abs(other.failed_at - failure.failed_at) <= window
        ):
            together[other.run_id] = other
    jobs = {member.job_key for member in together.values()}
    if len(jobs) < policy.storm_min_jobs:
        return None
    members = sorted(together.values(), key=lambda m: (m.failed_at, m.run_id))
    return Storm(
        fingerprint=storm_fingerprint(key),
        key=key,
        job_count=len(jobs),
        run_ids=tuple(member.run_id for member in members),
        first_failed_at=members[0].failed_at,
        last_failed_at=members[-1].failed_at,
    )


def detect_storms(
    failures: Sequence[Failure], policy: GroupingPolicy, context: Iterable[Failure] = ()
) -> dict[str, Storm]:
    """The storm of each of ``failures`` that is part of one, keyed by run id.

    ``context`` holds other failures to judge by (e.g. those already stored); ``failures``
    count as context too. Failures are bucketed by storm key first, so a batch of thousands
    costs little more than one pass per bucket.
    """
    buckets: dict[str, dict[str, Failure]] = {}
    for failure in [*context, *failures]:
        key = storm_key(failure.category, failure.pattern_id)
        if key and failure.category not in ("success", "unknown"):
            buckets.setdefault(key, {})[failure.run_id] = failure
    storms: dict[str, Storm] = {}
    for failure in failures:
        bucket = buckets.get(storm_key(failure.category, failure.pattern_id), {})
        if len({member.job_key for member in bucket.values()}) < policy.storm_min_jobs:
            continue
        storm = detect_storm(failure, bucket.values(), policy)
        if storm is not None:
            storms[failure.run_id] = storm
    return storms


def is_quiet(
    fingerprint: str, last_failed_at: datetime | None, failed_at: datetime, policy: GroupingPolicy
) -> bool:
    """Whether an open incident last fed at ``last_failed_at`` is over for a failure at
    ``failed_at`` (a new incident should be opened instead of joining it)."""
    if last_failed_at is None:
        return False
    return failed_at - last_failed_at > quiet_period(fingerprint, policy)


def quiet_period(fingerprint: str, policy: GroupingPolicy) -> timedelta:
    """How long an open incident of ``fingerprint`` may go without a new failure before it
    is over: a storm's window, else the cause quiet period."""
    return policy.storm_window if is_storm_fingerprint(fingerprint) else policy.cause_quiet_period
