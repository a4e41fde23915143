"""Entities an operator needs that a log spells in a way the patterns once missed, noise that
looked like an entity, and the scorer's convention for an address spelt ``host:port`` or as a
host and a port."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.entities import Entity, extract_entities, role_of
from resync_analytics.joblog.evaluation import LabelledJoblog, Outcome, credited
from resync_analytics.joblog.models import JoblogAnalysis, LogLine
from resync_analytics.joblog.precision import is_noise, keep_entities
from resync_analytics.joblog.role_entities import complete_roles
from resync_analytics.joblog.salience import related_entities
from tests.resync_analytics.joblog_samples import joblog


def roles_on(line: str) -> dict[str, str]:
    return {e.text: role_of(e) for e in extract_entities(line)}


@pytest.mark.parametrize(
    ("line", "text", "role"),
    [
        (
            'psql: error: could not translate host name "db" to address: Temporary failure',
            "db",
            "host",
        ),
        ("Running: pg_dumpall -h postgres-replica -U postgres -c | gzip > /b/x.gz", None, "host"),
        ("chronic /opt/mssql-tools/bin/sqlcmd -S db-pilot.HE.DIR -d easy_pilot -l 2", None, None),
        ("mysqldump --host=db07.corp --databases sales", "db07.corp", "host"),
        (
            "' in /srv/app/vendor/backup-manager/src/ShellProcessing/ShellProcessor.php:35",
            "ShellProcessor.php:35",
            "frame",
        ),
    ],
)
def test_a_client_flag_a_host_name_and_a_php_location_are_read(
    line: str, text: str | None, role: str | None
):
    found = roles_on(line)
    if text is None:  # the sqlcmd line: its server and database
        assert found.get("db-pilot.HE.DIR") == "host" or found.get("postgres-replica") == "host"
        if "sqlcmd" in line:
            assert found.get("easy_pilot") == "object"
        return
    assert found.get(text) == role


@pytest.mark.parametrize(
    ("line", "noise"),
    [
        (
            r"Faulting application path: C:\Program Files\Backup\1.0.6.0\Backup\Backup.exe",
            "1.0.6.0",
        ),
        ("ERROR com.acme.AustinException JOB_ID:5613- CWPCM0002E:Generic error", "JOB_ID:5613"),
        ("ERROR com.acme.AustinException JOB_ID:5613- CWPCM0002E:Generic error", "JOB_ID"),
    ],
)
def test_a_version_folder_and_a_field_are_not_hosts(line: str, noise: str):
    assert noise not in roles_on(line)


def test_an_address_at_the_root_of_a_share_is_still_a_host():
    assert roles_on(r"copy to \\10.1.2.3\share failed").get("10.1.2.3") == "host"


def _line(number: int, text: str) -> LogLine:
    return LogLine(number=number, text=text)


def test_a_logback_frame_with_its_jar_names_the_source_line():
    line = _line(1, "com.amazonaws.services.s3.model.AmazonS3Exception: The token has expired.")
    after = [
        _line(
            2,
            "\tat com.amazonaws.services.s3.AmazonS3Client.putObject(AmazonS3Client.java:1354)"
            " ~[datatools.jar:na]",
        ),
    ]
    named = complete_roles("application_error", line, (), after, [])
    assert ("AmazonS3Client.java:1354", "frame") in [(e.text, role_of(e)) for e in named]


def test_a_php_stack_names_the_first_frame_in_the_job_s_code():
    line = _line(1, "mkdir(): Permission denied")
    after = [
        _line(2, ""),
        _line(3, "#0 [internal function]: HandleExceptions->handleError(2, 'mkdir()', 44)"),
        _line(4, "#1 /var/www/app/vendor/x/src/TemporaryDirectory.php(44): mkdir('/var/www', 511)"),
        _line(5, "#2 /var/www/app/vendor/x/src/BackupJob.php(121): TemporaryDirectory->create()"),
    ]
    named = complete_roles("permission_denied", line, (), after, [Entity("path", "/var/www")])
    assert "TemporaryDirectory.php(44)" in [e.text for e in named]


@pytest.mark.parametrize(
    ("text", "named", "joint", "exact"),
    [
        ("db07.corp:5432", ("db07.corp", "5432"), True, False),  # joint label, split output
        ("db07.corp", ("db07.corp:5432",), True, False),  # split label, joint output
        ("5432", ("db07.corp:5432",), True, False),
        ("db07.corp:5432", ("db07.corp",), False, False),  # half an address is not the address
        ("db07.corp:5432", ("db07.corp:5432",), True, True),
        ("db07", ("db07.corp:5432",), False, False),
    ],
)
def test_an_address_counts_whether_spelt_joint_or_split(
    text: str, named: tuple[str, ...], joint: bool, exact: bool
):
    assert credited(text, named) is joint
    assert credited(text, named, joint_host_port=False) is exact


def test_the_convention_applies_to_recall_and_precision_alike():
    sample = LabelledJoblog("x.log", b"", "network", 1, ("db07.corp", "5432"))
    analysis = JoblogAnalysis("network", "", 1, "", ("db07.corp:5432",), (), 0.5)
    outcome = Outcome(sample, analysis)
    assert outcome.entities_found == 2
    assert outcome.entities_correct == 1
    exact = Outcome(sample, analysis, joint_host_port=False)
    assert (exact.entities_found, exact.entities_correct) == (0, 0)


def test_a_database_driver_s_frame_gives_way_to_the_job_s_code_that_called_it():
    line = _line(1, "Caused by: java.sql.SQLException: ORA-00060: deadlock detected")
    after = [
        _line(2, "\tat oracle.jdbc.driver.T4CTTIoer11.processError(T4CTTIoer11.java:509)"),
        _line(
            3, "\tat oracle.jdbc.driver.T4CPreparedStatement.execute(T4CPreparedStatement.java:9)"
        ),
        _line(4, "\tat com.acme.jobs.ResourceManager.book(ResourceManager.java:45)"),
    ]
    named = complete_roles("resource_busy", line, (), after, [Entity("code", "ORA-00060")])
    frames = [e.text for e in named if role_of(e) == "frame"]
    assert frames == ["ResourceManager.java:45"]


@pytest.mark.parametrize(
    "text",
    ["2019-10-01T18:15:13Z", "2019-10-01T18:15:13+02:00", "3cdb843e-3835-11e8-9b99-c8cbb8c5b5f4"],
)
def test_a_zoned_timestamp_and_a_uuid_are_noise(text: str):
    assert is_noise(Entity("value", text), on_root_line=True)


def test_an_argument_cut_short_by_the_printer_is_not_named():
    line = "#0 [internal function]: handleError(2, 'mkdir(): Permis...', '/var/www/app...', 44)"
    assert "/var/www/app" not in roles_on(line)
    assert "/var/lib/mysql" in roles_on("Backing up /var/lib/mysql...")


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("530 Login authentication failed", "530"),
        ("< 530 Login incorrect.", "530"),
        ("mirror: Login failed: 530 User cannot log in.", "530"),
        ("FTPError: 530 Login incorrect.", "530"),
        (
            "* aws_instance.hello: Error launching source instance: UnauthorizedOperation: You are"
            " not authorized to perform this operation.",
            "UnauthorizedOperation",
        ),
        ("Error: AccessDenied: Access Denied", "AccessDenied"),
    ],
)
def test_a_server_reply_code_and_a_cloud_api_error_code_are_read(line: str, code: str):
    assert roles_on(line).get(code) == "code"


@pytest.mark.parametrize(
    "line", ["12:00: 450 Records loaded", "ErrorMessage: ORA-01017", "ERROR: ValueError: Bad"]
)
def test_a_count_a_field_name_and_an_exception_are_no_reply_or_api_codes(line: str):
    assert not [t for t, r in roles_on(line).items() if r == "code" and not t.startswith("ORA")]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("lftp: Login failed: 530 Login incorrect.\n", False),
        (
            "batchusr-sync-6857d79bd6 SQL30082N Security processing failed with reason "
            '"24" ("USERNAME AND/OR PASSWORD INVALID").  SQLSTATE=08001\n',
            False,
        ),
        ("AWSBDW009E The user batchusr could not log on: the password is wrong.\n", True),
    ],
)
def test_the_banner_s_logon_user_is_named_only_when_the_refusal_names_it(body: str, named: bool):
    """A job that logs on to an FTP server with an account its script holds is not refused as
    the TWS user that runs it."""
    analysis = analyze_joblog(joblog(body).encode())
    assert analysis.category == "authentication"
    assert ("batchusr" in analysis.entities) is named


@pytest.mark.parametrize(
    ("line", "wrapper", "kept"),
    [
        (
            "java.sql.SQLException: ORA-00060: deadlock detected while waiting for resource",
            "java.sql.SQLException",
            "ORA-00060",
        ),
        (
            "java.sql.BatchUpdateException: ORA-00955: name is already used by an existing object",
            "java.sql.BatchUpdateException",
            "ORA-00955",
        ),
    ],
)
def test_a_generic_exception_class_beside_the_error_s_code_is_not_named(
    line: str, wrapper: str, kept: str
):
    entities = [e for e in extract_entities(line) if e.text in (wrapper, kept)]
    assert {e.text for e in entities} == {wrapper, kept}
    assert [e.text for e in keep_entities(entities, line)] == [kept]


def test_an_exception_class_that_says_what_went_wrong_stays_beside_the_code():
    line = "java.sql.SQLTimeoutException: ORA-01013: user requested cancel of current operation"
    texts = [e.text for e in keep_entities(extract_entities(line), line)]
    assert "java.sql.SQLTimeoutException" in texts
    assert "ORA-01013" in texts


def test_a_wrapping_message_s_id_beside_the_error_s_code_is_no_object():
    line = (
        "DB21034E  The command was processed as an SQL statement because it was not a valid "
        "Command Line Processor command.  During SQL processing it returned: SQL0803N  One or "
        'more values in the INSERT statement are not valid because the table "FIN.GL_BATCH" '
        "is not unique.  SQLSTATE=23505"
    )
    entities = extract_entities(line)
    assert "DB21034E" in [e.text for e in entities]
    texts = [e.text for e in keep_entities(entities, line)]
    assert "DB21034E" not in texts
    assert "SQL0803N" in texts
    assert "FIN.GL_BATCH" in texts


SAP_DUMP = """Runtime Errors TSV_TNEW_PAGE_ALLOC_FAILED
Date and Time 14.03.2025 02:10:44
Short text
No more storage space available for extending an internal table.
What happened?
You attempted to extend an internal table, but the required space was
not available.
-
-
-
-
-
-
What can you do?
Try to find out whether the program will run with less main memory.
If the error persists, ask your system administrator to check the
following profile parameters:
o ztta/roll_extension (10.000.000 - 500.000.000)
Amount of memory per user in extended memory (EM)
o abap/heap_area_total (100.000.000 - 1.500.000.000)
Amount of memory (malloc) for all users of an application server.
"""


def test_the_profile_parameters_a_dump_advises_are_named_as_limits_far_below_the_error():
    """The advice lies further below the error than the scan's context: the lines the scan
    kept whole are read on."""
    analysis = analyze_joblog(SAP_DUMP.encode())
    assert analysis.category == "out_of_memory"
    lines = SAP_DUMP.splitlines()
    below = next(n for n, text in enumerate(lines, 1) if "ztta/" in text) - analysis.error_line
    assert below > 10
    roles = dict(analysis.entity_roles)
    assert roles.get("ztta/roll_extension") == "limit"
    assert roles.get("abap/heap_area_total") == "limit"
    assert "Amount" not in roles


@pytest.mark.parametrize(
    ("line", "exception"),
    [
        (
            "E0314 index_builder.cc:212] allocation of 343 bytes failed: std::bad_alloc",
            "std::bad_alloc",
        ),
        (
            "terminate called after throwing an instance of 'YAML::BadFile'",
            "YAML::BadFile",
        ),
        ("boost::filesystem::filesystem_error thrown", "boost::filesystem::filesystem_error"),
    ],
)
def test_a_cpp_exception_class_is_read(line: str, exception: str):
    assert roles_on(line).get(exception) == "exception"


def test_a_cpp_template_is_no_exception():
    assert "std::vector" not in roles_on("copying std::vector<int> of 12 items")


@pytest.mark.parametrize(
    "line",
    [
        "Faulting application name: Backup.exe, version: 1.0.6.0, time stamp: 0xf9244bba",
        "TaxCalc 7.2.0.118 (x64)",
    ],
)
def test_a_four_part_version_is_no_address(line: str):
    assert not [e for e in extract_entities(line) if e.kind == "host"]


def test_an_address_after_a_field_name_stays_an_address():
    assert roles_on("ServerIP: 10.66.57.15").get("10.66.57.15") == "host"


def test_a_php_stack_frame_near_the_error_adds_no_related_path():
    line = LogLine(12, "Error Code    : 1722 Error Message : ORA-01722: invalid number")
    after = (
        LogLine(
            13, r"#0 C:\www\vendor\oci8\src\Oci8\Query\OracleProcessor.php(42): x\Statement->run()"
        ),
        LogLine(14, r"#1 C:\www\vendor\laravel\src\Database\Query\Builder.php(1725): y->insert()"),
    )
    related = related_entities("invalid_input", line, (), after, named=[])
    assert not [e for e in related if ".php" in e.text]


@pytest.mark.parametrize(
    ("line", "table", "columns"),
    [
        (
            "DatabaseException: SELECT ID, APPLICATION, JD_KEY, CLASS_NAME FROM JOB_DEFINITION",
            "JOB_DEFINITION",
            ("JD_KEY", "CLASS_NAME"),
        ),
        (
            "INSERT INTO FIN.GL_BATCH (BATCH_ID, BUS_DATE, SRC_SYS) VALUES (?, ?, ?)",
            "FIN.GL_BATCH",
            ("BATCH_ID", "SRC_SYS"),
        ),
    ],
)
def test_a_statement_s_columns_are_not_named_its_table_is(
    line: str, table: str, columns: tuple[str, ...]
):
    found = roles_on(line)
    assert found.get(table) == "object"
    assert not [column for column in columns if column in found]


def test_a_powershell_module_s_position_is_a_frame_like_a_script_s():
    line = LogLine(
        11, "Get-Content : Cannot find path 'C:\\Temp\\setup.cfg' because it does not exist."
    )
    after = (LogLine(12, "At C:\\Users\\me\\Modules\\Upd\\Upd.psm1:96 char:6"),)
    related = related_entities("file_not_found", line, (), after, named=[])
    assert [e.text for e in related] == ["Upd.psm1:96"]
    assert role_of(related[0]) == "frame"


def test_a_kubernetes_event_names_its_object_not_the_reference_s_bookkeeping():
    line = (
        'event.go:218] Event(v1.ObjectReference{Kind:"Job", Namespace:"default", '
        'Name:"nightly-load", UID:"3cdb843e-3835-11e8-9b99-c8cbb8c5b5f4", APIVersion:"batch", '
        'ResourceVersion:"149879950", FieldPath:""}): type: \'Warning\' reason: '
        "'DeadlineExceeded' Job was active longer than specified deadline"
    )
    found = roles_on(line)
    assert found.get("nightly-load") == "object"
    assert not {"Job", "default", "batch", "149879950"} & set(found)


@pytest.mark.parametrize(
    ("line", "address"),
    [
        (
            "* aws_instance.web: Error launching source instance: UnauthorizedOperation",
            "aws_instance.web",
        ),
        ("* module.net.aws_subnet.priv[0]: error creating subnet", "module.net.aws_subnet.priv[0]"),
    ],
)
def test_terraform_s_error_list_names_the_resource_address(line: str, address: str):
    assert roles_on(line).get(address) == "object"


@pytest.mark.parametrize(
    ("line", "code", "name"),
    [
        (" DSNT408I SQLCODE = -204, ERROR:  GENAONE IS AN UNDEFINED NAME", "-204", "GENAONE"),
        (
            "DSNT408I SQLCODE = -204, ERROR: PAYROLL.EMP_HIST IS AN UNDEFINED NAME",
            "-204",
            "PAYROLL.EMP_HIST",
        ),
    ],
)
def test_db2_for_z_os_names_its_sqlcode_and_the_undefined_object(line: str, code: str, name: str):
    found = roles_on(line)
    assert found.get(code) == "code"
    assert found.get(name) == "object"
