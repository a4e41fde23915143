"""One streaming pass over a joblog: head, tail and candidate lines, in bounded memory.

The pass reads chunks, cuts them at the last newline, and runs the prefilter over each whole
chunk; only lines it hits are decoded, with a few lines of context. Memory is
bounded by the chunk size, ``MAX_LINE_BYTES`` for one unterminated line, and the candidate caps,
whatever the size of the log.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from resync_analytics.joblog.decode import decode_line, iter_chunks
from resync_analytics.joblog.models import LogLine
from resync_analytics.joblog.needle_hits import hit_slices
from resync_analytics.joblog.prefilter import WARNING, quiet_level

HEAD_LINES = 400
HEAD_BYTES = 256 * 1024
TAIL_LINES = 80
CONTEXT_LINES = 10
"""Lines kept either side of a candidate: enough for the entities a root cause's neighbourhood
names (the file a parser was reading a few lines up, the host a retry loop printed)."""
FIRST_CANDIDATES = 2000
LAST_CANDIDATES = 300
WARNING_LINES = 20
"""Lines logged at WARN level that a needle hits, kept apart from the candidates: the first and
the last this many of the log (see :attr:`ScanResult.warnings`)."""
MAX_LINE_BYTES = 1024 * 1024
"""A line longer than this is analysed on its first MAX_LINE_BYTES; the rest is skipped."""


@dataclass(frozen=True)
class Candidate:
    """A line the prefilter hit, with up to ``CONTEXT_LINES`` lines either side."""

    line: LogLine
    before: tuple[LogLine, ...]
    after: tuple[LogLine, ...]


@dataclass(frozen=True)
class ScanResult:
    """What one pass keeps of a joblog: enough to judge it, never the whole text."""

    head: tuple[LogLine, ...]
    tail: tuple[LogLine, ...]
    candidates: tuple[Candidate, ...]
    total_lines: int
    total_bytes: int
    candidates_dropped: int
    warnings: tuple[Candidate, ...] = ()
    """Lines logged at WARN level that a needle hit (the first and the last
    ``WARNING_LINES``), with their context: not candidates, but a retry loop's complaint at
    that level may be all a failed job says of its cause."""


@dataclass
class _Draft:
    """A candidate whose context after it may continue in the next buffer."""

    line: LogLine
    before: tuple[LogLine, ...]
    after: list[LogLine]

    def freeze(self) -> Candidate:
        return Candidate(self.line, self.before, tuple(self.after))


class _Scanner:
    def __init__(self) -> None:
        self.head: list[LogLine] = []
        self.head_bytes = 0
        self.tail: deque[LogLine] = deque(maxlen=TAIL_LINES)
        self.first: list[_Draft] = []
        self.last: deque[_Draft] = deque(maxlen=LAST_CANDIDATES)
        self.open_drafts: list[_Draft] = []
        self.dropped = 0
        self.lines_done = 0  # complete lines consumed so far
        self.total_bytes = 0
        # Context lines decoded for the last candidates, by number: hits come close together,
        # so neighbouring candidates share most of their context. Pruned as the scan advances.
        self.decoded: dict[int, LogLine] = {}
        self.first_warnings: list[_Draft] = []
        self.last_warnings: deque[_Draft] = deque(maxlen=WARNING_LINES)

    def feed(self, buf: bytes) -> None:
        """Consume ``buf``: whole lines only (the caller keeps any trailing partial line)."""
        base = self.lines_done  # number of lines before buf
        self._keep_head(buf, base)
        self._complete_drafts(buf)
        counted_to = 0
        line_no = base + 1  # number of the line starting at counted_to
        size = len(buf)
        next_line = 0  # hits before this offset fall in a line already handled
        # warning lines of this buffer (start, end, focus): decoded once it is read
        first_room = WARNING_LINES - len(self.first_warnings)
        early: list[tuple[int, int, int]] = []
        late: deque[tuple[int, int, int]] = deque(maxlen=WARNING_LINES)
        # local names: this loop runs once per needle hit, most of them on quiet lines
        rfind, find, level_of = buf.rfind, buf.find, quiet_level
        for sliced_at, matches in hit_slices(buf):
            for _, offset, _ in matches:
                offset += sliced_at
                if offset < next_line:
                    continue
                start = rfind(b"\n", 0, offset) + 1
                end = find(b"\n", offset)
                if end < 0:
                    end = size
                next_line = end + 1
                level = level_of(buf, start, end)
                if level:  # not LOUD
                    if level == WARNING:
                        (early if len(early) < first_room else late).append(
                            (start, end, offset - start)
                        )
                    continue
                line_no += buf.count(b"\n", counted_to, start)
                counted_to = start
                self._add_candidate(buf, start, end, line_no, offset - start)
        newlines = buf.count(b"\n")
        self._add_warnings(buf, base, newlines, early, late)
        self.lines_done = base + newlines
        if size and not buf.endswith(b"\n"):
            self.lines_done += 1
        self._keep_tail(buf)

    def _keep_head(self, buf: bytes, base: int) -> None:
        if len(self.head) >= HEAD_LINES or self.head_bytes >= HEAD_BYTES:
            return
        pos = 0
        number = base
        while pos < len(buf) and len(self.head) < HEAD_LINES and self.head_bytes < HEAD_BYTES:
            end = buf.find(b"\n", pos)
            if end < 0:
                end = len(buf)
            number += 1
            self.head.append(LogLine(number, decode_line(buf[pos:end])))
            self.head_bytes += end - pos + 1
            pos = end + 1

    def _keep_tail(self, buf: bytes) -> None:
        body = buf[:-1] if buf.endswith(b"\n") else buf
        if not body and not buf:
            return
        # Take the last TAIL_LINES lines of this buffer; earlier tail lines stay if it is short.
        cut = len(body)
        pieces: list[bytes] = []
        for _ in range(TAIL_LINES):
            start = body.rfind(b"\n", 0, cut) + 1
            pieces.append(body[start:cut])
            if start == 0:
                break
            cut = start - 1
        number = self.lines_done - len(pieces) + 1
        for raw in reversed(pieces):
            self.tail.append(LogLine(number, decode_line(raw)))
            number += 1

    def _add_warnings(
        self,
        buf: bytes,
        base: int,
        newlines: int,
        early: list[tuple[int, int, int]],
        late: deque[tuple[int, int, int]],
    ) -> None:
        """Decode the warning lines kept of ``buf``: the first ones counted from its start,
        the last ones from its end, so their numbers cost little more than their lines."""
        counted, number = 0, base + 1
        for start, end, focus in early:
            number += buf.count(b"\n", counted, start)
            counted = start
            self.first_warnings.append(self._draft(buf, start, end, number, focus, cached=False))
        numbered: list[tuple[int, int, int, int]] = []
        counted, number = len(buf), base + 1 + newlines
        for start, end, focus in reversed(late):
            number -= buf.count(b"\n", start, counted)
            counted = start
            numbered.append((start, end, number, focus))
        for start, end, number, focus in reversed(numbered):
            self.last_warnings.append(self._draft(buf, start, end, number, focus, cached=False))

    def _complete_drafts(self, buf: bytes) -> None:
        """Give drafts from the previous buffer the lines after them that start this one."""
        if not self.open_drafts:
            return
        lines: list[bytes] = []
        pos = 0
        while len(lines) < CONTEXT_LINES and pos < len(buf):
            end = buf.find(b"\n", pos)
            end = len(buf) if end < 0 else end
            lines.append(buf[pos:end])
            pos = end + 1
        for draft in self.open_drafts:
            for raw in lines[: CONTEXT_LINES - len(draft.after)]:
                draft.after.append(
                    LogLine(draft.line.number + len(draft.after) + 1, decode_line(raw))
                )
        self.open_drafts = [d for d in self.open_drafts if len(d.after) < CONTEXT_LINES]

    def _context_line(
        self, buf: bytes, start: int, end: int, number: int, cached: bool = True
    ) -> LogLine:
        if not cached:
            return LogLine(number, decode_line(buf[start:end]))
        line = self.decoded.get(number)
        if line is None:
            line = LogLine(number, decode_line(buf[start:end]))
            self.decoded[number] = line
        return line

    def _forget_context_before(self, number: int) -> None:
        """Drop cached context lines no later candidate can need (in insertion order)."""
        oldest = number - CONTEXT_LINES
        while self.decoded:
            first = next(iter(self.decoded))
            if first >= oldest:
                break
            del self.decoded[first]

    def _add_candidate(self, buf: bytes, start: int, end: int, number: int, focus: int) -> None:
        self._forget_context_before(number)
        draft = self._draft(buf, start, end, number, focus)
        if len(self.first) < FIRST_CANDIDATES:
            self.first.append(draft)
        else:
            if len(self.last) == self.last.maxlen:
                self.dropped += 1
            self.last.append(draft)

    def _draft(
        self, buf: bytes, start: int, end: int, number: int, focus: int, cached: bool = True
    ) -> _Draft:
        """The line ``buf[start:end]`` with up to ``CONTEXT_LINES`` lines either side (the
        lines after it that the next buffer holds are added when it comes). ``cached``: share
        decoded context lines with neighbouring candidates (lines taken in order only)."""
        before: list[LogLine] = []
        cut = start - 1
        while len(before) < CONTEXT_LINES and cut >= 0:
            prev = buf.rfind(b"\n", 0, cut) + 1
            before.append(self._context_line(buf, prev, cut, number - len(before) - 1, cached))
            cut = prev - 1
        if len(before) < CONTEXT_LINES and cut < 0:
            # The lines before are the last lines of the previous buffer.
            missing = CONTEXT_LINES - len(before)
            earlier = [ln for ln in self.tail if ln.number < number - len(before)][-missing:]
            before.extend(reversed(earlier))
        after: list[LogLine] = []
        pos = end + 1
        while len(after) < CONTEXT_LINES and pos < len(buf):
            nxt = buf.find(b"\n", pos)
            if nxt < 0:
                nxt = len(buf)
            after.append(self._context_line(buf, pos, nxt, number + len(after) + 1, cached))
            pos = nxt + 1
        draft = _Draft(
            LogLine(number, decode_line(buf[start:end], focus)), tuple(reversed(before)), after
        )
        if len(after) < CONTEXT_LINES:
            self.open_drafts.append(draft)
        return draft

    def result(self) -> ScanResult:
        return ScanResult(
            head=tuple(self.head),
            tail=tuple(self.tail),
            candidates=tuple(d.freeze() for d in (*self.first, *self.last)),
            total_lines=self.lines_done,
            total_bytes=self.total_bytes,
            candidates_dropped=self.dropped,
            warnings=tuple(d.freeze() for d in (*self.first_warnings, *self.last_warnings)),
        )


def scan_joblog(data: bytes | str | Iterable[bytes]) -> ScanResult:
    """Scan ``data`` once and keep its head, tail and candidate error lines with context.

    Lines are numbered from 1 as a text editor would (LF separates lines; a CR before the LF
    is dropped). Never raises on content.
    """
    scanner = _Scanner()
    carry = b""
    skipping_long_line = False
    for chunk in iter_chunks(data):
        scanner.total_bytes += len(chunk)
        if skipping_long_line:
            newline = chunk.find(b"\n")
            if newline < 0:
                continue
            chunk = chunk[newline + 1 :]
            skipping_long_line = False
        buf = carry + chunk if carry else chunk
        cut = buf.rfind(b"\n")
        if cut < 0:
            if len(buf) > MAX_LINE_BYTES:
                # An endless line: analyse its start as a line of its own, skip the rest.
                scanner.feed(buf[:MAX_LINE_BYTES] + b"\n")
                carry = b""
                skipping_long_line = True
            else:
                carry = buf
            continue
        carry = buf[cut + 1 :]
        scanner.feed(buf[: cut + 1])
        if len(carry) > MAX_LINE_BYTES:
            scanner.feed(carry[:MAX_LINE_BYTES] + b"\n")
            carry = b""
            skipping_long_line = True
    if carry:
        scanner.feed(carry)
    return scanner.result()
