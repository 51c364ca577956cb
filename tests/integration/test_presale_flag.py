"""The pre-sale flag needs a pre-sale purchase in the text, not just what pre-sale complaints tend to be about."""

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.text.presale import has_presale_cue

ORDINARY = ["商品页面承诺72小时内发货，一周了还没发", "赠品没给", "说好送围巾，结果没收到"]
PRESALE = ["双十一付了定金，尾款涨了50", "預售的保溫杯說10天內發貨，現在第20天", "Pre-order的相机镜头到现在还没发"]


@pytest.mark.parametrize(("text", "expected"), [(t, False) for t in ORDINARY] + [(t, True) for t in PRESALE])
def test_presale_cue(text, expected):
    assert has_presale_cue(text) is expected


def test_ordinary_orders_are_not_flagged_presale_by_the_default_model():
    model = cm.load_model()
    out = cm.classify_texts(model, ORDINARY + PRESALE[:1])
    assert out["presale"].tolist() == [0, 0, 0, 1]
    assert [p.presale for p in cm.predict_texts(model, ORDINARY)] == [False, False, False]


def test_evaluation_measures_the_flag_classify_writes(tiny_model):
    model = cm.load_model(tiny_model)
    texts = ORDINARY + PRESALE
    frame = pd.DataFrame({"text": texts})
    written = cm.classify_frame(model, frame)["presale"].tolist()
    decided = model.decide(texts, model.predict_proba(texts))[:, -1].astype(int).tolist()
    assert written == decided
    assert not any(written[: len(ORDINARY)])
