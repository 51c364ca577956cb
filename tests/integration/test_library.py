"""The library entry points in-process (the CLI tests run them as subprocesses): predict_texts, evaluate_model,
and the mask and extract jobs."""

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.mining.jobs import extraction_columns, run_extract_job, run_mask_job
from complaintmine.model.runtime import score_texts
from complaintmine.scoring.batch import JobOptions, run_job

from ..conftest import DATA

TEXTS = ["预售付了定金，尾款涨了五十", "赠品没收到，联系电话13812345678", "发货很快，好评"]


def test_predict_texts_agrees_with_classify_texts_and_the_scoring_core(tiny_model):
    model = cm.load_model(tiny_model)
    predictions = cm.predict_texts(model, TEXTS)
    frame = cm.classify_texts(model, TEXTS)
    scores = score_texts(model, TEXTS)
    assert [p.label_string for p in predictions] == frame["labels"].tolist()
    assert [int(p.presale) for p in predictions] == frame["presale"].tolist()
    for i, prediction in enumerate(predictions):
        assert set(prediction.probabilities) == {*cm.ISSUE_LABELS, "presale"}
        assert prediction.probabilities["presale"] == pytest.approx(scores.proba[i, -1])
        assert set(prediction.labels) == {n for n, on in zip(cm.ISSUE_LABELS, scores.decided[i]) if on}
    assert cm.predict_texts(model, []) == []


def test_evaluate_model_on_a_file_a_corpus_and_a_split(tiny_model):
    model = cm.load_model(tiny_model)
    corpus = cm.load_corpus(DATA / "tiny_corpus.csv")
    metrics = cm.evaluate_model(model, corpus)
    assert metrics == cm.evaluate_model(model, DATA / "tiny_corpus.csv")
    assert metrics["n_texts"] == len(corpus)
    assert 0.0 <= metrics["micro_f1"] <= 1.0 and 0.0 <= metrics["presale_accuracy"] <= 1.0
    assert set(cm.ISSUE_LABELS) <= set(metrics["labels"])
    if "test" in set(corpus.frame["split"]):
        assert cm.evaluate_model(model, corpus, split="test")["n_texts"] == int((corpus.frame["split"] == "test").sum())
    json.dumps(metrics)  # what `evaluate --json` writes


def test_mask_job_keeps_every_row_and_masks_only_the_named_columns(tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": ["a", "b", "c"], "text": TEXTS, "note": ["电话13812345678", "", "x"]}).to_csv(
        source, index=False
    )
    out = tmp_path / "out.csv"
    summary = run_mask_job(str(source), str(out), ["text"])
    assert summary.rows == 3 and summary.failed == 0
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert back["id"].tolist() == ["a", "b", "c"]
    assert "[PHONE]" in back["text"][1] and "13812345678" not in back["text"][1]
    assert back["note"][0] == "电话13812345678"
    with pytest.raises(cm.MissingColumnError):
        run_mask_job(str(source), str(tmp_path / "x.csv"), ["body"])


def test_extract_job_gives_one_row_per_input_row_with_fields(tmp_path):
    source = tmp_path / "in.jsonl"
    rows = [{"id": i, "text": t} for i, t in enumerate([*TEXTS, ""])]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    summary = run_extract_job(str(source), str(out), ["text"], "id")
    assert summary.rows == 4 and summary.errors == {"empty text": 1}
    back = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in back] == [0, 1, 2, 3]
    assert back[0]["money"] and back[3]["error"] == "line 4: empty text"
    columns = extraction_columns(["尾款涨了五十", None])
    assert columns["difference"][1] is None and columns["fields"][0]["money"]


