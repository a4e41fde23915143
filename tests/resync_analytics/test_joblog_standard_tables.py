"""Lines written from published standard tables (errno and strerror texts, SQLSTATE classes,
HTTP status codes, Windows system error codes, PowerShell error categories, the exception
classes of Java, .NET, Python, Go and Node, signals, documented exit statuses of systemd, rsync,
curl and wget) are categorised by the knowledge base.

Each line is written from the standard's wording, as a tool would print it, not taken from a
collected log: a tool nobody here has seen that prints a standard code or text is named right.
The category follows the corpus conventions (tests/data/joblogs/README.md): a connection that
timed out is network, a lock not granted is resource_busy, a module or class missing from its
path is command_not_found, and a service that answers 503 is network as the HTTP family says.
"""

from __future__ import annotations

import pytest

from resync_analytics.joblog.analyzer import analyze_joblog
from resync_analytics.joblog.knowledge import load_knowledge
from resync_analytics.joblog.prefilter import has_needle

# POSIX errno (IEEE Std 1003.1 <errno.h>, Linux additions): the strerror text of glibc,
# then musl's, the BSDs'/Solaris' and AIX's where they word it otherwise
ERRNO = [
    ("ENOENT glibc", "cat: /data/in/x.csv: No such file or directory", "file_not_found"),
    ("EACCES glibc", "touch: cannot touch '/data/x': Permission denied", "permission_denied"),
    (
        "EPERM glibc",
        "chown: changing ownership of '/data/x': Operation not permitted",
        "permission_denied",
    ),
    (
        "EROFS glibc",
        "mkdir: cannot create directory '/mnt/x': Read-only file system",
        "permission_denied",
    ),
    ("ENOSPC glibc", "tar: /backup/x.tar: Cannot write: No space left on device", "disk_full"),
    ("EDQUOT glibc", "cp: error writing '/home/etl/x': Disk quota exceeded", "disk_full"),
    ("EFBIG glibc", "dd: error writing '/data/x.img': File too large", "disk_full"),
    ("ENOMEM glibc", "bash: fork: Cannot allocate memory", "out_of_memory"),
    ("ETIMEDOUT glibc", "ssh: connect to host db01 port 22: Connection timed out", "network"),
    (
        "ECONNREFUSED glibc",
        "nc: connect to db01 port 5432 (tcp) failed: Connection refused",
        "network",
    ),
    ("ECONNRESET glibc", "rsync: read error: Connection reset by peer (104)", "network"),
    ("EHOSTUNREACH glibc", "ssh: connect to host db01 port 22: No route to host", "network"),
    ("ENETUNREACH glibc", "connect: Network is unreachable", "network"),
    ("ENETDOWN glibc", "sendto: Network is down", "network"),
    ("EHOSTDOWN glibc", "connect to 10.1.2.3: Host is down", "network"),
    ("EADDRNOTAVAIL glibc", "bind: Cannot assign requested address", "network"),
    ("ECONNABORTED glibc", "recv failed: Software caused connection abort", "network"),
    ("ENOTCONN glibc", "df: /mnt/nfs: Transport endpoint is not connected", "network"),
    ("EBUSY glibc", "umount: /mnt/data: Device or resource busy", "resource_busy"),
    (
        "ETXTBSY glibc",
        "cp: cannot create regular file '/opt/app/bin/run': Text file busy",
        "resource_busy",
    ),
    (
        "EAGAIN glibc",
        "flock: /var/lock/etl.lock: Resource temporarily unavailable",
        "resource_busy",
    ),
    ("EMFILE glibc", "java.io.IOException: Too many open files", "resource_busy"),
    ("ENFILE glibc", "open /data/x: Too many open files in system", "resource_busy"),
    ("EADDRINUSE glibc", "bind: Address already in use", "resource_busy"),
    ("EDEADLK glibc", "fcntl: Resource deadlock avoided", "resource_busy"),
    ("ENOLCK glibc", "flock: /data/x.lock: No locks available", "resource_busy"),
    ("E2BIG glibc", "bash: /bin/rm: Argument list too long", "invalid_input"),
    ("ENAMETOOLONG glibc", "cp: cannot stat '/data/aaaa': File name too long", "invalid_input"),
    ("EISDIR glibc", "cat: /data/in: Is a directory", "invalid_input"),
    (
        "EILSEQ glibc",
        "iconv: cannot convert: Invalid or incomplete multibyte or wide character",
        "invalid_input",
    ),
    (
        "EOVERFLOW glibc",
        "stat: /data/big.dat: Value too large for defined data type",
        "invalid_input",
    ),
    ("ERANGE glibc", "strtol: Numerical result out of range", "invalid_input"),
    ("EINVAL glibc", "mount: /mnt/x: Invalid argument", "invalid_input"),
    (
        "ENOEXEC glibc",
        "bash: ./load.sh: cannot execute binary file: Exec format error",
        "command_not_found",
    ),
    (
        "EKEYEXPIRED glibc",
        "kinit: Key has expired while getting initial credentials",
        "authentication",
    ),
    ("EKEYREJECTED glibc", "keyctl: Key was rejected by service", "authentication"),
    ("ENOMEM musl", "sh: can't fork: Out of memory", "out_of_memory"),
    (
        "ETIMEDOUT musl",
        "wget: can't connect to remote host (10.0.0.5): Operation timed out",
        "network",
    ),
    (
        "EHOSTUNREACH musl",
        "wget: can't connect to remote host (10.0.0.5): Host is unreachable",
        "network",
    ),
    ("ENETUNREACH musl", "ping: sendto: Network unreachable", "network"),
    ("EBUSY musl", "umount: can't unmount /mnt/data: Resource busy", "resource_busy"),
    ("EMFILE musl", "accept: No file descriptors available", "resource_busy"),
    ("EDQUOT musl", "cp: write error: Quota exceeded", "disk_full"),
    ("EADDRINUSE musl", "bind: Address in use", "resource_busy"),
    ("EADDRNOTAVAIL musl", "bind: Address not available", "network"),
    ("ENOTCONN musl", "send: Socket not connected", "network"),
    ("EILSEQ musl", "iconv: Illegal byte sequence", "invalid_input"),
    ("EDEADLK musl", "fcntl: Resource deadlock would occur", "resource_busy"),
    ("EDQUOT BSD", "cp: /home/etl/x: Disc quota exceeded", "disk_full"),
    ("EBUSY FreeBSD", "umount: unmount of /mnt/data failed: Device busy", "resource_busy"),
    ("EADDRNOTAVAIL BSD", "bind: Can't assign requested address", "network"),
    ("ENOTCONN BSD", "send: Socket is not connected", "network"),
    ("ESTALE BSD", "ls: /mnt/nfs/x: Stale NFS file handle", "network"),
    ("EAUTH BSD", "mount_nfs: nfs01:/export: Authentication error", "authentication"),
    ("ENOMEM Solaris", "exec failed: Not enough space", "out_of_memory"),
    (
        "ENOENT AIX",
        "cp: /data/in/x.csv: A file or directory in the path name does not exist.",
        "file_not_found",
    ),
    (
        "EACCES AIX",
        "ksh: /data/out/x.csv: The file access permissions do not allow the specified action.",
        "permission_denied",
    ),
    (
        "ENOSPC AIX",
        "cp: /data/out/x.csv: There is not enough space in the file system.",
        "disk_full",
    ),
    (
        "ENOMEM AIX",
        (
            "exec(): 0509-036 Cannot load program load because of the following errors: There "
            "is not enough memory available now."
        ),
        "out_of_memory",
    ),
    (
        "ETIMEDOUT AIX",
        "ftp: connect: A remote host did not respond within the timeout period.",
        "network",
    ),
    (
        "ECONNREFUSED AIX",
        "ftp: connect: A remote host refused an attempted connect operation.",
        "network",
    ),
    (
        "ECONNRESET AIX",
        "rcp: read: A connection with a remote socket was reset by that socket.",
        "network",
    ),
    ("EHOSTUNREACH AIX", "telnet: connect: No route to the host is available.", "network"),
    (
        "EBUSY AIX",
        "umount: 0506-349 Cannot unmount /dev/lv01: The requested resource is busy.",
        "resource_busy",
    ),
    (
        "ETXTBSY AIX",
        "cp: /opt/app/bin/run: Cannot open or remove a file containing a running program.",
        "resource_busy",
    ),
    (
        "EROFS AIX",
        (
            "mkdir: 0653-357 Cannot access directory /cdrom/x. The file system has read "
            "permission only."
        ),
        "permission_denied",
    ),
    ("EDQUOT AIX", "cp: /home/etl/x: The user's disk quota is exceeded.", "disk_full"),
    ("E2BIG AIX", "ksh: /usr/bin/rm: 0403-027 The parameter list is too long.", "invalid_input"),
]

