from __future__ import annotations

from datetime import UTC, datetime

from resync_analytics.patterns.batch import mine_batch
from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.ids import canonical_form, pattern_id, template_id
from resync_analytics.patterns.miner import MinerState, PatternMiner, TemplateState
from resync_core.patterns import ErrorLine


def test_same_template_gets_same_short_id() -> None:
    template = "cp: cannot stat <*>: No such file or directory"
    assert pattern_id(template) == pattern_id(template)
    assert len(pattern_id(template)) == 16
    assert pattern_id(template) != pattern_id(template + " ")


def test_pattern_id_is_the_sha1_prefix_stored_ids_were_made_with() -> None:
    # Stored ids were computed with this rule; a new rule would orphan them.
    assert pattern_id("abc") == "a9993e364706816a"


def test_canonical_form_ignores_how_variables_are_written():
    # The same event under two versions of the masks: prefixes kept or not, lists of values
    # one wildcard or several, separators in or out.
    old = canonical_form("Received block <*> of size <*> from <*>")
    new = canonical_form("Received block blk_<*> of size <*>ms from /<*>")
    assert old == new == "Received block <*> of size <*> from <*>"
    assert canonical_form("hosts <*> <*>, <*>:<*> now") == "hosts <*> now"
    assert canonical_form("url hdfs://<*> (user=<*>)") == canonical_form("url <*> user <*>")
    # A word with its digits masked still names a kind of thing; error codes stay.
    assert canonical_form("link eth<*> down") == "link eth<*> down"
    assert canonical_form("ORA-01653: unable") == "ORA-01653 unable"


def test_a_fresh_miner_names_a_template_by_its_canonical_form():
    miner = PatternMiner()
    key = miner.add("Received block blk_12 of size 67108864 from /10.0.0.1")
    expected = template_id("Received block <*> of size <*> from <*>")
    assert miner.pattern(key).pattern_id == expected
    assert len(expected) == 16 and int(expected, 16) >= 0


def test_a_template_saved_by_older_masks_keeps_its_id():
    # An older version wrote the list of hosts as two wildcards (five tokens); today's masks
    # write one (four tokens), so the new messages cannot join the old template by position.
    legacy = TemplateState(
        key=1,
        pattern_id="0123456789abcdef",
        parts=("retrying", " ", "hosts", " ", "<*>", " ", "<*>", " ", "now"),
        route=("retrying", "hosts"),
        occurrences=7,
    )
    miner = PatternMiner.from_state(MinerState(MinerConfig(), (legacy,), {}, 2))
    key = miner.add("retrying hosts 10.0.0.1 now")
    assert miner.pattern(key).pattern_id == "0123456789abcdef"
    assert miner.pattern(key).occurrences == 8
    assert len(miner) == 1


def test_a_batch_reports_templates_it_merged_under_their_own_ids():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    names = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ida", "jo", "kim", "lou"]

    def lines(batch: list[str]) -> list[ErrorLine]:
        return [
            ErrorLine(run_id=f"run-{name}", job_key="WS#J", text=f"Job {name} ended badly",
                      category=None, failed_at=now)
            for name in batch
        ]  # fmt: skip

    miner = PatternMiner()
    first = mine_batch(miner, lines(names[:3]))
    assert first.merged == {} and len(first.by_pattern) == 3
    second = mine_batch(miner, lines(names[3:]))
    (survivor,) = second.by_pattern
    # Each pattern stored by the first batch is folded into the survivor, never itself.
    assert {old for old in first.by_pattern if old != survivor} <= set(second.merged)
    assert set(second.merged.values()) == {survivor}
    assert survivor not in second.merged
