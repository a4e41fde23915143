"""Joblogs written for the analyser's tests: a TWS banner around a job's output."""

from __future__ import annotations

HEADER = """===============================================================
= JOB       : FTA01#PAYROLL[(0200 03/14/25),(0AAAAAAAAAAAB2CD)].LOAD_EMP
= USER      : batchusr
= JCLFILE   : /opt/app/bin/load_emp.sh
= Job Number: 412233
= Fri 03/14/25 02:00:05 CET
===============================================================
WA for UNIX/JOBMANRC 10.2.x
AWSBIS307I Starting /opt/hwa/TWS/jobmanrc /opt/app/bin/load_emp.sh
"""
HEADER_LINES = HEADER.count("\n")


def trailer(exit_status: int) -> str:
    return f"""AWSBIS308I End of job
===============================================================
= Exit Status           : {exit_status}
= System Time (Seconds) : 0     Elapsed Time (hh:mm:ss) : 00:00:01
= User Time (Seconds)   : 0
= Fri 03/14/25 02:00:06 CET
===============================================================
"""


def joblog(body: str, exit_status: int = 1) -> str:
    """``body`` (lines ending in newlines) inside a UNIX jobmanrc banner."""
    return HEADER + body + trailer(exit_status)


def line_of(log: str, needle: str) -> int:
    """1-based number of the first line of ``log`` that contains ``needle``."""
    for number, line in enumerate(log.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in log")
