"""Fix steps for a root cause: concrete commands for its category and entities, ending with the
conman command that reruns this job (README §8: quote the argument, it contains ``;``).

Operators paste these commands into a shell, so a job's names go into one only when they are
valid TWS names (letters, digits, ``_``, ``-``: nothing a shell expands inside the double
quotes); otherwise the command shows placeholders and the step says why.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from resync_analytics.joblog.entities import Entity
from resync_analytics.joblog.models import Category, JobIdentity

PLACEHOLDER_SELECTOR = "<WS>#<JOBSTREAM>.<JOB>"


def safe_selector(job: JobIdentity | None) -> str:
    """``WS#JS.JOB`` when every name of ``job`` is a valid TWS name, else the placeholders."""
    if job is None or job.name_problem is not None:
        return PLACEHOLDER_SELECTOR
    return job.selector


def conman_rerun(job: JobIdentity | None) -> str:
    """``conman "rr WS#JS.JOB;noask"`` for ``job``; placeholders when it is unknown or a name
    is not a valid TWS name (so pasting it never runs anything but conman)."""
    return f'conman "rr {safe_selector(job)};noask"'


def conman_stdlist(job: JobIdentity | None) -> str:
    """``conman "sj WS#JS.JOB;stdlist"``: print the job's joblog (placeholders as above)."""
    return f'conman "sj {safe_selector(job)};stdlist"'


def _first(entities: Sequence[Entity], *kinds: str) -> str | None:
    return next((e.text for e in entities if e.kind in kinds), None)


def _directory(path: str) -> str:
    if "\\" in path and "/" not in path:
        return path.rsplit("\\", 1)[0] or path
    return posixpath.dirname(path.rstrip("/")) or path


