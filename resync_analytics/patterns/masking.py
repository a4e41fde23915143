"""Variable masks: the parts of a log message that change from one occurrence to the next.

Numbers, hex ids, IPv4/IPv6 addresses, host:port, host names, URLs, paths, UUIDs, object
references, memory sizes, bracketed ids, dates and times are replaced by ``<*>`` before the
message reaches the parse tree, so the tree compares only the words that make an event what
it is. The masks are generic on purpose (no per-system rules): a miner must work on logs it
has never seen. Each rule masks a token by its shape, not by the system that wrote it.

Templates are written the way Loghub's ground truth writes them: a URL keeps its scheme
(``hdfs://<*>``), a path its leading slash (``/<*>``), an identifier its leading words
(``blk_<*>``, ``attempt_<*>``), a number its glued unit (``<*>ms``); a memory size is one
value (``317.5 KB`` -> ``<*>``) and a run of values (``<*>:<*>``, ``blk_<*> blk_<*>``) one
``<*>``. Keys stay: the tokeniser splits ``key=value``, so only the value is compared.

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

# Rules that scan a run of words (dotted names, URLs) start only where the run starts
# (a look-behind, not \b): started at every word of a 64 KiB run, each would rescan the rest
# of it, and one such line would take minutes.
# Order matters: alternatives are tried left to right at each position, so the specific
# shapes (URL, UUID, IP, date) come before the general number rule that would cut them up.
# A capturing group, where an alternative has one, is a constant prefix the template keeps:
# ``hdfs://<*>``, ``/<*>``, ``blk_<*>`` (Loghub's ground truth writes variables this way).
# Every other group must be non-capturing.
_ALTERNATIVES = (
    r"(?<![\w+.-])([a-zA-Z][\w+.-]*://)[^\s,;'\"()<>\[\]{}]+",  # URLs: http://, hdfs://, jdbc:x://
    r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b",  # UUIDs
    # Java object references (Class@1b6d3586), addresses of one instance.
    r"(?<![\w$.])[A-Za-z_$][\w$.]*@[0-9a-fA-F]{4,}\b",
    # IPv4[:port], also as Java writes a resolved address: host/10.0.0.1:9000.
    r"(?<![\w.])(?:(?<!-)[A-Za-z][\w.-]*/)?(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?(?![\w.])",
    # IPv6 (full or with ::), with a digit so C++ scopes (Mgr::Send) stay words.
    r"(?<![\w:.])(?=[0-9a-fA-F:]*\d)(?=[0-9a-fA-F]{0,4}::|(?:[0-9a-fA-F]{1,4}:){7})"
    r"(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])",
    r"\b(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}\b",  # MAC addresses
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    # Dates with month names: "Fri Jun 17 07:07:00 2005", "17 Jun 2005", "Jun  3".
    rf"\b(?:(?:{_DAY})\w*,?\s+)?(?:{_MONTH})[a-z]*\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}}\b)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:\s+\d{4}\b)?",
    rf"\b\d{{1,2}}[\s/-](?:{_MONTH})[a-z]*[\s/-]\d{{2,4}}\b",
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b",  # times
    # Host names: dotted names ending in a common top-level domain (or one under a country
    # code: ac.uk, edu.pl), or of three or more lower-case labels, one with a digit, ending
    # in a country code (dsl-81-2.easynet.nl). Java packages (sun.nio.ch) have no digit.
    r"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|edu|gov|mil|ac|co|io|info|biz|local|localdomain"
    r"|lan|corp|internal|intra)(?:\.[a-z]{2})?(?![\w-]|\.\w)",
    r"(?<![\w.-])(?=[a-z0-9.-]*\d)[a-z0-9-]+(?:\.[a-z0-9-]+){1,}\.[a-z]{2}(?![\w-]|\.\w)",
    # host:port (db7:5432, msra-sa-41:9000): the host has a digit, dot or dash, so counters
    # written key:value (PendingReds:0) keep their key.
    r"(?<![\w.:/-])(?=[\w.-]*[\d.-])[A-Za-z][\w.-]*:\d{2,5}(?![\w:]|\.\w)",
    # Unix paths: /<*>. One component without a digit (/default-rack) is a name.
    # A directory name may hold one space when a further "/" follows (/Users/J Doe/x).
    r"(?<![\w/<])(~?/|\.{1,2}/|/)(?=[\w.@%+~-]*(?:\d|/[\w.@%+~-]))"
    r"(?:[\w.@%+~-]+(?: [\w.@%+~-]+)?/)*[\w.@%+~-]*",
    # Windows paths, a folder name with one space (C:\Program Files\App\x.dll).
    r"\b[A-Za-z]:\\(?:[^\\\s,;'\"]+(?: [^\\\s,;'\"]+)?\\)*[^\\\s,;'\"]*",
    # Rules name digits only through \d (never a literal digit): masking then gives the
    # same spans on a message and on its digit-normalised shape (see mask_variables).
    r"\b\d[xX][0-9a-fA-F]+\b",  # 0x addresses
    # Identifiers with a digit and an underscore keep their leading words: blk_<*> for
    # blk_-1608, attempt_<*> for attempt_1445_0020_m_000002_0, DFSClient_NONMAPREDUCE_<*>.
    r"(?<![\w.-])((?:[A-Za-z][A-Za-z]*_)+)(?=[\w-]*\d)[\w-]+",
    r"(?<![\w.-])(?=[\w-]*_)(?=[\w-]*\d)[A-Za-z][\w-]*",
    # Bracketed ids ([a1b2c3], [Thread-5], [0:1]): one bracketed word with a digit.
    r"(?<=\[)(?=[^\]\s]*\d)[^\]\s\[,;()]+(?=\])",
    # Bare hex of 8+ digits with at least one digit (ids, addresses, hashes).
    r"\b(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b",
    # Memory sizes, glued or spaced (64KB, 1.5 GB, 317.5 KB, 16.0 B): one value.
    r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*\s?(?:[KMGTPE]i?B|B|[KMGTP])\b",
    # Numbers, signed, with decimals (12, -3, 4.5); a unit glued on stays (40000ms -> <*>ms,
    # 47C -> <*>C). Not the digits of an error code such as ORA-01653, which names the error.
    r"(?<![\w.])(?<![A-Z]-)[-+]?\d+(?:[.,]\d+)*(?=[a-zA-Z%]{0,3}(?!\w))",
    # Digits that end a word (eth0, node17, core.3111, Thread-5, "instruction......0"): the
    # word names the kind of thing, the digits which one. Not after a capital and a dash,
    # where they name an error (ORA-01653), nor after a single letter (a table T1), nor in
    # a key (PSR0=...).
    r"(?:(?<=[A-Za-z]{2})|(?<=[a-z]-|[A-Za-z.][._]))\d+(?![\w=]|:\d)",
)
_VARIABLE = re.compile("|".join(_ALTERNATIVES))


def _replace(match: re.Match[str]) -> str:
    prefix = match.group(match.lastindex) if match.lastindex else None
    return prefix + WILDCARD if prefix else WILDCARD


# Runs of masked values with only separators between them ("<*> <*> <*>", "<*>:<*>:<*>")
# are one variable: a list of three numbers and a list of five are the same event.
_REPEATED = re.compile(r"<\*>(?:[\s,;:#/._-]*<\*>)+")
# The same prefixed value repeated ("blk_<*> blk_<*> blk_<*>") is one list, too.
_REPEATED_PREFIXED = re.compile(r"(?<![\w/])([A-Za-z][\w.-]*<\*>)(?:[\s,;]+\1(?![\w<]))+")
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
    masked = _VARIABLE.sub(_replace, text)
    if masked.count(WILDCARD) > 1:
        masked = _REPEATED.sub(WILDCARD, masked)
        if masked.count(WILDCARD) > 1:
            masked = _REPEATED_PREFIXED.sub(r"\1", masked)
    return masked


@lru_cache(maxsize=1 << 16)
def _mask_shape(shape: str) -> str | None:
    masked = _mask(shape)
    return None if "0" in masked else masked
