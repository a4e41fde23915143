"""A joblog of an ended run is whole only when it closes with TWS's trailer banner."""

from __future__ import annotations

from resync_analytics.joblog.completeness import has_trailer

LOG = b"""===============================================================
= JOB       : FTA01#PAYROLL[(0200 03/14/25),(0AAAAAAAAAAAB2CD)].LOAD_EMP
= USER      : batchusr
===============================================================
AWSBIS307I Starting /opt/hwa/TWS/jobmanrc /opt/app/bin/load_emp.sh
cat: /data/in/employees.csv: No such file or directory
AWSBIS308I End of job
===============================================================
= Exit Status           : 1
= System Time (Seconds) : 0     Elapsed Time (hh:mm:ss) : 00:00:01
= User Time (Seconds)   : 0
= Fri 03/14/25 02:00:06 CET
===============================================================
"""


def test_whole_joblog_has_its_trailer_also_with_crlf() -> None:
    assert has_trailer(LOG)
    assert has_trailer(LOG.replace(b"\n", b"\r\n"))


def test_joblog_cut_anywhere_before_its_last_rule_has_no_trailer() -> None:
    for cut in (len(LOG) // 3, len(LOG) // 2, LOG.rindex(b"= User Time"), LOG.rindex(b"= Fri")):
        assert not has_trailer(LOG[:cut]), cut
    assert not has_trailer(b"")
