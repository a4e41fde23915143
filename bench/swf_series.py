"""Workload series from a Standard Workload Format (SWF) job trace, for forecasting benches.

The NASA Ames iPSC/860 trace (Parallel Workloads Archive, ``../shared/data/swf``) records
every job of October and November 1993 on a 128-node machine: when it started (field 2, the
header notes that submit times are start times here), how long it ran (4) on how many
processors (5), for which user (12). Summed per hour or per day they are capacity series
of the kind the product forecasts, with the day and week rhythm of people at work:

- ``busy``: mean busy processors (utilisation of the machine, 0-128);
- ``jobs``: jobs started;
- ``cpu``: processor-hours of the jobs started (work arriving);
- ``user<N>``: mean busy processors of each of the top users by processor-hours.

Times are local standard time (the header's ``TimeZone``, seconds east of UTC), so a day
of the series is a working day of the site (October's summer time is off by one hour).
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_TRACE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "swf"
    / "NASA-iPSC-1993-3.1-cln.Oct-Nov.swf.gz"
)
TOP_USERS = 4


@dataclass(frozen=True)
class Trace:
    """The jobs of a trace: start (s since ``start``), run time (s), processors, user."""

    start: pd.Timestamp
    starts: np.ndarray
    runtimes: np.ndarray
    processors: np.ndarray
    users: np.ndarray
    end: float


def read_trace(path: Path = DEFAULT_TRACE) -> Trace:
    """Parse an SWF file (plain or gzip); header fields give the start time and zone."""
    opener = gzip.open if path.suffix == ".gz" else open
    header: dict[str, str] = {}
    rows = []
    end_note = ""
    with opener(path, "rt") as handle:
        for line in handle:
            if line.startswith(";"):
                key, _, value = line[1:].partition(":")
                header.setdefault(key.strip(), value.strip())
                if key.strip() == "EndTime":
                    end_note = value
                continue
            fields = line.split()
            if len(fields) >= 18:
                rows.append((float(fields[1]), float(fields[3]), float(fields[4]), int(fields[11])))
    table = np.array(rows, dtype=float)
    offset = pd.Timedelta(seconds=int(header.get("TimeZone", "0")))
    start = pd.Timestamp(int(header["UnixStartTime"]), unit="s") + offset
    valid = (table[:, 1] >= 0) & (table[:, 2] > 0)
    table = table[valid]
    # "this copy stops at 1993-12-01 00:00 PST": the series end there, not at the last job.
    stop = table[:, 0].max()
    if "stops at" in end_note:
        stamp = pd.Timestamp(end_note.split("stops at")[1].split("P")[0].strip())
        stop = (stamp - start).total_seconds()
    return Trace(
        start=start,
        starts=table[:, 0],
        runtimes=table[:, 1],
        processors=table[:, 2],
        users=table[:, 3].astype(int),
        end=float(stop),
    )


def _busy(trace: Trace, mask: np.ndarray, step: float, bins: int) -> np.ndarray:
    """Mean busy processors per bin: each job's processors times its overlap with the bin."""
    edges = np.arange(bins + 1) * step
    busy = np.zeros(bins)
    for begin, run, procs in zip(
        trace.starts[mask], trace.runtimes[mask], trace.processors[mask], strict=True
    ):
        finish = min(begin + run, edges[-1])
        begin = max(begin, 0.0)
        if finish <= begin:
            continue
        first, last = int(begin // step), int(min(finish, edges[-1] - 1e-9) // step)
        for b in range(first, min(last, bins - 1) + 1):
            overlap = min(finish, edges[b + 1]) - max(begin, edges[b])
            if overlap > 0:
                busy[b] += procs * overlap
    return busy / step


def workload_series(trace: Trace, step: pd.Timedelta) -> dict[str, pd.Series]:
    """Every series of the trace at ``step`` (whole bins only), named as the module says."""
    seconds = step.total_seconds()
    # Bins start at the first local midnight of the trace, so a daily phase is a time of day
    # and no day is partial (jobs started before it count for the time they run after it).
    midnight = trace.start.ceil("D")
    lead = (trace.start - midnight).total_seconds()
    bins = int((trace.end + lead) // seconds)
    shifted = Trace(
        trace.start, trace.starts + lead, trace.runtimes, trace.processors, trace.users, trace.end
    )
    index = pd.date_range(midnight, periods=bins, freq=step)
    slot = np.floor(shifted.starts / seconds).astype(int)
    inside = (slot >= 0) & (slot < bins)
    work = shifted.processors * shifted.runtimes / 3600.0
    out = {
        "busy": pd.Series(_busy(shifted, np.ones(len(slot), bool), seconds, bins), index),
        "jobs": pd.Series(np.bincount(slot[inside], minlength=bins).astype(float), index),
        "cpu": pd.Series(np.bincount(slot[inside], work[inside], minlength=bins), index),
    }
    totals = pd.Series(work).groupby(trace.users).sum().sort_values(ascending=False)
    for rank, user in enumerate(totals.index[:TOP_USERS], start=1):
        mask = trace.users == user
        out[f"user{rank}"] = pd.Series(_busy(shifted, mask, seconds, bins), index)
    return out


def load(path: Path = DEFAULT_TRACE) -> dict[str, dict[str, pd.Series]] | None:
    """``{"hourly": {...}, "daily": {...}}`` series of the trace, or None when it is absent."""
    if not path.is_file():
        return None
    trace = read_trace(path)
    return {
        "hourly": workload_series(trace, pd.Timedelta(hours=1)),
        "daily": workload_series(trace, pd.Timedelta(days=1)),
    }


if __name__ == "__main__":
    series = load()
    if series is None:
        raise SystemExit(f"SWF trace not found at {DEFAULT_TRACE}: nothing to show")
    for scale, named in series.items():
        for name, values in named.items():
            print(
                f"{scale:6} {name:6} n={len(values):5} mean={values.mean():8.2f} "
                f"max={values.max():8.2f} zeros={np.mean(values == 0):.0%} "
                f"{values.index[0]} .. {values.index[-1]}"
            )
