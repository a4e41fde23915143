"""Long messages cost memory in proportion to the token cap, never to the square of a line."""

from __future__ import annotations

import random
import string
import tracemalloc

import pytest

from resync_analytics.patterns import miner as miner_module
from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.miner import PatternMiner, split_tokens


def random_words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(count))


def peak_bytes_while_mining(messages: list[str], config: MinerConfig | None = None) -> int:
    tracemalloc.start()
    try:
        miner = PatternMiner(config)
        for message in messages:
            miner.add(message)
        miner.compact()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_message_over_the_token_cap_keeps_its_first_tokens_and_a_wildcard_tail():
    miner = PatternMiner(MinerConfig(max_tokens=4))
    key = miner.add("ERROR cannot open file alpha beta gamma")
    assert miner.pattern(key).template == "ERROR cannot open <*>"


def test_a_message_at_the_token_cap_is_kept_whole():
    assert split_tokens("a b c d", max_tokens=4) == ["a", " ", "b", " ", "c", " ", "d"]
    assert split_tokens("a b c d e", max_tokens=4)[0::2] == ["a", "b", "c", "<*>"]


def test_messages_that_differ_only_past_the_token_cap_share_a_template():
    rng = random.Random(3)
    head = "java.lang.IllegalStateException: request rejected by " + random_words(rng, 300)
    messages = [f"{head} {random_words(rng, 50)}" for _ in range(5)]
    miner = PatternMiner()
    keys = {miner.add(message) for message in messages}
    miner.compact()
    assert len({miner.pattern(key).pattern_id for key in keys}) == 1
    template = miner.pattern(keys.pop()).template
    assert template.endswith(" <*>")
    assert head.startswith(template.removesuffix(" <*>"))
    assert len(split_tokens(template)[0::2]) <= MinerConfig().max_tokens


def test_mining_lines_of_thousands_of_words_stays_within_a_few_megabytes():
    # 160 KB of input; before the cap this took 320 MB (10 lines x the square of 2,000 words;
    # 20 lines of 20,000 words took 10.7 GB).
    rng = random.Random(7)
    lines = [random_words(rng, 2_000) for _ in range(10)]
    assert peak_bytes_while_mining(lines) < 8 * 1024 * 1024


def test_neighbour_merging_is_linear_in_the_tokens_of_a_template():
    # Without a token cap, 12 unrelated templates of 1,500 tokens: tuples of every probe
    # would take 12 * 1,500 * 1,500 * 8 bytes = 216 MB.
    rng = random.Random(11)
    lines = [random_words(rng, 1_500) for _ in range(12)]
    peak = peak_bytes_while_mining(lines, MinerConfig(max_tokens=1_000_000))
    assert peak < 24 * 1024 * 1024


def test_neighbours_differing_in_their_routing_word_merge_at_compaction():
    miner = PatternMiner()
    keys = [
        miner.add(f"User {name} opened a session on the operator console")
        for name in ("bob", "ann", "eve", "joe")
    ]
    assert miner.compact() >= 1
    assert {miner.pattern(key).template for key in keys} == {
        "User <*> opened a session on the operator console"
    }


def test_a_hash_collision_between_probes_never_merges_different_templates(monkeypatch):
    # Every probe of every template gets the same key: only the token check keeps them apart.
    monkeypatch.setattr(
        miner_module, "_neighbour_probes", lambda tokens: [(0, 0, 0, 0)] * len(tokens)
    )
    miner = PatternMiner()
    first = miner.add("disk quota exceeded for the nightly extract")
    second = miner.add("socket handshake refused by remote scheduler peer")
    miner.compact()
    assert miner.pattern(first).pattern_id != miner.pattern(second).pattern_id
    assert len(miner) == 2


def test_config_refuses_a_token_cap_below_two():
    with pytest.raises(ValueError, match="max_tokens"):
        MinerConfig(max_tokens=1)
