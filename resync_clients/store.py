"""The PostgreSQL store: one connection pool, the versioned schema, and the bulk write path.

    from resync_clients.store import open_store

    with open_store(settings) as store:         # starts the embedded server when needed
        store.ensure_schema()                    # applies pending migrations (once per store)
        with store.connection() as conn, conn.transaction():
            store.bulk_upsert(conn, table="job_runs", columns=[...], rows=rows, key=["run_id"])
            conn.execute("UPDATE poller_state ...")   # same transaction as the rows

Connections come from a ``psycopg_pool.ConnectionPool`` and return rows as dicts (use
``conn.cursor(row_factory=class_row(T))`` for typed rows). With ``settings.database_url`` unset
the store runs the embedded PostgreSQL in ``settings.data_dir / "postgres"`` and stops it when
the last store using it closes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row, scalar_row
from psycopg_pool import ConnectionPool, PoolTimeout

from resync_clients.postgres.embedded import EmbeddedPostgres
from resync_clients.postgres.errors import (
    DatabaseUnavailableError,
    EmbeddedDatabaseError,
    MigrationError,
    StoreError,
)
from resync_clients.postgres.migrations import (
    AppliedMigration,
    Migration,
    MigrationStatus,
    apply_migrations,
    load_migrations,
    read_status,
)
from resync_clients.postgres.plan_graph import load_plan_edges, load_plan_nodes, write_plan_edges
from resync_clients.postgres.upsert import UpsertResult, bulk_upsert
from resync_core.plan_graph import PlanEdge, PlanNode
from resync_core.settings import Settings, mask_url_password

__all__ = [
    "AppliedMigration",
    "DatabaseUnavailableError",
    "EmbeddedDatabaseError",
    "Migration",
    "MigrationError",
    "MigrationStatus",
    "Store",
    "StoreError",
    "UpsertResult",
    "open_store",
]

logger = logging.getLogger(__name__)

DEFAULT_CONNECT_TIMEOUT_SECONDS = 10.0


class Store:
    """An open connection pool on the resync database. Create with ``open_store``.

    Thread-safe; meant to live as long as the process or flow run that uses it. Closing it
    closes the pool and, for the embedded server, stops the server unless others use it.
    """

    def __init__(
        self,
        pool: ConnectionPool[psycopg.Connection[DictRow]],
        *,
        conninfo: str,
        location: str,
        embedded: EmbeddedPostgres | None = None,
        migrations: tuple[Migration, ...] | None = None,
    ) -> None:
        self._pool = pool
        self._conninfo = conninfo
        self._embedded = embedded
        self._migrations = load_migrations() if migrations is None else migrations
        self._schema_lock = threading.Lock()
        self._schema_ready = False
        self.location = location
        """Where the data lives, safe to print (no password)."""

    @property
    def migrations(self) -> tuple[Migration, ...]:
        """The migration files this code knows, in version order."""
        return self._migrations

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[psycopg.Connection[DictRow]]:
        """Borrow a pooled connection: ``with store.connection() as conn:``.

        The block's work is committed when it ends normally and rolled back on an exception.
        Raises ``DatabaseUnavailableError`` when no connection is free within ``timeout``
        seconds (default: the connect timeout given to ``open_store``).
        """
        try:
            with self._pool.connection(timeout=timeout) as conn:
                yield conn
        except PoolTimeout as exc:
            raise DatabaseUnavailableError(
                f"no PostgreSQL connection available at {self.location} ({exc})"
            ) from exc

    def bulk_upsert(
        self,
        conn: psycopg.Connection[Any],
        *,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        key: Sequence[str],
        update: Sequence[str] | None = None,
    ) -> UpsertResult:
        """Upsert ``rows`` through COPY + one ``INSERT ... ON CONFLICT`` on ``conn``.

        See ``resync_clients.postgres.upsert.bulk_upsert`` for the exact semantics: unchanged
        rows are not rewritten, the last row wins for a repeated key, and the write joins the
        caller's transaction when there is one.
        """
        return bulk_upsert(conn, table=table, columns=columns, rows=rows, key=key, update=update)

    # The plan's dependency graph: each call borrows a connection (its own transaction).
    def write_plan_edges(
        self, plan_day: date, edges: Iterable[PlanEdge], seen_at: datetime
    ) -> UpsertResult:
        """Upsert the edges of ``plan_day`` (see ``postgres.plan_graph.write_plan_edges``)."""
        with self.connection() as conn:
            return write_plan_edges(conn, plan_day, edges, seen_at)

    def plan_edges(self, plan_day: date) -> list[PlanEdge]:
        """The stored edges of ``plan_day``."""
        with self.connection() as conn:
            return load_plan_edges(conn, plan_day)

    def plan_nodes(self, plan_day: date) -> list[PlanNode]:
        """The jobs of ``plan_day`` that ``job_runs`` knows, with start and deadline."""
        with self.connection() as conn:
            return load_plan_nodes(conn, plan_day)

    def upgrade(self) -> list[AppliedMigration]:
        """Apply pending migrations; return those this call applied (empty when up to date).

        Safe when several processes upgrade at once. Raises ``MigrationError``.
        """
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as conn:
                applied = apply_migrations(conn, self._migrations)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailableError(
                f"lost the PostgreSQL connection at {self.location} during upgrade: "
                f"{_first_line(exc, self._conninfo)}"
            ) from exc
        for migration in applied:
            logger.info("schema migration %04d_%s applied", migration.version, migration.name)
        self._schema_ready = True
        return applied

    def ensure_schema(self) -> list[AppliedMigration]:
        """Bring the schema up to date before writing; cheap after the first call on a store.

        A database newer than this code is accepted (migrations only add) with a warning.
        """
        with self._schema_lock:
            if self._schema_ready:
                return []
            status = self.migration_status()
            applied = self.upgrade() if status.pending else []
            if status.current_version > status.latest_version:
                logger.warning(
                    "database schema version %d is newer than this code knows (%d)",
                    status.current_version,
                    status.latest_version,
                )
            self._schema_ready = True
            return applied

    def migration_status(self) -> MigrationStatus:
        """Applied and pending migrations; changes nothing."""
        with self.connection() as conn:
            return read_status(conn, self._migrations)

    def schema_version(self) -> int:
        """Highest applied migration version; 0 for an empty database."""
        return self.migration_status().current_version

    def server_version(self) -> str:
        """The server's version string, e.g. ``18.4``."""
        with self.connection() as conn, conn.cursor(row_factory=scalar_row) as cur:
            version = cur.execute("SHOW server_version").fetchone()
        assert version is not None
        return str(version).split(" ", 1)[0]

    def close(self) -> None:
        """Close the pool and leave the embedded server (if any). Safe to call twice."""
        self._pool.close()
        if self._embedded is not None:
            self._embedded.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_store(
    settings: Settings,
    *,
    min_size: int = 1,
    max_size: int = 8,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
) -> Store:
    """Open a store on ``settings.database_url``, or on the embedded server when it is unset.

    Use it as a context manager (or call ``close()``). The schema is not touched: call
    ``store.ensure_schema()`` before writing. Raises ``DatabaseUnavailableError`` when the server
    cannot be reached within ``connect_timeout`` seconds, ``EmbeddedDatabaseError`` when the
    embedded server cannot use its directory.
    """
    embedded: EmbeddedPostgres | None = None
    if settings.database_url is None:
        embedded = EmbeddedPostgres(settings.data_dir / "postgres")
        conninfo = embedded.start()
        location = f"embedded PostgreSQL in {embedded.pgdata}"
    else:
        conninfo = settings.database_url.get_secret_value()
        location = mask_url_password(conninfo)
    try:
        _check_reachable(conninfo, location, connect_timeout)
        pool: ConnectionPool[psycopg.Connection[DictRow]] = ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            kwargs={"row_factory": dict_row},
            # Detects connections broken by a server restart before handing them out.
            check=ConnectionPool.check_connection,
            timeout=connect_timeout,
            name="resync-store",
            open=False,
        )
        pool.open(wait=True, timeout=connect_timeout)
    except BaseException:
        if embedded is not None:
            embedded.stop()
        raise
    return Store(pool, conninfo=conninfo, location=location, embedded=embedded)


def _check_reachable(conninfo: str, location: str, timeout: float) -> None:
    # One plain connection first: the pool would only report a timeout, not the reason.
    try:
        psycopg.connect(conninfo, connect_timeout=max(1, round(timeout))).close()
    except psycopg.Error as exc:
        raise DatabaseUnavailableError(
            f"cannot connect to PostgreSQL at {location}: {_first_line(exc, conninfo)}"
        ) from None


def _first_line(exc: BaseException, conninfo: str) -> str:
    """libpq's explanation on one line, short, with any password from ``conninfo`` blanked."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    text = text or type(exc).__name__
    try:
        password = conninfo_to_dict(conninfo).get("password")
    except psycopg.Error:
        password = None
    if password:
        text = text.replace(str(password), "***")
    return text if len(text) <= 300 else text[:297] + "..."
