"""Issue #13: boosted trees (LightGBM) over the shipped model's n-gram features, alone and averaged with it.

The same 3-fold cross-validation as contrast_variants.py (training split only; folds keep near-duplicates and
minimal-pair groups together). In each fold the default model's configuration is fitted, and one LightGBM classifier per
issue label is fitted on its TF-IDF features that occur in at least MIN_DF training texts (class-balanced by
scale_pos_weight; one setting, not tuned). Scored as in contrast_variants.py. LightGBM (a complaintmine
dependency since 0.5.0, which ships the gated forest) fits the forests. Writes models/boosted_trees.json.

    .venv/bin/python experiments/boosted_trees.py               # about 10 minutes on 2 idle cores
    .venv/bin/python experiments/boosted_trees.py --cheap       # three cheaper forests (CHEAP), about 10 minutes
    .venv/bin/python experiments/boosted_trees.py --unbalanced  # two cheaper forests without class balance
    .venv/bin/python experiments/boosted_trees.py --capped      # the 200-tree forest, depth capped at 6
    .venv/bin/python experiments/boosted_trees.py --residual    # small forests boosting from the linear log-odds
    .venv/bin/python experiments/boosted_trees.py --speed       # scoring cost of such a forest in NumPy
    .venv/bin/python experiments/boosted_trees.py --gated       # the 200-tree average, trees only where needed
    .venv/bin/python experiments/boosted_trees.py --ceiling     # what a perfect second stage on gated cells gets
    .venv/bin/python experiments/boosted_trees.py --specialist  # a forest trained on the gated cells alone
    .venv/bin/python experiments/boosted_trees.py --windows     # the same, plus sentence-window scores as inputs
    .venv/bin/python experiments/boosted_trees.py --gated --seed 1  # any run on other folds (its own JSON file)

Each run merges its rows into models/boosted_trees.json (the linear row is recomputed, on the same folds).

``--gated`` scores a label's forest only where the linear model gives that label a probability of at least a gate
(elsewhere the linear probability stands): on 20,000 pool texts the 0.4.0 model gives 1.1% of (text, label) cells
0.1 or more and 3.1% 0.02 or more, so a gated forest costs a small share of what the whole forest costs. Rule
fixed before the run: the gate is the largest of GATES whose four figures (real, team, both pair sides) are each
within 0.002 of the ungated average at weight 0.5.

``--ceiling`` asks how far any second stage behind a gate can go: the linear model's out-of-fold probabilities
on the same folds, with every cell that reaches the gate decided as its gold label says and every other cell
left to the linear model (negative). Prints micro-F1 per part and the share of gold labels the gate lets through.

``--specialist`` (nested, like --residual): in each outer fold the linear model's probabilities of its training rows
come from an inner 3-fold split; each label's forest (the 200-tree setting) is trained only on the training rows
whose inner probability reaches 0.1, the cells it will see, and scores the test cells that reach 0.1 under the
outer linear model: alone, and averaged with the linear probability at weight 0.5.

``--windows`` runs --specialist twice on the same folds: as it is, and with reader_features added to each forest's
input (per label, the linear log-odds of the whole text and of its best sentence window, the number of sentences, the
length; training rows take them from the inner models, as their gate does). Rule fixed before the run: the window
variant is preferred over the plain specialist when, on the mean of seeds 0 and 1, its four figures' mean is at least
0.003 higher and none of the four is more than 0.005 lower (compared "averaged" with "averaged", "alone" with "alone").

``--windows --monotone`` (written after the --windows and --blends runs): the same, with LightGBM's monotone
constraints making each forest's output non-decreasing in its own label's two log-odds inputs, so that a more
confident linear reading can never lower it (the window forest had turned single confident complaints down, e.g.
linear 0.93 -> 0.28). Rule fixed before the run: the monotone window forest averaged at 0.5 is preferred over the
plain gated-rows forest averaged at 0.5 when, on the mean of seeds 0 and 1, its four-figure mean is at least 0.003
higher and none of the four is more than 0.005 lower.

``--windows --delta`` (session 10, written after reading the cells the window forest loses: one-sentence complaints
the plain forest recovers from a low linear reading, where the text log-odds inputs make the trees follow the linear
model): the window forest without the text log-odds, given per label the best window's log-odds minus the text's (0
for one-sentence texts, so there it is the plain forest's input), the number of sentences and the length. Rule fixed
before the run: preferred over the plain gated-rows forest, both averaged at 0.5, when on the mean of seeds 0 and 1
its four-figure mean is at least 0.003 higher and none of the four is more than 0.005 lower.

``--blends A.npz B.npz`` weighs the specialist forests (plain and with window scores) against the linear
probability on the gated cells, from the out-of-fold probabilities that ``--windows --dump F.npz`` saved for seeds 0
and 1: forest weight 0.25, 0.5, 0.75 or 1 (the forest alone), threshold 0.5 throughout. Rule fixed before the run
(written after the plain --windows runs, which used weight 0.5 and 1 only): the highest mean of the four figures,
averaged over both seeds, among the blends whose real micro-F1 (averaged over seeds) is within 0.005 of the best.
It also prints, per kind of minimal pair, the share with an exactly right issue set (by_variant).
Written after that run: "split", the window forest for texts of two or more sentences and the plain one for
one-sentence texts (whose windows are the text itself), both at weight 0.5; rule fixed before computing it, as for
--windows: preferred over the plain forest at 0.5 when its four-figure mean over both seeds is at least 0.003 higher
and none of the four is more than 0.005 lower. Written in session 10, with the same rule fixed before computing it:
"confident", the plain forest on gated cells where the linear probability is at least CONFIDENT (0.9; the window
forest had turned such single confident complaints down) and the window forest on the other gated cells. Then
"both forests", same rule fixed before computing it: on gated cells the mean of the linear probability and the two
forests (a third each), so that neither forest alone can veto.

``--speed`` fits one label's forest (depth 6) on the whole training split, exports it to node arrays and times a
vectorised NumPy traversal of five such forests over 20,000 training texts (what scoring would have to add).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

import complaintmine as cm
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.forest import FOREST_SETTINGS, from_boosters
from complaintmine.model.selection import fold_groups, folds
from complaintmine.text.modality import sentences
from complaintmine.text.normalize import normalize
from contrast_variants import ROOT, pair_accuracy, summary  # the same scoring

# The forest of 0.5.0 (its settings live in the product; these runs chose them): n-grams in at least MIN_DF
# training texts, ROUNDS trees, and the rest of its LightGBM settings in FOREST.
_SHIPPED = FOREST_SETTINGS["trees-200"]
assert _SHIPPED is not None
MIN_DF, ROUNDS = _SHIPPED["min_df"], _SHIPPED["trees"]["n_estimators"]
# The linear configuration every run here starts from: 0.4.0's (0.5.0 is it plus the gated forest chosen here).
LINEAR = "complaintmine-zh-0.4.0"
# --seed N: the outer folds' seed (0, the default, gives the folds of every committed table); rows of another seed
# go to models/boosted_trees-seedN.json, not into boosted_trees.json.
FOLD_SEED = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
FOREST = {
    **{k: v for k, v in _SHIPPED["trees"].items() if k != "n_estimators"},
    "verbose": -1,
    "n_jobs": 2,
    "random_state": 0,
}


# Cheaper forests for scoring (--cheap): fewer, shallower trees at a higher learning rate.
CHEAP = {
    "60 trees, depth 4": dict(n_estimators=60, max_depth=4, num_leaves=15, learning_rate=0.3),
    "100 trees, depth 3": dict(n_estimators=100, max_depth=3, num_leaves=7, learning_rate=0.3),
    "30 trees, depth 5": dict(n_estimators=30, max_depth=5, num_leaves=31, learning_rate=0.4),
}
# The same without class balancing (the balanced small forests above call too many non-complaints):
UNBALANCED = {
    "60 trees, depth 4, unbalanced": dict(CHEAP["60 trees, depth 4"], scale_pos_weight=1.0),
    "100 trees, depth 4, rate 0.2, unbalanced": dict(
        n_estimators=100, max_depth=4, num_leaves=15, learning_rate=0.2, scale_pos_weight=1.0
    ),
}


def forest(y: np.ndarray, **changes: object):  # type: ignore[no-untyped-def]
    import lightgbm as lgb

    balance = (len(y) - y.sum()) / max(y.sum(), 1)
    return lgb.LGBMClassifier(**{"n_estimators": ROUNDS, "scale_pos_weight": balance, **FOREST, **changes})


def cv_data() -> tuple[list[str], np.ndarray, np.ndarray, cm.TrainConfig, np.ndarray, list[int]]:
    """What every run here cross-validates on: the training split loaded with the derived rows, as
    contrast_variants.py loads it (the same folds: its table's default row reproduces); each row's part ("real",
    "team" or "pairs"); the default configuration; which rows it trains on (as the default model was trained);
    and the fold groups (near-duplicates and minimal-pair groups)."""
    corpus = cm.load_corpus(ROOT / "corpora", derived=True).select(split="train")
    frame, texts, Y = corpus.frame, corpus.texts, corpus.targets()
    is_pair = frame["key"].str.startswith("pair:").to_numpy()
    part = np.where(is_pair, "pairs", frame["origin"].to_numpy())
    config = cm.TrainConfig.from_dict(
        {"forest": "none", **json.loads((ROOT / "models" / f"{LINEAR}.train.json").read_text())}
    )
    train_rows = (frame["origin"] != "derived").to_numpy() | (config.derived_weight > 0)
    return texts, Y, part, config, train_rows, fold_groups(texts, frame["group"].tolist())


GATES = (0.02, 0.05, 0.1, 0.2)
CONFIDENT = 0.9  # --blends "confident": above this linear probability the plain forest, not the window forest
# --windows --monotone: each forest's output may only rise with its own label's text and best-window log-odds
MONOTONE = "--monotone" in sys.argv
# --windows --delta: the window forest given only how much its best window reads more like the label than the text
DELTA = "--delta" in sys.argv


def gated(linear: np.ndarray, trees: np.ndarray, gate: float, weight: float = 0.5) -> np.ndarray:
    """The average where the linear probability reaches ``gate``, the linear probability elsewhere."""
    return np.where(linear >= gate, (1 - weight) * linear + weight * trees, linear)


def cross_validate(variants: dict[str, dict[str, object]] | None = None, gates: bool = False) -> None:
    """The default forest (``variants`` None) or the given ones; results merge into models/boosted_trees.json.
    With ``gates``, also the default forest's average gated at each of GATES."""
    variants = variants or {"trees": {}}
    texts, Y, part, config, train_rows, groups = cv_data()
    linear, trees = np.zeros(Y.shape), {name: np.zeros(Y.shape) for name in variants}
    for k, (train_idx, test_idx) in enumerate(folds(texts, Y, groups, seed=FOLD_SEED)):
        started = time.time()
        train_idx = train_idx[train_rows[train_idx]]
        clf = config.classifier().fit([texts[i] for i in train_idx], Y[train_idx])
        X_train, X_test = clf.transform([texts[i] for i in train_idx]), clf.transform([texts[i] for i in test_idx])
        linear[test_idx] = clf.predict_proba([texts[i] for i in test_idx])
        keep = np.flatnonzero(np.asarray((X_train > 0).sum(axis=0)).ravel() >= MIN_DF)
        for name, changes in variants.items():
            for j in range(5):
                model = forest(Y[train_idx, j], **changes).fit(X_train[:, keep].astype(np.float32), Y[train_idx, j])
                trees[name][test_idx, j] = model.predict_proba(X_test[:, keep].astype(np.float32))[:, 1]
            trees[name][test_idx, 5] = linear[test_idx, 5]  # presale: the linear model's
        print(f"fold {k}: {len(keep):,} features, {time.time() - started:.0f}s", flush=True)
    rows = [(f"linear ({LINEAR})", linear)]
    for name, proba in trees.items():
        tag = "" if name == "trees" else f" ({name})"
        rows += [(name, proba)] + [
            (f"average, trees weigh {w}{tag}", (1 - w) * linear + w * proba) for w in (0.3, 0.5, 0.7)
        ]
    if gates:
        rows += [(f"average, trees weigh 0.5, gated at {g}", gated(linear, trees["trees"], g)) for g in GATES]
    record(rows, Y, part)


def scored(Y: np.ndarray, proba: np.ndarray, part: np.ndarray) -> dict[str, Any]:
    """The figures of out-of-fold probabilities at threshold 0.5, as contrast_variants.py scores them: metrics on
    the real and team-written texts, pair accuracy on the held-out minimal pairs."""
    pred = (proba >= 0.5).astype(int)
    return {
        "real": compute_metrics(Y[part == "real"], pred[part == "real"]),
        "team": compute_metrics(Y[part == "team"], pred[part == "team"]),
        "pairs": pair_accuracy(Y[part == "pairs"], pred[part == "pairs"]),
    }


def record(rows: list[tuple[str, np.ndarray]], Y: np.ndarray, part: np.ndarray, out: Path | None = None) -> None:
    """Score each (name, out-of-fold probabilities) as contrast_variants.py does; merge into ``out`` (default
    models/boosted_trees.json)."""
    out = out or ROOT / "models" / ("boosted_trees.json" if FOLD_SEED == 0 else f"boosted_trees-seed{FOLD_SEED}.json")
    results = json.loads(out.read_text()) if out.exists() else {}
    for name, proba in rows:
        row = scored(Y, proba, part)
        results[name] = row
        labels = {n: round(v["f1"], 3) for n, v in row["real"]["labels"].items()}
        print(name, json.dumps(summary(row)), json.dumps(labels), flush=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


# The 200-tree forest with its depth capped at 6, as --speed times it (the uncapped one grows 30 levels deep):
CAPPED = {"200 trees, depth 6": dict(max_depth=6)}


# Forests that correct the linear model instead of being averaged with it: boosting starts from the linear
# model's out-of-fold log-odds (init_score), so a few shallow trees only add what the linear model gets wrong.
RESIDUAL = {
    "60 trees, depth 4, on linear log-odds": dict(
        n_estimators=60, max_depth=4, num_leaves=15, learning_rate=0.1, scale_pos_weight=1.0
    ),
    "100 trees, depth 3, on linear log-odds": dict(
        n_estimators=100, max_depth=3, num_leaves=7, learning_rate=0.1, scale_pos_weight=1.0
    ),
}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def residual_forests() -> None:
    """Nested: in each outer fold the linear model's log-odds of its training rows come from an inner 3-fold split
    (grouped like the outer one), the forests boost from them, and a test row's score is sigmoid(linear log-odds of
    the model fitted on the whole outer training part + the forests' raw score)."""
    texts, Y, part, config, train_rows, groups = cv_data()
    linear = np.zeros(Y.shape)
    corrected = {name: np.zeros(Y.shape) for name in RESIDUAL}
    for k, (train_idx, test_idx) in enumerate(folds(texts, Y, groups, seed=FOLD_SEED)):
        started = time.time()
        train_idx = train_idx[train_rows[train_idx]]
        inner = np.zeros((len(train_idx), Y.shape[1]))
        sub_texts = [texts[i] for i in train_idx]
        for a, b in folds(sub_texts, Y[train_idx], [groups[i] for i in train_idx]):
            fitted = config.classifier().fit([sub_texts[i] for i in a], Y[train_idx][a])
            inner[b] = fitted.predict_proba([sub_texts[i] for i in b])
        clf = config.classifier().fit(sub_texts, Y[train_idx])
        test_texts = [texts[i] for i in test_idx]
        X_train, X_test = clf.transform(sub_texts), clf.transform(test_texts)
        linear[test_idx] = clf.predict_proba(test_texts)
        keep = np.flatnonzero(np.asarray((X_train > 0).sum(axis=0)).ravel() >= MIN_DF)
        for name, changes in RESIDUAL.items():
            for j in range(5):
                model = forest(Y[train_idx, j], **changes).fit(
                    X_train[:, keep], Y[train_idx, j], init_score=_logit(inner[:, j])
                )
                raw = model.predict(X_test[:, keep], raw_score=True)
                corrected[name][test_idx, j] = 1 / (1 + np.exp(-(_logit(linear[test_idx, j]) + raw)))
            corrected[name][test_idx, 5] = linear[test_idx, 5]
        print(f"fold {k}: {time.time() - started:.0f}s", flush=True)
    record([(f"linear ({LINEAR})", linear), *corrected.items()], Y, part)


def speed(depth: int = 6, sample: int = 20000, batch: int = 512) -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    Y = corpus.targets()
    clf = cm.load_model(ROOT / "models" / LINEAR).classifier
    X = clf.transform(corpus.texts)
    keep = np.flatnonzero(np.asarray((X > 0).sum(axis=0)).ravel() >= MIN_DF)
    Xk = X[:, keep].astype(np.float32)
    model = forest(Y[:, 2], max_depth=depth).fit(Xk, Y[:, 2])
    # the product's export (model/forest.py), walked here level by level for ``depth`` steps, all trees at once
    nodes = from_boosters([model.booster_], np.arange(Xk.shape[1]), [0], 0.5, 0.0)
    all_roots = np.concatenate([nodes.roots[0]] * 5)  # five labels' forests

    def traverse(dense: np.ndarray) -> np.ndarray:
        at = np.broadcast_to(all_roots, (len(dense), len(all_roots))).copy()
        rows = np.arange(len(dense))[:, None]
        for _ in range(depth):  # a leaf reads column 0 (always 0 <= its threshold 0) and steps to itself
            at = np.where(dense[rows, nodes.slot[at]] <= nodes.threshold[at], nodes.left[at], nodes.right[at])
        return nodes.value[at].sum(axis=1)

    part = Xk[:sample].tocsr().astype(np.float64)

    def dense_rows(start: int) -> np.ndarray:
        block = part[start : start + batch]
        return nodes.columns(block.indptr, block.indices, block.data)

    one = np.concatenate([traverse(dense_rows(s))[:, None] for s in range(0, 1000, batch)])
    reference = model.booster_.predict(Xk[:1000], raw_score=True)
    assert np.allclose(one[:1000, 0] / 5, reference, atol=1e-6), "the traversal must equal LightGBM's raw scores"
    started = time.perf_counter()
    for s in range(0, sample, batch):
        traverse(dense_rows(s))
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    clf_texts = corpus.texts[:sample]
    cm.load_model(ROOT / "models" / LINEAR).predict_proba(clf_texts)
    linear = time.perf_counter() - started
    print(
        f"{len(all_roots)} trees of depth <= {depth} ({len(nodes.feature):,} nodes per label, "
        f"{len(nodes.used):,} features): "
        f"{sample / seconds:,.0f} texts/s for the traversal alone; the linear model (0.4.0) scores "
        f"{sample / linear:,.0f} texts/s in the same run"
    )


def ceiling() -> None:
    texts, Y, part, config, train_rows, groups = cv_data()
    linear = np.zeros(Y.shape)
    for train_idx, test_idx in folds(texts, Y, groups, seed=FOLD_SEED):
        train_idx = train_idx[train_rows[train_idx]]
        clf = config.classifier().fit([texts[i] for i in train_idx], Y[train_idx])
        linear[test_idx] = clf.predict_proba([texts[i] for i in test_idx])
    issues = slice(0, 5)
    for gate in (0.5, *GATES):  # 0.5: the linear model's own decisions
        decided = (linear >= 0.5).astype(int)
        if gate < 0.5:
            open_cells = linear[:, issues] >= gate
            decided[:, issues] = np.where(open_cells, Y[:, issues], 0)
        figures = {
            name: round(compute_metrics(Y[part == name], decided[part == name])["micro_f1"], 3)
            for name in ("real", "team", "pairs")
        }
        gold = Y[:, issues] == 1
        through = {
            name: round(float((linear[:, issues] >= gate)[gold & (part == name)[:, None]].mean()), 3)
            for name in ("real", "team")
        }
        print(f"gate {gate}: micro-F1 {figures}; gold labels through the gate {through}", flush=True)


def window_texts(text: str) -> list[str]:
    """The sentence windows of a text: each sentence and each two adjacent sentences (the whole text when it has
    one sentence or none), as modality.sentences splits the normalised text."""
    normalized = normalize(text)
    spans = sentences(normalized) or [(0, len(normalized))]
    singles = [normalized[a:b] for a, b in spans]
    pairs = [normalized[spans[i][0] : spans[i + 1][1]] for i in range(len(spans) - 1)]
    return singles + pairs or [normalized]


def reader_features(clf, texts: list[str], proba: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Dense columns for the forest (--windows): per issue label, the log-odds ``clf`` gives the whole text
    (``proba``, passed in: out-of-fold for training rows) and the highest log-odds it gives one of the text's
    sentence windows; the number of sentences; log(1 + characters)."""
    windows = [window_texts(text) for text in texts]
    flat = [w for ws in windows for w in ws]
    starts = np.cumsum([0] + [len(ws) for ws in windows[:-1]])
    best = np.maximum.reduceat(clf.predict_proba(flat)[:, :5], starts, axis=0) if flat else np.zeros((0, 5))
    count = np.array([len(ws) for ws in windows], dtype=float)
    sentences_n = (count + 1) / 2  # n singles + (n - 1) pairs
    length = np.log1p([len(text) for text in texts])
    return np.column_stack([_logit(proba[:, :5]), _logit(best), sentences_n, length]).astype(np.float32)


def _contrast(dense: np.ndarray) -> np.ndarray:
    """--windows --delta: reader_features without the text log-odds: per label the best window's log-odds minus the
    whole text's (0 for a one-sentence text, whose only window is itself), the number of sentences, the length."""
    return np.column_stack([dense[:, 5:10] - dense[:, :5], dense[:, 10:]]).astype(np.float32)


def specialist(gate: float = 0.1, windows: bool = False) -> None:
    """The forest trained on gated rows only; with ``windows`` also the same forest given reader_features (the
    linear log-odds of the text and of its best sentence window, per label), on the same folds."""
    texts, Y, part, config, train_rows, groups = cv_data()
    linear = np.zeros(Y.shape)
    variants = ["plain", "delta" if DELTA else "windows"] if windows else ["plain"]
    alone = {v: np.zeros(Y.shape) for v in variants}
    averaged = {v: np.zeros(Y.shape) for v in variants}
    for k, (train_idx, test_idx) in enumerate(folds(texts, Y, groups, seed=FOLD_SEED)):
        started = time.time()
        train_idx = train_idx[train_rows[train_idx]]
        sub_texts, sub_Y = [texts[i] for i in train_idx], Y[train_idx]
        inner = np.zeros(sub_Y.shape)
        dense_train = np.zeros((len(train_idx), 12), dtype=np.float32)
        for a, b in folds(sub_texts, sub_Y, [groups[i] for i in train_idx]):
            fitted = config.classifier().fit([sub_texts[i] for i in a], sub_Y[a])
            inner[b] = fitted.predict_proba([sub_texts[i] for i in b])
            if windows:  # only rows some label's forest trains on need them
                need = b[(inner[b, :5] >= gate).any(axis=1)]
                dense_train[need] = reader_features(fitted, [sub_texts[i] for i in need], inner[need])
        clf = config.classifier().fit(sub_texts, sub_Y)
        test_texts = [texts[i] for i in test_idx]
        X_train, X_test = clf.transform(sub_texts), clf.transform(test_texts)
        linear[test_idx] = clf.predict_proba(test_texts)
        for v in variants:
            alone[v][test_idx] = averaged[v][test_idx] = linear[test_idx]
        dense_test = np.zeros((len(test_idx), 12), dtype=np.float32)
        if windows:
            need = np.flatnonzero((linear[test_idx, :5] >= gate).any(axis=1))
            dense_test[need] = reader_features(clf, [test_texts[i] for i in need], linear[test_idx][need])
        keep = np.flatnonzero(np.asarray((X_train > 0).sum(axis=0)).ravel() >= MIN_DF)
        shares = []
        for j in range(5):
            rows = np.flatnonzero(inner[:, j] >= gate)
            shares.append(len(rows) / len(train_idx))
            opened = np.flatnonzero(linear[test_idx, j] >= gate)
            for v in variants:
                train_x = X_train[rows][:, keep].astype(np.float32)
                test_x = X_test[opened][:, keep].astype(np.float32)
                if v == "windows":
                    train_x = sparse.hstack([train_x, dense_train[rows]], format="csr")
                    test_x = sparse.hstack([test_x, dense_test[opened]], format="csr")
                elif v == "delta":  # best window minus whole text, no text log-odds; then sentences and length
                    train_x = sparse.hstack([train_x, _contrast(dense_train[rows])], format="csr")
                    test_x = sparse.hstack([test_x, _contrast(dense_test[opened])], format="csr")
                changes = {}
                if v == "windows" and MONOTONE:  # the label's own text and best-window log-odds may only raise it
                    rising = np.zeros(train_x.shape[1], dtype=int)
                    rising[[len(keep) + j, len(keep) + 5 + j]] = 1
                    changes = {"monotone_constraints": rising.tolist()}
                model = forest(sub_Y[rows, j], **changes).fit(train_x, sub_Y[rows, j])
                if len(opened):
                    trees = model.predict_proba(test_x)[:, 1]
                    target = test_idx[opened]
                    alone[v][target, j] = trees
                    averaged[v][target, j] = 0.5 * linear[target, j] + 0.5 * trees
        print(
            f"fold {k}: forests on {', '.join(f'{x:.0%}' for x in shares)} of training rows, "
            f"{time.time() - started:.0f}s",
            flush=True,
        )
    if "--dump" in sys.argv:  # the out-of-fold probabilities, to weigh blends without refitting (--blends)
        dump = Path(sys.argv[sys.argv.index("--dump") + 1])
        np.savez_compressed(
            dump, Y=Y, part=part.astype(str), linear=linear, **{f"alone_{v}": alone[v] for v in variants}
        )
    rows_out = [(f"linear ({LINEAR})", linear)]
    for v in variants:
        tag = {"plain": "", "delta": ", with window-minus-text log-odds"}.get(
            v, ", with window scores" + (", monotone" if MONOTONE else "")
        )
        rows_out += [
            (f"specialist forest alone on cells gated at {gate}{tag}", alone[v]),
            (f"specialist forest averaged (weight 0.5) on cells gated at {gate}{tag}", averaged[v]),
        ]
    record(rows_out, Y, part)


def blends(dumps: list[Path], gate: float = 0.1) -> None:
    """The --blends grid over saved out-of-fold probabilities (one file per seed); prints each blend's figures per
    seed and their mean, and the blend the rule chooses. Records nothing."""
    runs = [np.load(path, allow_pickle=False) for path in dumps]
    table = {}
    for variant in ("plain", "windows"):
        for weight in (0.25, 0.5, 0.75, 1.0):
            figures = []
            for run in runs:
                linear, trees, Y, part = run["linear"], run[f"alone_{variant}"], run["Y"], run["part"]
                figures.append(list(summary(scored(Y, gated(linear, trees, gate, weight), part)).values()))
            mean = np.mean(figures, axis=0)
            table[(variant, weight)] = mean
            per_seed = "; ".join("/".join(f"{x:.3f}" for x in f) for f in figures)
            print(
                f"{variant}, forest weight {weight}: mean {'/'.join(f'{x:.4f}' for x in mean)} "
                f"(four-figure mean {mean.mean():.4f}); per seed {per_seed}",
                flush=True,
            )
    texts = cv_data()[0]
    several = np.array([len(sentences(normalize(text))) >= 2 for text in texts])
    plain = table[("plain", 0.5)]
    written_later = {  # each with its rule fixed before it was computed (module docstring): against plain at 0.5
        f"split (window forest for {several.mean():.0%} of texts, 2+ sentences), weight 0.5": lambda r: gated(
            r["linear"], np.where(several[:, None], r["alone_windows"], r["alone_plain"]), gate, 0.5
        ),
        f"confident (plain forest where linear >= {CONFIDENT}, window forest on the other gated cells), weight 0.5": (
            lambda r: gated(r["linear"], np.where(r["linear"] >= CONFIDENT, r["alone_plain"], r["alone_windows"]), gate)
        ),
        "both forests (linear, plain and window forest a third each on gated cells)": lambda r: np.where(
            r["linear"] >= gate, (r["linear"] + r["alone_plain"] + r["alone_windows"]) / 3, r["linear"]
        ),
    }
    for name, blend in written_later.items():
        figures = [list(summary(scored(run["Y"], blend(run), run["part"])).values()) for run in runs]
        mean = np.mean(figures, axis=0)
        per_seed = "; ".join("/".join(f"{x:.3f}" for x in f) for f in figures)
        preferred = mean.mean() >= plain.mean() + 0.003 and bool((mean >= plain - 0.005).all())
        print(
            f"{name}: mean {'/'.join(f'{x:.4f}' for x in mean)} (four-figure mean {mean.mean():.4f}); "
            f"per seed {per_seed}; preferred over plain at 0.5: {preferred}",
            flush=True,
        )
    best_real = max(m[0] for m in table.values())
    eligible = {k: m for k, m in table.items() if m[0] >= best_real - 0.005}
    choice = max(eligible, key=lambda k: eligible[k].mean())
    print(f"chosen by the rule: {choice[0]}, forest weight {choice[1]}", flush=True)
    by_variant(runs, gate)


def by_variant(runs: list[Any], gate: float) -> None:
    """Per kind of minimal pair (pair:resolved, pair:buried, ...), both seeds pooled: the share of pairs whose
    predicted issue set is exactly right, for the linear model, the plain and window forests averaged at 0.5 and
    the window forest alone (the per-variant figures in models/README.md)."""
    frame = cm.load_corpus(ROOT / "corpora", derived=True).select(split="train").frame
    kind = frame["kind"].astype(str).to_numpy()
    blends = {
        "linear": lambda r: r["linear"],
        "plain 0.5": lambda r: gated(r["linear"], r["alone_plain"], gate, 0.5),
        "windows 0.5": lambda r: gated(r["linear"], r["alone_windows"], gate, 0.5),
        "windows alone": lambda r: gated(r["linear"], r["alone_windows"], gate, 1.0),
    }
    for name in sorted(set(kind[np.char.startswith(kind.astype(str), "pair:")])):
        shares = []
        for blend in blends.values():
            right = [(((blend(r)[:, :5] >= 0.5) == r["Y"][:, :5].astype(bool)).all(axis=1))[kind == name] for r in runs]
            shares.append(float(np.mean(np.concatenate(right))))
        print(f"{name} ({(kind == name).sum()}): " + ", ".join(f"{b} {x:.3f}" for b, x in zip(blends, shares)))


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    if "--speed" in sys.argv:
        speed()
    elif "--blends" in sys.argv:
        blends([Path(a) for a in sys.argv[sys.argv.index("--blends") + 1 :]])
    elif "--specialist" in sys.argv or "--windows" in sys.argv:
        specialist(windows="--windows" in sys.argv)
    elif "--ceiling" in sys.argv:
        ceiling()
    elif "--residual" in sys.argv:
        residual_forests()
    else:
        named = {"--cheap": CHEAP, "--unbalanced": UNBALANCED, "--capped": CAPPED}
        cross_validate(next((v for k, v in named.items() if k in sys.argv), None), gates="--gated" in sys.argv)
