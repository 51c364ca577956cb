"""A jieba tokenizer that is ours alone: its own ``jieba.Tokenizer``, the domain lexicon, and normalisation.

jieba's module functions share one global tokenizer; ``add_word`` there would change every other user's
segmentation. This wrapper owns a private instance, adds the lexicon with explicit non-zero frequencies, and
keeps jieba's cache file and log messages out of other people's way.

Two backends give the same tokens. ``jieba`` is the reference (pure Python). ``rjieba`` runs the same
dictionary and algorithm through jieba-rs, about 25 times faster; two known differences are reconciled:
ASCII runs (jieba-rs keeps "3-4", "t.cn", "2.5d" whole) are re-split with jieba's own rule, and texts with a
unit of 1-3 characters repeated three times (好好好, 不好不好不好), where equally probable segmentations tie and
the two implementations break the tie differently, go to jieba's own code (jieba_fallback.py, with its dictionary
held compactly). ``auto`` picks rjieba when installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import sys
import tempfile
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ComplaintMineError
from .normalize import normalize, normalize_with_offsets

if TYPE_CHECKING:
    from .batch_words import CoveredBatch

LEXICON_RESOURCE = "lexicon.txt"
Between = Callable[[int, int], "list[str] | None"]  # the tokens in a span of a segmented text (or None)


@dataclass(frozen=True)
class Token:
    """A token of the normalised text, with its span [start, end) in the ORIGINAL text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class TokenizerConfig:
    """Everything that decides how text becomes tokens; saved in each model's manifest."""

    hmm: bool = True
    lexicon: str = field(default="builtin")  # "builtin" or a path to a lexicon file
    drop_punctuation: bool = True
    backend: str = "auto"  # "auto", "rjieba" or "jieba"; all give the same tokens (module docstring)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def builtin_lexicon_text() -> str:
    return resources.files("complaintmine").joinpath("data", LEXICON_RESOURCE).read_text(encoding="utf-8")


def parse_lexicon(text: str, source: str = LEXICON_RESOURCE) -> list[tuple[str, int, str | None]]:
    """Parse ``WORD FREQ [TAG]`` lines; ``#`` starts a comment. Frequencies must be positive."""
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) not in (2, 3) or not parts[1].isdigit() or int(parts[1]) <= 0:
            raise ComplaintMineError(f"{source}:{number}: expected 'WORD FREQ [TAG]' with FREQ > 0, got {raw!r}")
        entries.append((parts[0], int(parts[1]), parts[2] if len(parts) == 3 else None))
    return entries


BACKENDS = ("auto", "rjieba", "jieba")
# jieba's finalseg splits an ASCII run this way (its re_skip); jieba-rs keeps such runs whole.
_ASCII_PIECES = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
# A unit of 1-3 characters three times in a row: where jieba and jieba-rs break ties differently.
_TIE_PRONE = re.compile(r"([\u3400-\u9fff]{1,3})\1\1")
# Characters that jieba-rs segments as Han but jieba's block regex ([\u4E00-\u9FD5] and ASCII word characters)
# does not (CJK extension A, U+9FD6 on, compatibility ideographs, anything beyond the BMP), with some margin.
_HAN_TO_RJIEBA_ONLY = re.compile("[\u3400-\u4dff\u9fd6-\u9fff\uf900-\ufaff\U00010000-\U0010ffff]")


# jieba-rs keeps a run of [a-zA-Z0-9+#&._%-] whole (other ASCII comes one character at a time), so a word
# that _split_like_jieba splits has a letter or digit next to one of +#&._%- : without one, nothing changes.
_ASCII_SEAM = re.compile(r"[a-zA-Z0-9][+#&._%\-]|[+#&._%\-][a-zA-Z0-9]")


def _split_word_like_jieba(word: str) -> list[str]:
    if len(word) == 1 or not word.isascii():
        return [word]
    return [piece for piece in _ASCII_PIECES.split(word) if piece]