# SQLSTATE (ISO/IEC 9075 classes, PostgreSQL appendix A, Db2's SQLSTATE list, ODBC)
SQLSTATE = [
    (
        "SQLSTATE 08001",
        "DB2 SQL Error: SQLCODE=-4499, SQLSTATE=08001, SQLERRMC=null, DRIVER=4.26.14",
        "network",
    ),
    ("SQLSTATE 08006", "SQLSTATE[08006] [7] could not send data to server", "network"),
    (
        "SQLSTATE 08S01",
        "java.sql.SQLException: [SQLSTATE 08S01] Communication link failure",
        "network",
    ),
    (
        "SQLSTATE 28000",
        "SQLSTATE[28000] [1045] Access denied for user 'etl'@'10.0.0.4' (using password: YES)",
        "authentication",
    ),
    (
        "SQLSTATE 28P01",
        'psql: error: FATAL:  28P01: password authentication failed for user "etl"',
        "authentication",
    ),
    (
        "SQLSTATE 28000 Db2",
        "DB2 SQL Error: SQLCODE=-4214, SQLSTATE=28000, SQLERRMC=null, DRIVER=4.26.14",
        "authentication",
    ),
    (
        "SQLSTATE 22001",
        "DB2 SQL Error: SQLCODE=-302, SQLSTATE=22001, SQLERRMC=null, DRIVER=4.26.14",
        "invalid_input",
    ),
    (
        "SQLSTATE 22003",
        (
            "SQLSTATE[22003]: Numeric value out of range: 1264 Out of range value for column "
            "'qty' at row 1"
        ),
        "invalid_input",
    ),
    (
        "SQLSTATE 22007",
        "SQLSTATE[22007]: Invalid datetime format: 1292 Incorrect date value: '2025-13-01'",
        "invalid_input",
    ),
    (
        "SQLSTATE 22P02",
        'ERROR:  22P02: invalid input syntax for type integer: "abc"',
        "invalid_input",
    ),
    (
        "SQLSTATE 22018",
        (
            "[Microsoft][ODBC Driver 17 for SQL Server]Invalid character value for cast "
            "specification (SQLSTATE 22018)"
        ),
        "invalid_input",
    ),
    ("SQLSTATE 22012", "SQLSTATE=22012 division by zero", "invalid_input"),
    (
        "SQLSTATE 23505",
        "DB2 SQL Error: SQLCODE=-803, SQLSTATE=23505, SQLERRMC=1;ETL.ORDERS, DRIVER=4.26.14",
        "database",
    ),
    (
        "SQLSTATE 23000",
        "SQLSTATE[23000]: Integrity constraint violation: 1452 Cannot add or update a child row",
        "database",
    ),
    ("SQLSTATE 40001", "SQL Error: 1213, SQLState: 40001", "resource_busy"),
    ("SQLSTATE 40P01", "ERROR:  40P01: deadlock detected", "resource_busy"),
    (
        "SQLSTATE 40001 Db2",
        "DB2 SQL Error: SQLCODE=-911, SQLSTATE=40001, SQLERRMC=68, DRIVER=4.26.14",
        "resource_busy",
    ),
    (
        "SQLSTATE 55P03",
        'ERROR:  55P03: could not obtain lock on row in relation "orders"',
        "resource_busy",
    ),
    (
        "SQLSTATE 57033",
        "DB2 SQL Error: SQLCODE=-913, SQLSTATE=57033, SQLERRMC=00C9008E, DRIVER=4.26.14",
        "resource_busy",
    ),
    ("SQLSTATE 53300", "FATAL:  53300: sorry, too many clients already", "resource_busy"),
    ("SQLSTATE 53200", "ERROR:  53200: out of memory", "out_of_memory"),
    ("SQLSTATE 53100", "SQLSTATE=53100 could not extend file", "disk_full"),
    ("SQLSTATE 57014", "ERROR:  57014: canceling statement due to statement timeout", "timeout"),
    (
        "SQLSTATE 57014 Db2",
        "DB2 SQL Error: SQLCODE=-952, SQLSTATE=57014, SQLERRMC=null, DRIVER=4.26.14",
        "timeout",
    ),
    (
        "SQLSTATE HYT00",
        "[Microsoft][ODBC Driver 17 for SQL Server]Query timeout expired (SQLSTATE HYT00)",
        "timeout",
    ),
    (
        "SQLSTATE 42501",
        "SQLSTATE[42501]: Insufficient privilege: 7 ERROR:  permission denied for table orders",
        "permission_denied",
    ),
    (
        "SQLSTATE 42S02",
        "SQLSTATE[42S02]: Base table or view not found: 1146 Table 'etl.stage' doesn't exist",
        "database",
    ),
    ("SQLSTATE 42P01", 'ERROR:  42P01: relation "stage" does not exist', "database"),
    ("SQLSTATE 42601", 'SQLSTATE=42601 syntax error at or near "FROM"', "database"),
    (
        "SQLSTATE 42704",
        "DB2 SQL Error: SQLCODE=-204, SQLSTATE=42704, SQLERRMC=ETL.STAGE, DRIVER=4.26.14",
        "database",
    ),
]

