"""Derive a good run from a real failing joblog, for the pass/fail-pair benchmark.

Where no real successful run of the same job is at hand, a stand-in is made from the failing
run: the failing region is removed (the error statement with the block of error, kill,
signal and traceback lines leading to it, and everything the job printed after it), the TWS
trailer says exit status 0, and the variable fields (timestamps, dates, durations, job
numbers, hex ids) carry other values, as a run on another night would print them. What the
job printed before it failed is kept: that is what it prints when it succeeds too (which
flatters a baseline when that output held the failure's first signs).

    python -m scripts.derive_good_joblogs          # writes tests/data/joblogs/pairs/

Each pair's labelled error range (``[first, last]``): the labelled root-cause line and the
indented lines continuing it. Pairs whose good run is real are listed in ``REAL_GOOD_RUNS``
below and kept as they are.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "joblogs" / "real"
PAIRS = ROOT / "tests" / "data" / "joblogs" / "pairs"

_BANNER = re.compile(rb"^(=|WA for UNIX/JOBMANRC|AWSBIS307I)")
_RULE = re.compile(rb"^={20,}\s*$")
_TRAILER_START = re.compile(rb"^(AWSBIS308I|={20,}\s*$)")
_EXIT = re.compile(rb"^(= Exit Status\s*:\s*)\d+")
# Lines that belong to an error statement before its labelled line (a traceback, a chain).
_LEAD_IN = re.compile(
    rb"^(\s|Traceback|Caused by|During handling|The above exception|"
    rb"[\w.$]+(Exception|Error)\b)"
    rb"|(?i:error|exception|fail|fatal|abort|denied|refused|killed|terminated|oom|signal"
    rb"|core dumped|segmentation|timed out|timeout)"
)
_CONTINUATION = re.compile(rb"^(\s+\S|\tat |at \S)")
_VARIABLE = re.compile(
    rb"\b\d{4}-\d{2}-\d{2}|\b\d{2}/\d{2}/\d{2,4}\b"  # dates
    rb"|\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"  # times
    rb"|\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|min)\b"  # durations
    rb"|(?<=Job Number: )\d+|(?<=pid )\d+|(?<=PID )\d+"  # job numbers, pids
    rb"|\b[0-9a-f]{8,}\b"  # hex ids
)


def _shift_digits(match: re.Match[bytes]) -> bytes:
    """Another night's value of the same shape: the last digit of each number moves on."""
    return re.sub(
        rb"\d+",
        lambda m: m.group(0)[:-1] + str((int(m.group(0)[-1:]) + 1) % 10).encode(),
        match.group(0),
    )


def error_range(lines: list[bytes], error_line: int) -> tuple[int, int]:
    """The labelled line and the indented lines continuing it (1-based, inclusive)."""
    last = error_line
    while last < len(lines) and _CONTINUATION.match(lines[last]) and last - error_line < 40:
        last += 1
    return error_line, last


def body_bounds(lines: list[bytes]) -> tuple[int, int]:
    """Indexes (0-based, half-open) of the job's own output between TWS banner and trailer."""
    start = 0
    if lines and _RULE.match(lines[0]):
        # the banner runs to its closing rule, whatever it holds (a JSDL job's XML spans lines)
        start = next((i + 1 for i in range(1, min(len(lines), 80)) if _RULE.match(lines[i])), 0)
    while start < len(lines) and start < 80 and _BANNER.match(lines[start]):
        start += 1
    end = len(lines)
    for index in range(len(lines) - 1, start - 1, -1):
        if _TRAILER_START.match(lines[index]) or lines[index].startswith(b"= "):
            end = index
        elif lines[index].strip():
            break
    return start, end


