"""What the library does with the inputs a notebook user gets wrong, and with results assigned back to a frame
(from an audit of the library as a researcher uses it)."""

from __future__ import annotations

import io
import logging
import shutil
import threading
import time

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.scoring.frame import classify_frame, classify_texts

TEXTS = ["很好，五星", "尾款涨价了，多付了50", "物流很快", "赠品没给，客服不理", "承诺三天发货，一周没发"]


@pytest.fixture(scope="module")
def model(tiny_model):
    return cm.load_model(tiny_model)


def test_results_keep_the_index_of_a_filtered_frame_so_they_land_on_their_own_rows(model):
    frame = pd.DataFrame({"text": TEXTS, "shop": list("ABABA")})
    whole = classify_frame(model, frame)
    part = frame[frame.shop == "A"].copy()  # index 0, 2, 4
    part["labels"] = classify_frame(model, part)["labels"]  # pandas aligns on the index
    assert part["labels"].tolist() == whole.loc[[0, 2, 4], "labels"].tolist()
    assert len(pd.concat([part, classify_frame(model, part)[["p_gift_not_honored"]]], axis=1)) == 3
    series = frame.text[frame.shop == "B"]  # index 1, 3
    scored = classify_texts(model, series)
    assert scored.index.tolist() == [1, 3] and scored["row"].tolist() == [0, 1]
    assert scored["labels"].tolist() == whole.loc[[1, 3], "labels"].tolist()


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: cm.classify_texts(m, pd.DataFrame({"text": TEXTS})), "got a DataFrame .*column names"),
        (lambda m: cm.predict_texts(m, pd.DataFrame({"text": TEXTS})), "got a DataFrame"),
        (lambda m: cm.classify_texts(m, {"a": TEXTS[0]}), "got a dict .*keys"),
        (lambda m: cm.classify_texts(m, None), "expected a list of texts, got NoneType"),
        (lambda m: cm.classify_texts(m, 5), "expected a list of texts, got int"),
        (
            lambda m: cm.classify_texts("default", TEXTS),
            r"got str; load it first: .*load_model\('default'\)",
        ),
        (lambda m: cm.classify_frame(None, pd.DataFrame({"text": TEXTS})), "expected a Model"),
        (lambda m: cm.classify_frame(m, TEXTS), "expected a pandas DataFrame, got list"),
        (lambda m: cm.classify_frame(m, pd.DataFrame({"text": TEXTS}), text_column=None), "text_column must name"),
        (lambda m: cm.classify_frame(m, pd.DataFrame([[t, t] for t in TEXTS], columns=["text", "text"])), "twice|once"),
        (lambda m: cm.classify_frame(m, pd.DataFrame({"text": TEXTS}), chunk_size=-1), "chunk_size must be"),
        (lambda m: cm.classify_frame(m, pd.DataFrame({"text": TEXTS}), chunk_size=0), "chunk_size must be"),
        (lambda m: cm.classify_texts(m, TEXTS, explain=True, explain_top=0), "explain_top must be"),
        (lambda m: cm.predict_texts(m, ["好评", None]), "text 1: empty text"),
        (lambda m: cm.predict_texts(m, ["好评", float("nan")]), "text 1: empty text"),
        (lambda m: cm.predict_texts(m, ["好评", 1]), "text 1: text is not a string but int"),
    ],
)
def test_wrong_inputs_raise_input_errors_that_say_what_is_wrong(model, call, message):
    with pytest.raises(cm.InputError, match=message):
        call(model)


def test_a_frame_with_integer_column_names_reports_a_missing_column_and_can_be_scored_by_them(model):
    frame = pd.read_csv(io.StringIO("1,尾款涨价了\n2,赠品没给\n"), header=None)  # columns 0 and 1
    with pytest.raises(cm.MissingColumnError, match="no column 'text'; available columns: '0', '1'"):
        cm.classify_frame(model, frame)
    scored = cm.classify_frame(model, frame, text_column=1, id_column=0)
    assert scored.iloc[:, 0].tolist() == [1, 2]  # the id column 0 is used although 0 is falsy


def test_an_id_column_named_like_an_output_column_comes_out_as_input_name(model):
    frame = pd.DataFrame({"text": TEXTS[:2], "labels": ["A1", "A2"], "error": ["e1", "e2"]})
    for column in ("labels", "error"):
        scored = cm.classify_frame(model, frame, id_column=column)
        assert scored.columns[0] == f"input_{column}" and scored.iloc[:, 0].tolist() == frame[column].tolist()
        assert scored["labels"].tolist() == cm.classify_texts(model, TEXTS[:2])["labels"].tolist()


