"""Training configuration: the defaults are the shipped model's configuration; train reports progress."""

import json

import pytest

import complaintmine as cm
from complaintmine.model.defaults import DEFAULT_MODEL_NAME
from complaintmine.model.reader import READER_SETTINGS
from complaintmine.model.training import read_train_config

from ..conftest import DATA, ROOT

SHIPPED = ROOT / "models" / f"{DEFAULT_MODEL_NAME}.train.json"


def test_train_config_defaults_are_the_shipped_configuration_but_not_its_name():
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    defaults = cm.TrainConfig().to_dict()
    # the shipped reader is trained with PyTorch, an optional extra (complaintmine[reader]): training with the
    # defaults needs none, so they keep everything of the shipped design but its reader
    design = [key for key in shipped if key not in ("name", "version", "reader")]
    assert defaults["reader"] == "none" and shipped.get("reader", "none") in READER_SETTINGS
    assert {key: defaults[key] for key in design} == {
        key: tuple(value) if isinstance(value, list) else value for key, value in shipped.items() if key in design
    }
    # a model trained without a name used to call itself complaintmine-zh 0.6.1, as the shipped one does
    assert (defaults["name"], defaults["version"]) == ("unnamed", "0.1.0")
    recorded = json.loads((ROOT / "models" / DEFAULT_MODEL_NAME / "model.json").read_text(encoding="utf-8"))
    assert {key: recorded["training_config"][key] for key in shipped} == shipped


def test_read_train_config_overrides_the_seed_and_refuses_what_is_not_a_config(tmp_path):
    assert read_train_config(SHIPPED, seed=3).seed == 3
    assert read_train_config(None) == cm.TrainConfig()
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(cm.TrainingError, match="JSON object"):
        read_train_config(bad)
    bad.write_text('{"learning_rate": 1}', encoding="utf-8")
    with pytest.raises(cm.TrainingError, match="unknown training option"):
        read_train_config(bad)


def test_training_reports_its_steps():
    said = []
    cm.train_model(cm.load_corpus(DATA / "tiny_corpus.csv"), cm.TrainConfig(min_df=1), progress=said.append)
    assert said[0].startswith("training on ") and any("fitted in" in line for line in said)


def test_feature_augmentation_keeps_shared_plus_target_weights_and_scores_like_the_augmented_fit():
    """The adapted head is the augmented fit, collapsed: scoring a target text with shared + target weights
    equals scoring it with the augmented head on [x | 0 | x]."""
    import numpy as np
    import scipy.sparse as sp

    from complaintmine.model.head import ThresholdedOneVsRest

    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    texts, Y = corpus.texts, corpus.targets()
    mine = np.arange(len(texts)) % 3 == 0
    config = cm.TrainConfig(min_df=1, modality="none", forest="none")  # the linear head alone
    adapted = config.classifier().fit(texts, Y, target_domain=mine)
    plain = config.classifier().fit(texts, Y)
    X = plain.transform(texts)  # the same vectorizers: fitted on the same texts
    assert (adapted.transform(texts) != X).nnz == 0
    augmented = sp.hstack([X, sp.diags((~mine).astype(float)) @ X, sp.diags(mine.astype(float)) @ X], format="csr")
    head = ThresholdedOneVsRest(adapted._base_estimator(), tune_thresholds=False).fit(augmented, Y)
    as_target = sp.hstack([X, sp.csr_matrix(X.shape), X], format="csr")
    assert np.allclose(adapted.predict_proba(texts), head.predict_proba(as_target))
    assert not np.allclose(adapted.predict_proba(texts), plain.predict_proba(texts))
    with pytest.raises(ValueError, match="one flag per text"):
        config.classifier().fit(texts, Y, target_domain=mine[:-1])


def test_pair_and_derived_weights_weigh_their_own_rows_only():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "key": ["pair:tp-00001", "real:jd:1", "team:t1", "pair:tp-00002", "evidence:price_hike:real:jd:1"],
            "origin": ["team", "real", "team", "team", "derived"],
        }
    )
    assert cm.TrainConfig(derived_weight=1.0).sample_weights(frame) is None
    assert cm.TrainConfig(pair_weight=0.5, derived_weight=1.0).sample_weights(frame).tolist() == [0.5, 1, 1, 0.5, 1]
    assert cm.TrainConfig(derived_weight=2.0).sample_weights(frame).tolist() == [1, 1, 1, 1, 2]


def test_derived_rows_are_trained_on_only_when_they_weigh_something():
    import pandas as pd

    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    derived = corpus.frame.head(3).assign(origin="derived", key=lambda f: "evidence:x:" + f["key"], labels="other")
    both = cm.Corpus(pd.concat([corpus.frame, derived], ignore_index=True))
    config = cm.TrainConfig(min_df=1)
    assert cm.train_model(both, config).manifest["corpus"]["n_texts"] == len(corpus.select(split="train"))
    with_them = cm.train_model(both, cm.TrainConfig(min_df=1, derived_weight=0.5)).manifest["corpus"]
    assert with_them["n_texts"] == len(corpus.select(split="train")) + 3 and with_them["by_origin"]["derived"] == 3


def test_a_label_without_examples_is_refused_with_the_way_to_adapt_instead():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "key": ["a", "b", "c"],
            "text": ["尾款涨了五十", "发货很快", "赠品没给"],
            "labels": ["price_hike", "other", "gift_not_honored"],
            "presale": [1, 0, 0],
            "split": "train",
        }
    )
    frame["origin"], frame["kind"] = "user", ""
    with pytest.raises(
        cm.TrainingError, match=r"no_price_protection, late_shipping, false_lowest_price\. .*--base default"
    ):
        cm.train_model(cm.Corpus(frame), cm.TrainConfig(forest="none"))


def test_a_folder_named_with_a_time_gets_no_version_from_it():
    from complaintmine.model.training import name_from_directory

    assert name_from_directory("models/shop-zh-1.2") == ("shop-zh", "1.2")
    assert name_from_directory("models/candidate-20261207-021500") == ("candidate-20261207-021500", "0.1.0")


@pytest.mark.parametrize("given", ["reader_variants.json", "gated_reader.json", "no such file.json"])
def test_a_comparison_the_card_cannot_show_is_refused_before_training(tmp_path, given):
    """An experiment's own rows file given for card_comparison.json (one crashed on a string, after training),
    or a missing file: refused before the minutes of training, with nothing written."""
    from complaintmine.model.training import train_to_directory

    def progress(message: str) -> None:
        raise AssertionError(f"training started: {message}")

    output = tmp_path / "m"
    with pytest.raises(cm.TrainingError, match="not a comparison file for the model card"):
        train_to_directory(DATA / "tiny_corpus.csv", output, comparison=ROOT / "models" / given, progress=progress)
    assert not output.exists()
