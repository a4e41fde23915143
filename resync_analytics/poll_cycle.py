"""What the poller says about a cycle's rejected runs. Plain logic: no database, no Prefect."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from resync_core.job_runs import JobRunRecord


class Rejection(Protocol):
    """A run kept out of (or clamped before) the write, and why."""

    @property
    def record(self) -> JobRunRecord: ...
    @property
    def reasons(self) -> Sequence[str]: ...
    @property
    def action(self) -> str: ...


def count_action(rejected: Iterable[Rejection], action: str) -> int:
    """How many of ``rejected`` were given ``action`` ("quarantined" or "clamped")."""
    return sum(1 for r in rejected if r.action == action)


def refusal_note(refused: Sequence[Rejection], shown: int = 5) -> str:
    """One log line naming the first ``shown`` refused runs with their first reason."""
    named = "; ".join(f"{r.record.run_id}: {r.reasons[0]}" for r in refused[:shown])
    return f"{len(refused)} run(s) refused by the database, quarantined: {named}"
