"""One clear line for the failures a command cannot fix itself: the database is unreachable.

``main`` (resync_flows/cli/__init__.py) turns these exceptions into ``error: ...`` and a
nonzero exit instead of a traceback. Messages never carry a password.
"""

from __future__ import annotations

import re
import sys

# Passwords in URLs (user:secret@host) and in libpq key/value strings (password=secret).
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)
_HINT = "is it running? set RESYNC_DATABASE_URL (or --database-url) if it runs elsewhere"


def mask_passwords(text: str) -> str:
    """``text`` with the passwords of URLs and ``password=`` pairs replaced by ``***``."""
    return _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


def describe_database_error(error: BaseException) -> str | None:
    """One line for a database failure in ``error`` or its causes; None for anything else.

    Covers the store's errors (``resync_clients.postgres.errors.StoreError``: unreachable
    server, embedded server that cannot start, schema that cannot be migrated) and psycopg's
    ``OperationalError`` (connection refused or lost) that reached the CLI unwrapped.
    """
    from resync_clients.postgres.errors import DatabaseUnavailableError, StoreError

    operational = _psycopg_operational_error()
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailableError):
            return f"{_one_line(current)}; {_HINT}"
        if isinstance(current, StoreError):
            return _one_line(current)
        if operational is not None and isinstance(current, operational):
            return f"cannot reach PostgreSQL: {_one_line(current)}; {_HINT}"
        current = current.__cause__ or current.__context__
    return None


def _psycopg_operational_error() -> type[BaseException] | None:
    # Only a command that used the database has psycopg loaded; the others stay light.
    psycopg = sys.modules.get("psycopg")
    return None if psycopg is None else psycopg.OperationalError


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return mask_passwords(text)
