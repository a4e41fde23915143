"""Async client of the TWS (IBM/HCL Workload Automation) REST API v2.

::

    async with TWSClient(settings) as tws:
        async for job in tws.query_jobs(Query(Field("jobruns.commonStatus").in_(["ERROR"]))):
            log = await tws.get_joblog_tail(job.current_run.id, lines=200)

One ``TWSClient`` owns one pooled ``httpx.AsyncClient`` with explicit timeouts and limits. Every
call goes through the same path: a concurrency limit (``max_concurrency`` requests in flight),
a circuit breaker, and retries with exponential backoff and full jitter on connection errors,
timeouts, HTTP 5xx, 408 and 429 (``Retry-After`` honoured, capped). Retries of one call never
run longer than ``RetryPolicy.max_total_seconds``; then ``TWSUnavailableError`` is raised.
Deterministic answers (another 4xx, a malformed page) are never retried: the error's
``retryable`` attribute tells the two kinds apart for callers. A caller that must finish in a
given time (one poll cycle) gives the client a ``deadline``; no call outlives it.

Each request asks for the media type its operation produces in the API spec: joblogs are
``text/plain``, everything else ``application/json``. A TWS that refuses it (406/415) raises
``TWSMediaTypeError``, naming the operation and the media type.

Paged queries stop early, with a WARNING, when TWS repeats itself or will not end: a page
that holds no job not already read, a ``next`` link to the same page, or more pages than its
``count`` allows (a count that is negative or beyond what an int32 offset can reach is
unknown: then a generous cap derived from the page size applies). The pages with new items
are delivered, the iteration ends normally, and ``TWSClient.incomplete_reads`` records the
read as possibly incomplete: a caller that must not act on a partial read checks it. A TWS
that ignores ``offset`` therefore ends a query at the second page instead of looping forever.

Actions (rerun, hold, release, cancel, confirm) change the plan, so they are retried only when
TWS surely did not act on them: the connection was never made, or TWS answered 429 or 503.
A timeout on an action is reported, not repeated; the operator checks the plan.

Errors are the classes of ``resync_clients.tws.errors``; nothing else escapes the client.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import ssl
import threading
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Generator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Self, TypeVar
from urllib.parse import quote, urlsplit

import httpx
import msgspec
import pydantic
import truststore
from pydantic import SecretStr

from resync_clients.retries import GiveUp, RetryPolicy, retrying
from resync_clients.tws.errors import (
    TWSAuthError,
    TWSDeadlineError,
    TWSMediaTypeError,
    TWSNotFoundError,
    TWSProtocolError,
    TWSRequestError,
    TWSUnavailableError,
)
from resync_clients.tws.models import (
    ActionResult,
    APIObjectError,
    FlowNodeList,
    JobCount,
    JobInPlan,
    Joblog,
    JobPage,
    Workstation,
    WorkstationPage,
    parse_json,
)
from resync_clients.tws.resilience import CircuitBreaker, CircuitState, parse_retry_after
from resync_core.oql import Expr, Query

if TYPE_CHECKING:
    from resync_core.settings import Settings

logger = logging.getLogger(__name__)

API_PATH = "/twsd/api/v2/"
DEFAULT_PLAN_FILTER = "/@/@#/@/@.@"

# Error bodies are read only this far: enough for the product's messages, bounded for safety.
_ERROR_BODY_LIMIT = 64 * 1024
# Pages bigger than this are parsed in a worker thread (about 2 ms of parsing per MB).
_INLINE_PARSE_BYTES = 2 * 1024 * 1024
# Statuses that mean "TWS is overloaded or sick": retried, and counted by the circuit breaker.
_UNAVAILABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Statuses after which TWS surely did not perform a (non-idempotent) action.
_REFUSED_STATUSES = frozenset({408, 429, 503})
# What the spec's operations produce: joblogs are text, every other answer is JSON.
_JSON = "application/json"
_TEXT = "text/plain"
_ACCEPT_TEXT = {"Accept": _TEXT}
# A paged query may need this many pages beyond count/limit: the plan changes while it is read.
_EXTRA_PAGES = 2
# A count above this cannot be paged through (``offset`` is an int32 in the spec): unknown.
_MAX_USABLE_COUNT = 2**31 - 1
# Without a usable count, a query reads at most this many items' worth of pages.
_UNKNOWN_COUNT_MAX_ITEMS = 1_000_000
# Transport errors raised before the request left this process.
_NOT_SENT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

OQL = Query | Expr | str
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Justification:
    """Audit fields TWS records with an action (``Justification-*`` headers)."""

    category: str | None = None
    description: str | None = None
    ticket_number: str | None = None

    def headers(self) -> dict[str, str]:
        pairs = {
            "Justification-Category": self.category,
            "Justification-Description": self.description,
            "Justification-Ticket-Num": self.ticket_number,
        }
        return {name: value for name, value in pairs.items() if value}


@dataclass(frozen=True)
class TWSClientConfig:
    """Everything the client needs to reach one TWS engine.

    ``base_url`` is the engine's address, e.g. ``https://mdm.example.com:31116`` (a trailing
    ``/twsd`` or ``/twsd/api/v2`` is accepted). Authentication is a bearer ``api_key`` (a DWC
    API key) if set, else HTTP basic with ``username``/``password``. ``ca_bundle`` is a PEM file
    of CAs to trust instead of the system trust store; TLS is always verified.
    """

    base_url: str
    username: str | None = None
    password: SecretStr | str | None = field(default=None, repr=False)
    api_key: SecretStr | str | None = field(default=None, repr=False)
    ca_bundle: Path | None = None
    plan_id: str = "current"
    timeout_seconds: float = 30.0
    connect_timeout_seconds: float = 10.0
    max_concurrency: int = 8
    page_size: int = 5000
    # Download the next page of a query while the current one is parsed and consumed.
    prefetch_pages: bool = True
    joblog_max_bytes: int = 8 * 1024 * 1024
    # A followed joblog may stay quiet this long before the client gives up on it.
    follow_idle_timeout_seconds: float = 300.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker_failure_threshold: int = 5
    breaker_reset_timeout_seconds: float = 30.0
    user_agent: str = "resync-flows"

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("TWS base_url must be an http(s) URL such as https://host:31116")
        if parts.username or parts.password:
            raise ValueError(
                "TWS base_url must not carry credentials; use username/password or api_key"
            )
        path = parts.path.rstrip("/")
        for suffix in ("/twsd/api/v2", "/twsd"):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
                break
        object.__setattr__(self, "base_url", f"{parts.scheme}://{parts.netloc}{path}")
        for name in ("password", "api_key"):
            value = getattr(self, name)
            if isinstance(value, str):  # accept plain strings, keep them secret from here on
                object.__setattr__(self, name, SecretStr(value))
        if self.password is not None and not self.username:
            raise ValueError("a TWS password needs a username")
        if self.max_concurrency < 1 or self.page_size < 1 or self.joblog_max_bytes < 1:
            raise ValueError("max_concurrency, page_size and joblog_max_bytes must be positive")
        if self.timeout_seconds <= 0 or self.connect_timeout_seconds <= 0:
            raise ValueError("timeouts must be positive")

    @classmethod
    def from_settings(
        cls, settings: Settings, *, base_url: str | None = None, **overrides: Any
    ) -> Self:
        """Build the config from the project settings.

        ``base_url`` (and any other field in ``overrides``) wins over the settings, e.g. to
        point at a simulator started in-process. Raises ``ValueError`` when no URL is known.
        """
        url = base_url or settings.tws_url
        if not url:
            raise ValueError(
                "RESYNC_TWS_URL is not set: give the TWS engine URL or start the simulator"
            )
        config = cls(
            base_url=url,
            username=settings.tws_username,
            password=settings.tws_password,
            api_key=settings.tws_api_key,
            ca_bundle=settings.tws_ca_bundle,
            plan_id=settings.tws_plan_id,
            timeout_seconds=settings.tws_timeout_seconds,
            connect_timeout_seconds=min(10.0, settings.tws_timeout_seconds),
            max_concurrency=settings.tws_max_concurrency,
            joblog_max_bytes=settings.joblog_max_bytes,
        )
        return replace(config, **overrides) if overrides else config

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.timeout_seconds, connect=self.connect_timeout_seconds)

    def limits(self) -> httpx.Limits:
        # One connection per allowed concurrent call; idle ones kept for reuse.
        return httpx.Limits(
            max_connections=self.max_concurrency,
            max_keepalive_connections=self.max_concurrency,
            keepalive_expiry=30.0,
        )

    def auth(self) -> httpx.Auth | None:
        if isinstance(self.api_key, SecretStr):
            return _BearerAuth(self.api_key)
        if self.username:
            password = (
                self.password.get_secret_value() if isinstance(self.password, SecretStr) else ""
            )
            return httpx.BasicAuth(self.username, password)
        return None

    def verify(self) -> ssl.SSLContext:
        """The TLS context: only ``ca_bundle``'s CAs when set, else the system trust store.

        The system store is the operating system's (via ``truststore``: what the OS and the
        company's installed CAs say, not a bundle shipped with a Python package). Raises
        ``ValueError`` when the CA bundle cannot be read.
        """
        if self.ca_bundle is None:
            return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        try:
            return ssl.create_default_context(cafile=str(self.ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            raise ValueError(f"the TWS CA bundle {self.ca_bundle} cannot be read: {exc}") from None


class _BearerAuth(httpx.Auth):
    """``Authorization: Bearer <api key>``; the key stays a ``SecretStr`` until sent."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request