def _split_like_jieba(word: str, start: int) -> list[tuple[str, int, int]]:
    if len(word) == 1 or not word.isascii():
        return [(word, start, start + len(word))]
    pieces, offset = [], start
    for piece in _ASCII_PIECES.split(word):
        if piece:
            pieces.append((piece, offset, offset + len(piece)))
            offset += len(piece)
    return pieces


def _rjieba_available() -> bool:
    return importlib.util.find_spec("rjieba") is not None  # found without importing it (see _rjieba_class)


def _rjieba_class() -> Any:
    """rjieba's ``Jieba`` class, loaded from its extension module without running the package's ``__init__``,
    which builds a module-level default instance (0.09 s and its own copy of the dictionary) that complaintmine
    never uses. Falls back to the ordinary import if the package is laid out differently."""
    if "rjieba" in sys.modules:
        return sys.modules["rjieba"].Jieba
    try:
        spec = importlib.util.find_spec("rjieba")
        assert spec is not None and spec.submodule_search_locations is not None
        folder = Path(next(iter(spec.submodule_search_locations)))
        binary = next(p for p in folder.iterdir() if p.name.startswith("rjieba.") and p.suffix in (".so", ".pyd"))
        extension = importlib.util.spec_from_file_location("rjieba.rjieba", binary)
        assert extension is not None and extension.loader is not None
        module = importlib.util.module_from_spec(extension)
        extension.loader.exec_module(module)
        return module.Jieba
    except (AssertionError, StopIteration, OSError, ImportError):
        import rjieba

        return rjieba.Jieba


_WORDLIKE = re.compile(r"[^\W_]|%")  # [^\W_] is str.isalnum() as a regex


def _is_word_like(word: str) -> bool:
    """The punctuation filter: a token stays if it holds a letter, a digit or %. Most tokens are all
    alphanumeric, and most others are one punctuation mark, so the regex runs for few of them."""
    return word.isalnum() or (word == "%" if len(word) == 1 else _WORDLIKE.search(word) is not None)


@contextmanager
def _quiet_jieba() -> Iterator[None]:
    """jieba logs 'Building prefix dict...' at DEBUG to stderr: drop the messages this thread logs meanwhile.

    The jieba logger's level is left alone (setting and restoring it raced between threads that build
    dictionaries at once, and hid other threads' messages): a filter, on the logger only while some thread is
    inside, drops the records of the threads inside.
    """
    logger = logging.getLogger("jieba")
    me = threading.get_ident()
    with _HUSHED_LOCK:
        if not _HUSHED:
            logger.addFilter(_hush)
        _HUSHED[me] = _HUSHED.get(me, 0) + 1
    try:
        yield
    finally:
        with _HUSHED_LOCK:
            _HUSHED[me] -= 1
            if not _HUSHED[me]:
                del _HUSHED[me]
            if not _HUSHED:
                logger.removeFilter(_hush)


_HUSHED: dict[int, int] = {}  # thread -> how deep it is inside _quiet_jieba
_HUSHED_LOCK = threading.Lock()


def _hush(record: logging.LogRecord) -> bool:
    return record.thread not in _HUSHED


