"""The ``complaintmine`` command: a thin layer over the library.

Each command parses options, calls one library function, and formats its result. Library errors
(``ComplaintMineError``) become one line on standard error and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.core
import typer.main

from .. import __version__
from ..errors import ComplaintMineError
from ..io.readers import suffixes  # loaded with the package already
from ..io.writers import OUTPUT_FORMATS

app = typer.Typer(
    name="complaintmine",
    help="Sort Chinese e-commerce complaints by issue: price_hike, no_price_protection, gift_not_honored, "
    "late_shipping, false_lowest_price (or other), with a pre-sale flag. What each label means: complaintmine labels."
    "\n\n\b\nExample: complaintmine classify examples/complaints.csv --id-column id -o scored.csv"
    "\nEach command's own example: complaintmine classify --help",
    epilog="Exit codes: 0 done (rows that could not be scored are counted, not failures); 1 other error; 2 input "
    "or command line; 3 model; 4 corpus; 5 training, evaluation or comparison; 6 output; 7 promotion refused; "
    "130 interrupted; 143 stopped by SIGTERM.",
    no_args_is_help=True,
    # Plain help: rich markup would swallow '[dask]' and keep the docstrings' line breaks as ragged lines.
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
)
F = TypeVar("F", bound=Callable[..., Any])


def suffixes_help(formats: Iterable[str]) -> str:
    """The file suffixes of ``formats`` as an option's help lists them ('.csv or .txt; .tsv or .tab; ...'), from
    the readers' one table of suffixes (io/readers.py), so that help and what is accepted cannot drift apart."""
    groups = []
    for fmt in formats:
        names = suffixes(fmt)
        group = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        groups.append(group + (" (JSON Lines)" if fmt == "jsonl" else ""))
    return "; ".join(groups)


OUTPUT_SUFFIXES = suffixes_help(OUTPUT_FORMATS)  # what -o accepts (io/writers.output_format)
# A labelling sheet (suggest -o, compare --disagreements) is a workbook or any of those (retrain/sheets.sheet_format).
SHEET_SUFFIXES = f".xlsx; {OUTPUT_SUFFIXES}"

# Options several commands share, declared once (as spaCy's CLI does with its Arg/Opt helpers).
TableInput = Annotated[
    str,
    typer.Argument(
        metavar="INPUT", help="CSV, TSV, JSONL, Excel (.xlsx) or Parquet file of complaints, or - for standard input."
    ),
]
TableOutput = Annotated[
    str,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help=f"Output file, its format by suffix: {OUTPUT_SUFFIXES}. Default: CSV on standard output.",
    ),
]
InputFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="Input format (csv, tsv, jsonl, xlsx, parquet) when the suffix does not say. Standard input is read "
        "as JSON Lines when it starts with '{', as TSV when its first line has more tabs than commas, else as CSV.",
    ),
]
InputEncoding = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        metavar="ENCODING",
        help="Input encoding, e.g. gb18030. Default: detected (BOM, UTF-8, else charset-normalizer).",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on standard error.")]
# Where a corpus directory's real texts are (corpus/load.py); train spells out the default in its own help.
SharedFolder = Annotated[
    Path | None, typer.Option("--shared", metavar="DIR", help="The shared data folder (see train).")
]
TextColumns = Annotated[
    list[str] | None,
    typer.Option(
        "--text-column",
        metavar="COLUMN",
        help="Column holding the complaint text; repeat it to join several (title and body). Default: text.",
    ),
]
RowId = Annotated[
    str | None,
    typer.Option(
        "--id-column",
        metavar="COLUMN",
        help="Column to copy to the output as the row id, as written (in CSV/TSV output an id such as =1+1 gets "
        "the formula guard's apostrophe unless --raw-formulas). Default: 'row', the 0-based row number.",
    ),
]
RawFormulas = Annotated[
    bool,
    typer.Option(
        "--raw-formulas",
        help="CSV/TSV output: write cells that begin with =, +, -, @ as they are. Default: such cells get a leading "
        "apostrophe so Excel and WPS show them as text instead of running them as formulas.",
    ),
]

# The reason for --bom, ending each command's own sentence on what gets the mark.
BOM_WHY = "so Excel and WPS on Windows show Chinese text correctly. Off by default: most tools read files without it."
BOM_HELP = "CSV/TSV output: begin the file with a UTF-8 byte-order mark, " + BOM_WHY
Bom = Annotated[
    bool,
    typer.Option(
        "--bom", help=BOM_HELP + " Standard output gets it too (for '> file.csv') when it is written as UTF-8."
    ),
]


class Engine(StrEnum):
    """Where `classify` runs: on this machine, or on a Dask cluster (complaintmine.distributed)."""

    local = "local"
    dask = "dask"


