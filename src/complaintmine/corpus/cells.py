"""The rules for one cell of a user's labels: a ``labels`` cell and a ``presale`` cell (corpus/labelled.py reads
files by them, ``Corpus`` checks a DataFrame by them: one set of rules)."""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import Any

from ..labels import ALL_LABELS, LABEL_ZH, format_labels, parse_labels

CHINESE_NAMES = {chinese: name for name, chinese in LABEL_ZH.items()}  # 尾款涨价 -> price_hike, ...
_SEPARATORS = re.compile(r"\s*[|｜,，、;；]\s*")
_OTHER_JOINS = re.compile(r"\s*[\s/／+＋&＆]\s*")  # what a labeller may type between labels instead
_YES = {"1", "1.0", "yes", "y", "true", "是"}
_NO = {"0", "0.0", "no", "n", "false", "否"}


def label_cell(cell: Any) -> str:
    """A ``labels`` cell as canonical labels (``a|b`` or ``other``); ValueError saying what is wrong."""
    if isinstance(cell, list):
        cell = "|".join(map(str, cell))
    parts = [CHINESE_NAMES.get(part, part.lower()) for part in _SEPARATORS.split(str(cell).strip()) if part]
    try:
        return format_labels(parse_labels("|".join(parts)))
    except ValueError as exc:
        unknown = [part for part in parts if part not in ALL_LABELS]
        near = get_close_matches(unknown[0], ALL_LABELS, n=1) if unknown else []
        hint = f"; did you mean {near[0]!r}?" if near else ""
        # "price_hike/gift_not_honored" or "price_hike gift_not_honored": known labels joined by a separator the
        # cell does not take; the hint is the cell as it should be written, not one label near the whole cell.
        joined = _OTHER_JOINS.split(unknown[0]) if unknown else []
        pieces = [CHINESE_NAMES.get(piece, piece.lower()) for piece in joined]
        if len(pieces) > 1 and all(piece in ALL_LABELS for piece in pieces):
            hint = f"; join labels with '|': did you mean {'|'.join(pieces)!r}?"
        raise ValueError(f"{exc}{hint}") from None


def presale_cell(cell: Any) -> int:
    value = str(cell).strip().lower()
    if value in _YES:
        return 1
    if value in _NO or value in ("", "none", "nan"):
        return 0
    raise ValueError(f"presale must be 1 or 0 (also 是/否, yes/no; empty counts as 0), got {cell!r}")
