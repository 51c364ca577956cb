"""Model selection: the folds every experiment uses and the out-of-fold loop of a training configuration.

Cross-validation runs on the training split only. Folds are stratified by each text's rarest target, keep
near-duplicates together (StratifiedGroupKFold over near-duplicate groups) and are seeded, so every experiment
(``experiments/``) and the corpus tools compare models on the same folds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from ..corpus.dedup import linked_groups, near_duplicate_groups
from .training import TrainConfig

SEED = 0
FOLDS = 3
Fold = tuple[np.ndarray, np.ndarray]  # (training rows, held-out rows)


def strata(Y: np.ndarray) -> np.ndarray:
    """The rarest positive target per row (issues by rarity, then presale), else 6 ('other')."""
    order = np.argsort(Y[:, :5].sum(axis=0))
    out = np.full(len(Y), 6)
    for j in reversed(order):
        out[Y[:, j] == 1] = j
    return out


def fold_groups(texts: Sequence[str], pair_groups: Sequence[str]) -> list[int]:
    """Near-duplicate groups (corpus/dedup.py) merged with the minimal-pair groups of ``corpus.frame["group"]``
    (empty for texts outside a pair group): a pair's texts are near-duplicates by design, and the ones that are
    not must still stay in one fold, or a fold would score the edit of a complaint it trained on."""
    first: dict[object, int] = {}
    keys = [("near", g) for g in near_duplicate_groups(list(texts))]
    links = (
        (i, first.setdefault(k, i))
        for i, (key, pair) in enumerate(zip(keys, pair_groups))
        for k in ((key, ("pair", pair)) if pair else (key,))
    )
    return linked_groups(len(texts), links)


def folds(
    texts: Sequence[str], Y: np.ndarray, groups: Sequence[int] | None = None, n_splits: int = FOLDS, seed: int = SEED
) -> list[Fold]:
    """Stratified by :func:`strata`, near-duplicates kept together (``groups``: computed when not given), seeded."""
    groups = near_duplicate_groups(list(texts)) if groups is None else groups
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return [(np.asarray(a), np.asarray(b)) for a, b in splitter.split(list(texts), strata(Y), groups)]


def out_of_fold(
    texts: Sequence[str], Y: np.ndarray, config: TrainConfig | None = None, fold_list: Sequence[Fold] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold probabilities and decision thresholds of ``config`` (default: the shipped configuration),
    on ``fold_list`` (default: :func:`folds`)."""
    config = config or TrainConfig()
    proba = np.zeros(Y.shape, dtype=float)
    thresholds = np.zeros(Y.shape, dtype=float)
    for train_idx, test_idx in fold_list if fold_list is not None else folds(texts, Y):
        clf = config.classifier().fit([texts[i] for i in train_idx], Y[train_idx])
        proba[test_idx] = clf.predict_proba([texts[i] for i in test_idx])
        thresholds[test_idx] = clf.thresholds()
    return proba, thresholds
