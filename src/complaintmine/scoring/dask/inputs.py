"""Reading CSV/TSV/JSONL/Parquet inputs as Dask partitions that end exactly where a record ends."""

from __future__ import annotations

import codecs
import glob
import io
import mmap
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from ...errors import InputError, MissingColumnError
from ...io.encoding import file_encoding
from ...io.number_text import number_text
from ...io.readers import ERROR, LINE, chunks_frame, csv_chunks, detect_format
from ...io.row_errors import shifted
from ...io.rows import concat
from ...io.text_checks import decode_errors
from .common import import_dask_dataframe

if TYPE_CHECKING:
    import dask.dataframe as dd

DEFAULT_BLOCKSIZE = "64MiB"
_DELIMITERS = {"csv": ",", "tsv": "\t"}
# Encodings in which the bytes for '"', ',', TAB, CR and LF never occur inside a multi-byte character, so a file
# can be split at byte offsets found by looking for those bytes. Others (UTF-16, ISO-2022, ...) stay one block.
_SPLITTABLE = {"utf-8", "utf-8-sig", "ascii", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp936"}
_SPLITTABLE_PREFIXES = ("iso8859-", "cp125", "latin", "shift_jis", "cp932", "euc_")
# The rest of a quoted field, through its closing quote; possessive, so an unterminated quote fails in linear time.
_QUOTED_REST = re.compile(rb'[^"]*+(?:""[^"]*+)*+"')
_LINE_END = re.compile(rb"\r\n?|\n")


@dataclass(frozen=True)
class _TextBlock:
    """Bytes [start, end) of a CSV/TSV file, a whole number of records, to be parsed after the header bytes.

    ``line_offset`` turns the line numbers the parser reports within the block into the file's line numbers.
    """

    path: str
    encoding: str
    delimiter: str
    header: bytes
    start: int
    end: int
    line_offset: int


def _record_ends(data: mmap.mmap, delimiter: bytes, blocksize: int | None) -> tuple[int, list[int]]:
    """The header's end and the split points of a CSV/TSV file: offsets just past a newline that ends a record.

    Follows Python's csv reader: a quote opens a quoted field only at the start of a field (after a delimiter
    or a line break), ``""`` inside it is a literal quote, and only a line break outside quotes ends a record.
    So a split never cuts a quoted text that holds line breaks (``dask.dataframe.read_csv`` splits at any
    newline), and a stray quote inside an unquoted field does not throw the count off. Quoted fields are
    skipped with one regular-expression match each; the scan stops once no further split is wanted.
    """
    size = len(data)
    header_end = -1
    splits: list[int] = []
    target = 0  # the next record end wanted is the first one at or after this offset
    pos = first = len(codecs.BOM_UTF8) if data[:3] == codecs.BOM_UTF8 else 0  # the reader never sees a BOM
    while pos < size:
        quote = data.find(b'"', pos)
        stop = quote if quote >= 0 else size
        search = max(pos, target)
        while search < stop:
            if header_end < 0:  # the header is exactly the first record, whatever its line end (LF, CRLF, CR)
                line_end = _LINE_END.search(data, search, stop)
                if line_end is None:
                    break
                point = header_end = line_end.end()
            else:  # later splits only at LF: a record ends there, and a CRLF is never cut
                newline = data.find(b"\n", search, stop)
                if newline < 0:
                    break
                point = newline + 1
                splits.append(point)
            if blocksize is None:
                return header_end, []
            target = point + blocksize
            search = max(target, point)
        if quote < 0:
            break
        if quote == first or data[quote - 1] in (delimiter[0], 0x0A, 0x0D):  # opens a quoted field
            rest = _QUOTED_REST.match(data, quote + 1)
            if rest is None:  # an unterminated quote: the rest of the file is one record
                break
            pos = rest.end()
        else:  # a literal quote inside an unquoted field
            pos = quote + 1
    return header_end, [point for point in splits if point < size]


def _line_breaks(data: mmap.mmap | bytes, start: int, end: int, window: int = 1 << 24) -> int:
    """Line breaks in data[start:end] as Python's text reader counts them: LF, CR, or CRLF as one."""
    count = 0
    for left in range(start, end, window):
        chunk = data[left : min(left + window, end)]
        count += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        if chunk.endswith(b"\r") and left + window < end and data[left + window : left + window + 1] == b"\n":
            count -= 1
    return count


def _splittable(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    return name in _SPLITTABLE or name.startswith(_SPLITTABLE_PREFIXES)


def _file_blocks(path: Path, fmt: str, encoding: str | None, blocksize: int | None) -> list[_TextBlock]:
    """Split one CSV/TSV file into blocks of about ``blocksize`` bytes that end where records end."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(path, "file is empty; expected a header line with column names", line=1)
    chosen = file_encoding(path, encoding)
    delimiter = _DELIMITERS[fmt]
    if not _splittable(chosen):  # bytes cannot be searched for line ends (UTF-16 ...): the file is one block
        return [_TextBlock(str(path), chosen, delimiter, b"", 0, size, 0)]
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        header_end, splits = _record_ends(data, delimiter.encode("ascii"), blocksize)
        if header_end < 0:  # no line end outside quotes at all: a single line, one block parsed whole
            return [_TextBlock(str(path), chosen, delimiter, b"", 0, size, 0)]
        header = data[:header_end]
        if header.endswith(b"\r"):  # a lone CR would merge with a block that starts with LF into one line end
            header += b"\n"
        header_lines = _line_breaks(data, 0, header_end)
        blocks = []
        lines_before = header_lines
        for start, end in zip([header_end, *splits], splits):  # the line count matters up to the last block
            blocks.append(_TextBlock(str(path), chosen, delimiter, header, start, end, lines_before - header_lines))
            lines_before += _line_breaks(data, start, end)
        last = splits[-1] if splits else header_end
        blocks.append(_TextBlock(str(path), chosen, delimiter, header, last, size, lines_before - header_lines))
        return blocks


def _fix_line(message: Any, offset: int) -> Any:
    """``line N: ...`` counted within a block becomes ``line N+offset: ...``, the line in the file."""
    if not isinstance(message, str):
        return message
    return shifted(message, offset)


def _read_text_block(block: _TextBlock) -> pd.DataFrame:
    """Parse one block exactly as the single-machine reader parses the file: every row kept, bad rows marked,
    with the file's line numbers."""
    with open(block.path, "rb") as handle:
        handle.seek(block.start)
        body = handle.read(block.end - block.start)
    stream = io.TextIOWrapper(
        io.BytesIO(block.header + body), encoding=block.encoding, errors=decode_errors(), newline=""
    )
    # a header that cannot be read raises InputError (line 1 of the file, as of the block: it is the file's header),
    # which reaches the client as itself (errors.py: ComplaintMineError pickles whole)
    chunks = list(csv_chunks(block.path, stream, block.delimiter, chunk_rows=1 << 62))
    rows = concat(chunks)
    if block.line_offset:
        rows[LINE] = [line + block.line_offset for line in rows[LINE]]
        rows[ERROR] = [_fix_line(message, block.line_offset) for message in rows[ERROR]]
    return chunks_frame([rows])


@dataclass(frozen=True)
class _ParquetBlock:
    """Row groups of a Parquet file; ``first_row`` is the 0-based number of the block's first row in the file;
    ``texts``: the columns whose numbers are read as text (io/number_text.py), as the single-machine reader does."""

    path: str
    row_groups: tuple[int, ...]
    first_row: int
    columns: tuple[str, ...]
    texts: tuple[str, ...] = ()


def _parquet_blocks(
    path: Path, columns: Sequence[str], blocksize: int | None, texts: Sequence[str] = ()
) -> list[_ParquetBlock]:
    """Consecutive row groups of about ``blocksize`` bytes (uncompressed) per block; one block per file without."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError) as exc:
        raise InputError(path, f"not a readable Parquet file: {exc}") from None
    blocks: list[_ParquetBlock] = []
    groups: list[int] = []
    first = rows = size = 0
    for index in range(metadata.num_row_groups):
        group = metadata.row_group(index)
        groups.append(index)
        rows += group.num_rows
        size += group.total_byte_size
        if blocksize is not None and size >= blocksize:
            blocks.append(_ParquetBlock(str(path), tuple(groups), first, tuple(columns), tuple(texts)))
            groups, first, size = [], rows, 0
    if groups or not blocks:
        blocks.append(_ParquetBlock(str(path), tuple(groups), first, tuple(columns), tuple(texts)))
    return blocks


def _read_parquet_block(block: _ParquetBlock) -> pd.DataFrame:
    """Read row groups as the single-machine reader reads Parquet: Python objects, None for nulls, row numbers
    from 1 in ``__line__``."""
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(block.path)
    columns = list(block.columns)
    if block.row_groups:
        table = parquet.read_row_groups(list(block.row_groups), columns=columns)
    else:
        table = parquet.schema_arrow.empty_table().select(columns)
    frame = cast(pd.DataFrame, table.to_pandas(integer_object_nulls=True)).astype(object)  # ids stay exact
    frame = frame.where(frame.notna(), None)
    for name in dict.fromkeys(block.texts):
        frame[name] = [number_text(cell) for cell in frame[name]]
    frame[LINE] = range(block.first_row + 1, block.first_row + 1 + len(frame))
    frame[ERROR] = None
    return frame.astype({LINE: "int64", ERROR: object})


def _from_map(function: Callable[[Any], pd.DataFrame], blocks: Sequence[Any], meta: pd.DataFrame) -> Any:
    """``dask.dataframe.from_map`` that keeps the cells as the readers made them (Python strings, None).

    Dask would otherwise convert object columns to Arrow strings, turning ids and texts that are numbers into
    strings and None into NA, so a row would score differently than in ``complaintmine classify``.
    """
    import dask

    with dask.config.set({"dataframe.convert-string": False}):
        return import_dask_dataframe().from_map(
            function, blocks, meta=meta, label="read-records", enforce_metadata=False
        )


def _empty_frame(block: _TextBlock) -> pd.DataFrame:
    """The columns and dtypes a block parses to, read from the header alone (or the file's first record)."""
    if block.header:
        return _read_text_block(replace(block, end=block.start)).iloc[:0]
    with io.TextIOWrapper(open(block.path, "rb"), encoding=block.encoding, errors=decode_errors(), newline="") as text:
        return chunks_frame([next(csv_chunks(block.path, text, block.delimiter, chunk_rows=1))]).iloc[:0]


def match_files(pattern: str) -> tuple[list[Path], str]:
    """The files a glob (or plain path) names, sorted, and their common format."""
    files = sorted(Path(p) for p in glob.glob(os.path.expanduser(pattern)) if Path(p).is_file())
    if not files:
        raise InputError(pattern, "no files match")
    kinds = {detect_format(str(path)) for path in files}
    unsupported = kinds - {"csv", "tsv", "parquet"}
    if unsupported:
        raise InputError(pattern, f"the Dask engine reads CSV, TSV and Parquet files, not {', '.join(unsupported)}")
    if len(kinds) > 1:
        raise InputError(pattern, f"matches files of several formats ({', '.join(sorted(kinds))}); use one")
    return files, kinds.pop()


def read_inputs(
    pattern: str,
    text_column: str | Sequence[str] = "text",
    blocksize: int | str | None = DEFAULT_BLOCKSIZE,
    *,
    id_column: str | None = None,
    encoding: str | None = None,
) -> dd.DataFrame:
    """A lazy Dask DataFrame over a glob of CSV, TSV or Parquet files (or one large file), in sorted file order.

    A CSV/TSV file is split into partitions of about ``blocksize`` bytes at record boundaries (see
    _record_ends) and parsed by the single-machine reader, so cells, error rows (``__error__``) and line numbers
    (``__line__``) are what ``complaintmine classify`` sees; the encoding is detected per file the same way
    unless ``encoding`` is given. Parquet files are read with Dask's reader (large files split by row group),
    only the text and id columns. ``blocksize=None`` makes one partition per file. Raises InputError for no
    matching file, mixed or unsupported formats, or files whose columns differ, and MissingColumnError (with a
    "did you mean" hint) when a text or id column is absent.
    """
    import_dask_dataframe()
    from dask.utils import parse_bytes

    files, fmt = match_files(pattern)
    size = None if blocksize is None else parse_bytes(blocksize)
    texts = [text_column] if isinstance(text_column, str) else list(text_column)
    wanted = [id_column, *texts] if id_column else texts
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        parquet_blocks: list[_ParquetBlock] = []
        for path in files:
            try:
                available = list(pq.read_schema(path).names)
            except (pa.ArrowException, OSError) as exc:
                raise InputError(path, f"not a readable Parquet file: {exc}") from None
            for column in wanted:
                if column not in available:
                    raise MissingColumnError(path, column, available)
            parquet_blocks.extend(_parquet_blocks(path, wanted, size, texts))
        meta = _read_parquet_block(replace(parquet_blocks[0], row_groups=()))
        return cast("dd.DataFrame", _from_map(_read_parquet_block, parquet_blocks, meta))
    blocks: list[_TextBlock] = []
    text_meta: pd.DataFrame | None = None
    for path in files:
        file_blocks = _file_blocks(path, fmt, encoding, size)
        empty = _empty_frame(file_blocks[0])
        if text_meta is None:
            text_meta = empty
        elif list(empty.columns) != list(text_meta.columns):
            raise InputError(path, f"columns {list(empty.columns)} differ from {list(text_meta.columns)} of {files[0]}")
        blocks.extend(file_blocks)
    assert text_meta is not None  # match_files never returns no files
    available = [str(c) for c in text_meta.columns if c not in (LINE, ERROR)]
    for column in wanted:
        if column not in available:
            raise MissingColumnError(files[0], column, available)
    return cast("dd.DataFrame", _from_map(_read_text_block, blocks, text_meta))