def _open_http(config: TWSClientConfig) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=config.api_url,
        auth=config.auth(),
        verify=config.verify(),
        timeout=config.timeout(),
        limits=config.limits(),
        headers={"Accept": _JSON, "User-Agent": config.user_agent},
    )


class TWSConnections:
    """What every call to one TWS engine shares within a process: one circuit breaker, and one
    connection pool and concurrency limit per event loop.

    Long-lived (``tasks.resources`` keeps one per engine), so the breaker opened by one task
    run still protects TWS during the next. An httpx async pool is bound to the event loop it
    was opened on, and Prefect may run task runs on several loops (threads of a task runner),
    so pools are per loop; a pool whose loop has closed is dropped. Thread-safe.

    ``client()`` gives a ``TWSClient`` session over this state, used as ``async with``.
    """

    def __init__(self, config: TWSClientConfig) -> None:
        self.config = config
        self.breaker = CircuitBreaker(
            failure_threshold=config.breaker_failure_threshold,
            reset_timeout_seconds=config.breaker_reset_timeout_seconds,
        )
        self._lock = threading.Lock()
        self._pools: dict[
            asyncio.AbstractEventLoop, tuple[httpx.AsyncClient, asyncio.Semaphore]
        ] = {}

    @property
    def circuit_state(self) -> CircuitState:
        return self.breaker.state

    def client(
        self, *, deadline: float | None = None, call_budget_seconds: float | None = None
    ) -> TWSClient:
        """A session; ``call_budget_seconds`` caps each call's time, its retries included."""
        config = self.config
        if call_budget_seconds is not None:
            seconds = max(min(call_budget_seconds, config.retry.max_total_seconds), 0.1)
            config = replace(config, retry=replace(config.retry, max_total_seconds=seconds))
        return TWSClient(config, deadline=deadline, connections=self)

    def for_running_loop(self) -> tuple[httpx.AsyncClient, asyncio.Semaphore]:
        """The running loop's pool and concurrency limit, opened on first use."""
        loop = asyncio.get_running_loop()
        with self._lock:
            for gone in [known for known in self._pools if known.is_closed()]:
                del self._pools[gone]  # its sockets went with its loop
            pool = self._pools.get(loop)
            if pool is None or pool[0].is_closed:
                pool = (_open_http(self.config), asyncio.Semaphore(self.config.max_concurrency))
                self._pools[loop] = pool
            return pool

    async def aclose(self) -> None:
        """Close the running loop's pool (the next session opens a new one)."""
        with self._lock:
            pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool[0].aclose()

    def close(self) -> None:
        """Close every pool whose loop can still run it (at exit; not from a running loop)."""
        with self._lock:
            pools, self._pools = self._pools, {}
        for loop, (http, _) in pools.items():
            if loop.is_closed() or asyncio._get_running_loop() is loop:
                continue
            try:
                if loop.is_running():
                    asyncio.run_coroutine_threadsafe(http.aclose(), loop).result(timeout=5)
                else:
                    loop.run_until_complete(http.aclose())
            except Exception as exc:  # at exit a pool that cannot close is simply dropped
                logger.debug("TWS connection pool not closed: %s", exc)


