"""Create what the deployments need on the Prefect server: the work pool and global limits.

    python -m deployments.setup          # against PREFECT_API_URL; safe to run again

Runs before ``prefect deploy --all`` (which refuses a missing work pool) and from
``resync-flows serve``. Existing objects are kept; a global limit's size is updated.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from prefect.client.orchestration import PrefectClient, get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, WorkPoolCreate
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.workers.process import ProcessWorker

from deployments.definitions import WORK_POOL, DeploymentOptions, global_limits
from resync_core.settings import SettingsError, load_settings

logger = logging.getLogger(__name__)


async def ensure_work_pool(client: PrefectClient, name: str = WORK_POOL) -> bool:
    """Create the process work pool ``name`` unless it exists; True when it was created."""
    try:
        await client.read_work_pool(name)
        return False
    except ObjectNotFound:
        pass
    try:
        await client.create_work_pool(
            WorkPoolCreate(
                name=name,
                type=ProcessWorker.type,
                base_job_template=ProcessWorker.get_default_base_job_template(),
                description="resync-flows: TWS poller, incident analysis, forecasts.",
            )
        )
    except ObjectAlreadyExists:  # created by a concurrent setup
        return False
    logger.info("work pool %s created", name)
    return True


async def ensure_global_limits(
    client: PrefectClient, limits: tuple[GlobalConcurrencyLimitCreate, ...]
) -> None:
    """Create each global concurrency limit, or set its size when it exists."""
    for limit in limits:
        await client.upsert_global_concurrency_limit_by_name(limit.name, limit.limit)
        logger.info("global concurrency limit %s = %d", limit.name, limit.limit)


async def prepare_server(
    options: DeploymentOptions | None = None, *, work_pool: bool = True
) -> None:
    """Everything above against the configured Prefect API (``PREFECT_API_URL``)."""
    async with get_client() as client:
        if work_pool:
            await ensure_work_pool(client)
        await ensure_global_limits(client, global_limits(options))


def main() -> int:
    try:
        options = DeploymentOptions.from_settings(load_settings())
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    asyncio.run(prepare_server(options))
    limits = ", ".join(f"{limit.name}={limit.limit}" for limit in global_limits(options))
    print(f"work pool {WORK_POOL} ready; global concurrency limits: {limits}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
