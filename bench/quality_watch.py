"""Quality-watch benchmark: first-night detection of injected changes and false alarms on
stable weeks, against a range-only rule measured on the same simulated nights.

    python -m bench.quality_watch                  # 20 shops per change, 20 stable shops
    python -m bench.quality_watch --shops 40

Data: the simulated weeks of ``tests/resync_analytics/quality/simulated.py`` (about 60
failed joblogs, 25 verdicts, 200 risk scores and 240 forecast points a night). The watch's
settings (alpha 0.001, effect floors, minimum counts) were fixed before any shop here was
drawn, and the shops use seeds the tests never use (from 1000 on): every figure printed is
held out.

The baseline is the rule a dashboard applies: a night is flagged when a measure leaves the
range it took in the four weeks before (above the highest, or for coverage below the lowest),
with no test and no effect floor.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from resync_analytics.quality import QualityWatch, WatchConfig, watch_quality
from resync_core.quality import ALL
from tests.resync_analytics.quality.simulated import Change, simulate

FIRST = date(2026, 1, 5)
CHANGES: dict[str, tuple[dict[str, object], set[tuple[str, str]]]] = {
    "format change (one application)": (
        {"format_of": "APP3"},
        {("unknown_family", ALL), ("new_template", ALL)},
    ),
    "calibration drift (one category, busy shop)": (
        {"wrong_category": "disk_full"},
        {("wrong_diagnosis", "disk_full")},
    ),
    "verdict drift": ({"verdicts_not_helpful": True}, {("verdict_mix", ALL)}),
    "risk model blind": ({"risk_blind": True}, {("risk_brier", ALL)}),
    "forecast intervals too narrow": ({"coverage_drop": True}, {("forecast_coverage", ALL)}),
}


def range_rule(watch: QualityWatch) -> set[tuple[str, str]]:
    """The measures outside their usual range tonight (the baseline rule)."""
    flagged = set()
    for f in watch.tonight:
        if f.value is None or f.usual_low is None or f.usual_high is None:
            continue
        below = f.measure == "forecast_coverage"
        if (f.value < f.usual_low) if below else (f.value > f.usual_high):
            flagged.add((f.measure, f.scope))
    return flagged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shops", type=int, default=20)
    args = parser.parse_args()
    config = WatchConfig(weeks=1)
    nights = 7 * config.baseline_weeks + 7
    night = FIRST + timedelta(days=nights - 1)

    print(f"held-out shops: {args.shops} per change; first night of each change")
    print(f"{'change':46} {'watch':>7} {'range rule':>11}")
    for name, (change, wanted) in CHANGES.items():
        verdicts = 80.0 if "busy" in name else 25.0
        found = ranged = 0
        for shop in range(args.shops):
            inputs = simulate(
                FIRST,
                nights,
                seed=1000 + shop,
                change=Change(night=night, **change),  # type: ignore[arg-type]
                verdicts_per_night=verdicts,
            )
            watch = watch_quality(night, inputs, config)
            found += wanted <= {(f.measure, f.scope) for f in watch.degraded}
            ranged += wanted <= range_rule(watch)
        print(f"{name:46} {found / args.shops:>7.0%} {ranged / args.shops:>11.0%}")

    watched = alarms = range_alarms = 0
    for shop in range(args.shops):
        inputs = simulate(FIRST, nights, seed=2000 + shop)
        for offset in range(7 * config.baseline_weeks, nights):
            watch = watch_quality(FIRST + timedelta(days=offset), inputs, config)
            watched += 1
            alarms += bool(watch.degraded)
            range_alarms += bool(range_rule(watch))
    print(
        f"stable nights: {watched}; nights with a false alarm: watch {alarms}"
        f" ({alarms / watched:.1%}), range rule {range_alarms} ({range_alarms / watched:.1%})"
    )


if __name__ == "__main__":
    main()
