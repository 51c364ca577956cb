"""jieba's own segmentation for the texts jieba-rs would break ties on differently, with a compact dictionary.

The rjieba backend hands texts with a repeated unit (好好好) to pure-Python jieba, whose prefix dictionary
is a Python dict of about 600,000 strings: 82 MB in every scoring process, and pages that workers copy as
they read it. jieba only ever looks up substrings of the sentence it segments, so this class keeps the
dictionary as one sorted NumPy array of words (22 MB, shared by forked workers untouched), and before each
block of text gives a ``jieba.Tokenizer`` a small dict of exactly that block's substrings that jieba's
dictionary holds: the words with their frequencies and the prefixes of words with 0, as jieba's ``FREQ`` has
them. jieba's code then runs unchanged (DAG, route, HMM for unknown words), so the tokens are jieba's by
construction; tests compare them with the full jieba on real texts. Only the blocks with a repeated unit
need this; the rest of such a text goes to rjieba.

Reading and sorting the dictionary takes about half a second, which every batch job (and a one-row ``classify``
of a text with a repeated unit) paid at start. So the sorted arrays are kept in a file in the tokenizer's cache
folder, as jieba keeps its own cache there (compressed: 2 MB instead of 25), named by the user and by what they
are made from (jieba's dictionary file, the lexicon, this format), and read back only from a file this user owns
that nobody else may write.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from stat import S_ISREG
from typing import Any

import numpy as np

from ..io.output_place import moved_onto, open_file_beside

CACHE_FORMAT = "1"


def _jieba_dictionary() -> tuple[dict[str, int], int]:
    """Words and frequencies of jieba's default dictionary, read as ``jieba.Tokenizer.gen_pfdict`` reads it
    (a word listed twice keeps its last frequency; the total counts both)."""
    with open(_jieba_dictionary_path(), encoding="utf-8") as handle:
        text = handle.read()
    # Each line is "word frequency tag": one split of the whole file is three times faster than a loop over lines
    # (this runs in every scoring process that meets a repeated unit). If a line were laid out otherwise, a tag
    # column would hold a number or a word, and the line-by-line reading below decides.
    fields = text.split()
    tags = "".join(fields[2::3])
    if len(fields) % 3 == 0 and tags.isascii() and tags.isalpha():
        counts = list(map(int, fields[1::3]))
        return dict(zip(fields[0::3], counts)), sum(counts)
    frequencies: dict[str, int] = {}
    total = 0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        word, frequency = line.split(" ")[:2]
        frequencies[word] = int(frequency)
        total += int(frequency)
    return frequencies, total


def _jieba_dictionary_path() -> str:
    import jieba

    return os.path.join(os.path.dirname(jieba.__file__), "dict.txt")


def _sorted_dictionary(lexicon: list[tuple[str, int, str | None]]) -> tuple[np.ndarray, np.ndarray, int]:
    """jieba's words with the lexicon added, sorted by code point, their frequencies, and jieba's total."""
    frequencies, total = _jieba_dictionary()
    for word, frequency, _tag in lexicon:  # what jieba.Tokenizer.add_word does to FREQ and total
        frequencies[word] = frequency
        total += frequency
    words = np.array(list(frequencies), dtype=f"U{max(map(len, frequencies))}")
    order = np.argsort(words)  # sorted by code point, as Python sorts strings
    counts = np.fromiter(frequencies.values(), dtype=np.int64, count=len(frequencies))
    return words[order], counts[order], total


def cache_path(cache_dir: Path, lexicon: list[tuple[str, int, str | None]]) -> Path:
    """Where the sorted dictionary for ``lexicon`` is kept: named by a hash of jieba's dictionary file (path, size,
    modification time), the lexicon and the file format, so a change to any of them makes another file."""
    dictionary = _jieba_dictionary_path()
    stat = os.stat(dictionary)
    key = repr((CACHE_FORMAT, dictionary, stat.st_size, stat.st_mtime_ns, lexicon))
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""  # each user's own: another's is never read
    return cache_dir / f"complaintmine-jieba-compact{user}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.npz"


def _read_cache(path: Path) -> tuple[np.ndarray, np.ndarray, int] | None:
    """The cached arrays, or None when the file is absent, unreadable, malformed, or could have been written by
    someone else (not owned by this user, or writable by others), or is no plain file. Opened without blocking
    and without following a link: in the shared temporary folder another user may leave a FIFO under the name,
    whose plain ``open`` would wait for a writer for ever (a review hung a scoring process so)."""
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
        with open(path, "rb", opener=lambda name, _flags: os.open(name, flags)) as handle:
            stat = os.fstat(handle.fileno())  # np.load given a path leaves it open when the file is not a zip
            if not S_ISREG(stat.st_mode):
                return None
            if hasattr(os, "getuid") and (stat.st_uid != os.getuid() or stat.st_mode & 0o022):
                return None
            arrays = np.load(handle, allow_pickle=False)
            if not isinstance(arrays, np.lib.npyio.NpzFile):  # a lone .npy array under the name
                return None
            with arrays:
                words, frequencies, total = arrays["words"], arrays["frequencies"], arrays["total"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    well_formed = (
        words.ndim == 1
        and words.dtype.kind == "U"
        and len(words) > 0
        and frequencies.shape == words.shape
        and frequencies.dtype == np.int64
        and total.shape == ()
        and total.dtype == np.int64
        and bool(np.all(words[1:] > words[:-1]))  # sorted and distinct, as searchsorted needs them
    )
    return (words, frequencies, int(total)) if well_formed else None


def _write_cache(path: Path, words: np.ndarray, frequencies: np.ndarray, total: int) -> None:
    """Write the arrays under ``path`` atomically (another process may be reading or writing it); a cache that
    cannot be written is no error. The temporary file is removed however the write ends (also on Ctrl-C).

    The two steps write_table's ``replaced_when_done`` is made of, not that function itself: the folder is the
    shared temporary folder by default, where it would go wrong for a file others may have left under the
    name. It follows a link to write over the file it points at (here the link is replaced), keeps the mode
    of the file it replaces (here the file is this user's alone from the start: :func:`_read_cache` trusts
    nothing else) and writes into a FIFO or device in place (here it is replaced, or the write fails). The
    arrays go through the descriptor that made the temporary file, which is never opened again by its name: in
    a folder without the sticky bit another user could put their own file under that name in between, and the
    dictionary would be written into it. Whatever is under the name is then renamed onto ``path``: a file of
    theirs there is not read back (:func:`_read_cache`)."""
    try:
        temporary, handle = open_file_beside(path, mode=0o600)
        with moved_onto(temporary, path), handle:
            np.savez_compressed(handle, words=words, frequencies=frequencies, total=np.int64(total))
    except OSError:
        pass


class CompactJieba:
    """``tokenize(text, hmm)`` exactly as a ``jieba.Tokenizer`` with ``lexicon`` added would give it."""

    def __init__(self, lexicon: list[tuple[str, int, str | None]], cache_dir: Path | None = None):
        """``cache_dir``: where the sorted dictionary is kept between processes (None: built every time)."""
        import jieba

        path = cache_path(cache_dir, lexicon) if cache_dir is not None else None
        cached = _read_cache(path) if path is not None else None
        if cached is None:
            cached = _sorted_dictionary(lexicon)
            if path is not None:
                _write_cache(path, *cached)
        self._words, self._frequencies, total = cached
        self.longest = self._words.dtype.itemsize // np.dtype("U1").itemsize  # characters in the longest word
        segmenter: Any = jieba.Tokenizer()
        segmenter.initialized = True  # never load jieba's own dictionary: FREQ is set per text below
        segmenter.total = total
        self._segmenter = segmenter

    def lookups(self, text: str) -> dict[str, int]:
        """jieba's FREQ restricted to the substrings of ``text``: word -> frequency, word prefix -> 0."""
        size = len(text)
        # Substrings of up to 4 characters from every position, then longer ones only where the 4-character
        # one is a known prefix (nearly all dictionary words are short): a fifth of the lookups of all lengths.
        short = min(4, self.longest)
        queries = [text[k : k + n] for k in range(size) for n in range(1, min(short, size - k) + 1)]
        found = self._look_up(queries)
        longer = [
            text[k : k + n]
            for k in range(size - short)
            if text[k : k + short] in found
            for n in range(short + 1, min(self.longest, size - k) + 1)
        ]
        if longer:
            found.update(self._look_up(longer))
        return found

    def _look_up(self, queries: list[str]) -> dict[str, int]:
        if not queries:
            return {}
        wanted = np.array(queries, dtype=self._words.dtype)
        at = np.minimum(np.searchsorted(self._words, wanted), len(self._words) - 1)
        nearest = self._words[at]
        known = np.strings.startswith(nearest, wanted)
        frequencies = np.where(nearest == wanted, self._frequencies[at], 0)
        return {queries[i]: int(frequencies[i]) for i in np.flatnonzero(known)}

    def tokenize(
        self,
        text: str,
        hmm: bool,
        fast_words: Callable[[str], list[str]] | None = None,
        needs_jieba: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, int, int]]:
        """(word, start, end) as ``jieba.Tokenizer.tokenize`` gives them.

        jieba segments each run of Han characters and ASCII word characters (a block) on its own. With
        ``fast_words`` and ``needs_jieba``, only blocks that ``needs_jieba`` flags go through jieba's code; other
        blocks go to ``fast_words`` (rjieba, which gives jieba's words wherever no tie arises).
        """
        import jieba

        words: list[str] = []
        for block in jieba.re_han_default.split(text):
            if not block:
                continue
            if not jieba.re_han_default.match(block):  # jieba's own handling of the rest: whitespace, 1 char each
                for piece in jieba.re_skip_default.split(block):
                    words.extend([piece] if jieba.re_skip_default.match(piece) else piece)
            elif fast_words is not None and needs_jieba is not None and not needs_jieba(block):
                words.extend(fast_words(block))
            else:
                self._segmenter.FREQ = self.lookups(block)
                try:
                    words.extend(self._segmenter.cut(block, HMM=hmm))
                finally:
                    self._segmenter.FREQ = {}
        spans, start = [], 0
        for word in words:
            spans.append((word, start, start + len(word)))
            start += len(word)
        return spans
