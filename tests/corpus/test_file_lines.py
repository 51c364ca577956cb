"""Corpus-directory files with a cell that holds line breaks (a post written in paragraphs): every message that
names a line names the one the row starts on in the file, not the header plus the row's number, which is off by
one for each line break above it."""

import re

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.corpus.check import check_corpus
from complaintmine.corpus.keys import text_sha1
from complaintmine.corpus.load import read_corpus_file

POST = "下单前客服说保价三十天。\n\n结果第五天就降了两百，申请保价说活动价不算。"  # three lines in the file
REAL_POST = "衣服收到了，版型还行。\n赠品说好送一条腰带，到现在都没给，客服也不回。"  # two lines in the file
REAL_PLAIN = "付了定金等了一个月，尾款那天价格比说好的高了五十块"
GIFT = "赠品说好送一条腰带，到现在都没给"


def _team_row(row_id, text, **cells):
    row = {"id": row_id, "text": text, "labels": "other", "presale": "0", "split": "train", "kind": "seed"}
    return {**row, "author": "t", **cells}


def _real_row(source_id, text, **cells):
    row = {"source": "src", "source_id": source_id, "text_sha1": text_sha1(text), "labels": "gift_not_honored"}
    return {**row, "presale": "0", "split": "train", "proposer": "kw", "annotator": "annotator-P", **cells}


def _evidence_row(source_id, text, **cells):
    row = {"source": "src", "source_id": source_id, "text_sha1": text_sha1(text), "label": "gift_not_honored"}
    return {**row, "spans": "0-4", **cells}


def _write(path, rows):
    pd.DataFrame(rows).to_csv(path, index=False)  # quotes the cells holding line breaks


@pytest.fixture
def corpus(tmp_path):
    """A valid corpus directory and its shared pool; the first row of every file spans several lines."""
    pool = tmp_path / "shared" / "corpora"
    pool.mkdir(parents=True)
    texts = {"0": REAL_POST, "1": REAL_PLAIN}
    _write(pool / "real_reviews.csv", [{"source": "src", "source_id": k, "text": t} for k, t in texts.items()])
    directory = tmp_path / "corpora"
    directory.mkdir()
    _write(directory / "team_written.csv", [_team_row("t1", POST, labels="no_price_protection")])
    _write(
        directory / "real_labels.csv",
        [_real_row("0", REAL_POST, annotator="annotator-P\n(checked by annotator-Q)"), _real_row("1", REAL_PLAIN)],
    )
    start, end = REAL_POST.index(GIFT), REAL_POST.index(GIFT) + len(GIFT)
    _write(
        directory / "real_evidence.csv",
        [_evidence_row("0", REAL_POST, spans=f"{start}-{start + 4}|\n{start + 5}-{end}")],
    )
    assert check_corpus(directory, tmp_path / "shared").problems == []
    return directory, tmp_path / "shared"


