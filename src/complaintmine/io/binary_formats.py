"""Readers of the binary formats: Excel (.xlsx, first sheet) and Parquet, in chunks, with the columns and rules
of readers.py (every row kept; ids exactly as stored; a number in an Excel text column as the sheet shows it).
Imported only when such a file is read."""

from __future__ import annotations

import zipfile
from collections.abc import Collection, Iterator
from typing import Any

from ..errors import InputError
from .number_text import number_text
from .readers import ERROR, LINE, _finish, check_header
from .row_errors import at
from .rows import Rows


def xlsx_chunks(path: str, chunk_rows: int, text_columns: Collection[str] = ()) -> Iterator[Rows]:
    if path == "-":
        raise InputError(path, "Excel input cannot come from standard input; pass a file")
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a core dependency
        raise InputError(path, "reading .xlsx needs openpyxl: pip install openpyxl") from None
    # openpyxl refuses a path whose suffix is not .xlsx or .xlsm with its own exception (a workbook saved as old.xls
    # and read with --format xlsx); given an open file, it reads what the bytes are.
    with open(path, "rb") as handle:
        if handle.read(len(_OLE2)) == _OLE2:
            raise InputError(
                path,
                "an Excel 97-2003 (.xls) or password-protected workbook, which cannot be read: save it in Excel or WPS "
                "as .xlsx without a password (or as CSV UTF-8)",
            )
        handle.seek(0)
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise InputError(path, f"not a readable .xlsx workbook (truncated or damaged?): {exc}") from None
        yield from _sheet_chunks(path, book, chunk_rows, text_columns)


# The first bytes of an OLE2 compound file: what Excel 97-2003 saved, and what Excel writes a workbook that has a
# password to open as (.xlsx included).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sheet_chunks(path: str, book: Any, chunk_rows: int, text_columns: Collection[str]) -> Iterator[Rows]:
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        try:
            header = [str(cell).strip() if cell is not None else "" for cell in next(rows)]
        except StopIteration:
            raise InputError(path, "the first sheet is empty; expected a header row", line=1) from None
        while header and not header[-1]:
            header.pop()
        # A blank name between named columns gets the sheet's column letter, so its cells are not lost.
        header = [name or f"column_{_column_letter(i)}" for i, name in enumerate(header)]
        check_header(path, header)
        texts = [name for name in header if name in text_columns]
        records: list[dict[str, Any]] = []
        for number, row in enumerate(rows, 2):
            cells = list(row)
            if all(cell is None for cell in cells):
                continue
            record: dict[str, Any] = {LINE: number, ERROR: None}
            record.update({name: _excel_cell(cell) for name, cell in zip(header, cells)})
            for name in texts:
                record[name] = number_text(record.get(name))  # (a row shorter than the header lacks some)
            beyond = [i for i, cell in enumerate(cells[len(header) :], len(header)) if cell is not None]
            if beyond:
                record[ERROR] = at(
                    number, f"a cell in column {_column_letter(beyond[0])}, beyond the header's {len(header)} columns"
                )
            records.append(record)
            if len(records) >= chunk_rows:
                yield _finish(records, header)
                records = []
        yield _finish(records, header)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InputError(path, f"the workbook is truncated or damaged: {exc}") from None
    finally:
        book.close()


def _column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _excel_cell(cell: Any) -> Any:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def parquet_chunks(path: str, chunk_rows: int, text_columns: Collection[str] = ()) -> Iterator[Rows]:
    if path == "-":
        raise InputError(path, "Parquet input cannot come from standard input; pass a file")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file: {exc}") from None
    offset = 0
    columns = parquet.schema_arrow.names
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        # Python values as typed (an integer id stays an int); a null, or a float NaN, is a missing cell
        chunk = Rows({name: _python_cells(batch.column(i)) for i, name in enumerate(columns)}, batch.num_rows)
        for name in columns:
            if name in text_columns:  # a number there is text to score or mask, as in CSV (number_text.py)
                chunk[name] = [number_text(cell) for cell in chunk[name]]
        chunk[LINE] = range(offset + 1, offset + 1 + batch.num_rows)
        chunk[ERROR] = [None] * batch.num_rows
        offset += batch.num_rows
        yield chunk
    if offset == 0:
        yield _finish([], list(columns))


def _python_cells(column: Any) -> list[Any]:
    import pyarrow as pa

    cells = column.to_pylist()
    return [None if v != v else v for v in cells] if pa.types.is_floating(column.type) else cells
