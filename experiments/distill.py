"""Issue #13: distil the linear + boosted-trees average into the linear model through unlabelled real reviews.

The averaged model (experiments/boosted_trees.py) is better on every CV figure but too slow to score. Here it
only labels: in each fold of the same 3-fold cross-validation, the teacher (the default configuration plus one
200-tree LightGBM forest per issue label, averaged 50/50) is fitted on the fold's training part and labels
POOL_SAMPLE texts of the shared pool that are in no part of the corpus (neither split, not an exact duplicate
of a corpus text after whitespace removal); the student, the default configuration alone (so scoring costs
what it does now), is trained on the fold's training part plus those texts with the teacher's decisions, each
counted ``weight`` times. Scored as contrast_variants.py does. Writes models/distill.json.

    .venv/bin/python experiments/distill.py      # about 25 minutes on 2 idle cores; needs ../shared and lightgbm
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import boosted_trees
import complaintmine as cm
from boosted_trees import MIN_DF, ROOT, forest
from complaintmine.corpus.load import default_shared_dir, read_shared_pool
from complaintmine.model.selection import folds

POOL_SAMPLE = 30_000
WEIGHTS = (0.3, 1.0)
OUT = ROOT / "models" / "distill.json"


def pool_texts(corpus: cm.Corpus) -> list[str]:
    """A seeded sample of pool texts outside the corpus (by key and by whitespace-free text)."""
    texts = read_shared_pool(default_shared_dir(ROOT / "corpora"))
    if texts is None:
        raise SystemExit("distill.py needs the shared pool (../shared/corpora/real_reviews.csv)")
    pool = pd.DataFrame({"key": [f"real:{s}:{i}" for s, i in texts], "text": list(texts.values())})
    keys = pool["key"]
    known = set(corpus.frame["key"])
    squashed = {"".join(t.split()) for t in corpus.frame["text"]}
    outside = pool[~keys.isin(known) & ~pool["text"].map(lambda t: "".join(t.split())).isin(squashed)]
    outside = outside[outside["text"].str.strip() != ""].drop_duplicates("text")
    return outside.sample(POOL_SAMPLE, random_state=0)["text"].tolist()


def teach(clf: object, keep: np.ndarray, forests: list[object], batch: list[str]) -> np.ndarray:
    """The teacher's probabilities: the linear model's, averaged 50/50 with each issue label's forest."""
    features = clf.transform(batch)  # type: ignore[attr-defined]
    proba = np.asarray(clf.head_.predict_proba(features))  # type: ignore[attr-defined]  (= clf.predict_proba)
    X = features[:, keep]
    for j, model in enumerate(forests):
        proba[:, j] = 0.5 * proba[:, j] + 0.5 * model.predict_proba(X)[:, 1]  # type: ignore[attr-defined]
    return np.asarray(proba)


def main() -> None:
    started = time.time()
    full = cm.load_corpus(ROOT / "corpora")
    extra = pool_texts(full)
    texts, Y, part, config, train_rows, groups = boosted_trees.cv_data()  # the folds of boosted_trees.py
    linear, teacher = np.zeros(Y.shape), np.zeros(Y.shape)
    students = {w: np.zeros(Y.shape) for w in WEIGHTS}
    positives = []
    for k, (train_idx, test_idx) in enumerate(folds(texts, Y, groups)):
        t = time.time()
        train_idx = train_idx[train_rows[train_idx]]
        train_texts, test_texts = [texts[i] for i in train_idx], [texts[i] for i in test_idx]
        clf = config.classifier().fit(train_texts, Y[train_idx])
        X_train = clf.transform(train_texts)
        keep = np.flatnonzero(np.asarray((X_train > 0).sum(axis=0)).ravel() >= MIN_DF)
        forests = [forest(Y[train_idx, j]).fit(X_train[:, keep], Y[train_idx, j]) for j in range(5)]

        linear[test_idx] = clf.predict_proba(test_texts)
        teacher[test_idx] = teach(clf, keep, forests, test_texts)
        labels = (teach(clf, keep, forests, extra) >= 0.5).astype(int)
        positives.append(labels[:, :5].sum(axis=0).tolist())
        for w in WEIGHTS:
            weights = np.concatenate([np.ones(len(train_idx)), np.full(len(extra), w)])
            student = config.classifier().fit(
                train_texts + extra, np.vstack([Y[train_idx], labels]), sample_weight=weights
            )
            students[w][test_idx] = student.predict_proba(test_texts)
        print(f"fold {k}: teacher's positives among the pool texts {positives[-1]}, {time.time() - t:.0f}s", flush=True)
    rows = [(f"linear ({boosted_trees.LINEAR})", linear), ("teacher: linear + 200 trees, averaged", teacher)]
    rows += [(f"student: linear on corpus + {POOL_SAMPLE:,} pool texts x {w}", p) for w, p in students.items()]
    boosted_trees.record(rows, Y, part, OUT)
    print(f"{time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
