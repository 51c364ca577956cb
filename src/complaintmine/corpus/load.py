"""Labelled corpora: a user's labelled file, or the project's ``corpora/`` directory joined with ../shared.

The project's real texts are research-only and never committed: ``corpora/real_labels.csv`` keeps labels keyed
by source, source_id and the sha1 of the whitespace-stripped text, and :func:`load_corpus` joins them with
``shared/corpora/real_reviews.csv`` at training time. Without that file it trains on the team-written part and
says so in ``Corpus.notes``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorpusError, InputError
from ..labels import ISSUE_LABELS, TARGETS, format_labels, parse_labels
from .cells import label_cell, presale_cell
from .evidence import EVIDENCE_FILE, derived_rows
from .keys import text_sha1

TEAM_FILE = "team_written.csv"
REAL_FILE = "real_labels.csv"
SHARED_POOL = Path("corpora") / "real_reviews.csv"
PAIRS_FILE = "team_pairs.csv"
# ``group``: texts written as one minimal-pair group share it; cross-validation keeps a group in one fold.
COLUMNS = ["key", "text", "labels", "presale", "split", "origin", "kind", "group"]


@dataclass
class Corpus:
    """Texts with canonical labels (``a|b`` or ``other``), presale 0/1, split, origin (team/real/user).

    Built from a DataFrame of your own, it needs the columns ``text``, ``labels`` and ``presale``; the others
    get defaults (``split`` "train", ``origin`` "user"). Label and presale cells are read by the rules of a
    labelled file (corpus/cells.py) and made canonical; an unknown label, a bad presale or a missing text raises
    CorpusError naming the row (counted from 0): a misspelt label would otherwise count as a negative and lower
    every metric quietly.
    """

    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise CorpusError(f"a Corpus is built from a pandas DataFrame, got {type(self.frame).__name__}")
        missing = [c for c in ("text", "labels", "presale") if c not in self.frame.columns]
        if missing:
            raise CorpusError(
                f"a Corpus needs the columns text, labels and presale; missing {', '.join(missing)} "
                f"(columns: {', '.join(map(str, self.frame.columns)) or 'none'})"
            )
        frame = self.frame.copy()
        defaults = {"key": [f"row{i}" for i in range(len(frame))], "split": "train", "origin": "user"}
        for column in COLUMNS:
            if column not in frame.columns:
                frame[column] = defaults.get(column, "")
        frame["text"] = _checked_texts(frame["text"])
        frame["labels"] = _checked(frame["labels"], label_cell)
        frame["presale"] = _checked(frame["presale"], presale_cell)
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def texts(self) -> list[str]:
        return self.frame["text"].tolist()

    def targets(self) -> np.ndarray:
        """0/1 matrix with one column per name in ``TARGETS`` (five issues, then presale)."""
        matrix = np.zeros((len(self.frame), len(TARGETS)), dtype=int)
        for row, cell in enumerate(self.frame["labels"]):
            for name in cell.split("|"):
                if name in ISSUE_LABELS:
                    matrix[row, ISSUE_LABELS.index(name)] = 1
        matrix[:, -1] = self.frame["presale"].astype(int).to_numpy()
        return matrix

    def select(self, split: str | None = None, origin: str | None = None) -> Corpus:
        mask = pd.Series(True, index=self.frame.index)
        if split:
            mask &= self.frame["split"] == split
        if origin:
            mask &= self.frame["origin"] == origin
        return Corpus(self.frame[mask].reset_index(drop=True), list(self.notes))

    def sha256(self) -> str:
        """A hash of what training sees: text hashes, labels and presale, in order."""
        digest = hashlib.sha256()
        for text, labels, presale in zip(self.frame["text"], self.frame["labels"], self.frame["presale"]):
            digest.update(f"{text_sha1(text)}\t{labels}\t{presale}\n".encode())
        return digest.hexdigest()


def default_shared_dir(corpus_dir: Path) -> Path:
    """``$COMPLAINTMINE_SHARED`` if set, else the ``shared`` folder beside the repository."""
    env = os.environ.get("COMPLAINTMINE_SHARED")
    return Path(env) if env else corpus_dir.resolve().parent.parent / "shared"


def _checked(cells: pd.Series, rule: Any) -> pd.Series:
    """``rule`` (corpus/cells.py) applied to each distinct cell; CorpusError naming the first row it refuses."""
    done: dict[Any, Any] = {}
    values = []
    for position, cell in enumerate(cells.tolist()):
        key = tuple(cell) if isinstance(cell, list) else cell
        if key not in done:
            try:
                done[key] = rule(cell)
            except ValueError as exc:
                raise CorpusError(f"row {position}: {exc}") from None
        values.append(done[key])
    return pd.Series(values, index=cells.index, dtype=object if rule is label_cell else int)


def _checked_texts(cells: pd.Series) -> pd.Series:
    for position, cell in enumerate(cells.tolist()):
        if not isinstance(cell, str) or not cell.strip():
            raise CorpusError(f"row {position}: {'empty text' if isinstance(cell, str) else 'no text'} ({cell!r})")
    return cells


def canonical_labels(
    path: str | Path, frame: pd.DataFrame, lines: list[int], label_column: str = "labels"
) -> pd.Series:
    """The ``labels`` cells of a corpus file read by :func:`read_corpus_file` (its rows starting on ``lines``) as
    canonical labels; CorpusError naming the file and the line of the first bad cell."""
    canonical = []
    for number, cell in zip(lines, frame[label_column]):
        try:
            canonical.append(format_labels(parse_labels(cell)))
        except ValueError as exc:
            raise CorpusError(f"{path}:{number}: {exc}", path=path, line=number) from None
    return pd.Series(canonical, index=frame.index, dtype=object)


def _presale(path: str | Path, frame: pd.DataFrame, lines: list[int]) -> pd.Series:
    values = frame["presale"].astype(str).str.strip()
    bad = ~values.isin(["0", "1"])
    if bad.any():
        number = lines[int(np.flatnonzero(bad.to_numpy())[0])]
        raise CorpusError(
            f"{path}:{number}: presale must be 0 or 1, got {values[bad].iloc[0]!r}", path=path, line=number
        )
    return values.astype(int)


def read_corpus_file(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """One file of a corpus directory, every cell a string (the one reader for loading and checking), and the line
    each row starts on: what every message about a row names. Counting rows from the header is wrong past a
    quoted cell holding a line break (a post written in paragraphs) or a blank line.

    Read once with the csv module, which says where each row ends (``line_num``), and strictly: a row with another
    number of fields than the header is an InputError naming file and line (pandas padded a short row, dropped
    an extra field of a later row with a ParserError of its own, and read an extra field in the first row as an
    index, shifting every column), and so are bytes that are not UTF-8 and broken quoting. Blank lines are no rows,
    as they are to pandas. About as fast as pandas on the 10,000-row files (``load_corpus`` runs for every
    training and many tests)."""
    if not path.exists():
        raise CorpusError(f"{path}: missing from the corpus directory", path=path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 (byte {exc.start}: {exc.reason}); save it as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    ended = 0  # the line the last row read ends on
    try:
        header = next(reader, None)
        if header is None:
            raise CorpusError(f"{path}: empty; expected a header line with column names", path=path, line=1)
        if len(set(header)) != len(header):
            raise InputError(path, f"a column name appears twice in the header: {header}", line=1)
        ended = reader.line_num
        for row in reader:
            start, ended = ended + 1, reader.line_num
            if not row:
                continue  # a blank line
            if len(row) != len(header):
                raise InputError(path, f"expected {len(header)} fields, found {len(row)}", line=start)
            rows.append(row)
            lines.append(start)
    except csv.Error as exc:  # named by the line its row starts on: where an unclosed quote was opened
        raise InputError(path, f"not CSV ({exc}); is a quote opened here and never closed?", line=ended + 1) from None
    return pd.DataFrame(rows, columns=header, dtype=str), lines


def read_shared_pool(shared_dir: Path) -> dict[tuple[str, str], str] | None:
    """Texts of the shared real-review pool keyed by (source, source_id), or None when it is absent."""
    pool = shared_dir / SHARED_POOL
    if not pool.exists():
        return None
    csv.field_size_limit(1 << 30)
    with open(pool, encoding="utf-8", newline="") as handle:
        return {(row["source"], row["source_id"]): row["text"] for row in csv.DictReader(handle)}


def load_corpus_dir(directory: str | Path, shared_dir: str | Path | None = None, derived: bool = False) -> Corpus:
    """The project corpus: team-written texts plus real labels joined with the shared pool; with ``derived``, also
    the rows derived from the evidence spans of real training texts (corpus/evidence.py), which only training
    with a ``derived_weight`` above 0 and the experiments that measure them read."""
    directory = Path(directory)
    team, team_lines = read_corpus_file(directory / TEAM_FILE)
    frames = [
        pd.DataFrame(
            {
                "key": "team:" + team["id"],
                "text": team["text"],
                "labels": canonical_labels(directory / TEAM_FILE, team, team_lines),
                "presale": _presale(directory / TEAM_FILE, team, team_lines),
                "split": team["split"],
                "origin": "team",
                "kind": team["kind"],
                "group": "",
            }
        )
    ]
    pairs_path = directory / PAIRS_FILE
    if pairs_path.exists():  # minimal pairs (corpora/README.md); the contrast set is another file, never read here
        pairs, pair_lines = read_corpus_file(pairs_path)
        frames.append(
            pd.DataFrame(
                {
                    "key": "pair:" + pairs["id"],
                    "text": pairs["text"],
                    "labels": canonical_labels(pairs_path, pairs, pair_lines),
                    "presale": _presale(pairs_path, pairs, pair_lines),
                    "split": pairs["split"],
                    "origin": "team",
                    "kind": "pair:" + pairs["variant"],
                    "group": "pair:" + pairs["group"],
                }
            )
        )
    notes = []
    real_path = directory / REAL_FILE
    if real_path.exists():
        real, real_lines = read_corpus_file(real_path)
        shared = Path(shared_dir) if shared_dir else default_shared_dir(directory)
        pool = read_shared_pool(shared)
        if pool is None:
            notes.append(
                f"{shared / SHARED_POOL} not found: using the {len(team)} team-written texts only, "
                f"without the {len(real)} labelled real texts (they need that research-only file; "
                "point --shared or $COMPLAINTMINE_SHARED at the folder holding corpora/real_reviews.csv)"
            )
        else:
            texts, mismatched = [], []
            for number, source, source_id, digest in zip(
                real_lines, real["source"], real["source_id"], real["text_sha1"]
            ):
                text = pool.get((source, source_id))
                if text is None or text_sha1(text) != digest:
                    mismatched.append(number)
                texts.append(text or "")
            if mismatched:
                raise CorpusError(
                    f"{len(mismatched)} labelled real text(s) missing from or changed in {shared / SHARED_POOL}, "
                    f"first at {real_path}:{mismatched[0]}",
                    path=real_path,
                    line=mismatched[0],
                )
            real_frame = real_corpus_frame(real_path, real, real_lines, texts)
            frames += [real_frame, *(_evidence_rows(directory, real_frame) if derived else [])]
    return Corpus(pd.concat(frames, ignore_index=True)[COLUMNS], notes)


def real_corpus_frame(path: Path, real: pd.DataFrame, lines: list[int], texts: list[str]) -> pd.DataFrame:
    """``real_labels.csv`` rows (starting on ``lines``, as :func:`read_corpus_file` gives them) joined with their
    pool ``texts``, as corpus rows (labels canonical; raises CorpusError naming file and line for a bad label or
    presale cell)."""
    return pd.DataFrame(
        {
            "key": "real:" + real["source"] + ":" + real["source_id"],
            "text": texts,
            "labels": canonical_labels(path, real, lines),
            "presale": _presale(path, real, lines),
            "split": real["split"],
            "origin": "real",
            "kind": real["proposer"],
            "group": "",
        }
    )


def _evidence_rows(directory: Path, real: pd.DataFrame) -> list[pd.DataFrame]:
    """The rows derived from the evidence spans of real training texts (corpus/evidence.py), if the corpus has
    them; each source text joins its derived rows' group (so cross-validation keeps them in one fold)."""
    path = directory / EVIDENCE_FILE
    if not path.exists():
        return []
    evidence, lines = read_corpus_file(path)
    derived = derived_rows(real, evidence, str(path), lines)
    linked = real["key"].isin(set(derived["group"]))
    real.loc[linked, "group"] = real.loc[linked, "key"]
    return [derived]


def load_corpus(path: str | Path, shared_dir: str | Path | None = None, derived: bool = False) -> Corpus:
    """A corpus directory (one with ``team_written.csv``, see :func:`load_corpus_dir`), or your own labels: a
    labelled CSV/TSV/JSONL/XLSX file, a filled labelling sheet, or a folder of them (corpus/labelled.py)."""
    from .labelled import read_labelled

    path = Path(path)
    if path.is_dir() and any((path / name).exists() for name in (TEAM_FILE, REAL_FILE, PAIRS_FILE)):
        return load_corpus_dir(path, shared_dir, derived)  # says which corpus file is missing, if one is
    return read_labelled(path)
