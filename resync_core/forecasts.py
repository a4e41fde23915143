"""A stored capacity forecast: the row of ``forecasts`` for one series and generation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ForecastRecord:
    """One series' forecast as stored: ``points`` are ``{timestamp, value, lower, upper}``
    objects, ``details`` a JSON document (host, metric, drivers, backtest...); the threshold
    ETA and its bounds are None when the forecast does not reach the threshold."""

    series_key: str
    generated_at: datetime
    method: str
    step_seconds: float
    horizon: int
    points: Sequence[Mapping[str, Any]]
    threshold: float
    threshold_eta: datetime | None
    threshold_eta_lower: datetime | None
    threshold_eta_upper: datetime | None
    details: Mapping[str, Any]
