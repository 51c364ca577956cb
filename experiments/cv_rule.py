"""The rule the design experiments of issue #13 judge by, written once: gated_reader.py, reader_variants.py,
stacking.py, reader_guidance.py, reader_pretrained.py and joined_complaints.py apply it, card_comparison.py checks
the recorded choices by it (each imports it as a sibling module).

Each experiment scores its variants by 3-fold cross-validation of the training split on four figures: real
micro-F1, team micro-F1, and the held-out minimal pairs' complaint and non-complaint sides. The variant with the
highest mean of the four is preferred over the base when that mean is at least ``bar`` higher and none of the four
is more than 0.005 lower; on seed 0 first, then on the mean of seeds 0 and 1 (:func:`verdict`). The bar is each
script's own, fixed in it before its first run.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

FOUR = ("real", "team", "pairs: complaint", "pairs: non-complaint")


def with_means(rows: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """Each row with its "mean of four" (rounded to 4 decimals, as the rows files keep it), printed."""
    for name, row in rows.items():
        row["mean of four"] = round(float(np.mean([row[k] for k in FOUR])), 4)
        print(f"{name}: {json.dumps(row, ensure_ascii=False)}")
    return rows


def passes(best: dict[str, float], base: dict[str, float], bar: float) -> bool:
    return best["mean of four"] >= base["mean of four"] + bar and all(best[k] >= base[k] - 0.005 for k in FOUR)


def judge(
    rows: dict[str, dict[str, float]],
    base: str,
    bar: float,
    seed: int,
    label: str,
    candidates: tuple[str, ...] | None = None,
    kind: str = "variant",
) -> bool:
    """The rule on one seed's rows: prints the best of ``candidates`` (every row but ``base`` if None) and whether
    it is preferred over ``base``. ``kind`` names the candidates in the printed line (gated_reader.py's "blend")."""
    best = max(candidates or (n for n in rows if n != base), key=lambda n: rows[n]["mean of four"])
    preferred = passes(rows[best], rows[base], bar)
    print(f"rule (seed {seed}): best {kind} {best!r}, {'preferred' if preferred else 'not preferred'} over {label}")
    return preferred


def record(path: Path, rows: dict[str, dict[str, float]], seed: int) -> None:
    """Add the rows to the rows file ``path`` under "seed N" per variant."""
    recorded = json.loads(path.read_text("utf-8")) if path.exists() else {}
    for name, row in rows.items():
        recorded.setdefault(name, {})[f"seed {seed}"] = row
    path.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def seed_mean(row: dict[str, dict[str, float]]) -> dict[str, float]:
    """A variant's four figures on the mean of seeds 0 and 1 (``row`` as the rows file holds it: "seed N" ->
    figures), and their mean, unrounded."""
    means = {k: (row["seed 0"][k] + row["seed 1"][k]) / 2 for k in FOUR}
    return {**means, "mean of four": float(np.mean([means[k] for k in FOUR]))}


def verdict(path: Path, base: str, bar: float, label: str) -> dict[str, object]:
    """The rule's second step: on the mean of seeds 0 and 1, for each variant the rows file ``path`` holds on both,
    against ``base``; written into the file under "mean of seeds 0 and 1", and returned."""
    recorded = json.loads(path.read_text("utf-8"))
    both = [
        name
        for name, row in recorded.items()
        if isinstance(row, dict) and all("real" in row.get(f"seed {k}", {}) for k in (0, 1))
    ]
    means = {name: seed_mean(recorded[name]) for name in both}
    out: dict[str, object] = {name: {k: round(v, 4) for k, v in row.items()} for name, row in means.items()}
    for name in both:
        if name != base:
            ok = passes(means[name], means[base], bar)
            out[f"rule: {name}"] = f"preferred over {label}" if ok else f"not preferred over {label}"
            print(f"rule (mean of seeds 0 and 1): {name!r} {out[f'rule: {name}']}")
    recorded["mean of seeds 0 and 1"] = out
    path.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out
