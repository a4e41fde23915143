"""Labelled joblogs: the hand-written corpus in tests/data/joblogs, the real transcripts in
tests/data/joblogs/real, the blind-written joblogs in tests/data/joblogs/blind and simulator
renderings."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

from resync_analytics.joblog.evaluation import LabelledJoblog

CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "joblogs"
# transcripts other people's tools printed (issue threads, Q&A pages, vendor docs), each wrapped
# in a TWS stdlist; sources.json names where each came from
REAL_DIR = CORPUS_DIR / "real"
REAL_PREFIX = "real/"
# joblogs written by authors who never saw the analyser, its knowledge base or the corpora
# above, as a customer's own joblogs would be; sources.json says what each was meant to test
BLIND_DIR = CORPUS_DIR / "blind"
BLIND_PREFIX = "blind/"


def _load(directory: Path, prefix: str = "") -> list[LabelledJoblog]:
    labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    return [
        LabelledJoblog(
            prefix + name,
            (directory / name).read_bytes(),
            label["category"],
            label["error_line"],
            tuple(label["entities"]),
            tuple(label.get("roles", {}).get(e, "") for e in label["entities"])
            if "roles" in label
            else (),
        )
        for name, label in sorted(labels.items())
    ]


def load_corpus() -> list[LabelledJoblog]:
    """The hand-written corpus (written by this project)."""
    return _load(CORPUS_DIR)


def load_real_corpus() -> list[LabelledJoblog]:
    """Real transcripts by other authors; sample names carry the ``real/`` prefix."""
    if not (REAL_DIR / "labels.json").exists():
        return []
    return _load(REAL_DIR, REAL_PREFIX)


def load_blind_corpus() -> list[LabelledJoblog]:
    """Blind-written joblogs; sample names carry the ``blind/`` prefix."""
    if not (BLIND_DIR / "labels.json").exists():
        return []
    return _load(BLIND_DIR, BLIND_PREFIX)


def render_simulated(seeds_per_template: int = 3) -> list[LabelledJoblog]:
    """Every failure template on every agent kind, plus successes, with their ground truth."""
    from resync_simulator.failures import FAILURE_TEMPLATES
    from resync_simulator.joblogs import JobContext, render_joblog

    cet = timezone(timedelta(hours=1), "CET")
    samples = []
    for template in (*FAILURE_TEMPLATES, None):
        for kind in ("unix", "dynamic", "windows"):
            for seed in range(seeds_per_template):
                start = datetime(2025, 3, 14, 2, 0, 5, tzinfo=cet)
                rc = template.return_code if template else 0
                ctx = JobContext(
                    workstation="FTA01",
                    job_stream="PAYROLL",
                    job_name="LOAD_EMP",
                    job_number=412233,
                    user="batchusr",
                    script="D:\\batch\\load_emp.cmd"
                    if kind == "windows"
                    else "/opt/app/bin/load_emp.sh",
                    sched_time=start.replace(minute=0, second=0),
                    start_time=start,
                    end_time=start + timedelta(minutes=7),
                    return_code=rc,
                    agent_kind=kind,
                )
                name = f"{template.template_id if template else 'success'}/{kind}/{seed}"
                rendered = render_joblog(ctx, template, random.Random(name))
                truth = rendered.ground_truth
                assert truth is not None
                samples.append(
                    LabelledJoblog(
                        name, rendered.data, truth.category, truth.error_line, truth.entities
                    )
                )
    return samples
