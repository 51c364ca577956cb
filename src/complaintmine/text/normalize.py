"""Text normalisation: full-width to half-width (NFKC), lower case, whitespace collapsed, and the traditional
characters (:data:`TRADITIONAL`) written as their simplified forms.

Normalisation works character by character so that every output character remembers the index of the input
character it came from; explanations use that map to point at spans of the original text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Characters NFKC would turn into something that hurts segmentation or meaning in complaints.
_KEEP_AS_IS = frozenset("…")


# Traditional characters, each mapped to its one simplified form (one character for one, so offsets stay valid):
# data/traditional.txt, derived from OpenCC's table (corpora/scripts/make_traditional_table.py). Only characters
# that simplified text never writes (GB2312 cannot encode them; 後 added by hand) are mapped, so a simplified text
# is never changed. The lexicon, the models and the extraction rules are written in simplified Chinese: 預售尾款漲價
# got no label where 预售尾款涨价 gets price_hike.
def _traditional_table() -> dict[str, str]:
    lines = (Path(__file__).resolve().parent.parent / "data" / "traditional.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in lines.splitlines() if line and not line.startswith("#"))
    return {traditional: simplified for traditional, simplified in pairs}


TRADITIONAL: dict[str, str] = _traditional_table()


@dataclass(frozen=True)
class Normalized:
    """A normalised text and, for each of its characters, the index of the source character."""

    text: str
    offsets: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span [start, end) of the normalised text back to the original text."""
        if start >= end:
            origin = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return origin, origin
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize_with_offsets(text: str, fold_traditional: bool = True) -> Normalized:
    """Normalise ``text`` and keep the character offset map (see module docstring); ``fold_traditional`` False
    keeps traditional characters as written (what the corpus checks compare, corpus/dedup.py)."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        mapped = _map_char(char, fold_traditional)  # NFKC can yield spaces (´ -> " ́"); _map_char drops them
        if not mapped:
            pending_space = bool(chars)
            continue
        if pending_space:
            # One space survives only between two ASCII word characters ("iphone 15"), where it separates words.
            if chars[-1].isascii() and chars[-1].isalnum() and mapped[0].isascii() and mapped[0].isalnum():
                chars.append(" ")
                offsets.append(index - 1)
            pending_space = False
        for piece in mapped:
            chars.append(piece)
            offsets.append(index)
    return Normalized("".join(chars), tuple(offsets))


def _map_char(char: str, fold_traditional: bool = True) -> str:
    """What one character becomes: "" for whitespace and control characters, else NFKC + lower case, and a
    traditional character's simplified form (with ``fold_traditional``)."""
    if char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}:
        return ""
    mapped = char if char in _KEEP_AS_IS else unicodedata.normalize("NFKC", char).lower()
    folded = TRADITIONAL if fold_traditional else {}
    return "".join(folded.get(piece, piece) for piece in mapped if not piece.isspace())


_TABLES: dict[bool, dict[int, str]] = {}  # by fold_traditional
_RUNS = re.compile(r"  +")  # a run of two or more spaces (one space is already a run of one)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # outside the table: emoji, rare Han (slow path)
# A space with no [0-9a-z] before it or none after it. Written to start with the space itself, so that the regex
# engine jumps from space to space (about 15 times faster than starting with the lookbehind on Chinese text).
_SPACE_NOT_BETWEEN_WORDS = re.compile(r" (?:(?<![0-9a-z] )|(?![0-9a-z]))")


def _translation_table(fold_traditional: bool = True) -> dict[int, str]:
    """The per-character mapping (:func:`_map_char`) for the Basic Multilingual Plane, built on first use.

    NFKC and lower case run once over all characters joined by NUL (a starter, so nothing composes across it),
    which takes a fifth of the time of one call per character, and only characters that change or are not printable
    get the per-character checks: this is part of every command's start-up (with the list form, 36-57 ms here).
    Tests check the table against ``_map_char`` for every character.
    """
    if fold_traditional not in _TABLES:
        codes = [code for code in range(1, 0x10000) if not 0xD800 <= code <= 0xDFFF]  # NUL: the separator below
        chars = [chr(code) for code in codes]
        folded = unicodedata.normalize("NFKC", "\x00".join(chars)).lower().split("\x00")
        if len(folded) != len(chars):  # never expected; the per-character definition is the fallback
            folded = [unicodedata.normalize("NFKC", char).lower() for char in chars]
        table = {}
        category = unicodedata.category
        for code, char, mapped in zip(codes, chars, folded):
            if mapped == char and char.isprintable():  # most characters: unchanged, not a separator (fast C checks)
                continue
            if char.isspace() or category(char) in {"Cc", "Cf"}:
                mapped = ""
            elif char in _KEEP_AS_IS:
                mapped = char
            elif not mapped.isalnum():  # drop whitespace that NFKC produced (´ -> " ́")
                mapped = "".join(mapped.split())
            mapped = mapped or " "  # a space marks "a separator was here"
            if mapped != char:
                table[code] = mapped
        table[0] = _map_char("\x00") or " "  # NUL, the separator above, by the per-character definition
        if fold_traditional:
            simplified = str.maketrans(TRADITIONAL)  # also where NFKC gives a traditional character (compatibility)
            table = {code: mapped.translate(simplified) for code, mapped in table.items()}
            # NFKC leaves these as they are; the few outside the BMP take the slow path, as every astral one does
            table.update((ord(trad), simple) for trad, simple in TRADITIONAL.items() if ord(trad) < 0x10000)
        _TABLES[fold_traditional] = table
    return _TABLES[fold_traditional]


_LISTS: dict[bool, list[str]] = {}


def _translation_list(fold_traditional: bool = True) -> list[str]:
    """The table as a list indexed by code point: ``str.translate`` looks a list up twice as fast as a dict."""
    if fold_traditional not in _LISTS:
        table = _translation_table(fold_traditional)
        _LISTS[fold_traditional] = [table.get(code, chr(code)) for code in range(0x10000)]
    return _LISTS[fold_traditional]


def normalize(text: str, fold_traditional: bool = True) -> str:
    """Return the normalised form of ``text``: the same string as ``normalize_with_offsets(text).text``, computed
    with ``str.translate`` (the hot path when scoring; offsets are only needed for explanations)."""
    if not text.isascii() and _ASTRAL.search(text):
        return normalize_with_offsets(text, fold_traditional).text
    collapsed = _RUNS.sub(" ", text.translate(_translation_list(fold_traditional))).strip(" ")
    return _SPACE_NOT_BETWEEN_WORDS.sub("", collapsed)
