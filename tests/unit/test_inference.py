"""The NumPy scorer (model/scorer.py) against the scikit-learn classifier it was built from."""

from __future__ import annotations

import csv
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.model.defaults import DEFAULT_MODEL_NAME
from complaintmine.model.scorer import KeyIndex, LinearScorer, _spans_of_at_most, pack_char_ngram, pack_char_ngrams

from ..conftest import DATA, POOL, ROOT, needs_blas_threads

TEXTS = [
    "预售尾款涨了五十，定金膨胀也没用上",
    "买完第二天就降价200，客服说不能保价",
    "说好的赠品没收到",
    "付款一周了还没发货！！！",
    "号称全网最低价，结果别家便宜30",
    "好评  好评\t好评",  # whitespace runs: the character vectoriser squeezes them
    "iPhone15 售价5999元 3-4天到",
    "好好好好好好",  # tie-prone repeats go to the reference jieba
    "🙂",
    "",
]


@given(
    st.lists(st.integers(min_value=0, max_value=(1 << 63) - 1), unique=True, max_size=300),
    st.lists(st.integers(min_value=0, max_value=(1 << 63) - 1), max_size=50),
)
@settings(max_examples=60, deadline=None)
def test_key_index_finds_every_key_and_nothing_else(keys, probes):
    index = KeyIndex(np.asarray(keys, dtype=np.uint64), np.arange(len(keys), dtype=np.int32) * 3)
    wanted = keys + probes
    position = {key: i * 3 for i, key in enumerate(keys)}
    assert index.lookup(np.asarray(wanted, dtype=np.uint64)).tolist() == [position.get(key, -1) for key in wanted]


def test_key_index_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="duplicate"):
        KeyIndex(np.asarray([5, 7, 5], dtype=np.uint64), np.arange(3, dtype=np.int32))


@given(st.text(min_size=3, max_size=40))
def test_vectorised_packing_equals_packing_one_term(text):
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    for n in (1, 2, 3):
        starts = np.arange(len(text) - n + 1)
        assert pack_char_ngrams(codes, starts, n).tolist() == [pack_char_ngram(text[i : i + n]) for i in starts]


@pytest.mark.parametrize(
    "params",
    [
        {},
        pytest.param({"features": "words"}, marks=pytest.mark.slow),
        pytest.param({"features": "chars", "char_ngram_range": (2, 3)}, marks=pytest.mark.slow),
        pytest.param({"word_ngram_range": (1, 1), "mask_digits": True}, marks=pytest.mark.slow),
        {"modality": "sentence", "mask_digits": True},
    ],
    ids=["both", "words", "chars-2-3", "unigrams-masked", "modality"],
)
def test_scorer_equals_the_classifier(params):
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    clf = cm.ComplaintClassifier(min_df=1, tune_thresholds=False, **params).fit(corpus.texts, corpus.targets())
    scorer = LinearScorer.from_classifier(clf)
    assert scorer is not None
    texts = TEXTS + corpus.texts
    assert np.allclose(scorer.predict_proba(texts), clf.predict_proba(texts), rtol=0, atol=1e-12)
    assert scorer.thresholds.tolist() == clf.thresholds().tolist()


@pytest.fixture(scope="module")
def tiny_loaded(tiny_model):
    """The tiny model with its classifier loaded once (loading it per example was most of this file's time)."""
    model = cm.load_model(tiny_model)
    model.classifier  # noqa: B018
    return model


@given(st.lists(st.text(max_size=30), min_size=1, max_size=8))
@settings(max_examples=40, deadline=None)
def test_scorer_equals_the_classifier_on_any_unicode(tiny_loaded, texts):
    model = tiny_loaded
    assert model.scorer is not None
    assert np.allclose(model.predict_proba(texts), model.classifier.predict_proba(texts), rtol=0, atol=1e-12)


def test_heads_without_an_array_form_fall_back_to_the_classifier():
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    clf = cm.ComplaintClassifier(min_df=1, model="cnb", tune_thresholds=False).fit(corpus.texts, corpus.targets())
    assert LinearScorer.from_classifier(clf) is None


