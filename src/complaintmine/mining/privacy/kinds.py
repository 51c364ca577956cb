"""Kinds of private data, their placeholders and context words; what detection finds and masking returns."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from types import MappingProxyType
from typing import Final

from ...errors import ComplaintMineError

KINDS: Final[tuple[str, ...]] = ("PHONE", "ID", "ORDER", "EMAIL", "ACCOUNT", "BANKCARD", "ADDRESS", "NAME")
PLACEHOLDERS: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "PHONE": "[PHONE]",
        "ID": "[ID]",
        "ORDER": "[ORDER]",
        "EMAIL": "[EMAIL]",
        "ACCOUNT": "[ACCOUNT]",
        "BANKCARD": "[CARD]",
        "ADDRESS": "[ADDRESS]",
        "NAME": "[NAME]",
    }
)
# Other names a kind is asked for by: the placeholder's name, which is what a user sees in masked texts.
KIND_ALIASES: Final[MappingProxyType[str, str]] = MappingProxyType({"CARD": "BANKCARD"})

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
    """``kinds`` names a kind that does not exist (the message lists the valid kinds and suggests a near match),
    or names none at all: an empty list would mask nothing, which a privacy function must not do silently."""

    exit_code = 2  # a kind comes from the command line (mask --kind), as InputError's input does

    def __init__(self, unknown: Iterable[str]):
        self.unknown = tuple(sorted(unknown))
        alias_of = {kind: alias for alias, kind in KIND_ALIASES.items()}
        valid = ", ".join(f"{kind} (or {alias_of[kind]})" if kind in alias_of else kind for kind in KINDS)
        if not self.unknown:
            message = f"no privacy kind given: an empty list masks nothing; pass None for all kinds ({valid})"
        else:
            message = f"unknown privacy kind(s) {', '.join(map(repr, self.unknown))}; valid kinds: {valid}"
        hint = get_close_matches(self.unknown[0].upper(), [*KINDS, *KIND_ALIASES], n=1) if self.unknown else []
        if hint:
            message += f". Did you mean {hint[0]!r}?"
        super().__init__(message)


def selected_kinds(kinds: Collection[str] | None) -> frozenset[str]:
    """The kinds ``kinds`` asks for (all if None): names case-insensitive, ``CARD`` read as ``BANKCARD``
    (:data:`KIND_ALIASES`). A single string is one name. Raises :class:`UnknownKindError` for a name that is no
    kind and for an empty collection."""
    if kinds is None:
        return frozenset(KINDS)
    names = [kinds] if isinstance(kinds, str) else list(kinds)
    upper = [str(name).upper() for name in names]
    wanted = frozenset(KIND_ALIASES.get(name, name) for name in upper)
    unknown = wanted - frozenset(KINDS)
    if unknown or not wanted:
        raise UnknownKindError(unknown)
    return wanted


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
