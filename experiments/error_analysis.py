"""Error analysis on the training split's out-of-fold predictions (never the test split).

Prints the worst errors (most confident wrong decisions) on real texts to the terminal, for reading. The texts
are research-only, so nothing here is written into the repository: only counts per error type are.

    .venv/bin/python experiments/error_analysis.py [N]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import complaintmine as cm
from complaintmine.model.selection import out_of_fold

ROOT = Path(__file__).resolve().parents[1]


def main(n: int = 30) -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    texts, Y = corpus.texts, corpus.targets()
    proba, thresholds = out_of_fold(texts, Y)
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
    import script_help

    script_help.exit_on_help(__doc__)
    main(*(int(a) for a in sys.argv[1:]))
