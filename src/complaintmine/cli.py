"""The ``complaintmine`` command: a thin layer over the library.

Each command parses options, calls one library function, and formats its result. Library errors
(``ComplaintMineError``) become one line on standard error and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__
from .errors import ComplaintMineError, InputError

app = typer.Typer(
    name="complaintmine",
    help="Sort Chinese e-commerce complaints by issue: price_hike, no_price_protection, gift_not_honored, "
    "late_shipping, false_lowest_price (or other), with a pre-sale flag.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
F = TypeVar("F", bound=Callable[..., Any])


# Options several commands share, declared once (as spaCy's CLI does with its Arg/Opt helpers).
TableInput = Annotated[
    str, typer.Argument(help="CSV, TSV, JSONL, Excel (.xlsx) or Parquet file of complaints, or - for standard input.")
]
TableOutput = Annotated[
    str,
    typer.Option(
        "--output", "-o", help="Output file; .csv, .tsv, .jsonl or .parquet by suffix. Default: CSV on standard output."
    ),
]
InputFormat = Annotated[
    str | None,
    typer.Option("--format", help="Input format (csv, tsv, jsonl, xlsx, parquet) when the suffix does not say."),
]
InputEncoding = Annotated[
    str | None,
    typer.Option(
        "--encoding", help="Input encoding, e.g. gb18030. Default: detected (BOM, UTF-8, else charset-normalizer)."
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on standard error.")]


class Engine(StrEnum):
    """Where `classify` runs: on this machine, or on a Dask cluster (complaintmine.distributed)."""

    local = "local"
    dask = "dask"


def _fail(message: str, code: int) -> None:
    typer.echo(f"complaintmine: error: {message}", err=True)
    raise typer.Exit(code)


def handle_errors(func: F) -> F:
    """Map library errors to one stderr line and an exit code, in one place."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ComplaintMineError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except BrokenPipeError:  # e.g. `complaintmine classify x.csv | head`
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


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
        typer.echo(f"complaintmine {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Sort Chinese e-commerce complaints by issue."""


@app.command("classify")
@handle_errors
def classify_cli(
    input: TableInput,
    output: TableOutput = "-",
    text_column: Annotated[
        list[str] | None,
        typer.Option(
            "--text-column", help="Column holding the complaint text; repeat it to join several (title and body)."
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column", help="Column to copy to the output as the row id. Default: 'row', the 0-based row number."
        ),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="Model directory. Default: the shipped default model.")
    ] = None,
    input_format: InputFormat = None,
    output_format: Annotated[
        str | None,
        typer.Option("--output-format", help="Output format (csv, tsv, jsonl, parquet) when the suffix does not say."),
    ] = None,
    encoding: InputEncoding = None,
    keep_columns: Annotated[
        list[str] | None,
        typer.Option("--keep-columns", help="Input columns to carry into the output; '*' for all. Repeatable."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-j",
            min=1,
            help="Processes scoring chunks in parallel. Default: all cores. Output is identical for any number.",
        ),
    ] = None,
    chunk_rows: Annotated[
        int, typer.Option("--chunk-rows", min=1, help="Rows per chunk (memory use grows with it).")
    ] = 2000,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume", help="Continue an interrupted job (CSV/TSV/JSONL output) from its last completed chunk."
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Add an 'evidence' column: per predicted label, the top contributing terms with weights and [start, end) spans in the text.",
        ),
    ] = False,
    explain_top: Annotated[int, typer.Option("--explain-top", min=1, help="Terms per label with --explain.")] = 5,
    mask: Annotated[
        bool,
        typer.Option(
            "--mask",
            help="Replace phone numbers, IDs, order numbers, addresses and names in kept columns with [PHONE], [ID], ...",
        ),
    ] = False,
    extract: Annotated[
        bool,
        typer.Option(
            "--extract",
            help="Add evidence fields: difference, money, promised_days, waited_days, gifts, platforms, channels, fields (JSON with spans).",
        ),
    ] = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="local: this machine. dask: a Dask cluster (pip install 'complaintmine[dask]'); INPUT may be a quoted glob of CSV/TSV/Parquet files, -o names a directory of part files, --output-format is parquet (default) or csv.",
        ),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="With --engine dask: address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786. Default: start a local cluster of --workers processes and print its dashboard address.",
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Classify every row of a file of complaints; one output row per input row, in input order.

    Output columns: the id column (or 'row'), any --keep-columns, labels (issue labels joined by '|', or
    'other'), presale (1/0), p_<label> for each issue label, evidence (with --explain), and error (why a row
    could not be scored: empty text, invalid JSON line, wrong number of CSV fields, undecodable bytes).
    A row with an error keeps its id and the job goes on; the summary on standard error counts them.

    Example: complaintmine classify examples/complaints.csv --id-column id -o scored.csv

    On a Dask cluster: complaintmine classify 'exports/*.csv' --engine dask -o scored/
    """
    if engine is Engine.dask:
        _classify_on_dask(
            input,
            output,
            model,
            scheduler,
            text_column,
            id_column,
            output_format,
            workers,
            encoding,
            quiet,
            {
                "--format": input_format,
                "--keep-columns": keep_columns,
                "--resume": resume,
                "--explain": explain,
                "--mask": mask,
                "--extract": extract,
            },
        )
        return
    from .model.defaults import model_directory
    from .scoring.batch import JobOptions, default_workers, run_job

    options = JobOptions(
        input=input,
        output=output,
        model_dir=model_directory(model),
        text_columns=tuple(text_column or ["text"]),
        id_column=id_column,
        input_format=input_format,
        output_format=output_format,
        encoding=encoding,
        keep_columns=tuple(keep_columns or ()),
        explain=explain,
        explain_top=explain_top,
        mask=mask,
        extract=extract,
        workers=workers or default_workers(),
        chunk_rows=chunk_rows,
        resume=resume,
    )
    progress = _Progress(not quiet)
    summary = run_job(options, progress=progress)
    progress.done()
    if not quiet:
        where = "" if output == "-" else f" to {output}"
        resumed = f" (resumed after {summary.resumed_chunks} chunk(s))" if summary.resumed_chunks else ""
        typer.echo(
            f"classified {summary.rows - summary.failed:,} of {summary.rows:,} rows{where} with {summary.model}"
            f"{resumed}; {summary.failed:,} row(s) could not be scored",
            err=True,
        )
        for reason, count in summary.errors.most_common():
            typer.echo(f"  {count:,} {reason}", err=True)


def _classify_on_dask(
    input: str,
    output: str,
    model: Path | None,
    scheduler: str | None,
    text_column: list[str] | None,
    id_column: str | None,
    output_format: str | None,
    workers: int | None,
    encoding: str | None,
    quiet: bool,
    local_only: dict[str, Any],
) -> None:
    from .scoring.dask import run as run_on_dask

    if any(local_only.values()):
        used = ", ".join(flag for flag, value in local_only.items() if value)
        raise InputError(input, f"{used} cannot be used with --engine dask")
    done = run_on_dask(
        input,
        output,
        model,
        scheduler,
        tuple(text_column or ["text"]),
        id_column,
        output_format or "parquet",
        workers,
        encoding=encoding,
        on_dashboard=None if quiet else lambda link: typer.echo(f"dask dashboard: {link}", err=True),
    )
    if not quiet:
        typer.echo(
            f"classified {done.rows - done.failed:,} of {done.rows:,} rows to {done.output_dir} "
            f"({done.partitions:,} part files); {done.failed:,} row(s) could not be scored",
            err=True,
        )


def _say(message: str) -> None:
    """A progress or note line on standard error."""
    typer.echo(message, err=True)


@app.command("train")
@handle_errors
def train_cli(
    corpus: Annotated[
        Path,
        typer.Argument(
            help="Corpus directory (like corpora/) or a labelled CSV/TSV/JSONL file with text, labels, presale[, split]."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write (created).")],
    config: Annotated[
        Path | None, typer.Option("--config", help="JSON file of TrainConfig fields (model, C, features, seed...).")
    ] = None,
    shared: Annotated[
        Path | None,
        typer.Option(
            "--shared",
            help="The shared data folder holding corpora/real_reviews.csv. Default: ../shared beside the repository, or $COMPLAINTMINE_SHARED.",
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Override the config's seed.")] = None,
    comparison: Annotated[
        Path | None,
        typer.Option(
            "--comparison", help="Results of models/compare.py (comparison.json) to include in the model card."
        ),
    ] = None,
) -> None:
    """Train a model on the corpus's train split and write a model directory with manifest and model card.

    Test splits in the corpus are scored after training and reported; they are never trained or tuned on.

    Example: complaintmine train corpora -o models/my-model
    """
    from .model.training import read_train_config, train_to_directory

    settings = read_train_config(config, seed)
    trained = train_to_directory(corpus, output, settings, shared, comparison, progress=_say)
    typer.echo(
        f"wrote {output} ({trained.manifest['corpus']['n_texts']:,} training texts, "
        f"{trained.manifest['training_seconds']}s)",
        err=True,
    )
    for name, metrics in trained.manifest["metrics"].items():
        if name != "train":
            typer.echo(
                f"{name}: micro-F1 {metrics['micro_f1']:.3f}, macro-F1 {metrics['macro_f1']:.3f}, "
                f"presale accuracy {metrics['presale_accuracy']:.3f} on {metrics['n_texts']:,} texts",
                err=True,
            )


@app.command("evaluate")
@handle_errors
def evaluate_cli(
    model_dir: Annotated[Path, typer.Argument(help="Model directory.")],
    data: Annotated[
        Path, typer.Argument(help="Labelled CSV/TSV/JSONL file (text, labels, presale) or a corpus directory.")
    ],
    split: Annotated[
        str | None, typer.Option("--split", help="Only rows whose split column equals this (e.g. test).")
    ] = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Corpus directories only: 'real' or 'team' rows.")
    ] = None,
    json_out: Annotated[Path, typer.Option("--json", help="Where to write the metrics as JSON.")] = Path(
        "evaluation.json"
    ),
    shared: Annotated[Path | None, typer.Option("--shared", help="The shared data folder (see train).")] = None,
) -> None:
    """Print per-label precision, recall and F1, micro- and macro-F1 and presale accuracy; write them as JSON.

    Example: complaintmine evaluate models/complaintmine-zh-0.1.0 corpora --split test --origin real
    """
    from .corpus.load import load_corpus
    from .model.artifact import load_model
    from .model.evaluation import format_metrics
    from .model.training import evaluate

    loaded = load_model(model_dir)
    corpus = load_corpus(data, shared).select(split=split, origin=origin)
    metrics = evaluate(loaded, corpus)
    typer.echo(format_metrics(metrics))
    json_out.write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"metrics written to {json_out}", err=True)


@app.command("corpus")
@handle_errors
def corpus_cli(
    directory: Annotated[
        Path, typer.Argument(help="Corpus directory holding team_written.csv and real_labels.csv.")
    ] = Path("corpora"),
    shared: Annotated[Path | None, typer.Option("--shared", help="The shared data folder (see train).")] = None,
) -> None:
    """Validate a corpus directory and print per-label counts by origin and split.

    Checks labels, presale and split values, duplicate and near-duplicate texts, 10-character phrases shared by
    team-written texts, text hashes against the shared pool, and near-duplicates that straddle the split.

    Example: complaintmine corpus corpora
    """
    from .corpus.check import check_corpus
    from .errors import CorpusError

    report = check_corpus(directory, shared, progress=lambda message: typer.echo(message + " ...", err=True))
    typer.echo(report.counts.to_string(index=False))
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    for problem in report.problems:
        typer.echo(f"problem: {problem}", err=True)
    if not report.ok:
        raise CorpusError(f"{len(report.problems)} problem(s) in {directory}")
    typer.echo(f"{directory}: no problems found", err=True)


@app.command("extract")
@handle_errors
def extract_cli(
    input: TableInput,
    output: TableOutput = "-",
    text_column: Annotated[
        list[str] | None, typer.Option("--text-column", help="Text column; repeat to join several. Default: text.")
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option("--id-column", help="Column to copy as the row id. Default: 'row', the 0-based row number."),
    ] = None,
    input_format: InputFormat = None,
    encoding: InputEncoding = None,
    quiet: Quiet = False,
) -> None:
    """Extract evidence fields from every complaint: amounts and their roles, the disputed difference, promised
    and waited times in days, promised gifts, platforms and channels.

    Flat columns for spreadsheets (difference, money, promised_days, waited_days, gifts, platforms, channels)
    and 'fields', a JSON object with every value and its [start, end) span. Precision first: a field that is not
    clearly in the text stays empty.

    Example: complaintmine extract complaints.csv --id-column id -o fields.jsonl
    """
    from .mining.jobs import run_extract_job

    summary = run_extract_job(input, output, tuple(text_column or ["text"]), id_column, input_format, None, encoding)
    if not quiet:
        typer.echo(
            f"extracted fields from {summary.rows - summary.failed:,} of {summary.rows:,} rows"
            + ("" if output == "-" else f" to {output}"),
            err=True,
        )


@app.command("mask")
@handle_errors
def mask_cli(
    input: TableInput,
    output: TableOutput = "-",
    column: Annotated[
        list[str] | None, typer.Option("--column", help="Column to mask; repeatable. Default: text.")
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", help="Only these kinds: PHONE, ID, ORDER, CARD, EMAIL, ADDRESS, NAME; repeatable. Default: all."
        ),
    ] = None,
    input_format: InputFormat = None,
    encoding: InputEncoding = None,
    quiet: Quiet = False,
) -> None:
    """Copy a table with private data in its text columns replaced by typed placeholders ([PHONE], [ID], ...).

    Masks mainland mobile and landline numbers, 18-digit IDs with a valid check digit, order and tracking
    numbers, bank cards, e-mail addresses, street addresses and names in context; prices, dates and model
    numbers stay. Every row is kept, in order.

    Example: complaintmine mask complaints.csv --column text -o masked.csv
    """
    from .mining.jobs import run_mask_job

    summary = run_mask_job(input, output, tuple(column or ["text"]), kinds, input_format, None, encoding)
    if not quiet:
        typer.echo(f"masked {summary.rows:,} rows" + ("" if output == "-" else f" to {output}"), err=True)


@app.command("report")
@handle_errors
def report_cli(
    scored: Annotated[
        str, typer.Argument(help="A file written by 'complaintmine classify' (CSV, TSV, JSONL or Parquet).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path("report.html"),
    text_column: Annotated[
        str,
        typer.Option(
            "--text-column", help="Column holding the complaint text (carry it with classify --keep-columns text)."
        ),
    ] = "text",
    date_column: Annotated[
        str | None, typer.Option("--date-column", help="Column of dates: complaints per week or month, per issue type.")
    ] = None,
    group_column: Annotated[
        str | None,
        typer.Option(
            "--group-column", help="Column to break complaints down by (merchant, platform, ...): the top 20."
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            help="Model directory the file was scored with, for its name and version. Default: the model a Parquet file from 'classify' records, else the shipped default model.",
        ),
    ] = None,
    mask: Annotated[
        bool,
        typer.Option(
            "--mask/--no-mask",
            help="Replace phone numbers, IDs, addresses and names in the shown texts, ids and groups (default: on).",
        ),
    ] = True,
    title: Annotated[str | None, typer.Option("--title", help="Report title.")] = None,
    input_format: InputFormat = None,
    encoding: InputEncoding = None,
) -> None:
    """Write one self-contained HTML report of a scored file (opens offline; charts are inline SVG).

    It shows complaints per issue type and the pre-sale share, trends per week or month (--date-column), the
    top 20 groups (--group-column), distinctive terms per issue type, money and waiting-time distributions,
    representative complaints with their evidence highlighted (masked unless --no-mask), and the model and
    when the file was scored.

    Example: complaintmine report scored.csv --date-column date --group-column merchant -o report.html
    """
    from .mining.report import report_file

    path = report_file(
        scored,
        output,
        model=model,
        input_format=input_format,
        encoding=encoding,
        title=title,
        text_column=text_column,
        date_column=date_column,
        group_column=group_column,
        mask=mask,
    )
    typer.echo(str(path))


@app.command("tokenize")
@handle_errors
def tokenize_cli(
    texts: Annotated[list[str], typer.Argument(help="Texts to segment.")],
    spans: Annotated[
        bool, typer.Option("--spans", help="Show each token's [start, end) span in the original text.")
    ] = False,
) -> None:
    """Show how complaintmine's tokenizer (jieba + the domain lexicon) segments texts, one line per text.

    Example: complaintmine tokenize "付了定金，尾款涨了50"
    """
    from .text.tokenizer import Tokenizer

    tokenizer = Tokenizer()
    for text in texts:
        tokens = tokenizer.tokens(text)
        typer.echo(" ".join(f"{t.text}[{t.start},{t.end})" if spans else t.text for t in tokens))


def main() -> None:
    app(prog_name="complaintmine")
