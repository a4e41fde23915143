"""Bulk upsert: new rows by COPY straight into the table, the rest through a staging table.

This is the one write path for anything bigger than a handful of rows (a 100k-job plan, a day
of host metrics), whatever the table. Rows whose values did not change are not rewritten (no
dead tuples, no trigger fire, no ``updated_at`` bump), so re-running a poll over the same plan
costs a read, not a write.

Where the time goes (100k job runs): ``INSERT ... ON CONFLICT`` pays a speculative insert, a
conflict check and extra WAL per row, about three times a plain COPY; a plain
``INSERT ... SELECT`` pays per-row heap inserts where COPY writes pages in batches. So a batch
whose keys are all new (a first load, a new plan) is COPYed into the table itself; any other
batch is COPYed into a temporary staging table (no WAL), typed like the target so binary COPY
needs no casts, then one set-based ``UPDATE`` rewrites the changed rows and one
``INSERT ... SELECT`` adds the new ones. ``ON CONFLICT`` is only the fallback when a
concurrent writer stores one of the keys meanwhile.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
import psycopg.errors
from psycopg import sql
from psycopg.rows import tuple_row

# Staging tables are private to the session; the counter only keeps several upserts in one
# transaction (each dropped at its end) from colliding on a name.
_staging_numbers = itertools.count(1)
# work_mem while joining a batch to the table by key (only as much as the batch needs is used).
JOIN_MEMORY = "64MB"


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
    for timestamptz, dict/list for jsonb, ...); they are read once and held in memory for the
    call, so a generator is fine. ``key`` names the columns of a primary key or unique
    constraint. ``update`` lists the columns to overwrite on conflict (default: every non-key
    column; an empty list keeps existing rows as they are). An existing row is updated only
    when one of those columns differs (``IS DISTINCT FROM``). When ``rows`` repeat a key, the
    last one wins. Columns not listed keep their defaults on insert and their value on update.

    Safe with concurrent writers of the same keys: a key stored by another transaction while
    this runs is updated, never duplicated (such a batch costs a second pass).
    Runs inside the caller's transaction if there is one (as a savepoint), so the caller can
    write other rows (a poll cursor) atomically with these; otherwise in its own transaction.
    Raises ``ValueError`` for inconsistent column lists, ``psycopg.Error`` from the server.
    """
    columns, key, update = _checked(columns, key, update)
    batch = list(rows)
    if not batch:
        return UpsertResult(inserted=0, updated=0)
    target = sql.Identifier(table)
    keys = list(map(operator.itemgetter(*(columns.index(name) for name in key)), batch))

    with conn.transaction(), conn.cursor(row_factory=tuple_row) as cur:
        cur.execute(
            sql.SQL("SELECT {columns} FROM {target} LIMIT 0").format(
                columns=_names(columns), target=target
            )
        )
        types = [column.type_code for column in cur.description or ()]
        unique = _all_distinct(keys)
        if unique and _none_stored(cur, target, key, keys):
            try:
                # A savepoint: if another transaction stored one of the keys since the probe
                # (or the server equates keys Python tells apart), undo and take the staging
                # path, whose ON CONFLICT fallback copes with both.
                with conn.transaction():
                    _copy(cur, target, columns, types, batch)
                return UpsertResult(inserted=len(batch), updated=0)
            except psycopg.errors.UniqueViolation:
                pass
        return _upsert_via_staging(cur, target, columns, types, batch, key, update, unique)


def _all_distinct(keys: list[Any]) -> bool:
    """True when Python tells every key apart; False if some repeat or cannot be hashed."""
    try:
        return len(set(keys)) == len(keys)
    except TypeError:  # a jsonb dict in the key
        return False


def _none_stored(
    cur: psycopg.Cursor[tuple[Any, ...]], target: sql.Identifier, key: list[str], keys: list[Any]
) -> bool:
    """True when the table holds no key between the batch's smallest and largest (one index
    range probe). Only a hint: if Python orders keys unlike the server (another collation),
    the COPY that trusts it fails on the key and the caller falls back."""
    try:
        low, high = min(keys), max(keys)
    except TypeError:  # NULLs or values Python cannot order: assume some are stored
        return False
    if len(key) == 1:
        low, high = (low,), (high,)
    bound = sql.SQL("ROW({})").format(sql.SQL(", ").join(sql.Placeholder() * len(key)))
    cur.execute(
        sql.SQL(
            "SELECT EXISTS (SELECT FROM {target} WHERE ROW({key}) BETWEEN {low} AND {high})"
        ).format(target=target, key=_names(key), low=bound, high=bound),
        (*low, *high),
    )
    row = cur.fetchone()
    return row is not None and not row[0]


