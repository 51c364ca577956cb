"""Batch scoring on real-world files: a matrix of bad or awkward inputs, workers, resume, atomic output."""

import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.io.tables import read_table, write_table
from complaintmine.scoring.batch import JobOptions, run_job

from ..conftest import DATA


def job(tmp_path, tiny_model, name, content, output="out.jsonl", **options):
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / output
    summary = run_job(JobOptions(input=str(path), output=str(out), model_dir=str(tiny_model), **options))
    if out.suffix == ".jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    elif out.suffix == ".parquet":
        rows = pd.read_parquet(out).to_dict(orient="records")
    else:
        sep = "\t" if out.suffix == ".tsv" else ","
        rows = pd.read_csv(out, dtype=str, keep_default_na=False, sep=sep).to_dict(orient="records")
    return summary, rows


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parquet_bytes(frame):
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


GOOD = "尾款涨了五十"
OK = dict(errors=0)

# (id, file name, content, options, expected rows, expected error reasons {reason: count})
MATRIX = [
    ("bom", "bom.csv", "\ufeffid,text\n1,尾款涨了五十\n", {"id_column": "id"}, 1, {}),
    ("crlf", "crlf.csv", "text\r\n赠品没收到\r\n发货很快\r\n", {}, 2, {}),
    ("quoted-newlines", "q.csv", 'text\n"第一行\n第二行，赠品没给"\n好评\n', {}, 2, {}),
    ("nul-bytes", "nul.csv", "text\n尾款\x00涨价\n", {}, 1, {}),
    ("numbers-and-blanks", "nb.csv", 'text\n12345\n""\n好评\n', {}, 3, {"empty text": 1}),
    ("all-whitespace", "ws.csv", 'text\n"   \u3000 "\n好评\n', {}, 2, {"empty text": 1}),
    ("duplicate-ids", "dup.csv", "id,text\n7,好评\n7,差评\n", {"id_column": "id"}, 2, {}),
    ("gbk-detected", "gbk.csv", "text\n尾款涨价，赠品也没给，客服说没货了\n好评\n".encode("gbk"), {}, 2, {}),
    ("utf16-bom", "u16.csv", "text\n尾款涨价\n".encode("utf-16"), {}, 1, {}),
    ("emoji-and-ext-b", "emoji.csv", "text\n赠品呢😡𠀀𪜀\n", {}, 1, {}),
    ("traditional", "trad.csv", "text\n預售尾款漲價，說好的贈品沒有\n", {}, 1, {}),
    (
        "ragged-row",
        "rag.csv",
        "id,text\n1,好评\n2,差评,多余\n3,发货慢\n",
        {"id_column": "id"},
        3,
        {"wrong number of fields": 1},
    ),
    ("blank-lines", "blank.csv", "text\n好评\n\n\n差评\n", {}, 2, {}),
    (
        "jsonl-mixed",
        "mixed.jsonl",
        '{"text": "好评"}\n{"text": \n[1,2]\n{"text": "差评"}\n',
        {},
        4,
        {"line is not valid JSON": 1, "line is not a JSON object": 1},
    ),
    (
        "jsonl-number-text",
        "num.jsonl",
        '{"text": 42}\n{"text": null}\n{"text": "好评"}\n{"text": true}\n',
        {},
        4,
        {"text is not a string": 1, "empty text": 1},  # 42 is text, as in CSV; true is not
    ),
    (
        "undecodable-row",
        "bad.csv",
        b"text\n\xff\xfe\xfa broken\n" + "好评\n".encode(),
        {"encoding": "utf-8"},
        2,
        {"undecodable bytes": 1},
    ),
    ("tsv", "t.tsv", "text\tid\n尾款涨价\t1\n", {"id_column": "id"}, 1, {}),
    (
        "two-text-columns",
        "tb.csv",
        "title,body\n投诉,尾款涨了五十\n,\n",
        {"text_columns": ("title", "body")},
        2,
        {"empty text": 1},
    ),
    (
        "xlsx",
        "a.xlsx",
        xlsx_bytes([["id", "text"], [1, "赠品没收到"], [2, None], [3, 123], [4, True]]),
        {"id_column": "id"},
        4,
        {"empty text": 1, "text is not a string": 1},  # 123 is text, as in CSV; TRUE is not
    ),
    ("parquet", "a.parquet", parquet_bytes(pd.DataFrame({"text": ["好评", None, "差评"]})), {}, 3, {"empty text": 1}),
    ("header-only", "h.csv", "id,text\n", {}, 0, {}),
    ("big-text", "big.csv", "text\n" + "尾款涨价" * 1_300_000 + "\n好评\n", {}, 2, {}),
]


