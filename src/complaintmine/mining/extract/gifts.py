"""Gifts a complaint names (送的耳机, 赠品小样)."""

from __future__ import annotations

import re

from .spans import CLAUSE_END, Hit, Text, non_overlapping, word_list

_GIFT_TRIGGER = re.compile(r"赠品|增品|赠送|附赠|加赠|送的|送了|送")
_NOT_GIFT_SEND = re.compile(r"货|到|达|上门|回|错|来|过|人|给|去|走|出|完|我|你|他|她|修|检|医|洗|件|餐|礼|快递|外卖")
_GIFT_LEAD = ("写的是", "就是", "是", "为", ":", "有", "的", "(", "（")
_CLASSIFIERS = "个件套瓶包盒支只条张双袋罐片台把份本斤桶箱对副款"
_QUANTIFIER = re.compile(rf"(?:[0-9一二两三四五六七八九十几]+|[这那每])[{_CLASSIFIERS}]|个")
_GIFT_VALUE = re.compile(r"价值[^，,。!?！？；;的]{1,8}的")
_GIFT_STOP = word_list(
    # where things stand now, right after the gift: 小风扇至今没收到
    "到现在 至今 迄今 目前 现在 依然 仍"
    " 一直 一起 根本 竟然 居然 结果 已经 怎么 什么 另外 单独 随机 可以 需要 后来 之后 以后 不退 没 不 未 也 都"
    " 还 呢 吗 啊 吧 呀 了 是 到 就 只 给 在 跟 和 与 及 或 、 被 说 要 会 能 影 等 少 太 很 真 全 才 又 再 却 而 但 可"
    " 这 那 的 呗 已 比"
    # predicates that complaints put right after the gift: 咖啡豆过期了, 杯子坏了, 质量很差
    " 过期 坏 破 碎 漏 掉 丢 缺 质量 有"
    # 赠品送完了: the gifts ran out, nothing named
    " 送完 送光 发完"
    # receiving or sending, not an item: 赠品收到了, 赠品送了两个, 小样送了好多, 赠品寄来的是杯子
    " 送 收到 收了 收下 拿到 拿了 领到 领了 寄来 寄了 寄过来 发来 发过来 到手"
    # how many, not what: 送的小样好多都过期了
    " 好多 很多 好几 不少 一些"
)
_GIFT_GENERIC = frozenset({"东西", "礼物", "礼品", "赠品", "货", "啥", "钱", "人", "小礼品", "福利", "活动"})
_LIST_JOIN = ("和", "跟", "与", "及", "、")


def _gift_item(s: str, pos: int) -> tuple[int, int] | None:
    """The item starting at ``pos`` (after quantifiers), up to a stop word, punctuation or digit."""
    if (q := _QUANTIFIER.match(s, pos)) and q.end() < len(s) and not s.startswith(("个子", "款式"), pos):
        if s[pos] in "这那":
            return None
        pos = q.end()
    start = pos
    while pos < len(s) and pos - start < 10:
        char = s[pos]
        if char in CLAUSE_END or char.isspace() or char.isdigit() or char in "零一二两三四五六七八九十()（）":
            break
        if not (char.isalpha() or char == "-"):
            break
        if pos > start and s.startswith(_GIFT_STOP, pos):
            break
        if pos == start and s.startswith(_GIFT_STOP, pos):
            return None
        pos += 1
    if pos == start or s[start:pos] in _GIFT_GENERIC or pos - start >= 10:
        return None
    return start, pos


def find_gift_hits(t: Text) -> list[Hit]:
    s = t.s
    hits: list[Hit] = []
    for match in _GIFT_TRIGGER.finditer(s):
        trigger, pos = match[0], match.end()
        if trigger == "送":
            if s.endswith(("配", "运", "快递", "派", "护", "接", "赠", "发", "递", "欢"), 0, match.start()):
                continue
            if _NOT_GIFT_SEND.match(s, pos):
                continue
        if trigger == "送了" and _NOT_GIFT_SEND.match(s, pos):
            continue
        for lead in _GIFT_LEAD:
            if s.startswith(lead, pos):
                pos += len(lead)
                break
        if value := _GIFT_VALUE.match(s, pos):
            pos = value.end()
        while (span := _gift_item(s, pos)) is not None:
            hits.append(Hit(span[0], span[1], None))
            joiner = next((j for j in _LIST_JOIN if s.startswith(j, span[1])), None)
            if joiner is None:
                break
            pos = span[1] + len(joiner)
    for match in re.finditer(r"小样", s):
        hits.append(Hit(match.start(), match.end(), None))
    return non_overlapping(hits)
