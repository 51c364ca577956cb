"""Do models that read word order beat the n-gram model? Cross-validation on the TRAINING split only.

Trains small neural text classifiers from scratch (no pretrained weights exist for this project: nothing is
downloaded) on the same folds, seed and labels as ``experiments/compare.py``, and compares them with the default
configuration (n-gram TF-IDF + logistic regression) scored in the same run:

- a character CNN (widths 2-5, 128 filters each, max-pooling);
- a character BiGRU (128 units each way, attention and max pooling);
- the same BiGRU after masked-character pretraining on the shared pool of real reviews, minus every text of the
  test split (about 82,000 texts; 15% of characters masked, 6 passes);
- each of them averaged with the n-gram model's probabilities.

Needs PyTorch, which is not a dependency of complaintmine: ``.venv/bin/pip install torch==2.13.0`` (CPU). About
30 to 40 minutes on 2 cores. Writes ``models/neural_experiment.json``; the table is in ``models/README.md``.

    .venv/bin/python experiments/neural_experiment.py            # --quick: one short pass and epoch, to check it runs
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parents[1]

import complaintmine as cm  # noqa: E402
from complaintmine.model.evaluation import compute_metrics  # noqa: E402
from complaintmine.model.ngrams import mask_digits  # noqa: E402
from complaintmine.model.selection import SEED, folds, out_of_fold  # noqa: E402
from complaintmine.text.normalize import normalize  # noqa: E402

QUICK = "--quick" in sys.argv
MAX_CHARS = 200
PAD, UNKNOWN, MASK = 0, 1, 2


def prepare(text: str) -> str:
    return mask_digits(normalize(text))[:MAX_CHARS]


class CharCNN(nn.Module):
    def __init__(self, vocab: int, dim: int = 128, out: int = 6) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.convs = nn.ModuleList([nn.Conv1d(dim, 128, k, padding=k // 2) for k in (2, 3, 4, 5)])
        self.drop = nn.Dropout(0.4)
        self.out = nn.Linear(4 * 128, out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        e, keep = self.emb(x).transpose(1, 2), (x > PAD).unsqueeze(1)
        pooled = [torch.relu(c(e))[:, :, : x.shape[1]].masked_fill(~keep, -1e4).amax(2) for c in self.convs]
        return self.out(self.drop(torch.cat(pooled, 1)))


class CharGRU(nn.Module):
    def __init__(self, vocab: int, dim: int = 128, hidden: int = 128, out: int = 6) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.rnn = nn.GRU(dim, hidden, batch_first=True, bidirectional=True)
        self.att = nn.Linear(2 * hidden, 1)
        self.drop = nn.Dropout(0.4)
        self.out = nn.Linear(4 * hidden, out)
        self.head = nn.Linear(2 * hidden, vocab)  # masked-character prediction, used only in pretraining

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        keep = x > PAD
        states, _ = self.rnn(self.drop(self.emb(x)))
        weights = self.att(states).squeeze(-1).masked_fill(~keep, -1e4).softmax(1)
        attended = (states * weights.unsqueeze(-1)).sum(1)
        maxed = states.masked_fill(~keep.unsqueeze(-1), -1e4).amax(1)
        return self.out(self.drop(torch.cat([attended, maxed], 1)))


def padded(seqs: list[list[int]]) -> torch.Tensor:
    x = torch.zeros(len(seqs), max(map(len, seqs)), dtype=torch.long)
    for row, seq in enumerate(seqs):
        x[row, : len(seq)] = torch.tensor(seq)
    return x


def pretrain(model: CharGRU, encoded: list[list[int]], passes: int, seed: int) -> None:
    """Masked-character prediction over length-sorted batches of 64."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    order = np.argsort([len(e) for e in encoded], kind="stable")
    batches = [order[k : k + 64] for k in range(0, len(order), 64)]
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    for step in range(passes * len(batches)):
        x = padded([encoded[i] for i in batches[rng.integers(len(batches))]])
        chosen = (torch.rand(x.shape) < 0.15) & (x > PAD)
        if not chosen.any():
            continue
        states, _ = model.rnn(model.emb(x.masked_fill(chosen, MASK)))
        loss = nn.functional.cross_entropy(model.head(states[chosen]), x[chosen])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 1000 == 0:
            print(f"  pretraining step {step}: loss {loss.item():.2f}", flush=True)


