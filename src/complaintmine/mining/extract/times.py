"""Promised times (48小时内发货, 次日达) and how long the buyer waited (等了一周)."""

from __future__ import annotations

import re

from .numbers import DATE, DATE_RE, DUR_ANY, parse_duration_days
from .spans import Hit, Text, non_overlapping, spans_overlap, word_list

# ----------------------------------------------------------------------------------------- promised time

_PREFIX = r"(?:(?:支付|付|交)完?(?:尾款|全款|款)?后|下单后|付款后|拍下后|购买后)?"
_SHIP = r"(?:发货|发出|出库|寄出|送达|到货|送到|到达|发|达|到)"
_PROMISE_CUE = re.compile(
    r"说好|承诺|保证|写着|写的|显示|预计|约定|答应|标着|标注|标明|页面|详情|宣传|号称|预售|规定|最晚|说|写"
)
_NO_PROMISE_BEFORE = ("等了", "拖了", "过了", "才", "用了")
_PROMISE_FORMS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(rf"{_PREFIX}(?:{DUR_ANY})(?:之内|以内|内)(?:就|会|可|将|必)?{_SHIP}"), False),
    (re.compile(r"次日达|当日达|隔日达|次日送达|当日送达|次日发货|隔日发货"), False),
    (re.compile(rf"(?:{DATE})(?:之前|以前|前){_SHIP}"), False),
    (re.compile(rf"{_PREFIX}(?:{DUR_ANY})(?:左右)?(?:发货|发出|出库|寄出|送达|到货|发)(?!了)"), True),
    (re.compile(rf"{_PREFIX}(?:当天|当日)就?(?:发货|发出|发)(?!了)"), True),
    (re.compile(rf"(?:{DATE})(?:发货|发出|到货|送达|发)(?!了)"), True),
    (re.compile(rf"预售期?(?:是|为)?(?:{DUR_ANY})(?![了后内])"), False),
)


def find_promised_hits(t: Text) -> list[Hit]:
    hits: list[Hit] = []
    for pattern, needs_cue in _PROMISE_FORMS:
        for match in pattern.finditer(t.s):
            start = match.start()
            prefix = t.s[t.clause_start(start) : start]
            if needs_cue and not _PROMISE_CUE.search(prefix):
                continue
            if prefix.endswith(_NO_PROMISE_BEFORE) or prefix.endswith(("第", "月")):
                continue
            hits.append(Hit(start, match.end(), parse_duration_days(match[0])))
    return non_overlapping(hits)


# ------------------------------------------------------------------------------------------------ waited

_WAIT_VERB = r"(?:发货|发|到货|到账|到|动静|动|消息|更新|收到|揽收|退|出库|寄|送|回|有|影)"
_WAIT_FORMS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?:等了|等待了|拖了|已经过去了?|已经过了|已经过|过去了?(?=(?:{DUR_ANY})了)|过了(?=(?:{DUR_ANY})(?:了|还|都|没|仍)))"
        rf"(?:整整|快|将近|差不多|大概|约)?(?:{DUR_ANY})"
    ),
    re.compile(
        rf"(?:{DUR_ANY})了?[^，,。!?！？；;]{{0,4}}?(?:还是|还|都|仍然|依然|仍|也|一直)?(?:没有|没|未|不){_WAIT_VERB}"
    ),
    re.compile(rf"(?:{DUR_ANY})后?才(?:发货|发出|发|到货|到|收到|送到)"),
    re.compile(rf"第(?:{DUR_ANY})(?:了|才|(?=[，,。!?！？；;]|$))"),
    re.compile(rf"(?:{DUR_ANY})了(?=[，,。!?！？；;~…]|$|还|都|也|仍|钱|货)"),
)
_LESS_THAN = re.compile(rf"(?:{DUR_ANY})不到")
_NO_WAIT_BEFORE = word_list("用了 穿了 戴了 吃了 玩了 不到 下 上 这 本 前 后 保价 价保 保 月 要 需要 得")


def find_waited_hits(t: Text, promised: list[Hit]) -> list[Hit]:
    hits: list[Hit] = []
    for pattern in _WAIT_FORMS:
        for match in pattern.finditer(t.s):
            start, end = match.start(), match.end()
            if t.s.endswith(_NO_WAIT_BEFORE, 0, start) or any(
                spans_overlap((start, end), (p.start, p.end)) for p in promised
            ):
                continue
            if DATE_RE.match(t.s, start) and not t.s.startswith("第", start):
                continue
            if _LESS_THAN.search(match[0]):
                continue  # 一周不到: "less than a week", said of something else
            days = parse_duration_days(match[0])
            if days is None:
                continue
            hits.append(Hit(start, end, days))
    return non_overlapping(hits)
