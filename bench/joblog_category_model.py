"""Would a small learned category model beat the rules where the rules are weakest?

    .venv/bin/python -m bench.joblog_category_model [--variant NAME] [--replay]

The model: TF-IDF word (1-2) and character (3-5) n-grams of the chosen error line (numbers
masked), words of the lines around it, the exit code's class and the matched family's tier,
under a multinomial logistic regression. Its training data: the knowledge base's example lines
(labelled with their family's category) and the development parts of the written and real
corpora (never the frozen test parts, which this bench does not read).

A gate lets the model replace the rules' category only where the rules are weak: the rules'
category is generic (application_error, unknown), or also where the exit code's convention
disagrees with it, or wherever the family is not of the strongest tier; and only when the
model's probability reaches a threshold. A tier-4 family and a success are never overridden.

Held out first: leave-one-source-out over the development logs (a real transcript's source is
its platform in ``real/sources.json``, a written log's the first word of its name). For each
held-out source the model is trained without it, and the gate is the one best on the other
sources' out-of-source predictions (those came from models that did see the held-out source,
a leak that can only favour the model). The rules were written from these same development
logs, so "rules alone" here is an in-sample figure.

``--replay`` is the first-contact test: for each batch of real transcripts it takes the
analyser as it was at the commit that added the batch (before any rule was changed for it),
trains the model on what existed then (that commit's example lines and development logs other
than the batch) and scores the batch's development part, rules alone against each gate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

Row = dict[str, str]

_NUMBER = re.compile(r"\d+")
_WORD = r"[a-z_][a-z0-9_]+"
GENERIC = frozenset({"application_error", "unknown"})
GATE_KINDS = ("generic", "generic_or_rc_conflict", "below_tier_4")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
CONTEXT_WEIGHT = 0.5
C = 4.0
# The commit that added each batch of real transcripts: the analyser as it first met them.
BATCH_COMMITS = {
    "2026-12-06": "fbfa535",
    "2026-12-06b": "a1ad956",
    "2026-12-06c": "5438699",
    "2026-12-06d": "7bdb44b",
    "2026-12-06e": "4490262",
    "2026-12-06f": "d93d084",
    "2026-12-06g": "0e1ddb3",
    "2026-12-06h": "3391ca9",
    "2026-12-06i": "c4b1fd9",
    "2026-12-06j": "d734259",
    "2026-12-06k": "dc50dfb",
    "2026-12-06l": "9a3e1fc",
    "2026-12-06m": "492a5d7",
    "2026-12-06n": "0642c9a",
    "2026-12-06o": "0642c9a",
    "2026-12-07": "7b7db7c",
    "2026-12-07b": "8008422",
    "2026-12-07c": "e37bbba",
    "2026-12-07d": "e37bbba",
    "2026-12-07e": "6464374",
    "2026-12-07f": "6464374",
    "2026-12-07g": "071e12c",
    "2026-12-07h": "071e12c",
    "2026-12-07i": "e36d8a9",
    "2026-12-07j": "3535bd0",
    "2026-12-07k": "6976f7d",
    "2026-12-07l": "946dc17",
    "2026-12-07m": "de10685",
    "2026-12-07n": "f04c839",
    "2026-12-07o": "adb9d2f",
    "2026-12-07p": "8a94a8f",
    "2026-12-07q": "1c094a3",
    "2026-12-07r": "1c094a3",
    "2026-12-07s": "1c094a3",
    "2026-12-07t": "4279aba",
    "2026-12-07u": "4279aba",
}
REPO = Path(__file__).resolve().parent.parent
BATCH_DIR = REPO / "tests" / "data" / "joblogs" / "real" / "batches"


def _mask(text: str) -> str:
    return _NUMBER.sub("0", text.lower())[:400]


def dump_rows(test_names: frozenset[str]) -> dict[str, list[Row]]:
    """The rules' verdict and the model's inputs for every development log of the analyser
    importable now (this tree's, or an older commit's put first on the path), and the knowledge
    base's example lines."""
    from resync_analytics.joblog.analyzer import analyze_joblog
    from resync_analytics.joblog.exit_codes import explain_exit_code, is_special_exit_code
    from resync_analytics.joblog.knowledge import knowledge
    from tests.resync_analytics.joblog_corpora import REAL_DIR, load_corpus, load_real_corpus

    kb = knowledge()
    tiers = {f.name: f.tier for f in kb.families}
    sources = json.loads((REAL_DIR / "sources.json").read_text(encoding="utf-8"))

    def rc_class(code: int | None) -> str:
        if code is None or code == 0:
            return "none" if code is None else "zero"
        meaning = explain_exit_code(code)
        return "special_" + meaning.category if is_special_exit_code(code) and meaning else "plain"

    def source(name: str) -> str:
        if name.startswith("real/"):
            platform = str(sources.get(name[5:], {}).get("platform", "")).split()
            return "real:" + (platform[0] if platform else "other")
        return "written:" + name.split("_", 1)[0]

    rows = []
    for sample in [*load_corpus(), *load_real_corpus()]:
        if sample.name in test_names:
            continue
        a = analyze_joblog(sample.data)
        around = " ".join(c.text for c in a.context if c.number != a.error_line)
        rows.append(
            {
                "name": sample.name,
                "source": source(sample.name),
                "label": sample.category,
                "rule_category": a.category,
                "line": _mask(a.error_text),
                "context": _mask(around),
                "rc": rc_class(a.exit_code),
                "tier": str(tiers.get(a.rule, "none")),
            }
        )
    examples = [
        {"line": _mask(e), "context": "", "rc": "none", "tier": str(f.tier), "label": f.category}
        for f in kb.families
        for e in f.examples
    ]
    return {"rows": rows, "examples": examples}


