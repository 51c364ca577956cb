"""Streaming readers: CSV, TSV, JSONL, Excel (.xlsx) and Parquet, in chunks, every row kept.

Each reader yields chunks (:class:`~complaintmine.io.rows.Rows`, plain columns: no pandas) of string-or-None
cells plus two bookkeeping columns: ``__line__`` (where the
row starts in the file: a line for text formats, a sheet row for Excel, a row number for Parquet) and
``__error__`` (why the row cannot be used: a CSV row with the wrong number of fields, a JSONL line that is
not a JSON object, undecodable bytes). A bad row never stops the stream and is never dropped; only problems
that make the whole file unreadable raise :class:`~complaintmine.errors.InputError`.

Text is decoded keeping undecodable bytes (see text_checks.py) so they stay attached to their row and are
reported there, instead of aborting the job or being silently dropped. Ids come out exactly as they came in:
cells are strings, or for JSONL, Excel and Parquet the values as typed (an integer id never becomes a float; an
Excel whole number is an int). A number in one of the ``text_columns`` a job names is read as the text a user
sees (Excel, JSON Lines; see number_text.py), as it is in CSV.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import InputError
from . import text_checks
from .csv_records import field_size_limit, record_chunks
from .encoding import SAMPLE, choose_encoding, file_encoding
from .number_text import is_number, json_number_texts
from .row_errors import NOT_TEXT, at, json_reason
from .rows import Rows, concat

if TYPE_CHECKING:
    import pandas as pd

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


def suffixes(fmt: str) -> list[str]:
    """The file suffixes taken as ``fmt`` (``[".csv", ".txt"]`` for csv), for help texts: generated from the one
    table :func:`format_of` reads, they list what is accepted and no more."""
    return [f".{suffix}" for suffix, found in _SUFFIXES.items() if found == fmt]  # the format's own name first


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
        message = f"unknown {what} {fmt!r}; use one of {', '.join(allowed)} (by suffix or option)"
        if fmt in _SAVE_AS_XLSX and "xlsx" in allowed:  # --format xlsx would only meet the same file again
            message = f"{_SAVE_AS_XLSX[fmt]} cannot be read: save it in Excel or WPS as .xlsx (or as CSV UTF-8)"
            if not explicit and _starts_with(path, b"PK\x03\x04"):  # an .xlsx (a zip) renamed: it can be read
                message = "an .xlsx workbook under another name: use --format xlsx (or rename it .xlsx)"
        raise InputError(path, message)
    return fmt


def _starts_with(path: str, magic: bytes) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(len(magic)) == magic
    except OSError:
        return False


# Spreadsheet files that Excel or WPS can save as .xlsx, and which no reader here takes: what to do, not a list.
_SAVE_AS_XLSX = {"xls": "an Excel 97-2003 workbook (.xls)", "et": "a WPS spreadsheet (.et)"}


def detect_format(path: str, explicit: str | None = None) -> str:
    """The input format from ``explicit`` (--format) or the file suffix; standard input says CSV here, and
    :func:`iter_chunks` tells CSV, TSV and JSON Lines apart by its first line (``Source.sniff``)."""
    return format_of(path, explicit, FORMATS)


@dataclass(frozen=True)
class Source:
    """An opened input: its format, the encoding used (text formats), and its size for progress (or None)."""

    path: str
    fmt: str
    encoding: str | None
    size: int | None
    sniff: bool = False  # standard input without --format: CSV, TSV or JSON Lines, told from its first line


def _stdin(path: str) -> IO[bytes]:
    if sys.stdin is None:  # the process was started with standard input closed
        raise InputError(path, "standard input is closed; pass a file or pipe the input in")
    return sys.stdin.buffer


def _open_binary(path: str) -> IO[bytes]:
    if path == "-":
        return _stdin(path)
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
        if self._rest is not getattr(sys.stdin, "buffer", None):
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


def sniffed_format(sample: str) -> str:
    """The text format of a stream that starts with ``sample``: JSON Lines when its first character is ``{``, TSV
    when its first line has more tabs than commas, CSV otherwise."""
    start = sample.lstrip("\ufeff \t\r\n")
    if start.startswith("{"):
        return "jsonl"
    first = sample.lstrip("\ufeff\r\n").split("\n", 1)[0]
    return "tsv" if first.count("\t") > first.count(",") else "csv"


def _text_stream(path: str, encoding: str | None, counter: list[int] | None = None) -> tuple[IO[str], str, str]:
    """The decoded stream, the encoding chosen, and the format its first bytes look like (:func:`sniffed_format`)."""
    raw = _open_binary(path)
    head = raw.read(SAMPLE)
    try:
        chosen = choose_encoding(path, head, encoding)
    except InputError:
        if path != "-":
            raw.close()
        raise
    buffered = io.BufferedReader(_PeekableBinary(head, raw, counter), buffer_size=1 << 16)
    errors = text_checks.decode_errors()
    looks_like = sniffed_format(head[:4096].decode(chosen, errors="replace"))
    return io.TextIOWrapper(buffered, encoding=chosen, errors=errors, newline=""), chosen, looks_like


_has_undecodable = text_checks.has_undecodable
_replace_undecodable = text_checks.replace_surrogates


def _finish(rows: list[dict[str, Any]], columns: list[str]) -> Rows:
    """Rows (dicts) as a chunk, column by column: a key missing from a row is None."""
    return Rows({name: [row.get(name) for row in rows] for name in [*columns, LINE, ERROR]}, len(rows))


def _csv_frame(header: list[str], lines: list[int], rows: list[list[str]], errors: list[Any]) -> Rows:
    """A chunk of CSV rows, column by column (a dict per row was a third of the reading time).

    A row with the wrong number of fields keeps the cells it has, by position (so its id survives), and its
    error says why. Undecodable bytes are looked for in the whole chunk at once and row by row only where
    there are some.
    """
    width = len(header)
    if _has_undecodable("".join(map("".join, rows))):
        for i, row in enumerate(rows):
            bad = [name for name, value in zip(header, row) if _has_undecodable(value)]
            if bad or any(map(_has_undecodable, row[width:])):
                column = repr(bad[0]) if bad else f"{width + 1} (beyond the header)"
                errors[i] = errors[i] or at(lines[i], f"{NOT_TEXT} in column {column}")
                rows[i] = [_replace_undecodable(value) for value in row]
    filled = [row if len(row) == width else (row + [None] * width)[:width] for row in rows]
    columns = list(map(list, zip(*filled))) if filled else [[] for _ in header]
    chunk = Rows(dict(zip(header, columns)), len(rows))
    chunk[LINE] = lines
    chunk[ERROR] = errors
    return chunk


def check_header(path: str, header: list[str]) -> None:
    """Column names must be text, present and unique (a name twice would make one column hide the other)."""
    for position, name in enumerate(header, 1):
        if text_checks.has_surrogate(name):
            raise InputError(
                path,
                f"the header has {NOT_TEXT} in field {position} ({_replace_undecodable(name)[:20]!r})",
                line=1,
                column=position,
                encoding_hint="for example gb18030 or utf-16",
            )
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


def csv_chunks(path: str, stream: IO[str], delimiter: str, chunk_rows: int) -> Iterator[Rows]:
    """CSV or TSV records from an open text stream, in chunks of at most ``chunk_rows`` rows, with the columns
    of :func:`iter_chunks`; ``path`` names the file in errors. The Dask engine reads byte ranges with it.

    Every physical line ends up in a row or in a reported error: a stray or unterminated quote costs its own
    line, never the lines after it (see csv_records.py).
    """
    with field_size_limit():
        yield from _csv_chunks(path, stream, delimiter, chunk_rows)


def _csv_chunks(path: str, stream: IO[str], delimiter: str, chunk_rows: int) -> Iterator[Rows]:
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "file is empty; expected a header line with column names", line=1) from None
    except csv.Error as exc:
        raise InputError(path, f"malformed header: {exc}", line=1) from None
    header = [name.strip() for name in header]
    check_header(path, header)
    emitted = False
    for lines, rows, errors in record_chunks(stream, delimiter, len(header), reader.line_num + 1, chunk_rows):
        if rows or not emitted:  # a header-only file still yields its (empty) columns
            yield _csv_frame(header, lines, rows, errors)
            emitted = True


def _lf_lines(stream: IO[str], block: int = 1 << 16) -> Iterator[str]:
    """Lines ending at LF only: JSON Lines records end there, and a raw CR (or U+2028) inside a string is text."""
    pending = ""
    while True:
        data = stream.read(block)
        if not data:
            break
        parts = (pending + data).split("\n")
        pending = parts.pop()
        yield from parts
    if pending:
        yield pending


# A JSON value nested deeper than this is dropped from its row (which gets an error): pickling it for a worker process
# would hit Python's recursion limit, so the job would depend on --workers.
MAX_JSON_DEPTH = 100


def _deeper_than(cell: Any, limit: int) -> bool:
    stack = [(cell, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _valid_cell(key: str, cell: Any) -> tuple[str, Any, str | None]:
    """A JSON field with lone surrogates (from ``"\\ud800"`` escapes) replaced, and what was wrong with it (or None)."""
    name = _replace_undecodable(key)
    problem = None if name == key else "lone surrogate"
    if isinstance(cell, str):
        if text_checks.has_surrogate(cell):
            cell, problem = _replace_undecodable(cell), "lone surrogate"
    elif isinstance(cell, (dict, list)):
        if _deeper_than(cell, MAX_JSON_DEPTH):
            return name, None, "too deep"
        text = json.dumps(cell, ensure_ascii=False)
        if text_checks.has_surrogate(text):
            cell, problem = json.loads(_replace_undecodable(text)), "lone surrogate"
    return name, cell, problem


def _parse_json_line(
    number: int, line: str, record: dict[str, Any], columns: dict[str, None], text_columns: Collection[str] = ()
) -> str | None:
    """Put the fields of one JSON Lines record into ``record`` (new names into ``columns``), a number in one of
    ``text_columns`` as its literal text; why the record is bad, or None."""
    try:
        value = json.loads(line, strict=False)  # strict=False: control characters inside strings are text
    except json.JSONDecodeError as exc:
        return at(number, f"not valid JSON ({json_reason(exc.msg)})", exc.colno)
    except RecursionError:
        return at(number, "not valid JSON (nested too deeply)")
    except ValueError as exc:  # an integer of more digits than Python converts (sys.get_int_max_str_digits)
        return at(number, f"not valid JSON (a number too long to read: {str(exc).split(' for ')[0].lower()})")
    if not isinstance(value, dict):
        return at(number, f"expected a JSON object, found {type(value).__name__}")
    problem = None
    for key, cell in value.items():
        name, cell, wrong = _valid_cell(str(key), cell)
        if wrong == "lone surrogate" and problem is None:
            problem = at(number, f"field {name!r} holds a \\u escape of half a surrogate pair (a lone surrogate)")
        elif wrong and problem is None:
            problem = at(number, f"field {name!r} is nested more than {MAX_JSON_DEPTH} levels deep (left out)")
        columns.setdefault(name)
        record[name] = cell  # other non-strings stay, so the scorer can say they are not text
    numbers = [name for name in text_columns if is_number(record.get(name))]
    if numbers:
        record.update(json_number_texts(line, numbers))
    return problem


def _jsonl_chunks(path: str, stream: IO[str], chunk_rows: int, text_columns: Collection[str]) -> Iterator[Rows]:
    columns: dict[str, None] = {}
    rows: list[dict[str, Any]] = []
    seen_any = False
    for number, line in enumerate(_lf_lines(stream), 1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        seen_any = True
        record: dict[str, Any] = {LINE: number, ERROR: None}
        if _has_undecodable(line):  # reported, and parsed with U+FFFD in their place so that the id survives
            record[ERROR] = at(number, NOT_TEXT)
            line = _replace_undecodable(line)
        problem = _parse_json_line(number, line, record, columns, text_columns)
        record[ERROR] = record[ERROR] or problem
        rows.append(record)
        if len(rows) >= chunk_rows:
            yield _finish(rows, list(columns))
            rows = []
    if rows:
        yield _finish(rows, list(columns))
    elif not seen_any:
        raise InputError(path, "file has no JSON lines", line=1)


_ENCODING_HINT = "utf-16-le or utf-16-be for UTF-16 without a byte order mark, gb18030, utf-8"


def _near_name(path: Path) -> str:
    """ "; did you mean 'complaints.csv'?" for a file in the same folder whose name is close, else ""."""
    from difflib import get_close_matches

    try:
        names = [p.name for p in path.parent.iterdir() if p.is_file()] if path.parent.is_dir() else []
    except OSError:
        return ""
    close = get_close_matches(path.name, names, n=1, cutoff=0.75)
    return f"; did you mean {str(path.with_name(close[0]))!r}?" if close else ""


def open_source(path: str, fmt: str | None = None, encoding: str | None = None) -> Source:
    """Check that ``path`` can be read as ``fmt``, and choose the encoding of a text file once (io/encoding.py):
    ``Source.encoding`` is what it will be read with (for standard input, decided when reading starts)."""
    if path != "-" and not Path(path).exists():  # before the format: "no such file" says more than "no suffix"
        raise InputError(path, "no such file" + _near_name(Path(path)))
    if path != "-" and Path(path).is_dir():
        raise InputError(path, "is a directory, expected a file")
    found = detect_format(path, fmt)
    size = None if path == "-" else Path(path).stat().st_size
    if found not in ("xlsx", "parquet") and path != "-":
        encoding = file_encoding(path, encoding)
    return Source(path, found, encoding, size, sniff=path == "-" and not fmt)


def iter_chunks(
    source: Source,
    chunk_rows: int = 5000,
    bytes_read: list[int] | None = None,
    read_as: list[str] | None = None,
    text_columns: Collection[str] = (),
) -> Iterator[Rows]:
    """Chunks of at most ``chunk_rows`` rows, in file order (see the module docstring for the columns); a number
    in one of ``text_columns`` (Excel, JSON Lines) comes as text.

    For text formats, ``bytes_read[0]`` follows how far into the file reading has got (for progress and ETA),
    and the encoding used is appended to ``read_as`` before the first chunk (for standard input it is only
    known then).
    """
    if source.fmt in ("xlsx", "parquet"):
        from .binary_formats import parquet_chunks, xlsx_chunks

        yield from (xlsx_chunks if source.fmt == "xlsx" else parquet_chunks)(source.path, chunk_rows, text_columns)
        return
    stream, chosen, looks_like = _text_stream(source.path, source.encoding, bytes_read)
    fmt = looks_like if source.sniff else source.fmt
    if read_as is not None:
        read_as.append(chosen)
    try:
        if fmt == "jsonl":
            yield from _jsonl_chunks(source.path, stream, chunk_rows, text_columns)
        else:
            yield from csv_chunks(source.path, stream, "\t" if fmt == "tsv" else ",", chunk_rows)
    except UnicodeError as exc:  # the decoder itself gave up, e.g. utf-16 without a byte order mark
        raise InputError(source.path, f"cannot be read as {chosen}: {exc}", encoding_hint=_ENCODING_HINT) from None
    finally:
        if source.path != "-":
            stream.close()


def chunks_frame(chunks: list[Rows]) -> pd.DataFrame:
    """Reader chunks as one DataFrame: object columns, ``__line__`` int64 (what the Dask engine's partitions hold)."""
    return concat(chunks).to_pandas({LINE: "int64"})


def chosen_encoding(source: Source) -> str | None:
    """The encoding a text source is read with (chosen by :func:`open_source`); None for binary formats and for
    standard input without ``--encoding``."""
    return None if source.fmt in ("xlsx", "parquet") else source.encoding
