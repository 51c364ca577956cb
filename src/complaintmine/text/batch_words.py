"""The covering words of a batch of texts from one segmenter call: the scoring fast path's input.

:func:`covering_batch` gives what :meth:`Tokenizer.covering_words` gives each text, in one list with a NUL after
each text (:class:`CoveredBatch`); :func:`batch_flags` finds, for the whole batch at once, the texts that need
more than rjieba's words (a tie-prone repeated unit, an ASCII seam). Tests compare both with the per-text
definitions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .tokenizer import Tokenizer


@dataclass(frozen=True)
class CoveredBatch:
    """The covering words of a batch of texts (:meth:`Tokenizer.covering_batch`).

    ``words`` holds each text's covering words followed by one NUL word, text after text, so that the words
    give ``joined`` (the texts, each followed by a NUL) back, except for the texts whose covering words are None:
    those have no words and no NUL here and ``counts`` 0. ``counts`` holds, per text, its words here (its NUL
    included), ``widths`` the length of each word, ``lengths`` the length of each text."""

    joined: str
    lengths: np.ndarray
    words: list[str]
    widths: np.ndarray
    counts: np.ndarray

    @property
    def missing(self) -> np.ndarray:
        """Per text, whether its words are absent (covering_words gives None, or the jieba backend)."""
        missing: np.ndarray = self.counts == 0
        return missing

    def without(self, texts: np.ndarray) -> CoveredBatch:
        """The batch with the words of ``texts`` (indexes) taken out, as if their covering words were None."""
        first = np.cumsum(self.counts) - self.counts
        drop = np.zeros(len(self.words), dtype=bool)
        for i in texts.tolist():
            drop[first[i] : first[i] + self.counts[i]] = True
        keep = np.flatnonzero(~drop)
        counts = self.counts.copy()
        counts[texts] = 0
        words = [self.words[k] for k in keep.tolist()]
        return CoveredBatch(self.joined, self.lengths, words, self.widths[keep], counts)


def batch_flags(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text, whether the tokenizer's ``_TIE_PRONE`` and ``_ASCII_SEAM`` would find a match in it, computed on the
    code points of the whole batch (about three times faster than two searches per text; tests compare them).

    A unit of L characters (L = 1, 2, 3) in U+3400-U+9FFF repeated three times is a place i where the L
    characters from i are all in that range and each of the 2L characters from i equals the one L later. An
    ASCII seam is an ASCII letter or digit next to one of +#&._%- . Texts are joined by NUL, which is neither,
    so no match spans two texts."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    return _flags(_code_points("\x00".join(texts)), lengths)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _flags(codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`batch_flags` from the code points of the texts joined by NUL (a NUL after the last one changes
    nothing) and their lengths."""
    starts = np.cumsum(lengths + 1) - lengths - 1  # where each text starts in the joined batch
    tie_prone = np.zeros(len(lengths), dtype=bool)
    han = (codes >= 0x3400) & (codes <= 0x9FFF)
    for unit in (1, 2, 3):
        places = len(codes) - 3 * unit + 1
        if places <= 0:
            continue
        same = codes[:-unit] == codes[unit:]
        repeated = han[:places].copy()
        for k in range(1, unit):
            repeated &= han[k : k + places]
        for k in range(2 * unit):
            repeated &= same[k : k + places]
        tie_prone[np.searchsorted(starts, np.flatnonzero(repeated), side="right") - 1] = True
    word = ((codes >= 48) & (codes <= 57)) | ((codes | 0x20) >= 97) & ((codes | 0x20) <= 122)
    joiner = np.isin(codes, np.frombuffer("+#&._%-".encode("utf-32-le"), dtype=np.uint32))
    seam = (word[:-1] & joiner[1:]) | (joiner[:-1] & word[1:])
    seams = np.zeros(len(lengths), dtype=bool)
    seams[np.searchsorted(starts, np.flatnonzero(seam), side="right") - 1] = True
    return tie_prone, seams


def covering_batch(tokenizer: Tokenizer, texts: Sequence[str]) -> CoveredBatch:
    """The covering words of a batch (:meth:`Tokenizer.covering_words` of each text) in one list, from one
    rjieba cut of the texts joined by NUL, each followed by a NUL (see :class:`CoveredBatch`).

    jieba and jieba-rs segment each run of Han and ASCII word characters on its own and give any other
    character that is not white space as a word of its own, so the NUL after each text is one word and every
    text gets the words of its own cut (about a tenth less time than a cut per text). The tie-prone texts and
    those with an ASCII seam (:func:`batch_flags`) then get their words as ``covering_words`` gives them. A
    batch whose texts hold a NUL is cut text by text."""
    n = len(texts)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    joined = "\x00".join(texts) + "\x00" if n else ""
    if tokenizer.backend == "jieba" or not n:
        return CoveredBatch(joined, lengths, [], np.zeros(0, dtype=np.int64), np.zeros(n, dtype=np.int64))
    words: list[str] = (
        tokenizer._fast_segmenter().cut(joined, tokenizer.config.hmm) if joined.count("\x00") == n else []
    )
    widths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    nul_word = np.searchsorted(np.cumsum(widths), np.cumsum(lengths + 1) - 1, side="right")  # holds each NUL
    if not words or nul_word[-1] != len(words) - 1 or any(words[k] != "\x00" for k in nul_word.tolist()):
        return _text_by_text(tokenizer, texts, joined, lengths)
    counts = np.diff(nul_word, prepend=-1)
    tie_prone, seams = _flags(_code_points(joined), lengths)  # batch_flags(texts), from the join made above
    redo = np.flatnonzero(tie_prone | seams).tolist()
    if not redo:
        return CoveredBatch(joined, lengths, words, widths, counts)
    first = (nul_word - counts + 1).tolist()
    kept_words, kept_widths, done = [], [], 0
    for i in redo:
        start, end = first[i], int(nul_word[i])  # the text's words; its NUL is words[end]
        own = tokenizer.covering_words(texts[i]) if tie_prone[i] else tokenizer._resplit(words[start:end])
        kept_words.append(words[done:start])
        kept_widths.append(widths[done:start])
        if own is None:  # no words and no NUL: the caller segments it otherwise
            counts[i], done = 0, end + 1
        else:
            kept_words.append(own)
            kept_widths.append(np.fromiter(map(len, own), dtype=np.int64, count=len(own)))
            counts[i], done = len(own) + 1, end
    kept_words.append(words[done:])
    kept_widths.append(widths[done:])
    return CoveredBatch(joined, lengths, list(chain.from_iterable(kept_words)), np.concatenate(kept_widths), counts)


def _text_by_text(tokenizer: Tokenizer, texts: Sequence[str], joined: str, lengths: np.ndarray) -> CoveredBatch:
    covering = [tokenizer.covering_words(text) for text in texts]
    words = list(chain.from_iterable([*w, "\x00"] for w in covering if w is not None))
    counts = np.fromiter((len(w) + 1 if w is not None else 0 for w in covering), dtype=np.int64, count=len(texts))
    widths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    return CoveredBatch(joined, lengths, words, widths, counts)
