"""The shortcuts privacy detection takes for speed find exactly what the rules they stand for find.

Address chains are looked for only where a component that may start one matches (patterns._CHAIN_START), and only
in texts holding a province name or a component suffix (patterns._CHAIN_ANCHOR). Patterns that begin with
lookbehinds begin with a lookahead on the characters a match can begin with, so that the engine rejects most
positions at the first character; each must find what it finds without that lookahead. All texts are generated
here from fragments written for these tests.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintmine.mining.privacy import mask_text, patterns

ADDRESS_FRAGMENTS = [
    *"北上广浙杭西湖朝阳余万科星华东南明小社园景专超夜股菜城我住在到的了是寄收王李张刘中心大新村苑弄巷街道路区市县旗舰镇乡",
    *"0123456789ABab-#，。 ",
    "北京", "上海市", "浙江省", "广西壮族自治区", "内蒙古", "香港特别行政区", "自治州", "自治县", "地区", "街道",
    "大道", "大街", "胡同", "小区", "花园", "大厦", "公寓", "家园", "新村", "广场",
    "大楼", "园区", "社区", "公馆", "中心", "工业园", "产业园", "写字楼", "号楼", "号院",
    "单元", "3栋", "201室", "地址：", "寄到",
]  # fmt: skip
address_texts = st.lists(st.sampled_from(ADDRESS_FRAGMENTS), max_size=16).map("".join)

HAN = re.compile(f"[{patterns._HAN}]")


def chain_starts(text: str) -> list[int]:
    """What _addresses tried before the shortcut: every Chinese character where a component may start a chain."""
    return [
        position
        for position in range(len(text))
        if HAN.match(text, position)
        and any(pattern.match(text, position) for pattern, _, may_start in patterns._COMPONENTS if may_start)
    ]


def test_each_choice_of_words_begins_with_a_character_so_that_the_engine_scans_for_them():
    name_contexts = patterns._NAME_CONTEXT.removeprefix("(?:").removesuffix(")")
    for choices in (patterns._ADMIN_SUFFIX, patterns._STREET_SUFFIX, patterns._ESTATE_SUFFIX, name_contexts):
        assert all(HAN.match(choice) for choice in choices.split("|")), choices


def searched_starts(text: str) -> list[int]:
    starts, position = [], 0
    while (found := patterns._CHAIN_START.search(text, position)) is not None:
        starts.append(found.start())
        position = found.start() + 1
    return starts


@settings(max_examples=1500, deadline=None)
@given(address_texts)
def test_the_chain_search_stops_exactly_where_a_chain_may_start(text):
    starts = chain_starts(text)
    assert searched_starts(text) == starts
    if starts:
        assert patterns._CHAIN_ANCHOR.search(text) is not None


LEADING_LOOKAHEAD = re.compile(r"\(\?=(?:\[(?:\\.|[^\]\\])*\]|[^()\[\]\\|])\)")
# Patterns whose leading lookahead is no shortcut but part of the rule: a chain starts at a Chinese character.
RULE_LOOKAHEADS = {"_CHAIN_START"}
GUARDED = {
    name: pattern
    for name, pattern in vars(patterns).items()
    if isinstance(pattern, re.Pattern) and LEADING_LOOKAHEAD.match(pattern.pattern) and name not in RULE_LOOKAHEADS
}


def test_the_lookahead_test_covers_the_patterns_run_over_every_text():
    assert {
        *("_EMAIL", "_RUN", "_CARD_GROUPED", "_PDD", "_COURIER", "_ORDER_CONTEXT"),
        *("_MOBILE", "_GROUPED_MOBILE", "_LANDLINE", "_SERVICE", "_LOCAL_GROUPED", "_SPELLED_MOBILE_BEFORE_WORD"),
        *("_QQ", "_WECHAT", "_PLAIN_NAME_BEFORE_HONORIFIC"),
    } <= set(GUARDED)


def unguarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(LEADING_LOOKAHEAD.sub("", pattern.pattern, count=1), pattern.flags)


# Text around a text that holds a match: nothing, a separator, a context word, or a letter or digit.
AROUND = st.sampled_from(["", " ", "，", "的", "电话", "订单号", "a", "1", "-", "."])


@pytest.mark.parametrize("name", sorted(GUARDED))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_a_leading_lookahead_changes_no_match(name, data):
    pattern = GUARDED[name]
    match = data.draw(st.from_regex(unguarded(pattern)))
    text = data.draw(AROUND) + match + data.draw(AROUND)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in unguarded(pattern).finditer(text)]


PHONE_PATTERNS = ["_MOBILE", "_GROUPED_MOBILE", "_SPELLED_MOBILE_BEFORE_WORD", "_LANDLINE", "_SERVICE"]


@pytest.mark.parametrize("name", [*PHONE_PATTERNS, "_LOCAL_GROUPED"])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(data=st.data())
def test_a_phone_takes_enough_digits_for_views_with_fewer_to_be_skipped(name, data):
    pattern = getattr(patterns, name)
    for match in pattern.finditer(data.draw(st.from_regex(unguarded(pattern)))):
        assert sum(char in "0123456789" for char in match.group()) >= patterns._MIN_PHONE_DIGITS


@pytest.mark.parametrize("text", ["电话1234567没人接", "电话：888-6666没人接", "电话一二三四五六七没人接"])
def test_the_shortest_phones_are_found_in_texts_with_just_enough_digits(text):
    assert mask_text(text).count("[PHONE]") == 1
