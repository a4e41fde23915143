"""The LLM adapter: one chat completion through litellm, with timeouts, retries and typed errors.

::

    client = LLMClient(LLMConfig.from_settings(settings))
    reply = client.complete_json([ChatMessage("system", ...), ChatMessage("user", ...)])
    reply.text                      # the model's answer, expected to be one JSON object

Errors, grouped by what the caller should do about them::

    LLMError                  anything that went wrong asking the model
    ├── LLMUnavailableError   connection failure, timeout, HTTP 5xx or 429 (retried first)
    ├── LLMRejectedError      any other 4xx: bad key, unknown model, request refused
    └── LLMResponseError      the endpoint answered, but with no usable text

Every call is bounded in time: at most ``retries + 1`` attempts of at most
``timeout_seconds`` each, backoff sleeps included (a sleep that would overrun the budget is not
started). Retries go through the adapters' one retry mechanism (``resync_clients.retries``)
under ``LLMConfig.retry_policy``; only errors whose ``retryable`` is True are retried. Messages
and logs name the model and the failure, never the API key or the prompt.

litellm is imported on first use: it takes seconds to import, and most processes never call a
model. ``resync_flows`` (imported by this package) has already told it to use its bundled price
map instead of downloading one.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar, Literal, NoReturn

from pydantic import SecretStr

from resync_clients.retries import GiveUp, RetryPolicy, retrying
from resync_core.settings import Settings, mask_url_password

__all__ = [
    "ChatMessage",
    "LLMClient",
    "LLMConfig",
    "LLMError",
    "LLMRejectedError",
    "LLMReply",
    "LLMResponseError",
    "LLMUnavailableError",
]

logger = logging.getLogger(__name__)

DEFAULT_RETRIES = 2
DEFAULT_BACKOFF_SECONDS = 0.5
DEFAULT_MAX_TOKENS = 1200
# An attempt with less time left than this is not worth starting.
_MIN_ATTEMPT_SECONDS = 0.05


class LLMError(Exception):
    """Base class of every error raised by the LLM adapter.

    ``retryable`` is True when the same request may succeed later (only unavailability).
    """

    retryable: ClassVar[bool] = False


class LLMUnavailableError(LLMError):
    """The model could not be reached or did not answer in time, after the retries.

    ``status`` is the last HTTP status seen (5xx or 429), ``None`` for a transport failure or
    a timeout; ``timed_out`` tells the two apart.
    """

    retryable: ClassVar[bool] = True

    def __init__(self, message: str, *, status: int | None = None, timed_out: bool = False):
        super().__init__(message)
        self.status = status
        self.timed_out = timed_out


class LLMRejectedError(LLMError):
    """The endpoint refused the request (HTTP 4xx other than 429): fix the configuration.

    Not retried: the same request would be refused again.
    """

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


class LLMResponseError(LLMError):
    """The endpoint answered, but the answer carries no text (empty choices, no content)."""


@dataclass(frozen=True)
class LLMConfig:
    """Where and how to call the model.

    ``model`` is a litellm model string (``openai/gpt-4o-mini``, ``ollama/llama3``...).
    ``timeout_seconds`` bounds each attempt; it is the HTTP client's connect, write and read
    timeout, so only an endpoint that trickles its answer byte by byte could stretch an
    attempt (a non-streamed completion arrives at once). ``retries`` is the number of
    attempts after the first; the backoff before retry ``n`` (1-based) is up to
    ``backoff_seconds * 2**(n-1)`` (full jitter). Attempts and backoff together stay within
    ``total_budget_seconds``.
    """

    model: str
    api_base: str | None = None
    api_key: SecretStr | None = None
    timeout_seconds: float = 30.0
    retries: int = DEFAULT_RETRIES
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS
    max_tokens: int = DEFAULT_MAX_TOKENS

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ValueError("an LLM model name is required")
        if self.timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        if self.retries < 0 or self.backoff_seconds < 0:
            raise ValueError("retries and backoff_seconds must not be negative")

    @property
    def total_budget_seconds(self) -> float:
        """The longest a call may take, retries and backoff included."""
        return self.timeout_seconds * (self.retries + 1)

    @property
    def retry_policy(self) -> RetryPolicy:
        """The one retry policy of calls to the model."""
        return RetryPolicy(
            max_attempts=self.retries + 1,
            base_delay_seconds=self.backoff_seconds,
            max_delay_seconds=self.total_budget_seconds,
            max_total_seconds=self.total_budget_seconds,
            min_attempt_seconds=_MIN_ATTEMPT_SECONDS,
        )

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> LLMConfig:
        """The configuration of ``settings.llm_*``; ``overrides`` set the other fields."""
        return cls(
            model=settings.llm_model.strip(),
            api_base=settings.llm_api_base,
            api_key=settings.llm_api_key,
            timeout_seconds=settings.llm_timeout_seconds,
            **overrides,
        )


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat prompt."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class LLMReply:
    """The model's answer: its text, which model served it, and what it cost to get."""

    text: str
    model: str
    attempts: int
    elapsed_seconds: float


_litellm_lock = threading.Lock()
_litellm_module: ModuleType | None = None


