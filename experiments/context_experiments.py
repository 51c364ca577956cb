"""Attempts to get past the bag-of-n-grams plateau, by cross-validation on the TRAINING split only.

Same folds, seed and base features as experiments/compare.py (words 1-2 + characters 1-3, TF-IDF, logistic
regression C=10 with balanced class weights, fixed 0.5 thresholds, digits masked). Variants:

- ``cues``: an extra block of "cue>word" pairs, each word after a negation or promise cue (没有, 不给, 说好,
  承诺, 结果 ...) in the same clause, for "no gift was promised" vs "the promised gift is missing";
- ``word trigrams``; ``team texts weighted 0.5``; ``word block x1.5``; ``min_df 1``; ``C=3`` and ``C=30``;
- ``domain copies``: every feature twice, once shared and once only for real texts (Daume's "frustratingly
  easy" domain adaptation); every text being scored takes the real copy, as unseen complaints would;
- ``real texts only``: the team-written texts left out of training;
- ``stacked``: out-of-fold probabilities of the base model plus counts of spec cue words (promise, gift,
  remedy, courier, seller, ...) and the length, into gradient-boosted trees that can combine them.

    .venv/bin/python experiments/context_experiments.py      # about 3 minutes on 2 cores
    .venv/bin/python experiments/context_experiments.py base "domain copies"     # only the named variants
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

import complaintmine as cm
from complaintmine.corpus.dedup import near_duplicate_groups
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.ngrams import prepare_inputs
from complaintmine.model.selection import folds
from complaintmine.text.normalize import normalize
from complaintmine.text.tokenizer import Tokenizer

ROOT = Path(__file__).resolve().parents[1]

CUE_WORDS = {"没", "没有", "不", "未", "无", "别", "不是", "并没有", "没给", "不给", "没送", "不送", "还没", "还没有"}
CUE_WORDS |= {"根本", "居然", "竟然", "说好", "说好的", "承诺", "答应", "保证", "结果", "却", "但是", "可是", "又"}
CLAUSE_END = re.compile(r"[，。！？；,.!?;~]")
SPEC_CUES = {
    "promise": r"说好|承诺|保证|答应|宣传|页面|写着|标明|活动|说送|会送|送的|赠送|前\d*名|下单送|买.{0,3}送",
    "gift": r"赠品|赠送|送的|小样|礼品|附送|配件|赠",
    "negation": r"没有|没|未|不给|无|缺",
    "remedy": r"补了|补差|退了差价|价保成功|保价成功|已退|退还了|给我保价|给补|补偿了|返了",
    "drop": r"降价|便宜了|降了|差价|掉价|保价|价保",
    "courier": r"快递|物流|配送|中转|派送|小哥|顺丰|圆通|中通|申通|韵达|邮政|ems",
    "seller": r"卖家|商家|店家|客服|发货|仓库|缺货|没货",
    "waiting": r"迟迟|还没|一直没|才发|没发|延迟|拖|等了|\d+天",
    "content": r"满意|不错|很好|好评|开心|划算|值",
    "lowest": r"最低|全网|历史低|最便宜",
    "presale": r"定金|订金|尾款|预售|预定|预约",
}


def cue_pairs(tokenizer: Tokenizer, text: str) -> str:
    pairs, cue = [], None
    for word, _, _ in tokenizer._segments(normalize(text)):
        if CLAUSE_END.fullmatch(word) or not word.strip():
            cue = None
        elif word in CUE_WORDS:
            cue = word
        elif cue:
            pairs.append(cue + ">" + re.sub(r"\d", "0", word))
    return " ".join(pairs)


class Data:
    def __init__(self) -> None:
        corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
        self.texts, self.Y = corpus.texts, corpus.targets()
        self.origin = corpus.frame["origin"].to_numpy()
        tokenizer = Tokenizer()
        self.words, self.chars = prepare_inputs(self.texts, tokenizer, "both", True)
        self.cues = [cue_pairs(tokenizer, t) for t in self.texts]
        normalized = [normalize(t) for t in self.texts]
        patterns = [re.compile(p) for p in SPEC_CUES.values()]
        self.spec = np.array([[len(p.findall(t)) for p in patterns] + [len(t)] for t in normalized], dtype=float)
        self.groups = np.asarray(near_duplicate_groups(self.texts))

    def folds(self, rows: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(rows[a], rows[b]) for a, b in folds(rows, self.Y[rows], self.groups[rows])]


def linear_probabilities(d: Data, variant: str, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    if variant == "real texts only":
        train = train[d.origin[train] == "real"]
    min_df = 1 if variant == "min_df 1" else 2
    high = 3 if variant == "word trigrams" else 2
    blocks = [
        (
            TfidfVectorizer(
                token_pattern=r"\S+", lowercase=False, ngram_range=(1, high), min_df=min_df, sublinear_tf=True
            ),
            d.words,
        ),
        (
            TfidfVectorizer(analyzer="char", lowercase=False, ngram_range=(1, 3), min_df=min_df, sublinear_tf=True),
            d.chars,
        ),
    ]
    if variant == "cues":
        blocks.append((TfidfVectorizer(token_pattern=r"\S+", lowercase=False, min_df=2, sublinear_tf=True), d.cues))
    fitted = [(v.fit_transform([docs[i] for i in train]), v.transform([docs[i] for i in test])) for v, docs in blocks]
    if variant == "word block x1.5":
        fitted[0] = (fitted[0][0] * 1.5, fitted[0][1] * 1.5)
    X_train = sp.hstack([a for a, _ in fitted], format="csr")
    X_test = sp.hstack([b for _, b in fitted], format="csr")
    if variant == "domain copies":
        real_rows = sp.diags((d.origin[train] == "real").astype(float))
        X_train = sp.hstack([X_train, real_rows @ X_train], format="csr")
        X_test = sp.hstack([X_test, X_test], format="csr")
    weight = np.where(d.origin[train] == "team", 0.5, 1.0) if variant == "team texts weighted 0.5" else None

    C = {"C=3": 3.0, "C=30": 30.0}.get(variant, 10.0)
    P = np.zeros((len(test), d.Y.shape[1]))
    for j in range(d.Y.shape[1]):
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, random_state=0)
        P[:, j] = model.fit(X_train, d.Y[train, j], sample_weight=weight).predict_proba(X_test)[:, 1]
    return P


def stacked_predictions(d: Data, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    inner = np.zeros((len(train), d.Y.shape[1]))
    position = {row: i for i, row in enumerate(train)}
    for a, b in d.folds(train):
        inner[[position[r] for r in b]] = linear_probabilities(d, "base", a, b)
    outer = linear_probabilities(d, "base", train, test)
    F_train, F_test = np.hstack([inner, d.spec[train]]), np.hstack([outer, d.spec[test]])
    decided = np.zeros((len(test), d.Y.shape[1]), dtype=int)
    for j in range(d.Y.shape[1]):
        trees = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0)
        decided[:, j] = trees.fit(F_train, d.Y[train, j]).predict_proba(F_test)[:, 1] >= 0.5
    return decided


VARIANTS = [
    "base",
    "cues",
    "word trigrams",
    "team texts weighted 0.5",
    "word block x1.5",
    "min_df 1",
    "C=3",
    "C=30",
    "domain copies",
    "real texts only",
    "stacked",
]


def run(d: Data, variant: str, train: np.ndarray, test: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
    if variant == "stacked":
        return variant, test, stacked_predictions(d, train, test)
    return variant, test, (linear_probabilities(d, variant, train, test) >= 0.5).astype(int)


def main() -> None:
    d = Data()
    folds = d.folds(np.arange(len(d.texts)))
    chosen = [v for v in VARIANTS if v in sys.argv[1:]] or VARIANTS
    jobs = [(v, a, b) for v in chosen for a, b in folds]
    predictions: dict[str, np.ndarray] = {}
    for variant, test, decided in Parallel(n_jobs=2)(delayed(run)(d, v, a, b) for v, a, b in jobs):
        predictions.setdefault(variant, np.zeros_like(d.Y))[test] = decided
    print("| variant | micro-F1 R | micro-F1 T | no_price_protection R | gift_not_honored R | late_shipping R |")
    print("|---|---:|---:|---:|---:|---:|")
    for variant, decided in predictions.items():
        real = compute_metrics(d.Y[d.origin == "real"], decided[d.origin == "real"])
        team = compute_metrics(d.Y[d.origin == "team"], decided[d.origin == "team"])
        per = [real["labels"][name]["f1"] for name in ("no_price_protection", "gift_not_honored", "late_shipping")]
        print(
            f"| {variant} | {real['micro_f1']:.3f} | {team['micro_f1']:.3f} | "
            + " | ".join(f"{f:.2f}" for f in per)
            + " |"
        )


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
