"""Selection rules chosen leave-one-source-out (bench/joblog_entity_choices.py: "connection
targets", "operations"), each checked on and off on lines invented in the wording the tools
print."""

from __future__ import annotations

import pytest

import resync_analytics.joblog.entities as entities
import resync_analytics.joblog.precision as precision
import resync_analytics.joblog.role_entities as role_entities
from resync_analytics.joblog.entities import Entity, extract_entities, role_of
from resync_analytics.joblog.models import LogLine
from resync_analytics.joblog.precision import keep_entities
from resync_analytics.joblog.role_entities import complete_roles


def _hosts_added(before: list[str], error: str, category: str = "network") -> list[str]:
    lines = [LogLine(number, text) for number, text in enumerate(before, start=1)]
    line = LogLine(len(lines) + 1, error)
    found = complete_roles(category, line, lines, [], [])  # type: ignore[arg-type]
    return [e.text for e in found if role_of(e) == "host"]


@pytest.mark.parametrize(
    ("command", "host"),
    [
        ("Running: pg_dumpall -h pgrep02 -U backup -c", "pgrep02"),
        ("sqlcmd -S DWH01\\ETL -U loader", "DWH01\\ETL"),
        ("Test-NetConnection -Port 25 -ComputerName relay.example.org", "relay.example.org"),
    ],
)
def test_the_connection_target_of_the_command_names_the_host(
    monkeypatch: pytest.MonkeyPatch, command: str, host: str
) -> None:
    error = "could not connect to server: Connection timed out"
    monkeypatch.setattr(role_entities, "COMMAND_TARGETS_READ", False)
    assert host not in _hosts_added([command], error)
    monkeypatch.setattr(role_entities, "COMMAND_TARGETS_READ", True)
    assert host in _hosts_added([command], error)


def test_a_line_without_a_connection_option_is_no_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(role_entities, "COMMAND_TARGETS_READ", True)
    before = ["Copying results to relay.example.org for the nightly report"]
    assert _hosts_added(before, "could not connect to server: Connection timed out") == []


def _kept(line: str, category: str) -> list[str]:
    found: list[Entity] = extract_entities(line)
    return [e.text for e in keep_entities(found, line, category)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("line", "operation", "category"),
    [
        (
            "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the"
            " PutObject operation: Access Denied",
            "PutObject",
            "permission_denied",
        ),
        (
            "Connect-VIServer  A connection attempt failed because the connected party did not"
            " properly respond after a period of time",
            "Connect-VIServer",
            "network",
        ),
    ],
)
def test_the_failed_call_is_named_where_the_error_names_no_resource(
    monkeypatch: pytest.MonkeyPatch, line: str, operation: str, category: str
) -> None:
    monkeypatch.setattr(entities, "SHAPES_KEPT", entities.SHAPES_KEPT - {"operations"})
    monkeypatch.setattr(precision, "OPERATIONS_KEPT", False)
    assert operation not in _kept(line, category)
    monkeypatch.setattr(entities, "SHAPES_KEPT", entities.SHAPES_KEPT | {"operations"})
    monkeypatch.setattr(precision, "OPERATIONS_KEPT", True)
    assert operation in _kept(line, category)


def test_a_call_that_names_its_file_is_fixed_on_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities, "SHAPES_KEPT", entities.SHAPES_KEPT | {"operations"})
    monkeypatch.setattr(precision, "OPERATIONS_KEPT", True)
    line = "Copy-Item : Access to the path 'C:\\Data\\ledger.csv' is denied."
    kept = _kept(line, "permission_denied")
    assert "C:\\Data\\ledger.csv" in kept
    assert "Copy-Item" not in kept


def test_a_product_name_with_a_verb_is_no_cmdlet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities, "SHAPES_KEPT", entities.SHAPES_KEPT | {"operations"})
    line = "IBM Spectrum Protect Command Line Backup-Archive Client Interface"
    assert "Backup-Archive" not in [e.text for e in extract_entities(line)]


_RECORD = [
    "At line:12 char:1",
    "+ Register-ScheduledTask -Action $action -TaskName nightly ...",
    "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
]


def _record_roles(monkeypatch: pytest.MonkeyPatch, on: bool, before: list[str]) -> list[str]:
    monkeypatch.setattr(role_entities, "RECORD_STATEMENT_READ", on)
    lines = [LogLine(number, text) for number, text in enumerate(before, start=1)]
    error = "    + CategoryInfo          : PermissionDenied: (MSFT_ScheduledTask) [], CimException"
    line = LogLine(len(lines) + 1, error)
    found = complete_roles("permission_denied", line, lines, [], [])
    return [e.text for e in found]


def test_a_powershell_record_names_the_statement_it_echoes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert "Register-ScheduledTask" not in _record_roles(monkeypatch, False, _RECORD)
    assert "Register-ScheduledTask" in _record_roles(monkeypatch, True, _RECORD)


def test_an_echo_without_its_location_is_no_record(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _record_roles(monkeypatch, True, _RECORD[1:]) == []


def test_a_refused_logon_names_the_server_the_job_connected_to(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = ["Connected to ftp.example.org:21 (No encryption)", "> USER loader"]
    error = "< 530 Login incorrect."
    monkeypatch.setattr(role_entities, "CONNECTED_HOST_NAMED", False)
    assert _hosts_added(before, error, "authentication") == []
    monkeypatch.setattr(role_entities, "CONNECTED_HOST_NAMED", True)
    assert _hosts_added(before, error, "authentication") == ["ftp.example.org:21"]


def test_a_code_read_both_ways_is_named_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import resync_analytics.joblog.salience as salience

    line = LogLine(3, "DB2 SQL Error: SQLCODE=-964, SQLSTATE=57011, SQLERRMC=null")
    codes = [e.text for e in salience.select_entities("disk_full", line) if role_of(e) == "code"]
    assert "-964" in codes and "SQLCODE=-964" not in codes
    monkeypatch.setattr(salience, "CODE_FIELDS_KEPT", True)
    codes = [e.text for e in salience.select_entities("disk_full", line) if role_of(e) == "code"]
    assert "SQLCODE=-964" in codes and "-964" not in codes