# HTTP status codes (RFC 9110, RFC 4918's 507) as common clients print them
HTTP = [
    (
        "HTTP 401 requests",
        (
            "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: "
            "https://api.example.com/v1/orders"
        ),
        "authentication",
    ),
    ("HTTP 401 urllib", "urllib.error.HTTPError: HTTP Error 401: Unauthorized", "authentication"),
    (
        "HTTP 401 .NET",
        "Invoke-WebRequest : The remote server returned an error: (401) Unauthorized.",
        "authentication",
    ),
    ("HTTP 401 curl", "curl: (22) The requested URL returned error: 401", "authentication"),
    (
        "HTTP 401 HttpClient",
        (
            "System.Net.Http.HttpRequestException: Response status code does not indicate "
            "success: 401 (Unauthorized)."
        ),
        "authentication",
    ),
    ("HTTP 407", "curl: (56) Received HTTP code 407 from proxy after CONNECT", "authentication"),
    (
        "HTTP 407 .NET",
        "The remote server returned an error: (407) Proxy Authentication Required.",
        "authentication",
    ),
    (
        "HTTP 403 requests",
        "403 Client Error: Forbidden for url: https://api.example.com/v1/orders",
        "permission_denied",
    ),
    ("HTTP 403 curl", "curl: (22) The requested URL returned error: 403", "permission_denied"),
    (
        "HTTP 404 requests",
        (
            "requests.exceptions.HTTPError: 404 Client Error: Not Found for url: "
            "https://api.example.com/v1/x"
        ),
        "file_not_found",
    ),
    ("HTTP 404 urllib", "urllib.error.HTTPError: HTTP Error 404: Not Found", "file_not_found"),
    ("HTTP 404 curl", "curl: (22) The requested URL returned error: 404", "file_not_found"),
    ("HTTP 404 .NET", "The remote server returned an error: (404) Not Found.", "file_not_found"),
    ("HTTP 404 wget", "2025-03-14 04:15:01 ERROR 404: Not Found.", "file_not_found"),
    ("HTTP 408", "HTTP Error 408: Request Timeout", "timeout"),
    (
        "HTTP 504 requests",
        "504 Server Error: Gateway Timeout for url: https://api.example.com/v1/export",
        "timeout",
    ),
    ("HTTP 504 .NET", "The remote server returned an error: (504) Gateway Timeout.", "timeout"),
    (
        "HTTP 429",
        "429 Client Error: Too Many Requests for url: https://api.example.com/v1/orders",
        "resource_busy",
    ),
    (
        "HTTP 429 HttpClient",
        "Response status code does not indicate success: 429 (Too Many Requests).",
        "resource_busy",
    ),
    ("HTTP 503", "urllib.error.HTTPError: HTTP Error 503: Service Unavailable", "network"),
    ("HTTP 503 .NET", "The remote server returned an error: (503) Server Unavailable.", "network"),
    ("HTTP 507", "HTTP/1.1 507 Insufficient Storage", "disk_full"),
    (
        "HTTP 413",
        "413 Client Error: Payload Too Large for url: https://api.example.com/upload",
        "invalid_input",
    ),
    (
        "HTTP 400",
        "400 Client Error: Bad Request for url: https://api.example.com/v1/orders",
        "invalid_input",
    ),
]

