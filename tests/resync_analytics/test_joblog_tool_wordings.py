"""Tool wordings the rules first read as a bare error or a wrong kind: a Go MongoDB driver with
no server, SQL Server's named-instance lookup, PHP's memory_limit, SQL Server's 1101 and its
Chinese 1205, a command timeout cut by the console, AzCopy's 403 wrapper, and Maven's exec
goal relaying a signal exit status above its help text."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "2016-02-01T17:28:39.664+0800    Failed: error connecting to db server: "
            "no reachable servers",
            "network",
        ),
        (
            "Sqlcmd: Error: Microsoft ODBC Driver 17 for SQL Server : SQL Server Network "
            "Interfaces: Error Locating Server/Instance Specified [xFFFFFFFF]. ",
            "network",
        ),
        (
            "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to "
            "allocate 20480 bytes) in /var/www/app/cron.php on line 12",
            "out_of_memory",
        ),
        (
            "A new page could not be allocated for database 'TEMPDB' because filegroup "
            "'DEFAULT' has insufficient disk space.",
            "disk_full",
        ),
        (
            "Cause: com.microsoft.sqlserver.jdbc.SQLServerException: 事务(进程 ID 70)与另一个进程"
            "被死锁在 锁 资源上，并且已被选作死锁牺牲品。请重新运行该事务。",
            "resource_busy",
        ),
        ('Message    : ERROR: relation "custom_field" already exists', "database"),
    ],
)
def test_a_tool_s_own_wording_names_its_category(line, category):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, line[:25]))


def test_a_command_timeout_cut_by_the_console_is_a_time_limit():
    log = joblog(
        "An unexpected failure occurred: Unable to reconnect to database: Execution Timeo\n"
        "ut Expired.  The timeout period elapsed prior to completion of the operation or the "
        "server is not responding..\n"
    )
    assert analyze_joblog(log).category == "timeout"


@pytest.mark.parametrize(
    "wrapper",
    [
        "Authentication failed, it is either not correct, or expired, or does not have the "
        "correct permission -> github.com/Azure/azure-storage-blob-go/azblob.newStorageError",
        "Cannot perform sync due to error: cannot list files due to reason -> "
        "azblob.newStorageError",
    ],
)
def test_azcopy_s_wrapper_yields_to_the_service_code_below_it(wrapper: str) -> None:
    log = joblog(
        f"{wrapper}\n"
        "===== RESPONSE ERROR (ServiceCode=AuthorizationPermissionMismatch) =====\n"
        "Description=This request is not authorized to perform this operation using this "
        "permission.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "RESPONSE ERROR"),
    )


def test_maven_s_relayed_signal_exit_is_a_crash_and_its_help_text_is_not_the_cause():
    failed = (
        "[ERROR] Failed to execute goal org.codehaus.mojo:exec-maven-plugin:1.2.1:exec "
        "(default-cli) on project client: Command execution failed. Process exited with an "
        "error: 139 (Exit value: 139) -> [Help 1]"
    )
    log = joblog(
        "[INFO] BUILD FAILURE\n"
        f"{failed}\n"
        "[ERROR] \n"
        "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n"
        "[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n"
        "[ERROR] \n"
        "[ERROR] For more information about the errors and possible solutions, please read "
        "the following articles:\n"
        "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoExecutionException\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("signal_or_crash", line_of(log, failed))
