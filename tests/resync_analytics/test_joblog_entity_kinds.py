"""Entities operators act on, from real-looking error lines: each a substring of its line."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.entities import Entity, extract_entities
from resync_analytics.joblog.precision import is_noise
from tests.resync_analytics.joblog_samples import joblog

LINES = [
    (
        "slurm_job_id",
        "slurmstepd: error: *** JOB 3884617 ON node023 CANCELLED AT 2018-08-19T16:30:21 DUE TO "
        "TIME LIMIT ***",
        "code",
        "3884617",
    ),
    (
        "slurm_node",
        "slurmstepd: error: *** JOB 3884617 ON node023 CANCELLED AT 2018-08-19T16:30:21 ***",
        "host",
        "node023",
    ),
    (
        "slurm_step_id",
        "slurmstepd: error: *** STEP 494583.0 ON ... CANCELLED AT 2024-04-20T09:09:37 ***",
        "code",
        "494583",
    ),
    (
        "directory_itself",
        'rsync: failed to set permissions on "/mnt/handoff/.": Operation not permitted (1)',
        "path",
        "/mnt/handoff/.",
    ),
    ("rsync_exit_code", "rsync error: error in file IO (code 11) at receiver.c(389)", "code", "11"),
    ("curl_error_number", "curl: (6) Could not resolve host: files.example.net", "code", "6"),
    (
        "zos_dataset_member",
        "  833   IMSTESTU.ANSI.DBDLIB2(DH41SK01)",
        "object",
        "IMSTESTU.ANSI.DBDLIB2(DH41SK01)",
    ),
    ("redshift_oid", "ERROR: could not open relation with OID 6134794", "value", "6134794"),
    (
        "dbt_model_file",
        "Database Error in model orders (models/staging/orders.sql)",
        "path",
        "models/staging/orders.sql",
    ),
    (
        "kerberos_principal",
        "kinit: Preauthentication failed while getting initial credentials for etl@ACME.CORP",
        "user",
        "etl@ACME.CORP",
    ),
    (
        "service_principal",
        "GSS initiate failed for HTTP/web01.acme.corp@ACME.CORP: Server not found in database",
        "user",
        "HTTP/web01.acme.corp@ACME.CORP",
    ),
    (
        "lock_owner_user",
        "ENQUEUE failed: table /BIC/AZSALES00 locked by user BATCHUSR",
        "user",
        "BATCHUSR",
    ),
    (
        "postgres_lock_holder",
        "DETAIL:  Process 12345 waits for ShareLock on transaction 6789; blocked by process 4321.",
        "value",
        "4321",
    ),
    ("oracle_session", "ORA-00054: lock held by session 1234 (SID 88)", "value", "1234"),
    ("jvm_heap_option", "Invalid maximum heap size: -Xmx1024mm", "value", "-Xmx1024mm"),
    (
        "jvm_xx_option",
        "java.lang.OutOfMemoryError: Metaspace (-XX:MaxMetaspaceSize=256m)",
        "value",
        "-XX:MaxMetaspaceSize=256m",
    ),
    (
        "jvm_reserve",
        "Error occurred during initialization of VM: Could not reserve enough space for "
        "4194304KB object heap",
        "value",
        "4194304KB",
    ),
    (
        "nfs_export",
        "mount.nfs: access denied by server while mounting nfs01:/export/data",
        "path",
        "nfs01:/export/data",
    ),
    (
        "cifs_share",
        "mount error(13): Permission denied mounting //fs01.acme.corp/finance on /mnt/fin",
        "path",
        "//fs01.acme.corp/finance",
    ),
    ("mount_point", "umount: /mnt/fin: target is busy.", "path", "/mnt/fin"),
    (
        "unc_share",
        "net use \\\\fs01\\share: System error 5 has occurred.",
        "path",
        "\\\\fs01\\share",
    ),
    (
        "tls_host_port",
        "javax.net.ssl.SSLHandshakeException: PKIX path building failed connecting to "
        "ldap.acme.corp:636",
        "host",
        "ldap.acme.corp:636",
    ),
    (
        "db2_tablespace",
        'SQL0289N  Unable to allocate new pages in table space "USERSPACE1".  SQLSTATE=57011',
        "value",
        "USERSPACE1",
    ),
    (
        "db2_object",
        'SQL0204N  "DB2INST1.CUSTOMER" is an undefined name.  SQLSTATE=42704',
        "object",
        "DB2INST1.CUSTOMER",
    ),
    (
        "oracle_tablespace",
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS",
        "object",
        "USERS",
    ),
    (
        "python_script",
        "python3: can't open file '/opt/etl/load.py': [Errno 2] No such file or directory",
        "path",
        "/opt/etl/load.py",
    ),
]


@pytest.mark.parametrize(
    ("line", "kind", "text"), [case[1:] for case in LINES], ids=[case[0] for case in LINES]
)
def test_extracts_the_entity_with_its_kind(line, kind, text):
    found = {(e.kind, e.text) for e in extract_entities(line)}
    assert (kind, text) in found, found
    assert text in line


def test_the_source_line_of_the_application_frame_that_threw_is_named():
    log = joblog(
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
        "\tat java.util.Arrays.copyOf(Arrays.java:3537)\n"
        "\tat com.acme.etl.Loader.readAll(Loader.java:84)\n"
        "\tat com.acme.etl.Main.main(Main.java:12)\n"
    )
    analysis = analyze_joblog(log)
    entities = analysis.entities
    # one frame, by the source line an operator opens
    assert analysis.entities_with_role("frame") == ("Loader.java:84",)
    assert "Arrays.java:3537" not in entities and "Main.java:12" not in entities


def test_a_lock_holder_is_named_for_a_busy_resource():
    log = joblog(
        "ERROR:  deadlock detected\n"
        "DETAIL:  Process 12345 waits for ShareLock on transaction 6789; blocked by process 4321.\n"
    )
    analysis = analyze_joblog(log)
    assert analysis.category == "resource_busy"
    assert "4321" in analysis.entities


@pytest.mark.parametrize(
    ("kind", "text", "on_root_line"),
    [
        ("value", "2026-12-05 02:00:07", True),
        ("value", "14:22:31", True),
        ("value", "7.2.0", True),
        ("object", "4711", True),
        ("object", "SQL", True),
        ("host", "TCP/IP", True),
        ("value", "NoneType", True),
        ("object", "ORACLE_HOME", False),
        ("object", "NO_PROXY", False),
        ("object", "DB20000I", False),  # "The SQL command completed successfully"
        ("code", "U0000", True),  # "ABEND=S322 U0000": the half that did not happen
        ("object", "SQL_ERROR", True),  # ODBC's return-code constant
        ("host", "ERROR", True),  # "host ERROR": a severity after a keyword
        ("value", "Warning", False),  # a Kubernetes event's type column
    ],
)
def test_precision_filter_drops_what_no_operator_looks_up(kind, text, on_root_line):
    assert is_noise(Entity(kind, text), on_root_line=on_root_line)


@pytest.mark.parametrize(
    ("kind", "text", "on_root_line", "category"),
    [
        ("code", "1146", True, "database"),  # an error code is a number
        ("value", "4321", True, "resource_busy"),  # the process holding a lock
        ("object", "0080012231", True, "invalid_input"),  # a zero-padded key
        ("object", "ORACLE_HOME", True, "command_not_found"),  # the line is about it
        ("object", "STG_LOADER", False, "authentication"),  # a name, not a setting
        ("command", "db2", True, "command_not_found"),  # the missing command's bare word
        ("value", "2025-02-30", True, "invalid_input"),  # the bad input itself
        ("host", "10.41.8.22", True, "network"),
    ],
)
def test_precision_filter_keeps_subjects(kind, text, on_root_line, category):
    assert not is_noise(Entity(kind, text), on_root_line=on_root_line, category=category)


def test_analysis_names_no_settings_timestamps_or_generic_words():
    log = joblog(
        "Using ORACLE_HOME and RUN_DATE from the environment\n"
        "connecting over TCP/IP with driver version 7.2.0\n"
        "2026-12-05 02:00:07 ERROR ORA-12541: TNS:no listener at dbhost01:1521 (SQL)\n"
    )
    entities = analyze_joblog(log).entities
    assert "dbhost01:1521" in entities and "ORA-12541" in entities
    noise = {"ORACLE_HOME", "RUN_DATE", "TCP/IP", "7.2.0", "2026-12-05", "02:00:07", "SQL"}
    assert not noise & set(entities), entities


def test_a_kernels_control_group_and_a_datasets_pieces_are_not_entities():
    dmesg = (
        "Memory cgroup out of memory: oom_memcg=/user.slice/user-21417.slice/user@21417.service,"
        "task_memcg=/init.scope,task=perl,pid=3141,uid=21417"
    )
    found = {e.text for e in extract_entities(dmesg)}
    assert "3141" in found
    assert not any(part in text for text in found for part in ("slice", "scope", "service"))
    member = {e.text for e in extract_entities("  833   IMSTESTU.ANSI.DBDLIB2(DH41SK01)")}
    assert member == {"IMSTESTU.ANSI.DBDLIB2(DH41SK01)"}


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("./run_bi.sh: line 77: 28275 Segmentation fault      (core dumped) /opt/x/bivec", "28275"),
        ("/spool/job_scripts/279579: line 6: 58994 Aborted.", "58994"),
        ("Out of memory: Killed process 7899 (python) total-vm:26184840kB", "7899"),
        ("At C:\\Users\\ops\\Install-DeveloperFix.ps1:76 char:5", "Install-DeveloperFix.ps1:76"),
        ("C:\\ProgramData\\upd\\Updater.ps1:19 знак:29", "Updater.ps1:19"),
    ],
)
def test_names_the_dead_process_and_the_script_position(line, text):
    assert text in {e.text for e in extract_entities(line)}
