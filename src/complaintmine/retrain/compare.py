"""Two models on the same labelled texts: per-label F1 with bootstrap intervals, paired differences, a verdict.

The bootstrap is paired: each resample of the texts scores both models, so the interval of the difference is
much narrower than the two intervals side by side suggest (the models err on many of the same texts).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..corpus.load import Corpus
from ..errors import TrainingError
from ..labels import ISSUE_LABELS, OTHER, labels_of

SUMMARY = ("micro_f1", "macro_f1")


@dataclass
class Comparison:
    """``rows``: one dict per label (five issues, other) and per summary (micro_f1, macro_f1) with ``f1_a``,
    ``f1_b``, ``diff`` (B minus A) and their intervals ``ci_a``, ``ci_b``, ``ci_diff``, and ``undefined``: those
    of its keys that had nothing to measure and are written as 0 (a model's F1 of a label that neither the texts
    nor that model have, and the difference and intervals that rest on it); ``better`` is "a", "b" or None
    (micro-F1 difference interval containing 0); ``verdict`` says it in one line."""

    model_a: str
    model_b: str
    n_texts: int
    rows: list[dict[str, Any]]
    better: str | None
    verdict: str
    confidence: float = 0.95
    n_boot: int = 1000
    worse_labels: list[str] = field(default_factory=list)
    macro_labels: list[str] = field(default_factory=lambda: list(ISSUE_LABELS))
    trained_on: dict[str, int] = field(default_factory=dict)  # "a"/"b": how many of the texts it was trained on
    # the texts the two models decide differently: row, text, the labels given (gold), A's and B's
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def row(self, name: str) -> dict[str, Any]:
        return next(r for r in self.rows if r["label"] == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_a": self.model_a,
            "model_b": self.model_b,
            "n_texts": self.n_texts,
            "confidence": self.confidence,
            "n_boot": self.n_boot,
            "rows": self.rows,
            "better": self.better,
            "worse_labels": self.worse_labels,
            "macro_labels": self.macro_labels,
            "trained_on": self.trained_on,
            "disagreements": self.disagreements,
            "verdict": self.verdict,
        }

    def format_table(self) -> str:
        pct = round(self.confidence * 100)
        lines = [
            f"A = {self.model_a}",
            f"B = {self.model_b}",
            f"{self.n_texts:,} texts; {pct}% bootstrap intervals ({self.n_boot} paired resamples)",
            "",
            f"{'label':<22}{'support':>8}  {'F1 A':>6} {'[interval]':<15} {'F1 B':>6} {'[interval]':<15}"
            f" {'B - A':>7} {'[interval]':<17}",
        ]
        for r in self.rows:
            lines.append(
                f"{r['label']:<22}{r['support']:>8}  {_cell(r, 'f1_a', 6)} {_cell(r, 'ci_a', 15)} "
                f"{_cell(r, 'f1_b', 6)} {_cell(r, 'ci_b', 15)} {_cell(r, 'diff', 7)} {_cell(r, 'ci_diff', 17)}"
            )
            if len(r.get("undefined", ())) == 6:  # no text has it and neither model gives it
                lines[-1] = lines[-1].rstrip() + "  no texts of it, predicted by neither model"
        if len(self.macro_labels) < len(ISSUE_LABELS):
            lines += ["", f"macro-F1 over the issues the texts or either model have: {', '.join(self.macro_labels)}"]
        lines += ["", f"the two models decide {len(self.disagreements):,} of the {self.n_texts:,} texts differently"]
        for side, count in self.trained_on.items():
            lines += [
                "",
                f"warning: {side.upper()} was trained on {count:,} of these {self.n_texts:,} texts: "
                "its figures on them are not a held-out measurement",
            ]
        lines += ["", self.verdict]
        return "\n".join(lines)


def _ci(pair: list[float], signed: bool = False) -> str:
    fmt = "{:+.3f}" if signed else "{:.3f}"
    return "[" + fmt.format(pair[0]) + ", " + fmt.format(pair[1]) + "]"


def _cell(row: dict[str, Any], key: str, width: int) -> str:
    """One figure of a table row (an F1, a difference or an interval), "n/a" or blank where it is undefined."""
    undefined = key in row.get("undefined", ())
    if key.startswith("ci"):
        interval = "" if undefined else _ci(row[key], signed=key == "ci_diff")
        return f"{interval:<{width}}"
    value = "n/a" if undefined else format(row[key], "+.3f" if key == "diff" else ".3f")
    return f"{value:>{width}}"


def _interval(samples: np.ndarray, tail: float, point: np.ndarray) -> np.ndarray:
    """Percentile interval per column over the resamples where it is defined; the point value where none is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # All-NaN slice: a label no resample can score
        bounds: np.ndarray = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return np.where(np.isnan(bounds), point, bounds)


