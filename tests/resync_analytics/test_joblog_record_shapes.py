"""Tool wordings and multi-line error records the rules first read as a bare error, a wrapper
or a status: Google Cloud's anonymous caller, pg_restore relaying the server's error, robocopy's
missing privilege, Pentaho Carte's and SAP tp's missing objects, pgloader's parse report; SQL
Server's header over an operating system error (also localized), AIX's loader list, SAP's NI
record with its errno field, a Hadoop task's trace under "Error: ", a logger's line before the
exception it throws, Windows Installer's and SAS/AF's failure reports, Kubernetes' listings
under exit 0 and a quoted exit code; Sqitch's progress line with an empty password, Kafka's
metadata wait, Redis's crash report, Camel's unsupported route definition, a code after a JSON
string's escaped line break, retries that never succeed before a job fails; Amanda's security
file, a relayed usage text, PHP PDO's SQLSTATE before a syntax error or a client error, a cause
stated before the tool's own action on its line, a name that did not resolve under a failed
connection; Python's ENOENT on a bare program name, and a shared library ld.so cannot find."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "ServiceException: 401 Anonymous caller does not have storage.objects.list access "
            "to the Google Cloud Storage bucket.",
            "authentication",
        ),
        (
            '12:00:01 4711 ERROR pg_restore: error: could not execute query: ERROR:  role "etl_ro" '
            "does not exist",
            "database",
        ),
        (
            "2025/03/14 02:00:09 ERROR 1314 (0x00000522) Copying NTFS Security to Destination "
            "Directory \\\\nas01\\backup\\",
            "permission_denied",
        ),
        (
            'airflow.exceptions.AirflowException: Unexpected server response: {"webresult": '
            '{"result": "ERROR", "message": "The specified job [nightly.kjb] could not be '
            'found", "id": null}}',
            "file_not_found",
        ),
        ("  Error text: no info about transport request found", "file_not_found"),
    ],
)
def test_a_tool_s_own_wording_names_its_category(line, category):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, line[:25]))


def test_pgloader_s_parse_report_is_invalid_input_from_its_first_line():
    log = joblog(
        "KABOOM!\n"
        "FATAL error: At\n"
        "\n"
        "  id;name;amount\n"
        "  ^ (Line 1, Column 0, Position 0)\n"
        "\n"
        "In context KW-LOAD:\n"
        "\n"
        "While parsing KW-LOAD. Expected:\n"
        '  or the string "load"\n'
        "An unhandled error condition has been signalled: At\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "FATAL error: At"),
    )


@pytest.mark.parametrize("header", ["Msg 3202, Level 16, State 1", "Mens 3202, Nivel 16, Estado 1"])
def test_a_sql_server_header_over_an_os_error_is_the_line_and_the_os_error_the_category(header):
    log = joblog(
        "Processed 304 pages for database 'Sales', file 'Sales' on file 1.\n"
        f"{header}, Line 1\n"
        'Write on "e:\\backup\\Sales.bak" failed: 112(There is not enough space on the disk.)\n'
        "Msg 3013, Level 16, State 1, Line 1\n"
        "BACKUP DATABASE is terminating abnormally.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("disk_full", line_of(log, header))


def test_aix_s_loader_list_is_stated_by_its_first_listed_line():
    log = joblog(
        "exec(): 0509-036 Cannot load program /opt/app/bin/listener because of the following "
        "errors:\n"
        "        0509-150   Dependent module libssl.a(libssl.so.1.1) could not be loaded.\n"
        "        0509-022 Cannot load module libssl.a(libssl.so.1.1).\n"
        "        0509-026 System error: A file or directory in the path name does not exist.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "file_not_found",
        line_of(log, "0509-150"),
    )


def test_sap_s_errno_field_names_why_the_partner_was_not_reached():
    log = joblog(
        "Exception: Could not open connection\n"
        "LOCATION    CPIC (TCP/IP) on local host with Unicode\n"
        "ERROR       partner 10.1.2.3:3300 not reached\n"
        "COMPONENT   NI (network interface)\n"
        "RC          -10\n"
        "SYSTEM CALL connect\n"
        "ERRNO       13\n"
        "ERRNO TEXT  Permission denied\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "ERRNO TEXT"),
    )


def test_a_hadoop_task_trace_under_error_is_stated_by_its_deepest_cause():
    log = joblog(
        "INFO mapreduce.Job: Task Id : attempt_1_0001_m_000000_0, Status : FAILED\n"
        "Error: java.io.IOException: Can't export data, please check failed map task logs\n"
        "\tat org.apache.sqoop.mapreduce.TextExportMapper.map(TextExportMapper.java:112)\n"
        "\tat org.apache.hadoop.mapreduce.Mapper.run(Mapper.java:145)\n"
        "\tat org.apache.hadoop.mapred.MapTask.runNewMapper(MapTask.java:764)\n"
        "\tat org.apache.hadoop.mapred.MapTask.run(MapTask.java:340)\n"
        "\tat org.apache.hadoop.mapred.YarnChild$2.run(YarnChild.java:167)\n"
        "\tat java.security.AccessController.doPrivileged(Native Method)\n"
        "\tat javax.security.auth.Subject.doAs(Subject.java:415)\n"
        "\tat org.apache.hadoop.mapred.YarnChild.main(YarnChild.java:162)\n"
        "Caused by: java.io.IOException: java.sql.BatchUpdateException: Data truncation: Data "
        "too long for column 'city' at row 1\n"
        "\tat org.apache.sqoop.mapreduce.AsyncSqlRecordWriter.write(AsyncSqlRecordWriter.java)\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "Caused by:"),
    )


def test_a_logger_s_line_with_the_thrown_message_is_the_first_statement():
    message = (
        "RuntimeException: Failed to connect to timeline server. Connection retries limit exceeded."
    )
    log = joblog(
        f"2025-03-14 02:00:07,729  WARN ActionStartXCommand:523 - Error starting action [sh]. "
        f"ErrorType [ERROR], Message [{message}]\n"
        f"org.apache.oozie.action.ActionExecutorException: {message}\n"
        "        at org.apache.oozie.action.ActionExecutor.convert(ActionExecutor.java:445)\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "ErrorType"))


def test_windows_installer_s_failed_action_is_reported_without_a_cause():
    log = joblog(
        "Action ended 02:00:09: ExecuteAction. Return value 3.\n"
        "Action ended 02:00:09: INSTALL. Return value 3.\n"
        "MSI (c) (0C:4C) [02:00:09:143]: Product: exporter -- Installation failed.\n"
        "MSI (c) (0C:4C) [02:00:09:143]: Windows Installer installed the product. Product Name: "
        "exporter. Installation success or error status: 1603.\n",
        exit_status=1603,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "unknown",
        line_of(log, "ExecuteAction. Return value 3"),
    )


def test_sas_af_returning_prematurely_reports_a_failure_without_a_cause():
    log = joblog(
        "NOTE: Entry LOAD.SCL has been imported.\n"
        "Program returning prematurely at line 179\n"
        "AF Program: WORK.APP.LOAD.SCL\n",
        exit_status=2,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "unknown",
        line_of(log, "returning prematurely"),
    )


def test_kubernetes_listings_of_oomkilled_pods_do_not_fail_a_job_that_ended_0():
    log = joblog(
        "$ kubectl get pods\n"
        "job1-2k5bx   0/1     OOMKilled          0                143m\n"
        "$ kubectl describe pod job1-2k5bx\n"
        "Status:       Succeeded\n"
        "    State:          Terminated\n"
        "      Reason:       OOMKilled\n"
        "      Exit Code:    0\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == "success"


def test_a_quoted_exit_code_is_read_on_the_line_that_states_it():
    log = joblog("Pods terminated with status 'Failed', exitcode '139' & message 'null'\n", 139)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "signal_or_crash",
        line_of(log, "exitcode '139'"),
    )


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("  + AddVindexDb .. 251006 (n/a): Password is empty", "authentication"),
        (
            "[2016-07-29 11:13:11,428] ERROR Error when sending message to topic log_rolereg "
            "with key: null, value: 5 bytes with error: Failed to update metadata after 60000 "
            "ms. (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)",
            "network",
        ),
        ("[9701] 18 Jul 02:21:30.542 #     Redis 2.9.7 crashed by signal: 11", "signal_or_crash"),
        (
            "Caused by: org.apache.camel.FailedToCreateRouteException: Failed to create route "
            "route1 at: >>> Route(toRoute) <<< because of Unsupported definition: Route",
            "invalid_input",
        ),
    ],
)
def test_more_tools_own_wording_names_its_category(line, category):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, line[:25]))


def test_a_set_x_trace_is_still_no_statement():
    # a shell trace that echoes the message is not the message (Sqitch's '+ name .. ' is)
    log = joblog("+ echo 'Password is empty'\nPassword is empty\n")
    assert analyze_joblog(log).error_line == line_of(log, "Password is empty") + 1


def test_a_code_after_an_escaped_line_break_in_a_json_record_is_read():
    line = (
        'fatal: [vm98]: FAILED! => {"changed": false, "msg": "Selective Backup function '
        "invoked.\\n\\nANS1076E The specified directory path '/root/backup/*' could not be "
        'found.\\n", "rc": 12}'
    )
    log = joblog(line + "\n", 2)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("file_not_found", line_of(log, "FAILED!"))


def test_retries_that_never_succeed_in_a_failed_job_report_the_failure():
    log = joblog(
        "".join(
            f"2017/08/23 20:24:1{n} Download shard 2 failed copy backup to file: err=<nil>, "
            f"n=0.  Retrying ({n})...\n"
            for n in range(4)
        )
    )
    analysis = analyze_joblog(log)
    # the first report; an error field whose value is nil names no cause
    assert (analysis.category, analysis.error_line) == ("unknown", line_of(log, "Retrying (0)"))


def test_a_retry_that_succeeded_is_still_no_cause():
    log = joblog(
        "Download shard 2 failed: connection reset. Retrying (0)...\n"
        "Download shard 2 done\n"
        "ERROR: no space left on device\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.error_line == line_of(log, "no space left")


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "HOST openhab ERROR: security file '/etc/amanda-security.conf' do not allow to run "
            "'/usr/bin/tar' as root for 'amgtar:gnutar_path'",
            "permission_denied",
        ),
        (
            "application stderr: /sbin/xfsrestore: usage: xfsrestore [ -a <alt. workspace dir> ]",
            "invalid_input",
        ),
        (
            "Fatal error: Uncaught exception 'PDOException' with message 'SQLSTATE[42000]: Syntax "
            "error or access violation: 1064 You have an error in your SQL syntax'",
            "database",
        ),
        (
            "PDOException: SQLSTATE[HY000] [2002] No such file or directory in "
            "drupal_is_denied() (line 1921 of includes/bootstrap.inc).",
            "network",
        ),
    ],
)
def test_a_relayed_or_prefixed_wording_names_its_category(line, category):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, line[:25]))


def test_a_ksh_script_line_s_syntax_error_is_still_the_script_s():
    log = joblog("ksh: /opt/batch/load.ksh[41]: syntax error: `then' unexpected\n")
    assert analyze_joblog(log).category == "application_error"


def test_a_cause_stated_before_the_tool_s_own_action_is_no_consequence():
    log = joblog(
        "systemd[1]: log-convert.service: Start operation timed out. Terminating.\n"
        "systemd[1]: log-convert.service: Control process exited, code=killed, status=15/TERM\n"
        "systemd[1]: log-convert.service: Failed with result 'timeout'.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("timeout", line_of(log, "timed out."))


def test_a_name_that_did_not_resolve_is_the_cause_of_the_failed_connection_above_it():
    log = joblog(
        "client-fd JobId 3: Fatal error: job.c:2720 Failed to connect to Storage daemon: "
        "bacula-sd:9103\n"
        'client-fd JobId 3: Error: bsockcore.c:341 gethostbyname() for host "bacula-sd" failed: '
        "ERR=Temporary failure in name resolution\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "gethostbyname"))


def test_a_refused_connection_stays_the_cause_without_a_resolution_failure():
    log = joblog("ssh: connect to host sftp01 port 22: Connection refused\nlost connection\n")
    assert analyze_joblog(log).error_line == line_of(log, "Connection refused")


def test_a_template_variable_left_undefined_fails_a_render_that_ended_0():
    log = joblog(
        "local:\n"
        "    Data failed to compile:\n"
        "----------\n"
        "    Rendering SLS 'base:app.deploy' failed: Jinja variable 'release' is undefined\n",
        exit_status=0,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "Jinja variable"),
    )


def test_a_child_ended_by_a_signal_and_logged_at_info_is_the_cause_above_the_summary():
    log = joblog(
        "INFO: Task BuildIndex__3a7f01 died unexpectedly with exit code -9\n"
        "\n"
        "===== Execution Summary =====\n"
        "* 1 failed:\n"
        "    - 1 BuildIndex()\n"
        "This progress looks bad because there were failed tasks\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "signal_or_crash",
        line_of(log, "died unexpectedly"),
    )


@pytest.mark.parametrize(
    ("body", "killed_category"),
    [
        # nothing says memory: SIGKILL is sent by operators, timeouts and runtimes too
        ("step 2: scoring batch 14\n", "signal_or_crash"),
        ("container memory limit 16G\nstep 2: scoring batch 14\n", "out_of_memory"),
    ],
)
def test_a_bare_kill_is_out_of_memory_only_where_the_job_speaks_of_memory(body, killed_category):
    log = joblog(
        body + '/workdir/run.sh: line 7:   211 Killed                  python score.py "$@"\n',
        exit_status=137,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (killed_category, line_of(log, "Killed"))


def test_a_class_kept_in_an_exceptions_module_is_an_exception_whatever_its_name():
    log = joblog(
        "Traceback (most recent call last):\n"
        '  File "/srv/flows/engine.py", line 88, in propose\n'
        "    raise orchestra.exceptions.Halt(reason)\n"
        "orchestra.exceptions.Halt: The run was already cancelled.\n"
        "Crash detected! Execution was interrupted by an unexpected exception.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "application_error",
        line_of(log, "orchestra.exceptions.Halt: The run"),
    )


@pytest.mark.parametrize(
    "lines",
    [
        # a client relays the server's parser message after its own words
        ['Error: query error: ERROR: syntax error at or near ")"'],
        # a model runner prints it bare under its own report of the model
        [
            "4 of 6 -- ERROR creating relation analytics.orders_daily",
            "Error executing target/run/orders_daily.sql",
            'syntax error at or near "sortkey"',
        ],
    ],
)
def test_a_sql_syntax_error_from_the_server_is_a_database_error(lines):
    log = joblog("".join(f"{line}\n" for line in lines))
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "database",
        line_of(log, "syntax error at or near"),
    )


def test_a_database_error_title_over_its_indented_message_is_the_record_s_first_line():
    log = joblog(
        "Database Error in model orders (models/orders.sql)\n"
        '  syntax error at or near "2"\n'
        "  compiled SQL at target/compiled/shop/orders.sql\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "database",
        line_of(log, "Database Error in model"),
    )


def test_sqlplus_unknown_commands_are_the_script_s_input_not_the_database():
    log = joblog(
        'SP2-0734: unknown command beginning "FOREIGN KE..." - rest of line ignored.\n'
        'SP2-0042: unknown command ")" - rest of line ignored.\n'
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "SP2-0734"),
    )


def test_an_ole_db_record_s_communication_link_failure_is_the_network_cause():
    log = joblog(
        "Error: 2024-11-02 01:10:31.07\n"
        "   Code: 0xC0202009\n"
        "   Description: SSIS Error Code DTS_E_OLEDBERROR.  An OLE DB error has occurred. "
        "Error code: 0x80004005.\n"
        'An OLE DB record is available.  Source: "Microsoft OLE DB Driver for SQL Server"  '
        'Hresult: 0x80004005  Description: "Communication link failure".\n'
        'An OLE DB record is available.  Source: "Microsoft OLE DB Driver for SQL Server"  '
        'Hresult: 0x80004005  Description: "TCP Provider: An existing connection was '
        "forcibly closed by the remote host.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "network",
        line_of(log, '"Communication link failure"'),
    )


def test_a_load_s_row_error_under_its_too_many_errors_sum_is_the_cause():
    log = joblog(
        "Errors:\n"
        "Error while reading data, error message: CSV table encountered too many errors, "
        "giving up. Rows: 2; errors: 1. Please look into the errors[] collection.\n"
        "Error while reading data, error message: CSV table references column position 6, "
        "but line starting at position:411 contains only 5 columns. (error code: invalid)\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "references column position"),
    )


def test_a_dotnet_inner_exception_restating_the_record_s_message_is_stated_by_the_record():
    message = (
        "A connection was successfully established with the server, but then an error "
        "occurred during the pre-login handshake. (provider: TCP Provider, error: 0 - "
        "The wait operation timed out.)"
    )
    log = joblog(
        "PSMessageDetails      : \n"
        f"Exception             : System.Exception: {message}\n"
        "                         ---> Microsoft.Data.SqlClient.SqlException (0x80131904): "
        f"{message[:150]}\n"
        "                           at Microsoft.Data.SqlClient.SqlInternalConnection."
        "OnError(SqlException exception)\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "Exception   "))


def test_a_reason_wrapped_onto_its_own_line_is_stated_from_the_path_before_it():
    log = joblog(
        "24/05/02 03:12:40 WARN TaskSetManager: Lost task 3.0 in stage 7.0 (TID 41, "
        "10.0.4.7, executor 2): FetchFailed(BlockManagerId(2,\n"
        "10.0.4.7, 41877, None), shuffleId=7, mapId=3, reduceId=1, message=\n"
        "org.apache.spark.shuffle.FetchFailedException:\n"
        "/mnt/disk1/spark/blockmgr-77aa/0c/shuffle_7_3_0.index\n"
        "(No such file or directory)\n"
        "        at\n"
        "org.apache.spark.storage.ShuffleBlockFetcherIterator.next(ShuffleBlockFetcherIterator"
        ".scala:332)\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "file_not_found",
        line_of(log, "/mnt/disk1/spark/blockmgr-77aa"),
    )


def test_a_transfer_tool_s_failed_upload_is_a_failure_under_exit_zero():
    log = joblog(
        "+ aws s3 cp build/app.tgz s3://releases-example/app.tgz\n"
        "upload failed: build/app.tgz to s3://releases-example/app.tgz An error occurred "
        "(AccessDenied) when calling the PutObject operation: Access Denied\n"
        "+ echo s3://releases-example/app.tgz\n",
        exit_status=0,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "upload failed:"),
    )


def test_a_which_probe_that_finds_nothing_is_not_the_cause():
    log = joblog(
        "which: no gawk in (/usr/local/bin:/usr/bin:/bin)\n"
        "upload failed: dist/index.html to s3://site-example/index.html An error occurred "
        "(AccessDenied) when calling the PutObject operation: Access Denied\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "upload failed:"),
    )


@pytest.mark.parametrize(
    ("lines", "reported"),
    [
        (
            [
                "sending incremental file list",
                "rsync error: some files/attrs were not transferred (see previous errors) "
                "(code 23) at main.c(1207) [sender=3.1.3]",
            ],
            "rsync error",
        ),
        (
            [
                "24/05/02 03:12:40 ERROR TaskSetManager: Task 1 in stage 3.0 failed 4 times; "
                "aborting job",
                'Exception in thread "main" org.apache.spark.SparkException: Job aborted due to '
                "stage failure: Task 1 in stage 3.0 failed 4 times, most recent failure: Lost "
                "task 1.3 in stage 3.0 (TID 12, node4): ExecutorLostFailure (executor 5 exited "
                "caused by one of the running tasks) Reason: Remote RPC client disassociated. "
                "Likely due to containers exceeding thresholds, or network issues.",
            ],
            "aborting job",
        ),
    ],
)
def test_a_failure_reported_without_its_cause_is_unknown_from_its_first_report(lines, reported):
    log = joblog("".join(f"{line}\n" for line in lines), exit_status=23)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("unknown", line_of(log, reported))


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("  trying to use CRAN without setting a mirror", "invalid_input"),
        ("  there is no package called 'argparser'", "command_not_found"),
    ],
)
def test_an_error_head_ending_with_a_colon_is_the_line_of_its_indented_message(message, category):
    log = joblog('Error in setup(repos, "source") : \n' + message + "\nExecution halted\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, "Error in setup"))


def test_a_head_that_counts_errors_leaves_the_line_to_its_listed_item():
    log = joblog("Error: request failed\n* 1 error occurred:\n\t* permission denied\n")
    analysis = analyze_joblog(log)
    assert analysis.error_line == line_of(log, "\t* permission denied")


def test_node_s_unhandled_rejection_fails_a_job_that_ended_0():
    log = joblog(
        "(node:812) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 10.0.0.9:443\n"
        "    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1146:16)\n"
        "(Use `node --trace-warnings ...` to show where the warning was created)\n"
        "(node:812) UnhandledPromiseRejectionWarning: Unhandled promise rejection.\n",
        exit_status=0,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "(node:812) Un"))


def test_node_s_unhandled_rejection_followed_by_more_work_stays_a_success():
    log = joblog(
        "(node:812) UnhandledPromiseRejectionWarning: Error: connect ECONNREFUSED 10.0.0.9:443\n"
        "    at TCPConnectWrap.afterConnect [as oncomplete] (net.js:1146:16)\n"
        "Wrote 120 recipes to out/index.json\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == "success"


def test_a_powershell_record_without_its_cmdlet_starts_at_its_message():
    log = joblog(
        "Connected to the remote session.\n"
        "\n"
        "A parameter cannot be found that matches parameter name 'Identity'.\n"
        "    + CategoryInfo          : InvalidArgument: (:) [Get-X], ParameterBindingException\n"
        "    + FullyQualifiedErrorId : NamedParameterNotFound,Get-X\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "invalid_input",
        line_of(log, "A parameter cannot"),
    )


def test_a_net_exception_whose_inner_exception_repeats_it_is_the_line():
    refused = "No se puede establecer una conexión ya que el equipo de destino denegó expresamente"
    log = joblog(
        f"System.Net.Http.HttpRequestException: {refused} dicha conexión. (api7:8443)\n"
        f" ---> System.Net.Sockets.SocketException (10061): {refused} dicha conexión.\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "network",
        line_of(log, "System.Net.Http.HttpRequestException"),
    )


def test_a_wrapper_s_last_exit_announcement_is_the_job_s_status():
    # bare output: the tool's own "Exit Status: 0" for its last run comes before the
    # wrapper's own status for the whole job
    log = (
        "*** Error: Could not find a part of the path '\\\\SQLPRD02\\LSBackup\\Claims\\'. ***\n"
        "Exit Status: 1 (Error)\n"
        "The copy operation was successful. Number of log backup files copied: 1\n"
        "Exit Status: 0 (Success)\n"
        "summary: 2 ok, 1 failed (Claims)\n"
        "Invoke-LSCopy.ps1 : exiting with code 1\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.exit_code == 1
    assert (analysis.category, analysis.error_line) == ("file_not_found", 1)


UNCAUGHT = (
    "Traceback (most recent call last):\n"
    '  File "D:\\batch\\score_loader.py", line 118, in <module>\n'
    "    main()\n"
    '  File "D:\\venv\\Lib\\sqlalchemy\\engine\\default.py", line 924, in do_execute\n'
    "    cursor.execute(statement, parameters)\n"
    "psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "
    '"scores_pkey"\n'
    "[SQL: INSERT INTO mart.scores (id, score) VALUES (%(id)s, %(score)s)]\n"
    "(Background on this error at: https://sqlalche.me/e/20/gkpj)\n"
    "[04:31:03] score_loader.py finished\n"
    "[04:31:03] archiving log to \\\\fs01\\batchlogs\\load_scores.log\n"
    "        1 file(s) copied.\n"
)


def test_an_uncaught_traceback_the_wrapper_ignored_fails_the_job_under_exit_0():
    log = joblog(UNCAUGHT, exit_status=0)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "database",
        line_of(log, "psycopg2.errors.UniqueViolation"),
    )


def test_an_uncaught_traceback_retried_to_success_stays_a_success():
    log = joblog(UNCAUGHT + "retrying score_loader.py\nscore_loader.py completed successfully\n", 0)
    assert analyze_joblog(log).category == "success"


def ansible_run(failed: int) -> str:
    """A bare ansible-playbook run: a failure it ignored, a retried wait, then its recap."""
    return (
        "TASK [patch : Check for ERROR entries in nginx error log] *******\n"
        'fatal: [ngx01]: FAILED! => {"changed": false, "cmd": "grep -c error '
        '/var/log/nginx/error.log.1", "msg": "non-zero return code", "rc": 2, "stderr": '
        '"grep: /var/log/nginx/error.log.1: No such file or directory"}\n'
        "...ignoring\n"
        "TASK [patch : Wait for nginx to answer on 443] *****\n"
        "FAILED - RETRYING: [ngx01]: patch : Wait for nginx to answer on 443 (6 retries left).\n"
        "ok: [ngx01]\n"
        "PLAY RECAP *********************************************************************\n"
        f"ngx01  : ok=7    changed=4    unreachable=0    failed={failed}    skipped=0    "
        "rescued=0    ignored=1\n"
    )


def test_ansible_s_recap_is_the_play_s_status_when_the_log_shows_none():
    assert analyze_joblog(ansible_run(failed=0)).category == "success"
    failed = analyze_joblog(ansible_run(failed=1))
    assert (failed.exit_code, failed.category) == (2, "file_not_found")


@pytest.mark.parametrize(
    ("missing", "category"),
    [
        # subprocess could not find a program on PATH: a bare name
        ("'Rscript'", "command_not_found"),
        ("'sqlldr'", "command_not_found"),
        # a data file has a path or an extension: ENOENT's file not found
        ("'positions.csv'", "file_not_found"),
        ("'/data/in/positions'", "file_not_found"),
    ],
)
def test_python_s_enoent_on_a_bare_program_name_is_a_missing_command(missing, category):
    log = joblog(
        "Traceback (most recent call last):\n"
        '  File "/opt/val/run.py", line 41, in <module>\n'
        "    subprocess.run([prog, script], check=True)\n"
        f"FileNotFoundError: [Errno 2] No such file or directory: {missing}\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.category == category
    assert analysis.error_line == line_of(log, "FileNotFoundError")


def test_a_shared_library_the_loader_cannot_find_is_a_missing_module():
    log = joblog(
        "rm: cannot remove '/tmp/feed.lck': No such file or directory\n"
        "/u01/app/bin/tgrfeed: error while loading shared libraries: libclntsh.so.19.1: "
        "cannot open shared object file: No such file or directory\n",
        exit_status=127,
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "command_not_found"
    assert analysis.error_line == line_of(log, "shared libraries")


@pytest.mark.parametrize(
    ("line", "category"),
    [
        # a connection of a named kind is no file ("TCP connection", "SSH connection")
        ("ascp: Failed to open TCP connection for SSH, exiting.", "network"),
        ("Unable to establish SSH connection to host mft01", "network"),
        # what is opened with such a word before it is still a file
        ("failed to open remote file /outbound/AR.csv", "file_not_found"),
        ("Failed to open data file /data/in/a.csv", "file_not_found"),
    ],
)
def test_what_failed_to_open_decides_between_a_connection_and_a_file(line, category):
    assert analyze_joblog(joblog(line + "\n")).category == category
