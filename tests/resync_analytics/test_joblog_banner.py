"""TWS stdlist banners: UNIX jobmanrc, dynamic agent, Windows, none."""

from __future__ import annotations

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.banner import parse_job_identity
from tests.resync_analytics.joblog_samples import joblog

DYNAMIC = """===============================================================
= JOB       : /AGENTS/DYN01#/ETL/NIGHTLY[(0300 03/15/25),(0AAAAAAAAAAAC3DE)].EXTRACT
= TASK      : <?xml version="1.0" encoding="UTF-8"?>
<jsdl:jobDefinition xmlns:jsdl="http://www.ibm.com/xmlns/prod/scheduling/1.0/jsdl">
<jsdl:application name="executable"><jsdle:script>/opt/etl/extract.sh --on-error=fail</jsdle:script>
</jsdl:application></jsdl:jobDefinition>
= TWSRCMAP  :
= AGENT     : DYN01
= Job Number: 998877
= Sat 03/15/25 03:00:01 CET
===============================================================
java.net.ConnectException: Connection refused (Connection refused)
===============================================================
= Exit Status           : 1
= Elapsed Time (Minutes) : 2
= Job CPU usage (ms) : 1530
= Job Memory usage (kb) : 20480
= Sat 03/15/25 03:02:01 CET
===============================================================
"""

WINDOWS = """===============================================================
= JOB       : WINFTA#DAILY[(0400 03/15/25),(0AAAAAAAAAAAD4EF)].COPYFILES
= USER      : CORP\\svc_batch
= JCLFILE   : C:\\batch\\copyfiles.cmd
= Job Number: 4455
= Sat 03/15/25 04:00:00
===============================================================
The system cannot find the file specified.
===============================================================
= Exit Status           : 2
= System Time (Seconds) : 0     Elapsed Time (hh:mm:ss) : 00:00:03
= User Time (Seconds)   : 0
= Sat 03/15/25 04:00:03
===============================================================
"""


def test_unix_banner_fields():
    header = analyze_joblog(joblog("x\n", 3)).header
    assert header.variant == "unix"
    assert header.job is not None and header.job.selector == "FTA01#PAYROLL.LOAD_EMP"
    assert (header.job.schedule, header.job.jsid) == ("0200 03/14/25", "0AAAAAAAAAAAB2CD")
    assert (header.user, header.jclfile, header.job_number) == (
        "batchusr",
        "/opt/app/bin/load_emp.sh",
        "412233",
    )
    assert (header.exit_status, header.elapsed_seconds, header.header_end_line) == (3, 1.0, 7)


def test_dynamic_banner_with_jsdl_task_block_is_not_analysed_as_output():
    analysis = analyze_joblog(DYNAMIC)
    header = analysis.header
    assert header.variant == "dynamic"
    assert header.job is not None and header.job.selector == "/AGENTS/DYN01#/ETL/NIGHTLY.EXTRACT"
    assert (header.agent, header.cpu_ms, header.memory_kb, header.elapsed_seconds) == (
        "DYN01",
        1530,
        20480,
        120.0,
    )
    assert analysis.category == "network"
    assert analysis.error_line == 12


def test_windows_banner():
    analysis = analyze_joblog(WINDOWS)
    assert analysis.header.variant == "windows"
    assert analysis.header.user == "CORP\\svc_batch"
    assert (analysis.category, analysis.error_line) == ("file_not_found", 8)
    assert 'conman "rr WINFTA#DAILY.COPYFILES;noask"' in analysis.steps[-1]


def test_job_identity_forms():
    plain = parse_job_identity("WS1#JS1.JOB1")
    assert plain is not None and (plain.workstation, plain.stream, plain.job) == (
        "WS1",
        "JS1",
        "JOB1",
    )
    inst = parse_job_identity("WS1#JS1(0600 03/14/25).JOB1")
    assert inst is not None and inst.schedule == "0600 03/14/25" and inst.selector == "WS1#JS1.JOB1"
    assert parse_job_identity("nonsense") is None
