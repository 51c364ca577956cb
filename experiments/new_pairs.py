"""Issue #13: does a new batch of training minimal pairs earn its place? 3-fold cross-validation on the TRAINING
split only, with and without the batch, on the same folds.

Folds are drawn on the whole training split (the new pairs included), keeping near-duplicates and pair groups
together (``model.selection.fold_groups``). "without" trains each fold on its training rows minus the new pairs;
"with" on all of them. Both score the same held-out rows, in four parts: real texts, the team-written texts of
team_written.csv, the earlier minimal pairs and the new ones (a complaint variant is right when it gets its
labels, a non-complaint variant when it gets none: the contrast-set rule). The contrast set is not read.

The rule, fixed here before the run: keep the batch if, with the shipped design, the mean of the two sides of
the EARLIER pairs rises by at least 0.005 while real and team micro-F1 each fall by at most 0.005.

    .venv/bin/python experiments/new_pairs.py FIRST_ID            # the shipped design (linear + gated forest),
                                                                  # about 25 minutes on 2 idle cores
    .venv/bin/python experiments/new_pairs.py FIRST_ID --linear   # its linear part only, about 3 minutes

FIRST_ID is the number of the batch's first pair id (tp-08888 -> 8888). Prints; writes nothing.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

import complaintmine as cm
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.selection import fold_groups, folds
from contrast_variants import pair_accuracy  # the same scoring

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = json.loads((ROOT / "models" / "complaintmine-zh-0.5.0.train.json").read_text("utf-8"))
GAIN, LOSS = 0.005, 0.005


def figures(Y: np.ndarray, pred: np.ndarray, part: np.ndarray) -> dict[str, float]:
    real = compute_metrics(Y[part == "real"], pred[part == "real"])
    team = compute_metrics(Y[part == "team"], pred[part == "team"])
    old = pair_accuracy(Y[part == "old"], pred[part == "old"])
    new = pair_accuracy(Y[part == "new"], pred[part == "new"])
    row = {
        "real": real["micro_f1"],
        "team": team["micro_f1"],
        "old pairs: complaint": old["complaint_accuracy"],
        "old pairs: non-complaint": old["non_complaint_accuracy"],
        "new pairs: complaint": new["complaint_accuracy"],
        "new pairs: non-complaint": new["non_complaint_accuracy"],
    }
    row.update({f"{label} R": real["labels"][label]["f1"] for label in real["labels"]})
    return {name: round(value, 4) for name, value in row.items()}


def main(first_id: int, linear: bool) -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    frame = corpus.frame
    texts, Y = corpus.texts, corpus.targets()
    keys = frame["key"].astype(str)
    is_pair = keys.str.startswith("pair:").to_numpy()
    number = np.array([int(k.rsplit("-", 1)[1]) if p else -1 for k, p in zip(keys, is_pair)])
    is_new = number >= first_id
    assert is_new.any(), f"no pair id from {first_id}"
    part = np.where(is_new, "new", np.where(is_pair, "old", frame["origin"].to_numpy()))
    config = cm.TrainConfig.from_dict({**SHIPPED, **({"forest": "none"} if linear else {})})
    fold_list = folds(texts, Y, fold_groups(texts, frame["group"].tolist()))
    print(
        f"{len(texts):,} training texts, {int(is_new.sum()):,} of them new pairs; design: "
        f"{'linear part' if linear else 'linear + gated forest'}",
        file=sys.stderr,
    )
    rows = {}
    for name, keep_new in (("without the new pairs", False), ("with the new pairs", True)):
        started = time.time()
        pred = np.zeros_like(Y)
        for train_idx, test_idx in fold_list:
            rows_idx = train_idx if keep_new else train_idx[~is_new[train_idx]]
            weights = config.sample_weights(frame.iloc[rows_idx])
            clf = config.classifier().fit([texts[i] for i in rows_idx], Y[rows_idx], sample_weight=weights)
            pred[test_idx] = clf.predict([texts[i] for i in test_idx])
        rows[name] = figures(Y, pred, part)
        print(f"{name} ({time.time() - started:.0f}s): {json.dumps(rows[name], ensure_ascii=False)}")
    base, new = rows["without the new pairs"], rows["with the new pairs"]
    old_side = ("old pairs: complaint", "old pairs: non-complaint")
    gain = sum(new[k] - base[k] for k in old_side) / 2
    keep = gain >= GAIN and new["real"] >= base["real"] - LOSS and new["team"] >= base["team"] - LOSS
    print(
        f"earlier pairs, mean of both sides: {gain:+.4f}; real {new['real'] - base['real']:+.4f}; "
        f"team {new['team'] - base['team']:+.4f} -> {'keep' if keep else 'do not keep'} the batch by the rule"
    )


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main(int(sys.argv[1]), "--linear" in sys.argv[2:])
