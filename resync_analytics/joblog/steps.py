"""Fix steps for a root cause: concrete commands for its category and entities, ending with the
conman command that reruns this job (README §8: quote the argument, it contains ``;``).

The steps are data (``[[steps.<category>]]`` and a family's own ``[[family.steps]]`` in the
knowledge base): templates whose ``{path}``, ``{host}``, ``{user}``... placeholders take the
entities the error line names, with a fallback text when the line names none.

Operators paste these commands into a shell, so a job's names go into one only when they are
valid TWS names (letters, digits, ``_``, ``-``: nothing a shell expands inside the double
quotes); otherwise the command shows placeholders and the step says why.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping, Sequence

from resync_analytics.joblog.entities import Entity, role_of
from resync_analytics.joblog.knowledge import StepTemplate, knowledge
from resync_analytics.joblog.knowledge.model import PLACEHOLDER
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


def conman_confirm_success(job: JobIdentity | None) -> str:
    """``conman "confirm WS#JS.JOB;succ;noask"``: mark an ABEND run that did its work SUCC."""
    return f'conman "confirm {safe_selector(job)};succ;noask"'


def benign_exit_steps(job: JobIdentity | None, exit_code: int, condition: str) -> tuple[str, ...]:
    """What to do when a run did its work but its tool's exit status made TWS count it a
    failure: give the job the success condition, and confirm this run."""
    return (
        f"Nothing failed: so that TWS stops counting exit status {exit_code} as a failure, add "
        f"`{condition}` to the job's definition (composer) and replace the plan's copy.",
        f"If TWS marked this run ABEND, confirm it: `{conman_confirm_success(job)}`.",
    )


def _directory(path: str) -> str:
    if "\\" in path and "/" not in path:
        return path.rsplit("\\", 1)[0] or path
    return posixpath.dirname(path.rstrip("/")) or path


def _nc_target(host: str) -> str:
    """``host:port`` as ``nc`` wants it (``host port``); a URL stays as it is."""
    return host.replace(":", " ", 1) if ":" in host and "//" not in host else host


_FILTERS: dict[str, Callable[[str], str]] = {"dir": _directory, "nc": _nc_target}
"""The filters ``knowledge.model.STEP_FILTERS`` names (the loader refuses others)."""


def _roles(entities: Sequence[Entity], job: JobIdentity | None, user: str | None) -> dict[str, str]:
    """The values the step templates can name: the first entity of each role (what it is to
    a fix: host, port, user, object, path, pid, limit, frame, script...), else of each kind
    (a path read as a script still answers ``{path}``); a URL answers ``{host}`` when no
    host is named; the job's logon user answers ``{user}``; the job's commands."""
    roles: dict[str, str] = {}
    for entity in entities:
        roles.setdefault(role_of(entity), entity.text)
    for entity in entities:
        roles.setdefault(entity.kind, entity.text)
    if "host" not in roles and "url" in roles:
        roles["host"] = roles["url"]
    if "user" not in roles and user:
        roles["user"] = user
    roles["selector"] = safe_selector(job)
    roles["stdlist"] = conman_stdlist(job)
    return roles


def render_step(text: str, roles: Mapping[str, str]) -> str:
    """``text`` with each ``{role}``, ``{role:filter}`` or ``{a,b|fallback}`` filled in: the
    first role present, else the fallback, else ``<role>``."""

    def fill(match: re.Match[str]) -> str:
        names, filter_name, fallback = match.groups()
        value = next((roles[n] for n in names.split(",") if roles.get(n)), None)
        if value is None:
            return fallback if fallback is not None else f"<{names.split(',')[0]}>"
        return _FILTERS[filter_name](value) if filter_name in _FILTERS else value

    return PLACEHOLDER.sub(fill, text)


def _applies(step: StepTemplate, roles: Mapping[str, str], exit_code: int | None) -> bool:
    if any(not roles.get(role) for role in step.when):
        return False
    if any(roles.get(role) for role in step.unless):
        return False
    return step.exit_code is None or step.exit_code == exit_code


def _templates(category: Category, family: str | None) -> tuple[StepTemplate, ...]:
    kb = knowledge()
    general = kb.steps.get(category, kb.steps.get("unknown", ()))
    if family is None:
        return general
    try:
        own = kb.family(family)
    except KeyError:
        return general  # "exit_code" and other findings that are not a family
    if own.category != category or not own.steps:
        return general
    return own.steps if own.replace_steps else (*general, *own.steps)


def suggest_steps(
    category: Category,
    entities: Sequence[Entity],
    *,
    job: JobIdentity | None,
    user: str | None,
    exit_code: int | None,
    family: str | None = None,
) -> tuple[str, ...]:
    """Ordered fix steps; the last one reruns the job. Empty for a successful job.

    The steps are the knowledge base's for ``category``, or for the message ``family`` of the
    root cause when it has its own; placeholders take the entities the error line names.
    """
    if category == "success":
        return ()
    roles = _roles(entities, job, user)
    steps = [
        render_step(step.text, roles)
        for step in _templates(category, family)
        if _applies(step, roles, exit_code)
    ]
    add = steps.append

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