def derive_good_run(data: bytes, error_line: int) -> bytes:
    """The stand-in good run of a failing joblog (see the module's docstring)."""
    lines = data.split(b"\n")
    start, end = body_bounds(lines)
    # The failure's block before its labelled line: lines stating errors, kills, signals or
    # continuing a traceback, with at most one unrelated line between two of them.
    cut = error_line - 1
    index, misses = cut - 1, 0
    while index >= start and misses < 2 and error_line - index < 200:
        if _LEAD_IN.search(lines[index]):
            cut, misses = index, 0
        else:
            misses += 1
        index -= 1
    kept = lines[:start] + lines[start:cut] + lines[end:]
    rewritten = [_EXIT.sub(rb"\g<1>0", _VARIABLE.sub(_shift_digits, line)) for line in kept]
    return b"\n".join(rewritten)


def wrap_real_output(failing: bytes, output: bytes) -> bytes:
    """A real successful run's output in the failing run's TWS stdlist: its banner and
    trailer (variable fields rewritten, exit status 0) around ``output``, with its line ends."""
    newline = b"\r\n" if b"\r\n" in failing else b"\n"
    lines = failing.split(b"\n")
    start, end = body_bounds(lines)
    body = output.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")
    if newline == b"\r\n":
        body = [line + b"\r" for line in body]
    kept = lines[:start] + body + lines[end:]
    return b"\n".join(_EXIT.sub(rb"\g<1>0", _VARIABLE.sub(_shift_digits, line)) for line in kept)


# Real successful runs of the same tool (the same command, or the same kind of job, where a
# public thread has one; harmless warnings and tolerated errors kept as the tool printed them),
# from the public source named; the output is in pairs/real_output/, anonymised as the
# failing transcript is.
_SQLLDR = {
    "output": "sqlldr_database_gui_6.txt",
    "url": "https://github.com/ThreeFourSeven/Database-Gui/issues/6",
    "note": "the same project's seed loop (sqlplus schema, sqlldr loads) run successfully",
}
_RSYNC = {
    "output": "rsync_avp_oferchen_6108.txt",
    "url": "https://github.com/oferchen/rsync/issues/6108",
    "note": "upstream rsync -avP run that succeeded (quoted for comparison in the thread)",
}


def _run(output: str, url: str, note: str) -> dict[str, str]:
    return {"output": output, "url": url, "note": note}