def _undefined(a: bool, b: bool) -> list[str]:
    """The keys of a row with nothing to measure: a model's F1 and interval where it is undefined for that model,
    and the difference with its interval where either is."""
    return ["f1_a", "ci_a"] * a + ["f1_b", "ci_b"] * b + ["diff", "ci_diff"] * (a or b)


def trained_on(model: Any, data: Corpus) -> int:
    """How many texts of ``data`` were among ``model``'s own labelled training texts (the user texts a model
    trained or adapted on your labels records in its manifest, by hash); 0 for a model that records none."""
    from ..corpus.keys import user_text_key

    known = set(getattr(model, "manifest", {}).get("user_texts", ()))
    return sum(user_text_key(text) in known for text in data.texts) if known else 0


def _model_name(model: Any) -> str:
    where = f" ({model.path})" if getattr(model, "path", None) else ""
    return f"{model.name} {model.version}{where}"


def _decisions(model: Any, texts: list[str]) -> np.ndarray:
    proba = np.asarray(model.predict_proba(texts))
    decided: np.ndarray = (proba >= model.thresholds()).astype(bool)[:, : len(ISSUE_LABELS)]
    return decided


def _counts(truth: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-text 0/1 true positive, false positive and false negative indicators, columns per label + other."""
    truth = np.column_stack([truth, ~truth.any(axis=1)])
    pred = np.column_stack([pred, ~pred.any(axis=1)])
    return (truth & pred).astype(np.int32), (~truth & pred).astype(np.int32), (truth & ~pred).astype(np.int32)


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, undefined: float | np.ndarray = 0.0) -> np.ndarray:
    """F1, and ``undefined`` (one value, or one per label on the last axis) where there is nothing to score (no
    true and no predicted positive)."""
    denominator = 2 * tp + fp + fn
    out: np.ndarray = np.divide(
        2 * tp, denominator, out=np.full(np.shape(tp), undefined, dtype=float), where=denominator > 0
    )
    return out


def _scores(
    tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, scored: np.ndarray, undefined: float | np.ndarray = 0.0
) -> np.ndarray:
    """F1 per label and other, then micro- and macro-F1 over the five issues; ``tp`` etc. summed over texts
    (last axis: the five issues, then other). Macro-F1 averages the issues in ``scored``: those the texts or
    either model have (all five when none). One set for both models, as a paired comparison needs; so where only
    model B predicts an issue the texts lack, A's macro-F1 here counts it as 0 while ``evaluate`` of A alone
    leaves it out (compute_metrics takes the texts and that one model). ``undefined``: what a 0/0 F1 is, one
    value, or one per label and other (the micro-F1's is then NaN)."""
    per_label = _f1(tp, fp, fn, undefined)
    k = len(ISSUE_LABELS)
    micro = _f1(
        tp[..., :k].sum(-1), fp[..., :k].sum(-1), fn[..., :k].sum(-1), np.nan if np.ndim(undefined) else undefined
    )
    columns = np.flatnonzero(scored) if np.any(scored) else np.arange(k)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a resample where no scored label is defined
        macro = np.nanmean(per_label[..., columns], axis=-1)
    scores: np.ndarray = np.concatenate([per_label, micro[..., None], macro[..., None]], axis=-1)
    return scores


def compare_models(
    model_a: Any, model_b: Any, data: Corpus, n_boot: int = 1000, confidence: float = 0.95, seed: int = 0
) -> Comparison:
    """Score both models on every row of ``data`` and compare them (see :class:`Comparison`).

    Raises TrainingError when ``data`` has no rows.
    """
    if len(data) == 0:
        raise TrainingError("nothing to compare on: the data has no rows")
    if n_boot < 1 or not 0 < confidence < 1:
        raise TrainingError("n_boot must be positive and confidence between 0 and 1")
    texts = data.texts
    truth = data.targets()[:, : len(ISSUE_LABELS)].astype(bool)
    decided_a, decided_b = _decisions(model_a, texts), _decisions(model_b, texts)
    counts_a, counts_b = _counts(truth, decided_a), _counts(truth, decided_b)
    scored = np.asarray(truth.any(0) | decided_a.any(0) | decided_b.any(0), dtype=bool)
    (tp_a, fp_a, fn_a), (tp_b, fp_b, fn_b) = counts_a, counts_b
    point_a = _scores(tp_a.sum(0), fp_a.sum(0), fn_a.sum(0), scored)
    point_b = _scores(tp_b.sum(0), fp_b.sum(0), fn_b.sum(0), scored)
    # NaN where a model's figure has nothing to measure: written as 0 above (and so averaged into macro-F1 as the
    # paired comparison needs), but listed as undefined in its row
    undefined_a = np.isnan(_scores(tp_a.sum(0), fp_a.sum(0), fn_a.sum(0), scored, np.nan))
    undefined_b = np.isnan(_scores(tp_b.sum(0), fp_b.sum(0), fn_b.sum(0), scored, np.nan))

    labels = len(ISSUE_LABELS) + 1
    fill_a, fill_b = (np.where(undefined[:labels], 0.0, np.nan) for undefined in (undefined_a, undefined_b))
    rng = np.random.default_rng(seed)
    n = len(texts)
    boot_a, boot_b = [], []
    for start in range(0, n_boot, 100):
        size = min(100, n_boot - start)
        weights = rng.multinomial(n, np.full(n, 1.0 / n), size=size).astype(np.int32)  # (size, n) resample counts
        # NaN where a resample holds no case of a label for a model to be right or wrong about: such resamples
        # say nothing of it (as 0 they gave a model with no error on 3 texts the interval [0, 1]). But a label
        # a model has no case of in the whole data is 0 in every resample, as in its point macro-F1 (B's
        # macro-F1 was 0.800 [1.000, 1.000] when only A gave a label no text has)
        boot_a.append(_scores(weights @ tp_a, weights @ fp_a, weights @ fn_a, scored, fill_a))
        boot_b.append(_scores(weights @ tp_b, weights @ fp_b, weights @ fn_b, scored, fill_b))
    a, b = np.concatenate(boot_a), np.concatenate(boot_b)
    tail = (1 - confidence) / 2 * 100
    ci_a = _interval(a, tail, point_a)
    ci_b = _interval(b, tail, point_b)
    ci_d = _interval(b - a, tail, point_b - point_a)

    names = [*ISSUE_LABELS, OTHER, *SUMMARY]
    support = [*(truth.sum(0).tolist()), int((~truth.any(1)).sum()), int(truth.sum()), int(truth.sum())]
    rows: list[dict[str, Any]] = [
        {
            "label": name,
            "support": int(support[j]),
            "f1_a": round(float(point_a[j]), 4),
            "ci_a": [round(float(ci_a[0, j]), 4), round(float(ci_a[1, j]), 4)],
            "f1_b": round(float(point_b[j]), 4),
            "ci_b": [round(float(ci_b[0, j]), 4), round(float(ci_b[1, j]), 4)],
            "diff": round(float(point_b[j] - point_a[j]), 4),
            "ci_diff": [round(float(ci_d[0, j]), 4), round(float(ci_d[1, j]), 4)],
            "undefined": _undefined(bool(undefined_a[j]), bool(undefined_b[j])),
        }
        for j, name in enumerate(names)
    ]
    micro = rows[names.index("micro_f1")]
    low, high = micro["ci_diff"]
    better = "b" if low > 0 else "a" if high < 0 else None
    worse = [r["label"] for r in rows[: len(ISSUE_LABELS) + 1] if r["ci_diff"][1] < 0]
    pct = round(confidence * 100)
    change = (
        f"micro-F1 {micro['f1_a']:.3f} -> {micro['f1_b']:.3f} "
        f"({micro['diff']:+.3f}, {pct}% CI {low:+.3f} to {high:+.3f})"
    )
    if better == "b":
        verdict = f"B is better: {change}"
    elif better == "a":
        verdict = f"A is better: {change}"
    else:
        verdict = f"no clear difference: {change}"
    if worse:
        verdict += f"; B is worse on {', '.join(worse)}"
    macro = [name for name, keep in zip(ISSUE_LABELS, scored) if keep] or list(ISSUE_LABELS)
    overlap = {side: trained_on(model, data) for side, model in (("a", model_a), ("b", model_b))}
    differ = np.flatnonzero((decided_a != decided_b).any(axis=1))
    disagreements = [
        {
            "row": int(i),
            "text": texts[i],
            "labels": labels_of(truth[i]),
            "labels_a": labels_of(decided_a[i]),
            "labels_b": labels_of(decided_b[i]),
        }
        for i in differ
    ]
    return Comparison(
        _model_name(model_a),
        _model_name(model_b),
        n,
        rows,
        better,
        verdict,
        confidence,
        n_boot,
        worse,
        macro,
        {side: count for side, count in overlap.items() if count},
        disagreements,
    )
