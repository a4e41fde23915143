"""The host, port, object and URL an operator needs, read from the shapes tools print.

Each line is a tool's own message as quoted in its documentation or a public issue (the
address is on the comment above it), put in a minimal failing joblog; the analysis must name
what the fix is about. The shapes come from the tools, not from the corpus the rules were
grown on, so they say how the extraction generalises to logs nobody here has seen.
"""

from __future__ import annotations

from typing import Any

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.evaluation import credited
from tests.resync_analytics.joblog_samples import joblog

SHAPES: list[Any] = [
    # --- hosts and ports ---
    # https://github.com/wpoa/open-access-media-importer/issues/80
    ("ssh: connect to host tools.mi.ur.de port 22: Connection refused", ("tools.mi.ur.de", "22")),
    # https://github.com/hpc-admin-sist/DockerMonitor/issues/39
    ("ssh: connect to host 10.15.89.41 port 22732: Connection refused", ("10.15.89.41", "22732")),
    # https://github.com/microsoft/WSL/issues/4894
    (
        "ssh: Could not resolve hostname cs2.utdallas.edu: Name or service not known",
        ("cs2.utdallas.edu",),
    ),
    # https://github.com/mfat/sshpilot/issues/483
    ("ssh: Could not resolve hostname router: Name or service not known", ("router",)),
    # https://github.com/3dcitydb/3dcitydb/issues/83
    (
        'psql: error: connection to server at "localhost" (::1), port 5432 failed: '
        "Connection refused (0x0000274D/10061)",
        ("localhost", "5432"),
    ),
    # https://github.com/tines/rails-pg-adapter/pull/15
    (
        'connection to server at "10.1.209.231", port 5432 failed: Connection refused',
        ("10.1.209.231", "5432"),
    ),
    # https://github.com/pgadmin-org/pgadmin4/issues/4837
    (
        'Is the server running on host "173.18.0.3" and accepting TCP/IP connections on port 5432?',
        ("173.18.0.3", "5432"),
    ),
    # https://github.com/Nuvalence/sqlserver2pgsql-docker/issues/1
    (
        "Connection to 127.0.0.1:5433 refused. Check that the hostname and port are correct and "
        "that the postmaster is accepting TCP/IP connections",
        ("127.0.0.1:5433",),
    ),
    # https://github.com/curl/curl/issues/9358
    (
        "curl: (7) Failed to connect to 127.0.0.1 port 20170: Connection refused",
        ("127.0.0.1", "20170"),
    ),
    # https://github.com/cisco/libest/issues/122
    (
        "curl: (7) Failed to connect to testrfc7030.com port 8443 after 293 ms: Connection refused",
        ("testrfc7030.com", "8443"),
    ),
    # https://github.com/stevezz3/one-key-cpufriend/issues/22
    (
        "curl: (7) Failed to connect to raw.githubusercontent.com port 443: Connection refused",
        ("raw.githubusercontent.com", "443"),
    ),
    # https://github.com/microsoft/msphpsql/issues/294
    (
        "curl: (7) Failed connect to packages.microsoft.com:443; connect refused",
        ("packages.microsoft.com:443",),
    ),
    # https://github.com/curl/curl/issues/7487
    (
        "cURL error 7: Failed to connect to exchapi port 1337: Connection refused",
        ("exchapi", "1337"),
    ),
    # https://github.com/nodejs/node/issues/7931
    (
        "Error: getaddrinfo ENOTFOUND nos.netease.com nos.netease.com:80",
        ("nos.netease.com",),
    ),
    # https://github.com/alexkirsz/dispatch-proxy/issues/30
    ("Error: getaddrinfo ENOTFOUND mvbkmkjplos mvbkmkjplos:80", ("mvbkmkjplos",)),
    # https://github.com/gwdevhub/Daybreak/issues/1042
    (
        "System.Net.Http.HttpRequestException: No such host is known. (github.com:443)",
        ("github.com:443",),
    ),
    # https://github.com/bloxstraplabs/bloxstrap/issues/5361
    (
        "System.Net.Http.HttpRequestException: No such host is known. (setup.rbxcdn.com:80)",
        ("setup.rbxcdn.com:80",),
    ),
    # https://github.com/chrlns/sonews/issues/65
    (
        "java.net.UnknownHostException: sonews-dev.arthur: Name does not resolve",
        ("sonews-dev.arthur",),
    ),
    # https://github.com/ReactiveX/RxAndroid/issues/101
    (
        "java.net.UnknownHostException: MacBook-Pro.local: MacBook-Pro.local: nodename nor "
        "servname provided, or not known",
        ("MacBook-Pro.local",),
    ),
    # https://github.com/joeferner/node-oracle/issues/217
    (
        "(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db1.lab.vx)(PORT=1521))"
        "(CONNECT_DATA=(SERVER=DEDICATED)(SERVICE_NAME=db11204)))",
        ("db1.lab.vx", "1521"),
    ),
    # https://github.com/laurenz/oracle_fdw/issues/229
    ("telnet: connect to address 10.28.96.24: Connection refused", ("10.28.96.24",)),
    # https://github.com/dataplat/dbatools/issues/9368
    (
        "New-PSSession : [db01.internal.local] Connecting to remote server db01.internal.local "
        "failed with the following error message : WinRM cannot complete the operation.",
        ("db01.internal.local",),
    ),
    # https://github.com/DellGEOS/AzureLocalHOLs/issues/67
    (
        "[ASNode1] Connecting to remote server ASNode1 failed with the following error message : "
        "The WinRM client cannot process the request because the server name cannot be resolved.",
        ("ASNode1",),
    ),
    # https://github.com/rzander/sccmclictr/issues/28
    (
        "Connecting to remote server sp037175544153 failed with the following error message : "
        "The client cannot connect to the destination specified in the request.",
        ("sp037175544153",),
    ),
    # https://github.com/sysown/proxysql/issues/4148
    (
        "2002: Can't connect to MySQL server on '10.1.34.61' (111)",
        ("10.1.34.61",),
    ),
    # https://github.com/neurodata/ndstore/issues/396
    (
        "(2003, \"Can't connect to MySQL server on 'dsp061.pha.jhu.edu' (111)\")",
        ("dsp061.pha.jhu.edu",),
    ),
    # https://github.com/DavidWittman/ansible-redis/issues/194
    ("Could not connect to Redis at 127.0.0.1:6379: Connection refused", ("127.0.0.1:6379",)),
    # https://github.com/comsysto/twitter-realtime-heatmap/issues/2
    (
        "ConnectionError: Error 61 connecting to localhost:6379. Connection refused.",
        ("localhost:6379",),
    ),
    # https://github.com/redis/node-redis/issues/1084
    ("Redis connection to xyz:6379 failed - connect ECONNREFUSED", ("xyz:6379",)),
    # https://github.com/airbnb/kafkat/issues/37
    (
        "WARN 1 [| kafdrop-admin] o.a.k.c.NetworkClient : [AdminClient clientId=kafdrop-admin] "
        "Connection to node -1 (/192.168.37.31:9092) could not be established. "
        "Broker may not be available.",
        ("192.168.37.31:9092",),
    ),
    # https://github.com/Seagate/cortx-s3server/issues/947
    (
        "WARN [AdminClient clientId=adminclient-1] Connection to node -1 (setest01/127.0.0.1:9092) "
        "could not be established. Broker may not be available.",
        ("setest01",),
    ),
    # https://github.com/obsidiandynamics/kafdrop/issues/35
    (
        "[Consumer clientId=consumer-email-1, groupId=email] Bootstrap broker localhost:9092 "
        "(id: -1 rack: null) disconnected",
        ("localhost:9092",),
    ),
    # https://github.com/jacobalberty/unifi-docker/issues/792
    (
        "org.eclipse.angus.mail.util.MailConnectException: Couldn't connect to host, port: "
        "mail.xyz.de, 465; timeout 10000",
        ("mail.xyz.de", "465"),
    ),
    # https://github.com/thingsboard/thingsboard/issues/1784
    (
        "javax.mail.MessagingException: Could not connect to SMTP host: smtp.office365.com, "
        "port: 587;",
        ("smtp.office365.com", "587"),
    ),
    # https://github.com/dart-mailer/mailer/issues/82
    (
        "Connection error: Connection timed out, host: smtp.live.com, port: 587",
        ("smtp.live.com", "587"),
    ),
    # https://github.com/nodemailer/nodemailer/issues/918
    ("Error: connect ETIMEDOUT 221.176.9.170:587", ("221.176.9.170:587",)),
    # https://github.com/osTicket/osTicket-plugins/issues/131
    (
        "Bind failed: Can't contact LDAP server: Unable to bind to server ldap.example.com:389",
        ("ldap.example.com:389",),
    ),
    # --- URLs ---
    # https://github.com/google/starthinker/issues/50
    (
        "googleapiclient.errors.HttpError: <HttpError 404 when requesting "
        "https://bigquery.googleapis.com/bigquery/v2/projects/sc-amea/queries?alt=json "
        'returned "Not found">',
        ("https://bigquery.googleapis.com/bigquery/v2/projects/sc-amea/queries?alt=json",),
    ),
    # https://github.com/MyCATApache/Mycat-Server/issues/2541
    (
        "Communications link failure: jdbc:mysql://192.168.100.100:8096/testdb?useUnicode=true",
        ("jdbc:mysql://192.168.100.100:8096/testdb?useUnicode=true",),
    ),
    # https://github.com/LDAPAccountManager/lam/issues/263
    (
        "ldapsearch -x -H ldaps://tenang.perkeso.gov.my:636 -b dc=perkeso,dc=gov,dc=my: "
        "ldap_sasl_bind(SIMPLE): Can't contact LDAP server (-1)",
        ("tenang.perkeso.gov.my:636",),
    ),
    # --- database objects ---
    # https://github.com/pantsel/konga/issues/592
    (
        'ERROR:  relation "public.konga_users" does not exist at character 46',
        ("public.konga_users",),
    ),
    # https://github.com/BennyKok/comfyui-deploy/issues/30
    (
        'ERROR:  relation "comfyui_deploy.users" does not exist at character 66',
        ("comfyui_deploy.users",),
    ),
    # https://github.com/Fenrirthviti/stream-site/issues/36
    (
        'Warning: pg_query_params(): Query failed: ERROR: relation "users" does not exist',
        ("users",),
    ),
    # https://github.com/go-sql-driver/mysql/issues/259
    ("Error 1146: Table 'test.user' doesn't exist", ("test.user",)),
    # https://github.com/XetaIO/Xeta/issues/42
    (
        "SQLSTATE[42S02]: Base table or view not found: 1146 Table "
        "'c1framework.blog_attachments' doesn't exist",
        ("c1framework.blog_attachments",),
    ),
    # https://github.com/SingleSpeed/Brewgr.com/issues/10
    (
        "[SqlException (0x80131904): Invalid object name 'dbo.BjcpStyleSummary_2015'.]",
        ("dbo.BjcpStyleSummary_2015",),
    ),
    # https://github.com/ncats/CTSA-Metrics/issues/12
    ("Invalid object name 'NCATS_DEMOGRAPHICS'.", ("NCATS_DEMOGRAPHICS",)),
    # https://github.com/dvdstore/ds3/issues/6
    (
        'Cannot find the object "PRODUCTS" because it does not exist or you do not have '
        "permissions.",
        ("PRODUCTS",),
    ),
    # https://github.com/OpenCobolIDE/OpenCobolIDE/issues/443
    ('SQL0204N  "SYSTOOLS.ADMINTASKS" is an undefined name.', ("SYSTOOLS.ADMINTASKS",)),
    # https://github.com/dbcodeio/public/issues/1015
    (
        '[IBM][CLI Driver][DB2] SQL0204N "SYSIBMADM.ENV_INST_INFO" is an undefined name. '
        "SQLSTATE=42704",
        ("SYSIBMADM.ENV_INST_INFO",),
    ),
    # https://github.com/OtterMind/Chat2DB/issues/281
    (
        "DB2 SQL Error: SQLCODE=-204, SQLSTATE=42704, SQLERRMC=IPLAT.TRBMG17, DRIVER=4.26.14",
        ("IPLAT.TRBMG17",),
    ),
    # https://github.com/DTStack/Taier/issues/1009
    (
        "User class threw exception: org.apache.spark.sql.AnalysisException: Table or view not "
        "found: test_t1; line 1 pos 1",
        ("test_t1",),
    ),
    # https://github.com/sparklyr/sparklyr/issues/2831
    (
        "Error: org.apache.spark.sql.AnalysisException: Table or view not found: "
        "rosetta.train_for_models; line 2 pos 5",
        ("rosetta.train_for_models",),
    ),
    # https://github.com/vdesabou/kafka-docker-playground/issues/7348
    (
        "Object 'PGDBRUNNER810.PUBLIC.FOO' does not exist or not authorized.",
        ("PGDBRUNNER810.PUBLIC.FOO",),
    ),
    # https://github.com/ploomber/jupysql/issues/931
    ("Object 'MYSNIPPE' does not exist or not authorized.", ("MYSNIPPE",)),
    # https://github.com/mozilla/bigquery-etl/issues/1698
    (
        "google.api_core.exceptions.NotFound: 404 Not found: Table "
        "moz-fx-data-shared-prod:telemetry_derived.scalar_percentiles_v1 was not found in "
        "location US",
        ("moz-fx-data-shared-prod:telemetry_derived.scalar_percentiles_v1",),
    ),
    # https://github.com/MIT-LCP/mimic-code/issues/1645
    (
        "BigQuery error in query operation: Not found: Table mimic-iv-20:mimic4_v1_0.patients "
        "was not found in location US",
        ("mimic-iv-20:mimic4_v1_0.patients",),
    ),
    # https://github.com/Teradata/jupyter-demos/pull/420
    (
        "Database reported error:3807:Object 'Demo_User.YouTube_Player_Events' does not exist.",
        ("Demo_User.YouTube_Player_Events",),
    ),
    # https://github.com/dbeaver/dbeaver/issues/23426
    (
        "SQL Error [208] [42S02]: SYS.SYSPROCEDURE not found. Specify owner.objectname or use "
        "sp_help to check whether the object exists",
        ("SYS.SYSPROCEDURE",),
    ),
    # https://github.com/logrhythm/EZ-Cloud/issues/20
    ("Invalid object name 'LogRhythmEMDB.dbo.MsgSource'.", ("LogRhythmEMDB.dbo.MsgSource",)),
]


def named_for(line: str) -> tuple[str, ...]:
    return analyze_joblog(joblog(line + "\n").encode()).entities


@pytest.mark.parametrize(("line", "wanted"), SHAPES)
def test_a_tool_s_message_names_what_the_fix_is_about(line: str, wanted: tuple[str, ...]):
    named = named_for(line)
    missing = [text for text in wanted if not credited(text, named)]
    assert not missing, f"{missing} not in {named}"
