"""The pattern of an error line: its text with variable parts replaced by ``<*>``.

Two incidents with the same pattern are the same problem on different data (another file,
another date, another process id), so incidents can be grouped and counted. Error codes such as
``ORA-01653`` and exception classes are kept: they are what makes the pattern.
"""

from __future__ import annotations

import re

_VARIABLE = re.compile(
    r"\b(?:https?|s?ftp|jdbc:\w+)://\S+"  # URLs
    r"|(?<![\w.-])(?:~|\.{1,2})?/[^\s'\"`:;,()<>\[\]{}|]+"  # unix paths
    r"|\b[A-Za-z]:\\\S+"  # windows paths
    r"|\"[^\"]*\"|'[^']*'|‘[^’]*’|“[^”]*”|`[^']*'"  # quoted values
    r"|\b[\w.-]+@[\w.-]+\b"  # user@host
    r"|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"  # IPv4[:port]
    r"|\b0x[0-9a-fA-F]+\b|\b[0-9a-fA-F]{12,}\b"  # addresses, ids
    r"|(?<![\w-])\d[\d:.,/T-]*(?![\w-])"  # numbers, dates, times
)
_REPEATS = re.compile(r"<\*>(?:[\s,;:]*<\*>)+")


def error_pattern(text: str) -> str:
    """``"cat: /data/in/a.csv: No such file"`` → ``"cat: <*>: No such file"``."""
    masked = _VARIABLE.sub("<*>", text.strip())
    return _REPEATS.sub("<*>", masked)
