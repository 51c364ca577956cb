"""Keys that point at a text without copying it: sha1 of the whitespace-stripped text."""

from __future__ import annotations

import hashlib
import re

_WHITESPACE = re.compile(r"\s+")


def text_sha1(text: str) -> str:
    """Return the sha1 hex digest of ``text`` with all whitespace removed (UTF-8)."""
    return hashlib.sha1(_WHITESPACE.sub("", text).encode("utf-8")).hexdigest()