def test_scoring_a_saved_model_never_imports_scikit_learn(tiny_model):
    code = (
        "import sys, complaintmine as cm\n"
        f"m = cm.load_model({str(tiny_model)!r})\n"
        "out = cm.classify_texts(m, ['赠品没收到', '好评'])\n"
        "assert len(out) == 2\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'sklearn', 'skops', 'scipy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_shipped_model_scores_and_explains_without_scikit_learn_lightgbm_or_pytorch():
    code = (
        "import sys, complaintmine as cm\n"
        "m = cm.load_model()\n"
        "assert m.scorer.forest is not None and m.scorer.reader is not None\n"
        "texts = ['预售尾款涨了五十，赠品也没给', '发货很快', '说好三天发货，一周了还没动静']\n"
        "m.scorer.reader.proba(texts)\n"
        "import pandas as pd\n"
        "out = cm.classify_frame(m, pd.DataFrame({'text': texts}), explain=True)\n"
        "assert len(out) == 3\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'sklearn', 'skops', 'lightgbm', 'torch'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.slow
def test_shipped_model_scorer_equals_its_classifier_on_real_reviews():
    if not POOL.exists():
        pytest.skip(f"{POOL} not available")
    with open(POOL, encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(3000), csv.DictReader(handle))]
    model = cm.load_model(ROOT / "models" / DEFAULT_MODEL_NAME)
    assert model.scorer is not None
    assert np.allclose(model.predict_proba(texts), model.classifier.predict_proba(texts), rtol=0, atol=1e-12)


def test_the_classifier_the_scorer_and_explanations_average_the_forest_and_the_reader_in_alike():
    """The shipped model through its scikit-learn classifier and through its arrays, on committed team texts
    where the reader is read (so this runs without the shared pool): the same probabilities, and the cells an
    explainer without the arrays finds are those the scorer averaged the forest and the reader in on."""
    from complaintmine.model.runtime import Model

    with open(ROOT / "corpora" / "team_written.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(1000), csv.DictReader(handle))]
    model = cm.load_model()
    scorer = model.scorer
    assert scorer is not None and scorer.forest is not None and scorer.reader is not None
    featurized = scorer.space.featurize(texts)
    proba, opened = scorer.proba_opened(featurized)
    assert opened is not None and opened[1] is not None and opened[1].sum() >= 20  # the reader is read
    rows = scorer.space.rows(featurized)
    forest_only = scorer.forest.blend(scorer.linear_proba(featurized), rows.indptr, rows.indices, rows.data)
    assert np.abs(proba - forest_only)[opened[1]].min() > 1e-6  # and it moved every cell it was read on
    np.testing.assert_allclose(model.classifier.predict_proba(texts), proba, rtol=0, atol=1e-12)
    found = Model(model.classifier, model.manifest).explainer()._opened(texts, featurized)
    assert found is not None and found[1] is not None
    np.testing.assert_array_equal(found[0], opened[0])
    np.testing.assert_array_equal(found[1], opened[1])


@needs_blas_threads
def test_a_model_warmed_up_before_scoring_scores_as_one_that_was_not():
    """``classify --workers 2`` warms the model up before forking, ``--workers 1`` does not: the reader's tables
    built either way must give the same bits (they did not: the last printed digit of a probability depended on
    the number of workers, the warm-up's product running on several BLAS threads)."""
    with open(ROOT / "corpora" / "team_written.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(1500), csv.DictReader(handle))]
    cold = cm.load_model()
    warmed = cm.load_model()
    assert warmed.scorer is not None and warmed.scorer.reader is not None
    warmed.tokenizer.warm_up()
    warmed.scorer.warm_up()
    np.testing.assert_array_equal(warmed.predict_proba(texts), cold.predict_proba(texts))


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60), st.integers(min_value=1, max_value=80))
def test_batches_cover_every_text_in_order_within_the_budget(lengths, budget):
    spans = _spans_of_at_most(budget, lengths)
    assert [i for start, end in spans for i in range(start, end)] == list(range(len(lengths)))
    assert all(end - start == 1 or sum(lengths[start:end]) <= budget for start, end in spans)


def test_scoring_in_small_batches_changes_nothing(tiny_model, monkeypatch):
    model = cm.load_model(tiny_model)
    whole = model.predict_proba(TEXTS)
    monkeypatch.setattr("complaintmine.model.scorer.BATCH_CHARACTERS", 10)
    assert np.array_equal(model.predict_proba(TEXTS), whole)


def test_scorer_classifier_and_plain_scikit_learn_agree_on_the_shipped_configuration():
    """One n-gram engine serves the classifier's transform and the scorer; both must equal a pipeline built from
    scikit-learn alone (its own vectorisers and logistic regressions), on the shipped training configuration."""
    import json

    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from complaintmine.model.ngrams import prepare_inputs

    config = json.loads((ROOT / "models" / f"{DEFAULT_MODEL_NAME}.train.json").read_text(encoding="utf-8"))
    for key in ("name", "version", "train_split"):
        config.pop(key)
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    clf = cm.TrainConfig(**config).classifier().fit(corpus.texts, corpus.targets())
    scorer = LinearScorer.from_classifier(clf)
    assert scorer is not None
    texts = [*corpus.texts[:10], "预售付了定金，尾款涨了50元，赠品也没有", "１２３  ａｂｃ 发货", "", "🙂价保"]

    modality = config["modality"]  # the modality-marked words are part of what the word vectoriser reads
    words_fit, chars_fit = prepare_inputs(corpus.texts, clf._tokenizer(), "both", True, modality)
    words, chars = prepare_inputs(texts, clf._tokenizer(), "both", True, modality)
    common = {"lowercase": False, "min_df": config["min_df"], "sublinear_tf": True}
    word_vec = TfidfVectorizer(token_pattern=r"\S+", ngram_range=tuple(config["word_ngram_range"]), **common)
    char_vec = TfidfVectorizer(analyzer="char", ngram_range=tuple(config["char_ngram_range"]), **common)
    X_fit = sp.hstack([word_vec.fit_transform(words_fit), char_vec.fit_transform(chars_fit)], format="csr")
    X = sp.hstack([word_vec.transform(words), char_vec.transform(chars)], format="csr")
    plain = np.column_stack(
        [
            LogisticRegression(C=config["C"], class_weight=config["class_weight"], max_iter=2000, random_state=0)
            .fit(X_fit, y)
            .predict_proba(X)[:, 1]
            for y in corpus.targets().T
        ]
    )
    linear = np.asarray(clf.head_.predict_proba(clf.transform(texts)))  # before any boosted trees (forest.py)
    np.testing.assert_allclose(linear, plain, rtol=0, atol=1e-10)
    np.testing.assert_allclose(scorer.predict_proba(texts), clf.predict_proba(texts), rtol=0, atol=1e-10)
    if clf._forest() is None:
        np.testing.assert_allclose(clf.predict_proba(texts), plain, rtol=0, atol=1e-10)
    np.testing.assert_allclose(clf.transform(texts).toarray(), X.toarray(), rtol=0, atol=1e-12)


def test_explaining_a_saved_model_never_imports_scikit_learn(tiny_model):
    code = (
        "import sys, complaintmine as cm\n"
        f"m = cm.load_model({str(tiny_model)!r})\n"
        "out = cm.classify_texts(m, ['预售尾款涨了五十', '赠品没收到'])\n"
        "import pandas as pd\n"
        "out = cm.classify_frame(m, pd.DataFrame({'text': ['预售尾款涨了五十', '赠品没收到']}), explain=True)\n"
        "assert out['evidence'][0], out\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'sklearn', 'skops', 'scipy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_key_index_with_long_probe_runs_equals_a_dict():
    """Many keys sharing home slots (structured like packed n-grams) and misses next to every key."""
    rng = np.random.default_rng(0)
    keys = np.unique(np.concatenate([rng.integers(0, 1 << 62, 20_000), np.arange(5_000) << 42])).astype(np.uint64)
    rng.shuffle(keys)
    values = rng.permutation(len(keys))
    index = KeyIndex(keys, values)
    probes = np.concatenate([keys, keys + np.uint64(1), np.zeros(3, dtype=np.uint64)])
    expected = dict(zip(keys.tolist(), values.tolist()))
    assert index.lookup(probes).tolist() == [expected.get(k, -1) for k in probes.tolist()]
    assert KeyIndex(np.zeros(0, dtype=np.uint64), np.zeros(0)).lookup(probes[:5]).tolist() == [-1] * 5


@given(st.lists(st.integers(0, 5), max_size=12))
@settings(max_examples=60, deadline=None)
def test_taking_rows_equals_indexing_the_sparse_matrix(rows):
    from complaintmine.model.tfidf import tfidf_rows

    docs = np.array([0, 0, 1, 3, 3, 3, 5], dtype=np.int64)
    features = np.array([2, 0, 1, 4, 4, 0, 3], dtype=np.int64)
    all_rows = tfidf_rows((docs, features), 6, np.arange(1.0, 6.0))
    taken = all_rows.take(np.asarray(rows, dtype=np.int64))
    assert (taken.to_csr() != all_rows.to_csr()[rows]).nnz == 0
    assert taken.n_rows == len(rows)


@given(
    st.lists(st.tuples(st.integers(0, 7), st.integers(0, 9)), max_size=40),
    st.integers(1, 4),
    st.integers(0, 2**32 - 1),
)
@settings(max_examples=60, deadline=None)
def test_rows_times_coefficients_equals_the_dense_product(pairs, targets, seed):
    # both ways of TfidfRows.dot (NumPy for a few rows, scipy's CSR product for many) against the dense rows
    # multiplied out, empty rows included; and dot itself on a batch large enough to take the compiled way
    from complaintmine.model.tfidf import COMPILED_ROWS, tfidf_rows

    docs = np.array([d for d, _ in pairs], dtype=np.int64)
    features = np.array([f for _, f in pairs], dtype=np.int64)
    rows = tfidf_rows((docs, features), 8, np.linspace(1.0, 3.0, 10))
    coef = np.random.default_rng(seed).normal(size=(10, targets))
    dense = rows.to_csr().toarray() @ coef
    for product in (rows.dot_reference(coef), rows.dot_compiled(coef), rows.dot(coef)):
        assert product.shape == (8, targets) and product.dtype == np.float64
        np.testing.assert_allclose(product, dense, rtol=1e-12, atol=1e-12)
    many = tfidf_rows((np.repeat(docs, 9) * 9 % COMPILED_ROWS, np.repeat(features, 9)), COMPILED_ROWS, np.ones(10))
    np.testing.assert_allclose(many.dot(coef), many.to_csr().toarray() @ coef, rtol=1e-12, atol=1e-12)


def test_the_forest_scored_on_gated_rows_only_equals_blending_every_row():
    scorer = cm.load_model().scorer
    assert scorer is not None and scorer.forest is not None
    with open(ROOT / "corpora" / "team_pairs.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(800), csv.DictReader(handle))]
    featurized = scorer.space.featurize(texts, keep_words=False)
    linear = scorer.linear_proba(featurized)
    gated = scorer.forest.gated(linear).any(axis=1)
    assert 0 < gated.sum() < len(texts)  # some rows go through the trees, some do not
    rows = scorer.space.rows(featurized)
    every_row = scorer.forest.blend(linear, rows.indptr, rows.indices, rows.data)
    reader = scorer.reader
    assert reader is not None
    scorer.reader = None
    try:
        assert np.array_equal(scorer.proba(featurized), every_row)
    finally:
        scorer.reader = reader
    # with the reader: read on the gated rows' cells in its band, as if every row had been blended and checked
    from complaintmine.model.reader import reader_blend, reader_cells

    cells = reader_cells(scorer.forest.gated(linear), scorer.forest.labels, every_row, scorer.thresholds, reader.weight)
    assert 0 < cells.any(axis=1).sum() < gated.sum()
    expected = reader_blend(reader, every_row, cells, lambda picked: [featurized.chars[i] for i in picked])
    np.testing.assert_allclose(scorer.proba(featurized), expected, rtol=0, atol=1e-12)
    # where scoring read the forest and the reader is what explanations weigh in: the same cells the explainer
    # finds by itself (Explainer._opened), handed over instead of found again
    proba, opened = scorer.proba_opened(featurized)
    np.testing.assert_array_equal(proba, scorer.proba(featurized))
    assert opened is not None and opened[1] is not None
    np.testing.assert_array_equal(opened[0], scorer.forest.gated(linear))
    np.testing.assert_array_equal(opened[1], cells)
    found = cm.load_model().explainer()._opened(texts, scorer.space.featurize(texts))
    assert found is not None and found[1] is not None
    np.testing.assert_array_equal(found[0], opened[0])
    np.testing.assert_array_equal(found[1], opened[1])
