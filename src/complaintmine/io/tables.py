"""Whole-table reading and writing for small files (labelled corpora, library convenience).

Built on the streaming readers and writers, so every format and encoding rule is the same as in
``complaintmine classify``; unlike batch scoring, :func:`read_table` is strict: the first row that cannot be
read raises :class:`~complaintmine.errors.InputError` with its file and line.
"""

from __future__ import annotations

import sys
from typing import IO

import pandas as pd

from ..errors import InputError
from .readers import ERROR, LINE, detect_format, iter_chunks, open_source
from .writers import format_csv, format_jsonl, output_format

ERROR_FIELD = ERROR
__all__ = ["ERROR_FIELD", "detect_format", "read_table", "write_table"]


def read_table(path: str, fmt: str | None = None, encoding: str | None = None) -> pd.DataFrame:
    """Read a whole table as string cells (empty cells stay ``""``), in file order; strict about bad rows."""
    chunks = list(iter_chunks(open_source(path, fmt, encoding)))
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0].reset_index(drop=True)
    bad = frame[frame[ERROR].notna()]
    if len(bad):
        message = str(bad[ERROR].iloc[0])
        hint = "; pass --encoding (for example gb18030)" if "not valid text" in message else ""
        raise InputError(path, message.split(": ", 1)[-1] + hint, line=int(bad[LINE].iloc[0]))
    columns = [c for c in frame.columns if c not in (LINE, ERROR)]
    return frame[columns].map(lambda v: "" if v is None else v)


def write_table(frame: pd.DataFrame, path: str, fmt: str | None = None, stream: IO[str] | None = None) -> None:
    """Write ``frame`` as CSV/TSV/JSONL to ``path`` (``-`` means ``stream`` or standard output)."""
    fmt = output_format(path, fmt)
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
        return
    text = format_jsonl(frame) if fmt == "jsonl" else format_csv(frame, "\t" if fmt == "tsv" else ",", header=True)
    if path == "-":
        (stream or sys.stdout).write(text)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