def _fail(message: str, code: int) -> None:
    typer.echo(f"complaintmine: error: {message}", err=True)
    raise typer.Exit(code)


def _say(message: str) -> None:
    """A progress or note line on standard error."""
    typer.echo(message, err=True)


def write_json(path: Path, data: Any, what: str) -> None:
    """``data`` as indented JSON in ``path`` (``--json``; an OutputError naming it when it cannot be written), and
    a line saying so. ``-`` or ``/dev/stdout`` is standard output, written after what the command printed."""
    import json

    from ..io.output_place import output_name, write_failure

    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if output_name(str(path)) == "-":  # -, /dev/stdout ...: the stream, after what the command printed there
        sys.stdout.write(text)  # opened by name, /dev/stdout >> log truncated the log
        sys.stdout.flush()
        _say(f"{what} written to standard output")
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise write_failure(str(path), exc) from None
    _say(f"{what} written to {path}")


def say_notes(notes: Iterable[str]) -> None:
    """What a library result says its figures rest on (rows skipped, presale taken as 0, a pool not found, ...),
    one ``note:`` line each on standard error."""
    for note in notes:
        _say(f"note: {note}")


def say_failures(errors: Counter[str]) -> None:
    """The rows a job could not read or score, counted by reason, most frequent first (after its summary line)."""
    for reason, count in errors.most_common():
        typer.echo(f"  {count:,} {reason}", err=True)


def handle_errors(func: F) -> F:
    """Map library errors to one stderr line and an exit code, in one place."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ComplaintMineError as exc:
            _fail(_in_cli_terms(exc, kwargs), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError as exc:
            if not _stdout_reader_gone():  # another pipe broke: an error, never a quiet success
                _fail(f"a pipe closed unexpectedly ({exc})", 1)
            sys.stderr.close()  # e.g. `complaintmine classify x.csv | head`: done, as head wanted
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def _stdout_reader_gone() -> bool:
    """Whether standard output is a pipe whose reader has gone (poll reports an error on its write end); True
    where that cannot be told, as before this check."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return True


def _in_cli_terms(exc: ComplaintMineError, options: dict[str, Any]) -> str:
    """The library's message as this command says it (``options``: the command's parameters): advice to name the
    input's encoding becomes "pass --encoding" where the command has that option, else to save the file as UTF-8."""
    from ..errors import InputError

    if isinstance(exc, InputError) and exc.encoding_hint:
        if "encoding" in options:
            return exc.advised(f"pass --encoding ({exc.encoding_hint})")
        return exc.advised("save the file as UTF-8 (this command has no --encoding)")
    return str(exc) + _option_hint(exc, options)


def _option_hint(exc: ComplaintMineError, options: dict[str, Any]) -> str:
    """For the default text column missing with no near name to suggest: the option that names another one
    (``options``: the command's parameters; the option's is None when it was not given)."""
    from ..errors import MissingColumnError

    if not isinstance(exc, MissingColumnError) or exc.column_name != "text" or exc.hinted:
        return ""
    for parameter, option in (("text_column", "--text-column"), ("column", "--column")):  # mask's is --column
        if parameter in options and options[parameter] is None:
            return f". Name the column that holds the text with {option}"
    return ""


class _Progress:
    """Rows done, rows/s and ETA on standard error, only when it is a terminal (never in pipes or CI logs)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, fraction: float | None) -> None:
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = done / elapsed
        eta = f"  ETA {elapsed * (1 - fraction) / fraction:,.0f}s" if fraction else ""
        sys.stderr.write(f"\rscored {done:,} rows  {rate:,.0f} rows/s{eta}   ")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _version(value: bool) -> None:
    if value:
        from ..model.defaults import DEFAULT_MODEL_NAME

        # the package and its default model are versioned apart: a model can change without a new package
        typer.echo(f"complaintmine {__version__} (default model: {DEFAULT_MODEL_NAME})")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and the default model."),
    ] = False,
) -> None:
    """Sort Chinese e-commerce complaints by issue."""


from . import classify, commands, labels_command, mining_commands, retrain_commands  # noqa: E402, F401  (register the commands)

retrain_commands.register(app, handle_errors)  # suggest, compare, promote


class _Argument(typer.core.TyperArgument):
    """An argument named in help by its metavar alone, as click names it (INPUT, [MODEL]): typer 0.2x appends
    '<str>' and wraps a required one in braces ({INPUT}), which reads like a choice of values."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_usage_pieces(self, ctx: Any) -> list[str]:
        name = self.metavar or (self.name or "").upper()
        return [name if self.required else f"[{name}]"]


def main() -> None:
    command = typer.main.get_command(app)
    for sub in getattr(command, "commands", {}).values():
        for param in sub.params:
            if type(param) is typer.core.TyperArgument:
                param.__class__ = _Argument
    command(prog_name="complaintmine")
