"""mask_secrets: planted secrets disappear, everything else stays."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.masking import mask_secrets, mask_secrets_bytes
from tests.resync_analytics.joblog_samples import joblog

SECRET = "Zq7xK9pW2m"

PLANTED = [
    f"password={SECRET}",
    f"PASSWORD {SECRET}",
    f"db.password: {SECRET}",
    f"pwd:{SECRET}",
    f"mysql -u etl -p'{SECRET}' -h db01",
    f"mysql -u etl -p{SECRET} dw",
    f"sqlldr --password {SECRET} control=x.ctl",
    f"sqlplus -s scott/{SECRET}@ORCL @load.sql",
    f"sqlplus scott/{SECRET}",
    f"jdbc:oracle:thin:@//db01:1521/ORCL;user=etl;password={SECRET};",
    f"Server=db01;Database=dw;User Id=etl;Password={SECRET};",
    f"postgresql://etl:{SECRET}@db01:5432/dw",
    f"sftp://batch:{SECRET}@sftp01.example.com/in",
    f"Authorization: Bearer {SECRET}abcdef",
    f"curl -H 'Authorization: Basic {SECRET}==' https://api",
    f"api_key={SECRET}",
    f'{{"client_secret": "{SECRET}"}}',
    f"ALTER USER etl IDENTIFIED BY {SECRET};",
    f"export AWS_SECRET_ACCESS_KEY={SECRET}/abc",
]
TOKENS = [
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    "xoxb-" + "123456789012-abcdefghijkl",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
]


@pytest.mark.parametrize("text", PLANTED)
def test_planted_secret_is_masked(text):
    masked = mask_secrets(f"INFO connecting with {text} now")
    assert SECRET not in masked
    assert "***" in masked and masked.startswith("INFO connecting with ")


@pytest.mark.parametrize("token", TOKENS)
def test_tokens_are_masked(token):
    assert token not in mask_secrets(f"using {token} for upload")


def test_private_key_block_is_masked_but_markers_stay():
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----"
    masked = mask_secrets(f"key:\n{block}\nafter")
    assert "MIIEowIBAAKCAQEA7" not in masked
    assert "BEGIN RSA PRIVATE KEY" in masked and masked.endswith("after")


@pytest.mark.parametrize(
    "line",
    [
        "cat: /data/in/employees.csv: No such file or directory",
        'psql: FATAL:  password authentication failed for user "etl"',
        "ERROR 1045 (28000): Access denied for user 'etl'@'10.0.0.5' (using password: YES)",
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS",
        "ssh -p 22 batch@sftp01 ls /in",
        "Exit Status : 1   TCP/IP and/or username/password",
    ],
)
def test_lines_without_secrets_are_unchanged(line):
    assert mask_secrets(line) == line


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_masking_is_idempotent_and_total(text):
    once = mask_secrets(text)
    assert mask_secrets(once) == once


@settings(max_examples=100, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.from_regex(r"[A-Za-z0-9]{12,20}", fullmatch=True),
)
def test_password_assignment_is_always_masked(prefix, secret):
    masked = mask_secrets(f"{prefix} password={secret}")
    assert f"password={secret}" not in masked


def test_bytes_variant_keeps_invalid_utf8():
    data = b"\xff\xfe password=" + SECRET.encode() + b" \x00"
    masked = mask_secrets_bytes(data)
    assert SECRET.encode() not in masked and masked.startswith(b"\xff\xfe")


def test_analysis_of_masked_log_is_the_same():
    log = joblog(
        f"sqlplus -s etl/{SECRET}@DW @load.sql\n"
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS\n"
    )
    original, masked = analyze_joblog(log), analyze_joblog(mask_secrets(log))
    assert (original.category, original.error_line, original.entities) == (
        masked.category,
        masked.error_line,
        masked.entities,
    )


@pytest.mark.parametrize(
    "line, secret",
    [
        ("export PGPASSWORD=s3cr3t-pg", "s3cr3t-pg"),
        ("set PGPASSWORD=Hunter2&& psql -h db01", "Hunter2"),
        ("ORAPASSWD=tiger99 sqlplus /nolog", "tiger99"),
    ],
)
def test_password_variables_glued_to_a_prefix_are_masked(line, secret):
    assert secret not in mask_secrets(line)
