"""Money amounts with their role (定金, 尾款, 差价 ...) and the price difference a complaint states."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import parse_chinese_number
from .spans import CLAUSE_END, Text, word_list

# Keywords right before an amount (fillers allowed in between). role None: it marks money but names no role.
_CHANGE = word_list(
    "贵了 涨了 涨价 降价 降了 便宜了 便宜 多付了 多付 多收了 多收 多花了 多扣了 多出来 多出 多了 差了 亏了 高了 加了"
    " 补差价 贵 涨 差"
)
_ROLE_WORDS: tuple[tuple[str | None, str], ...] = (
    ("差价", " ".join(_CHANGE) + " 差价"),
    ("定金", "定金 订金"),
    ("尾款", "尾款"),
    ("原价", "原价 原本"),
    ("活动价", "到手价 券后价 活动价 预售价 预约价 直播价 折后价 秒杀价"),
    ("现价", "现价 现在卖 现在 降到 降至"),
    ("退款", "退款 退了 退回"),
    ("补偿", "补偿 赔付 补了 赔了"),
    ("赠品价值", "价值"),
    ("运费", "运费"),
    ("实付", "付了 花了 实付 支付了 买是 下单 交了 付"),
    (None, "只要 要 卖 才 变成 变 改成 涨到 从 当时 平时 是 显示 共 总价 价格 标价 售价 会员价 最低价 吊牌价"),
    (None, "福利价 本来 价"),
)
# Larger amounts are not reported as money (precision first): no consumer complaint is about a billion yuan, so
# such a number is an order or phone number, a typo or a joke, and as an amount it would make ``difference`` absurd.
MAX_AMOUNT = 1e9
_KEYWORD_ROLE: dict[str, str | None] = {word: role for role, words in _ROLE_WORDS for word in words.split()}
_KEYWORDS = tuple(sorted(_KEYWORD_ROLE, key=len, reverse=True))  # longest first: 现在卖 before 卖, 降价 before 价
# Keywords after which an amount is money but not a price the buyer paid (for ``difference``).
_NON_PRICE = ("满", "立减", "减", "抵了", "抵", "手续费", "优惠券", "券", "红包")
_WEAK_ROLES = frozenset({"实付"})
_FILLERS = word_list(
    "说好的 说好 明明 竟然 居然 足足 整整 直接 一共 总共 大概 将近 只给 只有 只 仅 了 的 为 成 到 就 都 也 又 还 再 却"
    " 我 给 : 是"
)
_AFTER_ROLE = re.compile(r"的?(定金|订金|尾款|差价|运费)")
_AFTER_MONEY = re.compile(r"(?:买的|就能买|买|入手|拿下|包邮|抵)")
_MONEY_RE = re.compile(
    r"(?P<cur>¥|rmb)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[万千]|[wk](?![a-z]))?|[零〇一二两三四五六七八九十百千万]+)"
    r"(?P<approx>多|来|余)?"
    r"(?P<unit>(?:块钱|元钱|块|元|圆)(?:[0-9一二三四五六七八九](?:[毛角]|(?![\u4e00-\u9fff0-9.])))?|毛钱|毛|角)?"
)
# What may follow a bare number that is NOT money: time, quantity and measure units, model-number glue.
_NOT_MONEY_AFTER = re.compile(
    r"(?:几|多)?(?:天|日|号|月|年|周|星期|礼拜|小时|个|点|分|秒|h|次|件|盒|瓶|包(?!邮)|袋|箱|斤|克|公斤|g|kg|ml|l|毫升|升|码|寸"
    r"|米|cm|mm|岁|名|人|位|楼|条|张|台|部|双|套|只|支|片|颗|粒|本|层|份|单|期|级|代|折|%|倍|星|度|匹|v|a|p|x|×|\*"
    r"|-|~|/|:|\.\d|页|章|集|家|种|款|样|色|轮|排|行|遍|趟|声|口|下|手|亩|平|栋|吨|届|场|辆|把|线|键|核|帧|格|瓦"
    r"|伏|安|班|室|亿|[a-z])"
)
# After 块, these say yuan (十块钱, 五十块定金); any other Chinese character says pieces (一块蛋糕).
_YUAN_PIECE_OK = re.compile(
    r"钱|的|了|定金|订金|尾款|运费|差价|手续费|服务费|包装费|买|呢|啊|吧|都|就|也|还|左右|红包|优惠|补|券"
)
_RANGE_TO = re.compile(r"(?:到|至)(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千万]+)")
_BARE_PRICE_CONTEXT = re.compile(r"价|元|块|钱|付|买|降|涨|贵|便宜|¥|尾款|定金|订金")
_BLOCK_BEFORE = ("第", "双", "前", "型号", "编号", "尺码")
# "尾款从1299改成1499": the amount after the verb is the same kind of amount as the one after 从.
_FROM_TO = re.compile(r"(?:块钱|元钱|块|元)?(?:变成了?|变为|变到|涨到了?|涨成了?|降到了?|改成了?|调到了?|调成了?)")


def _keyword_before(s: str, start: int, floor: int) -> tuple[bool, str | None, bool, bool]:
    """Look left of an amount through fillers: (is_money, role, strong_role, non_price)."""
    tail = s[floor:start]
    is_money = False
    role: str | None = None
    for _ in range(4):
        if not tail:
            break
        if any(tail.endswith(k) for k in _NON_PRICE):
            return True, None, True, True
        keyword = next((k for k in _KEYWORDS if tail.endswith(k)), None)
        if keyword is not None:
            is_money = True
            found = _KEYWORD_ROLE[keyword]
            if found is not None:
                role = found
                break
            tail = tail[: -len(keyword)]
            continue
        filler = next((f for f in _FILLERS if tail.endswith(f)), None)
        if filler is None:
            break
        tail = tail[: -len(filler)]
    return is_money, role, role is not None and role not in _WEAK_ROLES, False


def _clause_noun_role(t: Text, start: int) -> str | None:
    """定金 or 尾款 named earlier in the clause with no other amount in between."""
    clause = t.s[t.clause_start(start) : start]
    best: tuple[int, str] | None = None
    for word, role in (("定金", "定金"), ("订金", "定金"), ("尾款", "尾款")):
        index = clause.rfind(word)
        if index >= 0 and (best is None or index > best[0]):
            best = (index, role)
    if best is None or re.search(r"\d|[一二两三四五六七八九十百千]{2,}", clause[best[0] :]):
        return None
    if clause[: best[0]].endswith(("不用", "不付", "不交", "无需", "不需要", "没付", "没交", "免")):
        return None  # 不用定金直接买: the amount is NOT a deposit
    return best[1]


@dataclass(frozen=True)
class MoneyHit:
    start: int
    end: int
    amount: float
    role: str | None
    approx: bool
    change: bool
    non_price: bool


def find_money_hits(t: Text) -> list[MoneyHit]:
    s = t.s
    hits: list[MoneyHit] = []
    for match in _MONEY_RE.finditer(s):
        start, num_end = match.start(), match.end("num")
        num = match["num"]
        has_unit = bool(match["unit"]) and not match["approx"]
        currency = bool(match["cur"]) or bool(match["unit"])
        before = s[start - 1] if start else ""
        if before and ((before.isascii() and before.isalnum()) or before in ".-~/×*"):
            continue
        if before == " " and start >= 2 and s[start - 2].isascii() and s[start - 2].isalpha():
            continue  # "iphone 15"
        if s.endswith(_BLOCK_BEFORE, 0, start):
            continue
        chinese = not any(c.isdigit() for c in num)
        if chinese and not currency and not re.search("[十百千万]", num):
            continue  # a lone 一/五 is almost never an amount without a currency word
        if not chinese and not currency and "," not in num and len(num.split(".")[0]) > 8:
            continue  # order and phone numbers
        after = s[match.end() : match.end() + 1]
        piece_noun = bool(after) and "\u4e00" <= after <= "\u9fff" and not _YUAN_PIECE_OK.match(s, match.end())
        if match["unit"] and match["unit"].startswith("块") and not match["cur"] and piece_noun:
            continue  # 一块蛋糕, 两块屏幕: pieces, not yuan
        if not currency and _NOT_MONEY_AFTER.match(s, num_end):
            continue
        if not currency and (span_to := _RANGE_TO.match(s, num_end)) and _NOT_MONEY_AFTER.match(s, span_to.end()):
            continue  # 需要7到15天: the first end of a range of days
        floor = t.clause_start(start)
        kw_money, role, strong, non_price = _keyword_before(s, start, max(floor, start - 12))
        # 尾款+200: a plus sign says "that much more" (not 100+200, a sum; not +1, a vote)
        plus = (
            before == "+"
            and not chinese
            and (num_end - start >= 2 or currency)
            and not s[start - 2 : start - 1].isdigit()
        )
        if plus and not kw_money and _BARE_PRICE_CONTEXT.search(s[floor:]):
            kw_money, role, strong = True, "差价", True
        left = s[max(floor, start - 8) : start]
        change = plus or any(left.endswith(k) or left.rstrip("了的我给").endswith(k) for k in _CHANGE)
        after_role = _AFTER_ROLE.match(s, match.end())
        after_money = _AFTER_MONEY.match(s, match.end())
        # "1.2万的空调": an amount in 万/k sizing a product is its price
        sized_product = num[-1] in "万wk" and s.startswith(("的", "多的"), match.end())
        bare = (
            not chinese
            and "." not in num
            and 100 <= float(num.replace(",", "").rstrip("万千wk") or 0) < 1_000_000
            and not re.fullmatch(r"618|1111|1212", num)
            and (not after or after in CLAUSE_END)
            and (start == floor or s[start - 1] in "后天时")
            and _BARE_PRICE_CONTEXT.search(s) is not None
        )
        if not (currency or kw_money or after_role or after_money or sized_product or bare):
            continue
        if after_role:
            role = {"订金": "定金"}.get(after_role[1], after_role[1])
        elif not strong:
            noun = _clause_noun_role(t, start)
            if noun is not None and not non_price:
                role = noun
            elif role is None and after_money and after_money[0].startswith("买的"):
                role = "实付"
        # 尾款从1299改成1499 (the gold set marks both 尾款): the second amount takes the 定金/尾款 role of the first
        previous = hits[-1] if hits else None
        if (
            role is None
            and previous is not None
            and previous.role in ("定金", "尾款")
            and s.endswith("从", 0, previous.start)
            and _FROM_TO.fullmatch(s, previous.end, start)
        ):
            role = previous.role
        end = match.end() if has_unit else match.end("num")
        amount_text = s[start:end]
        amount = parse_chinese_number(amount_text)
        if amount is None or amount > MAX_AMOUNT:
            continue
        hits.append(MoneyHit(start, end, amount, role, bool(match["approx"]), change, non_price))
    return hits


_CONTRAST = re.compile(
    r"结果|现在|今天|第二天|隔天|后来|之后|过了|变|涨|降|便宜|贵|只要|才|改|却|但|可是|又|比|差|亏|退|价保|保价|最低"
    r"|之前|原来|本来|原本|说好|明明"
)
_PRICE_ROLES = frozenset({None, "尾款", "实付", "原价", "活动价", "现价"})


def stated_difference(t: Text, money: list[MoneyHit]) -> float | None:
    """The amount a price complaint is about: an explicit 差价/贵了/降了 N, or the gap between two prices the
    text contrasts. None when it cannot be told for sure."""
    exact = [m for m in money if not m.approx]
    explicit = {m.amount for m in exact if m.role == "差价" or m.change}
    if explicit:  # a stated difference of zero (零块差价) is no difference to report
        return (explicit.pop() or None) if len(explicit) == 1 else None
    if any(m.approx and (m.role == "差价" or m.change) for m in money):
        return None
    if not _CONTRAST.search(t.s):
        return None
    prices = [m for m in exact if m.role in _PRICE_ROLES and not m.non_price]
    deposits = [m for m in exact if m.role == "定金" and not m.non_price]
    tails = [m for m in prices if m.role == "尾款"]
    others = [m for m in prices if m.role != "尾款"]
    if (
        len(deposits) == 1
        and len(tails) == 1
        and len(others) == 1
        and re.search(r"直接买|直接下单|现货|不用定金|不付定金|不交定金", t.s)
    ):
        gap = deposits[0].amount + tails[0].amount - others[0].amount
        return round(abs(gap), 2) or None
    current = [m for m in prices if m.role == "现价"]
    if len({m.amount for m in current}) == 1 and len(prices) > 2:
        earlier = [m for m in prices if m.start < current[0].start and m.role != "现价"]
        if earlier:
            return round(abs(earlier[-1].amount - current[0].amount), 2) or None
        return None
    amounts = sorted({m.amount for m in prices})
    if len(amounts) == 2:
        return round(amounts[1] - amounts[0], 2) or None
    return None
