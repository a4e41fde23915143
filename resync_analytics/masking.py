"""Mask secrets in joblog text before it is stored or leaves for an LLM.

Only the secret part is replaced (by ``***``); keys, user names, hosts, paths and the command
stay, so the analysis of a masked joblog finds the same root cause, line and entities.

Masking works line by line (a private key block is the one secret that spans lines). One
Aho-Corasick pass finds the lines holding a lower-case trigger word; only those lines get the
rules, and each rule only when its own words are there. No rule nests repetitions, so the
cost stays linear in the text (it runs on every stored joblog, 8 MB by default).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import ahocorasick

MASK = "***"

_PRIVATE_KEY = re.compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)(.*?)"
    r"(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
# scheme://user:password@host. The password runs to the last "@" of the URL: operators do put
# "@" and "/" in passwords; a "host:port/" is not a password.
_URL_CREDENTIALS = re.compile(
    r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\"]*):(?!\d+(?:[/?#'\"]|\s|$))([^\s'\"]+)@"
)
_ORACLE_CONNECT = re.compile(r"(?<![\w/.:~$-])([A-Za-z][\w$#]*)/([^\s@/'\"]+)@(?=[\w(/])")
# jdbc:oracle:thin:user/password@host:1521:SID (the general rule above stops at the ":").
_JDBC_ORACLE = re.compile(r"(?i)(\bjdbc:oracle:\w+:[A-Za-z][\w$#]*)/([^\s@'\"]+)@")
_SQLPLUS_LOGON = re.compile(
    r"\b((?:sqlplus|sqlldr|exp|imp|expdp|impdp|rman|conn(?:ect)?)\b(?:\s+-\w+)*\s+"
    r"(?:userid=)?[A-Za-z][\w$#]*)/([^\s@/'\"]+)",
    re.IGNORECASE,
)
_VALUE = r"(\"[^\"]*\"|'[^']*'|[^\s\"'&;,)}\]]+)"
_KEY_VALUE = re.compile(
    # Long words may be glued to a prefix (PGPASSWORD, ORAPASSWD, SSHPASS); short ones must
    # start a word or follow a separator (db.pwd, X-API-Key).
    r"(?i)((?:password|passwd|passphrase|sshpass|(?<![^\W_])(?:pwd|pass|secret|"
    r"client[_-]?secret|api[_-]?key|apikey|access[_-]?key|secret[_-]?access[_-]?key|"
    r"secret[_-]?key|token|auth[_-]?token|access[_-]?token|refresh[_-]?token|private[_-]?key|"
    r"credentials?|sas[_-]?token|signature))\b[\"']?\s*(?:=|:|=>)\s*)"
    r"(?!(?:YES|NO|true|false|null|none)\b)(?!\*\*\*)" + _VALUE
)
_UPPER_PASSWORD = re.compile(r"\b(PASSWORD|PASSWD|PWD|PASS|IDENTIFIED BY)(\s+)(\"[^\"]*\"|\S+)")
_NETRC = re.compile(r"(?i)(\blogin\s+\S+\s+password\s+)(\S+)")
_CLI_PASSWORD = re.compile(
    # --password x, --ftp-password=x, -storepass x, --pass x; not --password-stdin.
    r"(?<!\S)(--?[\w-]*(?:password|passwd|pass|pwd|passphrase|token|api-key|apikey|secret)"
    r"(?:=|\s+))(?!-)(\"[^\"]*\"|'[^']*'|\S+)"
    # -p'secret' / -psecret (mysql, sshpass); -p 22 is a port.
    r"|(?<!\S)(-p)(\"[^\"]*\"|'[^']*'|(?=[^\s\d-])\S+)",
    re.IGNORECASE,
)
# Options that take a password only for some commands (-p is a port for ssh, a flag for mkdir).
_SPACED_OPTION = r"(?<!\S)({flag})(\s+)(?![-<>|&;])(\"[^\"]*\"|'[^']*'|\S+)"
_COMMAND_OPTIONS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(command), re.compile(_SPACED_OPTION.format(flag=flag)))
    for command, flag in (
        (r"\bsshpass\b", "-p"),
        (r"(?i)\b(?:docker|podman|buildah|skopeo|nerdctl|registry|oc|cf)\s+login\b", "-p"),
        (r"(?i)\b(?:mysql(?:dump|admin|import|check|sh)?|mariadb(?:-dump)?)\b", "-p"),
        (r"(?i)\baz\s+login\b", "-p"),
        (r"(?i)\bncftp\w*", "-p"),
        (r"(?i)\bredis-cli\b", "-a"),
        (r"(?i)\bldap(?:search|modify|add|delete|passwd|whoami|compare|modrdn)\b", "-w"),
        (r"(?i)\b(?:sqlcmd|bcp|osql|isql)\b", "-P"),
        (r"(?i)\b(?:zip|unzip)\b", "-P"),
    )
)
# user:password (curl -u/--user), DOMAIN\user%password (smbclient -U), user,password (lftp -u).
_USER_COMMAND = re.compile(
    r"(?i)\b(?:curl|lftp|smbclient|smbget|smbcacls|smbtar|rpcclient|net\s+(?:rpc|ads))\b"
)
_USER_OPTION = re.compile(
    r"(?<!\S)(-[A-Za-z]*[uU]|--user|--proxy-user)(=|\s+)('[^']*'|\"[^\"]*\"|[^\s'\"]+)"
)
_NET_USE = re.compile(r"(?i)\bnet\s+use\b")
_NET_USE_SHARE_PASSWORD = re.compile(r"(\\\\[^\s\"]+|\"\\\\[^\"]*\")(\s+)(\"[^\"]*\"|[^\s/\"*]\S*)")
_NET_USE_USER_PASSWORD = re.compile(r"(?i)(/u(?:ser)?:\S+)(\s+)(\"[^\"]*\"|[^\s/\"*]\S*)")
_SECURE_STRING = re.compile(
    r"(?i)(ConvertTo-SecureString\s+(?:-String\s+)?)('[^']*'|\"[^\"]*\"|[^\s$(\-]\S*)"
)
_AWS_CONFIGURE = re.compile(
    r"(?i)(\baws\s+configure\s+set\s+(?:[\w-]+\.)?(?:aws_secret_access_key|aws_session_token)"
    r"\s+)(\S+)"
)
_AUTH_HEADER = re.compile(r"\b(Bearer|Basic|Token|Digest)(\s+)([A-Za-z0-9._~+/=-]{8,})")
_SLACK_WEBHOOK = re.compile(r"(hooks\.slack\.com/services/[A-Za-z0-9]+/[A-Za-z0-9]+/)(\w+)")
_TOKENS = re.compile(
    r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}"  # JWT
    r"|\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b"  # AWS access key ids
    r"|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_\w{20,}"  # GitHub
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|\bAIza[0-9A-Za-z_-]{35}\b"  # Google API keys
    r"|\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b"  # Stripe
    r"|\bsk-[A-Za-z0-9_-]{20,}\b"  # OpenAI-style keys
    r"|\bglpat-[\w-]{20,}"  # GitLab
)


def _mask_quoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return f"{value[0]}{MASK}{value[0]}"
    return MASK


def _keep_then_mask(match: re.Match[str]) -> str:
    """Keep every group but the last, mask the last (quotes kept)."""
    *kept, secret = match.groups()
    return "".join(kept) + _mask_quoted(secret)


def _mask_user_value(separators: str) -> Callable[[re.Match[str]], str]:
    def mask(match: re.Match[str]) -> str:
        value = match.group(3)
        quote = value[0] if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"" else ""
        inner = value[1:-1] if quote else value
        cuts = [inner.find(c) for c in separators if c in inner]
        if "://" in inner or not cuts:
            return match.group(0)
        cut = min(cuts) + 1
        if cut == len(inner) or inner[cut:] == MASK:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{quote}{inner[:cut]}{MASK}{quote}"

    return mask


_USER_PASSWORD = _mask_user_value(":%")
_LFTP_USER_PASSWORD = _mask_user_value(":%,")


def _mask_cli(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return f"{match.group(1)}{_mask_quoted(match.group(2))}"
    return f"{match.group(3)}{_mask_quoted(match.group(4))}"


def _after(
    command: re.Pattern[str],
    rule: re.Pattern[str],
    repl: Callable[[re.Match[str]], str],
    line: str,
) -> str:
    """Apply ``rule`` to what follows ``command`` in ``line`` (untouched when it is absent)."""
    found = command.search(line)
    if found is None:
        return line
    return line[: found.end()] + rule.sub(repl, line[found.end() :])


# The lower-case words each rule needs in its line: a rule
# runs only on lines holding one of its words, a line holding none is left alone.
_URL_WORDS = frozenset({"://"})
_ORACLE_WORDS = frozenset({"@"})
_SQLPLUS_WORDS = frozenset({"sqlplus", "sqlldr", "exp", "imp", "rman", "conn"})
_AUTH_WORDS = frozenset({"bearer", "basic", "token", "digest"})
_TOKEN_WORDS = frozenset({
    "eyj", "akia", "asia", "agpa", "aida", "aroa", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
    "github_pat_", "xox", "aiza", "sk_", "rk_", "sk-", "glpat-", "hooks.slack.com",
})  # fmt: skip
_KEY_WORDS = frozenset({"pass", "pwd", "secret", "key", "token", "credential", "signature"})
_UPPER_WORDS = frozenset({"pass", "pwd", "identified"})
_COMMAND_WORDS: tuple[frozenset[str], ...] = (
    frozenset({"sshpass"}),
    frozenset({"login"}),
    frozenset({"mysql", "mariadb"}),
    frozenset({"login"}),
    frozenset({"ncftp"}),
    frozenset({"redis-cli"}),
    frozenset({"ldap"}),
    frozenset({"sqlcmd", "bcp", "osql", "isql"}),
    frozenset({"zip"}),
)
_USER_WORDS = frozenset({"curl", "lftp", "smb", "rpcclient", "net "})
_CLI_WORDS = frozenset({"-p", "pass", "pwd", "token", "secret", "api-key", "apikey"})
_OTHER_WORDS = frozenset({"jdbc:", "login", "configure", "securestring"})
_TRIGGERS: tuple[str, ...] = tuple(
    sorted(
        _URL_WORDS
        | _ORACLE_WORDS
        | _SQLPLUS_WORDS
        | _AUTH_WORDS
        | _TOKEN_WORDS
        | _KEY_WORDS
        | _UPPER_WORDS
        | _USER_WORDS
        | _CLI_WORDS
        | _OTHER_WORDS
        | frozenset().union(*_COMMAND_WORDS)
    )
)


def _mask_line(line: str, words: set[str]) -> str:
    """Mask one line holding the trigger ``words``."""
    if "://" in words:
        line = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}:{MASK}@", line)
    if "@" in words and "/" in line:
        if "jdbc:" in words:
            line = _JDBC_ORACLE.sub(lambda m: f"{m.group(1)}/{MASK}@", line)
        line = _ORACLE_CONNECT.sub(lambda m: f"{m.group(1)}/{MASK}@", line)
    if "/" in line and not words.isdisjoint(_SQLPLUS_WORDS):
        line = _SQLPLUS_LOGON.sub(lambda m: f"{m.group(1)}/{MASK}", line)
    if not words.isdisjoint(_AUTH_WORDS):
        line = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", line)
    if not words.isdisjoint(_TOKEN_WORDS):
        line = _SLACK_WEBHOOK.sub(lambda m: f"{m.group(1)}{MASK}", line)
        line = _TOKENS.sub(MASK, line)
    if not words.isdisjoint(_KEY_WORDS):
        line = _KEY_VALUE.sub(_keep_then_mask, line)
    if not words.isdisjoint(_UPPER_WORDS):
        line = _UPPER_PASSWORD.sub(_keep_then_mask, line)
    if "pass" in words and "login" in words:
        line = _NETRC.sub(_keep_then_mask, line)
    if "configure" in words:
        line = _AWS_CONFIGURE.sub(_keep_then_mask, line)
    if "securestring" in words:
        line = _SECURE_STRING.sub(_keep_then_mask, line)
    if "-" in line:
        for needs, (command, option) in zip(_COMMAND_WORDS, _COMMAND_OPTIONS, strict=True):
            if not words.isdisjoint(needs):
                line = _after(command, option, _keep_then_mask, line)
        if not words.isdisjoint(_USER_WORDS):
            line = _after(_USER_COMMAND, _USER_OPTION, _user_password(words), line)
        if not words.isdisjoint(_CLI_WORDS):
            line = _CLI_PASSWORD.sub(_mask_cli, line)
    if "net " in words and "\\\\" in line:
        line = _after(_NET_USE, _NET_USE_SHARE_PASSWORD, _keep_then_mask, line)
        line = _after(_NET_USE, _NET_USE_USER_PASSWORD, _keep_then_mask, line)
    return line


def _user_password(words: set[str]) -> Callable[[re.Match[str]], str]:
    return _LFTP_USER_PASSWORD if "lftp" in words else _USER_PASSWORD


def _lower(text: str) -> str:
    """``text`` lower-cased with the same length (ASCII only when full lower-casing would
    change the length, as for "İ"), so positions found in it are positions in ``text``."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _build_triggers() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in _TRIGGERS:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


