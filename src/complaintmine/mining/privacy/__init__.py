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
                       ``138 1234 5678``, ``138.1234.5678``); its eleven digits grouped any other way (``1381 234
                       5678``, ``138 12345678``, one digit at a time; spaces, dashes, dots between groups of 3+)
                       after a +86/0086 prefix or a phone cue up to six characters before it, with no price word
                       (价, 元, 块, 钱) between (电话, 手机号, 手机:, 打我手机, 号码, 联系, 致电, 座机, 热线, tel,
                       call ..., or 打/拨 right before; 手机 alone is the product); landline with a valid area code
                       and a separator or parentheses (``010-12345678``, ``(0755) 8888 6666``) or 11-12 digits starting
                       with one, 400/800 service numbers, both with an extension (``-123``, ``转 123``, ``分机123``);
                       7-12 digits or a local number in two groups (``6666 8888``) after 电话/手机号/座机/tel ...;
                       any of these spelled out in Chinese numerals or mixed with digits (一三八一二三四五六七八,
                       幺三九 零零零零 一一一一, 138一二三四五六七八: 幺 = 1, 两 = 2, 〇/○/零/O = 0; financial
                       壹贰叁... too). Without a cue, 1399-200-1199 (prices) or 138 20231111 (a count and a date)
                       stay, and so do twelve digits in groups after a cue (which eleven is unclear)
ACCOUNT   [ACCOUNT]    an instant-messaging account right after its cue word: a QQ number (5-11 digits, no
                       leading zero) after QQ/扣扣/企鹅号; a WeChat id (6-20 letters, digits, _ or -, beginning with
                       a letter; with a digit, _ or - unless 号/id follows the cue) or a mobile after
                       微信/微信号/vx/wx/weixin/wechat. QQ群 numbers, nicknames and 微信 app stay
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
names (王某, 李某某) and QQ/WeChat nicknames are left alone (their numbers and ids are ACCOUNT).

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
8. PHONE (so a mobile given as a WeChat id, 微信13812345678, is ``[PHONE]``);
9. ACCOUNT;
10. ADDRESS;
11. NAME.

So an 18-digit number after 订单号 whose check digit happens to be valid is masked as ``[ID]``: it is masked
either way, only the placeholder differs. Precedence is resolved over all kinds before ``kinds`` filters the
result, so asking for PHONE alone does not turn an order number into ``[PHONE]``.

Full-width characters (１３８, ＠, （０２１）, －) are read as their half-width forms; the detectors run on a one-to-one
mapped copy of the text, so span offsets always refer to the original text and the original characters around a
span are kept as they were. The phone rules also read a second such copy in which Chinese numerals are the digits
they spell; a number in words (三百五十元, 二〇二六年, 一二三楼) never has the eleven digit-by-digit numerals of a
mobile, and one glued to 十/百/千/万/亿 is part of such a number. One or two numerals right after digits are a word
(13812345678一直打不通, 拨打12315两三次), not more digits of a landline or of a number after 电话. Detection repeats
on the masked text until nothing new is found (see :func:`find_private`), so masking an already masked text
changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from .detect import _candidates, _resolve
from .kinds import (
    ADDRESS_CONTEXTS,
    HONORIFICS,
    KIND_ALIASES,
    KINDS,
    NAME_CONTEXTS,
    PLACEHOLDERS,
    MaskResult,
    PrivateSpan,
    UnknownKindError,
    selected_kinds,
)
from .patterns import _shadow

__all__ = [
    "ADDRESS_CONTEXTS",
    "HONORIFICS",
    "KINDS",
    "KIND_ALIASES",
    "NAME_CONTEXTS",
    "PLACEHOLDERS",
    "MaskResult",
    "PrivateSpan",
    "UnknownKindError",
    "find_private",
    "mask",
    "mask_text",
]

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

    Kind names are case-insensitive and ``CARD`` means ``BANKCARD`` (its placeholder is ``[CARD]``); an unknown
    name, or an empty collection (which would mask nothing), raises :class:`UnknownKindError`. Precedence between
    overlapping shapes is resolved over all kinds first (module docstring), then the result is filtered.

    Detection repeats on the masked text until it finds nothing new. Why: a candidate may lose to an overlapping
    one (an address whose room number runs into a card number) or be blocked by a neighbour that looks like part
    of the same token (11010519491231002X.110105194912310021); once the winner is a placeholder, the rest can be
    judged on its own. Running to a fixed point is what makes masking idempotent: masking the output again finds
    nothing. It ends because every round replaces original characters and no detector matches ``[`` or ``]``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    wanted = selected_kinds(kinds)
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
