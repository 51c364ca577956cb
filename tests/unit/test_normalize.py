import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintmine.text.normalize import normalize, normalize_with_offsets


def test_full_width_to_half_width_and_case():
    assert normalize("ＡＢＣ　１２３元，尾款！") == "abc 123元,尾款!"


def test_whitespace_is_dropped_between_chinese_and_kept_between_words():
    assert normalize("  说好的\t48小时  发货 ") == "说好的48小时发货"
    assert normalize("iPhone  15\nPro") == "iphone 15 pro"


def test_offsets_point_back_into_the_original():
    original = "　付了ＤＥＰＯＳＩＴ定金"
    result = normalize_with_offsets(original)
    start = result.text.index("定金")
    a, b = result.source_span(start, start + 2)
    assert original[a:b] == "定金"


@given(st.text())
def test_offsets_are_monotonic_and_in_range(text):
    result = normalize_with_offsets(text)
    assert len(result.offsets) == len(result.text)
    assert list(result.offsets) == sorted(result.offsets)
    assert all(0 <= offset < len(text) for offset in result.offsets)


@given(st.text())
def test_normalisation_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


@given(st.text())
def test_fast_path_equals_the_offset_tracking_definition(text):
    assert normalize(text) == normalize_with_offsets(text).text


def test_fast_path_on_awkward_characters():
    for text in ["´", "a\u200bb", "ＡＢ　ＣＤ", "x\ty  z", "①②", "㎏装", "…", " 15 pro ", "𠀀 尾款", "a\x00b"]:
        assert normalize(text) == normalize_with_offsets(text).text, text


@pytest.mark.parametrize("fold", [True, False])
def test_translation_table_is_the_per_character_definition_for_every_bmp_character(fold):
    from complaintmine.text.normalize import _map_char, _translation_table

    expected = {}
    for code in range(0x10000):
        if not 0xD800 <= code <= 0xDFFF and (_map_char(chr(code), fold) or " ") != chr(code):
            expected[code] = _map_char(chr(code), fold) or " "
    assert _translation_table(fold) == expected


@given(st.text(alphabet=" a0z9Z中,\t\u3000ｂ", max_size=30))
def test_spaces_between_words_and_elsewhere_as_the_definition_decides(text):
    # The regexes of the fast path match spaces first (faster on Chinese text); the definition decides per character.
    assert normalize(text) == normalize_with_offsets(text).text


def test_traditional_characters_are_read_as_simplified_and_simplified_text_is_never_changed():
    from complaintmine.text.normalize import TRADITIONAL

    assert normalize("預售尾款漲價了，贈品也沒給") == "预售尾款涨价了,赠品也没给"
    assert normalize_with_offsets("請問嗎").offsets == (0, 1, 2)  # one character for one
    for traditional, simplified in TRADITIONAL.items():
        assert len(traditional) == len(simplified) == 1
        simplified.encode("gb2312")  # a character simplified text writes
        if traditional != "後":  # added by hand: GB2312 has it, simplified text writes 后
            with pytest.raises(UnicodeEncodeError):
                traditional.encode("gb2312")  # so no character of a simplified text is a key
    assert normalize("著名品牌，乾隆年间，於先生") == "著名品牌,乾隆年间,於先生"
    assert normalize("預售尾款漲價", fold_traditional=False) == "預售尾款漲價"  # as the corpus checks compare
    assert normalize_with_offsets("預售𠀀漲價", fold_traditional=False).text == "預售𠀀漲價"  # the slow path too
