"""Terminal width of text (text/width.py): what plain-text tables pad by."""

from hypothesis import given
from hypothesis import strategies as st

from complaintmine.text.width import display_width, fill, pad


def test_wide_and_fullwidth_characters_take_two_columns():
    assert display_width("PH1") == 3
    assert display_width("赠品没给") == 8
    assert display_width("尾款，ＡＢ a") == 2 * 5 + 2  # fullwidth comma and letters; a narrow space and letter
    assert display_width("") == 0


def test_pad_fills_to_terminal_columns_and_never_cuts():
    assert pad("满意", 6) == "满意  "
    assert pad("ok", 6) == "ok    "
    assert pad("赠品承诺不兑现", 6) == "赠品承诺不兑现"


def test_fill_wraps_by_terminal_columns_not_characters():
    text = "the tail payment (尾款涨价) went up, the deposit discount (定金抵扣, 膨胀金) was not applied"
    lines = fill(text, 30, "  ", "    ").splitlines()
    assert lines[0].startswith("  the") and all(line.startswith("    ") for line in lines[1:])
    assert all(display_width(line) <= 30 for line in lines)
    assert " ".join(line.strip() for line in lines) == text
    assert fill("一个很长很长的词" * 5, 10) == "一个很长很长的词" * 5  # a word wider than a line keeps its own


@given(st.lists(st.text(alphabet="ab尾款，", min_size=1, max_size=8), max_size=30), st.integers(12, 60))
def test_fill_keeps_every_word_in_order_within_the_width(words, width):
    lines = fill(" ".join(words), width, "> ", "  ").splitlines()
    assert " ".join(" ".join(lines)[2:].split()) == " ".join(words)
    assert all(display_width(line) <= width or len(line.split()) == 1 + line.startswith("> ") for line in lines)
