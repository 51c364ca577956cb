"""Modality-marked words (text/modality.py): which sentences a cue marks, and that a text is segmented once."""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from complaintmine.text.modality import (
    MODES,
    MODES_2,
    SCHEMES,
    CueScan,
    is_marked,
    sentence_modes,
    sentences,
    strip_mode,
    words_with_modality,
    words_with_modality_joined,
    words_with_modality_reference,
)
from complaintmine.text.normalize import normalize
from complaintmine.text.tokenizer import Tokenizer


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer()


@pytest.fixture(scope="module")
def segment(tokenizer):
    return tokenizer.tokenize_normalized


@pytest.fixture(scope="module")
def locate(tokenizer):
    return tokenizer.tokenize_normalized_pieces


def test_a_cue_marks_the_words_of_its_own_sentence_only(segment, locate):
    text = normalize("尾款涨了50！如果再涨我就退。")
    words = words_with_modality(text, locate)
    plain = [w for w in words if not is_marked(w)]
    marked = [w for w in words if is_marked(w)]
    assert plain == segment(text)
    assert "HYP:如果" in marked and "HYP:退" in marked
    assert "HYP:尾款" not in marked  # 尾款 is in the first sentence, which holds no cue


def test_several_classes_mark_a_sentence_once_each(locate):
    words = words_with_modality(normalize("降价了，客服主动补了差价，满意"), locate)
    assert {w.split(":")[0] for w in words if is_marked(w)} == {"RES", "SAT"}
    assert words.count("RES:降价") == 1 and words.count("SAT:降价") == 1


def test_a_text_without_cues_reads_as_before(segment, locate):
    text = normalize("尾款涨了50")
    assert words_with_modality(text, locate) == segment(text)


@given(st.text(alphabet="尾款涨了吗如果没有。!?,好的 ab1", max_size=40))
@settings(max_examples=200, deadline=None)
def test_sentences_tile_the_text_and_modes_are_known_classes(text):
    spans = sentences(text)
    assert "".join(text[s:e] for s, e in spans) == text
    for _start, _end, modes in sentence_modes(text):
        assert set(modes) <= set(MODES)


def test_strip_mode():
    assert strip_mode("HYP:涨") == "涨" and strip_mode("涨") == "涨" and not is_marked("涨")


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@given(text=st.text(alphabet="尾款涨了吗如果没有补了差价满意。!?,;:好的 ab1发货很快呢已退", max_size=60))
@settings(max_examples=300, deadline=None)
def test_the_fast_path_equals_the_definition(segment, locate, scheme, text):
    normalized = normalize(text)
    reference = words_with_modality_reference(normalized, segment, scheme)
    assert words_with_modality(normalized, locate, scheme) == reference
    assert words_with_modality_joined(normalized, locate, scheme) == " ".join(reference)


def test_a_clause_cue_marks_its_own_clause_and_the_text_gets_one_word_per_class(segment, locate):
    text = normalize("赠品没给，要是明天还不补我就差评")
    clause = words_with_modality(text, locate, "clause")
    assert "HYP:差评" in clause and "HYP:赠品" not in clause  # the worry is about what comes next, not the gift
    assert "HYP:赠品" in words_with_modality(text, locate, "sentence")  # the sentence scheme marks it all
    assert clause[-2:] == ["DOC:HYP", "DOC:NEG"] and strip_mode("DOC:HYP") == "HYP" and is_marked("DOC:HYP")
    assert [w for w in clause if not is_marked(w)] == segment(text)


def test_a_piece_the_segmenter_cannot_tell_is_segmented_on_its_own():
    text = "好啊。如果涨了"

    def locate(t):  # a segmenter that cannot tell the tokens of a piece
        return ([t[:2], t[2:]] if t != text else ["好啊。如", "果涨了"]), lambda start, end: None

    assert words_with_modality(text, locate) == ["好啊。如", "果涨了", "HYP:如果", "HYP:涨了"]