class Tokenizer:
    """Segments Chinese complaint text with a private jieba tokenizer and the domain lexicon."""

    def __init__(
        self,
        config: TokenizerConfig | None = None,
        cache_dir: str | Path | None = None,
        lexicon_text: str | None = None,
    ):
        """``lexicon_text``, when given, is the content of ``config.lexicon`` already read (and checked) by the
        caller, so the file is not read a second time."""
        self.config = config or TokenizerConfig()
        if lexicon_text is not None:
            self.lexicon_text = lexicon_text
        elif self.config.lexicon == "builtin":
            self.lexicon_text = builtin_lexicon_text()
        else:
            try:
                self.lexicon_text = Path(self.config.lexicon).read_text(encoding="utf-8")
            except OSError as exc:
                raise ComplaintMineError(f"{self.config.lexicon}: cannot read lexicon: {exc.strerror}") from exc
        self.lexicon = parse_lexicon(self.lexicon_text, self.config.lexicon)
        self._cache_dir = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir())
        self._jieba: Any = None
        self._rjieba: Any = None
        self._fallback: Any = None
        if self.config.backend not in BACKENDS:
            raise ComplaintMineError(f"unknown tokenizer backend {self.config.backend!r}; use one of {BACKENDS}")
        if self.config.backend == "rjieba" and not _rjieba_available():
            raise ComplaintMineError("tokenizer backend 'rjieba' is not installed: pip install rjieba")
        wants_fast = self.config.backend == "rjieba" or (self.config.backend == "auto" and _rjieba_available())
        self.backend = "rjieba" if wants_fast else "jieba"

    @property
    def lexicon_sha256(self) -> str:
        return hashlib.sha256(self.lexicon_text.encode("utf-8")).hexdigest()

    def _segmenter(self) -> Any:
        if self._jieba is None:
            import jieba  # imported lazily: importing complaintmine must not touch jieba's logging

            with _quiet_jieba():
                segmenter = jieba.Tokenizer()
                segmenter.tmp_dir = str(self._cache_dir)
                segmenter.cache_file = "complaintmine-jieba.cache"
                segmenter.initialize()
                for word, freq, tag in self.lexicon:
                    segmenter.add_word(word, freq, tag)
            self._jieba = segmenter
        return self._jieba

    def _fast_segmenter(self) -> Any:
        if self._rjieba is None:
            segmenter = _rjieba_class()()  # its own dictionary: nothing shared with other instances
            for word, freq, tag in self.lexicon:
                segmenter.add_word(word, freq, tag)
            self._rjieba = segmenter
        return self._rjieba

    def _tie_breaker(self) -> Any:
        """jieba itself, for the tie-prone texts of the rjieba backend, with a compact dictionary."""
        if self._fallback is None:
            from .jieba_fallback import CompactJieba

            with _quiet_jieba():
                self._fallback = CompactJieba(self.lexicon, self._cache_dir)
        return self._fallback

    def warm_up(self) -> None:
        """Build every segmenter this backend may need now (before worker processes fork and share them)."""
        self.tokenize("预热")
        if self.backend == "rjieba":
            self._tie_breaker()

    def _segments(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) over the normalised text, identical for both backends."""
        if self.backend == "jieba":
            return list(self._segmenter().tokenize(text, HMM=self.config.hmm))
        if _TIE_PRONE.search(text):
            return self._tie_segments(text)
        segments: list[tuple[str, int, int]] = []
        for word, start, end in self._fast_segmenter().tokenize(text, "default", self.config.hmm):
            if len(word) > 1 and word.isascii():
                segments.extend(_split_like_jieba(word, start))
            else:
                segments.append((word, start, end))
        return segments

    def _tie_segments(self, text: str) -> list[tuple[str, int, int]]:
        """jieba's own segments of a tie-prone text (only its tie-prone blocks go through jieba's code)."""
        tokens: list[tuple[str, int, int]] = self._tie_breaker().tokenize(
            text, self.config.hmm, self._fast_words, _TIE_PRONE.search
        )
        return tokens

    def tokens(self, text: str) -> list[Token]:
        """Tokens of the normalised text, each with its span in the original text."""
        normalized = normalize_with_offsets(text)
        result = []
        for word, start, end in self._kept_segments(normalized.text):
            source_start, source_end = normalized.source_span(start, end)
            result.append(Token(word, source_start, source_end))
        return result

    def tokenize(self, text: str) -> list[str]:
        """The token strings of :meth:`tokens` (without computing spans)."""
        return self.tokenize_normalized(normalize(text))

    def tokenize_normalized(self, normalized: str) -> list[str]:
        """Tokens of a text already passed through :func:`~complaintmine.normalize.normalize`.

        The scoring hot path: the same tokens as :meth:`tokens`, without computing spans. rjieba's ``cut``
        (words only) is twice as fast as its ``tokenize``, and ASCII runs need re-splitting only where an
        ASCII letter or digit touches other ASCII (no other word can change; see ``_split_like_jieba``).
        """
        words = self.covering_words(normalized)
        if words is None:
            return [word for word, _, _ in self._kept_segments(normalized)]
        return self.kept_words(words)

    def tokenize_normalized_pieces(self, normalized: str) -> tuple[list[str], Between]:
        """:meth:`tokenize_normalized`'s tokens, and a function that gives the tokens lying in a span
        [start, end) of ``normalized`` without segmenting it again, or None where it cannot tell (a word crosses
        an edge of the span, or the ``jieba`` backend): what modality marking needs."""
        words = self.covering_words(normalized)
        if words is None:
            return [word for word, _, _ in self._kept_segments(normalized)], _cannot_tell
        offsets: list[int] = []

        def between(start: int, end: int) -> list[str] | None:
            if not offsets:
                offsets.extend(accumulate(map(len, words), initial=0))
            first, last = bisect_left(offsets, start), bisect_left(offsets, end)
            if offsets[-1] != len(normalized) or last == len(offsets) or offsets[first] != start:
                return None
            return self.kept_words(words[first:last]) if offsets[last] == end else None

        return self.kept_words(words), between

    def covering_words(self, normalized: str) -> list[str] | None:
        """The words of a normalised text with punctuation and white space, so that joined they give the text
        back (what :meth:`kept_words` filters into :meth:`tokenize_normalized`'s tokens): rjieba's, or for a
        tie-prone text those of jieba's own code. None for the ``jieba`` backend, and for a tie-prone text with a
        character that only rjieba counts as Han (:data:`_HAN_TO_RJIEBA_ONLY`): there, jieba's code would split a
        block where the sentence segmented on its own by rjieba does not, so the words could not tell a
        sentence's tokens (the caller segments each sentence itself, as the definition does)."""
        if self.backend == "jieba":
            return None
        if _TIE_PRONE.search(normalized):
            if _HAN_TO_RJIEBA_ONLY.search(normalized):
                return None  # jieba's code would end a block where rjieba does not: let each piece segment alone
            return [word for word, _, _ in self._tie_segments(normalized)]
        return self._fast_words(normalized)

    def covering_batch(self, texts: Sequence[str]) -> CoveredBatch:
        """The covering words of a batch in one list, from one cut (see :mod:`complaintmine.text.batch_words`)."""
        from .batch_words import covering_batch

        return covering_batch(self, texts)

    def kept_words(self, words: list[str]) -> list[str]:
        """The words that stay tokens: without whitespace and, with ``drop_punctuation``, without punctuation-only
        words (the filter of :meth:`_kept_segments`, inlined: a function call per token costs as much as the
        test)."""
        if self.config.drop_punctuation:
            wordlike = _WORDLIKE.search
            return [w for w in words if w.isalnum() or (w == "%" if len(w) == 1 else wordlike(w) is not None)]
        return [w for w in words if w.strip()]

    def _fast_words(self, text: str) -> list[str]:
        """rjieba's words, with ASCII runs re-split as jieba splits them (see the module docstring)."""
        words: list[str] = self._fast_segmenter().cut(text, self.config.hmm)
        return self._resplit(words) if _ASCII_SEAM.search(text) else words

    @staticmethod
    def _resplit(words: list[str]) -> list[str]:
        """:func:`_split_word_like_jieba` over the words (called only for ASCII words, the ones it can split)."""
        return [piece for word in words for piece in (_split_word_like_jieba(word) if word.isascii() else (word,))]

    def _kept_segments(self, normalized: str) -> list[tuple[str, int, int]]:
        """Segments minus whitespace and, with ``drop_punctuation``, punctuation-only tokens: the one filter."""
        if self.config.drop_punctuation:  # a word-like character implies a non-blank token
            return [s for s in self._segments(normalized) if _is_word_like(s[0])]
        return [s for s in self._segments(normalized) if s[0].strip()]

    def __getstate__(self) -> dict[str, Any]:
        # The jieba instance is rebuilt on demand in another process; never ship it around.
        state = self.__dict__.copy()
        state["_jieba"] = None
        state["_rjieba"] = None
        state["_fallback"] = None
        return state


def _cannot_tell(start: int, end: int) -> None:
    """The ``between`` of a text segmented by jieba's own code: the caller segments the span itself."""
    return None
