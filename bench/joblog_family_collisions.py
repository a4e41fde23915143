"""Precision audit of the joblog knowledge base: where a family's patterns claim lines of
another category.

    .venv/bin/python -m bench.joblog_family_collisions [--list] [--far N]

Two proxies for an over-broad pattern (a broad word like "denied", "not found", "timeout",
"lock", "killed" in a pattern that claims a category it does not always mean):

- examples: each family's patterns run over every OTHER family's example lines; a family of
  category A matching an example of category B is a collision. "first" counts those where the
  family comes first in the file, so its verdict would win on that line.
- corpus: each family's patterns run over every line of the DEVELOPMENT files of both labelled
  sources (tests/data/joblogs and tests/data/joblogs/real, without either split's frozen test
  part) that the classifier would judge (not a banner, not logged at a benign level); a family
  of category A matching a line of a file labelled B (B not A, and not "success") more than
  ``--far`` lines from the labelled error line is a collision. "first" again counts the lines
  where the family is the first match, the verdict the classifier would give that line.
  "at label" counts a family whose category differs matching the labelled error line itself.

Prints a count per family (only families with any) and the totals, overall and without the
catch-all families (``CATCH_ALL``: bare statements and code ranges, whose job is to match
what the specific ones also name); ``--list`` prints each collision's line.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass

from resync_analytics.joblog.banner import is_banner_line
from resync_analytics.joblog.classify import _BENIGN_LEVELS, _ZERO_COUNTS, _effective_level
from resync_analytics.joblog.knowledge import Family, KnowledgeBase, knowledge
from tests.resync_analytics.joblog_corpora import load_corpus, load_real_corpus
from tests.resync_analytics.joblog_split import load_real_test_names, split_corpus

FAR_LINES = 3
CATCH_ALL = frozenset(
    {
        # bare statements and consequences, tried after every specific family
        "error_statement",
        "consequence",
        "named_exception",
        "generic_exception",
        "business_check",
        "http_server_error",
        "tws_error_message",
        "ibm_error_message",
        "sap_job_log_error",
        # a product's whole code range ("ORA-nnnnn", "SQLnnnnN", "ERROR nnnn (xxxxx)") whose
        # specific codes earlier families name
        "oracle_error",
        "db2_error",
        "postgres_error",
        "mysql_mssql_error",
    }
)
"""Fallback families: matching a specific family's line is what they are for; the totals are
also given without them."""


@dataclass(frozen=True)
class Collision:
    family: str
    category: str
    other: str
    """The category of the line (the example's family's, or the file's label)."""
    where: str
    text: str
    first: bool
    """The family is the first that matches the line: its verdict wins there."""


def first_match(kb: KnowledgeBase, text: str) -> Family | None:
    return next((f for f in kb.families if f.regex.search(text)), None)


def example_collisions(kb: KnowledgeBase) -> list[Collision]:
    """A family matching another family's example line of another category."""
    found = []
    for owner in kb.families:
        for example in owner.examples:
            winner = first_match(kb, example)
            for family in kb.families:
                if family.category == owner.category or not family.regex.search(example):
                    continue
                found.append(
                    Collision(
                        family.name,
                        family.category,
                        owner.category,
                        f"example of {owner.name}",
                        example,
                        winner is family,
                    )
                )
    return found


def development_samples() -> list:
    written = split_corpus(load_corpus())[1]
    real = split_corpus(load_real_corpus(), load_real_test_names())[1]
    return [*written, *real]


def judged(text: str) -> bool:
    """A line the classifier would judge: not a banner, not logged at a benign level."""
    return (
        bool(text.strip())
        and not is_banner_line(text)
        and (_effective_level(text) not in _BENIGN_LEVELS)
    )


def corpus_collisions(
    kb: KnowledgeBase, samples: list, far: int = FAR_LINES
) -> tuple[list[Collision], list[Collision]]:
    """(far from the labelled line, at the labelled line) collisions in the given files."""
    far_found: list[Collision] = []
    at_label: list[Collision] = []
    for sample in samples:
        if sample.category == "success":
            continue
        lines = sample.data.decode("utf-8", "replace").splitlines()
        for number, raw in enumerate(lines, start=1):
            if not judged(raw):
                continue
            text = _ZERO_COUNTS.sub(" ", raw)
            matching = [f for f in kb.families if f.regex.search(text)]
            if not matching:
                continue
            distance = abs(number - sample.error_line)
            if distance <= far and number != sample.error_line:
                continue
            target = at_label if number == sample.error_line else far_found
            for family in matching:
                if family.category == sample.category:
                    continue
                target.append(
                    Collision(
                        family.name,
                        family.category,
                        sample.category,
                        f"{sample.name}:{number}",
                        raw.strip(),
                        family is matching[0],
                    )
                )
    return far_found, at_label


def _print_table(title: str, collisions: list[Collision], show: bool) -> None:
    total = Counter(c.family for c in collisions)
    first = Counter(c.family for c in collisions if c.first)
    print(f"== {title}: {len(collisions)} collisions ({sum(first.values())} where first)")
    by_family: dict[str, list[Collision]] = defaultdict(list)
    for c in collisions:
        by_family[c.family].append(c)
    for name, count in total.most_common():
        cats = Counter(c.other for c in by_family[name])
        print(
            f"  {name:<34} {count:4d}  first {first[name]:4d}  "
            f"({by_family[name][0].category} on {dict(cats)})"
        )
        if show:
            for c in by_family[name]:
                mark = "*" if c.first else " "
                print(f"     {mark} [{c.other}] {c.where}: {c.text[:140]!r}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--list", action="store_true", help="print each collision's line")
    parser.add_argument("--far", type=int, default=FAR_LINES)
    args = parser.parse_args()
    kb = knowledge()
    examples = example_collisions(kb)
    far, at_label = corpus_collisions(kb, development_samples(), args.far)
    _print_table("examples of other categories' families", examples, args.list)
    _print_table(f"development lines > {args.far} from the labelled line", far, args.list)
    _print_table("development labelled error lines", at_label, args.list)
    for title, keep in (("overall", None), ("specific families", CATCH_ALL)):
        parts = []
        for name, found in (("examples", examples), ("far lines", far), ("labelled", at_label)):
            kept = [c for c in found if keep is None or c.family not in keep]
            parts.append(f"{name} {len(kept)} (first {sum(c.first for c in kept)})")
        print(f"{title}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
