"""ThresholdedOneVsRest is a plain scikit-learn estimator: it must pass scikit-learn's estimator checks."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from complaintmine.model.head import ThresholdedOneVsRest, best_f1_threshold


# With tune_thresholds=True, predict() is by design not predict_proba().round(), which one multi-output check
# assumes; whether the tuned thresholds happen to equal 0.5 on its random data varies, so that configuration is
# covered by the threshold tests below instead of the generic checks.
@pytest.mark.slow
@parametrize_with_checks([ThresholdedOneVsRest(), ThresholdedOneVsRest(cv=3, default_threshold=0.5)])
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def test_multilabel_thresholds_are_learned_per_label():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 4))
    Y = np.column_stack([(X[:, 0] > 0.8).astype(int), (X[:, 1] + X[:, 2] > 0).astype(int)])
    head = ThresholdedOneVsRest(LogisticRegression(), tune_thresholds=True, cv=3, random_state=0).fit(X, Y)
    assert head.thresholds_.shape == (2,)
    assert head.predict(X).shape == (300, 2)
    assert head.predict_proba(X).shape == (300, 2)
    assert (head.predict(X) == (head.predict_proba(X) >= head.thresholds_)).all()


def test_single_class_label_is_constant():
    X = np.eye(6)
    Y = np.array([[1, 0], [0, 0], [1, 0], [0, 0], [1, 0], [0, 0]])
    head = ThresholdedOneVsRest().fit(X, Y)
    assert (head.predict_proba(X)[:, 1] == 0).all()


@pytest.mark.parametrize(
    ("scores", "truth", "expected"),
    [([0.2, 0.3, 0.7, 0.8], [0, 0, 1, 1], 0.5), ([0.05, 0.15, 0.2, 0.9], [0, 1, 1, 1], 0.15)],
)
def test_best_threshold(scores, truth, expected):
    assert best_f1_threshold(np.array(truth), np.array(scores)) == pytest.approx(expected, abs=0.05)


@pytest.mark.parametrize("tune", [False, True])
def test_a_sample_weight_of_two_counts_a_row_twice(tune):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(120, 3))
    Y = np.column_stack([(X[:, 0] > 0.3).astype(int), (X[:, 1] > -0.2).astype(int)])
    weights = np.where(np.arange(120) < 40, 2.0, 1.0)
    twice = np.concatenate([np.arange(120), np.arange(40)])
    make = lambda: ThresholdedOneVsRest(LogisticRegression(tol=1e-10, max_iter=5000), tune_thresholds=tune)  # noqa: E731
    weighted = make().fit(X, Y, sample_weight=weights)
    repeated = make().fit(X[twice], Y[twice])
    assert np.allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-4)
    assert not np.allclose(weighted.predict_proba(X), make().fit(X, Y).predict_proba(X), atol=1e-4)
