"""Tool-message shapes of hosts, ports, objects and processes chosen leave-one-source-out
(bench/joblog_entity_choices.py: "address shapes", "object shapes", "process shapes",
"programs of memory errors"). Each is checked with its group read and not read, on lines
invented in the wording the tool prints."""

from __future__ import annotations

import pytest

import resync_analytics.joblog.entities as entities
import resync_analytics.joblog.precision as precision
from resync_analytics.joblog.entities import extract_entities, role_of
from resync_analytics.joblog.precision import keep_entities


def _roles(line: str) -> dict[str, str]:
    return {e.text: role_of(e) for e in extract_entities(line)}


def _read_only_with(monkeypatch: pytest.MonkeyPatch, group: str, line: str) -> dict[str, str]:
    """The roles read with ``group`` kept, after checking what it adds is not read without."""
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset())
    without = _roles(line)
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset({group}))
    with_group = _roles(line)
    assert with_group != without
    return with_group


def test_powershell_test_netconnection_names_the_port_it_tried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warning = "WARNING: TCP connect to (192.0.2.44 : 25) failed"
    assert _read_only_with(monkeypatch, "addresses", warning).get("25") == "port"


def test_maven_names_the_project_a_goal_failed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    line = (
        "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.0.0:test"
        " (default-test) on project ledger-batch: There are test failures."
    )
    assert _read_only_with(monkeypatch, "objects", line).get("ledger-batch") == "object"


def test_yarn_names_the_application_that_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "Application application_1700000000000_0042 failed 2 times due to AM Container"
    found = _read_only_with(monkeypatch, "objects", line)
    assert found.get("application_1700000000000_0042") == "object"
    # the id inside a staging path is part of the path, not a second object
    path = "File file:/user/etl/.sparkStaging/application_1700000000000_0042/x.zip does not exist"
    assert "application_1700000000000_0042" not in _roles(path)


