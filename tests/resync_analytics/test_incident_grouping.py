"""Cause fingerprints, ABEND storm detection and incident lifetimes (plain logic)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resync_analytics.incident_grouping import (
    Failure,
    GroupingPolicy,
    cause_fingerprint,
    detect_storm,
    detect_storms,
    is_quiet,
    is_storm_fingerprint,
    normalise_pattern,
    storm_key,
)
from resync_analytics.incident_similarity import FeedbackNote, PastIncident, rank_similar_incidents

T0 = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)


def failure(n: int, category: str = "network", pattern: str = "p1", minutes: float = 0) -> Failure:
    return Failure(
        run_id=f"run-{n}",
        job_key=f"WS#STREAM{n}.JOB{n}",
        category=category,
        pattern_id=pattern,
        failed_at=T0 + timedelta(minutes=minutes),
    )


def test_same_message_on_the_same_resource_has_one_fingerprint():
    first = cause_fingerprint(
        "file_not_found",
        "cat: <*>: No such file or directory",
        "cat: /data/in/trigger.ok: No such file or directory",
        ["/data/in/trigger.ok", "cat"],
    )
    again = cause_fingerprint(
        "file_not_found",
        "cat:  <*>:   No such file or directory ",
        "cat: /data/in/trigger.ok: No such file or directory",
        ["cat", "/data/in/trigger.ok", "/elsewhere/not/on/the/line"],
    )
    assert first == again
    assert first.startswith("cause:file_not_found:")


def test_same_message_on_another_resource_is_another_cause():
    a = cause_fingerprint(
        "file_not_found", "cat: <*>: No such file", "cat: /a: No such file", ["/a"]
    )
    b = cause_fingerprint(
        "file_not_found", "cat: <*>: No such file", "cat: /b: No such file", ["/b"]
    )
    assert a != b


def test_category_is_part_of_the_fingerprint():
    assert cause_fingerprint("network", "x <*>", "x 1", []) != cause_fingerprint(
        "timeout", "x <*>", "x 1", []
    )


def test_normalise_pattern_merges_wildcards_and_spaces():
    assert normalise_pattern("  ORA-<*>  <*>, <*>  failed\t") == "ORA-<*> failed"


def test_many_jobs_failing_together_for_a_shared_dependency_are_a_storm():
    policy = GroupingPolicy(storm_window=timedelta(minutes=15), storm_min_jobs=5)
    # Different messages (ORA-12541, ORA-12170...) of one outage: the category decides.
    failures = [failure(n, pattern=f"p{n % 3}", minutes=n) for n in range(8)]
    storm = detect_storm(failures[0], failures, policy)
    assert storm is not None
    assert storm.fingerprint == "storm:network"
    assert storm.job_count == 8
    assert set(storm.run_ids) == {f.run_id for f in failures}
    assert is_storm_fingerprint(storm.fingerprint)


def test_few_failures_or_far_apart_failures_are_no_storm():
    policy = GroupingPolicy(storm_window=timedelta(minutes=15), storm_min_jobs=5)
    few = [failure(n) for n in range(4)]
    assert detect_storm(few[0], few, policy) is None
    spread = [failure(n, minutes=n * 30) for n in range(10)]
    assert detect_storm(spread[0], spread, policy) is None


def test_reruns_of_one_job_do_not_make_a_storm():
    policy = GroupingPolicy(storm_min_jobs=3)
    same_job = [
        Failure(f"run-{n}", "WS#S.J", "network", "p", T0 + timedelta(seconds=n)) for n in range(9)
    ]
    assert detect_storm(same_job[0], same_job, policy) is None


def test_other_categories_need_the_same_pattern_to_be_a_storm():
    policy = GroupingPolicy(storm_min_jobs=5)
    mixed = [failure(n, category="file_not_found", pattern=f"p{n}") for n in range(10)]
    assert detect_storms(mixed, policy) == {}
    same = [failure(n, category="file_not_found", pattern="p") for n in range(10)]
    storms = detect_storms(same, policy)
    assert len(storms) == 10
    assert {s.fingerprint for s in storms.values()} == {"storm:file_not_found:p"}
    assert storm_key("unknown", "") == ""


def test_detect_storms_counts_stored_failures_as_context():
    policy = GroupingPolicy(storm_min_jobs=5)
    stored = [failure(n) for n in range(1, 6)]
    (storm,) = detect_storms([failure(0)], policy, stored).values()
    assert storm.job_count == 6


def test_an_open_incident_goes_quiet_after_its_lifetime():
    policy = GroupingPolicy(
        storm_window=timedelta(minutes=15), cause_quiet_period=timedelta(hours=24)
    )
    assert not is_quiet("cause:x:1", T0, T0 + timedelta(hours=23), policy)
    assert is_quiet("cause:x:1", T0, T0 + timedelta(hours=25), policy)
    assert is_quiet("storm:network", T0, T0 + timedelta(minutes=16), policy)
    assert not is_quiet("storm:network", None, T0, policy)


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError):
        GroupingPolicy(storm_min_jobs=1)
    with pytest.raises(ValueError):
        GroupingPolicy(storm_window=timedelta(0))


def past(
    n: int, fingerprint: str, feedback=(), days_ago: int = 1, status="resolved"
) -> PastIncident:
    return PastIncident(
        incident_id=n,
        fingerprint=fingerprint,
        pattern_id="p",
        category="network",
        root_cause=f"cause {n}",
        job_key="WS#S.J",
        status=status,
        created_at=T0 - timedelta(days=days_ago),
        resolved_at=None,
        run_count=1,
        feedback=tuple(feedback),
    )


def test_similar_incidents_with_a_helpful_resolution_come_first():
    helpful = FeedbackNote("helpful", "Restarted the listener on dbhost", "ana", T0)
    wrong = FeedbackNote("wrong", None, "bo", T0)
    ranked = rank_similar_incidents(
        [
            past(1, "cause:a", days_ago=1),
            past(2, "cause:b", [helpful], days_ago=30),
            past(3, "cause:a", [wrong], days_ago=2),
            past(4, "cause:a", days_ago=3),
        ],
        fingerprint="cause:a",
        limit=3,
    )
    assert [item.incident.incident_id for item in ranked] == [2, 1, 4]
    assert ranked[0].incident.resolutions == ("Restarted the listener on dbhost",)
    assert not ranked[0].same_cause and ranked[1].same_cause
