"""The ``llm_cache`` table adapter on a real PostgreSQL."""

from __future__ import annotations

from resync_clients.postgres.llm_cache import (
    llm_cache_key,
    load_llm_response,
    save_llm_response,
)
from resync_clients.store import Store


def test_key_is_a_sha256_of_every_part() -> None:
    key = llm_cache_key("openai/gpt-4o-mini", "v1", "masked input")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == llm_cache_key("openai/gpt-4o-mini", "v1", "masked input")
    assert key != llm_cache_key("openai/gpt-4o", "v1", "masked input")
    assert key != llm_cache_key("openai/gpt-4o-mini", "v2", "masked input")
    assert key != llm_cache_key("openai/gpt-4o-mini", "v1", "masked input.")
    # Parts are delimited: moving characters between them changes the key.
    assert llm_cache_key("ab", "c", "d") != llm_cache_key("a", "bc", "d")


def test_saved_answer_is_loaded_by_key(store: Store) -> None:
    key = llm_cache_key("m", "v1", "input")
    with store.connection() as conn:
        assert load_llm_response(conn, key) is None
        save_llm_response(
            conn,
            key=key,
            model="m",
            prompt_version="v1",
            response={"category": "disk_full", "steps": ["df -h"]},
        )
    with store.connection() as conn:
        cached = load_llm_response(conn, key)
    assert cached is not None
    assert (cached.model, cached.prompt_version) == ("m", "v1")
    assert cached.response == {"category": "disk_full", "steps": ["df -h"]}
    assert cached.created_at.tzinfo is not None


def test_saving_again_replaces_the_answer(store: Store) -> None:
    key = llm_cache_key("m", "v1", "input")
    with store.connection() as conn:
        save_llm_response(conn, key=key, model="m", prompt_version="v1", response={"n": 1})
        save_llm_response(conn, key=key, model="m", prompt_version="v1", response={"n": 2})
        count = conn.execute("SELECT count(*) AS n FROM llm_cache").fetchone()
        cached = load_llm_response(conn, key)
    assert count == {"n": 1}
    assert cached is not None and cached.response == {"n": 2}
