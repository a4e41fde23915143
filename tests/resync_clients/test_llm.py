"""The litellm adapter over real HTTP against the scripted OpenAI-compatible endpoint."""

from __future__ import annotations

import socket
import time

import pytest
from pydantic import SecretStr

from resync_clients.llm import (
    ChatMessage,
    LLMClient,
    LLMConfig,
    LLMRejectedError,
    LLMResponseError,
    LLMUnavailableError,
)
from resync_core.settings import Settings
from tests.fixtures.llm_endpoint import (
    LLM_TEST_API_KEY,
    LLM_TEST_RETRIES,
    LLM_TEST_TIMEOUT_SECONDS,
    ScriptedLLMEndpoint,
    reply_content,
    reply_json,
    reply_raw,
    reply_status,
)

MESSAGES = [ChatMessage("system", "Answer in JSON."), ChatMessage("user", "Why did it fail?")]
ATTEMPTS = LLM_TEST_RETRIES + 1


def test_answer_text_is_returned_and_the_request_asks_for_json(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient
) -> None:
    llm_endpoint.script(reply_json({"category": "disk_full"}))
    reply = llm_client.complete_json(MESSAGES)

    assert reply.text == '{"category": "disk_full"}'
    assert reply.attempts == 1 and reply.model == "openai/test-model"
    (request,) = llm_endpoint.requests
    assert request.payload["model"] == "test-model"
    assert request.payload["response_format"] == {"type": "json_object"}
    assert request.payload["temperature"] == 0
    assert request.payload["messages"] == [
        {"role": "system", "content": "Answer in JSON."},
        {"role": "user", "content": "Why did it fail?"},
    ]
    assert request.headers["authorization"] == f"Bearer {LLM_TEST_API_KEY}"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_rate_limits_are_retried(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient, status: int
) -> None:
    llm_endpoint.script(reply_status(status), reply_json({"ok": True}))
    reply = llm_client.complete_json(MESSAGES)
    assert reply.attempts == 2
    assert len(llm_endpoint.requests) == 2


def test_persistent_server_errors_give_up_after_the_retries(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient
) -> None:
    llm_endpoint.script(reply_status(500))
    with pytest.raises(LLMUnavailableError, match="HTTP 500") as raised:
        llm_client.complete_json(MESSAGES)
    assert raised.value.status == 500
    assert len(llm_endpoint.requests) == ATTEMPTS


@pytest.mark.parametrize("status", [400, 401, 404])
def test_refusals_are_not_retried_and_never_echo_the_key(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient, status: int
) -> None:
    llm_endpoint.script(reply_status(status, f"invalid api key {LLM_TEST_API_KEY}"))
    with pytest.raises(LLMRejectedError) as raised:
        llm_client.complete_json(MESSAGES)
    assert raised.value.status == status
    assert LLM_TEST_API_KEY not in str(raised.value)
    assert len(llm_endpoint.requests) == 1


def test_a_slow_endpoint_times_out_within_the_budget(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient
) -> None:
    llm_endpoint.script(reply_json({"late": True}, delay_seconds=1.5))
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError) as raised:
        llm_client.complete_json(MESSAGES)
    elapsed = time.monotonic() - started

    assert raised.value.timed_out
    assert elapsed < LLM_TEST_TIMEOUT_SECONDS * ATTEMPTS + 1.0
    assert len(llm_endpoint.requests) == ATTEMPTS


def test_a_refused_connection_is_unavailable() -> None:
    with socket.socket() as sock:  # a port nobody listens on once the socket closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = LLMConfig(
        model="openai/test-model",
        api_base=f"http://127.0.0.1:{port}/v1",
        api_key=SecretStr(LLM_TEST_API_KEY),
        timeout_seconds=LLM_TEST_TIMEOUT_SECONDS,
        retries=1,
        backoff_seconds=0.01,
    )
    with pytest.raises(LLMUnavailableError) as raised:
        LLMClient(config).complete_json(MESSAGES)
    assert raised.value.status is None and not raised.value.timed_out
    assert "unreachable" in str(raised.value)


def test_a_garbage_body_is_an_error(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient
) -> None:
    llm_endpoint.script(reply_raw("<html><body>502 proxy error</body></html>"))
    with pytest.raises(LLMUnavailableError):
        llm_client.complete_json(MESSAGES)


def test_an_empty_message_is_a_response_error(
    llm_endpoint: ScriptedLLMEndpoint, llm_client: LLMClient
) -> None:
    llm_endpoint.script(reply_content("   "))
    with pytest.raises(LLMResponseError):
        llm_client.complete_json(MESSAGES)
    assert len(llm_endpoint.requests) == 1


def test_config_from_settings_and_its_budget(llm_settings: Settings) -> None:
    config = LLMConfig.from_settings(llm_settings, retries=3)
    assert config.model == "openai/test-model"
    assert config.api_key is not None and LLM_TEST_API_KEY not in repr(config)
    assert config.total_budget_seconds == pytest.approx(LLM_TEST_TIMEOUT_SECONDS * 4)
    with pytest.raises(ValueError, match="model"):
        LLMConfig(model=" ")
    with pytest.raises(ValueError, match="timeout"):
        LLMConfig(model="openai/x", timeout_seconds=0)
