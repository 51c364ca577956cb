"""Issue #13: a memory-based reader beside the linear model. k nearest labelled neighbours by cosine similarity of
the model's own TF-IDF rows, blended with the linear probability; 3-fold cross-validation on the TRAINING split.

Every family tried so far (n-gram weights, windows, second stages, forests, thresholds, NB scaling) generalises
from features. Nearest neighbours instead remember whole texts: a real review phrased like a labelled one gets
that one's labels, whatever the weights of its words. For each held-out text the k most similar training texts of
the fold (cosine of the L2-normalised TF-IDF rows the fitted model computes: word and character n-grams, modality
marks included) vote with their similarity as weight; the vote is averaged with the linear probability, either
everywhere or only where the linear probability reaches 0.1 (the cells 0.5.0's forest reads).

The base is 0.5.0's linear part on the folds and parts of experiments/contrast_variants.py (real, team,
held-out minimal pairs). The rule, fixed here before the run: a blend is worth building on only if each of the
four figures is at least the base's minus 0.002 and their mean is at least 0.003 above the base's.

    .venv/bin/python experiments/knn_blend.py        # about 3 minutes on 2 idle cores; prints, writes nothing
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

import complaintmine as cm
import contrast_variants
from contrast_variants import summary  # the same scoring

ROOT = Path(__file__).resolve().parents[1]
BASE = {**json.loads((ROOT / "models" / "complaintmine-zh-0.6.0.train.json").read_text("utf-8")), "forest": "none"}
KS = (5, 20)
WEIGHTS = (0.25, 0.5)
GATE = 0.1
CHUNK = 2000


def knn_votes(X_te: sp.csr_matrix, X_tr: sp.csr_matrix, Y_tr: np.ndarray, k: int) -> np.ndarray:
    """Similarity-weighted label share among the k most similar training rows, per test row."""
    A, B = normalize(X_te), normalize(X_tr).T.tocsc()
    out = np.zeros((A.shape[0], Y_tr.shape[1]))
    for start in range(0, A.shape[0], CHUNK):
        sims = (A[start : start + CHUNK] @ B).toarray()
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        weight = np.take_along_axis(sims, top, axis=1)
        weight = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-12)
        out[start : start + CHUNK] = np.einsum("ij,ijl->il", weight, Y_tr[top])
    return out


def main() -> None:
    frame, texts, Y, part, fold_list = contrast_variants.training_split()  # the same folds and parts
    config = cm.TrainConfig.from_dict(BASE)
    linear = np.zeros(Y.shape)
    votes = {k: np.zeros(Y.shape) for k in KS}
    started = time.time()
    for n, (train_idx, test_idx) in enumerate(fold_list):
        weights = config.sample_weights(frame.iloc[train_idx])
        train_texts, test_texts = [texts[i] for i in train_idx], [texts[i] for i in test_idx]
        clf = config.classifier().fit(train_texts, Y[train_idx], sample_weight=weights)
        linear[test_idx] = clf.predict_proba(test_texts)
        X_tr, X_te = clf.transform(train_texts), clf.transform(test_texts)
        for k in KS:
            votes[k][test_idx] = knn_votes(X_te, X_tr, Y[train_idx], k)
        print(f"fold {n}: {time.time() - started:.0f}s", file=sys.stderr)

    def row(proba: np.ndarray) -> dict[str, float]:
        pred = (proba >= 0.5).astype(int)
        figures = contrast_variants.scored(Y, pred, part)
        out = summary(figures)
        out.update({f"{k[:5]} R": round(v["f1"], 3) for k, v in figures["real"]["labels"].items() if k != "other"})
        return out

    rows = {"base (0.6.0's linear part)": row(linear)}
    for k in KS:
        rows[f"kNN alone, k={k}"] = row(votes[k])
        for w in WEIGHTS:
            rows[f"k={k}, weight {w}, everywhere"] = row((1 - w) * linear + w * votes[k])
            gated = np.where(linear >= GATE, (1 - w) * linear + w * votes[k], linear)
            rows[f"k={k}, weight {w}, where linear >= {GATE}"] = row(gated)
    base = rows["base (0.6.0's linear part)"]
    for name, figures in rows.items():
        mean = sum(figures[f] for f in contrast_variants.FOUR) / 4
        verdict = "passes" if contrast_variants.passes(figures, base) else "does not pass"
        print(f"| {name} | {json.dumps(figures)} | mean {mean:.4f} | {verdict} |")


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
