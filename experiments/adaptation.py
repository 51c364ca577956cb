"""Adapting the default model to a domain it does not know, with 200, 500 and 1,000 of a team's own labels.

The domain: complaint posts about orders of new-energy cars (deposits, 锁单, delivery dates, 官降, bundled 权益)
from fictional brands, written by one team writer for this experiment (corpora/domains/ev_orders.csv, split by
the near-duplicate rule); with ``--domain=figure_preorders``, pre-orders of figures, toys and fan goods by four
writers in four registers (corpora/domains/figure_preorders.csv). The shipped model was trained on neither.
For each number of labels and seed, a random sample of the domain's train split plays "the user's labels", and
these are compared on the domain's test split:

- base: the shipped default model as it is;
- user only: the default model's configuration trained on the user's labels alone;
- adapted, weight w: the default model's configuration trained on its own training corpus (corpora/, with the
  real texts when the shared pool is present) plus the user's labels, each counted w times (w = "auto": the
  user rows carry 30% of the training weight, clipped to [1, 20]: 20, 19 and 10 for 200, 500 and 1,000 labels);
- stacked: the user's labels alone, with the base model's six log-odds as extra features (the base model's
  scores as features, the other method the issue suggests);
- augmented, weight w: as adapted, but every feature has a shared weight and a weight per domain (anchor, user),
  and the model keeps shared + user weights (feature augmentation, Daumé III 2007; adapt_model's "augment");
- average: the probabilities of "user only" and "adapted, weight 5" averaged (two models at scoring time:
  measured here only, not a method of adapt_model).

It also scores each model on the corpus's real test split (a fixed sample), to show what adapting costs on the
texts the base model was made for. Writes models/adaptation.json (models/adaptation-NAME.json with
``--domain=NAME``); `python experiments/adaptation.py` takes about 12 minutes on 2 idle cores with the shared
pool (13 with ``--domain=figure_preorders``); `--table` (with the same ``--domain``) prints the table of
docs/retraining.md from it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
import complaintmine as cm  # noqa: E402
from complaintmine.corpus.load import COLUMNS, Corpus  # noqa: E402
from complaintmine.retrain.adapt import adapt_model  # noqa: E402

# --domain=NAME: another file of corpora/domains/ (its results go to models/adaptation-NAME.json)
if "--domain" in sys.argv:
    raise SystemExit("adaptation.py: write --domain=NAME (one argument)")
_NAMED = [arg.split("=", 1)[1] for arg in sys.argv[1:] if arg.startswith("--domain=")]
_NAMED = [name for name in _NAMED if name != "ev_orders"]  # the first domain keeps its file name
DOMAIN = ROOT / "corpora" / "domains" / f"{_NAMED[0] if _NAMED else 'ev_orders'}.csv"
OUT = (
    ROOT
    / "models"
    / (
        "adaptation-pilot.json"
        if "--pilot" in sys.argv
        else f"adaptation-{_NAMED[0]}.json"
        if _NAMED
        else "adaptation.json"
    )
)
ARGS = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
SIZES = [int(s) for s in ARGS[0].split(",")] if ARGS else [200, 500, 1000]
SEEDS = [int(s) for s in ARGS[1].split(",")] if len(ARGS) > 1 else [0, 1]
WEIGHTS: list[int | str] = ["auto", 5]  # weight 1 was never the best (docs/retraining.md, 0.1.0 base)
AUGMENT_WEIGHTS = [5]  # feature augmentation (adapt_model's method "augment"); weight 1 was worse in a pilot
REAL_SAMPLE = 1000
# The base every committed table was measured with: 0.4.0, the linear model (0.5.0 adds boosted trees; adapting it
# retrains them too and has not been measured here).
BASE = ROOT / "models" / "complaintmine-zh-0.4.0"


def domain_corpus() -> Corpus:
    frame = pd.read_csv(DOMAIN, dtype=str, keep_default_na=False)
    tag = "ev" if DOMAIN.stem == "ev_orders" else DOMAIN.stem
    frame = frame.assign(key=tag + ":" + frame["id"], presale=frame["presale"].astype(int), origin="user", kind=tag)
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return Corpus(frame[COLUMNS])


def metrics(model: object, corpus: Corpus) -> dict[str, float]:
    found = cm.evaluate(model, corpus)
    return {k: round(found[k], 4) for k in ("micro_f1", "macro_f1", "presale_accuracy")} | {
        f"f1_{name}": round(row["f1"], 4) for name, row in found["labels"].items()
    }


class Stacked:
    """TF-IDF of the user's texts plus the base model's log-odds, into one logistic regression per target."""

    def __init__(self, base: cm.Model, config: cm.TrainConfig):
        self.base, self.config = base, config

    def _base_features(self, texts: list[str]) -> sp.csr_matrix:
        p = np.clip(self.base.predict_proba(texts), 1e-4, 1 - 1e-4)
        return sp.csr_matrix(np.log(p / (1 - p)))

    def fit(self, corpus: Corpus) -> Stacked:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
        X = sp.hstack([self.vectorizer.fit_transform(corpus.texts), self._base_features(corpus.texts)]).tocsr()
        Y = corpus.targets()
        self.heads = [
            LogisticRegression(C=self.config.C, class_weight="balanced", max_iter=2000).fit(X, Y[:, j])
            for j in range(Y.shape[1])
        ]
        return self

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        X = sp.hstack([self.vectorizer.transform(texts), self._base_features(texts)]).tocsr()
        return np.column_stack([head.predict_proba(X)[:, 1] for head in self.heads])

    def thresholds(self) -> np.ndarray:
        return np.full(6, 0.5)

    def decide(self, texts: list[str], proba: np.ndarray) -> np.ndarray:
        return cm.Model.decide(self, texts, proba)  # type: ignore[arg-type]  (thresholds, the pre-sale word rule)


class Average:
    """Probabilities averaged over models; the first model's thresholds and pre-sale rule decide."""

    def __init__(self, *models: cm.Model):
        self.models = models

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.mean([m.predict_proba(texts) for m in self.models], axis=0)

    def thresholds(self) -> np.ndarray:
        return self.models[0].thresholds()

    def decide(self, texts: list[str], proba: np.ndarray) -> np.ndarray:
        return cm.Model.decide(self, texts, proba)  # type: ignore[arg-type]


