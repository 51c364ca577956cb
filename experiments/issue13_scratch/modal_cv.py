"""Modality-marked words: every word of a sentence (or text) that holds a cue of a modality class is also a feature
'CLASS:word', so a linear model can weigh 涨价 differently under 如果 / 吗 / 听说 / 补了. Scratch."""
from __future__ import annotations
import re, sys, time
import numpy as np, scipy.sparse as sp
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm
from complaintmine.model.evaluation import compute_metrics
from complaintmine.text.normalize import normalize
from complaintmine.model.selection import folds
from mil import CONFIG
from complaintmine.model.selection import fold_groups
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

MODES = {
    "HYP": r"如果|要是|万一|假如|担心|怕|会不会|希望|但愿|以防|的话",
    "Q": r"吗|\?|请问|能不能|可不可以|什么时候|是否|多久|怎么|咋|几号|啥时",
    "HEAR": r"听说|朋友|同事|室友|闺蜜|别人|别家|人家|我妈|老公|老婆|网上说|看到有人",
    "RES": r"补了|补发了|补寄了|补上了|退了差价|差价退了|价保成功|保价成功|已经退|给补|补给我|处理好了|解决了|补偿了|赔了|退回来了|秒退|主动退",
    "SAT": r"满意|很快|挺快|及时|给力|齐全|收到了|好评|点赞|划算|开心|确实|果然|没问题|放心",
    "NEG": r"没有|没|未|并不|不是|不会|无",
}
MODE_RE = {k: re.compile(v) for k, v in MODES.items()}
SENT = re.compile(r"(?<=[。!?;…~])")

def modal_doc(text, tok, scope):
    norm = normalize(text)
    units = [u for u in SENT.split(norm) if u] if scope == "sent" else [norm]
    out = []
    for u in units:
        modes = [m for m, r in MODE_RE.items() if r.search(u)]
        if modes:
            toks = tok.tokenize_normalized(u)
            out += [f"{m}:{t}" for m in modes for t in toks]
    return " ".join(out)

class Modal:
    def __init__(self, scope="sent", pair_weight=1.0, modal_scale=1.0, C=None):
        self.scope, self.pair_weight, self.modal_scale, self.C = scope, pair_weight, modal_scale, C or CONFIG.C
    def _X(self, texts, fit=False):
        base = self.base.transform(texts)
        docs = [modal_doc(t, self.tok, self.scope) for t in texts]
        M = self.vec.fit_transform(docs) if fit else self.vec.transform(docs)
        return sp.hstack([base, M * self.modal_scale], format="csr")
    def fit(self, texts, Y, weights=None):
        self.base = CONFIG.classifier().fit(texts, Y)  # vectorisers (and a head we do not use)
        self.tok = self.base._tokenizer()
        self.vec = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, min_df=2, sublinear_tf=True)
        X = self._X(texts, fit=True)
        self.heads = [LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000, random_state=0).fit(X, Y[:, j], sample_weight=weights) for j in range(6)]
        return self
    def predict_proba(self, texts):
        X = self._X(texts)
        return np.column_stack([h.predict_proba(X)[:, 1] for h in self.heads])

if __name__ == "__main__":
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    f = corpus.frame; texts, Y = corpus.texts, corpus.targets()
    kinds = f["kind"].tolist()
    is_pair = np.array([k.startswith("pair:") for k in kinds])
    origin = np.where(is_pair, "pair", f["origin"].to_numpy())
    fl = folds(texts, Y, fold_groups(texts, f["group"].tolist()))
    V = {"modal_sent": dict(scope="sent"), "modal_doc": dict(scope="doc"), "modal_sent_pw2": dict(scope="sent", pair_weight=2.0),
         "linear_pw2": dict(scope="none", pair_weight=2.0), "modal_sent_C30": dict(scope="sent", C=30.0)}
    for name in sys.argv[1:]:
        kw = V[name]; t0 = time.time(); P = np.zeros(Y.shape)
        for tr, te in fl:
            m = Modal(**kw)
            if kw.get("scope") == "none":
                m.scope = "sent"; m.modal_scale = 0.0
            w = np.where(is_pair[tr], kw.get("pair_weight", 1.0), 1.0)
            m.fit([texts[i] for i in tr], Y[tr], w)
            P[te] = m.predict_proba([texts[i] for i in te])
        np.save(f"/tmp/modal_{name}.npy", P)
        pred = (P >= 0.5).astype(int)
        r = compute_metrics(Y[origin == "real"], pred[origin == "real"]); t = compute_metrics(Y[origin == "team"], pred[origin == "team"])
        pe = pred[is_pair][:, :5]; ye = Y[is_pair][:, :5]; neg = ye.sum(1) == 0
        print(f"{name:20} R {r['micro_f1']:.3f} T {t['micro_f1']:.3f} pairs non-c {(pe[neg].sum(1)==0).mean():.3f} compl {((pe[~neg]>=ye[~neg]).all(1)).mean():.3f} | "
              + " ".join(f"{k[:6]} {r['labels'][k]['f1']:.2f}/{t['labels'][k]['f1']:.2f}" for k in cm.ISSUE_LABELS) + f" ({time.time()-t0:.0f}s)", flush=True)


from complaintmine.model.classifier import ComplaintClassifier as _CC
from complaintmine.model.ngrams import mask_digits as _mask


class InWord(_CC):
    """Modality-marked words appended to the word document (one word block, as production would do it)."""
    scope = "sent"

    def _inputs(self, texts):
        words, chars = super()._inputs(texts)
        tok = self._tokenizer()
        extra = [modal_doc(t, tok, self.scope) for t in texts]
        if self.mask_digits:
            extra = [_mask(e) for e in extra]
        return [w + (" " + e if e else "") for w, e in zip(words, extra)], chars


def inword_main(names):
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    f = corpus.frame; texts, Y = corpus.texts, corpus.targets()
    kinds = f["kind"].tolist()
    is_pair = np.array([k.startswith("pair:") for k in kinds])
    origin = np.where(is_pair, "pair", f["origin"].to_numpy())
    fl = folds(texts, Y, fold_groups(texts, f["group"].tolist()))
    for name in names:
        t0 = time.time(); P = np.zeros(Y.shape)
        for tr, te in fl:
            params = CONFIG.classifier().get_params()
            m = InWord(**params)
            m.scope = "doc" if name.endswith("doc") else "sent"
            m.fit([texts[i] for i in tr], Y[tr])
            P[te] = m.predict_proba([texts[i] for i in te])
        np.save(f"/tmp/modal_{name}.npy", P)
        pred = (P >= 0.5).astype(int)
        r = compute_metrics(Y[origin == "real"], pred[origin == "real"]); t = compute_metrics(Y[origin == "team"], pred[origin == "team"])
        pe = pred[is_pair][:, :5]; ye = Y[is_pair][:, :5]; neg = ye.sum(1) == 0
        print(f"{name:20} R {r['micro_f1']:.3f} T {t['micro_f1']:.3f} pairs non-c {(pe[neg].sum(1)==0).mean():.3f} compl {((pe[~neg]>=ye[~neg]).all(1)).mean():.3f} | "
              + " ".join(f"{k[:6]} {r['labels'][k]['f1']:.2f}/{t['labels'][k]['f1']:.2f}" for k in cm.ISSUE_LABELS) + f" ({time.time()-t0:.0f}s)", flush=True)
