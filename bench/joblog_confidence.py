"""Does the analyser's confidence mean what it says on logs it has not seen?

    .venv/bin/python -m bench.joblog_confidence [--cache FILE]

The honest data are first contacts: for each batch of real transcripts, the analyser as it was
at the commit that added the batch (``BATCH_COMMITS`` of bench.joblog_category_model, before
any rule was changed for it) is run on the batch's development files (the frozen test names of
``real/split.json`` are never analysed). For each file it records the confidence features of
its verdict (``ConfidenceFeatures``, caught as they are scored) and whether the verdict was
right: category and exact error line against today's labels, as bench.joblog_quality scores
it.

Held out first: leave-one-batch-out. For each batch, (1) the former hand-set weights
(``HAND_WEIGHTS``), (2) Platt scaling of their score and (3) weights fitted on the other
batches' first-contact rows are applied to its rows; the table gives Brier score, log loss and
expected calibration error (5 equal-width bins), then the reliability bins of all held-out
predictions together. The fit is a logistic regression on the same features with a Gaussian
prior centred on the hand-set weights (L2 towards them, so features the rows seldom show keep
about their former weight); its strength is chosen by an inner leave-one-batch-out on the
training batches' log loss. Last, the weights fitted on every batch (strength chosen the same
way on all of them) and how far they are from the ones ``WEIGHTS`` ships.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from bench.joblog_category_model import BATCH_COMMITS, BATCH_DIR, _rows_at

PENALTIES = (0.3, 1.0, 3.0, 10.0, 30.0)
BINS = 5
CORROBORATION_CAP = 3.0
Matrix = NDArray[np.float64]


def dump_confidence_rows(test_names: frozenset[str]) -> dict[str, list[dict[str, Any]]]:
    """The verdict, confidence and confidence features of the analyser importable now (this
    tree's, or an older commit's put first on the path) for every real development log."""
    from resync_analytics.joblog import analyzer
    from tests.resync_analytics.joblog_corpora import load_real_corpus

    caught: list[dict[str, float]] = []
    score = analyzer.score_confidence

    def catching(features: Any, *args: Any, **kwargs: Any) -> float:
        caught.append({k: float(v) for k, v in asdict(features).items()})
        return score(features, *args, **kwargs)

    analyzer.score_confidence = catching
    rows = []
    for sample in load_real_corpus():
        if sample.name in test_names:
            continue
        caught.clear()
        a = analyzer.analyze_joblog(sample.data)
        rows.append(
            {
                "name": sample.name,
                "category": str(a.category),
                "error_line": a.error_line,
                "confidence": a.confidence,
                "features": caught[-1],
            }
        )
    return {"rows": rows}


def first_contact_rows(test_names: frozenset[str]) -> list[dict[str, Any]]:
    """Each batch's development files as the analyser first met them, judged on today's labels."""
    from tests.resync_analytics.joblog_corpora import load_real_corpus

    labels = {s.name: s for s in load_real_corpus()}
    rows = []
    for batch, commit in BATCH_COMMITS.items():
        names = {"real/" + n for n in (BATCH_DIR / f"{batch}.txt").read_text().split()}
        then = _rows_at(commit, test_names, dump="bench.joblog_confidence:dump_confidence_rows")
        for row in cast(list[dict[str, Any]], then["rows"]):
            sample = labels.get(row["name"])
            if row["name"] not in names or sample is None or row["name"] in test_names:
                continue
            right = row["category"] == sample.category and row["error_line"] == sample.error_line
            rows.append({**row, "batch": batch, "right": right})
    return rows


def design(features: Sequence[dict[str, float]], names: Sequence[str]) -> Matrix:
    """A bias column and the features in ``names`` order (corroboration capped as scored)."""
    columns = [
        [1.0] + [min(f[n], CORROBORATION_CAP) if n == "corroborating" else f[n] for n in names[1:]]
        for f in features
    ]
    return np.array(columns, dtype=float)


def predict(x: Matrix, w: Matrix) -> Matrix:
    # clipped: a large step of Newton's method must not overflow exp
    return 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30.0, 30.0)))


def fit_logistic(x: Matrix, y: Matrix, prior: Matrix, penalty: float) -> Matrix:
    """Maximum a posteriori logistic regression: log likelihood minus ``penalty / 2`` times the
    squared distance of the weights from ``prior`` (Newton's method; the penalty keeps the
    weights of features the data seldom show near the prior)."""
    w = prior.copy()
    eye = np.eye(len(w))
    for _ in range(100):
        p = predict(x, w)
        gradient = x.T @ (y - p) - penalty * (w - prior)
        hessian = (x.T * (p * (1 - p))) @ x + penalty * eye
        step = np.linalg.solve(hessian, gradient)
        w = w + step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def brier(p: Matrix, y: Matrix) -> float:
    return float(np.mean((p - y) ** 2))


def log_loss(p: Matrix, y: Matrix) -> float:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(q) + (1 - y) * np.log(1 - q)))


def reliability(p: Matrix, y: Matrix) -> list[tuple[float, float, int, float, float]]:
    """(low, high, count, mean confidence, observed share right) per equal-width bin."""
    table = []
    index = np.minimum((p * BINS).astype(int), BINS - 1)
    for b in range(BINS):
        members = index == b
        if members.any():
            n = int(members.sum())
            table.append((b / BINS, (b + 1) / BINS, n, float(p[members].mean()), y[members].mean()))
    return table


def ece(p: Matrix, y: Matrix) -> float:
    return sum(n * abs(conf - right) for _, _, n, conf, right in reliability(p, y)) / len(p)


def choose_penalty(x: Matrix, y: Matrix, groups: NDArray[Any], prior: Matrix) -> float:
    """The penalty whose leave-one-group-out log loss is lowest (ties to the stronger one)."""

    def loss(penalty: float) -> float:
        total = 0.0
        for g in np.unique(groups):
            out = groups == g
            w = fit_logistic(x[~out], y[~out], prior, penalty)
            total += log_loss(predict(x[out], w), y[out]) * out.sum()
        return total

    return min(reversed(PENALTIES), key=loss)


def fit_weights(x: Matrix, y: Matrix, groups: NDArray[Any], prior: Matrix) -> tuple[Matrix, float]:
    penalty = choose_penalty(x, y, groups, prior)
    return fit_logistic(x, y, prior, penalty), penalty


def main() -> None:
    from resync_analytics.joblog.confidence import HAND_WEIGHTS, WEIGHTS, ConfidenceFeatures
    from tests.resync_analytics.joblog_split import load_real_test_names

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cache", help="JSON file keeping the first-contact rows between runs")
    args = parser.parse_args()
    test_names = frozenset(load_real_test_names())
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        rows = json.loads(cache.read_text())
    else:
        rows = first_contact_rows(test_names)
        if cache is not None:
            cache.write_text(json.dumps(rows))
    names = ("bias", *ConfidenceFeatures.names())
    hand = np.array([HAND_WEIGHTS[n] for n in names], dtype=float)
    shipped = np.array([WEIGHTS[n] for n in names], dtype=float)
    x = design([r["features"] for r in rows], names)
    y = np.array([float(r["right"]) for r in rows])
    groups = np.array([r["batch"] for r in rows])

    # Platt scaling: a slope and an offset on the hand-set score's logit (prior: unchanged)
    z = np.column_stack([np.ones(len(rows)), x @ hand])
    held: dict[str, Matrix] = {m: np.zeros(len(rows)) for m in ("hand", "platt", "fitted")}
    held["hand"] = predict(x, hand)
    batches = list(dict.fromkeys(groups.tolist()))
    for batch in batches:
        out = groups == batch
        w, _ = fit_weights(x[~out], y[~out], groups[~out], hand)
        held["fitted"][out] = predict(x[out], w)
        platt, _ = fit_weights(z[~out], y[~out], groups[~out], np.array([0.0, 1.0]))
        held["platt"][out] = predict(z[out], platt)

    print(f"== leave-one-batch-out over {len(rows)} first-contact development rows")
    print("held out: Brier score, log loss, ECE; hand-set weights, Platt on them, fitted weights")
    print(f"batch        rows  right | {'hand':^19} | {'platt':^19} | {'fitted':^19}")
    wins = {"platt": 0, "fitted": 0}

    def cells(out: NDArray[np.bool_]) -> str:
        yo = y[out]
        return " | ".join(
            f"{brier(held[m][out], yo):5.3f} {log_loss(held[m][out], yo):6.3f}"
            f" {ece(held[m][out], yo):6.3f}"
            for m in held
        )

    for batch in batches:
        out = groups == batch
        ph, yo = held["hand"][out], y[out]
        for m in wins:
            pm = held[m][out]
            wins[m] += brier(pm, yo) < brier(ph, yo) and log_loss(pm, yo) < log_loss(ph, yo)
        print(f"{batch:<12} {out.sum():4d}  {yo.mean():5.0%} | {cells(out)}")
    print(f"{'all':<12} {len(rows):4d}  {y.mean():5.0%} | {cells(np.ones(len(rows), bool))}")
    for m, n in wins.items():
        print(f"{m} better than hand on both Brier and log loss in {n} of {len(batches)} batches")
    print()
    for m, p in held.items():
        print(f"-- reliability, {m}" + (", held out" if m != "hand" else ""))
        print("confidence bin   count  mean conf  observed accuracy")
        for low, high, n, conf, right in reliability(p, y):
            print(f"[{low:.1f}, {high:.1f})   {n:6d}  {conf:9.2f}  {right:17.2f}")
        print()
    w, penalty = fit_weights(x, y, groups, hand)
    print(f"== fitted on all {len(rows)} rows (penalty {penalty:g}, chosen leave-one-batch-out)")
    for name, old, new in zip(names, hand, w, strict=True):
        print(f'    "{name}": {round(float(new), 2)},  # was {old:g}')
    print(
        f"in-sample: brier {brier(predict(x, w), y):.3f}, log loss {log_loss(predict(x, w), y):.3f}"
    )
    drift = float(np.max(np.abs(np.round(w, 2) - shipped)))
    print(f"largest difference from the shipped WEIGHTS: {drift:.2f}")
    counts = x[:, 1:].astype(bool).sum(axis=0)
    shown = zip(names[1:], counts, strict=True)
    print("rows showing each feature: " + ", ".join(f"{n} {c}" for n, c in shown))


if __name__ == "__main__":
    main()
