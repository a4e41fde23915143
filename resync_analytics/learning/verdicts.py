"""What an operator's feedback verdict means, on two separate questions.

A verdict answers two things that learning must not mix up:

- **diagnosis**: was the root cause (and so the category) the analyser named right? This is
  what confidence claims, so only these answers recalibrate it.
- **outcome**: did the fix work — the recommended steps, and the resolution recorded with the
  verdict? This is what ranks resolutions for the next incident of the same cause.

| verdict | diagnosis | outcome | say it when |
|---|---|---|---|
| ``correct`` | right | worked | the root cause was right (a resolution given is how you fixed it) |
| ``helpful`` | right | worked | the root cause was right and the steps helped |
| ``fixed`` | right | worked | the problem is fixed; ``--resolution`` says how |
| ``not_helpful`` | not judged | did not work | the steps (or the resolution given) did not fix it |
| ``wrong`` | wrong | did not work | the root cause was wrong (so is a resolution given) |

``resolved``, ``unhelpful`` and ``incorrect`` are accepted spellings of ``fixed``,
``not_helpful`` and ``wrong`` (older feedback uses them). The incident flow records
``rerun_approved``, ``rerun_rejected`` and ``rerun_unanswered`` for rerun proposals: they say
nothing about the diagnosis or the fix, so learning ignores them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VerdictMeaning:
    """``diagnosis``: True right, False wrong, None not judged; ``worked`` likewise for the fix."""

    diagnosis: bool | None
    worked: bool | None
    description: str


# The vocabulary operators choose from (the CLI accepts exactly these keys).
OPERATOR_VERDICTS: dict[str, VerdictMeaning] = {
    "correct": VerdictMeaning(True, True, "the root cause was right"),
    "helpful": VerdictMeaning(True, True, "the root cause was right and the steps helped"),
    "fixed": VerdictMeaning(True, True, "the problem is fixed; --resolution says how"),
    "not_helpful": VerdictMeaning(None, False, "the steps did not fix it"),
    "wrong": VerdictMeaning(False, False, "the root cause was wrong"),
}
# Other spellings in use before the vocabulary was fixed; stored as given, read as their twin.
VERDICT_ALIASES: dict[str, str] = {
    "resolved": "fixed",
    "unhelpful": "not_helpful",
    "incorrect": "wrong",
}
ACCEPTED_VERDICTS: tuple[str, ...] = (*OPERATOR_VERDICTS, *VERDICT_ALIASES)

_NEUTRAL = VerdictMeaning(None, None, "says nothing about the diagnosis or the fix")


class UnknownVerdictError(ValueError):
    """A verdict outside :data:`ACCEPTED_VERDICTS`."""


def normalize_verdict(text: str) -> str:
    """``text`` as a stored verdict (lowercase, ``-`` and spaces as ``_``); raises
    ``UnknownVerdictError`` naming the accepted ones when it is not one of them."""
    verdict = "_".join(text.strip().lower().replace("-", " ").split())
    if verdict not in ACCEPTED_VERDICTS:
        raise UnknownVerdictError(
            f"unknown verdict {text!r}; use one of: {', '.join(ACCEPTED_VERDICTS)}"
        )
    return verdict


def verdict_meaning(verdict: str) -> VerdictMeaning:
    """What a stored verdict says (neutral for rerun decisions and anything unknown)."""
    key = verdict.strip().lower()
    return OPERATOR_VERDICTS.get(VERDICT_ALIASES.get(key, key), _NEUTRAL)


def diagnosis_label(verdict: str) -> bool | None:
    """True when the verdict says the diagnosis was right, False wrong, None not judged."""
    return verdict_meaning(verdict).diagnosis


def fix_worked(verdict: str) -> bool | None:
    """True when the verdict says the fix (steps or recorded resolution) worked, False when it
    did not, None when it says nothing about it."""
    return verdict_meaning(verdict).worked