def fit_predict(model: nn.Module, encoded, Y, train_idx, test_idx, epochs: int, seed: int) -> np.ndarray:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    positives = Y[train_idx].sum(0)
    pos_weight = torch.tensor(np.sqrt(np.minimum((len(train_idx) - positives) / np.maximum(positives, 1), 10)))
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=pos_weight.float())
    opt = torch.optim.AdamW([p for n, p in model.named_parameters() if not n.startswith("head")], lr=2e-3)
    for _ in range(epochs):
        model.train()
        shuffled = np.asarray(train_idx)[rng.permutation(len(train_idx))]
        for k in range(0, len(shuffled), 32):
            b = shuffled[k : k + 32]
            loss = loss_fn(model(padded([encoded[i] for i in b])), torch.from_numpy(Y[b]).float())
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    out = np.zeros((len(test_idx), Y.shape[1]))
    with torch.no_grad():
        for k in range(0, len(test_idx), 256):
            b = test_idx[k : k + 256]
            out[k : k + len(b)] = torch.sigmoid(model(padded([encoded[i] for i in b]))).numpy()
    return out


def scores(Y, P, origin, first) -> dict[str, float]:
    real, team = origin == "real", origin == "team"
    row = {
        "micro-F1 R": compute_metrics(Y[real], P[real] >= 0.5)["micro_f1"],
        "micro-F1 R, first readings": compute_metrics(first[real], P[real] >= 0.5)["micro_f1"],
        "micro-F1 T": compute_metrics(Y[team], P[team] >= 0.5)["micro_f1"],
    }
    labels = compute_metrics(Y[real], P[real] >= 0.5)["labels"]
    for name in ("no_price_protection", "gift_not_honored", "late_shipping"):
        row[f"{name} R"] = labels[name]["f1"]
    return row


def first_readings(corpus, Y: np.ndarray) -> np.ndarray:
    """Labels as first read, before adjudication: the n-gram model was one vote there, so it is a fairer yardstick."""
    import pandas as pd

    first = Y.copy()
    log = ROOT / "corpora" / "adjudication.csv"
    if log.exists():
        table = pd.read_csv(log, dtype=str)
        before = {f"real:{s}:{i}": f for s, i, f in zip(table["source"], table["source_id"], table["first"])}
        for n, key in enumerate(corpus.frame["key"]):
            if key in before:
                first[n, :5] = [label in before[key].split("|") for label in cm.TARGETS[:5]]
    return first


def main() -> None:
    torch.set_num_threads(2)
    started = time.time()
    everything = cm.load_corpus(ROOT / "corpora")
    corpus = everything.select(split="train")
    texts, Y = corpus.texts, corpus.targets()
    origin = corpus.frame["origin"].to_numpy()
    first = first_readings(corpus, Y)
    prepared = [prepare(t) for t in texts]

    import pandas as pd

    pool = pd.read_csv(ROOT.parent / "shared" / "corpora" / "real_reviews.csv", usecols=["text"], dtype=str)
    held_out = set(everything.select(split="test").texts)
    unlabelled = [prepare(t) for t in pool["text"].fillna("") if t not in held_out]
    counts = Counter(ch for t in unlabelled + prepared for ch in t)
    vocab = {ch: i + 3 for i, (ch, n) in enumerate(counts.most_common()) if n >= 2}
    encode = lambda t: [vocab.get(ch, UNKNOWN) for ch in t] or [UNKNOWN]  # noqa: E731
    encoded = [encode(t) for t in prepared]

    print(f"pretraining on {len(unlabelled):,} pool texts (test split excluded)", flush=True)
    pretrained = CharGRU(len(vocab) + 3)
    pretrain(
        pretrained, [encode(t) for t in unlabelled][: 2000 if QUICK else None], passes=1 if QUICK else 6, seed=SEED
    )
    pretrained_state = {k: v.clone() for k, v in pretrained.state_dict().items()}

    variants = ["n-grams + logreg (default)", "char CNN", "char BiGRU", "char BiGRU, pretrained"]
    proba = {name: np.zeros(Y.shape) for name in variants}
    fold_list = folds(texts, Y)
    proba[variants[0]] = out_of_fold(texts, Y, fold_list)[0]
    for fold, (train_idx, test_idx) in enumerate(fold_list):
        for name, epochs in (("char CNN", 6), ("char BiGRU", 5), ("char BiGRU, pretrained", 5)):
            model = CharCNN(len(vocab) + 3) if name == "char CNN" else CharGRU(len(vocab) + 3)
            if name.endswith("pretrained"):
                model.load_state_dict(pretrained_state)
            epochs = 1 if QUICK else epochs
            proba[name][test_idx] = fit_predict(model, encoded, Y, train_idx, test_idx, epochs, SEED + fold)
            print(f"fold {fold}: {name} done, {time.time() - started:.0f}s", flush=True)
    rows = {name: scores(Y, P, origin, first) for name, P in proba.items()}
    for name in variants[1:]:
        rows[f"{name} + n-grams, averaged"] = scores(Y, (proba[name] + proba[variants[0]]) / 2, origin, first)
    if not QUICK:
        (ROOT / "models" / "neural_experiment.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    columns = list(next(iter(rows.values())))
    print("| variant | " + " | ".join(columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |")
    print(f"{time.time() - started:.0f}s")


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    main()
