"""Write ``corpora/real_evidence.csv`` from the readers' evidence marks (corpus/evidence.py says what it is for).

The drafts folder holds ``rat_key.csv`` (item, key, label, text: one row per issue label of a real training
text, as the readers were given it) and ``rat/*_evidence.tsv`` (item, evidence, verdict): each evidence piece is
an exact substring of the text, pieces joined by `` || ``. A piece is placed at its first occurrence after the
previous piece (or anywhere, if it occurs only before). Rows the reader called ``wrong`` get no evidence (the
label stays as it is; they are listed for a later adjudication), and so do rows whose pieces cannot be found.
Only offsets are written: the texts are research-only.

    python corpora/scripts/add_evidence.py DRAFTS_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def place(text: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    spans, at = [], 0
    for piece in pieces:
        start = text.find(piece, at)
        if start < 0:
            start = text.find(piece)
        if start < 0:
            return None
        spans.append((start, start + len(piece)))
        at = start + len(piece)
    return spans


def main(drafts: str) -> None:
    from complaintmine.corpus.keys import text_sha1
    from complaintmine.corpus.load import load_corpus

    folder = Path(drafts)
    key = pd.read_csv(folder / "rat_key.csv", dtype=str, keep_default_na=False)
    marks = pd.concat(
        [
            pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False)
            for p in sorted((folder / "rat").glob("*_evidence.tsv"))
        ]
    )
    assert marks["item"].is_unique, "an item was marked twice"
    merged = key.merge(marks, on="item", how="left", validate="one_to_one")
    real = pd.read_csv(ROOT / "corpora" / "real_labels.csv", dtype=str, keep_default_na=False)
    ids = {f"real:{s}:{i}": (s, i) for s, i in zip(real["source"], real["source_id"])}
    corpus = load_corpus(ROOT / "corpora").frame
    text_of = dict(zip(corpus["key"], corpus["text"]))
    rows, counts = [], {"unmarked": 0, "wrong": 0, "not found": 0, "kept": 0}
    for item in merged.itertuples(index=False):
        text = text_of[item.key]  # the pool text itself (the readers saw tabs and newlines as spaces)
        if item.verdict not in ("ok", "unsure"):
            counts["wrong" if item.verdict == "wrong" else "unmarked"] += 1
            continue
        spans = place(text.replace("\t", " ").replace("\n", " "), [p for p in item.evidence.split(" || ") if p])
        if not spans:
            counts["not found"] += 1
            continue
        source, source_id = ids[item.key]
        cell = "|".join(f"{s}-{e}" for s, e in spans)
        rows.append(
            {"source": source, "source_id": source_id, "text_sha1": text_sha1(text), "label": item.label, "spans": cell}
        )
        counts["kept"] += 1
    out = pd.DataFrame(rows).sort_values(["source", "source_id", "label"], kind="stable")
    out.to_csv(ROOT / "corpora" / "real_evidence.csv", index=False)
    print(counts, f"-> {len(out)} rows in corpora/real_evidence.csv")
    wrong = merged[merged["verdict"] == "wrong"][["key", "label"]]
    wrong.to_csv(folder / "evidence_wrong.csv", index=False)  # keys only, for a later adjudication


if __name__ == "__main__":
    main(sys.argv[1])
