"""Entities carry roles (host, port, user, object, path, pid, limit, frame, script ...): each
role found on a line of its own kind, completed from the lines around the error, and carried
to the JSON an operator's tools read."""

from __future__ import annotations

import json

import pytest

from resync_analytics.joblog import analyze_joblog
from resync_analytics.joblog.entities import ROLES, Entity, extract_entities, role_of
from resync_analytics.joblog.evaluation import LabelledJoblog, Outcome, role_figures
from resync_analytics.joblog.models import LogLine
from resync_analytics.joblog.precision import keep_entities
from resync_analytics.joblog.role_entities import complete_roles
from tests.resync_analytics.joblog_corpora import load_real_corpus
from tests.resync_analytics.joblog_samples import joblog


def roles_on(line: str) -> dict[str, str]:
    return {e.text: role_of(e) for e in extract_entities(line)}


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        ("ssh: connect to host sftp.partner.example port 22: Connection refused", "22", "port"),
        (
            "ssh: connect to host sftp.partner.example port 22: Connection refused",
            "sftp.partner.example",
            "host",
        ),
        ("java.net.ConnectException: Connection refused to db07.corp.local:1521", None, "host"),
        ('FATAL:  password authentication failed for user "etl_loader"', "etl_loader", "user"),
        ('SQL0204N  "STG.ORDERS_DAILY" is an undefined name.  SQLSTATE=42704', None, "object"),
        ("cp: cannot stat '/data/in/orders_0612.csv': No such file or directory", None, "path"),
        ("/opt/etl/bin/nightly.sh: line 40: 40412 Killed  /opt/etl/bin/engine", "40412", "pid"),
        ("lock on STG.ORDERS is held by process 7781", "7781", "pid"),
        ("exec java -Xmx2048m -cp lib/* com.acme.Load", "-Xmx2048m", "limit"),
        (
            "Container killed; consider boosting spark.executor.memoryOverhead",
            "spark.executor.memoryOverhead",
            "limit",
        ),
        ("\tat com.acme.batch.Loader.read(Loader.java:84)", "com.acme.batch.Loader.read", "frame"),
        (r"At D:\jobs\Push-Files.ps1:51 char:9", "Push-Files.ps1:51", "frame"),
        ("curl: (7) Failed to connect to api.example.net port 443", "7", "code"),
        ("bash: sqlldr: command not found", "sqlldr", "command"),
    ],
)
def test_each_role_is_read_from_a_line_that_states_it(line: str, text: str | None, role: str):
    found = roles_on(line)
    if text is None:  # the one entity of that role on the line
        assert role in found.values(), found
    else:
        assert found.get(text) == role, found


def test_a_script_path_and_a_source_frame_are_read_from_their_text():
    assert role_of(Entity("path", "/opt/etl/bin/load_orders.sh")) == "script"
    assert role_of(Entity("path", "/data/in/orders.csv")) == "path"
    assert role_of(Entity("object", "Loader.java:84")) == "frame"
    assert role_of(Entity("host", "db01:5432")) == "host"
    assert set(ROLES) >= {"host", "port", "user", "object", "path", "pid", "limit", "frame"}


def test_documentation_links_and_headings_are_not_entities():
    line = "cURL error 28: timed out (see https://curl.example.org/libcurl-errors.html)"
    assert "https://curl.example.org/libcurl-errors.html" not in roles_on(line)
    assert roles_on(line).get("28") == "code"
    assert "Connection" not in roles_on("Opening Database Connection")


def _lines(*texts: str, start: int = 1) -> tuple[LogLine, ...]:
    return tuple(LogLine(start + i, t) for i, t in enumerate(texts))


def test_the_failing_steps_command_line_names_the_database_and_the_account():
    before = _lines("$ db2 connect to SALESDB user etl_user using ********")
    line = LogLine(2, 'SQL30082N  Security processing failed with reason "24".')
    named = complete_roles("authentication", line, before, (), [Entity("code", "SQL30082N")])
    roles = {e.text: role_of(e) for e in named}
    assert roles == {"SQL30082N": "code", "SALESDB": "object", "etl_user": "user"}