# Windows system error codes (winerror.h): messages, names and HRESULT_FROM_WIN32 forms,
# Winsock messages
WINDOWS = [
    ("ERROR_FILE_NOT_FOUND msg", "The system cannot find the file specified.", "file_not_found"),
    ("ERROR_PATH_NOT_FOUND msg", "The system cannot find the path specified.", "file_not_found"),
    ("ERROR_ACCESS_DENIED msg", "Access is denied.", "permission_denied"),
    (
        "ERROR_PRIVILEGE_NOT_HELD msg",
        "A required privilege is not held by the client.",
        "permission_denied",
    ),
    (
        "ERROR_SHARING_VIOLATION msg",
        "The process cannot access the file because it is being used by another process.",
        "resource_busy",
    ),
    (
        "ERROR_LOCK_VIOLATION msg",
        (
            "The process cannot access the file because another process has locked a portion "
            "of the file."
        ),
        "resource_busy",
    ),
    ("ERROR_DISK_FULL msg", "There is not enough space on the disk.", "disk_full"),
    ("ERROR_BAD_NETPATH msg", "The network path was not found.", "network"),
    ("ERROR_BAD_NET_NAME msg", "The network name cannot be found.", "network"),
    ("ERROR_NETNAME_DELETED msg", "The specified network name is no longer available.", "network"),
    ("ERROR_SEM_TIMEOUT msg", "The semaphore timeout period has expired.", "network"),
    (
        "ERROR_LOGON_FAILURE msg",
        "Logon failure: unknown user name or bad password.",
        "authentication",
    ),
    ("ERROR_LOGON_FAILURE msg2", "The user name or password is incorrect.", "authentication"),
    (
        "ERROR_ACCOUNT_DISABLED msg",
        "This user can't sign in because this account is currently disabled.",
        "authentication",
    ),
    (
        "ERROR_ACCOUNT_LOCKED_OUT msg",
        "The referenced account is currently locked out and may not be logged on to.",
        "authentication",
    ),
    ("ERROR_PASSWORD_EXPIRED msg", "The password for this account has expired.", "authentication"),
    (
        "ERROR_INVALID_PASSWORD msg",
        "The specified network password is not correct.",
        "authentication",
    ),
    (
        "ERROR_LOGON_TYPE_NOT_GRANTED msg",
        "Logon failure: the user has not been granted the requested logon type at this computer.",
        "authentication",
    ),
    ("WAIT_TIMEOUT msg", "The wait operation timed out.", "timeout"),
    ("ERROR_TIMEOUT msg", "This operation returned because the timeout period expired.", "timeout"),
    (
        "ERROR_NOT_ENOUGH_MEMORY msg",
        "Not enough memory resources are available to process this command.",
        "out_of_memory",
    ),
    (
        "ERROR_COMMITMENT_LIMIT msg",
        "The paging file is too small for this operation to complete.",
        "out_of_memory",
    ),
    (
        "ERROR_INVALID_NAME msg",
        "The filename, directory name, or volume label syntax is incorrect.",
        "invalid_input",
    ),
    (
        "ERROR_MOD_NOT_FOUND msg",
        "LoadLibrary failed: The specified module could not be found.",
        "command_not_found",
    ),
    (
        "ERROR_BAD_EXE_FORMAT msg",
        "CreateProcess failed: %1 is not a valid Win32 application.",
        "command_not_found",
    ),
    (
        "WSAECONNREFUSED msg",
        "No connection could be made because the target machine actively refused it 10.0.0.5:1433",
        "network",
    ),
    (
        "WSAETIMEDOUT msg",
        (
            "A connection attempt failed because the connected party did not properly respond "
            "after a period of time, or established connection failed because connected host "
            "has failed to respond."
        ),
        "network",
    ),
    (
        "WSAECONNRESET msg",
        "An existing connection was forcibly closed by the remote host.",
        "network",
    ),
    ("WSAHOST_NOT_FOUND msg", "No such host is known.", "network"),
    (
        "ERROR_ACCESS_DENIED hresult",
        "Exception from HRESULT: 0x80070005 (E_ACCESSDENIED)",
        "permission_denied",
    ),
    (
        "ERROR_FILE_NOT_FOUND hresult",
        "Task Scheduler: Last Run Result 0x80070002",
        "file_not_found",
    ),
    ("ERROR_PATH_NOT_FOUND hresult", "Copy failed with HRESULT 0x80070003", "file_not_found"),
    ("ERROR_SHARING_VIOLATION hresult", "Export failed, HRESULT 0x80070020", "resource_busy"),
    ("ERROR_DISK_FULL hresult", "Write failed with error 0x80070070", "disk_full"),
    ("ERROR_BAD_NETPATH hresult", "Connect failed with error 0x80070035", "network"),
    ("ERROR_LOGON_FAILURE hresult", "Logon failed with error 0x8007052E", "authentication"),
    ("WAIT_TIMEOUT hresult", "Operation failed: 0x80070102", "timeout"),
    ("ERROR_TIMEOUT hresult", "Operation failed: 0x800705B4", "timeout"),
    ("E_OUTOFMEMORY hresult", "Allocation failed: 0x8007000E", "out_of_memory"),
    ("ERROR_ACCESS_DENIED symbol", "CreateFile failed: ERROR_ACCESS_DENIED", "permission_denied"),
    ("ERROR_FILE_NOT_FOUND symbol", "OpenFile returned ERROR_FILE_NOT_FOUND", "file_not_found"),
    (
        "ERROR_SHARING_VIOLATION symbol",
        "MoveFile returned ERROR_SHARING_VIOLATION",
        "resource_busy",
    ),
    ("ERROR_DISK_FULL symbol", "WriteFile returned ERROR_DISK_FULL", "disk_full"),
    ("ERROR_LOGON_FAILURE symbol", "LogonUser returned ERROR_LOGON_FAILURE", "authentication"),
]

# PowerShell error records: ErrorCategory (CategoryInfo) and FullyQualifiedErrorId
POWERSHELL = [
    (
        "PS ObjectNotFound",
        (
            "    + CategoryInfo          : ObjectNotFound: (D:\\in\\x.csv:String) "
            "[Get-Content], ItemNotFoundException"
        ),
        "file_not_found",
    ),
    (
        "PS PathNotFound FQID",
        (
            "    + FullyQualifiedErrorId : "
            "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand"
        ),
        "file_not_found",
    ),
    (
        "PS CommandNotFound",
        (
            "    + CategoryInfo          : ObjectNotFound: (Invoke-Load:String) [], "
            "CommandNotFoundException"
        ),
        "command_not_found",
    ),
    (
        "PS ModuleNotFound",
        (
            "    + FullyQualifiedErrorId : "
            "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand"
        ),
        "command_not_found",
    ),
    (
        "PS SecurityError",
        "    + CategoryInfo          : SecurityError: (:) [], PSSecurityException",
        "permission_denied",
    ),
    (
        "PS ResourceUnavailable",
        (
            "    + CategoryInfo          : ResourceUnavailable: (D:\\out\\x.csv:String) "
            "[Copy-Item], IOException"
        ),
        "resource_busy",
    ),
    (
        "PS InvalidData",
        (
            "    + CategoryInfo          : InvalidData: (:) [Import-Csv], "
            "ParameterBindingValidationException"
        ),
        "invalid_input",
    ),
    (
        "PS InvalidArgument",
        "    + CategoryInfo          : InvalidArgument: (:) [ConvertFrom-Json], ArgumentException",
        "invalid_input",
    ),
    (
        "PS AuthenticationError",
        (
            "    + CategoryInfo          : AuthenticationError: (:) [Connect-AzAccount], "
            "AuthenticationFailedException"
        ),
        "authentication",
    ),
    (
        "PS ConnectionError",
        "    + CategoryInfo          : ConnectionError: (:) [Invoke-RestMethod], WebException",
        "network",
    ),
    (
        "PS OperationTimeout",
        "    + CategoryInfo          : OperationTimeout: (:) [Wait-Job], TimeoutException",
        "timeout",
    ),
    (
        "PS ResourceBusy",
        (
            "    + CategoryInfo          : ResourceBusy: (:) [Start-Service], "
            "InvalidOperationException"
        ),
        "resource_busy",
    ),
    (
        "PS UnauthorizedAccess FQID",
        "    + FullyQualifiedErrorId : UnauthorizedAccess",
        "permission_denied",
    ),
]

