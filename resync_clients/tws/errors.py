"""Errors raised by the TWS client, grouped by what the caller should do about them.

::

    TWSError                     anything that went wrong talking to TWS
    ├── TWSUnavailableError      transport failure, timeout, 5xx, 408, 429: retry later
    │   ├── CircuitOpenError     the client stopped calling a failing TWS for a while
    │   └── TWSDeadlineError     the caller's deadline for the work passed first
    ├── TWSAuthError             401/403: credentials or permissions need fixing
    ├── TWSRequestError          any other 4xx: the request itself was rejected
    │   ├── TWSNotFoundError     404: no such job, run or workstation
    │   └── TWSMediaTypeError    406/415: TWS does not accept the media type sent or asked for
    └── TWSProtocolError         the answer was not what the API promises (bad JSON, bad shape,
                                 paging that does not advance)

``retryable`` on every class says whether the same request may succeed later: True only for
``TWSUnavailableError`` and its subclasses (the outside fault is transient). Everything else is
deterministic: sending the same request again gets the same answer, so neither the client nor
its callers should repeat it before something changes (config, request, or the TWS version).
The client itself already retried a retryable error within its ``RetryPolicy`` before raising.

Messages name the method and path, the HTTP status and the product's own ``messages``; they
never contain credentials (the client puts none in URLs, and headers are never echoed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar

# AWS<component><3 digits><severity>, e.g. AWSBIN076E; z/OS ones are EQQ<x><3 digits><severity>.
_MESSAGE_ID = re.compile(r"\b(AWS[A-Z]{3}\d{3}[IWE]|EQQ[A-Z]\d{3}[IWE])\b")


def parse_message_ids(messages: Sequence[str]) -> tuple[str, ...]:
    """The product message ids (``AWSBIN076E``, ``EQQM637I``...) in ``messages``, in order."""
    found: list[str] = []
    for message in messages:
        for message_id in _MESSAGE_ID.findall(message):
            if message_id not in found:
                found.append(message_id)
    return tuple(found)


class TWSError(Exception):
    """Base class of every error raised by the TWS client.

    ``retryable`` is True when the same request may succeed later (see the module docstring).
    """

    retryable: ClassVar[bool] = False


class TWSUnavailableError(TWSError):
    """TWS could not be reached or did not answer usefully in time (retry later).

    Raised after the client's own retries are spent: connection errors, timeouts, HTTP 5xx and
    HTTP 408/429. ``status`` is the last HTTP status seen, or ``None`` for transport failures.
    """

    retryable: ClassVar[bool] = True

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CircuitOpenError(TWSUnavailableError):
    """The circuit breaker is open: recent calls failed, so this one was not sent.

    ``retry_after_seconds`` says when the breaker will let a trial call through.
    """

    def __init__(self, message: str, *, retry_after_seconds: float) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class TWSDeadlineError(TWSUnavailableError):
    """The deadline the caller gave the client passed before TWS answered usefully.

    Raised instead of starting (or waiting out) an attempt or a backoff that would end after
    the deadline, and when an attempt in flight reaches it. ``status`` is the last HTTP
    status seen, if any. Retryable: the next cycle may find TWS healthy again.
    """


class _RejectedError(TWSError):
    """An answer from TWS that refuses the request; carries the product's messages."""

    def __init__(self, message: str, *, status: int, messages: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.messages: tuple[str, ...] = tuple(messages)
        self.message_ids: tuple[str, ...] = parse_message_ids(self.messages)


class TWSAuthError(_RejectedError):
    """HTTP 401 or 403: the credentials are wrong, expired, or lack the permission (fix config)."""


class TWSRequestError(_RejectedError):
    """HTTP 4xx other than 401/403/429: TWS rejected this request (bad filter, wrong state...).

    ``messages`` holds the product's messages from the response body and ``message_ids`` the
    AWS/EQQ ids found in them, e.g. ``("AWSBIN076E",)`` for an action not valid in the job's state.
    """


class TWSNotFoundError(TWSRequestError):
    """HTTP 404: the job, run or workstation does not exist in the plan."""


class TWSMediaTypeError(TWSRequestError):
    """HTTP 406 or 415: TWS refused the media type of the request (``Content-Type``, 415) or
    cannot produce the one asked for (``Accept``, 406). ``media_type`` is the one sent."""

    def __init__(
        self, message: str, *, status: int, media_type: str, messages: Sequence[str] = ()
    ) -> None:
        super().__init__(message, status=status, messages=messages)
        self.media_type = media_type


class TWSProtocolError(TWSError):
    """TWS answered 2xx with something the API does not promise (malformed JSON, wrong shape,
    paging that repeats itself). Not retried: the same request gets the same answer."""
