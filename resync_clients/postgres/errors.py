"""Errors raised by the PostgreSQL store, from most general to most specific.

Messages are written for an operator: they say what failed, where, and what to do. They never
contain a password.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class: anything the store could not do."""


class DatabaseUnavailableError(StoreError):
    """The PostgreSQL server could not be reached or refused us (retry later or fix config)."""


class EmbeddedDatabaseError(StoreError):
    """The embedded PostgreSQL cannot use its data directory or failed to start."""


class MigrationError(StoreError):
    """The schema cannot be brought up to date (a migration failed, changed, or is unknown)."""
