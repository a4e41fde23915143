"""The model's answer: its strict JSON schema, parsing, and the step safety filter.

:func:`parse_verdict` turns the model's text into an :class:`LLMVerdict` or raises
:class:`VerdictRejected` with a reason an operator can read. Checks that need the joblog
(entities, error line) live in :mod:`resync_analytics.enrichment.review`.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

MAX_ENTITIES = 20
MAX_STEPS = 10
MAX_TEXT_CHARS = 1000

_Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT_CHARS)]


class VerdictRejected(ValueError):
    """The model's answer cannot be used; the message says why (no secrets, no full answer)."""


class LLMVerdict(BaseModel):
    """What the model must answer, as a strict JSON object (extra keys are ignored).

    ``category`` is checked against the taxonomy separately, so an answer outside it gets its
    own reason. Strings are stripped; empty steps and entities are dropped, not rejected.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    category: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True)]
    root_cause: Annotated[_Text, StringConstraints(min_length=1)]
    error_line: int
    entities: list[_Text] = Field(max_length=MAX_ENTITIES * 5)
    steps: list[_Text] = Field(min_length=1, max_length=MAX_STEPS * 5)
    confidence: Annotated[float, Field(ge=0.0, le=1.0)]
    reasoning: _Text = ""


_FENCED = re.compile(r"\A```(?:json|JSON)?\s*\n(.*)\n```\Z", re.DOTALL)


def parse_verdict(text: str) -> LLMVerdict:
    """Parse and schema-check the model's text. Raises ``VerdictRejected``.

    Accepts one JSON object, optionally inside a single Markdown code fence (models without a
    JSON mode add one); nothing else: no prose around it, no arrays, no partial objects.
    """
    body = text.strip()
    fenced = _FENCED.match(body)
    if fenced:
        body = fenced.group(1).strip()
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        raise VerdictRejected(f"the model's answer is not JSON ({_preview(text)})") from None
    if not isinstance(data, dict):
        raise VerdictRejected(
            f"the model's answer is JSON but not an object ({type(data).__name__})"
        )
    # JSON numbers: an integral float for the line (12.0) is fine; strict mode would refuse it.
    line = data.get("error_line")
    if isinstance(line, float) and line.is_integer():
        data["error_line"] = int(line)
    if isinstance(data.get("confidence"), int) and not isinstance(data["confidence"], bool):
        data["confidence"] = float(data["confidence"])
    try:
        return LLMVerdict.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'answer'}: {error['msg']}"
            for error in exc.errors()[:5]
        )
        raise VerdictRejected(f"the model's answer violates the schema ({problems})") from None


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return repr(flat[:60] + ("..." if len(flat) > 60 else ""))


# Commands an operator must never be told to run by a model: they destroy data, file systems,
# processes or the TWS plan. Matched case-insensitively anywhere in a step.
_DESTRUCTIVE = re.compile(
    r"""
      \brm\s+(?:-[^\s]*[rR]|--recursive|-[^\s]*f[^\s]*\s+/(?:\s|$|\*))   # rm -r/-rf, rm -f /
    | \bmkfs(?:\.\w+)?\b | \bwipefs\b | \bshred\b | \bfdisk\b | \bparted\b | \bmkswap\b
    | \bdd\b[^`'"]*\bof=
    | >\s*/dev/(?:sd|hd|nvme|xvd|vd|mapper|disk)
    | \b(?:drop|truncate)\s+(?:table|database|schema|tablespace|user|index|view)\b
    | \bdelete\s+from\s+[\w.$#"]+\s*(?:;|$|`)                          # DELETE without WHERE
    | \b(?:shutdown|reboot|halt|poweroff)\b | \binit\s+[06]\b
    | \bkill\s+-(?:9|KILL)\s+-1\b | \bkillall\b | \bpkill\b
    | :\(\)\s*\{                                                       # fork bomb
    | \bchmod\s+(?:-R\s+)?0?777\s+/(?:\s|$) | \bchown\s+-R\s+\S+\s+/(?:\s|$)
    | \b(?:curl|wget)\b[^|`]*\|\s*(?:sudo\s+)?(?:ba|z|k|c)?sh\b          # pipe to a shell
    | \bformat\s+[a-z]:  | \b(?:del|erase)\s+/[sqf] | \brmdir\s+/s\b | \brd\s+/s\b
    | \bRemove-Item\b[^`]*-Recurse | \bFormat-Volume\b
    | \bcrontab\s+-r\b
    | \bResetPlan\b | \bconman\s+["']?\s*(?:stop|shutdown|kill|cancel|cj|cs|canceljob|cancelsched)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# The rerun command comes from the deterministic analysis (it knows the exact job selector).
_RERUN = re.compile(r"\bconman\s+[\"']?\s*(?:rr|rerun)\b", re.IGNORECASE)


def is_destructive(step: str) -> bool:
    """Whether ``step`` contains a command that destroys data, systems or the TWS plan."""
    return _DESTRUCTIVE.search(step) is not None


def is_rerun(step: str) -> bool:
    """Whether ``step`` reruns a job through conman."""
    return _RERUN.search(step) is not None
