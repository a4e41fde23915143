"""Process-wide resources shared by task runs: one store, one TWS client state, one LLM client.

Task runs of one flow run share a process. Opening a pool (and, by default, starting the
embedded PostgreSQL) per task run would cost more than the work, and a TWS circuit breaker
made per task run would forget every failure when the run ends and so protect nothing. Tasks
therefore take what they talk to from ``get_resources()``:

- ``store``: the PostgreSQL store, its schema brought up to date before anything writes;
- ``tws``: the ``TWSConnections`` of the configured engine (one circuit breaker for the whole
  process, one connection pool per event loop); ``tws_client()`` gives a session over it;
- ``llm``: the ``LLMClient`` of the configured model.

Each is opened on first use and closed at interpreter exit.
"""

from __future__ import annotations

import atexit
import threading

from resync_clients.llm import LLMClient, LLMConfig
from resync_clients.store import Store, open_store
from resync_clients.tws.client import TWSClient, TWSClientConfig, TWSConnections
from resync_core.settings import Settings, get_settings

__all__ = ["Resources", "close_resources", "close_store", "get_resources", "get_store"]


class Resources:
    """What the task runs of one process share; get it with ``get_resources()``.

    ``settings`` are those of the first caller. ``tws_for(settings)`` serves another engine's
    settings too (one ``TWSConnections``, hence one breaker, per distinct engine config).
    Thread-safe.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._tws: dict[TWSClientConfig, TWSConnections] = {}
        self._llm: LLMClient | None = None

    @property
    def store(self) -> Store:
        """The store, migrated to the latest schema version."""
        with self._lock:
            if self._store is None:
                store = open_store(self.settings)
                store.ensure_schema()
                self._store = store
            return self._store

    @property
    def tws(self) -> TWSConnections:
        """The TWS engine of ``settings``: its breaker and pools (raises ``ValueError`` when
        no TWS URL is configured)."""
        return self.tws_for(self.settings)

    def tws_for(self, settings: Settings) -> TWSConnections:
        """The shared state of the TWS engine ``settings`` name."""
        config = TWSClientConfig.from_settings(settings)
        with self._lock:
            connections = self._tws.get(config)
            if connections is None:
                connections = self._tws[config] = TWSConnections(config)
            return connections

    def tws_client(
        self, settings: Settings | None = None, *, call_budget_seconds: float | None = None
    ) -> TWSClient:
        """A TWS session (``async with``) sharing the process's breaker and pools;
        ``call_budget_seconds`` caps each call's time, its retries included."""
        return self.tws_for(settings or self.settings).client(
            call_budget_seconds=call_budget_seconds
        )

    @property
    def llm(self) -> LLMClient:
        """The LLM client of ``settings`` (raises ``ValueError`` when no model is set)."""
        with self._lock:
            if self._llm is None:
                self._llm = LLMClient(LLMConfig.from_settings(self.settings))
            return self._llm

    def close(self) -> None:
        """Close the store and every TWS pool that can still be closed; forget them all."""
        with self._lock:
            store, self._store = self._store, None
            connections, self._tws = list(self._tws.values()), {}
            self._llm = None
        for tws in connections:
            tws.close()
        if store is not None:
            store.close()


_lock = threading.Lock()
_resources: Resources | None = None


def get_resources(settings: Settings | None = None) -> Resources:
    """The process's resources; the first call's ``settings`` (default: the environment's)
    configure them until ``close_resources()``."""
    global _resources
    with _lock:
        if _resources is None:
            _resources = Resources(settings or get_settings())
        return _resources


def get_store(settings: Settings | None = None) -> Store:
    """The process's store, migrated to the latest schema version."""
    return get_resources(settings).store


def close_resources() -> None:
    """Close the process's resources (tests and long-running loops that switch databases or
    engines); the next ``get_resources()`` opens new ones, with a fresh TWS breaker."""
    global _resources
    with _lock:
        resources, _resources = _resources, None
    if resources is not None:
        resources.close()


def close_store() -> None:
    """Close the process's store, and with it the other resources (see ``close_resources``)."""
    close_resources()


atexit.register(close_resources)
