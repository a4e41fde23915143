"""Variable masks: the parts of a log message that change from one occurrence to the next.

Numbers, hex ids, IPv4/IPv6 addresses, host:port, host names, URLs, paths (also relative
ones to a file), UUIDs, object references, memory sizes, bracketed ids, generated dashed
names (pods), quoted dotted names (``'SCHEMA.TABLE'``), dates and times are replaced by
``<*>`` before the message reaches the parse tree, so the tree compares only the words that
make an event what it is. The masks are generic on purpose (no per-system rules): a miner
must work on logs it has never seen. Each rule masks a token by its shape, not by the
system that wrote it. A message id before its text (``SQL*Loader-500:``), a stack frame's
source file (``RDD.scala:<*>``) and a word of capitals with digits (``JES2``, ``SYSUT1``)
stay: they name the event. Durations of several units (``8m23s``) and ages (``16h``) are one
value. ``bench/patterns.py --outside`` checks every mask on hand-labelled transcripts of
tools the masks were not written on (``tests/data/templates``).

Templates are written the way Loghub's ground truth writes them: a URL keeps its scheme
(``hdfs://<*>``), an address after a slash its slash (``/<*>:<*>``, as Java prints a socket
address), an identifier its leading words (``blk_<*>``, ``attempt_<*>``), a number its glued
unit (``<*>ms``); a memory size is one value (``317.5 KB`` -> ``<*>``) and a run of values
(``<*>:<*>``, ``blk_<*> blk_<*>``) one ``<*>``. A path is one value, slash and all (``<*>``):
Loghub writes it both ways (BGL's ``node map file /<*>`` beside ``from file <*>``), and the
hand-labelled outside set writes ``<*>`` as it writes every other value. One value, too: a
quoted word with a digit (``'<*>'``, quotes kept), a quoted word given to a key
(``user='<*>'``), the value of a key=value pair with a digit (``Code=<*>``) and user@host
(with an rsync path after it), a path of one component naming a file (``/post-backup.sh``)
and a dotted name of three qualifiers in capitals (``SYSGEN.ISPF.CLIB``, a z/OS data set).
A version keeps its ``v`` (``v<*>``). Values, too, are what mainframe job logs print in their
standard shapes: JES job ids (``JOB00345``, ``J0012345``), the job, step or user names a z/OS
message gives before `` - `` (``IEF125I <*> - LOGGED ON``) or a JES2 ``$HASP`` message right
after its id, the user id after ``USERID``, abend codes (``S806``, ``U0040``) and the ASA
carriage control ``-`` before a printed value; the message id (``IEF142I``) stays. A quoted
word after a noun naming a kind of thing (``for user "postgres"``, ``table 'tweets'``) or
after ``named`` is a name, and a thread's quoted name one value whatever its words; other
quoted words stay, as they are as often the event's own. Code stays code: a function or
class whose name ends in digits (``readI32(``, ``HttpServer2$``), a generic's arity
(``Action`1``) and an error type quoted as code prints it (``'System.OutOfMemoryException'``,
``<class 'x.FailedExecution'>``). Keys stay: the tokeniser splits ``key=value``, so only the
value is compared.

Not to be confused with ``resync_analytics.masking``, which hides secrets before storage.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from functools import lru_cache

WILDCARD = "<*>"

# bytes.translate is ~20x faster than str.translate; UTF-8 never puts ASCII digits inside
# a multi-byte character, so translating the encoded text is exact.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
# Day and month names as written in mixed case or in capitals (z/OS and Oracle write
# "WEDNESDAY, 22 MAR 2023" and "02-JAN-08"); never in lower case, where "may 3" is a word.
_DAY = "Mon|Tue|Wed|Thu|Fri|Sat|Sun|MON|TUE|WED|THU|FRI|SAT|SUN"
_MONTH = (
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|"
    "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
)

# Nouns naming a kind of thing: the word after one is the name of such a thing (``user
# cyrus``, ``table 'tweets'``, ``thread "main"``). The masks make a quoted word after one a
# value ("named_quote"); the miner merges templates that differ only in the word after a
# preposition and one of them (miner._names_a_thing).
KIND_NOUNS = frozenset(
    {
        "user", "host", "job", "table", "database", "schema", "file", "model", "pod", "node",
        "member", "dataset", "server", "account", "client", "service", "container", "image",
        "namespace", "task", "step", "queue", "topic", "bucket", "volume", "device", "machine",
        "thread", "column", "relation", "index", "collection", "repository", "role", "group",
        "process", "session", "directory", "folder", "package",
    }
)  # fmt: skip
# A quoted word after one of these is a name, too: "No module named 'pandas'".
_NAMING_WORDS = ("host name", "named", "called")
_QUOTED_AFTER = "|".join(sorted(KIND_NOUNS) + list(_NAMING_WORDS))

# Not right after a name ending in a source or text file's extension and its colon (one
# look-behind per extension length, as look-behinds need a fixed width).
_NOT_SOURCE_FILE = (
    r"(?<!\.[ch]:)(?<!\.(?:py|js|ts|go|rb|pm|pl|cs|sh|cc|kt|rs):)"
    r"(?<!\.(?:pyx|cpp|cxx|hpp|php|sql|xml|ini|cfg|log|txt|csv|yml|mjs|cjs|ps1|jsp|vbs|cob):)"
    r"(?<!\.(?:java|json|yaml|conf|toml|psm1|bash|lisp):)(?<!\.(?:scala|swift|cobol):)"
    r"(?<!\.groovy:)"
)

# Rules that scan a run of words (dotted names, URLs) start only where the run starts
# (a look-behind, not \b): started at every word of a 64 KiB run, each would rescan the rest
# of it, and one such line would take minutes.
# Order matters: alternatives are tried left to right at each position, so the specific
# shapes (URL, UUID, IP, date) come before the general number rule that would cut them up.
# A capturing group, where an alternative has one, is a constant prefix the template keeps:
# ``hdfs://<*>``, ``blk_<*>`` (Loghub's ground truth writes variables this way).
# Every other group must be non-capturing.
_ALTERNATIVES = (
    # A quoted word with a digit ('dbtjob_v1-0', "image:20.7", '10.0.0.1:3320') is one value,
    # whatever its inner shape; the quotes stay. An identifier with a prefix word
    # ('attempt_1445_0020') is left to the prefixed-id rule, which keeps the prefix.
    r"(?<=['\"`])(?![A-Za-z]+_\d[\w-]*['\"`])(?:(?<=')(?=[^\s']*\d)[^\s']+(?=')"
    r"|(?<=\")(?=[^\s\"]*\d)[^\s\"]+(?=\")|(?<=`)(?=[^\s`]*\d)[^\s`]+(?=`))",
    # A quoted word given to a key (user='etl', passwd="x!"): a string literal, one value.
    # Not a text of several words (logfmt's msg="Skipping uid change"): the event itself.
    r"(?<==')[^'\s]+(?=')|(?<==\")[^\"\s]+(?=\")",
    # A quoted word right after a noun naming a kind of thing (user "postgres", database
    # 'sales', thread "main", column »Name«) or after "named"/"called": the thing's name, one
    # value; the noun and the quotes stay. Quoted words elsewhere are as often the event's
    # own words (a keyword, an error key, an option) and stay.
    r"((?<![\w-])(?:" + _QUOTED_AFTER + r")s?\s+(?:['\"`\u00bb]))"
    r"(?![A-Za-z]+_\d[\w-]*['\"`])"
    r"(?:(?<=')[^\s']+(?=')|(?<=\")[^\s\"]+(?=\")|(?<=`)[^\s`]+(?=`)|(?<=\u00bb)[^\s\u00ab]+(?=\u00ab))"
    # A thread's name is one value whatever its words (Exception in thread "DataStreamer
    # for file x block y").
    r"|((?<![\w-])thread\s+\")[^\"]+(?=\")",
    r"(?<![\w+.-])([a-zA-Z][\w+.-]*://)[^\s,;'\"()<>\[\]{}]+",  # URLs: http://, hdfs://, jdbc:x://
    # A message id before its text (SQL*Loader-500:, SP2-0306:, ORA-00942:) names the event:
    # kept as it is (the named group tells the replacement so).
    r"(?P<keep>(?<![\w*.-])[A-Z][A-Za-z0-9*]*-\d{3,5}(?=:))",
    r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b",  # UUIDs
    # user@host, with an rsync or scp path after it (etl@db7.example.com:/data/in/): one value.
    r"(?<![\w.@/$-])[A-Za-z_][\w.+-]*@[A-Za-z0-9][\w-]*(?:\.[\w-]+)+(?::[^\s'\"]*)?",
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
    rf"\b(?=[JFMASONDTW])(?:(?:{_DAY})\w*,?\s+)?(?:{_MONTH})[a-zA-Z]*\.?\s+\d{{1,2}}\b(?:,?\s+\d{{4}}\b)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?(?:\s+\d{4}\b)?",
    rf"\b(?=[\dMTWFS])(?:(?:{_DAY})\w*,?\s+)?\d{{1,2}}[\s/-](?:{_MONTH})[a-zA-Z]*[\s/-]\d{{2,4}}\b",
    # Times, also right after a terminal colour code or what is left of one ("[0m07:01:04").
    r"(?=\d)(?:\b|(?<=\dm))\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\b",
    # Host names: dotted names ending in a common top-level domain (or one under a country
    # code: ac.uk, edu.pl), or of three or more lower-case labels, one with a digit, ending
    # in a country code (dsl-81-2.easynet.nl). Java packages (sun.nio.ch) have no digit.
    r"(?<![\w.-])[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|edu|gov|mil|ac|co|io|info|biz|local|localdomain"
    r"|lan|corp|internal|intra)(?:\.[a-z]{2})?(?![\w-]|\.\w)",
    r"(?<![\w.-])(?=[a-z0-9.-]*\d)[a-z0-9-]+(?:\.[a-z0-9-]+){1,}\.[a-z]{2}(?![\w-]|\.\w)",
    # host:port (db7:5432, msra-sa-41:9000): the host has a digit, dot or dash, so counters
    # written key:value (PendingReds:0) keep their key. Not a source file and its line
    # (RDD.scala:288, loader.js:688, ZDBA.pm:74): a stack frame keeps its file, so frames of
    # different code stay different events (the line number is masked as a number).
    r"(?<![\w.:/-])(?=[\w.-]*[\d.-])[A-Za-z][\w.-]*:" + _NOT_SOURCE_FILE + r"\d{2,5}(?![\w:]|\.\w)",
    # Unix paths: <*>, slash and all. One component without a digit or a file extension
    # (/default-rack, not /post-backup.sh) is a name.
    # A directory name may hold one space when a further "/" follows (/Users/J Doe/x). An
    # IPv4 address after a slash (/10.0.0.1:9000, Java's socket address) is left to the
    # address rule, which keeps the slash.
    r"(?<![\w/<])(?:~?/|\.{1,2}/|/)(?!(?:\d{1,3}\.){3}\d{1,3}(?![\w.]))"
    r"(?=[\w.@%+~-]*(?:\d|/[\w.@%+~-])|[\w@%+~-]+\.[A-Za-z][A-Za-z0-9]{0,5}(?![\w.]))"
    r"(?:[\w.@%+~-]+(?: [\w.@%+~-]+)?/)*[\w.@%+~-]*",
    # Relative paths to a file (models/customers.sql, src/pyrfc/_pyrfc.pyx) or to a folder,
    # written with its closing slash (logfiles/trim_reports/): one value. Words joined by a
    # slash without a file or a closing slash (TCP/IP, and/or, files/attrs) stay.
    r"(?<![\w/.<:@~%+-])(?:[\w.@%+~-]+/)+(?:[\w@%+~-]+\.[A-Za-z][A-Za-z0-9]{0,5})?(?![\w/.])",
    # Windows paths, a folder name with one space (C:\Program Files\App\x.dll), also written
    # with forward slashes (D:/depot/src/x.cpp).
    r"\b[A-Za-z]:\\(?:[^\\\s,;'\"]+(?: [^\\\s,;'\"]+)?\\)*[^\\\s,;'\"]*"
    r"|(?<![\w/])[A-Za-z]:/(?=[\w.@%+~-])[\w.@%+~/-]*",
    # Relative Windows paths to a file (src\pyrfc\_cyrfc.pyx, also with doubled
    # backslashes as a repr prints them): one value, as with forward slashes.
    r"(?<![\w\\.:<@~%+-])(?:[\w.@%+~-]+\\{1,2})+[\w@%+~-]+\.[A-Za-z][A-Za-z0-9]{0,5}(?![\w\\.])",
    # Rules name digits only through \d (never a literal digit): masking then gives the
    # same spans on a message and on its digit-normalised shape (see mask_variables).
    r"\b\d[xX][0-9a-fA-F]+\b",  # 0x addresses
    # Generated names of lower-case words and numbers joined by dashes, three parts or more,
    # one with a digit: Kubernetes pods (app-6857d79bd6-tqg4p), hosts, releases (sape-qa-5).
    r"(?<![\w.-])(?=[a-z0-9-]*\d)[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}(?![\w.-])",
    # Dotted names in quotes ('SCHEMA.TABLE', "model.shop.orders"), and each quoted part of
    # "SCHEMA"."TABLE"."COLUMN": names of database objects, models, packages. Not a class
    # quoted as code prints one (<class 'curator.exceptions.FailedExecution'>, type
    # 'System.OutOfMemoryException'): the type of an error is the event, not a value.
    r"(?<=['\"`])(?<!<class ')(?![\w$#.]*(?:Exception|Error)['\"`])"
    r"(?:(?<=\"\.\")[A-Za-z_][\w$#]*(?=\")"
    r"|[A-Za-z_][\w$#]*(?:(?:\.[A-Za-z_][\w$#]*)+(?=['\"`])|(?=\"\.\")))",
    # Dotted names of three or more qualifiers in capitals (SYSGEN.ISPF.CLIB, SYS1.PARMLIB.X):
    # z/OS data set names and unquoted database objects, names of things, not words of text.
    r"(?<![\w.$#@-])[A-Z$#@][A-Z0-9$#@-]{0,7}(?:\.[A-Z$#@][A-Z0-9$#@-]{0,7}){2,}(?![\w.])",
    # Job ids as JES and schedulers number them (JOB00345, TSU50530, STC01234, J0012345):
    # three capitals and five to seven digits, or one capital and seven. A name of capitals
    # keeps fewer digits (RECV370, JES2, SYSUT1, ED25519), and a message id ends in a letter
    # (IEF142I).
    # (Each of these rules starts with a class of characters, before its look-behind: the
    # regular expression engine then skips the rule at once wherever that class fails.)
    r"[A-Z](?<![\w$#@.-][A-Z])(?:[A-Z]{2}\d{5,7}|\d{7})(?![\w$#@.-])",
    # The names a z/OS message gives before " - " (IEF125I KERCH01 - LOGGED ON, IEF142I
    # PAYROLL STEP1 - STEP WAS EXECUTED): job, step and user names, one value; the message
    # id (letters, three or four digits, a severity letter) is the event and stays.
    r"((?<![\w$#@])[A-Z]{3,5}\d{3,4}[A-Z]\s+)"
    r"[A-Z$#@][A-Z0-9$#@]{0,7}(?:\s+[A-Z$#@][A-Z0-9$#@]{0,7}){0,2}(?=\s+-\s)",
    # JES2 names the job first in its messages ($HASP373 KERCH01 STARTED, $HASP395 PAYROLL
    # ENDED): the word after a "$" message id is the job's name.
    r"((?<![\w$#@])\$[A-Z]{3,4}\d{3}\s+)[A-Z$#@][A-Z0-9$#@]{0,7}(?![\w$#@])",
    # A user id named by its key word in capitals (USERID OMVSADM IS ASSIGNED): one value.
    r"[A-Z$#@](?<=(?<![\w$#@])USERID\s[A-Z$#@])[A-Z0-9$#@]{0,7}(?![\w$#@])",
    # Completion codes of an abend: system (S806, SE37, S0C4) and user (U0040). They say
    # how a run ended, not which event this is; the words around them name the event.
    r"[SU](?<![\w$#@][SU])(?:(?<=S)(?=[0-9A-F]{0,2}\d)[0-9A-F]{3}|(?<=U)\d{4})(?![\w$#@])",
    # ASA carriage control before a printed value ("-    3 CARDS READ" beside "0    3 CARDS
    # READ"): a lone "-" or "+" that starts the line, then two spaces or more and a digit.
    r"^[-+](?=\s{2,}\d)",
    # Identifiers with a digit and an underscore keep their leading words: blk_<*> for
    # blk_-1608, attempt_<*> for attempt_1445_0020_m_000002_0, DFSClient_NONMAPREDUCE_<*>.
    r"(?<![\w.-])((?:[A-Za-z][A-Za-z]*_)+)(?=[\w-]*\d)[\w-]+",
    r"(?<![\w.-])(?=[\w-]*_)(?=[\w-]*\d)[A-Za-z][\w-]*",
    # Bracketed ids ([a1b2c3], [Thread-5], [0:1]): one bracketed word with a digit.
    # A key=value in brackets keeps its key ([generator=3.1.3] -> [generator=<*>]).
    # A quoted word in brackets (["http-nio-8080"]) keeps its quotes, as a quoted value does.
    r"(?<=\[)(?=[^\]\s]*\d)[^\]\s\[,;()='\"]+(?=\])",
    # Bare hex of 8+ digits with at least one digit (ids, addresses, hashes), with its sign
    # when it is an offset (+0000000000D2AC92, -E62DD9A0). Not a message id of capitals,
    # digits and a severity letter that happens to be hex (CEE3250C, like IEF125I).
    r"(?:(?<![\w.+-])[-+])?\b(?![A-F]{3}\d+[A-F]\b)(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b",
    # The value of a key=value pair when it holds a digit (Code=0C4, userid=app/x@db12,
    # adapter=1.7.4): one value, whatever its shape; the key stays.
    r"(?<==)(?=[^\s,;()\[\]{}'\"=<>]*\d)[^\s,;()\[\]{}'\"=<>]+",
    # Durations of several units, as Go and Kubernetes write them (8m23s, 1h2m3.5s): one value.
    # So is an age in minutes, hours or days (kubectl's 43m, 16h, 5d): its unit changes as
    # it grows, so the unit is part of the value.
    r"(?<![\w.])(?=\d)(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|ns)){2,}(?![\w.])"
    r"|(?<![\w.])\d+[mhd](?!\w|\.\w)",
    # A version glued to its "v" (v1.0.0, V00.06): the "v" says what the number is and
    # stays, the number is one value (Loghub writes v<*>.<*>.<*>).
    r"(?<![\w.-])([vV])\d+(?:\.\d+)+(?![\w.])",
    # Memory sizes, glued or spaced (64KB, 1.5 GB, 317.5 KB, 16.0 B): one value.
    r"(?<![\w.])[-+]?\d+(?:[.,]\d+)*\s?(?:[KMGTPE]i?B|B|[KMGTP])\b",
    # Numbers, signed, with decimals (12, -3, 4.5); a unit glued on stays (40000ms -> <*>ms,
    # 47C -> <*>C). Not the digits of an error code such as ORA-01653, which names the error.
    # Nor a generic type's arity after a backtick (.NET's Action`1, Dictionary`2): code.
    r"(?<![\w.`])(?<![A-Z]-)[-+]?\d+(?:[.,]\d+)*(?=[a-zA-Z%]{0,3}(?!\w))",
    # Digits that end a word (eth0, node17, core.3111, Thread-5, "instruction......0"): the
    # word names the kind of thing, the digits which one. Not after a capital and a dash,
    # where they name an error (ORA-01653), nor after a single letter (a table T1), nor in
    # a key (PSR0=...), nor in a word of capitals (JES2, SYSUT1, RECV370, DB2): such a word
    # is a name of a program, a product or a DD as a whole; if it varies, the tree finds so.
    # Nor before "(" or "$": the name of a function or class (readI32(), HttpServer2$Conn).
    r"(?:(?<=[a-z][A-Za-z])|(?<=[A-Za-z][a-z])|(?<=[a-z]-|[A-Za-z.][._]))\d+(?![\w=$(]|:\d)",
)
# One name per alternative, in order: bench/patterns.py switches masks off by name to check,
# leaving one log source out at a time, that each one helps on sources it was not made on.
MASK_NAMES = (
    "quoted_value",
    "quoted_assignment",
    "named_quote",
    "url",
    "message_id",
    "uuid",
    "user_at_host",
    "object_ref",
    "ipv4",
    "ipv6",
    "mac",
    "iso_date",
    "month_date",
    "day_month_year",
    "time",
    "host_tld",
    "host_country",
    "host_port",
    "unix_path",
    "relative_path",
    "windows_path",
    "relative_windows_path",
    "hex_0x",
    "dashed_name",
    "quoted_name",
    "dataset_name",
    "job_id",
    "message_names",
    "jes_job_name",
    "userid",
    "abend_code",
    "carriage_control",
    "prefixed_id",
    "underscored_id",
    "bracketed_id",
    "bare_hex",
    "key_value",
    "duration",
    "version",
    "memory_size",
    "number",
    "word_digits",
)
# Not a mask of one shape: the step that makes a run of masked values one variable.
RUNS = "runs"
assert len(MASK_NAMES) == len(_ALTERNATIVES)
# Masks that match only where one of these characters occurs. A message without any of them
# (most lines) is masked by a pattern that leaves them out, so they cost it nothing: every
# further alternative is tried at every position of a line.
_NEEDS = {
    "message_id": "-",
    "dashed_name": "-",
    "relative_path": "/",
    "quoted_name": "'\"`",
    "key_value": "=",
    "quoted_value": "'\"`",
    "named_quote": "'\"`\u00bb",
    "quoted_assignment": "=",
    "user_at_host": "@",
    "relative_windows_path": "\\",
    "object_ref": "@",
    "message_names": "-",
    "jes_job_name": "$",
    "carriage_control": "-+",
}
_GATES = tuple(sorted(set(_NEEDS.values())))
# Masks switched off by masks_switched_off (none in the product).
_OFF: frozenset[str] = frozenset()


@lru_cache(maxsize=64)
def _pattern(present: tuple[bool, ...], off: frozenset[str]) -> re.Pattern[str]:
    """The masks for a message holding the characters of the gates flagged in ``present``."""
    has = {gate for gate, flag in zip(_GATES, present, strict=True) if flag}
    kept = [
        alternative
        for name, alternative in zip(MASK_NAMES, _ALTERNATIVES, strict=True)
        if name not in off and (name not in _NEEDS or _NEEDS[name] in has)
    ]
    return re.compile("|".join(kept) if kept else r"(?!)")


def _variable_pattern(text: str) -> re.Pattern[str]:
    present = tuple(any(c in text for c in gate) for gate in _GATES)
    return _pattern(present, _OFF)


def _replace(match: re.Match[str]) -> str:
    if match.lastgroup == "keep":
        return match.group()
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
    masked = _variable_pattern(text).sub(_replace, text)
    if masked.count(WILDCARD) > 1:
        masked = _REPEATED.sub(WILDCARD, masked)
        if masked.count(WILDCARD) > 1:
            masked = _REPEATED_PREFIXED.sub(r"\1", masked)
    return masked


@lru_cache(maxsize=1 << 16)
def _mask_shape(shape: str) -> str | None:
    masked = _mask(shape)
    return None if "0" in masked else masked


@contextmanager
def masks_switched_off(names: Collection[str]) -> Iterator[None]:
    """Mask without the named masks (``MASK_NAMES``, or ``RUNS``) inside the block.

    For measuring what each mask is worth (bench/patterns.py); not thread-safe, and the
    memo of masked shapes is cleared on entry and exit.
    """
    global _OFF, _REPEATED, _REPEATED_PREFIXED
    unknown = set(names) - {*MASK_NAMES, RUNS}
    if unknown:
        raise ValueError(f"unknown masks: {sorted(unknown)}")
    saved = (_OFF, _REPEATED, _REPEATED_PREFIXED)
    _OFF = frozenset(names) - {RUNS}
    if RUNS in names:
        # Patterns that never match, with the group the prefixed rule's replacement names.
        _REPEATED = re.compile(r"(?!)")
        _REPEATED_PREFIXED = re.compile(r"(?!)()")
    _mask_shape.cache_clear()
    try:
        yield
    finally:
        _OFF, _REPEATED, _REPEATED_PREFIXED = saved
        _mask_shape.cache_clear()
