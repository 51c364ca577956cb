"""Matching coordinates: the normalised, simplified copy of a text that rules match on, and hit spans in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...text.normalize import Normalized, normalize_with_offsets

# ------------------------------------------------------------------------------------- character handling

CLAUSE_END = frozenset("，,。!?！？；;…\n")


def word_list(text: str) -> tuple[str, ...]:
    """Word lists are written as space-separated strings; this keeps long Chinese lists readable."""
    return tuple(text.split())


@dataclass(frozen=True)
class Text:
    """The original text, its normalised form (with the offset map) and the simplified string rules match."""

    original: str
    norm: Normalized
    s: str
    clause_starts: tuple[int, ...]  # for each index of ``s`` (and len(s)), where its clause begins

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``s`` back to the original text."""
        return self.norm.source_span(start, end)

    def clause_start(self, pos: int) -> int:
        """Index in ``s`` where the clause containing ``pos`` begins."""
        return self.clause_starts[pos]


def prepare(text: str) -> Text:
    norm = normalize_with_offsets(text)
    chars = list(norm.text)
    for i, char in enumerate(chars):
        # NFKC turns the Chinese comma into ",", which would glue "599，549" into one number: undo that.
        if char == "," and text[norm.offsets[i]] != ",":
            chars[i] = "，"
    s = "".join(chars)  # traditional characters are already simplified by normalisation
    starts = [0]
    for i, char in enumerate(s):
        starts.append(i + 1 if char in CLAUSE_END else starts[-1])
    return Text(text, norm, s, tuple(starts))


# ------------------------------------------------------------------------------------------ span handling


@dataclass(frozen=True)
class Hit:
    """A match in ``s`` coordinates, before it is turned into a field."""

    start: int
    end: int
    value: Any


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def non_overlapping(hits: list[Hit]) -> list[Hit]:
    """Keep the earliest-starting (then longest) hit of each overlapping group."""
    kept: list[Hit] = []
    reach = -1  # hits come in start order, so a hit overlaps a kept one exactly when it starts before this
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if hit.start >= reach:
            kept.append(hit)
            reach = hit.end
    return kept
