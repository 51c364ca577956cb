"""The patterns and checks private-data detection is built from (regexes, checksums, context words)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final

from .kinds import _ROLE_CONTEXTS, ADDRESS_CONTEXTS, HONORIFICS, NAME_CONTEXTS

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


# Numeral view of the shadow, read by the phone rules only: a phone number spelled out (一三八一二三四五六七八,
# 幺三九 零零零零 一一一一, 138一二三四五六七八) has its numerals mapped one to one onto the digits they stand for
# (幺 is 1 when read out, 两 rarely 2, 〇/○/零 and the letter O are 0, and the financial 壹贰叁... are digits too), so
# the same phone patterns find it. Positional numerals (十百千万亿, financial 拾佰仟) become a letter, so a phone
# never begins or ends inside a number written out in words, as it never does inside a code glued to letters.
# 俩 ("the two of them") is no digit spelling. The other rules keep reading the shadow: 一二三楼 or 二〇二六年 must
# not turn into digits for the ID, card, order and address rules.
_NUMERALS: Final = "〇○零幺一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_NUMERAL_DIGITS: Final = "00011223456789123456789"
_NUMERAL_TABLE: Final[MappingProxyType[int, str]] = MappingProxyType(
    {
        **{ord(numeral): digit for numeral, digit in zip(f"Oo{_NUMERALS}", f"00{_NUMERAL_DIGITS}", strict=True)},
        **dict.fromkeys(map(ord, "十百千万亿拾佰仟"), "n"),
    }
)


def _numeral_view(shadow: str) -> str:
    return shadow.translate(_NUMERAL_TABLE)


# Numerals glued to written digits are digits of a phone in a group of them (021一二三四五六七八) or one by one in a
# mobile's eleven; one or two after a number of varying length are a word after it (13812345678一直, 12315两三次).
_SPELLED: Final = re.compile(f"[{_NUMERALS}]+")
_MIN_GLUED_SPELLED: Final = 3


def _glued_few_numerals(shadow: str, start: int, end: int) -> bool:
    """Whether ``shadow[start:end]`` has a stretch of fewer than three Chinese numerals glued to an ASCII digit."""
    for stretch in _SPELLED.finditer(shadow, start, end):
        if stretch.end() - stretch.start() >= _MIN_GLUED_SPELLED:
            continue
        before = shadow[stretch.start() - 1] if stretch.start() > start else ""
        after = shadow[stretch.end()] if stretch.end() < end else ""
        if (before.isascii() and before.isdigit()) or (after.isascii() and after.isdigit()):
            return True
    return False


# --------------------------------------------------------------------------------------------------------------
# Building blocks.

_HAN: Final = "\u3400-\u4dbf\u4e00-\u9fff"
# A number starts or ends here: not glued to letters or digits, directly or through a dot (1299.00, v2.13812345678).
_B: Final = r"(?<![0-9A-Za-z])(?<![0-9A-Za-z]\.)"
_E: Final = r"(?![0-9A-Za-z])(?!\.[0-9A-Za-z])"
_SEP: Final = r"[\s:=#是为]{0,4}"  # between a context word and its value: 订单号：, 单号是, order #
_CONTEXT_WINDOW: Final = 24
# The regex engine finds a pattern that begins with a character, or with a choice of words that each begin with
# one, by scanning for those characters; one that begins otherwise (with lookbehinds such as _B, or with letters
# under IGNORECASE) it tries in full at every position of the text. Such patterns here begin with a lookahead on
# the characters a match can begin with, so that the engine rejects most positions at the first character: masking
# takes about a third less time. Each finds what it finds without its lookahead (tests/unit/test_privacy_fast_paths.py).


def _first_of(words: Iterable[str]) -> str:
    """A lookahead on the first characters of ``words``."""
    return "(?=[" + "".join(sorted({re.escape(word[0]) for word in words})) + "])"


_RANK_EMAIL, _RANK_ID, _RANK_CARD_CONTEXT, _RANK_ORDER_CONTEXT, _RANK_ID15 = 0, 1, 2, 3, 4
_RANK_CARD, _RANK_ORDER_SHAPE, _RANK_PHONE, _RANK_ACCOUNT, _RANK_ADDRESS, _RANK_NAME = 5, 6, 7, 8, 9, 10

_EMAIL: Final = re.compile(
    r"(?=[A-Za-z0-9])(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)
_MOBILE: Final = re.compile(
    r"(?=[+(081])"
    + _B
    + r"(?:(?:(?:\+|00)\s?86|\(\+?86\))[ -]?|86[ -]?)?1[3-9][0-9](?P<s>[ .-]?)[0-9]{4}(?P=s)[0-9]{4}"
    + _E
)
# A mobile's eleven digits grouped any other way (1381 234 5678, 138 12345678, 1 3 8 1 2 3 4 5 6 7 8, 138-1234 5678):
# one or two spaces or a dash (spaced or not) between any two digits, or a dot between groups of three or more
# (a dot after fewer digits is a decimal point: 13.8). Only 3-4-4 (_MOBILE) is a phone on its own shape: these
# need a +86/0086 prefix or a phone cue before them (_PHONE_CUE), since 1399-200-1199 may be prices and
# 138 20231111 a count and a date. The eleven digits end the chain: a twelfth after a gap leaves it ambiguous.
_GAP: Final = r"(?: ?- ?| {1,2}|(?<=[0-9]{3})\.(?=[0-9]{3}))"
_GROUPED_MOBILE: Final = re.compile(
    r"(?=[+(01])"
    + _B
    + r"(?<![0-9][ .-])(?<![0-9] [ -])(?P<prefix>(?:\+|00)\s?86[ -]?|\(\+?86\)\s?)?"
    + f"1{_GAP}?[3-9](?:{_GAP}?[0-9]){{9}}(?![0-9A-Za-z])(?!{_GAP}?[0-9])(?!\\.[0-9])"
)
# A mobile spelled out, then one or two numerals that begin the next word (一三八一二三四五六七八一直打不通,
# ...两次): in the numeral view those run on as a twelfth digit, which _MOBILE's end refuses (detect._phone_spans).
_SPELLED_MOBILE_BEFORE_WORD: Final = re.compile(
    "(?=1)" + _B + f"1[3-9][0-9](?P<s>[ -]?)[0-9]{{4}}(?P=s)[0-9]{{4}}(?=[0-9]{{1,2}}[{_HAN}])"
)
_AREA: Final = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
# An extension after a landline or service number: 010-12345678-123, 0755 8888 6666 转 123, 分机 8021.
_EXTENSION: Final = r"(?P<ext>-[0-9]{1,5}|\s?(?:转|分机|ext\.?)\s?[0-9]{1,5})?"
# A local number in groups begins with 2-9, as every mainland local number does (0830 1200 1330 are times).
_LANDLINE: Final = re.compile(
    r"(?=[+(0])"
    + _B
    + r"(?:(?:\+|00)\s?86[ -]?(?:10|2[0-9]|[3-9][0-9]{2})[ -]|\(\s?"
    + _AREA
    + r"\s?\)[ -]?|"
    + _AREA
    + r"[ -])(?:[0-9]{7,8}|[2-9][0-9]{2,3}[ -][0-9]{4})"
    + _EXTENSION
    + _E
)
# Every phone rule takes at least seven digits: a local number in two groups (888-6666) or 7-12 digits after 电话;
# mobiles, landlines and service numbers have more. A text with fewer in a view has no phone in it (detect._phones).
_MIN_PHONE_DIGITS: Final = 7
_SERVICE: Final = re.compile(r"(?=[48])" + _B + r"[48]00(?:[ -]?[0-9]){7}" + _EXTENSION + _E)
# A local number without area code in two groups (6666 8888, 888-6666), right after a phone context word.
_LOCAL_GROUPED: Final = re.compile(r"(?=[2-9])" + _B + r"[2-9][0-9]{2,3}[ -][0-9]{4}" + _EXTENSION + _E)
_CARD_GROUPED: Final = re.compile(r"(?=[0-9])" + _B + r"[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,4})?" + _E)
_RUN: Final = re.compile(r"(?=[0-9])" + _B + r"([0-9]+)([Xx]?)" + _E)
_PDD: Final = re.compile(r"(?=[0-9])" + _B + r"[0-9]{6}-[0-9]{15}" + _E)
_COURIER: Final = re.compile(
    r"(?=[A-Za-z])(?<![0-9A-Za-z])"
    r"(?:(?:SF|YT|JT|ZTO|YD|STO|DPK|EMS|YUNDA|JD[A-Z]{0,2})[0-9]{10,16}|[A-Z]{2}[0-9]{9}CN)" + _E,
    re.IGNORECASE,
)
_ORDER_VALUE: Final = r"(?P<value>[0-9]{6}-[0-9]{15}|[A-Za-z]{1,4}[0-9]{6,30}|[0-9]{6,30})"
_ORDER_CONTEXT: Final = re.compile(
    r"(?=[单订交流运快物otw])(?:(?P<strong>单号|单号码|订单编号|订单id|交易号|流水号|运单|快递单|物流单|"
    r"order\s*(?:no\.?|number|id|#)|tracking\s*(?:no\.?|number)?|waybill)|(?P<weak>订单|order))"
    + _SEP
    + _ORDER_VALUE
    + _E,
    re.IGNORECASE,
)
# A further number in a list after the context: 订单号1234567890和1234567891, 单号A、B.
_ORDER_LIST_ITEM: Final = re.compile(r"\s*(?:和|及|与|、|,|/)\s*" + _ORDER_VALUE + _E)
# The words that name a phone, for both cues below: the tight one right before a number (_PHONE_CONTEXT) and the
# loose one a few characters before a grouped mobile (_PHONE_CUE), so that the two lists cannot drift apart.
_PHONE_WORDS: Final = r"电话|手机号|座机|热线|致电|拨打|来电|(?<![A-Za-z])(?:telephone|tel|phone|mobile)"
_PHONE_CONTEXT: Final = re.compile(r"(?:" + _PHONE_WORDS + r"|联系方式)(?:号码?)?" + _SEP + "$", re.I)
# A phone cue near a grouped mobile (_GROUPED_MOBILE): a phone word and up to six characters that are no digit, end
# no sentence and name no price (电话是：, 手机号码为 , 打我手机 , 联系我：; not 联系客服，降价 1399 200 1199, where
# the digits are the prices the 价 names), or 打/拨 right before the number. 手机 alone is a
# product as often as a number (新手机 1399 200 1199 到手 is three prices): it counts as 手机号, as 手机: or 手机：,
# or after 打, 拨 or 我 (打我手机, 我的手机).
_PHONE_CUE: Final = re.compile(
    r"(?:(?:" + _PHONE_WORDS + r"|手机\s*[:：]|(?:打|拨|我的?)手机|号码|联系|回电|(?<![A-Za-z])call)"
    r"[^0-9。！？!?；;\n价元块钱¥￥]{0,6}|(?:打|拨)[\s:]{0,2}"
    r"|(?:微信|扣扣|(?<![A-Za-z])(?:vx|wx|qq))(?:号码?)?[\s:：]{0,2})$",
    re.I,
)
# Instant-messaging accounts, only right after their cue word: a QQ number (5-11 digits, no leading zero) after
# QQ/扣扣/企鹅号; a WeChat id (6-20 letters, digits, _ or -, beginning with a letter) or a mobile used as one after
# 微信/vx/wx/weixin/wechat. QQ群 (a group) and QQ空间 are no account; after a bare 微信/vx/wx (no 号/id after it) the id
# needs a digit, _ or - so that 微信 Android or vx600x stay (detect._accounts).
_QQ: Final = re.compile(
    r"(?=[qQ扣企])(?<![A-Za-z])(?:qq|扣扣|企鹅)(?:号码?)?" + _SEP + r"(?P<value>[1-9][0-9]{4,10})" + _E, re.I
)
_WECHAT: Final = re.compile(
    r"(?=[微威薇vVwW])(?:微信|威信|薇信|(?<![A-Za-z])(?:v信|vx|wx|weixin|wechat))(?P<named>号码?|id|账号)?"
    + _SEP
    + r"(?P<value>[A-Za-z][A-Za-z0-9_-]{5,19}|1[3-9][0-9]{9})(?![A-Za-z0-9_-])(?!\.[0-9A-Za-z])",
    re.I,
)
_ID_LIKE_SIGN: Final = re.compile(r"[0-9_-]")
# After a bare 微信/vx/wx a product's model number is no id (在微信 iPhone15 下单, 微信 RTX4090): letters, digits and
# perhaps letters again, with a capital letter (ids are written in lower case far more often than models are).
_MODEL_NUMBER: Final = re.compile(r"(?=[A-Za-z0-9]*[A-Z])[A-Za-z]{1,8}[0-9]{1,5}[A-Za-z]{0,5}")
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
# The suffixes of components that may start a chain. Each choice begins with its first character, the condition on
# the one before it comes after (市(?<![超...]市): 市, not after 超 as in 超市), so that _CHAIN_ANCHOR is a plain
# choice of words, which the engine searches for by their first characters.
_ADMIN_SUFFIX: Final = "自治州|自治县|地区|市(?<![超夜股菜城上]市)|区(?<![小社园景专]区)|县|旗(?!舰)|镇|乡|街道"
_STREET_SUFFIX: Final = "大道|大街|路|街(?!道)|巷|弄|胡同"
_ESTATE_SUFFIX: Final = "小区|花园|大厦|公寓|家园|新村|村|苑|广场|大楼|园区|社区|公馆|中心|工业园|产业园|写字楼"
_ADMIN: Final = re.compile(
    rf"(?:{_PROVINCES})(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)?|{_N}{{2,4}}?(?:{_ADMIN_SUFFIX})"
)
_STREET: Final = re.compile(rf"{_N}{{1,8}}?(?:{_STREET_SUFFIX})")
_ESTATE: Final = re.compile(rf"(?:{_N}|[A-Za-z]){{1,8}}?(?:{_ESTATE_SUFFIX})")
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
# Where a chain may start (detect._addresses): a Chinese character at which a component that may start one matches.
# Searching for it skips, inside the regex engine, the many positions where none does (most of them).
_CHAIN_START: Final = re.compile(
    f"(?=[{_HAN}])(?:" + "|".join(pattern.pattern for pattern, _, may_start in _COMPONENTS if may_start) + ")"
)
# Each of those components holds a province name or a suffix: a text with none of them has no address (9 in 10),
# and this search is much cheaper than _CHAIN_START's.
_CHAIN_ANCHOR: Final = re.compile(f"{_PROVINCES}|{_ADMIN_SUFFIX}|{_STREET_SUFFIX}|{_ESTATE_SUFFIX}")
_ADDRESS_CONTEXT: Final = re.compile("(?:" + "|".join(ADDRESS_CONTEXTS) + ")" + _SEP + "$")
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
_PLAIN_SURNAMES: Final = "".join(c for c in _SURNAMES if c not in _AMBIGUOUS_SURNAMES)
_PLAIN_SURNAME: Final = f"(?:{_COMPOUND_SURNAMES}|[{_PLAIN_SURNAMES}])"
_NAME_END: Final = f"(?=[^{_HAN}]|$|的|{_HONORIFIC}|电话|手机|联系|收|说|反映|投诉|身份证|地址|住|家|{_PROVINCES})"
_NAME_SEP: Final = r"[\s:]{0,3}"
# 户名 inside 用户名 (a login name) is no name context. The condition comes after the word, so that every choice
# begins with a character and the engine searches for the words by their first characters.
_NAME_CONTEXT: Final = "(?:" + "|".join(NAME_CONTEXTS).replace("|户名", "|户名(?<!用户名)") + ")"
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
    _first_of([*_PLAIN_SURNAMES, *_COMPOUND_SURNAMES.split("|")])
    + f"(?:(?<![{_HAN}])|(?<=[和跟与给向找问请让叫是位的])|(?<=联系)|(?<=告诉)|(?<=投诉))(?!{_NOT_A_NAME})"
    + f"(?P<name>{_PLAIN_SURNAME}{_GIVEN}{{0,2}})(?={_HONORIFIC})"
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
