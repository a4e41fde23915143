"""``resync-flows health``: is every outside system this site depends on reachable and sane?

Checks, concurrently and each within ``--timeout`` seconds: PostgreSQL (connect, schema
version, job runs the poller had to quarantine in the last day), the TWS REST API (one cheap
count query, its latency, the client's circuit breaker), the Prefect API (``/health``) and,
when configured, the LLM (a tiny completion). A component
is ``ok``, ``warn`` (works, but needs attention), ``down``, or ``off`` (not configured). The
exit code is 1 when any component is down.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from resync_core.settings import Settings, load_settings

if TYPE_CHECKING:
    from resync_clients.postgres.quarantine import QuarantineSummary
    from resync_clients.store import Store

Status = Literal["ok", "warn", "down", "off"]
# What a probe reports besides its status; ComponentHealth keeps it read-only.
_Facts = dict[str, str | int | None]
DEFAULT_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class ComponentHealth:
    """The state of one component. ``latency_ms`` is the probe's round trip (None when off);
    ``facts`` are short named values worth showing (schema version, circuit state...)."""

    name: str
    status: Status
    detail: str
    latency_ms: float | None = None
    facts: Mapping[str, str | int | None] = field(default_factory=dict)

    @property
    def is_down(self) -> bool:
        return self.status == "down"


class _Timer:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    @property
    def ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 1)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 240 else text[:237] + "..."


async def check_postgres(settings: Settings, timeout: float) -> ComponentHealth:
    """Connect (the embedded server is started when no URL is set) and read the schema version."""
    from resync_clients.store import StoreError, open_store

    def probe() -> ComponentHealth:
        timer = _Timer()
        try:
            with open_store(settings, min_size=1, max_size=1, connect_timeout=timeout) as store:
                status = store.migration_status()
                server = store.server_version()
                location = store.location
                rejects = None if status.pending else _poller_rejects(store)
        except (StoreError, OSError) as exc:
            return ComponentHealth("postgresql", "down", _short(exc), timer.ms)
        except Exception as exc:  # a driver error we did not foresee is still "down"
            detail = f"{type(exc).__name__}: {_short(exc)}"
            return ComponentHealth("postgresql", "down", detail, timer.ms)
        facts: _Facts = {
            "schema_version": status.current_version,
            "latest_schema_version": status.latest_version,
            "server_version": server,
        }
        if status.pending:
            # Flows apply pending migrations before their first write; worth knowing though.
            detail = (
                f"schema {status.current_version} of {status.latest_version}: "
                f"{len(status.pending)} migration(s) pending (resync-flows db upgrade)"
            )
            return ComponentHealth("postgresql", "warn", detail, timer.ms, facts)
        if status.current_version > status.latest_version:
            detail = f"schema {status.current_version} is newer than this code knows"
            return ComponentHealth("postgresql", "warn", detail, timer.ms, facts)
        detail = f"PostgreSQL {server}, schema {status.current_version} ({location})"
        if rejects is not None:
            facts["quarantined_runs_24h"] = rejects.quarantined
            facts["corrected_runs_24h"] = rejects.clamped
            if rejects.quarantined:
                detail += (
                    f"; the poller quarantined {rejects.quarantined} job run(s) TWS sent in the "
                    "last 24 h (see table job_run_quarantine)"
                )
                return ComponentHealth("postgresql", "warn", detail, timer.ms, facts)
        return ComponentHealth("postgresql", "ok", detail, timer.ms, facts)

    return await asyncio.to_thread(probe)


def _poller_rejects(store: Store) -> QuarantineSummary:
    """Job runs the poller quarantined or corrected in the last day (a TWS data problem)."""
    from datetime import UTC, datetime, timedelta

    from resync_clients.postgres.quarantine import summarise_quarantine

    with store.connection() as conn:
        return summarise_quarantine(conn, datetime.now(UTC) - timedelta(days=1))


async def check_tws(settings: Settings, timeout: float) -> ComponentHealth:
    """Count the jobs of the plan: one small authenticated request through the real client."""
    from resync_clients.tws.client import TWSClient, TWSClientConfig
    from resync_clients.tws.errors import TWSAuthError, TWSError
    from resync_clients.tws.resilience import RetryPolicy

    if settings.tws_url is None:
        return ComponentHealth(
            "tws", "off", "RESYNC_TWS_URL is not set (flows use the built-in simulator)"
        )
    config = TWSClientConfig.from_settings(
        settings,
        timeout_seconds=timeout,
        connect_timeout_seconds=min(timeout, 10.0),
        # One retry: a single dropped connection should not fail the check.
        retry=RetryPolicy(max_attempts=2, base_delay_seconds=0.2, max_total_seconds=timeout),
    )
    timer = _Timer()
    async with TWSClient(config) as tws:
        try:
            count = await asyncio.wait_for(tws.count_jobs(), timeout=timeout * 2)
        except TWSAuthError as exc:
            detail = f"credentials rejected: {_short(exc)}"
            facts: _Facts = {"circuit": str(tws.circuit_state)}
            return ComponentHealth("tws", "down", detail, timer.ms, facts)
        except (TWSError, TimeoutError) as exc:
            detail = _short(exc) if str(exc) else "no answer in time"
            facts = {"circuit": str(tws.circuit_state)}
            return ComponentHealth("tws", "down", detail, timer.ms, facts)
        latency = timer.ms
        facts = {"circuit": str(tws.circuit_state), "jobs_in_plan": count.count}
    detail = f"{count.count} jobs in plan {settings.tws_plan_id} at {config.base_url}"
    return ComponentHealth("tws", "ok", detail, latency, facts)


async def check_prefect(timeout: float) -> ComponentHealth:
    """GET ``/health`` of the configured Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        return ComponentHealth(
            "prefect", "off", "PREFECT_API_URL is not set (flows run on an ephemeral API)"
        )
    timer = _Timer()
    try:
        async with get_client() as client:
            failure = await asyncio.wait_for(client.api_healthcheck(), timeout=timeout)
            version = None if failure else await asyncio.wait_for(client.api_version(), timeout)
    except Exception as exc:  # the client raises many types; any of them means "not reachable"
        failure = exc
    if failure is not None:
        detail = f"{url}: {_short(failure) if str(failure) else 'no answer in time'}"
        return ComponentHealth("prefect", "down", detail, timer.ms)
    return ComponentHealth(
        "prefect", "ok", f"{url} (API {version})", timer.ms, {"api_version": version}
    )


