"""Streaming output: CSV, TSV, JSONL or Parquet, written chunk by chunk to a temporary file and renamed.

An interrupted job never leaves a truncated file under the output name: rows go to ``OUTPUT.partial`` and
only a finished job renames it. For CSV, TSV and JSONL a resumable job also keeps ``OUTPUT.progress.json``
(chunks and bytes done, and a fingerprint of the job), made durable at most once a second and whenever the job
stops on an error, so ``--resume`` can continue from the last whole chunk recorded.

Not :func:`~.output_place.replaced_when_done`, which writes whole files (tables, sheets, part files): its
temporary file has a name unique to the call and is removed when the writing fails, so nothing would be left to
resume. ``OUTPUT.partial`` has a fixed name that ``--resume`` finds, grows chunk by chunk for as long as the job
runs, and is kept when the job stops (a Parquet one excepted: it cannot be resumed). As there, OUTPUT may be a link:
the file it points at is written (both companion files beside it) and the link stays; an existing OUTPUT keeps its
mode.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import os
import sys
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from typing import IO, Any

from ..errors import STANDARD_OUTPUT, InputError, OutputError, output_shown
from .float_text import float_cells
from .formulas import neutralise_column
from .output_place import companion_files, keep_mode, write_failure, written_file
from .readers import format_of
from .rows import Rows

OUTPUT_FORMATS = ("csv", "tsv", "jsonl", "parquet")
BOM = "\ufeff"  # written as UTF-8 (EF BB BF) before a CSV/TSV header with --bom: what Excel and WPS look for
PARQUET_METADATA_KEY = "complaintmine"
_FLOAT_COLUMNS = frozenset({"difference", "promised_days", "waited_days"})  # evidence fields (batch.py)


def output_format(path: str, explicit: str | None = None) -> str:
    """The output format from ``explicit`` (--output-format) or the suffix; standard output is CSV."""
    try:
        return format_of(path, explicit, OUTPUT_FORMATS, "output format")
    except InputError as exc:  # "-" is standard input to the readers' message; here it is standard output
        if path != "-":
            raise
        raise InputError(STANDARD_OUTPUT, exc.reason) from None


def check_output_format(path: str, fmt: str, bom: bool, stream: IO[str] | None = None) -> None:
    """The check every writer makes before any work. With ``bom`` (``--bom``), ``fmt`` must be CSV or TSV, else
    InputError naming ``path``: a byte-order mark is for spreadsheets opening a text table, and JSON Lines, Parquet
    or a workbook have no place for one. Nor has standard output (``path`` ``-``: ``stream``, or ``sys.stdout``)
    written in another encoding than UTF-8: a redirect on Windows writes the local code page (gbk), which Excel
    reads as it is, and U+FEFF has no gbk form. And standard output takes text: Parquet there is an OutputError
    (the writers write Parquet to a named file; to ``-`` it wrote nothing, or a file named ``-``)."""
    if bom and fmt not in ("csv", "tsv"):
        raise InputError(output_shown(path), f"--bom works with csv and tsv output, not {fmt}")
    if path != "-":
        return
    if fmt == "parquet":
        raise OutputError(
            STANDARD_OUTPUT, "Parquet is written to a file: name one with -o (standard output takes csv, tsv or jsonl)"
        )
    if not bom:
        return
    encoding = getattr(stream or sys.stdout, "encoding", None) or "utf-8"  # None: closed, for the writer to say
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        raise InputError(
            STANDARD_OUTPUT,
            f"--bom marks UTF-8, but standard output is written as {encoding} here, which Excel reads as it is: "
            "leave out --bom, or write a file with -o",
        )


@dataclass
class Progress:
    """What a resumable job has written so far."""

    fingerprint: str
    chunks: int = 0
    rows: int = 0
    bytes: int = 0
    input_digest: str = ""  # of the input chunks written (scoring/resume_check.py)


def _missing(value: Any) -> bool:
    """None, a float NaN (a probability of a row that could not be scored), or pandas' NA (a presale cell of a
    Parquet output read back with pandas, as Int64: see _pandas_types)."""
    if value is None:
        return True
    if type(value) is float:  # most cells that get here: a float costs no more than before the NA check
        return value != value
    return type(value).__name__ == "NAType"


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float in it, at any depth, as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _json_text(value: Any, default: Any = None) -> str:
    """``value`` as JSON, with NaN and infinities (at any depth: extracted fields are nested) written as null:
    json.dumps would write NaN or Infinity, which is not JSON and which strict parsers reject. Values without
    them, nearly all, are encoded once, in C; only a record that has one is walked in Python."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=default)
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, default=default)


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return _json_text(value)
    if _missing(value):
        return ""
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, (dict, list, str, bool, int)) or value is None:
        return value
    if _missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


