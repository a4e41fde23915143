"""Did a joblog arrive whole? A TWS stdlist of an ended run closes with its trailer banner.

The trailer (``= Exit Status : 1``, times, the end date, a ``=====`` rule) is the last thing
TWS writes, so a log of an ended run whose last lines hold no ``Exit Status`` was cut short on
the way (a proxy, a dropped connection with a body length that matched what arrived).
"""

from __future__ import annotations

import re

# The trailer is a handful of lines; a few more allow for a trailing blank line or two.
TRAILER_WINDOW_LINES = 16
_EXIT_STATUS = re.compile(rb"^\s*=\s*exit\s+status\s*:", re.IGNORECASE)
_RULE = re.compile(rb"^\s*={5,}\s*$")


def has_trailer(data: bytes) -> bool:
    """True when the last lines of ``data`` hold the trailer's ``Exit Status`` line and a
    closing ``=====`` rule after it. Works on any bytes (CRLF, invalid UTF-8, NUL)."""
    lines = [line for line in data.replace(b"\r", b"").split(b"\n") if line.strip()]
    tail = lines[-TRAILER_WINDOW_LINES:]
    for index, line in enumerate(tail):
        if _EXIT_STATUS.match(line):
            return any(_RULE.match(after) for after in tail[index + 1 :])
    return False
