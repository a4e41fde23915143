"""Which second-tier entities to keep, chosen leave-one-source-out on the development parts.

    .venv/bin/python -m bench.joblog_relevance

Analyses the development parts of the written and the real corpus (never a frozen test part)
once, records each second-tier entity with its role and its distance in lines from the
root-cause line, then scores rules for dropping some of them: a cap on the distance (none to
10 lines), the rule of :mod:`resync_analytics.joblog.relevance` (no further file or host when
the first tier names one) and both together. For each source it picks the rule that keeps that
source's entity recall highest, then the highest precision, and prints what the rule does on
the other source: the rule the analyser uses should lose next to no recall on the source it
was not chosen on. A second table caps how many entities an analysis names (its first tier
first): chosen the same way, leave-one-source-out, the cap is 8 on the written part and 9 on the
real one, and neither gains anything on the other source (8 loses the real part one labelled
entity), so the analyser names entities uncapped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import resync_analytics.joblog.analyzer as analyzer
from resync_analytics.joblog.entities import Entity, EntityRole
from resync_analytics.joblog.evaluation import LabelledJoblog
from resync_analytics.joblog.relevance import RESOURCES
from tests.resync_analytics.joblog_corpora import load_corpus, load_real_corpus
from tests.resync_analytics.joblog_split import load_real_test_names, split_corpus

_FAR = 99


@dataclass(frozen=True)
class Case:
    labels: frozenset[str]
    first: tuple[tuple[str, EntityRole], ...]
    related: tuple[tuple[str, EntityRole, int], ...]


Rule = Callable[[Case, EntityRole, int], bool]


def record(samples: Iterable[LabelledJoblog]) -> list[Case]:
    """Each sample's first tier and its second tier with distances, as the analyser names
    them without the relevance rule."""
    captured: list[list[Entity]] = []
    original_related = analyzer.related_entities
    original_relevant = analyzer.relevant_related

    def capture(*args, **kwargs):
        found = original_related(*args, **kwargs)
        captured.append(found)
        return found

    analyzer.related_entities = capture
    analyzer.relevant_related = lambda related, named: list(related)
    try:
        cases = []
        for sample in samples:
            captured.clear()
            analysis = analyzer.analyze_joblog(sample.data)
            second = {e.text for e in (captured[-1] if captured else [])}
            lines = sample.data.decode("utf-8", "replace").split("\n")
            first, related = [], []
            for text, role in analysis.entity_roles:
                if text not in second:
                    first.append((text, role))
                    continue
                at = [n for n, line in enumerate(lines, 1) if text in line]
                distance = min((abs(n - analysis.error_line) for n in at), default=_FAR)
                related.append((text, role, distance))
            cases.append(Case(frozenset(sample.entities), tuple(first), tuple(related)))
        return cases
    finally:
        analyzer.related_entities = original_related
        analyzer.relevant_related = original_relevant


def score(cases: list[Case], rule: Rule, cap: int = _FAR) -> tuple[float, float]:
    """Entity recall and precision when ``rule`` decides which second-tier entities stay and
    at most ``cap`` entities are named (the first tier's first, in the analyser's order)."""
    labelled = found = named = correct = 0
    for case in cases:
        kept = [t for t, _ in case.first] + [t for t, r, d in case.related if rule(case, r, d)]
        kept = kept[:cap]
        labelled += len(case.labels)
        named += len(kept)
        found += sum(1 for label in case.labels if label in kept)
        correct += sum(1 for text in kept if text in case.labels)
    return found / max(labelled, 1), correct / max(named, 1)


def _located(case: Case, role: EntityRole) -> bool:
    """Whether the first tier names a resource of the same kind as ``role``."""
    return any(role in group and any(r in group for _, r in case.first) for group in RESOURCES)


def _within(cap: int, *, one_resource: bool) -> Rule:
    def rule(case: Case, role: EntityRole, distance: int) -> bool:
        return distance <= cap and not (one_resource and _located(case, role))

    return rule


def rules() -> dict[str, Rule]:
    found: dict[str, Rule] = {"keep all": _within(_FAR, one_resource=False)}
    for cap in range(11):
        found[f"within {cap}"] = _within(cap, one_resource=False)
        found[f"within {cap}, one resource"] = _within(cap, one_resource=True)
    found["one resource"] = _within(_FAR, one_resource=True)
    return found


def main() -> None:
    sources = {
        "written": record(split_corpus(load_corpus())[1]),
        "real": record(split_corpus(load_real_corpus(), load_real_test_names())[1]),
    }
    candidates = rules()
    print(f"{'rule':<26}" + "".join(f"{s + ' R':>11}{s + ' P':>11}" for s in sources))
    for name, rule in candidates.items():
        figures = "".join(
            f"{r:11.1%}{p:11.1%}" for r, p in (score(c, rule) for c in sources.values())
        )
        print(f"{name:<26}{figures}")
    print()
    for chosen_on, other in (("written", "real"), ("real", "written")):
        best = max(candidates, key=lambda n: score(sources[chosen_on], candidates[n]))
        base_r, base_p = score(sources[other], candidates["keep all"])
        r, p = score(sources[other], candidates[best])
        print(
            f"chosen on {chosen_on}: {best!r}; on {other}: recall {r:.1%} (keep all {base_r:.1%}),"
            f" precision {p:.1%} (keep all {base_p:.1%})"
        )
    # a cap on how many entities are named, over the rule the analyser uses
    used = candidates["one resource"]
    print()
    print(f"{'at most':<26}" + "".join(f"{s + ' R':>11}{s + ' P':>11}" for s in sources))
    caps = [*range(1, 11), _FAR]
    for cap in caps:
        figures = "".join(
            f"{r:11.1%}{p:11.1%}" for r, p in (score(c, used, cap) for c in sources.values())
        )
        print(f"{'no cap' if cap == _FAR else cap:<26}{figures}")
    for chosen_on, other in (("written", "real"), ("real", "written")):
        # the smallest cap that keeps the source's recall highest, then its precision
        best_cap = max(caps, key=lambda c: (score(sources[chosen_on], used, c), -c))
        r, p = score(sources[other], used, best_cap)
        print(
            f"cap chosen on {chosen_on}: {best_cap}; on {other}: recall {r:.1%}, precision {p:.1%}"
        )


if __name__ == "__main__":
    main()
