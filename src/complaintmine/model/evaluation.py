"""Metrics: per-label precision/recall/F1 with support, micro/macro F1 over the five issues, presale accuracy,
and expected calibration error per label (scikit-learn's metric functions throughout)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

from ..labels import ISSUE_LABELS

N_ISSUES = len(ISSUE_LABELS)


def expected_calibration_error(y_true: np.ndarray, proba: np.ndarray, bins: int = 10) -> float:
    """ECE with equal-width probability bins: sum over bins of |accuracy - confidence| weighted by bin size."""
    y_true = np.asarray(y_true, dtype=float)
    proba = np.asarray(proba, dtype=float)
    if len(proba) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(proba, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.mean() * abs(y_true[mask].mean() - proba[mask].mean())
    return float(total)


def undefined_metrics(support: int, predicted: int) -> list[str]:
    """Which of a label's precision, recall and F1 have nothing to measure (0/0) with ``support`` texts of the label
    and ``predicted`` texts given it: precision with none predicted, recall with none in the texts, and all three
    with neither. They are written as 0 (scikit-learn's ``zero_division``), which is no failure of the model: a
    label the texts lack and the model never gives scores 0 everywhere. With none in the texts but some predicted,
    precision and F1 are 0 by measurement (each prediction was wrong); only recall has nothing to measure."""
    if not support and not predicted:
        return ["precision", "recall", "f1"]
    return ["precision"] * (not predicted) + ["recall"] * (not support)


def compute_metrics(Y_true: np.ndarray, Y_pred: np.ndarray, proba: np.ndarray | None = None) -> dict[str, Any]:
    """Metrics for target matrices laid out as ``TARGETS`` (five issue columns, then presale).

    ``undefined``, in each label's entry and at the top level, names the figures there that had nothing to measure
    (0/0) and are written as 0: per label, see :func:`undefined_metrics`; at the top, micro- and macro-F1 when no
    text has an issue and none is predicted, presale F1 when no text is a pre-sale and none is predicted."""
    Y_true = np.asarray(Y_true, dtype=int)
    Y_pred = np.asarray(Y_pred, dtype=int)
    issues_true, issues_pred = Y_true[:, :N_ISSUES], Y_pred[:, :N_ISSUES]
    precision, recall, f1, support = precision_recall_fscore_support(issues_true, issues_pred, zero_division=0.0)
    per_label = {}
    for i, name in enumerate(ISSUE_LABELS):
        per_label[name] = {
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
            "predicted": int(issues_pred[:, i].sum()),
            "undefined": undefined_metrics(int(support[i]), int(issues_pred[:, i].sum())),
        }
        if proba is not None:
            per_label[name]["ece"] = expected_calibration_error(issues_true[:, i], proba[:, i])
    scored = (issues_true.sum(axis=0) + issues_pred.sum(axis=0)) > 0
    other_true = issues_true.sum(axis=1) == 0
    other_pred = issues_pred.sum(axis=1) == 0
    p, r, f, _ = precision_recall_fscore_support(other_true, other_pred, average="binary", zero_division=0.0)
    per_label["other"] = {
        "precision": float(p),
        "recall": float(r),
        "f1": float(f),
        "support": int(other_true.sum()),
        "predicted": int(other_pred.sum()),
        "undefined": undefined_metrics(int(other_true.sum()), int(other_pred.sum())),
    }
    presale_seen = bool(Y_true[:, -1].any() or Y_pred[:, -1].any())
    return {
        "n_texts": len(Y_true),
        "labels": per_label,
        "micro_f1": float(f1_score(issues_true, issues_pred, average="micro", zero_division=0.0)),
        # over the issues the texts hold or the model predicts: one absent from both would count as 0 and say
        # nothing about the model (a user's test file without any false_lowest_price, say)
        "macro_f1": float(f1[scored].mean()) if scored.any() else 0.0,
        "macro_labels": [name for name, keep in zip(ISSUE_LABELS, scored) if keep],
        "exact_match": float(accuracy_score(issues_true, issues_pred)),
        "presale_accuracy": float(accuracy_score(Y_true[:, -1], Y_pred[:, -1])),
        "presale_f1": float(f1_score(Y_true[:, -1], Y_pred[:, -1], zero_division=0.0)),
        "presale_support": int(Y_true[:, -1].sum()),
        "undefined": ["micro_f1", "macro_f1"] * (not scored.any()) + ["presale_f1"] * (not presale_seen),
    }


def figure(metrics: dict[str, Any], key: str) -> str:
    """``metrics[key]`` to three decimals, or "n/a" where ``metrics`` lists it as ``undefined`` (nothing to
    measure); ``metrics`` is :func:`compute_metrics` output or one label's entry of it."""
    return "n/a" if key in metrics.get("undefined", ()) else f"{metrics[key]:.3f}"


def _why_undefined(row: dict[str, Any]) -> str:
    """What a label's n/a cells rest on, after its row of the table ("" when it has none)."""
    if not row.get("undefined"):
        return ""
    if not row["support"]:
        return "  no texts of it" + (", none predicted" if not row["predicted"] else f", {row['predicted']} predicted")
    return "  none predicted"


def format_metrics(metrics: dict[str, Any]) -> str:
    """A plain-text table of :func:`compute_metrics` output."""
    lines = [f"{'label':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for name, row in metrics["labels"].items():
        cells = "".join(f"{figure(row, key):>10}" for key in ("precision", "recall", "f1"))
        lines.append(f"{name:<22}{cells}{row['support']:>10d}{_why_undefined(row)}")
    lines.append("")
    lines.append(
        f"micro-F1 (5 issues) {figure(metrics, 'micro_f1')}   macro-F1{macro_scope(metrics)} "
        f"{figure(metrics, 'macro_f1')}   exact match {metrics['exact_match']:.3f}"
    )
    lines.append(
        f"presale accuracy {metrics['presale_accuracy']:.3f}   presale F1 {figure(metrics, 'presale_f1')} "
        f"(support {metrics['presale_support']})   texts {metrics['n_texts']}"
    )
    return "\n".join(lines)


def macro_scope(metrics: dict[str, Any]) -> str:
    """The words " (over N issues present)" when macro-F1 leaves out issues neither the texts nor the model have;
    nothing when it covers all five (also for metrics written before ``macro_labels`` existed)."""
    labels = metrics.get("macro_labels", ISSUE_LABELS)
    if not labels:
        return " (no issue in the texts or predicted)"
    return "" if len(labels) == N_ISSUES else f" (over {len(labels)} issues present)"