async def check_llm(settings: Settings, timeout: float) -> ComponentHealth:
    """A one-word completion from the configured model, without retries."""
    from resync_clients.llm import ChatMessage, LLMClient, LLMConfig, LLMError

    if not settings.llm_enabled:
        return ComponentHealth("llm", "off", "RESYNC_LLM_MODEL is not set (deterministic only)")
    from dataclasses import replace

    config = replace(
        LLMConfig.from_settings(settings, retries=0, max_tokens=8),
        timeout_seconds=min(timeout, settings.llm_timeout_seconds),
    )
    client = LLMClient(config)
    prompt = [ChatMessage("user", 'Health check: answer with the JSON object {"ok": true}.')]
    timer = _Timer()
    try:
        reply = await asyncio.to_thread(client.complete_json, prompt)
    except LLMError as exc:
        return ComponentHealth("llm", "down", _short(exc), timer.ms, {"model": config.model})
    return ComponentHealth(
        "llm", "ok", f"model {reply.model} answered", timer.ms, {"model": config.model}
    )


async def check_all(settings: Settings, timeout: float) -> list[ComponentHealth]:
    """Every check at once; the result is in a fixed order (postgresql, tws, prefect, llm)."""
    checks: list[Callable[[], Awaitable[ComponentHealth]]] = [
        lambda: check_postgres(settings, timeout),
        lambda: check_tws(settings, timeout),
        lambda: check_prefect(timeout),
        lambda: check_llm(settings, timeout),
    ]
    return list(await asyncio.gather(*(check() for check in checks)))


def health(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds each check may take.", min=0.1)
    ] = DEFAULT_TIMEOUT_SECONDS,
) -> None:
    """Check PostgreSQL, the TWS API, the Prefect API and the LLM; exit 1 if one is down."""
    settings = load_settings()
    results = asyncio.run(check_all(settings, timeout))
    healthy = not any(result.is_down for result in results)
    if as_json:
        document = {"healthy": healthy, "components": [asdict(result) for result in results]}
        typer.echo(json.dumps(document, default=str))
    else:
        _print_table(results)
    if not healthy:
        raise typer.Exit(1)


def _print_table(results: list[ComponentHealth]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    colours = {"ok": "green", "warn": "yellow", "down": "red", "off": "dim"}
    table = Table(title="resync-flows health")
    table.add_column("component")
    table.add_column("status")
    table.add_column("latency", justify="right")
    table.add_column("detail", overflow="fold")
    for result in results:
        latency = "" if result.latency_ms is None else f"{result.latency_ms:.0f} ms"
        facts = escape(", ".join(f"{key}={value}" for key, value in result.facts.items()))
        detail = escape(result.detail) + (f"\n[dim]{facts}[/]" if facts else "")
        colour = colours[result.status]
        table.add_row(result.name, f"[{colour}]{result.status}[/]", latency, detail)
    Console().print(table)
