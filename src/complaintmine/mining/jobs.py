"""Table jobs besides scoring: ``complaintmine mask`` and ``complaintmine extract`` (and the extraction columns
``classify --extract`` adds), streamed chunk by chunk through the batch runner: every row kept, in order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..io.readers import ERROR, LINE
from ..io.rows import Rows
from ..scoring.batch import JobSummary, located, run_table_job
from ..scoring.frame import text_of, text_problem


def run_mask_job(
    input: str,
    output: str,
    columns: Sequence[str] = ("text",),
    kinds: Sequence[str] | None = None,
    input_format: str | None = None,
    output_format_name: str | None = None,
    encoding: str | None = None,
    raw_formulas: bool = False,
    bom: bool = False,
) -> JobSummary:
    """Copy a table, replacing private data in ``columns`` with typed placeholders; every row kept, in order.
    ``kinds`` (all if None) is checked before anything is read or written: a wrong name raises UnknownKindError.
    The summary counts what was replaced, by kind (``found``), and the rows that changed (``changed_rows``)."""
    from .privacy import mask
    from .privacy.kinds import selected_kinds

    selected_kinds(kinds)
    found: Counter[str] = Counter()
    changed = 0

    def masked(chunk: Rows, _first_row: int) -> Rows:
        nonlocal changed
        out = chunk.select([c for c in chunk.columns if c not in (LINE, ERROR)])
        touched = [False] * len(chunk)
        for column in columns:
            values = []
            for row, value in enumerate(out[column]):
                if isinstance(value, str):
                    result = mask(value, kinds)
                    found.update(span.kind for span in result.spans)
                    touched[row] = touched[row] or bool(result.spans)
                    value = result.text
                values.append(value)
            out[column] = values
        changed += sum(touched)
        out["error"] = [e or "" for e in chunk[ERROR]]
        return out

    summary = run_table_job(
        input,
        output,
        columns,
        masked,
        input_format,
        output_format_name,
        encoding,
        raw_formulas=raw_formulas,
        bom=bom,
        text_columns=columns,  # a number there (a phone in an Excel cell) is text to mask, not a cell to skip
    )
    summary.found, summary.changed_rows = found, changed
    return summary


EXTRACTION_FIELDS = ("difference", "money", "promised_days", "waited_days", "gifts", "platforms", "channels", "fields")
# The flat columns that hold several values joined by "|" (empty where none): JSON Lines output writes them as lists.
JOINED_FIELDS = ("money", "gifts", "platforms", "channels")


def extraction_columns(texts: Sequence[Any], errors: Sequence[Any] | None = None) -> dict[str, list[Any]]:
    """Flat evidence columns for a spreadsheet, plus ``fields`` with everything (spans included). A row with an
    error in ``errors`` (a line that could not be read, whose text is not what the file holds, or, from
    classify, a text it could not score) gets none, as classify leaves such a row's labels empty."""
    from .extract import extract

    if errors is not None:
        texts = [None if error else text for text, error in zip(texts, errors)]

    columns: dict[str, list[Any]] = {name: [] for name in EXTRACTION_FIELDS}
    for text in texts:
        found = extract(text).to_dict() if isinstance(text, str) and text.strip() else None
        if found is None:
            for values in columns.values():
                values.append(None)
            continue
        columns["difference"].append(found["difference"])
        columns["money"].append("|".join(f"{m['role'] or ''}{m['amount']:g}" for m in found["money"]) or None)
        promised = [t["days"] for t in found["promised_time"] if t["days"] is not None]
        waited = [t["days"] for t in found["waited"] if t["days"] is not None]
        columns["promised_days"].append(min(promised) if promised else None)
        columns["waited_days"].append(max(waited) if waited else None)
        columns["gifts"].append("|".join(dict.fromkeys(g["item"] for g in found["gifts"])) or None)
        columns["platforms"].append("|".join(dict.fromkeys(p["name"] for p in found["platforms"])) or None)
        columns["channels"].append("|".join(dict.fromkeys(c["name"] for c in found["channels"])) or None)
        columns["fields"].append(found)
    return columns


def run_extract_job(
    input: str,
    output: str,
    text_columns: Sequence[str] = ("text",),
    id_column: str | None = None,
    input_format: str | None = None,
    output_format_name: str | None = None,
    encoding: str | None = None,
    raw_formulas: bool = False,
    bom: bool = False,
) -> JobSummary:
    """Evidence fields per row (see :func:`extraction_columns`), with the row's id; every row kept, in order."""

    def extracted(chunk: Rows, first_row: int) -> Rows:
        texts = [text_of(values) for values in zip(*(chunk[c] for c in text_columns))]
        ids = chunk[id_column] if id_column else range(first_row, first_row + len(chunk))
        errors = [e or text_problem(t) or "" for e, t in zip(chunk[ERROR], texts)]  # the reasons classify gives
        out = Rows({id_column or "row": list(ids), **extraction_columns(texts, errors)}, len(chunk))
        out["error"] = located(errors, chunk.get(LINE))
        return out

    required = [*text_columns, *([id_column] if id_column else [])]
    return run_table_job(
        input,
        output,
        required,
        extracted,
        input_format,
        output_format_name,
        encoding,
        raw_formulas=raw_formulas,
        bom=bom,
        lists=JOINED_FIELDS,
        text_columns=text_columns,
    )
