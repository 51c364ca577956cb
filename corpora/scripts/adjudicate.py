"""A second, blind reading of the training texts the model disputes most, settled by a per-label majority vote.

Round by round:

1. ``propose WORKDIR ROUND N`` scores the training split out of fold (3 folds grouped by near-duplicates, the
   default model's configuration, as ``experiments/compare.py``), takes the N real training texts whose prediction
   disagrees most confidently with their label (texts read twice in an earlier round are skipped), mixes in
   N/8 control texts where model and label agree, shuffles them and writes two batches
   ``rROUND_1.tsv`` / ``rROUND_2.tsv`` (item, text) plus ``meta_rROUND.csv`` (item, key, kind d|c, model).
2. Annotator sessions label each batch reading LABELS.md, blind to the first label and to the model, into
   ``rROUND_*_labels.tsv`` (item, labels, presale, note).
3. ``apply WORKDIR ROUND`` decides each issue label of a disputed text by the majority of the three readings
   (first label, second reading, model); controls and ``presale`` keep the first label. It appends the round to
   ``corpora/adjudication.csv`` and updates the changed rows of ``corpora/real_labels.csv``.

The test split is never proposed or changed: its labels were audited blind, at random, instead
(corpora/README.md). Texts stay in WORKDIR, outside the repository: they are research-only.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from complaintmine.labels import ISSUE_LABELS as ISSUES
from complaintmine.labels import format_labels, parse_labels

ROOT = Path(__file__).resolve().parents[2]
TAG = "+adjudicated"
LOG = ROOT / "corpora" / "adjudication.csv"


def as_set(labels: str) -> set[str]:
    """The issue labels of a cell; raises ValueError on an unknown label, an empty cell or 'other' mixed in."""
    return set(parse_labels(labels))


def out_of_fold(corpus) -> np.ndarray:
    """The default configuration's out-of-fold probabilities, on the folds of complaintmine.model.selection."""
    from complaintmine.model.selection import out_of_fold

    return out_of_fold(corpus.texts, corpus.targets())[0]


def propose(workdir: str, round_: str, n: str) -> None:
    import complaintmine as cm

    work, count = Path(workdir), int(n)
    work.mkdir(parents=True, exist_ok=True)
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    Y, keys = corpus.targets()[:, :5], corpus.frame["key"].tolist()
    proba = out_of_fold(corpus)[:, :5]
    done = set()
    if LOG.exists():
        log = pd.read_csv(LOG, dtype=str, keep_default_na=False)
        done = {f"real:{s}:{i}" for s, i in zip(log["source"], log["source_id"])}
    real = (corpus.frame["origin"] == "real").to_numpy() & np.array([k not in done for k in keys])
    wrong = (proba >= 0.5) != (Y == 1)
    dispute = np.where(wrong, np.abs(proba - Y), 0.0).max(axis=1)  # how confidently the model disagrees
    disputed = np.flatnonzero(real & (dispute > 0))
    disputed = disputed[np.argsort(-dispute[disputed], kind="stable")][:count]
    rng = random.Random(7)
    controls = rng.sample(sorted(np.flatnonzero(real & (dispute == 0))), count // 8)
    rows = [(int(i), "d") for i in disputed] + [(int(i), "c") for i in controls]
    rng.shuffle(rows)
    meta, half = [], (len(rows) + 1) // 2
    for b, chunk in enumerate((rows[:half], rows[half:]), start=1):
        with open(work / f"r{round_}_{b}.tsv", "w", encoding="utf-8") as fh:
            fh.write("item\ttext\n")
            for k, (i, kind) in enumerate(chunk):
                item = f"r{round_}_{b}-{k:04d}"
                fh.write(f"{item}\t{' '.join(corpus.texts[i].split())}\n")
                model = format_labels({ISSUES[j] for j in range(5) if proba[i, j] >= 0.5})
                meta.append({"item": item, "key": keys[i], "kind": kind, "model": model})
    pd.DataFrame(meta).to_csv(work / f"meta_r{round_}.csv", index=False)
    print(
        f"round {round_}: {len(disputed)} disputed + {len(controls)} controls, lowest dispute {dispute[disputed].min():.2f}"
    )


def apply(workdir: str, round_: str) -> None:
    work = Path(workdir)
    earlier = pd.read_csv(LOG, dtype=str, keep_default_na=False) if LOG.exists() else None
    if earlier is not None and (earlier["round"] == round_).any():
        # The first readings are taken from real_labels.csv, which this round already changed.
        raise SystemExit(
            f"round {round_} is in {LOG.name} already; applying it twice would log decided labels as first"
        )
    meta = pd.read_csv(work / f"meta_r{round_}.csv", dtype=str)
    second = pd.concat(
        [
            pd.read_csv(p, sep="\t", dtype=str, keep_default_na=False)
            for p in sorted(work.glob(f"r{round_}_*_labels.tsv"))
        ]
    )
    readings = meta.merge(second[["item", "labels"]], on="item", validate="one_to_one")
    assert len(readings) == len(meta), "every proposed text needs a second reading"
    real = pd.read_csv(ROOT / "corpora" / "real_labels.csv", dtype=str, keep_default_na=False)
    index = {f"real:{s}:{i}": n for n, (s, i) in enumerate(zip(real["source"], real["source_id"]))}
    out, changed = [], 0
    for r in readings.itertuples():
        n = index[r.key]
        assert real.at[n, "split"] == "train", "the test split is never adjudicated"
        first, again, model = as_set(real.at[n, "labels"]), as_set(r.labels), as_set(r.model)
        voted = {label for label in ISSUES if (label in first) + (label in again) + (label in model) >= 2}
        decided = format_labels(voted if r.kind == "d" else first)
        out.append(
            {
                "round": round_,
                "source": real.at[n, "source"],
                "source_id": real.at[n, "source_id"],
                "text_sha1": real.at[n, "text_sha1"],
                "kind": "disputed" if r.kind == "d" else "control",
                "first": format_labels(first),
                "second": format_labels(again),
                "model": format_labels(model),
                "adjudicated": decided,
            }
        )
        if decided != real.at[n, "labels"]:
            real.at[n, "labels"] = decided
            if not real.at[n, "annotator"].endswith(TAG):
                real.at[n, "annotator"] += TAG
            changed += 1
    table = pd.DataFrame(out).sort_values(["source", "source_id"], kind="stable")
    if earlier is not None:
        table = pd.concat([earlier, table])
    table.to_csv(LOG, index=False, lineterminator="\n")
    real.to_csv(ROOT / "corpora" / "real_labels.csv", index=False, lineterminator="\n")
    print(f"round {round_}: {len(readings)} texts read twice, {changed} label sets changed")


if __name__ == "__main__":
    commands = {"propose": propose, "apply": apply}
    commands[sys.argv[1]](*sys.argv[2:])
