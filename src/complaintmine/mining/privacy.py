"""Privacy masking: personal data in complaint texts becomes placeholders such as ``[PHONE]``.

Why: complaint texts travel to annotators, error reports, model cards and example files. Phone numbers, ID
numbers, order numbers, cards, e-mail addresses, home addresses and names say nothing about the issue label but
identify the complainant, so they are replaced before the text leaves the pipeline. Precision comes first: a
price, date, model number or quantity that turns into ``[PHONE]`` damages the very signal the classifier and the
annotators need, so every detector asks for a distinctive shape, a checksum or an explicit context word.

Kinds and placeholders (:data:`PLACEHOLDERS`):

========  ===========  ===================================================================================
kind      placeholder  detected when
========  ===========  ===================================================================================
EMAIL     [EMAIL]      ``local@domain.tld``
ID        [ID]         18-digit resident ID whose ISO 7064 MOD 11-2 check digit (0-9 or X/x) is valid and whose
                       region and birth date are plausible; 15-digit old ID with a plausible region and birth date
BANKCARD  [CARD]       16-19 digits (optionally in groups of four) starting with 3-6 and passing the Luhn check,
                       with or without a card context (卡号, 银行卡, ...)
ORDER     [ORDER]      6+ digits (optionally with a 1-4 letter prefix) after 订单号/单号/运单号/交易号/order no ...,
                       10+ digits after a bare 订单/order, Pinduoduo ``240101-123456789012345``, courier numbers
                       (SF/YT/JT/ZTO/YD/STO/DPK/JD... + 10-16 digits, ``XX123456789CN``), bare 18-19 digit runs
                       (Taobao/Tmall/Douyin); further numbers of the same shape listed after a context number
                       (订单号A和B, 单号A、B)
PHONE     [PHONE]      mainland mobile ``1[3-9]`` + 9 digits (with +86/0086/86 prefix, ``138-1234-5678``,
                       ``138 1234 5678``), landline with a valid area code and a separator or parentheses
                       (``010-12345678``, ``(021)12345678``) or 11-12 digits starting with one, 400/800 service
                       numbers, and 7-12 digits after 电话/手机号/座机/tel ...
ADDRESS   [ADDRESS]    a contiguous chain of at least two address components (province/city/district/town,
                       road/street, estate/building, 号/栋/单元/层/室, room number) that contains an ASCII digit,
                       or any such chain after 地址/住址/住在/寄到/送到 ... (:data:`ADDRESS_CONTEXTS`); a bare city
                       (北京, 上海市) or a district without street (上海浦东新区) outside such a context is kept
NAME      [NAME]       a surname from a list of common Chinese surnames plus one or two given-name characters
                       after an explicit context (:data:`NAME_CONTEXTS`: 收件人/收货人/联系人/姓名/我叫/本人 ...);
                       or a surname (plus up to two characters) right before an honorific (:data:`HONORIFICS`:
                       先生/女士/小姐/师傅/老师/经理 ...)
========  ===========  ===================================================================================

Decisions on names: an honorific is kept and only the name before it is masked (张先生 -> ``[NAME]先生``,
快递员刘师傅 -> 快递员 ``[NAME]师傅``): the honorific carries role and politeness that matter to the reader and
identifies nobody. Without a context word a surname is masked only when the honorific follows it directly and
the character before it is not Chinese, is a particle such as 和/跟/给/找/是/的, or follows a role word such as
快递员/客服/司机 (so 说明先生, 语文老师 and 和女士 stay as they are); surname characters that are everyday words
there (和, 于, 时, 明, ...) and words such as 安装师傅, 谢谢老板, 祝老板, 蒙牛 are excluded. A bare name needs
the name to end at punctuation, a digit, the end of the text or a word such as 的/电话/收/说; when the end is
unclear (我叫李娜今天...) nothing is masked. Nicknames (小王, 老李), names in Latin script, already anonymised
names (王某, 李某某) and QQ/WeChat account names are left alone.

Digits that are not masked: prices (599元, ¥1299, a number followed by 元/块/万/%), dates and times (2023年11月11日,
11.11, 20:00, 2023-11-11, 20231111), quantities, years, model numbers and anything glued to Latin letters
(iPhone 15, RTX4090, 型号A1234), decimals, short codes (12315, 95588) and digit runs whose length fits no kind.

Precedence when candidate spans overlap: the higher rule wins and the lower candidate is dropped whole; among
equal rules the earlier, then the longer span wins. From high to low:

1. EMAIL (an address wraps whatever digits it contains, 13812345678@163.com);
2. ID: 18 digits with a valid check digit, or 15 digits after 身份证/证件号;
3. BANKCARD: Luhn plus a card context;
4. ORDER: an order/tracking context, the Pinduoduo shape, or a courier prefix;
5. ID: 15 digits without context;
6. BANKCARD: Luhn without context;
7. ORDER: a bare 18-19 digit run;
8. PHONE;
9. ADDRESS;
10. NAME.

So an 18-digit number after 订单号 whose check digit happens to be valid is masked as ``[ID]``: it is masked
either way, only the placeholder differs. Precedence is resolved over all kinds before ``kinds`` filters the
result, so asking for PHONE alone does not turn an order number into ``[PHONE]``.

Full-width characters (１３８, ＠, （０２１）, －) are read as their half-width forms; the detectors run on a one-to-one
mapped copy of the text, so span offsets always refer to the original text and the original characters around a
span are kept as they were. Detection repeats on the masked text until nothing new is found (see
:func:`find_private`), so masking an already masked text changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches
from types import MappingProxyType
from typing import Any, Final

from ..errors import ComplaintMineError

__all__ = [
    "ADDRESS_CONTEXTS",
    "HONORIFICS",
    "KINDS",
    "NAME_CONTEXTS",
    "PLACEHOLDERS",
    "MaskResult",
    "PrivateSpan",
    "UnknownKindError",
    "find_private",
    "mask",
    "mask_text",
]

KINDS: Final[tuple[str, ...]] = ("PHONE", "ID", "ORDER", "EMAIL", "BANKCARD", "ADDRESS", "NAME")
PLACEHOLDERS: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "PHONE": "[PHONE]",
        "ID": "[ID]",
        "ORDER": "[ORDER]",
        "EMAIL": "[EMAIL]",
        "BANKCARD": "[CARD]",
        "ADDRESS": "[ADDRESS]",
        "NAME": "[NAME]",
    }
)

# Words after which a person's name is expected (see module docstring). Role words only count before an honorific.
NAME_CONTEXTS: Final[tuple[str, ...]] = (
    "收件人", "收货人", "寄件人", "签收人", "联系人", "姓名", "名字叫", "名字是", "我叫", "名叫", "本人",
    "持卡人", "开户人", "开户名", "户名", "户主",
)  # fmt: skip
_ROLE_CONTEXTS: Final[tuple[str, ...]] = (
    "快递员", "快递小哥", "配送员", "外卖员", "骑手", "司机", "客服", "店主", "店长", "老板", "经理", "业务员",
    "销售", "导购", "保安", "工作人员", "安装工", "维修工", "师傅",
)  # fmt: skip
HONORIFICS: Final[tuple[str, ...]] = ("先生", "女士", "小姐", "师傅", "老师", "经理", "阿姨", "大姐", "大哥", "老板")
# Words after which an address is expected; with one, a chain of two components is enough (no digit needed).
ADDRESS_CONTEXTS: Final[tuple[str, ...]] = (
    "地址", "住址", "住在", "家住", "寄到", "寄往", "寄至", "送到", "送往", "送至", "发到", "发往", "配送到",
    "收货地", "位于",
)  # fmt: skip


class UnknownKindError(ComplaintMineError, ValueError):
    """``kinds`` names a kind that does not exist; the message lists the valid kinds and suggests a near match."""

    def __init__(self, unknown: Collection[str]):
        self.unknown = tuple(sorted(unknown))
        message = f"unknown privacy kind(s) {', '.join(map(repr, self.unknown))}; valid kinds: {', '.join(KINDS)}"
        hint = get_close_matches(self.unknown[0].upper(), KINDS, n=1) if self.unknown else []
        if hint:
            message += f". Did you mean {hint[0]!r}?"
        super().__init__(message)


@dataclass(frozen=True)
class PrivateSpan:
    """One piece of personal data: its kind, the half-open span [start, end) of the original text, placeholder."""

    kind: str
    start: int
    end: int
    placeholder: str


@dataclass(frozen=True)
class MaskResult:
    """The masked text and the spans (offsets into the original text, in text order) that were replaced."""

    text: str
    spans: tuple[PrivateSpan, ...]


# --------------------------------------------------------------------------------------------------------------
# Shadow text: full-width ASCII and odd dashes/spaces mapped one to one, so offsets stay those of the original.

_SHADOW_TABLE: Final[MappingProxyType[int, str]] = MappingProxyType(
    {
        **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
        **dict.fromkeys(map(ord, "\u3000\u00a0\u2002\u2003\u2009"), " "),
        **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63"), "-"),
        ord("\uffe5"): "¥",
    }
)


def _shadow(text: str) -> str:
    return text.translate(_SHADOW_TABLE)


# --------------------------------------------------------------------------------------------------------------
# Building blocks.

_HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff"
# A number starts or ends here: not glued to letters or digits, directly or through a dot (1299.00, v2.13812345678).
_B: Final = r"(?<![0-9A-Za-z])(?<![0-9A-Za-z]\.)"
_E: Final = r"(?![0-9A-Za-z])(?!\.[0-9A-Za-z])"
_SEP: Final = r"[\s:=#是为]{0,4}"  # between a context word and its value: 订单号：, 单号是, order #
_CONTEXT_WINDOW: Final = 24

_RANK_EMAIL, _RANK_ID, _RANK_CARD_CONTEXT, _RANK_ORDER_CONTEXT, _RANK_ID15 = 0, 1, 2, 3, 4
_RANK_CARD, _RANK_ORDER_SHAPE, _RANK_PHONE, _RANK_ADDRESS, _RANK_NAME = 5, 6, 7, 8, 9

_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_MOBILE: Final = re.compile(
    _B + r"(?:(?:(?:\+|00)\s?86|\(\+?86\))[ -]?|86[ -]?)?1[3-9][0-9](?P<s>[ -]?)[0-9]{4}(?P=s)[0-9]{4}" + _E
)
_AREA: Final = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LANDLINE: Final = re.compile(
    _B
    + r"(?:(?:\+|00)\s?86[ -]?(?:10|2[0-9]|[3-9][0-9]{2})[ -]|\(\s?"
    + _AREA
    + r"\s?\)[ -]?|"
    + _AREA
    + r"[ -])[0-9]{7,8}(?:-[0-9]{1,5})?"
    + _E
)
_SERVICE: Final = re.compile(_B + r"[48]00(?:[ -]?[0-9]){7}" + _E)
_CARD_GROUPED: Final = re.compile(_B + r"[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,4})?" + _E)
_RUN: Final = re.compile(_B + r"([0-9]+)([Xx]?)" + _E)
_PDD: Final = re.compile(_B + r"[0-9]{6}-[0-9]{15}" + _E)
_COURIER: Final = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:SF|YT|JT|ZTO|YD|STO|DPK|EMS|YUNDA|JD[A-Z]{0,2})[0-9]{10,16}|[A-Z]{2}[0-9]{9}CN)" + _E,
    re.IGNORECASE,
)
_ORDER_VALUE: Final = r"(?P<value>[0-9]{6}-[0-9]{15}|[A-Za-z]{1,4}[0-9]{6,30}|[0-9]{6,30})"
_ORDER_CONTEXT: Final = re.compile(
    r"(?:(?P<strong>单号|单号码|订单编号|订单id|交易号|流水号|运单|快递单|物流单|"
    r"order\s*(?:no\.?|number|id|#)|tracking\s*(?:no\.?|number)?|waybill)|(?P<weak>订单|order))"
    + _SEP
    + _ORDER_VALUE
    + _E,
    re.IGNORECASE,
)
# A further number in a list after the context: 订单号1234567890和1234567891, 单号A、B.
_ORDER_LIST_ITEM: Final = re.compile(r"\s*(?:和|及|与|、|,|/)\s*" + _ORDER_VALUE + _E)
_PHONE_CONTEXT: Final = re.compile(
    r"(?:电话|手机号|座机|联系方式|热线|tel|phone|mobile|致电|拨打|来电)(?:号码?)?" + _SEP + "$", re.I
)
_CARD_CONTEXT: Final = re.compile(
    r"(?:银行卡|卡号|信用卡|借记卡|储蓄卡|银行账号|账号|账户|card(?:\s*(?:no\.?|number))?)(?:号码?)?" + _SEP + "$", re.I
)
_ID_CONTEXT: Final = re.compile(r"(?:身份证|证件)(?:号码?)?" + _SEP + "$")
_AMOUNT_BEFORE: Final = re.compile(r"[¥$]\s*$")
_AMOUNT_AFTER: Final = re.compile(r"\s*(?:元|块|圆|角|万|亿|%|美元|rmb|cny|usd)", re.I)

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"
# The first two digits of a resident ID: province-level region codes (83 is used by residence permits).
_ID_REGIONS: Final = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)

# Address components (see _address_chain). _N is a name character: Chinese, but not a function word, so that a
# component never swallows 我住在 / 寄到 in front of it.
_ADDRESS_STOP: Final = (
    "的了是我你他她它们住到从往寄送给把被让向于至址说要就也还很又再这哪么吗呢吧啊呀哦嗯在与及或买购收件货去拿有"
)
_N: Final = f"(?:(?![{_ADDRESS_STOP}])[{_HAN}])"
_PROVINCES: Final = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
    "云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_PROVINCE_START: Final = re.compile(f"(?:{_PROVINCES})")
_ADMIN: Final = re.compile(
    rf"(?:{_PROVINCES})(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)?"
    rf"|{_N}{{2,4}}?(?:自治州|自治县|地区|(?<![超夜股菜城上])市|(?<![小社园景专])区|县|旗(?!舰)|镇|乡|街道)"
)
_STREET: Final = re.compile(rf"{_N}{{1,8}}?(?:大道|大街|路|街(?!道)|巷|弄|胡同)")
_ESTATE: Final = re.compile(
    rf"(?:{_N}|[A-Za-z]){{1,8}}?(?:小区|花园|大厦|公寓|家园|新村|村|苑|广场|大楼|园区|社区|公馆|中心|工业园|产业园|写字楼)"
)
_DETAIL: Final = re.compile(
    r"(?:[0-9]{1,5}|[A-Za-z][0-9]{0,3}|[一二三四五六七八九十]{1,3})(?:号楼|号院|号|栋|幢|座|塔|单元|楼|层|室|房|户|期|区)"
)
_ROOM: Final = re.compile(r"-?[0-9]{1,5}(?![0-9])(?:室|房|号)?")
# An estate or building without a telling suffix (万科城, 科技园) counts when a numbered detail follows it directly.
_UNNAMED_ESTATE: Final = re.compile(rf"{_N}{{2,6}}?(?={_DETAIL.pattern})")
# (pattern, phase, may start a chain)
_COMPONENTS: Final = (
    (_ADMIN, 0, True),
    (_STREET, 1, True),
    (_ESTATE, 1, True),
    (_UNNAMED_ESTATE, 1, False),
    (_DETAIL, 2, False),
)
_MAX_COMPONENTS: Final = 12  # real addresses have fewer; the bound keeps scanning linear on degenerate text
_ADDRESS_CONTEXT: Final = re.compile("(?:" + "|".join(ADDRESS_CONTEXTS) + ")" + _SEP + "$")
_HAN_CHAR: Final = re.compile(f"[{_HAN}]")
_DIGIT: Final = re.compile("[0-9]")

# Names.
_SURNAMES: Final = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔"
    "钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊"
    "葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆"
    "蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Surnames that are also everyday words right before 先生/女士 (和女士, 于先生 as "at"), not used without context.
_AMBIGUOUS_SURNAMES: Final = "和于向时单全应连明成关商师解查包管车司路古"
# Words that start with a surname character and often stand where a name would: before an honorific (安装师傅,
# 谢谢老板, 辛苦师傅, 祝老板生意兴隆, 高校老师, brands such as 康师傅 and 蒙牛) or after a context word (本人房间,
# 按姓名查找). Found by reading what the rules masked in a review corpus.
_NOT_A_NAME: Final = (
    "(?:安装|谢谢|辛苦|维修|感谢|麻烦|祝|康师傅|蒙牛|房间|房务|房东|查找|查询|简直|高校|高级|白族|万能|常年|高度|时间)"
)
_COMPOUND_SURNAMES: Final = (
    "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|令狐|夏侯|宇文|司徒|轩辕|端木|独孤|南宫|西门|万俟|钟离"
)
_NAME_STOP: Final = (
    "的了是在我你他她它们说要就都也还很又再这那哪么吗呢吧啊呀哦嗯某和与及或把被让向于至到从往给对跟有没不已经"
    "年号元块个件次收电手联地住家"
)
_HONORIFIC: Final = "(?:" + "|".join(HONORIFICS) + ")"
_GIVEN: Final = f"(?:(?!{_HONORIFIC})(?![{_NAME_STOP}])[{_HAN}])"
_SURNAME: Final = f"(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])"
_PLAIN_SURNAME: Final = f"(?:{_COMPOUND_SURNAMES}|[{''.join(c for c in _SURNAMES if c not in _AMBIGUOUS_SURNAMES)}])"
_NAME_END: Final = f"(?=[^{_HAN}]|$|的|{_HONORIFIC}|电话|手机|联系|收|说|反映|投诉|身份证|地址|住|家|{_PROVINCES})"
_NAME_SEP: Final = r"[\s:]{0,3}"
# 户名 inside 用户名 (a login name) is no name context.
_NAME_CONTEXT: Final = "(?:" + "|".join(NAME_CONTEXTS).replace("|户名", "|(?<!用)户名") + ")"
_NAME_IN_CONTEXT: Final = re.compile(
    _NAME_CONTEXT + _NAME_SEP + f"(?!{_NOT_A_NAME})(?P<name>{_SURNAME}{_GIVEN}{{1,2}}){_NAME_END}"
)
_NAME_BEFORE_HONORIFIC: Final = re.compile(
    _NAME_CONTEXT + _NAME_SEP + f"(?!{_NOT_A_NAME})(?P<name>{_SURNAME}{_GIVEN}{{0,2}})(?={_HONORIFIC})"
)
_ROLE_NAME_BEFORE_HONORIFIC: Final = re.compile(
    "(?:"
    + "|".join(_ROLE_CONTEXTS)
    + ")"
    + _NAME_SEP
    + f"(?!{_NOT_A_NAME})(?P<name>{_PLAIN_SURNAME}{_GIVEN}{{0,2}})(?={_HONORIFIC})"
)
_PLAIN_NAME_BEFORE_HONORIFIC: Final = re.compile(
    f"(?:(?<![{_HAN}])|(?<=[和跟与给向找问请让叫是位的]))(?!{_NOT_A_NAME})"
    f"(?P<name>{_PLAIN_SURNAME}{_GIVEN}{{0,2}})(?={_HONORIFIC})"
)


@dataclass(frozen=True)
class _Candidate:
    rank: int
    start: int
    end: int
    kind: str


# --------------------------------------------------------------------------------------------------------------
# Checks.


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _valid_id18(value: str) -> bool:
    """Region, birth date (1900-2099) and the ISO 7064 MOD 11-2 check digit of an 18-character resident ID."""
    body, check = value[:17], value[17].upper()
    if int(body[:2]) not in _ID_REGIONS or not 1900 <= int(body[6:10]) <= 2099:
        return False
    if not _valid_date(int(body[6:10]), int(body[10:12]), int(body[12:14])):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == check


def _plausible_id15(value: str) -> bool:
    """Region and birth date (19YYMMDD) of a 15-digit first-generation ID; it has no check digit."""
    return int(value[:2]) in _ID_REGIONS and _valid_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card_number(digits: str) -> bool:
    return 16 <= len(digits) <= 19 and digits[0] in "3456" and _luhn(digits)


def _landline_digits(digits: str) -> bool:
    """11-12 digits that are an area code plus a 7-8 digit local number, written without a separator."""
    if digits.startswith("010") or (digits[:2] == "02" and len(digits) >= 3):
        return len(digits) == 11
    return digits[:2] in {f"0{n}" for n in range(3, 10)} and len(digits) in (11, 12)


def _preceded_by(pattern: re.Pattern[str], shadow: str, start: int) -> bool:
    return pattern.search(shadow, max(0, start - _CONTEXT_WINDOW), start) is not None


def _is_amount(shadow: str, start: int, end: int) -> bool:
    """A number written as money or a share (¥1299, 13800000000元, 15%): never personal data."""
    return _preceded_by(_AMOUNT_BEFORE, shadow, start) or _AMOUNT_AFTER.match(shadow, end) is not None


# --------------------------------------------------------------------------------------------------------------
# Detectors: each yields candidates with a precedence rank; _resolve picks the winners.


def _emails(shadow: str) -> Iterator[_Candidate]:
    for match in _EMAIL.finditer(shadow):
        yield _Candidate(_RANK_EMAIL, match.start(), match.end(), "EMAIL")


def _digit_runs(shadow: str) -> Iterator[_Candidate]:
    """Plain digit runs: IDs, bank cards, bare order shapes, landlines without separator, numbers after 电话."""
    for match in _RUN.finditer(shadow):
        digits, check_x = match.group(1), match.group(2)
        start, end = match.span()
        n = len(digits)
        if check_x:
            if n == 17 and _valid_id18(digits + check_x):
                yield _Candidate(_RANK_ID, start, end, "ID")
            continue
        if n == 18 and _valid_id18(digits):
            yield _Candidate(_RANK_ID, start, end, "ID")
        if n == 15 and _plausible_id15(digits):
            yield _Candidate(_RANK_ID if _preceded_by(_ID_CONTEXT, shadow, start) else _RANK_ID15, start, end, "ID")
        if _is_card_number(digits):
            rank = _RANK_CARD_CONTEXT if _preceded_by(_CARD_CONTEXT, shadow, start) else _RANK_CARD
            yield _Candidate(rank, start, end, "BANKCARD")
        if n in (18, 19):
            yield _Candidate(_RANK_ORDER_SHAPE, start, end, "ORDER")
        if (n in (11, 12) and _landline_digits(digits)) or (
            7 <= n <= 12 and _preceded_by(_PHONE_CONTEXT, shadow, start)
        ):
            yield _Candidate(_RANK_PHONE, start, end, "PHONE")


def _grouped_cards(shadow: str) -> Iterator[_Candidate]:
    for match in _CARD_GROUPED.finditer(shadow):
        if _is_card_number(re.sub("[^0-9]", "", match.group())):
            rank = _RANK_CARD_CONTEXT if _preceded_by(_CARD_CONTEXT, shadow, match.start()) else _RANK_CARD
            yield _Candidate(rank, match.start(), match.end(), "BANKCARD")


def _orders(shadow: str) -> Iterator[_Candidate]:
    for match in _ORDER_CONTEXT.finditer(shadow):
        value = match.group("value")
        if match.group("weak") and value.isdigit() and len(value) < 10:
            continue  # 订单 alone is weaker than 订单号: JD numbers have 10+ digits, short runs may be anything
        yield _Candidate(_RANK_ORDER_CONTEXT, match.start("value"), match.end("value"), "ORDER")
        # Items of the same shape (length, letter prefix) listed after the first share its context.
        shape = (len(value), value[:1].isalpha())
        item = _ORDER_LIST_ITEM.match(shadow, match.end())
        while item and (len(item.group("value")), item.group("value")[:1].isalpha()) == shape:
            yield _Candidate(_RANK_ORDER_CONTEXT, item.start("value"), item.end("value"), "ORDER")
            item = _ORDER_LIST_ITEM.match(shadow, item.end())
    for pattern in (_PDD, _COURIER):
        for match in pattern.finditer(shadow):
            yield _Candidate(_RANK_ORDER_CONTEXT, match.start(), match.end(), "ORDER")


def _phones(shadow: str) -> Iterator[_Candidate]:
    for pattern in (_MOBILE, _LANDLINE, _SERVICE):
        for match in pattern.finditer(shadow):
            yield _Candidate(_RANK_PHONE, match.start(), match.end(), "PHONE")


def _address_chain(shadow: str, start: int) -> tuple[int, int] | None:
    """The chain of address components from ``start``: (end, number of components), or None.

    Components come in order: administrative units, then roads/estates, then building details (1号, 3栋, 2单元,
    5层, 201室), then an optional bare room number right after a detail (3栋201). A building may follow a road
    number (文三路478号华星时代广场A座1203). A detail, or an estate recognised only by the detail after it, never
    starts a chain.
    Each step takes the shortest component that fits: component names are matched lazily, and a longer match
    (北京市朝阳区建国路 as one "road") would swallow the components inside it.
    """
    phase, end, count = 0, start, 0
    while count < _MAX_COMPONENTS:
        best: tuple[int, int] | None = None  # (end, phase of the component)
        for pattern, component_phase, may_start in _COMPONENTS:
            backwards = component_phase < phase and not (component_phase == 1 and phase == 2)
            if backwards or (count == 0 and not may_start):
                continue
            found = pattern.match(shadow, end)
            if found and found.end() > end and (best is None or found.end() < best[0]):
                best = (found.end(), component_phase)
        if best is None:
            room = _ROOM.match(shadow, end) if phase == 2 else None
            if room and room.end() > end:
                end, count = room.end(), count + 1
            break
        (end, phase), count = best, count + 1
    return (end, count) if count else None


def _addresses(shadow: str) -> Iterator[_Candidate]:
    position = 0
    while position < len(shadow):
        if not _HAN_CHAR.match(shadow, position):
            position += 1
            continue
        chain = _address_chain(shadow, position)
        if chain is None:
            position += 1
            continue
        # Component names are matched without a gazetteer, so a chain may begin with a few characters that belong
        # to the text before it (收件人王小明广东省...). A province name a few characters later that reaches the same
        # end with as many components marks the real start.
        end, count = chain
        start = position
        for later in range(position + 1, min(position + 6, end)):
            if _PROVINCE_START.match(shadow, later):
                other = _address_chain(shadow, later)
                if other is not None and other[0] == end and other[1] >= count:
                    start, count = later, other[1]
                    break
        has_digit = _DIGIT.search(shadow, start, end) is not None
        if count >= 2 and (has_digit or _preceded_by(_ADDRESS_CONTEXT, shadow, start)):
            yield _Candidate(_RANK_ADDRESS, start, end, "ADDRESS")
            position = end
        else:
            position += 1


def _names(shadow: str) -> Iterator[_Candidate]:
    for pattern in (
        _NAME_IN_CONTEXT,
        _NAME_BEFORE_HONORIFIC,
        _ROLE_NAME_BEFORE_HONORIFIC,
        _PLAIN_NAME_BEFORE_HONORIFIC,
    ):
        for match in pattern.finditer(shadow):
            yield _Candidate(_RANK_NAME, match.start("name"), match.end("name"), "NAME")


_DIGIT_KINDS: Final = frozenset({"PHONE", "ID", "ORDER", "BANKCARD"})


def _candidates(shadow: str) -> Iterator[_Candidate]:
    for detector in (_emails, _digit_runs, _grouped_cards, _orders, _phones, _addresses, _names):
        for candidate in detector(shadow):
            if candidate.kind in _DIGIT_KINDS and _is_amount(shadow, candidate.start, candidate.end):
                continue
            yield candidate


def _resolve(candidates: Iterator[_Candidate]) -> list[_Candidate]:
    """Greedy by precedence: a candidate is kept unless it overlaps one kept before it (see module docstring)."""
    kept: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.rank, c.start, c.start - c.end)):
        if all(candidate.end <= other.start or other.end <= candidate.start for other in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda c: c.start)


def _selected_kinds(kinds: Collection[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    names = [kinds] if isinstance(kinds, str) else list(kinds)
    wanted = frozenset(str(name).upper() for name in names)
    unknown = wanted - frozenset(KINDS)
    if unknown:
        raise UnknownKindError(unknown)
    return wanted


# --------------------------------------------------------------------------------------------------------------
# Public API.


def _render(text: str, spans: list[PrivateSpan]) -> tuple[str, list[int]]:
    """``text`` with ``spans`` (sorted, disjoint) replaced, and for each output character its index in ``text``
    (-1 inside a placeholder)."""
    pieces: list[str] = []
    origin: list[int] = []
    position = 0
    for span in spans:
        pieces.append(text[position : span.start])
        origin.extend(range(position, span.start))
        pieces.append(span.placeholder)
        origin.extend([-1] * len(span.placeholder))
        position = span.end
    pieces.append(text[position:])
    origin.extend(range(position, len(text)))
    return "".join(pieces), origin


def find_private(text: str, kinds: Collection[str] | None = None) -> tuple[PrivateSpan, ...]:
    """Find personal data in ``text``: non-overlapping spans in text order, restricted to ``kinds`` (all if None).

    Kind names are case-insensitive; an unknown one raises :class:`UnknownKindError`. Precedence between
    overlapping shapes is resolved over all kinds first (module docstring), then the result is filtered.

    Detection repeats on the masked text until it finds nothing new. Why: a candidate may lose to an overlapping
    one (an address whose room number runs into a card number) or be blocked by a neighbour that looks like part
    of the same token (11010519491231002X.110105194912310021); once the winner is a placeholder, the rest can be
    judged on its own. Running to a fixed point is what makes masking idempotent: masking the output again finds
    nothing. It ends because every round replaces original characters and no detector matches ``[`` or ``]``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    wanted = _selected_kinds(kinds)
    if not wanted:
        return ()
    spans: list[PrivateSpan] = []
    current, origin = text, list(range(len(text)))
    while current:
        new = [
            PrivateSpan(found.kind, origin[found.start], origin[found.end - 1] + 1, PLACEHOLDERS[found.kind])
            for found in _resolve(_candidates(_shadow(current)))
            if found.kind in wanted and min(origin[found.start : found.end]) >= 0
        ]
        if not new:
            break
        spans = sorted(spans + new, key=lambda span: span.start)
        current, origin = _render(text, spans)
    return tuple(spans)


