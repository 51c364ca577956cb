"""Evidence for a decision: the features that pushed a label up, with their weights and where they occur.

For a linear head the contribution of feature f to label l is ``x_f * w_lf`` (TF-IDF value times weight).
Word features (``w:`` jieba n-grams) are located by matching consecutive tokens; character features (``c:``)
by searching the normalised text. Spans are half-open [start, end) offsets into the ORIGINAL text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ModelError
from ..labels import TARGETS
from ..text.normalize import normalize_with_offsets
from .artifact import Model


@dataclass(frozen=True)
class Evidence:
    """One contributing term: the feature text, its contribution to the label's score, and its spans."""

    term: str
    weight: float
    spans: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "weight": round(self.weight, 4), "spans": [list(s) for s in self.spans]}


def linear_weights(estimator: Any) -> np.ndarray | None:
    """The weight vector of a fitted binary linear classifier, or None when it has none."""
    if hasattr(estimator, "coef_"):
        return np.asarray(estimator.coef_).ravel()
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if calibrated:
        return np.asarray(np.mean([np.asarray(c.estimator.coef_).ravel() for c in calibrated], axis=0))
    return None


def _word_spans(tokens: list[Any], term: str, mask: Any) -> list[tuple[int, int]]:
    words = term.split(" ")
    spans = []
    for i in range(len(tokens) - len(words) + 1):
        if all(mask(tokens[i + k].text) == words[k] for k in range(len(words))):
            spans.append((tokens[i].start, tokens[i + len(words) - 1].end))
    return spans


def _char_spans(text: str, term: str, mask: Any) -> list[tuple[int, int]]:
    normalized = normalize_with_offsets(text)
    seen = mask(normalized.text)  # masking maps character to character, so offsets still line up
    spans, start = [], seen.find(term)
    while start != -1:
        spans.append(normalized.source_span(start, start + len(term)))
        start = seen.find(term, start + 1)
    return spans


class Explainer:
    """Explains a model's decisions. Build once per model; it caches the weight matrix and feature names."""

    def __init__(self, model: Model):
        clf = model.classifier
        self.model = model
        self.names = clf.feature_names()
        weights = [linear_weights(est) for est in clf.head_.estimators_]
        if any(w is None for w in weights[:-1]):
            raise ModelError(f"{model.name}: explanations need a linear model (logreg or svm), not {clf.model!r}")
        self.weights = [w if w is not None else np.zeros(len(self.names)) for w in weights]

    def explain(self, text: str, labels: list[str] | None = None, top: int = 5) -> dict[str, list[Evidence]]:
        """Evidence per label (default: the labels the model predicts for ``text``), strongest first."""
        clf = self.model.classifier
        row = clf.transform([text]).tocsr()
        if labels is None:
            decided = clf.head_.predict_proba(row)[0] >= clf.thresholds()
            labels = [name for name, on in zip(TARGETS, decided) if on]
        tokens = clf._tokenizer().tokens(text)
        result: dict[str, list[Evidence]] = {}
        for label in labels:
            w = self.weights[TARGETS.index(label)]
            contributions = row.data * w[row.indices]
            order = np.argsort(-contributions)
            evidence: list[Evidence] = []
            seen_spans: set[tuple[tuple[int, int], ...]] = set()
            for k in order:
                if contributions[k] <= 0 or len(evidence) >= top:
                    break
                name = self.names[row.indices[k]]
                kind, term = name[:2], name[2:]
                spans = tuple(
                    _word_spans(tokens, term, clf.mask) if kind == "w:" else _char_spans(text, term, clf.mask)
                )
                if spans in seen_spans:  # 尾款 as a word and as characters point at the same place
                    continue
                seen_spans.add(spans)
                # Word n-grams keep a space between tokens: "定金 尾款" may span punctuation ("定金，尾款").
                evidence.append(Evidence(term, float(contributions[k]), spans))
            result[label] = evidence
        return result