class _RetryableFailure(Exception):
    """One attempt failed in a way worth retrying (internal to the retry loop)."""

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        safe_to_repeat: bool = True,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.safe_to_repeat = safe_to_repeat


class TWSClient:
    """Async client of one TWS engine's REST API v2; use as ``async with TWSClient(...)``.

    Accepts a ``TWSClientConfig`` or the project ``Settings``. All methods raise only
    ``TWSError`` subclasses. ``circuit_state`` reports the breaker for health checks.

    ``deadline`` (settable at any time) is a ``time.monotonic()`` instant, e.g.
    ``TWSClient(config, deadline=time.monotonic() + 50)`` to bound one poll cycle: an attempt
    in flight is cut at the deadline, no attempt starts after it, and no retry is scheduled
    that would end after it; the call then raises ``TWSDeadlineError`` (a retryable
    ``TWSUnavailableError``). Several clients may share one deadline. It bounds establishing
    ``follow_joblog``'s stream, not how long the caller keeps reading it.

    ``invalid_values`` counts the values TWS sent that could not be read and were set to None
    (unparseable durations) since the client was made; each page that had some logs a WARNING.

    ``incomplete_reads`` holds one message per paged query that stopped before TWS said it
    had ended (TWS repeated a page, or paged past what its count allows): those queries
    ended normally after the pages with new items, but may have missed some. Compare its
    length before and after a read to know whether that read may be incomplete.

    Made with ``connections`` (see ``TWSConnections.client``), the client is a session over
    state shared by the process: its circuit breaker, and the connection pool and concurrency
    limit of the running event loop. Closing the session leaves them open for the next one.
    """

    def __init__(
        self,
        config: TWSClientConfig | Settings,
        *,
        deadline: float | None = None,
        connections: TWSConnections | None = None,
    ) -> None:
        if not isinstance(config, TWSClientConfig):
            config = TWSClientConfig.from_settings(config)
        self.config = config
        self.deadline = deadline
        self.invalid_values = 0
        self.incomplete_reads: list[str] = []
        self._connections = connections
        self._http: httpx.AsyncClient | None = None
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._breaker = (
            connections.breaker
            if connections is not None
            else CircuitBreaker(
                failure_threshold=config.breaker_failure_threshold,
                reset_timeout_seconds=config.breaker_reset_timeout_seconds,
            )
        )
        self._rng = random.Random()

    async def __aenter__(self) -> Self:
        if self._connections is not None:
            self._http, self._slots = self._connections.for_running_loop()
        else:
            self._http = _open_http(self.config)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (idempotent); a session leaves the shared pool open."""
        if self._http is not None:
            if self._connections is None:
                await self._http.aclose()
            self._http = None

    @property
    def circuit_state(self) -> CircuitState:
        """``closed`` (healthy), ``open`` (failing fast) or ``half_open`` (probing)."""
        return self._breaker.state

    # ----------------------------------------------------------------- jobs in the plan

    async def query_job_pages(
        self,
        oql: OQL | None = None,
        *,
        plan_filter: str | None = None,
        plan_id: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[JobPage]:
        """Yield the pages of ``GET /plan/job`` for ``oql``, following ``next`` to the end.

        ``page_size`` defaults to the config's; TWS's own maximum is 10000. The first page
        asks TWS for the total (``JobPage.count``). Raises ``TWSRequestError`` for a bad filter.
        A query TWS will not end properly stops early and is added to ``incomplete_reads``.
        """
        async for page in self._pages(
            "plan/job", JobPage, oql, plan_filter=plan_filter, plan_id=plan_id, page_size=page_size
        ):
            yield page

    async def query_jobs(
        self,
        oql: OQL | None = None,
        *,
        plan_filter: str | None = None,
        plan_id: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[JobInPlan]:
        """Yield every job in the plan matching ``oql`` (all pages); see ``query_job_pages``."""
        async for page in self.query_job_pages(
            oql, plan_filter=plan_filter, plan_id=plan_id, page_size=page_size
        ):
            for job in page.results:
                yield job

    async def get_job(self, job_id: str, *, plan_id: str | None = None) -> JobInPlan:
        """The job with this id (``JobInPlan.id``); ``TWSNotFoundError`` if the plan has none."""
        body = await self._get_bytes(
            f"plan/job/{_segment(job_id)}", params={"plan_id": plan_id or self.config.plan_id}
        )
        return self._decode(JobInPlan, body, "job")

    async def predecessors(
        self, job_id: str, *, depth: int | None = None, plan_id: str | None = None
    ) -> tuple[JobInPlan, ...]:
        """The jobs ``job_id`` waits for, up to ``depth`` levels back (TWS's default: the
        direct ones), across job streams; ``TWSNotFoundError`` if the plan has no such job.

        The nodes come as a query returns jobs (no ``dependencies`` filled); a job-stream
        node, should TWS send one, is left out (``get_job(job_id).dependencies`` names it).
        """
        return await self._related(job_id, "predecessors", depth, plan_id)

    async def successors(
        self, job_id: str, *, depth: int | None = None, plan_id: str | None = None
    ) -> tuple[JobInPlan, ...]:
        """The jobs that wait for ``job_id``, up to ``depth`` levels on; see ``predecessors``."""
        return await self._related(job_id, "successors", depth, plan_id)

    async def _related(
        self,
        job_id: str,
        relation: Literal["predecessors", "successors"],
        depth: int | None,
        plan_id: str | None,
    ) -> tuple[JobInPlan, ...]:
        if depth is not None and not 0 <= depth <= _MAX_USABLE_COUNT:
            raise ValueError("depth must be between 0 and 2**31 - 1")
        params: dict[str, str | int] = {"plan_id": plan_id or self.config.plan_id}
        if depth is not None:
            params["depth"] = depth
        body = await self._get_bytes(f"plan/job/{_segment(job_id)}/{relation}", params=params)
        answer = self._decode(FlowNodeList, body, relation)
        if answer.count is not None and answer.count > len(answer.results):
            # The spec has no paging here: a count above what came means TWS cut the list.
            self._read_incomplete(
                f"plan/job/{job_id}/{relation}", "TWS sent fewer nodes than it counted",
                len(answer.results), answer.count,
            )  # fmt: skip
        return tuple(
            node
            for node in answer.results
            if node.id != job_id and node.flow_node_type in (None, "JOB")
        )

    async def count_jobs(
        self,
        *,
        plan_filter: str = DEFAULT_PLAN_FILTER,
        grouping: Sequence[Literal["workstation", "status", "folder"]] = (),
        plan_id: str | None = None,
    ) -> JobCount:
        """How many jobs match ``plan_filter`` (``/wsfolder/WS#/jsfolder/JS.JOB``, ``@`` wildcard).

        ``grouping`` adds per-group counts in ``JobCount.grouped_count``.
        """
        params: dict[str, str] = {
            "plan_filter": plan_filter,
            "plan_id": plan_id or self.config.plan_id,
        }
        if grouping:
            params["grouping_filters"] = ",".join(grouping)
        body = await self._get_bytes("plan/job/count", params=params)
        return self._decode(JobCount, body, "job count")

    # ----------------------------------------------------------------- workstations

    async def query_workstations(
        self,
        oql: OQL | None = None,
        *,
        plan_filter: str | None = None,
        plan_id: str | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[Workstation]:
        """Yield every workstation in the plan matching ``oql`` (all pages)."""
        async for page in self._pages(
            "plan/workstation",
            WorkstationPage,
            oql,
            plan_filter=plan_filter,
            plan_id=plan_id,
            page_size=page_size,
        ):
            for workstation in page.results:
                yield workstation

    # ----------------------------------------------------------------- joblogs

    async def get_joblog(
        self,
        run_id: str,
        *,
        content_only: bool = False,
        from_line: int | None = None,
        to_line: int | None = None,
        max_bytes: int | None = None,
        plan_id: str | None = None,
    ) -> Joblog:
        """The joblog of one run (``JobRun.id``), read up to ``max_bytes`` (config default).

        The body is streamed and reading stops at the cap, so memory stays bounded whatever
        the log's size; ``Joblog.truncated`` tells whether TWS had more. ``from_line`` and
        ``to_line`` select lines (1-based, inclusive); ``content_only`` drops TWS's header and
        trailer banners. ``TWSNotFoundError`` if there is no such run.
        """
        params = self._joblog_params(content_only, from_line, to_line, plan_id)
        data, truncated = await self._get_capped(
            f"plan/job/run/{_segment(run_id)}/joblog", params, max_bytes, keep="head"
        )
        return Joblog(
            run_id=run_id, data=data, truncated=truncated, from_line=from_line, to_line=to_line
        )

    async def get_joblog_by_oql(
        self,
        oql: OQL,
        *,
        plan_filter: str | None = None,
        content_only: bool = False,
        from_line: int | None = None,
        to_line: int | None = None,
        max_bytes: int | None = None,
        plan_id: str | None = None,
    ) -> Joblog:
        """The joblog of the run ``oql`` selects (``GET /plan/job/joblog``); see ``get_joblog``."""
        params = self._joblog_params(content_only, from_line, to_line, plan_id)
        params["oql"] = str(oql)
        if plan_filter:
            params["plan_filter"] = plan_filter
        data, truncated = await self._get_capped("plan/job/joblog", params, max_bytes, keep="head")
        return Joblog(
            run_id=None, data=data, truncated=truncated, from_line=from_line, to_line=to_line
        )

    async def get_joblog_tail(
        self,
        run_id: str,
        lines: int = 200,
        *,
        content_only: bool = False,
        max_bytes: int | None = None,
        first_window_lines: int = 2000,
        plan_id: str | None = None,
    ) -> Joblog:
        """The last ``lines`` lines of a run's joblog, without downloading a large log whole.

        TWS cannot say how many lines a log has, so:

        1. read lines ``1..first_window_lines`` (capped at ``max_bytes``); if the log ended
           inside that window, which is the usual case, its last ``lines`` lines are the
           answer: one request;
        2. otherwise find the last line by probing single lines at doubling positions, then
           bisecting (about ``2·log2(total/window)`` tiny requests: 16 for a 500k-line log);
        3. read just ``total-lines+1 .. total``.

        At most ``max_bytes`` are kept, the END of the window if it is larger (older lines are
        dropped first). The result has ``from_line``/``to_line`` set to the window it holds and
        ``truncated=True`` when anything before it was left out.
        """
        if lines < 1:
            raise ValueError("lines must be at least 1")
        cap = max_bytes or self.config.joblog_max_bytes
        window = max(first_window_lines, lines)
        path = f"plan/job/run/{_segment(run_id)}/joblog"

        head = await self.get_joblog(
            run_id,
            content_only=content_only,
            from_line=1,
            to_line=window,
            max_bytes=cap,
            plan_id=plan_id,
        )
        head_lines = _count_lines(head.data)
        if not head.truncated and head_lines < window:
            kept = _last_lines(head.data, lines)
            first = head_lines - _count_lines(kept) + 1
            return Joblog(
                run_id=run_id,
                data=kept,
                truncated=first > 1,
                from_line=first if head_lines else None,
                to_line=head_lines if head_lines else None,
            )

        # The head may have stopped at the byte cap before the window's end: only the lines
        # it holds are known to exist.
        known = min(window, head_lines)
        total = await self._find_last_line(run_id, known, content_only, plan_id)
        first = max(1, total - lines + 1)
        params = self._joblog_params(content_only, first, total, plan_id)
        data, cut = await self._get_capped(path, params, cap, keep="tail")
        return Joblog(
            run_id=run_id, data=data, truncated=cut or first > 1, from_line=first, to_line=total
        )

    async def follow_joblog(
        self,
        run_id: str,
        *,
        content_only: bool = False,
        from_line: int | None = None,
        plan_id: str | None = None,
    ) -> AsyncIterator[bytes]:
        """Yield a running job's log output as TWS sends it (``follow=true``), until it ends.

        Chunks are raw bytes, not split on lines. Establishing the stream is retried like any
        read; a stream that breaks or stays silent longer than
        ``follow_idle_timeout_seconds`` raises ``TWSUnavailableError`` (resume with
        ``from_line``). The stream occupies one of the ``max_concurrency`` slots while open.
        """
        params = self._joblog_params(content_only, from_line, None, plan_id)
        params["follow"] = "true"
        idle = self.config.follow_idle_timeout_seconds
        timeout = httpx.Timeout(idle, connect=self.config.connect_timeout_seconds)
        path = f"plan/job/run/{_segment(run_id)}/joblog"
        response = await self._call(
            "GET", path, params=params, headers=_ACCEPT_TEXT, timeout=timeout, keep_open=True
        )
        try:
            async for chunk in response.aiter_bytes():
                yield chunk
        except httpx.HTTPError as exc:
            raise TWSUnavailableError(
                f"TWS joblog stream of run {run_id} broke: {_describe(exc)}"
            ) from None
        finally:
            await response.aclose()
            self._slots.release()

    # ----------------------------------------------------------------- actions

    async def rerun(
        self,
        run_id: str,
        *,
        step_name: str | None = None,
        same_workstation: bool | None = None,
        priority: int | None = None,
        variables: Mapping[str, str] | None = None,
        justification: Justification | None = None,
    ) -> ActionResult:
        """Rerun a run (``JobRun.id``: TWS reruns by run id, not job id); returns the new run.

        ``step_name`` reruns from that step; ``same_workstation`` keeps the workstation of the
        run; unset options keep TWS's defaults. Call only after an operator approved it.
        """
        body: dict[str, Any] = {}
        if step_name is not None:
            body["stepName"] = step_name
        if same_workstation is not None:
            body["rerunJobOnSameWorkstation"] = same_workstation
        if priority is not None:
            body["priority"] = priority
        if variables:
            body["variables"] = dict(variables)
        return await self._action(
            f"plan/job/run/{_segment(run_id)}/action/rerun", body, justification
        )

    async def hold(
        self, job_id: str, *, justification: Justification | None = None
    ) -> ActionResult:
        """Put a job on hold so it does not start (``JobInPlan.id``)."""
        return await self._job_action(job_id, "hold", None, justification)

    async def release(
        self, job_id: str, *, justification: Justification | None = None
    ) -> ActionResult:
        """Release a held job so it may start."""
        return await self._job_action(job_id, "release", None, justification)

    async def cancel(
        self, job_id: str, *, justification: Justification | None = None
    ) -> ActionResult:
        """Cancel a job (a running job keeps running; no recovery runs)."""
        return await self._job_action(job_id, "cancel", None, justification)

    async def confirm(
        self,
        job_id: str,
        outcome: Literal["succ", "abend"],
        *,
        conditions: Sequence[str] = (),
        justification: Justification | None = None,
    ) -> ActionResult:
        """Confirm a job as successful (``"succ"``) or abended (``"abend"``).

        TWS refuses it for a job not waiting for confirmation (``TWSRequestError`` with
        ``AWSBIN076E``).
        """
        if outcome not in ("succ", "abend"):
            raise ValueError("outcome must be 'succ' or 'abend'")
        body: dict[str, Any] = {"conditions": list(conditions)} if conditions else {}
        return await self._job_action(job_id, f"confirm-{outcome}", body, justification)

    # ----------------------------------------------------------------- internals: calls

    async def _job_action(
        self,
        job_id: str,
        action: str,
        body: dict[str, Any] | None,
        justification: Justification | None,
    ) -> ActionResult:
        return await self._action(
            f"plan/job/{_segment(job_id)}/action/{action}", body, justification
        )

    async def _action(
        self, path: str, body: dict[str, Any] | None, justification: Justification | None
    ) -> ActionResult:
        """PUT an action. ``body`` None for operations the spec gives no request body (hold,
        release, cancel): a spec-strict TWS refuses a body there, while the header stays
        because TWS answers 415 to an action PUT without ``Content-Type: application/json``."""
        headers = {"Content-Type": _JSON}
        if justification is not None:
            headers.update(justification.headers())
        raw = await self._call(
            "PUT", path, json_body=body, headers=headers, idempotent=False, consume=_read_all
        )
        if not raw.strip():
            return ActionResult()
        try:
            return parse_json(ActionResult, raw)
        except APIObjectError:
            # The action was accepted (2xx); an odd body must not make it look failed and
            # tempt a repeat.
            logger.warning("TWS accepted PUT %s but its answer was not JSON; ignored", path)
            return ActionResult()

    async def _get_bytes(self, path: str, params: Mapping[str, str | int]) -> bytes:
        return await self._call("GET", path, params=params, consume=_read_all)

    async def _get_capped(
        self,
        path: str,
        params: Mapping[str, str | int],
        max_bytes: int | None,
        *,
        keep: Literal["head", "tail"],
    ) -> tuple[bytes, bool]:
        """A joblog (``text/plain`` in the spec) read up to ``max_bytes``."""
        cap = max_bytes or self.config.joblog_max_bytes
        if cap < 1:
            raise ValueError("max_bytes must be positive")

        async def consume(response: httpx.Response) -> tuple[bytes, bool]:
            return await _read_capped(response, cap, keep)

        return await self._call("GET", path, params=params, headers=_ACCEPT_TEXT, consume=consume)

    def _decode(self, model: type[ModelT], body: bytes, what: str) -> ModelT:
        invalid: list[str] = []
        result = _parse(model, body, what, invalid)
        self._count_invalid(invalid, what)
        return result

    def _count_invalid(self, invalid: list[str], what: str) -> None:
        if not invalid:
            return
        self.invalid_values += len(invalid)
        shown = ", ".join(invalid[:5]) + (", ..." if len(invalid) > 5 else "")
        logger.warning(
            "TWS sent %d unreadable duration(s) in a %s, kept as unknown (None): %s",
            len(invalid),
            what,
            shown,
        )

    def _joblog_params(
        self,
        content_only: bool,
        from_line: int | None,
        to_line: int | None,
        plan_id: str | None,
    ) -> dict[str, str | int]:
        if from_line is not None and from_line < 1:
            raise ValueError("from_line starts at 1")
        if to_line is not None and from_line is not None and to_line < from_line:
            raise ValueError("to_line must not be before from_line")
        params: dict[str, str | int] = {"plan_id": plan_id or self.config.plan_id}
        if content_only:
            params["contentOnly"] = "true"
        if from_line is not None:
            params["from_line"] = from_line
        if to_line is not None:
            params["to_line"] = to_line
        return params

    async def _find_last_line(
        self, run_id: str, known_present: int, content_only: bool, plan_id: str | None
    ) -> int:
        """The number of the last line of a log known to have at least ``known_present`` lines."""
        path = f"plan/job/run/{_segment(run_id)}/joblog"

        async def has_line(number: int) -> bool:
            params = self._joblog_params(content_only, number, number, plan_id)
            # One byte is enough to know the line exists (an empty line still has its "\n").
            data, cut = await self._get_capped(path, params, 1, keep="head")
            return bool(data) or cut

        present, absent = known_present, known_present * 2
        while await has_line(absent):
            present, absent = absent, absent * 2
        while absent - present > 1:
            middle = (present + absent) // 2
            if await has_line(middle):
                present = middle
            else:
                absent = middle
        return present

    async def _pages(
        self,
        path: str,
        page_model: type[PageT],
        oql: OQL | None,
        *,
        plan_filter: str | None,
        plan_id: str | None,
        page_size: int | None,
    ) -> AsyncIterator[PageT]:
        """Yield parsed pages of a paged query, following ``next`` (or the offset) to the end.

        While one page is parsed and consumed, the next one (guessed by offset, the way TWS
        builds its ``next`` links) is already downloading; a wrong guess is dropped and the
        real link followed, so the prefetch never changes what is returned. A query TWS will
        not end (see the module docstring) stops after its last page with new items.
        """
        limit = page_size or self.config.page_size
        if limit < 1:
            raise ValueError("page_size must be positive")
        params: dict[str, str | int] = {
            "plan_id": plan_id or self.config.plan_id,
            "limit": limit,
            "offset": 0,
        }
        if oql is not None and str(oql).strip():
            params["oql"] = str(oql)
        if plan_filter:
            params["plan_filter"] = plan_filter
        # Only the first page asks for the total: counting can cost TWS a second query.
        body_call: asyncio.Task[bytes] | Coroutine[Any, Any, bytes] = self._call(
            "GET", path, params=params, headers={"Include-Count": "true"}, consume=_read_all
        )
        total: int | None = None
        max_pages: int | None = None
        pages = 0
        seen_ids: set[str] = set()
        prefetch: asyncio.Task[bytes] | None = None
        try:
            while True:
                body = await body_call
                offset = int(params["offset"])
                guess = {**params, "offset": offset + limit}
                if self.config.prefetch_pages and (total is None or offset + limit < total):
                    prefetch = self._start_prefetch(path, guess)
                invalid: list[str] = []
                page = await _parse_page(page_model, body, invalid)
                self._count_invalid(invalid, f"page of /{path}")
                pages += 1
                returned = len(page.results)
                if pages == 1:
                    total = _usable_count(page.count, path)
                    # TWS may serve fewer than asked: size the cap by what it served.
                    max_pages = _page_cap(total, min(limit, returned)) if returned else None
                page, fresh = _new_items_only(page, seen_ids, path, pages)
                if returned and not fresh:
                    self._read_incomplete(
                        path,
                        f"page {pages} (offset {offset}) holds only items already read, so TWS "
                        "ignores the offset or repeats a page",
                        len(seen_ids),
                        total,
                    )
                    return
                following = _following_params(page, params, returned, len(seen_ids), total)
                if following is not None and following == params:
                    self._read_incomplete(
                        path, f"the next page is this page again ({page.next})", len(seen_ids),
                        total,
                    )  # fmt: skip
                    following = None
                elif following is not None and max_pages is not None and pages >= max_pages:
                    allowed = f"count {total}" if total is not None else "an unknown count"
                    self._read_incomplete(
                        path,
                        f"{pages} page(s) of up to {limit} is the most {allowed} allows and TWS "
                        "still offers more",
                        len(seen_ids),
                        total,
                    )
                    following = None
                if prefetch is not None and following != guess:
                    prefetch.cancel()
                    prefetch = None
                if following is None:
                    yield page
                    return
                body_call = (
                    prefetch
                    if prefetch is not None
                    else self._call("GET", path, params=following, consume=_read_all)
                )
                prefetch = None
                params = following
                yield page
        finally:
            if prefetch is not None:
                prefetch.cancel()
            if isinstance(body_call, asyncio.Task):
                if not body_call.done():
                    body_call.cancel()
            elif asyncio.iscoroutine(body_call):
                body_call.close()

    def _read_incomplete(self, path: str, reason: str, read: int, total: int | None) -> None:
        """Record (and log) a paged query that stops before TWS said it had ended."""
        message = (
            f"TWS paging of /{path} stopped: {reason}; {read} distinct item(s) read of "
            f"count {total if total is not None else 'unknown'}; the read may be incomplete"
        )
        logger.warning("%s", message)
        self.incomplete_reads.append(message)

    def _start_prefetch(self, path: str, params: dict[str, str | int]) -> asyncio.Task[bytes]:
        task = asyncio.ensure_future(self._call("GET", path, params=params, consume=_read_all))
        # A dropped prefetch's failure is irrelevant; retrieve it so asyncio does not warn.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return task

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        idempotent: bool = True,
        consume: Callable[[httpx.Response], Awaitable[T]] | None = None,
        timeout: httpx.Timeout | None = None,
        keep_open: bool = False,
    ) -> Any:
        """Send one logical call with concurrency limit, circuit breaker and retries.

        Each attempt holds one concurrency slot and must finish within what is left of the
        retry budget and before ``self.deadline``. With ``consume`` the 2xx response is read by
        it inside the attempt (so a body cut off mid-way is retried too) and its result
        returned. With ``keep_open`` the open 2xx response is returned still holding its slot:
        the caller must close it and release ``self._slots``.
        """
        if self._http is None:
            raise RuntimeError("TWSClient is not open: use 'async with TWSClient(...)'")
        http = self._http
        policy = self.config.retry
        started = time.monotonic()
        what = f"TWS {method} /{path}"
        last_failure = ""
        attempts = 0

        async def attempt() -> Any:
            nonlocal last_failure, attempts
            attempts += 1
            deadline = self.deadline
            if deadline is not None and time.monotonic() >= deadline:
                raise TWSDeadlineError(
                    f"{what} not attempted: the caller's deadline has passed{last_failure}"
                )
            self._breaker.before_call()
            remaining = max(started + policy.max_total_seconds - time.monotonic(), 0.001)
            if deadline is not None:
                remaining = max(min(remaining, deadline - time.monotonic()), 0.001)
            request = http.build_request(
                method,
                path,
                params=params,
                headers=headers,
                json=json_body,
                timeout=_clamp_timeout(timeout or self.config.timeout(), remaining, keep_open),
            )
            try:
                result = await self._attempt(
                    request, what, remaining, idempotent=idempotent, consume=consume,
                    keep_open=keep_open,
                )  # fmt: skip
            except _RetryableFailure as failure:
                self._breaker.record_failure()
                last_failure = f" (attempt {attempts} failed: {failure.reason})"
                if not failure.safe_to_repeat:
                    raise TWSUnavailableError(
                        f"{what} failed ({failure.reason}); not repeated because TWS may have "
                        "acted on it: check the plan",
                        status=failure.status,
                    ) from None
                raise
            except (TWSAuthError, TWSRequestError):
                self._breaker.record_success()  # TWS is up and answering
                raise
            except BaseException:
                self._breaker.release_trial()  # no verdict on TWS's health
                raise
            self._breaker.record_success()
            return result

        def on_retry(failure: BaseException, number: int, delay: float) -> None:
            reason = failure.reason if isinstance(failure, _RetryableFailure) else str(failure)
            logger.warning(
                "%s failed (%s); retry %d/%d in %.2fs",
                what,
                reason,
                number,
                policy.max_attempts - 1,
                delay,
            )

        def give_up(failure: BaseException, why: GiveUp, attempts: int, elapsed: float) -> NoReturn:
            assert isinstance(failure, _RetryableFailure)
            if why is GiveUp.DEADLINE:
                raise TWSDeadlineError(
                    f"{what} failed after {attempts} attempt(s) in {elapsed:.1f}s and the "
                    f"caller's deadline leaves no time for another: {failure.reason}",
                    status=failure.status,
                )
            raise TWSUnavailableError(
                f"{what} failed after {attempts} attempt(s) in {elapsed:.1f}s: {failure.reason}",
                status=failure.status,
            )

        controller = retrying(
            policy,
            retryable=lambda exc: isinstance(exc, _RetryableFailure),
            retry_after=lambda exc: getattr(exc, "retry_after", None),
            deadline=lambda: self.deadline,
            on_retry=on_retry,
            give_up=give_up,
            rng=self._rng,
            asynchronous=True,
        )
        return await controller(attempt)

    async def _attempt(
        self,
        request: httpx.Request,
        what: str,
        budget_seconds: float,
        *,
        idempotent: bool,
        consume: Callable[[httpx.Response], Awaitable[Any]] | None,
        keep_open: bool,
    ) -> Any:
        """One try of a call inside a concurrency slot; failures worth a retry are raised as
        ``_RetryableFailure``, final answers (401, 404...) as the public errors."""
        assert self._http is not None
        await self._slots.acquire()
        keep_slot = False
        try:
            async with asyncio.timeout(None if keep_open else budget_seconds):
                response = await self._http.send(request, stream=True)
                try:
                    if response.status_code >= 400:
                        await _raise_for_status(response, what, idempotent)
                    if keep_open:
                        keep_slot = True
                        return response
                    return await consume(response) if consume else None
                finally:
                    if not keep_slot:
                        await response.aclose()
        except httpx.TransportError as exc:
            if _certificate_rejected(exc):
                # Retrying cannot make a certificate trusted: say what to configure instead.
                raise TWSUnavailableError(
                    f"{what}: the server's TLS certificate is not trusted "
                    f"({_describe(exc)}); set the CA bundle (RESYNC_TWS_CA_BUNDLE)"
                ) from None
            raise _RetryableFailure(
                _describe(exc), safe_to_repeat=idempotent or isinstance(exc, _NOT_SENT_ERRORS)
            ) from None
        except TimeoutError:
            raise _RetryableFailure(
                f"no answer within the {budget_seconds:.1f}s left of the retry budget "
                "or the caller's deadline",
                safe_to_repeat=idempotent,
            ) from None
        finally:
            if not keep_slot:
                self._slots.release()


# --------------------------------------------------------------------- module helpers


async def _raise_for_status(response: httpx.Response, what: str, idempotent: bool) -> None:
    """Turn an HTTP error answer into ``_RetryableFailure`` or the matching public error."""
    status = response.status_code
    messages = await _read_messages(response)
    summary = "; ".join(messages) if messages else response.reason_phrase
    if status in _UNAVAILABLE_STATUSES or status >= 500:
        raise _RetryableFailure(
            f"HTTP {status}: {summary}",
            status=status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            safe_to_repeat=idempotent or status in _REFUSED_STATUSES,
        )
    text = f"{what} rejected with HTTP {status}: {summary}"
    if status in (406, 415):
        header = "Accept" if status == 406 else "Content-Type"
        media_type = response.request.headers.get(header, "none")
        refused = "cannot produce" if status == 406 else "does not accept"
        raise TWSMediaTypeError(
            f"{what} rejected with HTTP {status}: TWS {refused} {header} {media_type}: {summary}",
            status=status,
            media_type=media_type,
            messages=messages,
        )
    if status in (401, 403):
        raise TWSAuthError(text, status=status, messages=messages)
    if status == 404:
        raise TWSNotFoundError(text, status=status, messages=messages)
    raise TWSRequestError(text, status=status, messages=messages)


def _segment(value: str) -> str:
    """``value`` as one URL path segment (ids may contain ``;`` or ``/``)."""
    if not value:
        raise ValueError("an id must not be empty")
    return quote(value, safe="")


def _clamp_timeout(base: httpx.Timeout, remaining: float, keep_open: bool) -> httpx.Timeout:
    """``base`` with no phase longer than the retry budget left (streams keep their read)."""

    def clamp(value: float | None) -> float:
        return remaining if value is None else min(value, remaining)

    return httpx.Timeout(
        connect=clamp(base.connect),
        read=base.read if keep_open else clamp(base.read),
        write=clamp(base.write),
        pool=clamp(base.pool),
    )


def _certificate_rejected(exc: httpx.TransportError) -> bool:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return True
        cause = cause.__cause__ or cause.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def _describe(exc: BaseException) -> str:
    """A short, secret-free description of a transport error (no URL, no headers)."""
    detail = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {detail}" if detail else name


async def _read_all(response: httpx.Response) -> bytes:
    return await response.aread()


async def _read_capped(
    response: httpx.Response, cap: int, keep: Literal["head", "tail"]
) -> tuple[bytes, bool]:
    """Read at most ``cap`` bytes to keep; True when the body held more.

    ``head`` stops reading at the cap (the rest is never downloaded); ``tail`` reads to the
    end keeping only the last ``cap`` bytes. Memory stays below ``cap`` plus one chunk.
    """
    buffer = bytearray()
    truncated = False
    async for chunk in response.aiter_bytes():
        if keep == "head":
            room = cap - len(buffer)
            if len(chunk) > room:
                buffer += chunk[:room]
                truncated = True
                break
            buffer += chunk
        else:
            buffer += chunk
            if len(buffer) > cap:
                del buffer[: len(buffer) - cap]
                truncated = True
    return bytes(buffer), truncated


async def _read_messages(response: httpx.Response) -> list[str]:
    """The product's ``messages`` from an error body (bounded read), else a short text."""
    body, _ = await _read_capped(response, _ERROR_BODY_LIMIT, "head")
    if not body.strip():
        return []
    try:
        data = pydantic.TypeAdapter(dict[str, Any]).validate_json(body)
    except pydantic.ValidationError:
        return [body[:300].decode("utf-8", errors="replace").strip()]
    raw = data.get("messages")
    if isinstance(raw, list):
        return [str(item) for item in raw]
    if isinstance(raw, str):
        return [raw]
    for key in ("message", "error"):
        if isinstance(data.get(key), str):
            return [data[key]]
    return []


ModelT = TypeVar("ModelT", JobInPlan, JobCount, JobPage, WorkstationPage, FlowNodeList)
PageT = TypeVar("PageT", JobPage, WorkstationPage)


def _parse(model: type[ModelT], body: bytes, what: str, invalid: list[str] | None = None) -> ModelT:
    """``model`` from ``body``; unreadable durations become None and are added to ``invalid``."""
    try:
        return parse_json(model, body, invalid=invalid)
    except APIObjectError as exc:
        # msgspec names the place: "Expected `str`, got `int` - at `$.results[3].id`".
        raise TWSProtocolError(f"TWS sent an unreadable {what}: {exc}") from None


async def _parse_page(model: type[PageT], body: bytes, invalid: list[str]) -> PageT:
    # A large page takes a noticeable time to validate: do it off the event loop so other
    # calls (and the prefetch of the next page) keep moving meanwhile.
    if len(body) < _INLINE_PARSE_BYTES:
        return _parse(model, body, "page", invalid)
    return await asyncio.to_thread(_parse, model, body, "page", invalid)


def _usable_count(count: int | None, path: str) -> int | None:
    """TWS's total ``count``, or None (unknown) when no offset could page through it."""
    if count is None or 0 <= count <= _MAX_USABLE_COUNT:
        return count
    logger.warning(
        "TWS gave /%s a count of %d, which no paging can reach; paging it as unknown",
        path,
        count,
    )
    return None


def _page_cap(total: int | None, per_page: int) -> int:
    """How many pages a query may take: what ``total`` needs (plus a margin for a plan that
    grows while it is read), or a generous bound when the total is unknown."""
    items = total if total is not None else _UNKNOWN_COUNT_MAX_ITEMS
    return math.ceil(items / per_page) + _EXTRA_PAGES


def _new_items_only(page: PageT, seen_ids: set[str], path: str, number: int) -> tuple[PageT, int]:
    """``page`` without the items an earlier page already gave (the plan shifted while it was
    read), and how many items were new; records the new ids in ``seen_ids``."""
    fresh = [item for item in page.results if item.id not in seen_ids]
    seen_ids.update(item.id for item in fresh)
    if len(fresh) == len(page.results):
        return page, len(fresh)
    if fresh:
        logger.info(
            "TWS page %d of /%s repeated %d item(s) of earlier pages; each is kept once",
            number,
            path,
            len(page.results) - len(fresh),
        )
    return msgspec.structs.replace(page, results=tuple(fresh)), len(fresh)


def _following_params(
    page: JobPage | WorkstationPage,
    params: dict[str, str | int],
    returned: int,
    seen: int,
    total: int | None,
) -> dict[str, str | int] | None:
    """The parameters of the page after ``page``, or None when it was the last."""
    if returned == 0:
        return None
    following = _next_params(page.next, params)
    if following is not None:
        return following
    # No link: continue by offset only while TWS says there is more.
    more = seen < total if total is not None else returned >= int(params["limit"])
    return {**params, "offset": int(params["offset"]) + returned} if more else None


def _next_params(
    next_url: str | None, current: Mapping[str, str | int]
) -> dict[str, str | int] | None:
    """The query of TWS's ``next`` link applied to the current request, or None.

    Only the query is taken: the link may name an internal host or a path without the
    proxy prefix we reach TWS through, and credentials must never follow a link elsewhere.
    """
    if not next_url:
        return None
    query = httpx.URL(next_url).params
    if not query:
        return None
    following: dict[str, str | int] = dict(current)
    for key, value in query.multi_items():
        following[key] = int(value) if key in ("limit", "offset") and value.isdigit() else value
    return following


def _count_lines(data: bytes) -> int:
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _last_lines(data: bytes, lines: int) -> bytes:
    """The last ``lines`` lines of ``data`` (a final line without newline counts)."""
    position = len(data) - 1 if data.endswith(b"\n") else len(data)
    for _ in range(lines):
        position = data.rfind(b"\n", 0, position)
        if position < 0:
            return data
    return data[position + 1 :]


__all__ = [
    "DEFAULT_PLAN_FILTER",
    "OQL",
    "CircuitState",
    "Justification",
    "RetryPolicy",
    "TWSClient",
    "TWSClientConfig",
]