@pytest.mark.parametrize("backend", ["jieba", "auto"])
@given(text=st.text(alphabet="尾款涨了吗如果没有。!?,好的 ab1-3.t好好好%％~一不\u9fd6\u3400𠮷", max_size=50))
@example(text="\u3400\u3400\u3400")  # tie-prone, and Han only to rjieba: its words cannot tell a span
@example(text="好好好。为什么不一\u9fd6发货呢")
@settings(max_examples=200, deadline=None)
def test_the_tokens_of_a_span_are_the_tokens_it_gets_on_its_own(backend, text):
    tokenizer = _tokenizers(backend)
    normalized = normalize(text)
    tokens, between = tokenizer.tokenize_normalized_pieces(normalized)
    assert tokens == tokenizer.tokenize_normalized(normalized)
    spans = sentences(normalized)
    for start, end in spans:
        found = between(start, end)
        assert found is None or found == tokenizer.tokenize_normalized(normalized[start:end])
    if spans and tokenizer.covering_words(normalized) is not None:
        assert between(0, len(normalized)) == tokens  # words that cover the text can always tell the whole of it


_BY_BACKEND: dict[str, Tokenizer] = {}


def _tokenizers(backend: str) -> Tokenizer:
    from complaintmine.text.tokenizer import TokenizerConfig

    if backend not in _BY_BACKEND:
        _BY_BACKEND[backend] = Tokenizer(TokenizerConfig(backend=backend))
    return _BY_BACKEND[backend]


@pytest.mark.slow
@pytest.mark.shared
def test_the_fast_path_equals_the_definition_on_real_reviews(segment, locate):
    from ..conftest import POOL

    if not POOL.exists():
        pytest.skip(f"{POOL} not available")
    import csv

    with open(POOL, encoding="utf-8", newline="") as handle:
        texts = [normalize(row["text"]) for _, row in zip(range(30000), csv.DictReader(handle))]
    for scheme in SCHEMES:
        differ = [
            t
            for t in texts
            if words_with_modality(t, locate, scheme) != words_with_modality_reference(t, segment, scheme)
        ]
        assert differ == [], scheme


# Every character of every cue (most cues share characters with others: 没, 没有, 没问题), and a few others.
CUE_ALPHABET = "".join(sorted(set("".join(MODES_2.values()).replace("\\", "").replace("|", "")))) + "。,!好了 a1\x00"


def _cue_regex(modes: dict[str, str]) -> re.Pattern[str]:
    """The definition of the cues a scheme finds (CueScan's docstring): one named group per class, in order."""
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in modes.items()))


def _regex_places(scheme: str, text: str) -> tuple[list[int], list[str]]:
    found = [(m.start(), str(m.lastgroup)) for m in _cue_regex(SCHEMES[scheme].modes).finditer(text)]
    return [start for start, _ in found], [name for _, name in found]


@given(st.text(alphabet=CUE_ALPHABET, max_size=60), st.sampled_from(sorted(SCHEMES)))
@settings(max_examples=400, deadline=None)
@example("没问题没有没,不知道会不会是不是会", "sentence-2")
@example("如期如果?吗?怕", "sentence")
def test_the_cue_scan_finds_what_the_cue_regex_finds(text, scheme):
    assert SCHEMES[scheme].scan.places(text) == _regex_places(scheme, text)


def test_the_cue_scan_takes_the_first_class_listing_a_word_and_refuses_patterns():
    scan = CueScan.of({"HYP": "怕|的话", "Q": r"\?|怕|的话吗", "NEG": "没|没有"})
    assert scan.places("怕的话吗?没有") == ([0, 1, 4, 5], ["HYP", "HYP", "Q", "NEG"])
    for pattern in ("a.b", "好+", "(好)", "[好]"):
        with pytest.raises(ValueError, match="not a literal word"):
            CueScan.of({"HYP": pattern})


@pytest.mark.slow
@pytest.mark.shared
def test_the_cue_scan_finds_what_the_cue_regex_finds_on_real_reviews():
    from ..conftest import POOL

    if not POOL.exists():
        pytest.skip(f"{POOL} not available")
    import csv

    with open(POOL, encoding="utf-8", newline="") as handle:
        joined = "\x00".join(normalize(row["text"]) for _, row in zip(range(30000), csv.DictReader(handle)))
    for scheme in SCHEMES:
        assert SCHEMES[scheme].scan.places(joined) == _regex_places(scheme, joined), scheme
