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
        ("curl: (7) Failed to connect to api.example.net port 443", "curl: (7)", "code"),
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
    assert roles_on(line).get("cURL error 28") == "code"
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
    # a resource failure is not about a process
    assert not complete_roles("file_not_found", line, (), after, [])


def test_a_stack_is_named_by_the_method_and_source_line_of_the_jobs_first_frame():
    log = joblog(
        "java.lang.NullPointerException: customer is null\n"
        "\tat java.base/java.util.Objects.requireNonNull(Objects.java:233)\n"
        "\tat com.acme.billing.InvoiceWriter.write(InvoiceWriter.java:57)\n"
        "\tat com.acme.billing.Main.main(Main.java:12)\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.entities_with_role("frame") == (
        "com.acme.billing.InvoiceWriter.write",
        "InvoiceWriter.java:57",
    )
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
