"""The frozen development/test split of the joblog corpus is reproducible and fair."""

from __future__ import annotations

import json
from collections import Counter

from tests.resync_analytics.joblog_corpora import (
    BLIND_DIR,
    BLIND_PREFIX,
    CORPUS_DIR,
    REAL_DIR,
    REAL_PREFIX,
    load_blind_corpus,
    load_corpus,
    load_real_corpus,
)
from tests.resync_analytics.joblog_split import (
    BLIND_SPLIT_MANIFEST,
    MIN_CATEGORY_SIZE_FOR_TEST,
    REAL_SPLIT_MANIFEST,
    TEST_SHARE,
    assign_test_part,
    load_blind_test_names,
    load_kept_names,
    load_real_test_names,
    load_test_names,
    name_fraction,
    split_corpus,
)

CATEGORIES: dict[str, str] = {
    name: label["category"]
    for name, label in json.loads((CORPUS_DIR / "labels.json").read_text("utf-8")).items()
}
REAL_CATEGORIES: dict[str, str] = {
    name: label["category"]
    for name, label in json.loads((REAL_DIR / "labels.json").read_text("utf-8")).items()
}

BLIND_CATEGORIES: dict[str, str] = {
    name: label["category"]
    for name, label in json.loads((BLIND_DIR / "labels.json").read_text("utf-8")).items()
}


def test_the_manifest_is_what_the_hash_rule_gives_for_the_corpus() -> None:
    assert load_test_names() == assign_test_part(CATEGORIES)


def test_the_rule_does_not_depend_on_the_order_files_are_listed() -> None:
    reversed_order = dict(reversed(list(CATEGORIES.items())))
    assert assign_test_part(reversed_order) == assign_test_part(CATEGORIES)


def test_the_parts_are_disjoint_and_cover_every_corpus_file() -> None:
    samples = load_corpus()
    test, development = split_corpus(samples)
    test_names = {s.name for s in test}
    development_names = {s.name for s in development}
    assert not test_names & development_names
    assert test_names | development_names == {s.name for s in samples}
    assert load_test_names() <= {s.name for s in samples}, "manifest names a missing file"


def test_every_category_with_three_logs_has_one_in_the_test_part() -> None:
    sizes = Counter(CATEGORIES.values())
    in_test = Counter(CATEGORIES[name] for name in load_test_names())
    for category, size in sizes.items():
        if size >= MIN_CATEGORY_SIZE_FOR_TEST:
            assert in_test[category] >= 1, category


def test_the_test_part_is_about_a_quarter_of_the_corpus_and_development_keeps_the_most() -> None:
    share = len(load_test_names()) / len(CATEGORIES)
    assert 0.2 <= share <= 0.35, share


def test_a_category_left_without_a_test_member_contributes_its_lowest_hash_file() -> None:
    above = [
        n for n in (f"synthetic_{i}.log" for i in range(100)) if name_fraction(n) >= TEST_SHARE
    ]
    three = {name: "network" for name in above[:3]}
    assert assign_test_part(three) == {min(three, key=name_fraction)}
    two = {name: "network" for name in above[:2]}
    assert assign_test_part(two) == frozenset()


def test_the_real_manifest_is_what_the_hash_rule_gives_plus_files_an_earlier_draw_froze() -> None:
    kept = load_kept_names(REAL_SPLIT_MANIFEST)
    assert load_test_names(REAL_SPLIT_MANIFEST) == assign_test_part(REAL_CATEGORIES) | kept
    assert not kept & assign_test_part(REAL_CATEGORIES), "kept lists only files the rule drops"


def test_the_real_parts_are_disjoint_cover_every_transcript_and_leave_written_files_alone() -> None:
    samples = load_real_corpus()
    test, development = split_corpus(samples, load_real_test_names())
    names = {s.name for s in samples}
    assert {s.name for s in test} | {s.name for s in development} == names
    assert not {s.name for s in test} & {s.name for s in development}
    assert load_real_test_names() <= names, "manifest names a missing transcript"
    assert all(name.startswith(REAL_PREFIX) for name in names)
    # the written corpus's frozen part is untouched by the real transcripts
    assert not load_real_test_names() & load_test_names()
    assert load_test_names() == assign_test_part(CATEGORIES)


def test_every_real_category_with_three_transcripts_has_one_in_the_test_part() -> None:
    sizes = Counter(REAL_CATEGORIES.values())
    in_test = Counter(REAL_CATEGORIES[name] for name in load_test_names(REAL_SPLIT_MANIFEST))
    for category, size in sizes.items():
        if size >= MIN_CATEGORY_SIZE_FOR_TEST:
            assert in_test[category] >= 1, category


def test_the_blind_manifest_is_the_hash_rule_and_its_parts_stay_apart_from_the_others() -> None:
    kept = load_kept_names(BLIND_SPLIT_MANIFEST)
    assert load_test_names(BLIND_SPLIT_MANIFEST) == assign_test_part(BLIND_CATEGORIES) | kept
    samples = load_blind_corpus()
    test, development = split_corpus(samples, load_blind_test_names())
    names = {s.name for s in samples}
    assert {s.name for s in test} | {s.name for s in development} == names
    assert test and development and not {s.name for s in test} & {s.name for s in development}
    assert all(name.startswith(BLIND_PREFIX) for name in names)
    assert not load_blind_test_names() & (load_real_test_names() | load_test_names())
