"""Basic and bearer authentication of the simulator, with the product's 401/403 behaviour."""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from resync_simulator.config import ApiKeyCredential, Rights, UserCredential


@dataclass(frozen=True)
class AuthFailure:
    status: int  # 401 or 403
    message: str


class Authenticator:
    """Checks ``Authorization`` headers. ``token_ttl_seconds`` (a fault) makes each bearer
    token expire that long after its first use."""

    def __init__(self, users: list[UserCredential], api_keys: list[ApiKeyCredential]) -> None:
        self._users = {u.username: u for u in users}
        self._keys = {k.token: k for k in api_keys}
        self._first_seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self.token_ttl_seconds: float | None = None

    def reset_token_clock(self) -> None:
        with self._lock:
            self._first_seen.clear()

    def check(self, authorization: str | None, method: str) -> AuthFailure | None:
        """None when the request may proceed, else the failure to answer with."""
        if not authorization:
            return AuthFailure(401, "AWSBEH021E The user is not authorized: no credentials.")
        scheme, _, value = authorization.partition(" ")
        rights: Rights
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return AuthFailure(401, "AWSBEH021E The user is not authorized: bad credentials.")
            username, _, password = decoded.partition(":")
            user = self._users.get(username)
            if user is None or not hmac.compare_digest(user.password, password):
                return AuthFailure(401, "AWSBEH021E The user is not authorized: bad credentials.")
            rights, principal = user.rights, user.username
        elif scheme.lower() == "bearer":
            token = value.strip()
            key = self._keys.get(token)
            if key is None:
                return AuthFailure(401, "AWSBEH021E The user is not authorized: unknown API key.")
            if key.expires_at is not None and key.expires_at <= datetime.now(UTC):
                return AuthFailure(401, "AWSBEH021E The user is not authorized: the API key "
                                        "has expired.")  # fmt: skip
            if self._expired_by_ttl(token):
                return AuthFailure(401, "AWSBEH021E The user is not authorized: the token has "
                                        "expired.")  # fmt: skip
            rights, principal = key.rights, key.username
        else:
            return AuthFailure(401, "AWSBEH021E The user is not authorized: unsupported scheme.")
        if rights == "none" or (rights == "read" and method not in ("GET", "HEAD")):
            return AuthFailure(
                403, f'AWSBIO004E The user "{principal}" is not authorized to perform this action.'
            )
        return None

    def _expired_by_ttl(self, token: str) -> bool:
        ttl = self.token_ttl_seconds
        if ttl is None:
            return False
        with self._lock:
            first = self._first_seen.setdefault(token, time.monotonic())
        return time.monotonic() - first > ttl
