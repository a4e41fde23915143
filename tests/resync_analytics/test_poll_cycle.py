from __future__ import annotations

from dataclasses import dataclass

from resync_analytics.poll_cycle import count_action, refusal_note


@dataclass(frozen=True)
class _Record:
    run_id: str


@dataclass(frozen=True)
class _Rejected:
    record: _Record
    reasons: tuple[str, ...]
    action: str


def test_rejections_are_counted_per_action() -> None:
    rejected = [
        _Rejected(_Record("a"), ("x",), "quarantined"),
        _Rejected(_Record("b"), ("y",), "clamped"),
        _Rejected(_Record("c"), ("z",), "quarantined"),
    ]
    assert count_action(rejected, "quarantined") == 2  # type: ignore[arg-type]
    assert count_action(rejected, "clamped") == 1  # type: ignore[arg-type]


def test_refusal_note_names_the_first_five_runs_with_their_first_reason() -> None:
    refused = [_Rejected(_Record(f"r{i}"), (f"bad {i}", "more"), "quarantined") for i in range(7)]
    note = refusal_note(refused)  # type: ignore[arg-type]
    assert note.startswith("7 run(s) refused by the database, quarantined: r0: bad 0; r1: bad 1")
    assert "r4: bad 4" in note and "r5" not in note
