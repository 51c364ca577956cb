"""A faster ``TfidfVectorizer.transform`` for the two fitted vectorisers of a ComplaintClassifier.

scikit-learn counts n-grams in a Python loop with a try/except per n-gram; after segmentation that loop was
two thirds of scoring time. Character n-grams (n <= 3) are counted here without a Python loop per n-gram: each
n-gram of up to three code points (21 bits each) packs into one uint64 key, all keys of a batch are looked up
in the sorted vocabulary keys with ``searchsorted`` and counted with ``unique``. Word n-grams are counted per
document with ``collections.Counter``. The result equals scikit-learn's transform (tests compare them): same
vocabulary, same sublinear tf, idf weighting and L2 normalisation. Fitting still uses scikit-learn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .scorer import WHITE_SPACE_RUNS, pack_char_ngram, pack_char_ngrams


def _char_grams(text: str, low: int, high: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    size = len(text)
    for n in range(low, min(high, size) + 1):
        counts.update(text[i : i + n] for i in range(size - n + 1))
    return counts


def _word_grams(text: str, low: int, high: int) -> Counter[str]:
    tokens = text.split()
    counts: Counter[str] = Counter()
    for n in range(low, min(high, len(tokens)) + 1):
        if n == 1:
            counts.update(tokens)
        else:
            counts.update(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return counts


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


def _vocabulary_keys(vectorizer: Any) -> tuple[pd.Index, np.ndarray]:
    """A hash index of the packed vocabulary keys and their feature indices (cached on the vectoriser).

    pandas' hash-table lookup (``get_indexer``) is about four times faster here than ``searchsorted``.
    """
    cached = getattr(vectorizer, "_complaintmine_keys", None)
    if cached is None or cached[2] is not vectorizer.vocabulary_:
        keys = np.empty(len(vectorizer.vocabulary_), dtype=np.uint64)
        indices = np.empty(len(vectorizer.vocabulary_), dtype=np.int64)
        for position, (term, index) in enumerate(vectorizer.vocabulary_.items()):
            keys[position], indices[position] = pack_char_ngram(term), index
        cached = (pd.Index(keys), indices, vectorizer.vocabulary_)
        vectorizer._complaintmine_keys = cached
    return cached[0], cached[1]


def _char_counts(vectorizer: Any, documents: Sequence[str]) -> sp.csr_matrix:
    low, high = vectorizer.ngram_range
    documents = [WHITE_SPACE_RUNS.sub(" ", document) for document in documents]
    lengths = np.fromiter((len(d) for d in documents), dtype=np.int64, count=len(documents))
    codes = np.frombuffer("".join(documents).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc_of_char = np.repeat(np.arange(len(documents), dtype=np.int64), lengths)
    room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(codes), dtype=np.int64)  # chars left in doc
    vocab_keys, vocab_index = _vocabulary_keys(vectorizer)
    found_docs, found_features = [], []
    for n in range(low, high + 1):
        starts = np.flatnonzero(room >= n)
        slots = vocab_keys.get_indexer(pd.Index(pack_char_ngrams(codes, starts, n)))
        hit = slots >= 0
        found_docs.append(doc_of_char[starts[hit]])
        found_features.append(vocab_index[slots[hit]])
    return _csr_from_pairs(
        np.concatenate(found_docs), np.concatenate(found_features), len(documents), len(vectorizer.vocabulary_)
    )


def _counts_by_dict(vectorizer: Any, documents: Sequence[str], grams: Any) -> sp.csr_matrix:
    """Count each document's n-grams with ``grams(document, low, high)`` and look each up once."""
    low, high = vectorizer.ngram_range
    get = vectorizer.vocabulary_.get
    indptr = [0]
    indices: list[int] = []
    counts: list[int] = []
    for document in documents:
        for gram, count in grams(document, low, high).items():
            index = get(gram)
            if index is not None:
                indices.append(index)
                counts.append(count)
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(counts, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(documents), len(vectorizer.vocabulary_)),
    )


def _spaced_char_grams(document: str, low: int, high: int) -> Counter[str]:
    return _char_grams(WHITE_SPACE_RUNS.sub(" ", document), low, high)


