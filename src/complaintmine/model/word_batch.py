"""Word n-gram occurrences of a batch read straight from the segmenter's words: the scoring fast path.

The definition is :func:`~complaintmine.model.ngrams.word_documents` (each text's tokens, then the modality-marked
copies of the tokens of each sentence with cues, digit-masked, joined by spaces) followed by
``WordNgrams.occurrences`` (split again, looked up). For a batch of a few thousand texts that round trip builds
and splits a million short strings, marks each copied token with an f-string and scans the joined batch twice
with regexes. Here the batch goes through once:

1. The words of every text (:meth:`Tokenizer.covering_batch`: one cut of the batch, each text's words covering
   it, punctuation included, then a NUL word that no text holds and that is never kept) are looked up in the
   vocabulary in one ``map``; the punctuation filter runs only on the words the vocabulary does not know
   (whether a vocabulary word is kept comes from a table computed once per model).
2. The cues (the scheme's :class:`~complaintmine.text.modality.CueScan`) and sentence ends are found with one
   pass each over the batch joined by NUL (no cue or sentence end can hold NUL, so each text's matches are what
   its own pass finds). Each sentence with cues maps to a range of the text's kept words; the slot of
   ``HYP:word`` is a table lookup from the slot of ``word``.
3. Each text's sequence (its words, then the marked runs in sentence and class order) is laid out in NumPy, so
   the unigrams and the bigrams of adjacent known slots come out as the definition counts them.

Texts the fast path cannot take go through the definition: a text whose words cannot tell a sentence's tokens
(:meth:`Tokenizer.covering_words` gives None) and a text with a sentence edge inside a word (none among 82,000
pool texts: jieba ends words at punctuation). Schemes with ``DOC:`` words, vocabularies without bigrams or with
longer n-grams, and the ``jieba`` backend (every text would go through the definition) are not taken at all.
Tests compare both paths on pool texts and generated texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from typing import TYPE_CHECKING

import numpy as np

from ..text.modality import MODES, SCHEMES
from .ngrams import DIGIT, WordNgrams, mask_digits, word_documents
from .tfidf import Occurrences, exclusive_cumsum, ranges

if TYPE_CHECKING:
    from ..text.tokenizer import Tokenizer

MODES_LIST = list(MODES)
MAX_REMEMBERED_DROPPED = 10_000


class WordBatch:
    """The fast path for one model's word features (see the module docstring). Build with :meth:`of`."""

    def __init__(self, ngrams: WordNgrams, tokenizer: Tokenizer, masked: bool, modality: str):
        self.ngrams = ngrams
        self.tokenizer = tokenizer
        self.masked = masked
        self.modality = modality
        self.scheme = SCHEMES.get(modality)
        slots = ngrams.slots
        self._slots = slots
        self._codes = dict(slots)  # the slots, and -2 for words seen to be dropped (see _kept)
        self._codes["\x00"] = -2  # the NUL after each text (Tokenizer.covering_batch) is no word of it
        unigrams = ngrams.unigrams
        kept = set(tokenizer.kept_words(list(unigrams)))
        self._known_kept = np.fromiter((term in kept for term in unigrams), dtype=bool, count=len(unigrams))
        # _marked[m, slot of w] = slot of "MODE:w" (MODES order), -1 where the vocabulary lacks it
        self._marked = np.full((len(MODES), max(len(unigrams), 1)), -1, dtype=np.int64)
        self._orphans = False  # whether some "MODE:w" is in the vocabulary without w (never, with min_df alone)
        mode_of = {mode: m for m, mode in enumerate(MODES)}
        for slot, term in enumerate(unigrams):
            mode, colon, word = term.partition(":")
            if colon and mode in mode_of:
                base = slots.get(word)
                if base is not None:
                    self._marked[mode_of[mode], base] = slot
                else:
                    self._orphans = True
        if self.scheme is not None:
            self._end_codes = np.frombuffer(self.scheme.end_chars.encode("utf-32-le"), dtype=np.uint32)
            self._mode_of = {name: MODES_LIST.index(name) for name in self.scheme.modes}  # class -> position

    @classmethod
    def of(cls, ngrams: WordNgrams, tokenizer: Tokenizer, masked: bool, modality: str) -> WordBatch | None:
        """The fast path for these word features, or None where only the definition applies."""
        scheme = SCHEMES.get(modality)
        if (modality != "none" and scheme is None) or (scheme is not None and scheme.doc):
            return None
        if not ngrams.packable or ngrams.bigram_keys is None or tokenizer.backend == "jieba":
            return None
        return cls(ngrams, tokenizer, masked, modality)

    def occurrences(self, normalized: Sequence[str]) -> Occurrences:
        """(document, feature) occurrences of the word n-grams of normalised texts, as the definition gives."""
        n = len(normalized)
        batch = self.tokenizer.covering_batch(normalized)
        lengths = batch.lengths
        doc = np.repeat(np.arange(n, dtype=np.int64), batch.counts)
        covered = np.bincount(doc, weights=batch.widths, minlength=n) == lengths + 1
        uncovered = np.flatnonzero(~covered & ~batch.missing)
        if len(uncovered):  # words that do not give the text back: the definition decides
            batch = batch.without(uncovered)
            doc = np.repeat(np.arange(n, dtype=np.int64), batch.counts)
        slow = batch.missing.copy()
        flat, widths, counts, joined = batch.words, batch.widths, batch.counts, batch.joined
        text_start = exclusive_cumsum(lengths + 1)[:-1]  # per text, where it starts in ``joined``
        first_word = exclusive_cumsum(counts)  # per text, its first word in ``flat`` (and one past the last)
        before = exclusive_cumsum(widths)
        word_start = text_start[doc] + before[:-1] - before[first_word[doc]]  # in ``joined``
        if self.masked:
            self._mask(joined, flat, word_start)
        slot = np.fromiter(map(self._codes.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        kept = self._kept(flat, slot)
        slot[slot < 0] = -1
        kept_before = exclusive_cumsum(kept)  # per word, the kept words before it
        segments = [(np.arange(n), kept_before[first_word[:-1]], kept_before[first_word[1:]], np.full(n, -1))]
        if self.scheme is not None:
            marked = self._marked_segments(joined, text_start, lengths, word_start, widths, doc, kept_before, slow)
            segments.append(marked)
        text, start, end, mode = (np.concatenate(column) for column in zip(*segments))
        order = np.argsort(text, kind="stable")  # per text: its words, then its marked runs in their order
        text, start, end, mode = text[order], start[order], end[order], mode[order]
        keep = ~slow[text]
        text, start, end, mode = text[keep], start[keep], end[keep], mode[keep]
        run = end - start
        position = ranges(start, run)  # into the kept words
        token_doc = np.repeat(text, run)
        token_mode = np.repeat(mode, run)
        kept_at = np.flatnonzero(kept)
        base = slot[kept_at][position]
        token_slot = base.copy()
        copied = token_mode >= 0
        token_slot[copied] = np.where(base[copied] >= 0, self._marked[token_mode[copied], base[copied]], -1)
        for k in np.flatnonzero(copied & (base < 0)) if self._orphans else ():  # "MODE:w" without w: by string
            word = flat[int(kept_at[position[k]])]
            token_slot[k] = self._slots.get(f"{MODES_LIST[int(token_mode[k])]}:{word}", -1)
        found_docs, found_features = self.ngrams.counted(token_doc, token_slot)
        if slow.any():
            fallback = np.flatnonzero(slow)
            documents = word_documents(
                [normalized[i] for i in fallback.tolist()], self.tokenizer, self.masked, self.modality
            )
            docs, features = self.ngrams.occurrences(documents)
            found_docs.append(fallback[docs])
            found_features.append(features)
        return np.concatenate(found_docs), np.concatenate(found_features)

    @staticmethod
    def _mask(joined: str, flat: list[str], word_start: np.ndarray) -> None:
        """Digit-mask, in place, the words that hold a digit (found from the digits' places in ``joined``)."""
        digits = np.fromiter((m.start() for m in DIGIT.finditer(joined)), dtype=np.int64)
        if len(digits) and len(flat):
            for k in np.unique(np.searchsorted(word_start, digits, side="right") - 1).tolist():
                if k >= 0:  # a digit of a text with no words here lands on another word: masking is a no-op there
                    flat[k] = mask_digits(flat[k])

    def _kept(self, flat: list[str], slot: np.ndarray) -> np.ndarray:
        """Whether each word stays a token: vocabulary words by the model's table, words already known to be
        dropped (code -2) not, the others by the tokenizer. The dropped ones are remembered in ``_codes``
        (punctuation, mostly: a few hundred strings); once MAX_REMEMBERED_DROPPED are, no more are added."""
        kept = slot >= 0
        kept[kept] = self._known_kept[slot[kept]]
        unknown = np.flatnonzero(slot == -1)
        words = [flat[k] for k in unknown]
        distinct = set(words)
        stay = set(self.tokenizer.kept_words(list(distinct)))
        kept[unknown] = np.fromiter(map(stay.__contains__, words), dtype=bool, count=len(words))
        if len(self._codes) - len(self._slots) < MAX_REMEMBERED_DROPPED:
            self._codes.update((word, -2) for word in distinct - stay)
        return kept

    def _marked_segments(
        self,
        joined: str,
        text_start: np.ndarray,
        lengths: np.ndarray,
        word_start: np.ndarray,
        widths: np.ndarray,
        doc: np.ndarray,
        kept_before: np.ndarray,
        slow: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(text, first kept word, end, mode) of each marked run, in text, sentence and MODES order; texts where
        a sentence edge falls inside a word are added to ``slow``."""
        assert self.scheme is not None
        starts, classes = self.scheme.scan.places(joined)  # the cues and their classes
        empty = np.zeros(0, dtype=np.int64)
        if not starts:
            return empty, empty, empty, empty
        cue_at = np.asarray(starts, dtype=np.int64)
        cue_mode = np.fromiter(map(self._mode_of.__getitem__, classes), dtype=np.int64, count=len(classes))
        # where each run of sentence-ending characters ends (the ends of the scheme's ``ends`` matches)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ending = np.isin(codes, self._end_codes)
        ends = np.flatnonzero(ending & ~np.append(ending[1:], False)) + 1
        edges = np.unique(np.concatenate([text_start, ends]))  # where a sentence starts
        piece = np.searchsorted(edges, cue_at, side="right") - 1
        pairs = np.unique(piece * len(MODES) + cue_mode)  # each sentence's classes, sentences in order
        piece, mode = pairs // len(MODES), pairs % len(MODES)
        text = np.searchsorted(text_start, edges[piece], side="right") - 1
        text_end = text_start[text] + lengths[text]
        start = edges[piece]
        end = np.minimum(np.append(edges, np.iinfo(np.int64).max)[piece + 1], text_end)
        # the sentence's words: from the one that starts at its start to the one that ends at its end
        first = np.searchsorted(word_start, start)
        last = np.searchsorted(word_start, end)
        ok = last > first
        ok[ok] &= (word_start[first[ok]] == start[ok]) & (doc[first[ok]] == text[ok]) & (doc[last[ok] - 1] == text[ok])
        ok[ok] &= word_start[last[ok] - 1] + widths[last[ok] - 1] == end[ok]
        slow[text[~ok]] = True
        return text, kept_before[first], kept_before[last], mode
