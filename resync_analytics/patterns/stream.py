"""Mine a whole stream of messages and give each one its final template, in constant memory.

A template can still generalise after a message joined it, so a message's final template is
known only at the end. Rather than keep every line, the template key of each message is
spooled to a temporary file (4 bytes per line) and read back once mining is done: memory
stays bounded by the number of templates, whatever the size of the input.
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterable, Iterator
from typing import BinaryIO, NamedTuple

from resync_analytics.patterns.miner import Pattern, PatternMiner

# A longer line is cut here for mining: templates of megabyte lines help no one, and reading
# them whole would let one line take all the memory.
MAX_LINE_BYTES = 64 * 1024
_SPOOL_CHUNK = 1 << 16


class MinedLine(NamedTuple):
    """``line`` is 1-based; ``pattern`` is the template the line ended up in."""

    line: int
    pattern: Pattern


def read_messages(stream: BinaryIO, max_line_bytes: int = MAX_LINE_BYTES) -> Iterator[str]:
    """One message per line of ``stream``: any bytes (invalid UTF-8 replaced, CR stripped).

    A line longer than ``max_line_bytes`` yields its first ``max_line_bytes`` only; the rest
    is skipped without being held in memory.
    """
    readline = stream.readline
    while True:
        raw = readline(max_line_bytes)
        if not raw:
            return
        if not raw.endswith(b"\n") and len(raw) >= max_line_bytes:
            _skip_rest_of_line(stream, max_line_bytes)
        yield raw.rstrip(b"\r\n").decode("utf-8", errors="replace")


def _skip_rest_of_line(stream: BinaryIO, chunk: int) -> None:
    while True:
        rest = stream.readline(chunk)
        if not rest or rest.endswith(b"\n"):
            return


def mine_lines(messages: Iterable[str], miner: PatternMiner) -> Iterator[MinedLine]:
    """Learn from every message, then yield each one's final template, in input order.

    Nothing is yielded before ``messages`` is exhausted. ``miner`` may already hold templates
    (continued mining); it is compacted before the results are read.
    """
    with tempfile.TemporaryFile(prefix="resync-patterns-") as spool:
        count = 0
        keys = array("I")
        for key in miner.add_all(messages):
            keys.append(key)
            if len(keys) >= _SPOOL_CHUNK:
                keys.tofile(spool)
                count += len(keys)
                del keys[:]
        count += len(keys)
        miner.compact()
        if count == len(keys):
            # Everything fitted in one chunk: no need to read it back.
            yield from _resolve(keys, miner, 1)
            return
        keys.tofile(spool)
        spool.seek(0)
        line = 1
        while line <= count:
            chunk = array("I")
            chunk.fromfile(spool, min(_SPOOL_CHUNK, count - line + 1))
            yield from _resolve(chunk, miner, line)
            line += len(chunk)


def _resolve(keys: array, miner: PatternMiner, first_line: int) -> Iterator[MinedLine]:
    patterns: dict[int, Pattern] = {}
    for offset, key in enumerate(keys):
        pattern = patterns.get(key)
        if pattern is None:
            pattern = patterns[key] = miner.pattern(key)
        yield MinedLine(first_line + offset, pattern)
