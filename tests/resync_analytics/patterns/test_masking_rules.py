"""Variable masks for digits glued to words, and routing that stops at the first variable."""

import pytest

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.masking import mask_variables
from resync_analytics.patterns.miner import PatternMiner


def test_digits_ending_a_word_are_masked_and_the_word_kept():
    assert mask_variables("link eth3 is down on rack17") == "link eth<*> is down on rack<*>"
    assert mask_variables("dumping cache.4410 now") == "dumping cache.<*> now"
    assert mask_variables("worker-12 stopped") == "worker-<*> stopped"
    assert mask_variables("self test.....7") == "self test.....<*>"


def test_error_codes_and_single_letter_names_keep_their_shape_host_ports_are_one_value():
    assert mask_variables("ORA-00942 on table APP.T2") == "ORA-00942 on table APP.T2"
    assert mask_variables("reach cache9:6379 failed") == "reach <*> failed"
    assert mask_variables("PendingReds:0 CompletedMaps:12") == "PendingReds:<*> CompletedMaps:<*>"
    assert mask_variables("using log4j config") == "using log4j config"


def test_words_after_a_variable_do_not_split_an_event_into_branches():
    # A deep route: only where routing stops decides whether these lines meet.
    miner = PatternMiner(MinerConfig(prefix_depth=4, similarity_threshold=0.5))
    keys = [
        miner.add("peer 10.1.1.1 (alpha) said goodbye to red"),
        miner.add("peer 10.1.1.2 (beta) said goodbye to green"),
        miner.add("peer 10.1.1.3 (gamma) said goodbye to blue"),
    ]
    miner.compact()
    assert len({miner.pattern(key).pattern_id for key in keys}) == 1
    assert miner.pattern(keys[0]).template == "peer <*> (<*>) said goodbye to <*>"


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # key=value: the key stays, a value with a digit or address shape is masked.
        ("port=8080 user=bob state=RUNNING", "port=<*> user=bob state=RUNNING"),
        ("PSR0=0x00ff PSR1=12", "PSR0=<*> PSR1=<*>"),
        # host:port, IPv4 with port, a resolved address as Java prints it, IPv6.
        ("to msra-sa-41:9000. Already", "to <*>. Already"),
        ("from 10.0.0.1:5432 ok", "from <*> ok"),
        ("Old: msra-sa-41/10.190.173.170:9000 New", "Old: <*> New"),
        ("peer fe80::1ff:fe23:4567:890a up", "peer <*> up"),
        ("bind [2001:db8::1]:443", "bind [<*>]:<*>"),
        ("call IdoTransportMgr::SendPacket now", "call IdoTransportMgr::SendPacket now"),
        # Hex, UUIDs, object references, bracketed ids.
        ("at 0x7f3a and 9f86d081884c7d65", "at <*> and <*>"),
        ("id 123e4567-e89b-12d3-a456-426614174000", "id <*>"),
        ("mgr com.acme.g.c@8a2a501 ready", "mgr <*> ready"),
        ("req [a1b2c3] [Thread-5] [main]", "req [<*>] [<*>] [main]"),
        # Memory sizes are one value, spaced or glued; other units stay after the value.
        ("size 16.0 B, free 317.5 KB, cap 1.5GB", "size <*>, free <*>, cap <*>"),
        ("timeout of 40000ms at 47C", "timeout of <*>ms at <*>C"),
        # A path is one value; URLs keep their scheme, identifiers their leading words.
        ("open /Users/J Doe/f1.txt now", "open <*> now"),
        ("load C:\\Program Files\\App\\x.dll now", "load <*> now"),
        ("rack /default-rack and /data", "rack /default-rack and /data"),
        ("split hdfs://10.0.0.1:9000/a/b.txt:0+11", "split hdfs://<*>"),
        ("delete blk_-12 blk_34 blk_56", "delete blk_<*>"),
        ("lease DFSClient_NONMAPREDUCE_153_1 held", "lease DFSClient_NONMAPREDUCE_<*> held"),
        # Host names: under a known top-level domain, or with a digit before a country code.
        ("rhost=biblioteka.wsi.edu.pl user=x", "rhost=<*> user=x"),
        ("rhost=dsl-81-2.easynet.nl", "rhost=<*>"),
        ("using sun.nio.ch selector", "using sun.nio.ch selector"),
    ],
)
def test_generic_token_shapes(message, masked):
    assert mask_variables(message) == masked


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # A stack frame's file and line is not a host:port: the file stays, the line goes.
        (
            "at org.apache.spark.rdd.RDD.iterator(RDD.scala:288)",
            "at org.apache.spark.rdd.RDD.iterator(RDD.scala:<*>)",
        ),
        ("at x.Y.run(Y.java:79) and db7:5432", "at x.Y.run(Y.java:<*>) and <*>"),
        # A message id before its text names the event, whatever its case or digits.
        (
            "SQL*Loader-500: Unable to open file (db/data/x.csv)",
            "SQL*Loader-500: Unable to open file (<*>)",
        ),
        ("SP2-0306: Invalid option.", "SP2-0306: Invalid option."),
        # Relative paths to a file are one value; words joined by a slash stay.
        (
            "Database Error in model orders (models/orders.sql)",
            "Database Error in model orders (<*>)",
        ),
        (
            "over TCP/IP and/or files/attrs at 5 Bytes/sec.",
            "over TCP/IP and/or files/attrs at <*> Bytes/sec.",
        ),
        # A time right after a terminal colour code, or what a log kept of one.
        ("[0m07:01:04  Running with dbt=1.7.14", "[0m<*>  Running with dbt=<*>"),
        # Dates written in capitals or after a day name.
        ("---- WEDNESDAY, 22 MAR 2023 ----", "---- <*> ----"),
        ("Started:      Fri, 15 Sep 2023 09:56:14 +0200", "Started:      <*>"),
        ("may 3 more", "may <*> more"),
        # Generated dashed names (pods, releases); a two-part word keeps its word.
        ("Pulling pod/api-6857d79bd6-tqg4p now", "Pulling pod/<*> now"),
        ("-n sape-qa-5 -owide", "-n <*> -owide"),
        # Quoted dotted names and each quoted part of a qualified column.
        ("Schema 'DWH.STAGE' does not exist", "Schema '<*>' does not exist"),
        ('column "JSDB"."T"."REGION" (actual: 26)', 'column "<*>"."<*>"."<*>" (actual: <*>)'),
        (
            "calling \"DownloadString\" with 'docker login'",
            "calling \"DownloadString\" with 'docker login'",
        ),
        # A key=value in brackets keeps its key.
        ("at main.c(1677) [generator=3.1.3]", "at main.c(<*>) [generator=<*>]"),
    ],
)
def test_shapes_of_tool_transcripts(message, masked):
    assert mask_variables(message) == masked


