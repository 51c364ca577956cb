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
- An amount above ``money.MAX_AMOUNT`` (a billion yuan) is not reported as money: no complaint is about one.
- A calendar date, holiday or "月底" gives a promised time with ``days`` None.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .gifts import find_gift_hits
from .money import MoneyHit, find_money_hits, stated_difference
from .names import (
    CHANNEL_SURFACES,
    PLATFORM_SURFACES,
    canonical_channel,
    canonical_platform,
    channel_ok,
    find_name_hits,
    platform_ok,
)
from .numbers import parse_chinese_number, parse_duration_days
from .results import Channel, Extraction, Gift, Money, Platform, PromisedTime, Waited
from .spans import Hit, Text, prepare
from .times import find_promised_hits, find_waited_hits

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


def _mapped(t: Text, hits: list[Hit] | list[MoneyHit]) -> Iterator[tuple[Any, int, int, str]]:
    """Each hit with its span in the original text and the original characters of that span."""
    for hit in hits:
        start, end = t.span(hit.start, hit.end)
        if start < end:
            yield hit, start, end, t.original[start:end]


def extract(text: str) -> Extraction:
    """Find the evidence fields of one complaint text (see the module docstring for the conventions)."""
    t = prepare(text)
    money_hits = [
        (hit, start, end)
        for hit, start, end, raw in _mapped(t, find_money_hits(t))
        if parse_chinese_number(raw) == hit.amount
    ]
    promised_hits = find_promised_hits(t)
    promised = tuple(
        PromisedTime(raw, hit.value, start, end)
        for hit, start, end, raw in _mapped(t, promised_hits)
        if parse_duration_days(raw) == hit.value
    )
    waited = tuple(
        Waited(raw, hit.value, start, end)
        for hit, start, end, raw in _mapped(t, find_waited_hits(t, promised_hits))
        if hit.value is not None and parse_duration_days(raw) == hit.value
    )
    gifts = tuple(
        Gift(raw, start, end) for _hit, start, end, raw in _mapped(t, find_gift_hits(t)) if raw.strip() == raw
    )
    platforms = tuple(
        Platform(hit.value, start, end)
        for hit, start, end, raw in _mapped(t, find_name_hits(t.s, PLATFORM_SURFACES, platform_ok))
        if canonical_platform(raw) == hit.value
    )
    channels = tuple(
        Channel(hit.value, start, end)
        for hit, start, end, raw in _mapped(t, find_name_hits(t.s, CHANNEL_SURFACES, channel_ok))
        if canonical_channel(raw) == hit.value
    )
    return Extraction(
        money=tuple(Money(hit.amount, hit.role, start, end) for hit, start, end in money_hits),
        promised_time=promised,
        waited=waited,
        gifts=gifts,
        platforms=platforms,
        channels=channels,
        difference=stated_difference(t, [hit for hit, _start, _end in money_hits]),
    )
