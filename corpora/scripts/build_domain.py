"""Build a domain file of corpora/domains/ (issue 17's adaptation experiments) from several writers' drafts.

    python corpora/scripts/build_domain.py DRAFTS_DIR NAME KIND

DRAFTS_DIR holds the writers' files ``W*.csv`` (columns id, text, labels, presale) and, in ``blind/``, a blind
second reading: ``key_*.csv`` (item, id, text) and ``*_labels.tsv`` (item, labels, presale). The script

1. validates labels (the six names, ``other`` alone) and presale, and collapses whitespace in texts;
2. drops exact duplicates, and texts that are near-duplicates (the corpus rule) of any text of the project
   corpus or of another domain file, so a domain stays new to the shipped model;
3. keeps only texts whose label set AND presale the blind reader gave too (a disputed text is dropped, not
   adjudicated), and every draft text must have been read;
4. assigns train/test by the corpus's own rule (corpus/splits.py: 20% of near-duplicate groups, stratified);
5. writes ``corpora/domains/NAME.csv`` with columns id, text, labels, presale, split, kind, author.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def main(drafts: str, name: str, kind: str) -> None:
    from complaintmine.corpus.dedup import near_duplicate_pairs
    from complaintmine.corpus.load import load_corpus
    from complaintmine.corpus.splits import assign_splits, stratum
    from complaintmine.labels import format_labels, parse_labels

    folder = Path(drafts)
    frames = []
    for path in sorted(folder.glob("W*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert list(frame.columns) == ["id", "text", "labels", "presale"], f"{path}: columns {list(frame.columns)}"
        frame["author"] = f"team-writer-{name}-{path.stem}"
        frames.append(frame)
    new = pd.concat(frames, ignore_index=True)
    new["text"] = [" ".join(t.split()) for t in new["text"]]
    new["labels"] = [format_labels(parse_labels(cell)) for cell in new["labels"]]
    assert new["presale"].isin(["0", "1"]).all(), "presale must be 0 or 1"
    assert new["id"].is_unique, "draft ids must be unique"
    before = len(new)
    new = new.drop_duplicates("text").reset_index(drop=True)
    print(f"{name}: {before} draft texts from {len(frames)} writers, {before - len(new)} exact duplicates dropped")

    key = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("blind/key_*.csv"))])
    readings = pd.concat(
        [pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False) for p in sorted(folder.glob("blind/*_labels.tsv"))]
    ).merge(key[["item", "id"]], on="item", validate="one_to_one")
    second = {
        i: (format_labels(parse_labels(cell)), p.strip())
        for i, cell, p in zip(readings["id"], readings["labels"], readings["presale"])
    }
    missing = set(new["id"]) - set(second)
    assert not missing, f"{len(missing)} texts have no blind reading, e.g. {sorted(missing)[:3]}"
    labels_agree = [second[i][0] == cell for i, cell in zip(new["id"], new["labels"])]
    presale_agree = [second[i][1] == p for i, p in zip(new["id"], new["presale"])]
    both = [a and b for a, b in zip(labels_agree, presale_agree)]
    print(
        f"{name}: the blind reading agrees on {sum(labels_agree)} of {len(new)} label sets "
        f"({sum(labels_agree) / len(new):.1%}) and {sum(presale_agree)} presale flags ({sum(presale_agree) / len(new):.1%}); "
        f"{len(new) - sum(both)} disputed texts dropped"
    )
    new = new[both].reset_index(drop=True)

    others = load_corpus(ROOT / "corpora").frame["text"].tolist()
    for path in sorted((ROOT / "corpora" / "domains").glob("*.csv")):
        if path.stem != name:
            others += pd.read_csv(path, dtype=str, keep_default_na=False)["text"].tolist()
    texts = new["text"].tolist()
    crossing = {i for i, j, _ in near_duplicate_pairs(texts + others) if i < len(texts) <= j}
    new = new.drop(index=sorted(crossing)).reset_index(drop=True)
    print(f"{name}: {len(crossing)} near-duplicates of corpus or other domain texts dropped")

    strata = [stratum(parse_labels(cell), int(p)) for cell, p in zip(new["labels"], new["presale"])]
    new["split"] = assign_splits(new["text"].tolist(), strata)
    assert new["split"].notna().all()
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
    main(*sys.argv[1:4])
