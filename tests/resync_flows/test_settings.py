"""Settings: where values come from, and errors an operator can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from resync_flows.settings import SettingsError, load_settings, mask_url_password


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Neither the caller's RESYNC_* variables nor a .env in the working directory may leak in.
    for name in ("RESYNC_DATABASE_URL", "RESYNC_DATA_DIR", "RESYNC_TWS_MAX_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_no_database_url_means_the_embedded_server() -> None:
    assert load_settings().uses_embedded_database


def test_an_empty_database_url_means_the_embedded_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", "  ")

    assert load_settings().database_url is None


def test_the_database_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", "postgresql://u:pw@db.example.com/resync")

    settings = load_settings()

    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == "postgresql://u:pw@db.example.com/resync"
    assert "pw" not in repr(settings)


def test_an_override_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", "postgresql://env-host/resync")

    settings = load_settings(database_url="postgresql://flag-host/resync")

    assert settings.database_url is not None
    assert "flag-host" in settings.database_url.get_secret_value()


def test_a_none_override_keeps_the_environment_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", "postgresql://env-host/resync")

    settings = load_settings(database_url=None)

    assert settings.database_url is not None
    assert "env-host" in settings.database_url.get_secret_value()


def test_a_bad_database_url_names_the_variable_but_not_the_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", "mysql://root:hunter2@db/resync")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "RESYNC_DATABASE_URL" in message
    assert "postgresql://" in message  # the expected form
    assert "hunter2" not in message


def test_every_bad_setting_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESYNC_DATABASE_URL", "http://nope")
    monkeypatch.setenv("RESYNC_TWS_MAX_CONCURRENCY", "0")

    with pytest.raises(SettingsError) as caught:
        load_settings()

    assert "RESYNC_DATABASE_URL" in str(caught.value)
    assert "RESYNC_TWS_MAX_CONCURRENCY" in str(caught.value)


def test_the_data_dir_can_be_set(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RESYNC_DATA_DIR", str(tmp_path / "state"))

    assert load_settings().data_dir == tmp_path / "state"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://u:secret@h/db?sslmode=require", "postgresql://u:***@h/db?sslmode=require"),
    ],
)
def test_passwords_in_urls_are_masked(url: str, shown: str) -> None:
    assert mask_url_password(url) == shown
