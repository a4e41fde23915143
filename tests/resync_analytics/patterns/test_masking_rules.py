"""Variable masks for digits glued to words, and routing that stops at the first variable."""

import pytest

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


@pytest.mark.parametrize(
    ("message", "masked"),
    [
        # key=value: the key stays, a value with a digit or address shape is masked.
        ("port=8080 user=bob state=RUNNING", "port=<*> user=bob state=RUNNING"),
        ("PSR0=0x00ff PSR1=12", "PSR0=<*> PSR1=<*>"),
        # host:port, IPv4 with port, a resolved address as Java prints it, IPv6.
        ("to msra-sa-41:9000. Already", "to <*>. Already"),
        ("from 10.0.0.1:5432 ok", "from <*> ok"),
        ("Old: msra-sa-41/10.190.173.170:9000 New", "Old: <*> New"),
        ("peer fe80::1ff:fe23:4567:890a up", "peer <*> up"),
        ("bind [2001:db8::1]:443", "bind [<*>]:<*>"),
        ("call IdoTransportMgr::SendPacket now", "call IdoTransportMgr::SendPacket now"),
        # Hex, UUIDs, object references, bracketed ids.
        ("at 0x7f3a and 9f86d081884c7d65", "at <*> and <*>"),
        ("id 123e4567-e89b-12d3-a456-426614174000", "id <*>"),
        ("mgr com.acme.g.c@8a2a501 ready", "mgr <*> ready"),
        ("req [a1b2c3] [Thread-5] [main]", "req [<*>] [<*>] [main]"),
        # Memory sizes are one value, spaced or glued; other units stay after the value.
        ("size 16.0 B, free 317.5 KB, cap 1.5GB", "size <*>, free <*>, cap <*>"),
        ("timeout of 40000ms at 47C", "timeout of <*>ms at <*>C"),
        # Paths keep their slash, URLs their scheme, identifiers their leading words.
        ("open /Users/J Doe/f1.txt now", "open /<*> now"),
        ("load C:\\Program Files\\App\\x.dll now", "load <*> now"),
        ("rack /default-rack and /data", "rack /default-rack and /data"),
        ("split hdfs://10.0.0.1:9000/a/b.txt:0+11", "split hdfs://<*>"),
        ("delete blk_-12 blk_34 blk_56", "delete blk_<*>"),
        ("lease DFSClient_NONMAPREDUCE_153_1 held", "lease DFSClient_NONMAPREDUCE_<*> held"),
        # Host names: under a known top-level domain, or with a digit before a country code.
        ("rhost=biblioteka.wsi.edu.pl user=x", "rhost=<*> user=x"),
        ("rhost=dsl-81-2.easynet.nl", "rhost=<*>"),
        ("using sun.nio.ch selector", "using sun.nio.ch selector"),
    ],
)
def test_generic_token_shapes(message, masked):
    assert mask_variables(message) == masked
