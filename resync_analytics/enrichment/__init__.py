"""Optional review of a joblog analysis by a language model: pure logic, no I/O.

What leaves for the model is built here (:func:`build_error_window`, :func:`build_prompt`):
the masked lines around the error and the rule-based findings, nothing else. What comes back
is checked here (:func:`parse_verdict`, :func:`review_verdict`) and merged so that the result
is never less specific than the rule-based analysis. The call itself is
``resync_clients.llm``; ``tasks.enrichment.enrich_analysis`` puts the pieces together.
"""

from resync_analytics.enrichment.models import EnrichedAnalysis, EnrichmentSource
from resync_analytics.enrichment.prompt import PROMPT_VERSION, EnrichmentPrompt, build_prompt
from resync_analytics.enrichment.review import LLM_ONLY_CONFIDENCE_CAP, review_verdict
from resync_analytics.enrichment.verdict import (
    LLMVerdict,
    VerdictRejected,
    is_destructive,
    is_rerun,
    parse_verdict,
)
from resync_analytics.enrichment.window import ErrorWindow, build_error_window

__all__ = [
    "LLM_ONLY_CONFIDENCE_CAP",
    "PROMPT_VERSION",
    "EnrichedAnalysis",
    "EnrichmentPrompt",
    "EnrichmentSource",
    "ErrorWindow",
    "LLMVerdict",
    "VerdictRejected",
    "build_error_window",
    "build_prompt",
    "is_destructive",
    "is_rerun",
    "parse_verdict",
    "review_verdict",
]
