"""Harmless lines that look like errors, and retries read across the record they follow: a
connect-timeout option on a command line, cmd.exe's del finding nothing to delete, a shell's
ulimit refused, a watchdog's kill the job "did not complete" after, a script or command name
that contains an error word, a retry announced under an error record's indented fields, an
exit 0 after retries that ran out, and z/OS's converter notes."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.identifiers import read_line
from resync_analytics.joblog.knowledge import knowledge
from tests.resync_analytics.joblog_samples import joblog, line_of


def assert_reads(log: str, category: str, needle: str) -> None:
    """The analysis of ``log`` names ``category`` at the first line that holds ``needle``."""
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, needle))


def test_a_connect_timeout_option_on_a_command_line_is_no_network_error():
    log = joblog(
        "03:30:04 send: scp -q -P 2222 -o ConnectTimeout=60 /out/f.dat xfer@gw01.example:/in/\n"
        "ssh: connect to host gw01.example port 2222: Connection timed out\n"
        "lost connection\n"
    )
    assert_reads(log, "network", "ssh: connect to host")


def test_del_finding_nothing_to_delete_is_a_clean_up_not_the_cause():
    log = joblog(
        "D:\\Batch>del /q D:\\Batch\\work\\*.tmp\n"
        "Could Not Find D:\\Batch\\work\\*.tmp\n"
        "D:\\Batch>net use \\\\fs07\\out /user:CORP\\svc_x ********\n"
        "System error 1326 has occurred.\n"
        "\n"
        "The user name or password is incorrect.\n",
        exit_status=2,
    )
    assert_reads(log, "authentication", "System error 1326")


def test_a_setting_looked_up_and_not_found_is_read_as_left_out_when_the_job_says_so():
    log = joblog(
        "[06:00:02.47] checking for proxy override\n"
        "ERROR: The system was unable to find the specified registry key or value.\n"
        "[06:00:02.52] no proxy override set, using direct connection\n"
        "[06:00:02.84] upload attempt 1 of 3\n"
        "Searching for host...\n"
        'Network error: Connection to "mftpi.example.com" timed out.\n'
        "Connection failed.\n",
        exit_status=1,
    )
    assert_reads(log, "network", "Network error")


def test_sql_server_s_drop_of_a_table_that_is_not_there_yields_to_the_later_failure():
    # Msg 3701 is the drop's own complaint: sqlcmd echoes no DROP statement above it
    log = joblog(
        "Changed database context to 'TMS_FreightAudit'.\n"
        "Msg 3701, Level 11, State 5, Server SQLTMS01\\TMS, Line 4\n"
        "Cannot drop the table '#inv_work', because it does not exist or you do not have "
        "permission.\n"
        "\n"
        "(4310 rows affected)\n"
        "Msg 208, Level 16, State 1, Server SQLTMS01\\TMS, Procedure usp_Merge, Line 41\n"
        "Invalid object name 'audit.CarrierRateCard_v3'.\n",
        exit_status=1,
    )
    assert_reads(log, "database", "Msg 208")


@pytest.mark.parametrize(
    "cleanup",
    [
        "Remove-Item : Cannot find path 'E:\\Render\\_temp' because it does not exist.",
        'Remove-Item : Der Pfad "E:\\Render\\_temp" kann nicht gefunden werden, da er nicht '
        "vorhanden ist.",
        "Remove-Item : Impossible de trouver le chemin d'accès « E:\\Render\\_temp », car il "
        "n'existe pas.",
    ],
)
def test_powershell_s_clean_up_of_a_path_not_there_is_harmless_in_any_language(cleanup):
    log = joblog(
        cleanup + "\n"
        "At D:\\jobs\\push.ps1:14 char:5\n"
        "[06:10:02] copying 14 clips to \\\\nexis01\\NEWS\\in\n"
        "Copy-Item : Access to the path '\\\\nexis01\\NEWS\\in\\clip01.mxf' is denied.\n",
        exit_status=1,
    )
    assert_reads(log, "permission_denied", "Copy-Item")


def test_a_refused_ulimit_is_a_warning_the_shell_runs_on_after():
    log = joblog(
        "/opt/app/bin/run_calc.sh: line 12: ulimit: core file size: cannot modify limit: "
        "Operation not permitted\n"
        "calc: 100000 records processed\n"
        "calc: 200000 records processed\n"
        "/opt/app/bin/run_calc.sh: line 40: 4711 Segmentation fault      $BIN/calc -p 06\n",
        exit_status=139,
    )
    assert_reads(log, "signal_or_crash", "Segmentation fault")


def test_a_watchdog_s_limit_stays_the_cause_when_the_job_did_not_complete_after_it():
    log = joblog(
        "02:55:00 INFO heartbeat: 14/48 books done\n"
        "[03:00:03] Invoke-Guard: ERROR: calc.exe (PID 9132) still running after 7200 s - "
        "maximum run time of 7200 s exceeded, killing process tree\n"
        "[03:00:04] Invoke-Guard: partial results left in stage, not published\n"
        "D:\\Batch\\Invoke-Guard.ps1 : calc.exe did not complete within 7200 s\n"
        "    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException\n"
        "    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException,"
        "Invoke-WithTimeout.ps1\n",
        exit_status=1460,
    )
    assert_reads(log, "timeout", "maximum run time")


def test_a_script_or_command_name_is_not_read_as_an_error_s_name():
    assert read_line("FullyQualifiedErrorId : WriteErrorException,Invoke-WithTimeout.ps1") is None
    assert read_line("running load_timeout_check.sh for TradeBooks") is None
    reading = read_line("Exception: SocketTimeoutException while reading the reply")
    assert reading is not None and reading.category == "timeout"


def test_a_retry_announced_under_an_error_record_s_fields_recovers_the_record():
    log = joblog(
        "RFC error: RFC_COMMUNICATION_FAILURE\n"
        "  ERROR       partner 'sapci01:3300' not reached\n"
        "  ERRNO TEXT  Connection refused\n"
        "  COUNTER     1\n"
        "Connection attempt 1 of 3 failed, retrying in 30 seconds\n"
        "Connected. SAP release 754\n"
        "12.06.2026 02:01:33 Cannot open file /interface/out/GL_1000.dat: Permission denied\n"
        "Job ZFI_EXTRACT (02004215) ended abnormally\n"
    )
    assert_reads(log, "permission_denied", "Cannot open file")


UPLOAD_ATTEMPTS = "".join(
    f"05:1{n}:02 INFO  upload attempt {n}/3: POST https://gw.example.net/upload\n"
    "curl: (6) Could not resolve host: gw.example.net\n"
    f"05:1{n}:02 WARN  upload attempt {n} failed, curl rc=6, retrying in 60s\n"
    for n in (1, 2, 3)
)
HEALTH_POLLS = "".join(
    "curl: (7) Failed to connect to localhost port 8088 after 0 ms: Connection refused\n"
    f"deploy.sh: health check {n}/3 not ready\n"
    for n in (1, 2, 3)
)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (
            UPLOAD_ATTEMPTS
            + "05:19:03 ERROR upload of SETTLE.csv failed after 3 attempts (last curl rc=6)\n"
            "05:19:04 INFO  push.sh finished\n",
            "Could not resolve host",
        ),
        # a readiness wait that ran out
        (
            HEALTH_POLLS
            + "deploy.sh: WARNING: reporting-ui not healthy after 30s, check containers\n"
            "deploy.sh: done\n",
            "curl: (7)",
        ),
    ],
)
def test_retries_that_ran_out_fail_the_job_under_exit_zero(body, needle):
    assert_reads(joblog(body, exit_status=0), "network", needle)


def test_a_refusal_retried_until_the_job_gave_up_fails_it_under_exit_zero():
    # ssh's numbered debug lines are its own account of the attempt, not the cause
    attempt = (
        "debug1: read_passphrase: can't open /dev/tty: No such device or address\n"
        "acme01@sftp.van.example: Permission denied (publickey,keyboard-interactive).\n"
        "Connection closed\n"
    )
    log = joblog(
        attempt
        + "sftp rc=255, retrying in 120s\n"
        + attempt
        + "WARNING: could not reach VAN mailbox ACME01 after 2 attempts (connection closed)\n"
        "0 file(s) retrieved\nnothing to translate, exiting\n",
        exit_status=0,
    )
    assert_reads(log, "authentication", "acme01@sftp.van.example: Permission denied")


def test_a_status_the_job_set_to_failed_fails_it_under_exit_zero():
    body = (
        "Caused by: java.sql.SQLSyntaxErrorException: ORA-00942: table or view does not exist\n"
        "\tat oracle.jdbc.driver.T4CTTIoer.processError(T4CTTIoer.java:462)\n"
        "03:01:45,118 INFO  [AIF]: Rollback of TDATASEG_T for LOADID 48211 complete\n"
        "03:01:45,402 INFO  [AIF]: Process ID 48211 status updated: {status}\n"
        "[03:01:48] data rule DLR_US_GL_ACT submitted, see process 48211\n"
    )
    log = joblog(body.format(status="IMPORT FAILED"), exit_status=0)
    assert_reads(log, "database", "Caused by:")
    done = joblog(body.format(status="IMPORT COMPLETE"), exit_status=0)
    assert analyze_joblog(done).category == "success"


def test_a_tool_s_deletion_of_what_is_not_there_is_a_clean_up():
    log = joblog(
        "epmautomate deletefile inbox/EU_GL/TB_May25.csv\n"
        'EPMAT-1:Failed to delete file. File "inbox/EU_GL/TB_May25.csv" does not exist.\n'
        "epmautomate uploadfile \\\\hypfs02\\GL\\TB_May25.csv inbox/EU_GL\n"
        'EPMAT-1:Failed to upload file. File "\\\\hypfs02\\GL\\TB_May25.csv" does not exist.\n'
    )
    assert_reads(log, "file_not_found", "EPMAT-1:Failed to upload")


def test_an_item_whose_retry_succeeded_is_recovered_whatever_later_items_did():
    log = joblog(
        "[05:00:09] INV-13 attempt 1\n"
        "Exit with code 1 due to network error: RemoteHostClosedError\n"
        "[05:00:40] INV-13 attempt 1 failed (rc=1), retrying in 20s\n"
        "[05:01:00] INV-13 attempt 2\n"
        "Printing pages (6/6)\n"
        "[05:01:04] INV-13 ok\n"
        "[05:01:04] INV-14 attempt 1\n"
        "Exit with code 1 due to network error: ConnectionRefusedError\n"
        "[05:01:05] INV-14 attempt 1 failed (rc=1), retrying in 20s\n"
        "[05:01:25] INV-14 attempt 2\n"
        "Exit with code 1 due to network error: ConnectionRefusedError\n"
        "[05:01:26] INV-14 FAILED after 2 attempts\n"
    )
    assert_reads(log, "network", "Exit with code 1 due to network error: ConnectionRefused")


@pytest.mark.parametrize(
    ("count", "category"), [("2 of 2", "permission_denied"), ("0 of 2", "success")]
)
def test_a_count_of_items_that_all_failed_fails_the_job_under_exit_zero(count, category):
    log = joblog(
        "--- step 3: hand-off to hot folder /prtsvc/hot/IPM01\n"
        "cp: cannot create regular file '/prtsvc/hot/IPM01/S_01.afp': Permission denied\n"
        "cp: cannot create regular file '/prtsvc/hot/IPM01/S_02.afp': Permission denied\n"
        f"WARN: hand-off incomplete ({count} files not copied) - files stay for the next cycle\n"
        "mail sent to print-ops@bank.example\ncompose.ksh finished\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == category


@pytest.mark.parametrize(("code", "category"), [(8, "file_not_found"), (4, "success")])
def test_a_tool_s_process_ending_with_a_failing_code_fails_the_job_under_exit_zero(code, category):
    log = joblog(
        "Completion Code  => 8\n"
        "Message Id       => LCCA014I\n"
        "Short Text       => Open failed for source file \\\\fs07\\out\\GL_0611.dat: The "
        "system cannot find the file specified.\n"
        "Direct> quit;\n"
        f"SENDGL process 41873 ended with completion code {code}\n"
        "Listing source folder for diagnostics:\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == category


@pytest.mark.parametrize(
    ("around", "category"),
    [
        ("[ Info: simulating paths 60000/100000  gc 12.9%  maxrss 112.3 GiB\n", "out_of_memory"),
        ("ARAGE    ITEMS FETCHED     5500000\n", "signal_or_crash"),
        # gigabytes read in one piece just before the kill
        (
            "run.sh: lb.xpt is 2.61 GB (9814226 rows x 44 cols), converting in one pass\n",
            "out_of_memory",
        ),
        ("download complete: 7.38 GiB (7924416512 bytes)\n", "out_of_memory"),
        ("download complete: 738 MiB (773849088 bytes)\n", "signal_or_crash"),
    ],
)
def test_a_bare_kill_is_out_of_memory_only_when_the_job_spoke_of_its_memory(around, category):
    log = joblog(around + "/opt/jobs/bin/run.sh: line 31: 231874 Killed    julia var_sim.jl\n")
    assert_reads(log, category, "/opt/jobs/bin/run.sh: line 31")


def test_an_error_whose_retry_right_under_it_went_through_is_recovered():
    log = joblog(
        "Fetching /outbound/AROPEN.csv to /data/ar/in/AROPEN.csv\n"
        "client_loop: send disconnect: Connection reset by peer\n"
        "Connection closed\n"
        "ar_nightly.sh: sftp attempt 1 failed rc=255, retrying in 60s\n"
        "Fetching /outbound/AROPEN.csv to /data/ar/in/AROPEN.csv\n"
        "ar_nightly.sh: sftp attempt 2 ok (92274688 bytes)\n"
        "libcob: arsumm.cob:145: error: permission denied (status = 37) for file RPTFILE "
        "('RPTFILE' => /srv/reports/ar/ARSUMM.txt) on OPEN\n"
        "ar_nightly.sh: ERROR: step SUMMARY failed rc=1\n"
    )
    assert_reads(log, "permission_denied", "libcob:")


def test_retries_that_recovered_under_exit_zero_are_a_success():
    log = joblog(
        "05:11:02 INFO  upload attempt 1/3: POST https://gw.example.net/upload\n"
        "curl: (6) Could not resolve host: gw.example.net\n"
        "05:11:02 WARN  upload attempt 1 failed, curl rc=6, retrying in 60s\n"
        "05:12:02 INFO  upload attempt 2/3: POST https://gw.example.net/upload\n"
        "05:12:03 INFO  upload succeeded (HTTP 201)\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == "success"


def test_the_jcl_converter_s_notes_are_no_jcl_error():
    family = next(f for f in knowledge().families if f.name == "zos_jcl_error")
    assert family.regex.search(" IEFC452I LOADJOB - JOB NOT RUN - JCL ERROR  353")
    assert family.regex.search(" IEFC605I UNIDENTIFIED OPERATION FIELD")
    for note in (
        "          IEFC653I SUBSTITUTION JCL - (PAY,0100),'PAYROLL',CLASS=B,MSGCLASS=X",
        "          IEFC001I PROCEDURE SORTPRC WAS EXPANDED USING SYSTEM LIBRARY SYS1.PROCLIB",
        "          IEFC002I INCLUDE GROUP PAYLIBS WAS EXPANDED USING PRIVATE LIBRARY X.JCL",
    ):
        assert not family.regex.search(note)


def test_a_jvm_option_naming_out_of_memory_is_no_memory_error():
    log = joblog(
        "run.sh: JAVA_OPTS=-Xms512m -Xmx2g -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/tmp\n"
        "2026-03-18 23:40:11 ERROR c.a.dedup.Step - chunk failed\n"
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
        "\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"
    )
    assert_reads(log, "out_of_memory", "Java heap space")


def test_hive_s_lock_not_acquired_in_time_is_a_busy_resource():
    log = joblog(
        "ERROR : FAILED: Error in acquiring locks: Lock acquisition for LockRequest(component:"
        "[LockComponent(type:EXCL_WRITE, level:TABLE, dbname:dwh, tablename:fact_orders)]) "
        "timed out after 300518ms.  LockResponse(lockid:924117, state:WAITING)\n"
    )
    assert_reads(log, "resource_busy", "Error in acquiring locks")


def test_an_exception_named_for_an_incorrect_record_is_invalid_input():
    reading = read_line(
        "Caused by: org.springframework.batch.item.file.transform.IncorrectTokenCountException: "
        "Incorrect number of tokens found in record"
    )
    assert reading is not None and reading.category == "invalid_input"
    credentials = read_line("Caused by: IncorrectCredentialsException: bad secret")
    assert credentials is not None and credentials.category == "authentication"


def test_a_watchdog_s_line_names_its_limit_and_the_process_it_killed():
    log = joblog(
        "[03:45:02] offload.sh: WATCHDOG: max runtime 2700s exceeded for java pid 48213 "
        "(topic orders.v1), sending SIGTERM\n"
        "Terminated\n",
        exit_status=143,
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "timeout"
    assert {"2700s", "48213"} <= set(analysis.entities)
    other = joblog(
        "06:00:02 backup.sh: WATCHDOG: maximum runtime of 7200 seconds exceeded, sending "
        "SIGTERM to bpbackup pid 51301\n",
        exit_status=143,
    )
    assert "7200 seconds" in analyze_joblog(other).entities


def test_oracle_s_expiry_warnings_at_a_good_logon_are_no_logon_failure():
    log = joblog(
        "Ora_DIM_CUST,0: OCISessionBegin returned status 1. Error code: 28,002, Error message: "
        "ORA-28002: the password will expire within 5 days\n"
        "ORA-28011: the account will expire soon; change your password now\n"
        'Ora_SALES_FACT,0: ORA-00904: "LOAD_BATCH_ID": invalid identifier\n'
    )
    assert_reads(log, "database", "ORA-00904")


def test_a_count_of_nothing_done_is_no_sign_the_job_carried_on():
    log = joblog(
        'D:\\Batch>copy /Y "\\\\FS01\\in\\POS_0611.dat" "D:\\Batch\\work\\"\n'
        "The system cannot find the file specified.\n"
        "        0 file(s) copied.\n"
        'D:\\Batch>bcp STG.dbo.PosSales in "D:\\Batch\\work\\POS_0611.dat" -S SQL01 -T\n'
        "SQLState = S1000, NativeError = 0\n"
        "Error = [Microsoft][ODBC Driver 17 for SQL Server]Unable to open BCP host data-file\n",
        exit_status=8,
    )
    assert_reads(log, "file_not_found", "The system cannot find")


def test_a_completion_s_sqlstate_is_no_error_and_a_wrapped_message_is_read_at_its_head():
    log = joblog(
        "SQL0100W  No row was found for FETCH, UPDATE or DELETE; or the result of a \n"
        "query is an empty table.  SQLSTATE=02000\n"
        "load.ksh: [4/5] insert delta into DWH.ORDERS_FACT\n"
        "SQL0803N  One or more values in the INSERT statement, UPDATE statement, or \n"
        "foreign key update caused by a DELETE statement are not valid because the \n"
        'primary key, unique constraint or unique index identified by "1" constrains \n'
        'table "DWH.ORDERS_FACT" from having duplicate values for the index key.  \n'
        "SQLSTATE=23505\n",
        exit_status=4,
    )
    assert_reads(log, "database", "SQL0803N")


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "AADSTS700016: Application with identifier 'x' was not found in the directory.",
            "authentication",
        ),
        (" *** Failure 2646 No more spool space in ETL_USER.", "disk_full"),
        (" *** Failure 2631 Transaction ABORTed due to deadlock.", "resource_busy"),
        (
            " *** Failure 3524 The user does not have CREATE TABLE access to database STG.",
            "permission_denied",
        ),
        (" *** Failure 8017 The UserId, Password or Account is invalid.", "authentication"),
        ("163     Illegal character in numeric field", "invalid_input"),
        ("114     Attempt to access item beyond bounds of memory (Signal 11)", "signal_or_crash"),
        ("173     Called program file not found in drive/directory", "command_not_found"),
        ("002003 (42S02): SQL compilation error: Object 'STG.ORDERS' does not exist.", "database"),
        ("100072 (22000): NULL result in a non-nullable column", "invalid_input"),
        (
            "250001 (28000): Failed to connect to DB: Incorrect username or password.",
            "authentication",
        ),
    ],
)
def test_a_vendor_s_code_names_its_category(line, category):
    log = joblog(line + "\n")
    assert_reads(log, category, line[:20])


def test_a_probe_that_found_no_file_yields_to_a_later_failure_of_another_kind():
    log = joblog(
        "cat: /srv/etl/state/last_loaded: No such file or directory\n"
        "load.sh: no previous state, loading from scratch\n"
        "load.sh: attempt 1 of 3: mysql -h db07 -e 'LOAD DATA ...'\n"
        "ERROR 2003 (HY000): Can't connect to MySQL server on 'db07:3306' (110)\n"
        "load.sh: ERROR: giving up after 3 attempts\n"
    )
    assert_reads(log, "network", "ERROR 2003")


def test_a_probe_that_found_no_file_stays_the_cause_when_nothing_else_is_said():
    log = joblog(
        "grep: /data/in/orders_0611.csv: No such file or directory\n"
        "load.sh: ERROR: order count check failed\n"
    )
    assert_reads(log, "file_not_found", "grep:")


@pytest.mark.parametrize(
    ("body", "category", "needle"),
    [
        (
            "20:30:05 wait.sh: ERROR: process 30417 not complete after 5400 seconds (maxwait) "
            "- transfer still running\n",
            "timeout",
            "not complete after",
        ),
        ("AMQ8148E: IBM MQ object in use.\n", "resource_busy", "AMQ8148E"),
        # a curl trace's bare status yields to the reason in the reply, whatever its category
        (
            "< HTTP/1.1 401\n< Content-Type: application/xml\n<\n"
            "* Connection #0 to host bip01.example.net left intact\n<error>\n"
            "    <error_code>FWM 00006</error_code>\n"
            "    <message>Enter a valid user name and password. (FWM 00006)</message>\n</error>\n",
            "authentication",
            "    <message>Enter a valid",
        ),
        # a status reported among other words yields to the reply right under it
        (
            "[ERROR] Refresh request rejected: HTTP 400 (Bad Request) RequestId=a81e4f02\n"
            '[ERROR] Response: {"error":{"code":"InvalidRequest","message":"Invalid dataset '
            'refresh request. Another refresh request is already executing"}}\n',
            "resource_busy",
            "[ERROR] Response:",
        ),
        ("ERROR: invalid datetime format: '2025-13-01 00:00'\n", "invalid_input", "ERROR:"),
        # a directory not made explains the files missing under it
        (
            "mkdir: cannot create directory '/u01/exp/0615': Permission denied\n"
            "export.sh: writing migration definition /u01/lcm/Export.xml\n"
            "01:00:19,513 INFO  - Executing package file - /u01/lcm/Export.xml\n"
            "01:00:27,902 INFO  - Audit Client has been created for the server http://hyp01\n"
            '01:00:44,771 ERROR - Error occurred while exporting artifact "Properties"\n'
            "java.io.FileNotFoundException: /u01/exp/0615/HP/resource/a.xml (No such file or "
            "directory)\n"
            "\tat java.io.FileOutputStream.open0(Native Method)\n"
            "\tat java.io.FileOutputStream.open(FileOutputStream.java:270)\n"
            "01:00:45,010 ERROR - 1412 of 1412 artifacts could not be exported, aborting task\n",
            "permission_denied",
            "mkdir:",
        ),
        (
            "OSError: No file or directory found at /models/defect_cnn/v23\n",
            "file_not_found",
            "OSError",
        ),
        (
            "At line 214 of file ice_init.F90 (unit = 21, file = 'ice_in')\n"
            "Fortran runtime error: Cannot match namelist object name ndt_therm\n",
            "invalid_input",
            "Fortran runtime error",
        ),
        # a numbered error stack is read down to its deepest entry; its class fields are no
        # statements
        (
            "HDF5-DIAG: Error detected in HDF5 (1.12.2) MPI-process 0:\n"
            "  #000: H5F.c line 532 in H5Fcreate(): unable to create file\n"
            "    major: File accessibility\n"
            "    minor: Unable to open file\n"
            "  #001: H5Fint.c line 1898 in H5F_open(): unable to open file: name = '/gpfs/r/f.h5'\n"
            "    major: File accessibility\n"
            "    minor: Unable to open file\n"
            "  #002: H5FDmpio.c line 997 in H5FD__mpio_open(): MPI_File_open failed: "
            "MPI_ERR_ACCESS: permission denied\n"
            "    major: Internal error (too specific to document in detail)\n"
            "    minor: Some MPI function failed\n",
            "permission_denied",
            "  #002:",
        ),
        # records a loader set aside yield to what then stopped it
        (
            "Record 1207: Rejected - Error on table WMS.SHIP_STG, column SHIP_DATE.\n"
            "ORA-01841: (full) year must be between -4713 and +9999, and not be 0\n"
            "Record 41873: Rejected - Error on table WMS.SHIP_STG.\n"
            "ORA-01653: unable to extend table WMS.SHIP_STG by 1024 in tablespace WMS_DATA\n"
            "SQL*Loader-2026: the load was aborted because SQL Loader cannot continue.\n",
            "disk_full",
            "ORA-01653",
        ),
        (
            "CLMVAL  REJ 0019877  CLAIM 8812102290  ERROR: SERVICE DATE 20250231 IS NOT A "
            "VALID DATE\n"
            "CLMLOAD CONNECT claimsdw@pgclm02:5432 USER clm_loader - ATTEMPT 1 OF 1\n"
            "CLMLOAD *** SQL ERROR ON CONNECT: SQLCODE=-402 SQLSTATE=08001\n"
            'CLMLOAD *** SQLERRMC: FATAL:  password authentication failed for user "clm_loader"\n'
            "CLMLOAD *** LOAD ABORTED\n",
            "authentication",
            "CLMLOAD *** SQLERRMC",
        ),
        # a server the job failed over from is no cause
        (
            "grpsync INFO  probing ldaps://ldap-m2.example.de\n"
            "ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)\n"
            "grpsync WARN  ldap-m2.example.de unreachable, failing over\n"
            "grpsync INFO  probing ldaps://ldap-m1.example.de\n"
            "ldap_modify: Insufficient access (50)\n",
            "permission_denied",
            "ldap_modify:",
        ),
        # an error line that ends saying the job skips it
        (
            "Price index has been rebuilt successfully in 00:03:51\n"
            "Sales Rule index is locked by another reindex process. Skipping.\n"
            "PHP Fatal error:  Allowed memory size of 2147483648 bytes exhausted (tried to "
            "allocate 20480 bytes) in /var/www/vendor/Mysql.php on line 91\n",
            "out_of_memory",
            "PHP Fatal error",
        ),
        # COBOL's I-O status of a failed OPEN, as run-time systems print it
        (
            "JMP0310I-U [PID:00001F4C TID:000021B8] I-O ERROR. 'STAT=35' FILE=INFILE "
            "'D:\\batch\\ar\\in\\AR_OPEN.txt'. PGM=ARAGING ADR=00401A3E\n",
            "file_not_found",
            "JMP0310I-U",
        ),
        (
            "Execution error : file 'GLEXTR'\nerror code: 28, pc=0, call=1, seg=0\n"
            "28      Disk space exhausted (/data/gl/extract/GLEXT.dat)\n",
            "disk_full",
            "28      Disk space",
        ),
        # df on a mount that is not there is a probe too
        (
            "recon: free space check\n"
            "df: /mnt/recon_archive: No such file or directory\n"
            "recon: archive mount not present, old extracts will not be archived\n"
            "sort: write failed: /data/recon/tmp/sortQ2b7Vx: No space left on device\n",
            "disk_full",
            "sort: write failed",
        ),
        # a PowerShell probe that found nothing yields to a later failure of another kind
        (
            "[INFO ] Probing for SCCM client\n"
            "Get-Service : Cannot find any service with service name 'CcmExec'.\n"
            "[INFO ] SCCM client not present - using PSWindowsUpdate against WSUS\n"
            "[ERROR] Install-WindowsUpdate job Id=3 exceeded MaxRuntimeMinutes (120 minutes) "
            "while installing KB5052000 - stopping job\n",
            "timeout",
            "[ERROR] Install-WindowsUpdate",
        ),
        # a purge's race with its own deletions yields to the failure that follows it
        (
            "removing old outputs older than 10 days in /opt/mstr/logs\n"
            "find: '/opt/mstr/logs/cube_20250314.out': No such file or directory\n"
            '[5:12:32 AM]  Syntax error at line 4, column 50: "2025-03-25" is not a valid '
            "date. Dates must be specified as MM/DD/YYYY.\n"
            "[5:12:32 AM]  Execution has been aborted because of syntax errors (-break).\n",
            "invalid_input",
            "[5:12:32 AM]  Syntax error",
        ),
        (
            "ERROR Load failed (attempt 1/3)\n"
            "CrystalDecisions.CrystalReports.Engine.LoadSaveReportException: Invalid report "
            "file path.\n"
            "   at CrystalDecisions.CrystalReports.Engine.ReportDocument.Load(String filename)\n",
            "file_not_found",
            "CrystalDecisions",
        ),
        (
            '   Description: Data conversion failed. The data conversion for column "AMOUNT" '
            'returned status value 2 and status text "The value could not be converted because '
            'of a potential loss of data.".\n',
            "invalid_input",
            "Data conversion failed",
        ),
        (
            "RMAN-00571: ===========================================================\n"
            "RMAN-00569: =============== ERROR MESSAGE STACK FOLLOWS ===============\n"
            "RMAN-00571: ===========================================================\n"
            "RMAN-04004: error from recovery catalog database: ORA-01017: invalid "
            "username/password; logon denied\n",
            "authentication",
            "RMAN-04004",
        ),
    ],
)
def test_a_tool_s_wording_names_its_category(body, category, needle):
    log = joblog(body)
    assert_reads(log, category, needle)


def test_an_error_the_job_processed_on_after_explains_no_later_crash():
    log = joblog(
        "[ERROR] 23:46:02 load - POL_481305.pdf: page 3 could not be rendered (Could not read "
        "embedded TTF for font ArialMT), page skipped\n"
        "[INFO ] 23:49:18 load - processed 400/1284 documents\n"
        "#\n"
        "# A fatal error has been detected by the Java Runtime Environment:\n"
        "#\n"
        "#  SIGSEGV (0xb) at pc=0x00007f3c2a1d3e2a, pid=41277, tid=0x00007f3c0e7fc700\n"
        "#\n",
        exit_status=134,
    )
    assert_reads(log, "signal_or_crash", "SIGSEGV (0xb)")


def test_a_dotnet_stack_names_the_job_s_frame_as_file_and_line():
    log = joblog(
        "Unhandled exception. System.OutOfMemoryException: Exception of type "
        "'System.OutOfMemoryException' was thrown.\n"
        "   at System.Collections.Generic.Dictionary`2.Resize(Int32 newSize, Boolean forceNew)\n"
        "   at Recon.Matching.KeyIndex.Add(String key, Int64 row) in "
        "D:\\src\\Recon\\Matching\\KeyIndex.cs:line 64\n"
        "   at Recon.Program.Main(String[] args) in D:\\src\\Recon\\Program.cs:line 31\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "out_of_memory"
    assert "KeyIndex.cs:line 64" in analysis.entities
    assert "Program.cs:line 31" not in analysis.entities


def test_a_drop_of_a_missing_object_yields_to_the_next_failure():
    log = joblog(
        "SQL> DROP TABLE BILL.STG_USAGE_BAK PURGE\n"
        "                *\n"
        "ERROR at line 1:\n"
        "ORA-00942: table or view does not exist\n"
        "\n"
        "SQL> TRUNCATE TABLE BILL.STG_USAGE REUSE STORAGE\n"
        "                    *\n"
        "ERROR at line 1:\n"
        "ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired\n"
    )
    assert_reads(log, "resource_busy", "ORA-00054")


def test_remove_item_finding_nothing_to_remove_is_a_clean_up():
    log = joblog(
        "Remove-Item : Cannot find path 'D:\\Batch\\work\\gl.lock' because it does not exist.\n"
        "At D:\\Batch\\gl.ps1:12 char:1\n"
        "    + CategoryInfo          : ObjectNotFound: (D:\\Batch\\work\\gl.lock:String) "
        "[Remove-Item], ItemNotFoundException\n"
        "    + FullyQualifiedErrorId : PathNotFound,"
        "Microsoft.PowerShell.Commands.RemoveItemCommand\n"
        "Copy-Item : Access to the path '\\\\fs01\\out\\GL.csv' is denied.\n",
        exit_status=12,
    )
    assert_reads(log, "permission_denied", "Copy-Item")


def test_an_error_line_that_says_how_it_is_handled_is_no_cause():
    log = joblog(
        "pull.sh: state file /var/xfr/state/STMT.last not found - treating as first run\n"
        "pull.sh: connecting to sftp.bank.example as stmtxfr\n"
        "stmtxfr@sftp.bank.example: Permission denied (publickey).\n"
        "Connection closed\n"
    )
    assert_reads(log, "authentication", "Permission denied (publickey)")


def test_retries_that_never_succeeded_are_reported_at_the_first_attempt():
    message = "Access denied. You do not have permission to perform this action."
    log = joblog(
        f"[06:31:00] WARN attempt 1/3 for 'pack.pdf' failed: {message} - retrying in 30 s\n"
        f"[06:31:31] WARN attempt 2/3 for 'pack.pdf' failed: {message} - retrying in 60 s\n"
        f"[06:32:32] WARN attempt 3/3 for 'pack.pdf' failed: {message}\n"
        "[06:32:32] ERROR giving up on 'pack.pdf' after 3 attempts\n"
        f"Add-PnPFile : {message}\n"
        "At E:\\Jobs\\Publish.ps1:88 char:21\n"
    )
    assert_reads(log, "permission_denied", "attempt 1/3")


def test_a_method_s_exception_in_a_powershell_record_is_reported_at_the_record_s_head():
    log = joblog(
        "06:15:35 INFO  row 1000/2314 - 118 updated\n"
        "WARNING: row 1102: Title longer than 64 characters, truncated\n"
        'Exception calling "ParseExact" with "3" argument(s): "String was not recognized as a '
        'valid DateTime."\n'
        "At D:\\Ops\\Sync.ps1:88 char:13\n"
        "+             $expiry = [datetime]::ParseExact($row.End, 'dd/MM/yyyy', $null)\n"
        "+             ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : NotSpecified: (:) [], MethodInvocationException\n"
        "    + FullyQualifiedErrorId : FormatException\n"
    )
    assert_reads(log, "invalid_input", "Exception calling")


def test_forfiles_finding_nothing_to_purge_is_no_error():
    log = joblog(
        'E:\\Jobs>forfiles /P E:\\logs /D -30 /C "cmd /c del @path"\n'
        "ERROR: No files found with the specified search criteria.\n"
        "2026/06/12 04:00:41 ERROR 53 (0x00000035) Getting File System Type of Destination "
        "\\\\nas07\\iis-archive\\\n"
        "The network path was not found.\n",
        exit_status=16,
    )
    assert_reads(log, "network", "ERROR 53")


def test_jes2_s_job_ended_notice_is_no_cause_and_a_dot_leader_zero_count_no_error():
    # the notice heads the job log; the messages that say why come many lines below it
    allocations = "".join(
        f" 05.30.03 JOB60214  IEF236I ALLOC. FOR INVD120 STEP010 SYS{n:05d}\n" for n in range(30)
    )
    log = (
        " 05.30.03 JOB60214  $HASP395 INVD120  ENDED - JCL ERROR\n"
        + allocations
        + " IEF212I INVD120 STEP010 RECEIPTS - DATA SET NOT FOUND\n"
    )
    assert_reads(log, "file_not_found", "IEF212I")
    report = " ACCT610P  ERRORS ..................         0\n"
    assert analyze_joblog(joblog(report, exit_status=0)).category == "success"


@pytest.mark.parametrize(
    ("body", "exit_status", "category", "needle"),
    [
        (
            "[02:40:33] score.R: chunk 1/6\n"
            "\n"
            " *** caught segfault ***\n"
            "address 0x7f3a10000028, cause 'memory not mapped'\n"
            "An irrecoverable exception occurred. R is aborting now ...\n"
            "/opt/ltv/run.sh: line 27: 91544 Segmentation fault      (core dumped) Rscript x.R\n",
            139,
            "signal_or_crash",
            "caught segfault",
        ),
        (
            "26/06/11 22:23:15 WARN YarnSchedulerBackend$YarnSchedulerEndpoint: Requesting driver "
            "to remove executor 7 for reason Container killed by YARN for exceeding physical "
            "memory limits. 12.4 GB of 12 GB physical memory used. Consider boosting spark.exec\n"
            "26/06/11 22:23:15 ERROR YarnScheduler: Lost executor 7 on wrk-dn11: Container killed "
            "by YARN for exceeding physical memory limits. 12.4 GB of 12 GB physical memory "
            "used. Consider boosting spark.executor.memoryOverhead.\n",
            1,
            "out_of_memory",
            "WARN YarnSchedulerBackend",
        ),
        (
            "ERROR: Insufficient authorization to access /sasdata/mart/gl_summary.sas7bdat.\n"
            "ERROR: File MART.GL_SUMMARY.DATA does not exist.\n",
            2,
            "permission_denied",
            "Insufficient authorization",
        ),
        (
            "run_sim.sh[38211]: WATCHDOG: var_sim (pid 38244) has run 14400s and reached "
            "MAX_RUNTIME=14400, sending SIGTERM\n"
            "Terminated\n",
            143,
            "timeout",
            "WATCHDOG",
        ),
        (
            "04:30:22 ERROR mllp_send[51207] attempt 1/5: connect to lisgw02.lab.net:6661 "
            "failed: timed out\n"
            "04:31:22 ERROR mllp_send[51207] giving up after 5 attempts\n",
            1,
            "network",
            "attempt 1/5",
        ),
        (
            "ERROR! Syntax Error while loading YAML.\n  did not find expected key\n",
            4,
            "invalid_input",
            "Syntax Error while loading YAML",
        ),
        (
            "intaccr.ksh[42]: 3318274 Memory fault(coredump)\n"
            "intaccr.ksh: ERROR accrual run failed rc=139\n",
            139,
            "signal_or_crash",
            "Memory fault",
        ),
        (
            "[2026-06-12T01:05:41.730Z] [Pipeline] timeout\n"
            "[2026-06-12T01:05:41.731Z] Timeout set to expire in 45 min\n"
            "poll: build #412 still running (elapsed 15m)\n"
            "poll: build #412 still running (elapsed 30m)\n"
            "[2026-06-12T01:50:41.735Z] Cancelling nested steps due to timeout\n"
            "[2026-06-12T01:50:51.801Z] script returned exit code 143\n",
            2,
            "timeout",
            "Cancelling nested steps",
        ),
    ],
)
def test_a_tool_s_own_statement_is_read_and_settings_polls_and_echoes_are_not(
    body, exit_status, category, needle
):
    assert_reads(joblog(body, exit_status=exit_status), category, needle)


def test_a_racf_violation_in_warning_mode_is_no_failure_the_next_one_is():
    log = (
        " 02.41.02 JOB08812  ICH408I USER(PRDGLB1 ) GROUP(PRDBATCH) NAME(GL BATCH ID  )\n"
        "   PRD.GL.RATES.TABLE CL(DATASET ) VOL(PRD009)\n"
        "   WARNING: INSUFFICIENT AUTHORITY - TEMPORARY ACCESS ALLOWED\n"
        "   FROM PRD.GL.RATES.** (G)\n"
        " 02.41.16 JOB08812  -PRDGLP20 STEP020              00    214\n"
        " 02.41.17 JOB08812  ICH408I USER(PRDGLB1 ) GROUP(PRDBATCH) NAME(GL BATCH ID  )\n"
        "   PRD.GL.LEDGER.MASTER CL(DATASET ) VOL(PRD017)\n"
        "   INSUFFICIENT ACCESS AUTHORITY\n"
        " 02.41.17 JOB08812  IEF450I PRDGLP20 STEP030 - ABEND=S913 U0000 REASON=00000038\n"
        " 02.41.18 JOB08812  $HASP395 PRDGLP20 ENDED - ABEND=S913\n"
        "GLR190I GLRATE ENDED RC=0\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.exit_code is None  # the abend, not the program's own "RC=0" after it
    assert (analysis.category, analysis.error_line) == ("permission_denied", 6)


def test_an_error_retried_and_repeated_is_reported_at_its_first_statement():
    failure = (
        "Code: 241. DB::Exception: Received from ch01:9000. DB::Exception: Memory limit "
        "(for query) exceeded: would use {size} GiB, maximum: 9.31 GiB. (MEMORY_LIMIT_EXCEEDED)\n"
    )
    log = joblog(
        "02:40:02 step 4/5: aggregate into staging (attempt 1/2)\n"
        + failure.format(size="9.31")
        + "02:46:37 step 4 attempt 1 rc=241\n"
        "02:46:37 retrying with max_threads=8\n"
        "02:46:37 step 4/5: aggregate into staging (attempt 2/2)\n"
        + failure.format(size="9.32")
        + "03:01:12 step 4 attempt 2 rc=241\n",
        exit_status=241,
    )
    assert_reads(log, "out_of_memory", "9.31 GiB, maximum")


def test_a_clickhouse_server_error_is_a_database_error():
    log = joblog(
        "Received exception from server (version 23.8.9):\n"
        "Code: 60. DB::Exception: Received from ch01:9000. DB::Exception: Table s.t doesn't "
        "exist. (UNKNOWN_TABLE)\n",
        exit_status=60,
    )
    assert_reads(log, "database", "Code: 60.")


def test_a_loop_giving_up_is_reported_at_its_first_failed_attempt_of_the_same_kind():
    attempt = (
        "2025-03-14 01:4{n}:40,012 WARNING load: connect attempt {n}/3 failed: ('08001', "
        "'[Microsoft][ODBC Driver 17 for SQL Server]TCP Provider: A connection attempt failed "
        "because the connected party did not properly respond after a period of time (10060)')\n"
    )
    log = joblog(
        "2025-03-14 01:45:09,880 INFO load: control file OK\n"
        + "".join(attempt.format(n=n) + "2025-03-14 INFO load: retrying in 30s\n" for n in (1, 2))
        + attempt.format(n=3)
        + "2025-03-14 01:47:40,241 ERROR load: could not connect to db02,1433 after 3 attempts\n",
        exit_status=2,
    )
    assert_reads(log, "network", "attempt 1/3 failed")


@pytest.mark.parametrize(
    ("handled", "failure", "category", "needle"),
    [
        (
            "04:02:21 - cmdstanpy - ERROR - Chain [1] error: error during processing Operation "
            "not permitted\nOptimization terminated abnormally. Falling back to Newton.\n",
            "nbclient.exceptions.CellTimeoutError: A cell timed out while it was being "
            "executed, after 1800 seconds.\n",
            "timeout",
            "CellTimeoutError",
        ),
        (
            " BLDCTL  LISTDSI PRD.GL.WORK RC=16 REASON=5 (NOT CATALOGED) - WORK FILE WILL BE "
            "REBUILT\n",
            "0IDC3203I ITEM 'PRD.GL.TXN.D20250519' DOES NOT ADHERE TO RESTRICTIONS\n"
            " IDC3202I ABOVE TEXT BYPASSED UNTIL NEXT COMMAND. CONDITION CODE IS 12\n",
            "invalid_input",
            "IDC3203I",
        ),
        (
            "run_nb.sh 2025-03-14 04:00:03 cell timeout  1800 s\n",
            "Traceback (most recent call last):\n"
            '  File "/opt/nb/run.py", line 4, in <module>\n'
            "MemoryError: Unable to allocate 2.71 GiB for an array\n",
            "out_of_memory",
            "MemoryError",
        ),
    ],
    ids=["falls-back", "will-be-rebuilt", "a-timeout-setting"],
)
def test_an_error_the_job_handles_or_a_setting_yields_to_the_failure(
    handled: str, failure: str, category: str, needle: str
):
    log = joblog(handled + "INFO next step\n" + failure, exit_status=1)
    assert_reads(log, category, needle)


def test_a_dsntep2_drop_of_a_missing_table_yields_to_the_insert_that_failed():
    record = (
        " SQLERROR ON   {verb}      COMMAND, EXECUTE   FUNCTION\n"
        " RESULT OF SQL STATEMENT:\n"
        " DSNT408I SQLCODE = {code}, ERROR:  {text}\n"
        " DSNT418I SQLSTATE   = {state} SQLSTATE RETURN CODE\n"
        " DSNT415I SQLERRP    = DSNXODBT SQL PROCEDURE DETECTING ERROR\n"
    )
    log = (
        " ***INPUT STATEMENT:\n   DROP TABLE PRDGL.GL_POST_WRK;\n"
        + record.format(
            verb="DROP",
            code="-204",
            text="PRDGL.GL_POST_WRK IS AN UNDEFINED NAME",
            state="42704",
        )
        + " ***INPUT STATEMENT:\n   INSERT INTO PRDGL.GL_POSTING_HIST SELECT * FROM X;\n"
        + record.format(
            verb="INSERT",
            code="-803",
            text="AN INSERTED OR UPDATED VALUE IS INVALID BECAUSE THE INDEX IN INDEX SPACE",
            state="23505",
        )
        + " 03.11.34 JOB35012  $HASP395 PRDGLP20 ENDED - RC=0008\n"
    )
    assert_reads(log, "database", "SQLCODE = -803")


def test_a_summary_that_counts_the_failed_items_is_reported_at_the_first_it_counts():
    log = joblog(
        "06:40:19,663 ERROR gl_recon: ledger 4010 EUR source=1284331.07 target=1284131.07 "
        "diff=200.00 MISMATCH (tolerance 0.00)\n"
        "06:40:19,664 INFO gl_recon: ledger 4020 EUR diff=0.00 OK\n"
        "06:40:22,920 ERROR gl_recon: reconciliation FAILED: 1 of 14 ledgers out of balance\n",
        exit_status=3,
    )
    assert_reads(log, "application_error", "ledger 4010")


def test_a_java_chain_s_deepest_cause_stays_the_cause_whatever_it_counts():
    log = joblog(
        "05:14:52,772 ERROR [main] c.a.recon.ReconApp - Job RECON_GL_AP run 20260914 failed\n"
        "com.acme.batch.JobExecutionException: Step COMPARE failed for run 20260914\n"
        "\tat com.acme.batch.StepRunner.run(StepRunner.java:131)\n"
        "Caused by: com.acme.recon.ReconciliationException: Control total mismatch: 1 of 14 "
        "pairs out of tolerance (0100/EUR diff=36.00)\n"
        "\tat com.acme.recon.ControlTotalCheck.verify(ControlTotalCheck.java:212)\n",
        exit_status=4,
    )
    assert_reads(log, "application_error", "Caused by:")


def test_a_connection_that_failed_for_no_stated_reason_yields_to_the_login_refused_below():
    log = joblog(
        "REP-0501: Unable to connect to the specified database.\n"
        "ORA-01017: invalid username/password; logon denied\n"
        "REP-0069: Internal error\n",
        exit_status=1,
    )
    assert_reads(log, "authentication", "ORA-01017")


def test_a_connection_refused_stays_the_network_s_whatever_follows():
    log = joblog(
        "Could not connect to db01:1521: Connection refused\n"
        "ORA-01017: invalid username/password; logon denied\n",
        exit_status=1,
    )
    assert_reads(log, "network", "Connection refused")


def test_a_zero_count_of_a_business_check_is_no_failure_and_a_count_sums_up_its_first():
    log = joblog(
        "Balancing check by BU/journal: 37 journals balanced, 0 out of balance (0,0)\n"
        "05:45:11 [ERR] Control total mismatch for SETTLE_20250313.csv: difference 433.50 EUR "
        "exceeds tolerance 0.01 EUR\n"
        "05:45:11 [ERR] 3 settlement batches out of balance: B017, B022, B031\n",
        exit_status=2,
    )
    assert_reads(log, "application_error", "Control total mismatch")


def test_a_warning_that_says_what_the_job_uses_instead_is_handled():
    log = joblog(
        "ARAGE    W001 NO FX RATE FOR USD ON 2025-03-31 (ORA-01403), USING 2025-03-28\n"
        "ARAGE    ITEMS FETCHED     5500000\n"
        "/apps/ar/bin/ar_aging.ksh[61]: 5243018 Killed\n",
        exit_status=137,
    )
    assert_reads(log, "signal_or_crash", "Killed")


def test_a_structured_record_below_warning_level_is_no_error_unless_a_field_carries_one():
    info = (
        '{"level":"info","ts":"2025-03-14T05:10:00Z","msg":"cache warm-up: connect to '
        'redis01:6379: connection refused"}\n'
    )
    debug_with_stderr = (
        'time="2019-10-01T18:15:13Z" level=debug msg="Ran restic command" stderr="unable to '
        'create lock in backend: repository is already locked by PID 1234"\n'
    )
    log = joblog(info + debug_with_stderr, exit_status=1)
    assert_reads(log, "resource_busy", "repository is already locked")


def test_a_retry_announced_past_the_shell_s_trace_of_its_handling_recovers():
    log = joblog(
        "TRUNCATE TABLE SYSADM.PS_JGEN_ACCT_TAO\n"
        "ERROR at line 1:\n"
        "ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired\n"
        "\n"
        "+ prc=54\n"
        "+ echo 'WARN: jgen_prep attempt 1 failed (ORA-00054), sleeping 60s'\n"
        "WARN: jgen_prep attempt 1 failed (ORA-00054), sleeping 60s\n"
        "+ sleep 60\n"
        "Table truncated.\n"
        "INFO: jgen_prep ok on attempt 2\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == "success"


@pytest.mark.parametrize(
    "harmless",
    [
        "[hive_run] 02:15:04 launching: timeout --kill-after=60 7200 beeline -u jdbc:hive2://zk01",
        "VERBOSE: Msg 1222, Lock request time out period exceeded.",
        "RMAN-06208:          to mismatched status.  Use CROSSCHECK command to fix status",
        "java.io.IOException: Could not locate executable D:\\hadoop\\bin\\winutils.exe in the "
        "Hadoop binaries.",
        "The local device name is already in use.",
        "                                      Recovery  . . . :   See the previously listed "
        "messages, correct the error and",
        "\trequest.timeout.ms = 30000",
        "Timeout: 60.0 seconds ...",
        "cell timeout  1800 s",
    ],
    ids=[
        "timeout-command",
        "verbose-stream",
        "rman-crosscheck",
        "winutils",
        "net-use-85",
        "ibmi",
        "timeout-setting-ms",
        "timeout-setting-header",
        "timeout-setting-value",
    ],
)
def test_lines_that_only_look_like_the_cause_yield_to_it(harmless: str):
    log = joblog(harmless + "\nORA-01653: unable to extend table GL.JE_LINES by 1024\n", 1)
    assert_reads(log, "disk_full", "ORA-01653")


def test_the_job_s_own_check_for_a_run_still_running_is_no_busy_resource():
    log = joblog(
        "06:00:02 checking for executions of Load_GL_Journal.dtsx still running in SSISDB\n"
        "06:00:02 none found, starting execution\n"
        "06:12:40 Package execution on IS Server failed. Execution ID: 418227, Execution "
        "Status:4.\n",
        exit_status=1,
    )
    assert analyze_joblog(log).category != "resource_busy"


def test_an_ibm_i_job_log_entry_is_reported_at_its_message_text():
    log = (
        " MCH3601    Escape                  40   05/06/25  01:32:10.551872  PRCR500      PRCLIB\n"
        "                                      From module . . . . . . . . :   PRCR500\n"
        "                                      From procedure  . . . . . . :   APPLYDISC\n"
        "                                      Statement . . . . . . . . . :   1412\n"
        "                                      Message . . . . :   Pointer not set for location "
        "referenced.\n"
        "                                      Cause . . . . . :   A pointer was used, either "
        "directly or as a basing\n"
    )
    assert_reads(log, "signal_or_crash", "Message . . . . :")


@pytest.mark.parametrize(
    ("line", "category"),
    [
        (
            "2025-03-18 ERROR Failed to complete action: snapshot. Snapshot already in progress.",
            "resource_busy",
        ),
        (
            " 03.48.09 JOB11207  IEA705I ERROR DURING GETMAIN SYS CODE = 878-10  PRDRSK30 STEP030",
            "out_of_memory",
        ),
        (
            " DSNU1122I -DB2P 133 02:38:55.70 DSNURDRN - JOB PRDREORG PERFORMING REORG WITH UTILID "
            "REORG.GLPST UNABLE TO DRAIN",
            "resource_busy",
        ),
        (
            "** Unable to open file: /interface/out/ORD_20250320.dat. Errno=13. (98)",
            "permission_denied",
        ),
        ("open /data/x.csv failed [Errno 28]", "disk_full"),
        (
            "bkioWrite:Insufficient disk space during write, fd 9, file /pbackup/s.bck. (9450)",
            "disk_full",
        ),
        ("SYSTEM ERROR: Memory violation. (49)", "signal_or_crash"),
        (
            "  239: Could not insert new row - duplicate value in a UNIQUE INDEX column (Unique "
            "Index:ix_cust_taxid).",
            "database",
        ),
        ("/apps/ar/bin/ar_aging.ksh[61]: 5243018 Killed", "signal_or_crash"),
        (
            "  Message . . . . :   Unable to allocate a record in file CUSTMAST (R C G D F).",
            "resource_busy",
        ),
        ("  Message . . . . :   Pointer not set for location referenced.", "signal_or_crash"),
    ],
)
def test_vendor_and_runtime_wordings_name_their_category(line: str, category: str):
    """Busy objects, exhausted memory, errno numbers, runtime wordings and IBM i's record
    locks and pointer checks, each on a line of its own."""
    assert_reads(joblog(line + "\n", exit_status=8), category, line[:30])


@pytest.mark.parametrize(
    ("returned", "category"),
    [
        ("-1073741819", "signal_or_crash"),  # 0xC0000005, an access violation
        ("3221226505", "signal_or_crash"),  # 0xC0000409 read unsigned
        ("0", "success"),
    ],
)
def test_a_wrapper_s_echo_of_a_windows_crash_status_fails_the_job_under_exit_zero(
    returned, category
):
    log = joblog(
        "[22:41:17] [FATAL] Unhandled exception 0xC0000005 (EXCEPTION_ACCESS_VIOLATION) reading "
        "address 0x18 in olf_simres.dll+0x2c4e1f\n"
        f"[22:41:18] master.exe returned {returned}\n"
        "D:\\Batch>if errorlevel 1 goto :failed\n"
        "D:\\Batch>exit 0\n",
        exit_status=0,
    )
    assert analyze_joblog(log).category == category
