"""Nightly pattern mining: which error messages keep coming back, and which are new."""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow, get_run_logger

from resync_core.settings import get_settings
from tasks.patterns import (
    PatternMiningSummary,
    detect_pattern_surges,
    mine_and_store_patterns,
    publish_pattern_report,
    read_error_lines,
)
from tasks.poll import publish_pending_events


@flow(name="mine-error-patterns")
async def mine_error_patterns(
    lookback_days: int = 7, batch_size: int = 20_000
) -> PatternMiningSummary:
    """Mine the error lines of failed runs of the last ``lookback_days`` into templates.

    Each run is counted once, ever: runs already mined are skipped, so the flow can run as
    often as wanted. Templates seen for the first time are announced as
    ``resync.pattern.new``. Lines are mined ``batch_size`` at a time, each batch committed
    with the miner's state. Then known templates whose failed runs of the last 24 hours jump
    far above their usual nights are announced as ``resync.pattern.surge``, and the report
    (artifact ``pattern-report``) gets a line per new template and per surge.
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
    surges = detect_pattern_surges(settings, datetime.now(UTC))
    publish_pattern_report(settings, new, surges)
    sent = await publish_pending_events(settings)
    logger.info(
        "%d line(s) mined, %d new pattern(s), %d surge(s), %d event(s) sent",
        mined,
        len(new),
        len(surges),
        sent,
    )
    surging = tuple(line.surge.pattern_id for line in surges)
    return PatternMiningSummary(mined, touched, tuple(new), templates, surging)
