"""A database or z/OS message is categorised by its vendor code, whatever its words.

Each line is written from the vendor's message reference (Oracle Database Error Messages, SQL
Server database engine events and errors, Db2 SQL messages in both the SQLnnnnN and the SQLCODE
spelling, the MySQL Server and Client Error Message Reference, z/OS MVS System Codes, IBM MQ
reason codes, AMQ messages and strmqm's return codes, IBM Spectrum Protect client messages,
Informix error messages and oninit's, LDAP result codes, Snowflake's error number with its
SQLSTATE) in the spellings clients print: a header with the code alone (SQL Server's ``Msg N,
Level``), a JDBC driver's ``SQLCODE=-N``, Db2 for z/OS's ``DSNT408I SQLCODE = -N``, SQL Agent's
``(Error N)``, mysqldump's ``Got error: N:``. A translated or truncated message still names its
code, so the code is what a site's unseen tool is read by.
"""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.prefilter import has_needle
from tests.resync_analytics.joblog_samples import joblog, line_of

ORACLE = [
    ("ORA-28040", "ORA-28040: No matching authentication protocol", "authentication"),
    ("ORA-12638", "ORA-12638: Credential retrieval failed", "authentication"),
    (
        "ORA-01950",
        "ORA-01950: no privileges on tablespace 'USERS'",
        "permission_denied",
    ),
    (
        "ORA-24247",
        "ORA-24247: network access denied by access control list (ACL)",
        "permission_denied",
    ),
    (
        "ORA-01628",
        "ORA-01628: max # extents (32765) reached for rollback segment _SYSSMU1$",
        "disk_full",
    ),
    (
        "ORA-01631",
        "ORA-01631: max # extents (505) reached in table ETL.STG_ORDERS",
        "disk_full",
    ),
    (
        "ORA-19502",
        'ORA-19502: write error on file "/u03/rman/df_1234.bkp", block number 88 (block size=8192)',
        "disk_full",
    ),
    (
        "ORA-04036",
        "ORA-04036: PGA memory used by the instance exceeds PGA_AGGREGATE_LIMIT",
        "out_of_memory",
    ),
    (
        "ORA-00051",
        "ORA-00051: timeout occurred while waiting for a resource",
        "resource_busy",
    ),
    (
        "ORA-04020",
        "ORA-04020: deadlock detected while trying to lock object ETL.PKG_LOAD",
        "resource_busy",
    ),
    (
        "ORA-08177",
        "ORA-08177: can't serialize access for this transaction",
        "resource_busy",
    ),
    (
        "ORA-01940",
        "ORA-01940: cannot drop a user that is currently connected",
        "resource_busy",
    ),
    ("ORA-02396", "ORA-02396: exceeded maximum idle time, please connect again", "timeout"),
    ("ORA-01476", "ORA-01476: divisor is equal to zero", "invalid_input"),
    ("ORA-01821", "ORA-01821: date format not recognized", "invalid_input"),
    ("ORA-01426", "ORA-01426: numeric overflow", "invalid_input"),
    (
        "KUP-04021",
        "KUP-04021: field formatting error for field ORDER_DT",
        "invalid_input",
    ),
    (
        "ORA-01157",
        "ORA-01157: cannot identify/lock data file 7 - see DBWR trace file",
        "file_not_found",
    ),
    (
        "ORA-27041",
        "ORA-27041: unable to open file",
        "file_not_found",
    ),
    (
        "ORA-39087",
        "ORA-39087: directory name DATA_PUMP_DIR is invalid",
        "file_not_found",
    ),
    (
        "ORA-31640",
        'ORA-31640: unable to open dump file "/u01/dpdump/exp_01.dmp" for read',
        "file_not_found",
    ),
]

