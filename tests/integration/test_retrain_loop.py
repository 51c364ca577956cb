"""The retraining loop in process, on a tiny corpus: suggest, label by a fixture, adapt a base, compare, promote
or keep. The new domain is tests/data/retrain_domain.csv: 80 team-written complaint posts about new-energy car
orders (from corpora/domains/ev_orders.csv), a domain the tiny base model has never seen."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.corpus.keys import text_sha1
from complaintmine.retrain import (
    adapt_model,
    compare_models,
    current_model,
    promote_model,
    read_label_sheets,
    suggest_texts,
    write_sheet,
)

from ..conftest import DATA

TINY_CONFIG = {"min_df": 1, "cv": 2}


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    return pd.read_csv(DATA / "retrain_domain.csv", dtype=str, keep_default_na=False)


def label_like_an_annotator(sheet: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """The fixture labeller: fills the labels and presale columns of a sheet from the gold labels."""
    answers = gold.set_index("id")
    filled = sheet.copy()
    filled["labels"] = [answers.at[i, "labels"] for i in sheet["id"]]
    filled["presale"] = [answers.at[i, "presale"] for i in sheet["id"]]
    return filled


def test_the_whole_loop_in_process(tmp_path, tiny_model, tiny_corpus_path, gold):
    holdout_path = tmp_path / "holdout.csv"
    gold.iloc[:30].to_csv(holdout_path, index=False)
    holdout = read_label_sheets(holdout_path)
    unlabelled = gold.iloc[30:]
    base = cm.load_model(tiny_model)

    # 1. suggest: uncertain, diverse, covering, never a text already labelled
    texts = unlabelled["text"].tolist()
    sheet = suggest_texts(
        texts, base.predict_proba(texts), base.thresholds(), n=40, ids=unlabelled["id"].tolist(), labelled=holdout.texts
    )
    assert len(sheet) == 40 and not set(sheet["text"]) & set(holdout.texts)
    path = write_sheet(sheet, tmp_path / "to_label.xlsx")

    # 2. label (the fixture), save the sheet as a labeller would, read it back as it is
    filled = label_like_an_annotator(pd.read_excel(path, dtype=str).fillna(""), gold)
    filled.to_excel(path, index=False)
    labels = read_label_sheets(path)
    assert len(labels) == 40

    # 3. adapt the base with the labels (its anchor: the tiny corpus it was trained on)
    adapted = adapt_model(labels, tiny_model, anchor=cm.load_corpus(tiny_corpus_path), overrides=TINY_CONFIG)
    assert adapted.n_user == 40 and adapted.n_anchor == 36 and adapted.user_weight >= 1
    assert adapted.model.manifest["adaptation"]["user"]["n_texts"] == 40
    candidate = tmp_path / "candidate"
    cm.save_model(adapted.model, candidate)
    assert json.loads((candidate / "model.json").read_text(encoding="utf-8"))["adaptation"]["base"]["path"] == str(
        tiny_model
    )

    # 4. compare on the held-out labels: the adapted model knows the new domain, the base does not
    comparison = compare_models(base, cm.load_model(candidate), holdout, n_boot=300)
    assert comparison.row("micro_f1")["diff"] > 0, comparison.format_table()

    # 5. promote (no current model yet: compared with the base) ... then keep, when the base comes back
    models = tmp_path / "models"
    first = promote_model(candidate, models, holdout, require="not-worse", baseline=tiny_model, n_boot=300)
    assert first.promoted, first.reason
    assert current_model(models) == (models / "candidate").resolve()
    second = promote_model(tiny_model, models, holdout, n_boot=300)
    kept = cm.load_model(models / "candidate")  # named as the first promote named models, not by its folder
    assert not second.promoted and second.reason.startswith(f"kept {kept.name} {kept.version}: "), second.reason
    assert current_model(models) == (models / "candidate").resolve()
    log = [json.loads(line) for line in (models / "runs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entry["promoted"] for entry in log] == [True, False]


def test_adapting_without_a_known_anchor_is_a_clear_error(tiny_model, gold, tmp_path):
    path = tmp_path / "labels.csv"
    gold.to_csv(path, index=False)
    with pytest.raises(cm.TrainingError, match="pass --anchor"):
        adapt_model(read_label_sheets(path), tiny_model)


def test_adapting_by_feature_augmentation_saves_and_scores_like_any_model(tmp_path, tiny_model, tiny_corpus_path, gold):
    path = tmp_path / "labels.csv"
    gold.iloc[:40].to_csv(path, index=False)
    labels = read_label_sheets(path)
    steps: list[str] = []
    adapted = adapt_model(
        labels,
        tiny_model,
        anchor=cm.load_corpus(tiny_corpus_path),
        overrides=TINY_CONFIG,
        method="augment",
        progress=steps.append,
    )
    assert steps[0] == (
        "anchor corpus (passed in): 36 training texts, 0 of them real reviews joined from the shared pool (--shared)"
    )
    assert steps[1].startswith("training on 236 texts") and steps[-1].startswith("fitted in")  # 36 + 40 x 5
    assert steps[2] == "the linear model is fitted" and steps[3].startswith("boosted trees for ")
    assert adapted.model.manifest["adaptation"]["method"].endswith("(feature augmentation)")
    assert adapted.n_user == 40 and adapted.n_anchor == 36
    cm.save_model(adapted.model, tmp_path / "augmented")
    card = (tmp_path / "augmented" / "README.md").read_text(encoding="utf-8")  # save_model writes the card
    assert "## Adaptation" in card and "Your labels: 40 texts, each counted 5 times" in card
    loaded = cm.load_model(tmp_path / "augmented")
    # what compare and promote check (the anchor here is a labelled file, so its texts are recorded too)
    assert {text_sha1(text)[:16] for text in gold["text"].iloc[:40]} <= set(loaded.manifest["user_texts"])
    texts = gold["text"].tolist()
    assert np.allclose(loaded.predict_proba(texts), adapted.model.classifier.predict_proba(texts))
    with pytest.raises(cm.TrainingError, match="method must be one of"):
        adapt_model(labels, tiny_model, anchor=cm.load_corpus(tiny_corpus_path), method="mix")


def test_a_first_promotion_that_keeps_the_baseline_points_current_at_a_copy_of_it(tmp_path, tiny_model, gold):
    # models/current did not exist until some candidate won, so `classify --model models/current` failed
    import shutil

    candidate = tmp_path / "candidate"
    shutil.copytree(tiny_model, candidate)
    path = tmp_path / "holdout.csv"
    gold.iloc[:30].to_csv(path, index=False)
    result = promote_model(candidate, tmp_path / "models", read_label_sheets(path), baseline=tiny_model, log=False)
    assert not result.promoted and f"now points to it ({tiny_model.name})" in result.reason
    copied = (tmp_path / "models" / tiny_model.name).resolve()
    assert current_model(tmp_path / "models") == copied
    assert cm.load_model(tmp_path / "models" / "current").manifest == cm.load_model(tiny_model).manifest
    (tmp_path / "models" / "current").unlink()  # the pointer reset: the earlier copy is found and used again
    again = promote_model(candidate, tmp_path / "models", read_label_sheets(path), baseline=tiny_model, log=False)
    assert (
        not again.promoted and current_model(tmp_path / "models") == (tmp_path / "models" / tiny_model.name).resolve()
    )


def test_adapting_a_base_with_a_reader_without_pytorch_drops_the_reader_and_says_so(
    tmp_path, tiny_model, tiny_corpus_path, gold, monkeypatch
):
    import shutil

    import complaintmine.retrain.adapt as adapt

    base = tmp_path / "base"
    shutil.copytree(tiny_model, base)
    manifest = json.loads((base / "model.json").read_text(encoding="utf-8"))
    manifest["training_config"].update(reader="gru-128", forest="trees-200")  # as the shipped model's
    (base / "model.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setattr(adapt, "torch_available", lambda: False)
    labels = cm.Corpus(
        pd.DataFrame({"text": gold["text"][:20], "labels": gold["labels"][:20], "presale": gold["presale"][:20]})
    )
    steps: list[str] = []
    adapted = adapt_model(
        labels, base, anchor=cm.load_corpus(tiny_corpus_path), overrides=TINY_CONFIG, progress=steps.append
    )
    assert any("reader (gru-128)" in note and "complaintmine[reader]" in note for note in adapted.notes)
    said = [k for k, step in enumerate(steps) if "reader (gru-128)" in step and step.startswith("note: ")]
    training = [k for k, step in enumerate(steps) if step.startswith("training on ")]
    assert said and training and said[0] < training[0]  # said before minutes of training, not after
    config = adapted.model.manifest["training_config"]
    assert config["reader"] == "none" and config["forest"] == "trees-200"


def test_the_thresholds_a_scored_file_implies_read_the_same_from_json_lines_as_from_csv():
    # JSON Lines holds labels as a list; read as str, "['price_hike']" never matched a label, so suggest took the
    # file as decided at 0.5 (review, session 21)
    from complaintmine.retrain.suggest import _implied_thresholds

    proba = np.zeros((4, len(cm.TARGETS)))
    proba[:, 0] = [0.9, 0.8, 0.4, 0.1]  # the first two are price_hike: decided somewhere in (0.4, 0.8]
    as_csv = pd.DataFrame({"labels": ["price_hike", "price_hike|presale", "other", "other"]})
    as_jsonl = pd.DataFrame({"labels": [["price_hike"], ["price_hike", "presale"], ["other"], ["other"]]})
    assert _implied_thresholds(as_csv, proba)[0] == pytest.approx(0.6)  # midway between 0.4 and 0.8
    np.testing.assert_array_equal(_implied_thresholds(as_jsonl, proba), _implied_thresholds(as_csv, proba))
