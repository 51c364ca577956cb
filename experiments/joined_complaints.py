"""Issue #13: does a linear model trained also on joined texts keep a second complaint? A screen on the linear model
alone, 3-fold CV, training split only, the folds of gated_reader.py (seed 0 unless ``--seed N``).

Out of fold, 0.8.0's design finds an issue label of a text that has two or more at 0.52 on real reviews (140
labels in 70 texts), against 0.77 for the one label of a text with one (team 0.84 / 0.93, pairs 0.89 / 0.94;
models/README.md). In a length-normalised bag of n-grams a second clause dilutes the first: 预售尾款涨了50元 alone
scores price_hike 0.999, with a missing gift after it 0.515. The corpus has few texts with two complaints to learn
from. Two ways to make more, from each fold's training texts only, added to that fold's training rows:

- ``two complaints joined``: 2,000 pairs of training texts with exactly one issue label each, different labels,
  drawn at random; each pair joined (the first, then "。" unless it ends a sentence, then the second) and labelled
  with both labels, presale when either is.
- ``a complaint joined with an other text``: 2,000 pairs of one training text with exactly one issue label and one
  labelled ``other``, in random order, labelled with the complaint's label (presale as either): a complaint placed
  inside a longer text.

The linear model is 0.8.0's configuration without its forest and reader (the gate's input: a cell the linear model
scores below 0.1 is decided by it alone). Nothing here reads the contrast set or the test split.

Rule fixed before the first run: a variant passes the screen when its mean of the four figures (real micro-F1,
team micro-F1, held-out pairs' complaint side and non-complaint side; the linear model alone, against the linear
model alone) is at least 0.003 higher and none of the four figures is more than 0.005 lower, on seed 0. A variant
that passes is only a candidate: it would be measured in the full design (forest and reader) by
reader_variants.py's rule before anything is built. The label recall on texts with two or more issue labels is
reported, not judged.

    .venv/bin/python experiments/joined_complaints.py --rows FILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

import complaintmine as cm
import cv_rule
import mil_windows
from complaintmine.model.selection import fold_groups, folds
from mil_windows import ISSUES, ROOT, figures

SEED = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
CONFIG = {**json.loads((ROOT / "models" / "complaintmine-zh-0.8.0.train.json").read_text("utf-8"))}
CONFIG.update(forest="none", reader="none")
BASE = "linear model alone"
VARIANTS = ("two complaints joined", "a complaint joined with an other text")
DRAWN = 2000
BAR = 0.003
SENTENCE_ENDS = tuple("。！？!?…~")


def joined(first: str, second: str) -> str:
    first = first.rstrip()
    return first + ("" if first.endswith(SENTENCE_ENDS) else "。") + second.strip()


def made(texts: list[str], Y: np.ndarray, variant: str, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """The joined rows of one fold's training texts (see the module docstring)."""
    issues = Y[:, :ISSUES]
    single = np.flatnonzero(issues.sum(1) == 1)
    other = np.flatnonzero(issues.sum(1) == 0)
    out_texts: list[str] = []
    out_Y: list[np.ndarray] = []
    while len(out_texts) < DRAWN:
        a = int(rng.choice(single))
        if variant == "two complaints joined":
            b = int(rng.choice(single))
            if (issues[a] & issues[b]).any():
                continue
            first, second = a, b
        else:
            b = int(rng.choice(other))
            first, second = (a, b) if rng.random() < 0.5 else (b, a)
        out_texts.append(joined(texts[first], texts[second]))
        out_Y.append(np.maximum(Y[a], Y[b]))
    return out_texts, np.asarray(out_Y)


def main() -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    frame = corpus.frame
    texts, Y = corpus.texts, corpus.targets()
    part = mil_windows.parts(frame)
    config = cm.TrainConfig.from_dict(CONFIG)
    fold_list = folds(texts, Y, fold_groups(texts, frame["group"].tolist()), seed=SEED)
    P = {name: np.zeros(Y.shape) for name in (BASE, *VARIANTS)}
    rng = np.random.default_rng(SEED)
    started = time.time()
    for fold, (train_idx, test_idx) in enumerate(fold_list):
        train_texts, test_texts = [texts[i] for i in train_idx], [texts[i] for i in test_idx]
        P[BASE][test_idx] = config.classifier().fit(train_texts, Y[train_idx]).predict_proba(test_texts)
        for variant in VARIANTS:
            extra_texts, extra_Y = made(train_texts, Y[train_idx], variant, rng)
            fitted = config.classifier().fit(train_texts + extra_texts, np.vstack([Y[train_idx], extra_Y]))
            P[variant][test_idx] = fitted.predict_proba(test_texts)
        print(f"fold {fold + 1}: {time.time() - started:.0f}s", file=sys.stderr, flush=True)
    rows = cv_rule.with_means({name: figures(Y, (p >= 0.5).astype(int), part) for name, p in P.items()})
    several = Y[:, :ISSUES].sum(1) >= 2
    for name, p in P.items():
        pred = p[:, :ISSUES] >= 0.5
        for which in ("real", "team", "pair"):
            mine = several & (part == which)
            cells = Y[mine, :ISSUES] == 1
            rows[name][f"recall, texts with 2+ issues, {which}"] = round(float(pred[mine][cells].mean()), 4)
        print(name, {k: v for k, v in rows[name].items() if k.startswith("recall")})
    cv_rule.judge(rows, BASE, BAR, SEED, "the linear model alone")
    if "--rows" in sys.argv:
        cv_rule.record(Path(sys.argv[sys.argv.index("--rows") + 1]), rows, SEED)
    print(f"{time.time() - started:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
