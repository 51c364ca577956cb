"""What a library user sees first: the package's names, a model's repr, and explanations from a list of texts."""

import complaintmine as cm


def test_dir_shows_the_public_names_only():
    names = dir(cm)
    assert set(cm.__all__) <= set(names)
    for helper in ("Any", "Path", "TYPE_CHECKING", "annotations", "importlib"):
        assert helper not in names, helper


def test_a_model_prints_its_name_version_and_directory(tiny_model):
    model = cm.load_model(tiny_model)
    shown = repr(model)
    assert shown == f"<Model {model.name} {model.version} from {tiny_model}>"
    assert "object at 0x" not in shown


def test_classify_texts_explains_like_classify_frame(tiny_model):
    import pandas as pd

    model = cm.load_model(tiny_model)
    texts = ["尾款涨了五十", "说好送围巾，结果没收到"]
    out = cm.classify_texts(model, texts, explain=True, explain_top=3)
    expected = cm.classify_frame(model, pd.DataFrame({"text": texts}), explain=True, explain_top=3)
    assert out["evidence"].tolist() == expected["evidence"].tolist()
    assert all(len(items) <= 3 for found in out["evidence"] for items in found.values())
