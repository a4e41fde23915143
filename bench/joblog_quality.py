"""Joblog analyser quality on the labelled corpus and on simulator renderings.

    .venv/bin/python -m bench.joblog_quality [--misses]

Prints category accuracy, exact error-line accuracy, entity recall and precision, and a
calibration table (confidence bins against the observed share of right answers).
``--misses`` lists the failures, the missed entities and the unlabelled ones.
"""

from __future__ import annotations

import argparse

from resync_analytics.joblog.evaluation import QualityReport, evaluate
from tests.resync_analytics.joblog_corpora import load_corpus, render_simulated


def print_report(title: str, report: QualityReport, show_misses: bool) -> None:
    print(f"== {title}: {report.count} joblogs")
    print(f"category accuracy : {report.category_accuracy:6.1%}")
    print(f"error-line exact  : {report.line_accuracy:6.1%}")
    print(f"entity recall     : {report.entity_recall:6.1%}")
    print(f"entity precision  : {report.entity_precision:6.1%}")
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
            lost = [e for e in o.sample.entities if e not in o.analysis.entities]
            if lost:
                print(
                    f"  ENTITIES {o.sample.name}: missing {lost} got "
                    f"{list(o.analysis.entities)[:8]}"
                )
            if o.unlabelled_entities:
                print(f"  EXTRA {o.sample.name}: {list(o.unlabelled_entities)}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument(
        "--seeds", type=int, default=3, help="simulator renderings per template and agent kind"
    )
    args = parser.parse_args()
    print_report("hand-written corpus", evaluate(load_corpus()), args.misses)
    print_report("simulator", evaluate(render_simulated(args.seeds)), args.misses)


if __name__ == "__main__":
    main()
