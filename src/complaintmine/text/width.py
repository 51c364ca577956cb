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


def fill(text: str, width: int, first: str = "", rest: str = "") -> str:
    """``text`` wrapped at spaces into lines of at most ``width`` terminal columns (a word wider than a line gets
    one of its own), the first line starting with ``first`` and the others with ``rest``: ``textwrap.fill``
    counts characters, so a paragraph with Chinese in it ran past the width."""
    lines: list[str] = []
    line = first
    for word in text.split():
        gap = "" if line in (first, rest) else " "
        if line not in (first, rest) and display_width(line + gap + word) > width:
            lines.append(line)
            line, gap = rest, ""
        line += gap + word
    lines.append(line)
    return "\n".join(lines)
