"""The failure catalogue the TWS simulator draws from."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from resync_simulator.failures import (
    CATEGORIES,
    FAILURE_TEMPLATES,
    FailureTemplate,
    pick_failure,
)


def test_catalogue_has_at_least_forty_templates_with_unique_ids() -> None:
    ids = [t.template_id for t in FAILURE_TEMPLATES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)


def test_every_failure_category_has_several_templates() -> None:
    per_category = Counter(t.category for t in FAILURE_TEMPLATES)
    failure_categories = set(CATEGORIES) - {"success"}
    assert set(per_category) == failure_categories
    thin = {c: n for c, n in per_category.items() if n < 3}
    assert not thin, f"categories with fewer than 3 faces: {thin}"


@pytest.mark.parametrize(
    ("template_id", "return_code"),
    [
        ("cmd.bash", 127),
        ("cmd.jobmanrc", 127),
        ("oom.killed", 137),
        ("timeout.coreutils", 124),
        ("perm.noexec", 126),
        ("crash.segv", 139),
        ("crash.sigterm", 143),
    ],
)
def test_return_codes_follow_the_shell_conventions(template_id: str, return_code: int) -> None:
    template = next(t for t in FAILURE_TEMPLATES if t.template_id == template_id)
    assert template.return_code == return_code


def test_every_template_exits_nonzero() -> None:
    assert all(t.return_code != 0 for t in FAILURE_TEMPLATES)


def test_only_a_job_that_never_launched_is_marked_fail() -> None:
    failed = {t.template_id for t in FAILURE_TEMPLATES if t.job_status == "FAIL"}
    assert failed == {"auth.tws_logon"}


def test_pick_failure_is_deterministic_per_seed() -> None:
    first = [pick_failure(random.Random(7)).template_id for _ in range(3)]
    rng_a, rng_b = random.Random(11), random.Random(11)
    assert [pick_failure(rng_a) for _ in range(50)] == [pick_failure(rng_b) for _ in range(50)]
    assert len(set(first)) == 1


def test_pick_failure_follows_weights_and_reaches_every_template() -> None:
    rng = random.Random(3)
    drawn = Counter(pick_failure(rng).template_id for _ in range(30_000))
    assert set(drawn) == {t.template_id for t in FAILURE_TEMPLATES}
    heavy = max(FAILURE_TEMPLATES, key=lambda t: t.weight)
    light = min(FAILURE_TEMPLATES, key=lambda t: t.weight)
    assert drawn[heavy.template_id] > 3 * drawn[light.template_id]


def test_template_rejects_an_unknown_or_success_category() -> None:
    template = FAILURE_TEMPLATES[0]
    for category in ("disk", "success"):
        with pytest.raises(ValueError):
            FailureTemplate("x.bad", category, 1, 1.0, "bad", rb"x", template.compose)