def test_a_crash_names_the_process_the_shell_reports_dead():
    line = LogLine(5, "terminate called after throwing an instance of 'std::bad_alloc'")
    after = _lines("  what():  std::bad_alloc", "run.sh: line 9: 61230 Aborted", start=6)
    named = complete_roles("out_of_memory", line, (), after, [Entity("exception", "x")])
    assert [e.text for e in named if role_of(e) == "pid"] == ["61230"]
    # a resource failure is not about a process: only the exception the runtime reported
    # under the line is named
    assert complete_roles("file_not_found", line, (), after, []) == [
        Entity("exception", "std::bad_alloc")
    ]


def test_a_stack_is_named_by_the_method_and_source_line_of_the_jobs_first_frame():
    log = joblog(
        "java.lang.NullPointerException: customer is null\n"
        "\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)\n"
        "\tat com.acme.billing.InvoiceWriter.write(InvoiceWriter.java:57)\n"
        "\tat com.acme.billing.Main.main(Main.java:12)\n"
    )
    analysis = analyze_joblog(log)
    # the source line an operator opens names the frame; its method would say it twice
    assert analysis.entities_with_role("frame") == ("InvoiceWriter.java:57",)
    assert not any("Objects" in e or "Main" in e for e in analysis.entities)


def test_a_python_traceback_is_named_by_its_innermost_frame_outside_the_standard_library():
    log = joblog(
        "Traceback (most recent call last):\n"
        '  File "/opt/feeds/bin/sync.py", line 20, in <module>\n'
        "    main()\n"
        '  File "/opt/feeds/lib/feeds/store.py", line 88, in save\n'
        "    cur.execute(sql)\n"
        "sqlite3.OperationalError: database is locked\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.entities_with_role("frame") == ("/opt/feeds/lib/feeds/store.py",)


def test_noise_keeps_dropping_versions_and_times():
    kept = keep_entities(
        [Entity("value", "10:42:07"), Entity("object", "1.4.2"), Entity("code", "ORA-00942")],
        "ORA-00942 at 10:42:07",
    )
    assert kept == [Entity("code", "ORA-00942")]


def test_the_json_output_carries_each_entity_with_its_role():
    log = joblog("psql: error: connection to server at db01.corp.local:5432 failed: timeout\n")
    contract = analyze_joblog(log).to_contract_dict("x.log")
    shown = json.loads(json.dumps(contract))
    assert [r["text"] for r in shown["entity_roles"]] == shown["entities"]
    assert {"text": "db01.corp.local:5432", "role": "host"} in shown["entity_roles"]
    assert all(r["role"] in ROLES for r in shown["entity_roles"])


def test_every_labelled_real_entity_has_a_known_role():
    samples = load_real_corpus()
    assert samples
    for sample in samples:
        assert len(sample.roles) == len(sample.entities), sample.name
        assert set(sample.roles) <= set(ROLES), sample.name


def test_role_figures_count_recall_and_precision_per_role():
    log = joblog("cat: /data/in/orders.csv: No such file or directory\n")
    sample = LabelledJoblog(
        "x.log",
        log.encode(),
        "file_not_found",
        10,
        ("/data/in/orders.csv", "ORDERS"),
        ("path", "object"),
    )
    figures = {f.role: f for f in role_figures([Outcome(sample, analyze_joblog(log))])}
    assert (figures["path"].labelled, figures["path"].found, figures["path"].agreeing) == (1, 1, 1)
    assert figures["path"].precision == 1.0
    assert (figures["object"].labelled, figures["object"].found) == (1, 0)
    assert figures["object"].recall == 0.0


@pytest.mark.parametrize(
    ("line", "noise"),
    [
        ("Out of memory: Killed process 4411 (java) total-vm:8,388,608kB, UID:1001", "total-vm:8"),
        ("Out of memory: Killed process 4411 (java) total-vm:8,388,608kB, UID:1001", "UID:1001"),
        ("At C:\\jobs\\Sync.ps1:12 char:1 line:20244", "line:20244"),
        ("etl@dbhost01:~$ db2 connect to SALESDB user etl", "etl@dbhost01"),
        ("No files matching '*.csv' under /data/in", "*.csv"),
        ("    at Module._compile (internal/modules/cjs/loader.js:1105:14)", None),
    ],
)
def test_fields_prompts_globs_and_runtime_sources_are_not_entities(line: str, noise: str | None):
    found = roles_on(line)
    if noise is None:
        assert not any(text.startswith("internal/") for text in found), found
    else:
        assert noise not in found, found
    if "Killed process" in line:
        assert found.get("4411") == "pid"


def test_kubernetes_events_name_the_pod_and_the_warning_reason():
    warning = (
        "  Warning  BackoffLimitExceeded  3h  job-controller  Job has reached the backoff limit"
    )
    assert roles_on(warning) == {"BackoffLimitExceeded": "code"}
    created = "  Normal   SuccessfulCreate  3h  job-controller  Created pod: nightly-load-8x2kq"
    assert roles_on(created).get("nightly-load-8x2kq") == "object"
    failed = '2m  Warning  Failed  pod/etl-api-6f7c9-zt5lq  Failed to pull image "acme/etl:1.4"'
    assert roles_on(failed).get("etl-api-6f7c9-zt5lq") == "object"


def test_kernel_flags_and_logger_locations_are_not_entities():
    oom = "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),task=java,pid=4411,uid=1001"
    assert "CONSTRAINT_NONE" not in roles_on(oom)
    assert "GFP_KERNEL" not in roles_on("java invoked oom-killer: gfp_mask=0x100cca(GFP_KERNEL)")
    airflow = "[2025-03-14, 02:00:31 UTC] {subprocess.py:93} INFO - Command exited with code 1"
    assert "subprocess.py" not in roles_on(airflow)


def test_a_grant_the_tool_suggests_names_its_object_and_account():
    line = LogLine(7, "[ERROR] OCI ERROR: [ORA-00942: table or view does not exist]")
    after = _lines("[ERROR] HINT: run: GRANT SELECT ON STG.ORDERS TO etl_reader;", start=8)
    named = complete_roles("database", line, (), after, [Entity("code", "ORA-00942")])
    roles = {e.text: role_of(e) for e in named}
    assert roles == {"ORA-00942": "code", "STG.ORDERS": "object", "etl_reader": "user"}


def test_a_php_console_exception_names_the_file_it_was_thrown_in():
    assert roles_on("In StreamHandler.php line 107:") == {"StreamHandler.php": "frame"}


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        ("curl: (28) Operation timed out after 180001 milliseconds", "28", "code"),
        ("cURL error 6: Could not resolve host: api.example.net", "6", "code"),
        (
            "rsync error: some files/attrs were not transferred (code 23) at main.c(1677)",
            "23",
            "code",
        ),
        (
            "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.example.net')",
            "requests.exceptions.ReadTimeout",
            "exception",
        ),
        (
            "A first chance exception of type 'Oracle.DataAccess.Client.OracleException' occurred",
            "Oracle.DataAccess.Client.OracleException",
            "exception",
        ),
        ("        833             IMSTESTU.ANSI.DBDLIB2(DH41SK01)", None, "object"),
        ("IEC032I E37-04,IFG0554P,OMVSADM2,STEP1,SYSLMOD,0900,DIPTI1,  833", "SYSLMOD", "object"),
        ("IEC032I E37-04,IFG0554P,OMVSADM2,STEP1,SYSLMOD,0900,DIPTI1,  833", "E37-04", "code"),
        (" 23.06.03 JOB00345  IEFC452I CLGP - JOB NOT RUN - JCL ERROR  353", "CLGP", "object"),
        (
            "From entry point zds_close_output_bpam(ZDS*,IO_CTRL*) at compile unit offset +00D2",
            "zds_close_output_bpam",
            "object",
        ),
        (
            "improper relation name (too many dotted names): public.airflow.public.customers__bak",
            "public.airflow.public.customers__bak",
            "object",
        ),
        ("Redshift error: could not open relation with OID 6134794", "6134794", "object"),
        ("  Database Error in model customers (models/customers.sql)", None, "script"),
        (
            "WARNING: step_script could not run to completion because the timeout was exceeded",
            "step_script",
            "object",
        ),
    ],
)
def test_each_new_form_is_read_with_its_role(line: str, text: str | None, role: str):
    found = roles_on(line)
    if text is None:
        text = {
            "object": "IMSTESTU.ANSI.DBDLIB2(DH41SK01)",
            "script": "models/customers.sql",
        }[role]
    assert found.get(text) == role, found
    assert text in line


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        (
            'rsync: ERROR: cannot stat destination "/mnt/amz/backup": Permission denied (13)',
            "13",
            "code",
        ),
        ("ldap_bind: Invalid credentials (49)", "49", "code"),
        (
            "send-mail: Server didn't like our AUTH LOGIN (530 5.7.0 Must issue a STARTTLS",
            "530",
            "code",
        ),
        (
            "FAILED: SemanticException Error when getting ID (state=42000,code=40000)",
            "40000",
            "code",
        ),
        ("ERROR: Wget error 4", "4", "code"),
        (r"(Error number 33) on file \\?\GLOBALROOT\x.pst", "33", "code"),
        (
            "Error: Error running command 'modules/web/s3/scripts/sync.sh': exit status 1.",
            "modules/web/s3/scripts/sync.sh",
            "script",
        ),
        (
            "1 of 2 ERROR creating view model dbt_dbanin.one........ [ERROR in 0.02s]",
            "dbt_dbanin.one",
            "object",
        ),
        ("1 of 1 START sql table model dwh.test_model ........ [RUN]", "dwh.test_model", "object"),
        (
            "Statement : insert into temporary (employee_no, code) values (:a, :b)",
            "temporary",
            "object",
        ),
        (
            "pg_dump: error: The command was: COPY public.table(column1, column2) TO stdout;",
            "public.table",
            "object",
        ),
        ("Faulting module name: clr.dll, version: 4.8.4729.0", "clr.dll", "object"),
        (
            "Can't locate DBI.pm in @INC (you may need to install the DBI module)",
            "DBI.pm",
            "object",
        ),
        (
            "IEFA107I SAMRUN CMPLSAM2 STEPLIB - DATA SET IGY630.SIGYCOMP NOT FOUND",
            "CMPLSAM2",
            "object",
        ),
        (
            "Job (DEFAULT.connectorStatsJobDetail threw an exception.",
            "connectorStatsJobDetail",
            "object",
        ),
        (
            "failed to connect to 'DBI:Oracle:host=localhost;port=1521;sid=dbdev':",
            "dbdev",
            "object",
        ),
    ],
)
def test_each_shape_of_the_development_logs_is_read_with_its_role(line: str, text: str, role: str):
    assert roles_on(line).get(text) == role, roles_on(line)


