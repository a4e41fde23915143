"""Which stored runs an incident analysis takes, and how freshly read joblogs join them.
Plain logic: no database, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from resync_core.incidents import StoredRun


@dataclass(frozen=True)
class RunSelection:
    """The stored runs found for a request, and the requested ids not stored (yet)."""

    runs: tuple[StoredRun, ...]
    missing: tuple[str, ...] = ()

    @property
    def failed(self) -> list[StoredRun]:
        """The runs to analyse: those that failed, in request order."""
        return [stored for stored in self.runs if stored.run.failed]

    def skip_notes(self) -> list[str]:
        """Why requested runs are left out, one sentence each (for the log)."""
        notes = []
        if self.missing:
            notes.append(
                f"{len(self.missing)} run(s) not stored yet (the poller has not seen them): "
                + ", ".join(self.missing[:10])
            )
        notes.extend(
            f"run {stored.run.run_id} of {stored.run.job_key} is"
            f" {stored.run.internal_status}, not failed: nothing to analyse"
            for stored in self.runs
            if not stored.run.failed
        )
        return notes


def unique_run_ids(run_ids: Iterable[str]) -> list[str]:
    """``run_ids`` without repeats, first occurrence first."""
    return list(dict.fromkeys(run_ids))


def select_runs(run_ids: Sequence[str], found: Mapping[str, StoredRun]) -> RunSelection:
    """The runs of ``run_ids`` that ``found`` holds, in request order without repeats; every
    requested id ``found`` lacks is reported missing (repeats included)."""
    return RunSelection(
        runs=tuple(found[run_id] for run_id in unique_run_ids(run_ids) if run_id in found),
        missing=tuple(run_id for run_id in run_ids if run_id not in found),
    )


class JoblogReading(Protocol):
    """A joblog just read for a run: its (masked) text and what the poller's analysis found."""

    @property
    def run_id(self) -> str: ...
    @property
    def joblog_text(self) -> str | None: ...
    @property
    def error_pattern(self) -> str | None: ...
    @property
    def error_line(self) -> int | None: ...


def runs_without_joblog(runs: Iterable[StoredRun]) -> list[StoredRun]:
    """The runs stored without a joblog (never read); an empty joblog counts as read."""
    return [stored for stored in runs if stored.joblog_text is None]


def attach_joblogs(runs: Sequence[StoredRun], readings: Iterable[JoblogReading]) -> list[StoredRun]:
    """``runs`` in order, each with the joblog read for it in ``readings`` (a reading without
    text leaves an empty joblog); runs without a reading are returned as they are."""
    by_run = {reading.run_id: reading for reading in readings}
    return [
        replace(
            stored,
            joblog_text=by_run[stored.run.run_id].joblog_text or "",
            error_pattern=by_run[stored.run.run_id].error_pattern,
            error_line=by_run[stored.run.run_id].error_line,
        )
        if stored.run.run_id in by_run
        else stored
        for stored in runs
    ]
