import random

import pytest

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.evaluation import grouping_accuracy, mine_groups
from resync_analytics.patterns.masking import mask_variables
from resync_analytics.patterns.miner import PatternMiner


def mine(messages):
    miner = PatternMiner()
    keys = list(miner.add_all(messages))
    miner.compact()
    return miner, [miner.pattern(key) for key in keys]


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        ("Took 12 ms on 10.0.0.1:80", "Took <*> ms on <*>"),
        ("open /data/in/orders.csv failed", "open <*> failed"),
        ("id 123e4567-e89b-12d3-a456-426614174000 done", "id <*> done"),
        ("at 2025-03-14T02:00:05.123Z start", "at <*> start"),
        ("connection from host at Fri Jun 17 07:07:00 2005", "connection from host at <*>"),
        ("fetch https://example.com/a?b=1 ok", "fetch https://<*> ok"),
        ("addr 0x7ffe1234 fault", "addr <*> fault"),
        ("Block broadcast_9_piece0 stored", "Block broadcast_<*> stored"),
        ("ORA-01653: unable to extend", "ORA-01653: unable to extend"),
        ("Fan speeds ( 3552 3534 3391 )", "Fan speeds ( <*> )"),
    ],
)
def test_masks_generic_variables(message, masked):
    assert mask_variables(message) == masked


def test_masking_of_a_shape_seen_before_keeps_unmasked_digits():
    # Same digit-normalised shape; the unmasked digits must come from each message itself.
    assert mask_variables("ORA-01653 at 12") == "ORA-01653 at <*>"
    assert mask_variables("ORA-09999 at 34") == "ORA-09999 at <*>"


def test_lines_of_one_event_share_a_template_and_id():
    messages = [
        "Job PAYROLL_01 failed with return code 8 after 12 seconds",
        "Job extract ended normally",
        "Job PAYROLL_02 failed with return code 12 after 300 seconds",
        "Job load ended normally",
        "Disk /data is 97% full",
        "Job nightly failed with return code 4 after 5 seconds",
        *(f"Job {name} ended normally" for name in USERS),
    ]
    _, patterns = mine(messages)
    ids = [p.pattern_id for p in patterns]
    # A masked identifier (PAYROLL_<*>) is a variable whatever word another line has there.
    assert ids[0] == ids[2] == ids[5]
    # Job names are plain words: a dozen of them at one position make it a variable.
    assert ids[1] == ids[3] == ids[-1]
    assert len({ids[0], ids[1], ids[4]}) == 3
    assert patterns[0].template == "Job <*> failed with return code <*> after <*> seconds"
    assert patterns[1].template == "Job <*> ended normally"
    assert patterns[4].template == "Disk /data is <*>% full"


def test_a_few_words_at_one_position_name_different_events():
    # Loghub's convention: a broadcast of SCREEN_ON and one of SCREEN_OFF are two events.
    messages = ["onReceive action: SCREEN_ON", "onReceive action: SCREEN_OFF"] * 3
    _, patterns = mine(messages)
    assert patterns[0].pattern_id != patterns[1].pattern_id


def test_variable_length_lists_join_one_template():
    messages = [f"retrying hosts {' '.join(str(n) for n in range(k))} now" for k in range(1, 6)]
    _, patterns = mine(messages)
    assert {p.pattern_id for p in patterns} == {patterns[0].pattern_id}
    assert patterns[0].template == "retrying hosts <*> now"


def test_separators_are_kept_in_the_template():
    _, patterns = mine(["user=alice action=login status=ok", "user=bob action=login status=ok"])
    assert patterns[0].pattern_id == patterns[1].pattern_id
    assert patterns[0].template == "user=<*> action=login status=ok"


def test_different_events_of_one_length_stay_apart():
    messages = ["Starting service", "Stopping service"] * 3
    # Half the tokens in common is at the threshold: they may merge only by similarity,
    # never when the first word routes them apart.
    _, patterns = mine(messages)
    assert patterns[0].pattern_id != patterns[1].pattern_id


# A word is recognised as a variable by its variety: ten or more values at one position.
USERS = ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ida", "jo", "kim", "lou"]


def test_synthetic_log_grouping_accuracy_is_high():
    rng = random.Random(3)
    events = {
        "E1": lambda: f"Connection to db{rng.randint(1, 9)}:{rng.randint(1000, 9999)} timed out",
        "E2": lambda: f"User {rng.choice(USERS)} logged in from 10.0.0.{rng.randint(1, 250)}",
        "E3": lambda: (
            f"Wrote {rng.randint(1, 10**6)} rows to /data/out/part_{rng.randint(1, 99)}.csv"
        ),
        "E4": lambda: f"GC pause {rng.random():.3f}s, heap {rng.randint(100, 999)}MB",
        "E5": lambda: "Checkpoint completed",
        "E6": lambda: f"Task attempt_{rng.randint(10**9, 10**10)}_{rng.randint(0, 99):04d} failed",
    }
    truth, messages = [], []
    for _ in range(600):
        event = rng.choice(sorted(events))
        truth.append(event)
        messages.append(events[event]())
    assert grouping_accuracy(truth, mine_groups(messages)) == 1.0


def test_pattern_ids_are_deterministic_across_miners():
    messages = ["a 1 b", "c d e", "a 2 b"]
    _, first = mine(messages)
    _, second = mine(messages)
    assert [p.pattern_id for p in first] == [p.pattern_id for p in second]


def test_match_does_not_learn():
    miner = PatternMiner()
    miner.add("disk 1 full")
    assert miner.match("disk 7 full").template == "disk <*> full"
    assert miner.match("something else entirely") is None
    assert len(miner) == 1
    assert miner.patterns()[0].occurrences == 1


def test_any_text_is_accepted():
    messages = ["", "   ", "\x00\x01", "\ufffd\ufffd bytes", "<*>", "x" * 100_000, "é à ü 12"]
    _, patterns = mine(messages)
    assert len(patterns) == len(messages)


def test_config_rejects_nonsense():
    with pytest.raises(ValueError):
        MinerConfig(similarity_threshold=0)
    with pytest.raises(ValueError):
        MinerConfig(max_children=0)


def test_grouping_accuracy_counts_only_exact_groups():
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 2]) == 1.0
    assert grouping_accuracy(["a", "a", "b"], [1, 1, 1]) == 0.0
    assert grouping_accuracy(["a", "a", "b"], [1, 2, 3]) == pytest.approx(1 / 3)
