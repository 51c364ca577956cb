"""A number in a text column read as the text a user sees, so a file scores the same whatever format it was saved in.

In CSV every cell is text, so a complaint that is just ``12345`` is scored. Excel stores such a cell as a number and
JSON Lines may write ``{"text": 12345}``; read as numbers, those rows became error rows ("text is not a string"),
and the same sheet saved as CSV and as .xlsx gave different outputs. The readers therefore turn a number in a text
column (and only there: ids and other columns keep their types) into text:

- Excel: what the cell shows in the sheet: a whole number as its digits (Excel stores 7 as the float 7.0, which
  the reader already makes the int 7), any other number as the shortest text that reads back as the same float
  (``1.5``);
- JSON Lines: the number exactly as the line writes it (``1.50``, ``1E5``, ``-0``): the JSON literal;
- Parquet (both engines): the typed value as Python writes it (``12345``; ``12345.0`` from a float column).

Booleans, objects, arrays, dates and missing cells are left as they are, so they stay error rows (or empty text)
as before. ``NaN`` and ``Infinity`` are no JSON numbers (Python's reader accepts them as constants): they stay
floats too, an empty text and an error row as before.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from .text_checks import replace_surrogates


def is_number(cell: Any) -> bool:
    """An int or float, not a bool (which Python counts as an int)."""
    return isinstance(cell, (int, float)) and not isinstance(cell, bool)


def number_text(cell: Any) -> Any:
    """A number as text: an int's digits, a float's shortest text that reads back as the same float (``repr``:
    1.5, 0.1, 1e-05); any other cell unchanged. The Excel reader hands it whole numbers as ints already."""
    return str(cell) if is_number(cell) else cell


class _Literal:
    """A JSON number as the line writes it (what json.loads hands its parse_int and parse_float hooks)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


def json_number_texts(line: str, names: Collection[str]) -> dict[str, str]:
    """The literal text of each number among the top-level fields ``names`` of the JSON object ``line``.

    ``line`` is parsed a second time, with numbers kept as their text: only lines whose text field holds a number
    pay for it. Field names are matched as the reader names its columns (a lone surrogate replaced by U+FFFD);
    for a name given twice the last value counts, as in the first parse.
    """
    found = json.loads(line, strict=False, parse_int=_Literal, parse_float=_Literal)
    texts = {}
    for key, value in found.items():
        name = replace_surrogates(str(key))
        if name in names and isinstance(value, _Literal):
            texts[name] = value.text
        elif name in names:
            texts.pop(name, None)  # a later value of the same name is no number: the first parse kept that one
    return texts
