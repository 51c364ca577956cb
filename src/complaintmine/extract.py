"""Evidence fields in a complaint: money amounts, promised and waited times, gifts, platforms and channels.

The classifier says *what* a complaint is about; this module pulls out the facts a case handler checks next
(how much, how long, which gift, where it was bought). It is rule-based on purpose: every field must point at
the characters it came from, and a wrong amount is worse than a missing one, so each rule fires only on a
clear cue and anything doubtful is left out (precision first).

Matching runs on a normalised copy of the text (NFKC full-width to half-width, lower case, whitespace
collapsed; see :mod:`complaintmine.normalize`) with a small one-to-one traditional-to-simplified character
map on top, so offsets map back to the original text. Every emitted field is checked once more against the
ORIGINAL characters of its span (the amount, duration or name re-parsed from them must equal the field's
value); a field that fails the check is dropped rather than reported with a span that does not say it.

Conventions (the gold set in tests/data/extraction_gold.jsonl follows them):
- Durations in days: 一周/一个星期/一个礼拜 = 7, 半个月 = 15, 一个月 = 30, hours / 24, working days count
  as days, a range (3-5天) takes its upper end, approximate forms (十多天, 快一个月) take the stated number.
- Approximate money (两千多) is reported with the stated number but never used for ``difference``.
- A calendar date, holiday or "月底" gives a promised time with ``days`` None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .normalize import Normalized, normalize, normalize_with_offsets

__all__ = [
    "Channel",
    "Extraction",
    "Gift",
    "Money",
    "Platform",
    "PromisedTime",
    "Waited",
    "canonical_channel",
    "canonical_platform",
    "extract",
    "parse_chinese_number",
    "parse_duration_days",
]

# --------------------------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Money:
    """An amount of money in yuan; ``role`` says what the text calls it (定金, 尾款, 差价, ...), else None."""

    amount: float
    role: str | None
    start: int
    end: int


@dataclass(frozen=True)
class PromisedTime:
    """A promised shipping/delivery time; ``days`` is None when the promise is a calendar date or holiday."""

    raw: str
    days: float | None
    start: int
    end: int


@dataclass(frozen=True)
class Waited:
    """How long the consumer says they have waited (for shipping, delivery, a refund or a gift), in days."""

    raw: str
    days: float
    start: int
    end: int


@dataclass(frozen=True)
class Gift:
    """An item named as a promised gift; ``item`` is the text of the span as written."""

    item: str
    start: int
    end: int


@dataclass(frozen=True)
class Platform:
    """A shopping platform, by canonical name (狗东 -> 京东, pdd -> 拼多多)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Channel:
    """A sales channel: 直播间, 旗舰店, 店铺, 自营 or 小程序."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Extraction:
    """All fields found in one text. Spans are [start, end) offsets into the original text."""

    money: tuple[Money, ...] = ()
    promised_time: tuple[PromisedTime, ...] = ()
    waited: tuple[Waited, ...] = ()
    gifts: tuple[Gift, ...] = ()
    platforms: tuple[Platform, ...] = ()
    channels: tuple[Channel, ...] = ()
    difference: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: lists of plain dicts per field, and ``difference``."""
        return {
            "money": [asdict(item) for item in self.money],
            "promised_time": [asdict(item) for item in self.promised_time],
            "waited": [asdict(item) for item in self.waited],
            "gifts": [asdict(item) for item in self.gifts],
            "platforms": [asdict(item) for item in self.platforms],
            "channels": [asdict(item) for item in self.channels],
            "difference": self.difference,
        }


# ------------------------------------------------------------------------------------- character handling