def _share_weight(n_anchor: int, n_user: int, share: float = 0.3) -> int:
    """The repeat count that gives user rows ``share`` of the training weight, clipped to [1, 20]."""
    return int(min(20, max(1, round(share * n_anchor / ((1 - share) * n_user)))))


def sample(pool: Corpus, size: int, seed: int) -> Corpus:
    rng = np.random.default_rng(seed)
    rows = rng.permutation(len(pool))[:size]
    return Corpus(pool.frame.iloc[np.sort(rows)].reset_index(drop=True))


def main() -> None:
    started = time.time()
    domain = domain_corpus()
    pool, test = domain.select(split="train"), domain.select(split="test")
    anchor = cm.load_corpus(ROOT / "corpora")
    real_test = anchor.select(split="test", origin="real")
    if len(real_test):
        real_test = Corpus(
            real_test.frame.sample(min(REAL_SAMPLE, len(real_test)), random_state=0).reset_index(drop=True)
        )
    base = cm.load_model(BASE)
    config = cm.TrainConfig.from_dict({"forest": "none", **base.manifest["training_config"]})  # older: linear
    results: dict[str, object] = {
        "domain": {"file": str(DOMAIN.relative_to(ROOT)), "train_pool": len(pool), "test": len(test)},
        "anchor_notes": anchor.notes,
        "base": {"model": f"{base.name} {base.version}", "domain_test": metrics(base, test)},
        "runs": [],
    }
    if len(real_test):
        results["base"]["real_test"] = metrics(base, real_test)  # type: ignore[index]
    print("base", results["base"], flush=True)
    for size in SIZES:
        if size > len(pool):
            print(f"skip {size}: the pool has {len(pool)} texts", flush=True)
            continue
        for seed in SEEDS:
            user = sample(pool, size, seed)
            run: dict[str, object] = {"labels": size, "seed": seed}
            t = time.time()
            only = cm.train_model(user, config)
            run["user_only"] = {"domain_test": metrics(only, test)}
            stacked = Stacked(base, config).fit(user)
            run["stacked"] = {"domain_test": metrics(stacked, test)}
            for weight in WEIGHTS:
                w = _share_weight(len(anchor.select(split="train")), size) if weight == "auto" else int(weight)
                adapted = adapt_model(user, BASE, anchor=anchor, user_weight=w).model
                entry = {"weight": w, "domain_test": metrics(adapted, test)}
                if len(real_test):
                    entry["real_test"] = metrics(adapted, real_test)
                run[f"adapted_w{weight}"] = entry
                if weight == 5:
                    entry = {"domain_test": metrics(Average(only, adapted), test)}
                    if len(real_test):
                        entry["real_test"] = metrics(Average(only, adapted), real_test)
                    run["average"] = entry
            for w in AUGMENT_WEIGHTS:
                adapted = adapt_model(user, BASE, anchor=anchor, user_weight=w, method="augment").model
                entry = {"weight": w, "domain_test": metrics(adapted, test)}
                if len(real_test):
                    entry["real_test"] = metrics(adapted, real_test)
                run[f"augmented_w{w}"] = entry
            run["seconds"] = round(time.time() - t, 1)
            results["runs"].append(run)  # type: ignore[attr-defined]
            print(
                json.dumps({k: (v["domain_test"]["micro_f1"] if isinstance(v, dict) else v) for k, v in run.items()}),
                flush=True,
            )
            OUT.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    results["seconds"] = round(time.time() - started)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def table(results: dict) -> str:
    """The markdown table of docs/retraining.md: mean micro-F1 over seeds (min-max in brackets)."""
    variants = [("user_only", "your labels alone"), ("stacked", "labels + base scores as features")]
    variants += [
        (f"adapted_w{w}", "adapted, your rows 30% of the weight" if w == "auto" else f"adapted, weight {w}")
        for w in WEIGHTS
    ]
    variants += [(f"augmented_w{w}", f"augmented, weight {w}") for w in AUGMENT_WEIGHTS]
    variants += [("average", "average of labels alone and adapted (w5)")]
    variants = [(key, name) for key, name in variants if all(key in run for run in results["runs"])]
    base = results["base"]["domain_test"]["micro_f1"]
    head = "| labels | shipped model | " + " | ".join(name for _, name in variants) + " |"
    lines = [head, "|---:|---:|" + "---:|" * len(variants)]
    sizes = sorted({run["labels"] for run in results["runs"]})
    for size in sizes:
        runs = [run for run in results["runs"] if run["labels"] == size]
        cells = []
        for key, _ in variants:
            values = [run[key]["domain_test"]["micro_f1"] for run in runs]
            weights = sorted({run[key]["weight"] for run in runs if "weight" in run[key]})
            note = f" (w={weights[0]})" if key == "adapted_wauto" and weights else ""
            cells.append(f"{np.mean(values):.3f} [{min(values):.3f}-{max(values):.3f}]{note}")
        lines.append(f"| {size:,} ({len(runs)} seeds) | {base:.3f} | " + " | ".join(cells) + " |")
    if "real_test" in results["base"]:
        real = results["base"]["real_test"]["micro_f1"]
        cells = []
        for key, _ in variants:
            values = [run[key]["real_test"]["micro_f1"] for run in results["runs"] if "real_test" in run[key]]
            cells.append(f"{np.mean(values):.3f}" if values else "")
        lines.append(f"| real test sample, all runs | {real:.3f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    import script_help

    script_help.exit_on_help(__doc__)
    if "--table" in sys.argv:
        print(table(json.loads(OUT.read_text(encoding="utf-8"))))
    else:
        main()
