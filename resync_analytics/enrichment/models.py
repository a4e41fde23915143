"""The result of enriching a joblog analysis: the recommendation and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from resync_analytics.joblog.models import JoblogAnalysis

EnrichmentSource = Literal["deterministic", "llm"]


@dataclass(frozen=True)
class EnrichedAnalysis:
    """A joblog analysis after the (optional) review by a model.

    ``analysis`` is the final recommendation: never less specific than ``deterministic`` (the
    rule-based analysis it started from) and only ever advice; nothing in it is executed.
    ``source`` is ``"llm"`` when a validated model answer was merged into it, else
    ``"deterministic"`` (enrichment off, skipped or failed; ``analysis is deterministic``).
    ``note`` says in one sentence what happened and why, for the operator and the logs.
    ``dropped`` lists what validation removed from the model's answer (invented entities,
    destructive steps...). ``reasoning`` is the model's explanation (masked), ``model`` the
    model that answered and ``from_cache`` whether its answer came from the cache.
    """

    analysis: JoblogAnalysis
    deterministic: JoblogAnalysis
    source: EnrichmentSource
    note: str
    model: str | None = None
    reasoning: str = ""
    dropped: tuple[str, ...] = ()
    from_cache: bool = False

    @classmethod
    def fallback(
        cls, analysis: JoblogAnalysis, note: str, *, model: str | None = None
    ) -> EnrichedAnalysis:
        """The deterministic analysis unchanged, with ``note`` saying why."""
        return cls(
            analysis=analysis,
            deterministic=analysis,
            source="deterministic",
            note=note,
            model=model,
        )
