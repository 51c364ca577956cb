"""Model directories: train -> save -> load -> classify, and every way loading must refuse a model."""

import json
import shutil
import warnings

import numpy as np
import pytest
import skops.io as sio

import complaintmine as cm
from complaintmine.model.artifact import (
    FORMAT_VERSION,
    MANIFEST,
    SCORER,
    TRUSTED_TYPES,
    WEIGHTS,
    ModelVersionWarning,
    sha256_file,
)

from ..conftest import DATA


@pytest.fixture
def model_copy(tiny_model, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(tiny_model, target)
    return target


def test_train_save_load_classify_gives_identical_probabilities(tiny_model):
    texts = [
        "预售尾款涨了五十",
        "买完就降价不给保价",
        "赠品没收到",
        "一周没发货",
        "号称全网最低价结果别家更便宜",
        "好评",
    ]
    loaded = cm.load_model(tiny_model)
    retrained = cm.train_model(cm.load_corpus(DATA / "tiny_corpus.csv"), cm.TrainConfig(min_df=1, cv=2))
    assert np.allclose(loaded.classifier.predict_proba(texts), retrained.classifier.predict_proba(texts))
    out = cm.classify_texts(loaded, texts)
    assert out["row"].tolist() == list(range(len(texts)))
    assert out.loc[0, "labels"] != "other"


def test_manifest_records_what_rebuilds_the_model(tiny_model):
    manifest = json.loads((tiny_model / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["labels"] == list(cm.ALL_LABELS)
    assert set(manifest["thresholds"]) == set(cm.TARGETS)
    assert len(manifest["tokenizer"]["lexicon_sha256"]) == 64
    assert len(manifest["corpus"]["sha256"]) == 64
    assert manifest["training_config"]["seed"] == manifest["seed"] == 0
    assert {"scikit-learn", "jieba", "skops"} <= set(manifest["library_versions"])
    assert "train" in manifest["metrics"] and "test_user" in manifest["metrics"]
    card = (tiny_model / "README.md").read_text(encoding="utf-8")
    assert "Held-out rows of the training file" in card and manifest["name"] in card


def test_newer_format_is_refused(model_copy):
    manifest = json.loads((model_copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["format_version"] = FORMAT_VERSION + 1
    (model_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(cm.ModelError, match="newer than this complaintmine reads"):
        cm.load_model(model_copy)


def test_tampered_weights_fail_their_hash(model_copy):
    data = bytearray((model_copy / WEIGHTS).read_bytes())
    data[-10] ^= 0xFF
    (model_copy / WEIGHTS).write_bytes(bytes(data))
    with pytest.raises(cm.ModelError, match="does not match the manifest"):
        cm.load_model(model_copy)


def test_tampered_lexicon_fails_its_hash(model_copy):
    with open(model_copy / "lexicon.txt", "a", encoding="utf-8") as handle:
        handle.write("恶意 100 x\n")
    with pytest.raises(cm.ModelError, match=r"lexicon\.txt"):
        cm.load_model(model_copy)


class Boom:
    """A type no model may contain; if loading ever rebuilt it, __setstate__ would fail the test."""

    def __setstate__(self, state):
        raise AssertionError("untrusted code ran during load")


def test_untrusted_types_are_refused_by_name_even_with_a_matching_hash(model_copy):
    parts = sio.load(model_copy / WEIGHTS, trusted=list(TRUSTED_TYPES))
    parts["extra"] = Boom()
    sio.dump(parts, model_copy / WEIGHTS)
    manifest = json.loads((model_copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][WEIGHTS] = sha256_file(model_copy / WEIGHTS)  # an attacker can recompute hashes
    (model_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(cm.ModelError, match=r"untrusted types: .*Boom"):
        assert (
            cm.load_model(model_copy).classifier is None
        )  # never reached: the weights are read when the full classifier is first needed


def test_a_model_without_scoring_arrays_loads_its_classifier_and_scores_the_same(model_copy, tiny_model):
    manifest = json.loads((model_copy / MANIFEST).read_text(encoding="utf-8"))
    del manifest["files"][SCORER]
    (model_copy / SCORER).unlink()
    (model_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    old_style = cm.load_model(model_copy)
    assert old_style.scorer is None
    texts = ["预售尾款涨了五十", "赠品没收到", "好评"]
    assert np.allclose(old_style.predict_proba(texts), cm.load_model(tiny_model).predict_proba(texts), atol=1e-12)


def test_damaged_scoring_arrays_are_refused(model_copy):
    (model_copy / SCORER).write_bytes(b"not a zip file")
    manifest = json.loads((model_copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][SCORER] = sha256_file(model_copy / SCORER)
    (model_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(cm.ModelError, match=r"scorer\.npz: cannot read scoring arrays"):
        cm.load_model(model_copy)


@pytest.mark.parametrize("damage", ["missing_manifest", "bad_json", "not_a_model", "missing_dir"])
def test_damaged_directories_give_clear_errors(model_copy, damage):
    path = model_copy
    if damage == "missing_manifest":
        (model_copy / MANIFEST).unlink()
    elif damage == "bad_json":
        (model_copy / MANIFEST).write_text("{\n  oops", encoding="utf-8")
    elif damage == "not_a_model":
        (model_copy / MANIFEST).write_text('{"format": "other"}', encoding="utf-8")
    else:
        path = model_copy / "nope"
    with pytest.raises(cm.ModelError, match=str(path.name)):
        cm.load_model(path)


@pytest.mark.parametrize("package", ["jieba", "scikit-learn"])
def test_library_version_drift_warns_naming_both_versions(model_copy, package):
    manifest = json.loads((model_copy / MANIFEST).read_text(encoding="utf-8"))
    manifest["library_versions"][package] = "0.0.1"
    (model_copy / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # jieba decides the tokens of every score; scikit-learn matters once the full classifier loads
        assert cm.load_model(model_copy).classifier is not None
    messages = [str(w.message) for w in caught if issubclass(w.category, ModelVersionWarning)]
    assert messages and "0.0.1" in messages[0] and package in messages[0]
