"""Evidence-field extraction: number and duration parsing, each field on small cases, span properties, and
precision/recall on the annotated gold set (tests/data/extraction_gold.jsonl)."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintmine.errors import InputError
from complaintmine.mining.extract import (
    Extraction,
    Money,
    canonical_channel,
    canonical_platform,
    extract,
    parse_chinese_number,
    parse_duration_days,
)
from complaintmine.mining.extract.money import MAX_AMOUNT
from complaintmine.mining.extract_eval import FIELD_TYPES, evaluate_extraction, evaluate_money_roles, read_gold

GOLD = Path(__file__).resolve().parents[1] / "data" / "extraction_gold.jsonl"


# ------------------------------------------------------------------------------------------ number parsing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三百五", 350),
        ("两千", 2000),
        ("一万二", 12000),
        ("1.2万", 12000),
        ("¥99", 99),
        ("￥99", 99),
        ("99元", 99),
        ("99块", 99),
        ("99块钱", 99),
        ("十块", 10),
        ("三百零五", 305),
        ("五毛", 0.5),
        ("三块五", 3.5),
        ("十二块八毛", 12.8),
        ("两千三", 2300),
        ("一千五百", 1500),
        ("十五", 15),
        ("二十", 20),
        ("一百二十九", 129),
        ("一百零九", 109),
        ("１２９９", 1299),  # full-width digits
        ("1,299", 1299),
        ("12.5元", 12.5),
        ("2w", 20000),
        ("3k", 3000),
        ("兩百塊", 200),  # traditional characters
        ("一萬二", 12000),
    ],
)
def test_parse_chinese_number(text, expected):
    assert parse_chinese_number(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "元",
        "块钱",
        "abc",
        "iphone 15",
        "三百五abc",
        "1.2.3",
        "万",
        "百",
        "千万",
        "五十五十",
        "一二三",
        "二零二三",
        "3-4",
        "50%",
        "¥",
        "十十",
        "五毛五毛",
        "一百多",
    ],
)
def test_parse_chinese_number_rejects_non_amounts(text):
    assert parse_chinese_number(text) is None


@pytest.mark.parametrize("text", ["9" * 400, "9" * 400 + "元", "¥" + "9" * 400, "9" * 400 + "块5毛", "1" + "0" * 400])
def test_parse_chinese_number_never_returns_infinity(text):
    assert parse_chinese_number(text) is None
    assert parse_chinese_number("9" * 300) == float("9" * 300)  # large but finite: still the number written


def test_amounts_no_complaint_is_about_are_not_money():
    huge = extract("多付了" + "9" * 400 + "元")
    assert huge.money == () and huge.difference is None
    assert [m.amount for m in extract(f"贵了{int(MAX_AMOUNT)}元").money] == [MAX_AMOUNT]  # the bound itself is kept
    assert extract(f"贵了{int(MAX_AMOUNT) + 1}元").money == ()
    only = extract("尾款从1299改成了999999999999元")
    assert [m.amount for m in only.money] == [1299] and only.difference is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("48小时内发货", 2),
        ("等了半个月", 15),
        ("一个月了", 30),
        ("一周", 7),
        ("一个星期", 7),
        ("两个礼拜", 14),
        ("一个半月", 45),
        ("拖了20天", 20),
        ("60个小时", 2.5),
        ("3-5天发货", 5),
        ("十多天", 10),
        ("第9天了", 9),
        ("次日达", 1),
        ("当天发货", 0),
        ("兩個禮拜了", 14),
        ("付尾款后15天内发货", 15),
    ],
)
def test_parse_duration_days(text, days):
    assert parse_duration_days(text) == pytest.approx(days)


@pytest.mark.parametrize("text", ["11月11日前发货", "月底前发货", "双十一前发货", "12月", "发货", ""])
def test_parse_duration_days_is_none_for_dates_and_no_time(text):
    assert parse_duration_days(text) is None


# ----------------------------------------------------------------------------------------------- money


def _money(text):
    return [(m.amount, m.role, text[m.start : m.end]) for m in extract(text).money]


def test_money_with_roles():
    text = "定金100，说好尾款350，结果要400，涨了50"
    assert _money(text) == [(100, "定金", "100"), (350, "尾款", "350"), (400, None, "400"), (50, "差价", "50")]


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("价保只给退了100", ["退款"]),
        ("送价值99元的按摩仪", ["赠品价值"]),
        ("另外收了运费15元", ["运费"]),
        ("加了十块运费", ["运费"]),
        ("原价1299", ["原价"]),
        ("券后价49.9", ["活动价"]),
        ("交了五十块定金", ["定金"]),
        ("满299减30", [None, None]),
        ("尾款付了270", ["尾款"]),
        # 从 X 变成 Y: both amounts are of the kind X is (the gold set marks both of 尾款从1299改成1499 尾款)
        ("付尾款的时候价格从599变成了649", ["尾款", "尾款"]),
        ("定金从50改成了80", ["定金", "定金"]),
        ("运费从10元变成了20元", ["运费", None]),
    ],
)
def test_money_roles(text, roles):
    assert [role for _amount, role, _raw in _money(text)] == roles


def test_full_width_money_spans_point_into_the_original():
    text = "尾款比说好的贵了￥８０，恶心"
    [money] = extract(text).money
    assert (money.amount, money.role, text[money.start : money.end]) == (80, "差价", "￥８０")


def test_thousands_comma_is_not_a_chinese_comma():
    assert [m[0] for m in _money("付尾款￥1,299")] == [1299]
    assert [m[0] for m in _money("付了599，现在549")] == [599, 549]
    assert [m[0] for m in _money("两次价格分别是599，549元")] == [599, 549]  # not 599549


@pytest.mark.parametrize(
    "text",
    [
        "iPhone 15 Pro 256G，用了三天屏幕就有亮点",
        "买给孩子的3-4年级练习册",
        "客服电话400-820-8820打不通，打13812345678也没人接",
        "订单编号3728193746281",
        "手机电池只有80%",
        "11月11日零点抢的",
        "买的500ml装的洗发水",
        "买了3件衣服，第二天才到",
        "详情页写明直邮需要7到15天",
        "买了一块手表，一块蛋糕",
        "7天无理由退货都不给退",
    ],
)
def test_distractors_give_no_money(text):
    assert extract(text).money == ()


# ------------------------------------------------------------------------------------------ difference


@pytest.mark.parametrize(
    ("text", "difference"),
    [
        ("付了599，现在549，说好的保价呢", 50),
        ("买完第二天便宜了两百，客服说不能保价", 200),
        ("尾款从1299改成1499", 200),
        ("下单的时候是八十八，付款时变成九十八了", 10),
        ("定金30，尾款270，现在不用定金直接买只要260", 40),
        ("价保只给补了十块，差价明明是四十", 40),
    ],
)
def test_difference(text, difference):
    assert extract(text).difference == pytest.approx(difference)


@pytest.mark.parametrize(
    "text",
    [
        "原价399，活动价299，很划算",  # two prices, no complaint about them
        "花了599买的，质量很好",
        "我买贵了一百多，气死",  # approximate: not computable
        "客服态度很差",
        "零块差价",  # a stated difference of zero (found by the property test below)
    ],
)
def test_difference_is_none_when_unclear(text):
    assert extract(text).difference is None


# --------------------------------------------------------------------------------------- promised / waited


@pytest.mark.parametrize(
    ("text", "raw", "days"),
    [
        ("说好48小时内发货，结果没发", "48小时内发货", 2),
        ("预售写着付尾款后15天内发货", "付尾款后15天内发货", 15),
        ("承诺11月11日前发货", "11月11日前发货", None),
        ("页面显示12月5日发，今天12月20", "12月5日发", None),
        ("京东说次日达", "次日达", 1),
        ("页面写的是当天发货", "当天发货", 0),
        ("預售說好7天發貨", "7天發貨", 7),
    ],
)
def test_promised_time(text, raw, days):
    [promised] = extract(text).promised_time
    assert (promised.raw, promised.days, text[promised.start : promised.end]) == (raw, days, raw)


@pytest.mark.parametrize(
    "text", ["7天无理由退货", "价保30天", "说三天内安装，一直不来", "双11买的", "付款7天才发货", "买了三天就降价"]
)
def test_no_promised_time(text):
    assert extract(text).promised_time == ()


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("等了一个月还没到", 30),
        ("下单半个月了还没发", 15),
        ("拖了20天才发货", 20),
        ("付完款就没动静了，一个星期了", 7),
        ("已经过去17天，状态还是待发货", 17),
        ("说好7天内发货，今天第12天了", 12),
        ("等了一个多月", 30),
    ],
)
def test_waited(text, days):
    [waited] = extract(text).waited
    assert waited.days == days
    assert text[waited.start : waited.end] == waited.raw


@pytest.mark.parametrize(
    "text",
    [
        "用了三天就坏了",
        "刚买三天就降了一百",
        "鞋子穿了一个星期就开胶了",
        "付款后第3天降价了",
        "1月25日才发",
        "说好7天内发货",
        "付完款一周不到就便宜了40",
        "我这预售要20天后才发",
    ],
)
def test_no_waited(text):
    assert extract(text).waited == ()


# ----------------------------------------------------------------------------------------------- gifts


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("说好的赠品保温杯到现在都没收到", ["保温杯"]),
        ("送的小样根本没有", ["小样"]),
        ("说送耳机和手机壳，结果只有手机壳", ["耳机", "手机壳"]),
        ("前100名送价值99元的按摩仪", ["按摩仪"]),
        ("赠品是个塑料杯子", ["塑料杯子"]),
        ("說好送一包辣條也沒送", ["辣條"]),
        ("买的咖啡机送的咖啡豆过期了", ["咖啡豆"]),
        ("送了一个小绒布袋和一张手写卡片", ["小绒布袋", "手写卡片"]),
        ("说好送小风扇至今没收到", ["小风扇"]),  # 至今 and its kin end the item (小风扇至今 before)
        ("赠品充电宝迄今未发", ["充电宝"]),
        ("送的面膜目前还没到", ["面膜"]),
    ],
)
def test_gifts(text, items):
    assert [gift.item for gift in extract(text).gifts] == items


@pytest.mark.parametrize(
    "text",
    [
        "快递不送上门",
        "快递送到了别人家",
        "买二送一，只收到两盒",
        "赠品没有收到",
        "商家说赠品随机",
        "送货师傅很好",
        "赠品已送完",
    ],
)
def test_no_gifts(text):
    assert extract(text).gifts == ()


# --------------------------------------------------------------------------------- platforms and channels


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("狗东自营买的", ["京东"]),
        ("pdd上买的", ["拼多多"]),
        ("ＰＤＤ买的耳机", ["拼多多"]),
        ("苏宁易购买的冰箱", ["苏宁"]),
        ("閒魚上買的二手", ["闲鱼"]),
        ("淘宝上比天猫便宜", ["淘宝", "天猫"]),
        ("得物上预售的球鞋", ["得物"]),
    ],
)
def test_platforms(text, names):
    assert [p.name for p in extract(text).platforms] == names


@pytest.mark.parametrize("text", ["京东方的屏幕", "天猫精灵连不上网", "多多少少有点色差", "1tb的硬盘"])
def test_platform_distractors(text):
    assert extract(text).platforms == ()


def test_channels():
    text = "抖音直播间买的，旗舰店也有，京东自营更贵，小程序里最便宜，淘宝直播价299"
    assert [c.name for c in extract(text).channels] == ["直播间", "旗舰店", "自营", "小程序"]


# ------------------------------------------------------------------------------------------ result type


def test_extraction_is_frozen_and_serialisable():
    result = extract("双11在抖音直播间付了100定金，说好48小时内发货，等了一个月，赠品保温杯也没有")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.difference = 1.0  # type: ignore[misc]
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert data["money"] == [{"amount": 100.0, "role": "定金", "start": 11, "end": 14}]
    assert data["promised_time"][0]["days"] == 2
    assert data["waited"][0]["days"] == 30
    assert data["gifts"][0]["item"] == "保温杯"
    assert data["platforms"][0]["name"] == "抖音"
    assert set(data) == {"money", "promised_time", "waited", "gifts", "platforms", "channels", "difference"}


def test_empty_text():
    assert extract("") == Extraction()


# -------------------------------------------------------------------------------------------- properties

_FRAGMENTS = [
    "定金",
    "尾款",
    "付了",
    "现在",
    "599",
    "５４９",
    "三百五",
    "一万二",
    "块",
    "元",
    "￥",
    "¥",
    "差价",
    "降了",
    "涨了",
    "说好",
    "48小时内",
    "发货",
    "等了",
    "半个月",
    "了",
    "还没",
    "第",
    "天",
    "个",
    "月",
    "11月11日前",
    "赠品",
    "送的",
    "送",
    "保温杯",
    "小样",
    "和",
    "京东",
    "狗东",
    "pdd",
    "多多",
    "直播",
    "间",
    "旗舰店",
    "，",
    "。",
    " ",
    "　",
    "\n",
    "發貨",
    "兩",
    "①",
    "㎏",
    "ﬁ",
    "1,2",
    "，3",
    ".",
    "-",
    "毛",
    "十",
    "零",
    "价值",
    "的",
    "才",
    "次日达",
    "iPhone 15",
]


def _assert_spans_reparse(text: str, result: Extraction) -> None:
    for field in ("money", "promised_time", "waited", "gifts", "platforms", "channels"):
        for item in getattr(result, field):
            assert 0 <= item.start < item.end <= len(text)
    for money in result.money:
        assert parse_chinese_number(text[money.start : money.end]) == money.amount
        assert math.isfinite(money.amount) and money.amount <= MAX_AMOUNT
    for item in (*result.promised_time, *result.waited):
        assert item.raw == text[item.start : item.end]
        assert parse_duration_days(item.raw) == item.days
    for gift in result.gifts:
        assert gift.item == text[gift.start : gift.end]
    for platform in result.platforms:
        assert canonical_platform(text[platform.start : platform.end]) == platform.name
    for channel in result.channels:
        assert canonical_channel(text[channel.start : channel.end]) == channel.name
    if result.difference is not None:
        assert math.isfinite(result.difference)
        assert result.difference > 0


@settings(deadline=None)
@given(st.text())
def test_any_text_gives_valid_spans(text):
    _assert_spans_reparse(text, extract(text))


@pytest.mark.slow
@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=25).map("".join))
def test_complaint_like_text_gives_valid_spans(text):
    _assert_spans_reparse(text, extract(text))


# ---------------------------------------------------------------------------------------------- gold set


def test_gold_file_is_well_formed():
    records = read_gold(GOLD)
    assert len(records) >= 170
    assert len({r.text for r in records}) == len(records)
    empty = [r for r in records if not any(r.fields.values()) and r.difference is None]
    assert len(empty) >= 30
    for record in records:
        for items in record.fields.values():
            for item in items:
                assert record.text[item["start"] : item["end"]].strip()


@pytest.fixture(scope="module")
def gold_scores():
    return evaluate_extraction(GOLD)


@pytest.mark.parametrize("field", FIELD_TYPES)
def test_gold_precision_and_recall(gold_scores, field):
    scores = gold_scores[field]
    assert scores["support"] > 0
    assert scores["precision"] >= 0.90, scores
    assert scores["recall"] >= 0.70, scores


def test_gold_money_roles():
    roles = evaluate_money_roles(GOLD)
    assert roles["matched"] >= 100
    assert roles["accuracy"] >= 0.85, roles


# ------------------------------------------------------------------------------------------- the scorer


def _write_gold(tmp_path, records):
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_scorer_counts_value_and_overlap(tmp_path):
    text = "付了599，现在549"
    path = _write_gold(
        tmp_path,
        [
            {
                "text": text,
                "money": [
                    {"amount": 599.0, "role": None, "start": 2, "end": 5},
                    {"amount": 549.0, "role": None, "start": 8, "end": 11},
                ],
                "difference": 50.0,
            }
        ],
    )

    def wrong_amount(value: str) -> Extraction:
        return Extraction(money=(Money(600.0, None, 2, 5), Money(549.0, None, 0, 1)), difference=49.0)

    scores = evaluate_extraction(path, wrong_amount)
    assert scores["money"] == {"precision": 0.0, "recall": 0.0, "support": 2, "predicted": 2, "correct": 0}
    assert scores["difference"]["precision"] == 0.0
    assert evaluate_extraction(path)["money"]["recall"] == 1.0


def test_scorer_matches_each_gold_item_once(tmp_path):
    path = _write_gold(tmp_path, [{"text": "定金100", "money": [{"amount": 100, "start": 2, "end": 5}]}])

    def twice(value: str) -> Extraction:
        return Extraction(money=(Money(100.0, None, 2, 5), Money(100.0, None, 3, 5)))

    assert evaluate_extraction(path, twice)["money"]["precision"] == 0.5


def test_scorer_empty_extractor_has_zero_recall():
    scores = evaluate_extraction(GOLD, lambda text: Extraction())
    assert all(scores[field]["recall"] == 0.0 for field in FIELD_TYPES)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not JSON"),
        ('{"text": 1}', "string 'text'"),
        ('{"text": "abc", "money": [{"amount": 1, "start": 2, "end": 9}]}', "not inside the text"),
        ('{"text": "abc", "gifts": [{"start": 0, "end": 1}]}', "'item'"),
    ],
)
def test_scorer_rejects_malformed_gold(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        read_gold(path)
    assert caught.value.line == 2


@pytest.mark.parametrize(
    ("text", "gifts"),
    [
        ("直播间说前100名送围巾，我下单很早，客服说赠品送完了", "围巾"),  # 送完: ran out, not a gift
        ("赠品送完了，什么都没有", None),
        ("说好送围巾，结果没送围巾", "围巾"),  # once in the flat column, however often named
        ("送的围巾和手套都没到，围巾还是送的", "围巾|手套"),
    ],
)
def test_gifts_are_named_once_and_running_out_is_no_gift(text, gifts):
    from complaintmine.mining.jobs import extraction_columns

    assert extraction_columns([text])["gifts"] == [gifts]


@pytest.mark.parametrize(
    ("text", "difference"),
    [
        ("付了定金，尾款+200", 200.0),
        ("原价399，尾款＋200", 200.0),
        ("定金100+尾款200", None),  # a sum of two payments, not a rise
        ("好评+1，价格实惠", None),  # a vote
    ],
)
def test_a_plus_sign_before_an_amount_is_a_difference(text, difference):
    assert extract(text).difference == difference