def test_stack_frames_of_different_code_stay_different_templates():
    # Each frame names its class's file, as Java and Scala write it; masked as host:port,
    # file and line were one value and a dozen frames one "at <*>(<*>)" template.
    methods = [
        "rdd.RDD.iterator",
        "rdd.MapPartitionsRDD.compute",
        "scheduler.Task.run",
        "rdd.CoalescedRDD.compute",
        "scheduler.ShuffleMapTask.runTask",
        "util.Utils.copyStream",
        "util.ClosureCleaner.clean",
        "storage.BlockManager.get",
        "SparkContext.runJob",
        "deploy.yarn.Client.submitApplication",
        "scheduler.DAGScheduler.run",
        "executor.Executor.launch",
    ]
    frames = [
        f"at org.apache.spark.{method}({method.split('.')[-2]}.scala:{line})"
        for line, method in enumerate(methods, start=20)
    ]
    miner = PatternMiner()
    keys = [miner.add(frame) for frame in frames + frames]
    miner.compact()
    assert len({miner.pattern(key).pattern_id for key in keys}) == len(frames)


def test_durations_of_several_units_are_one_value():
    assert mask_variables("8m23s Normal Pulling image") == "<*> Normal Pulling image"
    assert mask_variables("took 1h2m3.5s, then 40000ms") == "took <*>, then <*>ms"