@pytest.mark.parametrize(
    ("name", "content", "options", "rows", "errors"),
    [pytest.param(*m[1:], id=m[0], marks=[pytest.mark.slow] if m[0] == "big-text" else []) for m in MATRIX],
)
def test_awkward_inputs_keep_every_row(tmp_path, tiny_model, name, content, options, rows, errors):
    summary, out = job(tmp_path, tiny_model, name, content, **options)
    assert len(out) == rows == summary.rows
    assert dict(summary.errors) == errors
    id_name = options.get("id_column", "row")
    if id_name == "row":
        assert [r["row"] for r in out] == list(range(rows))
    scored = [r for r in out if not r["error"]]
    assert all(r["labels"] for r in scored)
    assert all(r["labels"] in ("", None) and r["p_price_hike"] is None for r in out if r["error"])


# (id, file name, content, options, message)
FAILURES = [
    ("empty-file", "e.csv", "", {}, "file is empty"),
    ("missing-column", "m.csv", "id,body\n1,x\n", {}, "no column 'text'"),
    ("missing-file", "absent.csv", None, {}, "no such file"),
    ("unknown-format", "a.docx", "x", {}, "unknown format 'docx'"),
    ("truncated-xlsx", "t.xlsx", xlsx_bytes([["text"], ["好评"]])[:300], {}, "not a readable .xlsx"),
    ("bad-parquet", "b.parquet", b"PAR1 not really", {}, "not a readable Parquet file"),
    ("empty-jsonl", "e.jsonl", "\n\n", {}, "no JSON lines"),
    ("bad-encoding-name", "x.csv", "text\n好评\n", {"encoding": "klingon"}, "unknown encoding"),
    ("duplicate-header", "d.csv", "id,text,text\n1,a,b\n", {}, r"d\.csv:1:3: column name 'text' appears twice"),
]


@pytest.mark.parametrize(
    ("name", "content", "options", "message"), [f[1:] for f in FAILURES], ids=[f[0] for f in FAILURES]
)
def test_inputs_that_make_the_job_impossible_fail_before_writing(tmp_path, tiny_model, name, content, options, message):
    with pytest.raises(cm.InputError, match=message) as info:
        job(tmp_path, tiny_model, name, content, **options)
    assert name in str(info.value)
    assert not (tmp_path / "out.jsonl").exists()


def test_missing_column_suggests_the_nearest(tmp_path, tiny_model):
    with pytest.raises(cm.MissingColumnError, match="Did you mean 'text'"):
        job(tmp_path, tiny_model, "x.csv", "id,text\n1,好评\n", text_columns=("txt",))


def _many_rows(n):
    team = pd.read_csv(DATA.parent.parent / "corpora" / "team_written.csv", dtype=str, keep_default_na=False)
    texts = (team["text"].tolist() * (n // len(team) + 1))[:n]
    texts[5] = ""
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)], "text": texts})