@pytest.mark.parametrize(
    ("line", "word"),
    [
        (
            'Exception calling "DownloadString" with "1" argument(s): "Proxy Authentication"',
            "DownloadString",
        ),
        ('    "StatusDescription": "Error 1045: Access denied for user",', "StatusDescription"),
    ],
)
def test_a_called_method_or_a_record_key_is_no_value(line: str, word: str):
    assert word not in roles_on(line)
    # a quoted name a message refuses stays ('cannot create directory 'logs': ...')
    assert "logs" in roles_on("mkdir: cannot create directory 'logs': Permission denied")


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        (
            "libc++abi.dylib: terminating with uncaught exception of type "
            "oracle::occi::SQLException: ORA-12170: TNS:Connect timeout occurred",
            "oracle::occi::SQLException",
            "exception",
        ),
        (
            '[info     ] psycopg2.errors.UndefinedTable: relation "source.t" does not exist',
            "psycopg2.errors.UndefinedTable",
            "exception",
        ),
        (
            "exception during async job acquisition: GC overhead limit exceeded",
            "GC overhead limit exceeded",
            "limit",
        ),
    ],
)
def test_an_uncaught_class_and_the_jvms_limit_are_read(line: str, text: str, role: str):
    found = roles_on(line)
    assert found.get(text) == role, found
    assert "SQLException" not in found  # the short form inside "oracle::occi::SQLException"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("spark task command: ${SPARK_HOME2}/bin/spark-submit --master yarn", "SPARK_HOME2"),
        ("    CF_SPACE: prod", "CF_SPACE"),
        (
            'ERROR: command "make all-gcc CFLAGS_FOR_TARGET=-noixemul -Os" failed',
            "CFLAGS_FOR_TARGET",
        ),
        ("SQL [UPDATE BATCH_STEP_EXECUTION set START_TIME = ?, STATUS = ?", "START_TIME"),
    ],
)
def test_a_variable_or_a_column_being_set_is_no_object(line: str, name: str):
    assert name not in roles_on(line)
    assert roles_on("ORA-00942 on SALES_STG: table missing").get("SALES_STG") == "object"


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        (
            "Error query: SQLSTATE[HY000]: General error: 1205 Lock wait timeout exceeded; try "
            "restarting transaction In query: INSERT INTO `piwik_option` (option_name, x)",
            "1205",
            "code",
        ),
        (
            "In query: INSERT INTO `piwik_option` (option_name, option_value)",
            "piwik_option",
            "object",
        ),
        ("mysqldump: Error 2013: Lost connection to MySQL server during query", "2013", "code"),
        (
            "tar: bash-4.4/tests/history.list: Cannot open: Permission denied",
            "bash-4.4/tests/history.list",
            "path",
        ),
    ],
)
def test_mysql_numbers_quoted_tables_and_tars_member_are_read(line: str, text: str, role: str):
    assert roles_on(line).get(text) == role, roles_on(line)


