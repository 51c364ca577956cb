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


def test_translation_table_is_the_per_character_definition_for_every_bmp_character():
    from complaintmine.text.normalize import _map_char, _translation_table

    expected = {}
    for code in range(0x10000):
        if not 0xD800 <= code <= 0xDFFF and (_map_char(chr(code)) or " ") != chr(code):
            expected[code] = _map_char(chr(code)) or " "
    assert _translation_table() == expected


@given(st.text(alphabet=" a0z9Z中,\t\u3000ｂ", max_size=30))
def test_spaces_between_words_and_elsewhere_as_the_definition_decides(text):
    # The regexes of the fast path match spaces first (faster on Chinese text); the definition decides per character.
    assert normalize(text) == normalize_with_offsets(text).text
