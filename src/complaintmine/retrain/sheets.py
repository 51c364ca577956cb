"""Labelling sheets: written by ``suggest`` (CSV, TSV, JSONL or XLSX by suffix), read back by ``train``.

A sheet has the columns ``id``, ``text``, ``model_labels``, ``model_presale``, ``why`` (why it was picked) and the
empty columns a labeller fills: ``labels`` (issue labels joined by ``|``, or ``other``; the Chinese names that
``complaintmine labels`` lists are accepted too), ``presale`` (1/0) and ``note``. A filled sheet is read as any
labelled file is (corpus/labelled.py, ``read_label_sheets`` here): rows whose ``labels`` cell is still empty are
skipped, and every bad row is reported at once.

Texts are untrusted, and these sheets are opened in Excel or WPS: a cell such as ``=HYPERLINK(...)`` must not run.
CSV/TSV cells that a spreadsheet would take for a formula are written with a leading apostrophe (escaped so that
reading the sheet back gives the exact text, see io/formulas.py); XLSX cells are typed, so such a text is stored
as a string cell, never as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..corpus.cells import CHINESE_NAMES
from ..corpus.labelled import LABELLED_SUFFIXES
from ..corpus.labelled import read_labelled as read_label_sheets
from ..errors import InputError, OutputError
from ..io.formulas import escape
from ..io.output_place import check_not_an_input, check_output_place, output_name, replaced_when_done, write_failure
from ..io.tables import read_table, write_table
from ..io.writers import check_output_format, output_format

SHEET_COLUMNS = ("id", "text", "model_labels", "model_presale", "why", "labels", "presale", "note")
SHEET_SUFFIXES = LABELLED_SUFFIXES
__all__ = [
    "CHINESE_NAMES",
    "SHEET_COLUMNS",
    "SHEET_SUFFIXES",
    "check_sheet",
    "filled_labels",
    "read_label_sheets",
    "sheet_format",
    "write_sheet",
]


def sheet_format(path: str | Path) -> str:
    """What :func:`write_sheet` writes ``path`` as: ``xlsx``, or write_table's format for its suffix (InputError
    for a suffix it does not know; standard output, ``-`` or ``/dev/stdout``, is CSV)."""
    name = output_name(path)
    return "xlsx" if Path(name).suffix.lower() == ".xlsx" else output_format(name)


def filled_labels(path: str | Path) -> int:
    """How many rows of the sheet or labelled file at ``path`` have a filled ``labels`` cell (0 where there is no
    such file, or it cannot be read as a table with that column)."""
    if not Path(path).is_file():
        return 0
    try:
        frame = read_table(str(path))
    except (InputError, ValueError):
        return 0
    if "labels" not in frame.columns:
        return 0
    return int(sum(bool(str(cell).strip()) for cell in frame["labels"]))


def check_sheet(
    path: str | Path,
    bom: bool = False,
    inputs: Iterable[str | Path] = (),
    option: str = "-o",
    keep_labels: bool = False,
) -> str:
    """:func:`sheet_format`, with ``bom`` checked against it (InputError): what :func:`write_sheet` checks first,
    and what a command checks before its work, so that a wrong name fails before an hour of scoring. With
    ``inputs`` (the files the command reads), also OutputError where the sheet would be written over one of them,
    or into one through standard output (io/output_place.check_not_an_input). With ``keep_labels``, also
    OutputError where a file at ``path`` already holds filled labels (a labeller's work a new sheet would
    replace)."""
    fmt = sheet_format(path)
    name = output_name(path)
    check_output_format(name, fmt, bom)
    check_not_an_input(name, [str(item) for item in inputs], option)
    if keep_labels and name != "-" and (filled := filled_labels(name)):
        raise OutputError(
            name,
            f"holds {filled:,} filled labels, which a new sheet would replace: choose another {option} name, "
            "or pass --force to write over it",
        )
    check_output_place(name)  # a missing folder is named now, not as a bare "No such file" after the work
    return fmt


def write_sheet(frame: pd.DataFrame, path: str | Path, bom: bool = False) -> Path:
    """Write a labelling sheet; ``.xlsx`` gets a workbook with wide text cells, anything else goes to write_table
    (``bom``: a CSV or TSV sheet begins with a UTF-8 byte-order mark, for Excel and WPS; InputError otherwise).

    Either way it is written beside ``path`` and renamed onto it when complete (io/output_place.py): a sheet
    already there, perhaps half labelled, is never left half overwritten by a write that fails or is stopped. A
    sheet that cannot be written is an OutputError naming ``path``, whatever its format."""
    check_sheet(path, bom)
    path = Path(output_name(path))  # standard output under any of its names is "-", written by write_table
    if path.suffix.lower() == ".xlsx":
        try:
            with (
                replaced_when_done(str(path)) as temporary,
                open(temporary, "wb") as handle,  # a handle: pandas refuses a .tmp name for openpyxl
                pd.ExcelWriter(handle, engine="openpyxl") as writer,
            ):
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
        except OSError as exc:  # a full disk, a missing folder: an OutputError naming the sheet, as write_table's
            raise write_failure(str(path), exc) from None
    else:
        write_table(frame.map(escape), str(path), bom=bom)
    return path