def _copy(
    cur: psycopg.Cursor[tuple[Any, ...]],
    table: sql.Identifier,
    columns: list[str],
    types: list[int],
    rows: list[Sequence[Any]],
) -> None:
    with cur.copy(
        sql.SQL("COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)").format(
            table=table, columns=_names(columns)
        )
    ) as copy:
        copy.set_types(types)
        write_row = copy.write_row
        for row in rows:
            write_row(row)


def _upsert_via_staging(
    cur: psycopg.Cursor[tuple[Any, ...]],
    target: sql.Identifier,
    columns: list[str],
    types: list[int],
    rows: list[Sequence[Any]],
    key: list[str],
    update: list[str],
    unique: bool,
) -> UpsertResult:
    """COPY ``rows`` into a staging table, UPDATE the stored rows that changed from it, then
    INSERT the rest; ``unique`` says Python saw no key twice (no de-duplication needed)."""
    staging = sql.Identifier(f"_upsert_staging_{next(_staging_numbers)}")
    # The staging table takes the target's column types (and collations), so binary COPY
    # can send each value in its final type. Temporary: no WAL, gone at commit at latest.
    cur.execute(
        sql.SQL(
            "CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
            "SELECT {columns} FROM {target} WITH NO DATA"
        ).format(staging=staging, columns=_names(columns), target=target)
    )
    _copy(cur, staging, columns, types, rows)
    match = sql.SQL(" AND ").join(
        sql.SQL("t.{0} = s.{0}").format(sql.Identifier(name)) for name in key
    )
    # Enough memory to hash a large batch in RAM instead of in temp files; put back
    # afterwards so the caller's transaction keeps its own setting.
    previous = cur.execute("SELECT current_setting('work_mem')").fetchone()
    cur.execute("SELECT set_config('work_mem', %s, true)", (JOIN_MEMORY,))
    if not unique:
        # The last row of a repeated key wins: ctid order is COPY order in a fresh heap.
        cur.execute(
            sql.SQL(
                "DELETE FROM {staging} AS t USING {staging} AS s WHERE {match} AND t.ctid < s.ctid"
            ).format(staging=staging, match=match)
        )
    updated = 0
    if update:
        cur.execute(
            sql.SQL(
                "UPDATE {target} AS t SET {assignments} FROM {staging} AS s "
                "WHERE {match} AND {current} IS DISTINCT FROM {incoming}"
            ).format(
                target=target,
                staging=staging,
                match=match,
                assignments=sql.SQL(", ").join(
                    sql.SQL("{0} = s.{0}").format(sql.Identifier(name)) for name in update
                ),
                current=_qualified("t", update),
                incoming=_qualified("s", update),
            )
        )
        updated = cur.rowcount
    try:
        # A savepoint: a key that another transaction stored after the UPDATE (or that the
        # server equates with another row's) fails the plain INSERT; ON CONFLICT then settles
        # the whole batch, leaving rows the UPDATE already wrote as they are.
        with cur.connection.transaction():
            cur.execute(
                sql.SQL(
                    "INSERT INTO {target} ({columns}) SELECT {columns} FROM {staging} AS s "
                    "WHERE NOT EXISTS (SELECT FROM {target} AS t WHERE {match})"
                ).format(target=target, columns=_names(columns), staging=staging, match=match)
            )
            counts = UpsertResult(inserted=cur.rowcount, updated=updated)
    except psycopg.errors.UniqueViolation:
        cur.execute(_upsert_statement(target, staging, columns, key, update))
        row = cur.fetchone()
        assert row is not None
        counts = UpsertResult(inserted=row[0], updated=updated + row[1])
    assert previous is not None
    cur.execute("SELECT set_config('work_mem', %s, true)", (previous[0],))
    cur.execute(sql.SQL("DROP TABLE {staging}").format(staging=staging))
    return counts


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
) -> sql.Composed:
    """``INSERT ... ON CONFLICT`` of the staging rows, one per key (the last), returning the
    counts of inserted and updated rows."""
    column_list = _names(columns)
    key_list = _names(key)
    on_conflict: sql.Composable
    if update:
        on_conflict = sql.SQL(
            "DO UPDATE SET {assignments} WHERE {current} IS DISTINCT FROM {incoming}"
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
    # DISTINCT ON keeps one row per key as the server compares keys (ON CONFLICT cannot touch
    # a row twice in one statement); ctid order is COPY order, so the last row wins. xmax = 0
    # holds only for freshly inserted tuples, which tells inserts from updates.
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
        staging=staging,
        key=key_list,
        on_conflict=on_conflict,
    )


def _names(names: list[str]) -> sql.Composed:
    return sql.SQL(", ").join(map(sql.Identifier, names))


def _qualified(alias: str, names: list[str]) -> sql.Composed:
    # ROW(...) so that one column compares as a row too.
    return sql.SQL("ROW({})").format(
        sql.SQL(", ").join(
            sql.SQL("{}.{}").format(sql.SQL(alias), sql.Identifier(n)) for n in names
        )
    )
