"""``--resume`` continues only the same input: the chunks it skips must be the chunks the first run wrote.

The job's fingerprint names the input file by size and modification time, which says nothing about standard
input: an interrupted ``classify -`` resumed with another stream used to exit 0 with the first rows' labels
belonging to the other input. So the progress record also keeps a chained SHA-256 of the input chunks that
were written (their cells, line numbers and errors, as read); a resumed job reads the chunks it skips,
recomputes the chain, and refuses to go on, before writing anything, when it differs or the input is shorter.

The chain's values start with ``VERSION`` (2: cells hashed by their ``repr``, since chunks stopped being pandas
frames); a job recorded by an older version, whose chain was pandas' hash, is resumed as one that recorded none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from ..errors import InputError
from ..io.rows import Rows

VERSION = "2:"


def chunk_digest(previous: str, chunk: Rows) -> str:
    """The chain's value after ``chunk``: a hash of its column names and of each column's cells (their ``repr``,
    which tells ``"1"`` from ``1`` and None from ``""``; lone surrogates are escaped in it)."""
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(json.dumps(chunk.columns, ensure_ascii=False).encode("utf-8", "replace"))
    for name in chunk.columns:
        digest.update(repr(chunk[name]).encode("utf-8", "backslashreplace"))
    return VERSION + digest.hexdigest()


class InputTrail:
    """Follows the chunks of one job: skips the ``skip`` done ones after checking them against ``saved``."""

    def __init__(self, path: str, skip: int, saved: str):
        self.path = path
        self.skip = skip
        self.saved = saved
        self._after: dict[int, str] = {}

    def follow(self, items: Iterator[tuple[Rows, int]]) -> Iterator[tuple[Rows, int]]:
        chain = ""
        index = -1
        for index, item in enumerate(items):
            chain = chunk_digest(chain, item[0])
            if index < self.skip:
                if index == self.skip - 1:
                    self._check(chain)
                continue
            self._after[index] = chain
            yield item
        if index + 1 < self.skip:
            raise self._differs(f"it has {index + 1} chunk(s), the interrupted job wrote {self.skip}")

    def digest_after(self, index: int) -> str:
        """The chain after chunk ``index`` (0-based), to record with it; each is asked for once."""
        return self._after.pop(index)

    def _check(self, chain: str) -> None:
        if self.saved == chain:
            return
        if not self.saved.startswith(VERSION) and self.path != "-":  # none recorded, or an older version's
            return
        raise self._differs(
            "its first rows differ from those already written: another file, or one this version of complaintmine "
            "reads differently from the version that began the job"
        )

    def _differs(self, why: str) -> InputError:
        what = "standard input" if self.path == "-" else "the input"
        return InputError(
            self.path, f"--resume: {what} is not the one the interrupted job read ({why}); run without --resume"
        )
