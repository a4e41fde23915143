"""Process-wide resources shared by task runs: the settings and one store (connection pool).

Task runs of one flow run share a process; opening a pool (and, by default, starting the
embedded PostgreSQL) per task run would cost more than the work. The store is opened on first
use, its schema brought up to date before anything writes, and closed at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading

from resync_clients.store import Store, open_store
from resync_core.settings import Settings, get_settings

_lock = threading.Lock()
_store: Store | None = None


def get_store(settings: Settings | None = None) -> Store:
    """The process's store, migrated to the latest schema version."""
    global _store
    with _lock:
        if _store is None:
            store = open_store(settings or get_settings())
            store.ensure_schema()
            atexit.register(store.close)
            _store = store
        return _store


def close_store() -> None:
    """Close the process's store (tests and long-running loops that switch databases)."""
    global _store
    with _lock:
        if _store is not None:
            _store.close()
            _store = None
