"""Scoring a trained model without scikit-learn: the arrays of a logistic-regression ComplaintClassifier.

Loading the full classifier means importing scikit-learn and having skops rebuild its estimators (about
1.3 s and 90 MB per process); scoring needs none of that. A fitted model reduces to, per feature kind, a
lookup from n-gram to feature index, the idf of each feature and the coefficients of each target. Those are
plain arrays here, saved with ``numpy.savez`` (no pickles), and scored as scikit-learn would:

    p = sigmoid(words_row @ coef_words + chars_row @ coef_chars + intercept)

where each row is the L2-normalised sublinear TF-IDF vector of its feature kind, counted by the n-gram engine
(ngrams.py) that the classifier's transform and explanations use too. A model with boosted trees (forest.py)
also holds their node arrays, and the trees' probability is averaged in where ``p`` reaches their gate. Tests
check the result against ``ComplaintClassifier.predict_proba``.

A scorer is what the scoring core calls: ``predict_proba(texts) -> ndarray`` and ``thresholds``. A model
family with another scorer (one with the same two members) scores through the same core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..text.tokenizer import Tokenizer
from .forest import Forest
from .gated import Opened, gated_proba
from .keyindex import KeyIndex
from .ngrams import (
    CharNgrams,
    WordNgrams,
    char_documents,
    mask_digits,
    normalized_texts,
    pack_char_ngram,
    pack_char_ngrams,
    prepare_inputs,
    word_documents,
)
from .reader import Reader
from .tfidf import TfidfRows, tfidf_rows
from .word_batch import WordBatch

__all__ = [
    "BATCH_CHARACTERS",
    "FeatureKind",
    "Featurized",
    "KeyIndex",
    "LinearFeatures",
    "LinearScorer",
    "classifier_arrays",
    "mask_digits",
    "pack_char_ngram",
    "pack_char_ngrams",
    "prepare_inputs",
]

BATCH_CHARACTERS = 50_000
FAST_PATH_TEXTS = 64  # smaller batches (a one-row job) skip building the word fast path's tables


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


@dataclass(frozen=True)
class FeatureKind:
    """One feature kind of a linear model: its n-grams, their idf, and the weights per target (width, targets)."""

    ngrams: WordNgrams | CharNgrams
    idf: np.ndarray
    coef: np.ndarray


@dataclass(frozen=True)
class Featurized:
    """Texts as the model reads them (space-joined tokens, normalised text) and their TF-IDF rows per kind.
    ``words`` is empty where the word rows came from the fast path (word_batch.py) without them."""

    count: int
    words: list[str]
    chars: list[str]
    word_rows: TfidfRows | None
    char_rows: TfidfRows | None


class LinearFeatures:
    """Texts to TF-IDF rows for a linear model: tokenizer, digit masking and the two feature kinds."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        features: str,
        masked: bool,
        word: FeatureKind | None,
        char: FeatureKind | None,
        modality: str = "none",
    ):
        self.tokenizer = tokenizer
        self.features = features
        self.masked = masked
        self.modality = modality
        self.word = word
        self.char = char
        self._batch: WordBatch | Literal[False] | None = None  # the word fast path: built on first use

    def featurize(self, texts: Sequence[str], keep_words: bool = True) -> Featurized:
        """Feature rows of texts; ``keep_words=False`` lets a large batch take the word fast path (word_batch.py),
        which gives the same rows but not the space-joined tokens that explanations read."""
        normalized = normalized_texts(texts)
        batch = None if keep_words or len(texts) < FAST_PATH_TEXTS else self.word_batch()
        words = (
            []
            if batch is not None or self.word is None
            else word_documents(normalized, self.tokenizer, self.masked, self.modality)
        )
        chars = char_documents(normalized, self.features, self.masked)
        word_parts: list[TfidfRows] = []
        char_parts: list[TfidfRows] = []
        # A batch's n-gram arrays take about 50 bytes per character: bound them, so that a chunk of long texts
        # does not raise the job's peak memory.
        for start, end in _spans_of_at_most(BATCH_CHARACTERS, [len(text) for text in normalized]):
            if self.word is not None:
                if batch is not None:
                    occurrences = batch.occurrences(normalized[start:end])
                else:
                    occurrences = self.word.ngrams.occurrences(words[start:end])
                word_parts.append(tfidf_rows(occurrences, end - start, self.word.idf))
            if self.char is not None:
                occurrences = self.char.ngrams.occurrences(chars[start:end])
                char_parts.append(tfidf_rows(occurrences, end - start, self.char.idf))
        word_rows = TfidfRows.concat(word_parts, len(self.word.idf)) if self.word and word_parts else None
        char_rows = TfidfRows.concat(char_parts, len(self.char.idf)) if self.char and char_parts else None
        return Featurized(len(normalized), words, chars, word_rows, char_rows)

    def word_batch(self) -> WordBatch | None:
        """The word fast path of these features (word_batch.py), built on first use; None where it does not apply."""
        if self._batch is None and self.word is not None and isinstance(self.word.ngrams, WordNgrams):
            self._batch = WordBatch.of(self.word.ngrams, self.tokenizer, self.masked, self.modality) or False
        return self._batch or None

    def rows(self, featurized: Featurized, picked: np.ndarray | None = None) -> TfidfRows:
        """The texts' feature rows as the classifier's matrix holds them: word columns, then character columns
        (only the rows ``picked``, when given)."""
        parts = [rows for rows in (featurized.word_rows, featurized.char_rows) if rows is not None]
        assert parts, "a model has word or character features"
        if picked is not None:
            parts = [rows.take(picked) for rows in parts]
        return TfidfRows.hstack(*parts) if len(parts) == 2 else parts[0]

    def logits(self, featurized: Featurized, intercept: np.ndarray) -> np.ndarray:
        logits = np.tile(intercept, (featurized.count, 1)).astype(np.float64)
        for kind, rows in ((self.word, featurized.word_rows), (self.char, featurized.char_rows)):
            if kind is not None and rows is not None:
                logits += rows.dot(kind.coef)
        return logits


