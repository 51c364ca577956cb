"""The HTML report of a scored file (``complaintmine report``): one self-contained page, offline, masked.

Why one file with inline SVG and CSS and no script: reports are mailed around and opened on laptops without
network access, and a page that loads nothing cannot break, leak or track. A Content-Security-Policy in the
page forbids every fetch, so a mistake here shows up as a console error in the browser test, not as a request.

What it shows: complaints per issue type and the pre-sale share; counts per week or month per issue type
(``date_column``); the top 20 values of a grouping column (``group_column``); the most distinctive terms per
issue type; the money amounts and waiting times found by :mod:`complaintmine.extract`; a few representative
complaints per issue type with their evidence highlighted; the model and when it ran.

Privacy: with ``mask`` (the default) every complaint text, id and group value shown passes through
:func:`complaintmine.privacy.mask`, and distinctive terms are computed from the masked texts, so no phone
number or name can surface as a "term". Evidence spans point into the original text; masking changes lengths,
so each span is shifted by the length changes of the private spans before it, and a span that overlaps a
private span is dropped (it would highlight a placeholder). Without an evidence column the label's distinctive
terms are highlighted where they occur instead. Amounts and waiting times are extracted from the original text
(they are not personal data, and a placeholder must not hide a price).

Rows with an ``error`` (or an unreadable ``labels`` cell) are counted in the overview and left out of the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import OutputError
from ...io.output_place import output_name, write_failure
from ..svg_charts import FONT_STACK
from .data import DEFAULT_TITLE, MAX_TEXT_ROWS, _prepare, _Rows
from .sections import _amounts, _examples, _groups, _issues, _overview, _terms, _trends
from .terms import _term_table, distinctive_terms

__all__ = [
    "DEFAULT_TITLE",
    "build_report",
    "distinctive_terms",
    "report_file",
    "scored_with",
    "write_report",
]

# ---------------------------------------------------------------------------------------------------- page

_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:@FONT@;color:#1f2933;background:#f3f5f7;line-height:1.55;font-size:15px}
header,main,footer{max-width:1240px;margin:0 auto;padding:0 20px}
header{padding-top:18px}
h1{font-size:1.5rem;margin:0 0 2px}
h2{font-size:1.15rem;margin:0 0 10px}
h3{font-size:1rem;margin:16px 0 6px}
nav a{margin-right:14px;color:#3b6ea8;text-decoration:none;font-size:.9rem}
.meta,.note,figcaption,.sub,.k{color:#616e7c;font-size:.85rem}
section{background:#fff;border-radius:8px;padding:14px 20px;margin:14px 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.card{border:1px solid #e4e7eb;border-radius:6px;padding:8px 12px}
.card .n{font-size:1.5rem;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px 28px;align-items:start}
.grid.wide{grid-template-columns:repeat(auto-fit,minmax(520px,1fr))}
figure{margin:0;min-width:0}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font-family:@FONT@}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{padding:3px 8px;text-align:right;border-bottom:1px solid #e4e7eb;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
.example{border-left:4px solid var(--c);background:#fafbfc;padding:6px 12px;margin:8px 0}
.example p{margin:4px 0}
mark{background:#ffe58a;border-radius:2px;padding:0 1px}
@media (max-width:600px){.grid.wide{grid-template-columns:1fr}}
""".replace("@FONT@", FONT_STACK)


def _when(value: datetime | str | None) -> str:
    if value is None:
        return "未知 unknown"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M") + (f" {value.tzname()}" if value.tzinfo else "")
    return str(value)


def build_report(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    date_column: str | None = None,
    group_column: str | None = None,
    id_column: str | None = None,
    mask: bool = True,
    model_name: str = "",
    model_version: str = "",
    scored_at: datetime | str | None = None,
    title: str = DEFAULT_TITLE,
    source: str = "<dataframe>",
    max_text_rows: int = MAX_TEXT_ROWS,
    on_note: Callable[[str], None] | None = None,
) -> str:
    """The report of a scored frame (output of ``classify``) as one HTML document; see the module docstring.

    ``text_column`` may be absent when it is the default ``text`` (sections that need text say so); a named
    date, group, id or non-default text column that is absent raises MissingColumnError naming ``source``.
    Each representative complaint is headed by its id from ``id_column``; when None, from the column right
    before ``labels``, where :func:`complaintmine.classify_frame` puts the id column (or ``row``), also after
    ``pd.concat([inputs, classify_frame(...)], axis=1)``; when ``labels`` is the first column, by the row's
    position. A file the ``classify`` command wrote has the id FIRST and its ``--keep-columns`` between it and
    ``labels``: :func:`report_file` passes its first column; pass ``id_column`` when reading such a file yourself.
    Terms, amounts and waiting times come from a fixed random sample of ``max_text_rows`` texts when there are
    more (they cost about 1 ms per text); every count, trend and group figure uses all rows. ``on_note`` is
    told, before the page is built, what it will lack (no text column; rows without a readable date).
    """
    from ... import __version__

    rows = _prepare(frame, text_column, date_column, group_column, mask, source, max_text_rows, id_column)
    if on_note is not None:
        for note in _notes(rows, text_column, date_column):
            on_note(note)
    terms, origin = _term_table(rows)
    sections = [
        _overview(rows),
        _issues(rows),
        _trends(rows, date_column),
        _groups(rows, group_column),
        _terms(rows, terms, origin),
        _amounts(rows),
        _examples(rows, terms),
    ]
    links = [
        ("overview", "概览"),
        ("issues", "问题类型"),
        ("trends", "趋势"),
        ("groups", "分组"),
        ("terms", "特征词"),
        ("amounts", "金额与时间"),
        ("examples", "代表性投诉"),
    ]
    nav = "".join(f'<a href="#{key}">{escape(name)}</a>' for key, name in links)
    model = f"{model_name} {model_version}".strip() or "未知 unknown"
    meta = f"模型 Model: {model} · 分类时间 Scored: {_when(scored_at)} · {len(rows.labels):,} / {rows.total:,} 条已分类"
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f'<link rel="icon" href="data:,"><title>{escape(title)}</title><style>{_CSS}</style></head><body>'
        f'<header><h1>{escape(title)}</h1><div class="meta" data-model>{escape(meta)}</div>'
        f"<nav>{nav}</nav></header>"
        f"<main>{''.join(sections)}</main>"
        f'<footer class="meta"><p>complaintmine {escape(__version__)} · {escape(meta)}</p></footer></body></html>\n'
    )


