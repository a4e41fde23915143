"""Entities named by an error line: paths, tables, host:port, users, commands, error codes and
exception classes, each copied exactly from the line (a substring of it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

EntityKind = Literal[
    "code", "exception", "path", "object", "host", "user", "command", "program", "url", "value"
]


@dataclass(frozen=True)
class Entity:
    kind: EntityKind
    text: str


_ERRNO_TEXTS = (
    r"No such file or directory|Permission denied|Text file busy|Is a directory|Not a directory|"
    r"No space left on device|Operation not permitted|Read-only file system|"
    r"Device or resource busy|"
    r"Arquivo ou diretório inexistente|Permissão negada|Datei oder Verzeichnis nicht gefunden|"
    r"Keine Berechtigung|No existe el (?:archivo|fichero) o el directorio|Permiso denegado|"
    r"Aucun fichier ou dossier de ce type|Permission non accordée|File o directory non esistente|"
    r"Permesso negato|cannot open|File not found"
)
_COMMAND_NOT_FOUND = (
    r"command not found|comando não encontrado|Befehl nicht gefunden|Kommando nicht gefunden|"
    r"orden no encontrada|no se encontró la orden|commande introuvable|comando non trovato|"
    r"not found\.?\s*(?:\[No such file or directory\])?\s*$|bad interpreter"
)

_PATTERNS: tuple[tuple[EntityKind, re.Pattern[str], int], ...] = (
    ("code", re.compile(r"\b(?:ORA|TNS|PLS|SP2|KUP|IMP|EXP|UDE|UDI|RMAN|LRM|DRG)-\d{4,5}\b"), 0),
    ("code", re.compile(r"\bSQL\*Loader-\d+"), 0),
    ("code", re.compile(r"\bSQL\d{4,5}[NCW]\b"), 0),
    ("code", re.compile(r"\bSQLSTATE\s*[=:\[]?\s*([0-9A-Z]{5})\b"), 0),
    ("code", re.compile(r"\bSQLSTATE\s*[=:\[]?\s*([0-9A-Z]{5})\b"), 1),
    ("code", re.compile(r"\b(?:AWS[A-Z]{3}\d{3}|EQQ[A-Z0-9]{4,})[IWE]\b"), 0),
    ("code", re.compile(r"\bERROR (\d{4}) \((\w{5})\)"), 0),
    ("code", re.compile(r"\bERROR (\d{4}) \((\w{5})\)"), 1),
    ("code", re.compile(r"\bERROR (\d{4}) \((\w{5})\)"), 2),
    ("code", re.compile(r"\bMsg \d+\b"), 0),
    ("code", re.compile(r"\bcurl: \(\d+\)"), 0),
    ("code", re.compile(r"\[Errno \d+\]"), 0),
    (
        "code",
        re.compile(
            r"\bE(?:NOENT|ACCES|PERM|NOSPC|NOMEM|CONNREFUSED|CONNRESET|TIMEDOUT|HOSTUNREACH|"
            r"NETUNREACH|BUSY|TXTBSY|ROFS|DQUOT|PIPE|AGAIN|INVAL|MFILE|ADDRINUSE)\b"
        ),
        0,
    ),
    (
        "code",
        re.compile(
            r"(?:HTTP(?:/[\d.]+)?\s*(?:status\s*)?:?\s*|returned error:\s*|"
            r"status code\s*)([1-5]\d\d)\b",
            re.I,
        ),
        1,
    ),
    (
        "code",
        re.compile(
            r"\b([45]\d\d)\s+(?:Not Found|Forbidden|Unauthorized|Internal Server Error|"
            r"Bad Gateway|Service Unavailable|Gateway Time-?out|Bad Request|Too Many Requests|"
            r"Conflict|Request Time-?out)\b",
            re.I,
        ),
        1,
    ),
    ("code", re.compile(r"\b(?:signal|SIG)\s?(\d{1,2}|[A-Z]{3,6})\b"), 0),
    (
        "exception",
        # a private class ("numpy.core._exceptions._ArrayMemoryError") is still the exception
        re.compile(r"(?<![\w$.])(?:[a-zA-Z_][\w$]*\.)*_?[A-Z][\w$]*(?:Exception|Error|Fault)\b"),
        0,
    ),
    (
        "url",
        re.compile(
            r"\b(?:https?|s?ftp|jdbc:[a-z0-9]+|ldaps?|wss?|s3a?|gs|hdfs|abfss?|wasbs?|"
            r"file)://[^\s'\"<>`]+",
            re.I,
        ),
        0,
    ),
    ("url", re.compile(r"\bjdbc:[a-z0-9]+:[^\s'\"<>`]+", re.I), 0),
    (
        "path",
        re.compile(r"(?<![\w:/.~$@-])(?:~|\.{1,2})?/(?=[\w.~$-])[^\s'\"`:;,()<>\[\]{}|*?]+"),
        0,
    ),
    # Windows and UNC paths; a folder name may hold spaces ("C:\Program Files\..."), the
    # last part may not (the sentence goes on after it); no part holds a colon.
    (
        "path",
        re.compile(
            r"(?<![\w])(?:[A-Za-z]:\\|\\\\[\w.$-]+\\)"
            r"(?:[^\s'\"<>|*?\\:]+(?: [^\s'\"<>|*?\\:]+)*\\)*[^\s'\"<>|*?\\:]*"
        ),
        0,
    ),
    # "psql:/opt/etl/sql/load.sql:27: ERROR: ...": a tool names the script and line it ran
    ("path", re.compile(r"^[\w.-]+:(/[^\s:'\"]+):\d+:"), 1),
    ("path", re.compile(r"(?:^|[\s(:])['\"‘“`]([^'\"’”`\s/]+\.[A-Za-z0-9]{1,5})['\"’”`]"), 1),
    ("path", re.compile(rf"(?:^|: |\s)['‘`\"]?([^\s:'\"‘’`]+?)['’\"]?: (?:{_ERRNO_TEXTS})"), 1),
    (
        "command",
        re.compile(rf"(?:^|: |\s)['‘`\"]?([^\s:'\"‘’`]+?)['’\"]?:\s*(?:{_COMMAND_NOT_FOUND})"),
        1,
    ),
    (
        "command",
        re.compile(
            r"'([^']+)' (?:is not recognized|não é reconhecido|wird nicht als|no se reconoce|"
            r"n'est pas reconnu|non è riconosciuto)"
        ),
        1,
    ),
    ("command", re.compile(r"The term '([^']+)' is not recognized"), 1),
    ("command", re.compile(r"Cannot run program \"([^\"]+)\""), 1),
    ("command", re.compile(r"^(?:\S*/)?env: ['‘`]?([^'’:\s]+)['’]?:"), 1),
    ("program", re.compile(r"^([a-z][\w.+-]{1,30}): (?=\S)"), 1),
    # Kerberos principals ("etl@ACME.CORP", "HTTP/web01.acme.corp@ACME.CORP"): an account,
    # not a host; the realm is upper case, which an e-mail or user@host is not.
    (
        "user",
        re.compile(
            r"(?<![\w.@/-])([\w.$-]+(?:/[\w.-]+)?@[A-Z][A-Z0-9-]*(?:\.[A-Z0-9-]+)+)(?![\w.@-])"
        ),
        1,
    ),
    # The account holding a lock or refused ("locked by user BATCHUSR", "held by user etl").
    (
        "user",
        re.compile(r"\b(?:by|held by|locked by|owned by) user\s+[\"'`]?([A-Za-z_][\w.$\\-]*)"),
        1,
    ),
    # The process or session holding a lock: "blocked by process 4321", "SID 88",
    # "session 1234", "application handle 77", "PID 4711 holds the lock".
    (
        "value",
        re.compile(
            r"(?i)\b(?:blocked by process|held by process|process|session(?: id)?|sid|spid|"
            r"serial#|application handle|agent id|holder pid|locker pid)\s*[=:#]?\s*(\d{2,10})\b"
        ),
        1,
    ),
    # The process a shell reports dead: "line 77: 28275 Segmentation fault", "Killed process
    # 7899 (python)" (the kernel's OOM killer).
    (
        "value",
        re.compile(
            r"(?:\bline \d+:\s+|\bKilled process\s+)(\d{2,10})\b(?=\s+(?:Killed|Segmentation fault|"
            r"Aborted|Bus error|Terminated|Illegal instruction|Floating point exception|\())"
        ),
        1,
    ),
    # PowerShell's position message names the script and line: "At C:\x\Fix.ps1:76 char:5".
    (
        "object",
        re.compile(r"[\\/]([\w.-]+\.ps[dm]?1:\d+)\s+(?:char|знак|Zeichen|caractère|carácter):\d+"),
        1,
    ),
    # JVM options and memory limits an operator changes: "-Xmx1024m", "-XX:MaxMetaspaceSize=256m"
    (
        "value",
        re.compile(r"(?<![\w-])(-X(?:mx|ms|ss|mn)\w+|-XX:[+-]?\w+(?:=[\w.]+)?)"),
        1,
    ),
    (
        "value",
        re.compile(
            r"(?i)(?:reserve enough space for|limit(?:s)? of|limit is|limit|maximum of|max(?:imum)?"
            r" heap(?: size)?(?: of| is|:|=)?|heap size(?: of| is|:|=)?)\s*(\d+(?:\.\d+)?\s?"
            r"[KMGT]i?B?)(?![\w.])"
        ),
        1,
    ),
    # An NFS export or a CIFS share being mounted: "nfs01:/export/data", "//fs01/share".
    ("path", re.compile(r"(?<![\w./:-])([A-Za-z0-9][\w.-]*:/[\w./-]+)"), 1),
    ("path", re.compile(r"(?<![\w:/])(//[A-Za-z0-9][\w.-]*/[\w.$-]+(?:/[\w.$-]+)*)"), 1),
    ("user", re.compile(r"('[^'\s]+'@'[^'\s]+')"), 1),
    ("user", re.compile(r"(?<![\w/])([A-Za-z_][\w$#]*)/(?:\*\*\*|[^\s@/]+)@[\w.:/()-]+"), 1),
    ("object", re.compile(r"(?<![\w/])[A-Za-z_][\w$#]*/(?:\*\*\*|[^\s@/]+)@([\w.-]+)"), 1),
    ("code", re.compile(r"\(([A-Z][a-z]+(?:[A-Z][a-z]*)+)\)"), 1),
    ("value", re.compile(r"(?i)\bpid[=: ]+(\d+)"), 1),
    # Zero-padded numbers are keys (an account, a batch, a document), never quantities.
    ("value", re.compile(r"(?<![\w.,/:=+-])(0\d{3,}(?:-\d+)+|0\d{5,})(?![\w.,/:-])"), 1),
    (
        "user",
        re.compile(
            r"\b(?:user(?:name)?|role|login|logon user|account|"
            r"owner)\s*[=:]?\s*[\"'`‘“]([^\"'’”`\s]+)[\"'’”`]",
            re.I,
        ),
        1,
    ),
    ("user", re.compile(r"\b(?:for|unknown) user\s+([A-Za-z_][\w.$\\-]*)", re.I), 1),
    # "db2 connect to DB user X using ***", "ALTER USER x IDENTIFIED BY ***"
    (
        "user",
        re.compile(r"\buser\s+([A-Za-z_][\w.$\\-]*)\s+(?:using|identified by)\b", re.I),
        1,
    ),
    ("user", re.compile(r"\b(?:user|uid|login|owner|principal)=([\w.$\\@-]+)", re.I), 1),
    # Oracle's "userid=USER[/password][@db]": the account is what precedes the password or db
    ("user", re.compile(r"\buserid=([A-Za-z_][\w$#]*)[/@]", re.I), 1),
    (
        "user",
        re.compile(
            r"\buser\s+([A-Za-z_][\w.$-]*)\s+(?:does not exist|not found|is unknown|"
            r"is not authorized)",
            re.I,
        ),
        1,
    ),
    (
        "host",
        re.compile(r"(?<![\w.@-])([A-Za-z0-9._-]+@[A-Za-z0-9][\w.-]*[A-Za-z0-9])(?![\w@])"),
        1,
    ),
    (
        "host",
        re.compile(
            r"(?<![\w.:/@-])((?:[A-Za-z][\w-]*(?:\.[\w-]+)*|(?:\d{1,3}\.){3}\d{1,3}|"
            r"\[[0-9a-fA-F:]+\]):\d{2,5})(?![\w:.]|/\d)"
        ),
        1,
    ),
    (
        "host",
        re.compile(
            r"\b(?:server at|server on|connect to host|connect to|to host|resolve host|hostname|"
            r"host|server)\s*[:=]?\s*[\"'“‘]?([A-Za-z0-9][\w.-]*[A-Za-z0-9])[\"'”’]?",
            re.I,
        ),
        1,
    ),
    ("host", re.compile(r"\b(?:server|host) on '([\w.-]+)'", re.I), 1),
    ("host", re.compile(r"(?<![\w.])((?:\d{1,3}\.){3}\d{1,3})(?![\w.])"), 1),
    ("host", re.compile(r"\bport\s+(\d{1,5})\b", re.I), 1),
    ("object", re.compile(r"(\"[A-Za-z0-9_$#]+\"(?:\.\"[A-Za-z0-9_$#]+\")+)"), 1),
    ("object", re.compile(r"\(([A-Z][A-Z0-9_$#]*\.[A-Z][A-Z0-9_$#]*)\)"), 1),
    (
        "object",
        re.compile(r"(?<![\w.\"/])([A-Z][A-Z0-9_$#@]*(?:\.[A-Z][A-Z0-9_$#@-]*)+)(?![\w.\"/])"),
        1,
    ),
    ("object", re.compile(r"(?<![\w.\"/-])([A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+)(?![\w.\"/-])"), 1),
    ("object", re.compile(r"(?<![\w.\"/-])([A-Z]{2,}[0-9]{2,}[A-Z0-9]*)(?![\w.\"/-])"), 1),
    (
        "code",
        re.compile(
            r"(?<![\w-])([SU][0-9A-F]{3,4}|[A-Z]{3,4}\d{3,4}[A-Z]|[A-Z]{2,5}_\d{3,5})(?![\w-])"
        ),
        1,
    ),
    ("code", re.compile(r"\b0x[0-9A-Fa-f]{8}\b"), 0),
    ("code", re.compile(r"\bMsg (\d+)\b"), 1),
    ("code", re.compile(r"(?i)\b(?:rc|exit(?: code| status)?|return code)\s?[=:]?\s?-?\d+\b"), 0),
    ("value", re.compile(r"\"([^\"\s][^\"]{0,58}[^\"\s]|[^\"\s])\""), 1),
    ("value", re.compile(r"(?<![\w])'([^'\s][^']{0,58}[^'\s]|[^'\s])'"), 1),
    ("value", re.compile(r"ORA-\d+: .*?\[([^\]\s]{2,40})\]"), 1),
    ("value", re.compile(r":\d+: (\w+): Assertion"), 1),
    (
        "command",
        re.compile(r"(?<![\w.-])([\w-]+\.(?:exe|sh|ksh|bash|py|pl|jar|cmd|bat|ps1|sql|ctl|com))\b"),
        1,
    ),
    ("object", re.compile(r"\bat ([\w$.<>]+?)\.[\w$<>]+\("), 1),
    ("object", re.compile(r"\bat ([\w$.<>]+)\("), 1),
    (
        "object",
        re.compile(
            r"\b(?:INSERT INTO|UPDATE|DELETE FROM|MERGE INTO|TRUNCATE TABLE|LOCK TABLE)"
            r"\s+([A-Za-z_][\w$#]*\.[A-Za-z_][\w$#]*)\b"
        ),
        1,
    ),
    # "https://gw.example:8443/api": the authority with its port is what a firewall rule names
    ("host", re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s]+@)?([\w.-]+:\d{2,5})(?=[/\s]|$)"), 1),
    # "Consider boosting spark.executor.memoryOverhead": a configuration property to change
    (
        "object",
        re.compile(
            r"(?<![\w.$/-])([a-z][a-z0-9]*(?:\.[a-z][a-z0-9]*)+\.[a-z]+[A-Z][A-Za-z0-9]*)(?![\w(/-])"
        ),
        1,
    ),
    (
        "host",
        re.compile(
            r"(?<![\w.-])((?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|br|de|es|fr|it|io|local|corp|internal|"
            r"example|lan|intra|int|gov|edu|co|uk|biz|info|us|eu|pt|mx|ar|cl))\b(?!\.[A-Za-z])"
        ),
        1,
    ),
    (
        "object",
        re.compile(
            r"\b(?:table|relation|view|object name|object|index|tablespace|constraint|column|"
            r"schema|database|sequence|procedure|package|function|trigger|synonym|collection|"
            r"bucket|queue|topic)\s+[\"'`‘“\[]?([A-Za-z_][\w$#.]*[\w$#])[\"'`’”\]]?",
            re.I,
        ),
        1,
    ),
)

_STOPWORDS = frozenset(
    [
        "or",
        "and",
        "is",
        "in",
        "by",
        "for",
        "to",
        "the",
        "not",
        "does",
        "doesn't",
        "of",
        "on",
        "at",
        "a",
        "an",
        "as",
        "was",
        "has",
        "be",
        "exists",
        "exist",
        "specified",
        "found",
        "named",
        "with",
        "from",
        "into",
        "that",
        "this",
        "which",
        "already",
        "does_not",
        "space",
        "full",
        "user",
    ]
)


_QUOTES = "'\"‘’“”`"


def _clean(text: str) -> str:
    text = text.strip().rstrip(".,;:")
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(".,;:")
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        inner = text[1:-1]
        if not any(q in inner for q in _QUOTES):
            text = inner
    return text


# When several patterns find the same text, the most specific reading names its kind (an IP
# address that an errno pattern also caught is a host, not a path).
_KIND_RANK: dict[EntityKind, int] = {
    "code": 0,
    "exception": 1,
    "url": 2,
    "user": 3,
    "host": 4,
    "path": 5,
    "command": 6,
    "object": 7,
    "program": 8,
    "value": 9,
}
_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
_QUALIFIED_NAME = re.compile(r"[A-Za-z_][\w$#]*(?:\.[A-Za-z_][\w$#]*)+")
_OCTET = re.compile(r"0|[1-9]\d?|1\d\d|2[0-4]\d|25[0-5]")
_SOURCE_REF = re.compile(
    r"\.(?:java|kt|scala|groovy|py|pyx|cs|vb|c|cc|cpp|h|go|rb|pl|pm|js|ts|php|cbl|cob|ps1|"
    r"sh|ksh|sql):\d+$",
    re.I,
)


def _reading(kind: EntityKind, text: str) -> EntityKind:
    """The kind a match really is when its pattern was about something else."""
    if kind == "path" and _IPV4.fullmatch(text):
        return "host"
    if kind == "value" and _QUALIFIED_NAME.fullmatch(text):
        return "object"  # a quoted "SCHEMA.TABLE"
    return kind


def _plausible(kind: EntityKind, text: str, line: str, start: int) -> bool:
    """Whether a match is an entity rather than a word the pattern happened to catch."""
    if not any(ch.isalnum() for ch in text):
        return False
    if kind == "host" and _IPV4.fullmatch(text.split(":")[0]):
        # "10.2.8.00" is a product version, not an address
        return all(_OCTET.fullmatch(octet) for octet in text.split(":")[0].split("."))
    if kind == "path" and not re.search(r"[/\\.]", text):
        return False  # "output file: No space left": the word before the errno text
    if kind == "host" and _SOURCE_REF.search(text):
        return False  # "Arrays.java:3537" is a source line, not host:port
    if kind in ("host", "object") and text.isalpha() and text.islower():
        # "server terminated", "object reference", "index key": prose after a keyword; a
        # bare lowercase name counts only when the log quotes it (table "orders").
        return start > 0 and line[start - 1] in _QUOTES
    if kind == "host" and text.isalpha() and not text.isupper():
        return False  # "SQL Server : Login"
    # abbreviated logger names ("o.h.e.j.s.SqlExceptionHelper") are not objects
    return not (kind == "object" and any(len(part) == 1 for part in text.split(".")[:-1]))


def extract_entities(line: str) -> list[Entity]:
    """Entities in one line, in order of appearance, each a substring of ``line``."""
    found: dict[str, tuple[int, Entity]] = {}
    for kind, pattern, group in _PATTERNS:
        for match in pattern.finditer(line):
            value = match.group(group)
            if not value:
                continue
            start = match.start(group)
            cleaned = _clean(value)
            if not cleaned or cleaned.lower() in _STOPWORDS or cleaned not in line:
                continue
            if kind == "object" and (cleaned.isdigit() or len(cleaned) < 2):
                continue
            if kind == "path" and cleaned in {"/", ".", ".."}:
                continue
            reading = _reading(kind, cleaned)
            if not _plausible(reading, cleaned, line, start):
                continue
            previous = found.get(cleaned)
            if previous is None:
                found[cleaned] = (start, Entity(reading, cleaned))
            elif _KIND_RANK[reading] < _KIND_RANK[previous[1].kind]:
                found[cleaned] = (min(start, previous[0]), Entity(reading, cleaned))
    return [entity for _, entity in sorted(found.values(), key=lambda item: item[0])]


def entity_texts(entities: Iterable[Entity]) -> tuple[str, ...]:
    return tuple(e.text for e in entities)
