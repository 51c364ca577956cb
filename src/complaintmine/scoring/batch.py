"""Batch scoring of files of any size: stream chunks in, score them (in worker processes), stream rows out.

Guarantees: one output row per input row, in input order, with its id; a row that cannot be scored gets an
``error`` and the job goes on; the output is byte-identical for any number of workers; memory stays flat
because at most ``2 x workers`` chunks are in flight; the output appears under its name only when the job is
complete (see io/writers.py), and ``resume`` continues an interrupted job from its last completed chunk.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from typing import Any

from ..errors import InputError
from ..io.columns import check_columns
from ..io.output_place import check_output_place, output_name
from ..io.readers import ERROR, LINE, Source, chosen_encoding, iter_chunks, open_source
from ..io.row_errors import NOT_TEXT, at, where
from ..io.rows import Rows
from ..io.writers import OutputWriter, check_output_format, output_format, scoring_metadata
from ..model.artifact import load_model
from ..model.runtime import Model
from .frame import output_id_name, score_rows, text_of
from .resume_check import InputTrail
from .stopping import StopOnTerm
from .workers import Workers

ProgressCallback = Callable[[int, float | None], None]  # rows done, fraction of input bytes read (if known)


@dataclass(frozen=True)
class JobOptions:
    """Everything ``complaintmine classify`` can be asked; ``model_dir`` is a path so workers can load it."""

    input: str
    output: str = "-"
    model_dir: str = ""
    text_columns: tuple[str, ...] = ("text",)
    id_column: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    encoding: str | None = None
    keep_columns: tuple[str, ...] = ()  # ("*",) keeps every input column
    explain: bool = False
    explain_top: int = 5
    mask: bool = False  # mask private data in text written back out (kept columns)
    extract: bool = False  # add evidence fields (money, times, gifts, platforms)
    workers: int = 1
    chunk_rows: int = 2000
    resume: bool = False
    raw_formulas: bool = False  # CSV/TSV: write cells beginning with = + - @ as they are (io/formulas.py)
    bom: bool = False  # CSV/TSV: begin the output with a UTF-8 byte-order mark, for Excel and WPS on Windows


@dataclass
class JobSummary:
    """What a finished job did: rows written, rows with an error by reason, chunks, encoding, output path."""

    rows: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    chunks: int = 0
    resumed_chunks: int = 0
    encoding: str | None = None
    output: str = "-"
    model: str = ""  # name and version of the model that scored the rows
    left_out: list[str] = field(default_factory=list)  # --keep-columns '*': JSON Lines fields first seen later
    found: Counter[str] = field(default_factory=Counter)  # mask: the pieces replaced, by kind
    changed_rows: int = 0  # mask: rows with at least one piece replaced

    @property
    def failed(self) -> int:
        return sum(self.errors.values())


_REASONS = [
    (re.compile(r"not valid JSON"), "line is not valid JSON"),
    (re.compile(r"expected a JSON object"), "line is not a JSON object"),
    (re.compile(r"expected \d+ fields"), "wrong number of fields"),
    (re.compile(r"surrogate"), "lone surrogate (broken \\u escape)"),
    (re.compile(r"levels deep"), "JSON value nested too deeply"),
    (re.compile(re.escape(NOT_TEXT)), "undecodable bytes"),
    (re.compile(r"(?:^|: )empty text$"), "empty text"),
    (re.compile(r"(?:^|: )text is not a string"), "text is not a string"),
    (re.compile(r"malformed row"), "malformed row"),
    (re.compile(r"quote opened here is never closed"), "unterminated quote"),
    (re.compile(r"beyond the header"), "cells beyond the header"),
]


def reason_of(message: str) -> str:
    """A short category for an error message, for the summary."""
    for pattern, reason in _REASONS:
        if pattern.search(message):
            return reason
    return message


def _check_columns(options: JobOptions, first: Rows, fmt: str) -> None:
    wanted = list(options.text_columns)
    if options.id_column:
        wanted.append(options.id_column)
    check_columns(options.input, first, wanted + [c for c in options.keep_columns if c != "*"], fmt)


def located(errors: Sequence[Any], lines: Sequence[Any] | None) -> list[Any]:
    """Each row's error with the line it was read from in front (``line 14: empty text``), as the readers write
    theirs; an error that already names its line, a row without an error and a chunk without lines stay as they are."""
    if lines is None:
        return list(errors)
    return [
        at(line, error) if error and line is not None and where(error)[0] is None else error
        for error, line in zip(errors, lines)
    ]


def score_chunk(model: Model, options: JobOptions, chunk: Rows, first_row: int) -> Rows:
    """Score one chunk; ``first_row`` is the 0-based number of its first row in the whole input."""
    n = len(chunk)
    missing = [None] * n
    texts = [text_of(values) for values in zip(*(chunk.get(c, missing) for c in options.text_columns))]
    added: tuple[str, ...] = ()  # the columns this job adds beside the output contract's
    if options.extract:
        from ..mining.jobs import EXTRACTION_FIELDS

        added = EXTRACTION_FIELDS
    scored = score_rows(
        model,
        texts,
        # a missing id stays missing: an empty CSV cell, null in JSONL and Parquet (not "", which is an id)
        chunk.get(options.id_column, missing) if options.id_column else range(first_row, first_row + n),
        output_id_name(options.id_column or "row", added),
        chunk.get(ERROR),
        chunk_size=max(n, 1),
        explain=options.explain,
        explain_top=options.explain_top,
    )
    scored["error"] = located(scored["error"], chunk.get(LINE))
    if options.mask and options.explain:
        from ..mining.privacy import without_private_evidence

        scored["evidence"] = [without_private_evidence(found, text) for found, text in zip(scored["evidence"], texts)]
    if options.extract:
        position = len(scored.columns) - 1  # before "error"
        from ..mining.jobs import extraction_columns

        for field_name, field_values in extraction_columns(texts, scored["error"]).items():
            scored.insert(position, field_name, field_values)
            position += 1
    if options.keep_columns:
        kept = (
            [c for c in chunk.columns if c not in (LINE, ERROR)]
            if "*" in options.keep_columns
            else list(options.keep_columns)
        )
        position = 1  # kept columns go right after the id column, in the order asked for
        for column in kept:
            if column == options.id_column:
                continue  # already the first column
            name = column if column not in scored.columns else f"input_{column}"
            values: Any = chunk.get(column, missing)
            if options.mask:
                from ..mining.privacy import mask_text

                values = [mask_text(v) if isinstance(v, str) else v for v in values]
            scored.insert(position, name, values)
            position += 1
    return scored


# The model each worker process scores with. Forked workers inherit the parent's loaded model (shared
# copy-on-write, so loaded once in all); spawned workers load it once, in their initializer.
_worker_state: dict[str, Any] = {}


def _init_worker(model_dir: str, options: JobOptions) -> None:
    if "model" not in _worker_state:
        _worker_state["model"] = load_model(model_dir)
        if options.explain:
            _worker_state["model"].explainer()  # once per spawned worker, before its first chunk
    _worker_state["options"] = options


def _score_in_worker(chunk: Rows, first_row: int) -> Rows:
    return score_chunk(_worker_state["model"], _worker_state["options"], chunk, first_row)


def _fingerprint(options: JobOptions, source: Source, model: Model) -> str:
    """Identifies a job for --resume: same input file (size, mtime), model and options."""
    stat = os.stat(source.path) if source.path != "-" else None
    parts = {
        # --bom off leaves the fingerprint as it was before the option existed, so an interrupted job resumes
        "options": {
            k: v
            for k, v in asdict(options).items()
            if k not in ("workers", "resume", "output") and not (k == "bom" and not v)
        },
        "input": [stat.st_size, stat.st_mtime_ns] if stat else None,
        "model": model.manifest.get("files", {}),
    }
    if options.extract and output_format(options.output, options.output_format) == "jsonl":
        # Extracted money, gifts, platforms and channels are now lists in JSON Lines, where they were "a|b"
        # strings: a file begun the old way is not resumed into a mix of both.
        parts["extract_fields"] = "lists"
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _chunks_with_offsets(
    source: Source, options: JobOptions, bytes_read: list[int], read_as: list[str] | None = None
) -> Generator[tuple[Rows, int], None, None]:
    offset = 0
    for chunk in iter_chunks(source, options.chunk_rows, bytes_read, read_as, options.text_columns):
        yield chunk, offset
        offset += len(chunk)


def run_job(
    options: JobOptions, model: Model | None = None, progress: ProgressCallback | None = None, stream: Any = None
) -> JobSummary:
    """Run a batch scoring job (see the module docstring). Raises InputError/ModelError before writing anything
    when the job cannot start: missing file, unknown format, missing column, unreadable model."""
    options = replace(options, output=output_name(options.output))  # /dev/stdout is "-": the stream, not a file
    source = open_source(options.input, options.input_format, options.encoding)
    if stream is None:  # before the format: "/dev/null is a device" says more than "no suffix"
        check_output_place(options.output, [options.input])  # before the model loads and any scoring
    out_fmt = output_format(options.output, options.output_format)  # fail on a bad output name before any work
    check_output_format(options.output, out_fmt, options.bom, stream)
    if options.workers < 1:
        raise InputError(options.input, f"--workers must be at least 1, got {options.workers}")
    model = model or load_model(options.model_dir)
    bytes_read = [0]
    read_as: list[str] = []
    chunks = _chunks_with_offsets(source, options, bytes_read, read_as)
    try:
        summary = _run(options, out_fmt, source, model, chunks, bytes_read, progress, stream)
        summary.encoding = summary.encoding or next(iter(read_as), None)  # standard input: known once read
        return summary
    finally:
        chunks.close()  # closes the input file even when the job stops early


def _run(
    options: JobOptions,
    out_fmt: str,
    source: Source,
    model: Model,
    chunks: Iterator[tuple[Rows, int]],
    bytes_read: list[int],
    progress: ProgressCallback | None,
    stream: Any,
) -> JobSummary:
    try:
        first, first_offset = next(chunks)
    except StopIteration:  # readers always yield at least the header chunk; keep mypy and readers honest
        raise InputError(options.input, "no rows and no header") from None
    _check_columns(options, first, source.fmt)
    keep_all = "*" in options.keep_columns
    if keep_all:  # fixed with the output's header: JSON Lines fields first seen later are left out (and listed)
        options = replace(options, keep_columns=tuple(c for c in first.columns if c not in (LINE, ERROR)))
    scored_with = scoring_metadata(model.name, model.version)
    from ..mining.jobs import JOINED_FIELDS

    writer = OutputWriter(
        options.output,
        out_fmt,
        _fingerprint(options, source, model),
        options.resume,
        stream,
        metadata=scored_with,
        raw_formulas=options.raw_formulas,
        bom=options.bom,
        lists=("labels", *(JOINED_FIELDS if options.extract else ())),  # JSON lists in JSON Lines output
    )
    summary = JobSummary(
        output=options.output, resumed_chunks=writer.progress.chunks, model=f"{model.name} {model.version}"
    )
    summary.encoding = chosen_encoding(source)
    size = source.size

    # A job of one chunk is scored here: starting worker processes would cost more than it saves.
    second = next(chunks, None)

    def pending() -> Iterator[tuple[Rows, int]]:
        yield first, first_offset
        if second is not None:
            yield second
            yield from chunks

    def noting_new_fields(items: Iterator[tuple[Rows, int]]) -> Iterator[tuple[Rows, int]]:
        fixed = set(first.columns)
        for chunk, offset in items:
            if keep_all and len(chunk.columns) > len(fixed):
                summary.left_out += [c for c in chunk.columns if c not in fixed and c not in summary.left_out]
            yield chunk, offset

    trail = InputTrail(options.input, summary.resumed_chunks, writer.progress.input_digest)

    def record(scored: Rows) -> None:
        with stop.writing():  # SIGTERM waits until the chunk is written whole
            writer.write(scored, trail.digest_after(writer.progress.chunks))
        summary.rows = writer.progress.rows
        summary.chunks = writer.progress.chunks
        summary.errors.update(reason_of(e) for e in scored["error"] if e)
        if progress:
            # Bytes read run ahead of rows written by the chunks in flight; good enough for an ETA.
            progress(summary.rows, min(1.0, bytes_read[0] / size) if size and bytes_read[0] else None)

    stop = StopOnTerm(options.output)
    with stop:
        try:
            work = trail.follow(noting_new_fields(pending()))
            if options.workers == 1 or second is None:
                for chunk, offset in work:
                    record(score_chunk(model, options, chunk, offset))
            else:
                _run_parallel(options, model, work, record)
            with stop.writing():
                writer.finish()
        except BaseException:
            writer.abandon()
            raise
    return summary


def _run_parallel(
    options: JobOptions,
    model: Model,
    work: Iterator[tuple[Rows, int]],
    record: Callable[[Rows], None],
) -> None:
    """Score chunks in worker processes, at most 2 x workers in flight, writing results in input order."""
    method = "fork" if "fork" in _start_methods() else "spawn"
    if method == "fork":
        model.tokenizer.warm_up()  # segmenters built once, before the fork shares them
        if model.scorer is not None and not options.explain:
            model.scorer.warm_up()  # and the word fast path's tables (explanations read the joined tokens instead)
        if options.explain:
            model.explainer()  # built once per job, its tables shared by every worker
        _worker_state["model"] = model
        # Move every object alive now out of the collector's sight: otherwise each worker's garbage collection
        # writes to the header of every inherited object and so copies the parent's whole heap, page by page.
        gc.collect()
        gc.freeze()
    try:
        with Workers(
            get_context(method), options.workers, _init_worker, (options.model_dir, options), _score_in_worker
        ) as pool:
            gc.unfreeze()  # the workers exist; the parent may collect its own garbage again
            for scored in pool.results(work):
                record(scored)
    finally:
        _worker_state.clear()  # also when the workers could not start


def _start_methods() -> list[str]:
    from multiprocessing import get_all_start_methods

    return get_all_start_methods()


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_table_job(
    input: str,
    output: str,
    required: Sequence[str],
    transform: Callable[[Rows, int], Rows],
    input_format: str | None = None,
    output_format_name: str | None = None,
    encoding: str | None = None,
    chunk_rows: int = 5000,
    raw_formulas: bool = False,
    bom: bool = False,
    lists: Sequence[str] = (),
    text_columns: Sequence[str] = (),
) -> JobSummary:
    """Stream a table through ``transform(chunk, first_row)`` chunk by chunk: every row kept, in order.

    ``required`` columns are checked on the first chunk (with a "did you mean" hint); a number in one of
    ``text_columns`` is read as text, as ``classify`` reads its text columns (io/number_text.py). The chunk passed to
    ``transform`` still has the readers' ``__error__`` column; the result must have an ``error`` column.
    ``raw_formulas`` and ``bom`` are :class:`JobOptions`' (CSV/TSV output); ``lists``, the columns of ``|``-joined
    cells that JSON Lines output writes as lists (io/writers.format_jsonl).
    """
    output = output_name(output)  # /dev/stdout is "-", as in run_job
    source = open_source(input, input_format, encoding)
    check_output_place(output, [input])
    fmt = output_format(output, output_format_name)
    check_output_format(output, fmt, bom)
    chunks = iter_chunks(source, chunk_rows, text_columns=text_columns)
    writer: OutputWriter | None = None
    summary = JobSummary(output=output, encoding=chosen_encoding(source))
    offset = 0
    try:
        for chunk in chunks:
            if writer is None:
                check_columns(input, chunk, required, source.fmt)
                writer = OutputWriter(output, fmt, "table-job", raw_formulas=raw_formulas, bom=bom, lists=lists)
            result = transform(chunk, offset)
            offset += len(chunk)
            summary.errors.update(reason_of(e) for e in result["error"] if e)
            writer.write(result)
            summary.rows = writer.progress.rows
        if writer is not None:
            writer.finish()
    except BaseException:
        if writer is not None:
            writer.abandon()
        raise
    finally:
        chunks.close()  # type: ignore[attr-defined]
    return summary
