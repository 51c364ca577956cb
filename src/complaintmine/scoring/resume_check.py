"""``--resume`` continues only the same input: the chunks it skips must be the chunks the first run wrote.

The job's fingerprint names the input file by size and modification time, which says nothing about standard
input: an interrupted ``classify -`` resumed with another stream used to exit 0 with the first rows' labels
belonging to the other input. So the progress record also keeps a chained SHA-256 of the input chunks that
were written (their cells, line numbers and errors, as read); a resumed job reads the chunks it skips,
recomputes the chain, and refuses to go on, before writing anything, when it differs or the input is shorter.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pandas as pd

from ..errors import InputError


def chunk_digest(previous: str, chunk: pd.DataFrame) -> str:
    """The chain's value after ``chunk``: hashes of its cells (pandas' stable hash) and of its column names."""
    digest = hashlib.sha256(previous.encode("ascii"))
    digest.update(json.dumps([str(c) for c in chunk.columns], ensure_ascii=False).encode("utf-8", "replace"))
    digest.update(pd.util.hash_pandas_object(chunk, index=False).to_numpy().tobytes())
    return digest.hexdigest()


class InputTrail:
    """Follows the chunks of one job: skips the ``skip`` done ones after checking them against ``saved``."""

    def __init__(self, path: str, skip: int, saved: str):
        self.path = path
        self.skip = skip
        self.saved = saved
        self._after: dict[int, str] = {}

    def follow(self, items: Iterator[tuple[pd.DataFrame, int]]) -> Iterator[tuple[pd.DataFrame, int]]:
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
        if self.saved == chain or (not self.saved and self.path != "-"):  # no chain recorded: an older job
            return
        raise self._differs("its first rows differ from those already written")

    def _differs(self, why: str) -> InputError:
        what = "standard input" if self.path == "-" else "the input"
        return InputError(
            self.path, f"--resume: {what} is not the one the interrupted job read ({why}); run without --resume"
        )
