"""A night's figure tested against its baseline, as every drift measure states it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from resync_analytics.quality.stats import TestResult
from resync_core.quality import ALL, NIGHT, QualityFigure


def untested(test: TestResult) -> dict[str, str]:
    """``{"not_tested": why}`` when the guard held the test back, else nothing: a reader of
    the details sees why a night has no p-value."""
    return {"not_tested": test.reason} if test.p_value is None else {}


def night_figure(
    night: date,
    measure: str,
    *,
    value: float | None,
    count: int,
    usual: tuple[float | None, float | None],
    test: TestResult | None,
    degraded: bool,
    drivers: Sequence[str],
    details: Mapping[str, Any],
    scope: str = ALL,
) -> QualityFigure:
    """Tonight's figure of ``measure``: its usual range, the test's p-value (None without a
    test) and, only when degraded, what drives the change."""
    low, high = usual
    return QualityFigure(
        period=NIGHT,
        period_start=night,
        measure=measure,
        scope=scope,
        value=value,
        count=count,
        usual_low=low,
        usual_high=high,
        p_value=test.p_value if test else None,
        degraded=degraded,
        drivers=tuple(drivers) if degraded else (),
        details=details,
    )
