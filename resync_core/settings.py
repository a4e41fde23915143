"""One settings object for the whole project.

Values come from (highest priority first): explicit overrides (CLI flags), environment
variables prefixed ``RESYNC_``, a ``.env`` file in the working directory, then defaults.
Secrets are ``SecretStr`` so they never show in a repr, a log line or an error message.
"""

from __future__ import annotations

import re
import ssl
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "RESYNC_"

# What each setting expects, in words an operator can act on (used in error messages).
EXPECTED_FORMS: dict[str, str] = {
    "database_url": "a PostgreSQL URL such as postgresql://user:password@host:5432/dbname "
    "(leave unset to use the embedded server)",
    "data_dir": "a writable directory path",
    "tws_url": "the TWS engine base URL such as https://mdm.example.com:31116 "
    "(leave unset to use the built-in simulator)",
    "tws_username": "a TWS user name for basic auth",
    "tws_password": "the TWS user's password",
    "tws_api_key": "a DWC API key (JWT) sent as a bearer token",
    "tws_ca_bundle": "the path of an existing PEM file with the CA certificates to trust",
    "tws_plan_id": "a plan id, usually 'current'",
    "tws_timeout_seconds": "a positive number of seconds",
    "tws_max_concurrency": "a whole number between 1 and 256",
    "poll_interval_seconds": "a positive number of seconds",
    "joblog_max_bytes": "a positive number of bytes",
    "mask_stored_joblogs": "true or false",
    "joblog_knowledge_file": "the path of an existing TOML file of extra message families "
    "(see docs/operations.md)",
    "good_joblogs_per_cycle": "a whole number of joblogs, 0 or more (0 turns sampling off)",
    "good_joblog_max_bytes": "a positive number of bytes",
    "joblog_profile_max_age_hours": "a positive number of hours",
    "joblog_profile_max_templates": "a positive whole number",
    "llm_model": "a litellm model string such as openai/gpt-4o-mini (empty turns the LLM off)",
    "llm_api_base": "an http(s) URL of the model endpoint",
    "llm_api_key": "the model provider's API key",
    "llm_timeout_seconds": "a positive number of seconds",
    "schedule_timezone": "an IANA time zone name such as Europe/Berlin",
    "log_level": "one of DEBUG, INFO, WARNING, ERROR",
}


class SettingsError(ValueError):
    """A setting has a value we cannot use. The message names it and the expected form."""


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("resync-flows", appauthor=False))