_SQLCMD = _run(
    "sqlcmd_canvasdataviewer_31.txt",
    "https://github.com/EMU-CFE/CanvasDataViewer/issues/31",
    "T-SQL install script that ran through, printing Msg 3701 for each procedure it had"
    " nothing to drop",
)
_PG_DUMP = [
    _run(
        "pg_dump_repmgr_689.txt",
        "https://github.com/EnterpriseDB/repmgr/issues/689",
        "pg_dump that dumped, warning of circular foreign keys on stderr",
    ),
    _run(
        "db_backup_pg_dump_nfrastack_54.txt",
        "https://github.com/nfrastack/db-backup/issues/54",
        "scheduled pg_dump backup that was created, with the same warnings",
    ),
]
_SPARK = [
    _run(
        "spark_submit_pyspark_cassandra_2.txt",
        "https://github.com/TargetHolding/pyspark-cassandra/issues/2",
        "start-up lines of a spark-submit run: loopback-hostname and native-hadoop warnings",
    ),
    _run(
        "spark_submit_dotnet_spark_602.txt",
        "https://github.com/dotnet/spark/issues/602",
        "start-up lines of another spark-submit run, the same warnings",
    ),
]
_SPRING_BATCH = _run(
    "spring_batch_ealenxie_2.txt",
    "https://github.com/EalenXie/springboot-batch/issues/2",
    "Spring Batch job that ended with status COMPLETED",
)
_DBT = _run(
    "dbt_run_deprecated_model_10833.txt",
    "https://github.com/dbt-labs/dbt-core/issues/10833",
    "dbt run that ran, warning of a model past its deprecation date",
)
_AIRFLOW = [
    _run(
        "airflow_task_success_38581.txt",
        "https://github.com/apache/airflow/issues/38581",
        "Airflow task attempt of a DAG run that succeeded (names transliterated)",
    ),
    _run(
        "airflow_success_overtime_47449.txt",
        "https://github.com/apache/airflow/pull/47449",
        "task already set to success, then its runner SIGTERMed (ERROR lines) for overtime",
    ),
]
_ANSIBLE = _run(
    "ansible_tolerated_rc_71763.txt",
    "https://github.com/ansible/ansible/issues/71763",
    "tasks that passed with a tolerated non-zero return code (failed_when false), from a"
    " run whose failure was another host's",
)
_JES2 = [
    _run(
        "jes2_creksds_zos_core_635.txt",
        "https://github.com/ansible-collections/ibm_zos_core/issues/635",
        "JES2 job log of a job that ran (failed: false), $HASP375 lines-exceeded warnings",
    ),
    _run(
        "jes2_tso_logon_zowe_468.txt",
        "https://github.com/zowe/zowe-cli/issues/468",
        "JES2 job log that ended RC=0000",
    ),
]
_ROBOCOPY = _run(
    "robocopy_windowsmachinefilecopy_14597.txt",
    "https://github.com/microsoft/azure-pipelines-tasks/issues/14597",
    "progress lines of a robocopy run copying newer files",
)
_GHA = [
    _run(
        "gha_upload_artifact_warn_minio_2884.txt",
        "https://github.com/minio/object-browser/pull/2884",
        "job that passed while upload-artifact warned that no files were found",
    ),
    _run(
        "gha_orphan_process_sccache_7.txt",
        "https://github.com/metalbear-co/sccache-action/pull/7",
        "end of a passing job that terminated an orphan process",
    ),
]
_K8S_EVENTS = _run(
    "k8s_events_rollout_kubebb_130.txt",
    "https://github.com/kubebb/core/pull/130",
    "kubectl get events of a rollout whose pods pulled and started",
)
_K8S_JOB_POD = _run(
    "k8s_describe_cronjob_pod_569.txt",
    "https://github.com/canonical/k8s-operator/issues/569",
    "kubectl describe of a CronJob's pod with status Succeeded",
)
_DB2_CLP = [
    _run(
        "db2_connect_select_db2_fdw_4.txt",
        "https://github.com/pg-fdw/db2_fdw/issues/4",
        "db2 connect and select from the CLP that connected",
    ),
    _run(
        "db2_clp_describe_kafka_playground_7776.txt",
        "https://github.com/vdesabou/kafka-docker-playground/issues/7776",
        "db2 CLP script whose commands completed successfully",
    ),
]
_PS_COPY = _run(
    "psadt_copy_warning_1340.txt",
    "https://github.com/PSAppDeployToolkit/PSAppDeployToolkit/issues/1340",
    "PowerShell file copy that succeeded while logging a warning",
)
_K8S_CONTROLLER = _run(
    "k8s_controller_job_completed_kind_2611.txt",
    "https://github.com/kubernetes-sigs/kind/issues/2611",
    "kube-controller-manager events of a Job that completed",
)
_SLURM = _run(
    "slurm_step_memory_warning_galaxy_2309.txt",
    "https://github.com/galaxyproject/galaxy/pull/2309",
    "stderr of a Slurm job that succeeded: slurmstepd's step-memory error line",
)
REAL_GOOD_RUNS: dict[str, list[dict[str, str]]] = {
    "fnf_sqlldr_windows_csv_missing_repeated.log": [_SQLLDR],
    "input_sqlldr_ora12899_value_too_large.log": [_SQLLDR],
    # the same SQL*Plus seed run: another job's successful SQL*Plus session
    "db_sqlplus_ora00942_then_ora04043.log": [_SQLLDR],
    "net_sqlplus_ora12154_flush_pool.log": [_SQLLDR],
    "net_sqlplus_ora12154_jenkins_windows.log": [_SQLLDR],
    "cmd_zfs_autobackup_cron_exit127.log": [
        {
            "output": "zfs_autobackup_244.txt",
            "url": "https://github.com/psy0rz/zfs_autobackup/issues/244",
            "note": "zfs-autobackup -v run that ended successfully",
        }
    ],
    "net_ansible_ping_unreachable_timeout.log": [
        {
            "output": "ansible_ping_philote_7.txt",
            "url": "https://github.com/noctux/philote/pull/7",
            "note": "ansible all -m ping answered SUCCESS/pong",
        }
    ],
    "timeout_curl28_clamav_sigs_download.log": [
        {
            "output": "clamav_unofficial_sigs_287.txt",
            "url": "https://github.com/extremeshok/clamav-unofficial-sigs/issues/287",
            "note": "clamav-unofficial-sigs.sh run with nothing due (no update check, no error)",
        }
    ],
    "perm_rsync_send_files_code23.log": [_RSYNC],
    "perm_rsync_chmod_not_permitted.log": [_RSYNC],
    "db_sqlcmd_msg102_syntax_then_msg208.log": [_SQLCMD],
    "db_sqlcmd_msg208_then_msg4902.log": [_SQLCMD],
    "disk_mssql_filegroup_full_indexoptimize.log": [_SQLCMD],
    "db_ads_msg208_between_warnings.log": [
        _run(
            "ads_query_azuredatastudio_912.txt",
            "https://github.com/microsoft/azuredatastudio/issues/912",
            "Azure Data Studio query run that completed (its database context changes)",
        )
    ],
    "disk_pg_dump_gzip_false_success.log": _PG_DUMP,
    "disk_pg_dumpall_k8s_backup_no_space.log": _PG_DUMP,
    "oom_spark_shuffle_fetch_heap_jaeger.log": _SPARK,
    "oom_spark_stage_failure_heap_zingg.log": _SPARK,
    "oom_spark_uncaught_heap_transmogrifai.log": _SPARK,
    "oom_spark_yarn_vmem_lost_executor.log": _SPARK,
    "app_spring_batch_listener_npe_ohdsi.log": [_SPRING_BATCH],
    "app_spring_batch_reader_npe_wallride.log": [_SPRING_BATCH],
    "app_spring_batch_repeat_template_npe.log": [_SPRING_BATCH],
    "app_dbt_loom_not_in_graph_after_warning.log": [_DBT],
    "app_dbt_prefect_compilation_missing_node.log": [_DBT],
    "db_dbt_redshift_relation_oid.log": [_DBT],
    "db_dbt_airflow_improper_relation.log": [_DBT, _AIRFLOW[0]],
    "crash_airflow_external_state_sigterm.log": _AIRFLOW,
    "crash_airflow_pid_mismatch_sigterm.log": _AIRFLOW,
    "busy_ansible_btsync_copy_text_file_busy.log": [_ANSIBLE],
    "disk_zos_ims_dbdgen_e37_ansible.log": [_ANSIBLE, _JES2[0]],
    "invalid_zos_jes2_jcl_error_not_run.log": _JES2,
    "perm_robocopy_copying_ntfs_security.log": [_ROBOCOPY],
    "perm_robocopy_unc_destination_dir.log": [_ROBOCOPY],
    "unknown_robocopy_exit11_failed_file.log": [_ROBOCOPY],
    "timeout_gitlab_step_script_terminated.log": [
        _run(
            "gitlab_job_succeeded_plumber_10.txt",
            "https://github.com/getplumber/plumber/issues/10",
            "GitLab job that succeeded after WARNING/ERROR lines of an empty artifact upload",
        )
    ],
    "crash_gha_tests_segfault_139.log": _GHA,
    "unknown_gha_scl_enabled_exit1.log": _GHA,
    "auth_k8s_events_imagepull_unauthorized.log": [_K8S_EVENTS],
    "auth_k8s_acr_pull_unauthorized.log": [_K8S_EVENTS],
    "unknown_k8s_job_backoff_limit_events.log": [_K8S_JOB_POD],
    "auth_db2_clp_sql30082n_reason24.log": _DB2_CLP,
    "fnf_powershell_copy_item_program_files.log": [_PS_COPY],
    "fnf_powershell_copy_item_scripts_dir.log": [_PS_COPY],
    "app_dbt_compilation_nonetype_macro.log": [_DBT],
    "db_dbt_snowflake_schema_not_authorized.log": [_DBT],
    "auth_ansible_k3s_missing_sudo_password.log": [_ANSIBLE],
    "auth_ansible_micado_sudo_password_required.log": [_ANSIBLE],
    "auth_sqlplus_ora01017_sp2_0751_docker.log": [_SQLLDR],
    "busy_airflow_sas_deadlock_after_http_abort.log": _AIRFLOW,
    "net_airflow_sqlproxy_refused_3306.log": _AIRFLOW,
    "net_sqlcmd_chronic_login_timeout_0x102.log": [_SQLCMD],
    "disk_spark_kyuubi_context_no_space.log": _SPARK,
    "oom_k8s_describe_last_state_oomkilled.log": [_K8S_JOB_POD],
    "timeout_k8s_job_deadline_exceeded_event.log": [_K8S_CONTROLLER],
    "db_kubegres_pg_dump_recovery_conflict.log": _PG_DUMP,
    "net_pg_backup_cron_host_db_resolution.log": [_PG_DUMP[1]],
    "timeout_slurm_canu_job_time_limit.log": [_SLURM],
    "timeout_slurm_srun_step_aborted_time_limit.log": [_SLURM],
}


