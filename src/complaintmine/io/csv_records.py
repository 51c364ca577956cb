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
from dataclasses import dataclass

FIELD_SIZE_LIMIT = 1 << 30  # a 5 MB complaint is one cell; the csv module's default limit is 128 KB


@dataclass
class Record:
    """One row: where it starts in the file, its fields, and why it cannot be used (None if it can)."""

    line: int
    fields: list[str]
    error: str | None = None


class _Lines:
    """Physical lines with their numbers, remembering those the current record used; lines can be pushed back."""

    def __init__(self, lines: Iterable[str], first_number: int):
        self._source = iter(lines)
        self._next_number = first_number
        self._pushed: deque[tuple[int, str]] = deque()
        self.used: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self._pushed:
            item = self._pushed.popleft()
        else:
            item = (self._next_number, next(self._source))
            self._next_number += 1
        self.used.append(item)
        return item[1]

    def push_back(self, items: list[tuple[int, str]]) -> None:
        self._pushed.extendleft(reversed(items))

    @property
    def next_number(self) -> int:
        return self._pushed[0][0] if self._pushed else self._next_number


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


def _checked(line: int, fields: list[str], width: int, quoting: str | None) -> Record:
    if quoting is not None and quoting.startswith("a quote"):
        return Record(line, fields, f"line {line}: {quoting}; the row is kept alone, reading goes on at the next line")
    if len(fields) != width:
        return Record(line, fields, f"line {line}: expected {width} fields, found {len(fields)}")
    return Record(line, fields)


def records(lines: Iterable[str], delimiter: str, width: int, first_number: int) -> Iterator[Record]:
    """The records of ``lines`` (text split by ``newline=""`` iteration, header already read), ``width`` fields
    expected; ``first_number`` is the line number of the first of ``lines``. Blank lines are not records."""
    source = _Lines(lines, first_number)
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    while True:
        source.used = []
        try:
            fields = next(reader)
            failure: str | None = None
        except StopIteration:
            if not source.used:
                return
            fields, failure = [], "end of data"  # the last record ended inside a quote
        except csv.Error as exc:
            fields, failure = [], str(exc)
        used = source.used
        if not used:
            return
        start = used[0][0]
        if failure is None:
            if not fields and len(used) == 1:
                continue  # a truly blank line is not a row
            # Cleanly quoted: one record, right or wrong in width (a ragged row keeps its cells, reported).
            yield _checked(start, fields, width, None)
            continue
        if len(used) > 1:
            # A record that ran over several lines and then failed: keep its first line alone and read on.
            source.push_back(used[1:])
            reader = csv.reader(source, delimiter=delimiter, strict=True)
        fields, quoting = _alone(used[0][1], delimiter)
        if not fields and used[0][1].strip("\r\n") == "":
            continue
        yield _checked(start, fields, width, quoting)


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
