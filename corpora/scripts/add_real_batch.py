"""Add one keyword-proposed batch of real texts to corpora/real_labels.csv, with splits assigned as in build_corpus.

For a gap found by error analysis on the training split, when the original annotation work folder is not at hand:

1. ``propose WORKDIR NAME PATTERN`` takes every unlabelled, non-empty pool text matching the regular expression
   PATTERN, in pool order, and writes two batches ``NAME_1.tsv`` / ``NAME_2.tsv`` (item, text) and
   ``meta_NAME.csv`` (item, source, source_id, text_sha1) into WORKDIR (outside the repository: texts are
   research-only).
2. Annotator sessions label the batches reading LABELS.md into ``NAME_*_labels.tsv`` (item, labels, presale, note).
3. ``apply WORKDIR NAME ANNOTATORS`` appends the texts with proposer ``kw_NAME``; ANNOTATORS names who labelled
   each batch, comma-separated in batch order. Splits follow build_corpus.py:
   committed texts keep theirs, a new text joins the split of a near-duplicate, the rest are split one group in
   five to test by the same hash rule, and a new text that bridges a training and a test group is left out.

    python corpora/scripts/add_real_batch.py propose WORKDIR courier '(快递|物流|配送|送货).{0,6}(慢|久|几天|天才)'
    python corpora/scripts/add_real_batch.py apply WORKDIR courier annotator-P,annotator-Q
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from complaintmine.corpus.keys import text_sha1
from complaintmine.corpus.splits import assign_splits, stratum
from complaintmine.labels import format_labels, parse_labels

ROOT = Path(__file__).resolve().parents[2]

LABELS = ROOT / "corpora" / "real_labels.csv"


def _pool(shared: Path) -> pd.DataFrame:
    pool = pd.read_csv(shared / "corpora" / "real_reviews.csv", dtype=str, keep_default_na=False)
    return pool[["source", "source_id", "text"]]


def propose(workdir: str, name: str, pattern: str, shared: str = str(ROOT.parent / "shared")) -> None:
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    real = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    labelled, hashes = set(zip(real["source"], real["source_id"])), set(real["text_sha1"])
    search = re.compile(pattern)
    rows = []
    for source, source_id, text in _pool(Path(shared)).itertuples(index=False):
        digest = text_sha1(text)
        if text.strip() and (source, source_id) not in labelled and digest not in hashes and search.search(text):
            hashes.add(digest)  # an exact repeat in the pool is proposed once
            rows.append((source, source_id, digest, " ".join(text.split())))
    half, meta = (len(rows) + 1) // 2, []
    for b, chunk in enumerate((rows[:half], rows[half:]), start=1):
        with open(work / f"{name}_{b}.tsv", "w", encoding="utf-8") as fh:
            fh.write("item\ttext\n")
            for k, (source, source_id, digest, text) in enumerate(chunk):
                item = f"{name}_{b}-{k:04d}"
                fh.write(f"{item}\t{text}\n")
                meta.append({"item": item, "source": source, "source_id": source_id, "text_sha1": digest})
    pd.DataFrame(meta).to_csv(work / f"meta_{name}.csv", index=False)
    print(f"{len(rows)} unlabelled pool texts match; batches {name}_1.tsv and {name}_2.tsv written")


def apply(workdir: str, name: str, annotators: str, shared: str = str(ROOT.parent / "shared")) -> None:
    work = Path(workdir)
    meta = pd.read_csv(work / f"meta_{name}.csv", dtype=str, keep_default_na=False)
    files = sorted(work.glob(f"{name}_*_labels.tsv"))
    who = annotators.split(",")
    assert len(who) == len(files), f"name one annotator per batch ({len(files)} label files)"
    labels = pd.concat(
        [pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False).assign(annotator=a) for p, a in zip(files, who)]
    )
    new = meta.merge(labels[["item", "labels", "presale", "annotator"]], on="item", validate="one_to_one")
    assert len(new) == len(meta), "every proposed text needs a label"
    assert new["presale"].isin(["0", "1"]).all(), "presale must be 0 or 1"
    new["labels"] = [format_labels(parse_labels(cell)) for cell in new["labels"]]  # raises on a bad label
    real = pd.read_csv(LABELS, dtype=str, keep_default_na=False)
    if real["proposer"].eq(f"kw_{name}").any():
        raise SystemExit(f"kw_{name} texts are in {LABELS.name} already")
    pool = _pool(Path(shared)).set_index(["source", "source_id"])["text"]
    committed_texts = [pool[(s, i)] for s, i in zip(real["source"], real["source_id"])]
    new_texts = [pool[(s, i)] for s, i in zip(new["source"], new["source_id"])]
    assert [text_sha1(t) for t in new_texts] == new["text_sha1"].tolist(), "the pool changed since propose"
    strata = [stratum(parse_labels(cell), int(flag)) for cell, flag in zip(real["labels"], real["presale"])]
    strata += [stratum(parse_labels(cell), int(flag)) for cell, flag in zip(new["labels"], new["presale"])]
    fixed = real["split"].tolist() + [None] * len(new)
    splits = assign_splits(committed_texts + new_texts, strata, fixed)
    assert splits[: len(real)] == real["split"].tolist(), "a committed text would change split"
    new["split"] = splits[len(real) :]
    new["proposer"] = f"kw_{name}"
    left_out = new["split"].isna()
    if left_out.any():
        print(f"left out {int(left_out.sum())} new texts that are near-duplicates of both a train and a test text")
    added = new.loc[~left_out, real.columns.tolist()]
    pd.concat([real, added]).to_csv(LABELS, index=False, lineterminator="\n")
    counts = Counter(zip(added["split"], added["labels"]))
    print(f"added {len(added)} texts:", dict(sorted(counts.items())))


if __name__ == "__main__":
    commands = {"propose": propose, "apply": apply}
    commands[sys.argv[1]](*sys.argv[2:])
