"""Whole-table reading and writing for small files (labelled corpora, library convenience).

Built on the streaming readers and writers, so every format and encoding rule is the same as in
``complaintmine classify``; unlike batch scoring, :func:`read_table` is strict: the first row that cannot be
read raises :class:`~complaintmine.errors.InputError` with its file and line.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ..errors import InputError, OutputError
from .columns import wider_than_header
from .csv_records import KEPT_ALONE
from .output_place import output_name, replaced_when_done, write_failure
from .readers import ERROR, LINE, detect_format, iter_chunks, open_source
from .row_errors import NOT_TEXT, where
from .rows import Rows, concat
from .writers import check_output_format, format_csv, format_jsonl, output_format

if TYPE_CHECKING:
    import pandas as pd

ERROR_FIELD = ERROR
__all__ = ["ERROR_FIELD", "detect_format", "part_files", "read_table", "read_table_lines", "write_table"]


def part_files(directory: str) -> list[str]:
    """The part files of a folder written by ``classify --engine dask`` (``part-00000.parquet``, ...), in order."""
    parts = sorted(p for p in Path(directory).glob("part-*") if p.is_file() and p.suffix in (".parquet", ".csv"))
    if not parts:
        raise InputError(directory, "is a folder without part files (part-00000.parquet, ... from --engine dask)")
    if len({p.suffix for p in parts}) > 1:
        raise InputError(directory, "holds both .parquet and .csv part files; keep the ones of one job")
    return [str(p) for p in parts]


def read_table(
    path: str, fmt: str | None = None, encoding: str | None = None, *, text_columns: Collection[str] = ()
) -> pd.DataFrame:
    """Read a whole table as ``complaintmine classify`` reads it, in file order (``complaintmine.read_table``).

    The same formats (by suffix, or ``fmt``: csv, tsv, jsonl, xlsx, parquet) and encodings (``encoding``, else
    detected: a BOM, UTF-8, GBK/GB18030, ...) as the CLI. CSV and TSV cells are strings exactly as written:
    ``007`` keeps its zeros and ``NA``, ``null`` or ``None`` stay text (pandas.read_csv makes those NaN). JSON
    Lines and Parquet values keep their types (an integer id stays an int), Excel cells are as the sheet holds
    them (whole numbers as int); an empty cell, a JSON null or a field a record lacks is ``""``. A number in one of
    ``text_columns`` is read as text, as ``classify`` reads the columns it scores: an Excel cell as the sheet shows
    it (``12345``, ``1.5``), a JSON Lines number as the line writes it (io/number_text.py). ``-`` reads
    standard input (CSV, TSV or JSON Lines, told from its first line unless ``fmt`` says). A folder of part files
    (``classify --engine dask``) reads as one table, the parts in order.

    Strict where ``classify`` is lenient: the first row that cannot be read (wrong number of fields, undecodable
    bytes, a line that is not a JSON object) raises InputError with its file and line (``.path``, ``.line``; and
    ``.column`` where the reader names one, as for invalid JSON), where ``classify`` would write it as an error
    row; so do a missing file, an unknown format, a bad header."""
    import pandas as pd

    if path != "-" and Path(path).is_dir():
        frames = [read_table(part, fmt, encoding, text_columns=text_columns) for part in part_files(path)]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return _frame(_strict_rows(path, fmt, encoding, text_columns))


def read_table_lines(path: str) -> tuple[pd.DataFrame, list[int]]:
    """:func:`read_table` of one file, and the line each row starts on (for Excel its sheet row, for Parquet its
    row number): what a caller that checks the cells names a bad row by. Counting rows from the header gets
    it wrong past a cell with a line break, a blank JSON Lines line or a blank sheet row."""
    rows = _strict_rows(path, None, None)
    return _frame(rows), [int(line) for line in rows[LINE]]


def _strict_rows(path: str, fmt: str | None, encoding: str | None, text_columns: Collection[str] = ()) -> Rows:
    """Every row of one file, or InputError with the file, line (and column, where the reader names one) of the
    first that cannot be read."""
    read_as: list[str] = []
    rows = concat(list(iter_chunks(open_source(path, fmt, encoding), read_as=read_as, text_columns=text_columns)))
    bad = next((i for i, error in enumerate(rows[ERROR]) if error is not None), None)
    if bad is not None:
        named = [c for c in rows.columns if c not in (LINE, ERROR) and c.strip() and not c.startswith("column_")]
        title = bad < 10 and len(named) <= 1 and wider_than_header(rows[ERROR][bad])  # a title above the header?
        raise _row_error(path, str(rows[ERROR][bad]), int(rows[LINE][bad]), read_as[0] if read_as else None, title)
    return rows


def _row_error(path: str, message: str, line: int, encoding: str | None, title: bool = False) -> InputError:
    """The InputError for the reader's message about a row: its "line N column C: " as ``.line`` and ``.column``,
    and no word of reading going on past the row, as it does not here; with ``title``, the advice for a row wider
    than a one-name header (a sheet's title line above its header)."""
    _line, column, reason = where(message)
    reason = reason.removesuffix(KEPT_ALONE)
    if title:
        reason += ". If line 1 is a title, delete it so the header is first"
    hint = None
    if NOT_TEXT in reason:
        reason += f" (read as {encoding})" if encoding else ""
        hint = f"for example {'utf-8' if encoding and encoding.startswith('gb') else 'gb18030'}"
    return InputError(path, reason, line=line, column=column, encoding_hint=hint)


def _frame(rows: Rows) -> pd.DataFrame:
    columns = [c for c in rows.columns if c not in (LINE, ERROR)]
    return rows.select(columns).to_pandas().map(lambda v: "" if v is None else v)


def write_table(
    frame: pd.DataFrame, path: str, fmt: str | None = None, stream: IO[str] | None = None, bom: bool = False
) -> None:
    """Write ``frame`` (without its index) as CSV, TSV, JSON Lines or Parquet, by the suffix of ``path`` or ``fmt``,
    in UTF-8; ``-`` (or ``/dev/stdout``, io/output_place.output_name) means ``stream`` or standard output (CSV
    unless ``fmt`` says). Public as
    ``complaintmine.write_table``.

    CSV, TSV and JSON Lines are written by ``complaintmine classify``'s own formatting (a missing value or NaN is
    an empty cell or null, a dict or list is JSON text in a CSV cell), with one difference: every cell is
    written as it is (as ``classify --raw-formulas`` does; ``classify`` puts an apostrophe before a CSV cell that
    begins with ``=``, ``+``, ``-`` or ``@``). Parquet is pandas' ``to_parquet``, with the frame's own column
    types and without the model metadata ``classify`` records. Like ``classify``'s output, the file is written
    beside ``path`` under a temporary name and renamed onto it when complete: a failure leaves a file already at
    ``path`` as it was, and no temporary file (io/output_place.py). Raises OutputError naming ``path`` when it
    cannot be written. ``bom``: CSV and TSV begin with a UTF-8 byte-order mark, as with ``classify --bom`` (for
    Excel and WPS on Windows); InputError for another format.
    """
    path = output_name(path)
    fmt = output_format(path, fmt)
    check_output_format(path, fmt, bom, stream)
    if fmt == "parquet":
        import pyarrow as pa

        try:
            with replaced_when_done(path) as temporary:
                frame.to_parquet(temporary, index=False)
        except OSError as exc:
            raise write_failure(path, exc) from None
        except pa.ArrowException as exc:  # a column pyarrow cannot type (ints and strings mixed, as JSON Lines ids)
            raise OutputError(path, f"cannot be written as Parquet: {exc}") from None
        return
    rows = Rows.from_pandas(frame)
    text = format_jsonl(rows) if fmt == "jsonl" else format_csv(rows, "\t" if fmt == "tsv" else ",", True, bom=bom)
    try:
        if path == "-":
            (stream or sys.stdout).write(text)
            return
        with replaced_when_done(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise write_failure(path, exc) from None
