"""The category an error's own identifier names, read from the lexicon of identifier_words.toml.

Every identifier here is invented: the mechanism reads naming conventions, not known names.
"""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.classify import IDENTIFIER_RULE
from resync_analytics.joblog.identifiers import (
    identifiers,
    read_identifier,
    read_line,
    split_identifier,
)
from resync_analytics.joblog.knowledge import KnowledgeError
from resync_analytics.joblog.knowledge.lexicon import lexicon, parse_lexicon
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    ("identifier", "words"),
    [
        ("ZorbS3GateDeniedException", ("zorb", "s", "3", "gate", "denied", "exception")),
        ("FROB_LOGON_FAILURE", ("frob", "logon", "failure")),
        ("blorp_disk_full", ("blorp", "disk", "full")),
        ("XMLWidgetError", ("xml", "widget", "error")),
        ("QuuxTimedOut", ("quux", "timed", "out")),
    ],
)
def test_identifiers_split_into_words(identifier: str, words: tuple[str, ...]) -> None:
    assert split_identifier(identifier) == words


@pytest.mark.parametrize(
    ("identifier", "category"),
    [
        ("AcmeVaultLogonException", "authentication"),
        ("FROB_LOGON_FAILURE", "authentication"),
        ("GlimSignatureDoesNotMatch", "authentication"),  # a five-word lexicon run
        ("ZorbBucketAccessDenied", "permission_denied"),
        ("QuuxInsufficientPrivilegeFault", "permission_denied"),
        ("WidgetDeadlineExceeded", "timeout"),
        ("FrobJobTimedOutError", "timeout"),
        ("FrobPathNotFound", "file_not_found"),
        ("GLIM_NO_SUCH_ARCHIVE", "file_not_found"),
        ("frob_connection_refused", "network"),
        ("BlorpSocketException", "network"),
        ("BlorpHeapExhaustedError", "out_of_memory"),
        ("ZapOutOfMemory", "out_of_memory"),
        ("SprocketDiskFull", "disk_full"),
        ("QuuxQuotaExceeded", "disk_full"),
        ("ZapThrottledFault", "resource_busy"),
        # a prefix entry ("provisionedthroughput*") spelled whole across two words
        ("GizmoProvisionedThroughputExceeded", "resource_busy"),
        ("WidgetNoResourceAvailableException", "resource_busy"),
        ("GizmoRowDeadlockError", "resource_busy"),
        ("GizmoPayloadMalformedException", "invalid_input"),
        ("FrobDateParseError", "invalid_input"),
        ("ZorbDuplicateRowException", "database"),
        # a transaction's serialisation refused, against data that does not (de)serialise
        ("GlimSerializationFailure", "resource_busy"),
        ("FrobCannotSerializeTransactionException", "resource_busy"),
        ("ZorbSerializationException", "invalid_input"),
        # pairs the lexicon resolves
        ("QuuxTableNotFoundError", "database"),
        ("FOOBAR_LOCK_TIMEOUT", "resource_busy"),
        ("GlimSqlLoginException", "authentication"),
        ("WidgetConnectTimeoutError", "timeout"),
    ],
)
def test_identifier_words_name_a_category(identifier: str, category: str) -> None:
    assert read_identifier(identifier) == category


@pytest.mark.parametrize(
    "identifier",
    [
        "SprocketConnectionManager",  # a subject alone, in no error's name: a logger
        "load_sales_table",  # a task's name
        "DB_SERVER_HOST",  # a setting
        "FrobNullReferenceException",  # a programming fault
        "ZapKeyNotFoundException",  # a dictionary lookup, not a missing file
        "ZorbAccessDeniedTimeout",  # two categories no pair resolves
        "FrobParseSocketError",
        "WidgetFactoryException",  # no lexicon word
    ],
)
def test_identifiers_that_name_no_clear_category_are_left(identifier: str) -> None:
    assert read_identifier(identifier) is None


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("com.acme.vault.client.VaultLogonException: bad ticket", "authentication"),
        ("An error occurred (ZapThrottlingFault) when calling Put", "resource_busy"),
        ("+ FullyQualifiedErrorId : FrobPathNotFound,Acme.Commands", "file_not_found"),
        ("[SprocketConnectionManager] GlimJobTimeoutException: stop", "timeout"),
        ("at com.acme.Sprocket$WidgetDeadlockException: row 7", "resource_busy"),
        ("ERROR GlimQuotaExceeded then BlorpSocketException", None),
        ("ERROR something went wrong", None),
        ("mysqldump -h $DB_CONNECTION_REFUSED -P ${LOCK_TIMEOUT_FILE}", None),  # variables
    ],
)
def test_a_line_is_read_only_when_its_identifiers_agree(line: str, category: str | None) -> None:
    reading = read_line(line)
    assert (reading.category if reading else None) == category
    if reading is not None:
        assert reading.identifier in line and reading.identifier in identifiers(line)
        assert "." not in reading.identifier  # the package prefix is not part of it


def test_a_generic_line_takes_its_category_from_the_identifier() -> None:
    log = joblog("2025-03-14 02:00:07 ERROR Upload stopped: ZorbBucketAccessDenied\n")
    analysis = analyze_joblog(log)
    assert analysis.category == "permission_denied"
    assert analysis.rule == IDENTIFIER_RULE
    assert analysis.error_line == line_of(log, "ZorbBucketAccessDenied")
    assert "category from the identifier 'ZorbBucketAccessDenied'" in analysis.root_cause


@pytest.mark.parametrize(
    ("body", "category"),
    [
        # a family that names the failure wins over the identifier's words
        ("ZorbLockException: ORA-01653: unable to extend table A.B by 8\n", "disk_full"),
        # no identifier: the generic reading stays
        ("2025-03-14 02:00:07 ERROR Upload of batch 7 stopped\n", "application_error"),
        # an identifier of no clear category: the generic reading stays
        ("ERROR Upload stopped: ZorbAccessDeniedTimeout\n", "application_error"),
    ],
)
def test_the_identifier_is_read_only_when_the_finding_is_generic(body: str, category: str) -> None:
    analysis = analyze_joblog(joblog(body))
    assert analysis.category == category
    assert analysis.rule != IDENTIFIER_RULE


def test_shipped_lexicon_names_only_taxonomy_categories_and_a_label_each() -> None:
    lex = lexicon()
    assert set(lex.labels) <= {c for c in lex.words.values() if c is not None}
    assert all(lex.labels.values())
    assert lex.subjects <= set(lex.words)
    assert all(outcome in pair for pair, outcome in lex.pairs.items())


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"weather": {"words": ["rain"]}}, "unknown category"),
        ({"timeout": {"words": ["TimedOut"]}}, "not a lowercase word"),
        ({"timeout": {"words": ["late"]}, "network": {"words": ["late"]}}, "listed twice"),
        ({"timeout": {"words": ["late"]}, "pairs": {"network+timeout": "timeout"}}, "pairs"),
        ({"timeout": {"words": "late"}}, "must be a list"),
    ],
)
def test_lexicon_mistakes_are_named(raw: dict[str, object], problem: str) -> None:
    with pytest.raises(KnowledgeError, match=problem):
        parse_lexicon(raw)
