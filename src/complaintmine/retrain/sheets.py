"""Labelling sheets: written by ``suggest`` (CSV, TSV, JSONL or XLSX by suffix), read back by ``train``.

A sheet has the columns ``id``, ``text``, ``model_labels``, ``model_presale``, ``why`` (why it was picked) and the
empty columns a labeller fills: ``labels`` (issue labels joined by ``|``, or ``other``; the Chinese names of
LABELS.md are accepted too), ``presale`` (1/0) and ``note``. Rows whose ``labels`` cell is still empty are not
labelled yet and are skipped; a filled row with a bad label or presale raises ``CorpusError`` naming the file and row.
An optional ``split`` column (``train``/``test``) keeps rows out of training, as in any labelled file.

Texts are untrusted, and these sheets are opened in Excel or WPS: a cell such as ``=HYPERLINK(...)`` must not run.
CSV/TSV cells that a spreadsheet would take for a formula are written with a leading apostrophe (escaped so that
reading the sheet back gives the exact text, see io/formulas.py); XLSX cells are typed, so such a text is stored
as a string cell, never as a formula.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from ..corpus.load import COLUMNS, Corpus
from ..errors import CorpusError, InputError, MissingColumnError
from ..io.formulas import escape, unescape
from ..io.tables import read_table, write_table
from ..labels import format_labels, parse_labels

SHEET_COLUMNS = ("id", "text", "model_labels", "model_presale", "why", "labels", "presale", "note")
SHEET_SUFFIXES = (".csv", ".tsv", ".jsonl", ".xlsx")
CHINESE_NAMES = {
    "尾款涨价": "price_hike",
    "不保价": "no_price_protection",
    "赠品不兑现": "gift_not_honored",
    "承诺时间不发货": "late_shipping",
    "最低价不实": "false_lowest_price",
    "其他": "other",
}
_SEPARATORS = re.compile(r"\s*[|,，、;；]\s*")
_YES = {"1", "1.0", "yes", "y", "true", "是"}
_NO = {"0", "0.0", "no", "n", "false", "否"}


def write_sheet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a labelling sheet; ``.xlsx`` gets a workbook with wide text cells, anything else goes to write_table."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        try:
            with pd.ExcelWriter(path, engine="openpyxl") as writer:
                frame.to_excel(writer, index=False, sheet_name="to_label")
                sheet = writer.sheets["to_label"]
                for letter, width in zip("ABCDEFGH", (10, 80, 24, 8, 28, 24, 8, 24)):
                    sheet.column_dimensions[letter].width = width
                sheet.freeze_panes = "C2"
                for row in sheet.iter_rows(min_row=2):
                    for cell in row:
                        if cell.data_type == "f":  # openpyxl takes any str starting with "=" for a formula
                            cell.data_type = "s"
        except ImportError:
            raise InputError(path, "writing .xlsx needs openpyxl: pip install openpyxl") from None
    else:
        write_table(frame.map(escape), str(path))
    return path


def _sheet_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            found = sorted(p for p in item.iterdir() if p.suffix.lower() in SHEET_SUFFIXES and p.name[0] not in "~.")
            if not found:
                raise InputError(item, f"no labelling sheets ({', '.join(SHEET_SUFFIXES)}) in this folder")
            files += found
        elif item.exists():
            files.append(item)
        else:
            raise InputError(item, "no such file or directory")
    return files


def _label_cell(path: Path, row: int, cell: str) -> str:
    parts = [CHINESE_NAMES.get(part, part) for part in _SEPARATORS.split(cell.strip()) if part]
    try:
        return format_labels(parse_labels("|".join(parts)))
    except ValueError as exc:
        raise CorpusError(f"{path}:{row}: {exc}") from None


def _presale_cell(path: Path, row: int, cell: str) -> int:
    value = cell.strip().lower()
    if value in _YES:
        return 1
    if value in _NO or value == "":
        return 0
    raise CorpusError(f"{path}:{row}: presale must be 1 or 0, got {cell!r}")


def read_label_sheets(paths: str | Path | Sequence[str | Path]) -> Corpus:
    """Labelled rows of one or more sheets (files, or folders of them), in file order, as a user corpus.

    ``Corpus.notes`` says how many rows were skipped because their ``labels`` cell is still empty. An empty
    ``presale`` cell in a labelled row counts as 0. Raises InputError (unreadable file, missing column) or
    CorpusError (bad label or presale value), and CorpusError when no row is labelled at all.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for path in _sheet_files(paths):
        frame = read_table(str(path))
        for column in ("text", "labels"):
            if column not in frame.columns:
                raise MissingColumnError(path, column, list(frame.columns))
        frame = frame.astype(str)
        if path.suffix.lower() != ".xlsx":
            frame = frame.map(unescape)
        blank = frame["labels"].str.strip() == ""
        if blank.any():
            notes.append(f"{path}: {int(blank.sum())} row(s) with an empty labels cell skipped (not labelled yet)")
        has_presale = "presale" in frame.columns
        has_split = "split" in frame.columns
        cells = frame.to_dict("records")
        for number, record in enumerate(cells):
            if blank.iloc[number]:
                continue
            line = number + 2  # the header is line 1
            text = str(record["text"])
            if not text.strip():
                raise CorpusError(f"{path}:{line}: labelled row with an empty text")
            split = str(record["split"]).strip() if has_split else ""
            if split not in ("", "train", "test"):
                raise CorpusError(f"{path}:{line}: split must be train or test, got {split!r}")
            rows.append(
                {
                    "key": f"{path.name}:{record.get('id', number)}",
                    "text": text,
                    "labels": _label_cell(path, line, str(record["labels"])),
                    "presale": _presale_cell(path, line, str(record["presale"])) if has_presale else 0,
                    "split": split or "train",
                    "origin": "user",
                    "kind": path.name,
                }
            )
    if not rows:
        raise CorpusError("no labelled rows: fill the labels column (and presale) of the sheet first")
    frame = pd.DataFrame(rows)
    for column in COLUMNS:  # columns a corpus may carry beyond these (e.g. a group) are empty for user rows
        if column not in frame.columns:
            frame[column] = ""
    return Corpus(frame[COLUMNS], notes)
