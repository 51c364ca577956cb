"""Sentence-window multiple-instance experiments (scratch, cross-validation on the training split only)."""
from __future__ import annotations

import json, re, sys, time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm  # noqa: E402
from complaintmine.model.evaluation import compute_metrics  # noqa: E402
from complaintmine.text.normalize import normalize  # noqa: E402
from complaintmine.model.selection import folds  # noqa: E402

CONFIG = cm.TrainConfig.from_dict(json.loads((ROOT / "models" / "complaintmine-zh-0.1.0.train.json").read_text()))
UNIT_END = re.compile(r"(?<=[。!?;…~,，、])")


def units(text: str, commas: bool = True) -> list[str]:
    norm = normalize(text)
    pattern = UNIT_END if commas else re.compile(r"(?<=[。!?;…~])")
    return [u for u in pattern.split(norm) if u.strip(" 。!?;…~,，、")]


def windows(text: str, width: int = 2, singles: bool = True, commas: bool = True) -> list[str]:
    us = units(text, commas)
    if len(us) < 2:
        return []
    out = list(us) if singles else []
    for w in range(2, width + 1):
        out += ["".join(us[i : i + w]) for i in range(len(us) - w + 1)]
    return out


class MIL:
    def __init__(self, rounds=1, width=2, singles=True, commas=True, C=None, neg_windows="all"):
        self.rounds, self.width, self.singles, self.commas = rounds, width, singles, commas
        self.C = C or CONFIG.C
        self.neg_windows = neg_windows

    def _windows(self, texts):
        wins, owner = [], []
        for k, t in enumerate(texts):
            w = windows(t, self.width, self.singles, self.commas)
            wins += w
            owner += [k] * len(w)
        return wins, np.asarray(owner, dtype=int)

    def fit(self, texts, Y):
        self.base = CONFIG.classifier().fit(texts, Y)
        wins, owner = self._windows(texts)
        Xd, Xw = self.base.transform(texts), self.base.transform(wins)
        Pw = self.base.predict_proba(wins)
        self.heads = {}
        import scipy.sparse as sp
        for r in range(self.rounds):
            for j in range(5):
                y = Y[:, j]
                pos_docs = np.flatnonzero(y == 1)
                top = []
                for d in pos_docs:
                    idx = np.flatnonzero(owner == d) if False else None
                top_rows = _top_window(owner, Pw[:, j], pos_docs)
                neg_w = np.flatnonzero(y[owner] == 0) if len(owner) else np.zeros(0, int)
                X = sp.vstack([Xd, Xw[top_rows], Xw[neg_w]], format="csr")
                yy = np.concatenate([y, np.ones(len(top_rows), int), np.zeros(len(neg_w), int)])
                lr = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000, random_state=0)
                self.heads[j] = lr.fit(X, yy)
            if r + 1 < self.rounds:
                Pw = np.column_stack([self.heads[j].predict_proba(Xw)[:, 1] for j in range(5)] + [Pw[:, 5]])
        return self

    def predict_proba(self, texts, pool=True):
        if pool == "win":
            return self._win(texts)
        wins, owner = self._windows(texts)
        Xd = self.base.transform(texts)
        P = np.column_stack([self.heads[j].predict_proba(Xd)[:, 1] for j in range(5)] + [self.base.predict_proba(texts)[:, 5]])
        if pool and len(wins):
            Xw = self.base.transform(wins)
            Pw = np.column_stack([self.heads[j].predict_proba(Xw)[:, 1] for j in range(5)])
            np.maximum.at(P[:, :5], owner, Pw) if False else _max_into(P, owner, Pw)
        return P


def _max_into(P, owner, Pw):
    for j in range(Pw.shape[1]):
        col = P[:, j].copy()
        np.maximum.at(col, owner, Pw[:, j])
        P[:, j] = col


