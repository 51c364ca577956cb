"""The do-it-yourself baseline a user would write in 30 lines, kept verbatim in spirit for the benchmark.

    python benchmarks/baseline_script.py TRAIN.csv INPUT.csv OUTPUT.csv

TRAIN.csv has text and labels columns; it trains jieba + TfidfVectorizer + one LogisticRegression per label,
then scores INPUT.csv (pandas read, one process, pandas write). Prints training and scoring seconds as JSON.
"""

import json
import sys
import time

import jieba
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

LABELS = ["price_hike", "no_price_protection", "gift_not_honored", "late_shipping", "false_lowest_price"]


def main(train_path: str, input_path: str, output_path: str) -> None:
    started = time.perf_counter()
    train = pd.read_csv(train_path, dtype=str, keep_default_na=False)
    vectorizer = TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, lowercase=False)
    X = vectorizer.fit_transform(train["text"])
    models = {}
    for label in LABELS:
        y = train["labels"].str.split("|").map(lambda names, label=label: label in names)
        models[label] = LogisticRegression(max_iter=1000).fit(X, y)
    trained = time.perf_counter()
    data = pd.read_csv(input_path, dtype=str, keep_default_na=False)
    X = vectorizer.transform(data["text"])
    out = pd.DataFrame({"row": range(len(data))})
    for label, model in models.items():
        out[f"p_{label}"] = model.predict_proba(X)[:, 1]
    decided = out[[f"p_{label}" for label in LABELS]].to_numpy() >= 0.5
    out["labels"] = ["|".join(name for name, on in zip(LABELS, row) if on) or "other" for row in decided]
    out.to_csv(output_path, index=False)
    done = time.perf_counter()
    print(json.dumps({"train_seconds": trained - started, "score_seconds": done - trained, "rows": len(data)}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
