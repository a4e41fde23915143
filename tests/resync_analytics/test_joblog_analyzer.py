"""Root cause, error line and entities on joblogs shaped like real ones."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.models import CATEGORIES, JobIdentity
from tests.resync_analytics.joblog_samples import joblog, line_of

# (case id, job output, exit status, category, text of the root-cause line, entities)
CASES = [
    (
        "missing_file_then_cascade",
        "2025-03-14 02:00:06 INFO reading /data/in/employees.csv\n"
        "cat: /data/in/employees.csv: No such file or directory\n"
        "ERROR: load failed\n",
        1,
        "file_not_found",
        "cat: /data/in",
        ["/data/in/employees.csv"],
    ),
    (
        "missing_file_portuguese",
        "cp: não foi possível obter estado de '/dados/entrada/folha.txt': Arquivo ou diretório "
        "inexistente\n",
        1,
        "file_not_found",
        "cp:",
        ["/dados/entrada/folha.txt"],
    ),
    (
        "missing_file_german",
        "cat: /daten/ein/lohn.csv: Datei oder Verzeichnis nicht gefunden\n",
        1,
        "file_not_found",
        "cat:",
        ["/daten/ein/lohn.csv"],
    ),
    (
        "command_not_found_rc127",
        "Loading employees\n/opt/app/bin/load_emp.sh: line 12: sqlldr: command not found\n",
        127,
        "command_not_found",
        "sqlldr: command not found",
        ["sqlldr"],
    ),
    (
        "command_not_found_spanish",
        "/opt/app/bin/load_emp.sh: línea 3: sqlplus: no se encontró la orden\n",
        127,
        "command_not_found",
        "sqlplus",
        ["sqlplus"],
    ),
    (
        "oracle_tablespace_full",
        "SQL*Loader: Release 19.0.0.0.0 - Production\n"
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS\n"
        'ORA-06512: at "SCOTT.LOAD_PKG", line 42\n'
        "SQL*Loader-2026: the load was aborted because SQL Loader cannot continue.\n",
        1,
        "disk_full",
        "ORA-01653",
        ["ORA-01653", "SCOTT.EMP", "USERS"],
    ),
    (
        "oracle_no_listener",
        "SQL*Plus: Release 19.0.0.0.0 - Production\n"
        "ERROR:\n"
        "ORA-12541: TNS:no listener\n"
        "SP2-0751: Unable to connect to Oracle.  Exiting SQL*Plus\n",
        1,
        "network",
        "ORA-12541",
        ["ORA-12541"],
    ),
    (
        "oracle_bad_password",
        "ORA-01017: invalid username/password; logon denied\n",
        1,
        "authentication",
        "ORA-01017",
        ["ORA-01017"],
    ),
    (
        "postgres_missing_relation",
        'psql:/opt/sql/load.sql:12: ERROR:  relation "staging.emp" does not exist\n'
        "LINE 1: INSERT INTO staging.emp SELECT * FROM ext_emp;\n",
        3,
        "database",
        "relation",
        ["staging.emp"],
    ),
    (
        "postgres_auth",
        'psql: error: connection to server at "db01" (10.1.2.3), port 5432 failed: '
        'FATAL:  password authentication failed for user "etl"\n',
        2,
        "authentication",
        "password authentication",
        ["etl"],
    ),
    (
        "postgres_refused",
        'psql: error: connection to server at "db01" (10.1.2.3), port 5432 failed: '
        "Connection refused\n"
        "\tIs the server running on that host and accepting TCP/IP connections?\n",
        2,
        "network",
        "Connection refused",
        ["db01", "5432"],
    ),
    (
        "db2_undefined_name",
        'SQL0204N  "DB2INST1.EMP" is an undefined name.  SQLSTATE=42704\n',
        4,
        "database",
        "SQL0204N",
        ["SQL0204N", "DB2INST1.EMP"],
    ),
    (
        "java_caused_by_chain",
        "2025-03-14 02:00:07,101 ERROR [main] c.acme.Loader - Load failed\n"
        "java.lang.RuntimeException: Load failed\n"
        "\tat com.acme.Loader.run(Loader.java:42)\n"
        "\tat com.acme.Main.main(Main.java:10)\n"
        "Caused by: java.sql.SQLException: wrapped\n"
        "\tat com.acme.Dao.open(Dao.java:7)\n"
        "Caused by: java.io.FileNotFoundException: /data/in/emp.csv (No such file or directory)\n"
        "\tat java.io.FileInputStream.open0(Native Method)\n"
        "\t... 4 more\n",
        1,
        "file_not_found",
        "Caused by: java.io.FileNotFoundException",
        ["java.io.FileNotFoundException", "/data/in/emp.csv"],
    ),
    (
        "spring_nested_exception_line",
        "org.springframework.jdbc.UncategorizedSQLException: PreparedStatementCallback; SQL "
        "[UPDATE BATCH_STEP_EXECUTION set EXIT_MESSAGE = ?]; ORA-12899: value too large for column "
        '"APP"."BATCH_STEP_EXECUTION"."EXIT_MESSAGE" (actual: 2502, maximum: 2500)\n'
        "; nested exception is java.sql.SQLException: ORA-12899: value too large for column "
        '"APP"."BATCH_STEP_EXECUTION"."EXIT_MESSAGE" (actual: 2502, maximum: 2500)\n'
        "\tat org.springframework.jdbc.core.JdbcTemplate.update(JdbcTemplate.java:870)\n",
        1,
        "invalid_input",
        "; nested exception is java.sql.SQLException",
        [],
    ),
    (
        "powershell_record_without_its_head",
        "At line:29 char:1\n"
        "+ Register-ScheduledTask -Action $action -TaskName ...\n"
        "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : PermissionDenied: (PS_ScheduledTask:Root/Microsoft/"
        "...S_ScheduledTask) [Register-Schedul\n"
        "   edTask], CimException\n"
        "    + FullyQualifiedErrorId : HRESULT 0x80070005,Register-ScheduledTask\n",
        1,
        "permission_denied",
        "    + CategoryInfo          : PermissionDenied",
        [],
    ),
    (
        "ssis_truncation_in_an_agent_history",
        "Executed as user: CORP\\svc_ssis. Microsoft (R) SQL Server Execute Package Utility  "
        "Started:  21:55:18  Error: 2015-10-07 21:55:25.02     Code: 0xC002F210     Source: "
        'Execute SQL Task     Description: Executing the query "EXEC dbo.load" failed with the '
        'following error: "String or binary data would be truncated.  The statement has been '
        'terminated.".  End Error  DTExec: The package execution returned DTSER_FAILURE (1).\n',
        1,
        "invalid_input",
        "Executed as user:",
        [],
    ),
    (
        "bigquery_load_rows_rejected",
        "Running job 'proj.job_17_abc.US' [/]  2s\n"
        "Error: Error while reading data, error message: CSV table encountered too many errors, "
        "giving up. Rows: 1; errors: 1. Please look into the errors[] collection for more "
        "details. [invalid]\n",
        1,
        "invalid_input",
        "Error: Error while reading data",
        [],
    ),
    (
        "java_oom",
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
        "\tat java.util.Arrays.copyOf(Arrays.java:3332)\n",
        1,
        "out_of_memory",
        "OutOfMemoryError",
        ["java.lang.OutOfMemoryError"],
    ),
    (
        "python_traceback",
        "Traceback (most recent call last):\n"
        '  File "/opt/app/etl.py", line 10, in <module>\n'
        "    raise_error_if_missing(cfg)\n"
        '  File "/opt/app/etl.py", line 5, in raise_error_if_missing\n'
        "    data = cfg['employee_id']\n"
        "KeyError: 'employee_id'\n",
        1,
        "application_error",
        "KeyError",
        ["KeyError"],
    ),
    (
        "python_chained_exception_first_is_root",
        "Traceback (most recent call last):\n"
        '  File "/opt/app/etl.py", line 3, in <module>\n'
        "    open('/data/in/x.csv')\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/x.csv'\n"
        "\n"
        "During handling of the above exception, another exception occurred:\n"
        "\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/app/etl.py", line 5, in <module>\n'
        "    raise RuntimeError('load failed')\n"
        "RuntimeError: load failed\n",
        1,
        "file_not_found",
        "FileNotFoundError",
        ["FileNotFoundError", "/data/in/x.csv"],
    ),
    (
        "retried_then_succeeded_is_noise",
        "2025-03-14 02:00:06 ERROR Connection refused by sftp01:22, retrying in 5s\n"
        "2025-03-14 02:00:11 connected to sftp01:22\n"
        "cp: cannot create regular file '/data/out/emp.csv': Permission denied\n",
        1,
        "permission_denied",
        "Permission denied",
        ["/data/out/emp.csv"],
    ),
    (
        "retries_exhausted_first_error_is_root",
        "curl: (7) Failed to connect to api.example.com port 443: Connection refused (attempt "
        "1/3), retrying\n"
        "curl: (7) Failed to connect to api.example.com port 443: Connection refused (attempt "
        "2/3), retrying\n"
        "curl: (7) Failed to connect to api.example.com port 443: Connection refused (attempt "
        "3/3)\n"
        "giving up after 3 attempts\n",
        7,
        "network",
        "(attempt 1/3)",
        ["api.example.com", "443"],
    ),
    (
        "error_in_names_and_zero_counts_are_noise",
        "Running /opt/app/bin/error_report.sh\n"
        "Loaded 1200 rows into ERRORS_TABLE\n"
        "Load summary: 0 errors, 0 warnings\n"
        "Total logical records rejected:         0\n"
        "/opt/app/bin/load_emp.sh: line 30: /data/out/report.txt: No space left on device\n",
        1,
        "disk_full",
        "No space left",
        ["/data/out/report.txt"],
    ),
    (
        "warnings_are_noise",
        "WARNING: ORA-28002: the password will expire within 7 days\n"
        "2025-03-14 02:00:06 WARN  could not open /tmp/cache.db, using defaults\n"
        "ERROR 1146 (42S02) at line 3: Table 'dw.emp' doesn't exist\n",
        1,
        "database",
        "ERROR 1146",
        ["dw.emp"],
    ),
    (
        "killed_rc137",
        "Processing batch 1\n/opt/app/bin/load_emp.sh: line 8: 4711 Killed                  java "
        "-Xmx8g -jar etl.jar\n",
        137,
        # no line speaks of memory: a SIGKILL, not the out-of-memory killer's by default
        "signal_or_crash",
        "Killed",
        [],
    ),
    (
        "segfault",
        "/opt/app/bin/load_emp.sh: line 8: 4711 Segmentation fault      (core dumped) ./extract\n",
        139,
        "signal_or_crash",
        "Segmentation fault",
        [],
    ),
    (
        "ssh_auth",
        "batch@sftp01.example.com: Permission denied (publickey,password).\nConnection closed\n",
        255,
        "authentication",
        "publickey",
        ["batch@sftp01.example.com"],
    ),
    (
        "tws_unknown_user",
        "AWSBDW009E The following operating system error occurred retrieving the password "
        "structure for either the logon user, or the user who owns the file: unknown user\n",
        1,
        "authentication",
        "AWSBDW009E",
        ["AWSBDW009E", "batchusr"],
    ),
    (
        "timeout_socket",
        "java.net.SocketTimeoutException: Read timed out\n\tat "
        "java.net.SocketInputStream.read(Unknown Source)\n",
        1,
        "timeout",
        "SocketTimeoutException",
        ["java.net.SocketTimeoutException"],
    ),
    (
        "resource_busy_oracle",
        "ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired\n",
        1,
        "resource_busy",
        "ORA-00054",
        ["ORA-00054"],
    ),
    (
        "invalid_input_sqlldr",
        "Record 42: Rejected - Error on table SCOTT.EMP, column HIREDATE.\n"
        "ORA-01861: literal does not match format string\n",
        2,
        "invalid_input",
        "Record 42",
        ["SCOTT.EMP"],
    ),
    (
        "http_unauthorized",
        "curl: (22) The requested URL returned error: 401 Unauthorized\n",
        22,
        "authentication",
        "401",
        ["401"],
    ),
    (
        "windows_not_recognized",
        "'sqlcmd' is not recognized as an internal or external command,\n"
        "operable program or batch file.\n",
        9009,
        "command_not_found",
        "sqlcmd",
        ["sqlcmd"],
    ),
    (
        "generic_error_line_only",
        "step 1 ok\nERROR: batch 7 could not be reconciled with the ledger\n",
        4,
        "application_error",
        "ERROR: batch 7",
        [],
    ),
]


@pytest.mark.parametrize(
    ("body", "exit_status", "category", "needle", "entities"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_names_root_cause_line_and_entities(body, exit_status, category, needle, entities):
    log = joblog(body, exit_status)
    analysis = analyze_joblog(log)
    assert analysis.category == category, analysis
    assert analysis.error_line == line_of(log, needle), analysis
    assert analysis.error_text == log.splitlines()[analysis.error_line - 1]
    for entity in entities:
        assert entity in analysis.entities, (entity, analysis.entities)
    for entity in analysis.entities:
        assert entity in log
    assert analysis.steps[-1].endswith('`conman "rr FTA01#PAYROLL.LOAD_EMP;noask"`.')
    assert 0.0 <= analysis.confidence <= 1.0


def test_exit_status_zero_is_success_with_line_zero():
    log = joblog("2025-03-14 INFO all good\nrows loaded: 1200, errors: 0\n", 0)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line, analysis.steps) == ("success", 0, ())
    # more likely right than not (first contacts: 8 of 13 such verdicts were right)
    assert analysis.confidence > 0.5


def test_rc_127_without_text_is_command_not_found_at_exit_status_line():
    log = joblog("", 127)
    analysis = analyze_joblog(log)
    assert analysis.category == "command_not_found"
    assert analysis.error_line == line_of(log, "Exit Status")
    assert "127" in analysis.entities
    assert analysis.confidence < 0.75


def test_nonzero_exit_without_any_error_text_is_unknown_and_unsure():
    analysis = analyze_joblog(joblog("step 1 done\nstep 2 done\n", 3))
    assert analysis.category == "unknown"
    assert analysis.confidence < 0.3


def test_rc_127_prefers_command_not_found_over_an_earlier_missing_file():
    body = "cat: /tmp/optional.cfg: No such file or directory\nbash: sqlldr: command not found\n"
    log = joblog(body, 127)
    analysis = analyze_joblog(log)
    assert analysis.category == "command_not_found"
    assert analysis.error_line == line_of(log, "sqlldr")


def test_specific_statement_is_more_confident_than_generic_one():
    specific = analyze_joblog(
        joblog("ORA-01653: unable to extend table SCOTT.EMP by 8 in tablespace USERS\n")
    )
    generic = analyze_joblog(joblog("ERROR: something went wrong\n", 4))
    assert specific.confidence > 0.5 > generic.confidence
    assert specific.confidence - generic.confidence > 0.5


def test_log_without_banner_uses_placeholder_rerun_and_caller_identity():
    body = "cat: /data/in/employees.csv: No such file or directory\n"
    bare = analyze_joblog(body)
    assert bare.error_line == 1 and bare.header.variant == "none"
    assert "<WS>#<JOBSTREAM>.<JOB>" in bare.steps[-1]
    named = analyze_joblog(body, job=JobIdentity("CPU1", "DAILY", "EXTRACT"))
    assert named.steps[-1].endswith('`conman "rr CPU1#DAILY.EXTRACT;noask"`.')


def test_root_cause_sentence_names_the_entity():
    analysis = analyze_joblog(joblog("cat: /data/in/employees.csv: No such file or directory\n"))
    assert analysis.root_cause.startswith("Missing file: /data/in/employees.csv")
    oracle = analyze_joblog(
        joblog("ORA-01653: unable to extend table SCOTT.EMP by 8 in tablespace USERS\n")
    )
    assert "ORA-01653" in oracle.root_cause and "SCOTT.EMP" in oracle.root_cause


def test_contract_dict_keeps_the_contract_keys_in_order():
    analysis = analyze_joblog(joblog("bash: sqlldr: command not found\n", 127))
    contract = analysis.to_contract_dict("x.log")
    keys = [
        "file",
        "category",
        "root_cause",
        "error_line",
        "error_text",
        "entities",
        "entity_roles",
        "steps",
        "confidence",
    ]
    assert [key for key in contract if key in keys] == keys
    assert {"chosen_for", "runner_up"} <= set(contract)
    assert contract["category"] in CATEGORIES


def test_pattern_replaces_variable_parts():
    a = analyze_joblog(joblog("cat: /data/in/a.csv: No such file or directory\n"))
    b = analyze_joblog(joblog("cat: /data/in/other_name.csv: No such file or directory\n"))
    assert a.pattern == b.pattern == "cat: <*>: No such file or directory"


def test_secrets_on_the_error_line_are_masked():
    log = joblog(
        "sqlplus -s scott/tiger@ORCL: ORA-01017: invalid username/password; logon denied\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "authentication"
    assert "tiger" not in analysis.error_text and "tiger" not in " ".join(analysis.entities)


JAVA_HEAP = """Exception in thread "main" java.lang.OutOfMemoryError: Java heap space
\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)
\tat java.base/java.util.ArrayList.grow(ArrayList.java:237)
\tat de.logistik.etl.ReconciliationJob.loadAll(ReconciliationJob.java:88)
\tat de.logistik.etl.ReconciliationJob.main(ReconciliationJob.java:41)
2025-03-14 02:01:00 WARN  o.h.engine.jdbc.spi.SqlExceptionHelper - connection closed
"""


def test_java_out_of_memory_names_the_exception_and_where_it_was_thrown():
    analysis = analyze_joblog(joblog(JAVA_HEAP, 1))
    assert analysis.category == "out_of_memory"
    assert analysis.entities[0] == "java.lang.OutOfMemoryError"
    # the frame is listed by its source line; the sentence says the method it was thrown in
    assert "ReconciliationJob.java:88" in analysis.entities
    assert "de.logistik.etl.ReconciliationJob.loadAll" not in analysis.entities
    # no thread name, short form, package fragment, source line or TWS banner message id
    for noise in ("main", "OutOfMemoryError", "java", "o", "spi", "de", "etl", "AWSBIS308I"):
        assert noise not in analysis.entities, analysis.entities
    assert not any(e.endswith(".java:3537") for e in analysis.entities)
    assert analysis.root_cause == (
        "Out of memory: java.lang.OutOfMemoryError: Java heap space in "
        "de.logistik.etl.ReconciliationJob.loadAll (RC 1)"
    )


def test_shell_error_names_the_failing_file_not_the_reporting_script():
    body = "/opt/app/bin/load.sh: line 41: /data/out/x.csv: Permission denied\n"
    analysis = analyze_joblog(joblog(body, 1))
    assert analysis.entities == ("/data/out/x.csv",)
    assert analysis.root_cause == "Permission denied: /data/out/x.csv (RC 1)"


def test_sqlstate_and_compound_codes_are_not_repeated():
    body = 'SQL0204N  "DB2INST1.CARD_TXN_HIST" is an undefined name.  SQLSTATE=42704\n'
    analysis = analyze_joblog(joblog(body, 4))
    # the SQLSTATE is named once, bare, after the vendor code and the object
    assert analysis.entities == ("SQL0204N", "DB2INST1.CARD_TXN_HIST", "42704")
    assert analysis.root_cause == "DB2 error: SQL0204N on DB2INST1.CARD_TXN_HIST (RC 4)"


@pytest.mark.parametrize(
    ("line", "path"),
    [
        (
            r"module found in C:\Program Files\WindowsPowerShell\Modules is older",
            r"C:\Program Files\WindowsPowerShell\Modules",
        ),
        (
            r"Access is denied: \\nas01\fin share\Daily Reports\gl.csv",
            r"\\nas01\fin share\Daily Reports\gl.csv",
        ),
        (r"copied C:\data\in to D:\out", r"C:\data\in"),
    ],
)
def test_windows_paths_keep_their_spaced_folders_and_stop_where_the_sentence_goes_on(
    line: str, path: str
) -> None:
    from resync_analytics.joblog.entities import entity_texts, extract_entities

    assert path in entity_texts(extract_entities(line))


JES_JOB = (
    " 23.10.00 JOB04711  $HASP373 PAYB0200 STARTED - INIT 2    - CLASS A        - SYS SYSB\n"
    " 23.10.00 JOB04711  -JOBNAME  STEPNAME PROCSTEP    RC   EXCP    CPU    SRB  CLOCK   SERV\n"
    " 23.10.09 JOB04711  -PAYB0200 EXTRACT  SORTSTEP    00    120    .01    .00    .10   1210\n"
    " 23.10.40 JOB04711  -PAYB0200 LOAD                 {rc}   1802    .11    .00    .46  12990\n"
    " 23.10.40 JOB04711  -PAYB0200 REPORT             FLUSH      0    .00    .00    .00      0\n"
    " 23.10.40 JOB04711  $HASP395 PAYB0200 ENDED - MAXCC=00{rc}\n"
)


def test_a_z_os_job_that_ended_with_a_nonzero_maxcc_failed_at_the_step_that_set_it():
    log = JES_JOB.format(rc="08")
    analysis = analyze_joblog(log)
    assert analysis.exit_code == 8
    assert (analysis.category, analysis.error_line) == ("unknown", line_of(log, "LOAD"))


def test_a_z_os_job_that_ended_with_maxcc_zero_succeeded():
    analysis = analyze_joblog(JES_JOB.format(rc="00"))
    assert (analysis.category, analysis.exit_code) == ("success", 0)
