"""Exception types. Library code raises these; only the CLI turns them into a message and an exit code."""

from __future__ import annotations

from collections.abc import Sequence
from difflib import get_close_matches
from pathlib import Path


def _rebuilt(cls: type[ComplaintMineError], args: tuple[object, ...], state: dict[str, object]) -> ComplaintMineError:
    """An error as pickled: its class, message and attributes, without calling its constructor again."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ComplaintMineError(Exception):
    """Base class of every error complaintmine raises on purpose."""

    exit_code = 1

    def __reduce__(self) -> tuple[object, ...]:
        # Exception's own pickling calls cls(*args): args holds the formatted message only, which InputError,
        # MissingColumnError and OutputError cannot be built from, so a worker's error would reach the parent
        # as a TypeError. Rebuild from the message and the attributes instead.
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))


class InputError(ComplaintMineError):
    """An input file cannot be read as asked. Names the file and, where known, the line and column.

    ``encoding_hint`` is for bytes that are not text in the encoding they were read with: the encodings to try
    (``"for example gb18030"``). The message then ends in advice to name the file's encoding; the CLI, whose
    commands name it with ``--encoding``, says that instead (:meth:`advised`). ``reason`` is the problem alone."""

    exit_code = 2
    encoding_hint: str | None = None  # also what an InputError pickled by an older version reads as

    def __init__(
        self,
        path: str | Path,
        message: str,
        line: int | None = None,
        column: int | None = None,
        *,
        encoding_hint: str | None = None,
    ):
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        self.encoding_hint = encoding_hint
        super().__init__(self.advised(f"name the file's encoding ({encoding_hint})" if encoding_hint else ""))

    def advised(self, advice: str) -> str:
        """The message with ``advice`` (what to do about it) in place of the library's own."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.reason}" + (f"; {advice}" if advice else "")


class MissingColumnError(InputError):
    """A requested column is not in the input; the message lists what is there and suggests a near match."""

    def __init__(
        self,
        path: str | Path,
        column: str,
        available: Sequence[str],
        format_hint: bool = False,
        advice: str = "",
        advice_first: bool = False,
    ):
        """``advice``: what to do, given where no near name is; with ``advice_first``, in place of the near name
        (the header was found on a later line: the name near the one asked for may be the title above it)."""
        self.column_name = column = str(column)
        self.available = [str(name) for name in available]  # a frame read with header=None has integer names
        # Case first: --id-column ID against a column "id" is the commonest slip, and too short for difflib.
        hint = [name for name in self.available if name.casefold() == column.casefold()]
        hint = hint or get_close_matches(column, self.available, n=1)
        message = f"no column {column!r}; available columns: {', '.join(map(repr, self.available)) or 'none'}"
        # A text file read in another format than its own shows up as odd column names: JSON Lines split at commas
        # or tabs starts with '{', a TSV header read as CSV keeps its tabs, and a CSV header read as TSV is one
        # name holding commas. Only where --format can be given (``format_hint``).
        header = ",".join(self.available)
        one = self.available[0] if len(self.available) == 1 else ""
        guess = "jsonl" if header.lstrip().startswith("{") else "tsv" if "\t" in header else None
        guess = guess or ("csv" if "," in one else None)
        # A file of bare texts (one review per line) has its first review read as the one column name.
        # (a name has no sentence punctuation and is short: 用户投诉内容 is a name, 赠品没给，客服也不回 a review)
        sentence = format_hint and not guess and not hint and any("\u4e00" <= c <= "\u9fff" for c in one)
        sentence = sentence and (any(c in "，。！？!?、~…" for c in one) or len(one) > 12)
        # A CSV saved with semicolons (Excel in many European locales) reads as one column named 'id;text'; no
        # --format reads it, so say how to save it (only when splitting at ';' gives the column asked for, in any
        # letter case and spacing: 'ID; Text' for text).
        semicolons = format_hint and not guess and column.casefold() in [p.strip().casefold() for p in one.split(";")]
        if format_hint and guess:
            message += f". The header looks like {guess}: use --format {guess}"
        elif semicolons:
            message += ". The file is separated by semicolons: save it as CSV with commas (or as .xlsx)"
        elif hint and not (advice and advice_first):
            message += f". Did you mean {hint[0]!r}?"
        elif advice:
            message += f". {advice}"
        elif sentence:
            message += f". The first line is read as the header: add a first line naming the column (e.g. {column})"
        self.hinted = bool(format_hint and guess) or semicolons or bool(hint) or sentence or bool(advice)  # what to do
        super().__init__(path, message, line=1)


class ModelError(ComplaintMineError):
    """A model directory is missing, damaged, from a newer format, or contains untrusted types."""

    exit_code = 3


class CorpusError(ComplaintMineError):
    """A labelled corpus is malformed (unknown labels, `other` mixed with issues, hash mismatches, ...).

    ``path`` and ``line`` name the file and line of the first bad row where they are known (a labelled file, a
    file of a corpus directory), else None; the message names them too, and may list more bad rows."""

    exit_code = 4

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        super().__init__(message)


class TrainingError(ComplaintMineError):
    """Training cannot proceed (for example, a label has no positive example), nor an evaluation or comparison
    (no rows to score)."""

    exit_code = 5


class PromotionRefused(TrainingError):
    """``promote`` will not judge a candidate on the texts it would be judged on: it was trained on some of them.
    Nothing failed, and nothing was compared; the remedy is other held-out data. A TrainingError, as promote_model
    raised before it had a class of its own, so code catching that still catches it; the CLI's exit code is its own.
    """

    exit_code = 7


STANDARD_OUTPUT = "standard output"


def output_shown(path: str) -> str:
    """How a message names an output: ``-`` is standard output (as an input, ``-`` is standard input)."""
    return STANDARD_OUTPUT if path == "-" else path


class OutputError(ComplaintMineError):
    """An output cannot be written: its folder is missing or read-only, it is a directory or the input file,
    the disk is full. Names the output path."""

    exit_code = 6

    def __init__(self, path: str | Path, message: str):
        self.path = str(path)
        self.reason = message
        super().__init__(f"{output_shown(self.path)}: {message}")


class JobStopped(ComplaintMineError):
    """A batch job was stopped by SIGTERM; what it wrote is kept for ``--resume``."""

    exit_code = 143  # 128 + SIGTERM, what a shell reports for a process that SIGTERM ended
