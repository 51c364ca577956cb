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
        assert items
        for evidence in items:
            assert evidence.spans
            for start, end in evidence.spans:
                assert text[start:end]


def test_the_explainer_is_built_once_per_job_and_explains_the_decided_labels(tiny_model, monkeypatch):
    import numpy as np
    import pandas as pd

    from complaintmine.model import explain
    from complaintmine.model.runtime import score_texts

    built = []
    original = explain.Explainer.__init__

    def counting(self, model):
        built.append(model)
        original(self, model)

    monkeypatch.setattr(explain.Explainer, "__init__", counting)
    model = cm.load_model(tiny_model)
    texts = ["尾款涨了五十", "赠品没收到", "一周没发货", "好评"]
    out = cm.classify_frame(model, pd.DataFrame({"text": texts}), explain=True, chunk_size=1)
    assert len(built) == 1, "one explainer for all chunks"
    for found, labels, presale in zip(out["evidence"], out["labels"], out["presale"]):
        decided = (set(labels.split("|")) - {"other"}) | ({"presale"} if presale else set())
        assert set(found) == decided

    explainer = model.explainer()
    featurized = explainer.space.featurize(texts[:1])
    handed = np.zeros((1, len(cm.TARGETS)), dtype=bool)
    handed[0, cm.TARGETS.index("gift_not_honored")] = True  # not what the model decides: explained as handed
    assert set(explainer.explain_decided(texts[:1], featurized, handed)[0]) == {"gift_not_honored"}
    scores = score_texts(model, texts, explain=True)
    assert np.array_equal(scores.proba, model.predict_proba(texts))


def test_models_without_scoring_arrays_are_explained_from_their_classifier():
    import pandas as pd
    import pytest

    from tests.conftest import DATA

    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    frame = pd.DataFrame({"text": ["预售尾款涨了五十", "赠品没收到"]})
    linear = cm.TrainConfig(min_df=1, forest="none", model="svm")
    for config in (linear, cm.TrainConfig(min_df=1, char_ngram_range=(1, 4))):
        model = cm.train_model(corpus, config)
        assert model.scorer is None
        out = cm.classify_frame(model, frame, explain=True)
        for found, text in zip(out["evidence"], frame["text"]):
            for items in found.values():
                for item in items:
                    assert all(squash(text[s:e]) == squash(item["term"]) for s, e in item["spans"])
    with pytest.raises(cm.ModelError, match="linear model"):
        cm.classify_frame(
            cm.train_model(corpus, cm.TrainConfig(min_df=1, model="cnb", forest="none")), frame, explain=True
        )


def test_evidence_is_in_the_texts_own_words_never_masked_digits():
    import pandas as pd

    from complaintmine.text.modality import strip_mode
    from tests.conftest import DATA

    trained = cm.train_model(cm.load_corpus(DATA / "tiny_corpus.csv"), cm.TrainConfig(min_df=1, cv=2, mask_digits=True))
    texts = ["双十一定金50抵60，尾款198，结果现在卖199，差价没人管", "尾款贵了50元，说好的48小时发货，等了15天"]
    out = cm.classify_frame(trained, pd.DataFrame({"text": texts}), explain=True, explain_top=30)
    for text, found in zip(texts, out["evidence"]):
        items = [
            item.to_dict()
            for label in ("price_hike", "late_shipping")
            for item in Explainer(trained).explain(text, labels=[label], top=30)[label]
        ] + [item for items in found.values() for item in items]
        assert items
        for item in items:
            term, spans = item["term"], item["spans"]
            words = strip_mode(term)  # a modality-marked term (NEG:...) keeps its mark
            assert any(c.isalpha() for c in words), term  # never "0,", "000", "00"
            if any(c.isdigit() for c in words):
                assert words == text[spans[0][0] : spans[0][1]], term  # the text's own digits
            for start, end in spans:
                assert not (start and text[start].isdigit() and text[start - 1].isdigit()), (term, text[start:end])
                assert not (end < len(text) and text[end - 1].isdigit() and text[end].isdigit()), term


def test_evidence_is_given_in_the_text_s_own_words():
    """Character n-grams count for the words they lie in: no evidence entry is a lone character cut out of a
    word, each entry is one of the model's tokens of the text, and a word is listed once."""
    model = cm.load_model()
    text = "如果尾款涨了我就退款，尾款不退"
    found = Explainer(model).explain(text, labels=["presale", "price_hike"], top=50)
    tokens = {(t.start, t.end) for t in model.scorer.tokenizer.tokens(text)}
    for items in found.values():
        terms = [e.term for e in items]
        assert len(terms) == len(set(terms)) and "款" not in terms
        for evidence in items:
            assert all((start, end) in tokens and text[start:end] == evidence.term for start, end in evidence.spans)
    assert next(e for e in found["presale"] if e.term == "尾款").spans == ((2, 4), (11, 13))  # one word, met twice


def test_the_vectorised_character_path_gives_the_evidence_of_the_one_n_gram_at_a_time_path(monkeypatch):
    """_char_occurrences finds the row's short character n-grams in one pass; sending every n-gram through
    _char_spans instead (the reference) must give the same words, weights and spans."""
    import csv

    import pytest

    from complaintmine.labels import TARGETS
    from complaintmine.model import explain
    from tests.conftest import ROOT

    with open(ROOT / "corpora" / "contrast_set.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)][:300]
    texts += ["ＡＢＣ　店，尾款涨了５０元！！", "好好好好货，不好不好", "𠀀尾款😀涨价了", ""]
    model = cm.load_model()
    fast = [Explainer(model).explain(t, labels=list(TARGETS), top=100) for t in texts]

    class NotCharNgrams:  # isinstance(kind.ngrams, NotCharNgrams) is False: every n-gram takes _char_spans
        pass

    monkeypatch.setattr(explain, "CharNgrams", NotCharNgrams)
    reference = [Explainer(model).explain(t, labels=list(TARGETS), top=100) for t in texts]
    assert sum(len(items) for found in fast for items in found.values()) > 1000
    for got, want in zip(fast, reference):
        for label in want:
            assert [(e.term, e.spans) for e in got[label]] == [(e.term, e.spans) for e in want[label]]
            assert [e.weight for e in got[label]] == pytest.approx([e.weight for e in want[label]], abs=1e-9)


def test_a_word_of_symbols_that_read_as_letters_is_kept():
    """The readability filter looks at a word as the model read it: 5㎏ is "5kg", a word (㎏ is a symbol)."""
    found = Explainer(cm.load_model()).explain("说好送5㎏大米，结果赠品没给", labels=["gift_not_honored"], top=50)
    assert "5㎏" in [e.term for e in found["gift_not_honored"]]
