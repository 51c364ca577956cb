"""Golden tokenizations (a jieba or lexicon change shows up here, not as silent model drift), spans, and the
independence of complaintmine's tokenizer from jieba's global one."""

import functools
import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintmine.errors import ComplaintMineError
from complaintmine.text.tokenizer import Tokenizer, TokenizerConfig, builtin_lexicon_text, parse_lexicon

from ..conftest import DATA

GOLDEN = json.loads((DATA / "golden_tokens.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


@pytest.mark.parametrize("case", GOLDEN, ids=[c["text"][:12] for c in GOLDEN])
def test_golden_tokens(tokenizer, case):
    assert tokenizer.tokenize(case["text"]) == case["tokens"]


def test_enough_golden_sentences():
    assert len(GOLDEN) >= 15


def test_spans_point_at_the_original_text(tokenizer):
    text = "ｉＰｈｏｎｅ　15 预售，定金  付了"
    words = {t.text: text[t.start : t.end] for t in tokenizer.tokens(text)}
    assert words["预售"] == "预售"
    assert words["定金"] == "定金"
    assert words["iphone"] == "ｉＰｈｏｎｅ"
    assert words["15"] == "15"
    assert list(words) == ["iphone", "15", "预售", "定金", "付", "了"]


def test_lexicon_has_at_least_150_positive_frequency_terms():
    entries = parse_lexicon(builtin_lexicon_text())
    words = [w for w, _, _ in entries]
    assert len(set(words)) >= 150
    assert len(words) == len(set(words))
    assert all(freq > 0 for _, freq, _ in entries)
    for term in ["定金", "尾款", "预售", "保价", "价保", "赠品", "全网最低价", "虚假发货", "付定立减", "定金膨胀"]:
        assert term in words


def test_lexicon_terms_stay_whole(tokenizer):
    for word, _, _ in parse_lexicon(builtin_lexicon_text()):
        assert tokenizer.tokenize(word) == [word.lower()], word


def test_bad_lexicon_line_is_reported_with_its_line(tmp_path):
    path = tmp_path / "lex.txt"
    path.write_text("定金 10 ps\n尾款 0 ps\n", encoding="utf-8")
    with pytest.raises(ComplaintMineError, match=r"lex.txt:2"):
        Tokenizer(TokenizerConfig(lexicon=str(path)))


@pytest.mark.slow
def test_two_tokenizers_are_independent_and_jieba_global_is_untouched(tmp_path):
    """Run in a fresh interpreter so jieba's global state is pristine to start with."""
    custom = tmp_path / "lex.txt"
    custom.write_text("涨了五十 100000 ph\n", encoding="utf-8")
    code = f"""
import jieba, logging
import complaintmine
from complaintmine import Tokenizer, TokenizerConfig
before = jieba.lcut("尾款涨了五十，付定立减没生效")
a = Tokenizer()
b = Tokenizer(TokenizerConfig(lexicon={str(custom)!r}))
ta = a.tokenize("尾款涨了五十，付定立减没生效")
tb = b.tokenize("尾款涨了五十，付定立减没生效")
after = jieba.lcut("尾款涨了五十，付定立减没生效")
assert before == after, (before, after)
assert "付定立减" in ta and "付定立减" not in tb, (ta, tb)
assert "涨了五十" in tb and "涨了五十" not in ta, (ta, tb)
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_importing_complaintmine_changes_nothing_global():
    code = """
import logging, sys
handlers = list(logging.getLogger().handlers)
import complaintmine
assert "jieba" not in sys.modules, "importing complaintmine must not import jieba"
assert logging.getLogger().handlers == handlers
import warnings
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_building_the_tokenizer_prints_nothing(tmp_path):
    code = f"from complaintmine import Tokenizer; Tokenizer(cache_dir={str(tmp_path)!r}).tokenize('尾款')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""


_FLAG_ALPHABET = "好不好a1.-%+#&_中\u33ff\u3400\u9fff\ua000 Z哈差评"


@given(st.lists(st.text(alphabet=_FLAG_ALPHABET, max_size=12), max_size=6))
@settings(max_examples=300, deadline=None)
def test_batch_flags_are_the_two_regex_searches_per_text(texts):
    from complaintmine.text.batch_words import batch_flags
    from complaintmine.text.tokenizer import _ASCII_SEAM, _TIE_PRONE

    tie_prone, seams = batch_flags(texts)
    assert tie_prone.tolist() == [bool(_TIE_PRONE.search(t)) for t in texts]
    assert seams.tolist() == [bool(_ASCII_SEAM.search(t)) for t in texts]


def _covering_batch_reference(tokenizer, texts):
    """What covering_batch must give, text by text from covering_words: (words with a NUL after each text whose
    words are not None, counts)."""
    covering = [tokenizer.covering_words(t) for t in texts]
    words = [w for c in covering if c is not None for w in [*c, "\x00"]]
    return words, [len(c) + 1 if c is not None else 0 for c in covering]


def _check_covering_batch(tokenizer, texts):
    batch = tokenizer.covering_batch(texts)
    words, counts = _covering_batch_reference(tokenizer, texts)
    assert batch.words == words
    assert batch.counts.tolist() == counts
    assert batch.widths.tolist() == [len(w) for w in words]
    assert batch.joined == "".join(t + "\x00" for t in texts) and batch.lengths.tolist() == [len(t) for t in texts]


def test_covering_batch_gives_each_texts_covering_words(tokenizer):
    from complaintmine.text.normalize import normalize

    raw = ["", "好好好，赠品呢？", "iphone15 2.5d膜 3-4天", "尾款涨了50！如果再涨我就退。", "a", "㐀㐀㐀好", ""]
    texts = [normalize(t) for t in raw]
    _check_covering_batch(tokenizer, texts)
    assert tokenizer.covering_batch(texts).missing.tolist() == [False] * 5 + [True, False]  # rare Han, tie-prone
    for k in range(len(texts)):
        _check_covering_batch(tokenizer, texts[k : k + 1])
    _check_covering_batch(tokenizer, [])
    assert "".join(tokenizer.covering_words(texts[1])) == texts[1]  # tie-prone: jieba's own code's words
    assert "".join(tokenizer.covering_words(texts[3])) == texts[3]
    assert Tokenizer(TokenizerConfig(backend="jieba")).covering_batch(texts).missing.all()


def test_a_batch_whose_texts_hold_a_nul_is_cut_text_by_text(tokenizer):
    _check_covering_batch(tokenizer, ["发货\x00慢", "好"])
    _check_covering_batch(tokenizer, ["\x00", "\x00\x00", "a\x00"])


_COVER_ALPHABET = "好不好a1.-%+#&_中赠品没给发货\u3400\u9fff\ua000 Z。!?，\x00"


@given(st.lists(st.text(alphabet=_COVER_ALPHABET, max_size=15), max_size=8))
@settings(max_examples=300, deadline=None)
def test_covering_batch_is_each_texts_covering_words_on_generated_texts(texts):
    from complaintmine.text.normalize import normalize

    tokenizer = _shared_tokenizer()
    _check_covering_batch(tokenizer, [normalize(t) for t in texts])
    _check_covering_batch(tokenizer, texts)  # not normalised: spaces, NUL


@functools.cache
def _shared_tokenizer() -> Tokenizer:
    return Tokenizer()


def test_taking_texts_out_of_a_covered_batch(tokenizer):
    import numpy as np

    texts = ["尾款涨了", "好好好", "iphone-15", "没送赠品"]
    batch = tokenizer.covering_batch(texts)
    less = batch.without(np.array([0, 2]))
    words, counts = _covering_batch_reference(tokenizer, texts)
    first = np.cumsum(counts) - counts
    assert less.words == words[first[1] : first[2]] + words[first[3] :]
    assert less.counts.tolist() == [0, counts[1], 0, counts[3]]
    assert less.widths.tolist() == [len(w) for w in less.words] and less.missing.tolist() == [True, False, True, False]
