"""Scoring: texts or a DataFrame in, the output contract of ``complaintmine classify`` out.

Output columns, one row per input row, in input order: the id column (or ``row``), ``labels`` (issue labels
joined by ``|``, or ``other``), ``presale`` (1/0), ``p_<label>`` per issue label, and ``error`` (empty unless the
row could not be scored, e.g. an empty text; such rows keep their id and have empty predictions). An id column
named like an output column (``labels``, ``error`` ...) comes out as ``input_<name>``, as kept columns do.
Probabilities are rounded to 6 decimals, as the CLI writes them (:func:`predict_texts` gives them unrounded).

The DataFrames returned have the index of the input (the frame, or a pandas Series of texts), so
``df["labels"] = classify_frame(model, df)["labels"]`` lands on the right rows after any filter or sort.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError, MissingColumnError
from ..io.readers import ERROR as ERROR_FIELD
from ..io.rows import Rows
from ..io.text_checks import surrogate_problem
from ..labels import ISSUE_LABELS, format_labels
from ..model.runtime import Model, check_model, is_dataframe, score_texts, texts_list

if TYPE_CHECKING:
    import pandas as pd

PROBABILITY_COLUMNS = [f"p_{name}" for name in ISSUE_LABELS]
OUTPUT_COLUMNS = ["labels", "presale", *PROBABILITY_COLUMNS, "error"]
_RESERVED = frozenset([*OUTPUT_COLUMNS, "evidence"])
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
    """Classify texts; every text gets a Prediction, in order, with unrounded probabilities.

    Raises InputError naming the first text that cannot be scored (empty, missing, not a string, a lone
    surrogate): a Prediction has no way to say a row was not scored. :func:`classify_texts` makes such rows
    error rows instead.
    """
    check_model(model)
    texts = texts_list(texts)
    for i, value in enumerate(texts):
        problem = None if isinstance(value, str) and value.strip() else text_problem(value)
        if problem:  # (a lone surrogate: score_texts names the character)
            raise InputError("<texts>", f"text {i}: {problem} (classify_texts marks such rows as errors instead)")
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


def text_of(values: Sequence[Any]) -> Any:
    """Join several text columns (title, body) with a newline; one column passes through unchanged."""
    if len(values) == 1:
        return values[0]
    parts = [str(v) for v in values if isinstance(v, str) and v.strip()]
    if parts:
        return "\n".join(parts)
    return next((v for v in values if v is not None and not isinstance(v, str)), "")


def _missing(value: object) -> bool:
    """None, a float NaN (NumPy's too), or pandas' NA / NaT (checked by type name: pandas need not be loaded)."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def text_problem(value: object) -> str | None:
    """Why a text cell cannot be scored (or have fields extracted), or None: empty, not a string, a lone surrogate."""
    if isinstance(value, str):
        if not value.strip():
            return "empty text"
        return surrogate_problem(value)  # a lone surrogate cannot be tokenized or written: an error row, not a crash
    if _missing(value):
        return "empty text"
    return f"text is not a string but {type(value).__name__}"  # not the value: it may be a phone number


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

    ``ids`` (default: 0, 1, ...) go into the first column, named ``id_name`` (``input_<id_name>`` where that is
    an output column's name); ``upstream`` holds, per row, why it could not be read (None if it could), which
    becomes its ``error``. A missing probability is NaN, a missing presale None.
    """
    check_model(model)
    texts = texts_list(texts)
    for name, value in (("chunk_size", chunk_size), ("explain_top", explain_top)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError("<texts>", f"{name} must be a whole number of at least 1, got {value!r}")
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
    out = Rows({output_id_name(id_name): list(ids) if ids is not None else list(range(n))}, n)
    out["labels"] = labels.tolist()
    out["presale"] = presale
    rounded = np.round(proba, 6)
    for i, column in enumerate(PROBABILITY_COLUMNS):
        out[column] = rounded[:, i].tolist()
    if explain:
        out["evidence"] = evidence
    out["error"] = errors
    return out


def output_id_name(id_column: str, also: Collection[str] = ()) -> str:
    """The name of the id column in the output: as given, or ``input_<name>`` where an output column has it (or
    one of ``also``, the columns a job adds, such as extracted fields)."""
    return f"input_{id_column}" if id_column in _RESERVED or id_column in also else id_column


def frame_of(rows: Rows, id_column: str | None = None, index: Any = None) -> pd.DataFrame:
    """Scored rows as the DataFrame the library returns: ``presale`` nullable Int64, probabilities float64 (NaN
    where missing), ``row`` int64 (without ``id_column``), every other column object (ids as given); indexed by
    ``index`` (default 0, 1, ...)."""
    dtypes = {"presale": "Int64", **dict.fromkeys(PROBABILITY_COLUMNS, "float64")}
    if id_column is None:
        dtypes["row"] = "int64"
    return rows.to_pandas(dtypes, index)


def _column_names(value: Any, what: str) -> tuple[Any, ...]:
    names = tuple(value) if isinstance(value, (list, tuple)) else (value,)
    if not names or any(name is None for name in names):
        raise InputError("<dataframe>", f"{what} must name a column (text_column: one or a list), got {value!r}")
    return names


def classify_frame(
    model: Model,
    frame: pd.DataFrame,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    source: str = "<dataframe>",
    chunk_size: int = DEFAULT_CHUNK,
    progress: ProgressCallback | None = None,
    explain: bool = False,
    explain_top: int = 5,
) -> pd.DataFrame:
    """Score ``frame[text_column]``; see the module docstring for the output columns. The result has the
    frame's index, so it can be assigned back to the frame (or joined to it) row by row.

    Several text columns (``text_column=["title", "body"]``) are joined as ``complaintmine classify`` joins them:
    their non-blank string cells, with a newline between. With ``explain``, an ``evidence`` column holds, per row,
    a dict from each predicted target to its top contributing terms (``{"term", "weight", "spans"}``, spans into
    the text scored); see model/explain.py. Probabilities are rounded to 6 decimals, as the CLI writes them.

    Raises MissingColumnError (naming ``source``) when a named column is absent, InputError when ``frame`` is
    not a DataFrame or a named column appears twice.
    """
    if not is_dataframe(frame):
        raise InputError(
            source, f"expected a pandas DataFrame, got {type(frame).__name__}; for a list of texts use classify_texts"
        )
    texts = _column_names(text_column, "text_column")
    if isinstance(id_column, (list, tuple)):
        raise InputError(source, f"id_column must name one column, got {id_column!r}")
    visible = [str(c) for c in frame.columns if c != ERROR_FIELD]
    for column in [*texts, id_column] if id_column is not None else texts:
        if column not in frame.columns:
            raise MissingColumnError(source, str(column), visible)
        if (frame.columns == column).sum() > 1:
            raise InputError(source, f"column {column!r} appears more than once")
    cells = [frame[name].tolist() for name in texts]
    rows = score_rows(
        model,
        cells[0] if len(cells) == 1 else [text_of(values) for values in zip(*cells)],
        frame[id_column].tolist() if id_column is not None else None,
        "row" if id_column is None else id_column,
        frame[ERROR_FIELD].tolist() if ERROR_FIELD in frame.columns else None,
        chunk_size,
        progress,
        explain,
        explain_top,
    )
    return frame_of(rows, id_column, frame.index)


def classify_texts(model: Model, texts: Sequence[str], explain: bool = False, explain_top: int = 5) -> pd.DataFrame:
    """Score a list of texts; the id column is ``row`` (0, 1, ...). ``explain`` adds ``evidence`` as in
    :func:`classify_frame`. A pandas Series of texts gives its index to the result."""
    index = texts.index if type(texts).__name__ == "Series" and hasattr(texts, "index") else None
    return frame_of(score_rows(model, texts, explain=explain, explain_top=explain_top), index=index)
