"""Messages of platforms the rules first read wrongly: a cloud refusing an operation, a
database's serialization conflict, a Hive table missing, PowerShell remoting, Oracle Data Pump's
wrapped errors and a fatal message relayed inside a wrapper's one-line log record."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.reading import relayed_fatal
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    "line",
    [
        "* aws_s3_bucket.landing: Error putting S3 policy: UnauthorizedOperation: You are not "
        "authorized to perform this operation. Encoded authorization failure message: 4fQx",
        "ERROR: (AuthorizationFailed) The client 'etl@corp.example' with object id '0f1e' does "
        "not have authorization to perform action 'Microsoft.Storage/storageAccounts/read'",
    ],
)
def test_an_operation_the_caller_may_not_perform_is_a_permission(line):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, line[:30]),
    )


def test_a_serialization_failure_is_a_concurrency_conflict():
    line = (
        "org.postgresql.util.PSQLException: ERROR: could not serialize access due to "
        "concurrent update"
    )
    log = joblog(line + "\n  at org.postgresql.core.v3.QueryExecutorImpl.execute(Q.java:3)\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("resource_busy", line_of(log, "serialize"))


def test_a_table_hive_cannot_find_is_a_database_error():
    line = (
        "Error: Error while compiling statement: FAILED: SemanticException [Error 10001]: "
        "Line 1:14 Table not found 'stg_orders' (state=42S02,code=10001)"
    )
    log = joblog(line + "\nmake: *** [stg_orders] Error 2\n", 2)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "Table not"))


def test_a_wrapped_powershell_remoting_record_starts_at_its_cmdlet():
    log = joblog(
        "Invoke-Command : [app07.corp.example] Connecting to remote server app07.corp.example "
        "failed with the\n"
        "following error message : WinRM cannot complete the operation. Verify that the "
        "specified computer name is valid, that\n"
        "the computer is accessible over the network, and that a firewall exception for the "
        "WinRM service is enabled.\n"
        "    + CategoryInfo          : OpenError: (app07.corp.example:String) [], "
        "PSRemotingTransportException\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "Invoke-Command"))


def test_data_pump_names_its_cause_after_its_wrappers():
    log = joblog(
        "ORA-39002: invalid operation\n"
        "ORA-39000: bad dump file specification\n"
        'ORA-39142: incompatible version number 7.1 in dump file "/u02/dpdump/crm_full.dmp"\n'
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("invalid_input", line_of(log, "39142"))


def test_the_fatal_message_of_a_relayed_stderr_wins_over_a_warning_before_it():
    line = (
        'time="2025-03-14T02:10:11Z" level=info msg="Ran backup command" '
        'stderr="unable to open cache: mkdir /nonexistent: permission denied\\nFatal: unable to '
        'create lock in backend: repository is already locked exclusively by PID 4411 on node3\\n"'
    )
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("resource_busy", line_of(log, "Ran"))


def test_without_a_fatal_piece_a_relayed_line_keeps_its_first_family():
    assert relayed_fatal('stderr="warning: cache stale\\nrepository is already locked"') is None
    assert relayed_fatal("Fatal: repository is already locked by PID 3") is None


def test_the_kernel_oom_record_concludes_with_the_process_it_killed():
    tasks = "".join(
        f"[Fri Mar 14 02:10:0{i % 10} 2025] [  {4100 + i}]  1000 {4100 + i}  61900  4680  "
        f"450560  0  0 worker\n"
        for i in range(6)
    )
    log = joblog(
        "Killed\n"
        "[Fri Mar 14 02:10:00 2025] loader invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_"
        "MOVABLE), order=0, oom_score_adj=0\n"
        + tasks
        + "[Fri Mar 14 02:10:09 2025] Out of memory: Killed process 4107 (loader) total-vm:"
        "98812340kB, anon-rss:61200000kB\n",
        137,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("out_of_memory", line_of(log, "Killed p"))


def test_a_foreign_server_error_relayed_as_detail_is_the_cause():
    log = joblog(
        "psql:/srv/etl/load.sql:12: ERROR:  error executing query: OCIStmtExecute failed to "
        "execute remote query\n"
        "DETAIL:  ORA-00942: table or view does not exist\n",
        3,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "DETAIL"))


def test_a_powershell_command_not_found_cut_by_the_console_starts_at_its_record():
    log = joblog(
        "Invoke-Sqlcmd : The term 'Invoke-Sqlcmd' is not recognized as the name of a \n"
        "cmdlet, function, script file, or operable program. Check the spelling of the \n"
        "name, or if a path was included, verify that the path is correct and try again.\n"
        "At D:\\jobs\\nightly_export.ps1:7 char:1\n"
        "+ Invoke-Sqlcmd -ServerInstance sql01 -Query $q\n"
        "    + CategoryInfo          : ObjectNotFound: (Invoke-Sqlcmd:String) [], \n"
        "   CommandNotFoundException\n",
        1,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "command_not_found",
        line_of(log, "Invoke-Sqlcmd : The term"),
    )


def test_a_db2_zos_sqlcode_under_its_program_line_is_the_database_error():
    log = joblog(
        "  SELECT ORDER_ID FROM PRODSCH.ORDERS WHERE ORDER_DT > CURRENT DATE\n"
        "  SQL ERROR DURING PREPARE\n"
        " DSNT408I SQLCODE = -206, ERROR:  ORDER_DT IS NOT VALID IN THE CONTEXT WHERE IT IS USED\n",
        8,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "DSNT408I"))


def test_r_names_the_file_it_could_not_open_in_the_warning_under_its_connection_error():
    log = joblog(
        'Error in file(con, "r") : cannot open the connection\n'
        "Calls: lapply -> FUN -> readLines -> file\n"
        "In addition: Warning message:\n"
        'In file(con, "r") :\n'
        "  cannot open file '/data/in/diffs/2024-01-02.txt': No such file or directory\n"
        "Execution halted\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "file_not_found",
        line_of(log, "cannot open file"),
    )


def test_a_connection_that_cannot_be_opened_outside_r_is_still_a_network_failure():
    log = joblog("psql: cannot open a connection to db01:5432\n")
    assert analyze_joblog(log).category == "network"


def test_a_perl_module_that_is_not_installed_is_a_missing_dependency():
    line = (
        "Can't locate DBI.pm in @INC (you may need to install the DBI module) (@INC contains: "
        "/etc/perl /usr/share/perl5 .) at ./rotate.pl line 23."
    )
    log = joblog(line + "\nBEGIN failed--compilation aborted at ./rotate.pl line 23.\n", 2)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "command_not_found",
        line_of(log, "Can't locate"),
    )


def test_a_tool_line_that_starts_with_equals_signs_is_output_not_banner():
    log = joblog(
        "======== Job wrapper STARTING at Mon Jul 20 20:14:05 GMT 2026 ========\n"
        "==== Failed to load the long exit code. Falling back to short exit code ====\n"
        "========================================================================\n"
        "======== User application did not complete due to an external signal ===\n"
        "======== Job execution stops here, and ExitCode is set to 50666 ========\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "signal_or_crash",
        line_of(log, "external signal"),
    )


def test_xcopy_s_bare_refusal_is_the_cause_not_the_directory_it_could_not_create():
    log = joblog(
        "Copying image to .\\out...\n"
        "Access denied\n"
        "Unable to create directory - C:\\out\\System Volume Information\n"
        "XCOPY failed. Check if you have enough disk space.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "Access denied"),
    )


def test_any_statement_hive_s_compiler_rejects_is_a_database_error():
    line = (
        "Error: Error while compiling statement: FAILED: SemanticException Error when getting "
        "current notification event ID (state=42000,code=40000)"
    )
    log = joblog(line + "\n", 2)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "Semantic"))


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            "/etc/cron.daily/logrotate:\n"
            "error: syslog:1 missing '{' after log files definition\n"
            "error: found error in file syslog, skipping\n",
            "missing '{'",
        ),
        ('nginx: [emerg] unexpected "}" in /etc/nginx/nginx.conf:41\n', "unexpected"),
        ("/etc/batch/jobs.ini: unterminated quoted string at line 14\n", "unterminated"),
    ],
)
def test_a_configuration_file_that_does_not_parse_is_invalid_input(body, needle):
    log = joblog(body)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("invalid_input", line_of(log, needle))


def test_a_missing_quoted_word_is_not_a_syntax_error():
    log = joblog("ls: cannot access 'in': No such file or directory\n")
    assert analyze_joblog(log).category == "file_not_found"
