"""CSV and TSV cells that a spreadsheet would run as a formula are written as text (formula injection).

Excel and WPS, where governance staff open these files, treat a cell that begins with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, a tab or carriage return) as a formula: a complaint text or id such as
``=HYPERLINK("http://...")`` or ``-2+3+cmd|' /C calc'!A0`` would run when the file is opened. Such cells get
the usual leading apostrophe (``'=HYPERLINK(...)``), which the spreadsheet shows as text and does not store.
Plain numbers (``-12``, ``+3.5``, ``1e-3``) stay as they are: they are not formulas. JSONL and Parquet are not
read as formulas and are written unchanged; ``raw`` (``--raw-formulas``) writes CSV/TSV cells unchanged too.
"""

from __future__ import annotations

import re
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def risky(value: Any) -> bool:
    """Whether a cell would be taken for a formula by a spreadsheet."""
    return type(value) is str and value.startswith(TRIGGERS) and _NUMBER.fullmatch(value) is None


def neutralise(value: Any) -> Any:
    """``value`` with a leading apostrophe if it is :func:`risky`, else unchanged."""
    return "'" + value if risky(value) else value


def neutralise_column(cells: list[Any]) -> list[Any]:
    """A column of cells, neutralised; the same list when no cell needed it (the usual case)."""
    if not any(map(risky, cells)):
        return cells
    return [neutralise(value) for value in cells]
