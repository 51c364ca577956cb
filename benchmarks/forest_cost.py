"""What the default model's boosted trees cost to score, against the previous (linear) model, in one process.

    .venv/bin/python benchmarks/forest_cost.py [--previous models/complaintmine-zh-0.4.0] [--texts 20000]

The trees are scored only for the (text, label) cells where the linear probability reaches their gate
(model/forest.py), so their cost depends on the input: this prints, for texts of the shared review pool (mostly
satisfied or neutral reviews, as a platform's stream is) and for the team-written corpus (almost all complaints
or near-complaints, the worst case), the share of gated cells and the texts per second of both models on the
same texts: best of five rounds, the two models taking turns in each. No test asserts these figures.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

import complaintmine as cm
from complaintmine.corpus.load import default_shared_dir, read_shared_pool

ROOT = Path(__file__).resolve().parents[1]


def timed(model: cm.Model, texts: list[str]) -> float:
    started = time.perf_counter()
    model.predict_proba(texts)
    return time.perf_counter() - started


def rounds(current: cm.Model, previous: cm.Model, texts: list[str], n: int = 5) -> tuple[float, float]:
    """Best texts/s of each model over ``n`` rounds, the two models taking turns within each round (so a burst
    of load on the machine slows both alike)."""
    best_current = best_previous = float("inf")
    for _ in range(n):
        best_current = min(best_current, timed(current, texts))
        best_previous = min(best_previous, timed(previous, texts))
    return len(texts) / best_current, len(texts) / best_previous


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--previous", type=Path, default=ROOT / "models" / "complaintmine-zh-0.4.0")
    parser.add_argument("--texts", type=int, default=20_000)
    args = parser.parse_args()
    current, previous = cm.load_model(cm.default_model_dir()), cm.load_model(args.previous)
    forest = current.scorer.forest if current.scorer is not None else None
    if forest is None:
        raise SystemExit(f"{current.name} {current.version} has no boosted trees")
    inputs = {}
    pool = read_shared_pool(default_shared_dir(ROOT / "corpora"))
    if pool is not None:
        texts = list(pool.values())
        random.Random(1).shuffle(texts)
        inputs["shared review pool"] = texts[: args.texts]
    team = cm.load_corpus(ROOT / "corpora" / "team_written.csv").texts
    inputs["team-written corpus"] = (team * (args.texts // len(team) + 1))[: args.texts]
    print(
        f"| input ({args.texts:,} texts) | cells gated | {current.version} texts/s | {previous.version} texts/s | ratio |"
    )
    print("|---|---:|---:|---:|---:|")
    for name, texts in inputs.items():
        previous.predict_proba(texts[:1])  # warm both tokenizers before timing
        current.predict_proba(texts[:1])
        share = gated_share(current, texts)
        new, old = rounds(current, previous, texts)
        print(f"| {name} | {share:.1%} | {new:,.0f} | {old:,.0f} | {new / old:.2f} |")


def gated_share(model: cm.Model, texts: list[str]) -> float:
    """Share of (text, forest label) cells whose linear probability reaches the gate."""
    scorer = model.scorer
    assert scorer is not None and scorer.forest is not None
    featurized = scorer.space.featurize(texts)
    logits = scorer.space.logits(featurized, scorer.arrays["intercept"])
    linear = 1.0 / (1.0 + np.exp(-logits))
    return float(scorer.forest.gated(linear).mean())


if __name__ == "__main__":
    main()
