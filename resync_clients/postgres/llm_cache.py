"""Model answers cached by the hash of what was asked (``llm_cache`` table).

The key covers the model, the prompt version and the full masked prompt, so any change to
one of them asks the model again, and a repeated question costs nothing and gets the same
answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb


def llm_cache_key(model: str, prompt_version: str, masked_input: str) -> str:
    """The sha256 hex digest identifying one question to one model."""
    digest = hashlib.sha256()
    for part in (model, prompt_version, masked_input):
        data = part.encode("utf-8", "surrogatepass")
        # Length-prefixed so ("ab", "c") and ("a", "bc") cannot collide.
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedLLMResponse:
    """A stored answer: the JSON document as it was saved, and when."""

    key: str
    model: str
    prompt_version: str
    response: dict[str, Any]
    created_at: datetime


def load_llm_response(conn: psycopg.Connection[Any], key: str) -> CachedLLMResponse | None:
    """The answer stored under ``key``, or None."""
    with conn.cursor(row_factory=class_row(CachedLLMResponse)) as cur:
        return cur.execute(
            "SELECT key, model, prompt_version, response, created_at FROM llm_cache WHERE key = %s",
            (key,),
        ).fetchone()


def save_llm_response(
    conn: psycopg.Connection[Any],
    *,
    key: str,
    model: str,
    prompt_version: str,
    response: dict[str, Any],
) -> None:
    """Store ``response`` under ``key``, replacing an earlier answer for the same key."""
    conn.execute(
        "INSERT INTO llm_cache (key, model, prompt_version, response) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (key) DO UPDATE SET response = EXCLUDED.response, created_at = now()",
        (key, model, prompt_version, Jsonb(response)),
    )
