"""The label set, its Chinese names, and how labels are written in files (joined by ``|``). What each label means:
label_guide.py (``complaintmine labels``), whose long form with examples is docs/labels.md."""

from __future__ import annotations

from collections.abc import Iterable

ISSUE_LABELS: tuple[str, ...] = (
    "price_hike",
    "no_price_protection",
    "gift_not_honored",
    "late_shipping",
    "false_lowest_price",
)
OTHER = "other"
ALL_LABELS: tuple[str, ...] = (*ISSUE_LABELS, OTHER)
# The Chinese name of each label (docs/labels.md's headings): the report shows them, labelled files may use them.
LABEL_ZH: dict[str, str] = {
    "price_hike": "尾款涨价",
    "no_price_protection": "不保价",
    "gift_not_honored": "赠品不兑现",
    "late_shipping": "承诺时间不发货",
    "false_lowest_price": "最低价不实",
    OTHER: "其他",
}
PRESALE = "presale"
TARGETS: tuple[str, ...] = (*ISSUE_LABELS, PRESALE)  # the columns of every model's output
SEPARATOR = "|"


def parse_labels(cell: str) -> list[str]:
    """Split ``"late_shipping|gift_not_honored"`` into issue labels; ``"other"`` becomes ``[]``.

    Raises ValueError for unknown labels or ``other`` mixed with an issue label.
    """
    names = [part.strip() for part in str(cell).split(SEPARATOR) if part.strip()]
    unknown = [name for name in names if name not in ALL_LABELS]
    if unknown:
        raise ValueError(f"unknown label(s) {', '.join(map(repr, unknown))}; expected {', '.join(ALL_LABELS)}")
    if not names:
        raise ValueError("empty label cell; write 'other' for a text with no issue")
    if OTHER in names and len(names) > 1:
        raise ValueError("'other' cannot be combined with an issue label")
    return [name for name in ISSUE_LABELS if name in names]


def format_labels(issues: Iterable[str]) -> str:
    """Join issue labels in canonical order, or return ``"other"`` when there are none."""
    chosen = set(issues)
    ordered = [name for name in ISSUE_LABELS if name in chosen]
    return SEPARATOR.join(ordered) if ordered else OTHER


def labels_of(decided: Iterable[object]) -> str:
    """The label string of one row of 0/1 decisions (or booleans), one per name in ``ISSUE_LABELS``."""
    return format_labels(name for name, on in zip(ISSUE_LABELS, decided) if on)