# .NET base class library exceptions
DOTNET = [
    (
        ".NET FileNotFoundException",
        "System.IO.FileNotFoundException: Could not find file 'D:\\in\\x.csv'.",
        "file_not_found",
    ),
    (
        ".NET DirectoryNotFoundException",
        "System.IO.DirectoryNotFoundException: Could not find a part of the path 'D:\\in\\x'.",
        "file_not_found",
    ),
    (
        ".NET UnauthorizedAccessException",
        "System.UnauthorizedAccessException: Access to the path 'D:\\out\\x.csv' is denied.",
        "permission_denied",
    ),
    (
        ".NET PathTooLongException",
        "System.IO.PathTooLongException: The specified path, file name, or both are too long.",
        "invalid_input",
    ),
    (
        ".NET OutOfMemoryException",
        "System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown.",
        "out_of_memory",
    ),
    (".NET TimeoutException", "System.TimeoutException: The operation has timed out.", "timeout"),
    (
        ".NET FormatException",
        "System.FormatException: Input string was not in a correct format.",
        "invalid_input",
    ),
    (
        ".NET OverflowException",
        "System.OverflowException: Value was either too large or too small for an Int32.",
        "invalid_input",
    ),
    (
        ".NET SocketException",
        (
            "System.Net.Sockets.SocketException (10061): No connection could be made because "
            "the target machine actively refused it."
        ),
        "network",
    ),
    (
        ".NET AuthenticationException",
        (
            "System.Security.Authentication.AuthenticationException: The remote certificate is "
            "invalid according to the validation procedure."
        ),
        "authentication",
    ),
    (
        ".NET SecurityException",
        "System.Security.SecurityException: Requested registry access is not allowed.",
        "permission_denied",
    ),
    (
        ".NET DllNotFoundException",
        "System.DllNotFoundException: Unable to load DLL 'oci.dll'",
        "command_not_found",
    ),
    (
        ".NET XmlException",
        "System.Xml.XmlException: Unexpected end of file has occurred. Line 12, position 3.",
        "invalid_input",
    ),
    (
        ".NET JsonException",
        (
            "System.Text.Json.JsonException: 'x' is an invalid start of a value. Path: $ | "
            "LineNumber: 0"
        ),
        "invalid_input",
    ),
    (
        ".NET DecoderFallbackException",
        "System.Text.DecoderFallbackException: Unable to translate bytes [FF] at index 3",
        "invalid_input",
    ),
]

# Java SE exceptions (java.io, java.nio, java.net, java.sql, java.lang, java.util)
JAVA = [
    (
        "java NoSuchFileException",
        "java.nio.file.NoSuchFileException: /data/in/x.csv",
        "file_not_found",
    ),
    (
        "java FileNotFoundException",
        "java.io.FileNotFoundException: /data/in/x.csv",
        "file_not_found",
    ),
    (
        "java AccessDeniedException",
        "java.nio.file.AccessDeniedException: /data/out/x.csv",
        "permission_denied",
    ),
    (
        "java ConnectException",
        "java.net.ConnectException: Connection refused (Connection refused)",
        "network",
    ),
    ("java UnknownHostException", "java.net.UnknownHostException: db01.example.com", "network"),
    ("java NoRouteToHostException", "java.net.NoRouteToHostException: No route to host", "network"),
    (
        "java SocketTimeoutException",
        "java.net.SocketTimeoutException: connect timed out",
        "network",
    ),
    (
        "java SSLHandshakeException",
        "javax.net.ssl.SSLHandshakeException: Remote host terminated the handshake",
        "network",
    ),
    (
        "java SQLTimeoutException",
        "java.sql.SQLTimeoutException: ORA-01013: user requested cancel of current operation",
        "timeout",
    ),
    (
        "java SQLInvalidAuthorizationSpecException",
        "java.sql.SQLInvalidAuthorizationSpecException: Access denied for user 'etl'",
        "authentication",
    ),
    (
        "java SQLNonTransientConnectionException",
        (
            "java.sql.SQLNonTransientConnectionException: Could not create connection to "
            "database server."
        ),
        "network",
    ),
    (
        "java SQLDataException",
        "java.sql.SQLDataException: Data truncation: Data too long for column 'name' at row 1",
        "invalid_input",
    ),
    ("java DataTruncation", "java.sql.DataTruncation: Data truncation", "invalid_input"),
    (
        "java SQLTransactionRollbackException",
        "java.sql.SQLTransactionRollbackException: Deadlock found when trying to get lock",
        "resource_busy",
    ),
    (
        "java SQLIntegrityConstraintViolationException",
        "java.sql.SQLIntegrityConstraintViolationException: Duplicate entry '42' for key 'PRIMARY'",
        "database",
    ),
    (
        "java SQLSyntaxErrorException",
        "java.sql.SQLSyntaxErrorException: Table 'etl.stage' doesn't exist",
        "database",
    ),
    ("java OutOfMemoryError", "java.lang.OutOfMemoryError: Java heap space", "out_of_memory"),
    (
        "java NumberFormatException",
        'java.lang.NumberFormatException: For input string: "12a"',
        "invalid_input",
    ),
    (
        "java MalformedInputException",
        "java.nio.charset.MalformedInputException: Input length = 1",
        "invalid_input",
    ),
    (
        "java DateTimeParseException",
        "java.time.format.DateTimeParseException: Text '2025-13-01' could not be parsed",
        "invalid_input",
    ),
    (
        "java ClassNotFoundException",
        "java.lang.ClassNotFoundException: oracle.jdbc.OracleDriver",
        "command_not_found",
    ),
    (
        "java NoClassDefFoundError",
        "java.lang.NoClassDefFoundError: org/apache/commons/io/FileUtils",
        "command_not_found",
    ),
    (
        "java UnsatisfiedLinkError",
        "java.lang.UnsatisfiedLinkError: no ocijdbc19 in java.library.path",
        "command_not_found",
    ),
    (
        "java TimeoutException",
        "java.util.concurrent.TimeoutException: Futures timed out after [600 seconds]",
        "timeout",
    ),
    (
        "java FailedLoginException",
        "javax.security.auth.login.FailedLoginException: Login failed",
        "authentication",
    ),
    (
        "java OverlappingFileLockException",
        "java.nio.channels.OverlappingFileLockException",
        "resource_busy",
    ),
    (
        "java ZipException",
        "java.util.zip.ZipException: invalid entry compressed size",
        "invalid_input",
    ),
    ("java StackOverflowError", "java.lang.StackOverflowError", "signal_or_crash"),
]

