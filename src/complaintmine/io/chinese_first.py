"""When the encoding detector is unsure, read non-UTF-8 bytes as Chinese (GB18030) if they read well that way.

charset-normalizer needs text to be sure: on a short GBK export (a header and one complaint, under about 40
bytes of Chinese) it guesses cp949, cp1250 or another single-byte code page, and the complaint is scored as
garbage. complaintmine reads Chinese complaints, so when the bytes decode as GB18030 without error, and what
they decode to is mostly common simplified Chinese characters (GB2312), that reading wins unless the sample is
long enough for the detector's guess to be reliable. A short Big5 guess is overruled the same way: the same
bytes are often valid in both, and mainland exports are GBK; Big5 text of any length rarely decodes to 90%
GB2312 characters (about a third of Big5's second bytes lie outside GB2312's range), so it stays Big5.
"""

from __future__ import annotations

import codecs

GB = frozenset({"gb18030", "gbk", "gb2312", "hz"})
SURE_AFTER = 4096  # non-ASCII bytes; with this much text the detector's guess is trusted as it is
MOSTLY = 0.9  # share of the non-ASCII characters that must be common Chinese (GB2312) characters


def _common_chinese(char: str) -> bool:
    """A character of GB2312 (the 7,445 common ones), full-width forms and CJK punctuation included."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def reads_as_chinese(sample: bytes) -> bool:
    """Whether ``sample`` decodes as GB18030 into mostly common Chinese characters (a cut multi-byte
    character at the end of the sample is allowed)."""
    try:
        text = codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    wide = [char for char in text if ord(char) > 0x7F]
    if not wide:
        return False
    return sum(map(_common_chinese, wide)) >= MOSTLY * len(wide)


def prefer_chinese(sample: bytes, guess: str) -> str:
    """``guess`` (a codec name from the detector), or ``gb18030`` when the detector is unsure (see above)."""
    if codecs.lookup(guess).name in GB:
        return guess
    non_ascii = sum(1 for byte in sample if byte > 0x7F)
    if non_ascii < SURE_AFTER and reads_as_chinese(sample):
        return "gb18030"
    return guess
