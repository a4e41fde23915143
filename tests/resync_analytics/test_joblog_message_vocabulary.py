"""Vocabularies rather than tools: a lock any tool could not take or another holder keeps is a
busy resource (however long it waited), a download tool's exit status stated in words is read
by its meaning, and a few everyday shapes of database, disk, network and login messages name
their category instead of a generic error."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of


def _read(line: str, exit_status: int = 2) -> tuple[str, int]:
    log = joblog(line + "\n", exit_status)
    analysis = analyze_joblog(log)
    assert analysis.error_line == line_of(log, line[:25])
    return analysis.category, analysis.error_line


@pytest.mark.parametrize(
    "line",
    [
        "Failed to create/acquire the lock /srv/borg/repo/lock.exclusive (timeout).",
        "Failed to create/acquire the lock /cache/1c10042c6d/lock.exclusive",
        "Error locking state: Error acquiring the state lock: ConditionalCheckFailedException: "
        "The conditional request failed",
        "org.apache.lucene.store.LockObtainFailedException: Lock obtain timed out: "
        "NativeFSLock@/data/index/write.lock",
        "ERROR: timeout while waiting for lock /var/run/backup.lock",
        "fatal: Unable to create '/srv/repo/.git/index.lock': File exists.",
        "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
        "System management is locked by the application with pid 4321 (zypper).",
        "ERROR: The file 'D:\\data\\plan.xlsx' is locked for editing by another user.",
        "Repository /srv/borg/repo is locked.",
        "org.springframework.dao.CannotAcquireLockException: PreparedStatementCallback",
        "umount: /mnt/data: target is busy.",
    ],
)
def test_a_lock_any_tool_cannot_take_is_a_busy_resource(line):
    assert _read(line)[0] == "resource_busy"


def test_a_windows_file_in_use_reads_as_busy_when_the_console_wraps_it_or_speaks_german():
    wrapped = (
        "Copy-Item : The process cannot access the file 'C:\\Users\\adm\\NTUSER.DAT' because it "
        "is being used by another \r\nprocess.\r\n"
        "At E:\\deploy.ps1:37 char:2\r\n"
    )
    log = joblog(wrapped)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("resource_busy", line_of(log, "Copy-"))
    german = (
        "Der Prozess kann nicht auf die Datei zugreifen, da sie von einem anderen Prozess "
        "verwendet wird."
    )
    assert _read(german)[0] == "resource_busy"


@pytest.mark.parametrize(
    ("line", "category"),
    [
        # the lock vocabulary does not take what another family names more precisely
        ("ORA-28000: the account is locked", "authentication"),
        (
            "Failed to create/acquire the lock /repo/lock.exclusive ([Errno 13] Permission "
            "denied: '/repo/lock.exclusive')",
            "permission_denied",
        ),
        ("java.net.SocketTimeoutException: Read timed out", "timeout"),
        (
            "pg_dump: error: query failed: ERROR:  canceling statement due to lock timeout",
            "resource_busy",
        ),
    ],
)
def test_the_lock_vocabulary_leaves_other_causes_alone(line, category):
    assert _read(line)[0] == category


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("ERROR: Wget error 4", "network"),
        ("wget exited with code 5", "network"),
        ("curl failed with exit code 7", "network"),
        ("Connection to backup.example.com closed by remote host.", "network"),
        (
            "mysqldump: Got error: 2005: Unknown MySQL server host 'db01' (-2) when trying to "
            "connect",
            "network",
        ),
        ("Unable to establish SSL connection.", "network"),
        (
            "mysqldump: Got error: 1049: Unknown database 'crm' when selecting the database",
            "database",
        ),
        (
            'pg_dump: [archiver (db)] connection to database "crm" failed: FATAL:  database "crm" '
            "does not exist",
            "database",
        ),
        ("mysqldump: Got errno 28 on write", "disk_full"),
        ("@ERROR: auth failed on module backup", "authentication"),
        ("ERROR: Failed to authenticate with the remote repository", "authentication"),
        ("error: You must be logged in to the server (Unauthorized)", "authentication"),
        (
            'Error from server (Forbidden): pods is forbidden: User "etl" cannot list resource '
            '"pods" in API group "" in the namespace "prod"',
            "permission_denied",
        ),
    ],
)
def test_everyday_messages_name_their_category(line, category):
    assert _read(line)[0] == category


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "No connection could be made because the target machine actively refused it "
            "10.0.0.5:1433",
            "network",
        ),
        ("An existing connection was forcibly closed by the remote host.", "network"),
        ("yaml.scanner.ScannerError: mapping values are not allowed here", "invalid_input"),
        ("unzip:  cannot find zipfile directory in one of /data/in/orders.zip", "invalid_input"),
        ("botocore.exceptions.NoCredentialsError: Unable to locate credentials", "authentication"),
        (
            "An error occurred (NoSuchKey) when calling the GetObject operation: The specified "
            "key does not exist.",
            "file_not_found",
        ),
        ("sudo: sorry, you must have a tty to run sudo", "permission_denied"),
    ],
)
def test_exception_classes_and_platform_phrases_name_their_category(line, category):
    assert _read(line)[0] == category


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("smtp-cli: ERROR 530 5.7.0 Must issue a STARTTLS command first.", "authentication"),
        ("sendmail: 535 5.7.8 Username and Password not accepted.", "authentication"),
        (
            "send-mail: Server didn't like our AUTH LOGIN (530 Must issue STARTTLS)",
            "authentication",
        ),
        ("IEF212I PAYJOB STEP01 INFILE - DATA SET NOT FOUND", "file_not_found"),
        ("IEFA107I PAYJOB STEP02 STEPLIB - DATA SET PROD.PAY.LOADLIB NOT FOUND", "file_not_found"),
        (
            "System.Net.Http.HttpRequestException: Request failed with status code "
            "ServiceUnavailable",
            "network",
        ),
    ],
)
def test_mail_refusals_missing_data_sets_and_named_http_statuses_name_their_category(
    line, category
):
    """A mail server's 530/535 5.7.x reply refuses the login (STARTTLS first, credentials
    rejected), a z/OS data set not found stops the step before it runs, and a .NET status code
    named instead of numbered (BadGateway, ServiceUnavailable) is the upstream server's answer."""
    assert _read(line)[0] == category


@pytest.mark.parametrize(
    "line",
    [
        "postdrop: fatal: parameter inet_interfaces: no local interface found for 10.1.2.3",
        "psql: error: could not bind local address: Cannot assign requested address",
    ],
)
def test_an_address_the_host_does_not_have_is_a_network_failure(line):
    """A mail or database client told to use an address no local interface carries
    (EADDRNOTAVAIL, postfix's inet_interfaces) cannot reach anything: a network failure."""
    assert _read(line)[0] == "network"
