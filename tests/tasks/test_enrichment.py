"""The LLM review uses the process's shared LLM client, not one of its own per call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from resync_core.settings import Settings
from tasks.enrichment import _llm_client
from tasks.resources import close_resources, get_resources


@pytest.fixture
def llm_settings() -> Iterator[Settings]:
    close_resources()
    yield Settings(llm_model="openai/gpt-4o-mini", llm_api_base="http://127.0.0.1:9/v1")
    close_resources()


def test_review_uses_the_process_llm_client(llm_settings: Settings) -> None:
    assert _llm_client(llm_settings) is get_resources(llm_settings).llm
    assert _llm_client(llm_settings) is _llm_client(llm_settings)


def test_review_for_another_model_gets_a_client_for_that_model(llm_settings: Settings) -> None:
    get_resources(llm_settings)
    other = llm_settings.model_copy(update={"llm_model": "ollama/llama3"})
    client = _llm_client(other)
    assert client is not get_resources().llm
    assert client.config.model == "ollama/llama3"


def test_review_without_a_model_is_refused(llm_settings: Settings) -> None:
    with pytest.raises(ValueError):
        _llm_client(llm_settings.model_copy(update={"llm_model": ""}))
