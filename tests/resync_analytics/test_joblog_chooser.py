"""The root-cause chooser: causes beat the consequences a job prints after them."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog, conclude, prepare_joblog
from resync_analytics.joblog.chooser import (
    CLOSE_GAP,
    DEFAULT_WEIGHTS,
    FEATURES,
    explain_choice,
    finding_features,
    pick,
    score_findings,
)
from tests.resync_analytics.joblog_samples import joblog, line_of

CASES = [
    (
        "watchdog_sigint_after_timeout",
        "step 2: extracting\n"
        "timeout: sending signal INT to command '/opt/etl/bin/extract.sh'\n"
        "Caught SIGINT, shutting down workers\n"
        "KeyboardInterrupt\n",
        130,
        "timeout",
        "sending signal INT",
    ),
    (
        "bad_alloc_then_abort",
        "loading reference index (48 threads)\n"
        "terminate called after throwing an instance of 'std::bad_alloc'\n"
        "  what():  std::bad_alloc\n"
        "/opt/etl/run.sh: line 12: 51423 Aborted                 (core dumped) genefuse -t 48\n",
        134,
        "out_of_memory",
        "terminate called",
    ),
    (
        "ora_then_job_terminated_rc",
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS\n"
        "ERROR: job terminated, RC=8\n",
        8,
        "disk_full",
        "ORA-01653",
    ),
    (
        "cause_then_cleanup_failure",
        'psql: error: FATAL:  password authentication failed for user "etl"\n'
        "cleanup: rm: cannot remove '/var/run/etl/load.lock': Permission denied\n",
        2,
        "authentication",
        "password authentication failed",
    ),
    (
        "permission_denied_then_mail_command_segfault",
        "Giving up after 5 attempts. IOError: [Errno 13] Permission denied: '/mnt/nfs/sig.gpg'\n"
        "/opt/app/bin/backup.sh: line 464: 22377 Segmentation fault      mailx -s report ops\n",
        139,
        "permission_denied",
        "Giving up",
    ),
    (
        "missing_input_then_loader_crash",
        "cp: cannot stat '/data/in/feed.csv': No such file or directory\n"
        "loading /data/stage/feed.csv\n"
        "/opt/app/bin/load.sh: line 30:  4242 Segmentation fault      (core dumped) loader\n",
        139,
        "file_not_found",
        "cannot stat",
    ),
]


@pytest.mark.parametrize(
    ("body", "rc", "category", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_cause_wins_over_its_consequences(body, rc, category, needle):
    log = joblog(body, rc)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, needle))
    assert analysis.reasons and all(r.split()[0] in FEATURES for r in analysis.reasons)


def test_without_the_explained_feature_the_exit_code_convention_wins():
    # The feature is what moves the choice: with its weight at zero, RC 130's "signal"
    # reading picks the SIGINT line, which is the misreading the feature exists to avoid.
    log = joblog(CASES[0][1], 130)
    weights = {**DEFAULT_WEIGHTS, "explained": 0.0}
    analysis = conclude(prepare_joblog(log), weights)
    assert analysis.category == "signal_or_crash"
    assert analysis.error_line in (line_of(log, "Caught SIGINT"), line_of(log, "KeyboardInt"))


def test_features_of_each_finding_are_explainable():
    log = joblog(CASES[0][1], 130)
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    assert all(set(row) == set(FEATURES) for row in rows)
    assert all(0.0 <= value <= 1.0 for row in rows for value in row.values())
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    sigint = by_line[line_of(log, "Caught SIGINT")]
    assert sigint["explained"] == 1.0 and sigint["rc_agrees"] == 1.0
    best = pick(score_findings(prepared.findings, prepared.exit_code, prepared.scan.total_lines))
    assert best is not None
    reasons = explain_choice(best)
    assert reasons[0].startswith("specific ")


def test_equal_scores_go_to_the_earliest_line():
    log = joblog(
        "cp: cannot stat '/data/in/a.csv': No such file or directory\n"
        "cp: cannot stat '/data/in/b.csv': No such file or directory\n"
    )
    assert analyze_joblog(log).error_line == line_of(log, "a.csv")


def test_a_progress_loop_complaint_is_marked_repeated():
    body = "".join(f"WARNING-free ERROR: queue {i} slow\n" for i in range(4))
    log = joblog(body + "ORA-00942: table or view does not exist\n")
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    repeated = [row["repeated"] for row in rows]
    assert repeated[0] == 1.0 and repeated[-1] == 0.0


def test_a_watchdog_that_logs_after_the_kill_still_explains_it():
    # The runner's warning states the time limit first (at WARN level), its error line
    # repeats it as the job's verdict.
    log = joblog(
        "Terminated\n"
        "WARN step could not finish: the timeout was exceeded\n"
        "ERROR: execution took longer than 30s seconds\n",
        143,
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "timeout"
    assert analysis.error_line == line_of(log, "timeout was exceeded")


def test_an_announced_error_is_stated_on_the_line_after_its_title():
    log = joblog(
        "09:32:20  Encountered an error:\n"
        "Compilation Error\n"
        "  'model.a.x' depends on 'model.b.y' which is not in the graph!\n"
    )
    assert analyze_joblog(log).error_line == line_of(log, "not in the graph")


def test_a_resource_failure_behind_exit_zero_is_a_failure():
    log = joblog(
        "pg_dump: error: could not write to output file: No space left on device\n"
        "Successfully backed up db01:5432/foo.\n",
        0,
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "disk_full"
    assert analysis.error_line == line_of(log, "No space left")


def test_exit_zero_with_a_generic_error_line_stays_a_success():
    log = joblog("ERROR count of skipped rows: 3 (expected)\nload complete\n", 0)
    assert analyze_joblog(log).category == "success"


def test_a_relation_that_cannot_be_opened_is_a_database_error():
    log = joblog("Redshift adapter: Redshift error: could not open relation with OID 6134794\n")
    assert analyze_joblog(log).category == "database"


def test_a_wrapper_report_is_marked_and_loses_to_the_tool_statement():
    log = joblog(
        "make[1]: *** [Makefile:12: load] Error 2\n"
        "loader.c:88: fatal error: cannot open /data/in/feed.csv: No such file or directory\n"
        "subprocess.CalledProcessError: Command 'make load' returned non-zero exit status 2.\n"
    )
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    wrapped = {
        f.line.number: row["wrapper"] for f, row in zip(prepared.findings, rows, strict=True)
    }
    assert wrapped[line_of(log, "make[1]")] == 1.0
    assert wrapped[line_of(log, "loader.c:88")] == 0.0
    analysis = analyze_joblog(log)
    assert analysis.error_line == line_of(log, "loader.c:88")
    assert analysis.category == "file_not_found"


def test_a_permission_warning_behind_exit_zero_stays_a_success():
    log = joblog("find: '/proc/1/fd': Permission denied\nexported 120 files\n", 0)
    assert analyze_joblog(log).category == "success"


@pytest.mark.parametrize(
    "line",
    [
        "sftp: cannot open connection to files.acme.com",
        "Unable to open connection to db01:1521",
        "The remote name could not be resolved: 'api.acme.com'",
        "cp: cannot stat '/mnt/nfs/in/a.csv': Stale file handle",
        "Connection to node -1 (localhost/127.0.0.1:9092) could not be established.",
    ],
)
def test_a_network_failure_is_not_read_as_a_missing_file(line):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, line[:20]))


def test_a_file_that_cannot_be_opened_is_still_a_missing_file():
    log = joblog("loader: cannot open /data/in/feed.csv\n")
    assert analyze_joblog(log).category == "file_not_found"


def test_a_close_runner_up_is_named_with_its_gap_and_reasons():
    log = joblog(CASES[3][1], 2)
    analysis = analyze_joblog(log)
    second = analysis.runner_up
    assert second is not None
    assert second.line == line_of(log, "cleanup: rm")
    assert second.category == "permission_denied"
    assert 0.0 < second.score_gap < CLOSE_GAP
    assert any(reason.startswith("consequence -") for reason in second.reasons)
    contract = analysis.to_contract_dict("x.log")
    assert contract["runner_up"]["line"] == second.line
    assert contract["chosen_for"] == list(analysis.reasons)


def test_no_runner_up_when_the_others_are_far_behind_or_repeat_the_chosen_message():
    far = joblog(
        "cp: cannot stat '/data/in/a.csv': No such file or directory\nERROR: something went wrong\n"
    )
    assert analyze_joblog(far).runner_up is None
    repeated = joblog(
        "cp: cannot stat '/data/in/a.csv': No such file or directory\n"
        "cp: cannot stat '/data/in/b.csv': No such file or directory\n"
    )
    assert analyze_joblog(repeated).runner_up is None


def test_reasons_list_the_largest_contribution_first():
    prepared = prepare_joblog(joblog(CASES[3][1], 2))
    scored = score_findings(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    cleanup = next(s for s in scored if "cleanup" in s.finding.line.text)
    values = [abs(float(reason.split()[1])) for reason in explain_choice(cleanup)]
    assert values == sorted(values, reverse=True) and len(values) >= 2


def test_a_clean_up_failure_is_a_consequence_and_explains_nothing_before_it():
    log = joblog(
        "export: ERROR row count check failed: exported 0 rows, expected at least 1000000\n"
        "export: removing partial output\n"
        "rm: cannot remove '/data/out/cust.csv': Permission denied\n",
        3,
    )
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "row count")]["explained"] == 0.0
    assert by_line[line_of(log, "rm: cannot")]["consequence"] == 1.0


def test_an_error_title_is_still_explained_by_the_statement_right_after_it():
    log = joblog("ERROR at line 1:\nORA-00942: table or view does not exist\n")
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "ERROR at line 1")]["explained"] == 1.0


def test_a_crash_after_a_failure_the_job_did_not_survive_is_explained_by_it():
    log = joblog(CASES[-1][1], 139)
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "Segmentation fault")]["explained"] == 1.0
    assert by_line[line_of(log, "cannot stat")]["explained"] == 0.0


def test_a_crash_after_a_harmless_error_is_not_explained_by_it():
    log = joblog(
        "cp: cannot stat '/data/in/optional.csv': No such file or directory\n"
        "using defaults\n"
        "/opt/app/bin/load.sh: line 30:  4242 Segmentation fault      (core dumped) loader\n",
        139,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "signal_or_crash",
        line_of(log, "Segmentation fault"),
    )


def test_retries_given_up_on_are_the_cause_not_a_consequence():
    log = joblog(CASES[-2][1], 139)
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "Giving up")]["consequence"] == 0.0


def test_a_job_whose_output_ends_on_a_specific_error_failed_despite_exit_zero():
    log = joblog("mirror: Login failed: 530 User cannot log in.\n", 0)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("authentication", line_of(log, "530"))


def test_a_job_that_reports_its_own_failure_failed_despite_exit_zero():
    log = joblog(
        "ORA-01722: invalid number\n"
        "rows loaded: 11, rejected: 1\n"
        "2025-03-14 02:10:22 export FAILED, see /var/log/export.log\n",
        0,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("invalid_input", line_of(log, "ORA-01722"))


@pytest.mark.parametrize(
    "body",
    [
        # a probe for an optional file, the last thing a good run prints
        "ls: cannot access '/data/in/*.done': No such file or directory\n",
        # the job went on after the error
        "psql: error: connection to server at db01 failed: Connection refused\n"
        "using replica db02\n"
        "exported 120 rows\n",
        # a failure it recovered from
        "ORA-01722: invalid number\nrow 12 FAILED, skipped\nexport completed successfully\n",
    ],
)
def test_exit_zero_stays_a_success_when_the_job_went_on_or_ended_on_a_probe(body):
    assert analyze_joblog(joblog(body, 0)).category == "success"


def test_a_dump_title_that_only_names_the_error_loses_to_the_sentence_under_it():
    log = joblog(
        "Runtime Errors         SYSTEM_NO_ROLL\n"
        "Date and Time          14.03.2025 02:10:11\n"
        "Short text\n"
        "     Unable to fulfil request for 80000000 bytes of memory space.\n"
        "What happened?\n"
        "     Each transaction requires some main memory space to process\n",
        12,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "out_of_memory",
        line_of(log, "Unable to fulfil"),
    )
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "Runtime Errors")]["explained"] == 1.0


def test_a_title_with_a_message_of_its_own_is_no_mere_title():
    log = joblog(
        "ORA-04031: unable to allocate 4096 bytes of shared memory\n"
        "Unable to fulfil request for 80000000 bytes of memory space.\n",
    )
    assert analyze_joblog(log).error_line == line_of(log, "ORA-04031")


def test_a_wrapper_exit_status_before_the_relayed_cause_is_no_consequence():
    # Terraform's local-exec reports the script's exit status, then relays its output: the
    # line states the cause, and the later, separate refusal is not the first one.
    log = joblog(
        "Error: Error running command 'scripts/sync.sh': exit status 1. Output: fatal error:"
        " An error occurred (AccessDenied) when calling the ListObjectsV2 operation\n"
        "\n"
        "Error: Error creating Lambda function: AccessDeniedException: \n"
        "        status code: 403, request id: cbe2020f\n",
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "sync.sh"),
    )
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "sync.sh")]["consequence"] == 0.0


def test_an_exit_status_with_nothing_relayed_after_it_stays_a_consequence():
    log = joblog(
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS\n"
        "load.sh failed: exit status 1\n",
    )
    prepared = prepare_joblog(log)
    rows = finding_features(prepared.findings, prepared.exit_code, prepared.scan.total_lines)
    by_line = {f.line.number: row for f, row in zip(prepared.findings, rows, strict=True)}
    assert by_line[line_of(log, "exit status 1")]["consequence"] == 1.0


def test_a_sql_server_error_is_stated_on_its_msg_header_line():
    # sqlcmd prints "Msg N, Level L, State S, ..." and the message under it: the record
    # starts at the header, which names the error's number; the message's label is kept.
    log = joblog(
        "(3 row(s) affected)\n"
        "Msg 208, Level 16, State 1, Line 128\n"
        "Invalid object name 'NCATS_DEMOGRAPHICS'.\n"
        "Msg 4902, Level 16, State 1, Procedure CTSA_QIMCOUNT, Line 160\n"
        'Cannot find the object "ontInOperator" because it does not exist.\n',
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "Msg 208"))
    assert "NCATS_DEMOGRAPHICS" in analysis.entities


def test_a_header_that_states_the_error_in_words_leaves_the_line_under_it():
    log = joblog(
        "ORA-39001: invalid argument value\n"
        "ORA-39000: bad dump file specification\n"
        'ORA-39143: dump file "D:\\database.DMP" may be an original export dump file\n',
    )
    assert analyze_joblog(log).error_line != line_of(log, "ORA-39001")


def test_a_warning_that_states_the_error_first_is_its_line():
    log = joblog(
        "WARNING: Access to the path 'C:\\Windows\\appcompat\\Appraiser.cab' is denied.\n"
        "Copy-Item : Access to the path 'C:\\Windows\\appcompat\\Appraiser.cab' is denied.\n"
        "At C:\\scripts\\Get-Blocks.ps1:146 char:25\n",
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "permission_denied",
        line_of(log, "WARNING"),
    )


def test_a_warning_of_another_message_before_the_error_is_not_its_line():
    log = joblog(
        "WARNING: the destination folder C:\\out is not empty\n"
        "Copy-Item : Access to the path 'C:\\Windows\\appcompat\\Appraiser.cab' is denied.\n",
    )
    assert analyze_joblog(log).error_line == line_of(log, "Copy-Item")


_CONFIG_TRACEBACK = (
    "[*] fetching today's eBooks\n"
    "Traceback (most recent call last):\n"
    '  File "/home/app/script/spider.py", line 89, in main\n'
    "    config = config_file(dir_path + args.config)\n"
    '  File "/home/app/script/utils.py", line 24, in config_file\n'
    "    raise IOError('file not found!')\n"
    "IOError: file not found!\n"
)


def test_a_traceback_followed_only_by_a_completion_word_failed_despite_exit_zero():
    log = joblog(_CONFIG_TRACEBACK + "[*] done\n", 0)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "file_not_found",
        line_of(log, "IOError: file"),
    )


@pytest.mark.parametrize(
    "after",
    [
        # the script went on with its work after the handled exception
        "[*] using defaults\n[*] fetched 3 eBooks\n[*] done\n",
        # a completion that says more than that the script ended
        "[*] 3 eBooks fetched, done\n",
    ],
)
def test_a_traceback_the_job_carried_on_after_stays_a_success_with_exit_zero(after):
    assert analyze_joblog(joblog(_CONFIG_TRACEBACK + after, 0)).category == "success"


def test_a_line_that_logs_the_whole_exception_before_it_is_its_first_line():
    log = joblog(
        "10:42:50.743 *DEBUG* TaskletStep Rollback for Error: java.lang.OutOfMemoryError:"
        " Requested array size exceeds VM limit\n"
        "10:42:50.743 *DEBUG* TransactionTemplate Initiating transaction rollback\n"
        "java.lang.OutOfMemoryError: Requested array size exceeds VM limit\n"
        "10:42:50.744 *DEBUG* ResourcelessTransactionManager Rolling back\n",
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "out_of_memory",
        line_of(log, "Rollback for Error"),
    )


def test_a_logger_line_announcing_the_exception_under_it_loses_to_the_exception():
    log = joblog(
        "13:34:05.347 [jobLauncherTaskExecutor-1] ERROR o.s.batch.core.step.AbstractStep -"
        " Encountered an error executing the step\n"
        "java.lang.RuntimeException: internal error\n"
        "\tat com.acme.engine.Persister.save(Persister.java:121)\n",
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "application_error",
        line_of(log, "java.lang.RuntimeException"),
    )


def test_a_dotnet_inner_exception_is_the_deeper_cause():
    log = joblog(
        "2022-09-01T10:13:56.043Z Quartz.JobExecutionException: Request failed with status"
        " code BadGateway\n"
        "\n"
        "2022-09-01T10:13:56.044Z ---> System.Net.Http.HttpRequestException: Request failed"
        " with status code BadGateway\n"
        "\n"
        "2022-09-01T10:13:56.045Z at Acme.HttpJob.RunInner(TaskContext context)\n",
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "network",
        line_of(log, "---> System.Net"),
    )


def test_a_postgresql_error_quoting_its_statement_failed_despite_exit_zero():
    # psql without ON_ERROR_STOP ends 0; each error quotes its statement and a caret under it
    log = joblog(
        'psql:<stdin>:745: ERROR:  relation "bills" does not exist\n'
        "LINE 1: INSERT INTO bills (bill_id, bill_ref) VALUES (1, 2);\n"
        "                    ^\n"
        'psql:<stdin>:746: ERROR:  relation "bills" does not exist\n'
        "LINE 1: INSERT INTO bills (bill_id, bill_ref) VALUES (3, 4);\n"
        "                    ^\n",
        0,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, ":745:"))


def test_the_jvm_heap_dump_after_an_out_of_memory_error_is_not_the_job_carrying_on():
    # "Heap dump file created" belongs to the error's report (HeapDumpOnOutOfMemoryError);
    # the later threads' errors are consequences of the first.
    log = joblog(
        "java.lang.OutOfMemoryError: Java heap space\n"
        "Dumping heap to /var/tmp/java_pid8597.hprof ...\n"
        "Heap dump file created [310900719 bytes in 35.403 secs]\n"
        'Exception in thread "DataStreamer" java.lang.OutOfMemoryError: '
        "GC overhead limit exceeded\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "out_of_memory"
    assert analysis.error_line == line_of(log, "Java heap space")


def test_a_logged_exception_restated_as_the_deepest_cause_is_stated_by_the_cause():
    log = joblog(
        "com.ibm.db2.jcc.am.SqlException: DB2 SQL Error: SQLCODE=-1035, SQLSTATE=57019\n"
        "com.acme.DataAccessException: com.ibm.db2.jcc.am.SqlException: DB2 SQL Error: "
        "SQLCODE=-1035, SQLSTATE=57019\n"
        "at com.acme.Main.connect(Main.java:692)\n"
        "at com.acme.Main.main(Main.java:1110)\n"
        "Caused by: com.ibm.db2.jcc.am.SqlException: DB2 SQL Error: SQLCODE=-1035, "
        "SQLSTATE=57019\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "resource_busy"
    assert analysis.error_line == line_of(log, "Caused by:")


def test_an_exception_thrown_first_with_its_own_frames_stays_the_statement():
    log = joblog(
        "[ERROR] Job DEFAULT.test_job threw an unhandled Exception:\n"
        "java.lang.NullPointerException: null\n"
        "\tat com.acme.DaemonJob.execute(DaemonJob.java:169)\n"
        "[ERROR] Job DEFAULT.test_job threw an exception.\n"
        "org.quartz.SchedulerException: Job threw an unhandled exception.\n"
        "\tat org.quartz.core.JobRunShell.run(JobRunShell.java:213)\n"
        "Caused by: java.lang.NullPointerException: null\n"
        "\tat com.acme.DaemonJob.execute(DaemonJob.java:169)\n"
    )
    assert analyze_joblog(log).error_line == line_of(log, "java.lang.NullPointerException")
