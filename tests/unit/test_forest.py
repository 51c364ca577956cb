"""Boosted trees as node arrays (model/forest.py): the NumPy traversal against LightGBM's own scores, the gate,
the attributions explanations use, the array checks, and a classifier with trees scored from its arrays."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from complaintmine.labels import ISSUE_LABELS, TARGETS
from complaintmine.model.classifier import ComplaintClassifier
from complaintmine.model.forest import Forest, check_forest, from_boosters
from complaintmine.model.scorer import LinearScorer

lightgbm = pytest.importorskip("lightgbm")

OFFSET, WIDTH = 5, 40  # the boosters see 40 features that are columns 5..44 of a 45-column matrix


def _data(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = sp.random(400, WIDTH, density=0.2, format="csr", random_state=rng, dtype=np.float64)
    X.data = np.round(X.data, 3) + 0.001
    dense = X.toarray()
    y0 = ((dense[:, 0] > 0) & (dense[:, 3] == 0)) | (dense[:, 7] > 0.8)  # a conjunction a linear model cannot hold
    y1 = (dense[:, 1] > 0.3) ^ (dense[:, 2] > 0)
    return X, np.column_stack([y0, y1]).astype(int)


@pytest.fixture(scope="module")
def fitted() -> tuple[Forest, list, sp.csr_matrix]:
    X, Y = _data()
    params = {"objective": "binary", "num_leaves": 7, "learning_rate": 0.3, "min_data_in_leaf": 5, "verbose": -1}
    boosters = [lightgbm.train(params, lightgbm.Dataset(X, Y[:, j]), num_boost_round=25 + 5 * j) for j in (0, 1)]
    forest = from_boosters(boosters, np.arange(WIDTH) + OFFSET, [0, 2], weight=0.5, gate=0.1)
    wide = sp.hstack([sp.csr_matrix((X.shape[0], OFFSET)), X], format="csr")
    return forest, boosters, wide


def test_the_traversal_equals_lightgbms_raw_scores(fitted):
    forest, boosters, wide = fitted
    dense = forest.columns(wide.indptr, wide.indices, wide.data)
    assert forest.roots.shape == (2, 30)  # the shorter forest is padded with zero-valued single leaves
    for position, booster in enumerate(boosters):
        expected = booster.predict(wide[:, OFFSET:], raw_score=True)
        np.testing.assert_allclose(forest.raw(dense, position), expected, rtol=0, atol=1e-9)


def test_arrays_round_trip_and_check_clean(fitted):
    forest = fitted[0]
    again = Forest.from_arrays(forest.arrays())
    assert again is not None and (again.feature == forest.feature).all() and again.gate == forest.gate
    assert check_forest(forest.arrays(), OFFSET + WIDTH, len(ISSUE_LABELS)) == []
    assert Forest.from_arrays({}) is None and check_forest({}, 10, 6) == []


def _saabas(booster, row: np.ndarray) -> dict[int, float]:
    """Path attributions computed straight from LightGBM's dump (not from the node arrays): at each split on
    the row's path, the change from the node's internal value to the child's value goes to the split's column."""
    added: dict[int, float] = {}
    for tree in booster.dump_model()["tree_info"]:
        node = tree["tree_structure"]
        while "leaf_value" not in node:
            child = node["left_child"] if row[node["split_feature"]] <= node["threshold"] else node["right_child"]
            value = child["leaf_value"] if "leaf_value" in child else child["internal_value"]
            column = node["split_feature"] + OFFSET
            added[column] = added.get(column, 0.0) + value - node["internal_value"]
            node = child
    return added


def test_contributions_are_the_path_attributions_and_add_up_to_the_raw_score(fitted):
    forest, boosters, wide = fitted
    dense = forest.columns(wide.indptr, wide.indices, wide.data)
    rows = wide[:, OFFSET:].toarray()
    for position, booster in enumerate(boosters):
        raw = forest.raw(dense[:20], position)
        base = forest.value[forest.roots[position]].sum()  # every tree's value before any split
        for i in range(20):
            columns, added = forest.contributions(dense[i], position)
            expected = _saabas(booster, rows[i])
            assert sorted(columns.tolist()) == sorted(expected)
            np.testing.assert_allclose(added, [expected[c] for c in columns.tolist()], rtol=0, atol=1e-9)
            assert base + added.sum() == pytest.approx(raw[i], abs=1e-9)


def test_the_forest_is_averaged_in_only_where_the_linear_probability_reaches_the_gate(fitted):
    forest, _, wide = fitted
    n = wide.shape[0]
    proba = np.random.default_rng(1).uniform(0.0, 0.2, (n, len(TARGETS)))  # each label gated on its own rows
    out = forest.blend(proba, wide.indptr, wide.indices, wide.data)
    dense = forest.columns(wide.indptr, wide.indices, wide.data)
    for position, label in enumerate(forest.labels):
        trees = 1 / (1 + np.exp(-forest.raw(dense, position)))
        gated = proba[:, label] >= 0.1
        np.testing.assert_allclose(out[gated, label], 0.5 * proba[gated, label] + 0.5 * trees[gated])
        assert (out[~gated, label] == proba[~gated, label]).all()
    untouched = [j for j in range(len(TARGETS)) if j not in forest.labels]
    assert (out[:, untouched] == proba[:, untouched]).all()
    assert (forest.blend(np.zeros((n, len(TARGETS))), wide.indptr, wide.indices, wide.data) == 0).all()


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda a: a["forest_left"].__setitem__(0, 0), "children must come after their parent"),
        (lambda a: a["forest_right"].__setitem__(0, 10**6), "children outside"),
        (lambda a: a["forest_feature"].__setitem__(0, 10**6), "forest_feature holds columns outside"),
        (lambda a: a["forest_value"].__setitem__(3, np.nan), "forest_value holds NaN"),
        (lambda a: a["forest_labels"].__setitem__(1, 0), "distinct issue labels"),
        (lambda a: a["forest_blend"].__setitem__(1, 1.5), "weight and a gate from 0 to 1"),
        (lambda a: a.pop("forest_value"), "forest arrays missing: forest_value"),
        (lambda a: a["forest_roots"].__setitem__((0, 1), a["forest_roots"][0, 0]), "must form trees"),
        (lambda a: a["forest_right"].__setitem__(0, a["forest_left"][a["forest_left"][0]]), "must form trees"),
        (lambda a: a["forest_labels"].__setitem__(1, 5), "distinct issue labels"),
    ],
)
def test_damaged_forest_arrays_are_named(fitted, damage, problem):
    arrays = {name: array.copy() for name, array in fitted[0].arrays().items()}
    damage(arrays)
    assert any(problem in found for found in check_forest(arrays, OFFSET + WIDTH, len(ISSUE_LABELS)))


# -- a classifier with trees ---------------------------------------------------------------------------------

PIECES = {  # piece -> the labels it carries (TARGETS order: five issues, presale)
    "赠品一直没寄来": {2},
    "赠品已经收到了": set(),
    "付款半个月还不发货": {3},
    "发货很快第二天就到": set(),
    "预售尾款突然涨了": {0, 5},
    "尾款交完啦": {5},
    "买完就降价不给保价": {1},
    "降价了客服给补了差价": set(),
    "衣服质量不错": set(),
}


def _synthetic() -> tuple[list[str], np.ndarray]:
    texts, rows = [], []
    for a, b in itertools.permutations(PIECES, 2):
        for joiner in ("，", "。"):
            texts.append(a + joiner + b)
            labels = PIECES[a] | PIECES[b]
            rows.append([int(j in labels) for j in range(len(TARGETS))])
    return texts, np.asarray(rows)


def test_a_classifier_with_trees_scores_the_same_from_its_arrays():
    texts, Y = _synthetic()
    said: list[str] = []
    clf = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(
        texts, Y, progress=said.append
    )
    fitted = [TARGETS[j] for j in range(5) if 0 < Y[:, j].sum() < len(Y)]  # minutes each on a real corpus: said
    assert said == ["the linear model is fitted"] + [
        f"boosted trees for {name} ({k} of {len(fitted)})" for k, name in enumerate(fitted, 1)
    ]
    assert clf.forest_ is not None and clf._forest() is not None
    scorer = LinearScorer.from_classifier(clf)
    assert scorer is not None and scorer.forest is not None
    probe = [*texts[:40], "赠品没寄来", "发货很快", "", "预售尾款涨了，赠品也没有"]
    np.testing.assert_allclose(scorer.predict_proba(probe), clf.predict_proba(probe), rtol=0, atol=1e-10)
    linear = np.asarray(clf.head_.predict_proba(clf.transform(probe)))
    assert not np.allclose(linear, clf.predict_proba(probe))  # the trees changed some gated cells


def test_a_forest_needs_fixed_thresholds_and_a_known_setting():
    from complaintmine.errors import TrainingError

    texts, Y = _synthetic()
    with pytest.raises(TrainingError, match='need model "logreg" with fixed thresholds'):
        ComplaintClassifier(tune_thresholds=True, forest="trees-200").fit(texts, Y)
    with pytest.raises(TrainingError, match="forest must be one of"):
        ComplaintClassifier(tune_thresholds=False, forest="huge").fit(texts, Y)


def test_explanations_weigh_in_what_the_trees_added():
    from complaintmine.model.explain import Explainer
    from complaintmine.model.runtime import Model, score_texts

    texts, Y = _synthetic()
    clf = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(texts, Y)
    model = Model(clf, {"name": "t", "version": "1"}, scorer=LinearScorer.from_classifier(clf))
    explainer = Explainer(model)
    text = "付款半个月还不发货，衣服质量不错"
    scores = score_texts(model, [text], explain=True)
    assert scores.decided[0][3] and scores.evidence is not None
    evidence = scores.evidence[0]["late_shipping"]
    assert evidence and all(text[a:b] for item in evidence for a, b in item.spans)
    featurized = explainer.space.featurize([text])
    rows = explainer.space.rows(featurized)
    linear = (
        rows.data * np.concatenate([explainer.space.word.coef[:, 3], explainer.space.char.coef[:, 3]])[rows.indices]
    )
    forest = explainer.forest
    position = int(np.flatnonzero(forest.labels == 3)[0])
    opened = explainer._opened([text], featurized)  # the gate as scoring reads it: linear probability >= gate
    assert opened is not None and opened[1] is None  # (no reader)
    assert opened[0][0, position] and model.scorer.linear_proba(featurized)[0, 3] >= forest.gate
    weighed = explainer._with_trees(position, rows.indices, rows.data, linear)
    dense = forest.columns(np.asarray([0, len(rows.indices)]), rows.indices, rows.data)[0]
    columns, added = forest.contributions(dense, position)
    trees = dict(zip(columns.tolist(), added.tolist()))
    expected = [0.5 * lin + 0.5 * trees.get(col, 0.0) for col, lin in zip(rows.indices.tolist(), linear.tolist())]
    np.testing.assert_allclose(weighed, expected, rtol=0, atol=1e-12)  # each n-gram gets its own attribution
    assert any(abs(trees.get(col, 0.0)) > 1e-6 for col in rows.indices.tolist())  # and the trees did add some
    assert 5 not in forest.labels.tolist()  # presale has no forest: its evidence stays linear


def test_blending_in_small_blocks_changes_nothing(fitted, monkeypatch):
    forest, _, wide = fitted
    proba = np.random.default_rng(2).uniform(0.0, 0.2, (wide.shape[0], len(TARGETS)))
    whole = forest.blend(proba, wide.indptr, wide.indices, wide.data)
    monkeypatch.setattr("complaintmine.model.forest.BLOCK_ROWS", 7)
    assert np.array_equal(forest.blend(proba, wide.indptr, wide.indices, wide.data), whole)


def test_a_train_config_with_trees_and_another_head_is_refused_with_the_fix():
    """Refused by the estimator's fit (the one check, ComplaintClassifier._check_models) before anything is fitted,
    with the same message as an estimator built directly."""
    import complaintmine as cm

    texts, Y = _synthetic()
    with pytest.raises(cm.TrainingError, match='set "forest": "none"') as from_config:
        cm.TrainConfig(model="svm", forest="trees-200").classifier().fit(texts, Y)
    with pytest.raises(cm.TrainingError) as direct:
        ComplaintClassifier(model="svm", forest="trees-200", tune_thresholds=False).fit(texts, Y)
    assert str(direct.value) == str(from_config.value)
    with pytest.raises(cm.TrainingError, match="tuned thresholds"):
        cm.TrainConfig(tune_thresholds=True, forest="trees-200").classifier().fit(texts, Y)
    assert cm.TrainConfig(model="svm", forest="none").classifier().forest == "none"


def _chain(depth: int) -> dict[str, np.ndarray]:
    """One tree as deep as ``depth``: node 2i splits into leaf 2i + 1 and node 2i + 2; node 2 * depth is a leaf."""
    n = 2 * depth + 1
    left, right = np.arange(n), np.arange(n)
    inner = np.arange(0, 2 * depth, 2)
    left[inner], right[inner] = inner + 2, inner + 1
    return {
        "forest_feature": np.zeros(n, dtype=np.int32),
        "forest_threshold": np.full(n, 0.5),
        "forest_left": left.astype(np.int32),
        "forest_right": right.astype(np.int32),
        "forest_value": np.zeros(n),
        "forest_roots": np.zeros((1, 1), dtype=np.int32),
        "forest_labels": np.zeros(1, dtype=np.int32),
        "forest_blend": np.asarray([0.5, 0.1]),
    }


def test_trees_deeper_than_the_limit_are_refused_and_the_limit_itself_passes():
    from complaintmine.model.forest import MAX_DEPTH

    assert check_forest(_chain(MAX_DEPTH), 1, 5) == []
    assert check_forest(_chain(MAX_DEPTH + 1), 1, 5) == [f"forest trees deeper than {MAX_DEPTH} levels"]


class _Dumped:
    def __init__(self, split: dict) -> None:
        self.split = split

    def dump_model(self) -> dict:
        leaf = {"leaf_value": 0.1}
        return {"tree_info": [{"tree_structure": {**self.split, "left_child": leaf, "right_child": leaf}}]}


@pytest.mark.parametrize(
    "split",
    [
        {"split_feature": 0, "threshold": 0.5, "decision_type": "=="},  # a categorical split
        {"split_feature": 0, "threshold": 0.5, "decision_type": "<=", "missing_type": "Zero", "default_left": False},
        {"split_feature": 0, "threshold": -0.5, "decision_type": "<="},  # zero would go right
    ],
)
def test_splits_the_walk_cannot_follow_are_refused(split):
    with pytest.raises(ValueError, match="unexpected LightGBM split"):
        from_boosters([_Dumped(split)], np.arange(3), [0], 0.5, 0.1)


def test_a_saved_model_with_trees_loads_and_damaged_trees_are_refused(tmp_path):
    import hashlib
    import json

    import complaintmine as cm
    from complaintmine.model.artifact import _checked_forest
    from complaintmine.model.runtime import Model

    texts, Y = _synthetic()
    clf = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(texts, Y)
    directory = tmp_path / "m"
    cm.save_model(Model(clf, {"name": "t", "version": "1"}), directory)
    loaded = cm.load_model(directory)
    assert loaded.scorer is not None and loaded.scorer.forest is not None
    np.testing.assert_allclose(loaded.predict_proba(texts), clf.predict_proba(texts), rtol=0, atol=1e-12)
    np.testing.assert_allclose(loaded.classifier.predict_proba(texts), clf.predict_proba(texts), rtol=0, atol=1e-12)

    with np.load(directory / "scorer.npz", allow_pickle=False) as stored:
        arrays = {name: stored[name] for name in stored.files}
    arrays["forest_roots"][0, 1] = arrays["forest_roots"][0, 0]  # two trees sharing one root
    np.savez(directory / "scorer.npz", allow_pickle=False, **arrays)
    manifest = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    manifest["files"]["scorer.npz"] = hashlib.sha256((directory / "scorer.npz").read_bytes()).hexdigest()
    (directory / "model.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(cm.ModelError, match=r"scorer\.npz: inconsistent scoring arrays: forest nodes must form trees"):
        cm.load_model(directory)

    weights = tmp_path / "weights.skops"
    with pytest.raises(cm.ModelError, match="mapping of arrays"):
        _checked_forest(weights, ["not", "arrays"], clf)
    bad = dict(clf.forest_, forest_left=clf.forest_["forest_left"].copy())
    bad["forest_left"][0] = 0  # the first root points at itself on one side: no tree
    with pytest.raises(cm.ModelError, match=r"weights\.skops: inconsistent boosted trees"):
        _checked_forest(weights, bad, clf)
    assert _checked_forest(weights, clf.forest_, clf) is clf.forest_


def test_refitting_scores_with_the_new_trees():
    texts, Y = _synthetic()
    clf = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(texts, Y)
    first = clf.predict_proba(texts)
    clf.fit(texts[::2], Y[::2])
    fresh = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(texts[::2], Y[::2])
    assert not np.allclose(first, clf.predict_proba(texts))
    np.testing.assert_allclose(clf.predict_proba(texts), fresh.predict_proba(texts), rtol=0, atol=1e-12)


def test_the_same_texts_and_seed_give_the_same_trees():
    texts, Y = _synthetic()
    one = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(texts, Y)
    two = ComplaintClassifier(C=10.0, tune_thresholds=False, min_df=1, forest="trees-200").fit(texts, Y)
    assert one.forest_ is not None and two.forest_ is not None
    assert all(np.array_equal(one.forest_[name], two.forest_[name]) for name in one.forest_)
