"""CSV/TSV records that never swallow their neighbours: a stray or unterminated quote costs one row, not fifty.

Python's csv reader, left to itself, lets a field that opens a quote and never closes it run on to the next
quote or to the end of the file: the rows in between vanish into one cell, with no error. Here each record is
read strictly; a record that spans several physical lines and then fails (a quote that never closes, text
after a closing quote) is taken apart: its first line becomes one row on its own,
reported, and reading starts again on the line after it. A quoted field that legitimately holds line breaks
(and parses cleanly) is still one record.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice, tee
from typing import NamedTuple

from .row_errors import at

FIELD_SIZE_LIMIT = 1 << 30  # a 5 MB complaint is one cell; the csv module's default limit is 128 KB


class Record(NamedTuple):
    """One row: where it starts in the file, its fields, and why it cannot be used (None if it can)."""

    line: int
    fields: list[str]
    error: str | None = None


def _drop(lines: Iterator[str], count: int) -> None:
    deque(islice(lines, count), maxlen=0)  # consumes at C speed


def _alone(text: str, delimiter: str) -> tuple[list[str], str | None]:
    """One physical line parsed on its own: its fields, and what is wrong with its quoting (None if nothing)."""
    text = text.removesuffix("\n").removesuffix("\r")  # the line break ends the row, even inside a quote
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True), []), None
    except csv.Error as exc:
        loose = next(csv.reader([text], delimiter=delimiter), [])
        if "end of data" in str(exc):
            return loose, "a quote opened here is never closed"
        return loose, f"malformed quoting ({exc})"


# What becomes of a row whose quote never closes, where bad rows do not stop reading (classify); a strict reader
# (read_table, which raises at the first bad row) leaves it out of its message.
KEPT_ALONE = "; the row is kept alone, reading goes on at the next line"


def _checked(line: int, fields: list[str], width: int, quoting: str | None) -> Record:
    if quoting is not None and quoting.startswith("a quote"):
        return Record(line, fields, at(line, f"{quoting}{KEPT_ALONE}"))
    if len(fields) != width:
        return Record(line, fields, at(line, f"expected {width} fields, found {len(fields)}"))
    return Record(line, fields)


Chunk = tuple[list[int], list[list[str]], list[str | None]]  # start lines, fields, errors of some records


def record_chunks(lines: Iterable[str], delimiter: str, width: int, first_number: int, size: int) -> Iterator[Chunk]:
    """The records of ``lines`` (text split by ``newline=""`` iteration, header already read), ``size`` at a
    time; ``width`` fields expected; ``first_number`` is the line number of the first of ``lines``. Blank lines
    are not records. The last chunk may be empty.

    The csv reader reads one line at a time from ``ahead``; ``behind`` (a tee of the same lines) trails it by
    at most a few thousand lines, so the lines of a record that failed can be taken apart without any Python
    code running per line while records are fine.
    """
    ahead, behind = tee(lines)
    reader = csv.reader(ahead, delimiter=delimiter, strict=True)
    offset = first_number  # the line number of the reader's first line
    done = 0  # lines the reader has used for complete records
    dropped = 0  # lines ``behind`` has been moved past
    starts: list[int] = []
    rows: list[list[str]] = []
    errors: list[str | None] = []
    while True:
        if len(rows) >= size:
            yield starts, rows, errors
            starts, rows, errors = [], [], []
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error:
            pass
        else:
            if len(fields) == width:
                starts.append(offset + done)
                rows.append(fields)
                errors.append(None)
            elif fields or reader.line_num - done > 1:  # a truly blank line is not a row
                # Cleanly quoted: one record, of the wrong width; a ragged row keeps its cells, reported.
                line = offset + done
                starts.append(line)
                rows.append(fields)
                errors.append(at(line, f"expected {width} fields, found {len(fields)}"))
            done = reader.line_num
            if done - dropped >= _TRAIL:
                _drop(behind, done - dropped)
                dropped = done
            continue
        # The record failed (a quote never closed, text after a closing quote): keep its first line alone, as
        # its own row, and read on from the line after it.
        start, used = offset + done, reader.line_num - done
        _drop(behind, done - dropped)
        failed = list(islice(behind, used))
        if not failed:
            break
        fields, quoting = _alone(failed[0], delimiter)
        if fields or failed[0].strip("\r\n"):
            record = _checked(start, fields, width, quoting)
            starts.append(start)
            rows.append(record.fields)
            errors.append(record.error)
        ahead, behind = tee(chain(failed[1:], ahead))
        reader = csv.reader(ahead, delimiter=delimiter, strict=True)
        offset, done, dropped = start + 1, 0, 0
    yield starts, rows, errors


_TRAIL = 4096  # lines the tee may hold before it is moved up to the reader


class field_size_limit:
    """Raise the csv module's field size limit while a file is read, and put the caller's back afterwards."""

    def __init__(self, limit: int = FIELD_SIZE_LIMIT):
        self.limit = limit
        self.saved: int | None = None

    def __enter__(self) -> None:
        self.saved = csv.field_size_limit(self.limit)

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            csv.field_size_limit(self.saved)
