"""Message families: which log lines state an error, and of what kind.

Each :class:`Rule` recognises one family of messages (an errno text in six languages, an
Oracle code range, a JVM exception class, an HTTP status...) rather than one sample sentence.
Rules are tried in order, most specific first; the first match names the line's category.

The scanner's prefilter (:mod:`resync_analytics.joblog.prefilter`) picks candidate lines from large
chunks, so these rules only ever see a few lines; tests check that every rule's examples pass
the prefilter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from resync_analytics.joblog.models import Category


@dataclass(frozen=True)
class Rule:
    """One message family: its category, how specific it is, and a pattern over a line.

    ``label`` starts the human root-cause sentence ("Missing file", "Oracle tablespace full").
    ``examples`` are real-looking lines the rule must recognise (checked by tests).
    """

    name: str
    category: Category
    tier: int
    label: str
    regex: re.Pattern[str]
    examples: tuple[str, ...] = ()


def _rule(
    name: str,
    category: Category,
    tier: int,
    label: str,
    pattern: str,
    *examples: str,
    case_sensitive: bool = False,
) -> Rule:
    flags = 0 if case_sensitive else re.IGNORECASE
    return Rule(name, category, tier, label, re.compile(pattern, flags), examples)


# Oracle codes by meaning; any other ORA- code is a database error.
_ORA_DISK = (
    r"01650|01652|01653|01654|01658|01659|01683|01688|01691|01692|30036|01536|19809|19804|"
    r"00257|01144|01237"
)
_ORA_NETWORK = (
    r"12541|12543|12545|12547|12514|12505|12154|12170|12535|12537|12560|12571|03113|03114|"
    r"03135|12528|12516|12518|12519|12520|12162|12203|12224"
)
_ORA_AUTH = r"01017|28000|28001|28009|01005|01004|01045|28002|28011"
_ORA_INPUT = (
    r"01722|01858|01861|01830|01840|01841|01843|01847|12899|01438|01839|01850|01400|01407|"
    r"01401|06502|01489"
)
_ORA_BUSY = r"00054|00018|00020|04021|30006|00060"

RULES: tuple[Rule, ...] = (
    # ---- TWS/HWA engine messages (AWS + component + number + severity) ----
    _rule(
        "tws_unknown_user",
        "authentication",
        4,
        "TWS could not launch the job: unknown logon user",
        r"AWSBDW009E|AWSBIS\d{3}E.*\buser\b.*\b(unknown|not (found|exist))",
        "AWSBDW009E The following operating system error occurred retrieving the password "
        "structure for either the logon user, or the user who owns the file",
    ),
    _rule(
        "tws_not_authorized",
        "authentication",
        4,
        "TWS user not authorized",
        r"AWSBEH021E",
        'AWSBEH021E The user "twsuser" is not authorized to access the server',
    ),
    _rule(
        "tws_unreachable",
        "network",
        4,
        "TWS server or agent unreachable",
        r"AWSBEH023E|AWSITA245E|AWSITA10[45]E",
        "AWSBEH023E Unable to establish communication with the server on host mdm01:31116",
    ),
    _rule(
        "tws_memory",
        "out_of_memory",
        4,
        "TWS engine out of memory",
        r"AWSJCS011E.*(OutOfMemory|not enough space)",
        "AWSJCS011E An internal error has occurred. The error is: java.lang.OutOfMemoryError",
    ),
    _rule(
        "tws_db",
        "database",
        4,
        "TWS database access error",
        r"AWSJDB80[13]E",
        "AWSJDB801E An internal error has occurred. A database access error",
    ),
    _rule(
        "tws_max_duration",
        "timeout",
        4,
        "Job exceeded its maximum duration",
        r"maxDurationGone\s*=\s*true|max(imum)?[ _]?duration (exceeded|gone)|"
        r"killed (by|because of) (the )?(onlate|until|deadline)|exceeded (its |the )?(maximum|"
        r"max) (run|elapsed|execution) time",
        "jobruns.maxDurationGone=true",
    ),
    # ---- Windows system error codes ("ERROR 112 (0x00000070) ...", robocopy, net use) ----
    _rule(
        "windows_error_disk",
        "disk_full",
        4,
        "Disk full",
        r"\bERROR (112|39) \(0x000000[0-9A-F]{2}\)|System error (112|39)\b",
        "2025/03/13 22:04:41 ERROR 112 (0x00000070) Copying File D:\\scans\\x.zip",
    ),
    _rule(
        "windows_error_missing",
        "file_not_found",
        4,
        "Missing file",
        r"\bERROR (2|3) \(0x0000000[23]\)|System error (2|3)\b",
        "2025/03/14 04:15:01 ERROR 2 (0x00000002) Accessing Source Directory \\\\fs\\x\\",
    ),
    _rule(
        "windows_error_access",
        "permission_denied",
        4,
        "Permission denied",
        r"\bERROR 5 \(0x00000005\)|System error 5\b",
        "ERROR 5 (0x00000005) Accessing Destination Directory D:\\out\\",
    ),
    _rule(
        "windows_error_busy",
        "resource_busy",
        4,
        "File in use",
        r"\bERROR (32|33) \(0x0000002[01]\)|System error (32|33)\b",
        "ERROR 32 (0x00000020) Copying File D:\\x.csv",
    ),
    _rule(
        "windows_error_network",
        "network",
        4,
        "Network path unreachable",
        r"\bERROR (53|64|67|1231|1232|121) \(0x0000|System error (53|64|67|1231|1232)\b|"
        r"network path was not found",
        "System error 53 has occurred.",
    ),
    _rule(
        "windows_error_logon",
        "authentication",
        4,
        "Logon failed",
        r"\bERROR 1326 \(0x0000052E\)|System error 1326\b",
        "System error 1326 has occurred.",
    ),
    # ---- z/OS completion codes and Language Environment messages ----
    _rule(
        "zos_data_exception",
        "invalid_input",
        4,
        "Data exception (S0C7)",
        r"\bS0C7\b|Completion Code=0C7|n[aã]o num[eé]rico|not numeric|non-?numeric|"
        r"nicht numerisch|no num[eé]rico|non num[eé]rique",
        "IEF450I FINB0210 STEP010 - ABEND=S0C7 U0000 REASON=00000007",
    ),
    _rule(
        "zos_time_limit",
        "timeout",
        4,
        "CPU time limit exceeded (S322)",
        r"\bS322\b|Completion Code=322",
        "IEF450I INTB0900 STEP020 - ABEND=S322 U0000 REASON=00000000",
    ),
    _rule(
        "zos_module_missing",
        "command_not_found",
        4,
        "Program not found (S806)",
        r"\bS806\b|\bCSV003I\b",
        "CSV003I REQUESTED MODULE GLPOST02 NOT FOUND",
    ),
    _rule(
        "zos_space",
        "disk_full",
        4,
        "Data set out of space (x37)",
        r"\b[SB]?[BDE]37\b|\bIEC03[0-2]I\b",
        "IEC031I D37-04,IFG0554P,GLPOST01,STEP01,OUTFILE",
    ),
    _rule(
        "zos_memory",
        "out_of_memory",
        4,
        "Region too small (S878/S80A)",
        r"\bS878\b|\bS80A\b|\bS106\b",
        "ABEND=S878 U0000 REASON=00000010",
    ),
    _rule(
        "zos_crash",
        "signal_or_crash",
        4,
        "Program check",
        r"\bS0C[1-69A-F]\b|Completion Code=0C[1-69A-F]|\bCEE32\d\dS\b|protection exception",
        "CEE3204S The system detected a protection exception (System Completion Code=0C4).",
    ),
    _rule(
        "zos_cancel",
        "signal_or_crash",
        4,
        "Cancelled by the operator (S222)",
        r"\bS222\b|\bS122\b",
        "IEF450I JOB STEP - ABEND=S222 U0000",
    ),
    # ---- Command not found (before file-not-found: shells say "No such file" for both) ----
    _rule(
        "shell_command_not_found",
        "command_not_found",
        4,
        "Command not found",
        r":\s*(command not found|comando não encontrado|Befehl nicht gefunden|"
        r"Kommando nicht gefunden|orden no encontrada|no se encontró la orden|"
        r"commande introuvable|comando non trovato)|"
        r"^(?:\S+: )*(?:line \d+: )?[\w.+-]+:\s+not found\.?\s*"
        r"(?:\[No such file or directory\])?\s*$|"
        r"bad interpreter|exec(vp)?: [^:]+: not found|"
        r"^(?:\S*/)?env: [‘'`]?[\w./+-]+['’]?: No such file or directory",
        "bash: sqlldr: command not found",
        "/bin/sh: 1: sqlldr: not found",
        "/opt/app/load.sh: line 4: sqlldr: comando não encontrado",
        "ksh: sqlplus: not found",
        "env: 'python3': No such file or directory",
    ),
    _rule(
        "windows_command_not_found",
        "command_not_found",
        4,
        "Command not found",
        r"is not recognized as an internal or external command|"
        r"is not recognized as the name of a cmdlet|não é reconhecido como um comando interno|"
        r"wird nicht als interner oder externer Befehl|no se reconoce como un comando interno|"
        r"n'est pas reconnu en tant que commande interne|non è riconosciuto come comando interno",
        "'sqlcmd' is not recognized as an internal or external command,",
    ),
    _rule(
        "exec_program_missing",
        "command_not_found",
        4,
        "Command not found",
        r"Cannot run program \"[^\"]+\".*(error=2|No such file)|"
        r"(executable|program|binary|command) (file )?(not found|does not exist)|"
        r"no such (command|executable|program)|CommandNotFoundException|"
        r"\bwhich: no [\w.+-]+ in \(",
        'java.io.IOException: Cannot run program "sqlldr": error=2, No such file or directory',
    ),
    # ---- Authentication (before permission: ssh prints "Permission denied (publickey)") ----
    _rule(
        "ssh_auth",
        "authentication",
        4,
        "Authentication failed",
        r"Permission denied \((publickey|password|keyboard-interactive|gssapi|hostbased)|"
        r"Permission denied, please try again|"
        r"Too many authentication failures|Host key verification failed|"
        r"REMOTE HOST IDENTIFICATION HAS CHANGED|no matching (host key|key exchange)|"
        r"Authentication failed\.?$|Received disconnect.*Auth fail",
        "batch@sftp.example.com: Permission denied (publickey,password).",
        "Host key verification failed.",
    ),
    _rule(
        "oracle_auth",
        "authentication",
        4,
        "Oracle login failed",
        rf"\bORA-({_ORA_AUTH})\b",
        "ORA-01017: invalid username/password; logon denied",
        "ORA-28000: the account is locked",
    ),
    _rule(
        "postgres_auth",
        "authentication",
        4,
        "PostgreSQL authentication failed",
        r"password authentication failed for user|no pg_hba\.conf entry|"
        r"Ident authentication failed|Peer authentication failed|SQLSTATE\s*[=:\[]?\s*28(000|P01)|"
        r"FATAL:\s+role \S+ does not exist|role \S+ is not permitted to log in",
        'psql: FATAL:  password authentication failed for user "etl"',
    ),
    _rule(
        "db2_auth",
        "authentication",
        4,
        "DB2 authentication failed",
        r"\bSQL30082N|\bSQL1639N|\bSQL1060N",
        'SQL30082N  Security processing failed with reason "24"',
    ),
    _rule(
        "mysql_auth",
        "authentication",
        4,
        "MySQL access denied",
        r"ERROR 104[45] \(\w+\)|Access denied for user ",
        "ERROR 1045 (28000): Access denied for user 'etl'@'10.0.0.5' (using password: YES)",
    ),
    _rule(
        "mssql_auth",
        "authentication",
        4,
        "SQL Server login failed",
        r"Login failed for user|Msg 18456\b",
        "Login failed for user 'etl'.",
    ),
    _rule(
        "generic_auth",
        "authentication",
        4,
        "Authentication failed",
        r"(authentication|authorization|login|logon|sign-?in) (has )?(failed|failure|denied|error|"
        r"incorrect|rejected)|"
        r"invalid (user(name)?|login|credentials?|password|api[ -]?key|token|username/password)|"
        r"(bad|wrong|incorrect) (user(name)?|password|credentials?)|password (has )?expired|"
        r"account (is )?(locked|disabled|expired)|\b530 (Login|Not logged|User)|Login incorrect|"
        r"\b401\b.{0,20}Unauthori[sz]ed|Unauthori[sz]ed.{0,20}\b401\b|"
        r"HTTP(/[\d.]+)?\s*(status\s*)?:?\s*401\b|"
        r"(token|credentials?|session|ticket) (has )?expired|kinit: |Preauthentication failed|"
        r"Logon failure|user name or password is incorrect|unknown user|"
        r"not found in Kerberos database|"
        r"user [\"'`]?[\w.@\\-]+[\"'`]? (does not exist|not found|is unknown)|"
        r"(su|sudo): (Authentication failure|a password is required|unknown user)|"
        r"AuthenticationException|LoginException|InvalidCredentials|NotAuthorizedException|"
        r"Invalid credentials \(49\)|SASL authentication|GSS(API)? (failure|error)|curl: \(67\)|"
        r"InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidClientTokenId|"
        r"UnrecognizedClientException|AuthFailure|invalid_grant|invalid_client|InvalidToken|"
        r"unauthorized: authentication required|pull access denied|authentication required",
        "curl: (67) Access denied: 530",
        "530 Login incorrect.",
        "HTTP/1.1 401 Unauthorized",
        "su: Authentication failure",
    ),
    # ---- Permission ----
    _rule(
        "db_privilege",
        "permission_denied",
        4,
        "Missing database privilege",
        r"\bORA-01031\b|\bORA-01749\b|\bSQL0551N|\bSQL0552N|permission denied for (table|relation|"
        r"schema|sequence|database|function|view)|"
        r"SQLSTATE\s*[=:\[]?\s*42501|\w+ command denied to user|"
        r"The \w+ permission was denied on the object|"
        r"Msg 229\b|Msg 230\b|insufficient privileges?",
        "ORA-01031: insufficient privileges",
        "ERROR:  permission denied for table payroll",
        "ERROR 1142 (42000): SELECT command denied to user 'etl'@'localhost' for table 'emp'",
    ),
    _rule(
        "os_permission",
        "permission_denied",
        4,
        "Permission denied",
        r"Permission denied|Permissão negada|Keine Berechtigung|Permiso denegado|"
        r"Permission non accordée|Permission refusée|Permesso negato|Operation not permitted|"
        r"Operação não permitida|Vorgang nicht zulässig|Operación no permitida|"
        r"Opération non permise|Operazione non permessa|Read-only file system|"
        r"Sistema de arquivos somente para leitura|Dateisystem ist nur lesbar|"
        r"Sistema de ficheros de sólo lectura|Système de fichiers accessible en lecture seulement|"
        r"File system in sola lettura|\bEACCES\b|\bEPERM\b|\bEROFS\b|AccessDeniedException|"
        r"PermissionError|UnauthorizedAccessException|Access (is|to the path .* is) denied|"
        r"Acesso negado|Zugriff verweigert|Acceso denegado|Accès refusé|Accesso negato|"
        r"\b403\b.{0,20}Forbidden|Forbidden.{0,20}\b403\b|HTTP(/[\d.]+)?\s*(status\s*)?:?\s*403\b|"
        r"\b550 (Permission|Access)|not (authori[sz]ed|allowed) to|you do not have permission|"
        r"\(AccessDenied\)|AuthorizationFailed|AuthorizationPermissionMismatch|\bICH408I\b|"
        r"\bS913\b",
        "cp: cannot create regular file '/data/out/emp.csv': Permission denied",
        "mkdir: não foi possível criar o diretório “/data/out”: Permissão negada",
        "Access is denied.",
    ),
    # ---- Disk full ----
    _rule(
        "oracle_space",
        "disk_full",
        4,
        "Oracle tablespace full",
        rf"\bORA-({_ORA_DISK})\b",
        "ORA-01653: unable to extend table SCOTT.EMP by 128 in tablespace USERS",
    ),
    _rule(
        "db_space",
        "disk_full",
        4,
        "Database out of space",
        r"\bSQL0968C|\bSQL0289N|\bSQL0964C|The table '[^']+' is full|Errcode: 28\b|errno: 28\b|"
        r"Could not allocate space for object|filegroup is full|"
        r"transaction log for database .* is full|"
        r"Msg 1105\b|Msg 9002\b|SQLSTATE\s*[=:\[]?\s*53100|could not extend file|"
        r"tablespace .* (is )?full|log file is full|\bSQL0964C",
        "SQL0968C  The file system is full.",
        "ERROR 1114 (HY000): The table 'stage' is full",
    ),
    _rule(
        "os_disk_full",
        "disk_full",
        4,
        "Disk full",
        r"No space left on device|Não há espaço disponível no dispositivo|"
        r"Sem espaço disponível no dispositivo|kein Speicherplatz mehr|"
        r"Kein Platz mehr auf dem Gerät|"
        r"No queda espacio en el dispositivo|Aucun espace disponible sur le périphérique|"
        r"Spazio esaurito sul device|Nessuno spazio rimasto sul device|\bENOSPC\b|"
        r"Disk quota exceeded|Cota de disco excedida|Quota (de disque|del disco) (dépassé|superat)|"
        r"\bEDQUOT\b|not enough space on the disk|There is not enough space|"
        r"file ?system (is )?full|disk (is )?full|\bdisk full\b|File too large|\bEFBIG\b|"
        r"exceeds? (the )?(disk|file ?system|volume) (space|size|quota)",
        "cp: error writing '/data/out/x.dat': No space left on device",
        "write failed, filesystem is full",
        "There is not enough space on the disk.",
    ),
    # ---- Memory ----
    _rule(
        "oracle_memory",
        "out_of_memory",
        4,
        "Oracle out of memory",
        r"\bORA-0403[01]\b|\bORA-27102\b",
        "ORA-04030: out of process memory when trying to allocate 16328 bytes",
    ),
    _rule(
        "os_memory",
        "out_of_memory",
        4,
        "Out of memory",
        r"OutOfMemoryError|Cannot allocate memory|Não foi possível alocar memória|"
        r"Kann Speicher nicht zuordnen|Nicht genügend Hauptspeicher|No se puede asignar memoria|"
        r"Impossible d'allouer de la mémoire|Impossibile allocare memoria|\bENOMEM\b|"
        r"\bMemoryError\b|out of memory|bad_alloc|GC overhead limit exceeded|"
        r"unable to create (a )?new native thread|Java heap space|Metaspace|"
        r"memory allocation failed|malloc(\(\))?:? (failed|error)|insufficient memory|"
        r"not enough (memory|storage)|\bSQL0954C|\bSQL0973N|SQLSTATE\s*[=:\[]?\s*53200|"
        r"oom-?kill|Killed process \d+|Memory limit exceeded|exceeded memory limit|"
        r"Could not reserve enough space for object heap|OutOfMemory|MemoryError\b|"
        r"Unable to allocate \d|exceeding (physical |virtual )?memory limits?|OOMKilled|"
        r"TSV_TNEW_PAGE_ALLOC_FAILED|"
        r"SYSTEM_NO_ROLL|NO_MORE_PAGING|MEMORY_NO_MORE",
        "java.lang.OutOfMemoryError: Java heap space",
        "fork: Cannot allocate memory",
        "MemoryError",
    ),
    _rule(
        "ran_too_long",
        "timeout",
        4,
        "Ran longer than allowed",
        r"still running after \d+|running (for )?longer than|took longer than|"
        r"timeout (was|has been) exceeded|exceeded (its |the )?(time ?limit|"
        r"run ?time|duration|maximum wait)|"
        r"tempo limite|excedeu o tempo|Zeitlimit|l[ií]mite de tiempo|tiempo l[ií]mite|"
        r"d[ée]lai (d[ée]pass[ée]|expir[ée])|"
        r"limite de temps|tempo massimo|time ?limit (exceeded|reached)|wall ?clock limit",
        "workflow wf_DAILY still running after 3600 s - giving up and aborting it",
        "ERRO: /app/bin/fechamento excedeu o tempo limite de 14400s (RC=124)",
    ),
    # ---- Resource busy, locks, limits ----
    _rule(
        "db_lock",
        "resource_busy",
        4,
        "Database object locked",
        rf"\bORA-({_ORA_BUSY})\b|lock wait timeout exceeded|could not obtain lock|"
        r"SQLSTATE\s*[=:\[]?\s*55P03|\bSQL0911N.*(reason code|RC)\s*\"?68|database is locked|"
        r"too many (connections|clients)|\bSQL1040N|maximum number of (sessions|processes)|"
        r"ERROR 1040\b|ERROR 1205\b|ERROR 1213\b|Lock request time out|lock timeout|deadlock|"
        r"\bSQL0911N|SQLSTATE\s*[=:\[]?\s*40(001|P01)|Msg 1205\b|currently (being processed|"
        r"locked|in use) by|"
        r"locked by user|enqueue",
        "ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired",
        "ERROR 1205 (HY000): Lock wait timeout exceeded; try restarting transaction",
    ),
    _rule(
        "os_busy",
        "resource_busy",
        4,
        "Resource busy",
        r"Text file busy|Device or resource busy|Dispositivo ou recurso está ocupado|"
        r"Gerät oder die Ressource ist belegt|Dispositivo o recurso ocupado|"
        r"Périphérique ou ressource occupé|Dispositivo o risorsa occupata|\bE(BUSY|TXTBSY|AGAIN)\b|"
        r"Resource temporarily unavailable|Address already in use|Too many open files|"
        r"being used by another process|(is )?locked by (another|process|user|pid)|"
        r"(already|still) (running|locked|in use)|another instance|lock ?file .*exists|"
        r"could not (acquire|get|obtain) (the )?lock|unable to (acquire|obtain|lock)|"
        r"resource busy|\b429\b.{0,25}Too Many Requests|Too Many Requests|rate limit|"
        r"\bEADDRINUSE\b|\bEMFILE\b|LockTimeoutException|"
        r"OverlappingFileLockException|ResourceBusy",
        "cp: cannot create regular file '/opt/app/bin/load': Text file busy",
        "flock: failed to get lock on /var/lock/payroll.lock: another instance is running",
    ),
    # ---- Network (before timeout: "Connection timed out" is a network fault) ----
    _rule(
        "oracle_network",
        "network",
        4,
        "Oracle connection failed",
        rf"\b(ORA|TNS)-({_ORA_NETWORK})\b|The Network Adapter could not establish the connection",
        "ORA-12541: TNS:no listener",
        "TNS-12541: TNS:no listener",
    ),
    _rule(
        "db_network",
        "network",
        4,
        "Database connection failed",
        r"\bSQL30081N|\bSQL1336N|\bSQL1013N|SQLSTATE\s*[=:\[]?\s*08\w{3}|"
        r"could not connect to server|connection to server (at|on) .* failed|"
        r"server closed the connection unexpectedly|Can't connect to (MySQL|local MySQL) server|"
        r"ERROR 200[2356]\b|Lost connection to MySQL server|MySQL server has gone away|"
        r"A network-related or instance-specific error|TCP Provider|Named Pipes Provider|"
        r"Communications link failure|Could not open connection to the host|"
        r"Unable to connect to (Oracle|the database|database)|Login timeout expired",
        'psql: error: connection to server at "db01" (10.1.2.3), port 5432 failed: '
        "Connection refused",
        "SQL30081N  A communication error has been detected.",
    ),
    _rule(
        "os_network",
        "network",
        4,
        "Network failure",
        r"Connection refused|Conexão recusada|Verbindungsaufbau abgelehnt|Verbindung verweigert|"
        r"Conexión rehusada|Conexión denegada|Connexion refusée|Connessione rifiutata|"
        r"No route to host|Nenhuma rota para o host|Keine Route zum Zielrechner|"
        r"No hay ninguna ruta hasta|No hay ruta al|Aucune route vers l'hôte|"
        r"Nessun percorso verso l'host|Network is unreachable|Rede inacessível|"
        r"rede está fora de alcance|Netzwerk ist nicht erreichbar|La red es inaccesible|"
        r"réseau n'est pas accessible|rete non è raggiungibile|Connection reset|"
        r"Conexão (fechada|reinicializada)|Verbindung wurde vom Kommunikationspartner|"
        r"Conexión reinicializada|Connexion ré-?initialisée|Connessione interrotta|"
        r"Connection (timed out|closed by remote host|closed unexpectedly|aborted|lost)|"
        r"connection unexpectedly closed|"
        r"connect(ion)? (attempt )?timed out|Tempo esgotado para conexão|"
        r"Wartezeit für die Verbindung ist abgelaufen|Expiró el tiempo de conexión|"
        r"Connexion terminée par expiration|Connessione scaduta|Broken pipe|"
        r"Could not resolve (host|hostname|proxy)|Name or service not known|"
        r"unable to resolve host|(name|host|hostname|address) could not be resolved|"
        r"(cannot|can't|unable to|could not|failed to) (open|establish) (a |the )?connection|"
        r"connection to \S+ .{0,40}could not be established|"
        r"server \S+ not responding|Stale (NFS )?file handle|"
        r"Temporary failure in name resolution|nodename nor servname|No address associated|"
        r"getaddrinfo|unknown host|host not found|UnknownHostException|ConnectException|"
        r"NoRouteToHostException|PortUnreachableException|SocketException|"
        r"\bE(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|PIPE|TIMEDOUT)\b|ConnectionError|"
        r"ConnectionRefusedError|ConnectionResetError|ssh_exchange_identification|"
        r"kex_exchange_identification|SSLHandshakeException|SSLError|certificate verify failed|"
        r"PKIX path building failed|SSL (connect|handshake) (error|failed)|"
        r"curl: \((5|6|7|35|52|56|60)\)|Failed to connect to|\b(502|503)\b.{0,25}(Bad Gateway|"
        r"Service Unavailable)|"
        r"(Bad Gateway|Service Unavailable).{0,10}\b(502|503)\b|"
        r"HTTP(/[\d.]+)?\s*(status\s*)?:?\s*(502|503)\b|"
        r"\b421 Service not available|ftp: connect|Not connected\.|host unreachable|"
        r"unable to (connect|reach)|(could not|couldn't|failed to) (connect|"
        r"establish (a )?connection)|"
        r"server (is )?(down|unavailable|not responding)|RFC_COMMUNICATION_FAILURE|"
        r"partner .* not reached|"
        r"CPIC-CALL|Remote host terminated the handshake|peer not authenticated",
        "ssh: connect to host sftp01 port 22: Connection refused",
        "curl: (6) Could not resolve host: api.example.com",
        "rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]",
    ),
    # ---- Timeout ----
    _rule(
        "timeout",
        "timeout",
        4,
        "Timed out",
        r"timed out|time ?out (expired|exceeded|occurred|reached|after)|"
        r"(?<![\w-])timeout(?![\w=-])|"
        r"Zeitüberschreitung|tempo esgotado|tiempo de espera|délai d'attente|tempo scaduto|"
        r"deadline exceeded|TimeoutException|TimeoutError|SocketTimeoutException|"
        r"\bETIMEDOUT\b|curl: \(28\)|\b(504|408)\b.{0,25}(Gateway Time-?out|Request Time-?out)|"
        r"HTTP(/[\d.]+)?\s*(status\s*)?:?\s*(504|408)\b|Execution Timeout Expired|"
        r"\bORA-01013\b|canceling statement due to statement timeout|SQLSTATE\s*[=:\[]?\s*57014|"
        r"took too long|exceeded (the )?(time ?limit|wait time)",
        "java.net.SocketTimeoutException: Read timed out",
        "timeout: sending signal TERM to command 'extract.sh'",
    ),
    _rule(
        "heap_corruption",
        "signal_or_crash",
        4,
        "Heap corruption",
        r"malloc\(\): |corrupted (top size|size vs|double-linked|unsorted)|"
        r"double free or corruption|free\(\): invalid",
        "malloc(): corrupted top size",
    ),
    # ---- Data and input ----
    _rule(
        "oracle_data",
        "invalid_input",
        4,
        "Invalid data",
        rf"\bORA-({_ORA_INPUT})\b",
        "ORA-01722: invalid number",
        'ORA-12899: value too large for column "SCOTT"."EMP"."ENAME" (actual: 31, maximum: 30)',
    ),
    _rule(
        "db_data",
        "invalid_input",
        4,
        "Invalid data",
        r"invalid input syntax for|SQLSTATE\s*[=:\[]?\s*22\w{3}|value too (long|large) for|"
        r"Data truncation|Incorrect \w+ value|\bSQL0180N|\bSQL0181N|\bSQL0302N|\bSQL0420N|"
        r"conversion failed when converting|Error converting data type|out of range for type|"
        r"date/time field value out of range|numeric field overflow",
        'ERROR:  invalid input syntax for type integer: "abc"',
    ),
    _rule(
        "data_format",
        "invalid_input",
        4,
        "Invalid input",
        r"NumberFormatException|DateTimeParseException|\bValueError\b|ValidationError|"
        r"InvalidInput\w*|ParseException|JSONDecodeError|"
        r"JsonParseException|JsonMappingException|SAXParseException|XMLStreamException|"
        r"UnicodeDecodeError|UnicodeEncodeError|InputMismatchException|ParserError|csv\.Error|"
        r"malformed|invalid (format|date|number|record|value|data|header|file format|character|"
        r"syntax for|byte sequence|checksum|date format|timestamp|row|line|column|field)|"
        r"unexpected (end of (file|input)|token|character|EOF|number of (columns|fields))|"
        r"not in gzip format|checksum (mismatch|error|failed)|(md5|sha\d*|crc) (mismatch|"
        r"check failed)|"
        r"(column|field|record) count (mismatch|does not match)|expected \d+ (columns|fields)|"
        r"Record \d+: Rejected|rejected by|bad (record|row|data|format|header)|corrupt(ed)?|"
        r"(input|data) (file )?(is )?empty|empty (input|data)? ?file|zero records|"
        r"no records (found|to process)|"
        r"\b400\b.{0,15}Bad Request|Bad Request.{0,15}\b400\b|"
        r"HTTP(/[\d.]+)?\s*(status\s*)?:?\s*(400|422)\b|"
        r"\b422\b.{0,25}Unprocessable|\w*ValidationException|XmlSchemaValidation|FormatException|"
        r"XmlException|"
        r"(file|arquivo|datei|archivo|fichier|ficheiro)\b.{0,120}(is empty|est[aá] vazio|ist leer|"
        r"est[aá] vac[ií]o|est vide|[eè] vuoto)|"
        r"\(0 bytes\)|CONVT_NO_NUMBER|CONVT_OVERFLOW|\bcount\b.{0,60}\b(does not match|"
        r"doesn't match|mismatch|differs)|"
        r"invalid (\w+ ){0,2}(date|value|period|format|parameter|argument)",
        'java.lang.NumberFormatException: For input string: "12a"',
        "Record 42: Rejected - Error on table SCOTT.EMP, column HIREDATE.",
        "gzip: stdin: not in gzip format",
    ),
    _rule(
        "usage_error",
        "invalid_input",
        4,
        "Invalid arguments",
        r"^usage:|invalid (option|argument|parameter)|unrecognized (option|argument|arguments)|"
        r"illegal (option|argument)|unknown (option|argument|parameter|flag)|"
        r"missing (required )?(argument|parameter|option|operand)|"
        r"(argument|parameter|option) .*(is )?(required|missing)|"
        r"IllegalArgumentException|\bEINVAL\b|Invalid argument|Argumento inválido|"
        r"Ungültiges Argument|Argumento no válido|Argument invalide|Argomento non valido|"
        r"syntax error near unexpected token|unexpected end of file|bad substitution|"
        r"unbound variable|parameter (null or )?not set|No value specified for parameter",
        "tar: invalid option -- 'q'",
        "Usage: load.sh -d YYYYMMDD",
        "/opt/app/run.sh: line 12: syntax error near unexpected token `fi'",
    ),
    # ---- Missing files and objects ----
    _rule(
        "oracle_missing_file",
        "file_not_found",
        4,
        "Missing file",
        r"\bSQL\*Loader-(500|553|503|509|510|522)\b|\bSP2-0310\b|\bKUP-04040\b|\bORA-29283\b|"
        r"\bLRM-00109\b|"
        r"\bORA-27037\b|\bSP2-0556\b",
        "SQL*Loader-500: Unable to open file (/data/in/emp.dat)",
        'SP2-0310: unable to open file "load_emp.sql"',
    ),
    _rule(
        "os_file_not_found",
        "file_not_found",
        4,
        "Missing file",
        r"No such file or directory|Arquivo ou diretório (inexistente|não encontrado)|"
        r"Ficheiro ou (pasta|diretório|directório) inexistente|"
        r"Datei oder Verzeichnis nicht gefunden|"
        r"No existe el (archivo|fichero) o el directorio|Aucun fichier ou (dossier|"
        r"répertoire) de ce type|"
        r"File o directory non esistente|Nessun file o directory|\bENOENT\b|"
        r"FileNotFoundException|FileNotFoundError|NoSuchFileException|"
        r"cannot find the (file|path) specified|Could not find (a part of the path|file)|"
        r"O sistema não pode encontrar o (arquivo|caminho) especificado|"
        r"Das System kann (die angegebene Datei|den angegebenen Pfad) nicht finden|"
        r"El sistema no puede encontrar (el archivo|la ruta) especificad|"
        r"Le (fichier|chemin d'accès) spécifié est introuvable|Impossibile trovare (il file|"
        r"il percorso)|"
        r"(file|directory|folder|path|input) .{0,120}(does not exist|doesn't exist|not found|"
        r"is missing|missing)|"
        r"(file|directory|folder|path) not found|/[\w./+-]+:\s+not found\.?\s*$|"
        r"missing (input )?file|no (input )?files? (found|matching|match)|"
        r"(?:cannot (stat|open|access|read)|can't (open|stat|access|read)|could not (open|find|"
        r"stat|read)|unable to (open|find|read|locate)|failed to open)"
        # what could not be opened decides the family: a relation, a connection or a socket
        # is a database's or a network's object, not a file
        r"(?! (?:a |the )?(?:relation|table|view|index|connection|socket|session|database|"
        r"schema|channel|port|display|host|server|url|shared object))|"
        r"Couldn't (stat|open|read) (remote )?file|"
        r"Cannot find path|Не удается найти путь|ItemNotFoundException|"
        r"Der Pfad .{1,200} kann nicht gefunden werden|Impossible de trouver le chemin d'accès|"
        r"No se encuentra la ruta de acceso|Não é possível localizar o caminho|"
        r"\b550 .*(No such|not found|Failed to open)|link_stat .* failed|"
        r"\b404\b.{0,15}Not Found|Not Found.{0,15}\b404\b|HTTP(/[\d.]+)?\s*(status\s*)?:?\s*404\b",
        "cat: /data/in/employees.csv: No such file or directory",
        "cat: /data/in/employees.csv: Arquivo ou diretório inexistente",
        "java.io.FileNotFoundException: /data/in/x.csv (No such file or directory)",
    ),
    _rule(
        "zos_jcl_error",
        "invalid_input",
        3,
        "JCL error: the job was not run",
        # the summary of a JCL error; an IEF message naming its cause (a data set not
        # found, an unknown program) is more specific and wins
        r"\bJCL ERROR\b|\bIEFC\d{3}I\b",
        " 23.06.03 JOB00345  IEFC452I LOADJOB - JOB NOT RUN - JCL ERROR  353",
    ),
    # ---- Databases (codes not claimed above) ----
    _rule(
        "oracle_error",
        "database",
        3,
        "Oracle error",
        r"\b(ORA|PLS|TNS|IMP|EXP|UDE|UDI|RMAN|KUP|DRG)-\d{4,5}\b|\bSP2-\d{4}\b|\bSQL\*Loader-\d+",
        "ORA-00942: table or view does not exist",
        "ORA-00001: unique constraint (SCOTT.PK_EMP) violated",
    ),
    _rule(
        "db2_error",
        "database",
        3,
        "DB2 error",
        r"\bSQL\d{4,5}[NC]\b|\bDB2\w* (error|failed)|\bDSN[TU]\d+E",
        'SQL0204N  "DB2INST1.EMP" is an undefined name.  SQLSTATE=42704',
    ),
    _rule(
        "postgres_error",
        "database",
        4,
        "PostgreSQL error",
        r"^(psql:[^ ]*:\d+: )?(ERROR|FATAL|PANIC):  \S|SQLSTATE\s*[=:\[]?\s*[0-9A-Z]{5}|"
        r"relation \S+ does not exist|could not open relation|relation with OID \d+|"
        r"improper relation name|duplicate key value violates|violates (foreign key|not-null|"
        r"check|unique) constraint|"
        r"current transaction is aborted|psycopg2?\.\w*Error|psycopg\.errors|sqlalchemy\.exc\.",
        'psql:/opt/sql/load.sql:12: ERROR:  relation "staging.emp" does not exist',
    ),
    _rule(
        "mysql_mssql_error",
        "database",
        4,
        "Database error",
        r"ERROR \d{4} \(\w{5}\)|Invalid object name|"
        r"Invalid column name|Table '[^']+' doesn't exist|Unknown column|"
        r"SQLException|SQLSyntaxErrorException|SQLIntegrityConstraintViolationException|"
        r"BatchUpdateException|DataAccessException|DatabaseError|OperationalError|IntegrityError|"
        r"ProgrammingError|deadlock|\bSQL error\b|constraint violat|unique constraint|"
        r"table or view does not exist|SQLSTATE",
        "Msg 208, Level 16, State 1, Server DB01, Line 1",
        "ERROR 1146 (42S02): Table 'dw.emp' doesn't exist",
    ),
    _rule(
        "mssql_header",
        "database",
        3,
        "SQL Server error",
        r"\bMsg \d+, Level \d+, State \d+",
        "Msg 208, Level 16, State 1, Server DB01, Line 1",
    ),
    _rule(
        "jvm_crash_banner",
        "signal_or_crash",
        3,
        "JVM crashed",
        r"A fatal error has been detected by the Java Runtime Environment",
        "# A fatal error has been detected by the Java Runtime Environment:",
    ),
    _rule(
        "short_write",
        "disk_full",
        4,
        "Write failed (disk full)",
        r"Wrote only \d+ of \d+ bytes|short write|write error|Schreibfehler|"
        r"erro de (grava[cç][aã]o|escrita)|error de escritura|erreur d'écriture|"
        r"errore di scrittura",
        "tar: /data/out/x.csv: Wrote only 4096 of 10240 bytes",
    ),
    # ---- Signals and crashes ----
    _rule(
        "crash",
        "signal_or_crash",
        4,
        "Process crashed",
        r"Segmentation fault|Falha de segmentação|Speicherzugriffsfehler|Violación de segmento|"
        r"Erreur de segmentation|Errore di segmentazione|core dumped|Bus error|Illegal instruction|"
        r"Floating point exception|Aborted \(core dumped\)|^Aborted\s*$|: Aborted\b|\d+ Aborted\b|"
        r"\bSIG(SEGV|BUS|ILL|FPE|ABRT)\b|"
        r"^#\s+SIG[A-Z]+ \(0x|"
        r"EXCEPTION_ACCESS_VIOLATION|stack smashing|double free|free\(\): invalid|"
        r"StackOverflowError|RecursionError|access violation|ACCESS_VIOLATION|STACK_OVERFLOW|"
        r"HEAP_CORRUPTION|"
        r"0xC0000005|0xC00000FD|0xC0000374|\bpanic: |runtime error: |Assertion .{1,200} failed|"
        r"assertion failed|"
        r"going down for (reboot|halt|power-?off)|system is (rebooting|shutting down)",
        "/opt/app/run.sh: line 8: 4711 Segmentation fault      (core dumped) ./extract",
        "java.lang.StackOverflowError",
    ),
    _rule(
        "killed",
        "out_of_memory",
        3,
        "Process killed (SIGKILL, usually the out-of-memory killer)",
        r"^(?:.*: line \d+: +\d+ )?Killed\b|\bKilled\s+\S|\bSIGKILL\b|signal 9\b|"
        r"^Morto\b|^Getötet\b|^Ucciso\b",
        "/opt/app/run.sh: line 8: 4711 Killed                  java -jar etl.jar",
        "Killed",
    ),
    _rule(
        "terminated",
        "signal_or_crash",
        3,
        "Process terminated by a signal",
        r"^(?:.*: line \d+: +\d+ )?(Terminated|Hangup|Quit|Interrupt)\b|\bSIG(TERM|HUP|INT|QUIT|"
        r"PIPE|XCPU|XFSZ)\b|"
        r"(killed|terminated|stopped|interrupted) by (signal|user|operator|the operator)|"
        r"(received|caught|got) signal|exited (due to|with|on) signal|KeyboardInterrupt",
        "Terminated",
        "Process terminated by signal 15",
    ),
    _rule(
        "business_check",
        "application_error",
        3,
        "Business check failed",
        r"out of balance|does not balance|unbalanced|n[aã]o (confere|fecha)|\bdiscrepan|"
        r"ABAP/4 processor|"
        r"ABAP runtime error|Runtime Errors?\s+[A-Z_]{6,}|\bU\d{4}\b.*ABEND|ABEND=?\s*U\d{4}|"
        r"\bHTTP \d{3} Conflict|\b409 Conflict",
        "GLPOST01 - BATCH 000771 OUT OF BALANCE: DEBITS 1.204.331,20 CREDITS 1.204.313,20",
    ),
    # ---- Generic exceptions by class (message families above take precedence) ----
    _rule(
        "named_exception",
        "application_error",
        3,
        "Unhandled exception",
        r"(?:^|\s|:)(?:Exception in thread \"[^\"]*\" )?(?:[a-zA-Z_][\w$]*\.)*"
        r"(?!Exception\b|RuntimeException\b|Error\b|Throwable\b)[A-Z][\w$]*"
        r"(?:Exception|Error|Fault)\b(?!\s+(?:handl|report|count|table|log|code|level|rate|"
        r"message)s?\b)",
        'Exception in thread "main" java.lang.NullPointerException',
        "KeyError: 'employee_id'",
        "ZeroDivisionError: division by zero",
        case_sensitive=True,
    ),
    _rule(
        "http_server_error",
        "application_error",
        3,
        "Remote service error",
        r"\b5\d\d\b.{0,25}(Internal Server Error|Server Error)|Internal Server Error|"
        r"HTTP(/[\d.]+)?\s*(status\s*)?:?\s*5\d\d\b|curl: \(22\)|The requested URL returned error",
        "curl: (22) The requested URL returned error: 500",
    ),
    _rule(
        "tws_error_message",
        "application_error",
        3,
        "Workload Automation error",
        r"\bAWS[A-Z]{3}\d{3}E\b|\bEQQ\w{4,}E\b",
        'AWSBHT001E The job "FTA01#PAYROLL.LOAD" failed',
    ),
    _rule(
        "generic_exception",
        "application_error",
        2,
        "Unhandled exception",
        r"(?:^|\s)(?:[a-z_][\w$]*\.)*(Exception|RuntimeException|Throwable|Error)(?::|$)|"
        r"Exception in thread|Unhandled exception|uncaught exception",
        "java.lang.RuntimeException: Load failed",
        case_sensitive=True,
    ),
    _rule(
        "sap_job_log_error",
        "application_error",
        3,
        "SAP job log error",
        r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2} .*\s{2,}\S{1,20}\s+\d{3}\s+[EA]\s*$",
        "14.03.2025 02:00:45 Posting period 013 2024 is not open       F5   201   E",
        case_sensitive=True,
    ),
    # ---- Free-text error statements ----
    _rule(
        "error_statement",
        "application_error",
        2,
        "Error",
        r"(?<![\w./\\-])(ERROR|FATAL|SEVERE|CRITICAL|CRIT|EMERG|ALERT|ERR)(?![\w/\\-]|\.\w)|"
        r"(?<![\w./\\-])(errors?|erro|erreur|fehler|errore|error\(s\)|fatal)(?![\w/\\-]|\.\w)",
        "2025-03-14 02:00:07 ERROR Load of batch 7 stopped",
        "Fehler beim Laden der Datei",
    ),
    _rule(
        "consequence",
        "application_error",
        1,
        "Job failed",
        r"(?<![\w./\\-])(fail(ed|ure|s|ing)?|abort(ed|ing)?|unsuccessful|ABEND(ED)?|"
        r"falh(ou|a)|fehlgeschlagen|fall(ó|o)|échec|échoué|fallit[oa])(?![\w/\\-]|\.\w)|"
        r"terminat(ed|ing) (abnormally|with errors?)|(cannot|can't|could not|couldn't|"
        r"unable to) \w+|"
        r"t[eé]rmino anormal|abnormal(ly)? (end|termination|terminated)|anormal|\bcancel(l)?ed\b|"
        r"ended abnormally|"
        r"finished with errors?|completed with errors?|BackoffLimitExceeded|"
        r"reached the specified backoff limit",
        "Load step failed",
        "Job aborted",
    ),
)

EXIT_LINE = re.compile(
    r"(?:exit(?:ed)?(?: with)?(?: code| status| value)?|return(?:ed)?(?: with)? code|"
    r"\brc|status code|exit_code|returncode)\s*[=:]?\s*(-?\d{1,3})\b",
    re.IGNORECASE,
)
"""A body line that states a process exit code (``exit code 137``, ``RC=8``)."""


def match_rule(text: str) -> Rule | None:
    """The first rule whose pattern occurs in ``text`` (already cleaned of noise words)."""
    for rule in RULES:
        if rule.regex.search(text):
            return rule
    return None
