"""How many terminal columns text takes: what the plain-text tables pad by, so rows with Chinese names line up.

``str.ljust`` and format widths count characters, but an East Asian wide or fullwidth character (Chinese,
fullwidth punctuation such as ``，``) takes two columns in a terminal: a row named in Chinese came out wider
than its neighbours and pushed its numbers out of their columns.
"""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: two for each East Asian wide or fullwidth character, one for
    any other."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    """``text`` with spaces after it up to ``width`` terminal columns (as it is when it is already as wide)."""
    return text + " " * max(width - display_width(text), 0)
