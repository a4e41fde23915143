"""Failed runs per pattern and night, as surge detection reads them from PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resync_clients.postgres.patterns import (
    nightly_pattern_counts,
    pattern_templates,
    top_pattern_sources,
)

UNTIL = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def add(conn, pattern_id: str, first_seen: datetime, runs: list[tuple[datetime, str]]) -> None:
    conn.execute(
        "INSERT INTO error_patterns (pattern_id, template, first_seen, last_seen)"
        " VALUES (%s, %s, %s, %s)",
        (pattern_id, f"template {pattern_id}", first_seen, first_seen),
    )
    for number, (ended, job) in enumerate(runs):
        run_id = f"{pattern_id}-{number}"
        conn.execute(
            "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name,"
            " status, internal_status, end_time)"
            " VALUES (%s, %s, %s, 'S', %s, 'ERROR', 'ABEND', %s)",
            (run_id, f"WS#S.{job}", f"WS-{job}", job, ended),
        )
        conn.execute(
            "INSERT INTO error_pattern_runs (run_id, pattern_id) VALUES (%s, %s)",
            (run_id, pattern_id),
        )


def test_runs_fall_in_24_hour_nights_ending_at_until(store):
    hour = timedelta(hours=1)
    day = timedelta(days=1)
    with store.connection() as conn, conn.transaction():
        add(
            conn,
            "a",
            UNTIL - 40 * day,
            [
                (UNTIL, "X"),  # the last instant of tonight
                (UNTIL - day + hour, "X"),
                (UNTIL - day, "Y"),  # exactly 24 hours before: last night
                (UNTIL - 3 * day - hour, "Y"),
                (UNTIL - 5 * day - hour, "Y"),  # beyond the 4 nights asked for
                (UNTIL + hour, "X"),  # after until: not yet
            ],
        )
        add(conn, "quiet", UNTIL - 2 * day, [(UNTIL - day - hour, "Z")])
        add(conn, "fresh", UNTIL - hour, [(UNTIL - hour, "Z")])
        counts = {c.pattern_id: c for c in nightly_pattern_counts(conn, until=UNTIL, nights=4)}
        busy = nightly_pattern_counts(conn, until=UNTIL, nights=4, min_tonight=2)
        top = top_pattern_sources(conn, "a", since=UNTIL - 6 * day, until=UNTIL)
        templates = pattern_templates(conn, ["a", "missing"])

    assert set(counts) == {"a", "fresh"}  # "quiet" had no run tonight
    assert counts["a"].by_night == {0: 2, 1: 1, 3: 1}
    assert counts["a"].first_seen_night == 40 and counts["a"].template == "template a"
    assert counts["fresh"].first_seen_night == 0
    assert [c.pattern_id for c in busy] == ["a"]
    assert top == {
        "jobs": [("WS#S.Y", 3), ("WS#S.X", 2)],
        "workstations": [("WS-Y", 3), ("WS-X", 2)],
    }
    assert templates == {"a": "template a"}
    with pytest.raises(ValueError, match="nights"):
        nightly_pattern_counts(conn, until=UNTIL, nights=0)