def _notes(rows: _Rows, text_column: str, date_column: str | None) -> list[str]:
    """What the report of ``rows`` will lack, worded for the person who asked for it (from the rows the page
    itself shows: errors and unreadable labels cells left out, dates as its trends parse them)."""
    notes = []
    if rows.texts is None:
        terms = (
            "distinctive terms come from the evidence column" if rows.evidence is not None else "no distinctive terms"
        )
        notes.append(
            f"no text column {text_column!r}: the report has no amounts, waiting times or representative complaints, "
            f"and {terms}; carry the text with 'classify --keep-columns text', or name its column with --text-column"
        )
    if date_column is not None and rows.dates is not None:
        undated = [value for value, day in zip(rows.date_cells, rows.dates) if day is None]
        if undated:
            notes.append(
                f"{len(undated):,} scored rows have no readable date in column {date_column!r} (e.g. "
                f"{str(undated[0])[:20]!r}): the trends leave them out"
            )
    return notes


def write_report(path: str | Path, html: str) -> Path:
    """Write the report as UTF-8 (parent folders created) and return its path; ``-`` (or ``/dev/stdout``, see
    io/output_place.output_name) writes it to standard output, in UTF-8 as the page says, and returns ``Path("-")``."""
    if output_name(path) == "-":
        stream = sys.stdout
        try:
            if stream is None:  # the process was started with standard output closed
                raise OSError(0, "standard output is closed")
            stream.flush()
            binary = getattr(stream, "buffer", None)  # bytes: a console's gbk would belie the page's charset
            if binary is not None:
                binary.write(html.encode("utf-8"))
                binary.flush()
            else:
                stream.write(html)
                stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise write_failure("-", exc) from None
        return Path("-")
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise OutputError(target, f"cannot write the report: {exc.strerror}") from None
    return target


def scored_with(scored: str, model: str | Path | None = None) -> dict[str, str]:
    """Name and version of the model that scored a file: ``model``'s manifest when given, else what a Parquet
    file from ``classify`` records, else the default model's ({} when there is none here)."""
    from ...errors import ModelError
    from ...io.tables import part_files
    from ...io.writers import scored_by
    from ...model.artifact import read_manifest
    from ...model.defaults import model_directory

    if scored != "-" and Path(scored).is_dir():  # the part files of --engine dask: the first one records it
        scored = part_files(scored)[0]
    recorded = scored_by(scored) if model is None and scored != "-" else {}
    if recorded:
        return {"name": recorded.get("model", ""), "version": recorded.get("model_version", "")}
    try:
        manifest = read_manifest(model_directory(model))
    except ModelError:
        if model is not None:
            raise
        return {}  # no default model here: the report says the model is unknown
    return {"name": str(manifest.get("name", "")), "version": str(manifest.get("version", ""))}


def report_file(
    scored: str,
    output: str | Path,
    *,
    model: str | Path | None = None,
    input_format: str | None = None,
    encoding: str | None = None,
    title: str | None = None,
    id_column: str | None = None,
    on_note: Callable[[str], None] | None = None,
    **options: Any,
) -> Path:
    """``complaintmine report``: read a scored file (or the folder of part files of ``--engine dask``), build its
    report (``options``: the columns and ``mask`` of :func:`build_report`) naming the model that scored it and
    when, write it, and return its path. ``on_note`` is told what the report will lack (see :func:`build_report`).
    The ids are ``id_column``'s, by default the file's first column, where ``classify`` writes its id column."""
    from datetime import UTC

    from ...io.output_place import check_not_an_input
    from ...io.tables import read_table

    check_not_an_input(output_name(output), [scored])  # the page never replaces, or grows, the file it reads
    frame = read_table(scored, input_format, encoding)
    scored_model = scored_with(scored, model)
    scored_at = None if scored == "-" else datetime.fromtimestamp(Path(scored).stat().st_mtime, tz=UTC)
    html = build_report(
        frame,
        model_name=scored_model.get("name", ""),
        model_version=scored_model.get("version", ""),
        scored_at=scored_at,
        title=title or DEFAULT_TITLE,
        source=scored,
        id_column=str(frame.columns[0]) if id_column is None and len(frame.columns) else id_column,
        on_note=on_note,
        **options,
    )
    return write_report(output, html)
