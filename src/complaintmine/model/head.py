"""A multi-label classifier over feature matrices with one decision threshold per label.

It is a plain scikit-learn estimator (numeric X), so it is tested with ``parametrize_with_checks``. For a
multi-label indicator ``y`` it fits one clone of ``estimator`` per column and predicts ``proba >= threshold``;
thresholds are learned by cross-validation when ``tune_thresholds`` is on. For 1-D ``y`` (binary or multiclass)
it behaves as an ordinary one-vs-rest classifier, which is what the estimator checks exercise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

_THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.025), 3)


def best_f1_threshold(y_true: np.ndarray, scores: np.ndarray, default: float = 0.5) -> float:
    """The threshold from a fixed grid that maximises F1; ties go to the threshold closest to ``default``."""
    if y_true.sum() == 0:
        return default
    best = (-1.0, 0.0, default)
    for threshold in _THRESHOLD_GRID:
        score = f1_score(y_true, scores >= threshold, zero_division=0.0)
        key = (round(float(score), 6), -abs(threshold - default), float(threshold))
        if key > best:
            best = key
    return best[2]


class ThresholdedOneVsRest(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """One binary classifier per label, each with its own decision threshold.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default ``LogisticRegression()``.
    tune_thresholds : bool, learn per-label thresholds from cross-validated probabilities (multi-label only).
    cv : int, folds for threshold tuning.
    default_threshold : float, used when thresholds are not tuned or a label is too rare to tune.
    random_state : int or None, seed of the fold split.
    """

    def __init__(
        self,
        estimator: Any = None,
        tune_thresholds: bool = False,
        cv: int = 5,
        default_threshold: float = 0.5,
        random_state: int | None = None,
    ):
        self.estimator = estimator
        self.tune_thresholds = tune_thresholds
        self.cv = cv
        self.default_threshold = default_threshold
        self.random_state = random_state

    def _base(self) -> Any:
        return clone(self.estimator) if self.estimator is not None else LogisticRegression()

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ThresholdedOneVsRest:
        """Fit one estimator per column of ``y`` (``sample_weight``, if given, weighs the rows of every fit)."""
        X, y = validate_data(self, X, y, accept_sparse="csr", multi_output=True)
        weighted = {} if sample_weight is None else {"sample_weight": np.asarray(sample_weight, dtype=float)}
        check_classification_targets(y)
        target = type_of_target(y)
        if target == "multilabel-indicator":
            self._multilabel = True
            self.classes_ = np.arange(y.shape[1])
            Y = np.asarray(y, dtype=int)
        elif target in ("binary", "multiclass"):
            self._multilabel = False
            self._binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._binarizer.classes_
            Y = self._binarizer.transform(y)
        else:
            raise ValueError(f"{type(self).__name__} supports binary, multiclass and multilabel targets, got {target}")
        self.estimators_ = []
        self.thresholds_ = np.full(Y.shape[1], float(self.default_threshold))
        for column in range(Y.shape[1]):
            y_col = Y[:, column]
            if np.unique(y_col).size < 2:
                self.estimators_.append(_ConstantProbability(float(y_col[0])))
                continue
            self.estimators_.append(self._base().fit(X, y_col, **weighted))
            if self._multilabel and self.tune_thresholds:
                self.thresholds_[column] = self._tuned_threshold(X, y_col, weighted)
        return self

    def _tuned_threshold(self, X: Any, y_col: np.ndarray, weighted: dict[str, Any] | None = None) -> float:
        positives = int(y_col.sum())
        folds = min(self.cv, positives, len(y_col) - positives)
        if folds < 2:
            return float(self.default_threshold)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
        scores = cross_val_predict(self._base(), X, y_col, cv=splitter, method="predict_proba", params=weighted or {})[
            :, 1
        ]
        return best_f1_threshold(y_col, scores, float(self.default_threshold))

    def _positive_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse="csr", reset=False)
        return np.column_stack([est.predict_proba(X)[:, 1] for est in self.estimators_])

    def predict_proba(self, X: Any) -> np.ndarray:
        """Per-label probabilities for multi-label targets; class probabilities otherwise."""
        scores = self._positive_proba(X)
        if self._multilabel:
            return scores
        if scores.shape[1] == 1:
            return np.column_stack([1.0 - scores[:, 0], scores[:, 0]])
        totals = scores.sum(axis=1, keepdims=True)
        totals[totals == 0] = 1.0
        return np.asarray(scores / totals)

    def predict(self, X: Any) -> np.ndarray:
        scores = self._positive_proba(X)
        if self._multilabel:
            return (scores >= self.thresholds_).astype(int)
        if scores.shape[1] == 1:
            return np.asarray(self.classes_[(scores[:, 0] >= self.thresholds_[0]).astype(int)])
        return np.asarray(self.classes_[np.argmax(scores, axis=1)])

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.classifier_tags.multi_label = True
        return tags


class _ConstantProbability:
    """Stands in for a label that had a single class in training: always predicts that class."""

    def __init__(self, positive: float):
        self.positive = positive

    def predict_proba(self, X: Any) -> np.ndarray:
        n = X.shape[0]
        return np.column_stack([np.full(n, 1.0 - self.positive), np.full(n, self.positive)])
