"""Per-job good-run profiles in PostgreSQL: counts add up, a replayed run changes nothing, and
a job keeps at most its bound of templates, the least recently seen evicted (migration 0012),
and a profile written under another template version is read as missing and relearnt (0013)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resync_clients.postgres.joblog_profiles import (
    load_profiles,
    profile_ages,
    record_good_run,
)

JOB = "FTA01#NIGHTLY.LOAD"
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
V = "masks9.line1"


def stored_counts(store, job_key: str) -> dict[int, tuple[int, datetime]]:
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT template_hash, seen_count, last_seen FROM joblog_profile_templates"
            " WHERE job_key = %s",
            (job_key,),
        ).fetchall()
    return {r["template_hash"]: (r["seen_count"], r["last_seen"]) for r in rows}


def test_upsert_adds_counts_and_moves_last_seen(store) -> None:
    with store.connection() as conn:
        first = record_good_run(conn, JOB, "r1", {11: 2, -22: 1}, T0, template_version=V)
        second = record_good_run(
            conn, JOB, "r2", {11: 1, 33: 4}, T0 + timedelta(days=1), template_version=V
        )
    assert (first.learnt, first.added, first.refreshed) == (True, 2, 0)
    assert (second.learnt, second.added, second.refreshed) == (True, 1, 1)
    counts = stored_counts(store, JOB)
    assert counts[11] == (3, T0 + timedelta(days=1))
    assert counts[-22] == (1, T0)
    assert counts[33][0] == 4
    with store.connection() as conn:
        profile = load_profiles(conn, [JOB, "OTHER#JOB.X"], template_version=V)
        ages = profile_ages(conn, [JOB, "OTHER#JOB.X"], template_version=V)
    assert set(profile) == {JOB} and profile[JOB].runs_learnt == 2
    assert profile[JOB].hashes == frozenset({11, -22, 33})
    assert ages == {JOB: T0 + timedelta(days=1)}


def test_a_replayed_run_changes_nothing(store) -> None:
    with store.connection() as conn:
        record_good_run(conn, JOB, "r1", {11: 2}, T0, template_version=V)
        again = record_good_run(conn, JOB, "r1", {11: 2}, T0, template_version=V)
        profile = load_profiles(conn, [JOB], template_version=V)[JOB]
    assert not again.learnt
    assert profile.runs_learnt == 1
    assert stored_counts(store, JOB)[11][0] == 2


def test_size_is_bounded_and_the_least_recently_seen_are_evicted(store) -> None:
    with store.connection() as conn:
        first = record_good_run(
            conn, JOB, "r1", {h: 1 for h in range(10)}, T0, max_templates=8, template_version=V
        )
        assert first.evicted == 2 and len(stored_counts(store, JOB)) == 8
        # The next run sees 0..3 again and brings 100..103: the rest of r1's were seen least
        # recently and make room.
        second = record_good_run(
            conn,
            JOB,
            "r2",
            {**{h: 1 for h in range(4)}, **{h: 1 for h in range(100, 104)}},
            T0 + timedelta(hours=1),
            max_templates=8,
            template_version=V,
        )
    kept = stored_counts(store, JOB)
    assert second.evicted == 4
    assert set(kept) == set(range(4)) | set(range(100, 104))
    assert all(kept[h][0] == 2 for h in range(4))


def test_a_good_run_without_error_lines_is_a_profile_too(store) -> None:
    with store.connection() as conn:
        record_good_run(conn, JOB, "r1", {}, T0, template_version=V)
        profile = load_profiles(conn, [JOB], template_version=V)[JOB]
    assert profile.runs_learnt == 1 and profile.hashes == frozenset()


def test_bound_must_be_positive(store) -> None:
    with store.connection() as conn, pytest.raises(ValueError):
        record_good_run(conn, JOB, "r1", {1: 1}, T0, max_templates=0, template_version=V)


def test_a_profile_of_another_template_version_is_missing_until_relearnt(store) -> None:
    later = T0 + timedelta(days=1)
    with store.connection() as conn:
        record_good_run(conn, JOB, "r1", {11: 2, 22: 1}, T0, template_version="masks3.line1")
        # Hashes of other masks match nothing today: the job reads as unprofiled and due.
        assert load_profiles(conn, [JOB], template_version=V) == {}
        assert profile_ages(conn, [JOB], template_version=V) == {}
        relearnt = record_good_run(conn, JOB, "r2", {11: 1, 33: 1}, later, template_version=V)
        profile = load_profiles(conn, [JOB], template_version=V)[JOB]
        old = load_profiles(conn, [JOB], template_version="masks3.line1")
    assert relearnt.learnt and relearnt.relearnt and relearnt.added == 2
    assert profile.runs_learnt == 1 and profile.hashes == frozenset({11, 33})
    assert stored_counts(store, JOB)[11] == (1, later)  # the old count did not carry over
    assert old == {}


def test_a_profile_written_before_versions_were_stored_is_relearnt(store) -> None:
    with store.connection() as conn:
        conn.execute(
            "INSERT INTO joblog_profiles (job_key, runs_learnt, updated_at, last_run_id)"
            " VALUES (%s, 5, %s, 'r0')",
            (JOB, T0),
        )
        assert load_profiles(conn, [JOB], template_version=V) == {}
        write = record_good_run(conn, JOB, "r1", {7: 1}, T0, template_version=V)
        assert write.relearnt
        assert load_profiles(conn, [JOB], template_version=V)[JOB].runs_learnt == 1