def mask(text: str, kinds: Collection[str] | None = None) -> MaskResult:
    """Replace every span :func:`find_private` reports by its placeholder; return the text and the spans."""
    spans = find_private(text, kinds)
    return MaskResult(_render(text, list(spans))[0], spans)


def mask_text(text: str, kinds: Collection[str] | None = None) -> str:
    """Return ``text`` with personal data replaced by placeholders such as ``[PHONE]`` (see :func:`mask`)."""
    return mask(text, kinds).text


def touches_private(start: int, end: int, private: Sequence[PrivateSpan]) -> bool:
    """Whether the span [start, end) overlaps private data: evidence must never point at it."""
    return any(p.start < end and start < p.end for p in private)


def without_private_evidence(evidence: Any, text: Any) -> Any:
    """Evidence (``{label: [{"term", "weight", "spans"}, ...]}``) without the terms whose spans touch private data
    in ``text`` (a phone, ID, name ...): with masking on, evidence must not quote what the mask hides."""
    if not evidence or not isinstance(text, str):
        return evidence
    private = find_private(text)
    if not private:
        return evidence

    def clean(item: dict[str, Any]) -> bool:
        return not any(touches_private(s, e, private) for s, e in item["spans"])

    return {label: [item for item in items if clean(item)] for label, items in evidence.items()}
