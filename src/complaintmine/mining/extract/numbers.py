"""Numbers and durations written in Arabic or Chinese numerals (两千多, 1.5万, 一个礼拜, 半个月)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from ...text.normalize import normalize

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


def _float(value: Decimal) -> float | None:
    """``value`` as a float; None when a float cannot hold it (hundreds of digits would become infinity)."""
    number = float(value)
    return number if math.isfinite(number) else None


def parse_chinese_number(s: str) -> float | None:
    """Parse an amount as people write it: 三百五 -> 350, 一万二 -> 12000, 1.2万 -> 12000, ¥99 / 99块钱 -> 99,
    三百零五 -> 305, 五毛 -> 0.5, 三块五 -> 3.5. Returns None for anything that is not exactly one amount,
    and for a number too large for a float (a run of hundreds of digits): never infinity."""
    text = normalize(s)
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
            return _float(value)
        if match := _YUAN_FORM.fullmatch(text):
            main = _parse_plain(match["main"])
            if main is None:
                return None
            if match["jiao"]:
                main += _digit_value(match["jiao"]) / 10
            if match["fen"]:
                main += _digit_value(match["fen"]) / 100
            return _float(main)
        plain = _parse_plain(text)
    except InvalidOperation:
        return None
    return None if plain is None else _float(plain)


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
DUR_ANY = re.sub(r"\(\?P<\w+>", "(?:", _DUR)  # the same pattern without group names, for embedding
_UNIT_DAYS = {"小时": 1 / 24, "钟头": 1 / 24, "h": 1 / 24, "工作日": 1, "天": 1, "日": 1, "星期": 7, "礼拜": 7}
_UNIT_DAYS |= {"周": 7, "月": 30}
DATE = (
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号])?"
    r"|(?:\d{1,2}|[一二三四五六七八九十]{1,3})[日号](?=之?前|以前)|(?<!\d)\d{1,2}号"
    r"|双(?:11|十一|12|十二)|618|月底|月初|月中|年底|年前|春节|中秋节?|国庆节?|元旦|周末|本周|这周|下周[一二三四五六日天]?"
)
DATE_RE = re.compile(DATE)


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
    text = normalize(s)
    if DATE_RE.search(text):
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