# One Aho-Corasick pass finds every trigger word, whatever their number (one str.find per word
# cost ~40 passes; a regex alternation of the words is slower still).
_TRIGGER_AUTOMATON = _build_triggers()


def _flagged_lines(text: str) -> list[tuple[int, int, set[str]]]:
    """(start, end, trigger words) of each line of ``text`` holding a trigger word, in order."""
    lower = _lower(text)
    lines: list[tuple[int, int, set[str]]] = []
    line_end = -1
    for last, word in _TRIGGER_AUTOMATON.iter(lower):
        if last < line_end:
            lines[-1][2].add(word)
            continue
        found = last - len(word) + 1
        start = lower.rfind("\n", 0, found) + 1
        line_end = lower.find("\n", last)
        if line_end == -1:
            line_end = len(lower)
        lines.append((start, line_end, {word}))
    return lines


def mask_secrets(text: str) -> str:
    """Return ``text`` with passwords, tokens, keys and credentials replaced by ``***``.

    Masks: ``password=...``/``pwd: ...``/``PWD=...;``/``PASSWORD x``/``IDENTIFIED BY x``,
    ``-p'...'``, ``--password x`` and the password options of sshpass, docker/podman login,
    mysql, redis-cli, ldapsearch, sqlcmd, az login; ``curl -u user:pw``, ``smbclient -U
    user%pw``, ``lftp -u user,pw``, ``net use \\\\host\\share pw``; ``Bearer``/``Basic``
    credentials, JWTs, AWS/GitHub/Slack/Google/Stripe/GitLab keys, Slack webhooks, private key
    blocks, ``user:pass@host`` in URLs (passwords with ``@`` or ``/`` too), Oracle
    ``user/pass@tns`` (also in ``jdbc:oracle:thin:``), ``.netrc`` lines. Everything else is
    kept as is. Idempotent: masking twice changes nothing more. Linear in ``len(text)``.
    """
    if not text:
        return text
    if "PRIVATE KEY" in text:
        text = _PRIVATE_KEY.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    pieces: list[str] = []
    done = 0
    for start, end, words in _flagged_lines(text):
        pieces.append(text[done:start])
        pieces.append(_mask_line(text[start:end], words))
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def mask_secrets_bytes(data: bytes) -> bytes:
    """:func:`mask_secrets` for raw bytes; bytes that are not UTF-8 pass through unchanged."""
    return mask_secrets(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
