"""Whether a table's first chunk holds the columns a job asks for; if not, a MissingColumnError that says what
probably went wrong (a near name, another format, a title line above the header)."""

from __future__ import annotations

from collections.abc import Sequence

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
        advice = _header_below(first, wanted)
        raise MissingColumnError(path, column, visible, format_hint=fmt in ("csv", "tsv", "jsonl"), advice=advice)


def _header_below(first: Rows, wanted: Sequence[str], rows: int = 10) -> str:
    """Advice for a sheet with a title above its header (an office export's "2026年投诉汇总" line): where one of the
    first ``rows`` rows holds every ``wanted`` name as a cell, the header is there; else ""."""
    names = {str(c) for c in wanted}
    lines = first[LINE] if LINE in first else [None] * len(first)
    columns = [first[c] for c in first.columns if c not in (LINE, ERROR)]
    for row in range(min(rows, len(first))):
        if names <= {str(cells[row]).strip() for cells in columns if cells[row] is not None}:
            at = f"line {lines[row]}" if lines[row] is not None else f"row {row + 2}"
            return f"The header seems to be on {at}: delete the line(s) above it (a title?) and try again"
    # a workbook's title line has one cell, so the cells of the header below it lie beyond it and are not read
    if any(e and "beyond the header" in str(e) for e in first[ERROR][:rows]):
        return "The rows below line 1 have more columns than it: if line 1 is a title, delete it so the header is first"
    return ""
