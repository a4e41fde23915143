"""The second reading of findings: errno texts that name another category, and the causes
a watchdog or an allocator states next to the stop they caused."""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog, prepare_joblog
from resync_analytics.joblog.chooser import read_findings
from tests.resync_analytics.joblog_samples import joblog, line_of


@pytest.mark.parametrize(
    "line",
    [
        "ls: cannot access '/mnt/bankdrop/in/MT940_001.sta': Host is down",
        "The network name cannot be found.",
        "ls: cannot access '/mnt/sshfs/in': Transport endpoint is not connected",
        "mount error(112): Host is down",
    ],
)
def test_an_errno_text_of_a_network_fault_wins_over_the_word_that_matched(line):
    log = joblog(line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, line[:20]))


def test_a_missing_file_stays_a_missing_file():
    log = joblog("ls: cannot access '/data/in/a.csv': No such file or directory\n")
    assert analyze_joblog(log).category == "file_not_found"


def test_a_watchdog_warning_is_the_cause_of_the_sigint_it_sent():
    log = joblog(
        "2025-03-14 03:12:08 INFO fetched page 5\n"
        "2025-03-14 03:30:02 WARN max runtime of 7200s exceeded, sending SIGINT to pid 51877\n"
        "2025-03-14 03:30:02 ERROR received SIGINT, aborting current batch\n"
        "Traceback (most recent call last):\n"
        '  File "/opt/crm/jobs/sync.py", line 97, in main\n'
        "    page = client.fetch(cursor)\n"
        "KeyboardInterrupt\n",
        130,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("timeout", line_of(log, "max runtime"))


def test_without_a_time_limit_nearby_a_sigint_stays_a_signal():
    log = joblog("2025-03-14 03:30:02 ERROR received SIGINT, aborting current batch\n", 130)
    assert analyze_joblog(log).category == "signal_or_crash"


def test_a_stop_under_exit_code_124_is_a_timeout():
    log = joblog(
        'Traceback (most recent call last):\n  File "x.py", line 3\nKeyboardInterrupt\n', 124
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("timeout", line_of(log, "KeyboardInt"))


@pytest.mark.parametrize(
    "cause",
    [
        "terminate called after throwing an instance of 'std::bad_alloc'",
        "memory allocation of 34359738368 bytes failed",
        "E0314 03:15:02.661930 18834 builder.cc:212] allocation of 343597 bytes failed: bad_alloc",
    ],
)
def test_an_abort_after_an_allocation_failure_is_out_of_memory(cause):
    log = joblog(
        cause + "\n/opt/x/run.sh: line 4: 811 Aborted                 (core dumped) ./indexer\n"
        "run.sh: indexer failed with exit code 134\n",
        134,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("out_of_memory", line_of(log, cause[:20]))


def test_a_network_failure_retried_at_warning_level_explains_what_was_not_found():
    log = joblog(
        "WARNING: Retrying (Retry(total=0)) after connection broken by 'NewConnectionError("
        "'Failed to establish a new connection: [Errno -3] Temporary failure in name "
        "resolution')': /simple/pandas/\n"
        "ERROR: Could not find a version that satisfies the requirement pandas==2.2.1\n"
        "ERROR: No matching distribution found for pandas==2.2.1\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("network", line_of(log, "Retrying"))


def test_implied_causes_are_read_in_line_order_and_only_once():
    log = joblog(
        "WARN watchdog: time limit of 1h exceeded, killing loader\nTerminated\nTerminated\n",
        143,
    )
    prepared = prepare_joblog(log)
    read = read_findings(prepared.findings, prepared.exit_code)
    numbers = [f.line.number for f in read]
    assert numbers == sorted(numbers)
    implied = [f for f in read if f.rule.startswith("implied_")]
    assert [f.line.number for f in implied] == [line_of(log, "watchdog")]
    assert implied[0].category == "timeout"


def test_an_error_the_job_carried_on_after_loses_to_the_one_that_stopped_it():
    log = joblog(
        "grep: /opt/gl/etc/overrides.conf: No such file or directory\n"
        "reconcile: step 1/3 extract AP subledger ... done (48211 rows)\n"
        "tar: /backup/arch/gl.tar.gz: Wrote only 4096 of 10240 bytes\n",
        2,
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("disk_full", line_of(log, "Wrote only"))


def test_an_error_that_recurs_after_the_job_carried_on_is_still_the_cause():
    log = joblog(
        "run_wf.sh: line 23: pmcmd: command not found\n"
        "run_wf.sh: workflow wf_SALES started\n"
        "run_wf.sh: line 31: pmcmd: command not found\n",
        127,
    )
    assert analyze_joblog(log).error_line == line_of(log, "line 23")


def test_a_cause_a_console_cut_at_its_width_is_read_across_the_cut():
    message = (
        "org.springframework.beans.factory.BeanCreationException: Error creating bean with name "
        "'entityManagerFactory' defined in class path resource [org/springframework/boot/"
        "autoconfigure/orm/jpa/HibernateJpaAutoConfiguration.class]: Invocation of init method "
        "failed; nested exception is com.zaxxer.hikari.pool.HikariPool$PoolInitializationException"
        ': Failed to initialize pool: FATAL: password authentication failed for user "demo"'
    )
    cut = message.index("authentication") + len("authenticatio")
    width = cut // 2
    lines = [message[:width], message[width:cut], message[cut:]]
    assert all(len(line) >= 100 for line in lines[:2])
    log = joblog("".join(line + "\n" for line in lines))
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("authentication", line_of(log, lines[1]))


def test_a_short_line_ending_mid_word_is_not_joined_to_the_next():
    log = joblog("ERROR: step load failed, see passw\nord authentic\n")
    assert analyze_joblog(log).category != "authentication"


def test_a_traceback_relayed_under_a_cron_prefix_is_read_by_its_exception_line():
    relay = "Dec 10 08:31:11 mirror01 CROND[372283]: (root) CMDOUT ("
    log = joblog(
        f'{relay}  File "/root/.local/lib/python3.6/site-packages/requests/adapters.py",'
        " line 519, in send)\n"
        f"{relay}    raise ConnectionError(e, request=request))\n"
        f"{relay}requests.exceptions.ConnectionError: HTTPSConnectionPool(host='db.example.net',"
        " port=443): Max retries exceeded with url: /daily.cdiff (Caused by NewConnectionError("
        "'Failed to establish a new connection: [Errno 101] Network is unreachable'))\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "network",
        line_of(log, "requests.exceptions.ConnectionError"),
    )


def test_a_plsql_unit_that_cannot_be_found_is_the_database_s_not_a_missing_file():
    log = joblog(
        'ErrorMessage: ORA-04063: package body "AMANDA.COA_BATCH_PROCESS" has errors\n'
        'ORA-06508: PL/SQL: could not find program unit being called: "AMANDA.COA_BATCH_PROCESS"\n'
        'ORA-06512: at "AMANDA.DEFAULTREPORT_EXPIRELC", line 6\n'
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, "ORA-04063"))


def test_a_specific_cause_inside_a_wrapping_exception_s_message_names_the_category():
    log = joblog(
        "org.springframework.beans.factory.BeanCreationException: Error creating bean with name "
        "'entityManagerFactory' defined in\n"
        " class path resource [org/springframework/boot/autoconfigure/orm/jpa/Hibernate"
        "JpaAutoConfiguration.class]: Invocation of\n"
        " init method failed; nested exception is com.zaxxer.hikari.pool.HikariPool$Pool"
        "InitializationException: Failed to initia\n"
        'lize pool: FATAL: password authentication failed for user "demo"\n'
        "        at org.springframework.beans.factory.support.AbstractAutowireCapableBean"
        "Factory.initializeBean(AbstractAutowireCapableBeanFactory.java:1583)\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (
        "authentication",
        line_of(log, "password authentication failed"),
    )


@pytest.mark.parametrize(
    ("line", "category"),
    [
        ("com.acme.erp.rfc.LogonError: rc=2 key=RFC_7731 (repeat)", "authentication"),
        ("com.acme.feed.FeedSocketTimeoutException: after 30000 ms", "timeout"),
        ("acme.client.CommunicationError: partner 'erp01:3300' rc=-10", "network"),
        ("com.acme.load.JSONDecodeError: line 3 column 9", "invalid_input"),
    ],
)
def test_a_library_s_exception_class_names_the_kind_of_failure_its_message_does_not(line, category):
    log = joblog(line + "\n")
    assert (analyze_joblog(log).category, analyze_joblog(log).error_line) == (
        category,
        line_of(log, line[:20]),
    )


def test_an_exception_class_without_such_words_stays_an_application_error():
    log = joblog("com.acme.batch.StepFailedException: step 3 of nightly_close\n")
    assert analyze_joblog(log).category == "application_error"


@pytest.mark.parametrize(
    ("exit_status", "category"),
    [(127, "command_not_found"), (126, "permission_denied"), (1, "application_error")],
)
def test_a_generic_error_under_a_shell_s_launch_exit_code_is_that_launch_s_failure(
    exit_status, category
):
    log = joblog("ERROR: step 3 (archive_orders) failed, see the step log\n", exit_status)
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, "ERROR: step"))


def test_a_line_cut_at_the_console_width_is_read_with_its_rest():
    head = (
        "2026-12-07 02:00:01 ERROR nightly extract of the ledger tables stopped: FATAL: "
        "password authenticatio"
    )
    log = joblog(head + "\n" + 'n failed for user "demo"\n')
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("authentication", line_of(log, head))


def test_a_new_log_record_is_not_the_rest_of_the_line_before_it():
    # The first record ends in a file name and the next starts with its date: joined, they
    # would read "file SHOP_02.dat2026-12-07 ... missing", a missing file neither states.
    first = (
        "2026-12-07 05:04:55,436 [ERROR] loyalty.recon: RECON CHECK FAILED run LR-01: ledger "
        "total 48211950 != control total 48214450; partner SHOP, file SHOP_20261206_02.dat"
    )
    second = "2026-12-07 05:04:55,437 [ERROR] loyalty.recon: missing ledger postings for SHOP"
    log = joblog(first + "\n" + second + "\n", exit_status=3)
    analysis = analyze_joblog(log)
    assert analysis.category != "file_not_found"
    assert analysis.error_line == line_of(log, first[:40])


@pytest.mark.parametrize(
    ("reason", "category"),
    [
        ("ERROR NC_ENOTNC Unknown file format", "invalid_input"),
        ("open: Permission denied (errno 13)", "permission_denied"),
    ],
)
def test_an_open_that_failed_is_explained_by_the_reason_on_the_next_line(reason, category):
    log = joblog(
        'ncks: ERROR nco_open() unable to open file "/data/in/SST_20261206.nc"\n'
        + reason
        + "\n"
        + "[subset] ERROR ncks failed rc=1\n"
    )
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == (category, line_of(log, reason))


def test_the_title_of_an_hdf5_error_stack_is_not_the_cause():
    log = joblog(
        "HDF5-DIAG: Error detected in HDF5 (1.14.3) thread 1:\n"
        "  #000: H5A.c line 528 in H5Aopen_by_name(): can't open attribute\n"
        "    major: Attribute\n"
        "    minor: Can't open object\n"
        "2026-12-07 05:10:41,337 INFO  opened dataset: t2m, u10 (24 steps)\n"
        "2026-12-07 05:10:45,121 ERROR append: refusing to append 2026-12-06T00:00: archive "
        "ends at 2026-12-04T23:00, gap of 24 steps\n",
        exit_status=3,
    )
    analysis = analyze_joblog(log)
    assert analysis.error_line == line_of(log, "ERROR append")
