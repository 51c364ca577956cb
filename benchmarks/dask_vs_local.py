"""The Dask engine against the local pool on the same file: --engine dask on a two-worker local cluster vs
--workers 2, both end to end through the installed command. Appends a section to benchmarks/results.md.

    .venv/bin/pip install -e '.[bench,dask]' && .venv/bin/python benchmarks/dask_vs_local.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import UTC, datetime

from run import DATA, ROOT, classify_command, run_measured, texts_for_benchmark, write_input


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    texts, real = texts_for_benchmark()
    source = write_input(texts, args.rows)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        local = run_measured(classify_command(source, f"{tmp}/local.csv", "--workers", "2"))
        dask = run_measured(
            classify_command(source, f"{tmp}/dask", "--output-format", "csv", "--engine", "dask", "--workers", "2")
        )
    for name, run in (("classify --workers 2", local), ("classify --engine dask, 2-worker LocalCluster", dask)):
        rows.append(
            f"| {name} | {args.rows:,} | {run['seconds']:.1f} | {args.rows / run['seconds']:,.0f} | "
            f"{run['peak_mb']:,.0f} |"
        )
    overhead = dask["seconds"] / local["seconds"] - 1
    text = "\n".join(
        [
            "",
            f"## Dask engine against the local pool ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `benchmarks/dask_vs_local.py`)",
            "",
            ("Same file (" + ("real texts" if real else "**stand-in texts**") + "), CSV output, both end to end."),
            "",
            "| run | rows | wall s | docs/s | peak MB |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"The Dask engine took {overhead:+.0%} the time of the local pool on one 2-core machine: cluster start-up, "
            "splitting the file on the client, and shipping partitions to workers are its overhead here; it pays off "
            "only across machines.",
            "",
        ]
    )
    print(text)
    with open(ROOT / "benchmarks" / "results.md", "a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
