"""Bytes to analysable text: chunked input and tolerant line decoding.

A joblog may hold anything: invalid UTF-8, CRLF, ANSI colour codes, NUL bytes, lines of
megabytes. Nothing here raises on content: a line that is not UTF-8 is read as cp1252/Latin-1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

CHUNK_BYTES = 4 * 1024 * 1024
MAX_LINE_CHARS = 4096
"""Longest text kept for one line; longer lines keep a window around the interesting part."""

# CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), lone escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Control characters other than tab (NUL, backspace, form feed...) make text unreadable.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def iter_chunks(data: bytes | str | Iterable[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Yield ``data`` as byte chunks of about ``size`` bytes (str is encoded as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if isinstance(data, bytes | bytearray | memoryview):
        view = bytes(data)
        for start in range(0, len(view), size):
            yield view[start : start + size]
        return
    for chunk in data:
        if chunk:
            yield bytes(chunk)


def decode_line(raw: bytes, focus: int = 0) -> str:
    """Decode one line (without its newline) into clean text.

    Strips a trailing CR, ANSI escape sequences and control characters. Lines longer than
    ``MAX_LINE_CHARS`` keep a window that starts a little before byte offset ``focus``.
    """
    if len(raw) > MAX_LINE_CHARS:
        start = max(0, min(focus - MAX_LINE_CHARS // 4, len(raw) - MAX_LINE_CHARS))
        raw = raw[start : start + MAX_LINE_CHARS]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Legacy single-byte encodings (Latin-1/cp1252 Portuguese, German...) are common in
        # joblogs; a line that is not UTF-8 is read as cp1252, then Latin-1, never rejected.
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    text = text.rstrip("\r\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text
