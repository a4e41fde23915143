"""Bulk upsert: COPY rows into a temporary staging table, then one ``INSERT ... ON CONFLICT``.

This is the one write path for anything bigger than a handful of rows (a 100k-job plan, a day
of host metrics), whatever the table. Rows whose values did not change are not rewritten (no
dead tuples, no trigger fire, no ``updated_at`` bump), so re-running a poll over the same plan
costs a read, not a write.

Where the time goes (100k job runs): the server's ``INSERT ... ON CONFLICT`` (a speculative
insert per row plus the target's indexes and WAL) costs about as much as the binary COPY into
the staging table; Python's part is mostly psycopg's C row encoding. So the staging table is
a temporary one (no WAL), typed like the target so binary COPY needs no casts, and batches
whose keys Python can tell apart skip the server-side sort that de-duplicates keys.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.errors
from psycopg import sql
from psycopg.copy import Copy
from psycopg.rows import tuple_row

# Staging tables are private to the session; the counter only keeps several upserts in one
# transaction (each dropped at its end) from colliding on a name.
_staging_numbers = itertools.count(1)
# work_mem while de-duplicating a batch by key (only as much as the batch needs is used).
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
    for timestamptz, dict/list for jsonb, ...); they are read once, so a generator is fine.
    ``key`` names the columns of a primary key or unique constraint. ``update`` lists the
    columns to overwrite on conflict (default: every non-key column; an empty list keeps
    existing rows as they are). An existing row is updated only when one of those columns
    differs (``IS DISTINCT FROM``). When ``rows`` repeat a key, the last one wins. Columns not
    listed keep their defaults on insert and their value on update.

    Runs inside the caller's transaction if there is one (as a savepoint), so the caller can
    write other rows (a poll cursor) atomically with these; otherwise in its own transaction.
    Raises ``ValueError`` for inconsistent column lists, ``psycopg.Error`` from the server.
    """
    columns, key, update = _checked(columns, key, update)
    target = sql.Identifier(table)
    staging = sql.Identifier(f"_upsert_staging_{next(_staging_numbers)}")
    column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
    key_of = operator.itemgetter(*(columns.index(name) for name in key))

    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        # The staging table takes the target's column types (and collations), so binary COPY
        # can send each value in its final type. Temporary: no WAL, gone at commit at latest.
        cur.execute(
            sql.SQL(
                "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                "SELECT {columns} FROM {target} WITH NO DATA"
            ).format(staging=staging, columns=column_list, target=target)
        )
        cur.execute(sql.SQL("SELECT * FROM {staging} LIMIT 0").format(staging=staging))
        types = [column.type_code for column in cur.description or ()]
        with cur.copy(
            sql.SQL("COPY {staging} FROM STDIN (FORMAT BINARY)").format(staging=staging)
        ) as copy:
            copy.set_types(types)
            keys_unique = _write_rows(copy, rows, key_of)
        counts = _insert_from_staging(
            cur, target, staging, columns, key, update, deduplicate=not keys_unique
        )
        cur.execute(sql.SQL("DROP TABLE {staging}").format(staging=staging))
    return counts


def _write_rows(
    copy: Copy, rows: Iterable[Sequence[Any]], key_of: Callable[[Sequence[Any]], Any]
) -> bool:
    """COPY every row; return True when Python saw no key twice (so no de-duplication)."""
    write_row = copy.write_row
    iterator: Iterator[Sequence[Any]] = iter(rows)
    seen: set[Any] = set()
    remember = seen.add
    count = 0
    try:
        for row in iterator:
            write_row(row)
            count += 1
            remember(key_of(row))
    except TypeError:
        # An unhashable key value (a jsonb dict): copy the rest and let the server de-duplicate.
        for row in iterator:
            write_row(row)
        return False
    return len(seen) == count


def _insert_from_staging(
    cur: psycopg.Cursor[tuple[Any, ...]],
    target: sql.Identifier,
    staging: sql.Identifier,
    columns: list[str],
    key: list[str],
    update: list[str],
    *,
    deduplicate: bool,
) -> UpsertResult:
    if not deduplicate:
        try:
            # A savepoint: keys that Python told apart but PostgreSQL does not (a naive and an
            # aware datetime for one instant) make ON CONFLICT refuse to touch a row twice.
            with cur.connection.transaction():
                cur.execute(_upsert_statement(target, staging, columns, key, update, False))
                return _counts(cur)
        except psycopg.errors.CardinalityViolation:
            pass
    # Enough memory to sort a large batch by key in RAM instead of in temp files; put back
    # afterwards so the caller's transaction keeps its own setting.
    previous = cur.execute("SELECT current_setting('work_mem')").fetchone()
    assert previous is not None
    cur.execute("SELECT set_config('work_mem', %s, true)", (SORT_MEMORY,))
    cur.execute(_upsert_statement(target, staging, columns, key, update, True))
    counts = _counts(cur)
    cur.execute("SELECT set_config('work_mem', %s, true)", (previous[0],))
    return counts


def _counts(cur: psycopg.Cursor[tuple[Any, ...]]) -> UpsertResult:
    row = cur.fetchone()
    assert row is not None
    return UpsertResult(inserted=row[0], updated=row[1])


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


def _upsert_statement(
    target: sql.Identifier,
    staging: sql.Identifier,
    columns: list[str],
    key: list[str],
    update: list[str],
    deduplicate: bool,
) -> sql.Composed:
    column_list = sql.SQL(", ").join(map(sql.Identifier, columns))
    key_list = sql.SQL(", ").join(map(sql.Identifier, key))
    if update:
        on_conflict = sql.SQL(
            "DO UPDATE SET {assignments} WHERE ({current}) IS DISTINCT FROM ({incoming})"
        ).format(
            assignments=sql.SQL(", ").join(
                sql.SQL("{column} = EXCLUDED.{column}").format(column=sql.Identifier(name))
                for name in update
            ),
            current=_qualified("t", update),
            incoming=_qualified("EXCLUDED", update),
        )
    else:
        on_conflict = sql.SQL("DO NOTHING")
    if deduplicate:
        # DISTINCT ON keeps one row per key (ON CONFLICT cannot touch a row twice in one
        # statement); ctid order is COPY order in a fresh heap, so the last row wins.
        source = sql.SQL(
            "SELECT DISTINCT ON ({key}) {columns} FROM {staging} ORDER BY {key}, ctid DESC"
        )
    else:
        source = sql.SQL("SELECT {columns} FROM {staging}")
    # xmax = 0 holds only for freshly inserted tuples, which tells inserts from updates.
    return sql.SQL(
        "WITH upserted AS ("
        " INSERT INTO {target} AS t ({columns}) {source}"
        " ON CONFLICT ({key}) {on_conflict}"
        " RETURNING (t.xmax = 0) AS inserted"
        ") "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
        "FROM upserted"
    ).format(
        target=target,
        columns=column_list,
        source=source.format(key=key_list, columns=column_list, staging=staging),
        key=key_list,
        on_conflict=on_conflict,
    )


def _qualified(alias: str, names: list[str]) -> sql.Composed:
    # ROW(...) so that one column compares as a row too.
    return sql.SQL("ROW({})").format(
        sql.SQL(", ").join(
            sql.SQL("{}.{}").format(sql.SQL(alias), sql.Identifier(n)) for n in names
        )
    )
