"""A saved miner meets a version with other settings: it is rebuilt with them, ids kept."""

from __future__ import annotations

import dataclasses

import pytest

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.miner import PatternMiner
from resync_analytics.patterns.persistence import miner_to_json, restore_miner

MESSAGES = [
    "Connection to db7:5432 refused after 3 attempts",
    "Connection to db2:5432 refused after 5 attempts",
    "cp: cannot stat '/data/in/a.csv': No such file or directory",
    "cp: cannot stat '/data/x/c.csv': No such file or directory",
    "ORA-01653: unable to extend table SALES.T1 by 8192 in tablespace USERS",
    "user alice failed login from host web1 using ssh key rsa",
    "user bob failed login from host web2 using password auth",
    "Disk quota exceeded for user carol on volume vol3",
    "Disk quota exceeded for user dave on volume vol9",
]
NAMES = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ida", "jo", "kim", "lou"]


def mined(config: MinerConfig, messages: list[str]) -> PatternMiner:
    miner = PatternMiner(config)
    for message in messages:
        miner.add(message)
    miner.compact()
    return miner


def test_the_same_settings_restore_the_miner_as_saved():
    miner = mined(MinerConfig(), MESSAGES)
    restored, changes = restore_miner(miner_to_json(miner), MinerConfig())
    assert changes == {}
    assert restored.patterns() == miner.patterns()
    assert restored.state() == miner.state()


def test_new_settings_rebuild_the_miner_and_keep_every_id():
    old = MinerConfig(prefix_depth=1, similarity_threshold=0.5, max_children=3)
    miner = mined(old, MESSAGES)
    restored, changes = restore_miner(miner_to_json(miner), MinerConfig())

    assert changes == {
        "prefix_depth": (1, 3),
        "similarity_threshold": (0.5, 0.8),
        "max_children": (3, 100),
    }
    assert restored.config == MinerConfig()
    assert {p.pattern_id for p in restored.patterns()} == {p.pattern_id for p in miner.patterns()}
    # Routed anew, every message mined before still finds its template under the new tree.
    again = [restored.pattern(restored.add(m)).pattern_id for m in MESSAGES]
    assert again == [miner.pattern(miner.add(m)).pattern_id for m in MESSAGES]
    assert len(restored) == len(miner)
    # Saved again, it remembers the settings it now runs with: no rebuild the next night.
    assert restore_miner(miner_to_json(restored), MinerConfig())[1] == {}


def test_keeping_the_old_routes_would_lose_templates():
    # Why the rebuild routes anew: the old state under the new depth misses its templates.
    old = MinerConfig(prefix_depth=1)
    miner = mined(old, MESSAGES)
    naive = PatternMiner.from_state(dataclasses.replace(miner.state(), config=MinerConfig()))
    for message in MESSAGES:
        naive.add(message)
    assert len(naive.state().templates) > len(miner.state().templates)
    rebuilt, _ = restore_miner(miner_to_json(miner), MinerConfig())
    for message in MESSAGES:
        rebuilt.add(message)
    assert len(rebuilt.state().templates) == len(miner.state().templates)


def test_a_new_default_reaches_the_templates_at_the_next_compaction():
    # Saved when a dozen names did not yet make a variable: twelve templates.
    old = MinerConfig(min_variants=20)
    miner = mined(old, [f"Job {name} ended badly" for name in NAMES])
    assert len(miner) == 12
    oldest = miner.state().templates[0].pattern_id
    restored, changes = restore_miner(miner_to_json(miner), MinerConfig())
    assert changes == {"min_variants": (20, 10)}
    restored.compact()
    assert [(p.pattern_id, p.template, p.occurrences) for p in restored.patterns()] == [
        (oldest, "Job <*> ended badly", 12)
    ]


def test_a_shorter_token_cap_cuts_stored_templates_and_keeps_their_ids():
    long_message = "step " + " ".join(f"word{i}x" for i in range(20)) + " failed"
    miner = mined(MinerConfig(), [long_message])
    (before,) = miner.patterns()
    restored, changes = restore_miner(miner_to_json(miner), MinerConfig(max_tokens=6))
    assert changes == {"max_tokens": (256, 6)}
    (after,) = restored.patterns()
    assert after.pattern_id == before.pattern_id
    assert after.template.split() == [*before.template.split()[:5], "<*>"]
    assert restored.pattern(restored.add(long_message)).pattern_id == before.pattern_id
    assert len(restored) == 1


def test_a_state_that_does_not_say_its_settings_is_rebuilt():
    miner = mined(MinerConfig(), MESSAGES)
    data = miner_to_json(miner)
    del data["config"]
    restored, changes = restore_miner(data, MinerConfig())
    assert set(changes) == set(MinerConfig().to_json())
    assert all(old is None for old, _ in changes.values())
    assert {p.pattern_id for p in restored.patterns()} == {p.pattern_id for p in miner.patterns()}


def test_a_malformed_state_is_refused():
    with pytest.raises(ValueError, match="format"):
        restore_miner({"format": 99}, MinerConfig())


def test_a_state_mined_with_older_masks_is_rebuilt_and_keeps_its_ids():
    # Masks that change which words are variables bump masks_version: a state saved under
    # the old masks (or before states said which) is rebuilt, not restored as saved.
    miner = mined(MinerConfig(masks_version=1), MESSAGES)
    restored, changes = restore_miner(miner_to_json(miner), MinerConfig())
    assert changes == {"masks_version": (1, MinerConfig().masks_version)}
    assert {p.pattern_id for p in restored.patterns()} == {p.pattern_id for p in miner.patterns()}
    data = miner_to_json(mined(MinerConfig(), MESSAGES))
    del data["config"]["masks_version"]
    assert restore_miner(data, MinerConfig())[1] == {
        "masks_version": (None, MinerConfig().masks_version)
    }


def test_the_masks_version_is_bumped_past_the_masks_of_stack_frames():
    # The masks of this version keep a stack frame's file (RDD.scala:<*>); version 1 wrote it
    # as a host:port, so states from then must be told apart.
    assert MinerConfig().masks_version >= 2
    with pytest.raises(ValueError, match="masks_version"):
        MinerConfig(masks_version=0)