def test_a_quoted_variable_keeps_its_quotes_in_the_template():
    miner = PatternMiner()
    keys = [
        miner.add(f"Connection '{name}' was properly closed.")
        for name in ("master", "list_dev_marts", "list_dev_audit")
    ]
    miner.compact()
    assert {miner.pattern(key).template for key in keys} == {
        "Connection '<*>' was properly closed."
    }
    # Past the routing words, a message joins the template directly and keeps matching it.
    later = [
        miner.add(f"Lost connection to database '{name}' after retries")
        for name in ("sales", "hr", "stock")
    ]
    assert {miner.pattern(key).template for key in later} == {
        "Lost connection to database '<*>' after retries"
    }
    assert len({miner.pattern(key).pattern_id for key in later}) == 1


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # A path is one value, slash and all; an address after a slash keeps the slash.
        ("Backing up /data to /backups/world-1.tgz", "Backing up /data to <*>"),
        ("Served block to /10.250.19.102:50010", "Served block to /<*>"),
        # A quoted word with a digit is one value in its quotes; a prefixed id keeps its prefix.
        ("Executing 'dbtjob_v1-0' now", "Executing '<*>' now"),
        ('Pulling image "repo/enforcer:20.7"', 'Pulling image "<*>"'),
        ("partner '10XXXXX:3320' not reached", "partner '<*>' not reached"),
        (
            "Saved output of task 'attempt_2017_0001_m_2' ok",
            "Saved output of task 'attempt_<*>' ok",
        ),
        ("Checking 'hlt' instruction", "Checking 'hlt' instruction"),
        # The value of key=value with a digit is one value, whatever its shape.
        ("System Completion Code=0C4 seen", "System Completion Code=<*> seen"),
        ("Registered adapter: duckdb=1.7.4", "Registered adapter: duckdb=<*>"),
        ("call x=HASH(0x385a698) now", "call x=HASH(<*>) now"),
        # A hex offset keeps its sign inside the value.
        ("unit offset +0000000000D2AC92 at -E62DD9A0", "unit offset <*> at <*>"),
        # A quoted word given to a key is a string literal; a quoted text of words stays.
        ("Connection(user='etl', passwd=\"x!\")", "Connection(user='<*>', passwd=\"<*>\")"),
        ('level=info msg="Skipping uid change"', 'level=info msg="Skipping uid change"'),
        # user@host with a path after it, and a relative folder with its closing slash.
        ("rsync -a etl@db7.example.com:/data/in/ now", "rsync -a <*> now"),
        ("logfiles/trim_reports/", "<*>"),
        ("some files/attrs were not sent", "some files/attrs were not sent"),
        # An age in minutes, hours or days is one value; other glued units stay.
        ("Age 16h, pulled 43m ago, took 40ms", "Age <*>, pulled <*> ago, took <*>ms"),
        # A drive path with forward slashes, a relative path with backslashes.
        ("MODULE D:/depot/bas/754_REL/src/nixxi.cpp", "MODULE <*>"),
        ("File src\\\\pyrfc\\\\_cyrfc.pyx:641, in f()", "File <*>, in f()"),
        ("at src\\app\\main.py line 3", "at <*> line <*>"),
        # A message id that looks like hex stays a message id.
        ("CEE3250C The system abend", "CEE3250C The system abend"),
        # A word of capitals keeps its digits (a program or product name); mixed case does not.
        ("RECV370 done by JES2 from SYSUT1", "RECV370 done by JES2 from SYSUT1"),
        ("link eth3 and Node12 down", "link eth<*> and Node<*> down"),
    ],
)
def test_whole_values_of_version_4(message, masked):
    assert mask_variables(message) == masked