# Python built-in exceptions and standard library errors, and requests'
PYTHON = [
    (
        "py PermissionError",
        "PermissionError: [Errno 13] Permission denied: '/data/out/x.csv'",
        "permission_denied",
    ),
    (
        "py FileNotFoundError",
        "FileNotFoundError: [Errno 2] No such file or directory: '/data/in/x.csv'",
        "file_not_found",
    ),
    ("py TimeoutError", "TimeoutError: timed out", "timeout"),
    (
        "py ConnectionRefusedError",
        "ConnectionRefusedError: [Errno 111] Connection refused",
        "network",
    ),
    (
        "py ConnectionResetError",
        "ConnectionResetError: [Errno 104] Connection reset by peer",
        "network",
    ),
    ("py MemoryError", "MemoryError", "out_of_memory"),
    (
        "py UnicodeDecodeError",
        (
            "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position 12: invalid "
            "continuation byte"
        ),
        "invalid_input",
    ),
    (
        "py UnicodeEncodeError",
        (
            "UnicodeEncodeError: 'ascii' codec can't encode character '\\xe9' in position 3: "
            "ordinal not in range(128)"
        ),
        "invalid_input",
    ),
    (
        "py ModuleNotFoundError",
        "ModuleNotFoundError: No module named 'cx_Oracle'",
        "command_not_found",
    ),
    ("py ImportError", "ImportError: No module named cx_Oracle", "command_not_found"),
    (
        "py JSONDecodeError",
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        "invalid_input",
    ),
    (
        "py ValueError int",
        "ValueError: invalid literal for int() with base 10: 'abc'",
        "invalid_input",
    ),
    (
        "py ValueError date",
        "ValueError: time data '2025-13-01' does not match format '%Y-%m-%d'",
        "invalid_input",
    ),
    (
        "py yaml ScannerError",
        "yaml.scanner.ScannerError: mapping values are not allowed here",
        "invalid_input",
    ),
    (
        "py yaml ParserError",
        "yaml.parser.ParserError: while parsing a block mapping",
        "invalid_input",
    ),
    (
        "py configparser",
        "configparser.MissingSectionHeaderError: File contains no section headers.",
        "invalid_input",
    ),
    (
        "py TOMLDecodeError",
        "tomllib.TOMLDecodeError: Invalid value (at line 3, column 7)",
        "invalid_input",
    ),
    (
        "py xml ParseError",
        "xml.etree.ElementTree.ParseError: not well-formed (invalid token): line 1, column 4",
        "invalid_input",
    ),
    ("py csv Error", "_csv.Error: field larger than field limit (131072)", "invalid_input"),
    ("py socket.gaierror", "socket.gaierror: [Errno -2] Name or service not known", "network"),
    (
        "py gaierror -3",
        "socket.gaierror: [Errno -3] Temporary failure in name resolution",
        "network",
    ),
    (
        "py TimeoutExpired",
        "subprocess.TimeoutExpired: Command '['sqlplus']' timed out after 600 seconds",
        "timeout",
    ),
    ("py BadZipFile", "zipfile.BadZipFile: File is not a zip file", "invalid_input"),
    (
        "py requests ConnectionError",
        (
            "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.example.com', "
            "port=443): Max retries exceeded with url: /v1"
        ),
        "network",
    ),
    (
        "py requests ConnectTimeout",
        "requests.exceptions.ConnectTimeout: HTTPSConnectionPool(host='api.example.com', port=443)",
        "network",
    ),
    (
        "py requests ReadTimeout",
        (
            "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.example.com', "
            "port=443): Read timed out. (read timeout=30)"
        ),
        "timeout",
    ),
    ("py KeyboardInterrupt", "KeyboardInterrupt", "signal_or_crash"),
]

# Go standard library error strings (net, os/exec, strconv, encoding/json, runtime)
GO = [
    ("go no such host", "dial tcp: lookup db01.example.com: no such host", "network"),
    ("go i/o timeout", "dial tcp 10.0.0.5:5432: i/o timeout", "network"),
    ("go deadline", "context deadline exceeded", "timeout"),
    (
        "go client timeout",
        "net/http: request canceled (Client.Timeout exceeded while awaiting headers)",
        "timeout",
    ),
    ("go out of memory", "fatal error: runtime: out of memory", "out_of_memory"),
    (
        "go executable not found",
        'exec: "sqlcmd": executable file not found in $PATH',
        "command_not_found",
    ),
    ("go strconv", 'strconv.Atoi: parsing "12a": invalid syntax', "invalid_input"),
    (
        "go json unmarshal",
        "json: cannot unmarshal string into Go struct field Order.qty of type int",
        "invalid_input",
    ),
    ("go json syntax", "invalid character 'x' looking for beginning of value", "invalid_input"),
    ("go json eof", "unexpected end of JSON input", "invalid_input"),
    ("go yaml", "yaml: line 3: mapping values are not allowed in this context", "invalid_input"),
    (
        "go closed conn",
        "read tcp 10.0.0.4:51234->10.0.0.5:443: use of closed network connection",
        "network",
    ),
    (
        "go nil pointer",
        "panic: runtime error: invalid memory address or nil pointer dereference",
        "signal_or_crash",
    ),
    ("go signal", "signal: segmentation fault (core dumped)", "signal_or_crash"),
]