SQL_SERVER = [
    ("Msg 4060", "Msg 4060, Level 11, State 1, Server SQL01, Line 1", "authentication"),
    (
        "errorlog 18486",
        "2024-03-02 02:10:11.42 Logon  Error: 18486, Severity: 14, State: 1.",
        "authentication",
    ),
    ("Msg 262", "Msg 262, Level 14, State 1, Line 3", "permission_denied"),
    (
        "SQL Agent 916",
        'Executed as user: CORP\\svc_etl. The server principal "CORP\\svc_etl" is not able '
        'to access the database "Sales" under the current security context. '
        "[SQLSTATE 08004] (Error 916).  The step failed.",
        "permission_denied",
    ),
    ("Msg 4834", "Msg 4834, Level 16, State 1, Line 2", "permission_denied"),
    ("Msg 5149", "Msg 5149, Level 16, State 3, Line 1", "disk_full"),
    ("Msg 3257", "Msg 3257, Level 16, State 1, Line 1", "disk_full"),
    ("Msg 701", "Msg 701, Level 17, State 123, Line 1", "out_of_memory"),
    ("Msg 8645", "Msg 8645, Level 17, State 1, Line 1", "out_of_memory"),
    ("Msg 1222", "Msg 1222, Level 16, State 45, Line 1", "resource_busy"),
    ("Msg 3101", "Msg 3101, Level 16, State 1, Line 1", "resource_busy"),
    ("Msg 3702", "Msg 3702, Level 16, State 3, Line 1", "resource_busy"),
    ("Msg 245", "Msg 245, Level 16, State 1, Line 12", "invalid_input"),
    ("Msg 8115", "Msg 8115, Level 16, State 2, Line 40", "invalid_input"),
    ("Msg 515", "Msg 515, Level 16, State 2, Procedure usp_load, Line 88", "invalid_input"),
    ("Msg 2628", "Msg 2628, Level 16, State 1, Line 5", "invalid_input"),
    ("Msg 4864", "Msg 4864, Level 16, State 1, Line 1", "invalid_input"),
    ("Msg 4860", "Msg 4860, Level 16, State 1, Line 1", "file_not_found"),
]

DB2 = [
    (
        "JCC -551",
        "DB2 SQL Error: SQLCODE=-551, SQLSTATE=42501, SQLERRMC=ETLUSR;INSERT;STG.ORDERS, "
        "DRIVER=4.26.14",
        "permission_denied",
    ),
    (
        "DSNT408I -551",
        " DSNT408I SQLCODE = -551, ERROR:  ETLUSR DOES NOT HAVE THE PRIVILEGE TO PERFORM "
        "OPERATION SELECT ON OBJECT PAY.EMPLOYEE",
        "permission_denied",
    ),
    (
        "SQL1092N",
        "SQL1092N  The requested command or operation failed because the user "
        "ID does not have the authority to perform the requested command or operation.",
        "permission_denied",
    ),
    (
        "DSNT408I -904",
        " DSNT408I SQLCODE = -904, ERROR:  UNSUCCESSFUL EXECUTION CAUSED BY AN UNAVAILABLE "
        "RESOURCE. REASON 00C9008E, TYPE OF RESOURCE 00000200, AND RESOURCE NAME PAYDB.PAYTS",
        "resource_busy",
    ),
    (
        "DSNT408I -911",
        " DSNT408I SQLCODE = -911, ERROR:  THE CURRENT UNIT OF WORK HAS BEEN ROLLED BACK DUE "
        "TO DEADLOCK OR TIMEOUT.  REASON 00C90088",
        "resource_busy",
    ),
    (
        "DSNT408I -302",
        " DSNT408I SQLCODE = -302, ERROR:  THE VALUE OF INPUT VARIABLE OR PARAMETER NUMBER 3 "
        "IS INVALID OR TOO LARGE FOR THE TARGET COLUMN OR THE TARGET VALUE",
        "invalid_input",
    ),
    (
        "SQL0407N",
        'SQL0407N  Assignment of a NULL value to a NOT NULL column "TBSPACEID=2, TABLEID=6, '
        'COLNO=0" is not allowed.  SQLSTATE=23502',
        "invalid_input",
    ),
    (
        "JCC -433",
        "DB2 SQL Error: SQLCODE=-433, SQLSTATE=22001, SQLERRMC=Mueller-Luedenscheidt, "
        "DRIVER=4.19.26",
        "invalid_input",
    ),
    (
        "SQL0659N",
        "SQL0659N  Maximum size of a table object has been exceeded.  SQLSTATE=54017",
        "disk_full",
    ),
    (
        "SQL1084C",
        "SQL1084C  Shared memory segments cannot be allocated.  SQLSTATE=57019",
        "out_of_memory",
    ),
    (
        "JCC -30081",
        "DB2 SQL Error: SQLCODE=-30081, SQLSTATE=08001, SQLERRMC=79;TCP/IP;SOCKETS;"
        "10.1.2.3;recv;*, DRIVER=4.26.14",
        "network",
    ),
    (
        "SQL30108N",
        "SQL30108N  A connection failed in an automatic client reroute environment.",
        "network",
    ),
    (
        "SQL2036N",
        'SQL2036N  The path for the file, named pipe, or device "/db2/backup/PAYDB" is not valid.',
        "file_not_found",
    ),
]

