"""Enrich a deterministic joblog analysis with a language model's review, safely.

``enrich_analysis`` is a plain function (the incident flow wraps it in its own task). It sends
the model only the masked lines around the error and the rule-based findings, caches answers
in PostgreSQL, and validates every answer against the joblog before merging it. Whatever goes
wrong with the model (off, unreachable, slow, refusing, answering nonsense), the caller gets
the deterministic analysis back with a note saying why; nothing is raised for model faults.
"""

from __future__ import annotations

import logging

import psycopg
from pydantic import ValidationError

from resync_analytics.enrichment import (
    PROMPT_VERSION,
    EnrichedAnalysis,
    EnrichmentPrompt,
    ErrorWindow,
    LLMVerdict,
    VerdictRejected,
    build_error_window,
    build_prompt,
    parse_verdict,
    review_verdict,
)
from resync_analytics.joblog.models import JoblogAnalysis
from resync_clients.llm import ChatMessage, LLMClient, LLMConfig, LLMError
from resync_clients.postgres.errors import StoreError
from resync_clients.postgres.llm_cache import (
    llm_cache_key,
    load_llm_response,
    save_llm_response,
)
from resync_clients.store import Store
from resync_core.settings import Settings
from tasks.resources import get_resources

logger = logging.getLogger(__name__)


def enrich_analysis(
    analysis: JoblogAnalysis,
    joblog_text: str,
    settings: Settings,
    store: Store | None = None,
    *,
    client: LLMClient | None = None,
) -> EnrichedAnalysis:
    """Review ``analysis`` of ``joblog_text`` with the model of ``settings.llm_model``.

    Returns the merged recommendation (``source == "llm"``) or the deterministic analysis
    unchanged (``source == "deterministic"``) with ``note`` explaining why. The result is
    advice only. ``store`` (migrated) caches answers in ``llm_cache``: a repeated question
    makes no model call; without a store every call asks the model. ``client`` replaces the
    process's shared client of ``settings``' model (other retries or timeouts). Takes at
    most the client's time budget (``llm_timeout_seconds`` times the attempts). Never raises
    for model or cache faults; logs a warning (without secrets) instead.
    """
    if not settings.llm_enabled:
        return EnrichedAnalysis.fallback(analysis, "LLM review is off (RESYNC_LLM_MODEL unset)")
    model = settings.llm_model.strip()
    if analysis.category == "success":
        return EnrichedAnalysis.fallback(analysis, "the job succeeded: nothing to review")
    window = build_error_window(joblog_text, analysis.error_line)
    if not window.lines:
        return EnrichedAnalysis.fallback(analysis, "the joblog is empty: nothing to review")
    prompt = build_prompt(analysis, window)
    key = llm_cache_key(model, PROMPT_VERSION, prompt.fingerprint)

    cached = _load_cached(store, key)
    if cached is not None:
        try:
            return review_verdict(
                cached, analysis, window, joblog_text, model=model, from_cache=True
            )
        except VerdictRejected as exc:
            # Validation rules may have tightened since the answer was cached: ask again.
            logger.info("cached LLM answer no longer passes validation: %s", exc)

    return _ask_model(analysis, joblog_text, window, prompt, settings, model, key, store, client)


def _ask_model(
    analysis: JoblogAnalysis,
    joblog_text: str,
    window: ErrorWindow,
    prompt: EnrichmentPrompt,
    settings: Settings,
    model: str,
    key: str,
    store: Store | None,
    client: LLMClient | None,
) -> EnrichedAnalysis:
    try:
        client = client or _llm_client(settings)
        reply = client.complete_json(
            [ChatMessage("system", prompt.system), ChatMessage("user", prompt.user)]
        )
    except (LLMError, ValueError) as exc:
        return _fall_back(analysis, model, f"no answer from {model}: {exc}")
    try:
        verdict = parse_verdict(reply.text)
        enriched = review_verdict(verdict, analysis, window, joblog_text, model=model)
    except VerdictRejected as exc:
        return _fall_back(analysis, model, f"answer of {model} rejected: {exc}")
    _save_cached(store, key, model, verdict)
    return enriched


def _llm_client(settings: Settings) -> LLMClient:
    """The process's shared LLM client (``get_resources().llm``) when it serves the model
    configuration of ``settings``; else a client of their own (another model or endpoint).
    Raises ``ValueError`` when ``settings`` name no model."""
    config = LLMConfig.from_settings(settings)
    resources = get_resources(settings)
    if resources.settings.llm_enabled and LLMConfig.from_settings(resources.settings) == config:
        return resources.llm
    return LLMClient(config)


def _fall_back(analysis: JoblogAnalysis, model: str, reason: str) -> EnrichedAnalysis:
    logger.warning("LLM review skipped for %s: %s", _job_name(analysis), reason)
    return EnrichedAnalysis.fallback(
        analysis, f"{reason}; the rule-based analysis is kept", model=model
    )


def _job_name(analysis: JoblogAnalysis) -> str:
    job = analysis.header.job
    return job.selector if job is not None else "a job"


def _load_cached(store: Store | None, key: str) -> LLMVerdict | None:
    if store is None:
        return None
    try:
        with store.connection() as conn:
            row = load_llm_response(conn, key)
        return None if row is None else LLMVerdict.model_validate(row.response)
    except (StoreError, psycopg.Error) as exc:
        logger.warning("LLM cache unavailable, asking the model: %s", type(exc).__name__)
    except ValidationError:
        logger.info("cached LLM answer %s no longer fits the schema; asking again", key[:12])
    return None


def _save_cached(store: Store | None, key: str, model: str, verdict: LLMVerdict) -> None:
    if store is None:
        return
    try:
        with store.connection() as conn:
            save_llm_response(
                conn,
                key=key,
                model=model,
                prompt_version=PROMPT_VERSION,
                response=verdict.model_dump(mode="json"),
            )
    except (StoreError, psycopg.Error) as exc:
        logger.warning("could not cache the LLM answer: %s", type(exc).__name__)