def test_perls_search_path_is_not_named_beside_the_module_it_cannot_load():
    found = roles_on(
        "Can't locate DBI.pm in @INC (you may need to install the DBI module) "
        "(@INC contains: /etc/perl /usr/share/perl5 /usr/local/lib/site_perl .) at x.pl line 3."
    )
    assert found.get("DBI.pm") == "object"
    assert not any(text.startswith("/") for text in found), found


def test_a_python_traceback_over_a_missing_file_names_the_jobs_own_frame():
    before = [
        LogLine(10, "Traceback (most recent call last):"),
        LogLine(11, '  File "/opt/app/lib/python3.8/site-packages/req/api.py", line 5, in get'),
        LogLine(12, '  File "/opt/gandi/gandi_dyndns.py", line 141, in load_config'),
        LogLine(13, '  File "/usr/lib/python3.8/json/__init__.py", line 293, in load'),
    ]
    line = LogLine(14, "IOError: [Errno 2] No such file or directory: 'config.json'")
    named = complete_roles("file_not_found", line, before, [], [])
    assert [e.text for e in named if role_of(e) == "frame"] == ["/opt/gandi/gandi_dyndns.py"]


def test_a_c_parameter_type_is_not_a_name():
    found = roles_on("From entry point zds_close_output_bpam(ZDS*,IO_CTRL*) at offset +00D2")
    assert "IO_CTRL" not in found and "ZDS" not in found


