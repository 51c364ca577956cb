"""Second stage: boosted trees over stage-1 logits (+ window logits) + presence of decisive n-grams + cue flags.
Nested properly: for each outer fold, stage-1 out-of-fold logits come from an inner 3-fold split of the outer
training part only. Scratch."""
from __future__ import annotations
import re, sys, time
import numpy as np
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.selection import folds
from mil import CONFIG, MIL, _max_into
from complaintmine.model.selection import fold_groups
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedGroupKFold
from compare import strata

CUES = {
    "neg": r"没|未|不|无|别|非",
    "remedy": r"补了|补发|补偿|退了差|退差价了|价保成功|保价成功|已退|处理好|解决了|补寄|给补",
    "satisfied": r"满意|不错|很快|挺快|及时|给力|齐全|收到了|好评|点赞|值|划算|开心|确实",
    "question": r"吗|\?|？|请问|什么时候|能不能|是否|多久",
    "hypo": r"如果|要是|万一|担心|希望|会不会|怕|以防",
    "courier": r"快递|物流|中转|配送|派送|驿站|顺丰|中通|圆通|韵达|申通|邮政",
    "seller": r"卖家|商家|店家|客服|店铺|掌柜",
    "hearsay": r"听说|朋友|同事|室友|别人|别家|他们",
    "promise": r"承诺|说好|保证|写着|宣传|页面|说是",
}
CUE_RE = {k: re.compile(v) for k, v in CUES.items()}

def logit(p):
    p = np.clip(p, 1e-6, 1 - 1e-6); return np.log(p / (1 - p))

def cue_matrix(texts):
    return np.array([[len(r.findall(t)) for r in CUE_RE.values()] for t in texts], dtype=np.float32)

class Stacked:
    def __init__(self, K=1500, windows=False, inner=3, iters=200, lr=0.1, leaves=31, seed=0):
        self.K, self.windows, self.inner, self.iters, self.lr, self.leaves, self.seed = K, windows, inner, iters, lr, leaves, seed
    def _win(self, model, texts):
        W = np.full((len(texts), 5), np.nan)
        wins, owner = MIL(commas=False)._windows(texts)
        if len(wins):
            M = np.full((len(texts), 5), -np.inf)
            _max_into(M, owner, model.predict_proba(wins)[:, :5])
            W = np.where(np.isinf(M), np.nan, M)
        return W
    def _features(self, model, texts, L):
        X = model.transform(texts)
        pres = (X[:, self.sel] > 0).toarray().astype(np.float32)
        parts = [L, pres, cue_matrix(texts)]
        if self.windows:
            W = self._win(model, texts)
            parts.append(np.where(np.isnan(W), np.nan, logit(np.nan_to_num(W, nan=0.5))))
        return np.hstack(parts)
    def fit(self, texts, Y, groups=None):
        n = len(texts)
        self.m1 = CONFIG.classifier().fit(texts, Y)
        coef = np.abs(np.column_stack([e.coef_.ravel() for e in self.m1.head_.estimators_[:5]])).max(1)
        self.sel = np.argsort(-coef)[: self.K]
        # inner OOF stage-1 logits
        L = np.zeros((n, 6)); Wo = np.full((n, 5), np.nan)
        g = groups if groups is not None else np.arange(n)
        for tr, te in StratifiedGroupKFold(self.inner, shuffle=True, random_state=1).split(texts, strata(Y), g):
            mi = CONFIG.classifier().fit([texts[i] for i in tr], Y[tr])
            tt = [texts[i] for i in te]
            L[te] = logit(mi.predict_proba(tt))
            if self.windows:
                Wo[te] = self._win(mi, tt)
        X = self._features_from(self.m1, texts, L, Wo)
        self.trees = []
        for j in range(6):
            h = HistGradientBoostingClassifier(max_iter=self.iters, learning_rate=self.lr, max_leaf_nodes=self.leaves,
                                               class_weight="balanced", random_state=self.seed, early_stopping=False)
            self.trees.append(h.fit(X, Y[:, j]))
        return self
    def _features_from(self, model, texts, L, W):
        X = model.transform(texts)
        pres = (X[:, self.sel] > 0).toarray().astype(np.float32)
        parts = [L, pres, cue_matrix(texts)]
        if self.windows:
            parts.append(np.where(np.isnan(W), np.nan, logit(np.nan_to_num(W, nan=0.5))))
        return np.hstack(parts)
    def predict_proba(self, texts, pool=False):
        L = logit(self.m1.predict_proba(texts))
        W = self._win(self.m1, texts) if self.windows else None
        X = self._features_from(self.m1, texts, L, W)
        return np.column_stack([t.predict_proba(X)[:, 1] for t in self.trees])

if __name__ == "__main__":
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    f = corpus.frame
    texts, Y = corpus.texts, corpus.targets()
    kinds = f["kind"].tolist()
    is_pair = np.array([k.startswith("pair:") for k in kinds])
    origin = np.where(is_pair, "pair", f["origin"].to_numpy())
    groups = np.asarray(fold_groups(texts, f["group"].tolist()))
    fl = folds(texts, Y, groups)
    variants = {
        "stack": dict(),
        "stack_win": dict(windows=True),
        "stack_K500": dict(K=500),
        "stack_K4000": dict(K=4000),
    }
    for name in sys.argv[1:]:
        t0 = time.time(); P = np.zeros(Y.shape); L1 = np.zeros(Y.shape)
        for tr, te in fl:
            m = Stacked(**variants[name]).fit([texts[i] for i in tr], Y[tr], groups[tr])
            tt = [texts[i] for i in te]
            P[te] = m.predict_proba(tt)
            L1[te] = m.m1.predict_proba(tt)
            print("fold", f"{time.time()-t0:.0f}s", flush=True)
        np.savez(f"/tmp/oofs_{name}.npz", P=P, L1=L1)
        for tag, PP in (("stage2", P), ("stage1", L1)):
            pred = (PP >= 0.5).astype(int)
            r = compute_metrics(Y[origin == "real"], pred[origin == "real"]); t = compute_metrics(Y[origin == "team"], pred[origin == "team"])
            pe = pred[is_pair][:, :5]; ye = Y[is_pair][:, :5]; neg = ye.sum(1) == 0
            print(f"{name} [{tag}] R {r['micro_f1']:.3f} T {t['micro_f1']:.3f} pairs: non-complaint {(pe[neg].sum(1)==0).mean():.3f} complaint {((pe[~neg]>=ye[~neg]).all(1)).mean():.3f} | "
                  + " ".join(f"{k[:6]} {r['labels'][k]['f1']:.2f}/{t['labels'][k]['f1']:.2f}" for k in cm.ISSUE_LABELS), f"({time.time()-t0:.0f}s)", flush=True)