def test_names_with_digits_in_one_position_merge_into_one_template():
    # The same event for two names with digits the masks leave whole (capitals and a few
    # digits): the position is a variable.
    miner = PatternMiner()
    keys = [
        miner.add("23.06.03 RUN0345 ---- WEDNESDAY, 22 MAR 2023 ----"),
        miner.add("08.39.00 BKP530 ---- WEDNESDAY, 03 JUL 2019 ----"),
    ]
    miner.compact()
    assert miner.pattern(keys[0]).pattern_id == miner.pattern(keys[1]).pattern_id
    assert miner.pattern(keys[0]).template == "<*> <*> ---- <*> ----"
    # Words without a digit there stay apart, as short different events do.
    other = [miner.add("job STARTED ----"), miner.add("job ENDED ----")]
    digits = [miner.add("job RUN1 ----"), miner.add("job RUN22 ----")]
    miner.compact()
    assert miner.pattern(other[0]).pattern_id != miner.pattern(other[1]).pattern_id
    assert miner.pattern(digits[0]).template == "job <*> ----"
    assert miner.pattern(digits[0]).pattern_id == miner.pattern(digits[1]).pattern_id
    # Error codes with digits name different events: they stay apart.
    codes = [miner.add("call failed: SQL0964C ----"), miner.add("call failed: SQL0911N ----")]
    codes += [miner.add("open failed: ORA-00942 ----"), miner.add("open failed: ORA-01017 ----")]
    miner.compact()
    assert len({miner.pattern(key).pattern_id for key in codes}) == 4


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # A version glued to its "v" keeps the "v"; the number is one value.
        ("Security Scaffold v1.0.0 initialized", "Security Scaffold v<*> initialized"),
        ("RECV370 V00.06 Copyright", "RECV370 V<*> Copyright"),
        # Not a version with letters after it.
        ("build v1.2a by dev1", "build v1.2a by dev<*>"),
        # A path of one component is one value when it names a file; a folder name stays.
        ("sh: /post-backup.sh: Permission denied", "sh: <*>: Permission denied"),
        ("Resolved rack to /default-rack", "Resolved rack to /default-rack"),
        # A dotted name of three or more qualifiers in capitals is one value; two stay.
        ("IDC0551I **ENTRY SYSGEN.ISPF.CLIB NOT DELETED", "IDC0551I **ENTRY <*> NOT DELETED"),
        ("table APP.T2 and U.S.A. here", "table APP.T2 and U.S.A. here"),
    ],
)
def test_whole_values_of_version_5(message, masked):
    assert mask_variables(message) == masked


def test_a_name_after_a_preposition_and_a_kind_noun_is_a_variable_however_few():
    # Three user names are too few for Brain's rule, but "for user <name>" names a user.
    miner = PatternMiner()
    keys = [
        miner.add(f"session opened for user {name} by (uid=0)")
        for name in ("cyrus", "news", "test")
    ]
    # A noun as the subject is followed by what happened, and key=value by a value that may
    # be a state: both stay apart with so few variants.
    states = [miner.add(f"job {state} on time") for state in ("STARTED", "ENDED")]
    keyed = [miner.add(f"auth failure rhost=web7 user={name}") for name in ("root", "guest")]
    miner.compact()
    assert {miner.pattern(key).template for key in keys} == {
        "session opened for user <*> by (uid=<*>)"
    }
    assert miner.pattern(states[0]).pattern_id != miner.pattern(states[1]).pattern_id
    assert miner.pattern(keyed[0]).pattern_id != miner.pattern(keyed[1]).pattern_id


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # JES job ids are values; names of capitals with fewer digits and message ids stay.
        ("23.06.03 JOB00345 IEF403I", "<*> IEF403I"),
        ("started STC01234 and J0012345", "started <*> and <*>"),
        ("RECV370 read ED25519 keys", "RECV370 read ED25519 keys"),
        # Names before " - " after a message id, and the job after a JES2 $HASP id.
        (
            "IEF142I PAYROLL STEP1 - STEP WAS EXECUTED - COND CODE 0004",
            "IEF142I <*> - STEP WAS EXECUTED - COND CODE <*>",
        ),
        ("IEF125I KERCH01 - LOGGED ON - TIME=08.39.00", "IEF125I <*> - LOGGED ON - TIME=<*>"),
        ("$HASP395 PAYROLL  ENDED - RC=0008", "$HASP395 <*>  ENDED - RC=<*>"),
        ("IRR010I  USERID TWSPRD   IS ASSIGNED", "IRR010I  USERID <*>   IS ASSIGNED"),
        # Abend codes and times written with dots are values.
        ("IEF450I PAYROLL STEP2 - ABEND=S806 U0040", "IEF450I <*> - ABEND=<*>"),
        ("user abend SE37 at 02.13.44", "user abend <*> at <*>"),
        ("SAFE mode", "SAFE mode"),
        # ASA carriage control before a printed value; a dash of a list stays.
        ("-            3 CARDS READ", "<*> CARDS READ"),
        ("- item one", "- item one"),
    ],
)
def test_mainframe_values_of_version_6(message, masked):
    assert mask_variables(message) == masked


