"""Variable masks for digits glued to words, and routing that stops at the first variable."""

from resync_analytics.patterns.config import MinerConfig
from resync_analytics.patterns.masking import mask_variables
from resync_analytics.patterns.miner import PatternMiner


def test_digits_ending_a_word_are_masked_and_the_word_kept():
    assert mask_variables("link eth3 is down on rack17") == "link eth<*> is down on rack<*>"
    assert mask_variables("dumping cache.4410 now") == "dumping cache.<*> now"
    assert mask_variables("worker-12 stopped") == "worker-<*> stopped"
    assert mask_variables("self test.....7") == "self test.....<*>"


def test_error_codes_and_single_letter_names_keep_their_shape_host_ports_are_one_value():
    assert mask_variables("ORA-00942 on table APP.T2") == "ORA-00942 on table APP.T2"
    assert mask_variables("reach cache9:6379 failed") == "reach <*> failed"
    assert mask_variables("PendingReds:0 CompletedMaps:12") == "PendingReds:<*> CompletedMaps:<*>"
    assert mask_variables("using log4j config") == "using log4j config"


def test_words_after_a_variable_do_not_split_an_event_into_branches():
    # A deep route: only where routing stops decides whether these lines meet.
    miner = PatternMiner(MinerConfig(prefix_depth=4, similarity_threshold=0.5))
    keys = [
        miner.add("peer 10.1.1.1 (alpha) said goodbye to red"),
        miner.add("peer 10.1.1.2 (beta) said goodbye to green"),
        miner.add("peer 10.1.1.3 (gamma) said goodbye to blue"),
    ]
    miner.compact()
    assert len({miner.pattern(key).pattern_id for key in keys}) == 1
    assert miner.pattern(keys[0]).template == "peer <*> (<*>) said goodbye to <*>"
