"""Text that cannot be written back out: undecodable bytes and lone surrogates, found per row and replaced.

Readers decode with :func:`decode_errors`, which keeps each undecodable byte as a lone surrogate (as
``surrogateescape`` does, but for every byte: a UTF-16 file with a broken pair has bad bytes below 0x80, which
``surrogateescape`` refuses with an exception). A JSON ``"\\ud800"`` escape gives a lone surrogate too. No
encoder can write such a string and the tokenizer cannot read it, so the row that holds one gets an error and
its cells have each surrogate replaced by U+FFFD; the job goes on.
"""

from __future__ import annotations

import codecs
import re

ERRORS = "complaintmine-undecodable"
SURROGATE = re.compile("[\ud800-\udfff]")
_UNDECODABLE = re.compile("[\udc00-\udcff]")  # what decode_errors() makes of each bad byte


def _keep_bytes(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : exc.end]), exc.end


def decode_errors() -> str:
    """The name of the error handler readers decode with (registered on first use, under our own name)."""
    try:
        codecs.lookup_error(ERRORS)
    except LookupError:
        codecs.register_error(ERRORS, _keep_bytes)
    return ERRORS


def has_surrogate(value: str) -> bool:
    return SURROGATE.search(value) is not None


def has_undecodable(value: str) -> bool:
    return _UNDECODABLE.search(value) is not None


def replace_surrogates(value: str) -> str:
    """Each lone surrogate (an undecodable byte, or a JSON escape of half a pair) becomes U+FFFD."""
    return SURROGATE.sub("\ufffd", value)


def surrogate_problem(value: object) -> str | None:
    """Why a cell cannot be scored or written as UTF-8, or None: used for texts handed in directly."""
    if isinstance(value, str) and has_surrogate(value):
        return "text holds a lone surrogate (undecodable bytes or a broken \\u escape), not valid Unicode"
    return None


def first_surrogate(texts: list[str]) -> tuple[int, int] | None:
    """(text index, character index) of the first lone surrogate in ``texts``, or None."""
    for index, text in enumerate(texts):
        found = SURROGATE.search(text) if isinstance(text, str) else None
        if found:
            return index, found.start()
    return None