# Node.js and libuv error codes and messages
NODE = [
    (
        "node ENOENT",
        "Error: ENOENT: no such file or directory, open '/data/in/x.csv'",
        "file_not_found",
    ),
    (
        "node EACCES",
        "Error: EACCES: permission denied, open '/data/out/x.csv'",
        "permission_denied",
    ),
    ("node ECONNREFUSED", "Error: connect ECONNREFUSED 127.0.0.1:5432", "network"),
    ("node ENOTFOUND", "Error: getaddrinfo ENOTFOUND db01.example.com", "network"),
    ("node EAI_AGAIN", "Error: getaddrinfo EAI_AGAIN db01.example.com", "network"),
    ("node ETIMEDOUT", "Error: connect ETIMEDOUT 10.0.0.5:443", "network"),
    (
        "node EBUSY",
        "Error: EBUSY: resource busy or locked, rename 'D:\\out\\x.csv'",
        "resource_busy",
    ),
    ("node EMFILE", "Error: EMFILE: too many open files, open '/data/x'", "resource_busy"),
    ("node ENOSPC", "Error: ENOSPC: no space left on device, write", "disk_full"),
    (
        "node EPERM",
        "Error: EPERM: operation not permitted, unlink 'D:\\out\\x.csv'",
        "permission_denied",
    ),
    ("node EISDIR", "Error: EISDIR: illegal operation on a directory, read", "invalid_input"),
    ("node MODULE_NOT_FOUND", "Error: Cannot find module 'pg'", "command_not_found"),
    (
        "node ERR_MODULE_NOT_FOUND",
        "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'pg' imported from /opt/app/load.mjs",
        "command_not_found",
    ),
    (
        "node heap",
        "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory",
        "out_of_memory",
    ),
    ("node JSON.parse", "SyntaxError: Unexpected token } in JSON at position 12", "invalid_input"),
    ("node undici", "Error: UND_ERR_CONNECT_TIMEOUT", "network"),
]

# Signals (strsignal texts as bash reports them, names, numbers)
SIGNALS = [
    (
        "SIGSEGV",
        "./load.sh: line 12:  4711 Segmentation fault      (core dumped) ./extract",
        "signal_or_crash",
    ),
    (
        "SIGBUS",
        "./load.sh: line 12:  4711 Bus error               (core dumped) ./extract",
        "signal_or_crash",
    ),
    (
        "SIGABRT",
        "./load.sh: line 12:  4711 Aborted                 (core dumped) ./extract",
        "signal_or_crash",
    ),
    (
        "SIGFPE",
        "./load.sh: line 12:  4711 Floating point exception(core dumped) ./extract",
        "signal_or_crash",
    ),
    (
        "SIGILL",
        "./load.sh: line 12:  4711 Illegal instruction     (core dumped) ./extract",
        "signal_or_crash",
    ),
    ("SIGTERM", "./load.sh: line 12:  4711 Terminated              ./extract", "signal_or_crash"),
    (
        "SIGXCPU",
        "./load.sh: line 12:  4711 CPU time limit exceeded (core dumped) ./extract",
        "timeout",
    ),
    (
        "SIGXFSZ",
        "./load.sh: line 12:  4711 File size limit exceeded(core dumped) ./extract",
        "disk_full",
    ),
    ("SIGSEGV name", "extract terminated by signal SIGSEGV", "signal_or_crash"),
    ("SIGBUS name", "process 4711 received signal SIGBUS", "signal_or_crash"),
    ("SIGXCPU name", "process 4711 killed by SIGXCPU", "timeout"),
    ("signal 11", "extract: terminated by signal 11", "signal_or_crash"),
]

# Published exit statuses and tool codes: systemd.exec(5) process exit codes and results,
# rsync(1) exit values, curl and wget exit codes, TLS certificate errors (Go's crypto/x509,
# OpenSSL's verify codes as Node names them), OpenSSH's refusals
TOOL_CODES = [
    (
        "systemd 203/EXEC",
        "etl-load.service: Main process exited, code=exited, status=203/EXEC",
        "command_not_found",
    ),
    (
        "systemd 200/CHDIR",
        "etl-load.service: Main process exited, code=exited, status=200/CHDIR",
        "file_not_found",
    ),
    (
        "systemd 217/USER",
        "etl-load.service: Main process exited, code=exited, status=217/USER",
        "authentication",
    ),
    (
        "systemd 9/KILL",
        "etl-load.service: Main process exited, code=killed, status=9/KILL",
        # systemd says "Failed with result 'oom-kill'" when the kernel's killer sent it
        "signal_or_crash",
    ),
    (
        "systemd 11/SEGV",
        "etl-load.service: Main process exited, code=dumped, status=11/SEGV",
        "signal_or_crash",
    ),
    (
        "systemd 6/ABRT",
        "etl-load.service: Main process exited, code=dumped, status=6/ABRT",
        "signal_or_crash",
    ),
    ("systemd oom-kill", "etl-load.service: Failed with result 'oom-kill'.", "out_of_memory"),
    ("systemd timeout", "etl-load.service: Failed with result 'timeout'.", "timeout"),
    ("systemd core-dump", "etl-load.service: Failed with result 'core-dump'.", "signal_or_crash"),
    (
        "go x509 authority",
        'Get "https://api.example.com/v1": x509: certificate signed by unknown authority',
        "network",
    ),
    ("go x509 expired", "x509: certificate has expired or is not yet valid", "network"),
    (
        "node SELF_SIGNED",
        "Error: self signed certificate in certificate chain code: 'SELF_SIGNED_CERT_IN_CHAIN'",
        "network",
    ),
    ("node CERT_HAS_EXPIRED", "Error: certificate has expired code: 'CERT_HAS_EXPIRED'", "network"),
    (
        "node UNABLE_TO_VERIFY",
        "Error: unable to verify the first certificate code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'",
        "network",
    ),
    (
        "rsync 10",
        "rsync error: error in socket IO (code 10) at io.c(785) [sender=3.2.7]",
        "network",
    ),
    (
        "rsync 30",
        "rsync error: timeout in data send/receive (code 30) at io.c(197) [sender=3.2.7]",
        "timeout",
    ),
    (
        "rsync 35",
        (
            "rsync error: timeout waiting for daemon connection (code 35) at socket.c(278) "
            "[sender=3.2.7]"
        ),
        "network",
    ),
    (
        "rsync 5",
        (
            "rsync error: error starting client-server protocol (code 5) at main.c(1863) "
            "[Receiver=3.2.7]"
        ),
        "network",
    ),
    (
        "rsync 22",
        (
            "rsync error: error allocating core memory buffers (code 22) at util2.c(106) "
            "[sender=3.2.7]"
        ),
        "out_of_memory",
    ),
    ("curl 37", "curl: (37) Couldn't open file /data/in/x.csv", "file_not_found"),
    ("curl 9", "curl: (9) Server denied you to change to the given directory", "permission_denied"),
    ("wget 6", "wget exited with status 6", "authentication"),
    ("scp", "scp: /data/out/x.csv: Permission denied", "permission_denied"),
    ("ssh host key", "Host key verification failed.", "authentication"),
    ("sftp", "Couldn't stat remote file: No such file or directory", "file_not_found"),
    ("java EOF ssl", "javax.net.ssl.SSLException: Connection reset", "network"),
    (
        "py ssl",
        (
            "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
            "failed: unable to get local issuer certificate"
        ),
        "network",
    ),
]

