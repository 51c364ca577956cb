"""``complaintmine classify``: score a file (local process pool or Dask)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import InputError
from . import (
    Bom,
    Engine,
    InputEncoding,
    InputFormat,
    Quiet,
    RawFormulas,
    RowId,
    TableInput,
    TableOutput,
    TextColumns,
    _Progress,
    app,
    handle_errors,
    say_failures,
)


@app.command("classify")
@handle_errors
def classify_cli(
    input: TableInput,
    output: TableOutput = "-",
    text_column: TextColumns = None,
    id_column: RowId = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model", metavar="DIR", help="Model directory, or 'default': the shipped model (also when omitted)."
        ),
    ] = None,
    input_format: InputFormat = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--output-format",
            metavar="FORMAT",
            help="Output format (csv, tsv, jsonl, parquet) when the suffix does not say.",
        ),
    ] = None,
    encoding: InputEncoding = None,
    keep_columns: Annotated[
        list[str] | None,
        typer.Option(
            "--keep-columns",
            metavar="COLUMN",
            help="Input columns to carry into the output; '*' for all (for JSON Lines: the fields of the first "
            "--chunk-rows records). Repeatable.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-j",
            min=1,
            metavar="N",
            help="Processes scoring chunks in parallel. Default: all cores. Output is identical for any number.",
        ),
    ] = None,
    chunk_rows: Annotated[
        int, typer.Option("--chunk-rows", min=1, metavar="N", help="Rows per chunk (memory use grows with it).")
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
            help="Add an 'evidence' column: per predicted label (and presale), the words of the text that pushed it up most, with weights and [start, end) spans.",
        ),
    ] = False,
    explain_top: Annotated[
        int, typer.Option("--explain-top", min=1, metavar="N", help="Words per label with --explain.")
    ] = 5,
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
            metavar="local|dask",
            help="local: this machine. dask: a Dask cluster (pip install 'complaintmine[dask]'); INPUT may be a quoted glob of CSV/TSV/Parquet files, -o names a directory of part files, --output-format is parquet (default) or csv.",
        ),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="With --engine dask: address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786. Default: start a local cluster of --workers processes and print its dashboard address.",
        ),
    ] = None,
    raw_formulas: RawFormulas = False,
    bom: Bom = False,
    quiet: Quiet = False,
) -> None:
    """Classify every row of a file of complaints; one output row per input row, in input order.

    The text is read from the column 'text' unless --text-column names another.

    Output columns: the id column (or 'row'), any --keep-columns, labels (issue labels joined by '|', or
    'other'; a list in JSONL), presale (1/0), p_<label> for each issue label, evidence (with --explain), and
    error (why a row could not be scored: empty text, invalid JSON line, wrong number of CSV fields,
    undecodable bytes). A row with an error keeps its id and the job goes on; the summary on standard error
    counts them. What each label means: complaintmine labels.

    \b
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
            bom,
            raw_formulas,
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
    from ..model.defaults import model_directory
    from ..scoring.batch import JobOptions, default_workers, run_job

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
        raw_formulas=raw_formulas,
        bom=bom,
    )
    progress = _Progress(not quiet)
    summary = run_job(options, progress=progress)
    progress.done()
    if not quiet:
        where = "" if summary.output == "-" else f" to {output}"  # "-" also for /dev/stdout
        resumed = f" (resumed after {summary.resumed_chunks} chunk(s))" if summary.resumed_chunks else ""
        read_as = f" (read as {summary.encoding})" if summary.encoding else ""
        typer.echo(
            f"classified {summary.rows - summary.failed:,} of {summary.rows:,} rows{read_as}{where} with "
            f"{summary.model}{resumed}; {summary.failed:,} row(s) could not be scored",
            err=True,
        )
        say_failures(summary.errors)
    undecodable = summary.errors.get("undecodable bytes", 0)
    if encoding and summary.rows and undecodable * 2 > summary.rows:  # even with --quiet: nothing useful came out
        typer.echo(
            f"note: {undecodable:,} of {summary.rows:,} rows are not valid {encoding}: is --encoding right? "
            "Without --encoding it is detected (UTF-8, UTF-16, GB18030 and others)",
            err=True,
        )
    if summary.left_out:  # even with --quiet: columns the user asked for are missing from the output
        typer.echo(
            f"note: --keep-columns '*' kept the fields of the first {options.chunk_rows:,} records; fields first "
            f"seen later were left out: {', '.join(summary.left_out[:10])}"
            f"{' ...' if len(summary.left_out) > 10 else ''} (raise --chunk-rows past the record where they first "
            "appear to keep them)",
            err=True,
        )


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
    bom: bool,
    raw_formulas: bool,
    local_only: dict[str, Any],
) -> None:
    from ..scoring.dask import run as run_on_dask

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
        bom=bom,
        raw_formulas=raw_formulas,
        on_dashboard=None if quiet else lambda link: typer.echo(f"dask dashboard: {link}", err=True),
    )
    if not quiet:
        typer.echo(
            f"classified {done.rows - done.failed:,} of {done.rows:,} rows to {done.output_dir} "
            f"({done.partitions:,} part files) with {done.model_name} {done.model_version}; "
            f"{done.failed:,} row(s) could not be scored",
            err=True,
        )
