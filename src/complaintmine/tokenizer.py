"""A jieba tokenizer that is ours alone: its own ``jieba.Tokenizer``, the domain lexicon, and normalisation.

jieba's module functions share one global tokenizer; ``add_word`` there would change every other user's
segmentation. This wrapper owns a private instance, adds the lexicon with explicit non-zero frequencies, and
keeps jieba's cache file and log messages out of other people's way.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ComplaintMineError
from .normalize import normalize_with_offsets

LEXICON_RESOURCE = "lexicon.txt"


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


def _is_punctuation(token: str) -> bool:
    return all(not (ch.isalnum() or ch == "%") for ch in token)


@contextmanager
def _quiet_jieba() -> Iterator[None]:
    """jieba logs 'Building prefix dict...' at DEBUG to stderr; hush it for the duration, then restore."""
    logger = logging.getLogger("jieba")
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


class Tokenizer:
    """Segments Chinese complaint text with a private jieba tokenizer and the domain lexicon."""

    def __init__(self, config: TokenizerConfig | None = None, cache_dir: str | Path | None = None):
        self.config = config or TokenizerConfig()
        if self.config.lexicon == "builtin":
            self.lexicon_text = builtin_lexicon_text()
        else:
            try:
                self.lexicon_text = Path(self.config.lexicon).read_text(encoding="utf-8")
            except OSError as exc:
                raise ComplaintMineError(f"{self.config.lexicon}: cannot read lexicon: {exc.strerror}") from exc
        self.lexicon = parse_lexicon(self.lexicon_text, self.config.lexicon)
        self._cache_dir = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir())
        self._jieba: Any = None

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

    def tokens(self, text: str) -> list[Token]:
        """Tokens of the normalised text, each with its span in the original text."""
        normalized = normalize_with_offsets(text)
        result = []
        for word, start, end in self._segmenter().tokenize(normalized.text, HMM=self.config.hmm):
            if not word.strip() or (self.config.drop_punctuation and _is_punctuation(word)):
                continue
            source_start, source_end = normalized.source_span(start, end)
            result.append(Token(word, source_start, source_end))
        return result

    def tokenize(self, text: str) -> list[str]:
        """The token strings of :meth:`tokens`."""
        return [token.text for token in self.tokens(text)]

    def __getstate__(self) -> dict[str, Any]:
        # The jieba instance is rebuilt on demand in another process; never ship it around.
        state = self.__dict__.copy()
        state["_jieba"] = None
        return state
