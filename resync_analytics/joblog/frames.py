"""How stack traces print a frame, and which frames are the runtime's own.

One description for the entity patterns (a ``Loader.java:84`` is a source line, not host:port)
and for the completion that picks the frame an operator opens, so both read a trace alike.
"""

from __future__ import annotations

import re

_SOURCE_SUFFIXES = (
    r"java|kt|scala|groovy|py|pyx|cs|vb|c|cc|cpp|h|go|rs|swift|rb|pl|pm|js|mjs|cjs|ts|php|cbl|cob|"
    r"ps[dm]?1|sh|ksh|sql"
)

SOURCE_LINE_TEXT = re.compile(rf"(?i)\.(?:{_SOURCE_SUFFIXES}):\d+(?::\d+)?$")
"""A source file with its line (and column): ``Loader.java:84``, ``db.js:29:9``."""

SOURCE_PATH = re.compile(
    rf"(?<![\w/\\.:$-])((?:[A-Za-z]:)?[\w.~$@+-]*(?:[/\\][\w.$@+-]+)+\.(?!php:|ps[dm]?1:)"
    rf"(?:{_SOURCE_SUFFIXES}):\d+(?::\d+)?)(?![\w]|:\d|\.\d)"
)
"""A source file named by its directory and line, wherever a runtime prints it: Rust's
"panicked at src/main.rs:28:39:", Go's "\t/app/main.go:69 +0x1af", a Node frame inside a
relayed message "(c:\\apps\\lib\\db.js:174:17)". A bare ``Loader.java:84`` is read by the
stack-trace patterns instead, and PHP's and PowerShell's positions by their own patterns, which
name the file alone ("ShellProcessor.php:35", "Fix.ps1:76", as operators and labels do)."""

SOURCE_LINE = re.compile(r":\d+(?::\d+)?$|:line \d+$| line \d+$|\.php\(\d+\)$")
"""The line-number end of a frame's text, whatever the file is (Perl's "x.pm line 43", PHP's
"x.php(44)" too)."""

# "at com.acme.Loader.run(Loader.java:84)": the source line between the last parentheses; a
# logback stack may end each frame with the jar it came from ("~[datatools.jar:na]")
JAVA_FRAME = re.compile(
    r"^\s*at\s+(\S.*?)\(([^()\s]+\.[A-Za-z]{1,6}:\d+)\)\s*(?:~?\[[^\[\]]*\]\s*)?$"
)
# Node: "at Object.<anonymous> (F:\app\db.js:29:9)", "at /srv/app/run.js:10:3"
JS_FRAME = re.compile(r"^\s*at\s+(?:(\S.*?)\s*\()?([^()\s]+\.(?:js|mjs|cjs|ts):\d+:\d+)\)?\s*$")
# PHP: "#1 /var/www/app/vendor/x/src/TemporaryDirectory.php(44): mkdir(...)" (a frame may
# follow a literal "\n" where the trace was printed as one string); group 1 is left empty
PHP_FRAME = re.compile(r"^\s*(?:\\n)?#\d+ ()(?:[^\s(]*[/\\])?([\w.-]+\.php\(\d+\)): ")
# .NET: "at Gl.Post.Repository.Insert(Int32 n) in D:\src\Gl.Post\Repository.cs:line 118";
# group 2 is the file and line as operators name them ("Repository.cs:line 118")
DOTNET_FRAME = re.compile(
    r"^\s*at\s+(\S.*?)\(.*\)\s+in\s+(?:.*[\\/])?([^\\/\s]+\.(?:cs|vb|fs):line \d+)\s*$"
)
# Go: a frame's file line under its function, "\t/app/main.go:69 +0x1af"; group 1 is left empty
GO_FRAME = re.compile(r"^\s*()((?:[A-Za-z]:)?[^\s:()]+\.go:\d+)(?:\s+\+0x[0-9a-f]+)?\s*$")
# Go's own packages under GOROOT ("/usr/local/go/src/runtime/proc.go"), not the job's code
GO_RUNTIME = re.compile(
    r"[/\\]src[/\\](?:runtime|os|net|io|sync|syscall|internal|reflect|fmt|encoding|database|"
    r"crypto|bufio|context|strings|time)[/\\]"
)
PYTHON_FRAME = re.compile(r'^\s*File "([^"<>]+)", line \d+')
# Any JVM or .NET frame whatever its source shows ("(Unknown Source)", "(Native Method)", .NET's
# "in C:\src\Loader.cs:line 42"): the qualified method it ran
CALL_FRAME = re.compile(r"^\s*at ([A-Za-z_$][\w$]*(?:\.[\w$<>]+)+)(?:\(| in )")
# Any line of a trace: a frame, its elision, a cause, a Python frame or a blank
TRACE_LINE = re.compile(
    r"^\s*(?:at\s|\.\.\. \d+ more|Caused by:|File \"|#\d+ |\s*$|goroutine \d+ \[|created by |"
    r"\[signal |[\w./-]+\.[\w.()*]+\((?:0x[0-9a-f]+|\.\.\.|, )*\)\s*$)"
)

