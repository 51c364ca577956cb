"""Assemble the team-written minimal pairs (training) and the contrast set (evaluation only) from writers' drafts.

The writers' briefs and drafts live outside the repository (one CSV per writer with the columns
group, text, labels, presale, rule, variant, register). Training-pair writers (T*) and contrast-set writers (C*)
were separate sessions that never read each other's files. This script:

1. validates every draft row (labels, presale, register lengths);
2. drops exact duplicates;
3. keeps the evaluation line clean: a contrast text that is a near-duplicate (shared character 5-grams >= 0.6
   of the smaller text) of, or shares a 12-character phrase with, any training text (team-written, real,
   or a new pair) is dropped from the contrast set; a new training pair text that is a near-duplicate of a
   team-written or real TEST text is dropped from the pairs;
4. keeps in the contrast set only texts whose labels a blind second reader (who saw neither the labels nor the
   writers' files) agreed with exactly, when ``DRAFTS_DIR/blind`` holds that reading;
5. writes ``corpora/team_pairs.csv`` (split ``train``) and ``corpora/contrast_set.csv`` (split ``contrast``,
   never read by ``load_corpus`` or ``train``).

    python corpora/scripts/add_pairs.py DRAFTS_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["group", "text", "labels", "presale", "rule", "variant", "register"]
REGISTER_LENGTH = {"short": (1, 15), "review": (10, 260), "post": (40, 400)}


def read_drafts(folder: Path, prefix: str, canon) -> pd.DataFrame:
    frames = []
    for path in sorted(folder.glob(f"{prefix}*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert list(frame.columns) == COLUMNS, f"{path}: columns {list(frame.columns)}"
        frame["author"] = f"team-writer-{path.stem}"
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    frame["text"] = [" ".join(t.split()) for t in frame["text"]]
    frame["labels"] = [canon(cell) for cell in frame["labels"]]
    assert frame["presale"].isin(["0", "1"]).all()
    lengths = frame["text"].str.len()
    bounds = frame["register"].map(REGISTER_LENGTH)
    assert bounds.notna().all(), "unknown register"
    ok = [lo <= n <= hi for n, (lo, hi) in zip(lengths, bounds)]
    bad = frame[[not x for x in ok]]
    if len(bad):
        print(
            f"{prefix}: {len(bad)} texts outside their register's length, kept: {bad['register'].value_counts().to_dict()}"
        )
    before = len(frame)
    frame = frame.drop_duplicates("text").reset_index(drop=True)
    print(f"{prefix}: {before} draft texts, {before - len(frame)} exact duplicates dropped")
    return frame


PHRASE = 12  # characters: a shared phrase this long (punctuation and spaces ignored) counts as a copy
CONTAINED = 6  # characters: a held-out text at least this long found whole inside a new text counts as a copy


def crossing(
    texts: list[str], others: list[str], phrase_of: list[str] | None = None, contain: bool = False
) -> tuple[set[int], set[int]]:
    """Indices of ``texts`` that are near-duplicates (character 5-gram containment >= 0.6) of any of ``others``,
    and of ``texts`` that share a PHRASE-character phrase with any of ``phrase_of`` (when given).

    ``near_duplicate_pairs`` compares only texts of similar length (at most twice as long), so a short held-out
    text can sit whole inside a long new one; with ``contain`` such texts (an ``others`` text of at least
    CONTAINED characters, punctuation and spaces ignored, inside a new text) count as near-duplicates too."""
    from complaintmine.corpus.dedup import containing, near_duplicate_pairs, squash

    near = {i for i, j, _ in near_duplicate_pairs(texts + others, 0.6) if i < len(texts) <= j}
    if contain:
        near |= containing(texts, others, CONTAINED)
    if phrase_of is None:
        return near, set()
    grams = {s[k : k + PHRASE] for t in phrase_of for s in [squash(t)] for k in range(len(s) - PHRASE + 1)}
    shared = {
        i
        for i, t in enumerate(texts)
        for s in [squash(t)]
        if any(s[k : k + PHRASE] in grams for k in range(len(s) - PHRASE + 1))
    }
    return near, shared


def main(drafts: str) -> None:
    from complaintmine.corpus.load import load_corpus
    from complaintmine.labels import format_labels, parse_labels

    def canon(cell: str) -> str:
        return format_labels(parse_labels(cell))

    folder = Path(drafts)
    pairs = read_drafts(folder / "train", "T", canon)
    contrast = read_drafts(folder / "contrast", "C", canon)
    corpus = load_corpus(ROOT / "corpora").frame
    assert corpus["origin"].eq("real").any(), "the shared pool is needed to check near-duplicates against real texts"

    # New pairs must not leak into the committed test splits.
    test_texts = corpus.loc[corpus["split"] == "test", "text"].tolist()
    leaking, _ = crossing(pairs["text"].tolist(), test_texts)
    pairs = pairs.drop(index=sorted(leaking)).reset_index(drop=True)
    print(f"pairs: {len(leaking)} dropped as near-duplicates of a test text; {len(pairs)} kept")

    # The contrast set must not be near any training text.
    training = corpus.loc[corpus["split"] == "train", "text"].tolist() + pairs["text"].tolist()
    near, shared = crossing(contrast["text"].tolist(), training, training)
    drop = sorted(near | shared)
    contrast = contrast.drop(index=drop).reset_index(drop=True)
    print(
        f"contrast: {len(near)} near-duplicates and {len(shared)} {PHRASE}-character phrase matches of training "
        f"texts dropped ({len(drop)} texts); {len(contrast)} kept"
    )

    blind = folder / "blind"
    if (folder / "blind_key_contrast.csv").exists():
        key = pd.read_csv(folder / "blind_key_contrast.csv", dtype=str)
        readings = pd.concat(
            [pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False) for p in sorted(blind.glob("*_labels.tsv"))]
        ).merge(key, on="item", validate="one_to_one")
        # The key maps to ids of the contrast set as first written (order of the drafts after the drops above).
        first = {f"cs-{k:04d}": text for k, text in enumerate(contrast["text"], 1)}
        second = {first[i]: canon(cell) for i, cell in zip(readings["id"], readings["labels"])}
        assert len(second) == len(contrast), "the blind reading covers another version of the contrast set"
        agreed = [second[t] == cell for t, cell in zip(contrast["text"], contrast["labels"])]
        print(
            f"contrast: the blind second reading agrees on {sum(agreed)} of {len(agreed)} label sets; "
            f"{len(agreed) - sum(agreed)} disputed texts dropped"
        )
        contrast = contrast[agreed].reset_index(drop=True)
    pairs.insert(0, "id", [f"tp-{k:05d}" for k in range(1, len(pairs) + 1)])
    pairs["split"] = "train"
    contrast.insert(0, "id", [f"cs-{k:04d}" for k in range(1, len(contrast) + 1)])
    contrast["split"] = "contrast"
    order = ["id", "group", "text", "labels", "presale", "split", "rule", "variant", "register", "author"]
    pairs[order].to_csv(ROOT / "corpora" / "team_pairs.csv", index=False, lineterminator="\n")
    contrast[order].to_csv(ROOT / "corpora" / "contrast_set.csv", index=False, lineterminator="\n")
    for name, frame in (("team_pairs", pairs), ("contrast_set", contrast)):
        issue = (frame["labels"] != "other").mean()
        print(
            f"{name}: {len(frame)} texts, {frame['group'].nunique()} groups, {issue:.1%} with an issue label; "
            f"registers {frame['register'].value_counts().to_dict()}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