def _litellm() -> ModuleType:
    """Import and quiet litellm once per process."""
    global _litellm_module
    with _litellm_lock:
        if _litellm_module is None:
            # litellm downloads a price map at import unless told to use its bundled copy;
            # an LLM adapter must work on a site without internet access.
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            try:
                import litellm
            except ImportError as exc:
                raise LLMError(f"litellm cannot be imported: {exc}") from None

            # No usage reporting, no "give feedback" banners on stdout, and unsupported
            # parameters (json mode on a model without it) dropped rather than refused.
            litellm.telemetry = False
            litellm.suppress_debug_info = True
            litellm.drop_params = True
            _litellm_module = litellm
        return _litellm_module


class LLMClient:
    """Asks one configured model for a JSON answer. Thread-safe; cheap to create."""

    def __init__(
        self,
        config: LLMConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._clock = clock

    def complete_json(self, messages: Sequence[ChatMessage]) -> LLMReply:
        """Send ``messages`` asking for a single JSON object; return the model's text.

        The text is not parsed here: validating it is the caller's job. Asks for JSON mode
        (``response_format={"type": "json_object"}``) where the provider supports it, at
        temperature 0. Raises ``LLMUnavailableError`` once the retries or the time budget are
        spent, ``LLMRejectedError`` at once on a 4xx refusal, ``LLMResponseError`` on an answer
        without text.
        """
        config = self.config
        _litellm()  # the first import takes seconds; it must not eat the call's time budget
        start = self._clock()
        deadline = start + config.total_budget_seconds
        attempts = 0

        def attempt() -> str:
            nonlocal attempts
            attempts += 1
            remaining = max(deadline - self._clock(), _MIN_ATTEMPT_SECONDS)
            try:
                return self._attempt(messages, timeout=min(config.timeout_seconds, remaining))
            except LLMUnavailableError as exc:
                # INFO: the caller decides whether the final failure deserves a warning.
                logger.info(
                    "LLM %s attempt %d/%d failed: %s",
                    config.model,
                    attempts,
                    config.retries + 1,
                    exc,
                )
                raise

        def give_up(exc: BaseException, why: GiveUp, tried: int, elapsed: float) -> NoReturn:
            assert isinstance(exc, LLMUnavailableError)
            raise LLMUnavailableError(
                f"{exc} (gave up after {tried} attempt(s) in {elapsed:.1f}s)",
                status=exc.status,
                timed_out=exc.timed_out,
            ) from exc

        controller = retrying(
            config.retry_policy,
            retryable=lambda exc: isinstance(exc, LLMError) and exc.retryable,
            give_up=give_up,
            clock=self._clock,
            sleep=self._sleep,
        )
        text = controller(attempt)
        return LLMReply(
            text=text,
            model=config.model,
            attempts=attempts,
            elapsed_seconds=self._clock() - start,
        )

    def _attempt(self, messages: Sequence[ChatMessage], *, timeout: float) -> str:
        litellm = _litellm()
        config = self.config
        try:
            response = litellm.completion(
                model=config.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],
                api_base=config.api_base,
                api_key=config.api_key.get_secret_value() if config.api_key else None,
                timeout=timeout,
                # Retries are ours (bounded by the budget); the OpenAI SDK would add its own.
                max_retries=0,
                temperature=0,
                max_tokens=config.max_tokens,
                response_format={"type": "json_object"},
            )
        except Exception as exc:  # litellm maps every provider failure onto its own classes
            raise _classify(exc, config) from None
        return _reply_text(response, config.model)


def _reply_text(response: Any, model: str) -> str:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, KeyError, TypeError):
        raise LLMResponseError(f"LLM {model} answered without a message") from None
    if not isinstance(content, str) or not content.strip():
        raise LLMResponseError(f"LLM {model} answered with an empty message")
    return content


def _classify(exc: Exception, config: LLMConfig) -> LLMError:
    """The adapter's error for a litellm/OpenAI SDK exception; its message has no secrets."""
    import openai  # installed with litellm; its classes are the bases of litellm's

    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    model = config.model
    name = f"{type(exc).__name__}: {_short_reason(exc, config)}"
    # litellm reports a refused connection as an HTTP 500 of its own making; the transport
    # error underneath tells the truth.
    transport = _transport_error(exc, openai.APIConnectionError)
    if isinstance(transport, openai.APITimeoutError):
        return LLMUnavailableError(f"LLM {model} timed out ({name})", timed_out=True)
    if transport is not None:
        return LLMUnavailableError(f"LLM {model} unreachable ({name})")
    if status == 429 or (status is not None and status >= 500):
        return LLMUnavailableError(f"LLM {model} answered HTTP {status} ({name})", status=status)
    if status is not None and 400 <= status < 500:
        return LLMRejectedError(
            f"LLM {model} refused the request: HTTP {status} ({name})", status=status
        )
    # Anything else (a garbled body the SDK could not decode, a provider quirk) may pass on a
    # second try; treat it as unavailability so it is retried within the budget.
    return LLMUnavailableError(f"LLM {model} call failed ({name})", status=status)


def _transport_error(exc: BaseException, kind: type[Exception]) -> BaseException | None:
    """The first ``kind`` in ``exc``'s chain of causes (litellm's ``Timeout`` is one)."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _short_reason(exc: Exception, config: LLMConfig) -> str:
    """The exception's first line, shortened, with the API key and URL password blanked."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    if config.api_key is not None and config.api_key.get_secret_value():
        text = text.replace(config.api_key.get_secret_value(), "***")
    if config.api_base:
        text = text.replace(config.api_base, mask_url_password(config.api_base))
    return text if len(text) <= 200 else text[:197] + "..."
