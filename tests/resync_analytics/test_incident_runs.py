from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from resync_analytics.incident_runs import (
    RunSelection,
    attach_joblogs,
    runs_without_joblog,
    select_runs,
)
from resync_core.incidents import StoredRun
from resync_core.job_runs import JobRunRecord


def _stored(run_id: str, status: str = "ABEND", text: str | None = None) -> StoredRun:
    ended = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
    run = JobRunRecord(
        run_id=run_id, job_id="J", job_key="WS#S.J", plan_id="P", workstation="WS",
        job_stream="S", job_name="J", folder="/", status="ERROR", internal_status=status,
        return_code=1, sched_time=None, start_time=ended, end_time=ended,
        duration_seconds=1.0, rerun_type=None, run_attempt=1, is_critical=False,
    )  # fmt: skip
    return StoredRun(run, text, None, None)


def test_selection_keeps_request_order_once_and_reports_missing_ids() -> None:
    found = {"b": _stored("b"), "a": _stored("a")}
    selection = select_runs(["a", "x", "b", "a"], found)
    assert [s.run.run_id for s in selection.runs] == ["a", "b"]
    assert selection.missing == ("x",)
    assert selection.skip_notes() == ["1 run(s) not stored yet (the poller has not seen them): x"]


def test_runs_that_did_not_fail_are_skipped_with_a_note() -> None:
    selection = RunSelection(runs=(_stored("a", "SUCC"), _stored("b")))
    assert [s.run.run_id for s in selection.failed] == ["b"]
    assert selection.skip_notes() == ["run a of WS#S.J is SUCC, not failed: nothing to analyse"]


@dataclass(frozen=True)
class _Reading:
    run_id: str
    joblog_text: str | None
    error_pattern: str | None
    error_line: int | None


def test_read_joblogs_join_their_runs_and_others_stay_as_they_were() -> None:
    runs = [_stored("a", text="old"), _stored("b"), _stored("c")]
    assert [s.run.run_id for s in runs_without_joblog(runs)] == ["b", "c"]
    joined = attach_joblogs(runs, [_Reading("b", "log b", "p1", 7), _Reading("c", None, None, 0)])
    assert joined[0] == runs[0]
    assert (joined[1].joblog_text, joined[1].error_pattern, joined[1].error_line) == (
        "log b",
        "p1",
        7,
    )
    # A joblog TWS no longer has is an empty joblog, not an unread one.
    assert joined[2].joblog_text == ""
