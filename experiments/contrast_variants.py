"""Issue #13: the minimal pairs and modality-marked words, by 3-fold cross-validation on the TRAINING split only.

Every variant is scored on the same folds, which keep near-duplicates and minimal-pair groups together
(``model.selection.fold_groups``). Held-out folds are scored on three parts: real texts, the team-written
texts of ``team_written.csv``, and the team-written minimal pairs (a complaint variant is right when it gets
its labels, a non-complaint variant when it gets none: the contrast-set rule). A variant "without pairs"
trains on the folds' other texts only, but is still scored on the held-out pairs. The contrast set
(``corpora/contrast_set.csv``) is not read: it is scored once, for the chosen model, by ``complaintmine
evaluate``. Writes models/contrast_variants.json and the table between the CONTRAST markers of models/README.md.

    .venv/bin/python experiments/contrast_variants.py      # about 10 minutes on 2 idle cores
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

import complaintmine as cm
from complaintmine.labels import ISSUE_LABELS
from complaintmine.model.evaluation import compute_metrics
from complaintmine.model.selection import fold_groups, folds

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = json.loads((ROOT / "models" / "complaintmine-zh-0.1.0.train.json").read_text(encoding="utf-8"))
VARIANTS: dict[str, tuple[bool, dict[str, object]]] = {  # name: (train on the pairs?, TrainConfig changes)
    "0.1.0 configuration, no minimal pairs": (False, {}),
    "+ minimal pairs": (True, {}),
    "+ minimal pairs + modality-marked words (0.2.0)": (True, {"modality": "sentence"}),
}


def pair_accuracy(Y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    gold, got = Y[:, : len(ISSUE_LABELS)], pred[:, : len(ISSUE_LABELS)]
    complaint = gold.sum(axis=1) > 0
    return {
        "complaint_accuracy": float((got[complaint] >= gold[complaint]).all(axis=1).mean()),
        "non_complaint_accuracy": float((got[~complaint].sum(axis=1) == 0).mean()),
    }


def main() -> None:
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    for note in corpus.notes:
        print("note:", note, file=sys.stderr)
    frame = corpus.frame
    texts, Y = corpus.texts, corpus.targets()
    is_pair = frame["key"].str.startswith("pair:").to_numpy()
    part = np.where(is_pair, "pairs", frame["origin"].to_numpy())
    fold_list = folds(texts, Y, fold_groups(texts, frame["group"].tolist()))
    table: dict[str, dict[str, object]] = {}
    for name, (with_pairs, changes) in VARIANTS.items():
        started = time.time()
        config = cm.TrainConfig.from_dict({**SHIPPED, **changes})
        pred = np.zeros_like(Y)
        for train_idx, test_idx in fold_list:
            rows = train_idx if with_pairs else train_idx[~is_pair[train_idx]]
            clf = config.classifier().fit([texts[i] for i in rows], Y[rows])
            pred[test_idx] = clf.predict([texts[i] for i in test_idx])
        table[name] = {
            "real": compute_metrics(Y[part == "real"], pred[part == "real"]),
            "team": compute_metrics(Y[part == "team"], pred[part == "team"]),
            "pairs": pair_accuracy(Y[part == "pairs"], pred[part == "pairs"]),
        }
        print(f"{name}: {time.time() - started:.0f}s", file=sys.stderr)
    (ROOT / "models" / "contrast_variants.json").write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    write_table(table, len(texts), int(is_pair.sum()))


def write_table(table: dict[str, dict[str, object]], n: int, pairs: int) -> None:
    head = "| variant | micro-F1 R | micro-F1 T | pairs: complaint | pairs: non-complaint | " + " | ".join(
        f"{label} R/T" for label in ISSUE_LABELS
    )
    lines = [
        f"3-fold cross-validation on the training split ({n:,} texts, {pairs:,} of them minimal pairs; folds keep "
        "near-duplicates and pair groups together; seed 0). R: real texts, T: team-written texts of "
        "team_written.csv, pairs: held-out minimal pairs.",
        "",
        head + " |",
        "|---" + "|---:" * (4 + len(ISSUE_LABELS)) + "|",
    ]
    for name, row in table.items():
        real, team, pair = row["real"], row["team"], row["pairs"]
        assert isinstance(real, dict) and isinstance(team, dict) and isinstance(pair, dict)
        cells = [
            f"{real['micro_f1']:.3f}",
            f"{team['micro_f1']:.3f}",
            f"{pair['complaint_accuracy']:.3f}",
            f"{pair['non_complaint_accuracy']:.3f}",
        ]
        cells += [f"{real['labels'][k]['f1']:.2f}/{team['labels'][k]['f1']:.2f}" for k in ISSUE_LABELS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    readme = ROOT / "models" / "README.md"
    body = readme.read_text(encoding="utf-8")
    if "<!-- CONTRAST -->" not in body:
        body += "\n<!-- CONTRAST -->\n<!-- /CONTRAST -->\n"
    before, rest = body.split("<!-- CONTRAST -->", 1)
    _, after = rest.split("<!-- /CONTRAST -->", 1)
    readme.write_text(before + "<!-- CONTRAST -->\n" + "\n".join(lines) + "\n<!-- /CONTRAST -->" + after, "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
