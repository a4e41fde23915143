"""Bulk upsert: COPY rows into a temporary staging table, then one ``INSERT ... ON CONFLICT``.

This is the write path for anything bigger than a handful of rows (a 100k-job plan, a day of
host metrics). Rows whose values did not change are not rewritten (no dead tuples, no trigger
fire, no ``updated_at`` bump), so re-running a poll over the same plan costs a read, not a write.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.errors
from psycopg import sql
from psycopg.rows import tuple_row

# Staging tables are private to the session; the counter only keeps nested or repeated calls on
# one connection from colliding before the previous table is dropped.
_staging_numbers = itertools.count(1)
# work_mem while sorting a batch by key (only as much as the batch needs is used).
SORT_MEMORY = "64MB"


@dataclass(frozen=True)
class UpsertResult:
    """How many rows were inserted, and how many existing rows actually changed."""

    inserted: int
    updated: int

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


def bulk_upsert(
    conn: psycopg.Connection[Any],
    *,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    key: Sequence[str],
    update: Sequence[str] | None = None,
) -> UpsertResult:
    """Insert ``rows`` into ``table``, updating rows whose ``key`` already exists.

    ``rows`` are sequences of values in ``columns`` order, typed as the columns are (datetime
    for timestamptz, dict/list for jsonb, ...). ``key`` names the columns of a primary key or
    unique constraint. ``update`` lists the columns to overwrite on conflict (default: every
    non-key column; an empty list keeps existing rows as they are). An existing row is updated
    only when one of those columns differs (``IS DISTINCT FROM``). When ``rows`` repeat a key,
    the last one wins. Columns not listed keep their defaults on insert and their value on
    update.

    Runs inside the caller's transaction if there is one (as a savepoint), so the caller can
    write other rows (a poll cursor) atomically with these; otherwise in its own transaction.
    Raises ``ValueError`` for inconsistent column lists, ``psycopg.Error`` from the server.
    """
    columns, key, update = _checked(columns, key, update)
    if len(key) != 1:
        return _upsert_via_staging(conn, table, columns, rows, key, update)

    # Single-column key: rows whose key is not stored yet go straight into the table by COPY
    # (the cost of a plain bulk load); only the others take the staging + ON CONFLICT path.
    # A first load of a plan is then as cheap as COPY into the indexed table.
    position = columns.index(key[0])
    latest: dict[Any, Sequence[Any]] = {}
    for row in rows:
        latest[row[position]] = row  # the last row wins for a repeated key
    with conn.transaction():
        existing = _existing_keys(conn, table, key[0], list(latest))
        new_rows = [row for k, row in latest.items() if k not in existing]
        known_rows = [row for k, row in latest.items() if k in existing]
        try:
            # A savepoint: a row inserted concurrently since the lookup makes the COPY fail
            # on the key, and then everything takes the general path instead.
            with conn.transaction():
                _copy_into(conn, table, columns, new_rows)
        except psycopg.errors.UniqueViolation:
            return _upsert_via_staging(conn, table, columns, latest.values(), key, update)
        updated = _update_from_staging(conn, table, columns, known_rows, key[0], update)
    return UpsertResult(inserted=len(new_rows), updated=updated)


def _existing_keys(
    conn: psycopg.Connection[Any], table: str, key: str, keys: list[Any]
) -> set[Any]:
    if not keys:
        return set()
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(
            sql.SQL("SELECT {key} FROM {table} WHERE {key} = ANY(%s)").format(
                key=sql.Identifier(key), table=sql.Identifier(table)
            ),
            (keys,),
        )
        return {row[0] for row in cur.fetchall()}


def _copy_into(
    conn: psycopg.Connection[Any], table: str, columns: list[str], rows: Sequence[Sequence[Any]]
) -> None:
    if not rows:
        return
    column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(
            sql.SQL("SELECT {columns} FROM {table} LIMIT 0").format(
                columns=column_list, table=sql.Identifier(table)
            )
        )
        types = [column.type_code for column in cur.description or ()]
        with cur.copy(
            sql.SQL("COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)").format(
                table=sql.Identifier(table), columns=column_list
            )
        ) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)


def _update_from_staging(
    conn: psycopg.Connection[Any],
    table: str,
    columns: list[str],
    rows: Sequence[Sequence[Any]],
    key: str,
    update: list[str],
) -> int:
    """UPDATE stored rows from ``rows`` where a value differs; returns how many changed.

    A join instead of ON CONFLICT: for rows known to exist it avoids a speculative insert
    per row, which is most of the cost of re-reading an unchanged plan.
    """
    if not rows or not update:
        return 0
    staging_name = f"_update_staging_{next(_staging_numbers)}"
    staging = sql.Identifier(staging_name)
    column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
    with conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                "SELECT {columns} FROM {target} WITH NO DATA"
            ).format(staging=staging, columns=column_list, target=sql.Identifier(table))
        )
        types = _column_types(cur, staging_name)
        with cur.copy(
            sql.SQL("COPY {staging} ({columns}) FROM STDIN (FORMAT BINARY)").format(
                staging=staging, columns=column_list
            )
        ) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        assignments = sql.SQL(", ").join(
            sql.SQL("{c} = s.{c}").format(c=sql.Identifier(name)) for name in update
        )
        current = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(n)) for n in update)
        incoming = sql.SQL(", ").join(sql.SQL("s.{}").format(sql.Identifier(n)) for n in update)
        cur.execute(
            sql.SQL(
                "UPDATE {target} AS t SET {assignments} FROM {staging} AS s"
                " WHERE t.{key} = s.{key} AND ROW({current}) IS DISTINCT FROM ROW({incoming})"
            ).format(
                target=sql.Identifier(table),
                assignments=assignments,
                staging=staging,
                key=sql.Identifier(key),
                current=current,
                incoming=incoming,
            )
        )
        updated = cur.rowcount
        cur.execute(sql.SQL("DROP TABLE {staging}").format(staging=staging))
    return updated


def _upsert_via_staging(
    conn: psycopg.Connection[Any],
    table: str,
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    key: list[str],
    update: list[str],
) -> UpsertResult:
    target = sql.Identifier(table)
    staging_name = f"_upsert_staging_{next(_staging_numbers)}"
    staging = sql.Identifier(staging_name)
    column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
    key_list = sql.SQL(", ").join(map(sql.Identifier, key))

    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                "SELECT {columns} FROM {target} WITH NO DATA"
            ).format(staging=staging, columns=column_list, target=target)
        )
        types = _column_types(cur, staging_name)
        with cur.copy(
            sql.SQL("COPY {staging} ({columns}) FROM STDIN (FORMAT BINARY)").format(
                staging=staging, columns=column_list
            )
        ) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        # Enough memory to sort a large batch by key in RAM instead of in temp files; put
        # back afterwards so the caller's transaction keeps its own setting.
        previous_work_mem = _setting(cur, "work_mem")
        cur.execute("SELECT set_config('work_mem', %s, true)", (SORT_MEMORY,))
        cur.execute(_upsert_statement(target, staging, column_list, key_list, update))
        counts = cur.fetchone()
        cur.execute("SELECT set_config('work_mem', %s, true)", (previous_work_mem,))
        cur.execute(sql.SQL("DROP TABLE {staging}").format(staging=staging))
    assert counts is not None
    return UpsertResult(inserted=counts[0], updated=counts[1])


def _setting(cur: psycopg.Cursor[tuple[Any, ...]], name: str) -> str:
    row = cur.execute("SELECT current_setting(%s)", (name,)).fetchone()
    assert row is not None
    return str(row[0])


def _checked(
    columns: Sequence[str], key: Sequence[str], update: Sequence[str] | None
) -> tuple[list[str], list[str], list[str]]:
    columns, key = list(columns), list(key)
    if not columns or not key:
        raise ValueError("bulk_upsert needs at least one column and one key column")
    if len(set(columns)) != len(columns):
        raise ValueError(f"duplicate column names in {columns}")
    if missing := [name for name in key if name not in columns]:
        raise ValueError(f"key columns {missing} are not among the columns {columns}")
    if update is None:
        update = [name for name in columns if name not in key]
    update = list(update)
    if wrong := [name for name in update if name not in columns or name in key]:
        raise ValueError(f"update columns {wrong} must be non-key columns among {columns}")
    return columns, key, update


def _column_types(cur: psycopg.Cursor[tuple[Any, ...]], table_name: str) -> list[int]:
    # Binary COPY needs each column's type; the staging table has the target's exact types.
    cur.execute(
        "SELECT atttypid FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (table_name,),
    )
    return [row[0] for row in cur.fetchall()]


def _upsert_statement(
    target: sql.Identifier,
    staging: sql.Identifier,
    column_list: sql.Composable,
    key_list: sql.Composable,
    update: list[str],
) -> sql.Composed:
    if update:
        assignments = sql.SQL(", ").join(
            sql.SQL("{column} = EXCLUDED.{column}").format(column=sql.Identifier(name))
            for name in update
        )
        current = sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(n)) for n in update)
        incoming = sql.SQL(", ").join(
            sql.SQL("EXCLUDED.{}").format(sql.Identifier(n)) for n in update
        )
        on_conflict = sql.SQL(
            "DO UPDATE SET {assignments} WHERE ROW({current}) IS DISTINCT FROM ROW({incoming})"
        ).format(assignments=assignments, current=current, incoming=incoming)
    else:
        on_conflict = sql.SQL("DO NOTHING")
    # DISTINCT ON keeps one row per key (ON CONFLICT cannot touch a row twice in one
    # statement); ctid order is COPY order in a fresh heap, so the last row wins.
    # xmax = 0 holds only for freshly inserted tuples, which tells inserts from updates.
    return sql.SQL(
        "WITH upserted AS ("
        " INSERT INTO {target} AS t ({columns})"
        " SELECT DISTINCT ON ({key}) {columns} FROM {staging} ORDER BY {key}, ctid DESC"
        " ON CONFLICT ({key}) {on_conflict}"
        " RETURNING (t.xmax = 0) AS inserted"
        ") "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
        "FROM upserted"
    ).format(
        target=target,
        columns=column_list,
        key=key_list,
        staging=staging,
        on_conflict=on_conflict,
    )
