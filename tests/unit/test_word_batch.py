"""The word fast path (model/word_batch.py) gives exactly the occurrences of its definition: word_documents, then
WordNgrams.occurrences. Checked with the shipped model's vocabulary on team texts, generated texts and pool texts,
and with small vocabularies for the cases the shipped one does not reach."""

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.model.ngrams import WordNgrams, word_documents
from complaintmine.model.scorer import FAST_PATH_TEXTS
from complaintmine.model.word_batch import WordBatch
from complaintmine.text.normalize import normalize
from complaintmine.text.tokenizer import Tokenizer, TokenizerConfig

from ..conftest import POOL, ROOT


@pytest.fixture(scope="module")
def shipped():
    return cm.load_model().scorer


def _pairs(occurrences):
    docs, features = occurrences
    return sorted(zip(docs.tolist(), features.tolist()))


def _same_as_definition(batch: WordBatch, texts: list[str]) -> None:
    normalized = [normalize(t) for t in texts]
    fast = batch.occurrences(normalized)
    definition = batch.ngrams.occurrences(word_documents(normalized, batch.tokenizer, batch.masked, batch.modality))
    assert _pairs(fast) == _pairs(definition)


def _batch_of(scorer) -> WordBatch:
    space = scorer.space
    batch = WordBatch.of(space.word.ngrams, space.tokenizer, space.masked, space.modality)
    assert batch is not None, "the shipped model takes the fast path"
    return batch


def test_the_shipped_model_takes_the_fast_path_and_it_equals_the_definition_on_team_texts(shipped):
    with open(ROOT / "corpora" / "team_pairs.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    batch = _batch_of(shipped)
    for start in range(0, len(texts), 3000):
        _same_as_definition(batch, texts[start : start + 3000])


EDGE_TEXTS = [
    "",
    "   ",
    "好好好，赠品呢？如果差差差。好好好",  # tie-prone: segmented by jieba's own code
    "尾款涨了50！如果再涨我就退。。。降价了，客服补了差价~满意",
    "iphone15 pro 2.5d膜 t.cn/abc 3-4天 满100-20",  # ASCII seams, digits
    "发货了吗???请问什么时候发",
    "!!!",
    "。如果",
    "没有赠品没有赠品没有赠品",
    "ＡＢＣ１２３，假如赠品没给",
]


def test_edge_texts_equal_the_definition_alone_and_together(shipped):
    batch = _batch_of(shipped)
    _same_as_definition(batch, EDGE_TEXTS)
    for text in EDGE_TEXTS:
        _same_as_definition(batch, [text])
    assert batch.occurrences([])[0].shape == (0,)


_ALPHABET = "尾款涨了吗如果没有。!?,好的 赠品呢补差价满意ab1-3.t%％~\t\n哈"


@given(st.lists(st.text(alphabet=_ALPHABET, max_size=40), max_size=12))
@settings(max_examples=150, deadline=None)
def test_generated_batches_equal_the_definition(shipped, texts):
    _same_as_definition(_batch_of(shipped), texts)


def test_scoring_with_the_fast_path_gives_the_same_probabilities(shipped):
    with open(ROOT / "corpora" / "team_pairs.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(600), csv.DictReader(handle))]
    texts += EDGE_TEXTS
    assert len(texts) >= FAST_PATH_TEXTS
    fast = shipped.predict_proba(texts)
    definition = shipped.proba(shipped.space.featurize(texts, keep_words=True))
    assert np.array_equal(fast, definition)


def _small_batch(vocabulary: list[str], modality: str, masked: bool = False, backend: str = "auto") -> WordBatch:
    terms = {term: i for i, term in enumerate(vocabulary)}
    ngrams = WordNgrams.from_vocabulary(terms, (1, 2))
    batch = WordBatch.of(ngrams, Tokenizer(TokenizerConfig(backend=backend)), masked, modality)
    assert batch is not None
    return batch


def test_a_marked_word_whose_plain_word_is_not_in_the_vocabulary_is_found_by_string():
    # With min_df alone this never happens (a marked word is rarer than its word), but a vocabulary may hold it.
    batch = _small_batch(["HYP:赠品", "HYP:涨", "涨", "尾款", "尾款 涨", "HYP:尾款", "HYP:尾款 HYP:涨"], "sentence-2")
    _same_as_definition(batch, ["如果赠品涨了", "尾款涨了", "赠品没给"])
    _, features = batch.occurrences([normalize("如果赠品涨了")])
    assert 0 in features.tolist()  # HYP:赠品 (feature 0) found although 赠品 itself is not a feature


def test_masked_digits_and_the_jieba_backend():
    vocabulary = ["尾款", "涨", "0", "00", "00元", "Q:00元", "Q:尾款", "尾款 涨", "涨 00"]
    for backend in ("auto", "jieba"):
        batch = _small_batch(vocabulary, "sentence-2", masked=True, backend=backend)
        _same_as_definition(batch, ["尾款涨50元吗", "尾款涨了12", "好好好 99"])
    _same_as_definition(_small_batch(vocabulary, "none", masked=True), ["尾款涨50元吗", "尾款涨了12"])


def test_schemes_with_document_words_and_longer_ngrams_keep_the_definition():
    tokenizer = Tokenizer()
    ngrams = WordNgrams.from_vocabulary({"尾款": 0, "涨": 1}, (1, 2))
    assert WordBatch.of(ngrams, tokenizer, False, "clause") is None
    trigrams = WordNgrams.from_vocabulary({"尾款": 0, "涨": 1, "尾款 涨 了": 2}, (1, 3))
    assert WordBatch.of(trigrams, tokenizer, False, "none") is None


@pytest.mark.slow
@pytest.mark.shared
def test_the_fast_path_equals_the_definition_on_pool_texts(shipped):
    if not POOL.exists():
        pytest.skip(f"{POOL} not available")
    with open(POOL, encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(40000), csv.DictReader(handle))]
    batch = _batch_of(shipped)
    for start in range(0, len(texts), 2000):
        _same_as_definition(batch, texts[start : start + 2000])


def test_warming_up_builds_the_tables_that_forked_workers_then_share(tiny_model):
    scorer = cm.load_model(tiny_model).scorer
    assert scorer.space._batch is None  # built on first use only (a one-row job never needs them)
    scorer.predict_proba(["尾款涨了"])
    assert scorer.space._batch is None
    scorer.warm_up()
    assert isinstance(scorer.space._batch, WordBatch)
