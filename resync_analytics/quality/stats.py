"""The tests behind a "degraded" verdict, chosen for the small counts of one night.

Every test has a guard: below ``min_count`` observations (tonight or in the baseline) it
answers "not enough data" instead of a p-value, because a share of 2 out of 3 says nothing.
A night is called degraded only when the test is significant *and* the change is large enough
to matter (an effect floor): with thousands of runs a night, a shift of a tenth of a percent
is significant and useless.

- share up: Fisher's exact test on the 2x2 table (tonight, baseline) x (hit, miss), one-sided;
  exact for any count, so it fits a category with five verdicts as well as 10 000 runs.
- mix changed: chi-square test of homogeneity (tonight vs baseline counts); categories whose
  expected count tonight is below 5 are pooled into one, as the chi-square approximation needs.
- values larger: Mann-Whitney U, one-sided (e.g. squared errors of risk scores tonight vs the
  weeks before); makes no assumption on their distribution.
- share below nominal: exact binomial test (forecast interval coverage vs its nominal level).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy import stats


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
    first (the drivers; named before pooling, so a rare group that grew is named itself)."""
    total_now, total_base = sum(now.values()), sum(base.values())
    if total_now < min_count or total_base < min_count:
        return TestResult(None, f"fewer than {min_count} observations"), {}
    grand = total_now + total_base
    keys = [k for k in set(now) | set(base) if now.get(k, 0) + base.get(k, 0) > 0]
    expected = {k: (now.get(k, 0) + base.get(k, 0)) * total_now / grand for k in keys}
    residuals = {
        k: (now.get(k, 0) - expected[k]) / math.sqrt(expected[k])
        for k in keys
        if now.get(k, 0) >= 2
    }
    drivers = dict(sorted(residuals.items(), key=lambda kv: (-kv[1], kv[0])))
    groups = _pooled_groups(keys, expected)
    if len(groups) < 2:
        return TestResult(None, "fewer than two groups with enough observations"), drivers
    table = [
        [sum(now.get(k, 0) for k in members) for members in groups],
        [sum(base.get(k, 0) for k in members) for members in groups],
    ]
    result = stats.chi2_contingency(table, correction=False)
    return TestResult(float(result.pvalue)), drivers


def _pooled_groups(keys: Sequence[str], expected: Mapping[str, float]) -> list[list[str]]:
    """Cochran's rule for the chi-square approximation: no group expected below 1 tonight and
    at most a fifth below 5; the rarest groups are pooled until that holds."""
    groups = sorted(([k] for k in keys), key=lambda g: (expected[g[0]], g[0]))

    def size(group: list[str]) -> float:
        return sum(expected[k] for k in group)

    while len(groups) > 2 and (
        size(groups[0]) < 1 or sum(size(g) < 5 for g in groups) > len(groups) / 5
    ):
        merged = groups[0] + groups[1]
        groups = sorted([merged, *groups[2:]], key=lambda g: (size(g), g[0]))
    return groups


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
