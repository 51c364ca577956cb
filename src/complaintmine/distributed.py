"""Scale-out scoring on Dask: classify a Dask DataFrame partition by partition, on a cluster.

One per-partition function, :func:`score_partition`, does the work for Dask's ``map_partitions`` and for Spark's
``mapInPandas`` alike. It scores rows with the function ``complaintmine classify`` uses for each chunk
(``batch.score_chunk``, which calls ``scoring.classify_frame``), so the output has exactly the CLI's columns and
values. Only the model's *path* travels with a task: each worker process loads the model the first time it needs
it, keeps it in this module's process-local cache, and reuses it for every later partition.

Same results as the single-machine path: CSV/TSV files are read with the same parser (``readers``) over byte
ranges that end exactly where a record ends, so ragged rows and undecodable bytes become the same error rows
with the same line numbers; without an id column the ids are global 0-based row numbers, computed from the
partition lengths before scoring; output part files are written by the CLI's writer. A worker that dies mid-job
loses nothing: Dask recomputes its partitions, and each part file is written under a temporary name and renamed
into place, so a retried partition replaces its own file and every row appears exactly once.

Dask is an optional extra (``pip install complaintmine[dask]``). It is imported inside functions only, so
``import complaintmine`` never needs it, and neither does :func:`score_partition` (Spark executors call it).
"""

from __future__ import annotations

import codecs
import glob
import io
import mmap
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from .artifact import Model, load_model
from .batch import JobOptions, score_chunk
from .errors import ComplaintMineError, InputError, MissingColumnError
from .readers import ERROR, LINE, csv_chunks, detect_encoding, detect_format
from .scoring import OUTPUT_COLUMNS, PROBABILITY_COLUMNS
from .writers import OutputWriter

if TYPE_CHECKING:
    import dask.dataframe as dd

