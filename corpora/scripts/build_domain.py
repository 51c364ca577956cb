"""Build a domain file of corpora/domains/ (issue 17's adaptation experiments) from several writers' drafts.

    python corpora/scripts/build_domain.py DRAFTS_DIR NAME KIND

DRAFTS_DIR holds the writers' files ``W*.csv`` (columns id, text, labels, presale) and, in ``blind/``, a blind
second reading: ``key_*.csv`` (item, id, text) and ``*_labels.tsv`` (item, labels, presale). The script

1. validates labels (the six names, ``other`` alone) and presale, collapses whitespace in texts and drops exact
   duplicates (reported);
2. keeps only texts whose label set AND presale the blind reader gave too (a disputed text is dropped, not
   adjudicated); every draft text must have been read exactly once, as the text the reader saw;
3. drops texts that are near-duplicates (the corpus rule) of a text of the project corpus (with the labelled
   real texts when ../shared is there; the script says when it is not) or of another domain file, so a domain
   stays new to the shipped model;
4. assigns train/test by the corpus's own rule (corpus/splits.py: 20% of near-duplicate groups, stratified);
5. writes ``corpora/domains/NAME.csv`` with columns id, text, labels, presale, split, kind, author.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def fail(message: str) -> None:
    raise SystemExit(f"build_domain: {message}")


def main(drafts: str, name: str, kind: str) -> None:
    from complaintmine.corpus.dedup import near_duplicate_pairs
    from complaintmine.corpus.load import load_corpus
    from complaintmine.corpus.splits import assign_splits, stratum
    from complaintmine.labels import format_labels, parse_labels

    folder = Path(drafts)
    frames = []
    for path in sorted(folder.glob("W*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if list(frame.columns) != ["id", "text", "labels", "presale"]:
            fail(f"{path}: columns must be id, text, labels, presale, found {list(frame.columns)}")
        frame["author"] = f"team-writer-{name}-{path.stem}"
        frames.append(frame)
    new = pd.concat(frames, ignore_index=True)
    new["text"] = [" ".join(t.split()) for t in new["text"]]
    new["labels"] = [format_labels(parse_labels(cell)) for cell in new["labels"]]
    if not new["presale"].isin(["0", "1"]).all():
        fail("presale must be 0 or 1 in every draft")
    if not new["id"].is_unique:
        fail("draft ids must be unique")
    before = len(new)
    doubled = new[new.duplicated("text", keep=False)]
    conflicting = int((doubled.groupby("text")[["labels", "presale"]].nunique() > 1).any(axis=1).sum())
    new = new.drop_duplicates("text").reset_index(drop=True)
    print(
        f"{name}: {before} draft texts from {len(frames)} writers, {before - len(new)} exact duplicates dropped "
        f"({conflicting} of them labelled differently by their writers)"
    )

    key = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("blind/key_*.csv"))])
    readings = pd.concat(
        [pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False) for p in sorted(folder.glob("blind/*_labels.tsv"))]
    ).merge(key[["item", "id", "text"]], on="item", validate="one_to_one")
    if not readings["id"].is_unique:
        fail("a draft text was read more than once")
    strays = set(readings["id"]) - set(pd.concat(frames)["id"])
    if strays:
        fail(f"readings of ids no draft has, e.g. {sorted(strays)[:3]}")
    if not readings["presale"].str.strip().isin(["0", "1"]).all():
        fail("the blind reading's presale must be 0 or 1")
    seen = dict(zip(readings["id"], (" ".join(t.split()) for t in readings["text"])))
    changed = [i for i, t in zip(new["id"], new["text"]) if i in seen and seen[i] != t]
    if changed:
        fail(f"{len(changed)} draft texts differ from the text their blind reader saw, e.g. {changed[:3]}")
    second = {
        i: (format_labels(parse_labels(cell)), p.strip())
        for i, cell, p in zip(readings["id"], readings["labels"], readings["presale"])
    }
    missing = set(new["id"]) - set(second)
    if missing:
        fail(f"{len(missing)} texts have no blind reading, e.g. {sorted(missing)[:3]}")
    labels_agree = [second[i][0] == cell for i, cell in zip(new["id"], new["labels"])]
    presale_agree = [second[i][1] == p for i, p in zip(new["id"], new["presale"])]
    both = [a and b for a, b in zip(labels_agree, presale_agree)]
    print(
        f"{name}: the blind reading agrees on {sum(labels_agree)} of {len(new)} label sets "
        f"({sum(labels_agree) / len(new):.1%}) and {sum(presale_agree)} presale flags ({sum(presale_agree) / len(new):.1%}); "
        f"{len(new) - sum(both)} disputed texts dropped"
    )
    new = new[both].reset_index(drop=True)

    corpus = load_corpus(ROOT / "corpora")
    for note in corpus.notes:
        print(f"{name}: note: {note}")
    others = corpus.frame["text"].tolist()
    for path in sorted((ROOT / "corpora" / "domains").glob("*.csv")):
        if path.stem != name:
            others += pd.read_csv(path, dtype=str, keep_default_na=False)["text"].tolist()
    texts = new["text"].tolist()
    crossing = {i for i, j, _ in near_duplicate_pairs(texts + others) if i < len(texts) <= j}
    new = new.drop(index=sorted(crossing)).reset_index(drop=True)
    print(f"{name}: {len(crossing)} near-duplicates of corpus or other domain texts dropped")

    strata = [stratum(parse_labels(cell), int(p)) for cell, p in zip(new["labels"], new["presale"])]
    new["split"] = assign_splits(new["text"].tolist(), strata)
    if new["split"].isna().any():
        fail("a text could not be placed in a split")
    new["kind"] = kind
    new = new[["id", "text", "labels", "presale", "split", "kind", "author"]]
    out = ROOT / "corpora" / "domains" / f"{name}.csv"
    new.to_csv(out, index=False, lineterminator="\n")
    counts = new["labels"].str.split("|").explode().value_counts().to_dict()
    print(
        f"{out.relative_to(ROOT)}: {len(new)} texts, splits {new['split'].value_counts().to_dict()}, labels {counts}, "
        f"presale {int(new['presale'].astype(int).sum())}, authors {new['author'].value_counts().to_dict()}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 4:
        fail("usage: python corpora/scripts/build_domain.py DRAFTS_DIR NAME KIND")
    main(*sys.argv[1:4])
