"""The fast TF-IDF transform must equal scikit-learn's for the vectorisers ComplaintClassifier builds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from complaintmine.model import ngrams as features

TRAIN = ["尾款 涨 了 五十", "赠品 没 收到", "发货 慢 了 五十 天", "a b c", "降价 不 保价 尾款"]


def _fitted(kind, ngrams, sublinear):
    if kind == "char":
        vec = TfidfVectorizer(analyzer="char", lowercase=False, ngram_range=ngrams, sublinear_tf=sublinear)
        return vec.fit([t.replace(" ", "") + " xy z" for t in TRAIN])
    vec = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=ngrams, sublinear_tf=sublinear)
    return vec.fit(TRAIN)


@pytest.mark.parametrize("kind", ["char", "word"])
@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2), (1, 3), (2, 3), (2, 4)])
@pytest.mark.parametrize("sublinear", [True, False])
def test_equals_sklearn_on_fixed_cases(kind, ngrams, sublinear):
    vec = _fitted(kind, ngrams, sublinear)
    docs = ["尾款涨了五十五十", "", "完全不相干", "a  b\tc", "赠品 没 收到 赠品 没", "x"]
    if kind == "word":
        docs = [" ".join(d) if " " not in d else d for d in docs]
    assert features.supported(vec)
    expected = vec.transform(docs).toarray()
    np.testing.assert_allclose(features.transform(vec, docs).toarray(), expected, rtol=1e-12, atol=1e-15)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.text(alphabet="尾款涨了赠品没发货 abc\t", max_size=25), min_size=1, max_size=6),
    st.sampled_from(["char", "word"]),
)
def test_equals_sklearn_on_arbitrary_documents(docs, kind):
    vec = _fitted(kind, (1, 3) if kind == "char" else (1, 2), True)
    np.testing.assert_allclose(
        features.transform(vec, docs).toarray(), vec.transform(docs).toarray(), rtol=1e-12, atol=1e-15
    )


def test_unsupported_configurations_fall_back():
    assert not features.supported(TfidfVectorizer(lowercase=True).fit(TRAIN))
    assert not features.supported(TfidfVectorizer(token_pattern=r"\S+", lowercase=False, binary=True).fit(TRAIN))