# Client libraries' own error tables: OpenSSL's PEM reason codes, libgpg-error's codes,
# SQLite's result codes as System.Data.SQLite words them, libpq's authentication messages,
# SqlClient's timeout (SqlException number -2) and DFSMS's IEC020I (system abend 001)
LIBRARY_CODES = [
    (
        "OpenSSL 1.1 PEM_R_NO_START_LINE",
        "139891:error:0906D06C:PEM routines:PEM_read_bio:no start line:pem_lib.c:691:"
        "Expecting: CERTIFICATE",
        "invalid_input",
    ),
    (
        "OpenSSL 3 PEM_R_BAD_END_LINE",
        "40F7A1E3:error:0480006C:PEM routines::bad end line:crypto/pem/pem_lib.c:745:",
        "invalid_input",
    ),
    ("GPG_ERR_NO_SECKEY", "gpg: decryption failed: No secret key", "authentication"),
    ("GPG_ERR_BAD_PASSPHRASE", "gpg: signing failed: Bad passphrase", "authentication"),
    (
        "SQLITE_FULL System.Data.SQLite",
        "System.Data.SQLite.SQLiteException: Insertion failed because database is full",
        "disk_full",
    ),
    ("libpq no password", "psql: fe_sendauth: no password supplied", "authentication"),
    (
        "SqlClient -2",
        "Microsoft.Data.SqlClient.SqlException (0x80131904): Execution Timeout Expired.  The "
        "timeout period elapsed prior to completion of the operation or the server is not "
        "responding.",
        "timeout",
    ),
    (
        "IEC020I",
        "IEC020I 001-5,PAYJOB,STEP02,INFILE,0B42,PRD001,PAY.DAILY.INPUT",
        "signal_or_crash",
    ),
]

STANDARD_LINES = (
    ERRNO
    + SQLSTATE
    + HTTP
    + WINDOWS
    + POWERSHELL
    + DOTNET
    + JAVA
    + PYTHON
    + GO
    + NODE
    + SIGNALS
    + TOOL_CODES
    + LIBRARY_CODES
)


@pytest.mark.parametrize(
    ("standard", "line", "category"), STANDARD_LINES, ids=[row[0] for row in STANDARD_LINES]
)
def test_a_line_in_a_standard_wording_is_categorised(standard, line, category):
    assert has_needle(line), "the prefilter would never show this line to the rules"
    assert analyze_joblog(line + "\n").category == category, standard


# errno name -> category: every name the knowledge base holds a strerror table for
ERRNO_CATEGORY = {
    "ENOENT": "file_not_found",
    "EACCES": "permission_denied",
    "EPERM": "permission_denied",
    "EROFS": "permission_denied",
    "ENOSPC": "disk_full",
    "EDQUOT": "disk_full",
    "EFBIG": "disk_full",
    "ENOMEM": "out_of_memory",
    "ETXTBSY": "resource_busy",
    "EBUSY": "resource_busy",
    "EAGAIN": "resource_busy",
    "EADDRINUSE": "resource_busy",
    "EMFILE": "resource_busy",
    "ENFILE": "resource_busy",
    "ENOLCK": "resource_busy",
    "ECONNREFUSED": "network",
    "ECONNRESET": "network",
    "EHOSTUNREACH": "network",
    "ENETUNREACH": "network",
    "ENETDOWN": "network",
    "ECONNABORTED": "network",
    "ENOTCONN": "network",
    "EADDRNOTAVAIL": "network",
    "ETIMEDOUT": "network",
    "EPIPE": "network",
    "EINVAL": "invalid_input",
    "E2BIG": "invalid_input",
    "ENAMETOOLONG": "invalid_input",
    "EISDIR": "invalid_input",
    "EILSEQ": "invalid_input",
    "ERANGE": "invalid_input",
    "EDOM": "invalid_input",
    "EKEYEXPIRED": "authentication",
    "EKEYREJECTED": "authentication",
}
# names whose symbol or text other families claim on purpose (a cleanup's "File exists")
NOT_CATEGORISED = {"EEXIST"}


def test_every_errno_table_has_a_category_here():
    assert set(load_knowledge().errno) == set(ERRNO_CATEGORY) | NOT_CATEGORISED


@pytest.mark.parametrize(("name", "category"), sorted(ERRNO_CATEGORY.items()))
def test_an_errno_symbol_is_categorised(name, category):
    """The symbol alone, as Node, Go's syscall and C programs print it."""
    line = f"open('/data/in/x.csv') failed: {name}"
    assert analyze_joblog(line + "\n").category == category


def _record(head: str, category_info: str) -> str:
    return "\n".join(
        [
            "Starting export",
            head,
            r"At D:\jobs\export.ps1:12 char:1",
            "+ Export-Data -Path $target",
            "+ ~~~~~~~~~~~~~~~~~~~~~~~~~",
            f"    + CategoryInfo          : {category_info}",
            "    + FullyQualifiedErrorId : ExportFailed,Export-Data",
            "",
        ]
    )


def test_a_powershell_record_is_read_at_its_head_with_its_error_category():
    """The record's head states the error in the cmdlet's words; its ErrorCategory field says
    which standard kind it is. The head is the record's line, in the field's category when the
    head's words name none."""
    generic = _record(
        "Export-Data : Error while exporting batch 7.",
        "PermissionDenied: (D:\\out:String) [Export-Data], ExportException",
    )
    analysis = analyze_joblog(generic)
    assert (analysis.category, analysis.error_line) == ("permission_denied", 2)
    specific = _record(
        "Export-Data : Cannot find path 'D:\\in\\x.csv' because it does not exist.",
        "ObjectNotFound: (D:\\in\\x.csv:String) [Export-Data], ItemNotFoundException",
    )
    analysis = analyze_joblog(specific)
    assert (analysis.category, analysis.error_line) == ("file_not_found", 2)
