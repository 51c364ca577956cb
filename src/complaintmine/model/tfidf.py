"""TF-IDF rows: the (document, feature) occurrences the n-gram engine finds, as L2-normalised sublinear TF-IDF
rows in CSR form (what scikit-learn's ``TfidfVectorizer`` gives), and the row operations scoring needs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

Occurrences = tuple[np.ndarray, np.ndarray]  # (document, feature) of every n-gram found in the vocabulary
COMPILED_ROWS = 64  # from this many rows on, TfidfRows.dot uses scipy's compiled product


@dataclass(frozen=True)
class TfidfRows:
    """L2-normalised TF-IDF rows in CSR parts (columns sorted within each row), without scipy."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Feature indices and values of row ``i``."""
        start, end = self.indptr[i], self.indptr[i + 1]
        return self.indices[start:end], self.data[start:end]

    def dot(self, coef: np.ndarray) -> np.ndarray:
        """``rows @ coef`` for a dense (width, k) ``coef``. Many rows go through scipy's compiled CSR product
        (:meth:`dot_compiled`, about four times faster: this was scoring's largest NumPy step after the n-gram
        lookups); a few rows, as a one-row job has, through :meth:`dot_reference`, so that such a job starts
        without importing scipy. The two add the same products in another order, so they agree to about 1e-14,
        not bit for bit (a test holds them to 1e-12, as the scorer is held to the classifier): a text's float64
        probabilities may differ in their last bits between a batch of fewer and one of more than 64 rows,
        far below the six decimals that output files keep. The same input and chunk size always give the same
        bits, whatever the number of workers."""
        if self.n_rows >= COMPILED_ROWS and len(self.indices):
            return self.dot_compiled(coef)
        return self.dot_reference(coef)

    def dot_reference(self, coef: np.ndarray) -> np.ndarray:
        """``rows @ coef`` in NumPy: the rows of ``coef`` gathered, weighed and summed per row."""
        sums = np.zeros((self.n_rows, coef.shape[1]))
        if len(self.indices):
            starts = self.indptr[:-1]
            present = np.flatnonzero(self.indptr[1:] > starts)
            rows = np.take(coef, self.indices, axis=0)  # several times faster than coef[idx] for 2-D gathers
            sums[present] = np.add.reduceat(rows * self.data[:, None], starts[present], axis=0)
        return sums

    def dot_compiled(self, coef: np.ndarray) -> np.ndarray:
        """``rows @ coef`` by scipy's CSR product (the same sums, added in another order)."""
        import scipy.sparse as sp

        matrix = sp.csr_matrix((self.data, self.indices, self.indptr), shape=(self.n_rows, self.width), copy=False)
        return np.asarray(matrix @ coef, dtype=np.float64)

    def take(self, rows: np.ndarray) -> TfidfRows:
        """The rows at indices ``rows`` (in that order)."""
        indptr, at = csr_take(self.indptr, rows)
        return TfidfRows(indptr, self.indices[at], self.data[at], self.width)

    def to_csr(self) -> sp.csr_matrix:
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices.astype(np.int32), self.indptr), shape=(self.n_rows, self.width))

    @staticmethod
    def hstack(left: TfidfRows, right: TfidfRows) -> TfidfRows:
        """The rows of ``left`` followed, column-wise, by those of ``right`` (as scipy's ``hstack`` of the two)."""
        n_left, n_right = np.diff(left.indptr), np.diff(right.indptr)
        indptr = np.zeros(left.n_rows + 1, dtype=np.int64)
        np.cumsum(n_left + n_right, out=indptr[1:])
        place_left = np.arange(len(left.indices)) - np.repeat(left.indptr[:-1] - indptr[:-1], n_left)
        place_right = np.arange(len(right.indices)) - np.repeat(right.indptr[:-1] - indptr[:-1] - n_left, n_right)
        indices = np.empty(len(left.indices) + len(right.indices), dtype=np.int64)
        data = np.empty(len(indices))
        indices[place_left], data[place_left] = left.indices, left.data
        indices[place_right], data[place_right] = right.indices + left.width, right.data
        return TfidfRows(indptr, indices, data, left.width + right.width)

    @staticmethod
    def concat(parts: Sequence[TfidfRows], width: int) -> TfidfRows:
        if len(parts) == 1:
            return parts[0]
        offsets = np.cumsum([0] + [len(p.indices) for p in parts])
        indptr = np.concatenate([p.indptr[:-1] + o for p, o in zip(parts, offsets)] + [offsets[-1:]])
        indices = np.concatenate([p.indices for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        data = np.concatenate([p.data for p in parts]) if parts else np.zeros(0)
        return TfidfRows(indptr.astype(np.int64), indices, data, width)


def exclusive_cumsum(values: np.ndarray) -> np.ndarray:
    """0, then the running sums of ``values`` (one longer than ``values``): where each run starts, and the end."""
    out = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(values, out=out[1:])
    return out


def ranges(starts: np.ndarray, lengths: np.ndarray, before: np.ndarray | None = None) -> np.ndarray:
    """The concatenation of ``arange(start, start + length)`` for each pair; ``before``: ``exclusive_cumsum(lengths)``
    when the caller has it."""
    before = exclusive_cumsum(lengths) if before is None else before
    return np.repeat(starts - before[:-1], lengths) + np.arange(before[-1], dtype=np.int64)


def csr_take(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the CSR rows at indices ``rows``: their indptr, and where their entries are in the full arrays."""
    counts = indptr[rows + 1] - indptr[rows]
    taken = exclusive_cumsum(counts)
    return taken, ranges(indptr[rows], counts, taken)


def tfidf_rows(occurrences: Occurrences, n_docs: int, idf: np.ndarray, sublinear: bool = True) -> TfidfRows:
    """TF-IDF rows from (document, feature) occurrences: (sublinear) tf times idf, L2-normalised per row."""
    docs, feature_ids = occurrences
    width = len(idf)
    pairs, counts = np.unique(docs * width + feature_ids, return_counts=True)  # sorted by document, then feature
    doc, feature = pairs // width, pairs % width
    tf = np.log(counts) + 1.0 if sublinear else counts.astype(np.float64)
    values = tf * idf[feature]
    norms = np.sqrt(np.bincount(doc, weights=values * values, minlength=n_docs))
    norms[norms == 0.0] = 1.0
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc, minlength=n_docs), out=indptr[1:])
    return TfidfRows(indptr, feature.astype(np.int64, copy=False), values / norms[doc], width)