MYSQL = [
    (
        "mysqldump 1045",
        "mysqldump: Got error: 1045: Access denied for user 'backup'@'10.1.2.3' (using "
        "password: YES) when trying to connect",
        "authentication",
    ),
    (
        "ERROR 1698",
        "ERROR 1698 (28000): Access denied for user 'root'@'localhost'",
        "authentication",
    ),
    (
        "ERROR 1142",
        "ERROR 1142 (42000): SELECT command denied to user 'etl'@'10.1.2.3' for table 'orders'",
        "permission_denied",
    ),
    (
        "ERROR 1227",
        "ERROR 1227 (42000) at line 18: Access denied; you need (at least one of) the SUPER "
        "privilege(s) for this operation",
        "permission_denied",
    ),
    (
        "ERROR 1290",
        "ERROR 1290 (HY000): The MySQL server is running with the --secure-file-priv option "
        "so it cannot execute this statement",
        "permission_denied",
    ),
    ("ERROR 1114", "ERROR 1114 (HY000): The table 'stg_orders' is full", "disk_full"),
    (
        "ERROR 1041",
        "ERROR 1041 (HY000): Out of memory; check if mysqld or some other process uses all "
        "available memory",
        "out_of_memory",
    ),
    (
        "DB-API 1213",
        "pymysql.err.OperationalError: (1213, 'Deadlock found when trying to get lock; try "
        "restarting transaction')",
        "resource_busy",
    ),
    (
        "ERROR 2026",
        "ERROR 2026 (HY000): SSL connection error: error:00000000:lib(0):func(0):reason(0)",
        "network",
    ),
    (
        "ERROR 1129",
        "ERROR 1129 (HY000): Host '10.1.2.3' is blocked because of many connection errors",
        "network",
    ),
    (
        "ERROR 3024",
        "ERROR 3024 (HY000): Query execution was interrupted, maximum statement execution "
        "time exceeded",
        "timeout",
    ),
    (
        "ERROR 1366",
        "ERROR 1366 (HY000) at line 1: Incorrect integer value: 'n/a' for column 'qty' at row 42",
        "invalid_input",
    ),
    (
        "ERROR 1406",
        "ERROR 1406 (22001): Data too long for column 'name' at row 7",
        "invalid_input",
    ),
    (
        "ERROR 1048",
        "ERROR 1048 (23000): Column 'customer_id' cannot be null",
        "invalid_input",
    ),
]

ZOS = [
    (
        "S522",
        "IEF450I PAYB0100 STEP010 - ABEND=S522 U0000 REASON=00000000",
        "timeout",
    ),
    (
        "S213",
        "IEF450I PAYB0100 STEP020 - ABEND=S213 U0000 REASON=00000004",
        "file_not_found",
    ),
    (
        "IEC143I 213",
        "IEC143I 213-04,IFG0194A,PAYB0100,STEP020,INFILE,3390,WORK01,PAY.DAILY.INPUT",
        "file_not_found",
    ),
    (
        "IEC141I 013-18",
        "IEC141I 013-18,IGG0191B,PAYB0100,STEP030,SYSLIB,0B41,PRD001,PAY.COPYLIB(PAYREC)",
        "file_not_found",
    ),
    (
        "S047",
        "IEF450I PAYB0100 STEP040 - ABEND=S047 U0000 REASON=00000000",
        "permission_denied",
    ),
    (
        "S306",
        "IEF450I PAYB0100 STEP050 - ABEND=S306 U0000 REASON=0000000C",
        "permission_denied",
    ),
]