def test_output_is_byte_identical_for_any_number_of_workers(tmp_path, tiny_model):
    frame = _many_rows(3000)
    source = tmp_path / "in.csv"
    frame.to_csv(source, index=False)
    outputs = []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.csv"
        run_job(
            JobOptions(
                input=str(source),
                output=str(out),
                model_dir=str(tiny_model),
                id_column="id",
                workers=workers,
                chunk_rows=250,
            )
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") == 3001


class Interrupt(Exception):
    pass


def test_interrupted_job_leaves_no_output_and_resume_finishes_it_identically(tmp_path, tiny_model):
    frame = _many_rows(1000)
    source = tmp_path / "in.csv"
    frame.to_csv(source, index=False)
    options = dict(input=str(source), model_dir=str(tiny_model), id_column="id", chunk_rows=100)
    reference = tmp_path / "ref.csv"
    run_job(JobOptions(output=str(reference), **options))

    out = tmp_path / "out.csv"

    def stop_after_three_chunks(rows, _fraction):
        if rows >= 300:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_job(JobOptions(output=str(out), resume=True, **options), progress=stop_after_three_chunks)
    assert not out.exists()
    assert Path(f"{out}.partial").exists() and Path(f"{out}.progress.json").exists()
    summary = run_job(JobOptions(output=str(out), resume=True, **options))
    assert summary.resumed_chunks == 3
    assert out.read_bytes() == reference.read_bytes()
    assert not Path(f"{out}.partial").exists() and not Path(f"{out}.progress.json").exists()


def test_resume_refuses_a_different_job(tmp_path, tiny_model):
    source = tmp_path / "in.csv"
    _many_rows(300).to_csv(source, index=False)
    out = tmp_path / "out.csv"

    def stop(rows, _fraction):
        raise Interrupt

    with pytest.raises(Interrupt):
        run_job(
            JobOptions(input=str(source), output=str(out), model_dir=str(tiny_model), chunk_rows=100, resume=True),
            progress=stop,
        )
    with pytest.raises(cm.InputError, match="different input, model or options"):
        run_job(JobOptions(input=str(source), output=str(out), model_dir=str(tiny_model), chunk_rows=50, resume=True))


def test_keep_columns_and_explain_work_with_every_output_format(tmp_path, tiny_model):
    content = "id,shop,text\n1,旗舰店,尾款涨了五十\n2,小店,\n"
    for output in ("o.csv", "o.tsv", "o.jsonl", "o.parquet"):
        _, rows = job(
            tmp_path, tiny_model, "k.csv", content, output=output, id_column="id", keep_columns=("shop",), explain=True
        )
        assert [str(r["id"]) for r in rows] == ["1", "2"]
        assert [r["shop"] for r in rows] == ["旗舰店", "小店"]
        evidence = rows[0]["evidence"]
        evidence = json.loads(evidence) if isinstance(evidence, str) else evidence
        assert "price_hike" in evidence


def test_parquet_presale_reads_back_into_pandas_as_whole_numbers_beside_an_unscored_row(tmp_path, tiny_model):
    # pandas read the optional int64 column as float: 1.0, NaN, 0.0
    content = "id,text\n1,付了定金，尾款涨了五十\n2,\n3,好评\n"
    job(tmp_path, tiny_model, "in.csv", content, output="out.parquet", id_column="id")
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert str(frame["presale"].dtype) == "Int64" and frame["presale"].isna().tolist() == [False, True, False]
    assert set(frame["presale"].dropna().tolist()) <= {0, 1}
    assert str(frame["p_price_hike"].dtype) == "float64" and frame["id"].tolist() == ["1", "2", "3"]
    assert cm.read_table(str(tmp_path / "out.parquet"))["presale"].tolist()[1] == ""  # the library's reader: as ever


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_any_unicode_text_classifies_without_an_exception(tiny_model, text):
    model = _loaded(tiny_model)
    out = cm.classify_texts(model, [text])
    assert len(out) == 1
    assert out["error"][0] in ("", "empty text")


_CACHE = {}


def _loaded(path):
    if path not in _CACHE:
        _CACHE[path] = cm.load_model(path)
    return _CACHE[path]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), min_size=1, max_size=15),
    st.sampled_from(["csv", "jsonl"]),
)
@pytest.mark.slow
def test_scored_output_keeps_ids_order_and_count_for_arbitrary_content(tmp_path_factory, tiny_model, texts, fmt):
    tmp = tmp_path_factory.mktemp("prop")
    frame = pd.DataFrame({"id": [f"id-{i}" for i in range(len(texts))], "text": texts})
    source = tmp / f"in.{fmt}"
    write_table(frame, str(source))
    out = tmp / f"out.{fmt}"
    summary = run_job(JobOptions(input=str(source), output=str(out), model_dir=str(tiny_model), id_column="id"))
    back = read_table(str(out))
    assert back["id"].tolist() == frame["id"].tolist()
    assert summary.rows == len(texts)


def test_xlsx_zip_is_really_truncated():
    data = xlsx_bytes([["text"], ["好评"]])
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(data[:300]))


def test_mask_drops_evidence_that_quotes_private_data(tmp_path, tiny_model):
    text = "尾款涨了13812345678"
    _, rows = job(
        tmp_path,
        tiny_model,
        "p.csv",
        f"text\n{text}\n",
        explain=True,
        explain_top=50,
        keep_columns=("text",),
        mask=True,
    )
    evidence = rows[0]["evidence"]
    assert rows[0]["text"] == "尾款涨了[PHONE]"
    for items in evidence.values():
        for item in items:
            assert all(end <= 4 for _, end in item["spans"]), item  # nothing from the phone number's span


def test_evidence_filter_keeps_only_spans_clear_of_private_data():
    from complaintmine.mining.privacy import without_private_evidence

    text = "尾款涨了，电话13812345678"
    evidence = {
        "price_hike": [
            {"term": "尾款", "weight": 1.0, "spans": [[0, 2]]},
            {"term": "138", "weight": 0.5, "spans": [[7, 10]]},
            {"term": "8 尾", "weight": 0.1, "spans": [[17, 18], [0, 1]]},
        ]
    }
    kept = without_private_evidence(evidence, text)
    assert [item["term"] for item in kept["price_hike"]] == ["尾款"]
    assert without_private_evidence(evidence, "尾款涨了") == evidence


