"""Corpus split assignment (corpus/splits.py) and the folds of model selection (model/selection.py)."""

import numpy as np

import complaintmine as cm
from complaintmine.corpus.dedup import near_duplicate_groups
from complaintmine.corpus.splits import TEST_SHARE, assign_splits, stratum
from complaintmine.model.selection import folds, out_of_fold, strata

from ..conftest import DATA

BASE = [f"第{i}号投诉：预售付了定金，尾款比说好的贵了{i}十块，客服一直不回复我" for i in range(40)]


def test_stratum_is_the_rarest_issue_then_presale_then_other():
    assert stratum(["price_hike", "false_lowest_price"], 0) == "false_lowest_price"
    assert stratum([], 1) == "presale"
    assert stratum(["other"], 0) == "other"


def test_splits_are_stable_keep_near_duplicates_together_and_hold_out_one_group_in_five():
    texts = cm.load_corpus(DATA / "tiny_corpus.csv").texts
    texts = [*texts, texts[3] + "。", texts[7] + "！"]  # near-duplicates of two earlier texts
    strata_ = ["other"] * len(texts)
    first = assign_splits(texts, strata_)
    assert first == assign_splits(texts, strata_), "a rebuild assigns the same splits"
    groups = near_duplicate_groups(texts)
    assert groups[-2] == groups[3] and groups[-1] == groups[7]
    for i, group in enumerate(groups):
        assert first[i] == first[group], "near-duplicates never straddle the split"
    n_groups = len(set(groups))
    held_out = len({g for g, split in zip(groups, first) if split == "test"})
    assert held_out == n_groups // TEST_SHARE and set(first) == {"train", "test"}


def test_texts_with_a_split_keep_it_and_a_bridge_between_splits_is_left_out():
    texts = [
        "尾款涨了五十块，商家说是活动规则变了",
        "赠品一直没有收到，客服说缺货",
        "尾款涨了五十块，商家说是活动规则变了。",
    ]
    fixed = ["test", "train", None]
    assert assign_splits(texts, ["price_hike", "gift_not_honored", "price_hike"], fixed) == ["test", "train", "test"]
    bridge = ["尾款涨了五十块商家说规则变了", "尾款涨了五十块商家说规则变了啊", "尾款涨了五十块商家说规则变了吧"]
    assert assign_splits(bridge, ["price_hike"] * 3, ["train", "test", None])[2] is None


def test_folds_keep_near_duplicates_together_and_cover_every_row_once():
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    texts, Y = [*corpus.texts, corpus.texts[0] + "。"], np.vstack([corpus.targets(), corpus.targets()[:1]])
    fold_list = folds(texts, Y, n_splits=2)
    held_out = np.concatenate([test for _, test in fold_list])
    assert sorted(held_out.tolist()) == list(range(len(texts)))
    fold_of = {int(i): k for k, (_, test) in enumerate(fold_list) for i in test}
    assert fold_of[0] == fold_of[len(texts) - 1]
    assert strata(Y).shape == (len(texts),)
    proba, thresholds = out_of_fold(texts, Y, cm.TrainConfig(min_df=1), fold_list)
    assert proba.shape == Y.shape == thresholds.shape and ((proba >= 0) & (proba <= 1)).all()
