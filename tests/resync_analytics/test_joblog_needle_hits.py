"""The scan's needle pass finds the lines any needle occurs in, at the first offset a needle
starts on each line, whether a chunk is read whole or in slices."""

from __future__ import annotations

from resync_analytics.joblog.knowledge import knowledge
from resync_analytics.joblog.needle_hits import hit_starts


def _first_needle_by_line(data: bytes) -> dict[int, int]:
    """Line index -> offset of the first needle occurrence on that line, by plain substring
    search (the needles are minimal, so the first to start is also the first to end)."""
    keys = [needle.encode("utf-8") for needle in knowledge().needles if needle.strip()]
    lowered = data.lower()
    first: dict[int, int] = {}
    offset = 0
    for index, line in enumerate(lowered.split(b"\n")):
        found = [at for at in (line.find(key) for key in keys) if at >= 0]
        if found:
            first[index] = offset + min(found)
        offset += len(line) + 1
    return first


def _first_hit_by_line(data: bytes, starts: list[int]) -> dict[int, int]:
    """Line index -> offset of the first hit on that line."""
    first: dict[int, int] = {}
    for start in starts:
        first.setdefault(data.count(b"\n", 0, start), start)
    return first


def _text() -> bytes:
    """Every family example and needle, in upper case, glued to other words, and quiet lines."""
    lines = [
        "2025-03-14 02:00:01 INFO  [extract-1] loaded 5000 rows into ERRORS_TABLE",
        "all good here",
        "Não foi possível acessar: Acesso negado",
        "ORA-01653: unable to extend table SALES.ORDERS_STAGE by 8192\r",
        "\x1b[31mFATAL\x1b[0m disk full",
    ]
    for family in knowledge().families:
        lines.extend(family.examples)
        lines.extend(f"x{needle.upper()}y {needle}" for needle in family.needles)
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_the_lines_hit_and_their_first_hit_are_those_of_a_plain_substring_search():
    data = _text()
    expected = _first_needle_by_line(data)
    assert len(expected) > 100
    assert _first_hit_by_line(data, hit_starts(data)) == expected


def test_slices_cut_after_a_newline_find_the_same_hits():
    data = _text()
    whole = hit_starts(data, slice_bytes=len(data) + 1)
    assert hit_starts(data, slice_bytes=64) == whole
    assert hit_starts(data, slice_bytes=1) == whole


def test_no_needle_no_hit():
    assert hit_starts(b"all good\nnothing to see\n") == []
    assert hit_starts(b"") == []
