"""Cache, per outer fold, everything a second stage needs: stage-1 inner out-of-fold logits on the outer training
part, stage-1 (fit on the whole outer training part) logits on the held-out fold, sentence-window maxima, the
presence of the 4,000 n-grams with the largest stage-1 weights, and cue counts. Scratch."""
from __future__ import annotations
import sys, time
import numpy as np
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm
from complaintmine.model.selection import folds, strata
from mil import CONFIG, MIL, _max_into
from complaintmine.model.selection import fold_groups
from stack_cv import cue_matrix, logit
from sklearn.model_selection import StratifiedGroupKFold

def winmax(model, texts):
    wins, owner = MIL(commas=False)._windows(texts)
    M = np.full((len(texts), 5), -np.inf)
    if len(wins):
        _max_into(M, owner, model.predict_proba(wins)[:, :5])
    return np.where(np.isinf(M), np.nan, M)

corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
f = corpus.frame
texts, Y = corpus.texts, corpus.targets()
kinds = f["kind"].tolist()
groups = np.asarray(fold_groups(texts, f["group"].tolist()))
fl = folds(texts, Y, groups)
t0 = time.time()
for k, (tr, te) in enumerate(fl):
    ttr = [texts[i] for i in tr]; tte = [texts[i] for i in te]
    m1 = CONFIG.classifier().fit(ttr, Y[tr])
    coef = np.abs(np.column_stack([e.coef_.ravel() for e in m1.head_.estimators_[:5]])).max(1)
    sel = np.argsort(-coef)[:4000]
    Lin = np.zeros((len(tr), 6)); Win = np.full((len(tr), 5), np.nan)
    for itr, ite in StratifiedGroupKFold(3, shuffle=True, random_state=1).split(ttr, strata(Y[tr]), groups[tr]):
        mi = CONFIG.classifier().fit([ttr[i] for i in itr], Y[tr][itr])
        sub = [ttr[i] for i in ite]
        Lin[ite] = logit(mi.predict_proba(sub)); Win[ite] = winmax(mi, sub)
        print(k, "inner", f"{time.time()-t0:.0f}s", flush=True)
    Xtr = m1.transform(ttr)[:, sel] > 0; Xte = m1.transform(tte)[:, sel] > 0
    np.savez_compressed(f"/tmp/stackfold{k}.npz", tr=tr, te=te, Lin=Lin, Win=Win, Lte=logit(m1.predict_proba(tte)), Wte=winmax(m1, tte),
             Ptr=Xtr.toarray(), Pte=Xte.toarray(), Ctr=cue_matrix(ttr), Cte=cue_matrix(tte))
    print(k, "saved", f"{time.time()-t0:.0f}s", flush=True)
