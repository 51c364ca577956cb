"""Platforms (京东, 狗东 -> 京东) and sales channels (直播间) named in a complaint."""

from __future__ import annotations

import re
from collections.abc import Callable

from ...text.normalize import normalize
from .spans import Hit, non_overlapping

PLATFORM_SURFACES: tuple[tuple[str, str], ...] = tuple(
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
CHANNEL_SURFACES: tuple[tuple[str, str], ...] = (
    ("直播间", "直播间"),
    ("直播", "直播间"),
    ("旗舰店", "旗舰店"),
    ("店铺", "店铺"),
    ("网店", "店铺"),
    ("自营", "自营"),
    ("小程序", "小程序"),
)


def platform_ok(s: str, start: int, end: int, surface: str) -> bool:
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


def find_name_hits(
    s: str, surfaces: tuple[tuple[str, str], ...], ok: Callable[[str, int, int, str], bool]
) -> list[Hit]:
    hits = []
    for surface, name in surfaces:
        for match in re.finditer(re.escape(surface), s):
            if ok(s, match.start(), match.end(), surface):
                hits.append(Hit(match.start(), match.end(), name))
    return non_overlapping(hits)


def channel_ok(s: str, start: int, end: int, surface: str) -> bool:
    return not (surface == "直播" and s.startswith(("价", "带货价"), end))


def canonical_platform(s: str) -> str | None:
    """The canonical platform name for a surface form (狗东 -> 京东), or None."""
    text = normalize(s)
    return next((name for surface, name in PLATFORM_SURFACES if surface == text), None)


def canonical_channel(s: str) -> str | None:
    """The canonical channel name for a surface form (直播 -> 直播间), or None."""
    text = normalize(s)
    return next((name for surface, name in CHANNEL_SURFACES if surface == text), None)
