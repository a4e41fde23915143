"""The error window: the few joblog lines around the error, masked, numbered and size-capped.

This window is all of the joblog that ever leaves for a model. It is cut from the text with
the analyser's own line numbering (lines end at ``\\n``), cleaned the way the analyser cleans
lines (ANSI codes, control characters, CR), and masked line by line with :func:`mask_secrets`.
Private key blocks span lines, so the masking starts well above the window and blanks every
line between a block's BEGIN and END markers; long base64 runs are blanked too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resync_analytics.joblog.decode import decode_line
from resync_analytics.joblog.models import LogLine
from resync_analytics.masking import MASK, mask_secrets

DEFAULT_RADIUS = 20
"""Lines kept on each side of the error line."""
DEFAULT_MAX_CHARS = 12_000
"""Cap on the window's text (about 3k tokens); the radius shrinks until it fits."""
MAX_LINE_CHARS = 400
"""Longer lines are cut (with an ellipsis): an error is stated in its first few hundred chars."""

# Masking looks this far above the window for the start of a private key block (a 4096-bit
# PEM key is about 50 lines).
_MASK_MARGIN_LINES = 128
_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
# A long unbroken base64 run (a key body whose BEGIN line was cut off, a blob, a token) says
# nothing a model needs and may be a secret.
_BLOB = re.compile(r"[A-Za-z0-9+/_-]{48,}={0,2}")


@dataclass(frozen=True)
class ErrorWindow:
    """Masked joblog lines ``first``..``last`` (1-based, inclusive) around ``center``.

    ``center`` is the analysis's error line, or 0 when it named none (the window is then the
    joblog's tail). ``total_lines`` counts the lines of the whole joblog.
    """

    center: int
    lines: tuple[LogLine, ...]
    total_lines: int

    @property
    def first(self) -> int:
        return self.lines[0].number if self.lines else 0

    @property
    def last(self) -> int:
        return self.lines[-1].number if self.lines else 0

    def contains(self, number: int) -> bool:
        """Whether line ``number`` is in the window."""
        return bool(self.lines) and self.first <= number <= self.last

    def line(self, number: int) -> LogLine | None:
        """The window's (masked) line ``number``, or None outside the window."""
        if not self.contains(number):
            return None
        return self.lines[number - self.first]

    @property
    def text(self) -> str:
        """The window's lines joined by newlines (no line numbers)."""
        return "\n".join(line.text for line in self.lines)

    def numbered_text(self) -> str:
        """Each line prefixed with its right-aligned line number and ``|``."""
        width = len(str(self.last)) if self.lines else 1
        return "\n".join(f"{line.number:>{width}} | {line.text}" for line in self.lines)


def count_lines(text: str) -> int:
    """Lines in ``text`` as the analyser counts them (a final newline ends the last line)."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def build_error_window(
    joblog_text: str,
    error_line: int,
    *,
    radius: int = DEFAULT_RADIUS,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> ErrorWindow:
    """The masked window of ``radius`` lines either side of ``error_line`` (1-based).

    With ``error_line`` 0 (or beyond the end) the window is the last ``2 * radius + 1`` lines,
    where a failing job's last words are. The radius shrinks until the text fits
    ``max_chars``; the error line itself is always kept. Never raises on content.
    """
    total = count_lines(joblog_text)
    if total == 0:
        return ErrorWindow(center=0, lines=(), total_lines=0)
    center = error_line if 1 <= error_line <= total else 0
    if center:
        first, last = max(1, center - radius), min(total, center + radius)
    else:
        first, last = max(1, total - 2 * radius), total
    masked = _masked_lines(joblog_text, first, last)
    lines = [LogLine(number, _shorten(text)) for number, text in masked]
    focus = center or last
    while len(lines) > 1 and _size(lines) > max_chars:
        # Drop the line farthest from the focus; ties drop the earlier one (after the error
        # usually comes the consequence, before it the cause: keep both sides balanced).
        if focus - lines[0].number >= lines[-1].number - focus:
            lines.pop(0)
        else:
            lines.pop()
    if _size(lines) > max_chars:
        lines = [LogLine(lines[0].number, lines[0].text[: max(0, max_chars - 1)] + "…")]
    return ErrorWindow(center=center, lines=tuple(lines), total_lines=total)


def _size(lines: list[LogLine]) -> int:
    return sum(len(line.text) + 1 for line in lines)


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"


def _masked_lines(text: str, first: int, last: int) -> list[tuple[int, str]]:
    """Lines ``first``..``last``, cleaned and masked, as (number, text)."""
    region_first = max(1, first - _MASK_MARGIN_LINES)
    region = _slice_lines(text, region_first, last)
    masked: list[tuple[int, str]] = []
    in_key_block = False
    for number, raw in enumerate(region, start=region_first):
        line = decode_line(raw.encode("utf-8", "surrogateescape"))
        # mask_secrets sees one line at a time here (so line numbers stay exact); the body
        # lines of a multi-line private key block are recognised by the block's markers.
        begins, ends = _KEY_BEGIN.search(line), _KEY_END.search(line)
        if in_key_block:
            line = MASK + mask_secrets(line[ends.start() :]) if ends else MASK
        elif begins and not ends:
            line = mask_secrets(line[: begins.start()]) + begins.group(0) + MASK
        else:
            line = mask_secrets(line)
        in_key_block = (in_key_block or bool(begins)) and not ends
        if number >= first:
            masked.append((number, _BLOB.sub(MASK, line)))
    return masked


def _slice_lines(text: str, first: int, last: int) -> list[str]:
    """Lines ``first``..``last`` (1-based) of ``text`` without splitting all of it."""
    position = 0
    for _ in range(first - 1):
        newline = text.find("\n", position)
        if newline < 0:
            return []
        position = newline + 1
    lines: list[str] = []
    for _ in range(last - first + 1):
        newline = text.find("\n", position)
        if newline < 0:
            if position < len(text):
                lines.append(text[position:])
            break
        lines.append(text[position:newline])
        position = newline + 1
    return lines