def test_json_lines_output_writes_the_extracted_values_as_lists_and_csv_keeps_them_joined(tmp_path, tiny_model):
    # "定金50|差价80" was a string in JSON Lines, beside labels as a list and the same values as lists in fields
    source = tmp_path / "in.csv"
    text = "在抖音直播间付了定金50元，尾款比说好的贵了80元，说好送的耳机和充电宝也没给"
    source.write_text(f"id,text,money\n1,{text},m\n2,好评,m\n3,,m\n", encoding="utf-8")
    found = {"money": ["定金50", "差价80"], "gifts": ["耳机", "充电宝"], "platforms": ["抖音"], "channels": ["直播间"]}
    none = dict.fromkeys(found)  # nothing found, or no text: null, as a missing value is in JSON Lines
    run_extract_job(str(source), str(tmp_path / "fields.jsonl"), ["text"], "id")
    options = JobOptions(input=str(source), model_dir=str(tiny_model), keep_columns=("money",), extract=True)
    run_job(replace(options, output=str(tmp_path / "scored.jsonl")))
    for name in ("fields.jsonl", "scored.jsonl"):
        rows = [json.loads(line) for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()]
        assert [{key: row[key] for key in found} for row in rows] == [found, none, none], name
    assert rows[0]["input_money"] == "m" and isinstance(rows[0]["labels"], list)  # a kept column stays as it is
    run_extract_job(str(source), str(tmp_path / "fields.csv"), ["text"], "id")
    run_job(replace(options, output=str(tmp_path / "scored.csv")))
    for name in ("fields.csv", "scored.csv"):
        first = cm.read_table(str(tmp_path / name)).iloc[0]
        assert (first["money"], first["gifts"], first["platforms"]) == ("定金50|差价80", "耳机|充电宝", "抖音"), name


def test_a_row_that_could_not_be_read_gets_no_extracted_fields(tmp_path, tiny_model):
    # line 3 has a field too many: its text cell is read, but the row is an error row, so extract and
    # classify --extract give it no fields, as classify gives it no labels
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,尾款涨了五十元\n2,尾款涨了八十元,多余\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_extract_job(str(source), str(out), ["text"], "id")
    back = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert back[0]["money"] and back[0]["error"] == ""
    assert back[1]["error"] == "line 3: expected 2 fields, found 3"
    assert back[1]["money"] is None and back[1]["fields"] is None
    scored = tmp_path / "scored.jsonl"
    run_job(JobOptions(input=str(source), output=str(scored), model_dir=str(tiny_model), workers=1, extract=True))
    rows = [json.loads(line) for line in scored.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["fields"] and rows[1]["fields"] is None and rows[1]["labels"] is None


def test_extract_gives_the_reasons_classify_gives(tmp_path, tiny_model):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id":1,"text":true}\n{"id":2,"text":"尾款涨了50元"}\n{"id":3,"text":" "}\n{"id":4,"text":12345}\n',
        encoding="utf-8",
    )
    run_extract_job(str(source), str(tmp_path / "fields.jsonl"), ["text"], "id")
    run_job(JobOptions(input=str(source), output=str(tmp_path / "scored.jsonl"), model_dir=str(tiny_model), workers=1))
    fields, scored = (
        [json.loads(line) for line in (tmp_path / name).read_text(encoding="utf-8").splitlines()]
        for name in ("fields.jsonl", "scored.jsonl")
    )
    assert [r["error"] for r in fields] == [r["error"] for r in scored]
    assert fields[0]["error"] == "line 1: text is not a string but bool" and fields[0]["fields"] is None
    assert fields[3]["error"] == "" and scored[3]["labels"]  # a number is text, to both


def test_scores_of_an_empty_list_have_the_right_shape(tiny_model):
    model = cm.load_model(tiny_model)
    for explain in (False, True):
        scores = score_texts(model, [], explain=explain)
        assert scores.proba.shape == (0, len(cm.TARGETS)) and scores.decided.dtype == np.bool_


def test_one_string_where_a_list_of_texts_belongs_is_refused(tiny_model):
    """Iterated, a string is one text per character: six rows of 'other' for 预售付了定金."""
    model = cm.load_model(tiny_model)
    for score in (cm.classify_texts, cm.predict_texts):
        with pytest.raises(cm.InputError, match="got one string; pass \\[text\\]"):
            score(model, "预售付了定金")


def test_a_dataframe_without_the_column_gets_no_format_advice(tiny_model):
    """--format exists on the command line only: the library's error suggests a column, not a format."""
    with pytest.raises(cm.MissingColumnError) as raised:
        cm.classify_frame(cm.load_model(tiny_model), pd.DataFrame({"id,text": ["1,尾款涨了"]}))
    assert "--format" not in str(raised.value)
