"""The mining commands: extract, mask, report, tokenize (train, evaluate and corpus: commands.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import (
    Bom,
    InputEncoding,
    InputFormat,
    Quiet,
    RawFormulas,
    RowId,
    TableInput,
    TableOutput,
    TextColumns,
    app,
    handle_errors,
    say_failures,
    say_notes,
)


@app.command("extract")
@handle_errors
def extract_cli(
    input: TableInput,
    output: TableOutput = "-",
    text_column: TextColumns = None,
    id_column: RowId = None,
    input_format: InputFormat = None,
    encoding: InputEncoding = None,
    raw_formulas: RawFormulas = False,
    bom: Bom = False,
    quiet: Quiet = False,
) -> None:
    """Extract evidence fields from every complaint: amounts and their roles, the disputed difference, promised
    and waited times in days, promised gifts, platforms and channels.

    Flat columns for spreadsheets (difference, money, promised_days, waited_days, gifts, platforms, channels;
    several values joined by '|', a list in JSONL) and 'fields', a JSON object with every value and its
    [start, end) span. Precision first: a field that is not clearly in the text stays empty.

    \b
    Example: complaintmine extract examples/complaints.csv --id-column id -o fields.jsonl
    """
    from ..mining.jobs import run_extract_job

    summary = run_extract_job(
        input, output, tuple(text_column or ["text"]), id_column, input_format, None, encoding, raw_formulas, bom
    )
    if not quiet:
        typer.echo(
            f"extracted fields from {summary.rows - summary.failed:,} of {summary.rows:,} rows"
            + (f" (read as {summary.encoding})" if summary.encoding else "")
            + ("" if summary.output == "-" else f" to {output}"),
            err=True,
        )
        say_failures(summary.errors)


@app.command("mask")
@handle_errors
def mask_cli(
    input: TableInput,
    output: TableOutput = "-",
    column: Annotated[
        list[str] | None, typer.Option("--column", metavar="COLUMN", help="Column to mask; repeatable. Default: text.")
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            # Written out, not built from privacy.KINDS: importing privacy compiles its patterns (~20 ms) on every
            # command's start. tests/cli/test_cli.py checks this list against KINDS and KIND_ALIASES.
            help="Only these kinds: PHONE, ID, ORDER, EMAIL, ACCOUNT, BANKCARD (or CARD), ADDRESS, NAME; repeatable. "
            "Default: all.",
        ),
    ] = None,
    input_format: InputFormat = None,
    encoding: InputEncoding = None,
    raw_formulas: RawFormulas = False,
    bom: Bom = False,
    quiet: Quiet = False,
) -> None:
    """Copy a table with private data in its text columns replaced by typed placeholders ([PHONE], [ID], ...).

    Masks mainland mobile and landline numbers (in any grouping after a phone word, also spelled in Chinese
    numerals: 幺三九 零零零零 一一一一), 18-digit IDs with a valid check digit, order and tracking numbers, bank
    cards, e-mail addresses, QQ numbers and WeChat ids after QQ/微信 ([ACCOUNT]), street addresses and names in
    context; prices, dates and model numbers stay. Every row is kept, in order.

    \b
    Example: complaintmine mask examples/complaints.csv --column text -o masked.csv
    """
    from ..mining.jobs import run_mask_job

    summary = run_mask_job(
        input, output, tuple(column or ["text"]), kinds, input_format, None, encoding, raw_formulas, bom
    )
    if not quiet:
        read_as = f" (read as {summary.encoding})" if summary.encoding else ""
        failed = f"; {summary.failed:,} row(s) could not be read: kept as decoded (masked too), reason in 'error'"
        what = ", ".join(f"{n:,} {kind}" for kind, n in summary.found.most_common())
        masked = f"masked {what} in {summary.changed_rows:,} of them" if what else "nothing to mask found"
        typer.echo(
            f"copied {summary.rows:,} row(s){read_as}"
            + ("" if summary.output == "-" else f" to {output}")
            + f"; {masked}"
            + (failed if summary.failed else ""),
            err=True,
        )
        say_failures(summary.errors)


@app.command("report")
@handle_errors
def report_cli(
    scored: Annotated[
        str,
        typer.Argument(
            metavar="SCORED",
            help="A file written by 'complaintmine classify' (CSV, TSV, JSONL, Parquet or Excel), the folder of part "
            "files of --engine dask, or - for standard input.",
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="HTML file to write, or - for standard output.")
    ] = Path("report.html"),
    text_column: Annotated[
        str,
        typer.Option(
            "--text-column",
            metavar="COLUMN",
            help="Column holding the complaint text (carry it with classify --keep-columns text).",
        ),
    ] = "text",
    date_column: Annotated[
        str | None,
        typer.Option(
            "--date-column", metavar="COLUMN", help="Column of dates: complaints per week or month, per issue type."
        ),
    ] = None,
    group_column: Annotated[
        str | None,
        typer.Option(
            "--group-column",
            metavar="COLUMN",
            help="Column to break complaints down by (merchant, platform, ...): the top 20.",
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            metavar="DIR",
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
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="Report title.")] = None,
    input_format: InputFormat = None,
    encoding: InputEncoding = None,
) -> None:
    """Write one self-contained HTML report of a scored file (opens offline; charts are inline SVG).

    It shows complaints per issue type and the pre-sale share, trends per week or month (--date-column), the
    top 20 groups (--group-column), distinctive terms per issue type, money and waiting-time distributions,
    representative complaints with their evidence highlighted (masked unless --no-mask), and the model and
    when the file was scored.

    \b
    Example: complaintmine classify examples/complaints.csv --id-column id --keep-columns '*' -o scored.csv
             complaintmine report scored.csv --date-column date --group-column merchant -o report.html
    """
    from ..mining.report import report_file

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
        on_note=lambda note: say_notes([note]),
    )
    if str(path) != "-":  # the page itself went to standard output
        typer.echo(str(path))


@app.command("tokenize")
@handle_errors
def tokenize_cli(
    texts: Annotated[
        list[str],
        typer.Argument(metavar="TEXT...", help="Texts to segment; '-' reads one text per line from standard input."),
    ],
    spans: Annotated[
        bool, typer.Option("--spans", help="Show each token's [start, end) span in the original text.")
    ] = False,
) -> None:
    """Show how complaintmine's tokenizer (jieba + the domain lexicon) segments texts, one line per text.

    \b
    Example: complaintmine tokenize "付了定金，尾款涨了50"
    """
    import sys

    from ..text.tokenizer import Tokenizer

    if texts == ["-"]:  # one text per line, in whatever encoding classify would read it (BOM dropped)
        from ..errors import InputError
        from ..io.encoding import SAMPLE, detect_encoding

        data = sys.stdin.buffer.read()
        try:
            texts = data.decode(detect_encoding(data[:SAMPLE])).splitlines()
        except UnicodeDecodeError as exc:
            raise InputError("<stdin>", f"not valid text at byte {exc.start} ({exc.reason})") from None
    tokenizer = Tokenizer()
    for text in texts:
        tokens = tokenizer.tokens(text)
        typer.echo(" ".join(f"{t.text}[{t.start},{t.end})" if spans else t.text for t in tokens))
