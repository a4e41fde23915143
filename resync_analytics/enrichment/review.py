"""Check a model's answer against the joblog and merge it into the deterministic analysis.

The model only advises. Its answer is used only as far as these checks allow:

- the category must be in the taxonomy, and a failed job is never declared ``success``;
- the error line must be one of the excerpt's lines the model was shown;
- every entity must occur verbatim in the joblog (others are dropped; if all are invented, the
  whole answer is rejected) and must not look like a secret;
- steps must be non-empty, and destructive commands (``rm -rf``, ``mkfs``, ``dd of=``,
  ``DROP TABLE``, ``conman kill``...) are dropped, as are the model's own rerun commands.

The merge never makes the answer less specific than the rule-based one: a specific category is
never replaced (the model can only refine ``unknown`` or ``application_error``), a root cause
replaces the rule-based one only if it names at least as many of the joblog's entities, every
rule-based entity and the rule-based rerun step are kept, and confidence rises only when the
model refines a generic category, capped at :data:`LLM_ONLY_CONFIDENCE_CAP` (a model's
self-reported confidence is not calibrated).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from resync_analytics.enrichment.models import EnrichedAnalysis
from resync_analytics.enrichment.verdict import (
    MAX_ENTITIES,
    LLMVerdict,
    VerdictRejected,
    is_destructive,
    is_rerun,
)
from resync_analytics.enrichment.window import ErrorWindow
from resync_analytics.joblog.models import CATEGORIES, Category, JoblogAnalysis
from resync_analytics.joblog.pattern import error_pattern
from resync_analytics.masking import mask_secrets

LLM_ONLY_CONFIDENCE_CAP = 0.6
"""Highest confidence given to a category that only the model found."""
MAX_MODEL_STEPS = 6
MAX_ROOT_CAUSE_CHARS = 300
MIN_ENTITY_CHARS = 2

# How specific a category is: the model may only move an analysis up this ladder.
_GENERIC_RANK: dict[str, int] = {"unknown": 0, "application_error": 1}
_SPECIFIC_RANK = 2


def review_verdict(
    verdict: LLMVerdict,
    analysis: JoblogAnalysis,
    window: ErrorWindow,
    joblog_text: str,
    *,
    model: str,
    from_cache: bool = False,
) -> EnrichedAnalysis:
    """Validate ``verdict`` against the joblog and merge it into ``analysis``.

    ``window`` is the excerpt the model was shown and ``joblog_text`` the whole joblog (for
    the verbatim entity check). Raises ``VerdictRejected`` when the answer as a whole cannot be
    used; partial problems are dropped and listed in ``EnrichedAnalysis.dropped``.
    """
    category = verdict.category
    if category not in CATEGORIES:
        raise VerdictRejected(f"category {_short(category)} is not in the taxonomy")
    if category == "success" and analysis.category != "success":
        raise VerdictRejected("the model declared a failed job successful")
    if not window.contains(verdict.error_line):
        raise VerdictRejected(
            f"error line {verdict.error_line} is outside the excerpt "
            f"(lines {window.first}-{window.last})"
        )
    dropped: list[str] = []
    entities = _verified_entities(verdict.entities, window, joblog_text, dropped)
    if verdict.entities and not entities:
        raise VerdictRejected(
            f"none of the {len(verdict.entities)} entities the model named occurs in the joblog"
        )
    steps = _safe_steps(verdict.steps, dropped)
    reasoning = mask_secrets(verdict.reasoning)

    adopt_category = _rank(category) > _rank(analysis.category)
    if category != analysis.category and not adopt_category:
        return EnrichedAnalysis(
            analysis=analysis,
            deterministic=analysis,
            source="deterministic",
            note=(
                f"{model} suggested {category!r}, which is not more specific than the "
                f"rule-based {analysis.category!r}; the rule-based analysis is kept"
            ),
            model=model,
            reasoning=reasoning,
            dropped=tuple(dropped),
            from_cache=from_cache,
        )

    merged = _merge(analysis, verdict, window, entities, steps, adopt_category)
    return EnrichedAnalysis(
        analysis=merged,
        deterministic=analysis,
        source="llm",
        note=_describe(analysis, merged, model, adopt_category, from_cache),
        model=model,
        reasoning=reasoning,
        dropped=tuple(dropped),
        from_cache=from_cache,
    )


def _merge(
    analysis: JoblogAnalysis,
    verdict: LLMVerdict,
    window: ErrorWindow,
    model_entities: list[str],
    model_steps: list[str],
    adopt_category: bool,
) -> JoblogAnalysis:
    category: Category = verdict.category if adopt_category else analysis.category  # type: ignore[assignment]
    entities = tuple(dict.fromkeys((*analysis.entities, *model_entities)))

    error_line, error_text, pattern = analysis.error_line, analysis.error_text, analysis.pattern
    if adopt_category or analysis.error_line == 0:
        line = window.line(verdict.error_line)
        if line is not None:
            error_line, error_text, pattern = line.number, line.text, error_pattern(line.text)

    root_cause = analysis.root_cause
    candidate = mask_secrets(verdict.root_cause)[:MAX_ROOT_CAUSE_CHARS]
    named_by_model, named_by_rules = _named(candidate, entities), _named(root_cause, entities)
    if named_by_model > named_by_rules or (
        named_by_model == named_by_rules and (adopt_category or named_by_model > 0)
    ):
        root_cause = candidate

    steps = _merge_steps(analysis.steps, model_steps, adopt_category)
    confidence = analysis.confidence
    if adopt_category:
        confidence = max(confidence, min(verdict.confidence, LLM_ONLY_CONFIDENCE_CAP))
    return dataclasses.replace(
        analysis,
        category=category,
        root_cause=root_cause,
        error_line=error_line,
        error_text=error_text,
        entities=entities,
        steps=steps,
        confidence=confidence,
        pattern=pattern,
        rule="llm" if adopt_category else analysis.rule,
    )


def _merge_steps(
    rule_steps: tuple[str, ...], model_steps: list[str], adopt_category: bool
) -> tuple[str, ...]:
    """Model steps join the rule-based ones; the rule-based rerun step always stays last.

    When the model refined a generic category, the rule-based steps (generic advice such as
    "read the full joblog") give way to the model's, except the rerun step.
    """
    rerun = [step for step in rule_steps if is_rerun(step)]
    others = [step for step in rule_steps if not is_rerun(step)]
    if adopt_category and model_steps:
        others = []
    combined = [*others, *(step for step in model_steps if step not in others)]
    return tuple(dict.fromkeys([*combined, *rerun]))


def _verified_entities(
    entities: Iterable[str], window: ErrorWindow, joblog_text: str, dropped: list[str]
) -> list[str]:
    window_text = window.text
    verified: list[str] = []
    for entity in entities:
        if not entity or entity in verified:
            continue
        if len(entity) < MIN_ENTITY_CHARS:
            dropped.append(f"entity {_short(entity)}: too short to identify anything")
        elif mask_secrets(entity) != entity:
            dropped.append("an entity that looks like a secret")
        elif entity not in window_text and entity not in joblog_text:
            dropped.append(f"entity {_short(entity)}: does not occur in the joblog")
        elif len(verified) < MAX_ENTITIES:
            verified.append(entity)
    return verified


def _safe_steps(steps: Iterable[str], dropped: list[str]) -> list[str]:
    safe: list[str] = []
    for step in steps:
        step = mask_secrets(step)
        if not step or step in safe:
            continue
        if is_destructive(step):
            dropped.append(f"destructive step: {_short(step)}")
        elif is_rerun(step):
            dropped.append(f"rerun step (the rule-based rerun command is kept): {_short(step)}")
        elif len(safe) < MAX_MODEL_STEPS:
            safe.append(step)
    return safe


def _named(text: str, entities: Iterable[str]) -> int:
    """How many of ``entities`` ``text`` names verbatim."""
    return sum(1 for entity in entities if entity and entity in text)


def _rank(category: str) -> int:
    return _GENERIC_RANK.get(category, _SPECIFIC_RANK)


def _describe(
    before: JoblogAnalysis,
    after: JoblogAnalysis,
    model: str,
    adopt_category: bool,
    from_cache: bool,
) -> str:
    changes: list[str] = []
    if adopt_category:
        changes.append(f"category refined from {before.category!r} to {after.category!r}")
    if after.error_line != before.error_line:
        changes.append(f"error line {after.error_line}")
    if after.root_cause != before.root_cause:
        changes.append("root cause reworded")
    added_entities = len(after.entities) - len(before.entities)
    if added_entities:
        changes.append(f"{added_entities} entit{'y' if added_entities == 1 else 'ies'} added")
    added_steps = len([s for s in after.steps if s not in before.steps])
    if added_steps:
        changes.append(f"{added_steps} step{'' if added_steps == 1 else 's'} added")
    what = ", ".join(changes) if changes else "agrees with the rule-based analysis"
    cached = " (cached answer)" if from_cache else ""
    return f"reviewed by {model}{cached}: {what}"


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")
