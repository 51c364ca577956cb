"""Validation of a corpus directory: what ``complaintmine corpus`` reports.

Problems (any makes the check fail): unreadable labels (unknown names, ``other`` mixed with an issue), bad
presale or split values, duplicate keys or texts, team-written texts sharing a 10-character phrase, real labels
whose text hash no longer matches ../shared, and near-duplicates on both sides of a split line: train/test, and
the contrast set (evaluation only) against every other text. Minimal pairs share most of their words with the
other texts of their group by design, so the phrase rule does not apply inside ``team_pairs.csv``; a contrast
text must share no 12-character phrase with a training text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import CorpusError
from ..labels import ALL_LABELS, ISSUE_LABELS, parse_labels
from .dedup import near_duplicate_pairs, shared_phrases
from .evidence import EVIDENCE_FILE, derived_rows
from .keys import text_sha1
from .load import (
    PAIRS_FILE,
    REAL_FILE,
    SHARED_POOL,
    TEAM_FILE,
    default_shared_dir,
    read_corpus_file,
    read_shared_pool,
    real_corpus_frame,
)

CONTRAST_FILE = "contrast_set.csv"  # read by complaintmine.model.contrast, never by load_corpus

SPLITS = ("train", "test")
MAX_LISTED = 10


@dataclass
class CorpusReport:
    """Counts per label by origin and split, problems, and notes (such as a missing shared pool)."""

    counts: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_rows(
    path: Path, frame: pd.DataFrame, lines: list[int], problems: list[str], splits: tuple[str, ...] = SPLITS
) -> None:
    for number, labels, presale, split in zip(lines, frame["labels"], frame["presale"], frame["split"]):
        try:
            parse_labels(labels)
        except ValueError as exc:
            problems.append(f"{path}:{number}: {exc}")
        if presale not in ("0", "1"):
            problems.append(f"{path}:{number}: presale must be 0 or 1, got {presale!r}")
        if split not in splits:
            problems.append(f"{path}:{number}: split must be one of {splits}, got {split!r}")


def _duplicates(path: Path, values: pd.Series, lines: list[int], what: str, problems: list[str]) -> None:
    """``values`` is a column of a file as read, so its index is the row's position."""
    dup = values[values.duplicated(keep=False)]
    for _value, rows in list(dup.groupby(dup).groups.items())[:MAX_LISTED]:
        listed = ", ".join(str(lines[i]) for i in rows)
        problems.append(f"{path}: duplicate {what} on lines {listed}")


