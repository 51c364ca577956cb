"""Keys that point at a text without copying it: sha1 of the whitespace-stripped text."""

from __future__ import annotations

import hashlib
import re

_WHITESPACE = re.compile(r"\s+")


def text_sha1(text: str) -> str:
    """Return the sha1 hex digest of ``text`` with all whitespace removed (UTF-8)."""
    return hashlib.sha1(_WHITESPACE.sub("", text).encode("utf-8")).hexdigest()


def user_text_key(text: str) -> str:
    """The short key a model records for each of its users' training texts (manifest ``user_texts``), which
    compare and promote look texts up by: the first 16 hex digits of :func:`text_sha1`."""
    return text_sha1(text)[:16]