def mask_url_password(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` (safe to log)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


class Settings(BaseSettings):
    """Everything configurable, with the defaults a new user gets."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
        frozen=True,
    )

    # PostgreSQL: unset means the embedded server in data_dir.
    database_url: SecretStr | None = None
    data_dir: Path = Field(default_factory=_default_data_dir)

    # TWS REST API v2: unset URL means the built-in simulator.
    tws_url: str | None = None
    tws_username: str | None = None
    tws_password: SecretStr | None = None
    tws_api_key: SecretStr | None = None
    tws_ca_bundle: Path | None = None
    tws_plan_id: str = "current"
    tws_timeout_seconds: float = Field(default=30.0, gt=0)
    tws_max_concurrency: int = Field(default=8, ge=1, le=256)

    poll_interval_seconds: float = Field(default=30.0, gt=0)
    joblog_max_bytes: int = Field(default=8 * 1024 * 1024, gt=0)
    mask_stored_joblogs: bool = True
    # A site's message families, merged over the shipped knowledge base (unset: none).
    joblog_knowledge_file: Path | None = None
    # Good-run profiles: each cycle reads at most this many successful runs' joblogs (each
    # capped), only of jobs whose profile is missing or older than the maximum age.
    good_joblogs_per_cycle: int = Field(default=5, ge=0)
    good_joblog_max_bytes: int = Field(default=256 * 1024, gt=0)
    joblog_profile_max_age_hours: float = Field(default=7 * 24.0, gt=0)
    joblog_profile_max_templates: int = Field(default=2000, ge=1)

    # LLM enrichment: empty model means off (deterministic analysis only).
    llm_model: str = ""
    llm_api_base: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=30.0, gt=0)

    schedule_timezone: str = "UTC"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        if urlsplit(raw).scheme not in ("postgresql", "postgres"):
            raise ValueError("not a postgresql:// URL")
        return SecretStr(raw)

    @field_validator("tws_url", "llm_api_base")
    @classmethod
    def _check_http_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) URL")
        return value.strip().rstrip("/")

    @field_validator("tws_password", "tws_api_key", "llm_api_key")
    @classmethod
    def _empty_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty RESYNC_TWS_PASSWORD= line in a .env means "not configured", not "".
        if value is None or not value.get_secret_value().strip():
            return None
        return value

    @field_validator("joblog_knowledge_file", mode="before")
    @classmethod
    def _check_knowledge_file(cls, value: object) -> object:
        if value is None or not str(value).strip():
            return None
        if not Path(str(value)).is_file():
            raise ValueError(f"file {value} does not exist")
        return value

    @field_validator("tws_ca_bundle")
    @classmethod
    def _check_ca_bundle(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.is_file():
            raise ValueError(f"file {value} does not exist")
        try:
            pem = value.read_bytes()
        except OSError as exc:
            raise ValueError(f"file {value} cannot be read: {exc.strerror}") from None
        # A DER file, a key or a typo'd path to some other file would only fail at the first
        # TLS handshake (or not at all with an empty bundle); say so now.
        if b"-----BEGIN CERTIFICATE-----" not in pem:
            raise ValueError(f"file {value} holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        try:
            ssl.create_default_context(cafile=str(value))
        except (ssl.SSLError, ValueError) as exc:
            raise ValueError(f"file {value} is not a valid PEM CA bundle ({exc})") from None
        return value

    @field_validator("schedule_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _check_tws_auth(self) -> Settings:
        if self.tws_password is not None and not self.tws_username:
            raise ValueError("RESYNC_TWS_PASSWORD is set but RESYNC_TWS_USERNAME is not")
        if self.tws_username and self.tws_password is None and self.tws_api_key is None:
            raise ValueError(
                "RESYNC_TWS_USERNAME is set but RESYNC_TWS_PASSWORD is empty or unset "
                "(set the password, or use RESYNC_TWS_API_KEY instead)"
            )
        return self

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_model.strip())

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def uses_tws_simulator(self) -> bool:
        return self.tws_url is None


_SECRET_SETTINGS = frozenset({"tws_password", "tws_api_key", "llm_api_key", "database_url"})
# Everything up to the last "@" of a value: the user:password part of any URL, even a
# malformed one (no scheme, "@" or "/" in the password) that urlsplit would misread.
_USERINFO = re.compile(r"^((?:[A-Za-z][\w+.-]*:)?/*).*@", re.DOTALL)


def redact_credentials(value: str) -> str:
    """``value`` with any ``user:password@`` part replaced by ``***@`` (safe to show)."""
    return _USERINFO.sub(lambda m: f"{m.group(1)}***@", value.strip())


def _explain(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        reason = item["msg"].removeprefix("Value error, ")
        if not item["loc"]:  # a rule across settings: its message names them
            lines.append(reason)
            continue
        name = str(item["loc"][0])
        env_name = f"{ENV_PREFIX}{name.upper()}"
        expected = EXPECTED_FORMS.get(name, "a valid value")
        given = item.get("input")
        # Never echo a secret back, nor the credentials in a URL; other values help the
        # operator spot the typo.
        if name in _SECRET_SETTINGS or isinstance(given, dict):
            shown = ""
        elif isinstance(given, str):
            shown = f", got {redact_credentials(given)!r}"
        else:
            shown = f", got {given!r}"
        lines.append(f"{env_name}: expected {expected}{shown} ({reason})")
    return "invalid configuration:\n  " + "\n  ".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; ``overrides`` (e.g. CLI flags) win over the environment.

    Raises ``SettingsError`` naming each bad setting and the form it expects.
    """
    clean = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**clean)
    except ValidationError as exc:
        raise SettingsError(_explain(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings from the environment (cached; call once at start)."""
    return load_settings()
