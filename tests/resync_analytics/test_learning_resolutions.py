"""Learned resolutions and what verdicts mean (plain logic, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resync_analytics.incident_similarity import NEGATIVE_VERDICTS, POSITIVE_VERDICTS
from resync_analytics.learning import (
    ACCEPTED_VERDICTS,
    ResolutionEvidence,
    ResolutionPolicy,
    UnknownVerdictError,
    diagnosis_label,
    fix_worked,
    learned_steps,
    normalize_verdict,
    rank_resolutions,
)

NOW = datetime(2026, 12, 10, tzinfo=UTC)
BASE = ("Check that the upstream job delivered the file", "Rerun the job")


def evidence(text: str, verdict: str, days_ago: float = 1, *, same: bool = True, who="anna"):
    return ResolutionEvidence(
        incident_id=int(days_ago * 10),
        resolution=text,
        verdict=verdict,
        operator=who,
        recorded_at=NOW - timedelta(days=days_ago),
        same_cause=same,
    )


def test_verdict_vocabulary_separates_diagnosis_from_fix() -> None:
    assert diagnosis_label("correct") is True and diagnosis_label("wrong") is False
    assert diagnosis_label("not_helpful") is None  # the steps did not help; cause not judged
    assert fix_worked("not_helpful") is False and fix_worked("fixed") is True
    assert diagnosis_label("rerun_approved") is None and fix_worked("rerun_approved") is None
    # The older spellings keep their meaning, and agree with the similar-incidents ranking.
    assert {v for v in ACCEPTED_VERDICTS if fix_worked(v)} == POSITIVE_VERDICTS
    assert {v for v in ACCEPTED_VERDICTS if fix_worked(v) is False} == NEGATIVE_VERDICTS


def test_normalize_verdict_accepts_the_fixed_set_only() -> None:
    assert normalize_verdict(" Not-Helpful ") == "not_helpful"
    assert normalize_verdict("RESOLVED") == "resolved"
    with pytest.raises(UnknownVerdictError, match="correct, helpful, fixed"):
        normalize_verdict("meh")


def test_resolution_that_worked_three_times_comes_first_with_its_record() -> None:
    ranked = rank_resolutions(
        [
            evidence("Restart the SFTP gateway", "fixed", 30, who="bo"),
            evidence("restart the  SFTP gateway.", "helpful", 20, who="bo"),
            evidence("Restart the SFTP gateway", "fixed", 9),
            evidence("Ask the partner to resend", "fixed", 2),
        ],
        now=NOW,
    )
    best = ranked[0]
    assert best.text == "Restart the SFTP gateway" and (best.worked, best.failed) == (3, 0)
    steps = learned_steps(ranked, BASE, ResolutionPolicy())
    assert steps[0] == (
        "What fixed this before (worked 3 of 3 times, last on 2026-12-01 by anna):"
        " Restart the SFTP gateway"
    )
    assert steps[1].endswith("Ask the partner to resend")
    assert steps[2:] == BASE


def test_resolution_called_wrong_is_not_promoted_but_flagged_last() -> None:
    ranked = rank_resolutions(
        [
            evidence("Increase the timeout", "wrong", 3),
            evidence("Increase the timeout", "not_helpful", 2),
        ],
        now=NOW,
    )
    (only,) = ranked
    assert not only.promoted and only.flagged
    steps = learned_steps(ranked, BASE, ResolutionPolicy())
    assert steps[: len(BASE)] == BASE
    assert steps[-1].startswith("Tried before without success (did not work 2 of 2 times)")


def test_mixed_record_is_neither_promoted_nor_flagged_and_rerun_decisions_are_ignored() -> None:
    ranked = rank_resolutions(
        [
            evidence("Kill the stuck session", "fixed", 5),
            evidence("Kill the stuck session", "wrong", 5),
            evidence("cleared the queue first", "rerun_approved", 1),
        ],
        now=NOW,
    )
    (only,) = ranked
    assert not only.promoted and not only.flagged
    assert learned_steps(ranked, BASE, ResolutionPolicy()) == BASE


def test_same_cause_and_recent_evidence_weigh_more() -> None:
    ranked = rank_resolutions(
        [
            evidence("Old fix", "fixed", 800),
            evidence("Pattern fix", "fixed", 1, same=False),
            evidence("Same cause fix", "fixed", 1),
        ],
        now=NOW,
    )
    assert [r.text for r in ranked] == ["Same cause fix", "Pattern fix", "Old fix"]
    assert learned_steps(ranked, (), ResolutionPolicy())[1].startswith(
        "What fixed this error pattern before"
    )


def test_secrets_in_a_resolution_are_masked_before_they_become_steps() -> None:
    ranked = rank_resolutions(
        [
            evidence(
                "reset it: sqlplus etl/Tiger$ecret99@DWHPRD and export DB_PASSWORD=Sup3rS3cret",
                "fixed",
            )
        ],
        now=NOW,
    )
    steps = learned_steps(ranked, BASE, ResolutionPolicy())
    assert "Tiger$ecret99" not in steps[0] and "Sup3rS3cret" not in steps[0]
    assert "sqlplus etl/***@DWHPRD" in steps[0]
