"""Variable masks: the parts of a log message that change from one occurrence to the next.

Numbers, hex ids, IP addresses, URLs, paths, UUIDs, dates and times are replaced by ``<*>``
before the message reaches the parse tree, so the tree compares only the words that make an
event what it is. The masks are generic on purpose (no per-system rules): a miner must work
on logs it has never seen.

Not to be confused with ``resync_analytics.masking``, which hides secrets before storage.
"""

from __future__ import annotations

import re
from functools import lru_cache

WILDCARD = "<*>"

# bytes.translate is ~20x faster than str.translate; UTF-8 never puts ASCII digits inside
# a multi-byte character, so translating the encoded text is exact.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_DAY = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
_MONTH = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"

# Order matters: alternatives are tried left to right at each position, so the specific
# shapes (URL, UUID, IP, date) come before the general number rule that would cut them up.
_ALTERNATIVES = (
    r"\b[a-zA-Z][\w+.-]*://[^\s,;'\"()<>\[\]{}]+",  # URLs: http://, hdfs://, jdbc:x://
    r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b",  # UUIDs
    r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?![\w.])",  # IPv4[:port]
    r"\b(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\b",  # MAC addresses
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    # Dates with month names: "Fri Jun 17 07:07:00 2005", "17 Jun 2005", "Jun  3".
    rf"\b(?:(?:{_DAY})\w*,?\s+)?(?:{_MONTH})[a-z]*\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}}\b)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:\s+\d{4}\b)?",
    rf"\b\d{{1,2}}[\s/-](?:{_MONTH})[a-z]*[\s/-]\d{{2,4}}\b",
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b",  # times
    # Host names: dotted names ending in a common top-level domain.
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|edu|gov|mil|io|info|biz|local|localdomain"
    r"|lan|corp|internal|intra)(?![\w-]|\.\w)",
    r"(?<![\w/<])(?:~|\.{1,2})?(?:/[\w.@%+~-]+)+/?",  # unix paths
    r"\b[A-Za-z]:\\[^\s,;'\"]*",  # windows paths
    # Rules name digits only through \d (never a literal digit): masking then gives the
    # same spans on a message and on its digit-normalised shape (see mask_variables).
    r"\b\d[xX][0-9a-fA-F]+\b",  # 0x addresses
    # Identifiers with a digit and an underscore: blk_-1608, attempt_1445_0020_m_000002_0.
    r"(?<![\w.])(?=[\w-]*_)(?=[\w-]*\d)[A-Za-z][\w-]*",
    # Bare hex of 8+ digits with at least one digit (ids, addresses, hashes).
    r"\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b",
    # Numbers, signed, with decimals or units glued on (12, -3, 4.5, 9.2KB, 100ms).
    # Numbers; not the digits of an error code such as ORA-01653, which names the error.
    r"(?<![\w.])(?<![A-Z]-)[-+]?\d+(?:[.,]\d+)*(?:[a-zA-Z%]{1,3})?(?![\w])",
    # Digits that end a word (eth0, node17, core.3111, Thread-5, "instruction......0"): the
    # word names the kind of thing, the digits which one. Not after a capital and a dash,
    # where they name an error (ORA-01653), nor after a single letter (a table T1), nor
    # before a port (db7:5432 stays host and port, two values).
    r"(?:(?<=[A-Za-z]{2})|(?<=[a-z]-|[A-Za-z.][._]))\d+(?![\w]|:\d)",
)
_VARIABLE = re.compile("|".join(_ALTERNATIVES))

# Runs of masked values with only separators between them ("<*> <*> <*>", "<*>:<*>:<*>")
# are one variable: a list of three numbers and a list of five are the same event.
_REPEATED = re.compile(r"<\*>(?:[\s,;:#/._-]*<\*>)+")
# Longer messages are masked directly: memoising their shapes would let the memo hold
# 65,536 of them (up to 8 GB of 64 KiB lines) for messages that rarely repeat.
_MEMO_MAX_CHARS = 1024


def mask_variables(text: str) -> str:
    """``"Took 12 ms on 10.0.0.1:80"`` → ``"Took <*> on <*>"``.

    Pure and deterministic; any string is accepted.
    """
    # Messages of one event mostly differ only in their digits, so the masked form of the
    # digit-normalised shape is memoised; it is the answer whenever no digit survived masking.
    if len(text) > _MEMO_MAX_CHARS:
        return _mask(text)
    shape = text.encode("utf-8", "surrogatepass").translate(_DIGITS_TO_ZERO)
    masked = _mask_shape(shape.decode("utf-8", "surrogatepass"))
    return masked if masked is not None else _mask(text)


def _mask(text: str) -> str:
    masked = _VARIABLE.sub(WILDCARD, text)
    if masked.count(WILDCARD) > 1:
        masked = _REPEATED.sub(WILDCARD, masked)
    return masked


@lru_cache(maxsize=1 << 16)
def _mask_shape(shape: str) -> str | None:
    masked = _mask(shape)
    return None if "0" in masked else masked
