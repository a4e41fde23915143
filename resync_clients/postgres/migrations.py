"""Versioned schema migrations: numbered ``.sql`` files applied once each, in order.

Files live in ``resync_clients/migrations/`` and are named ``NNNN_name.sql`` (``0001_core.sql``).
Each is applied in its own transaction and recorded in ``schema_migrations`` with a checksum of
its text, so an applied file that was edited afterwards is detected instead of silently
diverging. A session-level advisory lock serialises concurrent upgrades: the first process
applies, the others wait and then find nothing left to do.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import class_row, tuple_row

from resync_clients.postgres.errors import MigrationError

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Any constant works; all processes upgrading this schema must agree on it ("resync" in ASCII).
ADVISORY_LOCK_KEY = 0x726573796E63
_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""


@dataclass(frozen=True)
class Migration:
    """One migration file: ``version`` from its number, ``checksum`` = sha256 of its text."""

    version: int
    name: str
    sql: str
    checksum: str

    @property
    def file_name(self) -> str:
        return f"{self.version:04d}_{self.name}.sql"


@dataclass(frozen=True)
class AppliedMigration:
    """A row of ``schema_migrations``."""

    version: int
    name: str
    checksum: str
    applied_at: datetime


@dataclass(frozen=True)
class MigrationStatus:
    """Where a database stands: ``current_version`` 0 means nothing applied yet."""

    current_version: int
    latest_version: int
    applied: tuple[AppliedMigration, ...]
    pending: tuple[Migration, ...]

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def load_migrations(directory: Path = MIGRATIONS_DIR) -> tuple[Migration, ...]:
    """Read the migration files, ordered by version.

    Raises ``MigrationError`` for a misnamed ``.sql`` file or two files with one version.
    """
    migrations: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"migration file {path} is not named NNNN_name.sql")
        version = int(match["version"])
        if version in migrations:
            raise MigrationError(f"two migration files have version {version:04d} in {directory}")
        text = path.read_text(encoding="utf-8")
        migrations[version] = Migration(
            version=version,
            name=match["name"],
            sql=text,
            checksum=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
    return tuple(migrations[version] for version in sorted(migrations))


def read_status(
    conn: psycopg.Connection[Any], migrations: tuple[Migration, ...]
) -> MigrationStatus:
    """Compare the database with ``migrations`` without changing anything."""
    applied = _applied(conn)
    done = {item.version for item in applied}
    return MigrationStatus(
        current_version=max(done, default=0),
        latest_version=max((item.version for item in migrations), default=0),
        applied=tuple(applied),
        pending=tuple(item for item in migrations if item.version not in done),
    )


def apply_migrations(
    conn: psycopg.Connection[Any],
    migrations: tuple[Migration, ...],
    *,
    lock_timeout_seconds: float = 300.0,
) -> list[AppliedMigration]:
    """Apply every pending migration, each in its own transaction; return what was applied.

    ``conn`` must be in autocommit mode and is used for nothing else meanwhile. Safe to run
    from several processes at once. Raises ``MigrationError`` when a migration fails (its
    transaction is rolled back, earlier ones stay), when an applied file was edited since, or
    when the database has migrations this code does not know (it is newer than this code).
    """
    if not conn.autocommit:
        raise ValueError("apply_migrations needs a connection in autocommit mode")
    _acquire_lock(conn, lock_timeout_seconds)
    try:
        conn.execute(_CREATE_TABLE)
        status = read_status(conn, migrations)
        _check_applied_match_files(status, migrations)
        applied: list[AppliedMigration] = []
        for migration in status.pending:
            applied.append(_apply_one(conn, migration))
        return applied
    finally:
        if not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))


def _acquire_lock(conn: psycopg.Connection[Any], timeout_seconds: float) -> None:
    # lock_timeout bounds the wait for a process that holds the lock while stuck.
    conn.execute(
        sql.SQL("SET lock_timeout = {}").format(sql.Literal(f"{int(timeout_seconds * 1000)}ms"))
    )
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
    except psycopg.errors.LockNotAvailable:
        raise MigrationError(
            f"another process has held the schema migration lock for {timeout_seconds:.0f} s; "
            "check for a stuck 'resync-flows db upgrade' and try again"
        ) from None
    finally:
        conn.execute("RESET lock_timeout")


def _applied(conn: psycopg.Connection[Any]) -> list[AppliedMigration]:
    with conn.cursor(row_factory=tuple_row) as cur:
        exists = cur.execute("SELECT to_regclass('schema_migrations')").fetchone()
    if exists is None or exists[0] is None:
        return []
    with conn.cursor(row_factory=class_row(AppliedMigration)) as cur:
        return cur.execute(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version"
        ).fetchall()


def _check_applied_match_files(status: MigrationStatus, migrations: tuple[Migration, ...]) -> None:
    by_version = {item.version: item for item in migrations}
    for done in status.applied:
        known = by_version.get(done.version)
        if known is None:
            raise MigrationError(
                f"the database has schema version {done.version:04d} ({done.name}), which this "
                f"resync-flows does not know (it knows up to {status.latest_version:04d}); "
                "upgrade resync-flows"
            )
        if known.checksum != done.checksum:
            raise MigrationError(
                f"migration {known.file_name} was edited after it was applied (checksum "
                "differs from schema_migrations); put schema changes in a new numbered file"
            )


def _apply_one(conn: psycopg.Connection[Any], migration: Migration) -> AppliedMigration:
    logger.info("applying migration %s", migration.file_name)
    try:
        with conn.transaction():
            # No parameters: the file is sent as is, several statements at once.
            conn.execute(migration.sql.encode("utf-8"))
            with conn.cursor(row_factory=class_row(AppliedMigration)) as cur:
                row = cur.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s) "
                    "RETURNING version, name, checksum, applied_at",
                    (migration.version, migration.name, migration.checksum),
                ).fetchone()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise MigrationError(f"migration {migration.file_name} failed: {first_line}") from exc
    assert row is not None
    return row
