"""Scoring: texts or a DataFrame in, the output contract of ``complaintmine classify`` out.

Output columns, one row per input row, in input order: the id column (or ``row``), ``labels`` (issue labels
joined by ``|``, or ``other``), ``presale`` (1/0), ``p_<label>`` per issue label, and ``error`` (empty unless the
row could not be scored, e.g. an empty text; such rows keep their id and have empty predictions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MissingColumnError
from ..io.tables import ERROR_FIELD
from ..io.text_checks import surrogate_problem
from ..labels import ISSUE_LABELS, format_labels
from ..model.runtime import Model, score_texts

PROBABILITY_COLUMNS = [f"p_{name}" for name in ISSUE_LABELS]
OUTPUT_COLUMNS = ["labels", "presale", *PROBABILITY_COLUMNS, "error"]
DEFAULT_CHUNK = 2000
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Prediction:
    """The decision for one text: issue labels (empty means ``other``), presale, and probabilities."""

    labels: tuple[str, ...]
    presale: bool
    probabilities: dict[str, float]

    @property
    def label_string(self) -> str:
        return format_labels(self.labels)


def predict_texts(model: Model, texts: Sequence[str]) -> list[Prediction]:
    """Classify texts; every text gets a Prediction, in order."""
    scores = score_texts(model, texts)
    proba, decided = scores.proba, scores.decided
    result = []
    for row in range(len(texts)):
        issues = tuple(name for i, name in enumerate(ISSUE_LABELS) if decided[row, i])
        probabilities = {name: float(proba[row, i]) for i, name in enumerate(ISSUE_LABELS)}
        probabilities["presale"] = float(proba[row, -1])
        result.append(Prediction(issues, bool(decided[row, -1]), probabilities))
    return result


# The label string of every combination of issue decisions, indexed by the decisions as bits.
_LABEL_BITS = 1 << np.arange(len(ISSUE_LABELS))
_LABEL_STRINGS = np.array(
    [format_labels(n for i, n in enumerate(ISSUE_LABELS) if code >> i & 1) for code in range(1 << len(ISSUE_LABELS))],
    dtype=object,
)


def _cell_problem(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "empty text"
    if not isinstance(value, str):
        return f"text is not a string but {type(value).__name__}"  # not the value: it may be a phone number
    if not value.strip():
        return "empty text"
    return surrogate_problem(value)  # a lone surrogate cannot be tokenized or written: an error row, not a crash


def classify_frame(
    model: Model,
    frame: pd.DataFrame,
    text_column: str = "text",
    id_column: str | None = None,
    source: str = "<dataframe>",
    chunk_size: int = DEFAULT_CHUNK,
    progress: ProgressCallback | None = None,
    explain: bool = False,
    explain_top: int = 5,
) -> pd.DataFrame:
    """Score ``frame[text_column]``; see the module docstring for the output columns.

    With ``explain``, an ``evidence`` column holds, per row, a dict from each predicted target to its top
    contributing terms (``{"term", "weight", "spans"}``, spans into the original text); see model/explain.py.

    Raises MissingColumnError (naming ``source``) when a named column is absent.
    """
    visible = [c for c in frame.columns if c != ERROR_FIELD]
    for column in [text_column, id_column] if id_column else [text_column]:
        if column not in frame.columns:
            raise MissingColumnError(source, column, visible)
    n = len(frame)
    ids = frame[id_column].tolist() if id_column else list(range(n))
    errors: list[str] = [""] * n
    upstream = frame[ERROR_FIELD].tolist() if ERROR_FIELD in frame.columns else [None] * n
    scoreable: list[int] = []
    for i, (value, problem) in enumerate(zip(frame[text_column].tolist(), upstream)):
        reason = problem if isinstance(problem, str) and problem else _cell_problem(value)
        if reason:
            errors[i] = reason
        else:
            scoreable.append(i)
    labels = np.full(n, "", dtype=object)
    presale = np.zeros(n, dtype=np.int64)
    presale_missing = np.ones(n, dtype=bool)
    proba = np.full((n, len(ISSUE_LABELS)), np.nan)
    texts = frame[text_column].tolist()
    evidence: list[object] = [None] * n
    done = 0
    for start in range(0, len(scoreable), chunk_size):
        rows = np.asarray(scoreable[start : start + chunk_size], dtype=np.int64)
        scores = score_texts(model, [texts[i] for i in rows], explain=explain, top=explain_top)
        decided = scores.decided
        labels[rows] = _LABEL_STRINGS[decided[:, : len(ISSUE_LABELS)] @ _LABEL_BITS]
        presale[rows], presale_missing[rows] = decided[:, -1], False
        proba[rows] = scores.proba[:, : len(ISSUE_LABELS)]
        for row, found in zip(rows.tolist(), scores.evidence or ()):
            evidence[row] = {label: [e.to_dict() for e in items] for label, items in found.items()}
        done += len(rows)
        if progress:
            progress(done, len(scoreable))
    # Text columns stay object arrays: pandas would infer Arrow-backed strings, which writers then iterate
    # cell by cell several times slower.
    columns: dict[str, Any] = {
        id_column or "row": pd.Series(ids, dtype=object) if id_column else ids,
        "labels": pd.Series(labels, dtype=object),
        "presale": pd.arrays.IntegerArray(presale, presale_missing),
    }
    for i, column in enumerate(PROBABILITY_COLUMNS):
        columns[column] = np.round(proba[:, i], 6)
    columns["error"] = pd.Series(errors, dtype=object)
    out = pd.DataFrame(columns)
    if explain:
        out.insert(len(out.columns) - 1, "evidence", evidence)
    return out


def classify_texts(model: Model, texts: Sequence[str], explain: bool = False, explain_top: int = 5) -> pd.DataFrame:
    """Score a list of texts; the id column is ``row``. ``explain`` adds ``evidence`` as in :func:`classify_frame`."""
    return classify_frame(model, pd.DataFrame({"text": list(texts)}), explain=explain, explain_top=explain_top)
