"""Where the knowledge base's needles occur in a chunk of a joblog: one automaton pass over
the bytes.

Every byte of a log goes through this pass, so its speed bounds the analyser's. The automaton
is the Rust Aho-Corasick DFA (ahocorasick-rs) over the ASCII-lowercased bytes: ~350 MB/s with
the ~700 needles of the shipped knowledge base, where pyahocorasick's trie walk manages
~70 MB/s on the same chunks (its root has a child for each of ~35 first letters, searched on
every byte). Offsets are byte offsets; needles are matched as their lowercase UTF-8 bytes,
exactly as :mod:`.prefilter` matches them, so both find the same lines.

The needles are minimal (none contains another, see the knowledge loader), so the first hit
this non-overlapping search reports on a line is the first an overlapping search would
report: the hit that ends first, which also starts first.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from ahocorasick_rs import BytesAhoCorasick, Implementation

from resync_analytics.joblog.knowledge import knowledge

SLICE_BYTES = 1024 * 1024
"""The automaton reads a chunk in slices of about this size, cut after a newline: its matches
come back as one list per slice, so a slice bounds their memory (a line full of needles)."""

Match = tuple[int, int, int]
"""(needle index, start, end) of one hit, offsets relative to the slice's base."""


@lru_cache(maxsize=2)
def _automaton(needles: tuple[str, ...]) -> tuple[BytesAhoCorasick | None, bool]:
    """The automaton of ``needles``, and whether a chunk may be cut into slices (not when a
    needle holds a newline: a hit could straddle the cut)."""
    keys = [needle.encode("utf-8") for needle in needles if needle.strip()]
    if not keys:
        return None, False
    # The DFA takes a few milliseconds to build and is the fastest of the library's three
    # automata on joblog text (contiguous NFA ~1.5x, noncontiguous ~2.5x its time).
    automaton = BytesAhoCorasick(keys, implementation=Implementation.DFA)
    return automaton, not any(b"\n" in key for key in keys)


def hit_slices(chunk: bytes, slice_bytes: int = SLICE_BYTES) -> Iterator[tuple[int, list[Match]]]:
    """``(base, matches)`` for consecutive slices of ``chunk``: the needle hits of each slice
    in order (non-overlapping, ASCII case-insensitive), offsets relative to ``base``."""
    automaton, sliceable = _automaton(knowledge().needles)
    if automaton is None:
        return
    find = automaton.find_matches_as_indexes
    lowered = chunk.lower()
    view = memoryview(lowered)
    size = len(lowered)
    base = 0
    while base < size:
        cut = size
        if sliceable and size - base > slice_bytes:
            # no needle holds a newline, so no hit straddles a cut made after one
            cut = lowered.find(b"\n", base + slice_bytes) + 1 or size
        yield base, find(view[base:cut])
        base = cut


def hit_starts(chunk: bytes, slice_bytes: int = SLICE_BYTES) -> list[int]:
    """Start offsets of the needle hits in ``chunk``, in order (for tests and small texts)."""
    slices = hit_slices(chunk, slice_bytes)
    return [base + start for base, matches in slices for _, start, _ in matches]


__all__ = ["SLICE_BYTES", "hit_slices", "hit_starts"]
