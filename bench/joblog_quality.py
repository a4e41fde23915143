"""Joblog analyser quality: the frozen test parts first, then development, then the simulator.

    .venv/bin/python -m bench.joblog_quality [--misses | --entity-misses]
    .venv/bin/python -m bench.joblog_quality --names-from tests/data/joblogs/real/batches/DATE.txt

Three labelled sources: ``written`` (tests/data/joblogs, written by this project), ``real``
(tests/data/joblogs/real, transcripts printed by other people's tools and found in public issue
threads, Q&A pages and vendor docs, wrapped in TWS stdlists) and ``blind``
(tests/data/joblogs/blind, whole joblogs written by authors who never saw the analyser, its
knowledge base or the other corpora, as a customer's joblogs are). Each has its own frozen split
(``split.json`` in its directory, same hash rule): the test parts are frozen and no rule,
pattern or parameter may be tuned by looking at their failures, so their figures are the honest
estimate. The real test part is the one the rules were never written from. Simulator
renderings come from the same project and are not evidence of generalisation.

Prints category accuracy, exact error-line accuracy, error line within 3 lines, entity recall
and precision, and a calibration table (confidence bins against the observed share of right
answers); per-category accuracy for the test part. ``--misses`` lists the failures, the missed
entities and the unlabelled ones for development and simulator only (never the test part).

Entity figures credit an address whichever way the labels spell it (``host:port`` joint, or a
host and a port apart; see ``credited`` in resync_analytics/joblog/evaluation.py and the label
conventions of tests/data/joblogs/README.md); the per-source table also gives the figures under
the exact spelling alone. ``--entity-misses`` lists only the development parts' missed labelled
entities, grouped by their labelled role, and the unlabelled entities named, grouped by the role
the analyser gives them: the kinds of entity not extracted and the kinds of noise output.

``--names-from FILE`` measures only the real transcripts named in FILE (one file name a line):
a batch collected and labelled together; a FILE under ``blind/batches`` names blind-written
joblogs. Measured before any rule is changed for it, that is
an honest figure on logs the rules have not seen; the README of the corpus lists each batch
with that first figure. Its misses are listed (with ``--misses``) for the batch's development
files only.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

from resync_analytics.joblog.evaluation import Outcome, QualityReport, evaluate, role_figures
from tests.resync_analytics.joblog_corpora import (
    BLIND_PREFIX,
    REAL_PREFIX,
    load_blind_corpus,
    load_corpus,
    load_real_corpus,
    render_simulated,
)
from tests.resync_analytics.joblog_split import (
    load_blind_test_names,
    load_real_test_names,
    split_corpus,
)

NEAR_LINES = 3


def line_near(outcome: Outcome, tolerance: int = NEAR_LINES) -> bool:
    """The error line is within ``tolerance`` lines of the label (0 for success matches only 0)."""
    want, got = outcome.sample.error_line, outcome.analysis.error_line
    if want == 0 or got == 0:
        return want == got
    return abs(want - got) <= tolerance


def print_per_category(report: QualityReport) -> None:
    by_category: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in report.outcomes:
        by_category[outcome.sample.category].append(outcome)
    print("labelled category     logs  category  line exact  line ±3")
    for category, outcomes in sorted(by_category.items()):
        n = len(outcomes)
        print(
            f"{category:<20} {n:5d}  {sum(o.category_ok for o in outcomes):4d}/{n:<3d}"
            f"  {sum(o.line_ok for o in outcomes):6d}/{n:<3d}"
            f"  {sum(line_near(o) for o in outcomes):4d}/{n:<3d}"
        )


def print_per_source(parts: dict[tuple[str, str], QualityReport]) -> None:
    """One line per (source, split): the figures side by side, test parts first."""
    print(
        "source   split  logs  category  line exact  line ±3  entity recall  precision"
        "  (exact spelling: recall  precision)"
    )
    for (source, split), report in sorted(
        parts.items(), key=lambda kv: (kv[0][1] != "test", kv[0])
    ):
        if not report.count:
            continue
        near = sum(line_near(o) for o in report.outcomes) / report.count
        print(
            f"{source:<8} {split:<5} {report.count:5d}  {report.category_accuracy:8.1%}"
            f"  {report.line_accuracy:10.1%}  {near:7.1%}  {report.entity_recall:13.1%}"
            f"  {report.entity_precision:9.1%}"
            f"  {report.exact_entity_recall:21.1%}  {report.exact_entity_precision:9.1%}"
        )
    print()


def print_per_role(title: str, report: QualityReport) -> None:
    """Recall and precision per entity role (labels with roles only): recall over the labelled
    entities of the role, precision over the entities the analyser gives the role; "agree" is
    the share of found ones the analyser gives the labelled role."""
    figures = role_figures(report.outcomes)
    if not figures:
        return
    print(f"-- entity roles, {title}")
    print("role        labelled  recall   named  precision  agree")
    for f in figures:
        agree = f"{f.agreeing / f.found:6.0%}" if f.found else "     -"
        recall = f"{f.recall:6.1%}" if f.labelled else "     -"
        precision = f"{f.precision:9.1%}" if f.named else "        -"
        print(f"{f.role:<10} {f.labelled:9d}  {recall}  {f.named:6d}  {precision}  {agree}")
    print()


def print_report(title: str, report: QualityReport, show_misses: bool) -> None:
    print(f"== {title}: {report.count} joblogs")
    print(f"category accuracy : {report.category_accuracy:6.1%}")
    print(f"error-line exact  : {report.line_accuracy:6.1%}")
    near = sum(line_near(o) for o in report.outcomes) / report.count if report.count else 0.0
    print(f"error-line ±{NEAR_LINES}     : {near:6.1%}")
    print(f"entity recall     : {report.entity_recall:6.1%}")
    print(f"entity precision  : {report.entity_precision:6.1%}")
    print(
        f"  exact spelling  : recall {report.exact_entity_recall:6.1%}"
        f"  precision {report.exact_entity_precision:6.1%}"
    )
    print("confidence bin   count  mean conf  observed accuracy")
    for b in report.calibration:
        print(
            f"[{b.low:.1f}, {b.high:.1f})   {b.count:6d}  {b.mean_confidence:9.2f}  "
            f"{b.observed_accuracy:17.2f}"
        )
    if show_misses:
        for o in report.misses:
            a, s = o.analysis, o.sample
            print(
                f"  MISS {s.name}: want {s.category}@{s.error_line} got "
                f"{a.category}@{a.error_line} "
                f"({a.rule}) {a.error_text[:120]!r}"
            )
        for o in report.outcomes:
            lost = list(o.missed_entities)
            if lost:
                print(
                    f"  ENTITIES {o.sample.name}: missing {lost} got "
                    f"{list(o.analysis.entities)[:8]}"
                )
            if o.unlabelled_entities:
                print(f"  EXTRA {o.sample.name}: {list(o.unlabelled_entities)}")
    print()


def print_entity_misses(title: str, report: QualityReport) -> None:
    """Missed labelled entities grouped by their labelled role, and unlabelled outputs grouped
    by the role the analyser gives them (development parts only: the causes to fix are kinds,
    not files)."""
    missed: dict[str, list[str]] = defaultdict(list)
    extra: dict[str, list[str]] = defaultdict(list)
    for o in report.outcomes:
        labelled_roles = dict(zip(o.sample.entities, o.sample.roles, strict=False))
        named_roles = dict(o.analysis.entity_roles)
        for e in o.missed_entities:
            missed[labelled_roles.get(e) or "?"].append(f"{o.sample.name}: {e!r}")
        for e in o.unlabelled_entities:
            extra[named_roles.get(e, "?")].append(f"{o.sample.name}: {e!r}")
    print(f"== entity misses, {title}")
    for heading, groups in (("MISSED (labelled role)", missed), ("EXTRA (output role)", extra)):
        print(f"-- {heading}: {sum(len(v) for v in groups.values())}")
        for role, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print(f"  [{role}] {len(items)}")
            for item in items:
                print(f"     {item}")
    print()


def is_blind_batch(path: str) -> bool:
    """A batch file under ``blind/batches`` lists blind-written joblogs, any other real ones."""
    return "blind" in Path(path).resolve().parts


def read_batch_names(path: str) -> frozenset[str]:
    """Sample names (``real/`` or ``blind/`` prefixed) of the joblogs a batch file lists."""
    prefix = BLIND_PREFIX if is_blind_batch(path) else REAL_PREFIX
    with open(path, encoding="utf-8") as lines:
        return frozenset(prefix + line.strip() for line in lines if line.strip())


def report_batch(path: str, show_misses: bool) -> None:
    """Figures on one batch of real transcripts or blind-written joblogs, whole and per part."""
    names = read_batch_names(path)
    blind = is_blind_batch(path)
    corpus = load_blind_corpus() if blind else load_real_corpus()
    samples = [s for s in corpus if s.name in names]
    missing = names - {s.name for s in samples}
    if missing:
        raise SystemExit(f"not in the {'blind' if blind else 'real'} corpus: {sorted(missing)}")
    test, development = split_corpus(
        samples, load_blind_test_names() if blind else load_real_test_names()
    )
    whole = evaluate(samples)
    print_report(f"batch {path} (all of it)", whole, False)
    print_per_category(whole)
    print_per_source({("batch", "test"): evaluate(test), ("batch", "dev"): evaluate(development)})
    # only the development files' misses: the test files of a batch are frozen like the rest
    if development:
        print_report("batch development files", evaluate(development), show_misses)


def _real_dev() -> list:
    return list(split_corpus(load_real_corpus(), load_real_test_names())[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every development miss")
    parser.add_argument(
        "--entity-misses",
        action="store_true",
        help="only list the development parts' missed and unlabelled entities, by role",
    )
    parser.add_argument(
        "--seeds", type=int, default=3, help="simulator renderings per template and agent kind"
    )
    parser.add_argument(
        "--names-from",
        metavar="FILE",
        help="measure only the real transcripts named in FILE (one file name a line)",
    )
    args = parser.parse_args()
    if args.names_from:
        report_batch(args.names_from, args.misses)
        return
    if args.entity_misses:
        # development parts only: the frozen test parts' misses are never listed
        print_entity_misses("real development part", evaluate(_real_dev()))
        blind_dev = split_corpus(load_blind_corpus(), load_blind_test_names())[1]
        print_entity_misses("blind-written development part", evaluate(blind_dev))
        print_entity_misses("written development part", evaluate(split_corpus(load_corpus())[1]))
        return
    written_test, written_dev = split_corpus(load_corpus())
    real_test, real_dev = split_corpus(load_real_corpus(), load_real_test_names())
    blind_test, blind_dev = split_corpus(load_blind_corpus(), load_blind_test_names())
    parts = {
        ("real", "test"): evaluate(real_test),
        ("blind", "test"): evaluate(blind_test),
        ("written", "test"): evaluate(written_test),
        ("real", "dev"): evaluate(real_dev),
        ("blind", "dev"): evaluate(blind_dev),
        ("written", "dev"): evaluate(written_dev),
    }
    # the test parts' misses are never listed: reading them is how a frozen part gets tuned on
    if blind_test:
        print_report("blind-written FROZEN TEST part (held out)", parts["blind", "test"], False)
        print_per_category(parts["blind", "test"])
    if real_test:
        print_report("real transcripts FROZEN TEST part (held out)", parts["real", "test"], False)
        print_per_category(parts["real", "test"])
        print_per_role("real FROZEN TEST part (held out)", parts["real", "test"])
    print_report("written corpus FROZEN TEST part (held out)", parts["written", "test"], False)
    print(
        "note: the written corpus predates its split and the rules were written with all of it"
        "\n      in view; its test part is held out from then on, not evidence on logs nobody"
        "\n      here wrote (the real test part is)"
    )
    print_per_category(parts["written", "test"])
    print_per_source(parts)
    if real_dev:
        print_per_role("real development part", parts["real", "dev"])
        print_report("real transcripts development part", parts["real", "dev"], args.misses)
    if blind_dev:
        print_report("blind-written development part", parts["blind", "dev"], args.misses)
    print_report("written corpus development part", parts["written", "dev"], args.misses)
    print_report(
        "simulator (not evidence of generalisation)",
        evaluate(render_simulated(args.seeds)),
        args.misses,
    )


if __name__ == "__main__":
    main()