def test_the_sqlstate_of_the_statement_is_named_even_on_the_next_line():
    line = LogLine(13, 'SQL30082N  Security processing failed with reason "24" ("USERNAME AND/OR')
    after = _lines('PASSWORD INVALID").  SQLSTATE=08001', start=14)
    named = complete_roles("authentication", line, (), after, [Entity("code", "SQL30082N")])
    assert [e.text for e in named] == ["SQL30082N", "08001"]


def test_a_system_abend_reported_under_the_message_is_named():
    line = LogLine(25, "IEC032I E37-04,IFG0554P,OMVSADM2,STEP1,SYSLMOD,0900,DIPTI1,  833")
    after = _lines(
        "        833             IMSTESTU.ANSI.DBDLIB2(DH41SK01)",
        "    CEE3250C The system or user abend SE37  R=00000004 was issued.",
        start=26,
    )
    named = complete_roles("disk_full", line, (), after, [])
    assert "SE37" in [e.text for e in named]
    # a "no abend" placeholder is never a cause
    quiet = _lines("abend S000 was not issued", start=26)
    assert not complete_roles("disk_full", line, (), quiet, [])


def test_a_timeout_names_the_limit_its_runner_reports_after_it():
    line = LogLine(22, "WARNING: step_script could not run to completion because the timeout")
    after = _lines("ERROR: Job failed: execution took longer than 30s seconds", start=23)
    named = complete_roles("timeout", line, (), after, [Entity("object", "step_script")])
    assert {e.text: role_of(e) for e in named} == {"step_script": "object", "30s": "limit"}
    # only a timeout is about a limit
    assert not complete_roles("network", line, (), after, [])


def test_the_exception_class_beside_a_coded_error_is_named():
    before = _lines(
        "A first chance exception of type 'Oracle.DataAccess.Client.OracleException' occurred",
        start=14,
    )
    line = LogLine(18, "Error message: ORA-01722: invalid number")
    named = complete_roles("invalid_input", line, before, (), [Entity("code", "ORA-01722")])
    assert [e.text for e in named] == ["ORA-01722", "Oracle.DataAccess.Client.OracleException"]
    # a short form of an exception already named is not added again
    already = [Entity("exception", "Oracle.DataAccess.Client.OracleException")]
    assert complete_roles("invalid_input", line, before, (), already) == already


