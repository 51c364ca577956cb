"""A user's labels are read by one set of rules, whichever command reads them (corpus/labelled.py). An analyst's
run of the retraining docs found two readers: train and evaluate lost a row whose split was 'Test' and trained on
empty texts, and refused Chinese label names, an empty presale and a folder of sheets that compare accepted."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.corpus.labelled import labelled_files, read_labelled


def write(path, rows, columns=("text", "labels", "presale", "split")):
    pd.DataFrame(rows, columns=list(columns)).to_csv(path, index=False)
    return path


def test_every_command_reads_a_labelled_file_with_the_same_rules(tmp_path):
    path = write(
        tmp_path / "mine.csv",
        [
            ["尾款涨价了，多付了50", "尾款涨价", "是", "train"],
            ["赠品没给，发货也晚了", "gift_not_honored｜Late_Shipping", "", "Test"],
            ["好评，很满意", "其他", "0", "TRAIN"],
            ["还没看", "", "", "train"],  # not labelled yet
        ],
    )
    corpus = cm.load_corpus(path)  # what train and evaluate read
    assert corpus.frame["labels"].tolist() == ["price_hike", "gift_not_honored|late_shipping", "other"]
    assert corpus.frame["presale"].tolist() == [1, 0, 0]
    assert corpus.frame["split"].tolist() == ["train", "test", "train"]
    assert any("1 row(s) with an empty labels cell skipped" in note for note in corpus.notes)
    # said, so that a labeller who skipped presale learns what it was taken as (h23e)
    assert any("1 labelled row(s) with an empty presale cell taken as 0" in note for note in corpus.notes)


def test_a_folder_of_sheets_is_read_and_its_subfolders_are_not_trained_on(tmp_path):
    write(tmp_path / "a.csv", [["尾款涨价了", "price_hike", "1", "train"]])
    (tmp_path / "holdout").mkdir()
    write(tmp_path / "holdout" / "h.csv", [["赠品没给", "gift_not_honored", "0", "test"]])
    assert cm.load_corpus(tmp_path).texts == ["尾款涨价了"]  # no "team_written.csv missing from the corpus"
    assert [p.name for p in labelled_files([tmp_path], recursive=True)] == ["a.csv", "h.csv"]  # suggest --labelled


def test_a_sheet_saved_twice_in_one_folder_counts_once_and_two_files_that_disagree_are_named(tmp_path):
    # the same sheet as .xlsx and as .csv was read twice: 274 training rows for 137 labelled texts (h23e)
    rows = [
        ["尾款涨价了", "price_hike", "1", "train"],
        ["好评", "other", "0", "train"],
        ["好评", "other", "0", "train"],
    ]
    write(tmp_path / "w1.csv", rows)
    pd.DataFrame(rows, columns=["text", "labels", "presale", "split"]).to_excel(tmp_path / "w1.xlsx", index=False)
    corpus = read_labelled(tmp_path)
    assert corpus.texts == ["尾款涨价了", "好评", "好评"]  # a file's own repeats stay: that is the labeller's choice
    assert any("3 row(s) labelled the same in an earlier file counted once" in note for note in corpus.notes)
    write(tmp_path / "w2.csv", [["尾款涨价了", "other", "0", "train"]])
    with pytest.raises(
        cm.CorpusError, match=r"labelled price_hike \(presale 1\) at w1\.csv:0 and other .* at w2\.csv:0"
    ):
        read_labelled(tmp_path)


def test_every_bad_row_of_a_file_is_reported_at_once_with_its_line_and_a_near_label(tmp_path):
    path = write(
        tmp_path / "messy.csv",
        [
            ["尾款涨价了", "price-hike", "1", "train"],
            ["", "other", "0", "train"],
            ["赠品没给", "late_shiping", "0", "train"],
            ["发货很快", "other|late_shipping", "0", "train"],
            ["好评", "other", "2", "train"],
            ["降价了不保价", "no_price_protection", "1", "holdout"],
            ["很好", "other", "0", "train"],
        ],
    )
    with pytest.raises(cm.CorpusError) as raised:
        cm.load_corpus(path)
    lines = str(raised.value).splitlines()
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in lines] == ["2", "3", "4", "5", "6", "7"]
    assert "did you mean 'price_hike'?" in lines[0] and "did you mean 'late_shipping'?" in lines[2]
    assert "empty text" in lines[1] and "cannot be combined" in lines[3]
    assert "presale must be 1 or 0 (also 是/否, yes/no; empty counts as 0), got '2'" in lines[4]
    assert "split must be train or test, got 'holdout'" in lines[5]


def test_labels_as_classify_writes_them_to_jsonl_are_read(tmp_path):
    path = tmp_path / "corrected.jsonl"
    rows = [
        {"text": "尾款涨价了，赠品没给", "labels": ["price_hike", "gift_not_honored"], "presale": 1},
        {"text": "好评", "labels": None, "presale": 0},  # not labelled yet
        {"text": "发货很快", "labels": "other", "presale": 0},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    corpus = read_labelled(path)
    assert corpus.frame["labels"].tolist() == ["price_hike|gift_not_honored", "other"]


def test_a_file_without_presale_says_it_is_taken_as_0(tmp_path):
    path = write(tmp_path / "p.csv", [["尾款涨价了", "price_hike"]], columns=("text", "labels"))
    corpus = read_labelled(path)
    assert corpus.frame["presale"].tolist() == [0] and "no presale column" in corpus.notes[0]


def test_jsonl_errors_name_the_line_of_the_record(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好评", "labels": "other"}\n{"text": "差评", "labels": "price-hike"}\n', encoding="utf-8")
    with pytest.raises(cm.CorpusError, match=r"bad\.jsonl:2: unknown label"):  # no header line in JSON Lines
        read_labelled(path)


def test_a_corpus_folder_missing_a_file_is_named_as_a_corpus_folder(tmp_path):
    (tmp_path / "real_labels.csv").write_text("source,source_id,text_sha1,labels,presale,split\n", encoding="utf-8")
    with pytest.raises(cm.CorpusError, match=r"team_written\.csv: missing from the corpus directory"):
        cm.load_corpus(tmp_path)


def test_a_corpus_from_a_frame_reads_cells_as_a_labelled_file_does():
    frame = pd.DataFrame(
        {
            "text": ["尾款涨价了", "赠品没给", "好评"],
            "labels": [["price_hike"], "赠品不兑现", "OTHER"],
            "presale": [1.0, float("nan"), "是"],  # pandas' float column when a presale cell is blank
        }
    )
    corpus = cm.Corpus(frame)
    assert corpus.frame["labels"].tolist() == ["price_hike", "gift_not_honored", "other"]
    assert corpus.frame["presale"].tolist() == [1, 0, 1]
    with pytest.raises(cm.CorpusError, match="row 1: no text"):
        cm.Corpus(frame.assign(text=["好评", None, "差评"]))


def test_a_bad_label_names_its_file_and_line_as_attributes_too(tmp_path):
    csv_path = write(
        tmp_path / "sheet.csv",
        [["好评", "other", "0", "train"], ["尾款涨了", "price-hike", "1", "train"], ["没发货", "late", "0", "train"]],
    )
    jsonl_path = tmp_path / "sheet.jsonl"
    jsonl_path.write_text('{"text": "好评", "labels": "other"}\n{"text": "差评", "labels": "gift"}\n', encoding="utf-8")
    for path, line in ((csv_path, 3), (jsonl_path, 2)):  # CSV: the header is line 1; the first bad row only
        with pytest.raises(cm.CorpusError) as raised:
            read_labelled(path)
        assert (raised.value.path, raised.value.line) == (str(path), line)
        assert str(raised.value).startswith(f"{path}:{line}: unknown label")  # the message as before


def test_a_corpus_file_with_a_bad_cell_names_it_as_attributes(tmp_path):
    columns = "id,text,labels,presale,split,kind\n"
    (tmp_path / "team_written.csv").write_text(
        columns + "t1,好评,other,0,train,x\nt2,差评,other,2,train,x\n", encoding="utf-8"
    )
    with pytest.raises(cm.CorpusError, match=r"team_written\.csv:3: presale must be 0 or 1") as raised:
        cm.load_corpus(tmp_path)
    assert (raised.value.path, raised.value.line) == (str(tmp_path / "team_written.csv"), 3)
    (tmp_path / "team_written.csv").unlink()
    (tmp_path / "real_labels.csv").write_text("source,source_id,text_sha1,labels,presale,split\n", encoding="utf-8")
    with pytest.raises(cm.CorpusError) as raised:
        cm.load_corpus(tmp_path)
    assert (raised.value.path, raised.value.line) == (str(tmp_path / "team_written.csv"), None)


def test_a_corpus_error_without_a_place_has_none_and_survives_pickling(tmp_path):
    import pickle

    with pytest.raises(cm.CorpusError) as raised:
        read_labelled(write(tmp_path / "empty.csv", [["还没看", "", "", ""]]))
    assert (str(raised.value), raised.value.path, raised.value.line) == (
        "no labelled rows: fill the labels column (and presale) first",
        None,
        None,
    )
    placed = pickle.loads(pickle.dumps(cm.CorpusError("a.csv:3: bad", path="a.csv", line=3)))
    assert (str(placed), placed.path, placed.line) == ("a.csv:3: bad", "a.csv", 3)


def test_a_bad_row_is_named_by_the_line_it_starts_on_past_line_breaks_and_blank_lines(tmp_path):
    """Counting rows from the header named the wrong line past a text with a line break (common in complaints),
    a blank JSON Lines line or a blank sheet row."""
    multiline = tmp_path / "multi.csv"
    multiline.write_text('text,labels\n"第一句\n第二句",other\n尾款涨了,price-hike\n', encoding="utf-8")
    blank = tmp_path / "blank.jsonl"
    blank.write_text('{"text": "好评", "labels": "other"}\n\n{"text": "差评", "labels": "gift"}\n', encoding="utf-8")
    sheet = tmp_path / "sheet.xlsx"
    rows = [["好评", "other"], [None, None], ["发货慢", "late"]]
    pd.DataFrame(rows, columns=["text", "labels"]).to_excel(sheet, index=False)  # sheet rows 2, 3 (blank), 4
    for path, line in ((multiline, 4), (blank, 3), (sheet, 4)):
        with pytest.raises(cm.CorpusError) as raised:
            read_labelled(path)
        assert str(raised.value).startswith(f"{path}:{line}: unknown label"), str(raised.value)
        assert raised.value.line == line
