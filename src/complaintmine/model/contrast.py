"""The contrast set: minimal pairs that test a model's decision boundaries, for evaluation only.

``corpora/contrast_set.csv`` holds team-written complaints and minimally edited variants that are not that
complaint (satisfied, resolved, a question, negated, hypothetical, someone else's problem, the courier not the
seller, no gift ever promised, lowest-price talk not disputed) and the reverse, in three registers (one-line
reviews of 15 characters or fewer, ordinary reviews, complaint-site posts). Each row names the label-spec rule
it tests (``rule``), the kind of edit (``variant``) and the register. Its split is ``contrast``: ``load_corpus``
never reads the file, so no model trains on it (Gardner et al., 2020, "Evaluating Models' Local Decision
Boundaries via Contrast Sets").

A complaint variant counts as right when the model gives it every issue label it has (extra labels are not
held against it here; micro-F1 counts them); a non-complaint variant counts as right when the model gives it
no issue label at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..corpus.load import canonical_labels, read_corpus_file
from ..errors import CorpusError, MissingColumnError
from ..labels import ISSUE_LABELS, labels_of, parse_labels
from ..text.width import display_width, pad
from .runtime import Model, score_texts

CONTRAST_FILE = "contrast_set.csv"
CONTRAST_COLUMNS = ("id", "group", "text", "labels", "presale", "rule", "variant", "register")


def load_contrast_set(path: str | Path) -> pd.DataFrame:
    """The contrast set at ``path`` (a file, or a corpus directory holding ``contrast_set.csv``), its labels
    canonical. Read as every corpus file is (:func:`read_corpus_file`): an unknown label is a CorpusError naming
    the file and the line its row starts on, as in ``team_written.csv``."""
    path = Path(path)
    if path.is_dir():
        path = path / CONTRAST_FILE
    if not path.is_file():
        raise CorpusError(f"{path}: no contrast set here")
    frame, lines = read_corpus_file(path)
    missing = [column for column in CONTRAST_COLUMNS if column not in frame.columns]
    if missing:
        raise MissingColumnError(path, missing[0], list(frame.columns))
    frame["labels"] = canonical_labels(path, frame, lines)  # a bad cell: CorpusError naming file and line
    return frame


def contrast_targets(frame: pd.DataFrame) -> np.ndarray:
    """Issue labels of the contrast set as a 0/1 matrix, columns in ``ISSUE_LABELS`` order."""
    return np.array([[name in parse_labels(cell) for name in ISSUE_LABELS] for cell in frame["labels"]], dtype=int)


def contrast_report(model: Model, frame: pd.DataFrame) -> dict[str, Any]:
    """Accuracy on the contrast set: overall for complaint and non-complaint variants, and per rule, variant and
    register (see the module docstring for what counts as right)."""
    gold = contrast_targets(frame)
    pred = score_texts(model, frame["text"].tolist()).decided.astype(int)[:, : len(ISSUE_LABELS)]
    complaint = gold.sum(axis=1) > 0
    right = np.where(complaint, (pred >= gold).all(axis=1), pred.sum(axis=1) == 0)
    table = frame.assign(right=right, complaint=complaint)

    def accuracy(rows: pd.DataFrame) -> dict[str, Any]:
        c, n = rows[rows["complaint"]], rows[~rows["complaint"]]
        return {
            "n": len(rows),
            "accuracy": float(rows["right"].mean()) if len(rows) else float("nan"),
            "complaint_n": len(c),
            "complaint_accuracy": float(c["right"].mean()) if len(c) else None,
            "non_complaint_n": len(n),
            "non_complaint_accuracy": float(n["right"].mean()) if len(n) else None,
        }

    report: dict[str, Any] = {"overall": accuracy(table)}
    for key in ("rule", "variant", "register"):
        report[f"by_{key}"] = {name: accuracy(rows) for name, rows in table.groupby(key, sort=True)}
    wrong = table[~table["right"]]
    report["errors"] = [
        {
            "id": row.id,
            "rule": row.rule,
            "variant": row.variant,
            "gold": row.labels,
            "predicted": labels_of(pred[i]),
        }
        for i, row in zip(np.flatnonzero(~right), wrong.itertuples(index=False))
    ]
    return report


def accuracy_cells(row: dict[str, Any]) -> tuple[str, str]:
    """Complaint and non-complaint accuracy of a report row as two-decimal text, empty where a side has no text."""
    complaint, non_complaint = row["complaint_accuracy"], row["non_complaint_accuracy"]
    return ("" if complaint is None else f"{complaint:.2f}", "" if non_complaint is None else f"{non_complaint:.2f}")


def format_contrast_report(report: dict[str, Any]) -> str:
    """A plain-text summary: the two headline accuracies, then accuracy per rule, register and variant. The row
    names (``rul:PH1``, ``var:other_party``; a contrast set of one's own may name them in Chinese) are padded to
    the widest one in terminal columns (text/width.py), so the numbers line up."""
    o = report["overall"]
    groups = [(key, f"by_{key}") for key in ("rule", "register", "variant")]
    names = {(key, name): f"{key[:3]}:{name}" for key, part in groups for name in report[part]}
    width = max([14, *map(display_width, names.values())])
    lines = [
        f"contrast set: {o['n']} texts; complaint variants {o['complaint_accuracy']:.3f} "
        f"({o['complaint_n']}), non-complaint variants {o['non_complaint_accuracy']:.3f} ({o['non_complaint_n']})",
        "",
        f"{pad('', width)} {'n':>5} {'all':>6} {'compl.':>7} {'non-c.':>7}",
    ]
    for key, part in groups:
        for name, row in report[part].items():
            c, n = accuracy_cells(row)
            lines.append(f"{pad(names[key, name], width)} {row['n']:>5} {row['accuracy']:>6.2f} {c:>7} {n:>7}")
        lines.append("")
    return "\n".join(lines).rstrip()
