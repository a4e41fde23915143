"""Precision of the knowledge base: a family's patterns do not claim lines of another category.

A broad word ("denied", "timeout", "still running", "corrupted") in a family's pattern makes
it claim a line whose category another family names; the file's order hides that only while
the more specific family matches first. These tests pin the tightened patterns and keep the
examples' cross-category collisions to a bounded list, each with its reason, so that a new
family cannot bring one back unnoticed (see bench/joblog_family_collisions.py)."""

from __future__ import annotations

import pytest

from bench.joblog_family_collisions import CATCH_ALL, example_collisions
from resync_analytics.joblog.knowledge import load_knowledge
from resync_analytics.joblog.rules import match_rule

KB = load_knowledge()


ALLOWED = {
    ("os_file_not_found", "shell_command_not_found"): "a missing program is ENOENT too",
    ("os_file_not_found", "exec_program_missing"): "a missing program is ENOENT too",
    ("os_file_not_found", "script_module_missing"): "a shared library ld.so cannot find too",
    ("generic_auth", "operation_not_authorized"): "'Unauthorized' names both; AWS's operation",
    ("data_format", "shell_syntax_error"): "a shell script's syntax error is unexpected input",
    ("generic_auth", "server_unreachable"): "kinit's prefix; a KDC not reached tried no password",
    ("data_format", "db2_syntax_error"): "Db2's 'unexpected token' is SQL the server refused",
    ("usage_error", "shell_syntax_error"): "'unexpected end of file' is also a bad input file",
    ("os_file_not_found", "microfocus_rts_program"): "a called program's file not found",
    ("os_network", "sqlstate_in_parens_logon"): "'Failed to connect' to a server refusing it",
    ("os_network", "generic_auth"): "'Failed to connect' and the refusal's reason after it",
    ("timeout", "db2_zos_unavailable"): "Db2's DSNT376I 'IS TIMED OUT' is a lock waited for",
}
"""(family, owner of the example it matches): collisions the file's order settles, with why."""


def test_examples_have_no_cross_category_collisions_beyond_the_bounded_list():
    found = {
        (c.family, c.where.removeprefix("example of "))
        for c in example_collisions(KB)
        if c.family not in CATCH_ALL
    }
    assert found - set(ALLOWED) == set(), "a family's pattern claims another category's example"
    assert set(ALLOWED) - found == set(), "a listed collision is gone: drop it from ALLOWED"


def test_no_example_is_claimed_first_by_a_family_of_another_category():
    assert [c for c in example_collisions(KB) if c.first] == []