def suggest_steps(
    category: Category,
    entities: Sequence[Entity],
    *,
    job: JobIdentity | None,
    user: str | None,
    exit_code: int | None,
) -> tuple[str, ...]:
    """Ordered fix steps; the last one reruns the job. Empty for a successful job."""
    if category == "success":
        return ()
    path = _first(entities, "path")
    obj = _first(entities, "object")
    host = _first(entities, "host", "url")
    code = _first(entities, "code")
    command = _first(entities, "command")
    account = _first(entities, "user") or user
    steps: list[str] = []
    add = steps.append

    if category == "file_not_found":
        target = path or "the missing file"
        if path:
            add(
                f"Check whether {path} exists and when it was last written: `ls -l "
                f"{_directory(path)}`."
            )
        add(
            f"Find the job or stream that produces {target} and check that it ran and ended in "
            'SUCC today: `conman "sj @#@.@+state=abend"` lists the failed ones.'
        )
        add(
            "If the file only arrives late, make this job wait for it (a file dependency "
            "`opens` or a predecessor) rather than fail; if its name or directory changed, fix "
            "the job's parameters."
        )
    elif category == "permission_denied":
        if obj:
            add(
                f"Check the grants of {account or 'the job user'} on {obj} and ask the DBA for "
                f"the missing privilege."
            )
        if path:
            add(
                f"Check owner and mode of {path} and its directory: `ls -ld {path} "
                f"{_directory(path)}`."
            )
        if account:
            add(f"Check the groups of the job's logon user: `id {account}`.")
        if exit_code == 126:
            add(
                "RC 126: the script exists but cannot be executed: `chmod +x` it, or check that "
                "its file system is not mounted noexec."
            )
        add("Grant the access (chmod/chown/ACL or GRANT) to the job's logon user, not to everyone.")
    elif category == "disk_full":
        if code and code.startswith("ORA-"):
            space = obj or "the tablespace"
            add(
                f"Check free space of {space}: `SELECT tablespace_name, SUM(bytes)/1048576 MB FROM "
                "dba_free_space GROUP BY tablespace_name;`"
            )
            add(
                "Add a datafile or enable autoextend (`ALTER TABLESPACE ... ADD DATAFILE ...`), "
                "or purge old data."
            )
        else:
            where = _directory(path) if path else "."
            add(f"Check free space and inodes: `df -h {where}` and `df -i {where}`.")
            add(
                f"Find what filled it: `du -xsh {where}/* | sort -h | tail`; "
                f"remove or archive old files."
            )
            add(
                "If it fills every night, plan capacity (the disk forecast) or rotate the job's "
                "output."
            )
    elif category == "out_of_memory":
        add(
            "Check whether the kernel killed it: `dmesg -T | grep -i -E 'out of memory|killed "
            "process'`."
        )
        add(
            "Check memory on the workstation at the time of the run: `free -m`; other jobs "
            "running in parallel."
        )
        add(
            "Give the job more memory (JVM `-Xmx`, Oracle PGA) or process smaller batches; lower "
            'the workstation limit (`conman "lc WS;N;noask"`) so fewer jobs run together.'
        )
    elif category == "timeout":
        target = host or obj or "the remote system or query"
        add(
            f"Check whether {target} is slow or hung right now, and how long this job usually "
            f'runs (`conman "sj {safe_selector(job)};props"`).'
        )
        add(
            "Find the slow step (long-running query, remote transfer) and fix it, or raise the "
            "timeout / maximum duration if the work really grew."
        )
    elif category == "network":
        if host:
            target = host.replace(":", " ", 1) if ":" in host and "//" not in host else host
            add(
                f"Test the connection from the workstation: `nc -vz {target}` (and `nslookup` the "
                f"host name)."
            )
        add(
            "Check that the remote service (listener, database, SFTP or HTTP server) is up and "
            "that no firewall or DNS change blocks it."
        )
        if code and code.startswith(("ORA-", "TNS-")):
            add("On the database host: `lsnrctl status`; on the client: `tnsping <alias>`.")
    elif category == "authentication":
        who = account or "the job's user"
        if code == "AWSBDW009E":
            add(
                f"Check that the logon user {who} exists on the workstation: `id {who}`; fix the "
                f"job's logon (streamlogon) in its definition if it is wrong."
            )
        else:
            add(
                f"Check the credentials configured for {who} (password vault, .netrc, wallet, key "
                f"file): expired, locked or changed?"
            )
            add(
                "Try the same login by hand from the workstation with the job's user "
                "(sqlplus/psql/ssh -v/curl)."
            )
        add(
            "Unlock or reset the account, or update the stored credential, then check no other "
            "job uses the old one."
        )
    elif category == "database":
        if obj:
            add(
                f"Check that {obj} exists and the job's schema can see it (synonym, search path, "
                f"grants)."
            )
        add(
            f"Run the failing statement by hand to reproduce {code or 'the error'} and read the "
            f"database's message documentation."
        )
        add(
            "Fix the data or the SQL (or ask the DBA), then rerun; check what the partial run "
            "already loaded."
        )
    elif category == "command_not_found":
        name = command or "the command"
        add(f"Check where {name} is installed: `command -v {name}` as the job's user.")
        add(
            "jobmanrc runs jobs with PATH=/bin:/usr/bin: call the program by its absolute path, "
            "or set PATH in the script (or in jobmanrc / .jobmanrc)."
        )
    elif category == "invalid_input":
        target = path or obj or "the input data or parameters"
        add(
            f"Inspect {target}: format, encoding, header, empty or truncated file; look at the "
            f"bad/reject file if the loader wrote one."
        )
        add(
            "Check the job's parameters (dates, variables from the variable table) against what "
            "the script expects."
        )
        add("Fix or replace the input at its source, then rerun.")
    elif category == "resource_busy":
        target = path or obj or "the resource"
        if path:
            add(f"Find who holds {path}: `fuser -v {path}` or `lsof {path}`.")
        else:
            add(
                f"Find who holds {target} (database locks: v$locked_object / pg_locks; files: "
                f"`lsof`)."
            )
        add(
            "Wait for the holder to finish or coordinate: a resource or predecessor dependency in "
            "TWS keeps the two jobs from overlapping."
        )
    elif category == "signal_or_crash":
        add(
            "Check who or what stopped it: `dmesg -T | tail`, an operator kill or onlate action, "
            "a core file in the job's directory."
        )
        add(
            "If it crashed (SIGSEGV/SIGABRT), collect the core and the exact input, and open a "
            "ticket with the program's owner."
        )
    elif category == "application_error":
        add(f"Read the lines around the error in the full joblog: `{conman_stdlist(job)}`.")
        add(
            "Pass the error text to the application owner; check for a recent change of the "
            "program or its input."
        )
    else:  # unknown
        add(
            f"Read the full joblog: `{conman_stdlist(job)}`; the job printed no recognisable error."
        )
        add("Check the engine's log for this job: <TWS_home>/stdlist/logs/<yyyymmdd>_TWSMERGE.log.")

    problem = job.name_problem if job is not None else None
    if job is None or problem is not None:
        why = f"{problem}, so it is not put in a command; " if problem else ""
        add(
            f"After the fix, rerun the job: `{conman_rerun(None)}` ({why}replace the "
            "placeholders with the workstation, job stream and job names; "
            '`conman "sj @#@.@+state=abend"` lists them).'
        )
    else:
        add(f"After the fix, rerun the job: `{conman_rerun(job)}`.")
    return tuple(steps)
