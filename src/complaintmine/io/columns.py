"""Whether a table's first chunk holds the columns a job asks for; if not, a MissingColumnError that says what
probably went wrong (a near name, another format, a title line above the header)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..errors import InputError, MissingColumnError
from .readers import ERROR, LINE
from .rows import Rows


def check_columns(path: str, first: Rows, wanted: Sequence[str], fmt: str) -> None:
    """Every ``wanted`` column is in the first chunk of a file read as ``fmt``, or MissingColumnError (with a "did
    you mean", or for a text file read in the wrong format the --format to use); when no line of that chunk could
    be read at all (a file that is not JSON Lines read as such), the first line's error says why."""
    visible = [c for c in first.columns if c not in (LINE, ERROR)]
    for column in wanted:
        if column in visible:
            continue
        if not visible and len(first) and first[ERROR][0]:
            other = ". If it is CSV or TSV, use --format csv or --format tsv" if fmt == "jsonl" else ""
            raise InputError(path, f"no column {column!r}: no line could be read ({first[ERROR][0]}){other}", line=1)
        advice, found = _header_below(first, wanted)
        raise MissingColumnError(
            path, column, visible, format_hint=fmt in ("csv", "tsv", "jsonl"), advice=advice, advice_first=found
        )


def _header_below(first: Rows, wanted: Sequence[str], rows: int = 10) -> tuple[str, bool]:
    """Advice for a sheet with a title above its header (an office export's "2026年投诉汇总" line), and whether the
    header was found: where one of the first ``rows`` rows holds every ``wanted`` name as a cell, the header is
    there (more telling than a column name near the one asked for: the title itself may be one, 内容汇总 for 内容);
    else, where rows below line 1 are wider than it, a hint; else ""."""
    names = {str(c) for c in wanted}
    lines = first[LINE] if LINE in first else [None] * len(first)
    columns = [first[c] for c in first.columns if c not in (LINE, ERROR)]
    for row in range(min(rows, len(first))):
        if names <= {str(cells[row]).strip() for cells in columns if cells[row] is not None}:
            at = f"line {lines[row]}" if lines[row] is not None else f"row {row + 2}"
            return f"The header seems to be on {at}: delete the line(s) above it (a title?) and try again", True
    # a title line has one cell, so the cells of the header below it lie beyond it and are not read (a workbook's
    # "beyond the header", a CSV or TSV row's "expected 1 fields, found 2")
    if any(wider_than_header(e) for e in first[ERROR][:rows]):
        return (
            "The rows below line 1 have more columns than it: if line 1 is a title, delete it so the header is first",
            False,
        )
    return "", False


_WIDER = re.compile(r"beyond the header|expected ([0-9]+) fields, found ([0-9]+)")


def wider_than_header(error: object) -> bool:
    """Whether a row's read error says it holds more cells than the header (binary_formats, csv_records)."""
    match = _WIDER.search(str(error)) if error else None
    return match is not None and (match.group(1) is None or int(match.group(2)) > int(match.group(1)))


def title_advice(frame: Any, wanted: Sequence[str]) -> tuple[str, bool]:
    """The title-line advice of :func:`check_columns` for a table already read into a DataFrame (``read_table``):
    where one of its first rows holds every ``wanted`` name, and whether the header was found there."""
    head = frame.head(10)
    first = Rows({**{str(c): head[c].tolist() for c in head.columns}, ERROR: [None] * len(head)}, length=len(head))
    return _header_below(first, wanted)