IBM_MIDDLEWARE = [
    (
        "MQ 2035 JMS",
        "MQJE001: Completion Code '2', Reason '2035'.",
        "permission_denied",
    ),
    (
        "MQ 2035 pymqi",
        "pymqi.MQMIError: MQI Error. Comp: 2, Reason 2035: FAILED: MQRC_NOT_AUTHORIZED",
        "permission_denied",
    ),
    (
        "AMQ8077W",
        "AMQ8077W: Entity 'etlsvc' has insufficient authority to access object PAY.IN.",
        "permission_denied",
    ),
    ("AMQ5534E", "AMQ5534E: User ID 'etlsvc' authentication failed", "authentication"),
    (
        "MQ 2059 C",
        "MQCONN ended with reason code 2059",
        "network",
    ),
    (
        "MQ 2538 name",
        "com.ibm.mq.MQException: JMSCMQ0001: IBM MQ call failed with compcode '2' "
        "('MQCC_FAILED') reason '2538' ('MQRC_HOST_NOT_AVAILABLE').",
        "network",
    ),
    (
        "AMQ9202E",
        "AMQ9202E: Remote host 'mq01 (10.1.2.3) (1414)' not available, retry later.",
        "network",
    ),
    ("AMQ7463W", "AMQ7463W: The log for queue manager PAYQM is full.", "disk_full"),
    ("MQ 2071", "MQPUT failed: reason code 2071 (MQRC_STORAGE_NOT_AVAILABLE)", "out_of_memory"),
    ("MQ 2042", "MQOPEN of PAY.IN ended with reason code 2042", "resource_busy"),
    ("ANS1017E", "ANS1017E Session rejected: TCP/IP connection failure", "network"),
    ("ANS1029E", "ANS1029E Communication with the  TSM server is lost.", "network"),
    ("ANS1025E", "ANS1025E Session rejected: Authentication failure", "authentication"),
    (
        "ANS1503E",
        "ANS1503E Valid password not available for server 'TSMSRV1'.",
        "authentication",
    ),
    ("ANS1076E", "ANS1076E *** Directory path not found ***", "file_not_found"),
    (
        "ANS1092W",
        "ANS1092W No files matching search criteria were found",
        "file_not_found",
    ),
    (
        "ANS4007E",
        "ANS4007E Error processing '/data/hr/salaries.csv': access to the object is denied",
        "permission_denied",
    ),
    ("ANS1329S", "ANS1329S Server out of data storage space", "disk_full"),
    (
        "ANS1030E",
        "ANS1030E The operating system refused a TSM request for memory allocation.",
        "out_of_memory",
    ),
    ("ANS1312E", "ANS1312E Server media mount not possible", "resource_busy"),
    (
        "Informix 951",
        "  951: Incorrect password or user etl@batch01 is not known on the database server.",
        "authentication",
    ),
    (
        "Informix 908",
        "  908: Attempt to connect to database server (ol_prod) failed.",
        "network",
    ),
    ("Informix 387", "  387: No connect permission.", "permission_denied"),
    (
        "Informix ISAM 154",
        "  244: Could not do a physical-order read to fetch next row.\n"
        "  154: ISAM error: Lock Timeout Expired",
        "resource_busy",
    ),
    (
        "Informix ISAM 131",
        "  271: Could not insert new row into the table.\n  131: ISAM error: no free disk space",
        "disk_full",
    ),
    (
        "Informix 1213",
        " 1213: A character to numeric conversion process failed",
        "invalid_input",
    ),
    (
        "strmqm 3",
        "Error starting queue manager: the 'strmqm' command returned with code: 3. "
        "Reason: IBM MQ queue manager being created.",
        "resource_busy",
    ),
    ("strmqm 49", "strmqm PAYQM ended with exit status 49", "resource_busy"),
    ("oninit", "oninit: Fatal error in shared memory creation", "out_of_memory"),
    (
        "LDAP 50 AD",
        "res_errno: 50, res_error: <00002098: SecErr: DSID-03150F94, problem 4003 "
        "(INSUFF_ACCESS_RIGHTS), data 0",
        "permission_denied",
    ),
    ("LDAP 50 ldapmodify", "ldap_modify: Insufficient access (50)", "permission_denied"),
    (
        "Snowflake 100038",
        "snowflake.connector.errors.ProgrammingError: 100038 (22018): Numeric value "
        "'2021-01-16 09:03:43' is not recognized",
        "invalid_input",
    ),
]

