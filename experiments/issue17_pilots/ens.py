"""Pilot: adapted (anchor + user x5) averaged with a user-only head fitted in the adapted model's feature space."""
import copy, json, sys, time
import numpy as np
from common import ROOT, domain_corpus, metrics, sample  # this folder is on sys.path when run
import complaintmine as cm
from complaintmine.model.runtime import Model
from complaintmine.model.scorer import LinearScorer
from complaintmine.retrain.adapt import adapt_model
from sklearn.linear_model import LogisticRegression

domain = domain_corpus()
pool, test = domain.select(split="train"), domain.select(split="test")
anchor = cm.load_corpus(ROOT / "corpora")
ref = {(r["labels"], r["seed"]): r for r in json.load(open(ROOT / "models" / "adaptation.json"))["runs"]}

def mix(clf, heads_b, wb):
    c = copy.deepcopy(clf)
    for j, est in enumerate(c.head_.estimators_):
        if j >= 5 or heads_b[j] is None or not hasattr(est, "coef_"):
            continue
        est.coef_ = (1 - wb) * est.coef_ + wb * heads_b[j].coef_
        est.intercept_ = (1 - wb) * est.intercept_ + wb * heads_b[j].intercept_
    return Model(c, {}, scorer=LinearScorer.from_classifier(c))

for size in [int(s) for s in sys.argv[1].split(",")]:
    for seed in [int(s) for s in sys.argv[2].split(",")]:
        t = time.time()
        user = sample(pool, size, seed)
        A = adapt_model(user, "default", anchor=anchor, user_weight=5).model
        clf = A.classifier
        X = clf.transform(user.texts); Y = user.targets()
        heads = [LogisticRegression(C=40.0, class_weight="balanced", max_iter=2000).fit(X, Y[:, j]) if 0 < Y[:, j].sum() < len(Y) else None for j in range(5)]
        row = {"labels": size, "seed": seed}
        for wb in (0.0, 0.3, 0.5, 0.7, 1.0):
            row[f"wb{wb}"] = metrics(mix(clf, heads, wb), test)["micro_f1"]
        r = ref.get((size, seed), {})
        row["user_only_ref"] = r.get("user_only", {}).get("domain_test", {}).get("micro_f1")
        row["adapted_w5_ref"] = r.get("adapted_w5", {}).get("domain_test", {}).get("micro_f1")
        row["s"] = round(time.time() - t)
        print(json.dumps(row), flush=True)
