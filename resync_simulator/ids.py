"""Identifiers the simulator hands out. They encode where the object lives, so nothing needs
an index: ``tag-DAY-...-JOB`` (hex), where ``tag`` identifies the seed.

Job ids and run ids look like UUIDs, as the product's do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunKey:
    day: int
    job: int
    attempt: int


def job_id(tag: int, day: int, job: int) -> str:
    return f"{tag:08x}-{day:04x}-4000-a000-{job:012x}"


def run_id(tag: int, day: int, job: int, attempt: int) -> str:
    return f"{tag:08x}-{day:04x}-{attempt:04x}-b000-{job:012x}"


def stream_id(tag: int, day: int, stream: int) -> str:
    return f"{tag:08x}-{day:04x}-4000-c000-{stream:012x}"


def _split(value: str, tag: int, marker: str) -> list[str] | None:
    parts = value.split("-")
    if len(parts) != 5 or [len(p) for p in parts] != [8, 4, 4, 4, 12]:
        return None
    if parts[0] != f"{tag:08x}" or parts[3] != marker:
        return None
    try:
        [int(p, 16) for p in parts]
    except ValueError:
        return None
    return parts


def parse_job_id(value: str, tag: int) -> tuple[int, int] | None:
    """``(day, job index)`` or None when ``value`` is not a job id of this simulator."""
    parts = _split(value, tag, "a000")
    if parts is None or parts[2] != "4000":
        return None
    return int(parts[1], 16), int(parts[4], 16)


def parse_run_id(value: str, tag: int) -> RunKey | None:
    parts = _split(value, tag, "b000")
    if parts is None:
        return None
    return RunKey(int(parts[1], 16), int(parts[4], 16), int(parts[2], 16))