def test_several_text_columns_are_joined_as_the_cli_joins_them(model):
    frame = pd.DataFrame({"title": ["尾款涨价了", None, "  "], "body": ["多付了50", "赠品没给", None]})
    scored = cm.classify_frame(model, frame, text_column=["title", "body"])
    alone = cm.classify_texts(model, ["尾款涨价了\n多付了50", "赠品没给"])
    assert scored["p_price_hike"].tolist()[:2] == alone["p_price_hike"].tolist()
    assert scored["error"].tolist() == ["", "", "empty text"]


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_every_kind_of_missing_text_is_an_empty_text(model, missing):
    assert cm.classify_texts(model, ["好评", missing])["error"].tolist() == ["", "empty text"]


def test_save_model_refuses_a_folder_that_holds_a_model_or_files_unless_forced(model, tiny_model, tmp_path):
    victim = tmp_path / "victim"
    shutil.copytree(tiny_model, victim)
    (victim / "README.md").write_text("the card of the model that was here", encoding="utf-8")
    with pytest.raises(cm.OutputError, match="holds a model; pass --force"):
        cm.save_model(model, victim)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "mine.txt").write_text("x", encoding="utf-8")
    with pytest.raises(cm.OutputError, match="is not empty"):
        cm.save_model(model, other)
    cm.save_model(model, victim, force=True)
    card = (victim / "README.md").read_text(encoding="utf-8")  # the card of this model, not of the one replaced
    assert card.startswith(f"# {model.name} {model.version}") and "the card of the model that was here" not in card
    assert cm.load_model(victim).version == model.version
    with pytest.raises(cm.ModelError, match="expected a Model to save"):
        cm.save_model(None, tmp_path / "new")


def test_a_corpus_from_a_frame_checks_its_labels_so_a_typo_cannot_lower_the_metrics_quietly(model):
    frame = pd.DataFrame({"text": TEXTS[:2], "labels": ["other", "price-hike"], "presale": [0, 1]})
    with pytest.raises(cm.CorpusError, match=r"row 1: unknown label.*'price-hike'"):
        cm.Corpus(frame)
    with pytest.raises(cm.CorpusError, match="missing presale"):
        cm.Corpus(frame.drop(columns="presale"))
    with pytest.raises(cm.CorpusError, match=r"row 1: presale must be 1 or 0 \(also 是/否, yes/no; .*\), got 2"):
        cm.Corpus(frame.assign(labels="other", presale=[0, 2]))
    corpus = cm.Corpus(frame.assign(labels=["other", " price_hike "]))
    assert (
        corpus.frame["labels"].tolist() == ["other", "price_hike"] and corpus.frame["split"].tolist() == ["train"] * 2
    )
    good = frame.assign(labels=["other", "price_hike"])
    assert cm.evaluate_model(model, good)["micro_f1"] == cm.evaluate(model, cm.Corpus(good))["micro_f1"]
    with pytest.raises(cm.CorpusError, match="no rows of split 'tset'; the data has the split\\(s\\) 'train'"):
        cm.evaluate_model(model, good, split="tset")


def test_building_dictionaries_in_two_threads_leaves_the_jieba_logger_as_it_was():
    # the level used to be saved, set and restored per thread: interleaved, it stayed at WARNING for good
    logger = logging.getLogger("jieba")
    before = (logger.level, list(logger.filters))
    logger.setLevel(logging.DEBUG)
    try:

        def build(delay: float) -> None:
            time.sleep(delay)
            cm.Tokenizer(cm.TokenizerConfig(backend="jieba")).tokenize("预热")

        threads = [threading.Thread(target=build, args=(delay,)) for delay in (0, 0.05, 0.1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert logger.level == logging.DEBUG and logger.filters == before[1]
    finally:
        logger.setLevel(before[0])


def test_a_model_trained_without_a_name_is_named_after_the_folder_it_is_saved_to(tmp_path, tiny_corpus_path):
    trained = cm.train_model(cm.load_corpus(tiny_corpus_path), cm.TrainConfig(min_df=1, forest="none"))
    assert trained.name == "unnamed"
    cm.save_model(trained, tmp_path / "shop-zh-1.2")
    assert (cm.load_model(tmp_path / "shop-zh-1.2").name, trained.version) == ("shop-zh", "1.2")


def test_a_complaint_in_traditional_characters_is_scored_as_its_simplified_twin(model):
    # the audit's 預售尾款漲價了，贈品也沒給 got no label where 预售尾款涨价了，赠品也没给 got gift_not_honored
    traditional = ["預售尾款漲價了，贈品也沒給", "說好48小時發貨，一週了還沒發", "買完就降價了，客服不給保價"]
    simplified = ["预售尾款涨价了，赠品也没给", "说好48小时发货，一周了还没发", "买完就降价了，客服不给保价"]
    both = cm.classify_texts(model, traditional + simplified)
    columns = ["labels", "presale", *[f"p_{label}" for label in cm.ISSUE_LABELS]]
    assert both[columns].iloc[:3].to_numpy().tolist() == both[columns].iloc[3:].to_numpy().tolist()
