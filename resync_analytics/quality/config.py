"""What the quality watch calls a change, and over which weeks it looks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class WatchConfig:
    """``alpha``: significance of every nightly test (about 20 tests a night, so small);
    ``min_count``: fewer observations tonight or in the baseline and a test is not run;
    the ``min_*`` effect floors: how large a significant change must be to be called one."""

    baseline_weeks: int = 4
    weeks: int = 8
    alpha: float = 0.001
    min_count: int = 5
    min_lift: float = 0.05  # shares (unknown, new templates, new jobs): absolute rise
    min_accuracy_drop: float = 0.2  # operators' verdicts: fall of the right share
    min_mix_shift: float = 0.15  # category and verdict mixes: total variation distance
    min_coverage_drop: float = 0.15  # forecast intervals: coverage below nominal by this
    low_confidence: float = 0.5  # an analysis below this confidence knows no message family
    bins: int = 10
    max_drivers: int = 5

    def __post_init__(self) -> None:
        if self.baseline_weeks < 1 or self.weeks < 1:
            raise ValueError("baseline_weeks and weeks must be at least 1")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError("alpha must be between 0 and 1")
        if self.min_count < 1 or self.bins < 1 or self.max_drivers < 0:
            raise ValueError("min_count and bins must be at least 1, max_drivers at least 0")
        for name in ("min_lift", "min_accuracy_drop", "min_mix_shift", "min_coverage_drop"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if not 0.0 <= self.low_confidence <= 1.0:
            raise ValueError("low_confidence must be between 0 and 1")

    def baseline_nights(self, night: date) -> list[date]:
        """The nights tonight is compared with: the ``baseline_weeks`` weeks before it."""
        return [night - timedelta(days=d) for d in range(7 * self.baseline_weeks, 0, -1)]

    def week_starts(self, night: date) -> list[date]:
        """The Monday of each reported calendar week, oldest first; the last is tonight's week
        (so far). Calendar weeks, so the weeks stored by one night are those of the next."""
        monday = night - timedelta(days=night.weekday())
        return [monday - timedelta(days=7 * i) for i in range(self.weeks - 1, -1, -1)]

    def history_start(self, night: date) -> date:
        """The first night any measure reads (reported weeks and the baseline of tonight)."""
        return min(self.week_starts(night)[0], self.baseline_nights(night)[0])


def week_nights(start: date) -> list[date]:
    """The seven nights of the week that starts at ``start``."""
    return [start + timedelta(days=d) for d in range(7)]
