"""Detectors: each yields candidates with a precedence rank; ``resolve`` keeps the winners."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from .patterns import (
    _ADDRESS_CONTEXT,
    _CARD_CONTEXT,
    _CARD_GROUPED,
    _CHAIN_ANCHOR,
    _CHAIN_START,
    _COMPONENTS,
    _COURIER,
    _DIGIT,
    _EMAIL,
    _GROUPED_MOBILE,
    _ID_CONTEXT,
    _ID_LIKE_SIGN,
    _LANDLINE,
    _LOCAL_GROUPED,
    _MAX_COMPONENTS,
    _MIN_PHONE_DIGITS,
    _MOBILE,
    _MODEL_NUMBER,
    _NAME_BEFORE_HONORIFIC,
    _NAME_IN_CONTEXT,
    _ORDER_CONTEXT,
    _ORDER_LIST_ITEM,
    _PDD,
    _PHONE_CONTEXT,
    _PHONE_CUE,
    _PLAIN_NAME_BEFORE_HONORIFIC,
    _PROVINCE_START,
    _QQ,
    _RANK_ACCOUNT,
    _RANK_ADDRESS,
    _RANK_CARD,
    _RANK_CARD_CONTEXT,
    _RANK_EMAIL,
    _RANK_ID,
    _RANK_ID15,
    _RANK_NAME,
    _RANK_ORDER_CONTEXT,
    _RANK_ORDER_SHAPE,
    _RANK_PHONE,
    _ROLE_NAME_BEFORE_HONORIFIC,
    _ROOM,
    _RUN,
    _SERVICE,
    _SPELLED,
    _SPELLED_MOBILE_BEFORE_WORD,
    _WECHAT,
    _Candidate,
    _glued_few_numerals,
    _is_amount,
    _is_card_number,
    _landline_digits,
    _numeral_view,
    _plausible_id15,
    _preceded_by,
    _valid_id18,
)

# --------------------------------------------------------------------------------------------------------------
# Detectors: each yields candidates with a precedence rank; _resolve picks the winners.


def _emails(shadow: str) -> Iterator[_Candidate]:
    for match in _EMAIL.finditer(shadow):
        yield _Candidate(_RANK_EMAIL, match.start(), match.end(), "EMAIL")


def _digit_runs(shadow: str) -> Iterator[_Candidate]:
    """Plain digit runs: IDs, bank cards, bare order shapes (phones: :func:`_phones`)."""
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
    """Mobile, landline and service numbers, landlines without separator, 7-12 digits or a local number in two
    groups after 电话, and mobiles grouped any way after a phone cue or +86 (patterns._GROUPED_MOBILE); read in the
    shadow and in its numeral view, where spelled-out numbers (一三八..., 幺三九 零零零零 ...) are digits. Context
    words are looked up in the shadow (the view turns the o of phone into a 0). In the view, the rules whose length
    varies (a landline's 7 or 8 local digits, 11-12 digits, 7-12 after 电话) take no one or two numerals glued to
    written digits: those are a word after the number (13812345678一直, 拨打12315两三次), not more of its digits."""
    for view in dict.fromkeys((shadow, _numeral_view(shadow))):
        if sum(map(view.count, "0123456789")) < _MIN_PHONE_DIGITS:
            continue  # no rule can match: a shortcut, as most texts hold a few digits at most
        for start, end, fixed_length in _phone_spans(shadow, view):
            if fixed_length or view is shadow or not _glued_few_numerals(shadow, start, end):
                yield _Candidate(_RANK_PHONE, start, end, "PHONE")


def _phone_spans(shadow: str, view: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, whether the rule that found it takes a fixed number of digits) of each phone shape in ``view``."""
    for pattern, fixed_length in ((_MOBILE, True), (_LANDLINE, False), (_SERVICE, True), (_LOCAL_GROUPED, False)):
        for match in pattern.finditer(view):
            if pattern is _LOCAL_GROUPED and not _preceded_by(_PHONE_CONTEXT, shadow, match.start()):
                continue
            yield match.start(), _without_spelled_extension(shadow, match), fixed_length
    for match in _GROUPED_MOBILE.finditer(view):
        if match.group("prefix") or _preceded_by(_PHONE_CUE, shadow, match.start()):
            yield match.start(), match.end(), True
    spelled_mobiles = set()
    if view is not shadow:  # the numerals after a spelled mobile begin a word (一直, 两次) when no digit is written
        for match in _SPELLED_MOBILE_BEFORE_WORD.finditer(view):
            if not shadow[match.end()].isascii():
                spelled_mobiles.add(match.start())
                yield match.start(), match.end(), True
    for match in _RUN.finditer(view):
        digits, n, start = match.group(1), len(match.group(1)), match.start()
        if match.group(2) or start in spelled_mobiles:
            continue  # a check X: an ID shape; or a mobile and the numerals of the word after it
        if (n in (11, 12) and _landline_digits(digits)) or (
            _MIN_PHONE_DIGITS <= n <= 12 and _preceded_by(_PHONE_CONTEXT, shadow, start)
        ):
            yield start, match.end(), False


def _without_spelled_extension(shadow: str, match: re.Match[str]) -> int:
    """Where a phone match ends, short of an extension that is spelled in numerals (转一下, 转两次 are words)."""
    if match.groupdict().get("ext") and _SPELLED.search(shadow, match.start("ext"), match.end("ext")):
        return match.start("ext")
    return match.end()


def _accounts(shadow: str) -> Iterator[_Candidate]:
    """QQ numbers and WeChat ids after their cue word (patterns._QQ, patterns._WECHAT)."""
    for match in _QQ.finditer(shadow):
        yield _Candidate(_RANK_ACCOUNT, match.start("value"), match.end("value"), "ACCOUNT")
    for match in _WECHAT.finditer(shadow):
        value = match.group("value")
        if match.group("named") or (_ID_LIKE_SIGN.search(value) and not _MODEL_NUMBER.fullmatch(value)):
            yield _Candidate(_RANK_ACCOUNT, match.start("value"), match.end("value"), "ACCOUNT")


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
    if _CHAIN_ANCHOR.search(shadow) is None:
        return
    position = 0
    while (chain_start := _CHAIN_START.search(shadow, position)) is not None:
        position = chain_start.start()
        chain = _address_chain(shadow, position)
        if chain is None:  # never: a component that may start a chain matches here
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


_DIGIT_KINDS: Final = frozenset({"PHONE", "ID", "ORDER", "BANKCARD", "ACCOUNT"})


def _candidates(shadow: str) -> Iterator[_Candidate]:
    for detector in (_emails, _digit_runs, _grouped_cards, _orders, _phones, _accounts, _addresses, _names):
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