def test_linux_oom_killer_names_the_process_it_killed(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "[812.5] Out of memory: Kill process 4410 (java) score 901 or sacrifice child"
    assert _read_only_with(monkeypatch, "processes", line).get("java") == "command"
    later = "[812.6] Killed process 4410 (java) total-vm:8123456kB, anon-rss:7012345kB"
    assert _read_only_with(monkeypatch, "processes", later).get("java") == "command"


def test_a_runner_that_cannot_exec_names_the_command(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "Unable to exec '/opt/pg/bin/pg_dump': exit status 2"
    assert _read_only_with(monkeypatch, "processes", line).get("/opt/pg/bin/pg_dump") == "command"


def test_zos_abend_names_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "STC 1204  ABEND S878 detected for module IZUSVR1  TCB=008FD0E8"
    assert _read_only_with(monkeypatch, "processes", line).get("IZUSVR1") == "command"


def test_the_process_a_memory_error_names_is_kept_when_chosen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "Out of memory: Kill process 4410 (java) score 901 or sacrifice child"
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset({"processes"}))
    killed = [e for e in extract_entities(line) if e.text == "java"]
    monkeypatch.setattr(precision, "STARVED_PROGRAMS_KEPT", True)
    assert keep_entities(killed, line, "out_of_memory") == killed
    # elsewhere a program is still the messenger, and off the error line it is not the subject
    assert keep_entities(killed, line, "permission_denied") == []
    assert keep_entities(killed, "Job ended", "out_of_memory") == []
    monkeypatch.setattr(precision, "STARVED_PROGRAMS_KEPT", False)
    assert keep_entities(killed, line, "out_of_memory") == []


def test_kubernetes_names_the_reason_and_the_job_that_failed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = (
        "Job nightly-load-7f9c2-1 failed: job nightly-load-7f9c2-1 failed. Reason:"
        " DeadlineExceeded, Message: Job was active longer than specified deadline"
    )
    found = _read_only_with(monkeypatch, "jobs", line)
    assert found.get("DeadlineExceeded") == "code"
    assert found.get("nightly-load-7f9c2-1") == "object"
    assert _read_only_with(monkeypatch, "jobs", "      Reason:       OOMKilled")["OOMKilled"] == (
        "code"
    )
    # a one-capital word is prose, not a reason code
    assert "Error" not in _roles("      Reason:       Error")


def test_hadoop_names_the_task_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "INFO mapreduce.Job: Task Id : attempt_1700000000000_0042_m_000003_1, Status : FAILED"
    found = _read_only_with(monkeypatch, "jobs", line)
    assert found.get("attempt_1700000000000_0042_m_000003_1") == "object"


def test_sap_tp_names_the_transport_request(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "  Command: IMPORT S4HK900123 Q01 client200 pf=/usr/sap/trans/bin/TP_DOMAIN_DEV.PFL"
    assert _read_only_with(monkeypatch, "jobs", line).get("S4HK900123") == "object"


def test_windows_installer_names_the_product_and_its_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    product = "MSI (s) (1C:20) [02:11:40:512]: Product: Backup Agent -- Installation failed."
    assert _read_only_with(monkeypatch, "jobs", product).get("Backup Agent") == "object"
    status = (
        "MSI (c) (0C:4C): Windows Installer installed the product. Product Name: Backup Agent."
        " Installation success or error status: 1603."
    )
    assert _read_only_with(monkeypatch, "jobs", status).get("1603") == "code"


def test_solaris_loader_names_the_library_it_could_not_open(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = "ld.so.1: etl-agent: fatal: libssl.so.1.0.0: open failed: No such file or directory"
    assert _read_only_with(monkeypatch, "loaders", line).get("libssl.so.1.0.0") == "path"


def test_aix_loader_names_the_module_and_its_message(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "\t0509-150   Dependent module libcrypto.a(libcrypto.so.1.1) could not be loaded."
    found = _read_only_with(monkeypatch, "loaders", line)
    assert found.get("libcrypto.a(libcrypto.so.1.1)") == "object"
    assert found.get("0509-150") == "code"


def test_systemd_names_the_unit_and_how_its_process_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    failed = (
        "Mar 02 01:00:09 etl01 systemd[1]: nightly-export.service: Failed with result 'timeout'."
    )
    assert _read_only_with(monkeypatch, "services", failed).get("nightly-export.service") == (
        "object"
    )
    ended = "   Main PID: 48812 (code=exited, status=3)"
    assert _read_only_with(monkeypatch, "services", ended).get("status=3") == "code"
    # the unit file is a path, not a second unit
    assert "nightly-export.service" not in _roles(
        "Loaded: loaded (/etc/systemd/system/nightly-export.service; enabled)"
    )


def test_bacula_names_the_client_it_reports_for(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "erp01-fd JobId 812: Fatal error: bsock.c:133 Unable to connect to Storage daemon"
    assert _read_only_with(monkeypatch, "services", line).get("erp01-fd") == "host"


def test_kafka_connect_names_the_task(monkeypatch: pytest.MonkeyPatch) -> None:
    line = (
        "ERROR WorkerSinkTask{id=s3-archive-2} Task threw an uncaught and unrecoverable exception"
    )
    assert _read_only_with(monkeypatch, "services", line).get("s3-archive-2") == "object"


def test_ansible_names_the_host_a_task_failed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    line = 'fatal: [batch-node-02]: FAILED! => {"changed": false, "msg": "rc 1"}'
    assert _read_only_with(monkeypatch, "services", line).get("batch-node-02") == "host"


def test_kafka_producer_names_the_time_it_waited(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "ERROR Error when sending message to topic t1: Failed to update metadata after 60000 ms."
    assert _read_only_with(monkeypatch, "limits", line).get("60000 ms") == "limit"


def test_curls_timeout_is_named_once_as_its_number(monkeypatch: pytest.MonkeyPatch) -> None:
    import resync_analytics.joblog.salience as salience
    from resync_analytics.joblog.models import LogLine
    from resync_analytics.joblog.salience import select_entities

    line = LogLine(5, "curl: (28) Operation timed out after 45000 milliseconds with 0 bytes")
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset({"limits"}))
    monkeypatch.setattr(salience, "LIMIT_UNIT_KEPT", False)  # the bare spelling, when chosen
    limits = [e.text for e in select_entities("timeout", line) if role_of(e) == "limit"]
    assert limits == ["45000"]
    # with no bare number read, the bound keeps its unit
    other = LogLine(5, "Failed to update metadata after 60000 ms.")
    assert [e.text for e in select_entities("timeout", other) if role_of(e) == "limit"] == [
        "60000 ms"
    ]


def test_apache_camel_names_the_brokers_url(monkeypatch: pytest.MonkeyPatch) -> None:
    line = (
        "FailedToCreateRouteException: Failed to create route r1 at: >>> "
        "To[paho:orders?brokerUrl=tcp://mq01.example.org:1883] <<< in route: Route(r1)"
    )
    found = _read_only_with(monkeypatch, "urls", line)
    assert found.get("tcp://mq01.example.org:1883") == "url"


def test_mongodb_driver_names_the_connection_url(monkeypatch: pytest.MonkeyPatch) -> None:
    line = "MongoServerSelectionError: connection <monitor> to mongodb+srv://c0.example.net/app"
    found = _read_only_with(monkeypatch, "urls", line)
    assert found.get("mongodb+srv://c0.example.net/app") == "url"


def test_a_bound_read_both_ways_can_keep_its_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    import resync_analytics.joblog.salience as salience
    from resync_analytics.joblog.models import LogLine

    line = LogLine(5, "curl: (28) Operation timed out after 45000 milliseconds with 0 bytes")
    monkeypatch.setattr(entities, "SHAPES_KEPT", frozenset({"limits"}))
    monkeypatch.setattr(salience, "LIMIT_UNIT_KEPT", True)
    limits = [e.text for e in salience.select_entities("timeout", line) if role_of(e) == "limit"]
    assert limits == ["45000 milliseconds"]