def test_a_node_frame_under_a_refused_logon_is_named_with_its_column():
    line = LogLine(11, "Error: Cannot initialize database: SQL30082N  Security processing failed")
    after = _lines(
        "    at Object.<anonymous> (F:\\app\\node_modules\\ibm_db\\lib\\odbc.js:120:5)",
        "    at Object.<anonymous> (F:\\app\\db.js:29:9)",
        "    at Module._compile (node:internal/modules/cjs/loader:1105:14)",
        start=12,
    )
    named = complete_roles("authentication", line, (), after, [Entity("code", "SQL30082N")])
    frames = [e.text for e in named if role_of(e) == "frame"]
    # the driver's package is not the fault; the job's own call into it is
    assert frames == ["F:\\app\\db.js:29:9"]


def test_a_frame_of_the_exceptions_own_class_is_not_where_it_broke():
    line = LogLine(5, "net.schmizz.sshj.connection.ConnectionException: Timeout expired")
    after = _lines(
        "\tat net.schmizz.sshj.connection.ConnectionException$1.chain(ConnectionException.java:32)",
        "\tat net.schmizz.concurrent.Promise.retrieve(Promise.java:140)",
        start=6,
    )
    named = complete_roles("timeout", line, (), after, [])
    assert [e.text for e in named if role_of(e) == "frame"] == ["Promise.java:140"]


def test_a_python_library_that_raised_is_named_for_a_code_fault_not_for_a_resource():
    before = _lines(
        '  File "/opt/app/run.py", line 12, in main',
        '  File "/usr/lib64/python3.5/site-packages/minidb.py", line 928, in query',
        '  File "/usr/lib64/python3.5/sqlite3/dbapi2.py", line 40, in execute',
        start=16,
    )
    line = LogLine(19, "sqlite3.OperationalError: database is locked")
    named = complete_roles("resource_busy", line, before, (), [])
    assert [e.text for e in named] == ["/usr/lib64/python3.5/site-packages/minidb.py"]
    # a refused connection runs through the driver; the driver is not the fault, the job's
    # own code that opened the connection is what the labels name
    assert [e.text for e in complete_roles("network", line, before, (), [])] == ["/opt/app/run.py"]


def test_pieces_of_a_longer_entity_are_not_listed_again():
    from resync_analytics.joblog.precision import without_pieces

    entities = [
        Entity("object", "IMSTESTU.ANSI.DBDLIB2"),
        Entity("object", "DH41SK01"),
        Entity("path", "C:\\Program"),
        Entity("path", "F:\\app\\db.js"),
        Entity("object", "SYSLMOD"),
        Entity("host", "10.20.30.25"),
    ]
    named = [
        Entity("object", "IMSTESTU.ANSI.DBDLIB2(DH41SK01)"),
        Entity("path", "C:\\Program Files\\Tool\\Run.ps1"),
        Entity("object", "F:\\app\\db.js:29:9", "frame"),
        Entity("host", "bioadm@10.20.30.25"),
    ]
    assert [e.text for e in without_pieces(entities, named)] == ["SYSLMOD"]


def test_a_further_file_is_not_listed_when_the_first_tier_names_the_failing_one():
    from resync_analytics.joblog.relevance import relevant_related

    related = [Entity("path", "/opt/app/conf/settings.ini"), Entity("host", "db07.corp.local")]
    named = [Entity("path", "/data/in/orders.csv"), Entity("code", "ENOENT")]
    assert relevant_related(related, named) == [Entity("host", "db07.corp.local")]
    # with no file named, a file around the error may be the subject; only the first further
    # entity is kept (the later ones of a log are almost never what the fix is about)
    assert relevant_related(related, [Entity("code", "ENOENT")]) == related[:1]


def test_only_the_first_further_entity_is_kept():
    from resync_analytics.joblog.relevance import MAX_KEPT, relevant_related

    related = [
        Entity("object", "DWH.ORDERS_STG"),
        Entity("path", "/data/in/orders.csv"),
        Entity("host", "db07.corp.local"),
    ]
    assert MAX_KEPT == 1
    assert relevant_related(related, [Entity("code", "ORA-00942")]) == related[:1]


