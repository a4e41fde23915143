"""Entity choices measured leave-one-source-out (bench/joblog_entity_choices.py): the standard
shapes of addresses, objects, limits, tool codes, tool subjects and Ruby exceptions, missing
commands, documentation links, the host of a named URL, the job's own frame and the JVM's heap
option. Each is checked with its setting on and off, on lines invented in the shapes the
standards and tools print."""

from __future__ import annotations

import pytest

import resync_analytics.joblog.entities as entities
import resync_analytics.joblog.precision as precision
import resync_analytics.joblog.role_entities as role_entities
from resync_analytics.joblog.entities import Entity, extract_entities, role_of
from resync_analytics.joblog.models import LogLine
from resync_analytics.joblog.precision import keep_entities, without_pieces
from resync_analytics.joblog.role_entities import complete_roles


def _roles(line: str) -> dict[str, str]:
    return {e.text: role_of(e) for e in extract_entities(line)}


def _lines(*texts: str, start: int) -> tuple[LogLine, ...]:
    return tuple(LogLine(start + i, t) for i, t in enumerate(texts))


@pytest.mark.parametrize(
    ("group", "line", "text", "role"),
    [
        (
            "addresses",
            "postfix/smtp[811]: lost connection with relay7[198.51.100.23]:587 while sending",
            "relay7",
            "host",
        ),
        (
            "addresses",
            "postfix/smtp[811]: connect to relay7[198.51.100.23]:587: Connection timed out",
            "587",
            "port",
        ),
        ("addresses", "Connection to vault03 port 2222: No route to host", "vault03", "host"),
        (
            "addresses",
            "Login failed. Connection string: Server=tcp:SQLDW02,14330;Database=stage;",
            "SQLDW02",
            "host",
        ),
        (
            "addresses",
            "Login failed. Connection string: Server=tcp:SQLDW02,14330;Database=stage;",
            "14330",
            "port",
        ),
        (
            "objects",
            "FAILED: SemanticException Table not found 'clicks_raw'",
            "clicks_raw",
            "object",
        ),
        ("limits", "upload rejected: archive exceeds 4GB", "4GB", "limit"),
        (
            "options",
            "pg_restore --host=db07 --port=5433 --username=loader -d stage",
            "loader",
            "user",
        ),
        (
            "options",
            "pg_restore --host=db07 --port=5433 --username=loader -d stage",
            "5433",
            "port",
        ),
        ("options", "mongorestore --port=27018 --db ledger dump/", "27018", "port"),
        ("codes", "OperationalError: (1205, 'Lock wait timeout exceeded')", "1205", "code"),
        ("codes", "140213:error:0909006C:PEM routines:get_name:no start line", "0909006C", "code"),
        ("codes", "ERROR 5 (0x00000005) Accessing Source Directory D:\\exports\\", "5", "code"),
        ("codes", "System error 67 has occurred.", "67", "code"),
        ("codes", "SQLState = 08S01, NativeError = 10054", "08S01", "code"),
        ("codes", "SQL State  : 23505", "23505", "code"),
        ("codes", "Meldung 208, Ebene 16, Status 1, Zeile 3", "208", "code"),
        ("codes", "Login failed for user 'etl'. [SQLSTATE 28000] (Error 18456)", "18456", "code"),
        ("codes", "Process exited with an error: 3 (Exit value: 3) -> [Help 1]", "3", "code"),
        ("codes", "[Execute-Process] :: Execution failed with exit code [1603].", "1603", "code"),
        ("codes", "2023/04/02 01:10:11 250001 (08001): Failed to connect", "250001", "code"),
        (
            "codes",
            "RESPONSE ERROR (ServiceCode=AuthenticationFailed)",
            "AuthenticationFailed",
            "code",
        ),
        (
            "codes",
            "failed to connect to 'dbi:Oracle:orcl':\\nORA-12154: TNS:could not",
            "ORA-12154",
            "code",
        ),
        (
            "exceptions",
            'PG::UndefinedTable: ERROR:  relation "users" does not exist',
            "PG::UndefinedTable",
            "exception",
        ),
        (
            "subjects",
            "./nightly: line 41:  9912 Segmentation fault      (core dumped) pg_restore -d app",
            "pg_restore",
            "command",
        ),
        (
            "subjects",
            'CONTEXT:  COPY staging_orders, line 7, column qty: "n/a"',
            "staging_orders",
            "object",
        ),
        (
            "subjects",
            'Start-ScheduledTask "Nightly Ledger Export"',
            "Nightly Ledger Export",
            "object",
        ),
        (
            "subjects",
            'Der Befehl ""pgdump"" ist entweder falsch geschrieben oder',
            "pgdump",
            "command",
        ),
        (
            "subjects",
            "PHP Fatal error:  Allowed memory size of 268435456 bytes exhausted (tried to allocate",
            "268435456",
            "limit",
        ),
        (
            "subjects",
            "timeout while waiting for state (last state: 'PENDING', timeout: 20m0s)",
            "20m0s",
            "limit",
        ),
        (
            "subjects",
            'psql -v ON_ERROR_STOP=1 -c "truncate ledger.entries"',
            "ledger.entries",
            "object",
        ),
        ("limits", "job killed: 768MiB memory limit reached", "768MiB", "limit"),
        (
            "limits",
            "curl: (28) Operation timed out after 45000 milliseconds with 0 bytes received",
            "45000 milliseconds",
            "limit",
        ),
    ],
)
def test_each_standard_shape_is_read_only_when_its_group_is_kept(
    monkeypatch: pytest.MonkeyPatch, group: str, line: str, text: str, role: str
) -> None:
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset({group}))
    assert _roles(line).get(text) == role
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset())
    assert _roles(line).get(text) != role


