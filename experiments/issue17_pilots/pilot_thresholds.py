"""Pilot: thresholds tuned on out-of-fold predictions of the user's own rows (labels alone and adapted w5)."""
import json, sys, time
import numpy as np
from common import ROOT, domain_corpus, metrics, sample  # this folder is on sys.path when run
import complaintmine as cm
from complaintmine.corpus.load import Corpus
from complaintmine.retrain.adapt import adapt_model
from complaintmine.model.head import best_f1_threshold
from sklearn.model_selection import KFold

domain = domain_corpus()
pool, test = domain.select(split="train"), domain.select(split="test")
anchor = cm.load_corpus(ROOT / "corpora")
base = cm.load_model()
config = cm.TrainConfig.from_dict(base.manifest["training_config"])
sizes = [int(s) for s in sys.argv[1].split(",")]
seeds = [int(s) for s in sys.argv[2].split(",")]

def user_only(c): return cm.train_model(c, config)
def adapted(c): return adapt_model(c, "default", anchor=anchor, user_weight=5).model

def oof(user, fit, k=3):
    P = np.zeros((len(user), 6))
    for tr, te in KFold(k, shuffle=True, random_state=0).split(np.arange(len(user))):
        m = fit(Corpus(user.frame.iloc[tr].reset_index(drop=True)))
        P[te] = m.predict_proba(user.frame.iloc[te]["text"].tolist())
    return P

for size in sizes:
    for seed in seeds:
        user = sample(pool, size, seed)
        Y = user.targets()
        row = {"labels": size, "seed": seed}
        for name, fit in (("user_only", user_only), ("adapted_w5", adapted)):
            t = time.time()
            model = fit(user)
            row[name] = metrics(model, test)["micro_f1"]
            P = oof(user, fit)
            tuned = np.array([best_f1_threshold(Y[:, j], P[:, j], 0.5) for j in range(6)])
            tuned[-1] = model.scorer.thresholds[-1]
            oof_f1_half = float(np.mean([0]))
            model.scorer.thresholds = tuned
            row[name + "_tuned"] = metrics(model, test)["micro_f1"]
            row[name + "_thr"] = tuned.tolist()
            from sklearn.metrics import f1_score
            row[name + "_oof_f1"] = round(f1_score(Y[:, :5], P[:, :5] >= 0.5, average="micro"), 4)
            row[name + "_s"] = round(time.time() - t)
        print(json.dumps(row), flush=True)