def test_the_model_file_of_the_wrapping_statement_above_the_error_is_named():
    before = _lines(
        "03:14:54  Finished running 3 view models",
        "03:14:54    Database Error in model customers (models/customers.sql)",
        start=25,
    )
    line = LogLine(27, "  improper relation name (too many dotted names): public.airflow.customers")
    named = complete_roles("database", line, before, (), [])
    assert {e.text: role_of(e) for e in named} == {"models/customers.sql": "script"}
    # a model file further up is another statement's
    far = _lines("Database Error in model orders (models/orders.sql)", "ok", "ok", start=20)
    assert not complete_roles("database", line, far, (), [])


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        ("[ERR]   (RUN): 'tmpreaper' not found", "tmpreaper", "command"),
        ("SYSTEM COMPLETION CODE=0C3  REASON CODE=00000003", "0C3", "code"),
        (
            "CEE3204S The system detected a protection exception (System Completion Code=0C4).",
            "0C4",
            "code",
        ),
    ],
)
def test_a_missing_tool_and_a_system_completion_code_are_read(line: str, text: str, role: str):
    assert roles_on(line).get(text) == role
    # a key that was not found is no command
    assert roles_on("ERROR: key 'customer_id' not found in row 12").get("customer_id") != "command"


def test_the_c_function_language_environment_reports_under_its_message_is_named():
    line = LogLine(
        2, "CEE3204S The system detected a protection exception (System Completion Code=0C4)."
    )
    after = _lines(
        "   From compile unit ZZOW08:../quickjs.c/ at entry point __JS_FindAtom at statement 3813",
        start=3,
    )
    named = complete_roles("signal_or_crash", line, (), after, [Entity("code", "0C4")])
    assert [e.text for e in named] == ["0C4", "__JS_FindAtom"]


def test_a_further_host_is_not_listed_when_the_first_tier_names_the_failing_one():
    from resync_analytics.joblog.relevance import relevant_related

    related = [Entity("host", "worker09.hadoop.corp"), Entity("path", "/data/in/a.csv")]
    named = [Entity("host", "worker02.hadoop.corp"), Entity("code", "ExecutorLostFailure")]
    assert relevant_related(related, named) == [Entity("path", "/data/in/a.csv")]


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        (
            "AmazonS3Exception: The provided token has expired. (Service: Amazon S3; Status Code:"
            " 400; Error Code: ExpiredToken; Request ID: C043EEA5A00B5DF8)",
            "ExpiredToken",
            "code",
        ),
        (
            '"The remote server returned an error: (407) Proxy Authentication Required."',
            "407",
            "code",
        ),
        (
            "mysqldump: Got error: 2003: Can't connect to MySQL server on '127.0.0.1'",
            "2003",
            "code",
        ),
        ("DB2 SQL Error: SQLCODE=-964, SQLSTATE=57011, SQLERRMC=null", "SQLCODE=-964", "code"),
        (
            "DBI connect('sid=dbdev') failed: ORA-01017 at /opt/zdba/lib/DBIx.pm line 43.",
            "/opt/zdba/lib/DBIx.pm line 43",
            "frame",
        ),
        (
            "Container marked as failed: container_e50_1481285758114_1471903_01_000599 on host: x",
            "container_e50_1481285758114_1471903_01_000599",
            "object",
        ),
    ],
)
def test_a_service_error_code_a_perl_location_and_a_container_are_read(
    line: str, text: str, role: str
):
    assert roles_on(line).get(text) == role, roles_on(line)


def test_a_quoted_column_path_is_left_out_when_its_table_and_column_are_named():
    from resync_analytics.joblog.precision import without_pieces

    whole = Entity("object", '"JSDB"."MEASUREMENTS"."BRAIN_REGION"')
    parts = [Entity("object", "MEASUREMENTS"), Entity("object", "BRAIN_REGION")]
    assert without_pieces([whole, *parts], []) == parts
    # alone, the quoted name is the subject
    assert without_pieces([whole], []) == [whole]


def test_the_program_that_prints_a_message_is_named_only_when_it_is_the_subject():
    from resync_analytics.joblog.precision import keep_entities

    printer = [Entity("program", "rsync"), Entity("code", "11")]
    line = "rsync: write failed on /backup/x: No space left on device (28)"
    assert [e.text for e in keep_entities(printer, line, "disk_full")] == ["11"]
    missing = [Entity("program", "pmcmd")]
    assert [e.text for e in keep_entities(missing, "pmcmd: not found", "command_not_found")] == [
        "pmcmd"
    ]
    crashed = [Entity("program", "TaxCalc.exe")]
    assert keep_entities(crashed, "TaxCalc.exe crashed", "signal_or_crash") == crashed
