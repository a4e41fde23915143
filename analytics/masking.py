"""Mask secrets in joblog text before it is stored or leaves for an LLM.

Only the secret part is replaced (by ``***``); keys, user names, hosts and paths stay, so the
analysis of a masked joblog finds the same root cause, line and entities.
"""

from __future__ import annotations

import re

MASK = "***"

_PRIVATE_KEY = re.compile(
    r"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)(.*?)"
    r"(-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)
_URL_CREDENTIALS = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@'\"]*):([^\s@/'\"]+)@")
_ORACLE_CONNECT = re.compile(r"(?<![\w/.:~$-])([A-Za-z][\w$#]*)/([^\s@/'\"]+)@(?=[\w(])")
_SQLPLUS_LOGON = re.compile(
    r"\b((?:sqlplus|sqlldr|exp|imp|expdp|impdp|rman|conn(?:ect)?)\b(?:\s+-\w+)*\s+"
    r"(?:userid=)?[A-Za-z][\w$#]*)/([^\s@/'\"]+)",
    re.IGNORECASE,
)
_KEY_VALUE = re.compile(
    # Long words may be glued to a prefix (PGPASSWORD, ORAPASSWD); short ones need a separator.
    r"(?i)(\b(?:[\w.-]*(?:password|passwd|passphrase)|(?:[\w.-]*[_.-])?(?:pwd|pass|secret|client[_-]?secret|"
    r"api[_-]?key|apikey|access[_-]?key|secret[_-]?access[_-]?key|secret[_-]?key|token|"
    r"auth[_-]?token|access[_-]?token|refresh[_-]?token|private[_-]?key|credentials?|"
    r"sas[_-]?token|signature))\b[\"']?\s*(?:=|:|=>)\s*)"
    r"(?!(?:YES|NO|true|false|null|none|\*+)\b)(\"[^\"]*\"|'[^']*'|[^\s\"'&;,)}\]]+)"
)
_UPPER_PASSWORD = re.compile(r"\b(PASSWORD|PASSWD|PWD|PASS|IDENTIFIED BY)(\s+)(\"[^\"]*\"|\S+)")
_CLI_PASSWORD = re.compile(
    r"(?<!\S)(--?(?:password|passwd|pass|pwd|token|api-key|secret)(?:=|\s+))(\"[^\"]*\"|'[^']*'|"
    r"\S+)"
    r"|(?<!\S)(-p)(\"[^\"]*\"|'[^']*'|(?=[^\s\d-])\S+)",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(r"\b(Bearer|Basic|Token|Digest)(\s+)([A-Za-z0-9._~+/=-]{8,})")
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


def mask_secrets(text: str) -> str:
    """Return ``text`` with passwords, tokens, keys and credentials replaced by ``***``.

    Masks: ``password=...``/``pwd: ...``/``PASSWORD x``/``IDENTIFIED BY x``, ``-p'...'`` and
    ``--password x``, ``Bearer``/``Basic`` credentials, JWTs, AWS/GitHub/Slack/Google/Stripe keys,
    private key blocks, ``user:pass@host`` in URLs, JDBC ``password=``, Oracle ``user/pass@tns``.
    Everything else is kept as is. Idempotent: masking twice changes nothing more.
    """
    if not text:
        return text
    text = _PRIVATE_KEY.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    text = _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}:{MASK}@", text)
    text = _ORACLE_CONNECT.sub(lambda m: f"{m.group(1)}/{MASK}@", text)
    text = _SQLPLUS_LOGON.sub(lambda m: f"{m.group(1)}/{MASK}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    text = _TOKENS.sub(MASK, text)
    text = _KEY_VALUE.sub(lambda m: f"{m.group(1)}{_mask_quoted(m.group(2))}", text)
    text = _UPPER_PASSWORD.sub(
        lambda m: f"{m.group(1)}{m.group(2)}{_mask_quoted(m.group(3))}", text
    )
    return _CLI_PASSWORD.sub(_mask_cli, text)


def _mask_cli(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return f"{match.group(1)}{_mask_quoted(match.group(2))}"
    return f"{match.group(3)}{_mask_quoted(match.group(4))}"


def mask_secrets_bytes(data: bytes) -> bytes:
    """:func:`mask_secrets` for raw bytes; bytes that are not UTF-8 pass through unchanged."""
    return mask_secrets(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
