"""Application servers, SAP and UNIX administration tools read by their vendors' own message ids
and wordings: WebSphere's admin client (WASX7023E, ADMC0016E), Liberty's launcher (CWWKE0031E),
WildFly's controller and JBoss MSC (WFLYCTL0412, WFLYCTL0180, MSC000001), the SAP HANA JDBC
driver's ``SAP DBTech JDBC: [n]`` codes, the SAP NI layer's return codes, SELinux's AVC
record, sudo without a terminal, Maven's resolver and a configuration entry not found. Each
line is invented in the shape the tool prints; the same tool's other messages are read too."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.prefilter import has_needle
from tests.resync_analytics.joblog_samples import joblog, line_of

VENDOR_LINES = [
    (
        "WASX7023E",
        'WASX7023E: Error creating "RMI" connection to host "dmgr01"; exception information: '
        "com.ibm.websphere.management.exception.ConnectorNotAvailableException",
        "network",
    ),
    (
        "ADMC0016E",
        "ADMC0016E: The system cannot create a SOAP connector to connect to host node7 at "
        "port 8880.",
        "network",
    ),
    (
        "CWWKE0031E",
        "CWWKE0031E: Specified server ledger does not exist; use the --create option to "
        "create a new server. serverPath: /srv/wlp/usr/servers/ledger",
        "file_not_found",
    ),
    (
        "WFLYCTL0180",
        '    "WFLYCTL0180: Services with missing/unavailable dependencies" => [',
        "application_error",
    ),
    (
        "HANA connect",
        "SAP DBTech JDBC: Cannot connect to jdbc:sap://hdb07.example.org:30041 "
        "[Connection refused].",
        "network",
    ),
    ("HANA 10", "SAP DBTech JDBC: [10]: authentication failed", "authentication"),
    (
        "HANA 258",
        "com.sap.db.jdbc.exceptions.JDBCDriverException: SAP DBTech JDBC: [258]: "
        "insufficient privilege: Detailed info for this error can be found with guid 'AB12'",
        "permission_denied",
    ),
    (
        "HANA 131",
        "SAP DBTech JDBC: [131]: transaction rolled back by lock wait timeout",
        "resource_busy",
    ),
    ("HANA 4", "SAP DBTech JDBC: [4]: cannot allocate enough memory", "out_of_memory"),
    (
        "SAP NI refused",
        "*** ERROR => NiPConnect2: 10.20.30.40:3301: connect (111: Connection refused) "
        "[nixxi.c 3431] NIECONN_REFUSED",
        "network",
    ),
    (
        "SELinux AVC",
        "type=AVC msg=audit(1700000000.123:4567): avc:  denied  { read } for  pid=812 "
        'comm="rsync" name="export.csv" dev="sda3" ino=1234 tclass=file permissive=0',
        "permission_denied",
    ),
    (
        "Maven could not find",
        "[ERROR] Failed to execute goal on project billing: Could not resolve dependencies for "
        "project org.acme:billing:jar:2.1: Could not find artifact org.acme:ledger-core:jar:2.1 "
        "in central (https://repo.example.org/maven2)",
        "file_not_found",
    ),
    (
        "Maven failure to find",
        "[ERROR] Failed to execute goal on project billing: Could not resolve dependencies for "
        "project org.acme:billing:jar:2.1: Failure to find org.acme:ledger-core:jar:2.1 in "
        "https://repo.example.org/maven2 was cached in the local repository",
        "file_not_found",
    ),
    (
        "config entry",
        "Settings loader threw exception: The connection string 'Ledger' was not found in the "
        "configuration file 'C:/apps/ledger/app.config'",
        "invalid_input",
    ),
]


@pytest.mark.parametrize(
    ("code", "line", "category"), VENDOR_LINES, ids=[row[0] for row in VENDOR_LINES]
)
def test_a_vendor_message_names_its_category(code, line, category):
    assert has_needle(line), "the prefilter would never show this line to the rules"
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, line[:25])), code


def _verdict(body: str) -> tuple[str, int]:
    analysis = analyze_joblog(joblog(body))
    return analysis.category, analysis.error_line


def test_liberty_s_launch_failure_is_explained_by_the_message_after_it():
    body = (
        "CWWKE0005E: The runtime environment could not be launched.\n"
        "CWWKE0031E: Specified server orders does not exist; use the --create option to "
        "create a new server. serverPath: /opt/wlp/usr/servers/orders\n"
    )
    log = joblog(body)
    assert _verdict(body) == ("file_not_found", line_of(log, "CWWKE0031E"))


def test_wildfly_s_failure_description_is_stated_by_its_missing_services():
    body = (
        "app_1  | 02:00:11,120 ERROR [org.jboss.as.controller.management-operation] "
        '(Controller Boot Thread) WFLYCTL0013: Operation ("deploy") failed - address: '
        '([("deployment" => "ledger.war")]) - failure description: {\n'
        'app_1  |     "WFLYCTL0412: Required services that are not installed:" => [\n'
        'app_1  |         "jboss.naming.context.java.jdbc.LedgerDS"\n'
        "app_1  |     ]\n"
    )
    log = joblog(body)
    assert _verdict(body) == ("application_error", line_of(log, "WFLYCTL0412"))


def test_wsadmin_s_connection_error_is_the_line_above_its_exception():
    body = (
        'WASX7023E: Fehler beim Erstellen der "SOAP"-Verbindung zu "dmgr02"; '
        "Ausnahmeinformationen:\n"
        "com.ibm.websphere.management.exception.ConnectorNotAvailableException: "
        "[SOAPException: faultCode=SOAP-ENV:Protocol;\n"
        "msg=Unsupported response content\n"
    )
    log = joblog(body)
    assert _verdict(body) == ("network", line_of(log, "WASX7023E"))


def test_the_sap_dispatcher_s_bound_port_is_stated_by_its_first_ni_line():
    body = (
        "*** ERROR => NiIBind: service sapdp02 in use [nixxi.c 3936]\n"
        "*** ERROR => NiIDgBind: NiBind (rc=-4)\n"
    )
    log = joblog(body)
    assert _verdict(body) == ("resource_busy", line_of(log, "NiIBind"))


def test_sudo_without_a_terminal_is_stated_before_its_password_refusal():
    body = (
        "Run reload cmd: sudo systemctl reload nginx\n"
        "sudo: a terminal is required to read the password; either use the -S option to read "
        "from standard input or configure an askpass helper\n"
        "sudo: a password is required\n"
        "Reload error for : www.example.org\n"
    )
    log = joblog(body)
    assert _verdict(body) == ("authentication", line_of(log, "a terminal is required"))


@pytest.mark.parametrize(
    "line",
    [
        "CWWKZ0013E: It is not possible to start two applications called ledger.",
        "[ERROR   ] SRVE0777E: Exception thrown by application class 'org.acme.Ledger.init:42'",
        "[3/14/25 2:00:01:123 CET] 00000022 com.ibm.ws.app.manager.AppMessageHelper E "
        "CWWKZ0002E: An exception occurred while starting the application ledger.",
        "J2CA0045E: Connection not available while invoking method createOrWaitForConnection "
        "for resource jdbc/ledger.",
    ],
)
def test_a_websphere_error_id_states_an_error_whatever_its_words(line):
    assert has_needle(line), "the prefilter would never show this line to the rules"
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("application_error", line_of(log, line))


@pytest.mark.parametrize(
    "line",
    [
        # the I and W severities of the same convention state no error
        "ADMA5016I: Installation of ledger started.",
        "CWWKF0012I: The server installed the following features: [servlet-4.0].",
        "CWWKG0011W: The configuration validation did not succeed.",
        # an id-shaped token that is no WebSphere component's
        "Wrote ABCD1234E to the archive",
    ],
)
def test_an_information_or_warning_id_is_no_error(line):
    assert analyze_joblog(joblog(line + "\n")).category == "unknown"
