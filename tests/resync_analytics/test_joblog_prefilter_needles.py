"""The prefilter's needles: none contains another, and the lines hit are those any needle of
the knowledge base occurs in."""

from __future__ import annotations

from resync_analytics.joblog.needle_hits import hit_starts
from resync_analytics.joblog.prefilter import needles


def test_no_needle_contains_another():
    words = [n for n in needles() if n.strip()]
    assert not [(a, b) for a in words for b in words if a != b and a in b][:1]


def test_the_lines_hit_are_those_any_needle_of_the_knowledge_base_occurs_in():
    text = (
        "2025-03-14 INFO loaded 5000 rows into ERRORS_TABLE\n"
        "all good here\n"
        "ORA-01653: unable to extend table\n"
        "nothing\n"
    )
    data = text.encode()
    lines = text.lower().split("\n")
    expected = {i for i, line in enumerate(lines) if any(n in line for n in needles() if n.strip())}
    hit = {data.count(b"\n", 0, offset) for offset in hit_starts(data)}
    assert hit == expected
    assert {0, 2} <= hit and 1 not in hit