class LinearScorer:
    """Probabilities of a logistic-regression ComplaintClassifier from its arrays (see the module docstring).

    Build with :meth:`from_classifier` (at save time) or :meth:`from_arrays` (at load time).
    """

    def __init__(
        self, arrays: dict[str, np.ndarray], tokenizer: Tokenizer, features: str, masked: bool, modality: str = "none"
    ):
        self.arrays = arrays
        self.thresholds = np.asarray(arrays["thresholds"], dtype=np.float64)
        word = char = None
        if "word_idf" in arrays:
            ngrams: WordNgrams | CharNgrams = WordNgrams(
                arrays["word_terms"].tolist(),
                arrays["word_features"],
                arrays.get("bigram_keys"),
                arrays.get("bigram_values"),
                {},
            )
            word = FeatureKind(ngrams, np.asarray(arrays["word_idf"], dtype=np.float64), arrays["word_coef"])
        if "char_idf" in arrays:
            ngrams = CharNgrams(arrays["char_keys"], arrays["char_values"], arrays["char_ngram_range"], {})
            char = FeatureKind(ngrams, np.asarray(arrays["char_idf"], dtype=np.float64), arrays["char_coef"])
        self.space = LinearFeatures(tokenizer, features, masked, word, char, modality)
        self.forest = Forest.from_arrays(arrays)
        self.reader = Reader.from_arrays(arrays)

    @property
    def tokenizer(self) -> Tokenizer:
        return self.space.tokenizer

    # -- building ----------------------------------------------------------------------------------------------

    @classmethod
    def from_classifier(cls, classifier: Any) -> LinearScorer | None:
        """The scorer of a fitted classifier, or None when its configuration has no array form here
        (a calibrated SVM or naive Bayes head, word n-grams beyond bigrams, character n-grams beyond 3)."""
        arrays = classifier_arrays(classifier)
        if arrays is None:
            return None
        return cls(
            arrays,
            classifier._tokenizer(),
            classifier.features,
            bool(classifier.mask_digits),
            getattr(classifier, "modality", "none"),
        )

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], tokenizer: Tokenizer, params: dict[str, Any]) -> LinearScorer:
        return cls(
            arrays,
            tokenizer,
            str(params.get("features", "both")),
            bool(params.get("mask_digits", False)),
            str(params.get("modality", "none")),
        )

    # -- scoring -----------------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Build now what scoring a large batch builds on first use (the word fast path's tables), so that
        worker processes forked after this share it. (scipy, which the products of batches of 64 rows or more
        use, is left to each worker's first such batch: a job of small chunks never needs it.)"""
        self.space.word_batch()
        if self.reader is not None:
            self.reader.warm_up()

    def linear_proba(self, featurized: Featurized) -> np.ndarray:
        """The linear head's probabilities (before any forest is averaged in; what the forest's gate reads)."""
        proba: np.ndarray = 1.0 / (1.0 + np.exp(-self.space.logits(featurized, self.arrays["intercept"])))
        constant = ~np.isnan(self.arrays["constant"])
        proba[:, constant] = self.arrays["constant"][constant]
        return proba

    def proba(self, featurized: Featurized) -> np.ndarray:
        """Probabilities of texts already featurized (so explanations can reuse the same rows)."""
        return self.proba_opened(featurized)[0]

    def proba_opened(self, featurized: Featurized) -> tuple[np.ndarray, Opened]:
        """:meth:`proba`, and where the forest and the reader were averaged in (what explanations weigh in; see
        gated.py, which composes them as the classifier does)."""
        return gated_proba(
            self.linear_proba(featurized),
            self.forest,
            self.reader,
            self.thresholds,
            lambda picked: self.space.rows(featurized, picked),
            lambda picked: [featurized.chars[i] for i in picked],
        )

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, shape (n_texts, n_targets), as ``ComplaintClassifier.predict_proba`` gives them."""
        if len(texts) == 0:
            return np.zeros((0, len(self.thresholds)))
        return self.proba(self.space.featurize(texts, keep_words=False))


def classifier_arrays(classifier: Any) -> dict[str, np.ndarray] | None:
    """The arrays of a fitted ComplaintClassifier with a logistic-regression head, or None (see
    :meth:`LinearScorer.from_classifier`)."""
    from .ngrams import engine_of

    head = classifier.head_
    names = {type(est).__name__ for est in head.estimators_}
    if not names <= {"LogisticRegression", "_ConstantProbability"} or not getattr(head, "_multilabel", True):
        return None
    words, chars = classifier.word_vectorizer_, classifier.char_vectorizer_
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    coef, intercept, constant = _head_weights(head)
    if words is not None:
        engine = engine_of(words)
        if tuple(words.ngram_range) not in ((1, 1), (1, 2)) or not isinstance(engine, WordNgrams):
            return None
        if not engine.packable:
            return None  # only min_df prunes here, which keeps a bigram's words; anything else: no arrays
        width = len(words.vocabulary_)
        arrays["word_terms"] = np.asarray(engine.unigrams, dtype=str)
        arrays["word_features"] = engine.unigram_features.astype(np.int32)
        if engine.bigram_keys is not None and engine.bigram_features is not None:
            arrays["bigram_keys"] = engine.bigram_keys.astype(np.uint64)
            arrays["bigram_values"] = engine.bigram_features.astype(np.int32)
        arrays["word_idf"] = np.asarray(words.idf_, dtype=np.float64)
        arrays["word_coef"] = coef[offset : offset + width]
        offset += width
    if chars is not None:
        low, high = chars.ngram_range
        if high > 3:
            return None
        engine = engine_of(chars)
        assert isinstance(engine, CharNgrams)
        arrays["char_keys"], arrays["char_values"] = engine.keys, engine.features.astype(np.int32)
        arrays["char_ngram_range"] = np.asarray([low, high], dtype=np.int64)
        arrays["char_idf"] = np.asarray(chars.idf_, dtype=np.float64)
        arrays["char_coef"] = coef[offset : offset + len(chars.vocabulary_)]
    arrays.update(intercept=intercept, constant=constant, thresholds=np.asarray(head.thresholds_, dtype=np.float64))
    if getattr(classifier, "forest_", None) is not None:
        arrays.update(classifier.forest_)
    if getattr(classifier, "reader_", None) is not None:
        arrays.update(classifier.reader_)
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