def build() -> dict[str, object]:
    labels = json.loads((REAL / "labels.json").read_text())
    split = json.loads((REAL / "split.json").read_text())
    test = set(split["test"])
    pairs = []
    PAIRS.mkdir(parents=True, exist_ok=True)
    for name in sorted(labels):
        error_line = labels[name]["error_line"]
        if error_line <= 0:
            continue
        data = (REAL / name).read_bytes()
        first, last = error_range(data.split(b"\n"), error_line)
        real = REAL_GOOD_RUNS.get(name)
        if real:
            good = []
            for number, item in enumerate(real, start=1):
                good_name = f"{name.removesuffix('.log')}.real{number}.good.log"
                output = (PAIRS / "real_output" / item["output"]).read_bytes()
                (PAIRS / good_name).write_bytes(wrap_real_output(data, output))
                good.append(good_name)
            provenance, sources = "real", [item["url"] for item in real]
            outputs = [f"real_output/{item['output']}" for item in real]
        else:
            good_name = name.removesuffix(".log") + ".good.log"
            (PAIRS / good_name).write_bytes(derive_good_run(data, error_line))
            good, provenance, sources, outputs = [good_name], "derived", [], []
        pairs.append(
            {
                "failing": f"../real/{name}",
                "good": good,
                "good_provenance": provenance,
                "good_sources": sources,
                "good_outputs": outputs,
                "error_range": [first, last],
                "category": labels[name]["category"],
                "split": "test" if name in test else "development",
            }
        )
    manifest: dict[str, object] = {
        "description": (
            "Pass/fail pairs: a real failing joblog (tests/data/joblogs/real) and good runs of "
            "the same job. good_provenance 'real': a successful run of the same tool and "
            "command (or kind of job) from the public source in good_sources, its output as "
            "printed in good_outputs; 'derived': made from the "
            "failing log by scripts/derive_good_joblogs.py (failing region removed, exit "
            "status 0, variable fields rewritten). error_range: 1-based [first, last] lines "
            "of the failing log that state the root cause. split: the failing log's split in "
            "real/split.json."
        ),
        "pairs": pairs,
    }
    (PAIRS / "pairs.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


if __name__ == "__main__":
    built = build()
    print(f"{len(built['pairs'])} pairs written to {PAIRS}")  # type: ignore[arg-type]
