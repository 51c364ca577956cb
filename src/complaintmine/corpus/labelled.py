"""A user's labelled rows: a labelled file, a filled labelling sheet, or a folder of them, read by one set of rules.

Every command that reads a user's labels (``train``, ``evaluate``, ``train --base``, ``compare``, ``promote``,
``suggest --labelled``) reads them here, so a file one command accepts is never refused, or read differently,
by another. The rules:

- columns ``text`` and ``labels`` are required; ``presale`` (1/0; also yes/no, true/false, 是/否, and empty for 0)
  and ``split`` (``train`` or ``test``, any case) are optional; other columns are ignored;
- a ``labels`` cell holds issue labels joined by ``|`` (or ``,`` ``，`` ``、`` ``;`` ``；`` and the full-width
  ``｜`` an input method types), or ``other``; the Chinese names (labels.LABEL_ZH) and any letter case are
  accepted, and a JSON list (the shape ``classify`` writes to JSONL) too;
- a row whose ``labels`` cell is empty is not labelled yet: skipped, and counted in ``Corpus.notes``;
- a labelled row with an empty text, an unknown label, a bad presale or split value is an error. All of a
  file's errors are reported at once (up to :data:`MAX_REPORTED`), each with its file and line, so a sheet is
  fixed in one pass instead of one run per mistake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import CorpusError, InputError, MissingColumnError
from ..io.columns import title_advice
from ..io.formulas import unescape
from ..io.tables import read_table_lines
from .cells import label_cell, presale_cell
from .load import COLUMNS, Corpus

LABELLED_SUFFIXES = (".csv", ".tsv", ".jsonl", ".xlsx")
MAX_REPORTED = 20


def labelled_files(paths: Iterable[str | Path], recursive: bool = False) -> list[Path]:
    """The files named, and the labelled files in the folders named (in their subfolders too with ``recursive``:
    what ``suggest --labelled`` excludes; never for training, where a holdout kept in a subfolder must stay out).
    Excel's ``~$`` lock files and hidden files are skipped."""
    files: list[Path] = []
    for item in paths:
        item = Path(item)
        if item.is_dir():
            inside = item.rglob("*") if recursive else item.iterdir()
            found = sorted(
                p
                for p in inside
                if p.is_file() and p.suffix.lower() in LABELLED_SUFFIXES and not p.name.startswith(("~", "."))
            )
            if not found:
                raise InputError(item, f"no labelled files ({', '.join(LABELLED_SUFFIXES)}) in this folder")
            files += found
        elif item.exists():
            files.append(item)
        else:
            raise InputError(item, "no such file or directory")
    return files


def _cell_text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _read_file(path: Path, rows: list[dict[str, object]], notes: list[str]) -> None:
    frame, lines = read_table_lines(str(path))
    for column in ("text", "labels"):
        if column not in frame.columns:
            advice, found = title_advice(frame, ["text", "labels"])
            advice = (
                advice
                or "Labelled data has the columns text, labels (e.g. gift_not_honored, or other) and presale (1 or 0)"
            )
            visible = [c for c in frame.columns if not c.startswith("__")]
            if f"model_{column}" in visible and not found:  # a sheet's own labels column renamed or deleted:
                # never point at the model's guesses beside it, which would train the model on itself
                advice = f"Fill your labels in a column named {column!r} (model_{column} holds the model's guesses)"
                found = True
            raise MissingColumnError(path, column, visible, advice=advice, advice_first=found)
    labels = [cell if isinstance(cell, list) else "" if cell is None else str(cell) for cell in frame["labels"]]
    frame = frame.drop(columns=["labels"]).map(_cell_text)
    if path.suffix.lower() != ".xlsx":
        frame = frame.map(unescape)
    blank = [isinstance(cell, str) and not cell.strip() for cell in labels]
    if any(blank):
        notes.append(f"{path}: {sum(blank)} row(s) with an empty labels cell skipped (not labelled yet)")
    if "presale" not in frame.columns:
        notes.append(f"{path}: no presale column; presale is taken as 0 for every row")
    else:  # a labeller who filled labels but skipped presale may not know that empty means "not pre-sale"
        empty = sum(not blank[i] and not str(cell).strip() for i, cell in enumerate(frame["presale"]))
        if empty:
            notes.append(f"{path}: {empty} labelled row(s) with an empty presale cell taken as 0 (not pre-sale)")
    problems: list[str] = []
    first_bad: int | None = None  # the line of the first bad row
    for number, record in enumerate(frame.to_dict("records")):
        if blank[number]:
            continue
        line = lines[number]  # where the row starts in the file (a sheet row for Excel)
        text = str(record["text"])
        try:
            if not text.strip():
                raise ValueError("labelled row with an empty text")
            split = str(record.get("split", "")).strip().lower()
            if split not in ("", "train", "test"):
                raise ValueError(f"split must be train or test, got {record['split']!r}")
            row = {
                "key": f"{path.name}:{record.get('id', number)}",
                "text": text,
                "labels": label_cell(labels[number]),
                "presale": presale_cell(record["presale"]) if "presale" in record else 0,
                "split": split or "train",
                "origin": "user",
                "kind": path.name,
            }
        except ValueError as exc:
            problems.append(f"{path}:{line}: {exc}")
            first_bad = line if first_bad is None else first_bad
            continue
        rows.append(row)
    if problems:
        more = f"\n... and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        raise CorpusError("\n".join(problems[:MAX_REPORTED]) + more, path=path, line=first_bad)


def _once_across_files(rows: list[dict[str, object]], notes: list[str]) -> list[dict[str, object]]:
    """``rows`` without a text that an earlier file labelled the same way (the same sheet saved as .xlsx and as
    .csv in one folder was read twice, and its rows counted double in training), with a note; a text two files
    label differently is a CorpusError naming both, since which one is right only the labeller can say."""
    first: dict[str, dict[str, object]] = {}
    kept, repeated = [], 0
    for row in rows:
        text = str(row["text"])
        earlier = first.setdefault(text, row)
        if earlier is row or earlier["kind"] == row["kind"]:  # repeats within one file are the file's own choice
            kept.append(row)
        elif (earlier["labels"], earlier["presale"]) == (row["labels"], row["presale"]):
            repeated += 1
        else:
            raise CorpusError(
                f"the same text is labelled {earlier['labels']} (presale {earlier['presale']}) at {earlier['key']} "
                f"and {row['labels']} (presale {row['presale']}) at {row['key']} (file:id): correct one of them, or "
                "move the older file out of the folder"
            )
    if repeated:
        notes.append(
            f"{repeated} row(s) labelled the same in an earlier file counted once (the same sheet saved twice?)"
        )
    return kept


def read_labelled(paths: str | Path | Sequence[str | Path]) -> Corpus:
    """Labelled rows of one or more files (or folders of them), in file order, as a user corpus (module
    docstring). Raises InputError (unreadable file, missing column) or CorpusError (every bad row of a file, or
    no labelled row at all)."""
    if isinstance(paths, str | Path):
        paths = [paths]
    rows: list[dict[str, object]] = []
    notes: list[str] = []
    for path in labelled_files(paths):
        _read_file(path, rows, notes)
    rows = _once_across_files(rows, notes)
    if not rows:
        raise CorpusError("no labelled rows: fill the labels column (and presale) first")
    frame = pd.DataFrame(rows)
    for column in COLUMNS:  # columns a corpus may carry beyond these (e.g. a group) are empty for user rows
        if column not in frame.columns:
            frame[column] = ""
    return Corpus(frame[COLUMNS], notes)
