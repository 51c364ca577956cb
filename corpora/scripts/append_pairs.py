"""Append a new batch of training minimal pairs (written by new writers) to ``corpora/team_pairs.csv``.

``add_pairs.py`` assembled the first pairs and the contrast set together; the contrast set is now fixed, so later
batches go through this script instead. It keeps the same line:

1. validates every draft row as add_pairs does (labels, presale, register lengths);
2. drops exact duplicates of each other and of any corpus or contrast-set text;
3. drops a new text that is a near-duplicate (shared character 5-grams >= 0.6 of the smaller text, for texts
   at most twice as long as each other) of a team or real TEST text, or of any contrast-set text, that holds such
   a text of 6 or more characters whole (added after the fifth batch), or that shares a 12-character phrase with
   a contrast-set text (the rule that checks the contrast set against training texts);
4. drops texts whose labels a blind second reader did not agree with, when ``DRAFTS_DIR/blind`` holds a reading
   (``*_labels.tsv`` with columns item, labels, presale, and ``DRAFTS_DIR/blind_key_train.csv`` mapping item
   to the draft's group and text);
5. appends the rest with ids continuing ``tp-NNNNN``; a group that lost all but one text is dropped whole.

    python corpora/scripts/append_pairs.py DRAFTS_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import add_pairs
from add_pairs import read_drafts  # the same validation as the first batches

ROOT = Path(__file__).resolve().parents[2]


def main(drafts: str) -> None:
    from complaintmine.corpus.load import load_corpus
    from complaintmine.labels import format_labels, parse_labels
    from complaintmine.model.contrast import load_contrast_set

    def canon(cell: str) -> str:
        return format_labels(parse_labels(cell))

    folder = Path(drafts)
    new = read_drafts(folder / "train", "T", canon)
    existing = pd.read_csv(ROOT / "corpora" / "team_pairs.csv", dtype=str, keep_default_na=False)
    assert not set(new["group"]) & set(existing["group"]), "group ids already used"
    corpus = load_corpus(ROOT / "corpora").frame
    assert corpus["origin"].eq("real").any(), "the shared pool is needed to check near-duplicates against real texts"
    contrast = load_contrast_set(ROOT / "corpora")

    known = set(corpus["text"]) | set(contrast["text"])
    exact = new["text"].isin(known)
    new = new[~exact].reset_index(drop=True)
    print(f"new: {int(exact.sum())} exact duplicates of corpus or contrast texts dropped")

    test_texts = corpus.loc[corpus["split"] == "test", "text"].tolist()
    contrast_texts = contrast["text"].tolist()
    near, shared = add_pairs.crossing(new["text"].tolist(), test_texts + contrast_texts, contrast_texts, contain=True)
    drop = sorted(near | shared)
    new = new.drop(index=drop).reset_index(drop=True)
    print(
        f"new: {len(near)} near-duplicates of test or contrast texts and {len(shared)} {add_pairs.PHRASE}-character phrase "
        f"matches of contrast texts dropped ({len(drop)} texts)"
    )

    key_path = folder / "blind_key_train.csv"
    if key_path.exists():
        key = pd.read_csv(key_path, dtype=str, keep_default_na=False)
        readings = pd.concat(
            [
                pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False)
                for p in sorted((folder / "blind").glob("*_labels.tsv"))
            ]
        ).merge(key, on="item", validate="one_to_one")
        second = {t: canon(cell) for t, cell in zip(readings["text"], readings["labels"])}
        read = new["text"].isin(second)
        agreed = [second.get(t) == cell for t, cell in zip(new["text"], new["labels"])]
        n_read = int(read.sum())
        n_agreed = sum(a for a, r in zip(agreed, read) if r)
        print(f"new: the blind second reading covers {n_read} texts and agrees on {n_agreed} label sets")
        new = new[[a or not r for a, r in zip(agreed, read)]].reset_index(drop=True)

    sizes = new.groupby("group")["text"].transform("size")
    lone = int((sizes < 2).sum())
    new = new[sizes >= 2].reset_index(drop=True)
    print(f"new: {lone} texts left alone in their group dropped; {len(new)} kept in {new['group'].nunique()} groups")
    start = int(existing["id"].str[3:].astype(int).max()) + 1
    new.insert(0, "id", [f"tp-{k:05d}" for k in range(start, start + len(new))])
    new["split"] = "train"
    order = list(existing.columns)
    out = pd.concat([existing, new[order]], ignore_index=True)
    out.to_csv(ROOT / "corpora" / "team_pairs.csv", index=False, lineterminator="\n")
    issue = (new["labels"] != "other").mean()
    print(
        f"team_pairs: {len(existing)} + {len(new)} = {len(out)} texts; the new ones {issue:.1%} with an issue label, "
        f"registers {new['register'].value_counts().to_dict()}, variants {new['variant'].value_counts().to_dict()}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
