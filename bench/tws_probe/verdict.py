"""How one probed call is judged: ok, a clear error, or a problem (with its kind).

- ok: an answer, and nothing in it contradicts what the mock sent.
- clear: a ``TWSError`` with a readable message, for an answer the spec does not promise
  (an error status, or a body Prism itself flags as breaking the spec).
- problem, by kind:
  hang      no result within the call's time limit
  crash     an exception that is not a ``TWSError``
  paging    the client kept asking for pages past a sane bound
  silent    a result that drops or changes what the mock sent (e.g. a joblog lost)
  request   our request broke the spec (Prism's request violations, 406, 415, 422)
  rejects   a ``TWSProtocolError`` before anything was delivered, on a 2xx answer whose
            fields the error names are not ones Prism says break the spec
  message   a ``TWSError`` with an empty message
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from resync_clients.tws.errors import TWSError, TWSProtocolError

from .mock import Exchange

_MSGSPEC_PATH = re.compile(r"\$\.[\w.\[\]]+")
Verdict = Literal["ok", "clear", "problem"]
# Prism's answers to a request the spec forbids (problem+json "type" suffixes).
REQUEST_REJECTIONS = frozenset({"NOT_ACCEPTABLE", "INVALID_CONTENT_TYPE", "UNPROCESSABLE_ENTITY"})


class PagingCapReached(Exception):
    """The harness stopped consuming a paged query that would not end."""


@dataclass
class Outcome:
    """The verdict on one call in one mode, with the traffic it caused."""

    mode: str
    call: str
    verdict: Verdict
    detail: str
    kind: str | None = None
    requests: list[str] = field(default_factory=list)

    def line(self) -> str:
        tag = f"[{self.kind}] " if self.kind else ""
        return f"{self.mode:<14} {self.call:<28} {tag}{self.detail}"


def request_breaches(exchanges: Sequence[Exchange]) -> list[str]:
    """Where our requests broke the spec, as Prism reported it."""
    found = []
    for exchange in exchanges:
        reasons = list(exchange.request_violations)
        if exchange.prism_error in REQUEST_REJECTIONS:
            reasons.append(exchange.prism_error)
        if reasons:
            accept = f" (Accept: {exchange.accept})" if exchange.accept else ""
            found.append(f"{exchange.describe()}{accept}: {'; '.join(dict.fromkeys(reasons))}")
    return found


def judge(
    mode: str,
    call: str,
    exchanges: Sequence[Exchange],
    *,
    error: BaseException | None = None,
    silent: str | None = None,
    summary: str = "",
    timeout: float | None = None,
    delivered: int = 0,
) -> Outcome:
    """The verdict on a call that raised ``error`` or returned (``silent`` names a wrong result)."""
    requests = [exchange.describe() for exchange in exchanges]

    def problem(kind: str, detail: str) -> Outcome:
        return Outcome(mode, call, "problem", detail, kind, requests)

    if isinstance(error, TimeoutError):
        return problem("hang", f"no result within {timeout:g}s ({len(exchanges)} request(s))")
    if isinstance(error, PagingCapReached):
        return problem("paging", str(error))
    if error is not None and not isinstance(error, TWSError):
        return problem("crash", f"{type(error).__name__}: {error}")
    breaches = request_breaches(exchanges)
    if breaches:
        outcome = f" -> {type(error).__name__}" if error is not None else " (answer used)"
        return problem("request", f"{breaches[0]}{outcome}" + _more(breaches))
    if error is not None:
        message = str(error).strip()
        if not message:
            return problem("message", f"{type(error).__name__} with an empty message")
        if isinstance(error, TWSProtocolError) and delivered == 0:
            # Refusing a whole answer is fair only for a field Prism says breaks the spec.
            answered = [e for e in exchanges if 200 <= e.status < 300]
            violated = {path for e in answered for path in e.violated_fields}
            if answered and not names_violation(message, violated):
                return problem("rejects", f"nothing delivered of a spec-valid answer: {message}")
        if delivered:
            message += f" (after {delivered} item(s) delivered)"
        return Outcome(mode, call, "clear", f"{type(error).__name__}: {message}", None, requests)
    if silent:
        return problem("silent", silent)
    return Outcome(mode, call, "ok", summary, None, requests)


def names_violation(message: str, violated: set[str]) -> bool:
    """Whether the error names a body path (or, lacking one, a field) Prism says is invalid.

    msgspec names the exact place (``$.results[0].jobruns[0].timeInfo.elapsedTime``): that
    path must be a violated one, not merely a field of the same name elsewhere on the page.
    """
    paths = [_dotted(found) for found in _MSGSPEC_PATH.findall(message)]
    if paths:
        return any(path in violated for path in paths)
    leaves = {_leaf(path) for path in violated} - {""}
    return any(re.search(rf"\b{re.escape(leaf)}\b", message) for leaf in leaves)


def _leaf(path: str) -> str:
    """The last field name of a dotted body path (``results.0.userLogins.0`` -> userLogins)."""
    names = [part for part in path.split(".") if part and not part.isdigit()]
    return names[-1] if names else ""


def _dotted(msgspec_path: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", msgspec_path.removeprefix("$.")).strip(".")


def _more(items: Sequence[str]) -> str:
    return f" (+{len(items) - 1} more)" if len(items) > 1 else ""