Predictor = Callable[[Sequence[Row]], list[tuple[str, float]]]
Fitter = Callable[[Sequence[Row]], Predictor]


def make_fit(
    context_weight: float = CONTEXT_WEIGHT,
    chars: bool = True,
    class_weight: str | None = None,
    c: float = C,
    calibrate: bool = False,
) -> Fitter:
    """A fitter of the model with these choices (``VARIANTS`` names the ones measured)."""

    def fit(train: Sequence[Row]) -> Predictor:
        """A multinomial logistic regression on the line's words and characters, the context's
        words, the exit code class and the family tier; returns the most probable category and
        its probability for each row."""
        from scipy.sparse import hstack
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        words = TfidfVectorizer(ngram_range=(1, 2), token_pattern=_WORD, sublinear_tf=True)
        characters = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2, max_features=30000
        )
        context = TfidfVectorizer(token_pattern=_WORD, sublinear_tf=True)

        def word_doc(r: Row) -> str:
            return f"{r['line']} __rc_{r['rc']} __tier_{r['tier']}"

        def matrix(rows: Sequence[Row], fitting: bool) -> Any:
            parts = [(words, [word_doc(r) for r in rows])]
            if chars:
                parts.append((characters, [r["line"] for r in rows]))
            if context_weight:
                parts.append((context, [r["context"] for r in rows]))
            blocks = [v.fit_transform(d) if fitting else v.transform(d) for v, d in parts]
            if context_weight:
                blocks[-1] = context_weight * blocks[-1]
            return hstack(blocks).tocsr()

        base = LogisticRegression(C=c, max_iter=2000, class_weight=class_weight)
        # sigmoid calibration on 3 folds: the gate's threshold then reads as a probability
        model: Any = CalibratedClassifierCV(base, method="sigmoid", cv=3) if calibrate else base
        model.fit(matrix(train, True), [r["label"] for r in train])

        def predict(rows: Sequence[Row]) -> list[tuple[str, float]]:
            if not rows:
                return []
            probabilities = model.predict_proba(matrix(rows, False))
            best = probabilities.argmax(axis=1)
            return [
                (str(model.classes_[j]), float(probabilities[i, j])) for i, j in enumerate(best)
            ]

        return predict

    return fit


VARIANTS: dict[str, dict[str, Any]] = {
    "base": {},
    "no_context": {"context_weight": 0.0},
    "no_chars": {"chars": False},
    "balanced": {"class_weight": "balanced"},
    "calibrated": {"calibrate": True},
}
fit = make_fit()


Gate = tuple[str, float]


def gates() -> Iterator[Gate]:
    yield ("never", 1.0)
    for kind in GATE_KINDS:
        for threshold in THRESHOLDS:
            yield (kind, threshold)


def gated(gate: Gate, row: Row, prediction: tuple[str, float]) -> str:
    """The category the analyser would give with ``gate`` between the rules and the model."""
    kind, threshold = gate
    rule = row["rule_category"]
    category, probability = prediction
    if kind == "never" or rule == "success" or row["tier"] == "4" or probability < threshold:
        return rule
    weak = rule in GENERIC
    if kind == "generic_or_rc_conflict":
        weak = weak or (row["rc"].startswith("special_") and row["rc"] != "special_" + rule)
    elif kind == "below_tier_4":
        weak = True
    return category if weak else rule


def out_of_source(
    rows: Sequence[Row], examples: Sequence[Row], fitter: Fitter = fit
) -> dict[str, tuple[str, float]]:
    predictions: dict[str, tuple[str, float]] = {}
    for source in sorted({r["source"] for r in rows}):
        held = [r for r in rows if r["source"] == source]
        predict = fitter([*examples, *(r for r in rows if r["source"] != source)])
        predictions.update(zip((r["name"] for r in held), predict(held), strict=True))
    return predictions


