"""Model files written by earlier versions keep loading and scoring the same.

``tests/data/models/frozen-tiny-0.1.0`` was trained on ``tiny_corpus.csv`` and saved right after the package was
regrouped into subpackages (its weights name ``complaintmine.model.head``); the shipped default model is older
and names ``complaintmine.head``, which a type alias maps to the module's new place. Neither directory may be
rewritten: a change that breaks them breaks users' model files.
"""

import io
import json
import warnings
import zipfile

import numpy as np
import pytest
import skops.io as sio

import complaintmine as cm
from complaintmine.model.artifact import TRUSTED_TYPES, TYPE_MODULE_ALIASES, WEIGHTS, ModelVersionWarning
from complaintmine.text.presale import has_presale_cue

from ..conftest import DATA, ROOT

FROZEN = DATA / "models" / "frozen-tiny-0.1.0"
EXPECTED = json.loads((DATA / "models" / "frozen-tiny-0.1.0.expected.json").read_text(encoding="utf-8"))


def _load(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)  # a frozen file outlives the library versions
        return cm.load_model(path)


def test_the_frozen_model_loads_and_scores_as_when_it_was_written():
    model = _load(FROZEN)
    assert model.name == "frozen-tiny"
    texts = EXPECTED["texts"]
    assert np.allclose(model.predict_proba(texts), EXPECTED["probabilities"], atol=1e-9)
    out = cm.classify_texts(model, texts)
    assert out["labels"].tolist() == EXPECTED["labels"]
    # Since issue 16 a text is flagged presale only when it names a pre-sale purchase ("一周没发货" does not).
    assert out["presale"].tolist() == [int(p and has_presale_cue(t)) for p, t in zip(EXPECTED["presale"], texts)]


def test_the_frozen_model_weights_load_and_agree_with_its_arrays():
    model = _load(FROZEN)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)
        classifier = model.classifier
    assert np.allclose(classifier.predict_proba(EXPECTED["texts"]), EXPECTED["probabilities"], atol=1e-9)


def test_a_model_file_naming_the_old_head_module_loads_through_the_alias():
    shipped = ROOT / "models" / "complaintmine-zh-0.1.0"  # the previous default, written before the regroup
    named = sio.get_untrusted_types(file=shipped / WEIGHTS)
    assert named == ["complaintmine.head.ThresholdedOneVsRest"], "0.1.0 is the old-name fixture"
    assert not set(named) & set(TRUSTED_TYPES)
    assert TYPE_MODULE_ALIASES["complaintmine.head"] == "complaintmine.model.head"
    model = _load(shipped)
    text = ["预售付了定金，尾款涨了50"]
    assert np.allclose(model.classifier.predict_proba(text), model.predict_proba(text), atol=1e-9)


@pytest.mark.parametrize("module", ["complaintmine.heads", "os"])
def test_the_alias_trusts_nothing_it_does_not_name(tmp_path, module):
    """A file naming another module (a near-miss of the old name, or anything else) is still refused."""
    import shutil

    from complaintmine.model.artifact import MANIFEST, sha256_file

    target = tmp_path / "model"
    shutil.copytree(FROZEN, target)
    with zipfile.ZipFile(target / WEIGHTS) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["schema.json"] = members["schema.json"].replace(b'"complaintmine.model.head"', f'"{module}"'.encode())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    (target / WEIGHTS).write_bytes(buffer.getvalue())
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][WEIGHTS] = sha256_file(target / WEIGHTS)
    (target / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    model = _load(target)
    with pytest.raises(cm.ModelError, match=f"untrusted types: {module}.ThresholdedOneVsRest"):
        model.classifier  # noqa: B018