INSTALL_HINT = "pip install 'complaintmine[dask]'"
OUTPUT_FORMATS = ("parquet", "csv")
DEFAULT_BLOCKSIZE = "64MiB"
_MIN_AUTO_BLOCK = 1 << 20
_MAX_AUTO_BLOCK = 64 << 20
_DELIMITERS = {"csv": ",", "tsv": "\t"}
_ENCODING_SAMPLE = 1 << 20  # what readers.detect_encoding is given, as in the single-machine reader
# Encodings in which the bytes for '"', ',', TAB, CR and LF never occur inside a multi-byte character, so a file
# can be split at byte offsets found by looking for those bytes. Others (UTF-16, ISO-2022, ...) stay one block.
_SPLITTABLE = {"utf-8", "utf-8-sig", "ascii", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950", "cp936"}
_SPLITTABLE_PREFIXES = ("iso8859-", "cp125", "latin", "shift_jis", "cp932", "euc_")
# The rest of a quoted field, through its closing quote; possessive, so an unterminated quote fails in linear time.
_QUOTED_REST = re.compile(rb'[^"]*+(?:""[^"]*+)*+"')
_LINE_PREFIX = re.compile(r"^line (\d+)")
_LINE_END = re.compile(rb"\r\n?|\n")


class DistributedError(ComplaintMineError):
    """Dask is not installed, the cluster cannot be reached, or workers kept dying on a partition."""

    exit_code = 6


class _BlockError(Exception):
    """Raised inside a worker for an unreadable block; the client turns it into an InputError.

    complaintmine's own errors take several constructor arguments and so do not survive the trip from a worker
    back to the client (pickle re-creates exceptions from ``args``); this one keeps ``args == (path, reason)``.
    """

    def __init__(self, path: str, reason: str):
        super().__init__(path, reason)
        self.path = path
        self.reason = reason


def _dask_dataframe() -> Any:
    """``dask.dataframe``, or a DistributedError with an install hint when the dask extra is missing.

    Typed ``Any`` on purpose, like every Dask object inside this module: Dask's DataFrame methods carry no
    annotations, so mypy --strict would reject each call into them. Public signatures still name the types.
    """
    try:
        import dask.dataframe
        import distributed  # noqa: F401
    except ImportError as exc:
        raise DistributedError(
            f"the Dask engine needs the optional dask extra ({exc.name or exc} is missing): {INSTALL_HINT}"
        ) from None
    return dask.dataframe


def _distributed() -> Any:
    """``distributed`` (Client, LocalCluster, KilledWorker), typed ``Any`` like the rest of Dask here."""
    _dask_dataframe()
    import distributed

    return distributed


# --- the per-process model cache -------------------------------------------------------------------------------
#
# The one deliberate piece of process-wide state in complaintmine: models loaded in this process, keyed by model
# path, and how many times each was loaded. It exists so that a worker (a Dask worker process or a Spark Python
# worker) loads a model once and reuses it for every partition, instead of loading it per partition or receiving
# it inside every task. It is created on first use, never at import, and one lock guards both creation and
# loading so threads of one worker never load the same model twice.


@dataclass
class _ModelCache:
    models: dict[str, Model]
    loads: Counter[str]


_CACHE_LOCK = threading.Lock()
_cache: _ModelCache | None = None


def cached_model(model_path: str | os.PathLike[str] | None) -> Model:
    """The model at ``model_path``, loaded at most once per process (see the cache note above).

    None means the shipped default model of *this* process's installation, so workers on other machines find
    their own copy.
    """
    global _cache
    if model_path is None:
        from .defaults import default_model_dir

        model_path = default_model_dir()
    key = os.fspath(model_path)
    with _CACHE_LOCK:
        if _cache is None:
            _cache = _ModelCache({}, Counter())
        model = _cache.models.get(key)
        if model is None:
            model = load_model(key)
            _cache.models[key] = model
            _cache.loads[key] += 1
        return model


def model_cache_info() -> dict[str, int]:
    """How many times each model path was loaded in this process (``client.run`` it to inspect workers)."""
    with _CACHE_LOCK:
        return dict(_cache.loads) if _cache is not None else {}


def clear_model_cache() -> None:
    """Forget this process's loaded models and load counts (frees memory in a long-lived process)."""
    global _cache
    with _CACHE_LOCK:
        _cache = None


# --- scoring one partition -------------------------------------------------------------------------------------


def _string_dtype() -> Any:
    """The dtype pandas gives a column of Python strings (``str`` from pandas 3, ``object`` before), which is what
    the scorer's ``labels`` and ``error`` columns have."""
    return pd.Series([""]).dtype


def _output_id_dtype(input_dtype: Any) -> Any:
    """String ids stay strings; anything else may mix with ``""`` (the id of a row that could not be read)."""
    return _string_dtype() if pd.api.types.is_string_dtype(input_dtype) else np.dtype(object)


def output_meta(id_column: str | None = None, id_dtype: Any = None) -> pd.DataFrame:
    """An empty frame with exactly the columns and dtypes that :func:`score_partition` returns.

    ``id_dtype`` is the dtype of the input's id column (ignored without one: ``row`` is int64). Dask needs this
    as ``meta`` (it would otherwise call the function on fake data, loading the model on the client); Spark
    users can derive their output schema from it.
    """
    text = _string_dtype()
    first = pd.Series([], dtype=_output_id_dtype(id_dtype) if id_column else "int64")
    columns: dict[str, pd.Series] = {id_column or "row": first}
    for name in OUTPUT_COLUMNS:
        if name == "presale":
            columns[name] = pd.Series([], dtype="Int64")
        elif name in PROBABILITY_COLUMNS:
            columns[name] = pd.Series([], dtype="float64")
        else:
            columns[name] = pd.Series([], dtype=text)
    return pd.DataFrame(columns)


def _plain_cells(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Cells as the single-machine readers give them: Python objects, missing values as None.

    Dask stores strings Arrow-backed, where a missing cell is pandas' NA and numbers are NumPy scalars; the scorer
    would call such a text "a NAType" or "an int64" rather than "empty" or "an int", as it does locally.
    """
    present = [c for c in columns if c in frame.columns]
    if not present:
        return frame
    plain = {c: frame[c].astype(object).where(frame[c].notna(), None) for c in present}
    return frame.assign(**plain)


def score_partition(
    frame: pd.DataFrame,
    model_path: str | None,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    row_offset: int | None = None,
) -> pd.DataFrame:
    """Classify one partition: the rows ``complaintmine classify`` writes for these input rows, indexed like
    ``frame``.

    The model comes from the per-process cache, so calling this for every partition loads it once per process
    (``model_path`` None: the shipped default model).
    Several text columns (title and body) are joined as the CLI joins them. Without ``id_column`` the ids are
    the row numbers within ``frame`` plus ``row_offset`` (pass the number of rows before this partition to get
    the input's global 0-based row numbers); with it, ``row_offset`` is unused. A ``__error__`` column (from the
    readers) marks rows that could not be read. The result has :func:`output_meta`'s dtypes even when empty.
    """
    texts = (text_column,) if isinstance(text_column, str) else tuple(text_column)
    options = JobOptions(input="<partition>", model_dir=str(model_path or ""), text_columns=texts, id_column=id_column)
    plain = _plain_cells(frame, [*texts, *([id_column] if id_column else []), ERROR])
    scored = score_chunk(cached_model(model_path), options, plain, row_offset or 0)
    scored.index = frame.index
    meta = output_meta(id_column, frame[id_column].dtype if id_column and id_column in frame else None)
    return scored.astype(meta.dtypes.to_dict())


def _score_at_offset(
    frame: pd.DataFrame, offset: pd.DataFrame, model_path: str | None, text_column: str | Sequence[str]
) -> pd.DataFrame:
    """score_partition with the offset taken from the matching one-row partition of the offsets collection."""
    return score_partition(frame, model_path, text_column, None, int(offset["offset"].iloc[0]))


def _offset_frame(offset: int) -> pd.DataFrame:
    return pd.DataFrame({"offset": [offset]}, dtype="int64")


def classify_dask(
    ddf: dd.DataFrame,
    model_path: str | os.PathLike[str] | None,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    *,
    source: str = "<dask dataframe>",
) -> dd.DataFrame:
    """Classify a Dask DataFrame lazily with ``map_partitions`` and an explicit meta; returns a Dask DataFrame.

    Without ``id_column`` this first computes the partition lengths (one pass over the input, with the current
    Dask scheduler) so that each partition's ids continue where the previous partition's ended. The offsets
    travel as a one-row-per-partition collection aligned with ``ddf``, so each task carries one number, not the
    whole list. Raises MissingColumnError (naming ``source``) before any work when a column is absent.
    """
    dask_dataframe = _dask_dataframe()
    frame: Any = ddf
    available = [str(c) for c in frame.columns if c not in (LINE, ERROR)]
    texts = [text_column] if isinstance(text_column, str) else list(text_column)
    for column in [*texts, id_column] if id_column else texts:
        if column not in available:
            raise MissingColumnError(source, column, available)
    path = None if model_path is None else os.fspath(model_path)
    if id_column is not None:
        meta = output_meta(id_column, frame.dtypes[id_column])
        return cast("dd.DataFrame", frame.map_partitions(score_partition, path, text_column, id_column, meta=meta))
    with _task_errors():
        lengths = [int(n) for n in frame.map_partitions(len).compute()]
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(int).tolist()
    offset_parts = dask_dataframe.from_map(_offset_frame, offsets, meta=_offset_frame(0).iloc[:0], label="row-offsets")
    scored = frame.map_partitions(
        _score_at_offset, offset_parts, path, text_column, meta=output_meta(None), align_dataframes=False
    )
    return cast("dd.DataFrame", scored)


# --- reading inputs ----------------------------------------------------------------------------------------------


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


def _file_encoding(path: Path, encoding: str | None) -> str:
    """The encoding the single-machine reader would use for this file (readers._text_stream's rule)."""
    with path.open("rb") as handle:
        head = handle.read(_ENCODING_SAMPLE)
    chosen = encoding or detect_encoding(head)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(path, f"unknown encoding {chosen!r}") from None
    if chosen.replace("_", "-").lower() in {"utf-8", "utf8"} and head.startswith(codecs.BOM_UTF8):
        chosen = "utf-8-sig"
    return chosen


def _splittable(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    return name in _SPLITTABLE or name.startswith(_SPLITTABLE_PREFIXES)


def _file_blocks(path: Path, fmt: str, encoding: str | None, blocksize: int | None) -> list[_TextBlock]:
    """Split one CSV/TSV file into blocks of about ``blocksize`` bytes that end where records end."""
    size = path.stat().st_size
    if size == 0:
        raise InputError(path, "file is empty; expected a header line with column names", line=1)
    chosen = _file_encoding(path, encoding)
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
    return _LINE_PREFIX.sub(lambda m: f"line {int(m.group(1)) + offset}", message)


def _read_text_block(block: _TextBlock) -> pd.DataFrame:
    """Parse one block exactly as the single-machine reader parses the file: every row kept, bad rows marked,
    with the file's line numbers."""
    with open(block.path, "rb") as handle:
        handle.seek(block.start)
        body = handle.read(block.end - block.start)
    stream = io.TextIOWrapper(
        io.BytesIO(block.header + body), encoding=block.encoding, errors="surrogateescape", newline=""
    )
    try:
        chunks = list(csv_chunks(block.path, stream, block.delimiter, chunk_rows=1 << 62))
    except InputError as exc:
        raise _BlockError(block.path, exc.reason) from None
    frame = chunks[0] if len(chunks) == 1 else pd.concat(chunks, ignore_index=True)
    if block.line_offset:
        frame[LINE] = frame[LINE] + block.line_offset
        frame[ERROR] = frame[ERROR].map(lambda message: _fix_line(message, block.line_offset))
    return frame


@dataclass(frozen=True)
class _ParquetBlock:
    """Row groups of a Parquet file; ``first_row`` is the 0-based number of the block's first row in the file."""

    path: str
    row_groups: tuple[int, ...]
    first_row: int
    columns: tuple[str, ...]


def _parquet_blocks(path: Path, columns: Sequence[str], blocksize: int | None) -> list[_ParquetBlock]:
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
            blocks.append(_ParquetBlock(str(path), tuple(groups), first, tuple(columns)))
            groups, first, size = [], rows, 0
    if groups or not blocks:
        blocks.append(_ParquetBlock(str(path), tuple(groups), first, tuple(columns)))
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
    frame = cast(pd.DataFrame, table.to_pandas()).astype(object)
    frame = frame.where(frame.notna(), None)
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
        return _dask_dataframe().from_map(function, blocks, meta=meta, label="read-records", enforce_metadata=False)


def _empty_frame(block: _TextBlock) -> pd.DataFrame:
    """The columns and dtypes a block parses to, read from the header alone (or the file's first record)."""
    try:
        if block.header:
            return _read_text_block(replace(block, end=block.start)).iloc[:0]
    except _BlockError as exc:
        raise InputError(exc.path, exc.reason, line=1) from None
    with io.TextIOWrapper(
        open(block.path, "rb"), encoding=block.encoding, errors="surrogateescape", newline=""
    ) as text:
        return next(csv_chunks(block.path, text, block.delimiter, chunk_rows=1)).iloc[:0]


def _match_files(pattern: str) -> tuple[list[Path], str]:
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
    _dask_dataframe()
    from dask.utils import parse_bytes

    files, fmt = _match_files(pattern)
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
            parquet_blocks.extend(_parquet_blocks(path, wanted, size))
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
    assert text_meta is not None  # _match_files never returns no files
    available = [str(c) for c in text_meta.columns if c not in (LINE, ERROR)]
    for column in wanted:
        if column not in available:
            raise MissingColumnError(files[0], column, available)
    return cast("dd.DataFrame", _from_map(_read_text_block, blocks, text_meta))


# --- writing outputs ---------------------------------------------------------------------------------------------


def _part_name(number: int, width: int, fmt: str) -> str:
    return f"part-{number:0{width}d}.{fmt}"


def _write_partition(
    frame: pd.DataFrame, out_dir: str, fmt: str, width: int, partition_info: dict[str, Any] | None = None
) -> pd.DataFrame:
    """Write one scored partition to ``part-<number>.<fmt>`` with the CLI's writer; report its row counts.

    The file is written under a hidden name unique to this attempt and renamed into place, so a reader never
    sees half a file and a retried partition (after a worker died) simply replaces its own file.
    """
    if partition_info is None:
        raise ValueError("_write_partition must run under map_partitions, which supplies partition_info")
    number = int(partition_info["number"])
    target = Path(out_dir) / _part_name(number, width, fmt)
    temporary = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    target.parent.mkdir(parents=True, exist_ok=True)
    plain = frame.reset_index(drop=True)
    writer = OutputWriter(str(temporary), fmt, fingerprint="")
    writer.write(plain)
    writer.finish()
    os.replace(temporary, target)
    failed = int((plain["error"] != "").sum())
    return pd.DataFrame({"partition": [number], "rows": [len(plain)], "failed": [failed], "file": [target.name]})


def _counts_meta() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "partition": pd.Series([], dtype="int64"),
            "rows": pd.Series([], dtype="int64"),
            "failed": pd.Series([], dtype="int64"),
            "file": pd.Series([], dtype=_string_dtype()),
        }
    )


def _check_output_dir(out_dir: str | os.PathLike[str], fmt: str) -> Path:
    if fmt not in OUTPUT_FORMATS:
        raise InputError(
            str(out_dir), f"unknown output format {fmt!r}; the Dask engine writes {', '.join(OUTPUT_FORMATS)}"
        )
    if os.fspath(out_dir) == "-":
        raise InputError("-", "the Dask engine writes a directory of part files; name one with --output")
    target = Path(out_dir)
    if target.exists() and not target.is_dir():
        raise InputError(target, "exists and is not a directory; the Dask engine writes a directory of part files")
    if target.is_dir() and any(target.iterdir()):
        raise InputError(target, "output directory is not empty; choose a new or empty directory")
    return target


def write_outputs(ddf: dd.DataFrame, out_dir: str | os.PathLike[str], fmt: str = "parquet") -> pd.DataFrame:
    """Compute ``ddf`` and write one ``part-NNNNN.<fmt>`` file per partition into ``out_dir`` (new or empty).

    Part numbers follow partition order, so reading the files in name order gives the rows in input order;
    each file is what ``complaintmine classify -o FILE.<fmt>`` writes for its rows (CSV parts each have a
    header). Returns one row per partition: ``partition``, ``rows``, ``failed`` (rows with an error) and
    ``file``. Uses the current Dask scheduler.
    """
    _dask_dataframe()
    target = _check_output_dir(out_dir, fmt)
    target.mkdir(parents=True, exist_ok=True)
    frame: Any = ddf
    width = max(5, len(str(frame.npartitions - 1)))
    written = frame.map_partitions(_write_partition, str(target.resolve()), fmt, width, meta=_counts_meta())
    with _task_errors():
        counts = cast(pd.DataFrame, written.compute())
    for leftover in target.glob(".part-*.tmp*"):  # from attempts on workers that died mid-write
        leftover.unlink(missing_ok=True)
    return counts.sort_values("partition").reset_index(drop=True)


@contextmanager
def _task_errors() -> Iterator[None]:
    """Turn errors raised inside tasks into complaintmine errors on the client."""
    killed_worker = _distributed().KilledWorker
    try:
        yield
    except _BlockError as exc:
        raise InputError(exc.path, exc.reason) from None
    except killed_worker as exc:
        raise DistributedError(
            f"workers kept dying while running a task ({exc}); they may be running out of memory: "
            "use fewer threads per worker, more memory per worker, or a smaller blocksize"
        ) from None


# --- running a job -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """What a Dask scoring job did: rows written (and how many could not be scored), partitions, where to."""

    rows: int
    failed: int
    partitions: int
    output_dir: str
    files: tuple[str, ...]
    scheduler_address: str
    dashboard_link: str | None
    started_cluster: bool
    model_name: str
    model_version: str


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _auto_blocksize(files: Sequence[Path], slots: int) -> int:
    """About four partitions per worker thread, between 1 MiB and 64 MiB: a file of a few hundred megabytes
    still keeps every worker busy, and a huge one is cut into blocks a worker scores in well under a minute."""
    total = sum(path.stat().st_size for path in files)
    return min(_MAX_AUTO_BLOCK, max(_MIN_AUTO_BLOCK, total // (4 * max(slots, 1)) + 1))


def _installed_version() -> str:
    from . import __version__

    return __version__


def _check_workers(client: Any, model_path: str | None) -> tuple[str, str]:
    """Fail before any work when workers run another complaintmine (results could differ), cannot import it, or
    cannot load the model; returns the model's name and version, loaded into one worker's cache."""
    from . import __version__

    try:
        versions = client.run(_installed_version)
        name, version = client.submit(_model_identity, model_path, pure=False).result()
    except ImportError as exc:
        raise DistributedError(
            f"the Dask workers cannot import complaintmine ({exc}); "
            f"pip install 'complaintmine[dask]=={__version__}' on every worker"
        ) from None
    others = sorted({found for found in versions.values() if found != __version__})
    if others:
        raise DistributedError(
            f"the Dask workers run complaintmine {', '.join(others)}, this is {__version__}; install the same "
            "version everywhere so the results match"
        )
    return name, version


def _model_identity(model_path: str | None) -> tuple[str, str]:
    """Load the model into this worker's cache (a worker that cannot read it fails here, before any scoring)."""
    model = cached_model(model_path)
    return model.name, model.version


def run(
    input_pattern: str,
    output_dir: str | os.PathLike[str],
    model_path: str | os.PathLike[str] | None = None,
    scheduler: str | None = None,
    text_column: str | Sequence[str] = "text",
    id_column: str | None = None,
    fmt: str = "parquet",
    n_workers: int | None = None,
    *,
    blocksize: int | str | None = "auto",
    encoding: str | None = None,
    dashboard_address: str = ":8787",
    on_dashboard: Callable[[str], None] | None = None,
) -> RunSummary:
    """Classify files matching ``input_pattern`` on a Dask cluster and write partitioned output to ``output_dir``.

    With ``scheduler`` (an address such as ``tcp://10.0.0.5:8786``) it uses that cluster: the workers must be
    able to read the input files and the model directory and write ``output_dir`` at the same paths (a shared
    file system). Without it, it starts a LocalCluster of worker processes, one single-threaded worker per
    usable CPU unless ``n_workers`` says otherwise (scoring is CPU-bound Python, so processes beat threads), and
    closes it at the end. ``on_dashboard`` is called with the dashboard address as soon as the cluster is up,
    so a caller can show it while the job runs. ``model_path`` None means the shipped default model, found by
    each worker in its own installation; a path is made absolute here, so relative paths name the same
    directory on every worker of a local cluster. ``blocksize="auto"`` aims at four partitions per worker
    thread, between 1 and 64 MiB each (see read_inputs for the others).

    Inputs are checked (files, format, columns, output directory) before a local cluster starts.
    """
    distributed = _distributed()
    model = None if model_path is None else os.path.abspath(model_path)
    target = _check_output_dir(output_dir, fmt)
    files, _ = _match_files(input_pattern)

    def inputs(slots: int) -> dd.DataFrame:
        size = _auto_blocksize(files, slots) if blocksize == "auto" else blocksize
        return read_inputs(input_pattern, text_column, size, id_column=id_column, encoding=encoding)

    ddf = inputs(n_workers or _usable_cpus()) if scheduler is None else None
    cluster: Any = None
    client: Any
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=n_workers or _usable_cpus(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=dashboard_address,
            )
            client = distributed.Client(cluster, set_as_default=False)
        else:
            client = distributed.Client(scheduler, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise DistributedError(f"cannot reach {where}: {exc}") from None
    try:
        link = client.dashboard_link if "dashboard" in client.scheduler_info().get("services", {}) else None
        if link and on_dashboard is not None:
            on_dashboard(link)
        if ddf is None:
            ddf = inputs(sum(client.nthreads().values()))
        name, version = _check_workers(client, model)
        # as_current, not dask.config.set(scheduler=client): the config is copied into every worker a nanny
        # (re)starts, and a Client in it cannot be pickled, so a dead worker could not be replaced.
        with client.as_current():
            scored = classify_dask(ddf, model, text_column, id_column, source=input_pattern)
            counts = write_outputs(scored, target, fmt)
        return RunSummary(
            rows=int(counts["rows"].sum()),
            failed=int(counts["failed"].sum()),
            partitions=len(counts),
            output_dir=str(target),
            files=tuple(str(f) for f in counts["file"]),
            scheduler_address=str(client.scheduler_info()["address"]),
            dashboard_link=link,
            started_cluster=cluster is not None,
            model_name=name,
            model_version=version,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