def loso_table(rows: Sequence[Row], examples: Sequence[Row], fitter: Fitter = fit) -> None:
    predictions = out_of_source(rows, examples, fitter)
    by_source: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_source[r["source"]].append(r)

    def right(gate: Gate, chosen: Sequence[Row]) -> int:
        return sum(gated(gate, r, predictions[r["name"]]) == r["label"] for r in chosen)

    all_gates = list(gates())
    held_right = 0
    chosen_gates: dict[Gate, int] = defaultdict(int)
    for source, held in by_source.items():
        others = [r for r in rows if r["source"] != source]
        # best on the other sources; ties go to the gate that changes least ("never" first)
        best = max(all_gates, key=lambda g: (right(g, others), g == ("never", 1.0), g[1]))
        chosen_gates[best] += 1
        held_right += right(best, held)
    n = len(rows)
    rules = right(("never", 1.0), rows)
    model_alone = sum(predictions[r["name"]][0] == r["label"] for r in rows)
    print(f"== leave-one-source-out, {n} development logs, {len(by_source)} sources")
    print(f"held out: rules + model (gate chosen on the other sources) {held_right / n:6.1%}")
    print(f"          rules alone (in-sample: the rules were written here) {rules / n:6.1%}")
    print(f"          model alone {model_alone / n:6.1%}")
    print("gates chosen: " + ", ".join(f"{k}@{t} x{c}" for (k, t), c in chosen_gates.items()))
    print("gate                      threshold  category (every source out of fold)")
    for gate in all_gates:
        print(f"{gate[0]:<25} {gate[1]:9.1f}  {right(gate, rows) / n:6.1%}")
    print()


def _rows_at(
    commit: str, test_names: frozenset[str], dump: str = "bench.joblog_category_model:dump_rows"
) -> dict[str, list[Row]]:
    """``dump_rows`` (or another ``module:function`` of this tree's benches taking the test
    names) run on the analyser as it was at ``commit`` (its tree exported aside)."""
    module, function = dump.split(":")
    paths = ["resync_core", "resync_analytics", "tests/__init__.py", "tests/resync_analytics"]
    paths.append("tests/data/joblogs")
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(
            ["git", "archive", commit, *paths], cwd=REPO, check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        code = (
            "import json, sys\n"
            f"from {module} import {function} as dump\n"
            "json.dump(dump(frozenset(json.load(sys.stdin))), sys.stdout)\n"
        )
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([tree, str(REPO)])}
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tree,
            env=env,
            input=json.dumps(sorted(test_names)),
            capture_output=True,
            text=True,
            check=True,
        )
        rows: dict[str, list[Row]] = json.loads(done.stdout)
        return rows


def replay(test_names: frozenset[str], fitter: Fitter = fit) -> None:
    print("== first contact: each batch's development part, analyser and data as they were")
    print("batch         logs  " + "  ".join(f"{k[:10]}@{t}" for k, t in gates()))
    totals: dict[Gate, int] = defaultdict(int)
    count = reachable = 0
    for batch, commit in BATCH_COMMITS.items():
        then = _rows_at(commit, test_names)
        lines = (BATCH_DIR / f"{batch}.txt").read_text(encoding="utf-8").split()
        names = {"real/" + line for line in lines}
        held = [r for r in then["rows"] if r["name"] in names]
        predict = fitter([*then["examples"], *(r for r in then["rows"] if r["name"] not in names)])
        predictions = predict(held)
        cells = []
        for gate in gates():
            right = sum(
                gated(gate, r, p) == r["label"] for r, p in zip(held, predictions, strict=True)
            )
            totals[gate] += right
            cells.append(f"{right:3d}")
        count += len(held)
        # the rules' misses that some gate could override: not a success, not a tier-4 family
        reachable += sum(
            r["rule_category"] != r["label"]
            and r["rule_category"] != "success"
            and r["tier"] != "4"
            for r in held
        )
        print(f"{batch:<12} {len(held):5d}  " + "  ".join(cells))
    print(f"{'all':<12} {count:5d}  " + "  ".join(f"{totals[g]:3d}" for g in gates()))
    best = max(totals.values())
    print(f"rules alone {totals[('never', 1.0)] / count:6.1%}, best gate {best / count:6.1%}")
    print(f"of the rules' {count - totals[('never', 1.0)]} misses, {reachable} are open to a gate")


def main() -> None:
    from tests.resync_analytics.joblog_split import load_real_test_names, load_test_names

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replay", action="store_true", help="also the first-contact replay")
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="base")
    args = parser.parse_args()
    fitter = make_fit(**VARIANTS[args.variant])
    test_names = frozenset(load_test_names()) | frozenset(load_real_test_names())
    data = dump_rows(test_names)
    loso_table(data["rows"], data["examples"], fitter)
    if args.replay:
        replay(test_names, fitter)


if __name__ == "__main__":
    main()
