"""Propose more real texts for labelling from a first model's predictions (active learning).

For each issue label: the unlabelled texts the model scores highest (likely positives the keyword searches
missed), and texts scored near the label's threshold (where the model is unsure). The model only proposes;
every label is still decided by an annotator reading the text.

    python corpora/scripts/active_learning.py MODEL_DIR OUT.tsv [PER_LABEL_TOP] [PER_LABEL_UNSURE]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
import complaintmine as cm  # noqa: E402
from complaintmine.corpus.keys import text_sha1  # noqa: E402


def main(model_dir: str, out_path: str, top: str = "250", unsure: str = "150") -> None:
    model = cm.load_model(model_dir)
    labelled = {r["text_sha1"] for r in csv.DictReader(open(ROOT / "corpora" / "real_labels.csv", encoding="utf-8"))}
    csv.field_size_limit(1 << 30)
    rows, seen = [], set(labelled)
    for row in csv.DictReader(open(ROOT.parent / "shared" / "corpora" / "real_reviews.csv", encoding="utf-8")):
        digest = text_sha1(row["text"])
        if digest not in seen and row["text"].strip():
            seen.add(digest)
            rows.append((row, digest))
    proba = model.classifier.predict_proba([r["text"] for r, _ in rows])
    thresholds = model.classifier.thresholds()
    picked: dict[int, str] = {}
    for j, name in enumerate(cm.ISSUE_LABELS):
        for i in np.argsort(-proba[:, j])[: int(top)]:
            picked.setdefault(int(i), f"model_top:{name}")
        for i in np.argsort(np.abs(proba[:, j] - thresholds[j]))[: int(unsure)]:
            picked.setdefault(int(i), f"model_unsure:{name}")
    with open(out_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["source", "source_id", "text_sha1", "proposer"])
        for i, proposer in sorted(picked.items()):
            row, digest = rows[i]
            writer.writerow([row["source"], row["source_id"], digest, proposer])
    print(f"{len(picked)} candidates from {len(rows)} unlabelled texts written to {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
