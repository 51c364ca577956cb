"""CV on the training split with and without the team-written minimal pairs (scratch)."""
from __future__ import annotations
import sys, time
import numpy as np
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm
from complaintmine.corpus.dedup import near_duplicate_groups
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.selection import fold_groups, folds
from mil import CONFIG, MIL, DocOnlyPooled

def merged_groups(texts, kinds):  # superseded by model.selection.fold_groups
    g = near_duplicate_groups(texts)
    parent = list(range(len(texts)))
    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]; i = parent[i]
        return i
    def union(a, b):
        a, b = find(a), find(b)
        if a != b: parent[max(a, b)] = min(a, b)
    first = {}
    for i, gi in enumerate(g):
        union(i, first.setdefault(("nd", gi), i))
    for i, k in enumerate(kinds):
        if k.startswith("pair:"):
            union(i, first.setdefault(k, i))
    return [find(i) for i in range(len(texts))]

class Doc:
    def __init__(self, **kw): self.kw = kw
    def fit(self, t, Y):
        c = CONFIG.classifier(); c.set_params(**self.kw); self.m = c.fit(t, Y); return self
    def predict_proba(self, t, pool=False): return self.m.predict_proba(t)

if __name__ == "__main__":
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    f = corpus.frame
    texts, Y = corpus.texts, corpus.targets()
    kinds = f["kind"].tolist()
    is_pair = np.array([k.startswith("pair:") for k in kinds])
    origin = np.where(is_pair, "pair", f["origin"].to_numpy())
    fl = folds(texts, Y, fold_groups(texts, f["group"].tolist()))
    makers = {
        "doc": lambda: Doc(),
        "doc_C30": lambda: Doc(C=30.0),
        "mil1_sent": lambda: MIL(commas=False),
    }
    for name in sys.argv[1:]:
        use_pairs = not name.startswith("nopairs_")
        make = makers[name.removeprefix("nopairs_")]
        t0 = time.time()
        P = np.zeros(Y.shape); Pd = np.zeros(Y.shape)
        for tr, te in fl:
            if not use_pairs:
                tr = tr[~is_pair[tr]]
            m = make().fit([texts[i] for i in tr], Y[tr])
            P[te] = m.predict_proba([texts[i] for i in te], pool=True)
            Pd[te] = m.predict_proba([texts[i] for i in te], pool=False)
        np.savez(f"/tmp/oofp_{name}.npz", pool=P, doc=Pd)
        for tag, PP in (("pool", P), ("doc", Pd)):
            pred = (PP >= 0.5).astype(int)
            r = compute_metrics(Y[origin == "real"], pred[origin == "real"]); t = compute_metrics(Y[origin == "team"], pred[origin == "team"])
            pe = pred[is_pair][:, :5]; ye = Y[is_pair][:, :5]
            neg = ye.sum(1) == 0
            acc_neg = (pe[neg].sum(1) == 0).mean(); acc_pos = ((pe[~neg] >= ye[~neg]).all(1)).mean()
            print(f"{name} [{tag}] R {r['micro_f1']:.3f} T {t['micro_f1']:.3f} pairs: non-complaint {acc_neg:.3f} complaint {acc_pos:.3f} | "
                  + " ".join(f"{k[:6]} {r['labels'][k]['f1']:.2f}/{t['labels'][k]['f1']:.2f}" for k in cm.ISSUE_LABELS), f"({time.time()-t0:.0f}s)", flush=True)
