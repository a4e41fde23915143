"""Cloud and database-administration tools named by their own codes and wordings: Azure
Storage's ServiceCode in a RESPONSE ERROR, pgBackRest's bracketed error codes, SQL Server's
message header in Russian, mysqlbinlog on a binary log that does not parse, Neo4j's offline
tools on a store in use or not recovered, picocli's usage errors, Perl DBI's failed driver call,
an invalid access token, a 403 naming an unknown user, the reason below a bare HTTP status line,
a required field left empty; and identifiers whose words name a busy resource."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("===== RESPONSE ERROR (ServiceCode=AuthenticationFailed) =====", "authentication"),
        (
            "===== RESPONSE ERROR (ServiceCode=AuthorizationPermissionMismatch) =====",
            "permission_denied",
        ),
        ("===== RESPONSE ERROR (ServiceCode=ContainerNotFound) =====", "file_not_found"),
        ("===== RESPONSE ERROR (ServiceCode=ServerBusy) =====", "resource_busy"),
        ("===== RESPONSE ERROR (ServiceCode=OperationTimedOut) =====", "timeout"),
        (
            "ERROR: [082]: unable to get WAL file '00000002000000050000003A' from the archive "
            "asynchronously after 30 second(s)",
            "timeout",
        ),
        (
            "ERROR: [050]: unable to acquire lock on file '/tmp/pgbackrest/demo-archive.lock'",
            "resource_busy",
        ),
        (
            "ERROR: [055]: unable to load info file '/repo2/backup/demo/backup.info'",
            "file_not_found",
        ),
        (
            "P00  ERROR: [049]: unable to get address for 'backup-host': [-2] Name or service "
            "not known",
            "network",
        ),
        ("P00  ERROR: [038]: unable to restore while PostgreSQL is running", "resource_busy"),
        (
            "P00  ERROR: [073]: unable to list file info for missing path '/var/lib/pgbackrest'",
            "file_not_found",
        ),
        (
            "P00  ERROR: [032]: 'maybe' is not valid for 'archive-async' option",
            "invalid_input",
        ),
        (
            "ERROR: Error in Log_event::read_log_event(): 'Found invalid event in binary log', "
            "data_len: 57, event_type: -12",
            "invalid_input",
        ),
        (
            "ERROR: Could not read entry at offset 8812: Error in log format or read error.",
            "invalid_input",
        ),
        ("command failed: the database is in use -- stop Neo4j and try again", "resource_busy"),
        (
            "command failed: Active logical log detected, this might be a source of "
            "inconsistencies.",
            "database",
        ),
        ("Unmatched argument at index 2: '--verbose'", "invalid_input"),
        (
            "DBD::mysql::st execute failed: WSREP has not yet prepared node for application use "
            '[for Statement "SELECT 1"] at /usr/bin/pt-table-checksum line 3210.',
            "database",
        ),
        ('  "message": "Invalid access token."', "authentication"),
        (
            'BatchGetError(Service(ProvisionedThroughputExceeded("The level of configured '
            'provisioned throughput for the index was exceeded.")))',
            "resource_busy",
        ),
        (
            "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException: "
            "Slot request bulk is not fulfillable!",
            "resource_busy",
        ),
    ],
)
def test_a_cloud_or_dba_tool_s_code_or_wording_names_its_category(line, category):
    assert analyze_joblog(joblog(line + "\n")).category == category


def test_a_record_that_could_not_be_read_is_no_missing_file():
    log = joblog("Could not read and latch page (1:4402) with latch type UP.\n")
    assert analyze_joblog(log).category != "file_not_found"


def test_a_russian_sql_server_header_is_the_line_of_its_record():
    log = joblog(
        "Сообщение 8921, уровень 16, состояние 1, строка 1\n"
        "Check terminated. A failure was detected while collecting facts.\n"
        "Сообщение 7985, уровень 16, состояние 2, строка 1\n"
        "System table pre-checks: Object ID 7. Could not read and latch page (1:88) with latch "
        "type SH.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "Сообщение 8921"))


def test_a_forbidden_response_naming_an_unknown_user_is_an_authentication_failure():
    log = joblog('Error: Response from server (403 Forbidden) {"message":"user not found"}\n')
    assert analyze_joblog(log).category == "authentication"


def test_the_reason_below_a_bare_http_status_line_names_the_failure():
    log = joblog(
        "GET /api/2.0/clusters/list\n"
        "< HTTP/1.1 403 Forbidden\n"
        "< * Content-Type: application/json\n"
        "< * Server: gateway\n"
        '<   "message": "Token has expired."\n'
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "authentication",
        line_of(log, "Token has expired"),
    )


def test_a_bare_http_status_line_stays_the_statement_without_a_reason_below():
    log = joblog("< HTTP/1.1 403 Forbidden\n< * Content-Length: 0\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "403 Forbidden"),
    )


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "  error: creating urn:pulumi:dev::web::kubernetes:core/v1:Service::api: "
            "metadata.namespace may not be empty",
            "invalid_input",
        ),
        ("javax.validation: field must not be empty", "invalid_input"),
    ],
)
def test_a_required_field_left_empty_is_invalid_input(line, category):
    assert analyze_joblog(joblog(line + "\n")).category == category


def test_a_field_that_may_be_empty_is_no_error():
    log = joblog("note: the label value may be empty for system pods\n", exit_status=0)
    assert analyze_joblog(log).category == "success"
