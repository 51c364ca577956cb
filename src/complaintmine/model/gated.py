"""The costlier models averaged in where the linear model is unsure: the one composition every path uses.

A model with boosted trees (forest.py) scores them on the cells (text, issue label) whose linear probability
reaches their gate and averages them in there (``Forest.blend``); a model with a character reader (reader.py) then
reads it on those of the gated cells where it can change the decision (``reader_cells``) and averages it in there
(``reader_blend``). The classifier (``ComplaintClassifier.predict_proba``), the scorer
(``LinearScorer.proba_opened``) and the explanations (``Explainer._opened``, which need where, not how much) all
go through :func:`find_gated`, so their probabilities and the cells they weigh in cannot drift apart.

Only the texts with a gated cell (a few percent of a review stream) are blended: the caller gives their feature
rows on demand (``rows``), so the scorer never builds the rows of the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .forest import Forest
from .reader import Reader, reader_blend, reader_cells
from .tfidf import TfidfRows

__all__ = ["Gated", "Opened", "find_gated", "gated_proba", "opened_cells"]

# Where scoring averaged the costlier models in (gated_proba): per text and forest label whether the forest was, and
# per text and target whether the reader was (None without a reader); None without a forest.
Opened = tuple[np.ndarray, np.ndarray | None] | None


@dataclass(frozen=True)
class Gated:
    """The texts' gated cells and what the forest makes of them (:func:`find_gated`)."""

    gated: np.ndarray  # per text and forest label: whether the forest is averaged in (Forest.gated)
    picked: np.ndarray  # the texts with a gated cell, ascending
    blended: np.ndarray  # the picked texts' probabilities (all targets) with the forest averaged in
    cells: np.ndarray | None  # the picked texts' cells the reader is read on (reader_cells); None without a reader

    def opened(self) -> Opened:
        """Where the forest and the reader are averaged in, per text (see :data:`Opened`)."""
        if self.cells is None:
            return self.gated, None
        read = np.zeros((len(self.gated), self.blended.shape[1]), dtype=bool)
        read[self.picked] = self.cells
        return self.gated, read


def find_gated(
    linear: np.ndarray,
    forest: Forest,
    reader: Reader | None,
    thresholds: np.ndarray,
    rows: Callable[[np.ndarray], TfidfRows],
) -> Gated:
    """The gated cells of texts with linear probabilities ``linear`` (all targets), the forest's average on the
    texts that have one, and the reader's cells among them; ``rows(picked)`` gives those texts' feature rows
    (the columns of the linear model: words, then characters)."""
    gated = forest.gated(linear)
    picked = np.flatnonzero(gated.any(axis=1))
    blended = linear[picked]
    if len(picked):
        found = rows(picked)
        blended = forest.blend(blended, found.indptr, found.indices, found.data)
    cells = None
    if reader is not None:
        cells = reader_cells(gated[picked], forest.labels, blended, thresholds, reader.weight)
    return Gated(gated, picked, blended, cells)


def opened_cells(
    linear: np.ndarray,
    forest: Forest,
    reader: Reader | None,
    thresholds: np.ndarray,
    rows: Callable[[np.ndarray], TfidfRows],
) -> Opened:
    """Where scoring averages the forest and the reader in (what explanations need): without a reader, the gate
    alone, so the forest is not scored for nothing; with one, :func:`find_gated`'s cells."""
    if reader is None:
        return forest.gated(linear), None
    return find_gated(linear, forest, reader, thresholds, rows).opened()


def gated_proba(
    linear: np.ndarray,
    forest: Forest | None,
    reader: Reader | None,
    thresholds: np.ndarray,
    rows: Callable[[np.ndarray], TfidfRows],
    documents: Callable[[np.ndarray], list[str]],
) -> tuple[np.ndarray, Opened]:
    """The model's probabilities, from the linear head's (``linear``, left unchanged) with the forest and the
    reader averaged in on their cells, and where they were (:data:`Opened`). ``rows(picked)``: the feature rows
    of the texts ``picked`` (see :func:`find_gated`); ``documents(picked)``: their character documents, what the
    reader reads (asked only for the texts with a reader cell)."""
    if forest is None:
        return linear, None
    found = find_gated(linear, forest, reader, thresholds, rows)
    proba = linear.copy()
    if len(found.picked):
        blended = found.blended
        if reader is not None and found.cells is not None:
            blended = reader_blend(reader, blended, found.cells, lambda mine: documents(found.picked[mine]))
        proba[found.picked] = blended
    return proba, found.opened()