def _top_window(owner, scores, docs):
    """Row of the highest-scoring window of each doc in ``docs`` that has windows."""
    if len(owner) == 0:
        return np.zeros(0, int)
    order = np.lexsort((-scores, owner))  # by owner, best first
    first = np.ones(len(order), bool)
    first[1:] = owner[order][1:] != owner[order][:-1]
    best = dict(zip(owner[order][first], order[first]))
    return np.asarray([best[d] for d in docs if d in best], dtype=int)


def _win_generic(self, texts, score):
    wins, owner = self._windows(texts)
    W = np.full((len(texts), 5), -1.0)
    if len(wins):
        _max_into(W, owner, score(wins))
    return W
MIL._win = lambda self, texts: _win_generic(self, texts, lambda w: np.column_stack([self.heads[j].predict_proba(self.base.transform(w))[:, 1] for j in range(5)]))


class DocOnlyPooled:
    def __init__(self, commas=True, width=2, singles=True):
        self.commas, self.width, self.singles = commas, width, singles
    def _windows(self, texts):
        return MIL(commas=self.commas, width=self.width, singles=self.singles)._windows(texts)
    def _win(self, texts):
        return _win_generic(self, texts, lambda w: self.m.predict_proba(w)[:, :5])
    """Today's model, window max at inference only."""
    def fit(self, texts, Y):
        self.m = CONFIG.classifier().fit(texts, Y)
        return self
    def predict_proba(self, texts, pool=True):
        P = self.m.predict_proba(texts)
        if pool == "win":
            return self._win(texts)
        if pool:
            wins, owner = self._windows(texts)
            if len(wins):
                _max_into(P, owner, self.m.predict_proba(wins)[:, :5])
        return P


def evaluate(name, make, texts, Y, origin, fold_list, extra=None):
    t0 = time.time()
    P_pool = np.zeros(Y.shape); P_doc = np.zeros(Y.shape); P_win = np.zeros((len(Y), 5))
    for tr, te in fold_list:
        m = make().fit([texts[i] for i in tr], Y[tr])
        te_texts = [texts[i] for i in te]
        P_pool[te] = m.predict_proba(te_texts, pool=True)
        P_doc[te] = m.predict_proba(te_texts, pool=False)
        P_win[te] = m.predict_proba(te_texts, pool="win")
    out = {}
    for tag, P in (("pool", P_pool), ("doc", P_doc)):
        pred = (P >= 0.5).astype(int)
        out[tag] = {part: compute_metrics(Y[origin == part], pred[origin == part]) for part in ("real", "team")}
        r, t = out[tag]["real"], out[tag]["team"]
        print(f"{name} [{tag}] micro R {r['micro_f1']:.3f} T {t['micro_f1']:.3f} | " +
              " ".join(f"{k[:6]} {r['labels'][k]['f1']:.2f}/{t['labels'][k]['f1']:.2f}" for k in cm.ISSUE_LABELS ),
              f"({time.time()-t0:.0f}s)", flush=True)
    np.savez(f'/tmp/oof_{name}.npz', pool=P_pool, doc=P_doc, win=P_win)
    return out, P_pool


if __name__ == "__main__":
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    texts, Y, origin = corpus.texts, corpus.targets(), corpus.frame["origin"].to_numpy()
    fl = folds(texts, Y)
    which = sys.argv[1:] or ["base", "mil1"]
    makers = {
        "base": lambda: DocOnlyPooled(),
        "mil1": lambda: MIL(),
        "mil1_pairs_only": lambda: MIL(singles=False),
        "mil2": lambda: MIL(rounds=2),
        "mil1_sent": lambda: MIL(commas=False),
        "mil1_sent_pairs": lambda: MIL(commas=False, singles=False),
        "base_sent": lambda: DocOnlyPooled(commas=False),
        "mil1_w3": lambda: MIL(width=3),
    }
    for name in which:
        evaluate(name, makers[name], texts, Y, origin, fl)
