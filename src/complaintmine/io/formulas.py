"""CSV and TSV cells that a spreadsheet would run as a formula are written as text (formula injection).

Excel and WPS, where governance staff open these files, treat a cell that begins with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, a tab or carriage return) as a formula: a complaint text or id such as
``=HYPERLINK("http://...")`` or ``-2+3+cmd|' /C calc'!A0`` would run when the file is opened. Such cells get
the usual leading apostrophe (``'=HYPERLINK(...)``), which the spreadsheet shows as text and does not store.
Plain numbers (``-12``, ``+3.5``, ``1e-3``) stay as they are: they are not formulas. JSONL and Parquet are not
read as formulas and are written unchanged; ``raw`` (``--raw-formulas``) writes CSV/TSV cells unchanged too.

Files the tool reads back (labelling sheets) use the reversible pair :func:`escape` / :func:`unescape`: a cell
that already begins with an apostrophe before a risky remainder gets one more, so reading back is exact.
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


# A trigger at the start of some line of the column's text joined by newlines: no match means no cell is risky
# (a match may be a line inside a cell; then each cell is checked).
_TRIGGER_AT_A_LINE_START = re.compile("(?:^|\n)[" + re.escape("".join(TRIGGERS)) + "]")


def neutralise_column(cells: list[Any]) -> list[Any]:
    """A column of cells, neutralised; the same list when no cell needed it (the usual case, found by one regex
    search over a column of strings instead of a Python call per cell)."""
    try:
        if not _TRIGGER_AT_A_LINE_START.search("\n".join(cells)):
            return cells
    except TypeError:  # not all strings
        pass
    if not any(map(risky, cells)):
        return cells
    return [neutralise(value) for value in cells]


def escape(value: Any) -> Any:
    """Like :func:`neutralise`, and reversible by :func:`unescape` (an apostrophe already there is escaped too)."""
    if type(value) is str and (risky(value) or _escaped(value)):
        return "'" + value
    return value


def _escaped(value: str) -> bool:
    """Whether ``value`` is one or more apostrophes before a risky cell (what :func:`escape` writes)."""
    return value.startswith("'") and risky(value.lstrip("'"))


def unescape(value: Any) -> Any:
    """The cell :func:`escape` was given: one leading apostrophe removed where escape added it."""
    if type(value) is str and _escaped(value):
        return value[1:]
    return value
