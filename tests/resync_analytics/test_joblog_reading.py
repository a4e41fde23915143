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
