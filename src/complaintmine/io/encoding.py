"""Which encoding a text input is read with: one rule for the readers, tables and the Dask inputs.

A forced encoding (``--encoding``) is used as given (checked to exist); otherwise BOMs first (UTF-8, UTF-16),
then UTF-8 if the first megabyte decodes, or if most of its lines with non-ASCII bytes do (:func:`mostly_utf8`: the
others become error rows), else charset-normalizer's best guess, overruled by GB18030 when the
detector is unsure and the bytes read as common Chinese characters (chinese_first.py). UTF-8 with a BOM is read as
``utf-8-sig``, so no reader ever sees the BOM.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError
from .chinese_first import prefer_chinese

SAMPLE = 1 << 20  # bytes given to the encoding detector


def detect_encoding(sample: bytes) -> str:
    """BOMs first (UTF-8, UTF-16); then UTF-8 if the sample decodes; else charset-normalizer's best guess.

    GBK-family guesses become GB18030, their superset, so rare characters in GBK exports still decode; when
    the detector is unsure, a sample that reads as Chinese is read as GB18030 (chinese_first.py).
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # The sample cut a character in half (not: a short GBK file whose bytes are no UTF-8 at all).
        if exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3:
            return "utf-8"
    if mostly_utf8(sample):
        return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    name = prefer_chinese(sample, codecs.lookup(best.encoding).name if best is not None else "utf-8")
    return "gb18030" if name in {"gbk", "gb2312", "gb18030", "hz"} else name


def choose_encoding(path: str | Path, head: bytes, forced: str | None = None) -> str:
    """The encoding to read an input with, given its first bytes (``head``, up to :data:`SAMPLE`).

    Raises InputError naming ``path`` for an encoding Python does not know.
    """
    chosen = forced or detect_encoding(head)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(path, f"unknown encoding {chosen!r}") from None
    if chosen.replace("_", "-").lower() in {"utf-8", "utf8"} and head.startswith(codecs.BOM_UTF8):
        chosen = "utf-8-sig"
    return chosen


def file_encoding(path: str | Path, forced: str | None = None) -> str:
    """:func:`choose_encoding` for a file on disk (reads its first :data:`SAMPLE` bytes)."""
    with open(path, "rb") as handle:
        head = handle.read(SAMPLE)
    return choose_encoding(path, head, forced)


def mostly_utf8(sample: bytes) -> bool:
    """Whether more of the sample's lines with non-ASCII bytes are UTF-8 than are not: a UTF-8 export with a few
    lines pasted in from a GBK one. Read as UTF-8, those few become error rows ("bytes that are not valid
    text"); read as GB18030, as the detector may guess for a short file, every UTF-8 line would decode without
    an error into other characters. Lines of GBK Chinese are practically never valid UTF-8 (a GBK lead byte
    must be followed by UTF-8 continuation bytes, 0x80-0xBF, throughout), so a GBK file is not taken for one.
    A line that is valid UTF-8 only through two-byte sequences (U+0080-U+07FF: accented Latin, Greek, Cyrillic)
    counts for neither side: GBK's 没 (C3 BB) is UTF-8's û. Chinese in UTF-8 takes three bytes a character."""
    valid = invalid = 0
    lines = sample.split(b"\n")
    for line in lines[:-1] if len(lines) > 1 else lines:  # the last line may be cut short by the sample
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            invalid += 1
            continue
        valid += max(line) >= 0xE0  # a three- or four-byte sequence: what GBK text practically never forms
    return valid > invalid