VENDOR_LINES = ORACLE + SQL_SERVER + DB2 + MYSQL + ZOS + IBM_MIDDLEWARE


@pytest.mark.parametrize(
    ("code", "line", "category"), VENDOR_LINES, ids=[row[0] for row in VENDOR_LINES]
)
def test_a_vendor_code_names_the_category(code, line, category):
    assert has_needle(line), "the prefilter would never show this line to the rules"
    assert analyze_joblog(line + "\n").category == category, code


@pytest.mark.parametrize(
    "line",
    [
        # a number beside "Error:" that is no SQL Server errorlog record
        "Error: 515 files could not be copied",
        # MySQL-looking numbers in messages of other programs
        "ERROR 1290 items could not be processed",
        "step ended with ERROR 1142 after 3 attempts",
        # Db2-shaped tokens inside file names
        "Wrote SQL0407.log and SQL0551.log",
    ],
)
def test_a_bare_number_is_no_vendor_code(line):
    assert analyze_joblog(line + "\n").category not in {"permission_denied", "invalid_input"}


@pytest.mark.parametrize(
    "line",
    [
        # strmqm's successful start, whatever number follows its status
        "strmqm PAYQM ended with exit status 0 after 3 seconds",
        # onstat on a server that is down: no shared memory was asked for
        "shared memory not initialized for INFORMIXSERVER 'dev'",
    ],
)
def test_a_status_near_a_middleware_code_is_no_such_failure(line):
    assert analyze_joblog(line + "\n").category not in {"resource_busy", "out_of_memory"}


@pytest.mark.parametrize(
    "line",
    [
        "java.sql.SQLException: Accès refusé pour l'utilisateur: 'etl'@'@db7' (mot de passe: OUI)",
        "ERROR 1045 (28000): Acceso negado para usuario: 'etl'@'10.1.2.3' (Usando clave: SI)",
        "mysql: Benutzer 'etl'@'db7' hat keine Zugriffsberechtigung (verwendetes Passwort: JA)",
        "Доступ закрыт для пользователя 'etl'@'db7' (был использован пароль: YES)",
        "Tilgang nektet for bruker: 'etl'@'db7' (Bruker passord: JA)",
    ],
)
def test_mysql_s_localized_access_denied_is_authentication(line):
    assert analyze_joblog(joblog(line + "\n")).category == "authentication"


@pytest.mark.parametrize(
    "line",
    [
        "psql:load.sql:12: FEIL:  relasjonen «stage_orders» eksisterer ikke",
        "psql:load.sql:12: FEHLER:  Relation »stage_orders« existiert nicht",
        "psql:load.sql:12: ERREUR:  la relation « stage_orders » n'existe pas",
        'psql:load.sql:12: ERRO:  relação "stage_orders" não existe',
        'psql:load.sql:12: ОШИБКА:  отношение "stage_orders" не существует',
        'psql:load.sql:12: 错误:  关系 "stage_orders" 不存在',
        "pg_restore: error: could not execute query: FEHLER:  Spalte »region« existiert nicht",
    ],
)
def test_postgresql_s_localized_message_level_is_a_database_error(line):
    log = joblog("loading stage tables\n" + line + "\n")
    analysis = analyze_joblog(log)
    assert (analysis.category, analysis.error_line) == ("database", line_of(log, line[:20]))