def test_an_mta_bracket_holds_an_address_not_any_hex(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset({"addresses"}))
    assert "41" not in _roles("PSW 078D1000 00000000_09F4A4E8[ABC0]:41 ILC 2")


def test_a_package_of_a_class_is_no_sql_file() -> None:
    found = _roles("java.sql.SQLSyntaxErrorException: bad statement in load_orders.sql.")
    assert "java.sql" not in found
    assert found.get("load_orders.sql") == "script"


def test_a_library_link_to_its_error_page_is_documentation(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "(Background on this error at: https://docs.example.org/errors/e3q8)"
    monkeypatch.setattr(entities, "REFERENCES_DROPPED", True)
    assert not any(role_of(e) == "url" for e in extract_entities(line))
    monkeypatch.setattr(entities, "REFERENCES_DROPPED", False)
    assert any(role_of(e) == "url" for e in extract_entities(line))
    # a URL the job fetched stays whatever the setting
    monkeypatch.setattr(entities, "REFERENCES_DROPPED", True)
    assert _roles("Failed to fetch https://repo.example.org/a.tgz: 404 Not Found").get(
        "https://repo.example.org/a.tgz"
    ) == ("url")


def test_a_command_that_was_not_found_can_be_named_in_any_category(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "/srv/backup/run.sh: line 9: pg_basebackup: command not found"
    missing = [e for e in extract_entities(line) if e.text == "pg_basebackup"]
    assert missing and missing[0].role == "command"
    monkeypatch.setattr(precision, "COMMANDS_NOT_FOUND_KEPT", True)
    assert keep_entities(missing, line, "permission_denied") == missing
    # the program that prints its own name before a message is still the messenger
    assert keep_entities([Entity("program", "rsync")], line, "permission_denied") == []
    monkeypatch.setattr(precision, "COMMANDS_NOT_FOUND_KEPT", False)
    assert keep_entities(missing, line, "permission_denied") == []


def test_the_host_of_a_named_url_is_left_out_when_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    url = Entity("url", "https://files.example.net:8443/pub/x.zip")
    hosts = [Entity("host", "files.example.net"), Entity("host", "files.example.net:8443")]
    other = Entity("host", "mirror.example.net")
    monkeypatch.setattr(precision, "URL_HOSTS_DROPPED", True)
    # the host:port stays: it is what a firewall rule names
    assert without_pieces([*hosts, other], [url]) == [hosts[1], other]
    bare = Entity("url", "https://files.example.net/pub/x.zip")
    assert without_pieces([hosts[0], other], [bare]) == [other]
    monkeypatch.setattr(precision, "URL_HOSTS_DROPPED", False)
    assert without_pieces([hosts[0], other], [bare]) == [hosts[0], other]


_SPRING_TRACE = (
    "\tat org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:612)",
    "\tat com.example.ledger.PostingJob.run(PostingJob.java:77)",
    "\tat com.example.ledger.Main.main(Main.java:20)",
)


def _frames(named: list[Entity]) -> list[str]:
    return [e.text for e in named if role_of(e) == "frame"]


def test_the_jobs_own_java_frame_is_chosen_over_a_framework_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = LogLine(4, "java.lang.IllegalStateException: ledger closed")
    after = _lines(*_SPRING_TRACE, start=5)
    monkeypatch.setattr(role_entities, "JAVA_OWN_CODE", True)
    assert _frames(complete_roles("application_error", line, (), after, [])) == [
        "PostingJob.java:77"
    ]
    # a stack of library frames only is still named by its first frame
    library = _lines(_SPRING_TRACE[0], start=5)
    assert _frames(complete_roles("application_error", line, (), library, [])) == [
        "JdbcTemplate.java:612"
    ]
    monkeypatch.setattr(role_entities, "JAVA_OWN_CODE", False)
    assert _frames(complete_roles("application_error", line, (), after, [])) == [
        "JdbcTemplate.java:612"
    ]


def test_an_installed_python_package_is_not_the_jobs_frame_when_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _lines(
        '  File "/srv/feeds/pull.py", line 31, in main',
        '  File "/srv/venv/lib/python3.11/site-packages/feedkit/http.py", line 200, in get',
        start=10,
    )
    line = LogLine(12, "ValueError: bad feed")
    monkeypatch.setattr(role_entities, "PYTHON_OWN_CODE", True)
    assert _frames(complete_roles("invalid_input", line, before, (), [])) == ["/srv/feeds/pull.py"]
    monkeypatch.setattr(role_entities, "PYTHON_OWN_CODE", False)
    assert _frames(complete_roles("invalid_input", line, before, (), [])) == [
        "/srv/venv/lib/python3.11/site-packages/feedkit/http.py"
    ]


def test_a_memory_error_can_be_given_the_heap_option_of_its_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = _lines("+ java -Xms256m -Xmx768m -jar /opt/rate/rate.jar", "loading rates", start=1)
    line = LogLine(3, "java.lang.OutOfMemoryError: Java heap space")
    monkeypatch.setattr(role_entities, "HEAP_LIMIT_NAMED", True)
    named = complete_roles("out_of_memory", line, before, (), [])
    assert [e.text for e in named if role_of(e) == "limit"] == ["-Xmx768m"]
    # a limit the error names itself is not replaced
    stated = [Entity("value", "512m", "limit")]
    assert [e.text for e in complete_roles("out_of_memory", line, before, (), stated)] == ["512m"]
    monkeypatch.setattr(role_entities, "HEAP_LIMIT_NAMED", False)
    assert not any(
        role_of(e) == "limit" for e in complete_roles("out_of_memory", line, before, (), [])
    )


def test_the_shell_that_reports_an_error_is_not_its_subject(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "/bin/sh: 1: /opt/sync/push.sh: Permission denied"
    found = [e for e in extract_entities(line) if e.kind == "path"]
    monkeypatch.setattr(precision, "SHELL_REPORTER_DROPPED", True)
    assert [e.text for e in keep_entities(found, line, "permission_denied")] == [
        "/opt/sync/push.sh"
    ]
    monkeypatch.setattr(precision, "SHELL_REPORTER_DROPPED", False)
    assert "/bin/sh" in [e.text for e in keep_entities(found, line, "permission_denied")]


def test_a_loopback_address_can_be_kept_for_network_causes_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = [Entity("host", "127.0.0.1:3306")]
    line = "Access denied for user 'app'@'x' on 127.0.0.1:3306"
    monkeypatch.setattr(precision, "LOOPBACK_NETWORK_ONLY", True)
    assert keep_entities(local, line, "authentication") == []
    assert keep_entities(local, line, "network") == local
    monkeypatch.setattr(precision, "LOOPBACK_NETWORK_ONLY", False)
    assert keep_entities(local, line, "authentication") == local


def test_a_layers_generic_exception_gives_way_to_what_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "java.io.IOException: cannot open /data/in/rates.csv"
    named = [Entity("exception", "java.io.IOException"), Entity("path", "/data/in/rates.csv")]
    monkeypatch.setattr(precision, "GENERIC_EXCEPTIONS_DROPPED", True)
    assert keep_entities(named, line, "file_not_found") == named[1:]
    # a specific class stays, and a generic one stays when it is all the error names
    specific = [Entity("exception", "java.nio.file.NoSuchFileException"), named[1]]
    assert keep_entities(specific, line, "file_not_found") == specific
    assert keep_entities(named[:1], line, "file_not_found") == named[:1]
    monkeypatch.setattr(precision, "GENERIC_EXCEPTIONS_DROPPED", False)
    assert keep_entities(named, line, "file_not_found") == named
