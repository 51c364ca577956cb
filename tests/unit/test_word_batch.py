"""The word fast path (model/word_batch.py) gives exactly the occurrences of its definition: word_documents, then
WordNgrams.occurrences. Checked with the shipped model's vocabulary on team texts, generated texts and pool texts,
and with small vocabularies for the cases the shipped one does not reach."""

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.model.ngrams import WordNgrams, mask_digits, word_documents
from complaintmine.model.scorer import FAST_PATH_TEXTS
from complaintmine.model.word_batch import WordBatch
from complaintmine.text.modality import words_with_modality_reference
from complaintmine.text.normalize import normalize
from complaintmine.text.tokenizer import _HAN_TO_RJIEBA_ONLY, _TIE_PRONE, Tokenizer, TokenizerConfig

from ..conftest import POOL, ROOT


@pytest.fixture(scope="module")
def shipped():
    return cm.load_model().scorer


def _pairs(occurrences):
    docs, features = occurrences
    return sorted(zip(docs.tolist(), features.tolist()))


def _reference_documents(normalized: list[str], tokenizer: Tokenizer, masked: bool, modality: str) -> list[str]:
    """The word documents by definition: each sentence with cues segmented on its own (no shared words)."""
    if modality == "none":
        words = [tokenizer.tokenize_normalized(t) for t in normalized]
    else:
        words = [words_with_modality_reference(t, tokenizer.tokenize_normalized, modality) for t in normalized]
    return [mask_digits(" ".join(w)) if masked else " ".join(w) for w in words]


def _same_as_definition(batch: WordBatch, texts: list[str]) -> None:
    normalized = [normalize(t) for t in texts]
    fast = batch.occurrences(normalized)
    scorer_definition = word_documents(normalized, batch.tokenizer, batch.masked, batch.modality)
    reference = _reference_documents(normalized, batch.tokenizer, batch.masked, batch.modality)
    for text, documents, defined in zip(normalized, scorer_definition, reference):
        if not (_TIE_PRONE.search(text) and _HAN_TO_RJIEBA_ONLY.search(text)):  # see test_known_divergence
            assert documents == defined, text
    assert _pairs(fast) == _pairs(batch.ngrams.occurrences(scorer_definition))


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
    # tie-prone, and a character that rjieba counts as Han and jieba's block regex does not: the sentence with
    # the cue must be segmented on its own (a review found the whole text's words used here, 不 一 for 不一)
    "好好好。为什么不一\u9fd6发货呢",
    "差差差！赠品呢\u3400送了吗",
    "哈哈哈，请问𠮷发货了吗",
]


def test_edge_texts_equal_the_definition_alone_and_together(shipped):
    batch = _batch_of(shipped)
    _same_as_definition(batch, EDGE_TEXTS)
    for text in EDGE_TEXTS:
        _same_as_definition(batch, [text])
    assert batch.occurrences([])[0].shape == (0,)


_ALPHABET = "尾款涨了吗如果没有。!?;…,好的 赠品呢补差价满意ab1-3.t%％~\t\n哈一不\u9fd6\u3400\uf900𠮷١٢\u3000"


def test_known_divergence_tie_prone_texts_with_rare_han_score_as_before(shipped):
    # jieba's block regex ends at characters rjieba reads as Han (U+9FD6, extension A, beyond the BMP), so a
    # tie-prone text's own tokens can differ from its sentences segmented alone (不 一 against 不一). Scoring keeps
    # what it gave before this fast path existed (2efe394): the text's tokens, and each cue sentence's tokens
    # segmented alone. Pinned here, since the definition test above has to step around these texts.
    expected = {
        "好好好。为什么不一\u9fd6发货呢": "好好 好 为什么 不 一 鿖 发货 呢 Q:为什么 Q:不一 Q:鿖 Q:发货 Q:呢",
        "差差差！赠品呢\u3400送了吗": "差差 差 赠品 呢 㐀 送 了 吗 Q:赠品 Q:呢 Q:㐀 Q:送 Q:了 Q:吗",
        "哈哈哈，请问𠮷发货了吗": "哈哈哈 请问 𠮷 发货 了 吗 Q:哈哈哈 Q:请问 Q:𠮷 Q:发货 Q:了 Q:吗",
    }
    space = shipped.space
    normalized = [normalize(t) for t in expected]
    assert word_documents(normalized, space.tokenizer, space.masked, space.modality) == list(expected.values())
    padded = list(expected) + ["尾款涨了"] * FAST_PATH_TEXTS
    assert np.array_equal(shipped.predict_proba(padded), shipped.proba(space.featurize(padded, keep_words=True)))


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


def _small_batch(
    vocabulary: list[str], modality: str, masked: bool = False, tokenizer: Tokenizer | None = None
) -> WordBatch:
    terms = {term: i for i, term in enumerate(vocabulary)}
    ngrams = WordNgrams.from_vocabulary(terms, (1, 2))
    batch = WordBatch.of(ngrams, tokenizer or Tokenizer(), masked, modality)
    assert batch is not None
    return batch


def test_a_marked_word_whose_plain_word_is_not_in_the_vocabulary_is_found_by_string():
    # With min_df alone this never happens (a marked word is rarer than its word), but a vocabulary may hold it.
    batch = _small_batch(["HYP:赠品", "HYP:涨", "涨", "尾款", "尾款 涨", "HYP:尾款", "HYP:尾款 HYP:涨"], "sentence-2")
    _same_as_definition(batch, ["如果赠品涨了", "尾款涨了", "赠品没给"])
    _, features = batch.occurrences([normalize("如果赠品涨了")])
    assert 0 in features.tolist()  # HYP:赠品 (feature 0) found although 赠品 itself is not a feature


def test_punctuation_kept_as_tokens_and_the_text_separators_never():
    """With drop_punctuation off, punctuation words are tokens (and bigrams run across them), but the NUL that
    ends each text in the batch is not a word of the text: the bigram from a text's last word to its first
    marked word (吗 Q:尾款) must not be broken by it. Found by review."""
    vocabulary = [
        "尾款",
        "涨",
        "了",
        "吗",
        "?",
        "吗 ?",
        "? Q:尾款",
        "吗 Q:尾款",
        "Q:尾款",
        "Q:涨",
        "尾款 涨",
        "HYP:尾款",
    ]
    texts = ["尾款涨了吗", "尾款涨了吗?", "如果尾款涨了", "尾款涨了吗", "好"]
    for modality in ("none", "sentence-2"):
        batch = _small_batch(vocabulary, modality, tokenizer=Tokenizer(TokenizerConfig(drop_punctuation=False)))
        _same_as_definition(batch, texts)
    _, features = batch.occurrences([normalize("尾款涨了吗")])
    assert vocabulary.index("吗 Q:尾款") in features.tolist()


def test_masked_digits_in_any_script_and_the_jieba_backend():
    vocabulary = ["尾款", "涨", "0", "00", "00元", "Q:00元", "Q:尾款", "尾款 涨", "涨 00"]
    batch = _small_batch(vocabulary, "sentence-2", masked=True)
    _same_as_definition(batch, ["尾款涨50元吗", "尾款涨了12", "好好好 99", "尾款涨٥٠元"])
    ngrams = WordNgrams.from_vocabulary({term: i for i, term in enumerate(vocabulary)}, (1, 2))
    jieba_backend = Tokenizer(TokenizerConfig(backend="jieba"))
    assert WordBatch.of(ngrams, jieba_backend, True, "sentence-2") is None  # every text would take the definition
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
    assert isinstance(scorer.space._batch, WordBatch) and scorer.space.word_batch() is scorer.space._batch