def _word_keys(vectorizer: Any) -> tuple[pd.Index, np.ndarray, pd.Index, np.ndarray]:
    """Hash indexes of unigram strings and of bigrams packed as (unigram slot, unigram slot) pairs (cached)."""
    cached = getattr(vectorizer, "_complaintmine_words", None)
    if cached is None or cached[4] is not vectorizer.vocabulary_:
        unigrams = {term: index for term, index in vectorizer.vocabulary_.items() if " " not in term}
        uni_index = pd.Index(list(unigrams))
        uni_features = np.fromiter(unigrams.values(), dtype=np.int64, count=len(unigrams))
        keys, features = [], []
        for term, index in vectorizer.vocabulary_.items():
            if term.count(" ") == 1:
                left, right = term.split(" ")
                # min_df keeps a bigram only if both of its words are kept too (no max_df/max_features here)
                keys.append(uni_index.get_loc(left) * len(unigrams) + uni_index.get_loc(right))
                features.append(index)
        cached = (
            uni_index,
            uni_features,
            pd.Index(np.asarray(keys, dtype=np.int64)),
            np.asarray(features, dtype=np.int64),
            vectorizer.vocabulary_,
        )
        vectorizer._complaintmine_words = cached
    return cached[0], cached[1], cached[2], cached[3]


def _packable_words(vectorizer: Any) -> bool:
    """Bigrams pack as word-slot pairs only if both of their words are in the vocabulary (always, with min_df
    alone; max_df or max_features could drop a word and keep its bigram)."""
    try:
        _word_keys(vectorizer)
    except KeyError:
        return False
    return True


def _word_counts(vectorizer: Any, documents: Sequence[str]) -> sp.csr_matrix:
    uni_index, uni_features, bi_index, bi_features = _word_keys(vectorizer)
    split = [document.split() for document in documents]
    lengths = np.fromiter((len(tokens) for tokens in split), dtype=np.int64, count=len(split))
    slots = uni_index.get_indexer(pd.Index([token for tokens in split for token in tokens], dtype=object))
    doc_of_token = np.repeat(np.arange(len(split), dtype=np.int64), lengths)
    known = slots >= 0
    found_docs = [doc_of_token[known]]
    found_features = [uni_features[slots[known]]]
    same_doc = doc_of_token[1:] == doc_of_token[:-1]
    pairs = same_doc & known[1:] & known[:-1]
    bi_slots = bi_index.get_indexer(slots[:-1][pairs] * len(uni_index) + slots[1:][pairs])
    hit = bi_slots >= 0
    found_docs.append(doc_of_token[:-1][pairs][hit])
    found_features.append(bi_features[bi_slots[hit]])
    return _csr_from_pairs(
        np.concatenate(found_docs), np.concatenate(found_features), len(documents), len(vectorizer.vocabulary_)
    )


def _csr_from_pairs(docs: np.ndarray, feature_ids: np.ndarray, n_docs: int, width: int) -> sp.csr_matrix:
    """Counts of (document, feature) pairs as a CSR matrix with sorted rows."""
    unique, counts = np.unique(docs * width + feature_ids, return_counts=True)
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(unique // width, minlength=n_docs), out=indptr[1:])
    return sp.csr_matrix((counts.astype(np.float64), (unique % width).astype(np.int32), indptr), shape=(n_docs, width))


def transform(vectorizer: Any, documents: Sequence[str]) -> sp.csr_matrix:
    """TF-IDF rows for ``documents`` exactly as ``vectorizer.transform`` would compute them."""
    if vectorizer.analyzer == "char" and vectorizer.ngram_range[1] <= 3:
        matrix = _char_counts(vectorizer, documents)
    elif vectorizer.analyzer == "char":  # n-grams longer than 3 do not pack into a uint64
        matrix = _counts_by_dict(vectorizer, documents, _spaced_char_grams)
    elif tuple(vectorizer.ngram_range) in ((1, 1), (1, 2)) and _packable_words(vectorizer):
        matrix = _word_counts(vectorizer, documents)
    else:
        matrix = _counts_by_dict(vectorizer, documents, _word_grams)
    matrix.sum_duplicates()
    data = matrix.data
    if vectorizer.sublinear_tf:
        data = np.log(data) + 1.0
    data = data * np.asarray(vectorizer.idf_, dtype=np.float64)[matrix.indices]
    matrix = sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    matrix = sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)
    matrix.sort_indices()
    return matrix
