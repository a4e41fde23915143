"""The nightly pattern-mining flow on real PostgreSQL and a real Prefect API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from flows.patterns import mine_error_patterns
from resync_clients.events import PATTERN_NEW
from tests.fixtures.prefect import read_events

ERRORS = [
    "cp: cannot stat '/data/in/a.csv': No such file or directory",
    "ORA-01653: unable to extend table SALES.T1 by 8192 in tablespace USERS",
    "cp: cannot stat '/data/in/b.csv': No such file or directory",
    "Connection to db7:5432 refused after 3 attempts",
    "cp: cannot stat '/data/x/c.csv': No such file or directory",
    "Connection to db2:5432 refused after 5 attempts",
]


def add_failed_runs(store, messages, *, first: int = 0, ended: datetime | None = None) -> None:
    ended = ended or datetime.now(UTC) - timedelta(hours=1)
    with store.connection() as conn, conn.transaction():
        for number, message in enumerate(messages, start=first):
            joblog = (
                f"= JOB : WS1#NIGHTLY.JOB{number}\r\nstarting\r\n{message}\r\n= Exit Status : 1\n"
            )
            conn.execute(
                "INSERT INTO job_runs (run_id, job_key, workstation, job_stream, job_name,"
                " status, internal_status, return_code, end_time, joblog_text, error_line)"
                " VALUES (%s, %s, 'WS1', 'NIGHTLY', %s, 'ERROR', 'ABEND', 1, %s, %s, 3)",
                (f"run-{number}", f"WS1#NIGHTLY.JOB{number}", f"JOB{number}", ended, joblog),
            )


def rows(store, query, *params):
    with store.connection() as conn:
        return conn.execute(query, params).fetchall()


def test_flow_mines_counts_once_and_announces_new_patterns(flow_settings, store):
    add_failed_runs(store, ERRORS)
    first = asyncio.run(mine_error_patterns())
    assert first.lines_mined == len(ERRORS)
    patterns = {
        r["template"]: r
        for r in rows(store, "SELECT * FROM error_patterns ORDER BY occurrences DESC")
    }
    assert set(patterns) == {
        "cp: cannot stat '<*>': No such file or directory",
        "ORA-01653: unable to extend table SALES.T1 by <*> in tablespace USERS",
        "Connection to <*> refused after <*> attempts",
    }
    assert patterns["cp: cannot stat '<*>': No such file or directory"]["occurrences"] == 3
    assert set(first.new_patterns) == {r["pattern_id"] for r in patterns.values()}

    sent = rows(store, "SELECT * FROM event_outbox WHERE event = %s", PATTERN_NEW)
    assert len(sent) == 3 and all(r["emitted_at"] is not None for r in sent)
    published = read_events(
        PATTERN_NEW,
        expect_at_least=3,
        where=lambda e: e["payload"].get("pattern_id") in set(first.new_patterns),
    )
    assert {e["payload"]["pattern_id"] for e in published} >= set(first.new_patterns)

    # A second run finds nothing new to count and changes nothing.
    again = asyncio.run(mine_error_patterns())
    assert again.lines_mined == 0
    after = {r["template"]: r["occurrences"] for r in rows(store, "SELECT * FROM error_patterns")}
    assert after == {t: r["occurrences"] for t, r in patterns.items()}

    # New failures continue the saved miner: known patterns grow, no event repeats.
    add_failed_runs(store, ["cp: cannot stat '/tmp/z': No such file or directory"], first=100)
    third = asyncio.run(mine_error_patterns())
    assert third.lines_mined == 1 and third.new_patterns == ()
    count = rows(
        store,
        "SELECT occurrences FROM error_patterns WHERE template = %s",
        "cp: cannot stat '<*>': No such file or directory",
    )
    assert count[0]["occurrences"] == 4
    assert len(rows(store, "SELECT * FROM event_outbox WHERE event = %s", PATTERN_NEW)) == 3
    state = rows(store, "SELECT state FROM pattern_miner_state WHERE name = 'pattern-miner'")
    assert state and state[0]["state"]["templates"]
    # The poller's cursor table holds the poller's cursors only.
    assert rows(store, "SELECT * FROM poller_state WHERE name = 'pattern-miner'") == []


def test_old_failures_are_left_out(flow_settings, store):
    add_failed_runs(store, ERRORS[:2], ended=datetime.now(UTC) - timedelta(days=30))
    summary = asyncio.run(mine_error_patterns(lookback_days=7))
    assert summary.lines_mined == 0
    assert rows(store, "SELECT * FROM error_patterns") == []


def test_a_pattern_merged_on_a_later_night_keeps_its_survivor(flow_settings, store):
    # Three job names are three templates; a dozen make the name a variable, and the
    # compaction folds the first night's patterns into one survivor, which must stay.
    names = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ida", "jo", "kim", "lou"]
    add_failed_runs(store, [f"Job {name} ended badly" for name in names[:3]])
    first = asyncio.run(mine_error_patterns())
    assert len(first.new_patterns) == 3
    add_failed_runs(store, [f"Job {name} ended badly" for name in names[3:]], first=100)
    asyncio.run(mine_error_patterns())
    stored = rows(store, "SELECT pattern_id, template, occurrences FROM error_patterns")
    assert [(r["template"], r["occurrences"]) for r in stored] == [("Job <*> ended badly", 12)]
    runs = rows(store, "SELECT DISTINCT pattern_id FROM error_pattern_runs")
    assert [r["pattern_id"] for r in runs] == [stored[0]["pattern_id"]]


def test_a_miner_saved_with_old_settings_is_rebuilt_with_the_new_ones(flow_settings, store, caplog):
    names = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ida", "jo", "kim", "lou"]
    add_failed_runs(store, [f"Job {name} ended badly" for name in names[:3]])
    first = asyncio.run(mine_error_patterns())
    # As an older version saved it: other defaults then.
    with store.connection() as conn, conn.transaction():
        conn.execute(
            "UPDATE pattern_miner_state SET state = jsonb_set(jsonb_set(state,"
            " '{config,min_variants}', '20'), '{config,prefix_depth}', '1')"
            " WHERE name = 'pattern-miner'"
        )
    add_failed_runs(store, [f"Job {name} ended badly" for name in names[3:]], first=100)
    caplog.clear()
    asyncio.run(mine_error_patterns())

    rebuilt = [r.getMessage() for r in caplog.records if "miner rebuilt" in r.getMessage()]
    assert len(rebuilt) == 1
    assert "min_variants 20 -> 10" in rebuilt[0] and "prefix_depth 1 -> 3" in rebuilt[0]
    state = rows(store, "SELECT state FROM pattern_miner_state WHERE name = 'pattern-miner'")
    assert state[0]["state"]["config"]["min_variants"] == 10
    assert state[0]["state"]["config"]["prefix_depth"] == 3
    # The first night's ids live on: the twelve names are one of them now.
    stored = rows(store, "SELECT pattern_id, template, occurrences FROM error_patterns")
    assert [(r["template"], r["occurrences"]) for r in stored] == [("Job <*> ended badly", 12)]
    assert stored[0]["pattern_id"] in first.new_patterns

    # The next night runs with the settings saved: nothing to rebuild.
    caplog.clear()
    add_failed_runs(store, ["Job max ended badly"], first=200)
    asyncio.run(mine_error_patterns())
    assert not [r for r in caplog.records if "miner rebuilt" in r.getMessage()]
