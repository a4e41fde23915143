"""The tests behind a "degraded" verdict, chosen for the small counts of one night.

Every test has a guard: below ``min_count`` observations (tonight or in the baseline) it
answers "not enough data" instead of a p-value, because a share of 2 out of 3 says nothing.
A night is called degraded only when the test is significant *and* the change is large enough
to matter (an effect floor): with thousands of runs a night, a shift of a tenth of a percent
is significant and useless.

- share up: Fisher's exact test on the 2x2 table (tonight, baseline) x (hit, miss), one-sided;
  exact for any count, so it fits a category with five verdicts as well as 10 000 runs.
- mix changed: chi-square test of homogeneity (tonight vs baseline counts); with expected
  counts below 5 its p-value comes from random tables of the same margins (Monte Carlo).
- values larger: Mann-Whitney U, one-sided (e.g. squared errors of risk scores tonight vs the
  weeks before); makes no assumption on their distribution.
- share below nominal: exact binomial test (forecast interval coverage vs its nominal level).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

# Draws of the conditional test: a p-value resolves to 1/10 000, ten times finer than alpha.
MONTE_CARLO_TABLES = 9999


@dataclass(frozen=True)
class TestResult:
    """``p_value`` None: the guard held the test back (``reason`` says why)."""

    p_value: float | None
    reason: str = ""

    def significant(self, alpha: float) -> bool:
        return self.p_value is not None and self.p_value < alpha


def share_increase(
    hits: int, total: int, base_hits: int, base_total: int, *, min_count: int
) -> TestResult:
    """Is tonight's share ``hits / total`` larger than the baseline's? (Fisher, one-sided)."""
    if min(hits, total, base_hits, base_total) < 0 or hits > total or base_hits > base_total:
        raise ValueError("counts must be non-negative and hits at most their totals")
    if total < min_count or base_total < min_count:
        return TestResult(None, f"fewer than {min_count} observations")
    table = [[hits, total - hits], [base_hits, base_total - base_hits]]
    return TestResult(float(stats.fisher_exact(table, alternative="greater").pvalue))


def mix_change(
    now: Mapping[str, int], base: Mapping[str, int], *, min_count: int
) -> tuple[TestResult, dict[str, float]]:
    """Has the mix of ``now`` moved from ``base``? Chi-square of homogeneity; also returns the
    standardised residual of each of tonight's groups with at least two observations, largest
    first (the drivers).

    When a group's expected count tonight is below 5 (Cochran's rule) the chi-square
    distribution would overstate the evidence many times over, so the p-value is then the
    share of random tables with the same margins whose statistic is as large (the
    conditional test Fisher's is the 2x2 case of), from ``MONTE_CARLO_TABLES`` draws.
    """
    total_now, total_base = sum(now.values()), sum(base.values())
    if total_now < min_count or total_base < min_count:
        return TestResult(None, f"fewer than {min_count} observations"), {}
    keys = sorted(k for k in set(now) | set(base) if now.get(k, 0) + base.get(k, 0) > 0)
    table = np.array([[now.get(k, 0) for k in keys], [base.get(k, 0) for k in keys]])
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    residuals = {
        k: float((table[0, i] - expected[0, i]) / math.sqrt(expected[0, i]))
        for i, k in enumerate(keys)
        if table[0, i] >= 2
    }
    drivers = dict(sorted(residuals.items(), key=lambda kv: (-kv[1], kv[0])))
    if len(keys) < 2:
        return TestResult(None, "fewer than two groups"), drivers
    if expected.min() >= 5:
        return TestResult(float(stats.chi2_contingency(table, correction=False).pvalue)), drivers
    observed = _chi_square(table, expected)
    rng = np.random.default_rng(0)  # the same counts give the same p-value
    tables = stats.random_table(table.sum(axis=1), table.sum(axis=0), seed=rng).rvs(
        MONTE_CARLO_TABLES
    )
    larger = int(np.sum(_chi_square(tables, expected) >= observed - 1e-9))
    return TestResult((larger + 1) / (MONTE_CARLO_TABLES + 1)), drivers


def _chi_square(tables: np.ndarray, expected: np.ndarray) -> np.ndarray:
    return np.asarray(((tables - expected) ** 2 / expected).sum(axis=(-2, -1)))


def values_larger(now: Sequence[float], base: Sequence[float], *, min_count: int) -> TestResult:
    """Are tonight's values larger than the baseline's? (Mann-Whitney U, one-sided)."""
    if len(now) < min_count or len(base) < min_count:
        return TestResult(None, f"fewer than {min_count} observations")
    if len(set(now) | set(base)) < 2:
        return TestResult(1.0)  # all equal: nothing is larger
    return TestResult(float(stats.mannwhitneyu(now, base, alternative="greater").pvalue))


def share_below(hits: int, total: int, nominal: float, *, min_count: int) -> TestResult:
    """Is the share ``hits / total`` below ``nominal``? (exact binomial, one-sided)."""
    if not 0.0 < nominal < 1.0:
        raise ValueError("nominal must be between 0 and 1")
    if total < min_count:
        return TestResult(None, f"fewer than {min_count} observations")
    return TestResult(float(stats.binomtest(hits, total, nominal, alternative="less").pvalue))


def total_variation(now: Mapping[str, int], base: Mapping[str, int]) -> float:
    """Half the L1 distance between two mixes (0 same shares, 1 disjoint)."""
    total_now, total_base = sum(now.values()), sum(base.values())
    if not total_now or not total_base:
        return 0.0
    keys = set(now) | set(base)
    return 0.5 * sum(abs(now.get(k, 0) / total_now - base.get(k, 0) / total_base) for k in keys)


def usual_range(values: Sequence[float]) -> tuple[float | None, float | None]:
    """The range the nightly values took in the baseline (None, None without any)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return None, None
    return min(finite), max(finite)