def check_corpus(
    directory: str | Path, shared_dir: str | Path | None = None, progress: Callable[[str], None] | None = None
) -> CorpusReport:
    """Validate ``directory`` (team_written.csv, real_labels.csv) against ``shared_dir`` when present."""
    directory = Path(directory)
    say = progress or (lambda _message: None)
    problems: list[str] = []
    notes: list[str] = []
    team, team_lines = read_corpus_file(directory / TEAM_FILE)
    _check_rows(directory / TEAM_FILE, team, team_lines, problems)
    _duplicates(directory / TEAM_FILE, team["id"], team_lines, "id", problems)
    for number, text in zip(team_lines, team["text"]):
        if not 5 <= len(text) <= 400:
            problems.append(f"{directory / TEAM_FILE}:{number}: text length {len(text)} outside 5..400")
    say("checking team-written texts for shared 10-character phrases")
    overlaps = shared_phrases(team["text"].tolist(), length=10)
    for a, b, phrase in overlaps[:MAX_LISTED]:
        problems.append(
            f"{directory / TEAM_FILE}: lines {team_lines[a]} and {team_lines[b]} share the phrase {phrase!r}"
        )
    if len(overlaps) > MAX_LISTED:
        problems.append(f"{directory / TEAM_FILE}: {len(overlaps) - MAX_LISTED} more shared phrases")

    texts = team["text"].tolist()
    splits = team["split"].tolist()
    keys = [f"team {tid}" for tid in team["id"]]
    frames = [team.assign(origin="team")]
    for name, origin, allowed in ((PAIRS_FILE, "pairs", ("train",)), (CONTRAST_FILE, "contrast", ("contrast",))):
        path = directory / name
        if not path.exists():
            continue
        extra, lines = read_corpus_file(path)
        _check_rows(path, extra, lines, problems, allowed)
        _duplicates(path, extra["id"], lines, "id", problems)
        _duplicates(path, extra["text"], lines, "text", problems)
        texts += extra["text"].tolist()
        splits += extra["split"].tolist()
        keys += [f"{origin} {tid}" for tid in extra["id"]]
        frames.append(extra.assign(origin=origin))
    real_path = directory / REAL_FILE
    if real_path.exists():
        real, real_lines = read_corpus_file(real_path)
        _check_rows(real_path, real, real_lines, problems)
        _duplicates(real_path, real["source"] + ":" + real["source_id"], real_lines, "source/source_id", problems)
        _duplicates(real_path, real["text_sha1"], real_lines, "text_sha1", problems)
        shared = Path(shared_dir) if shared_dir else default_shared_dir(directory)
        say(f"reading {shared / SHARED_POOL}")
        pool = read_shared_pool(shared)
        if pool is None:
            notes.append(f"{shared / SHARED_POOL} not found: hashes and real-text leakage not checked")
        else:
            rows = zip(real_lines, real["source"], real["source_id"], real["text_sha1"], real["split"])
            for number, source, source_id, digest, split in rows:
                text = pool.get((source, source_id))
                if text is None:
                    problems.append(f"{real_path}:{number}: {source} {source_id} is not in {shared / SHARED_POOL}")
                elif text_sha1(text) != digest:
                    problems.append(f"{real_path}:{number}: text hash mismatch for {source} {source_id}")
                else:
                    texts.append(text)
                    splits.append(split)
                    keys.append(f"real {source}:{source_id}")
            _check_evidence(directory, real, real_lines, pool, problems)
        frames.append(real.assign(origin="real"))
    if (directory / CONTRAST_FILE).exists():
        say("checking the contrast set for 12-character phrases shared with training texts")
        training = [t for t, split in zip(texts, splits) if split == "train"]
        contrast = [t for t, split in zip(texts, splits) if split == "contrast"]
        crossing = [(a, b, p) for a, b, p in shared_phrases(training + contrast, length=12) if a < len(training) <= b]
        for _a, b, phrase in crossing[:MAX_LISTED]:
            problems.append(f"contrast text {b - len(training) + 1} shares the phrase {phrase!r} with a training text")
        if len(crossing) > MAX_LISTED:
            problems.append(f"{len(crossing) - MAX_LISTED} more contrast texts share a phrase with a training text")
    say(f"looking for near-duplicates among {len(texts):,} texts")
    leaks = [(i, j) for i, j, _ in near_duplicate_pairs(texts) if splits[i] != splits[j]]
    for i, j in leaks[:MAX_LISTED]:
        problems.append(f"near-duplicate texts straddle the split: {keys[i]} ({splits[i]}) and {keys[j]} ({splits[j]})")
    if len(leaks) > MAX_LISTED:
        problems.append(f"{len(leaks) - MAX_LISTED} more near-duplicate pairs straddle the split")
    return CorpusReport(_counts(pd.concat(frames, ignore_index=True)), problems, notes)


def _check_evidence(
    directory: Path, real: pd.DataFrame, lines: list[int], pool: dict[tuple[str, str], str], problems: list[str]
) -> None:
    """The evidence spans (corpus/evidence.py) point into labelled real training texts, as load_corpus reads them.
    Where the labels themselves are bad, the row checks have said so and the spans are not checked."""
    path = directory / EVIDENCE_FILE
    if not path.exists():
        return
    try:
        texts = [pool.get(key, "") for key in zip(real["source"], real["source_id"])]
        rows = real if "proposer" in real else real.assign(proposer="")  # provenance only; not needed here
        evidence, evidence_lines = read_corpus_file(path)
        derived_rows(real_corpus_frame(directory / REAL_FILE, rows, lines, texts), evidence, str(path), evidence_lines)
    except CorpusError as exc:
        if not str(exc).startswith(str(directory / REAL_FILE)):
            problems.append(str(exc))


def _counts(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (origin, split), part in frame.groupby(["origin", "split"], sort=True):
        cells = part["labels"].str.split("|")
        row = {"origin": origin, "split": split, "texts": len(part)}
        for name in ALL_LABELS:
            row[name] = int(cells.map(lambda names, n=name: n in names).sum())
        row["presale"] = int((part["presale"] == "1").sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["origin", "split", "texts", *ISSUE_LABELS, "other", "presale"])
