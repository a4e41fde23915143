"""Settings: where values come from, and errors an operator can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

from resync_core.settings import SettingsError, load_settings, mask_url_password


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


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("htps://ops:Hunter2x@mdm.example.com:31116", "Hunter2x"),
        ("mdm.example.com:31116 ops:Hunter2x@mdm", "Hunter2x"),
        ("ftp://ops:Hu@nt/er2x@mdm.example.com/twsd", "nt/er2x"),
    ],
)
def test_a_bad_tws_url_names_the_variable_but_never_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str, password: str
) -> None:
    monkeypatch.setenv("RESYNC_TWS_URL", url)

    with pytest.raises(SettingsError) as caught:
        load_settings()

    message = str(caught.value)
    assert "RESYNC_TWS_URL" in message and "mdm" in message
    assert password not in message and "Hu@" not in message


def test_a_bad_llm_api_base_never_echoes_its_password() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(llm_api_base="localhost:8000/v1?key=1 u:Zx9pw@gw")

    assert "Zx9pw" not in str(caught.value)


def _pem_ca(path: Path) -> Path:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "resync test CA")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def test_a_pem_ca_bundle_is_accepted(tmp_path: Path) -> None:
    ca = _pem_ca(tmp_path / "ca.pem")

    assert load_settings(tws_ca_bundle=str(ca)).tws_ca_bundle == ca


@pytest.mark.parametrize(
    "content",
    [
        b"placeholder\n",
        b"\x30\x82\x01\x0a\x02\x82\x01\x01\x00\xc3",  # DER, not PEM
        b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        b"-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n",
    ],
)
def test_a_ca_bundle_that_is_not_a_pem_certificate_is_refused(
    tmp_path: Path, content: bytes
) -> None:
    ca = tmp_path / "ca.crt"
    ca.write_bytes(content)

    with pytest.raises(SettingsError) as caught:
        load_settings(tws_ca_bundle=str(ca))

    message = str(caught.value)
    assert "RESYNC_TWS_CA_BUNDLE" in message and "PEM" in message


def test_an_empty_tws_password_counts_as_unset() -> None:
    settings = load_settings(tws_url="https://mdm:31116", tws_password="  ", tws_api_key="jwt")

    assert settings.tws_password is None


def test_a_tws_username_with_an_empty_password_is_a_clear_error() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(tws_url="https://mdm:31116", tws_username="ops", tws_password="")

    message = str(caught.value)
    assert "RESYNC_TWS_USERNAME" in message and "RESYNC_TWS_PASSWORD" in message
    assert "empty or unset" in message


def test_empty_api_keys_count_as_unset() -> None:
    settings = load_settings(tws_api_key="", llm_api_key=" ")

    assert settings.tws_api_key is None and settings.llm_api_key is None
