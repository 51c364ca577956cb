"""The n-gram engine: (document, feature) occurrences of word and character n-grams, and their TF-IDF rows.

Training fits scikit-learn's ``TfidfVectorizer`` (vocabulary and idf). Everything after that counts n-grams
here: the classifier's transform, the NumPy scorer and explanations, so the three agree by construction. The
result equals scikit-learn's transform (tests compare them): same analyzers, sublinear tf, idf weighting and
L2 normalisation. Imports NumPy only (scipy only to hand the classifier a sparse matrix).

Lookups avoid a Python step per n-gram: character n-grams of up to three code points (21 bits each) pack into
one uint64 key, word bigrams into a pair of unigram slots, and all keys of a batch are looked up at once in a
NumPy hash table (keyindex.py). Longer n-grams (other configurations than the shipped one) are counted per document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from ..text.modality import SCHEMES, words_with_modality_joined
from ..text.normalize import normalize
from .keyindex import KeyIndex
from .tfidf import Occurrences, tfidf_rows

if TYPE_CHECKING:
    import scipy.sparse as sp

    from ..text.tokenizer import Tokenizer

DIGIT = re.compile(r"\d")  # what mask_digits replaces
WHITE_SPACE_RUNS = re.compile(r"\s\s+")  # scikit-learn's char analyzer squeezes these to one space
_NOT_SINGLE_SPACED = re.compile(r"[^\S ]|  |^ | $")
_BITS = 21  # every Unicode code point fits in 21 bits; three of them fit in a uint64
_BMP = 0x10000
_MASK = (1 << _BITS) - 1


# -- what the n-grams are read from ------------------------------------------------------------------------------


def mask_digits(text: str) -> str:
    """Every digit becomes 0 (a model's ``mask_digits`` option): amounts and dates count as "a number"."""
    return DIGIT.sub("0", text)


def prepare_inputs(
    texts: Sequence[str], tokenizer: Tokenizer, features: str, masked: bool, modality: str = "none"
) -> tuple[list[str], list[str]]:
    """What the two feature kinds read: space-joined tokens and the normalised text (each digit-masked if asked).

    With ``modality`` a scheme of text/modality.SCHEMES ("sentence", "sentence-2", "clause") the tokens are
    followed by the modality-marked tokens of each sentence or clause that holds a cue. The single definition
    for training, scoring and explanations, so they cannot drift apart.
    """
    normalized = normalized_texts(texts)
    words = word_documents(normalized, tokenizer, masked, modality) if features != "chars" else []
    return words, char_documents(normalized, features, masked)


def normalized_texts(texts: Sequence[object]) -> list[str]:
    """What both feature kinds read from, before masking: each text normalised once (:func:`prepare_inputs`)."""
    return [normalize(str(text)) for text in texts]


def char_documents(normalized: list[str], features: str, masked: bool) -> list[str]:
    """The character part of :func:`prepare_inputs`, for texts already normalised."""
    if features == "words":
        return []
    return _mask_all(normalized) if masked else normalized


def word_documents(normalized: Sequence[str], tokenizer: Tokenizer, masked: bool, modality: str) -> list[str]:
    """The word part of :func:`prepare_inputs`, for texts already normalised."""
    if modality in SCHEMES:
        segment = tokenizer.tokenize_normalized_pieces
        words = [words_with_modality_joined(t, segment, modality) for t in normalized]
    elif modality == "none":
        words = [" ".join(tokenizer.tokenize_normalized(t)) for t in normalized]
    else:
        raise ValueError(f"modality must be one of {('none', *SCHEMES)}, got {modality!r}")
    return _mask_all(words) if masked else words


def _mask_all(texts: list[str]) -> list[str]:
    """mask_digits over many texts with one regex pass: normalised texts never hold NUL (a control character)."""
    masked = mask_digits("\x00".join(texts)).split("\x00")
    return masked if len(masked) == len(texts) else [mask_digits(text) for text in texts]


# -- keys --------------------------------------------------------------------------------------------------------


def pack_char_ngram(term: str) -> int:
    """The uint64 key of a character n-gram of 1 to 3 code points (left-aligned, 21 bits each)."""
    key = 0
    for offset, char in enumerate(term):
        key |= ord(char) << (_BITS * (2 - offset))
    return key


def unpack_char_ngram(key: int) -> str:
    """The n-gram of a key from :func:`pack_char_ngram` (code point 0 never occurs in normalised text)."""
    codes = [(key >> (_BITS * (2 - offset))) & _MASK for offset in range(3)]
    return "".join(chr(code) for code in codes if code)


def pack_char_ngrams(codes: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Keys of the n-grams starting at ``starts`` in ``codes`` (uint64 code points), as :func:`pack_char_ngram`."""
    keys = codes[starts] << np.uint64(_BITS * 2)
    if n >= 2:
        keys |= codes[starts + 1] << np.uint64(_BITS)
    if n == 3:
        keys |= codes[starts + 2]
    return np.asarray(keys, dtype=np.uint64)


def bigram_keys(left: np.ndarray, right: np.ndarray, n_unigrams: int) -> np.ndarray:
    """Keys of word bigrams from the slots of their two words (the one packing of bigrams)."""
    return np.asarray(left, dtype=np.uint64) * np.uint64(n_unigrams) + np.asarray(right, dtype=np.uint64)


def _long_occurrences(
    documents: Sequence[str], terms: dict[str, int], sizes: Iterable[int], grams: Any
) -> tuple[list[int], list[int]]:
    """Occurrences of vocabulary n-grams that have no packed key, counted per document."""
    docs: list[int] = []
    found: list[int] = []
    get = terms.get
    for doc, document in enumerate(documents):
        for n in sizes:
            for gram in grams(document, n):
                feature = get(gram)
                if feature is not None:
                    docs.append(doc)
                    found.append(feature)
    return docs, found


def _sizes(terms: Iterable[str], size: Any) -> list[int]:
    return sorted({size(term) for term in terms})


class CharNgrams:
    """Character n-grams of a vocabulary: n-grams of up to 3 code points as packed keys, longer ones by string."""

    def __init__(self, keys: np.ndarray, features: np.ndarray, ngram_range: Any, long: dict[str, int]):
        self.keys = np.asarray(keys, dtype=np.uint64)
        self.features = np.asarray(features, dtype=np.int64)
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.long = long
        self._long_sizes = _sizes(long, len)
        self._index = KeyIndex(self.keys, self.features)
        self._dense_unigrams = np.full(_BMP, -1, dtype=np.int64)  # feature of each BMP character, -1 if none
        codes = self.keys >> np.uint64(2 * _BITS)
        single = (self.keys == codes << np.uint64(2 * _BITS)) & (codes < _BMP)
        self._dense_unigrams[codes[single].astype(np.int64)] = self.features[single]

    @classmethod
    def from_vocabulary(cls, vocabulary: dict[str, int], ngram_range: Sequence[int]) -> CharNgrams:
        short = [term for term in vocabulary if len(term) <= 3]
        keys = np.fromiter((pack_char_ngram(t) for t in short), dtype=np.uint64, count=len(short))
        features = np.fromiter((vocabulary[t] for t in short), dtype=np.int64, count=len(short))
        return cls(keys, features, ngram_range, {t: i for t, i in vocabulary.items() if len(t) > 3})

    def term(self, feature: int) -> str:
        """The n-gram of a feature index (for explanations)."""
        position = _position_of(self, self.features, feature)
        if position >= 0:
            return unpack_char_ngram(int(self.keys[position]))
        return _long_term(self, feature)

    def _unigram_features(self, codes: np.ndarray) -> np.ndarray:
        features: np.ndarray = self._dense_unigrams[np.minimum(codes, _BMP - 1).astype(np.int64)]
        beyond = codes >= _BMP
        if beyond.any():  # emoji and rare Han: through the hash index like any other n-gram
            features[beyond] = self._index.lookup(codes[beyond] << np.uint64(2 * _BITS))
        return features

    def _short_grams(self, joined: str, lengths: np.ndarray) -> Iterator[tuple[np.ndarray, int, np.ndarray]]:
        """Per n up to 3: the start (in ``joined``, documents of ``lengths`` laid end to end) and the feature of
        every n-gram in the vocabulary; no n-gram crosses from one document into the next."""
        low, high = self.ngram_range
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes), dtype=np.int64)  # chars left
        for n in range(low, min(high, 3) + 1):
            starts = np.flatnonzero(room >= n)
            if n == 1:  # a third of all lookups: index the dense table by code point instead of hashing
                features = self._unigram_features(codes)
            else:
                features = self._index.lookup(pack_char_ngrams(codes, starts, n))
            hit = features >= 0
            yield starts[hit], n, features[hit]

    def positions(self, document: str) -> list[np.ndarray]:
        """[starts, lengths, features] of the vocabulary n-grams of up to 3 characters (not ``long``) in one
        normalised text, for explanations: what :meth:`occurrences` counts, with where."""
        found = [(s, np.full(len(s), n), f) for s, n, f in self._short_grams(document, np.asarray([len(document)]))]
        return [np.concatenate([f[i] for f in found] or [np.zeros(0, dtype=np.int64)]) for i in range(3)]

    def occurrences(self, documents: Sequence[str]) -> Occurrences:
        # One regex pass over the batch: NUL is not whitespace, so no run spans two documents.
        squeezed = WHITE_SPACE_RUNS.sub(" ", "\x00".join(documents)).split("\x00")
        documents = squeezed if len(squeezed) == len(documents) else [WHITE_SPACE_RUNS.sub(" ", d) for d in documents]
        lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
        doc_of_char = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
        found_docs, found_features = [], []
        for starts, _n, features in self._short_grams("".join(documents), lengths):
            found_docs.append(doc_of_char[starts])
            found_features.append(features)
        if self._long_sizes:
            docs, long_features = _long_occurrences(
                documents, self.long, self._long_sizes, lambda d, n: (d[i : i + n] for i in range(len(d) - n + 1))
            )
            found_docs.append(np.asarray(docs, dtype=np.int64))
            found_features.append(np.asarray(long_features, dtype=np.int64))
        return np.concatenate(found_docs), np.concatenate(found_features)


class WordNgrams:
    """Word n-grams of a vocabulary over space-joined tokens: unigrams by dict, bigrams as packed slot pairs
    (when both words are in the vocabulary, as ``min_df`` alone ensures), anything else by string."""

    def __init__(
        self,
        unigrams: Sequence[str],
        unigram_features: np.ndarray,
        bigram_keys: np.ndarray | None,
        bigram_features: np.ndarray | None,
        long: dict[str, int],
    ):
        self.unigrams = list(unigrams)
        self.unigram_features = np.asarray(unigram_features, dtype=np.int64)
        # Unigram slots: a dict, the fastest lookup for tokens that are Python strings already.
        self._slots = {term: slot for slot, term in enumerate(self.unigrams)}
        self.bigram_keys = bigram_keys
        self.bigram_features = bigram_features
        self._bigrams = (
            KeyIndex(bigram_keys, bigram_features) if bigram_keys is not None and bigram_features is not None else None
        )
        self.long = long
        self._long_sizes = _sizes(long, lambda term: term.count(" ") + 1)

    @classmethod
    def from_vocabulary(cls, vocabulary: dict[str, int], ngram_range: Sequence[int]) -> WordNgrams:
        unigrams = [term for term in vocabulary if " " not in term]
        slot_of = {term: slot for slot, term in enumerate(unigrams)}
        left, right, features, long = [], [], [], {}
        for term, index in vocabulary.items():
            words = term.split(" ")
            if len(words) == 2 and words[0] in slot_of and words[1] in slot_of:
                left.append(slot_of[words[0]])
                right.append(slot_of[words[1]])
                features.append(index)
            elif len(words) > 1:
                long[term] = index
        packed = int(ngram_range[1]) >= 2
        return cls(
            unigrams,
            np.asarray([vocabulary[t] for t in unigrams], dtype=np.int64),
            bigram_keys(np.asarray(left), np.asarray(right), len(unigrams)) if packed else None,
            np.asarray(features, dtype=np.int64) if packed else None,
            long,
        )

    @property
    def slots(self) -> dict[str, int]:
        """Unigram -> its slot (position in ``unigrams``); read-only by convention."""
        return self._slots

    @property
    def packable(self) -> bool:
        """Whether every n-gram has a packed key (what the scorer's arrays can hold)."""
        return not self.long

    def term(self, feature: int) -> str:
        """The n-gram of a feature index, tokens joined by a space (for explanations)."""
        slot = _position_of(self, self.unigram_features, feature, "_unigram_positions")
        if slot >= 0:
            return self.unigrams[slot]
        if self.bigram_keys is not None and self.bigram_features is not None:
            position = _position_of(self, self.bigram_features, feature, "_bigram_positions")
            if position >= 0:
                key, n = int(self.bigram_keys[position]), len(self.unigrams)
                return f"{self.unigrams[key // n]} {self.unigrams[key % n]}"
        return _long_term(self, feature)

    def counted(self, doc_of_token: np.ndarray, slots: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Unigram and bigram occurrences (documents, features) of a token sequence given as unigram slots (-1 for
        a token the vocabulary lacks) and the document of each token."""
        known = slots >= 0
        found_docs = [doc_of_token[known]]
        found_features = [self.unigram_features[slots[known]]]
        if self._bigrams is not None:
            pairs = (doc_of_token[1:] == doc_of_token[:-1]) & known[1:] & known[:-1]
            features = self._bigrams.lookup(bigram_keys(slots[:-1][pairs], slots[1:][pairs], len(self._slots)))
            hit = features >= 0
            found_docs.append(doc_of_token[:-1][pairs][hit])
            found_features.append(features[hit])
        return found_docs, found_features

    def occurrences(self, documents: Sequence[str]) -> Occurrences:
        # Documents are tokens joined by single spaces: one split of the whole batch, and dict lookups driven
        # by map() (no Python frame per token).
        lengths = np.fromiter((d.count(" ") + 1 if d else 0 for d in documents), dtype=np.int64, count=len(documents))
        joined = " ".join(d for d in documents if d)
        tokens = joined.split(" ") if lengths.any() else []
        if _NOT_SINGLE_SPACED.search(joined):  # other white space, or empty tokens: split each document
            tokens = [t for d in documents for t in d.split()]
            lengths = np.fromiter((len(d.split()) for d in documents), dtype=np.int64, count=len(documents))
        slots = np.fromiter(map(self._slots.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        found_docs, found_features = self.counted(np.repeat(np.arange(len(documents), dtype=np.int64), lengths), slots)
        if self._long_sizes:

            def grams(document: str, n: int) -> Iterable[str]:
                words = document.split()
                return (" ".join(words[i : i + n]) for i in range(len(words) - n + 1))

            docs, found = _long_occurrences(documents, self.long, self._long_sizes, grams)
            found_docs.append(np.asarray(docs, dtype=np.int64))
            found_features.append(np.asarray(found, dtype=np.int64))
        return np.concatenate(found_docs), np.concatenate(found_features)


def _position_of(owner: Any, features: np.ndarray, feature: int, cache: str = "_positions") -> int:
    """Where ``feature`` is in ``features`` (-1 if absent), through an inverse array built on first use."""
    positions = owner.__dict__.get(cache)
    if positions is None:
        positions = np.full(int(features.max()) + 1 if len(features) else 0, -1, dtype=np.int64)
        positions[features] = np.arange(len(features))
        owner.__dict__[cache] = positions
    return int(positions[feature]) if 0 <= feature < len(positions) else -1


def _long_term(owner: Any, feature: int) -> str:
    inverse = owner.__dict__.get("_long_inverse")
    if inverse is None:
        inverse = owner.__dict__["_long_inverse"] = {index: term for term, index in owner.long.items()}
    return str(inverse[feature])


# -- scikit-learn's vectorisers ----------------------------------------------------------------------------------


def supported(vectorizer: Any) -> bool:
    """Whether :func:`transform` reproduces this vectoriser (the configurations ComplaintClassifier builds)."""
    params = vectorizer.get_params()
    word_mode = params["analyzer"] == "word" and params["token_pattern"] == r"\S+" and params["tokenizer"] is None
    return (
        (word_mode or params["analyzer"] == "char")
        and not params["lowercase"]
        and params["preprocessor"] is None
        and params["stop_words"] is None
        and params["use_idf"]
        and params["norm"] == "l2"
        and params["binary"] is False
        and hasattr(vectorizer, "vocabulary_")
    )


def engine_of(vectorizer: Any) -> CharNgrams | WordNgrams:
    """The n-gram engine of a fitted vectoriser (cached on it while its vocabulary stays the same object)."""
    cached = getattr(vectorizer, "_complaintmine_engine", None)
    if cached is None or cached[1] is not vectorizer.vocabulary_:
        kind = CharNgrams if vectorizer.analyzer == "char" else WordNgrams
        cached = (kind.from_vocabulary(vectorizer.vocabulary_, vectorizer.ngram_range), vectorizer.vocabulary_)
        vectorizer._complaintmine_engine = cached
    return cached[0]


def transform(vectorizer: Any, documents: Sequence[str]) -> sp.csr_matrix:
    """TF-IDF rows for ``documents`` exactly as ``vectorizer.transform`` would compute them."""
    idf = np.asarray(vectorizer.idf_, dtype=np.float64)
    occurrences = engine_of(vectorizer).occurrences(documents)
    return tfidf_rows(occurrences, len(documents), idf, bool(vectorizer.sublinear_tf)).to_csr()
