"""Error analysis on the training split's out-of-fold predictions (never the test split).

Prints the worst errors (most confident wrong decisions) on real texts to the terminal, for reading. The texts
are research-only, so nothing here is written into the repository: only counts per error type are.

    .venv/bin/python models/error_analysis.py [N]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "models"))
from compare import FOLDS, SEED, strata  # noqa: E402

import complaintmine as cm  # noqa: E402
from complaintmine.dedup import near_duplicate_groups  # noqa: E402


def main(n: int = 30) -> None:
    config_path = ROOT / "models" / "complaintmine-zh-0.1.0.train.json"
    config = cm.TrainConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    texts, Y = corpus.texts, corpus.targets()
    groups = near_duplicate_groups(texts)
    proba = np.zeros(Y.shape, dtype=float)
    thresholds = np.zeros(Y.shape, dtype=float)
    for train_idx, test_idx in StratifiedGroupKFold(FOLDS, shuffle=True, random_state=SEED).split(
        texts, strata(Y), groups
    ):
        clf = config.classifier().fit([texts[i] for i in train_idx], Y[train_idx])
        proba[test_idx] = clf.predict_proba([texts[i] for i in test_idx])
        thresholds[test_idx] = clf.thresholds()
    real = corpus.frame["origin"].to_numpy() == "real"
    errors = []
    for i in np.flatnonzero(real):
        for j, name in enumerate(cm.TARGETS[:5]):
            predicted = proba[i, j] >= thresholds[i, j]
            if predicted != bool(Y[i, j]):
                kind = "FP" if predicted else "FN"
                errors.append((abs(proba[i, j] - thresholds[i, j]), kind, name, i))
    errors.sort(reverse=True)
    counts: dict[tuple[str, str], int] = {}
    for _, kind, name, _ in errors:
        counts[(kind, name)] = counts.get((kind, name), 0) + 1
    print("error counts on real out-of-fold predictions:", dict(sorted(counts.items())))
    for margin, kind, name, i in errors[:n]:
        print(
            f"{kind} {name:20s} p={proba[i, cm.TARGETS.index(name)]:.2f} gold={corpus.frame['labels'][i]} "
            f"key={corpus.frame['key'][i]}\n    {texts[i][:160]}"
        )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
