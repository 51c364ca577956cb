"""Text normalisation: full-width to half-width (NFKC), lower case, whitespace collapsed.

Normalisation works character by character so that every output character remembers the index of the input
character it came from; explanations use that map to point at spans of the original text.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Characters NFKC would turn into something that hurts segmentation or meaning in complaints.
_KEEP_AS_IS = frozenset("…")


@dataclass(frozen=True)
class Normalized:
    """A normalised text and, for each of its characters, the index of the source character."""

    text: str
    offsets: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span [start, end) of the normalised text back to the original text."""
        if start >= end:
            origin = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return origin, origin
        return self.offsets[start], self.offsets[end - 1] + 1


def normalize_with_offsets(text: str) -> Normalized:
    """Normalise ``text`` and keep the character offset map (see module docstring)."""
    chars: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        if char.isspace() or unicodedata.category(char) in {"Cc", "Cf"}:
            pending_space = bool(chars)
            continue
        mapped = char if char in _KEEP_AS_IS else unicodedata.normalize("NFKC", char).lower()
        mapped = "".join(piece for piece in mapped if not piece.isspace())  # NFKC can yield spaces (´ -> " ́")
        if not mapped:
            pending_space = bool(chars)
            continue
        if pending_space:
            # One space survives only between two ASCII word characters ("iphone 15"), where it separates words.
            if chars[-1].isascii() and chars[-1].isalnum() and mapped[0].isascii() and mapped[0].isalnum():
                chars.append(" ")
                offsets.append(index - 1)
            pending_space = False
        for piece in mapped:
            chars.append(piece)
            offsets.append(index)
    return Normalized("".join(chars), tuple(offsets))


def normalize(text: str) -> str:
    """Return the normalised form of ``text`` (see :func:`normalize_with_offsets`)."""
    return normalize_with_offsets(text).text