# Traditional characters that occur in complaints, mapped one-to-one so that offsets stay valid.
_TRAD = str.maketrans(
    "發貨贈漲價兩萬塊錢訂預說個禮週還沒東寶蘇寧閒魚紅書會營艦鋪間後時內買賣費與單來變經過帶減貴運購線電話實際們這條讓給幾號點"
    "鐘開門長張歲層雙隻壞補償額樣裝試鮮達無險換驗鑑邊餘幣圓億國節慶動靜態麼從為處遲樂師廠現參當約聯繫確認剛機貼紙紀錄讚問題別麵衛產",
    "发货赠涨价两万块钱订预说个礼周还没东宝苏宁闲鱼红书会营舰铺间后时内买卖费与单来变经过带减贵运购线电话实际们这条让给几号点"
    "钟开门长张岁层双只坏补偿额样装试鲜达无险换验鉴边余币圆亿国节庆动静态么从为处迟乐师厂现参当约联系确认刚机贴纸纪录赞问题别面卫产",
)

_CLAUSE_END = frozenset("，,。!?！？；;…\n")


def _words(text: str) -> tuple[str, ...]:
    """Word lists are written as space-separated strings; this keeps long Chinese lists readable."""
    return tuple(text.split())


@dataclass(frozen=True)
class _Text:
    """The original text, its normalised form (with the offset map) and the simplified string rules match."""

    original: str
    norm: Normalized
    s: str
    clause_starts: tuple[int, ...]  # for each index of ``s`` (and len(s)), where its clause begins

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``s`` back to the original text."""
        return self.norm.source_span(start, end)

    def clause_start(self, pos: int) -> int:
        """Index in ``s`` where the clause containing ``pos`` begins."""
        return self.clause_starts[pos]


def _prepare(text: str) -> _Text:
    norm = normalize_with_offsets(text)
    chars = list(norm.text)
    for i, char in enumerate(chars):
        # NFKC turns the Chinese comma into ",", which would glue "599，549" into one number: undo that.
        if char == "," and text[norm.offsets[i]] != ",":
            chars[i] = "，"
    s = "".join(chars).translate(_TRAD)
    starts = [0]
    for i, char in enumerate(s):
        starts.append(i + 1 if char in _CLAUSE_END else starts[-1])
    return _Text(text, norm, s, tuple(starts))


def _simplify(text: str) -> str:
    return normalize(text).translate(_TRAD)


# ------------------------------------------------------------------------------------------------ numbers

_DIGITS = dict(zip("零〇一二两俩三四五六七八九", (0, 0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9)))
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000, "k": 1000}
_BIG_UNITS = {"万": 10_000, "w": 10_000, "亿": 100_000_000}
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零〇一二两俩三四五六七八九]|[十百千k]|[万w亿]")
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_CN_DIGIT = "0-9一二两三四五六七八九"
_YUAN_FORM = re.compile(
    rf"(?P<main>[^元块圆毛角]+)[元块圆](?:(?P<jiao>[{_CN_DIGIT}])[毛角]?(?P<fen>(?<=[毛角])[{_CN_DIGIT}])?)?"
)
_JIAO_FORM = re.compile(rf"(?P<jiao>[{_CN_DIGIT}])[毛角](?P<fen>[{_CN_DIGIT}])?")


def _digit_value(char: str) -> Decimal:
    return Decimal(_DIGITS[char]) if char in _DIGITS else Decimal(char)


def _parse_plain(text: str) -> Decimal | None:
    """A bare number: Arabic (with thousands commas), Chinese numerals, or Arabic with 万/千/w/k."""
    if _ARABIC.fullmatch(text):
        return Decimal(text.replace(",", ""))
    tokens = _NUMBER_TOKEN.findall(text)
    if not tokens or "".join(tokens) != text:
        return None
    total = Decimal(0)
    section = Decimal(0)
    current: Decimal | None = None
    current_is_single_digit = False
    small_order: int | None = None
    big_order: int | None = None
    last_unit: int | None = None
    zero_seen = False
    for token in tokens:
        if token in _SMALL_UNITS:
            unit = _SMALL_UNITS[token]
            if current is None:
                if token != "十" or section or total:
                    return None  # "百", "千万": a unit with nothing to multiply
                current = Decimal(1)
            if small_order is not None and unit >= small_order:
                return None  # units must fall within a section: "五十五十" is not a number
            section += current * unit
            small_order, last_unit, current, zero_seen = unit, unit, None, False
        elif token in _BIG_UNITS:
            unit = _BIG_UNITS[token]
            if current is not None:
                section += current
                current = None
            if section == 0 or (big_order is not None and unit >= big_order):
                return None
            total += section * unit
            section, small_order, big_order, last_unit, zero_seen = Decimal(0), None, unit, unit, False
        elif token in {"零", "〇"}:
            if current is not None:
                return None
            zero_seen = True
        else:
            if current is not None:
                return None  # two digits in a row ("一二三", "二零二三") are not an amount
            current = _digit_value(token)
            current_is_single_digit = len(token) == 1
    if current is not None:
        order = small_order or big_order
        if last_unit is not None and not zero_seen and current_is_single_digit and last_unit >= 10:
            section += current * last_unit / 10  # 三百五 = 350, 一万二 = 12000, 两千三 = 2300
        elif order is None or current < order:
            section += current
        else:
            return None
    return total + section


def parse_chinese_number(s: str) -> float | None:
    """Parse an amount as people write it: 三百五 -> 350, 一万二 -> 12000, 1.2万 -> 12000, ¥99 / 99块钱 -> 99,
    三百零五 -> 305, 五毛 -> 0.5, 三块五 -> 3.5. Returns None for anything that is not exactly one amount."""
    text = _simplify(s)
    if text.startswith("¥"):
        text = text[1:]
    elif text.startswith("rmb"):
        text = text[3:]
    if text.endswith("钱") and len(text) > 1 and text[-2] in "元块毛":
        text = text[:-1]
    if not text:
        return None
    try:
        if match := _JIAO_FORM.fullmatch(text):
            value = _digit_value(match["jiao"]) / 10
            if match["fen"]:
                value += _digit_value(match["fen"]) / 100
            return float(value)
        if match := _YUAN_FORM.fullmatch(text):
            main = _parse_plain(match["main"])
            if main is None:
                return None
            if match["jiao"]:
                main += _digit_value(match["jiao"]) / 10
            if match["fen"]:
                main += _digit_value(match["fen"]) / 100
            return float(main)
        plain = _parse_plain(text)
    except InvalidOperation:
        return None
    return None if plain is None else float(plain)


# ---------------------------------------------------------------------------------------------- durations

# Bounded and anchored at the start of a numeral run, so that long digit runs cannot cause quadratic backtracking.
_CN_RUN = "零一二两俩三四五六七八九十百"
_NUMD = rf"(?:(?<![\d.])\d{{1,7}}(?:\.\d{{1,3}})?(?![\d.])|(?<![{_CN_RUN}])[{_CN_RUN}]{{1,8}})"
_DUR = (
    rf"(?:(?P<lo>{_NUMD})[-~到至])?(?P<num>{_NUMD})(?P<approx>多|几|来|余)?(?P<ge>个)?(?P<approx2>多)?(?P<half>半)?"
    r"(?P<unit>小时|钟头|h(?![a-z])|工作日|天|日|星期|礼拜|周|月)"
    r"|(?P<half_only>半)个?(?P<unit2>月|小时|钟头)"
)
_DUR_RE = re.compile(_DUR)
_DUR_ANY = re.sub(r"\(\?P<\w+>", "(?:", _DUR)  # the same pattern without group names, for embedding
_UNIT_DAYS = {"小时": 1 / 24, "钟头": 1 / 24, "h": 1 / 24, "工作日": 1, "天": 1, "日": 1, "星期": 7, "礼拜": 7}
_UNIT_DAYS |= {"周": 7, "月": 30}
_DATE = (
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号])?"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号](?=之?前|以前)|(?<!\d)\d{1,2}号"
    r"|双(?:11|十一|12|十二)|618|月底|月初|月中|年底|年前|春节|中秋节?|国庆节?|元旦|周末|本周|这周|下周[一二三四五六日天]?"
)
_DATE_RE = re.compile(_DATE)


def _duration_days(match: re.Match[str]) -> float | None:
    if match["half_only"]:
        return _UNIT_DAYS[match["unit2"]] / 2
    unit = match["unit"]
    if unit == "月" and not match["ge"]:
        return None  # "12月" is a month of the year, "一个月" a duration
    value = parse_chinese_number(match["num"])
    if value is None:
        return None
    if match["lo"] is not None and parse_chinese_number(match["lo"]) is None:
        return None
    days = value * _UNIT_DAYS[unit]
    if match["half"]:
        days += _UNIT_DAYS[unit] / 2
    return round(days, 6)


def parse_duration_days(s: str) -> float | None:
    """Days in a time phrase: 48小时内发货 -> 2, 半个月了 -> 15, 第9天 -> 9, 次日达 -> 1, 当天发货 -> 0.
    A calendar date or holiday (11月11日前, 月底前) gives None, as does a phrase with no time in it."""
    text = _simplify(s)
    if _DATE_RE.search(text):
        return None
    for match in _DUR_RE.finditer(text):
        days = _duration_days(match)
        if days is not None:
            return days
    if re.search(r"次日|隔日|隔天", text):
        return 1.0
    if re.search(r"当日|当天", text):
        return 0.0
    return None


# ------------------------------------------------------------------------------------------ span handling


@dataclass(frozen=True)
class _Hit:
    """A match in ``s`` coordinates, before it is turned into a field."""

    start: int
    end: int
    value: Any


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _non_overlapping(hits: list[_Hit]) -> list[_Hit]:
    """Keep the earliest-starting (then longest) hit of each overlapping group."""
    kept: list[_Hit] = []
    reach = -1  # hits come in start order, so a hit overlaps a kept one exactly when it starts before this
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= reach:
            kept.append(hit)
            reach = hit.end
    return kept


# ------------------------------------------------------------------------------------------------- money

# Keywords right before an amount (fillers allowed in between). role None: it marks money but names no role.
_CHANGE = _words(
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
_KEYWORD_ROLE: dict[str, str | None] = {word: role for role, words in _ROLE_WORDS for word in words.split()}
_KEYWORDS = tuple(sorted(_KEYWORD_ROLE, key=len, reverse=True))  # longest first: 现在卖 before 卖, 降价 before 价
# Keywords after which an amount is money but not a price the buyer paid (for ``difference``).
_NON_PRICE = ("满", "立减", "减", "抵了", "抵", "手续费", "优惠券", "券", "红包")
_WEAK_ROLES = frozenset({"实付"})
_FILLERS = _words(
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
_BARE_PRICE_CONTEXT = re.compile(r"价|元|块|钱|付|买|降|涨|贵|便宜|¥")
_BLOCK_BEFORE = ("第", "双", "前", "型号", "编号", "尺码")


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


def _clause_noun_role(t: _Text, start: int) -> str | None:
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
class _MoneyHit:
    start: int
    end: int
    amount: float
    role: str | None
    approx: bool
    change: bool
    non_price: bool


def _money_hits(t: _Text) -> list[_MoneyHit]:
    s = t.s
    hits: list[_MoneyHit] = []
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
        left = s[max(floor, start - 8) : start]
        change = any(left.endswith(k) or left.rstrip("了的我给").endswith(k) for k in _CHANGE)
        after_role = _AFTER_ROLE.match(s, match.end())
        after_money = _AFTER_MONEY.match(s, match.end())
        # "1.2万的空调": an amount in 万/k sizing a product is its price
        sized_product = num[-1] in "万wk" and s.startswith(("的", "多的"), match.end())
        bare = (
            not chinese
            and "." not in num
            and 100 <= float(num.replace(",", "").rstrip("万千wk") or 0) < 1_000_000
            and not re.fullmatch(r"618|1111|1212", num)
            and (not after or after in _CLAUSE_END)
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
        end = match.end() if has_unit else match.end("num")
        amount_text = s[start:end]
        amount = parse_chinese_number(amount_text)
        if amount is None:
            continue
        hits.append(_MoneyHit(start, end, amount, role, bool(match["approx"]), change, non_price))
    return hits


_CONTRAST = re.compile(
    r"结果|现在|今天|第二天|隔天|后来|之后|过了|变|涨|降|便宜|贵|只要|才|改|却|但|可是|又|比|差|亏|退|价保|保价|最低"
    r"|之前|原来|本来|原本|说好|明明"
)
_PRICE_ROLES = frozenset({None, "尾款", "实付", "原价", "活动价", "现价"})


def _difference(t: _Text, money: list[_MoneyHit]) -> float | None:
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


# ----------------------------------------------------------------------------------------- promised time

_PREFIX = r"(?:(?:支付|付|交)完?(?:尾款|全款|款)?后|下单后|付款后|拍下后|购买后)?"
_SHIP = r"(?:发货|发出|出库|寄出|送达|到货|送到|到达|发|达|到)"
_PROMISE_CUE = re.compile(
    r"说好|承诺|保证|写着|写的|显示|预计|约定|答应|标着|标注|标明|页面|详情|宣传|号称|预售|规定|最晚|说|写"
)
_NO_PROMISE_BEFORE = ("等了", "拖了", "过了", "才", "用了")
_PROMISE_FORMS: tuple[tuple[re.Pattern[str], bool], ...] = (
    (re.compile(rf"{_PREFIX}(?:{_DUR_ANY})(?:之内|以内|内)(?:就|会|可|将|必)?{_SHIP}"), False),
    (re.compile(r"次日达|当日达|隔日达|次日送达|当日送达|次日发货|隔日发货"), False),
    (re.compile(rf"(?:{_DATE})(?:之前|以前|前){_SHIP}"), False),
    (re.compile(rf"{_PREFIX}(?:{_DUR_ANY})(?:左右)?(?:发货|发出|出库|寄出|送达|到货|发)(?!了)"), True),
    (re.compile(rf"{_PREFIX}(?:当天|当日)就?(?:发货|发出|发)(?!了)"), True),
    (re.compile(rf"(?:{_DATE})(?:发货|发出|到货|送达|发)(?!了)"), True),
    (re.compile(rf"预售期?(?:是|为)?(?:{_DUR_ANY})(?![了后内])"), False),
)


def _promised_hits(t: _Text) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern, needs_cue in _PROMISE_FORMS:
        for match in pattern.finditer(t.s):
            start = match.start()
            prefix = t.s[t.clause_start(start) : start]
            if needs_cue and not _PROMISE_CUE.search(prefix):
                continue
            if prefix.endswith(_NO_PROMISE_BEFORE) or prefix.endswith(("第", "月")):
                continue
            hits.append(_Hit(start, match.end(), parse_duration_days(match[0])))
    return _non_overlapping(hits)


# ------------------------------------------------------------------------------------------------ waited

_WAIT_VERB = r"(?:发货|发|到货|到账|到|动静|动|消息|更新|收到|揽收|退|出库|寄|送|回|有|影)"
_WAIT_FORMS: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?:等了|等待了|拖了|已经过去了?|已经过了|已经过|过去了?(?=(?:{_DUR_ANY})了)|过了(?=(?:{_DUR_ANY})(?:了|还|都|没|仍)))"
        rf"(?:整整|快|将近|差不多|大概|约)?(?:{_DUR_ANY})"
    ),
    re.compile(
        rf"(?:{_DUR_ANY})了?[^，,。!?！？；;]{{0,4}}?(?:还是|还|都|仍然|依然|仍|也|一直)?(?:没有|没|未|不){_WAIT_VERB}"
    ),
    re.compile(rf"(?:{_DUR_ANY})后?才(?:发货|发出|发|到货|到|收到|送到)"),
    re.compile(rf"第(?:{_DUR_ANY})(?:了|才|(?=[，,。!?！？；;]|$))"),
    re.compile(rf"(?:{_DUR_ANY})了(?=[，,。!?！？；;~…]|$|还|都|也|仍|钱|货)"),
)
_LESS_THAN = re.compile(rf"(?:{_DUR_ANY})不到")
_NO_WAIT_BEFORE = _words("用了 穿了 戴了 吃了 玩了 不到 下 上 这 本 前 后 保价 价保 保 月 要 需要 得")


def _waited_hits(t: _Text, promised: list[_Hit]) -> list[_Hit]:
    hits: list[_Hit] = []
    for pattern in _WAIT_FORMS:
        for match in pattern.finditer(t.s):
            start, end = match.start(), match.end()
            if t.s.endswith(_NO_WAIT_BEFORE, 0, start) or any(
                _overlaps((start, end), (p.start, p.end)) for p in promised
            ):
                continue
            if _DATE_RE.match(t.s, start) and not t.s.startswith("第", start):
                continue
            if _LESS_THAN.search(match[0]):
                continue  # 一周不到: "less than a week", said of something else
            days = parse_duration_days(match[0])
            if days is None:
                continue
            hits.append(_Hit(start, end, days))
    return _non_overlapping(hits)


# ------------------------------------------------------------------------------------------------- gifts

_GIFT_TRIGGER = re.compile(r"赠品|增品|赠送|附赠|加赠|送的|送了|送")
_NOT_GIFT_SEND = re.compile(r"货|到|达|上门|回|错|来|过|人|给|去|走|出|完|我|你|他|她|修|检|医|洗|件|餐|礼|快递|外卖")
_GIFT_LEAD = ("写的是", "就是", "是", "为", ":", "有", "的", "(", "（")
_CLASSIFIERS = "个件套瓶包盒支只条张双袋罐片台把份本斤桶箱对副款"
_QUANTIFIER = re.compile(rf"(?:[0-9一二两三四五六七八九十几]+|[这那每])[{_CLASSIFIERS}]|个")
_GIFT_VALUE = re.compile(r"价值[^，,。!?！？；;的]{1,8}的")
_GIFT_STOP = _words(
    "到现在 一直 一起 根本 竟然 居然 结果 已经 怎么 什么 另外 单独 随机 可以 需要 后来 之后 以后 不退 没 不 未 也 都"
    " 还 呢 吗 啊 吧 呀 了 是 到 就 只 给 在 跟 和 与 及 或 、 被 说 要 会 能 影 等 少 太 很 真 全 才 又 再 却 而 但 可"
    " 这 那 的 呗 已 比"
    # predicates that complaints put right after the gift: 咖啡豆过期了, 杯子坏了, 质量很差
    " 过期 坏 破 碎 漏 掉 丢 缺 质量 有"
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
        if char in _CLAUSE_END or char.isspace() or char.isdigit() or char in "零一二两三四五六七八九十()（）":
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


def _gift_hits(t: _Text) -> list[_Hit]:
    s = t.s
    hits: list[_Hit] = []
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
            hits.append(_Hit(span[0], span[1], None))
            joiner = next((j for j in _LIST_JOIN if s.startswith(j, span[1])), None)
            if joiner is None:
                break
            pos = span[1] + len(joiner)
    for match in re.finditer(r"小样", s):
        hits.append(_Hit(match.start(), match.end(), None))
    return _non_overlapping(hits)


# ------------------------------------------------------------------------------------ platforms, channels

_PLATFORM_SURFACES: tuple[tuple[str, str], ...] = tuple(
    (surface, name)
    for name, surfaces in (
        ("苏宁", "苏宁易购 苏宁"),
        ("天猫", "天猫超市 天猫 tmall 猫超"),
        ("拼多多", "多多买菜 拼多多 拼夕夕 pdd 多多"),
        ("淘宝", "淘宝 某宝 taobao"),
        ("京东", "京东 狗东 某东 jd"),
        ("一号店", "一号店 1号店"),
        ("抖音", "抖音"),
        ("快手", "快手"),
        ("唯品会", "唯品会"),
        ("小红书", "小红书"),
        ("得物", "得物"),
        ("闲鱼", "闲鱼"),
        ("亚马逊", "亚马逊"),
        ("当当", "当当"),
        ("美团", "美团"),
        ("饿了么", "饿了么"),
        ("盒马", "盒马"),
        ("网易严选", "网易严选"),
    )
    for surface in surfaces.split()
)
_CHANNEL_SURFACES: tuple[tuple[str, str], ...] = (
    ("直播间", "直播间"),
    ("直播", "直播间"),
    ("旗舰店", "旗舰店"),
    ("店铺", "店铺"),
    ("网店", "店铺"),
    ("自营", "自营"),
    ("小程序", "小程序"),
)


def _platform_ok(s: str, start: int, end: int, surface: str) -> bool:
    before, after = s[start - 1 : start] if start else "", s[end : end + 2]
    if surface.isascii() and ((before.isascii() and before.isalnum()) or (after[:1].isascii() and after[:1].isalnum())):
        return False
    if surface == "京东" and after.startswith("方"):
        return False
    if surface == "天猫" and after.startswith("精灵"):
        return False
    if surface == "快手" and after.startswith("快"):
        return False
    if surface == "得物" and ((before and before in "值获取所") or after.startswith("品")):
        return False
    if surface == "多多":
        return after.startswith(("上", "买", "里", "下单", "商家", "店")) or (bool(before) and before in "在用")
    return True


def _name_hits(s: str, surfaces: tuple[tuple[str, str], ...], ok: Callable[[str, int, int, str], bool]) -> list[_Hit]:
    hits = []
    for surface, name in surfaces:
        for match in re.finditer(re.escape(surface), s):
            if ok(s, match.start(), match.end(), surface):
                hits.append(_Hit(match.start(), match.end(), name))
    return _non_overlapping(hits)


def _channel_ok(s: str, start: int, end: int, surface: str) -> bool:
    return not (surface == "直播" and s.startswith(("价", "带货价"), end))


def canonical_platform(s: str) -> str | None:
    """The canonical platform name for a surface form (狗东 -> 京东), or None."""
    text = _simplify(s)
    return next((name for surface, name in _PLATFORM_SURFACES if surface == text), None)


def canonical_channel(s: str) -> str | None:
    """The canonical channel name for a surface form (直播 -> 直播间), or None."""
    text = _simplify(s)
    return next((name for surface, name in _CHANNEL_SURFACES if surface == text), None)


# -------------------------------------------------------------------------------------------------- entry


def _mapped(t: _Text, hits: list[_Hit] | list[_MoneyHit]) -> Iterator[tuple[Any, int, int, str]]:
    """Each hit with its span in the original text and the original characters of that span."""
    for hit in hits:
        start, end = t.span(hit.start, hit.end)
        if start < end:
            yield hit, start, end, t.original[start:end]


def extract(text: str) -> Extraction:
    """Find the evidence fields of one complaint text (see the module docstring for the conventions)."""
    t = _prepare(text)
    money_hits = [
        (hit, start, end)
        for hit, start, end, raw in _mapped(t, _money_hits(t))
        if parse_chinese_number(raw) == hit.amount
    ]
    promised_hits = _promised_hits(t)
    promised = tuple(
        PromisedTime(raw, hit.value, start, end)
        for hit, start, end, raw in _mapped(t, promised_hits)
        if parse_duration_days(raw) == hit.value
    )
    waited = tuple(
        Waited(raw, hit.value, start, end)
        for hit, start, end, raw in _mapped(t, _waited_hits(t, promised_hits))
        if hit.value is not None and parse_duration_days(raw) == hit.value
    )
    gifts = tuple(Gift(raw, start, end) for _hit, start, end, raw in _mapped(t, _gift_hits(t)) if raw.strip() == raw)
    platforms = tuple(
        Platform(hit.value, start, end)
        for hit, start, end, raw in _mapped(t, _name_hits(t.s, _PLATFORM_SURFACES, _platform_ok))
        if canonical_platform(raw) == hit.value
    )
    channels = tuple(
        Channel(hit.value, start, end)
        for hit, start, end, raw in _mapped(t, _name_hits(t.s, _CHANNEL_SURFACES, _channel_ok))
        if canonical_channel(raw) == hit.value
    )
    return Extraction(
        money=tuple(Money(hit.amount, hit.role, start, end) for hit, start, end in money_hits),
        promised_time=promised,
        waited=waited,
        gifts=gifts,
        platforms=platforms,
        channels=channels,
        difference=_difference(t, [hit for hit, _start, _end in money_hits]),
    )
