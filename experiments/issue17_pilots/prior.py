"""Pilot: adapt by fitting only a correction delta to the base model's weights, delta ~ N(0, C) (Chelba and Acero 2004),
C chosen by 3-fold CV on the user's own labels. Compared with labels alone (numbers from models/adaptation.json)."""
import copy, json, sys, time
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, log1p
from common import ROOT, domain_corpus, metrics, sample  # this folder is on sys.path when run
import complaintmine as cm
from complaintmine.model.runtime import Model
from complaintmine.model.scorer import LinearScorer
from sklearn.model_selection import KFold
from sklearn.metrics import f1_score

domain = domain_corpus()
pool, test = domain.select(split="train"), domain.select(split="test")
base = cm.load_model()
clf0 = base.classifier
W0 = np.vstack([e.coef_.ravel() for e in clf0.head_.estimators_])  # (6, n)
B0 = np.array([float(e.intercept_[0]) for e in clf0.head_.estimators_])

def fit_delta(X, y, w0, b0, C):
    n = X.shape[0]; pos = y.sum()
    s = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos))) if 0 < pos < n else np.ones(n)
    base_logit = X @ w0 + b0
    ysign = 2 * y - 1
    def f(v):
        d, db = v[:-1], v[-1]
        z = ysign * (base_logit + X @ d + db)
        loss = np.sum(s * np.logaddexp(0, -z)) + 0.5 / C * d @ d
        g = -s * ysign * expit(-z)
        return loss, np.concatenate([X.T @ g + d / C, [g.sum()]])
    r = minimize(f, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return r.x[:-1], r.x[-1]

def fit_all(X, Y, C):
    return [fit_delta(X, Y[:, j], W0[j], B0[j], C) for j in range(Y.shape[1])]

def proba(X, deltas):
    return np.column_stack([expit(X @ (W0[j] + d) + B0[j] + db) for j, (d, db) in enumerate(deltas)])

def as_model(deltas):
    clf = copy.deepcopy(clf0)
    for j, (d, db) in enumerate(deltas):
        clf.head_.estimators_[j].coef_ = (W0[j] + d)[None, :]
        clf.head_.estimators_[j].intercept_ = np.array([B0[j] + db])
    return Model(clf, dict(base.manifest), scorer=LinearScorer.from_classifier(clf))

GRID = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0]
ref = {(r["labels"], r["seed"]): r for r in json.load(open(ROOT / "models" / "adaptation.json"))["runs"]}
for size in [int(s) for s in sys.argv[1].split(",")]:
    for seed in [int(s) for s in sys.argv[2].split(",")]:
        t = time.time()
        user = sample(pool, size, seed)
        X = clf0.transform(user.texts); Y = user.targets()
        cv = {}
        for C in GRID:
            P = np.zeros(Y.shape)
            for tr, te in KFold(3, shuffle=True, random_state=0).split(np.arange(len(Y))):
                P[te] = proba(X[te], fit_all(X[tr], Y[tr], C))
            cv[C] = round(f1_score(Y[:, :5], P[:, :5] >= 0.5, average="micro"), 4)
        best = max(cv, key=cv.get)
        row = {"labels": size, "seed": seed, "cv": cv, "C": best}
        for C in GRID:
            row[f"test_C{C}"] = metrics(as_model(fit_all(X, Y, C)), test)["micro_f1"]
        row["prior_chosen"] = row[f"test_C{best}"]
        r = ref.get((size, seed), {})
        row["user_only"] = r.get("user_only", {}).get("domain_test", {}).get("micro_f1")
        row["adapted_w5"] = r.get("adapted_w5", {}).get("domain_test", {}).get("micro_f1")
        row["s"] = round(time.time() - t)
        print(json.dumps(row), flush=True)
