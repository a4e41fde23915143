"""Confidence calibration learned from simulated operator verdicts, scored on held-out ones.

    .venv/bin/python -m bench.learning [--seeds 6]

The simulated operator is honest: it calls a diagnosis right exactly when the analyser's
category equals the failure template's true category (the simulator's ground truth). Joblogs
are rendered from every failure template on every agent kind; half of them (by a fixed
shuffle) are the verdicts the calibration learns from, the other half score it. Prints Brier
score and expected calibration error (ECE) of the claimed and of the calibrated confidence,
overall and per category, then the same for a planted overconfident category.
"""

from __future__ import annotations

import argparse
import random
import time

from resync_analytics.joblog import analyze_joblog
from resync_analytics.learning import (
    GLOBAL,
    CalibrationAssessment,
    CalibrationConfig,
    DiagnosisVerdict,
    assess_calibration,
    fit_calibration,
)
from tests.resync_analytics.joblog_corpora import load_corpus, render_simulated


def simulated_verdicts(seeds: int) -> list[DiagnosisVerdict]:
    """One verdict per rendered joblog (and per hand-labelled one) of a failed job."""
    verdicts = []
    for sample in (*render_simulated(seeds), *load_corpus()):
        if sample.category == "success":
            continue
        analysis = analyze_joblog(sample.data)
        verdicts.append(
            DiagnosisVerdict(
                category=analysis.category,
                claimed=analysis.confidence,
                right=analysis.category == sample.category,
            )
        )
    return verdicts


def print_table(title: str, assessments: tuple[CalibrationAssessment, ...]) -> None:
    print(f"== {title}")
    print(
        f"{'category':<18} {'n':>5} {'right':>6} {'claimed':>8} {'calibr.':>8}"
        f" {'Brier before':>13} {'after':>7} {'ECE before':>11} {'after':>7}"
    )
    for a in assessments:
        name = "ALL" if a.category == GLOBAL else a.category
        print(
            f"{name:<18} {a.verdicts:>5} {a.observed_accuracy:>6.1%} {a.mean_claimed:>8.3f}"
            f" {a.mean_calibrated:>8.3f} {a.brier_before:>13.4f} {a.brier_after:>7.4f}"
            f" {a.ece_before:>11.4f} {a.ece_after:>7.4f}"
        )
    print()


def held_out(
    verdicts: list[DiagnosisVerdict], config: CalibrationConfig, bins: int, seed: int
) -> tuple[CalibrationAssessment, ...]:
    shuffled = list(verdicts)
    random.Random(seed).shuffle(shuffled)
    train, test = shuffled[::2], shuffled[1::2]
    started = time.perf_counter()
    model = fit_calibration(train, config)
    elapsed = time.perf_counter() - started
    print(f"fitted on {len(train)} verdicts in {elapsed * 1000:.1f} ms, scored on {len(test)}")
    return assess_calibration(model, test, bins)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=6, help="renderings per template and kind")
    parser.add_argument("--prior-verdicts", type=float, default=20.0)
    parser.add_argument("--bins", type=int, default=10)
    parser.add_argument("--split-seed", type=int, default=7)
    args = parser.parse_args()
    config = CalibrationConfig(prior_verdicts=args.prior_verdicts)

    verdicts = simulated_verdicts(args.seeds)
    print_table(
        "simulator ground truth, held-out half",
        held_out(verdicts, config, args.bins, args.split_seed),
    )

    # The analyser's claims for one category made overconfident: 0.9 where it is right half
    # the time (e.g. a rule that fires on a look-alike error).
    rng = random.Random(args.split_seed)
    planted = [v for v in verdicts if v.category != "network"] + [
        DiagnosisVerdict("network", 0.9, rng.random() < 0.5) for _ in range(200)
    ]
    print_table(
        "planted overconfident category (network: claims 0.9, right 50%), held-out half",
        held_out(planted, config, args.bins, args.split_seed),
    )


if __name__ == "__main__":
    main()
