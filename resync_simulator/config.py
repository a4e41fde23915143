"""Configuration of the TWS simulator: scenario, size, credentials and injected faults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from resync_simulator.format_change import LogFormatChange

Rights = Literal["all", "read", "none"]


class UserCredential(BaseModel):
    """A basic-auth user. ``rights``: ``all``, ``read`` (GET only) or ``none`` (403 always)."""

    model_config = ConfigDict(frozen=True)
    username: str
    password: str
    rights: Rights = "all"


class ApiKeyCredential(BaseModel):
    """A bearer API key; ``expires_at`` in the past makes every use a 401."""

    model_config = ConfigDict(frozen=True)
    token: str
    username: str = "apikey"
    rights: Rights = "all"
    expires_at: datetime | None = None


class FaultConfig(BaseModel):
    """Faults injected into ``/twsd`` responses (control endpoints under ``/sim`` never fail).

    Rates are probabilities per request drawn from a generator seeded by the simulator seed;
    the ``*_next`` counters hit the next N requests deterministically (for retry tests).
    """

    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_status: int = Field(default=503, ge=500, le=599)
    fail_next: int = Field(default=0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0)
    timeout_rate: float = Field(default=0.0, ge=0, le=1)
    hang_seconds: float = Field(default=60.0, ge=0)
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1)
    rate_limit_next: int = Field(default=0, ge=0)
    retry_after_seconds: int = Field(default=1, ge=0)
    token_ttl_seconds: float | None = Field(default=None, gt=0)
    malformed_json_rate: float = Field(default=0.0, ge=0, le=1)
    truncate_joblog_rate: float = Field(default=0.0, ge=0, le=1)
    reset_rate: float = Field(default=0.0, ge=0, le=1)


class Scenario(BaseModel):
    """A named enterprise: size, history, clock start and an optional outage storm."""

    model_config = ConfigDict(frozen=True)
    name: str
    description: str
    jobs: int
    backfill_days: int
    start: datetime
    storm_after_seconds: float | None = None  # storm this long after the clock starts
    storm_jobs: int = 0
    storm_template: str = "net.oracle_tns"


_START = datetime(2025, 3, 14, 7, 0, tzinfo=UTC)  # a Friday morning after the night batch

SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            name="default",
            description="mid-size enterprise: ~3000 jobs, two weeks of history",
            jobs=3000,
            backfill_days=14,
            start=_START,
        ),
        Scenario(
            name="storm",
            description="a database outage ABENDs ~400 jobs within one minute, 5 minutes "
            "after the clock starts (ORA-12541, same cause everywhere)",
            jobs=8000,
            backfill_days=7,
            start=_START,
            storm_after_seconds=300,
            storm_jobs=400,
        ),
        Scenario(
            name="large",
            description="200k jobs in the plan, one day of history (benchmarks)",
            jobs=200_000,
            backfill_days=1,
            start=_START,
        ),
        Scenario(
            name="small",
            description="a few hundred jobs and three days of history (fast tests)",
            jobs=400,
            backfill_days=3,
            start=_START,
        ),
    )
}


def default_users() -> list[UserCredential]:
    return [
        UserCredential(username="resync", password="resync-sim", rights="all"),
        UserCredential(username="viewer", password="viewer-sim", rights="read"),
        UserCredential(username="norights", password="norights-sim", rights="none"),
    ]


def default_api_keys() -> list[ApiKeyCredential]:
    return [
        ApiKeyCredential(token="resync-sim-api-key", username="resync-service"),
        ApiKeyCredential(
            token="resync-sim-expired-key",
            username="old-service",
            expires_at=datetime(2024, 1, 1, tzinfo=UTC),
        ),
    ]


class SimulatorConfig(BaseModel):
    """Everything that defines a simulator run. Same config and seed → same enterprise, same
    plan, same joblogs.

    ``clock_rate`` is simulated seconds per real second (0: the clock only moves through
    ``POST /sim/clock/advance`` or :meth:`SimulationEngine.advance`).
    """

    seed: int = 42
    scenario: str = "default"
    jobs: int | None = Field(default=None, ge=1, le=2_000_000)
    backfill_days: int | None = Field(default=None, ge=0, le=400)
    start: datetime | None = None
    clock_rate: float = Field(default=0.0, ge=0)
    users: list[UserCredential] = Field(default_factory=default_users)
    api_keys: list[ApiKeyCredential] = Field(default_factory=default_api_keys)
    faults: FaultConfig = Field(default_factory=FaultConfig)
    joblog_cache_size: int = Field(default=2048, ge=1)
    # One application's joblogs change format from a plan day on (None: they never do).
    format_change: LogFormatChange | None = None

    def resolved_scenario(self) -> Scenario:
        try:
            return SCENARIOS[self.scenario]
        except KeyError:
            raise ValueError(
                f"unknown scenario {self.scenario!r}; choose one of {', '.join(SCENARIOS)}"
            ) from None

    @property
    def job_count(self) -> int:
        return self.jobs if self.jobs is not None else self.resolved_scenario().jobs

    @property
    def history_days(self) -> int:
        if self.backfill_days is not None:
            return self.backfill_days
        return self.resolved_scenario().backfill_days

    @property
    def start_time(self) -> datetime:
        start = self.start or self.resolved_scenario().start
        return start if start.tzinfo else start.replace(tzinfo=UTC)