_AS_IS = frozenset({str, int, bool})  # cells csv writes as they are
_NUMBERS = frozenset({int, float, bool, type(None)})


def _column_cells(values: list[Any], kinds: set[type]) -> list[Any]:
    """A column as CSV cells; ``kinds``: the types of its cells. A column of strings and integers passes through,
    one of floats (probabilities) is written by float_text.py, and one of other numbers only needs its NaNs
    blanked, without a Python call per cell (that was 6% of a job)."""
    if kinds <= _AS_IS:
        return values
    if kinds == {float}:
        return float_cells(values)
    if kinds <= {float, int}:
        return ["" if value != value else value for value in values]
    return [value if type(value) is str else _cell(value) for value in values]


def _has_cr(column: list[Any]) -> bool:
    """Whether any string cell holds a carriage return (one C-level join instead of a check per cell)."""
    try:
        return "\r" in "".join(column)
    except TypeError:  # not all strings: numbers, None
        return any(type(v) is str and "\r" in v for v in column)


def format_csv(rows: Rows, delimiter: str, header: bool, neutralise: bool = False, bom: bool = False) -> str:
    """Rows as CSV text. A row with a lone carriage return is fully quoted (csv quotes newlines, not a bare CR).

    With ``neutralise``, cells (and column names) that a spreadsheet would run as formulas get a leading
    apostrophe (see formulas.py); ``OutputWriter`` asks for it by default. Numbers are never touched. With
    ``bom``, the text begins with a byte-order mark (:data:`BOM`), for the start of a file only.
    """
    buffer = io.StringIO()
    if bom:
        buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    if header:
        writer.writerow(neutralise_column(rows.columns) if neutralise else rows.columns)
    kinds = [set(map(type, rows[name])) for name in rows.columns]
    columns = [_column_cells(rows[name], kind) for name, kind in zip(rows.columns, kinds)]
    texts = [bool(kind - _NUMBERS) for kind in kinds]  # only text holds a formula or a CR (dicts become JSON text)
    if neutralise:
        columns = [neutralise_column(column) if text else column for column, text in zip(columns, texts)]
    with_cr = {
        i
        for column, text in zip(columns, texts)
        if text and _has_cr(column)
        for i, v in enumerate(column)
        if type(v) is str and "\r" in v
    }
    cells = zip(*columns)
    if not with_cr:
        writer.writerows(cells)
        return buffer.getvalue()
    quoting = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for i, row in enumerate(cells):
        (quoting if i in with_cr else writer).writerow(row)
    return buffer.getvalue()


def _listed(value: Any) -> Any:
    """A cell of values joined by ``|`` as a JSON list: ``"定金50|差价80"`` -> ``["定金50", "差价80"]``; an empty or
    missing one is null, as a missing value is everywhere in JSON Lines output."""
    if isinstance(value, str):
        return value.split("|") if value else None
    return value  # None, or a list already


def format_jsonl(rows: Rows, lists: Collection[str] = ()) -> str:
    """Rows as JSON Lines. ``lists``: columns whose cells are values joined by ``|`` (a CSV cell's way of holding
    several: ``labels``, and the money, gifts, platforms and channels extracted), written as JSON lists."""
    if any(name in rows for name in lists):
        rows = rows.select(rows.columns)  # the caller's chunk keeps its cells
        for name in lists:
            if name in rows:
                rows[name] = [_listed(value) for value in rows[name]]
    columns = rows.columns
    lines = []
    for row in rows.tuples():
        record = {name: _json_value(value) for name, value in zip(columns, row)}
        # default=str: a value JSON has no type for (a date or time from Excel or Parquet, bytes) is written as
        # its text, as CSV writes it, instead of stopping the job
        lines.append(_json_text(record, default=str) + "\n")
    return "".join(lines)


CHECKPOINT_SECONDS = 1.0  # how often --resume progress is made durable


