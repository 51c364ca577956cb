"""When the encoding detector is unsure, read non-UTF-8 bytes as Chinese (GB18030) if they read well that way.

charset-normalizer needs text to be sure: on a short GBK export (a header and one complaint, under about 40
bytes of Chinese) it guesses cp949, cp1250 or another single-byte code page, and the complaint is scored as
garbage. complaintmine reads Chinese complaints, so when the bytes decode as GB18030 without error, and what
they decode to is mostly common Chinese characters, that reading wins unless the detector is confident of a
Chinese encoding of its own (Big5) or the sample is long enough for its guess to be reliable.
"""

from __future__ import annotations

import codecs

CHINESE = frozenset({"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950"})
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
    if codecs.lookup(guess).name in CHINESE:
        return guess
    non_ascii = sum(1 for byte in sample if byte > 0x7F)
    if non_ascii < SURE_AFTER and reads_as_chinese(sample):
        return "gb18030"
    return guess
