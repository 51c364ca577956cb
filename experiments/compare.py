"""Model comparison for the default model: cross-validation on the TRAINING split only.

Compares word n-grams (jieba) vs character n-grams vs both; logistic regression vs calibrated linear SVM vs
complement naive Bayes; class weights; tuned vs fixed thresholds; and, in the same run, two baselines: keyword
rules and the do-it-yourself jieba + TF-IDF + LogisticRegression script. Folds group near-duplicates
(StratifiedGroupKFold), the seed is fixed, and no test-split text is read. Writes models/comparison.json and
the table in models/README.md between the COMPARISON markers.

    .venv/bin/python experiments/compare.py            # about 15-25 minutes on 2 cores
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

import complaintmine as cm
from complaintmine.model.baselines import DiyTfidfLogreg, KeywordRules
from complaintmine.model.classifier import ComplaintClassifier
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.selection import FOLDS, SEED, folds

ROOT = Path(__file__).resolve().parents[1]
VARIANTS: dict[str, dict[str, object]] = {
    "words + logreg": {"features": "words", "model": "logreg"},
    "chars + logreg": {"features": "chars", "model": "logreg"},
    "both + logreg": {"features": "both", "model": "logreg"},
    "both + logreg, fixed 0.5 thresholds": {"features": "both", "model": "logreg", "tune_thresholds": False},
    "both + logreg, fixed 0.5, digits masked": {
        "features": "both",
        "model": "logreg",
        "tune_thresholds": False,
        "mask_digits": True,
    },
    "both + logreg, fixed 0.5, C=30": {"features": "both", "model": "logreg", "tune_thresholds": False, "C": 30.0},
    "both + logreg, no class weights": {"features": "both", "model": "logreg", "class_weight": None},
    "both, chars 1-4 + logreg": {"features": "both", "model": "logreg", "char_ngram_range": (1, 4)},
    "words + svm": {"features": "words", "model": "svm"},
    "chars + svm": {"features": "chars", "model": "svm"},
    "both + svm": {"features": "both", "model": "svm"},
    "both + svm, fixed 0.5, digits masked": {
        "features": "both",
        "model": "svm",
        "tune_thresholds": False,
        "mask_digits": True,
    },
    "words + cnb": {"features": "words", "model": "cnb", "class_weight": None, "C": 3.0},
    "both + cnb": {"features": "both", "model": "cnb", "class_weight": None, "C": 3.0},
}
BASELINES = {
    "baseline: keyword rules": KeywordRules,
    "baseline: jieba + TfidfVectorizer + LogisticRegression": DiyTfidfLogreg,
}


def run_fold(name: str, make, texts, Y, origin, train_idx, test_idx):
    model = make().fit([texts[i] for i in train_idx], Y[train_idx])
    pred = model.predict([texts[i] for i in test_idx])
    return name, test_idx, pred


def main() -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    for note in corpus.notes:
        print("note:", note, file=sys.stderr)
    texts, Y, origin = corpus.texts, corpus.targets(), corpus.frame["origin"].to_numpy()
    makers = {
        name: (lambda p=params: ComplaintClassifier(cv=3, random_state=SEED, **p)) for name, params in VARIANTS.items()
    }
    makers.update(BASELINES)
    started = time.time()
    jobs = [(name, make, tr, te) for name, make in makers.items() for tr, te in folds(texts, Y)]
    results = Parallel(n_jobs=2, verbose=5)(delayed(run_fold)(n, m, texts, Y, origin, tr, te) for n, m, tr, te in jobs)
    predictions = {name: np.zeros_like(Y) for name in makers}
    for name, test_idx, pred in results:
        predictions[name][test_idx] = pred
    table = {}
    for name, pred in predictions.items():
        table[name] = {part: compute_metrics(Y[origin == part], pred[origin == part]) for part in ("real", "team")}
    (ROOT / "models" / "comparison.json").write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    write_table(table, len(texts), round(time.time() - started))


def write_table(table: dict, n: int, seconds: int) -> None:
    from complaintmine.model.model_card import comparison_table

    lines = [
        f"{FOLDS}-fold cross-validation on the training split ({n:,} texts; folds group near-duplicates; seed {SEED}; "
        f"{seconds}s). F1 per label on real texts (R) and team-written texts (T); micro-F1 over the five issues.",
        "",
        comparison_table(table),
    ]
    readme = ROOT / "models" / "README.md"
    body = readme.read_text(encoding="utf-8") if readme.exists() else "<!-- COMPARISON -->\n<!-- /COMPARISON -->\n"
    head, rest = body.split("<!-- COMPARISON -->", 1)
    _, tail = rest.split("<!-- /COMPARISON -->", 1)
    readme.write_text(
        head + "<!-- COMPARISON -->\n" + "\n".join(lines) + "\n<!-- /COMPARISON -->" + tail, encoding="utf-8"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
