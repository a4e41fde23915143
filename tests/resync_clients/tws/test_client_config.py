"""TWSClientConfig from the project settings, and TLS verified against a custom CA bundle.

The TLS test serves the simulator over HTTPS with a certificate from a throw-away CA, so the
client's ``verify`` really runs a handshake: accepted with the CA bundle, refused without.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import truststore
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from resync_clients.tws.client import TWSClient, TWSClientConfig
from resync_clients.tws.errors import TWSUnavailableError
from resync_clients.tws.resilience import RetryPolicy
from resync_core.settings import load_settings
from resync_simulator.server import SimulatorConfig, build_app
from tests.resync_clients.tws.strict_gate import serve_asgi


def test_config_from_settings_takes_url_auth_limits_and_plan(tmp_path: Path) -> None:
    ca, _, _ = _certificate_chain(tmp_path)  # settings refuse a CA bundle that is not PEM
    settings = load_settings(
        tws_url="https://mdm.example.com:31116/twsd/",
        tws_username="ops",
        tws_password="s3cret-pw",
        tws_ca_bundle=str(ca),
        tws_timeout_seconds=12.5,
        tws_max_concurrency=3,
        tws_plan_id="PLAN_20250314",
    )
    config = TWSClientConfig.from_settings(settings)
    assert config.base_url == "https://mdm.example.com:31116"
    assert config.api_url == "https://mdm.example.com:31116/twsd/api/v2/"
    assert config.plan_id == "PLAN_20250314"
    assert config.ca_bundle == ca
    assert config.timeout().read == 12.5
    assert config.limits().max_connections == 3
    assert isinstance(config.auth(), httpx.BasicAuth)
    assert "s3cret-pw" not in repr(config)


def test_api_key_wins_over_basic_auth_and_stays_secret() -> None:
    settings = load_settings(
        tws_url="https://mdm:31116", tws_username="ops", tws_password="pw", tws_api_key="jwt-key"
    )
    config = TWSClientConfig.from_settings(settings)
    request = httpx.Request("GET", "https://mdm:31116/")
    flow = config.auth().auth_flow(request)  # type: ignore[union-attr]
    assert next(flow).headers["Authorization"] == "Bearer jwt-key"
    assert "jwt-key" not in repr(config)


def test_simulator_url_can_be_given_when_settings_have_none() -> None:
    settings = load_settings()
    if settings.tws_url is None:
        with pytest.raises(ValueError, match="RESYNC_TWS_URL"):
            TWSClientConfig.from_settings(settings)
    config = TWSClientConfig.from_settings(
        settings, base_url="http://127.0.0.1:8080", username="resync", password="resync-sim"
    )
    assert config.base_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("url", ["ftp://mdm:31116", "https://ops:pw@mdm:31116", "mdm.example.com"])
def test_bad_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        TWSClientConfig(base_url=url)
    assert "pw" not in str(caught.value).replace("password", "")


def test_using_a_client_outside_its_context_is_a_clear_error() -> None:
    client = TWSClient(TWSClientConfig(base_url="http://127.0.0.1:1"))

    async def use() -> None:
        await client.count_jobs()

    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(use())


# ----------------------------------------------------------------------- TLS


def _certificate_chain(directory: Path) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for 127.0.0.1 signed by it: (ca, cert, key) PEM files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "resync test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


@pytest.fixture(scope="module")
def https_simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The simulator served over HTTPS: (base_url, CA bundle path)."""
    ca, cert, key = _certificate_chain(tmp_path_factory.mktemp("tls"))
    _engine, app = build_app(SimulatorConfig(seed=5, scenario="small", jobs=50))
    with serve_asgi(app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as url:
        yield url, ca


def test_tls_is_verified_against_the_configured_ca_bundle(
    https_simulator: tuple[str, Path],
) -> None:
    base_url, ca = https_simulator
    trusted = TWSClientConfig(
        base_url=base_url, username="resync", password="resync-sim", ca_bundle=ca
    )
    assert isinstance(trusted.verify(), ssl.SSLContext)
    untrusted = TWSClientConfig(
        base_url=base_url,
        username="resync",
        password="resync-sim",
        retry=RetryPolicy(max_attempts=2, base_delay_seconds=0.01),
    )

    async def count(config: TWSClientConfig) -> int:
        async with TWSClient(config) as tws:
            return (await tws.count_jobs()).count

    assert asyncio.run(count(trusted)) == 50
    with pytest.raises(TWSUnavailableError, match="CA bundle") as caught:
        asyncio.run(count(untrusted))  # not retried: waiting does not make a CA trusted
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)


def test_without_a_ca_bundle_the_system_trust_store_decides(
    https_simulator: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url, ca = https_simulator
    config = TWSClientConfig(
        base_url=base_url,
        username="resync",
        password="resync-sim",
        retry=RetryPolicy(max_attempts=1),
    )
    # The operating system's store (truststore), not a bundle shipped with a Python package.
    assert isinstance(config.verify(), truststore.SSLContext)

    async def count() -> int:
        async with TWSClient(config) as tws:
            return (await tws.count_jobs()).count

    # OpenSSL's system store honours SSL_CERT_FILE: a CA the machine trusts is trusted.
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    assert asyncio.run(count()) == 50


def test_an_unreadable_ca_bundle_is_a_clear_config_error(tmp_path: Path) -> None:
    bundle = tmp_path / "not-a-ca.pem"
    bundle.write_text("placeholder")
    config = TWSClientConfig(base_url="https://mdm:31116", ca_bundle=bundle)
    with pytest.raises(ValueError, match=r"CA bundle .*not-a-ca\.pem"):
        config.verify()
