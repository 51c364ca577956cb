"""``mask_text`` throughput on team-written and pool texts, against another version of the code in the same run.

    .venv/bin/python benchmarks/mask_throughput.py [--rows 20000] [--rounds 5] [--against REV]

Data: the team-written corpora (team_written, team_pairs, contrast_set) cycled to --rows texts, and the first --rows
texts of ../shared/corpora/real_reviews.csv (left out, and said so, without the pool). Each round times
``mask_text`` over each set in a fresh process, for this tree and, with ``--against``, for the source of a git
revision (exported with ``git archive`` to a temporary folder), taking turns; prints the median and every round,
and whether both versions masked every text alike. Nothing here asserts a figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT.parent / "shared" / "corpora" / "real_reviews.csv"
TEAM = ("team_written", "team_pairs", "contrast_set")

# Run in a fresh process whose PYTHONPATH holds the source tree to time: times mask_text over the texts of a JSON
# file and prints the seconds and a digest of the masked texts.
TIMER = """
import hashlib, json, sys, time
from complaintmine.mining.privacy import mask_text
texts = json.load(open(sys.argv[1], encoding="utf-8"))
mask_text("电话13812345678")  # patterns compiled before the clock starts
started = time.perf_counter()
masked = [mask_text(t) for t in texts]
print(time.perf_counter() - started, hashlib.sha256("\\x00".join(masked).encode()).hexdigest())
"""


def text_sets(rows: int) -> dict[str, list[str]]:
    import pandas as pd

    team: list[str] = []
    for name in TEAM:
        team += pd.read_csv(ROOT / "corpora" / f"{name}.csv", dtype=str, keep_default_na=False)["text"].tolist()
    sets = {"team": (team * (rows // len(team) + 1))[:rows]}
    if POOL.exists():
        sets["pool"] = pd.read_csv(POOL, dtype=str, keep_default_na=False, usecols=["text"])["text"].tolist()[:rows]
    else:
        print(f"no pool at {POOL}: team texts only", file=sys.stderr)
    return sets


def timed(source: Path, texts_file: Path) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(source)}  # ahead of the installed (editable) package
    out = subprocess.run(
        [sys.executable, "-c", TIMER, str(texts_file)], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    return float(out[0]), out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="a git revision to time in turn with this tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        trees = {"this tree": ROOT / "src"}
        if args.against:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.against, "src"], capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
            trees[args.against] = folder / "src"
        files = {}
        for name, texts in text_sets(args.rows).items():
            files[name] = folder / f"{name}.json"
            files[name].write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        seconds: dict[tuple[str, str], list[float]] = {}
        digests: dict[tuple[str, str], set[str]] = {}
        for _ in range(args.rounds):
            for name, path in files.items():
                for tree, source in trees.items():
                    took, digest = timed(source, path)
                    seconds.setdefault((name, tree), []).append(took)
                    digests.setdefault((name, tree), set()).add(digest)
        print(f"| texts ({args.rows:,}) | code | median s | texts/s | rounds (s) |")
        print("|---|---|---:|---:|---|")
        for (name, tree), times in seconds.items():
            median = statistics.median(times)
            rounds = ", ".join(f"{t:.3f}" for t in times)
            print(f"| {name} | {tree} | {median:.3f} | {args.rows / median:,.0f} | {rounds} |")
        for name in files:
            same = len({d for tree in trees for d in digests[(name, tree)]}) == 1
            print(f"{name}: every version masked the texts {'alike' if same else 'DIFFERENTLY'}")


if __name__ == "__main__":
    main()
