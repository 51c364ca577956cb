"""Terminal width of text (text/width.py): what plain-text tables pad by."""

from complaintmine.text.width import display_width, pad


def test_wide_and_fullwidth_characters_take_two_columns():
    assert display_width("PH1") == 3
    assert display_width("赠品没给") == 8
    assert display_width("尾款，ＡＢ a") == 2 * 5 + 2  # fullwidth comma and letters; a narrow space and letter
    assert display_width("") == 0


def test_pad_fills_to_terminal_columns_and_never_cuts():
    assert pad("满意", 6) == "满意  "
    assert pad("ok", 6) == "ok    "
    assert pad("赠品承诺不兑现", 6) == "赠品承诺不兑现"
