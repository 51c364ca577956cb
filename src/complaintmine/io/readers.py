"""Streaming readers: CSV, TSV, JSONL, Excel (.xlsx) and Parquet, in chunks, every row kept.

Each reader yields DataFrames of string-or-None cells plus two bookkeeping columns: ``__line__`` (where the
row starts in the file: a line for text formats, a sheet row for Excel, a row number for Parquet) and
``__error__`` (why the row cannot be used: a CSV row with the wrong number of fields, a JSONL line that is
not a JSON object, undecodable bytes). A bad row never stops the stream and is never dropped; only problems
that make the whole file unreadable raise :class:`~complaintmine.errors.InputError`.

Text is decoded with ``errors="surrogateescape"`` so undecodable bytes stay attached to their row and are
reported there, instead of aborting the job or being silently dropped.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from ..errors import InputError
from .encoding import SAMPLE, choose_encoding, file_encoding

LINE = "__line__"
ERROR = "__error__"
FORMATS = ("csv", "tsv", "jsonl", "xlsx", "parquet")
_SUFFIXES = {
    "csv": "csv",
    "tsv": "tsv",
    "tab": "tsv",
    "jsonl": "jsonl",
    "json": "jsonl",
    "ndjson": "jsonl",
    "xlsx": "xlsx",
    "xlsm": "xlsx",
    "parquet": "parquet",
    "pq": "parquet",
    "txt": "csv",
}
csv.field_size_limit(1 << 30)  # a 5 MB complaint is one cell; the default limit is 128 KB


def format_of(path: str, explicit: str | None, allowed: tuple[str, ...], what: str = "format") -> str:
    """The table format from ``explicit`` or the file suffix (``-`` means CSV), checked against ``allowed``."""
    if explicit:
        fmt = _SUFFIXES.get(explicit.lower().lstrip("."), explicit.lower())
    elif path == "-":
        return "csv"
    else:
        suffix = Path(path).suffix.lower().lstrip(".")
        fmt = _SUFFIXES.get(suffix, suffix or "(none)")
    if fmt not in allowed:
        raise InputError(path, f"unknown {what} {fmt!r}; use one of {', '.join(allowed)} (by suffix or option)")
    return fmt


def detect_format(path: str, explicit: str | None = None) -> str:
    """The input format from ``explicit`` (--format) or the file suffix; standard input defaults to CSV."""
    return format_of(path, explicit, FORMATS)


@dataclass(frozen=True)
class Source:
    """An opened input: its format, the encoding used (text formats), and its size for progress (or None)."""

    path: str
    fmt: str
    encoding: str | None
    size: int | None


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None


class _PeekableBinary(io.RawIOBase):
    """A binary stream whose first bytes were already read for encoding detection (works for stdin too)."""

    def __init__(self, head: bytes, rest: IO[bytes], counter: list[int] | None = None):
        self._head = head
        self._rest = rest
        self._counter = counter if counter is not None else [0]

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if self._rest is not sys.stdin.buffer:
            self._rest.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            self._counter[0] += n
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        self._counter[0] += len(data)
        return len(data)


def _text_stream(path: str, encoding: str | None, counter: list[int] | None = None) -> tuple[IO[str], str, int | None]:
    raw = _open_binary(path)
    head = raw.read(SAMPLE)
    try:
        chosen = choose_encoding(path, head, encoding)
    except InputError:
        if raw is not sys.stdin.buffer:
            raw.close()
        raise
    size = None if path == "-" else Path(path).stat().st_size
    buffered = io.BufferedReader(_PeekableBinary(head, raw, counter), buffer_size=1 << 16)
    return io.TextIOWrapper(buffered, encoding=chosen, errors="surrogateescape", newline=""), chosen, size


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # surrogateescape keeps each bad byte as one of these


def _has_undecodable(value: str) -> bool:
    return _UNDECODABLE.search(value) is not None


def _replace_undecodable(value: str) -> str:
    """Undecodable bytes (kept as surrogates while reading) become U+FFFD once their row is marked."""
    return "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in value)


def _finish(records: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    # object columns: pandas' default Arrow-backed strings are slow to iterate cell by cell, which scoring does
    frame = pd.DataFrame(records, columns=[*columns, LINE, ERROR], dtype=object)
    return frame.astype({LINE: "int64"})


def _csv_frame(header: list[str], lines: list[int], rows: list[list[str] | None], errors: list[Any]) -> pd.DataFrame:
    """A chunk of CSV rows as a frame, column by column (a dict per row was a third of the reading time).

    ``rows[i]`` is None for a row with the wrong number of fields; its cells stay empty and its error says why.
    Undecodable bytes are looked for in the whole chunk at once and row by row only where there are some.
    """
    width = len(header)
    if _UNDECODABLE.search("".join(map("".join, filter(None, rows)))):
        for i, row in enumerate(rows):
            if row is None:
                continue
            bad = [name for name, value in zip(header, row) if _has_undecodable(value)]
            if bad:
                errors[i] = f"line {lines[i]}: bytes that are not valid text in column {bad[0]!r}"
                rows[i] = [_replace_undecodable(value) for value in row]
    filled = [row if row is not None else [None] * width for row in rows]
    columns = list(zip(*filled)) if filled else [()] * width
    frame = pd.DataFrame({name: pd.Series(columns[j], dtype=object) for j, name in enumerate(header)})
    frame[LINE] = pd.Series(lines, dtype="int64")
    frame[ERROR] = pd.Series(errors, dtype=object)
    return frame


def csv_chunks(path: str, stream: IO[str], delimiter: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """CSV or TSV records from an open text stream, in chunks of at most ``chunk_rows`` rows, with the columns
    of :func:`iter_chunks`; ``path`` names the file in errors. The Dask engine reads byte ranges with it."""
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "file is empty; expected a header line with column names", line=1) from None
    except csv.Error as exc:
        raise InputError(path, f"malformed header: {exc}", line=1) from None
    header = [name.strip() for name in header]
    if not any(header):
        raise InputError(path, "the header line is blank; expected column names", line=1)
    twice = [name for i, name in enumerate(header) if name in header[:i]]
    if twice:
        columns = [i + 1 for i, name in enumerate(header) if name == twice[0]]
        raise InputError(
            path,
            f"column name {twice[0]!r} appears twice in the header (fields {columns[0]} and {columns[1]})",
            line=1,
            column=columns[1],
        )
    lines: list[int] = []
    rows: list[list[str] | None] = []
    errors: list[Any] = []
    emitted = False
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. an unterminated quote at the end of the file
            lines.append(start)
            rows.append(None)
            errors.append(f"malformed row: {exc}")
            break
        if row or reader.line_num != start:  # a truly blank line is not a row
            lines.append(start)
            if len(row) != len(header):
                rows.append(None)
                errors.append(f"line {start}: expected {len(header)} fields, found {len(row)}")
            else:
                rows.append(row)
                errors.append(None)
        start = reader.line_num + 1
        if len(rows) >= chunk_rows:
            yield _csv_frame(header, lines, rows, errors)
            emitted, lines, rows, errors = True, [], [], []
    if rows or not emitted:  # a header-only file still yields its (empty) columns
        yield _csv_frame(header, lines, rows, errors)


def _jsonl_chunks(path: str, stream: IO[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    columns: dict[str, None] = {}
    records: list[dict[str, Any]] = []
    seen_any = False
    for number, line in enumerate(stream, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        seen_any = True
        record: dict[str, Any] = {LINE: number, ERROR: None}
        if _has_undecodable(line):
            record[ERROR] = f"line {number}: bytes that are not valid text"
        else:
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                record[ERROR] = f"line {number} column {exc.colno}: not valid JSON ({exc.msg})"
            else:
                if isinstance(value, dict):
                    for key, cell in value.items():
                        columns.setdefault(str(key))
                        record[str(key)] = cell  # non-strings stay, so the scorer can say they are not text
                else:
                    record[ERROR] = f"line {number}: expected a JSON object, found {type(value).__name__}"
        records.append(record)
        if len(records) >= chunk_rows:
            yield _finish(records, list(columns))
            records = []
    if records:
        yield _finish(records, list(columns))
    elif not seen_any:
        raise InputError(path, "file has no JSON lines", line=1)


def _xlsx_chunks(path: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
    if path == "-":
        raise InputError(path, "Excel input cannot come from standard input; pass a file")
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - openpyxl is a core dependency
        raise InputError(path, "reading .xlsx needs openpyxl: pip install openpyxl") from None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(path, f"not a readable .xlsx workbook (truncated or damaged?): {exc}") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        try:
            header = [str(cell).strip() if cell is not None else "" for cell in next(rows)]
        except StopIteration:
            raise InputError(path, "the first sheet is empty; expected a header row", line=1) from None
        while header and not header[-1]:
            header.pop()
        records: list[dict[str, Any]] = []
        for number, row in enumerate(rows, 2):
            cells = list(row)[: len(header)]
            if all(cell is None for cell in cells):
                continue
            record: dict[str, Any] = {LINE: number, ERROR: None}
            record.update({name: _excel_cell(cell) for name, cell in zip(header, cells)})
            records.append(record)
            if len(records) >= chunk_rows:
                yield _finish(records, header)
                records = []
        yield _finish(records, header)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InputError(path, f"the workbook is truncated or damaged: {exc}") from None
    finally:
        book.close()


def _excel_cell(cell: Any) -> Any:
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def _parquet_chunks(path: str, chunk_rows: int) -> Iterator[pd.DataFrame]:
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
        frame = batch.to_pandas().astype(object).where(lambda f: f.notna(), None)
        frame[LINE] = range(offset + 1, offset + 1 + len(frame))
        frame[ERROR] = None
        offset += len(frame)
        yield frame[[*columns, LINE, ERROR]].astype({LINE: "int64"})
    if offset == 0:
        yield _finish([], list(columns))


def open_source(path: str, fmt: str | None = None, encoding: str | None = None) -> Source:
    """Check that ``path`` can be read as ``fmt``, and choose the encoding of a text file once (io/encoding.py):
    ``Source.encoding`` is what it will be read with (for standard input, decided when reading starts)."""
    found = detect_format(path, fmt)
    if path != "-" and not Path(path).exists():
        raise InputError(path, "no such file")
    if path != "-" and Path(path).is_dir():
        raise InputError(path, "is a directory, expected a file")
    size = None if path == "-" else Path(path).stat().st_size
    if found not in ("xlsx", "parquet") and path != "-":
        encoding = file_encoding(path, encoding)
    return Source(path, found, encoding, size)


def iter_chunks(source: Source, chunk_rows: int = 5000, bytes_read: list[int] | None = None) -> Iterator[pd.DataFrame]:
    """Chunks of at most ``chunk_rows`` rows, in file order (see the module docstring for the columns).

    For text formats, ``bytes_read[0]`` follows how far into the file reading has got (for progress and ETA).
    """
    if source.fmt == "xlsx":
        yield from _xlsx_chunks(source.path, chunk_rows)
        return
    if source.fmt == "parquet":
        yield from _parquet_chunks(source.path, chunk_rows)
        return
    stream, _, _ = _text_stream(source.path, source.encoding, bytes_read)
    try:
        if source.fmt == "jsonl":
            yield from _jsonl_chunks(source.path, stream, chunk_rows)
        else:
            yield from csv_chunks(source.path, stream, "\t" if source.fmt == "tsv" else ",", chunk_rows)
    finally:
        if source.path != "-":
            stream.close()


def chosen_encoding(source: Source) -> str | None:
    """The encoding a text source is read with (chosen by :func:`open_source`); None for binary formats and for
    standard input without ``--encoding``."""
    return None if source.fmt in ("xlsx", "parquet") else source.encoding