RUNTIME_PACKAGE = re.compile(
    r"^(?:[\w.]+/)?(?:java|javax|jdk|sun|com\.sun|kotlin|scala|groovy|System|Microsoft)\."
)
"""A JVM or .NET runtime class (``java.net.SocketInputStream``, ``System.IO.File``); a module
prefix (``java.base/``) is allowed."""

DATABASE_DRIVER = re.compile(
    r"^(?:oracle\.jdbc|oracle\.net|oracle\.ucp|org\.postgresql|com\.ibm\.db2\.jcc|com\.mysql|"
    r"org\.mariadb\.jdbc|com\.microsoft\.sqlserver\.jdbc|net\.sourceforge\.jtds|"
    r"org\.hsqldb|org\.h2|com\.zaxxer\.hikari|com\.mchange\.v2\.c3p0|org\.apache\.commons\.dbcp2?)\."
)
"""A JDBC driver or connection pool: the frame that noticed a database's error, not the job's
code that made the call."""

NODE_LIBRARY = re.compile(r"[/\\]node_modules[/\\]")
"""An installed Node package: the driver a refused logon or a lost connection ran through."""

RUNTIME_SOURCE = re.compile(r"^(?:internal/|node:|events\.js|timers\.js|module\.js)")
"""Node's own code on a stack frame (``internal/modules/cjs/loader.js``)."""

PYTHON_STANDARD_LIBRARY = re.compile(
    r"(?:[/\\]lib(?:64)?[/\\]python\d[\d.]*[/\\]|\\Lib\\)(?!(?:site|dist)-packages)|<frozen "
)
"""Python's own modules: an installed library (``site-packages``) is code the job chose."""

JAVA_LIBRARY = re.compile(
    r"^(?:org\.springframework|org\.apache|org\.hibernate|org\.eclipse|org\.glassfish|"
    r"org\.jboss|org\.quartz|org\.jsoup|org\.flowable|org\.activiti|org\.camunda|org\.slf4j|"
    r"org\.junit|com\.amazonaws|software\.amazon|com\.google|com\.fasterxml|com\.jcraft|"
    r"net\.schmizz|io\.netty|io\.grpc|io\.lettuce|io\.micrometer|io\.reactivex|reactor|"
    r"okhttp3|retrofit2|feign|ch\.qos|com\.mongodb|redis\.clients|akka|play|scala)\."
)
"""A widely used JVM library or framework (Spring, Apache, the AWS SDK, Netty ...): code the job
runs through, which an operator does not open when the job's own class is on the stack."""

PYTHON_INSTALLED = re.compile(r"site-packages|dist-packages|\.(?:zip|egg|whl)[/\\]")
"""An installed Python package (also one shipped in an archive, as Spark ships pyspark.zip)."""
