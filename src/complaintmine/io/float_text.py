"""The text of a column of floats as ``csv`` writes it (``repr``, the shortest text that reads back as the same
float), built in NumPy for the values a scored file holds: probabilities rounded to 6 decimals.

Such a value is the float nearest to k / 10^6 for a whole k from 0 to 10^6, and its ``repr`` is the digits of k
as a decimal fraction, trailing zeros dropped (``0.00135``), in exponent form below 10^-4 (``8.6e-05``), ``0.0``
and ``1.0`` at the ends: no shorter decimal is as near to it. A float for which x == k / 10^6 fails (any other
value, a negative zero) gets ``repr`` itself, and NaN (a row that was not scored) an empty cell. A ``repr`` per
cell was a third of formatting an output file (five probabilities per row); tests compare the two on every one of
the 10^6 + 1 values and on any float.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_SCALE = 1e6  # 6 decimals: what scoring/frame.py rounds probabilities to


def _word(text: str) -> int:
    """Up to 8 ASCII characters as the little-endian uint64 of their bytes (NUL after the text)."""
    return int.from_bytes(text.encode("ascii").ljust(8, b"\0"), "little")


_TRIPLES = np.array([_word(f"{i:03d}") for i in range(1000)], dtype=np.uint64)  # "000" ... "999"
_TRAILING_ZEROS = np.array([len(t) - len(t.rstrip("0")) for t in (f"{i:03d}" for i in range(1000))], dtype=np.intp)
_KEEP = np.array([(1 << (8 * (8 - zeros))) - 1 for zeros in range(7)], dtype=np.uint64)  # the first 8 - zeros bytes
_BELOW_100 = np.array([_word(repr(k / _SCALE)) for k in range(100)], dtype=np.uint64)  # 0.0, then exponent form
_ZERO_POINT = np.uint64(_word("0."))
_ONE = np.uint64(_word("1.0"))


def float_cells(values: Sequence[float]) -> list[str]:
    """``repr`` of each float of ``values``, and "" for NaN (see the module docstring)."""
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        k = np.rint(x * _SCALE)
        exact = (k / _SCALE == x) & (k >= 0) & (k <= _SCALE) & ~np.signbit(x)
    k = np.where(exact, k, 0.0)
    high = np.floor(k / 1000).astype(np.intp)  # k = 1000 high + low: both exact in float64
    low = (k - high * 1000).astype(np.intp)
    high %= 1000  # (10^6 is written below)
    # "0." and the six digits of k, in the bytes of one uint64, then the trailing zeros cut off
    words = _TRIPLES[high] << np.uint64(16) | _TRIPLES[low] << np.uint64(40) | _ZERO_POINT
    words &= _KEEP[np.where(low == 0, 3 + _TRAILING_ZEROS[high], _TRAILING_ZEROS[low])]
    small = np.flatnonzero(k < 100)
    words[small] = _BELOW_100[k[small].astype(np.intp)]
    words[k == _SCALE] = _ONE
    # each value's bytes then a newline, NULs dropped: one decode and one split instead of a string per cell here
    cells = np.empty((len(words), 2), dtype="<u8")  # stored little-endian whatever the machine: bytes in text order
    cells[:, 0] = words
    cells[:, 1] = ord("\n")
    raw = cells.view(np.uint8)
    texts: list[str] = raw[raw != 0].tobytes().decode("ascii").split("\n")[:-1]
    for i in np.flatnonzero(~exact).tolist():
        value = values[i]
        texts[i] = "" if value != value else repr(value)
    return texts
