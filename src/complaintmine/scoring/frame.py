"""Scoring: texts or a DataFrame in, the output contract of ``complaintmine classify`` out.

Output columns, one row per input row, in input order: the id column (or ``row``), ``labels`` (issue labels
joined by ``|``, or ``other``), ``presale`` (1/0), ``p_<label>`` per issue label, and ``error`` (empty unless the
row could not be scored, e.g. an empty text; such rows keep their id and have empty predictions).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import MissingColumnError
from ..io.readers import ERROR as ERROR_FIELD
from ..io.rows import Rows
from ..io.text_checks import surrogate_problem
from ..labels import ISSUE_LABELS, format_labels
from ..model.runtime import Model, score_texts, texts_list

if TYPE_CHECKING:
    import pandas as pd

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


def text_problem(value: object) -> str | None:
    """Why a text cell cannot be scored (or have fields extracted), or None: empty, not a string, a lone surrogate."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "empty text"
    if not isinstance(value, str):
        return f"text is not a string but {type(value).__name__}"  # not the value: it may be a phone number
    if not value.strip():
        return "empty text"
    return surrogate_problem(value)  # a lone surrogate cannot be tokenized or written: an error row, not a crash


def score_rows(
    model: Model,
    texts: Sequence[Any],
    ids: Sequence[Any] | None = None,
    id_name: str = "row",
    upstream: Sequence[Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    progress: ProgressCallback | None = None,
    explain: bool = False,
    explain_top: int = 5,
) -> Rows:
    """The output rows (see the module docstring) of ``texts``, pandas-free: what ``classify`` writes.

    ``ids`` (default: 0, 1, ...) go into the first column, named ``id_name``; ``upstream`` holds, per row, why it
    could not be read (None if it could), which becomes its ``error``. A missing probability is NaN, a missing
    presale None.
    """
    texts = texts_list(texts)
    n = len(texts)
    errors: list[str] = [""] * n
    scoreable: list[int] = []
    for i, (value, problem) in enumerate(zip(texts, upstream if upstream is not None else [None] * n)):
        reason = problem if isinstance(problem, str) and problem else text_problem(value)
        if reason:
            errors[i] = reason
        else:
            scoreable.append(i)
    labels = np.full(n, "", dtype=object)
    presale: list[int | None] = [None] * n
    proba = np.full((n, len(ISSUE_LABELS)), np.nan)
    evidence: list[object] = [None] * n
    done = 0
    for start in range(0, len(scoreable), chunk_size):
        rows = np.asarray(scoreable[start : start + chunk_size], dtype=np.int64)
        scores = score_texts(model, [texts[i] for i in rows], explain=explain, top=explain_top)
        decided = scores.decided
        labels[rows] = _LABEL_STRINGS[decided[:, : len(ISSUE_LABELS)] @ _LABEL_BITS]
        for row, flag in zip(rows.tolist(), decided[:, -1].tolist()):
            presale[row] = int(flag)
        proba[rows] = scores.proba[:, : len(ISSUE_LABELS)]
        for row, found in zip(rows.tolist(), scores.evidence or ()):
            evidence[row] = {label: [e.to_dict() for e in items] for label, items in found.items()}
        done += len(rows)
        if progress:
            progress(done, len(scoreable))
    out = Rows({id_name: list(ids) if ids is not None else list(range(n))}, n)
    out["labels"] = labels.tolist()
    out["presale"] = presale
    rounded = np.round(proba, 6)
    for i, column in enumerate(PROBABILITY_COLUMNS):
        out[column] = rounded[:, i].tolist()
    if explain:
        out["evidence"] = evidence
    out["error"] = errors
    return out


def frame_of(rows: Rows, id_column: str | None = None) -> pd.DataFrame:
    """Scored rows as the DataFrame the library returns: ``presale`` nullable Int64, probabilities float64 (NaN
    where missing), ``row`` int64 (without ``id_column``), every other column object (ids as given)."""
    dtypes = {"presale": "Int64", **dict.fromkeys(PROBABILITY_COLUMNS, "float64")}
    if id_column is None:
        dtypes["row"] = "int64"
    return rows.to_pandas(dtypes)


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
    rows = score_rows(
        model,
        frame[text_column].tolist(),
        frame[id_column].tolist() if id_column else None,
        id_column or "row",
        frame[ERROR_FIELD].tolist() if ERROR_FIELD in frame.columns else None,
        chunk_size,
        progress,
        explain,
        explain_top,
    )
    return frame_of(rows, id_column)


def classify_texts(model: Model, texts: Sequence[str], explain: bool = False, explain_top: int = 5) -> pd.DataFrame:
    """Score a list of texts; the id column is ``row``. ``explain`` adds ``evidence`` as in :func:`classify_frame`."""
    return frame_of(score_rows(model, texts, explain=explain, explain_top=explain_top))