def test_jes_statistics_lines_after_either_carriage_control_are_one_event():
    miner = PatternMiner()
    keys = [miner.add("0            3 CARDS READ"), miner.add("-          209 CARDS READ")]
    miner.compact()
    assert miner.pattern(keys[0]).pattern_id == miner.pattern(keys[1]).pattern_id


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # A quoted name after a noun naming a kind of thing, or after "named", is a value.
        (
            'password authentication failed for user "postgres"',
            'password authentication failed for user "<*>"',
        ),
        ("No module named 'pandas'", "No module named '<*>'"),
        (
            'could not translate host name "db" to address',
            'could not translate host name "<*>" to address',
        ),
        # A thread's name is one value, whatever its words.
        (
            'Exception in thread "DataStreamer for file x" java.lang.OutOfMemoryError: GC',
            'Exception in thread "<*>" java.lang.OutOfMemoryError: GC',
        ),
        # An identifier with a prefix word keeps it, quoted or not.
        (
            "Saved output of task 'attempt_2015_0001_m_000002_0'",
            "Saved output of task 'attempt_<*>'",
        ),
        # A quoted word elsewhere is the event's own word.
        ('Operation ("deploy") failed', 'Operation ("deploy") failed'),
        ("key: 'RFC_COMMUNICATION_FAILURE'", "key: 'RFC_COMMUNICATION_FAILURE'"),
        # Code stays code: a function or nested class with digits, a generic's arity, an
        # error type quoted as code prints it.
        (
            "at TBinaryProtocol.readI32(TBinaryProtocol.java:60)",
            "at TBinaryProtocol.readI32(TBinaryProtocol.java:<*>)",
        ),
        ("Started HttpServer2$Connector@0.0.0.0:50060", "Started HttpServer2$Connector@<*>"),
        (
            "at Pool.OnError(Action`1 wrapCloseInAction)",
            "at Pool.OnError(Action`1 wrapCloseInAction)",
        ),
        (
            "Exception of type 'System.OutOfMemoryException' was thrown.",
            "Exception of type 'System.OutOfMemoryException' was thrown.",
        ),
        (
            "<class 'curator.exceptions.FailedExecution'>",
            "<class 'curator.exceptions.FailedExecution'>",
        ),
        ("insert into 'SALES.ORDERS' failed", "insert into '<*>' failed"),
        ("link eth3 is down", "link eth<*> is down"),
        # A quoted value in brackets keeps its quotes.
        ('Initializing ProtocolHandler ["http-nio-8080"]', 'Initializing ProtocolHandler ["<*>"]'),
    ],
)
def test_names_and_code_of_version_7(message, masked):
    assert mask_variables(message) == masked


def test_lines_that_differ_only_in_their_error_type_are_different_events():
    miner = PatternMiner()
    lines = [
        "---> System.TimeoutException: A task was canceled.",
        "---> System.Threading.Tasks.TaskCanceledException: A task was canceled.",
        'Exception in thread "main" java.lang.OutOfMemoryError: GC overhead limit exceeded',
        'Exception in thread "main" java.lang.StackOverflowError: GC overhead limit exceeded',
    ]
    keys = [miner.add(line) for line in lines]
    miner.compact()
    assert len({miner.pattern(key).pattern_id for key in keys}) == 4
    assert miner.pattern(keys[1]).template == lines[1]
