"""Job runs the ``job_runs`` table would reject: check them before a bulk write, keep the bad.

One record TWS sends that breaks a constraint (``run_attempt >= 1``, a NUL byte in a name, an
integer beyond 32 bits...) would otherwise fail the whole cycle's transaction, every cycle, for
as long as the job stays in the plan. ``check_job_runs`` mirrors the table's constraints in
Python: what can be corrected safely is clamped (with a reason), what cannot is quarantined;
``isolate_rejected`` finds, by bisection, the rows the server still refuses (a constraint this
module does not know). Both kinds are recorded in ``job_run_quarantine`` with the record.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import psycopg
import psycopg.errors
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from resync_core.job_runs import JobRunRecord

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)
# Identity columns: a record whose identity is unusable cannot be corrected, only set aside.
_IDENTITY_FIELDS = ("run_id", "job_key")
_REQUIRED_TEXT = ("workstation", "job_stream", "job_name", "status", "internal_status")
_OPTIONAL_TEXT = ("job_id", "rerun_type")
_DEFAULT_TEXT = {"plan_id": "current", "folder": "/"}

Action = Literal["clamped", "quarantined"]


@dataclass(frozen=True)
class RejectedRun:
    """A record that needed a correction (``clamped``) or was left out (``quarantined``).

    ``record`` is what is stored (corrected when clamped); ``raw`` what TWS sent, if different.
    """

    record: JobRunRecord
    action: Action
    reasons: tuple[str, ...]
    raw: JobRunRecord | None = None

    @property
    def as_read(self) -> JobRunRecord:
        return self.raw or self.record


@dataclass(frozen=True)
class RunCheck:
    """``valid`` holds every record safe to write (clamped ones corrected); ``rejected`` the
    clamped and quarantined records with their reasons."""

    valid: tuple[JobRunRecord, ...]
    rejected: tuple[RejectedRun, ...]

    @property
    def quarantined(self) -> tuple[RejectedRun, ...]:
        return tuple(r for r in self.rejected if r.action == "quarantined")

    @property
    def clamped(self) -> tuple[RejectedRun, ...]:
        return tuple(r for r in self.rejected if r.action == "clamped")


def _text_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"is {type(value).__name__}, not text"
    if "\x00" in value:
        return "contains a NUL byte"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode"
    return None


def _clean_text(value: str) -> str:
    return value.replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")


def check_job_run(run: JobRunRecord) -> RejectedRun | None:
    """None when ``run`` satisfies every ``job_runs`` constraint; else what was done and why.

    Clamps: ``run_attempt`` < 1 → 1; a negative or non-finite duration → unknown; a return
    code beyond 32 bits → unknown; NUL bytes or broken Unicode in descriptive text → removed;
    a missing plan or folder → its default. Quarantines: an unusable run id or job key, a
    missing name or status, a ``run_attempt`` beyond 32 bits.
    """
    fatal: list[str] = []
    reasons: list[str] = []
    changes: dict[str, Any] = {}
    for name in _IDENTITY_FIELDS:
        value = getattr(run, name)
        problem = _text_problem(value) or (None if value else "is empty")
        if problem:
            fatal.append(f"{name} {problem}")
    for name in _REQUIRED_TEXT:
        value = getattr(run, name)
        if value is None:
            fatal.append(f"{name} is missing")
        elif problem := _text_problem(value):
            if not isinstance(value, str):
                fatal.append(f"{name} {problem}")
            else:
                reasons.append(f"{name} {problem}: cleaned")
                changes[name] = _clean_text(value)
    for name, default in _DEFAULT_TEXT.items():
        value = getattr(run, name)
        if not value:
            reasons.append(f"{name} is missing: set to {default!r}")
            changes[name] = default
        elif problem := _text_problem(value):
            reasons.append(f"{name} {problem}: cleaned")
            changes[name] = _clean_text(value) if isinstance(value, str) else default
    for name in _OPTIONAL_TEXT:
        value = getattr(run, name)
        if value is not None and (problem := _text_problem(value)):
            reasons.append(f"{name} {problem}: cleaned")
            changes[name] = _clean_text(value) if isinstance(value, str) else None

    attempt = run.run_attempt
    if not isinstance(attempt, int) or attempt > INT32_MAX:
        fatal.append(f"run_attempt {attempt!r} is not a 32-bit integer")
    elif attempt < 1:
        reasons.append(f"run_attempt {attempt} < 1: set to 1")
        changes["run_attempt"] = 1
    code = run.return_code
    if code is not None and (not isinstance(code, int) or not INT32_MIN <= code <= INT32_MAX):
        reasons.append(f"return_code {code!r} is not a 32-bit integer: set to unknown")
        changes["return_code"] = None
    duration = run.duration_seconds
    if duration is not None and (not math.isfinite(duration) or duration < 0):
        reasons.append(f"duration_seconds {duration!r} is not a duration: set to unknown")
        changes["duration_seconds"] = None

    if fatal:
        return RejectedRun(run, "quarantined", tuple(fatal + reasons))
    if reasons:
        corrected = dataclasses.replace(run, **changes)
        return RejectedRun(corrected, "clamped", tuple(reasons), raw=run)
    return None


def check_job_runs(runs: Iterable[JobRunRecord]) -> RunCheck:
    """Split ``runs`` into what is safe to write (clamped ones corrected) and the rejects."""
    valid: list[JobRunRecord] = []
    rejected: list[RejectedRun] = []
    for run in runs:
        verdict = check_job_run(run)
        if verdict is None:
            valid.append(run)
            continue
        rejected.append(verdict)
        if verdict.action == "clamped":
            valid.append(verdict.record)
    return RunCheck(tuple(valid), tuple(rejected))


def isolate_rejected(
    conn: psycopg.Connection[Any],
    runs: Sequence[JobRunRecord],
    write: Callable[[Sequence[JobRunRecord]], int],
) -> tuple[int, list[RejectedRun]]:
    """``write(runs)`` in a savepoint; if the server refuses a row, find it by bisection.

    ``write`` returns how many rows changed. Only data and constraint errors
    (``DataError``, ``IntegrityError``) are isolated; anything else (a lost connection)
    propagates. Returns the rows changed and the runs quarantined with the server's reason.
    Costs one extra write per halving, so only a few bad rows are cheap to find.
    """
    try:
        with conn.transaction():
            return write(runs), []
    except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as exc:
        if len(runs) == 1:
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            return 0, [RejectedRun(runs[0], "quarantined", (f"refused by the database: {reason}",))]
    middle = len(runs) // 2
    changed_left, rejected_left = isolate_rejected(conn, runs[:middle], write)
    changed_right, rejected_right = isolate_rejected(conn, runs[middle:], write)
    return changed_left + changed_right, rejected_left + rejected_right


def _json_safe(value: object) -> object:
    # jsonb refuses NUL (\u0000) in strings; a quarantined payload is exactly where one may be.
    if isinstance(value, str):
        return _clean_text(value) if _text_problem(value) else value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _payload(run: JobRunRecord) -> dict[str, object]:
    return {f.name: _json_safe(getattr(run, f.name)) for f in dataclasses.fields(run)}


def _quarantine_key(run: JobRunRecord) -> str:
    run_id = _json_safe(run.run_id)
    if isinstance(run_id, str) and run_id:
        return run_id
    return f"(no run id) {_json_safe(run.job_key)}"


def record_rejected_runs(
    conn: psycopg.Connection[Any], rejected: Sequence[RejectedRun], seen_at: datetime
) -> None:
    """Upsert ``rejected`` into ``job_run_quarantine`` (one row per run; last verdict wins)."""
    if not rejected:
        return
    latest = {_quarantine_key(r.record): r for r in rejected}
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO job_run_quarantine"
            " (run_id, job_key, action, reasons, payload, first_seen, last_seen)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (run_id) DO UPDATE SET job_key = EXCLUDED.job_key,"
            " action = EXCLUDED.action, reasons = EXCLUDED.reasons, payload = EXCLUDED.payload,"
            " last_seen = EXCLUDED.last_seen,"
            " occurrences = job_run_quarantine.occurrences + 1",
            [
                (
                    run_id,
                    _json_safe(r.record.job_key) if isinstance(r.record.job_key, str) else None,
                    r.action,
                    Jsonb([_json_safe(reason) for reason in r.reasons]),
                    Jsonb(_payload(r.as_read)),
                    seen_at,
                    seen_at,
                )
                for run_id, r in latest.items()
            ],
        )


@dataclass(frozen=True)
class QuarantineSummary:
    """What ``job_run_quarantine`` holds seen since a given time (for health reports)."""

    quarantined: int
    clamped: int
    last_seen: datetime | None


def summarise_quarantine(conn: psycopg.Connection[Any], since: datetime) -> QuarantineSummary:
    """How many runs were quarantined or clamped, seen at or after ``since``."""
    with conn.cursor(row_factory=class_row(QuarantineSummary)) as cur:
        summary = cur.execute(
            "SELECT count(*) FILTER (WHERE action = 'quarantined') AS quarantined,"
            " count(*) FILTER (WHERE action = 'clamped') AS clamped, max(last_seen) AS last_seen"
            " FROM job_run_quarantine WHERE last_seen >= %s",
            (since,),
        ).fetchone()
    assert summary is not None
    return summary
