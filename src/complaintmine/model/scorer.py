"""Scoring a trained model without scikit-learn: the arrays of a logistic-regression ComplaintClassifier.

Loading the full classifier means importing scikit-learn and having skops rebuild its estimators (about
1.3 s and 90 MB per process); scoring needs none of that. A fitted model reduces to, per feature kind, a
lookup from n-gram to feature index, the idf of each feature and the coefficients of each target. Those are
plain arrays here, saved with ``numpy.savez`` (no pickles), and scored as scikit-learn would:

    p = sigmoid(words_row @ coef_words + chars_row @ coef_chars + intercept)

where each row is the L2-normalised sublinear TF-IDF vector of its feature kind. Tests check the result
against ``ComplaintClassifier.predict_proba``.

N-grams are looked up as uint64 keys in a pandas hash index (about three times faster than probing a
NumPy hash table, and built once per process, before workers fork): character n-grams of up to three code
points pack into one key (21 bits each); word bigrams pack as a pair of unigram slots.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from ..text.normalize import normalize
from ..text.tokenizer import Tokenizer

_DIGIT = re.compile(r"\d")
WHITE_SPACE_RUNS = re.compile(r"\s\s+")  # scikit-learn's char analyzer squeezes these to one space
_BITS = 21  # every Unicode code point fits in 21 bits; three of them fit in a uint64
_BMP = 0x10000


def mask_digits(text: str) -> str:
    """Every digit becomes 0 (a model's ``mask_digits`` option): amounts and dates count as "a number"."""
    return _DIGIT.sub("0", text)


def prepare_inputs(
    texts: Sequence[str], tokenizer: Tokenizer, features: str, masked: bool
) -> tuple[list[str], list[str]]:
    """What the two vectorisers read: space-joined tokens and the normalised text (each digit-masked if asked).

    The single definition for training and both scoring paths, so they cannot drift apart.
    """
    normalized = [normalize(str(text)) for text in texts]  # once per text, for both feature kinds
    words = [" ".join(tokenizer.tokenize_normalized(t)) for t in normalized] if features != "chars" else []
    chars = normalized if features != "words" else []
    if masked:
        words, chars = _mask_all(words), _mask_all(chars)
    return words, chars


def _mask_all(texts: list[str]) -> list[str]:
    """mask_digits over many texts with one regex pass: normalised texts never hold NUL (a control character)."""
    masked = mask_digits("\x00".join(texts)).split("\x00")
    return masked if len(masked) == len(texts) else [mask_digits(text) for text in texts]


def pack_char_ngram(term: str) -> int:
    """The uint64 key of a character n-gram of 1 to 3 code points (left-aligned, 21 bits each)."""
    key = 0
    for offset, char in enumerate(term):
        key |= ord(char) << (_BITS * (2 - offset))
    return key


def pack_char_ngrams(codes: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Keys of the n-grams starting at ``starts`` in ``codes`` (uint64 code points), as :func:`pack_char_ngram`."""
    keys = codes[starts] << np.uint64(_BITS * 2)
    if n >= 2:
        keys |= codes[starts + 1] << np.uint64(_BITS)
    if n == 3:
        keys |= codes[starts + 2]
    return np.asarray(keys, dtype=np.uint64)


class KeyIndex:
    """uint64 keys -> int values (feature indices); -1 for a key not present."""

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        self.values = np.asarray(values, dtype=np.int64)
        self._index = pd.Index(np.asarray(keys, dtype=np.uint64))
        if not self._index.is_unique:
            raise ValueError("duplicate keys")
        self._index.get_indexer(self._index[:1])  # builds the hash table now, before any fork shares it

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        positions = self._index.get_indexer(pd.Index(np.asarray(keys, dtype=np.uint64)))
        found = np.full(len(positions), -1, dtype=np.int64)
        hit = positions >= 0
        found[hit] = self.values[positions[hit]]
        return found


def _weighted_sums(
    docs: np.ndarray, feature_ids: np.ndarray, n_docs: int, idf: np.ndarray, coef: np.ndarray
) -> np.ndarray:
    """Per document: (its L2-normalised sublinear TF-IDF row) @ coef, from (document, feature) occurrences."""
    width = len(idf)
    pairs, counts = np.unique(docs * width + feature_ids, return_counts=True)  # sorted by document
    doc, feature = pairs // width, pairs % width
    values = (np.log(counts) + 1.0) * idf[feature]
    norms = np.sqrt(np.bincount(doc, weights=values * values, minlength=n_docs))
    norms[norms == 0.0] = 1.0
    sums = np.zeros((n_docs, coef.shape[1]))
    if len(doc):
        first = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])  # where each document's pairs begin
        rows = np.take(coef, feature, axis=0)  # several times faster than coef[feature] for 2-D gathers
        sums[doc[first]] = np.add.reduceat(rows * (values / norms[doc])[:, None], first, axis=0)
    return sums


BATCH_CHARACTERS = 50_000


def _spans_of_at_most(budget: int, lengths: list[int]) -> list[tuple[int, int]]:
    """Consecutive [start, end) spans whose lengths sum to at most ``budget`` (or a single longer item)."""
    spans, start, used = [], 0, 0
    for i, length in enumerate(lengths):
        if i > start and used + length > budget:
            spans.append((start, i))
            start, used = i, 0
        used += length
    if start < len(lengths):
        spans.append((start, len(lengths)))
    return spans


class LinearScorer:
    """Probabilities of a logistic-regression ComplaintClassifier from its arrays (see the module docstring).

    Build with :meth:`from_classifier` (at save time) or :meth:`from_arrays` (at load time).
    """

    def __init__(self, arrays: dict[str, np.ndarray], tokenizer: Tokenizer, features: str, masked: bool):
        self.arrays = arrays
        self.tokenizer = tokenizer
        self.features = features
        self.masked = masked
        self.thresholds = np.asarray(arrays["thresholds"], dtype=np.float64)
        terms = arrays.get("word_terms")
        # Unigram slots: a dict, the fastest lookup for tokens that are Python strings already.
        self._slots = {term: slot for slot, term in enumerate(terms.tolist())} if terms is not None else {}
        self._chars = KeyIndex(arrays["char_keys"], arrays["char_values"]) if "char_keys" in arrays else None
        self._bigrams = KeyIndex(arrays["bigram_keys"], arrays["bigram_values"]) if "bigram_keys" in arrays else None
        self._dense_unigrams = np.full(_BMP, -1, dtype=np.int64)  # feature of each BMP character, -1 if none
        if "char_keys" in arrays:
            keys = np.asarray(arrays["char_keys"], dtype=np.uint64)
            codes = keys >> np.uint64(2 * _BITS)
            single = (keys == codes << np.uint64(2 * _BITS)) & (codes < _BMP)
            self._dense_unigrams[codes[single].astype(np.int64)] = arrays["char_values"][single]

    # -- building ----------------------------------------------------------------------------------------------

    @classmethod
    def from_classifier(cls, classifier: Any) -> LinearScorer | None:
        """The scorer of a fitted classifier, or None when its configuration has no array form here
        (a calibrated SVM or naive Bayes head, word n-grams beyond bigrams, character n-grams beyond 3)."""
        arrays = classifier_arrays(classifier)
        if arrays is None:
            return None
        return cls(arrays, classifier._tokenizer(), classifier.features, bool(classifier.mask_digits))

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], tokenizer: Tokenizer, params: dict[str, Any]) -> LinearScorer:
        return cls(arrays, tokenizer, str(params.get("features", "both")), bool(params.get("mask_digits", False)))

    # -- scoring -----------------------------------------------------------------------------------------------

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, n_targets), as ``ComplaintClassifier.predict_proba`` gives them."""
        a = self.arrays
        n = len(texts)
        logits = np.tile(a["intercept"], (n, 1)).astype(np.float64)
        if n == 0:
            return logits
        words, chars = prepare_inputs(texts, self.tokenizer, self.features, self.masked)
        # A batch's n-gram arrays take about 50 bytes per character: bound them, so that a chunk of long texts
        # does not raise the job's peak memory.
        for start, end in _spans_of_at_most(BATCH_CHARACTERS, [len(text) for text in chars or words]):
            if "word_idf" in a:
                docs, feature_ids = self._word_occurrences(words[start:end])
                logits[start:end] += _weighted_sums(docs, feature_ids, end - start, a["word_idf"], a["word_coef"])
            if "char_idf" in a:
                docs, feature_ids = self._char_occurrences(chars[start:end])
                logits[start:end] += _weighted_sums(docs, feature_ids, end - start, a["char_idf"], a["char_coef"])
        proba = 1.0 / (1.0 + np.exp(-logits))
        constant = ~np.isnan(a["constant"])
        proba[:, constant] = a["constant"][constant]
        return proba

    def _unigram_features(self, codes: np.ndarray) -> np.ndarray:
        assert self._chars is not None
        features: np.ndarray = self._dense_unigrams[np.minimum(codes, _BMP - 1).astype(np.int64)]
        beyond = codes >= _BMP
        if beyond.any():  # emoji and rare Han: through the hash index like any other n-gram
            features[beyond] = self._chars.lookup(codes[beyond] << np.uint64(2 * _BITS))
        return features

    def _char_occurrences(self, documents: list[str]) -> tuple[np.ndarray, np.ndarray]:
        assert self._chars is not None  # only called for models with character features
        low, high = (int(v) for v in self.arrays["char_ngram_range"])
        # One regex pass over the batch: NUL is not whitespace, so no run spans two documents.
        squeezed = WHITE_SPACE_RUNS.sub(" ", "\x00".join(documents)).split("\x00")
        documents = squeezed if len(squeezed) == len(documents) else [WHITE_SPACE_RUNS.sub(" ", d) for d in documents]
        lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
        codes = np.frombuffer("".join(documents).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        doc_of_char = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes), dtype=np.int64)  # chars left
        found_docs, found_features = [], []
        for n in range(low, high + 1):
            starts = np.flatnonzero(room >= n)
            if n == 1:  # a third of all lookups: index the dense table by code point instead of hashing
                features = self._unigram_features(codes)
            else:
                features = self._chars.lookup(pack_char_ngrams(codes, starts, n))
            hit = features >= 0
            found_docs.append(doc_of_char[starts[hit]])
            found_features.append(features[hit])
        return np.concatenate(found_docs), np.concatenate(found_features)

    def _word_occurrences(self, documents: list[str]) -> tuple[np.ndarray, np.ndarray]:
        a = self.arrays
        # Documents are tokens joined by single spaces: one split of the whole batch, and dict lookups driven
        # by map() (no Python frame per token).
        lengths = np.fromiter((d.count(" ") + 1 if d else 0 for d in documents), dtype=np.int64, count=len(documents))
        tokens = " ".join(d for d in documents if d).split(" ") if lengths.any() else []
        if len(tokens) != lengths.sum():  # not single-spaced after all: split each document
            tokens = [t for d in documents for t in d.split()]
            lengths = np.fromiter((len(d.split()) for d in documents), dtype=np.int64, count=len(documents))
        slots = np.fromiter(map(self._slots.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        doc_of_token = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        known = slots >= 0
        found_docs = [doc_of_token[known]]
        found_features = [a["word_features"][slots[known]].astype(np.int64)]
        if self._bigrams is not None:
            pairs = (doc_of_token[1:] == doc_of_token[:-1]) & known[1:] & known[:-1]
            keys = slots[:-1][pairs].astype(np.uint64) * np.uint64(len(self._slots)) + slots[1:][pairs].astype(
                np.uint64
            )
            features = self._bigrams.lookup(keys)
            hit = features >= 0
            found_docs.append(doc_of_token[:-1][pairs][hit])
            found_features.append(features[hit])
        return np.concatenate(found_docs), np.concatenate(found_features)


def classifier_arrays(classifier: Any) -> dict[str, np.ndarray] | None:
    """The arrays of a fitted ComplaintClassifier with a logistic-regression head, or None (see
    :meth:`LinearScorer.from_classifier`)."""
    head = classifier.head_
    names = {type(est).__name__ for est in head.estimators_}
    if not names <= {"LogisticRegression", "_ConstantProbability"} or not getattr(head, "_multilabel", True):
        return None
    words, chars = classifier.word_vectorizer_, classifier.char_vectorizer_
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    coef, intercept, constant = _head_weights(head)
    if words is not None:
        word_arrays = _word_arrays(words)
        if word_arrays is None:
            return None
        width = len(words.vocabulary_)
        arrays.update(word_arrays, word_idf=np.asarray(words.idf_, dtype=np.float64))
        arrays["word_coef"] = coef[offset : offset + width]
        offset += width
    if chars is not None:
        low, high = chars.ngram_range
        if high > 3:
            return None
        terms = list(chars.vocabulary_)
        keys = np.fromiter((pack_char_ngram(t) for t in terms), dtype=np.uint64, count=len(terms))
        values = np.fromiter((chars.vocabulary_[t] for t in terms), dtype=np.int32, count=len(terms))
        arrays["char_keys"], arrays["char_values"] = keys, values
        arrays["char_ngram_range"] = np.asarray([low, high], dtype=np.int64)
        arrays["char_idf"] = np.asarray(chars.idf_, dtype=np.float64)
        arrays["char_coef"] = coef[offset : offset + len(chars.vocabulary_)]
    arrays.update(intercept=intercept, constant=constant, thresholds=np.asarray(head.thresholds_, dtype=np.float64))
    return arrays


def _head_weights(head: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coefficients (n_features, n_targets), intercepts, and the fixed probability of constant targets (else NaN)."""
    width = head.n_features_in_
    coef = np.zeros((width, len(head.estimators_)), dtype=np.float64)
    intercept = np.zeros(len(head.estimators_), dtype=np.float64)
    constant = np.full(len(head.estimators_), np.nan)
    for t, est in enumerate(head.estimators_):
        if type(est).__name__ == "_ConstantProbability":
            constant[t] = est.positive
        else:
            coef[:, t] = np.asarray(est.coef_, dtype=np.float64).ravel()
            intercept[t] = float(np.asarray(est.intercept_).ravel()[0])
    return coef, intercept, constant


def _word_arrays(words: Any) -> dict[str, np.ndarray] | None:
    low, high = words.ngram_range
    if (low, high) not in ((1, 1), (1, 2)):
        return None
    unigrams = [term for term in words.vocabulary_ if " " not in term]
    slot_of = {term: slot for slot, term in enumerate(unigrams)}
    keys, values = [], []
    for term, index in words.vocabulary_.items():
        if " " in term:
            left, right = term.split(" ")
            if left not in slot_of or right not in slot_of:
                return None  # only min_df prunes here, which keeps a bigram's words; anything else: no arrays
            keys.append(slot_of[left] * len(unigrams) + slot_of[right])
            values.append(index)
    arrays = {
        "word_terms": np.asarray(unigrams, dtype=str),
        "word_features": np.asarray([words.vocabulary_[t] for t in unigrams], dtype=np.int32),
    }
    if high == 2:
        arrays["bigram_keys"] = np.asarray(keys, dtype=np.uint64)
        arrays["bigram_values"] = np.asarray(values, dtype=np.int32)
    return arrays
