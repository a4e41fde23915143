"""Bulk upsert (COPY straight in for new keys, a staging table otherwise), against a real
PostgreSQL, including writers that race it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg import sql

from resync_clients.store import Store, UpsertResult

JOB_RUN_COLUMNS = [
    "run_id",
    "job_key",
    "workstation",
    "job_stream",
    "job_name",
    "status",
    "internal_status",
    "return_code",
    "start_time",
]
T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def job_run(number: int, *, status: str = "SUCCESSFUL", internal: str = "SUCC", rc: int = 0):
    return (
        f"run-{number}",
        f"WS1#NIGHTLY.JOB{number}",
        "WS1",
        "NIGHTLY",
        f"JOB{number}",
        status,
        internal,
        rc,
        T0 + timedelta(minutes=number),
    )


def upsert_runs(store: Store, rows: list[tuple[Any, ...]], **options: Any) -> UpsertResult:
    with store.connection() as conn:
        return store.bulk_upsert(
            conn, table="job_runs", columns=JOB_RUN_COLUMNS, rows=rows, key=["run_id"], **options
        )


def stored_runs(store: Store) -> dict[str, dict[str, Any]]:
    with store.connection() as conn:
        return {row["run_id"]: row for row in conn.execute("SELECT * FROM job_runs")}


def test_new_rows_are_inserted_with_their_values(store: Store) -> None:
    result = upsert_runs(store, [job_run(1), job_run(2, status="ERROR", internal="ABEND", rc=12)])

    assert result == UpsertResult(inserted=2, updated=0)
    runs = stored_runs(store)
    assert runs["run-2"]["internal_status"] == "ABEND"
    assert runs["run-2"]["return_code"] == 12
    assert runs["run-2"]["start_time"] == T0 + timedelta(minutes=2)
    assert runs["run-1"]["plan_id"] == "current"  # column not given: default


def test_rerunning_the_same_rows_changes_nothing(store: Store) -> None:
    rows = [job_run(n) for n in range(50)]
    upsert_runs(store, rows)
    before = stored_runs(store)

    again = upsert_runs(store, rows)

    assert again == UpsertResult(inserted=0, updated=0)
    assert stored_runs(store) == before  # updated_at included: nothing was rewritten


def test_only_rows_that_changed_are_updated(store: Store) -> None:
    upsert_runs(store, [job_run(n) for n in range(10)])
    before = stored_runs(store)

    rows = [job_run(n) for n in range(10)]
    rows[3] = job_run(3, status="ERROR", internal="ABEND", rc=8)
    result = upsert_runs(store, [*rows, job_run(10)])

    assert result == UpsertResult(inserted=1, updated=1)
    after = stored_runs(store)
    assert after["run-3"]["internal_status"] == "ABEND"
    assert after["run-3"]["updated_at"] > before["run-3"]["updated_at"]
    assert after["run-3"]["first_seen_at"] == before["run-3"]["first_seen_at"]
    assert all(after[f"run-{n}"] == before[f"run-{n}"] for n in range(10) if n != 3)


def test_a_null_replacing_a_value_counts_as_a_change(store: Store) -> None:
    upsert_runs(store, [job_run(1)])
    changed = list(job_run(1))
    changed[7] = None  # return_code

    assert upsert_runs(store, [tuple(changed)]) == UpsertResult(inserted=0, updated=1)
    assert stored_runs(store)["run-1"]["return_code"] is None


def test_the_last_row_wins_when_a_key_repeats_in_one_batch(store: Store) -> None:
    result = upsert_runs(
        store,
        [job_run(1), job_run(1, status="RUNNING", internal="EXEC"), job_run(1, rc=4)],
    )

    assert result == UpsertResult(inserted=1, updated=0)
    assert stored_runs(store)["run-1"]["return_code"] == 4


def test_update_columns_limit_what_is_overwritten(store: Store) -> None:
    upsert_runs(store, [job_run(1)])

    result = upsert_runs(
        store, [job_run(1, status="ERROR", internal="ABEND", rc=9)], update=["return_code"]
    )

    assert result == UpsertResult(inserted=0, updated=1)
    run = stored_runs(store)["run-1"]
    assert (run["return_code"], run["internal_status"]) == (9, "SUCC")


def test_empty_update_list_inserts_new_rows_and_keeps_existing_ones(store: Store) -> None:
    upsert_runs(store, [job_run(1)])

    result = upsert_runs(store, [job_run(1, rc=5), job_run(2)], update=[])

    assert result == UpsertResult(inserted=1, updated=0)
    assert stored_runs(store)["run-1"]["return_code"] == 0


def test_upsert_rolled_back_with_the_callers_transaction_leaves_nothing(store: Store) -> None:
    with store.connection() as conn, pytest.raises(RuntimeError), conn.transaction():
        store.bulk_upsert(
            conn, table="job_runs", columns=JOB_RUN_COLUMNS, rows=[job_run(1)], key=["run_id"]
        )
        conn.execute(
            "INSERT INTO poller_state (name, cursor) VALUES ('plan', %s)",
            (psycopg.types.json.Jsonb({"since": "x"}),),
        )
        raise RuntimeError("crash before commit")

    assert stored_runs(store) == {}
    with store.connection() as conn:
        assert conn.execute("SELECT count(*) AS n FROM poller_state").fetchone() == {"n": 0}


def test_upsert_and_cursor_commit_together(store: Store) -> None:
    with store.connection() as conn, conn.transaction():
        store.bulk_upsert(
            conn, table="job_runs", columns=JOB_RUN_COLUMNS, rows=[job_run(1)], key=["run_id"]
        )
        store.bulk_upsert(
            conn,
            table="poller_state",
            columns=["name", "cursor"],
            rows=[("plan", {"since": "2026-03-01T02:00:00Z"})],
            key=["name"],
        )

    with store.connection() as conn:
        cursor = conn.execute("SELECT cursor FROM poller_state WHERE name = 'plan'").fetchone()
    assert cursor == {"cursor": {"since": "2026-03-01T02:00:00Z"}}
    assert list(stored_runs(store)) == ["run-1"]


def test_several_upserts_in_one_transaction_use_separate_staging(store: Store) -> None:
    with store.connection() as conn, conn.transaction():
        first = store.bulk_upsert(
            conn, table="job_runs", columns=JOB_RUN_COLUMNS, rows=[job_run(1)], key=["run_id"]
        )
        second = store.bulk_upsert(
            conn,
            table="job_runs",
            columns=JOB_RUN_COLUMNS,
            rows=[job_run(1, rc=3), job_run(2)],
            key=["run_id"],
        )

    assert first == UpsertResult(inserted=1, updated=0)
    assert second == UpsertResult(inserted=1, updated=1)


def test_jsonb_labels_are_part_of_the_metric_sample_key(store: Store) -> None:
    columns = ["host", "metric", "labels", "sampled_at", "value"]
    rows = [
        ("tws1", "disk_percent", {"mount": "/data"}, T0, 71.5),
        ("tws1", "disk_percent", {"mount": "/logs"}, T0, 12.0),
        ("tws1", "cpu_percent", {}, T0, 40.0),
    ]
    key = ["host", "metric", "labels", "sampled_at"]
    with store.connection() as conn:
        first = store.bulk_upsert(conn, table="metric_samples", columns=columns, rows=rows, key=key)
        rows[0] = ("tws1", "disk_percent", {"mount": "/data"}, T0, 72.0)
        second = store.bulk_upsert(
            conn, table="metric_samples", columns=columns, rows=rows, key=key
        )
        values = {
            (row["metric"], row["labels"].get("mount")): row["value"]
            for row in conn.execute("SELECT * FROM metric_samples")
        }

    assert first == UpsertResult(inserted=3, updated=0)
    assert second == UpsertResult(inserted=0, updated=1)
    assert values == {
        ("disk_percent", "/data"): 72.0,
        ("disk_percent", "/logs"): 12.0,
        ("cpu_percent", None): 40.0,
    }


def test_status_transitions_replayed_are_not_duplicated(store: Store) -> None:
    upsert_runs(store, [job_run(1, status="ERROR", internal="ABEND", rc=8)])
    columns = ["run_id", "job_key", "from_internal_status", "to_internal_status", "to_status"]
    transitions = [
        ("run-1", "WS1#NIGHTLY.JOB1", None, "EXEC", "RUNNING"),
        ("run-1", "WS1#NIGHTLY.JOB1", "EXEC", "ABEND", "ERROR"),
    ]
    key = ["run_id", "to_internal_status"]
    with store.connection() as conn:
        first = store.bulk_upsert(
            conn,
            table="job_status_transitions",
            columns=columns,
            rows=transitions,
            key=key,
            update=[],
        )
        replay = store.bulk_upsert(
            conn,
            table="job_status_transitions",
            columns=columns,
            rows=transitions,
            key=key,
            update=[],
        )
        count = conn.execute("SELECT count(*) AS n FROM job_status_transitions").fetchone()

    assert (first.inserted, replay.changed, count) == (2, 0, {"n": 2})


def test_inconsistent_columns_are_refused_before_touching_the_database(store: Store) -> None:
    with store.connection() as conn:
        with pytest.raises(ValueError, match="key columns"):
            store.bulk_upsert(conn, table="job_runs", columns=["job_key"], rows=[], key=["run_id"])
        with pytest.raises(ValueError, match="update columns"):
            store.bulk_upsert(
                conn,
                table="job_runs",
                columns=JOB_RUN_COLUMNS,
                rows=[],
                key=["run_id"],
                update=["run_id"],
            )


def test_table_names_are_identifiers_not_sql(store: Store) -> None:
    with store.connection() as conn, pytest.raises(psycopg.errors.UndefinedTable):
        store.bulk_upsert(
            conn,
            table="job_runs; DROP TABLE poller_state",
            columns=["run_id"],
            rows=[("x",)],
            key=["run_id"],
        )
    with store.connection() as conn:
        assert conn.execute("SELECT to_regclass('poller_state') AS t").fetchone() == {
            "t": "poller_state"
        }


def test_empty_input_changes_nothing(store: Store) -> None:
    assert upsert_runs(store, []) == UpsertResult(inserted=0, updated=0)


def test_rows_can_come_from_a_generator(store: Store) -> None:
    def runs() -> Iterator[tuple[Any, ...]]:
        yield from (job_run(n) for n in range(3))

    assert upsert_runs(store, runs()) == UpsertResult(inserted=3, updated=0)  # type: ignore[arg-type]
    assert sorted(stored_runs(store)) == ["run-0", "run-1", "run-2"]


def test_new_keys_between_stored_ones_are_inserted_next_to_changed_ones(store: Store) -> None:
    upsert_runs(store, [job_run(1), job_run(3), job_run(5)])
    before = stored_runs(store)

    result = upsert_runs(
        store, [job_run(2), job_run(3, status="ERROR", internal="ABEND", rc=2), job_run(4)]
    )

    assert result == UpsertResult(inserted=2, updated=1)
    after = stored_runs(store)
    assert sorted(after) == ["run-1", "run-2", "run-3", "run-4", "run-5"]
    assert after["run-3"]["return_code"] == 2
    assert (after["run-1"], after["run-5"]) == (before["run-1"], before["run-5"])


def test_the_last_row_wins_when_a_stored_key_repeats_in_one_batch(store: Store) -> None:
    upsert_runs(store, [job_run(1), job_run(2)])

    result = upsert_runs(store, [job_run(1, rc=3), job_run(2), job_run(1, rc=7), job_run(9)])

    assert result == UpsertResult(inserted=1, updated=1)
    runs = stored_runs(store)
    assert (runs["run-1"]["return_code"], runs["run-2"]["return_code"]) == (7, 0)
    assert sorted(runs) == ["run-1", "run-2", "run-9"]


def test_keys_python_orders_unlike_the_server_are_still_updated_not_duplicated(
    store: Store,
) -> None:
    # Under an ICU collation "c" sorts before "D"; Python puts "D" first. The batch's key range
    # then looks empty to the server although "c" is stored.
    with store.connection() as conn:
        collation = conn.execute(
            "SELECT collname FROM pg_collation WHERE collname = 'und-x-icu'"
        ).fetchone()
        if collation is None:
            pytest.skip("this PostgreSQL has no ICU collations")
        conn.execute(
            'CREATE TEMPORARY TABLE icu_keyed (k text COLLATE "und-x-icu" PRIMARY KEY, v int)'
        )
        first = store.bulk_upsert(
            conn, table="icu_keyed", columns=["k", "v"], rows=[("c", 1)], key=["k"]
        )
        second = store.bulk_upsert(
            conn,
            table="icu_keyed",
            columns=["k", "v"],
            rows=[("a", 2), ("c", 3), ("D", 4)],
            key=["k"],
        )
        stored = {row["k"]: row["v"] for row in conn.execute("SELECT k, v FROM icu_keyed")}
        conn.execute("DROP TABLE icu_keyed")

    assert first == UpsertResult(inserted=1, updated=0)
    assert second == UpsertResult(inserted=2, updated=1)
    assert stored == {"a": 2, "c": 3, "D": 4}


def _wait_for_a_blocked_backend(store: Store) -> None:
    """Return once some session of this database waits for a lock (the racing upsert)."""
    deadline = time.monotonic() + 10
    with store.connection() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) AS n FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            conn.rollback()  # a fresh snapshot of pg_stat_activity on the next read
            if waiting and waiting["n"]:
                return
            time.sleep(0.02)
    raise AssertionError("the upsert never waited for the concurrent writer")


@pytest.mark.parametrize("stored_first", [False, True], ids=["all-new batch", "mixed batch"])
def test_a_key_a_concurrent_writer_stores_meanwhile_is_updated_not_duplicated(
    store: Store, stored_first: bool
) -> None:
    # The writer inserts run-2 and commits only while the upsert waits on that key, so the
    # upsert's look-up saw run-2 as new: both the COPY straight into the table (all-new batch)
    # and the staging INSERT (mixed batch) hit the key and must fall back to an update.
    if stored_first:
        upsert_runs(store, [job_run(1)])
    rows = [job_run(1, rc=1), job_run(2, rc=2), job_run(3)]
    outcome: dict[str, UpsertResult | BaseException] = {}

    def upsert() -> None:
        try:
            outcome["result"] = upsert_runs(store, rows)
        except BaseException as exc:  # reported by the assertion below
            outcome["result"] = exc

    with store.connection() as writer:
        writer.execute(
            sql.SQL("INSERT INTO job_runs ({}) VALUES ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, JOB_RUN_COLUMNS)),
                sql.SQL(", ").join(sql.Placeholder() * len(JOB_RUN_COLUMNS)),
            ),
            job_run(2, status="RUNNING", internal="EXEC", rc=0),
        )
        racer = threading.Thread(target=upsert)
        racer.start()
        _wait_for_a_blocked_backend(store)
    racer.join(timeout=30)

    inserted = 2 if not stored_first else 1
    assert outcome["result"] == UpsertResult(inserted=inserted, updated=3 - inserted)
    runs = stored_runs(store)
    assert sorted(runs) == ["run-1", "run-2", "run-3"]
    assert (runs["run-2"]["return_code"], runs["run-2"]["internal_status"]) == (2, "SUCC")
