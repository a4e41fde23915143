"""The outside template set (tests/data/templates): hand-labelled templates of real tool
transcripts, which the masks were not written on, and the switch the bench uses to check
each mask leaving one source out."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from resync_analytics.patterns.evaluation import (
    grouping_accuracy,
    load_template_set,
    mine_templates,
    parsing_accuracy,
)
from resync_analytics.patterns.masking import (
    MASK_NAMES,
    RUNS,
    mask_variables,
    masks_switched_off,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
SPLIT = json.loads((TEMPLATES / "split.json").read_text(encoding="utf-8"))
# A little below what the miner measures on the development families (bench/patterns.py
# --outside): a drop means a regression. The test families have no floor to be tuned to.
DEV_MEAN_GA_FLOOR = 0.88
DEV_MEAN_PA_FLOOR = 0.62


def _matches(template: str, content: str) -> bool:
    parts = [r"\s+".join(re.escape(word) for word in p.split()) for p in template.split("<*>")]
    return re.fullmatch(r"\s*" + r"\s*(.+?)\s*".join(parts) + r"\s*", content, re.S) is not None


def test_the_set_is_large_enough_and_every_template_fits_its_line():
    families = load_template_set(TEMPLATES)
    assert len(families) >= 10
    lines = sum(len(f.messages) for f in families)
    assert lines >= 600
    sources = set()
    for family in families:
        with (TEMPLATES / f"{family.system}.csv").open(encoding="utf-8") as handle:
            sources |= {row.split(",", 2)[1].split(":")[0] for row in list(handle)[1:]}
        for message, event, template in zip(
            family.messages, family.events, family.templates, strict=True
        ):
            assert _matches(template, message), (family.system, message, template)
            assert event
    assert len(sources) >= 40


def test_the_frozen_test_families_follow_the_hash_rule():
    names = [f.system for f in load_template_set(TEMPLATES)]
    expected = [
        name for name in names if int(hashlib.sha256(name.encode()).hexdigest(), 16) / 2**256 < 0.3
    ]
    assert sorted(SPLIT["test"]) == expected


def test_development_families_keep_their_accuracy():
    development = [f for f in load_template_set(TEMPLATES) if f.system not in SPLIT["test"]]
    ga, pa = [], []
    for family in development:
        ids, templates = mine_templates(family.messages)
        ga.append(grouping_accuracy(family.events, ids))
        pa.append(parsing_accuracy(family.templates, templates))
    assert sum(ga) / len(ga) >= DEV_MEAN_GA_FLOOR
    assert sum(pa) / len(pa) >= DEV_MEAN_PA_FLOOR


def test_masks_can_be_switched_off_by_name_and_come_back():
    message = "Took 12 ms on 10.0.0.1:80 at 1 2 3"
    assert mask_variables(message) == "Took <*> ms on <*> at <*>"
    with masks_switched_off(["relative_path"]):
        assert mask_variables("in models/orders.sql") == "in models/orders.sql"
    assert mask_variables("in models/orders.sql") == "in <*>"
    with masks_switched_off([RUNS]):
        assert mask_variables(message).endswith("at <*> <*> <*>")
    with masks_switched_off(MASK_NAMES):
        assert mask_variables(message) == message
    assert mask_variables(message) == "Took <*> ms on <*> at <*>"
    with pytest.raises(ValueError, match="unknown"), masks_switched_off(["nope"]):
        pass