NOT_CLAIMED = [
    # an SSH server refusing the credentials is authentication, not a file mode
    ("os_permission", "batch@sftp.example.com: Permission denied (publickey,password)."),
    ("os_permission", "SSH Error: Permission denied (publickey,gssapi-keyex,gssapi-with-mic)."),
    ("os_permission", "Permission denied, please try again."),
    ("os_permission", 'AWSBEH021E The user "twsuser" is not authorized to access the server'),
    # a lock's wait given up is a busy resource, not a slow job
    ("timeout", "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction"),
    ("timeout", "Failed to create/acquire the lock /srv/borg/repo/lock.exclusive (timeout)."),
    ("timeout", "ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired"),
    ("timeout", "Timeout waiting to lock file hash cache (/home/ci/.gradle/caches)."),
    ("timeout", "Timed out waiting to acquire lock on /var/lib/app/state"),
    # a run still going after its limit is a timeout, not a busy resource
    ("os_busy", "workflow wf_DAILY still running after 3600 s - giving up and aborting it"),
    # a pool's connection or a ticket that cannot be had is no lock
    ("os_busy", "Unable to obtain JDBC Connection; nested exception is java.net.ConnectException"),
    ("os_busy", "kinit: Unable to obtain Kerberos credentials for etl@CORP.EXAMPLE.COM"),
    # a kill a person asked for is no out-of-memory kill
    ("killed", "Job LOAD_EMP was killed by user twsadmin"),
    ("killed", "Killed by operator request"),
    # a file that cannot be opened for a reason the line states is that reason's failure
    ("os_file_not_found", "ls: cannot access '/mnt/bankdrop/in/MT940_*.sta': Host is down"),
    ("os_file_not_found", 'rsync: ERROR: cannot stat destination "/mnt/b": Permission denied (13)'),
    (
        "os_file_not_found",
        "Copy-Item : The process cannot access the file 'C:\\x.dat' because it is being "
        "used by another process.",
    ),
    ("os_file_not_found", "ERROR: input value for RUN_DATE missing"),
    ("os_file_not_found", "Error: Could not open client transport with JDBC Uri: jdbc:hive2://h:1"),
    # a server that refused the credentials was reached
    (
        "db_network",
        'pg_dump: error: connection to server at "db01" (10.0.0.5), port 5432 failed: '
        'FATAL:  password authentication failed for user "etl"',
    ),
    (
        "os_network",
        "Thread 1 terminated abnormally: failed to connect to 'DBI:Oracle:host=localhost;"
        "port=1521;sid=dbdev': ORA-01017: invalid username/password; logon denied",
    ),
    (
        "db_network",
        '[IBM][CLI Driver] SQL30082N  Security processing failed with reason "24" '
        '("USERNAME AND/OR PASSWORD INVALID").  SQLSTATE=08001',
    ),
    # the C library's heap checks are a crash, not corrupt input
    ("data_format", "malloc(): corrupted top size"),
    ("data_format", "double free or corruption (out)"),
]

STILL_CLAIMED = [
    ("os_permission", "cp: cannot create regular file '/data/out/emp.csv': Permission denied"),
    ("os_permission", "User etl is not authorized to perform: s3:PutObject"),
    ("timeout", "curl: (28) Operation timed out after 30001 milliseconds"),
    ("timeout", "Connection timeout expired after 30s"),
    ("timeout", "timeout: sending signal TERM to command 'extract.sh'"),
    ("os_busy", "another copy of the loader is still running (pid 4242)"),
    ("os_busy", "the table is still locked by session 12"),
    ("os_busy", "Timed out waiting to acquire lock on /var/lib/app/state"),
    ("os_busy", "unable to acquire the repository lock"),
    ("killed", "/opt/app/run.sh: line 8: 4711 Killed                  java -jar etl.jar"),
    ("killed", "Container killed by YARN for exceeding physical memory limits"),
    ("data_format", "gzip: /data/in/x.gz: file is corrupted"),
    ("os_file_not_found", "cat: cannot open '/data/in/emp.csv'"),
    ("os_file_not_found", "ERROR: input file /data/in/emp.csv is missing"),
    ("os_file_not_found", "ls: cannot access '/data/in/x.csv': No such file or directory"),
    (
        "db_network",
        'connection to server at "db01" (10.1.2.3), port 5432 failed: Connection refused',
    ),
]


@pytest.mark.parametrize(("name", "line"), NOT_CLAIMED)
def test_a_tightened_pattern_no_longer_claims_another_category_line(name, line):
    assert not KB.family(name).regex.search(line)


@pytest.mark.parametrize(("name", "line"), STILL_CLAIMED)
def test_a_tightened_pattern_still_claims_its_own_lines(name, line):
    assert KB.family(name).regex.search(line)


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("Failed to create/acquire the lock /srv/x/lock.exclusive (timeout).", "resource_busy"),
        ("Lock wait timeout exceeded; try restarting transaction", "resource_busy"),
        ("Timed out waiting to acquire lock on /var/lib/app/state", "resource_busy"),
        ("Permission denied (publickey).", "authentication"),
    ],
)
def test_the_lines_reach_their_own_category(line, category):
    rule = match_rule(line)
    assert rule is not None and rule.category == category
