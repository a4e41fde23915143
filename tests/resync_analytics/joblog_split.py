"""The frozen development/test split of the labelled joblog corpus.

The rule is a pure function of the file names and categories, so anyone can recompute it; the
result is written down in ``tests/data/joblogs/split.json`` and that manifest is what the bench
and tests read. No rule, pattern or parameter of the analyser may be tuned by looking at the
failures of the test part.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from resync_analytics.joblog.evaluation import LabelledJoblog
from tests.resync_analytics.joblog_corpora import (
    BLIND_DIR,
    BLIND_PREFIX,
    CORPUS_DIR,
    REAL_DIR,
    REAL_PREFIX,
)

SPLIT_MANIFEST = CORPUS_DIR / "split.json"
# the real transcripts have a manifest of their own drawn by the same rule, so adding them did
# not move any file of the written corpus
REAL_SPLIT_MANIFEST = REAL_DIR / "split.json"
BLIND_SPLIT_MANIFEST = BLIND_DIR / "split.json"
TEST_SHARE = 0.30
MIN_CATEGORY_SIZE_FOR_TEST = 3


def name_fraction(name: str) -> float:
    """The file name's sha256 read as a number in [0, 1): where the file falls in the split."""
    return int(hashlib.sha256(name.encode("utf-8")).hexdigest(), 16) / 2**256


def assign_test_part(categories: Mapping[str, str]) -> frozenset[str]:
    """File names of the test part, given each file's labelled category.

    A file is in the test part when its name's hash fraction is below ``TEST_SHARE``; so that
    every category can be judged, a category with at least ``MIN_CATEGORY_SIZE_FOR_TEST`` files
    and no test member contributes its lowest-hash file. Adding a file never moves another
    file in by the first rule, only (through the top-up) possibly out.
    """
    test = {name for name in categories if name_fraction(name) < TEST_SHARE}
    by_category: dict[str, list[str]] = {}
    for name, category in categories.items():
        by_category.setdefault(category, []).append(name)
    for names in by_category.values():
        if len(names) >= MIN_CATEGORY_SIZE_FOR_TEST and not test.intersection(names):
            test.add(min(names, key=name_fraction))
    return frozenset(test)


def load_test_names(manifest: Path = SPLIT_MANIFEST) -> frozenset[str]:
    """The frozen test part as written in the manifest."""
    return frozenset(json.loads(manifest.read_text(encoding="utf-8"))["test"])


def load_kept_names(manifest: Path = SPLIT_MANIFEST) -> frozenset[str]:
    """Test files an earlier draw listed that the current draw would not: they stay frozen."""
    return frozenset(json.loads(manifest.read_text(encoding="utf-8")).get("kept", []))


def load_real_test_names(manifest: Path = REAL_SPLIT_MANIFEST) -> frozenset[str]:
    """The frozen test part of the real transcripts, as sample names (``real/`` prefixed)."""
    if not manifest.exists():
        return frozenset()
    return frozenset(REAL_PREFIX + name for name in load_test_names(manifest))


def load_blind_test_names(manifest: Path = BLIND_SPLIT_MANIFEST) -> frozenset[str]:
    """The frozen test part of the blind-written joblogs, as sample names (``blind/`` prefixed)."""
    if not manifest.exists():
        return frozenset()
    return frozenset(BLIND_PREFIX + name for name in load_test_names(manifest))


def split_corpus(
    samples: Iterable[LabelledJoblog], test_names: frozenset[str] | None = None
) -> tuple[list[LabelledJoblog], list[LabelledJoblog]]:
    """(test, development) samples by the manifest (or the given test names)."""
    names = load_test_names() if test_names is None else test_names
    test: list[LabelledJoblog] = []
    development: list[LabelledJoblog] = []
    for sample in samples:
        (test if sample.name in names else development).append(sample)
    return test, development


WRITTEN_HISTORY = (
    "The split was drawn after the rules had been written with the whole corpus in view, so "
    "the test part is held out from its creation on, not unseen before it."
)
REAL_HISTORY = (
    "These transcripts were collected and labelled after the rules had been written, without "
    "running the analyser on them, so the test part is unseen by the rules."
)

BLIND_HISTORY = (
    "These joblogs were written and labelled by authors who never saw the analyser, its "
    "knowledge base or the other corpora; each batch was measured before any rule changed for "
    "it, so the test part is unseen by the rules."
)


def write_manifest(
    categories: Mapping[str, str],
    manifest: Path = SPLIT_MANIFEST,
    history: str = WRITTEN_HISTORY,
) -> None:
    """Write the manifest for the given corpus.

    Redrawing after files were added keeps every file an earlier manifest listed (the top-up
    can drop a category's lowest-hash file once a later file falls under the share): such
    files are listed under ``kept`` as well, so the rule stays checkable.
    """
    test = set(assign_test_part(categories))
    earlier = load_test_names(manifest) if manifest.exists() else frozenset()
    kept = sorted(name for name in earlier if name in categories and name not in test)
    test.update(kept)
    body: dict[str, object] = {
        "policy": (
            "The test part is frozen: no rule, pattern or parameter of the joblog analyser may "
            "be changed by looking at its failures. Tune on the development part (every corpus "
            "file not listed here); a file listed here never moves back to development. " + history
        ),
        "rule": (
            f"test when int(sha256(file name), 16) / 2**256 < {TEST_SHARE}; a category with "
            f">= {MIN_CATEGORY_SIZE_FOR_TEST} files and no test member adds its lowest-hash "
            "file (tests/resync_analytics/joblog_split.py)"
        ),
        "test": sorted(test),
    }
    if kept:
        body["kept"] = kept
    manifest.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    # ``--real`` draws the manifest of the real transcripts, ``--blind`` that of the
    # blind-written joblogs; without either, the written corpus
    arguments = sys.argv[1:]
    directory, manifest, history = (
        (REAL_DIR, REAL_SPLIT_MANIFEST, REAL_HISTORY)
        if "--real" in arguments
        else (BLIND_DIR, BLIND_SPLIT_MANIFEST, BLIND_HISTORY)
        if "--blind" in arguments
        else (CORPUS_DIR, SPLIT_MANIFEST, WRITTEN_HISTORY)
    )
    labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    write_manifest({name: label["category"] for name, label in labels.items()}, manifest, history)
