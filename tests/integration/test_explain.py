"""Explanations: evidence terms and spans that really point into the original text."""

import complaintmine as cm
from complaintmine.corpus.dedup import squash
from complaintmine.model.explain import Explainer


def test_evidence_spans_point_at_the_terms_in_the_original_text(tiny_model):
    model = cm.load_model(tiny_model)
    text = "预售付了定金，尾款比说好的贵了三十块，　ＡＢＣ店"
    found = Explainer(model).explain(text, labels=["price_hike", "presale"], top=8)
    assert set(found) == {"price_hike", "presale"}
    assert found["price_hike"], "a price_hike text must have positive evidence"
    for items in found.values():
        weights = [e.weight for e in items]
        assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
        for evidence in items:
            assert evidence.spans
            for start, end in evidence.spans:
                assert squash(text[start:end]) == squash(evidence.term)


def test_classify_frame_with_explain_adds_evidence_for_predicted_labels_only(tiny_model):
    model = cm.load_model(tiny_model)
    import pandas as pd

    out = cm.classify_frame(model, pd.DataFrame({"text": ["尾款涨了五十", "", "发货很快好评"]}), explain=True)
    assert list(out.columns)[-2:] == ["evidence", "error"]
    assert out["evidence"][1] is None
    first = out["evidence"][0]
    predicted = set(out["labels"][0].split("|")) - {"other"}
    assert predicted <= set(first)


def test_masked_digits_still_locate_spans(tmp_path):
    from tests.conftest import DATA

    trained = cm.train_model(cm.load_corpus(DATA / "tiny_corpus.csv"), cm.TrainConfig(min_df=1, cv=2, mask_digits=True))
    text = "尾款贵了50元，说好的48小时发货"
    for items in Explainer(trained).explain(text, labels=["price_hike", "late_shipping"], top=20).values():
        for evidence in items:
            for start, end in evidence.spans:
                seen = squash(text[start:end])
                assert len(seen) == len(squash(evidence.term))
                assert all(a == b or (a.isdigit() and b == "0") for a, b in zip(seen, squash(evidence.term)))
