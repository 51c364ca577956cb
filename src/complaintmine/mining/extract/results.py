"""Result types of :func:`complaintmine.extract.extract`: frozen dataclasses with spans into the original text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


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
