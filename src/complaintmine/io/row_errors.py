"""The one way an error row says where it is: ``line N: reason``, or ``line N column C: reason``.

Readers write it (it is what ``classify``'s error column shows), and the library reads it back: ``read_table``'s
InputError takes its line and column from it, ``classify`` puts a line in front of a scoring error that names
none, and the Dask engine moves a block's line numbers to the file's. Written and read here only, so the two
cannot drift apart (tests/unit/test_row_errors.py round-trips them).
"""

from __future__ import annotations

import re

NOT_TEXT = "bytes that are not valid text"  # the reason (or its start) for undecodable bytes

_WHERE = re.compile(r"line (\d+)(?: column (\d+))?: ")


def json_reason(msg: str) -> str:
    """The json module's message for a parse error, to stand after a "line N column C" that already says where:
    its messages that end in "at" (Unterminated string starting at, Invalid control character at) expect the
    position after them and read as cut off without it, so they end in "here" instead."""
    return msg[: -len(" at")] + " here" if msg.endswith(" at") else msg


def at(line: int, reason: str, column: int | None = None) -> str:
    """``reason`` on ``line`` (and ``column``, 1-based), as an error row says it."""
    return f"line {line}{'' if column is None else f' column {column}'}: {reason}"


def where(message: str) -> tuple[int | None, int | None, str]:
    """The line, column and reason of an error row's message; (None, None, message) when it names no line."""
    found = _WHERE.match(message)
    if found is None:
        return None, None, message
    column = found.group(2)
    return int(found.group(1)), None if column is None else int(column), message[found.end() :]


def shifted(message: str, offset: int) -> str:
    """The message with its line moved by ``offset`` (a block's line to the file's); as it is if it names none."""
    line, column, reason = where(message)
    return message if line is None else at(line + offset, reason, column)