def test_json_lines_with_lists_and_objects_in_cells_keep_every_row(tmp_path, tiny_model):
    """Nested JSON values used to crash the job with a traceback (the resume check hashed cells with pandas,
    which cannot hash a list); a list where the text should be is that row's error, a nested kept column is kept."""
    lines = [
        {"id": 1, "text": "尾款涨了五十", "tags": ["预售", "尾款"]},
        {"id": 2, "text": ["赠品", "没收到"], "tags": {"shop": "A"}},
        {"id": 3, "text": "发货很快", "tags": None},
    ]
    content = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    summary, rows = job(tmp_path, tiny_model, "in.jsonl", content, id_column="id", keep_columns=("tags",), resume=True)
    assert [row["id"] for row in rows] == [1, 2, 3]
    assert [row["tags"] for row in rows] == [["预售", "尾款"], {"shop": "A"}, None]
    assert rows[1]["error"] == "line 2: text is not a string but list" and not rows[0]["error"] and not rows[2]["error"]
    assert summary.rows == 3


def test_a_json_value_nested_too_deep_is_left_out_of_its_row_for_any_number_of_workers(tmp_path, tiny_model):
    """Nested 600 levels deep, a value could not be pickled to a worker process: the job crashed with -j 2 only."""
    deep = "[" * 600 + "]" * 600
    content = "".join(f'{{"id": {i}, "text": "赠品没收到", "meta": {deep if i == 2 else "[1]"}}}\n' for i in range(4))
    outputs = []
    for workers in (1, 2):
        summary, rows = job(
            tmp_path, tiny_model, "in.jsonl", content, f"out{workers}.jsonl", id_column="id",
            keep_columns=("meta",), workers=workers, chunk_rows=1,
        )  # fmt: skip
        assert [row["id"] for row in rows] == [0, 1, 2, 3]
        assert rows[2]["meta"] is None and "nested more than 100 levels deep" in rows[2]["error"]
        assert rows[1]["meta"] == [1] and not rows[1]["error"]
        assert summary.errors == {"JSON value nested too deeply": 1}
        outputs.append((tmp_path / f"out{workers}.jsonl").read_bytes())
    assert outputs[0] == outputs[1]


def test_a_json_number_too_long_to_read_is_that_lines_error(tmp_path, tiny_model):
    content = '{"id": 1, "text": "尾款涨了"}\n{"id": 2, "n": ' + "7" * 5000 + "}\n"
    _, rows = job(tmp_path, tiny_model, "in.jsonl", content, id_column="id")
    assert rows[0]["id"] == 1 and not rows[0]["error"]
    assert rows[1]["id"] is None and rows[1]["error"].startswith("line 2: not valid JSON (a number too long to read")


def test_keep_all_columns_fixes_them_at_the_first_chunk(tmp_path, tiny_model):
    """JSON Lines fields first seen after the first chunk used to give a CSV header with the wrong number of columns
    (and a Parquet schema error); the output's columns are those of the first chunk, a later row keeps its id."""
    lines = [{"id": i, "text": "尾款涨了"} for i in range(3)] + [{"id": 3, "text": "发货慢", "late": "x"}]
    content = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    for output in ("out.csv", "out.parquet"):
        _, rows = job(tmp_path, tiny_model, "in.jsonl", content, output, keep_columns=("*",), chunk_rows=2)
        assert [str(row["row"]) for row in rows] == ["0", "1", "2", "3"]
        assert "late" not in rows[0] and [str(row["id"]) for row in rows] == ["0", "1", "2", "3"]


def test_an_input_column_named_row_is_kept_beside_the_row_numbers(tmp_path, tiny_model):
    _, rows = job(tmp_path, tiny_model, "in.csv", "row,text\nr1,尾款涨了\nr2,发货慢\n", "out.csv", keep_columns=("*",))
    assert [(row["row"], row["input_row"]) for row in rows] == [("0", "r1"), ("1", "r2")]


def test_masking_kept_columns_keeps_json_numbers_as_given(tmp_path, tiny_model):
    """pandas turned 5 into 5.0 and 1234567890123456789 into 1.2345678901234568e+18 on the way through --mask."""
    content = '{"text":"a","k":5}\n{"text":"b"}\n{"text":"c","k":1234567890123456789}\n'
    _, rows = job(tmp_path, tiny_model, "in.jsonl", content, "out.csv", keep_columns=("k",), mask=True)
    assert [row["k"] for row in rows] == ["5", "", "1234567890123456789"]


def test_dates_and_bytes_from_parquet_are_written_to_json_lines_as_text(tmp_path, tiny_model):
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "in.parquet"
    when = datetime.datetime(2026, 6, 18, 20, 0)
    pq.write_table(pa.table({"text": ["尾款涨了", "发货慢"], "at": [when, None], "raw": [b"\x01", b"x"]}), path)
    _, rows = job(tmp_path, tiny_model, "in.parquet", None, "out.jsonl", keep_columns=("at", "raw"))
    assert [row["at"] for row in rows] == [str(when), None]
    assert [row["raw"] for row in rows] == [str(b"\x01"), str(b"x")]
