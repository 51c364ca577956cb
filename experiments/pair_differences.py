"""Issue #13: the minimal pairs as differences, not only as texts (3-fold CV, training split only).

Today the pairs are ordinary training texts: a complaint and its non-complaint edit each stand alone, so the
topic words they share are pushed up by the one and down by the other, and the model has to find the decisive
words among everything else a text holds. A pairwise (RankSVM-style) loss asks for the decision directly: for a
label j and two texts of one minimal-pair group, c with the label and v without, the score of c must exceed the
score of v. For a linear scorer that is a logistic loss on the difference x_c - x_v, in which the shared topic
words cancel and only the edit is left. So, per label, the difference rows (x_c - x_v, label 1) and their
mirrors (x_v - x_c, label 0), each weighing ``w``, are added to the training rows of the fold; the model stays an
ordinary linear model over the same features (same scorer, same speed).

Base: 0.6.1's linear part (its config with forest "none"; C = 60, class-balanced), refitted per label by this
script with explicit balanced weights computed on the training texts alone (the difference rows do not move the
class balance); a first variant without difference rows checks that this harness equals the base. Folds, parts
and figures are those of contrast_variants.py. The rule, fixed here before the run: a variant is worth building in
only if each of the four figures (real, team, held-out pairs' two sides) is at least the base's minus 0.002 and
their mean at least 0.003 above the base's.

    .venv/bin/python experiments/pair_differences.py        # about 10 minutes on 2 idle cores; writes nothing
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

import complaintmine as cm
import contrast_variants
from contrast_variants import summary  # the same scoring

ROOT = Path(__file__).resolve().parents[1]
BASE = {**json.loads((ROOT / "models" / "complaintmine-zh-0.6.1.train.json").read_text("utf-8")), "forest": "none"}
# name: weight of each difference row (None: no difference rows)
VARIANTS: dict[str, float | None] = {
    "own logistic regression, no differences (must equal the base)": None,
    "differences weigh 0.5": 0.5,
    "differences weigh 1": 1.0,
    "differences weigh 2": 2.0,
}


def difference_pairs(groups: list[object], is_pair: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(c, v) row indices: within each minimal-pair group, every text with the label against every text without."""
    members: dict[object, list[int]] = defaultdict(list)
    for i, (g, pair) in enumerate(zip(groups, is_pair)):
        if pair:
            members[g].append(i)
    cs, vs = [], []
    for rows in members.values():
        pos = [i for i in rows if y[i]]
        neg = [i for i in rows if not y[i]]
        for c in pos:
            for v in neg:
                cs.append(c)
                vs.append(v)
    return np.asarray(cs, dtype=int), np.asarray(vs, dtype=int)


def balanced(y: np.ndarray) -> np.ndarray:
    """sklearn's class_weight="balanced" as per-row weights: n / (2 * count of the row's class)."""
    counts = np.bincount(y, minlength=2).astype(float)
    return len(y) / (2 * counts[y])


def fit_predict(X_tr, Y_tr, X_te, groups, is_pair, weights, w: float | None) -> np.ndarray:
    pred = np.zeros((X_te.shape[0], Y_tr.shape[1]), dtype=int)
    base_w = np.ones(len(Y_tr)) if weights is None else np.asarray(weights, dtype=float)
    for j in range(Y_tr.shape[1]):
        y = Y_tr[:, j]
        if y.min() == y.max():
            pred[:, j] = y[0]
            continue
        X, target, sw = X_tr, y, base_w * balanced(y)
        if w is not None:
            cs, vs = difference_pairs(groups, is_pair, y)
            if len(cs):
                D = X_tr[cs] - X_tr[vs]
                X = sp.vstack([X_tr, D, -D], format="csr")
                target = np.r_[y, np.ones(len(cs), int), np.zeros(len(cs), int)]
                sw = np.r_[sw, np.full(2 * len(cs), w)]
        lr = LogisticRegression(C=BASE["C"], max_iter=2000, random_state=0)
        lr.fit(X, target, sample_weight=sw)
        pred[:, j] = (X_te @ lr.coef_.ravel() + lr.intercept_[0] >= 0).astype(int)
    return pred


def main() -> None:
    frame, texts, Y, part, fold_list = contrast_variants.training_split()  # the same folds and parts
    config = cm.TrainConfig.from_dict(BASE)
    groups = frame["group"].tolist()
    is_pair = part == "pairs"
    preds = {name: np.zeros_like(Y) for name in ["base (0.6.1's linear part)", *VARIANTS]}
    started = time.time()
    for k, (train_idx, test_idx) in enumerate(fold_list):
        weights = config.sample_weights(frame.iloc[train_idx])
        train_texts, test_texts = [texts[i] for i in train_idx], [texts[i] for i in test_idx]
        clf = config.classifier().fit(train_texts, Y[train_idx], sample_weight=weights)
        preds["base (0.6.1's linear part)"][test_idx] = clf.predict(test_texts)
        X_tr, X_te = clf.transform(train_texts), clf.transform(test_texts)
        fold_groups = [groups[i] for i in train_idx]
        for name, w in VARIANTS.items():
            preds[name][test_idx] = fit_predict(X_tr, Y[train_idx], X_te, fold_groups, is_pair[train_idx], weights, w)
            print(f"fold {k} {name}: {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    rows = {}
    for name, pred in preds.items():
        row = contrast_variants.scored(Y, pred, part)
        rows[name] = summary(row)
        per = " ".join(f"{k[:5]}={v['f1']:.3f}" for k, v in row["real"]["labels"].items())
        mean = sum(rows[name].values()) / 4
        print(f"| {name} | {json.dumps(rows[name])} mean {mean:.4f} | real {per}", flush=True)
    base = rows["base (0.6.1's linear part)"]
    for name, row in rows.items():
        print(f"{name}: {'passes' if contrast_variants.passes(row, base) else 'does not pass'} the rule")


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
