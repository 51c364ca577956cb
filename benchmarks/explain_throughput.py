"""`classify --explain` against plain `classify`, on the same file in the same run.

    .venv/bin/python benchmarks/explain_throughput.py [--rows 20000] [--workers 2] [--repeats 3]

Data: the first --rows texts of ../shared/corpora/real_reviews.csv (the team-written corpus repeated when the pool
is absent, flagged). Each mode runs the real command in a subprocess --repeats times, alternating; the
median wall time gives docs/s. Prints one Markdown table row per mode and the ratio (issue #15's target: explain
keeps at least 25% of plain throughput).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
POOL = ROOT.parent / "shared" / "corpora" / "real_reviews.csv"
BIN = Path(sys.executable).parent


def texts(rows: int) -> tuple[list[str], bool]:
    if POOL.exists():
        pool = pd.read_csv(POOL, dtype=str, keep_default_na=False, usecols=["text"])
        found = [t for t in pool["text"].tolist() if t.strip()]
        real = True
    else:
        found = pd.read_csv(ROOT / "corpora" / "team_written.csv", dtype=str, keep_default_na=False)["text"].tolist()
        real = False
    return (found * (rows // len(found) + 1))[:rows], real


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    data, real = texts(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.csv"
        pd.DataFrame({"id": [f"r{i}" for i in range(len(data))], "text": data}).to_csv(path, index=False)
        base = [str(BIN / "complaintmine"), "classify", str(path), "--id-column", "id", "--quiet"]
        base += ["--workers", str(args.workers), "-o", f"{tmp}/out.csv"]
        seconds: dict[str, list[float]] = {"plain": [], "explain": []}
        for _ in range(args.repeats):
            seconds["plain"].append(timed(base))
            seconds["explain"].append(timed([*base, "--explain"]))
    rate = {mode: args.rows / statistics.median(runs) for mode, runs in seconds.items()}
    source = "real reviews" if real else "team-written texts (stand-in: ../shared absent)"
    print(f"{args.rows:,} {source}, --workers {args.workers}, {platform.node()}, median of {args.repeats}")
    print("| mode | docs/s | runs (s) |\n|---|---|---|")
    for mode, runs in seconds.items():
        print(f"| {mode} | {rate[mode]:,.0f} | {', '.join(f'{s:.2f}' for s in runs)} |")
    print(f"explain / plain: {rate['explain'] / rate['plain']:.0%}")


if __name__ == "__main__":
    main()
