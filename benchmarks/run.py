"""Benchmarks for complaintmine, with the do-it-yourself baseline measured in the same run.

    .venv/bin/pip install -e '.[bench]' && .venv/bin/python benchmarks/run.py [--rows 1000000] [--rounds 3]

Prints a table and writes benchmarks/results.md. Data: texts of ../shared/corpora/real_reviews.csv repeated to
--rows rows (a generated stand-in from the team-written corpus when ../shared is absent, flagged as such).
Every measurement runs the real command in a subprocess; peak memory is the summed resident set of the
process tree, sampled every 50 ms. No figure here is asserted by a test: benchmarks measure, tests check.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import psutil

from complaintmine.model.defaults import DEFAULT_MODEL_NAME

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
POOL = ROOT.parent / "shared" / "corpora" / "real_reviews.csv"
BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / DEFAULT_MODEL_NAME  # the shipped default


def run_measured(command: list[str], memory: bool = True) -> dict[str, float]:
    """Wall time and peak memory (MB) of a command and all its children: the sum of their proportional set sizes
    (PSS: a page shared by forked workers counts once in all, not once per process); RSS where PSS is missing.

    With ``memory=False`` only the time (``peak_mb`` 0): reading every process's memory 20 times a second costs CPU,
    and where the command keeps every core busy (``classify --workers 2`` on 2 cores) that CPU is taken from it,
    which made it 3-12% slower (session 20) while a one-process command had a free core to spare. So the timed
    rounds run unsampled, and memory is measured in runs of its own."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    parent = psutil.Process(process.pid)
    peak = 0
    while memory and process.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            peak = max(peak, sum(_pss(p) for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = process.communicate()  # (unsampled: returns when the command ends)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(command)}\n{err[-2000:]}")
    return {"seconds": seconds, "peak_mb": peak / 2**20, "stdout": out, "stderr": err}  # type: ignore[dict-item]


def _pss(process: psutil.Process) -> int:
    try:
        return int(process.memory_full_info().pss)
    except (AttributeError, psutil.AccessDenied):
        return int(process.memory_info().rss)


def texts_for_benchmark() -> tuple[list[str], bool]:
    if POOL.exists():
        csv.field_size_limit(1 << 30)
        with open(POOL, encoding="utf-8", newline="") as handle:
            return [row["text"] for row in csv.DictReader(handle) if row["text"].strip()], True
    team = pd.read_csv(ROOT / "corpora" / "team_written.csv", dtype=str, keep_default_na=False)
    return team["text"].tolist(), False


def write_input(texts: list[str], rows: int) -> Path:
    path = DATA / f"bench_{rows}.csv"
    if not path.exists():
        repeated = (texts * (rows // len(texts) + 1))[:rows]
        pd.DataFrame({"id": [f"r{i}" for i in range(rows)], "text": repeated}).to_csv(path, index=False)
    return path


def write_training_file() -> Path:
    import complaintmine as cm

    path = DATA / "train.csv"
    corpus = cm.load_corpus(ROOT / "corpora").select(split="train")
    corpus.frame[["text", "labels"]].to_csv(path, index=False)
    return path


def tokenizer_speed(texts: list[str]) -> list[dict[str, object]]:
    from complaintmine.text.tokenizer import Tokenizer, TokenizerConfig

    sample = texts[:20000]
    megabytes = sum(len(t.encode("utf-8")) for t in sample) / 2**20
    rows = []
    for backend in ("jieba", "rjieba"):
        tokenizer = Tokenizer(TokenizerConfig(backend=backend))
        tokenizer.warm_up()  # build the dictionaries outside the timing
        started = time.perf_counter()
        count = sum(len(tokenizer.tokenize(text)) for text in sample)
        seconds = time.perf_counter() - started
        rows.append(
            {
                "backend": backend,
                "tokens_per_s": count / seconds,
                "mb_per_s": megabytes / seconds,
                "texts_per_s": len(sample) / seconds,
            }
        )
    return rows


def profile_scoring(texts: list[str]) -> str:
    import complaintmine as cm

    model = cm.load_model(MODEL)
    sample = texts[:20000]
    model.tokenizer.warm_up()  # one-time dictionary builds are start-up, not the per-text work profiled here
    cm.classify_texts(model, sample[:10])
    profiler = cProfile.Profile()
    profiler.enable()
    cm.classify_texts(model, sample)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("tottime").print_stats(12)
    return buffer.getvalue()


def classify_command(path: Path, output: str, *options: str) -> list[str]:
    """`complaintmine classify` on a benchmark file (ids in column `id`), quietly, plus ``options``."""
    return [str(BIN / "complaintmine"), "classify", str(path), "--id-column", "id", "-o", output, "--quiet", *options]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the large file (default 1,000,000)")
    parser.add_argument("--small-rows", type=int, default=100_000, help="rows of the small file (default 100,000)")
    parser.add_argument(
        "--previous",
        type=Path,
        default=None,
        help="also time this model directory (e.g. models/complaintmine-zh-0.4.0) on the large file with all cores, "
        "so the default model's cost is compared with it in the same run",
    )
    parser.add_argument(
        "--rounds",
        type=lambda value: max(1, int(value)),
        default=3,
        help="run the baseline and the classify runs this many times, in turn, and report each one's fastest round "
        "(noise on a shared machine only adds time; default 3)",
    )
    parser.add_argument("--skip-training", action="store_true", help="do not time training (a quicker run)")
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    texts, real = texts_for_benchmark()
    cores = len(os.sched_getaffinity(0))
    big, small = write_input(texts, args.rows), write_input(texts, args.small_rows)
    train = write_training_file()
    results: dict[str, object] = {
        "previous": str(args.previous) if args.previous else None,
        "rows": args.rows,
        "small_rows": args.small_rows,
        "real_texts": real,
        "cores": cores,
        "load_before": os.getloadavg()[0],
    }
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731

    runs = [
        ("cm_1", 1, big, args.rows),
        (f"cm_{cores}", cores, big, args.rows),
        ("cm_small", cores, small, args.small_rows),
    ]
    if args.previous:
        runs.insert(2, ("cm_previous", cores, big, args.rows))

    def baseline(tmp: str, memory: bool) -> dict[str, float]:
        script = [sys.executable, str(ROOT / "benchmarks" / "baseline_script.py"), str(train), str(big)]
        return run_measured([*script, f"{tmp}/out.csv"], memory=memory)

    def classify(label: str, workers: int, path: Path, tmp: str, memory: bool) -> dict[str, float]:
        model = ["--model", str(args.previous)] if label == "cm_previous" else []
        return run_measured(classify_command(path, f"{tmp}/out.csv", "--workers", str(workers), *model), memory)

    rounds: dict[str, list[dict[str, float]]] = {"baseline": [], **{label: [] for label, *_ in runs}}
    for number in range(0, args.rounds + 1):  # round 0: memory, sampled; then the timed rounds, unsampled
        timed = number > 0
        say(f"round {number} of {args.rounds}{'' if timed else ' (memory)'}: baseline script ...")
        with tempfile.TemporaryDirectory() as tmp:
            base = baseline(tmp, memory=not timed)
        if not timed:
            peaks = {"baseline": base["peak_mb"]}
            for label, workers, path, rows in runs:
                say(f"round 0 (memory): complaintmine classify --workers {workers} on {rows:,} rows ...")
                with tempfile.TemporaryDirectory() as tmp:
                    peaks[label] = classify(label, workers, path, tmp, memory=True)["peak_mb"]
            continue
        inner = json.loads(str(base["stdout"]))
        rounds["baseline"].append(
            {
                "seconds": base["seconds"],
                "score_seconds": inner["score_seconds"],
                "train_seconds": inner["train_seconds"],
                "docs_per_s": args.rows / inner["score_seconds"],
            }
        )
        for label, workers, path, rows in runs:
            say(f"round {number} of {args.rounds}: complaintmine classify --workers {workers} on {rows:,} rows ...")
            with tempfile.TemporaryDirectory() as tmp:
                run = classify(label, workers, path, tmp, memory=False)
            rounds[label].append(
                {
                    "seconds": run["seconds"],
                    "docs_per_s": rows / run["seconds"],
                    "workers": workers,
                }
            )
    results["rounds"] = rounds
    results["baseline"] = {**max(rounds["baseline"], key=lambda run: run["docs_per_s"]), "peak_mb": peaks["baseline"]}
    for label, *_ in runs:
        results[label] = {**max(rounds[label], key=lambda run: run["docs_per_s"]), "peak_mb": peaks[label]}
    say("cold start ...")
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.csv"
        one.write_text("text\n预售付了定金，尾款涨了五十\n", encoding="utf-8")
        # As after `pip install`, which compiles the package's bytecode: one untimed run may write it (this
        # sandbox sets PYTHONDONTWRITEBYTECODE, which otherwise recompiles every module at every start, ~0.1 s).
        subprocess.run(
            [str(BIN / "complaintmine"), "classify", str(one), "--quiet", "--workers", "1"],
            env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            capture_output=True,
            check=True,
        )
        colds = [
            run_measured([str(BIN / "complaintmine"), "classify", str(one), "--quiet", "--workers", "1"])["seconds"]
            for _ in range(5)
        ]
        imports = [run_measured([sys.executable, "-c", "import complaintmine.cli"])["seconds"] for _ in range(3)]
        bare = [run_measured([sys.executable, "-c", "pass"])["seconds"] for _ in range(3)]
    results["cold_start"] = {
        "median_seconds": statistics.median(colds),
        "runs": colds,
        "import_seconds": statistics.median(imports),
        "python_seconds": statistics.median(bare),
    }
    say("training ..." if not args.skip_training else "training skipped (--skip-training)")
    with tempfile.TemporaryDirectory() as tmp:
        trained = (
            None
            if args.skip_training
            else run_measured(
                [
                    str(BIN / "complaintmine"),
                    "train",
                    str(ROOT / "corpora"),
                    "-o",
                    f"{tmp}/m",
                    "--config",
                    str(ROOT / "models" / f"{DEFAULT_MODEL_NAME}.train.json"),
                ]
            )
        )
    results["training"] = None if trained is None else {"seconds": trained["seconds"], "peak_mb": trained["peak_mb"]}
    say("tokenizers ...")
    results["tokenizers"] = tokenizer_speed(texts)
    say("profile ...")
    results["profile"] = profile_scoring(texts)
    results["load_after"] = os.getloadavg()[0]
    report = render(results)
    print(report)
    (ROOT / "benchmarks" / "results.md").write_text(report, encoding="utf-8")
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")


def render(r: dict) -> str:
    cores = r["cores"]
    base = r["baseline"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `benchmarks/run.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or platform.machine()},"
        f" {cores} cores, Python {platform.python_version()}. Data: "
        + (
            "texts of ../shared/corpora/real_reviews.csv"
            if r["real_texts"]
            else "**stand-in: team-written texts (../shared absent)**"
        )
        + f" repeated to {r['rows']:,} rows (mean about 55 characters). 1-minute load average before/after: "
        f"{r['load_before']:.1f}/{r['load_after']:.1f}. The baseline and the classify runs ran {len(r['rounds']['baseline'])}"
        " times in turn, unsampled; each line is its fastest round (other work on this shared machine only adds time),"
        " with the peak memory of one more run of the same command, sampled every 50 ms (sampling slows a command"
        " that keeps every core busy, so it is not timed).",
        "",
        "| run | rows | wall s | docs/s | vs baseline | peak MB |",
        "|---|---:|---:|---:|---:|---:|",
        f"| baseline: pandas + jieba.lcut + TfidfVectorizer + LogisticRegression, 1 process (scoring only) | "
        f"{r['rows']:,} | {base['score_seconds']:.1f} | {base['docs_per_s']:,.0f} | 1.00x | {base['peak_mb']:,.0f} |",
    ]
    rows = [
        ("cm_1", f"complaintmine classify --workers 1 (end to end, {DEFAULT_MODEL_NAME})"),
        (f"cm_{cores}", f"complaintmine classify --workers {cores} (end to end, {DEFAULT_MODEL_NAME})"),
    ]
    if r.get("previous"):
        rows.append(("cm_previous", f"the same with `--model {r['previous']}`"))
    for key, title in rows:
        run = r[key]
        lines.append(
            f"| {title} | {r['rows']:,} | {run['seconds']:.1f} | {run['docs_per_s']:,.0f} | "
            f"{run['docs_per_s'] / base['docs_per_s']:.2f}x | {run['peak_mb']:,.0f} |"
        )
    small = r["cm_small"]
    lines.append(
        f"| complaintmine classify --workers {cores} (end to end) | {r['small_rows']:,} | "
        f"{small['seconds']:.1f} | {small['docs_per_s']:,.0f} | | {small['peak_mb']:,.0f} |"
    )
    big = r[f"cm_{cores}"]
    spread = [
        f"{run['docs_per_s'] / b['docs_per_s']:.2f}x"
        for run, b in zip(r["rounds"][f"cm_{cores}"], r["rounds"]["baseline"])
    ]
    ours = ", ".join(f"{run['docs_per_s']:,.0f}" for run in r["rounds"][f"cm_{cores}"])
    theirs = ", ".join(f"{b['docs_per_s']:,.0f}" for b in r["rounds"]["baseline"])
    lines += [
        "",
        f"Round by round, `--workers {cores}` against the baseline of the same round: {', '.join(spread)}"
        f" (docs/s: {ours} against {theirs}).",
        "",
        f"Peak memory, all cores: {small['peak_mb']:,.0f} MB at {r['small_rows']:,} rows and {big['peak_mb']:,.0f} MB at "
        f"{r['rows']:,} rows ({(big['peak_mb'] / small['peak_mb'] - 1) * 100:+.1f}%).",
        "",
        f"Cold start (`complaintmine classify` on a one-row file, bytecode compiled as `pip install` leaves it, median of 5): **{r['cold_start']['median_seconds']:.2f} s**"
        f" (runs: {', '.join(f'{s:.2f}' for s in r['cold_start']['runs'])}); of which `import complaintmine.cli` "
        f"{r['cold_start']['import_seconds']:.2f} s and a bare Python start {r['cold_start']['python_seconds']:.2f} s.",
        "",
        (
            f"Training the default model (`complaintmine train corpora`): {r['training']['seconds']:.1f} s, "
            f"peak {r['training']['peak_mb']:,.0f} MB."
            if r["training"]
            else "Training: not timed in this run (`--skip-training`)."
        )
        + f" The baseline script trains in {base['train_seconds']:.1f} s.",
        "",
        "## Tokenizer alone (20,000 texts, domain lexicon loaded)",
        "",
        "| backend | tokens/s | MB/s | texts/s |",
        "|---|---:|---:|---:|",
    ]
    for row in r["tokenizers"]:
        lines.append(
            f"| {row['backend']} | {row['tokens_per_s']:,.0f} | {row['mb_per_s']:.2f} | {row['texts_per_s']:,.0f} |"
        )
    lines += [
        "",
        "## Profile of scoring 20,000 texts in one process (top 12 by own time)",
        "",
        "```",
        r["profile"].strip(),
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