def _append(path, *rows):
    _write(path, [*pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records"), *rows])


def test_read_corpus_file_gives_the_line_each_row_starts_on(tmp_path):
    path = tmp_path / "team_written.csv"
    _write(path, [_team_row("t1", POST), _team_row("t2", "第二条"), _team_row("t3", "第三条")])
    frame, lines = read_corpus_file(path)
    assert lines == [2, 5, 6]
    pd.testing.assert_frame_equal(frame, pd.read_csv(path, dtype=str, keep_default_na=False))
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\r\n") + "\r\n\r\n", encoding="utf-8")
    assert read_corpus_file(path)[1] == [2, 5, 6]  # CRLF, and blank lines at the end are no rows
    plain = tmp_path / "plain.csv"
    plain.write_text("id,text\na,x\n\nb,\n", encoding="utf-8")  # a blank line is no row; an empty cell is ""
    frame, lines = read_corpus_file(plain)
    assert lines == [2, 4] and frame.to_dict("records") == [{"id": "a", "text": "x"}, {"id": "b", "text": ""}]


@pytest.mark.parametrize(
    "cells, message",
    [
        ({"labels": "gift"}, r"unknown label\(s\) 'gift'"),
        ({"presale": "2"}, "presale must be 0 or 1, got '2'"),
    ],
)
def test_load_corpus_names_the_line_of_a_bad_team_cell(corpus, cells, message):
    directory, shared = corpus
    path = directory / "team_written.csv"
    _append(path, _team_row("t2", "尾款比说好的多了三十块", **cells))
    with pytest.raises(cm.CorpusError, match=rf"^{re.escape(str(path))}:5: {message}") as caught:
        cm.load_corpus(directory, shared)
    assert (caught.value.path, caught.value.line) == (str(path), 5)


def test_load_corpus_names_the_line_of_a_bad_pair_cell(corpus):
    directory, shared = corpus
    path = directory / "team_pairs.csv"
    pair = {"group": "g1", "rule": "NP1", "variant": "complaint", "register": "post"}
    _write(path, [_team_row("p1", POST, **pair), _team_row("p2", "保价被拒了", presale="yes", **pair)])
    with pytest.raises(cm.CorpusError, match=rf"^{re.escape(str(path))}:5: presale must be 0 or 1") as caught:
        cm.load_corpus(directory, shared)
    assert caught.value.line == 5


@pytest.mark.parametrize("cells", [{"labels": "other|gift_not_honored"}, {"presale": "no"}])
def test_load_corpus_names_the_line_of_a_bad_real_cell(corpus, cells):
    directory, shared = corpus
    path = directory / "real_labels.csv"
    _write(path, [_real_row("0", REAL_POST, annotator="a\nb"), _real_row("1", REAL_PLAIN, **cells)])
    with pytest.raises(cm.CorpusError, match=rf"^{re.escape(str(path))}:4: ") as caught:
        cm.load_corpus(directory, shared)
    assert caught.value.line == 4


def test_load_corpus_names_the_line_of_the_first_real_text_missing_from_the_pool(corpus):
    directory, shared = corpus
    path = directory / "real_labels.csv"
    _append(path, _real_row("9", "池里没有这一条"))
    with pytest.raises(cm.CorpusError, match=rf"first at {re.escape(str(path))}:5$") as caught:
        cm.load_corpus(directory, shared)
    assert caught.value.line == 5


@pytest.mark.parametrize(
    "cells, message",
    [
        ({"label": "price_hike"}, "is not labelled price_hike"),
        ({"source_id": "1", "text_sha1": text_sha1(REAL_PLAIN), "spans": "5-999"}, "outside the text"),
        ({}, r"a second evidence row for real:src:0 gift_not_honored \(the first is at line 2\)"),
    ],
)
def test_evidence_errors_name_the_line_when_loaded_and_checked(corpus, cells, message):
    directory, shared = corpus
    path = directory / "real_evidence.csv"
    _append(path, {**_evidence_row("0", REAL_POST), **cells})
    with pytest.raises(cm.CorpusError, match=rf"^{re.escape(str(path))}:4: .*{message}"):
        cm.load_corpus(directory, shared, derived=True)
    found = [problem for problem in check_corpus(directory, shared).problems if problem.startswith(str(path))]
    assert found and found[0].startswith(f"{path}:4: ")


def test_a_second_evidence_row_names_the_line_of_the_first(corpus):
    directory, shared = corpus
    path = directory / "real_evidence.csv"
    _append(path, _evidence_row("1", REAL_PLAIN), _evidence_row("1", REAL_PLAIN, spans="5-9"))
    with pytest.raises(cm.CorpusError, match=rf"^{re.escape(str(path))}:5: .*\(the first is at line 4\)"):
        cm.load_corpus(directory, shared, derived=True)


def test_check_corpus_names_the_lines_of_bad_team_rows(corpus):
    directory, shared = corpus
    path = directory / "team_written.csv"
    _append(
        path,
        _team_row("t2", "尾款比说好的多了三十块", labels="gift", presale="2", split="dev"),
        _team_row("t1", "短"),
        _team_row("t3", "预售页面写着四十八小时内发货完毕，等了一周"),
        _team_row("t4", "明明写着四十八小时内发货完毕，客服却装傻"),
    )
    problems = check_corpus(directory, shared).problems
    for expected in [
        f"{path}:5: unknown label(s) 'gift'",
        f"{path}:5: presale must be 0 or 1",
        f"{path}:5: split must be one of",
        f"{path}:6: text length 1 outside 5..400",
        f"{path}: duplicate id on lines 2, 6",
        f"{path}: lines 7 and 8 share the phrase",
    ]:
        assert any(problem.startswith(expected) for problem in problems), (expected, problems)


def test_check_corpus_names_the_lines_of_real_rows_the_pool_does_not_match(corpus):
    directory, shared = corpus
    path = directory / "real_labels.csv"
    _append(path, _real_row("9", "池里没有这一条"), _real_row("1", "改过的文本"), _real_row("1", REAL_PLAIN))
    problems = check_corpus(directory, shared).problems
    for expected in [
        f"{path}:5: src 9 is not in",
        f"{path}:6: text hash mismatch for src 1",
        f"{path}: duplicate source/source_id on lines 4, 6, 7",
    ]:
        assert any(problem.startswith(expected) for problem in problems), (expected, problems)


def test_a_row_the_line_reader_refuses_is_named_by_its_line(tmp_path):
    path = tmp_path / "team_written.csv"
    _write(path, [_team_row("t1", POST)])
    path.write_text(path.read_text(encoding="utf-8") + "t2,尾款涨了\n", encoding="utf-8")  # pandas pads this row
    with pytest.raises(cm.InputError, match="expected 7 fields, found 2") as caught:
        read_corpus_file(path)
    assert (caught.value.path, caught.value.line) == (str(path), 5)


@pytest.mark.parametrize(
    "rows, line, found",
    [
        (["t1,预售尾款涨了,price_hike,1,train,kind,writer,EXTRA", "t2,赠品没给,gift_not_honored,0,train,k,w"], 2, 8),
        (["t1,预售尾款涨了,price_hike,1,train,kind,writer", "t2,尾款涨了"], 3, 2),
        (["t1,预售尾款涨了,price_hike,1,train,kind,writer", "t2,赠品没给,gift_not_honored,0,train,k,w,EXTRA"], 3, 8),
    ],
    ids=["extra field in the first row", "short row", "extra field in a later row"],
)
def test_a_row_with_another_number_of_fields_is_named_by_its_line_in_any_file(tmp_path, rows, line, found):
    """Also in a file without line breaks in cells: pandas read an extra field in the first row as an index
    (every column shifted one place, silently), padded a short row with empty cells and raised its own
    ParserError for an extra field later."""
    path = tmp_path / "team_written.csv"
    path.write_text("id,text,labels,presale,split,kind,writer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(cm.InputError, match=f"expected 7 fields, found {found}") as caught:
        read_corpus_file(path)
    assert (caught.value.path, caught.value.line) == (str(path), line)


def test_an_empty_or_non_utf8_corpus_file_is_an_error_naming_it(tmp_path):
    empty = tmp_path / "team_written.csv"
    empty.write_bytes(b"")
    with pytest.raises(cm.CorpusError, match="empty; expected a header line") as caught:
        read_corpus_file(empty)
    assert caught.value.path == str(empty)  # pandas raised its own EmptyDataError
    quote = tmp_path / "relabels.csv"
    quote.write_text('id,text\np1,ok\np2,"a quote never closed\np3,x\n', encoding="utf-8")
    with pytest.raises(cm.InputError, match="never closed") as caught:
        read_corpus_file(quote)
    assert caught.value.line == 3  # where the row with the open quote starts
    gbk = tmp_path / "team_pairs.csv"
    gbk.write_bytes("id,text\np1,尾款涨了\n".encode("gbk"))
    with pytest.raises(cm.InputError, match="not UTF-8"):
        read_corpus_file(gbk)
