"""Reading and writing tables of texts (CSV, TSV, JSONL; a path or ``-`` for standard streams).

Every row of the input is kept: a JSONL line that is not a JSON object becomes a row whose ``__error__`` says
why, so callers can still emit one output row for it. Errors that make a whole file unreadable raise
:class:`~complaintmine.errors.InputError` naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import IO

import pandas as pd

from .errors import InputError

ERROR_FIELD = "__error__"
FORMATS = ("csv", "tsv", "jsonl")
_PANDAS_LINE = re.compile(r"line (\d+)")


def detect_format(path: str, explicit: str | None = None) -> str:
    """The table format from ``explicit`` or the file suffix; standard input defaults to CSV."""
    if explicit:
        fmt = explicit.lower().lstrip(".")
    elif path == "-":
        return "csv"
    else:
        fmt = Path(path).suffix.lower().lstrip(".")
        fmt = {"json": "jsonl", "ndjson": "jsonl", "txt": "csv"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise InputError(path, f"unknown format {fmt!r}; use one of {', '.join(FORMATS)} (by suffix or --format)")
    return fmt


def check_readable(path: str, fmt: str | None = None) -> str:
    """Fail fast, before any expensive work, when ``path`` cannot be read or its format is unknown."""
    found = detect_format(path, fmt)
    if path != "-":
        target = Path(path)
        if not target.exists():
            raise InputError(path, "no such file")
        if target.is_dir():
            raise InputError(path, "is a directory, expected a file")
    return found


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror}") from None


def _decode(path: str, raw: bytes, encoding: str) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            path,
            f"bytes are not valid {encoding} ({exc.reason}); pass --encoding (for example gb18030)",
            line,
            column,
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_table(path: str, fmt: str | None = None, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a table as strings (no NaN guessing: empty cells stay ``""``), in file order."""
    fmt = detect_format(path, fmt)
    text = _decode(path, _read_bytes(path), encoding)
    if fmt == "jsonl":
        return _read_jsonl(path, text)
    if not text.strip():
        raise InputError(path, "file is empty; expected a header line with column names", line=1)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep="\t" if fmt == "tsv" else ",",
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as exc:
        match = _PANDAS_LINE.search(str(exc))
        raise InputError(path, f"malformed {fmt.upper()}: {exc}", int(match.group(1)) if match else None) from None
    return frame


def _read_jsonl(path: str, text: str) -> pd.DataFrame:
    records: list[dict[str, object]] = []
    # Split on "\n" alone: str.splitlines() also breaks on U+0085 and U+2028, which JSON strings may hold raw.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            records.append({ERROR_FIELD: f"line {number} column {exc.colno}: not valid JSON ({exc.msg})"})
            continue
        if not isinstance(value, dict):
            records.append({ERROR_FIELD: f"line {number}: expected a JSON object, got {type(value).__name__}"})
            continue
        records.append(value)
    if not records:
        raise InputError(path, "file has no JSON lines", line=1)
    frame = pd.DataFrame.from_records(records)
    if ERROR_FIELD not in frame.columns:
        frame[ERROR_FIELD] = None
    return frame


def write_table(frame: pd.DataFrame, path: str, fmt: str | None = None, stream: IO[str] | None = None) -> None:
    """Write ``frame`` as CSV/TSV/JSONL to ``path`` (``-`` means ``stream`` or standard output)."""
    fmt = detect_format(path, fmt)
    if path == "-":
        target = stream or sys.stdout
        _write(frame, target, fmt)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        _write(frame, handle, fmt)


def _write(frame: pd.DataFrame, handle: IO[str], fmt: str) -> None:
    if fmt == "jsonl":
        for record in frame.to_dict(orient="records"):
            clean = {key: (None if _is_missing(value) else value) for key, value in record.items()}
            handle.write(json.dumps(clean, ensure_ascii=False, default=str) + "\n")
    else:
        # Nested values (the evidence column) become JSON text in a CSV cell.
        frame = frame.apply(
            lambda col: col.map(_json_cell) if col.map(lambda v: isinstance(v, (dict, list))).any() else col
        )
        # Python's csv module quotes a cell holding "\n" but not one holding a lone "\r", which readers then
        # take for a line break; quote every cell in the rare file that has one, so no row is split.
        has_cr = any(frame[c].map(lambda v: isinstance(v, str) and "\r" in v).any() for c in frame.columns)
        frame.to_csv(
            handle,
            index=False,
            sep="\t" if fmt == "tsv" else ",",
            lineterminator="\n",
            quoting=csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL,
        )


def _is_missing(value: object) -> bool:
    """NaN and pandas' NA become JSON null (json.dumps would write NaN, which is not JSON)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _json_cell(value: object) -> object:
    return (
        json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else ("" if value is None else value)
    )