def _pandas_types(columns: list[str]) -> dict[str, str]:
    """Parquet schema metadata telling pandas to read ``presale`` as its nullable integer type (Int64). The column
    is an optional int64, null for a row that was not scored, which pandas reads as float (1.0, 0.0, NaN) without
    this; other readers (pyarrow, polars, DuckDB, Spark) take the Parquet type as it is, and pandas reads the
    columns not named here as before."""
    named = [
        {"name": name, "field_name": name, "pandas_type": "int64", "numpy_type": "Int64", "metadata": None}
        for name in columns
        if name == "presale"
    ]
    return {"pandas": json.dumps({"index_columns": [], "column_indexes": [], "columns": named})} if named else {}


@contextmanager
def _writing(path: str) -> Iterator[None]:
    """An OSError while writing (full disk, /dev/full, a vanished folder) becomes one OutputError naming
    ``path``; a broken pipe stays itself (the CLI ends quietly when a reader such as ``head`` goes away)."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise write_failure(path, exc, resumable=True) from None


class OutputWriter:
    """Write chunks to ``path`` (``-`` for standard output) atomically; see the module docstring.

    CSV and TSV cells that a spreadsheet would run as formulas are neutralised unless ``raw_formulas``; JSON Lines
    writes the ``|``-joined cells of the columns in ``lists`` as lists (:func:`format_jsonl`). With
    ``bom`` (CSV and TSV only), the first chunk begins with a UTF-8 byte-order mark: it is part of the bytes
    recorded for that chunk, so a resumed job, which only appends after the chunks recorded, never writes a
    second one, and one that resumes before any chunk was recorded writes it again with the header."""

    def __init__(
        self,
        path: str,
        fmt: str,
        fingerprint: str,
        resume: bool = False,
        stream: IO[str] | None = None,
        metadata: dict[str, str] | None = None,
        raw_formulas: bool = False,
        bom: bool = False,
        lists: Collection[str] = (),
    ):
        check_output_format(path, fmt, bom, stream)
        self.path = path
        self.fmt = fmt
        self.bom = bom
        self.lists = tuple(lists)  # columns of "a|b" cells that JSON Lines output writes as lists (format_jsonl)
        self.neutralise = not raw_formulas  # CSV/TSV cells that would run as formulas get an apostrophe
        # Parquet files carry this (which model scored them) in their schema; the text formats have no place for it.
        self.metadata = {PARQUET_METADATA_KEY: json.dumps(metadata, sort_keys=True)} if metadata else None
        self.target = written_file(path)  # resolved once: a link re-pointed while the job runs is not followed
        self.partial, self.state_path = companion_files(str(self.target))
        self.progress = Progress(fingerprint)
        self._stream = stream
        self._handle: Any = None
        self._parquet: Any = None
        self._saved_at = time.monotonic()
        if path == "-":
            if resume:
                raise InputError(STANDARD_OUTPUT, "--resume continues a file; name one with -o")
            self._handle = stream or sys.stdout
            if self._handle is None:  # the process was started with standard output closed
                raise write_failure(path, OSError(0, "standard output is closed"))
            return
        if resume and fmt == "parquet":
            raise InputError(path, "--resume works with csv, tsv and jsonl output, not parquet")
        if resume and self.state_path.exists() and self.partial.exists():
            try:
                saved = Progress(**json.loads(self.state_path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError) as exc:
                raise InputError(
                    path, f"--resume: cannot read {self.state_path.name} ({exc}); delete it to start afresh"
                ) from None
            if saved.fingerprint != fingerprint:
                raise InputError(
                    path,
                    "--resume: the earlier job had a different input, model or options; "
                    f"delete {self.state_path.name} to start afresh",
                )
            self.progress = saved
            with _writing(path):
                with open(self.partial, "r+b") as handle:  # drop a chunk that was only half written
                    handle.truncate(saved.bytes)
                self._handle = open(self.partial, "a", encoding="utf-8", newline="")  # noqa: SIM115 - lives with the job
        elif fmt != "parquet":
            with _writing(path):
                self._handle = open(self.partial, "w", encoding="utf-8", newline="")  # noqa: SIM115 - lives with the job

    @property
    def resumable(self) -> bool:
        return self.path != "-" and self.fmt != "parquet"

    def write(self, frame: Rows, input_digest: str | None = None) -> None:
        """Append a chunk; ``input_digest`` (of the input read so far) is recorded with it for --resume."""
        with _writing(self.path):
            self._write(frame, input_digest)

    def _write(self, frame: Rows, input_digest: str | None) -> None:
        if self.fmt == "parquet":
            self._write_parquet(frame)
        else:
            if self.fmt == "jsonl":
                text = format_jsonl(frame, self.lists)
            else:
                first = self.progress.chunks == 0
                text = format_csv(frame, "\t" if self.fmt == "tsv" else ",", first, self.neutralise, first and self.bom)
            self._handle.write(text)
            self._handle.flush()
        self.progress.chunks += 1
        self.progress.rows += len(frame)
        if input_digest is not None:
            self.progress.input_digest = input_digest
        if self.resumable:
            self.progress.bytes = self._handle.tell()
            if time.monotonic() - self._saved_at >= CHECKPOINT_SECONDS:
                self._checkpoint()

    def _checkpoint(self) -> None:
        """Make the chunks written so far durable, then record them for --resume (in that order, so the
        record never claims bytes that a crash could lose). fsync per chunk cost 3 ms, at most once a second."""
        if not self.resumable or self._handle is None or self._handle.closed:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.state_path.write_text(json.dumps(asdict(self.progress)), encoding="utf-8")
        self._saved_at = time.monotonic()

    def _write_parquet(self, frame: Rows) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        # A fixed schema for every chunk: a column that is empty in the first chunk must not become "null".
        arrays, fields = [], []
        for name in frame.columns:
            values = frame[name]
            if name in ("presale", "row"):
                kind: Any = pa.int64()
                values = [None if _cell(v) == "" else int(v) for v in values]
            elif name.startswith("p_") or name in _FLOAT_COLUMNS:
                kind = pa.float64()
                values = [None if _cell(v) == "" else float(v) for v in values]
            else:
                kind = pa.string()
                values = [
                    None if v is None or (_cell(v) == "" and not isinstance(v, str)) else str(_cell(v)) for v in values
                ]
            arrays.append(pa.array(values, type=kind))
            fields.append(pa.field(str(name), kind))
        metadata = {**(self.metadata or {}), **_pandas_types(frame.columns)}
        table = pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=metadata or None))
        if self._parquet is None:
            self._parquet = pq.ParquetWriter(str(self.partial), table.schema)
        self._parquet.write_table(table)

    def finish(self) -> None:
        """Close and move the finished file into place."""
        with _writing(self.path):
            self._finish()

    def _finish(self) -> None:
        if self.path == "-":
            self._handle.flush()
            return
        if self._parquet is not None:
            self._parquet.close()
        elif self.fmt == "parquet":  # no chunk at all: still write an empty file with no rows
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({}).replace_schema_metadata(self.metadata), str(self.partial))
        if self._handle is not None:
            self._handle.close()
        keep_mode(self.partial, self.target)  # an error here or in the rename keeps the partial file for --resume
        os.replace(self.partial, self.target)
        self.state_path.unlink(missing_ok=True)

    def abandon(self) -> None:
        """Stop after a failure: keep the partial file and progress for --resume, never the final name.

        A Parquet output cannot be resumed, so its partial file is removed. Errors while cleaning up (the disk
        that filled up is still full) do not hide the error that stopped the job.
        """
        with suppress(OSError):
            self._checkpoint()  # every chunk written so far was written whole
        for close in (getattr(self._handle, "close", None) if self.path != "-" else None, self._close_parquet):
            if close is not None:
                with suppress(OSError):
                    close()
        if self.fmt == "parquet" and self.path != "-":
            self.partial.unlink(missing_ok=True)

    def _close_parquet(self) -> None:
        if self._parquet is not None:
            self._parquet.close()


def scoring_metadata(model_name: str, model_version: str) -> dict[str, str]:
    """What an output records about how it was scored; :func:`scored_by` reads it back."""
    from .. import __version__

    return {"model": model_name, "model_version": model_version, "complaintmine_version": __version__}


def scored_by(path: str) -> dict[str, str]:
    """What a Parquet file written by ``classify`` says about the model that scored it; {} for anything else."""
    try:
        import pyarrow.parquet as pq

        metadata = pq.read_schema(path).metadata or {}
    except Exception:  # not Parquet, unreadable, or no pyarrow: nothing recorded
        return {}
    raw = metadata.get(PARQUET_METADATA_KEY.encode())
    try:
        found = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
