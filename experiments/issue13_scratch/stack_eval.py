"""Second-stage variants on the cached folds (stack_cache.py). Scratch."""
from __future__ import annotations
import sys, time
import numpy as np
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm
from complaintmine.model.evaluation import compute_metrics
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
f = corpus.frame; Y = corpus.targets()
is_pair = f["kind"].str.startswith("pair:").to_numpy()
origin = np.where(is_pair, "pair", f["origin"].to_numpy())
folds = [dict(np.load(f"/tmp/stackfold{k}.npz")) for k in range(3)]

def feats(d, part, K, win, cues, inter):
    L = d["Lin"] if part == "tr" else d["Lte"]
    W = d["Win"] if part == "tr" else d["Wte"]
    P = d["Ptr"] if part == "tr" else d["Pte"]
    C = d["Ctr"] if part == "tr" else d["Cte"]
    parts = [L]
    if K: parts.append(P[:, :K].astype(np.float32))
    if cues: parts.append(np.minimum(C, 3))
    if win:
        Wl = np.log(np.clip(W, 1e-6, 1 - 1e-6) / (1 - np.clip(W, 1e-6, 1 - 1e-6)))
        parts.append(np.nan_to_num(Wl, nan=-20.0) if win == "fill" else Wl)
    if inter:
        Cb = (C > 0).astype(float)
        parts.append(np.column_stack([L[:, j:j+1] * Cb for j in range(5)]))
    return np.hstack(parts)

def run(name, learner, K=0, win=False, cues=True, inter=False):
    t0 = time.time(); P = np.zeros(Y.shape)
    for d in folds:
        tr, te = d["tr"], d["te"]
        Xtr = feats(d, "tr", K, win, cues, inter); Xte = feats(d, "te", K, win, cues, inter)
        for j in range(6):
            if learner == "hgb":
                m = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.1, max_leaf_nodes=15, class_weight=None,
                                                   random_state=0, early_stopping=False, l2_regularization=1.0)
            else:
                m = LogisticRegression(C=1.0, max_iter=3000)
                Xtr_, Xte_ = np.nan_to_num(Xtr, nan=-20), np.nan_to_num(Xte, nan=-20)
            if learner == "hgb":
                P[te, j] = m.fit(Xtr, Y[tr, j]).predict_proba(Xte)[:, 1]
            else:
                P[te, j] = m.fit(Xtr_, Y[tr, j]).predict_proba(Xte_)[:, 1]
    np.save(f"/tmp/s2_{name}.npy", P)
    report(name, P, t0)

def report(name, P, t0=None):
    pred = (P >= 0.5).astype(int)
    r = compute_metrics(Y[origin == "real"], pred[origin == "real"]); t = compute_metrics(Y[origin == "team"], pred[origin == "team"])
    pe = pred[is_pair][:, :5]; ye = Y[is_pair][:, :5]; neg = ye.sum(1) == 0
    print(f"{name:28} R {r['micro_f1']:.3f} T {t['micro_f1']:.3f} pairs non-c {(pe[neg].sum(1)==0).mean():.3f} compl {((pe[~neg]>=ye[~neg]).all(1)).mean():.3f} | "
          + " ".join(f"{k[:6]} {r['labels'][k]['f1']:.2f}/{t['labels'][k]['f1']:.2f}" for k in cm.ISSUE_LABELS) + (f" ({time.time()-t0:.0f}s)" if t0 else ""), flush=True)

if __name__ == "__main__":
    P1 = np.zeros(Y.shape)
    for d in folds:
        P1[d["te"]] = 1 / (1 + np.exp(-d["Lte"]))
    report("stage1 (linear, with pairs)", P1)
    V = {
        "lr_logits_cues": ("lr", dict()),
        "lr_logits_cues_inter": ("lr", dict(inter=True)),
        "lr_logits_cues_win": ("lr", dict(win="fill")),
        "hgb_logits_cues": ("hgb", dict()),
        "hgb_K500": ("hgb", dict(K=500)),
        "hgb_K1500": ("hgb", dict(K=1500)),
        "hgb_K1500_win": ("hgb", dict(K=1500, win=True)),
        "hgb_K4000": ("hgb", dict(K=4000)),
    }
    for name in sys.argv[1:]:
        learner, kw = V[name]
        run(name, learner, **kw)
