"""Nightly pattern mining: which error messages keep coming back, and which are new."""

from __future__ import annotations

from prefect import flow, get_run_logger

from resync_core.settings import get_settings
from tasks.patterns import PatternMiningSummary, mine_and_store_patterns, read_error_lines
from tasks.poll import publish_pending_events


@flow(name="mine-error-patterns")
async def mine_error_patterns(
    lookback_days: int = 7, batch_size: int = 20_000
) -> PatternMiningSummary:
    """Mine the error lines of failed runs of the last ``lookback_days`` into templates.

    Each run is counted once, ever: runs already mined are skipped, so the flow can run as
    often as wanted. Templates seen for the first time are announced as
    ``resync.pattern.new``. Lines are mined ``batch_size`` at a time, each batch committed
    with the miner's state.
    """
    logger = get_run_logger()
    settings = get_settings()
    mined = touched = 0
    new: list[str] = []
    templates = 0
    while True:
        lines = read_error_lines(settings, lookback_days, batch_size)
        if not lines:
            break
        summary = mine_and_store_patterns(settings, lines)
        mined += summary.lines_mined
        touched += summary.patterns_touched
        new.extend(summary.new_patterns)
        templates = summary.templates_total
        if len(lines) < batch_size:
            break
    sent = await publish_pending_events(settings)
    logger.info("%d line(s) mined, %d new pattern(s), %d event(s) sent", mined, len(new), sent)
    return PatternMiningSummary(mined, touched, tuple(new), templates)
