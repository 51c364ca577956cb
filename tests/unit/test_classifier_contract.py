"""ComplaintClassifier against scikit-learn's estimator contract.

It reads raw texts, so the generic ``parametrize_with_checks`` suite (numeric X) runs on its numeric head
(tests/unit/test_head.py); here the checks that apply to any estimator run on the classifier itself, plus the
contract's rules for text input: fit returns self, learned state ends in ``_``, clone and get/set_params.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import complaintmine as cm

from ..conftest import DATA


@pytest.mark.parametrize(
    "check",
    [
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_get_params_invariance,
        check_set_params,
    ],
    ids=lambda check: check.__name__,
)
def test_generic_estimator_checks(check):
    check("ComplaintClassifier", cm.ComplaintClassifier())


def test_fit_returns_self_learns_trailing_underscore_state_and_leaves_params_alone():
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    clf = cm.ComplaintClassifier(min_df=1, tune_thresholds=False)
    before = clf.get_params()
    with pytest.raises(NotFittedError):
        clf.predict_proba(["赠品没收到"])
    assert clf.fit(corpus.texts, corpus.targets()) is clf
    assert clf.get_params() == before
    learned = {name for name in vars(clf) if name.endswith("_") and not name.startswith("_")}
    assert {"head_", "word_vectorizer_", "char_vectorizer_", "targets_"} <= learned
    copy = clone(clf)
    assert copy.get_params() == before and not hasattr(copy, "head_")
    again = clone(clf).fit(corpus.texts, corpus.targets())
    texts = ["预售尾款涨了五十", "好评"]
    np.testing.assert_array_equal(again.predict_proba(texts), clf.predict_proba(texts))


def test_bad_parameters_are_refused_in_fit_not_init():
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    clf = cm.ComplaintClassifier(model="forest")  # stored as given
    with pytest.raises(ValueError, match="model must be one of"):
        clf.fit(corpus.texts, corpus.targets())
    with pytest.raises(ValueError, match="shape"):
        cm.ComplaintClassifier().fit(corpus.texts, corpus.targets()[:, :3])
