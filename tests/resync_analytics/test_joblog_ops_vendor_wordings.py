"""Operations tools' own wordings, written from their message references: z/OS operator
command authority (IEE345I), DFSORT and the MVS sort/merge's action messages (ICExxxA,
IERxxxA) and their capacity message, the z/OS FTP server's empty LIST, an FTP client's refused
PASS, Sybase Open Client and FreeTDS/DB-Library connection failures, bcp's short data file,
xcopy's initialisation errors, DISM's missing source, PowerShell remoting's WinRM failures,
logrotate's insecure parent directory and a downloader's HTTP 403."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.identifiers import read_line
from resync_analytics.joblog.prefilter import has_needle
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            " 02.11.07 STC04711  IEE345I CANCEL   AUTHORITY INVALID, FAILED BY SECURITY PRODUCT",
            "permission_denied",
        ),
        ("ICE046A 0 SORT CAPACITY EXCEEDED - RECORD COUNT 2204113", "disk_full"),
        ("IER046A - SORT CAPACITY EXCEEDED", "disk_full"),
        ("ICE007A 1 SYNTAX ERROR", "invalid_input"),
        (
            "ICE218A 6 1256 BYTE VARIABLE RECORD IS SHORTER THAN 1300 BYTE MINIMUM FOR FIELDS",
            "invalid_input",
        ),
        ("IER019A - SORT FIELD ERROR", "invalid_input"),
        ("Response: 550 No data sets found.", "file_not_found"),
        ("Error: USER command failed", "authentication"),
        ("error { Error: PASS command failed", "authentication"),
        (
            "\tct_connect(): network packet layer: internal net library error: Net-Lib protocol "
            "driver call to connect two endpoints failed",
            "network",
        ),
        ("Msg 20009 (severity 9): Unable to connect: Adaptive Server is unavailable", "network"),
        (
            "Error = [Microsoft][ODBC Driver 18 for SQL Server]Unexpected EOF encountered in BCP "
            "data-file",
            "invalid_input",
        ),
        ("Invalid drive specification", "invalid_input"),
        ("Package_for_DotNetRollup: The source files could not be found.", "file_not_found"),
        (
            'error: skipping "/srv/app/log/app.log" because parent directory has insecure '
            'permissions (It\'s world writable or writable by group which is not "root")',
            "permission_denied",
        ),
        ("Updater received error code 403 from the mirror.", "permission_denied"),
    ],
)
def test_an_operations_tool_s_wording_names_its_category(line, category):
    assert has_needle(line), "the prefilter would never show this line to the rules"
    assert analyze_joblog(joblog(line + "\n")).category == category


def test_a_sort_s_action_message_fails_a_log_without_a_trailer():
    log = (
        "PAYSORT    SORT                SORT      RC= 0016\n"
        "IER038I - NMAX = 88120\n"
        "IER046A - SORT CAPACITY EXCEEDED\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("disk_full", 3)


def test_an_empty_z_os_ftp_listing_is_the_missing_file():
    log = joblog(
        "Command:  USER PAYOPS\n"
        "Response: 230 PAYOPS is logged on.\n"
        "Command:  LIST ['PAYOPS.DAILY.*']\n"
        "Response: 550 No data sets found.\n"
        "Command:  PWD\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "file_not_found",
        line_of(log, "550 No data sets"),
    )


def test_a_winrm_message_cut_at_the_console_width_is_read_on_its_record_s_first_line():
    log = joblog(
        "Enter-PSSession : Connecting to remote server app07 failed with the following error "
        "message : WinRM\n"
        "cannot complete the operation. Verify that the specified computer name is valid, that "
        "the computer is\n"
        "accessible over the network, and that a firewall exception for the WinRM service is "
        "enabled.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "network",
        line_of(log, "Enter-PSSession"),
    )


def test_a_host_outside_trustedhosts_is_an_authentication_failure():
    log = joblog(
        "New-PSSession : The WinRM client cannot process the request. If the authentication "
        "scheme is different from Kerberos, or if the client computer is not joined\n"
        "to a domain, then HTTPS transport must be used or the destination machine must be "
        "added to the TrustedHosts\n"
        "    + FullyQualifiedErrorId : ServerNotTrusted,PSSessionOpenFailed\n"
    )
    assert analyze_joblog(log).category == "authentication"


def test_an_odbc_general_error_record_is_the_line_and_its_message_the_category():
    log = joblog(
        "Starting copy...\n"
        "SQLState = S1000, NativeError = 0\n"
        "Error = [Microsoft][ODBC Driver 18 for SQL Server]Unexpected EOF encountered in BCP "
        "data-file\n"
        "\n"
        "0 rows copied.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "SQLState = S1000"),
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "Error 20009 (severity 9):",
            "\tUnable to connect: Adaptive Server is unavailable or does not exist",
        ),
        (
            "CT-LIBRARY error:",
            "\tct_connect(): network packet layer: internal net library "
            "error: Net-Lib protocol driver call to connect two endpoints failed",
        ),
    ],
)
def test_a_sybase_client_library_header_is_the_line_and_its_message_the_category(header, message):
    log = joblog(f"{header}\n{message}\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, header))


def test_a_remoting_record_without_its_cmdlet_starts_at_the_connection_it_reports():
    log = joblog(
        "Connecting to remote server app07 failed with the following error message : The WinRM "
        "client cannot\n"
        "process the request. If the authentication scheme is different from Kerberos, or if "
        "the client computer is not joined\n"
        "to a domain, then HTTPS transport must be used or the destination machine must be "
        "added to the TrustedHosts\n"
        "    + FullyQualifiedErrorId : ServerNotTrusted,PSSessionStateBroken\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "authentication",
        line_of(log, "Connecting to remote server"),
    )


@pytest.mark.parametrize(
    "line",
    [
        "FAILED: Execution Error, return code 2 from org.apache.hadoop.hive.ql.exec.mr.MapRedTask",
        "Error: Error while processing statement: FAILED: Execution Error, return code 1 from "
        "org.apache.hadoop.hive.ql.exec.tez.TezTask (state=08S01,code=1)",
    ],
)
def test_hive_s_bare_task_return_code_names_no_cause(line):
    assert analyze_joblog(joblog(line + "\n")).category == "unknown"


def test_a_setting_s_value_in_a_connection_string_is_no_error_name():
    line = "Error opening connection to 'Server=db07;Integrated Security=true;Mode=ReadOnly'"
    assert read_line(line) is None
    assert read_line("Pod stopped: reason=OOMKilled") is not None


def test_an_http_api_s_error_document_fails_a_job_that_ended_0():
    log = joblog(
        '{"error":{"root_cause":[{"type":"repository_verification_exception","reason":"[bak] '
        "store location [/srv/es_bak] is not accessible on the node; nested: "
        'access_denied_exception: /srv/es_bak/tests-1/data.dat"}],"type":"repository_'
        'verification_exception","reason":"[bak] verification failed"},"status":500}\n',
        exit_status=0,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("permission_denied", line_of(log, "{"))


def test_a_json_reply_without_an_error_status_does_not_fail_a_job_that_ended_0():
    log = joblog('{"acknowledged":true,"status":200}\n', exit_status=0)
    assert analyze_joblog(log).category == "success"


def test_an_echoed_sql_statement_s_options_are_no_error_statement():
    log = joblog(
        "copy stage.orders (id, placed_at) from local '/data/in/orders.csv' delimiter ',' "
        "abort on error rejected data as table stage.orders_rej;\n"
        'ERROR 4856:  Syntax error at or near "rejected"\n'
    )
    assert analyze_joblog(log).error_line == line_of(log, "ERROR 4856")


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "2025/03/14 04:15:01 ERROR 123 (0x0000007B) Accessing Source Directory "
            "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy4\\data\\",
            "invalid_input",
        ),
        (
            "Copy-Item : Es wurde kein Positionsparameter gefunden, der das Argument "
            '"Recurse" akzeptiert.',
            "invalid_input",
        ),
        (
            "Get-ChildItem : A positional parameter cannot be found that accepts argument '*.log'.",
            "invalid_input",
        ),
        (
            "LibClamAV Error: cli_loaddbdir: No supported database files found in /var/lib/clamav",
            "file_not_found",
        ),
        ("        - Returned HRESULT: 8004230f", "application_error"),
    ],
)
def test_a_windows_or_scanner_wording_names_its_category(line, category):
    assert has_needle(line), "the prefilter would never show this line to the rules"
    assert analyze_joblog(joblog(line + "\n")).category == category


def test_a_vss_hresult_is_the_line_before_its_error_text():
    log = joblog(
        "The last operation failed.\n"
        "        - Returned HRESULT: 80042306\n"
        "        - Error text: VSS_E_PROVIDER_VETO\n"
    )
    assert analyze_joblog(log).error_line == line_of(log, "HRESULT")


def test_an_operation_refused_with_its_alternative_named_is_a_usage_error():
    log = joblog(
        "{\n"
        '  "success": false,\n'
        '  "message": "Retrieval of a whole partitioned data set is not supported. Use MGET '
        'for this purpose.",\n'
        '  "stderr": "Command Error: Retrieval of a whole partitioned data set is not '
        'supported."\n'
        "}\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, '"message"'),
    )


def test_a_failed_read_from_an_open_dd_is_no_missing_file():
    line = "Error: could not read from dd: 'PAYOPS.PAYJOB.JOB04711.D0000102.?' rc: '-1'"
    assert analyze_joblog(joblog(line + "\n")).category != "file_not_found"


@pytest.mark.parametrize(
    ("line", "category"),
    [
        # a peer not reached names no credentials, whatever the tool's prefix says
        (
            "kinit: krb5_get_init_creds: unable to reach any KDC in realm CORP.EXAMPLE",
            "network",
        ),
        ("ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)", "network"),
        (
            "Get-ADUser : Unable to contact the server. Perhaps this server does not exist",
            "network",
        ),
        ("Net::OpenTimeout: execution expired", "network"),
        (
            "mc: <ERROR> Unable to mirror. Overwrite not allowed for 's3/bkt/a.csv'.",
            "invalid_input",
        ),
        (
            "cannot receive incremental stream: destination pool/data has been modified",
            "application_error",
        ),
        ("govc: Cannot complete file creation operation.", "application_error"),
        ("error 2 at 1 depth lookup: unable to get issuer certificate", "invalid_input"),
        (
            'SQL0104N  An unexpected token "SELEC" was found following "BEGIN-OF-STATEMENT".',
            "database",
        ),
        ('Error in run_all(x) : could not find function "is_valid"', "application_error"),
    ],
)
def test_a_storage_or_directory_tool_s_wording_names_its_category(line, category):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, line[:25]))


def test_a_ruby_exception_under_rake_aborted_is_the_cause():
    log = joblog(
        "rake aborted!\n"
        "Net::OpenTimeout: execution expired\n"
        "/srv/app/lib/tasks/poll.rake:11:in `block in <main>'\n"
        "Tasks: TOP => poll\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "Net::Open"))


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("系统找不到指定的路径。", "file_not_found"),
        ("系統找不到指定的檔案。", "file_not_found"),
        ("指定されたパスが見つかりません。", "file_not_found"),
        ("no named pipe instance matching 'SALES02' returned from host 'dbhost'.", "network"),
        (
            "System.Net.Http.HttpRequestException: No se puede establecer una conexión ya que el "
            "equipo de destino denegó expresamente dicha conexión. (api7:8443)",
            "network",
        ),
        (
            "Es konnte keine Verbindung hergestellt werden, da der Zielcomputer die Verbindung "
            "verweigerte 10.0.0.9:1433",
            "network",
        ),
    ],
)
def test_a_windows_message_in_another_language_names_its_category(line, category):
    assert analyze_joblog(joblog(line + "\n", exit_status=1)).category == category
