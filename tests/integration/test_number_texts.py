"""A number in a text column is read as the text a user sees (io/number_text.py): a sheet saved as CSV, as .xlsx
or as JSON Lines scores the same; ids and other columns keep their types; booleans, objects, arrays and empty
cells stay what they were (error rows, empty text)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.mining.jobs import run_mask_job
from complaintmine.scoring.batch import JobOptions, run_job

from ..cli.test_cli import run
from .test_batch import xlsx_bytes

# The same sheet, as a user types it into Excel (numbers stored as numbers) and as CSV (every cell text).
SHEET = [["id", "text", "note"], [1, "尾款涨了五十", 3], [2, 12345, 12345], [3, 1.5, 1.5], [4, None, None],
         ["a", "赠品没给", "x"], [7.5, 0.1, 0.1]]  # fmt: skip
SHEET_CSV = "id,text,note\n1,尾款涨了五十,3\n2,12345,12345\n3,1.5,1.5\n4,,\na,赠品没给,x\n7.5,0.1,0.1\n"
SHEET_JSONL = "".join(json.dumps(dict(zip(SHEET[0], row)), ensure_ascii=False) + "\n" for row in SHEET[1:])


def lines_of(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_an_excel_number_in_a_text_column_reads_as_the_sheet_shows_it(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(xlsx_bytes([["id", "text", "note"], [7, 12345, 12345], [7.5, 1.5, 1.5], [8, 12345.0, 12345.0],
                                 [9, 1e-05, None], [10, 13812345678, None], [11, "007", "007"], [12, None, 1],
                                 [13, True, True]]))  # fmt: skip
    table = cm.read_table(str(path), text_columns=["text"])
    assert table["text"].tolist() == ["12345", "1.5", "12345", "1e-05", "13812345678", "007", "", True]
    assert table["id"].tolist() == [7, 7.5, 8, 9, 10, 11, 12, 13]  # ids as stored: 7, never 7.0 or "7"
    assert table["note"].tolist() == [12345, 1.5, 12345, "", "", "007", 1, True]  # not a text column: as typed
    assert cm.read_table(str(path))["text"].tolist()[:3] == [12345, 1.5, 12345]  # no text_columns: as typed


def test_a_json_lines_number_in_a_text_column_reads_as_the_line_writes_it(tmp_path):
    path = tmp_path / "posts.jsonl"
    literals = ["12345", "1.50", "1E5", "-0", "12345.0", "1e400", "123456789012345678901234567890", "-2.5e-3"]
    path.write_text(
        "".join(f'{{"id": {i}.0, "text": {literal}, "n": {literal}}}\n' for i, literal in enumerate(literals))
        + '{"id": 8, "text": true}\n{"id": 9, "text": [1]}\n{"id": 10, "text": {"a": 1}}\n{"id": 11, "text": null}\n'
        + '{"id": 12}\n{"id": 13, "text": "一二三"}\n{"id": 14, "text": 1, "text": 2.50}\n',
        encoding="utf-8",
    )
    table = cm.read_table(str(path), text_columns=["text"])
    assert table["text"].tolist() == [*literals, True, [1], {"a": 1}, "", "", "一二三", "2.50"]
    assert table["id"].tolist()[:2] == [0.0, 1.0] and isinstance(table["id"][0], float)  # as given: 0.0
    assert table["n"].tolist()[:3] == [12345, 1.5, 1e5]  # not a text column: as typed


json_numbers = st.from_regex(r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?", fullmatch=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(json_numbers, st.sampled_from(["text", "正文"]))
def test_any_json_number_in_a_text_column_is_its_literal(tmp_path, literal, column):
    path = tmp_path / "one.jsonl"
    path.write_text(f'{{"{column}": {literal}, "id": {literal}}}\n', encoding="utf-8")
    table = cm.read_table(str(path), text_columns=[column])
    assert table[column].tolist() == [literal]
    assert table["id"].tolist() == [json.loads(literal)]  # the same number elsewhere stays a number


# Numbers of at most 13 significant digits: openpyxl writes a float with about 16, and Excel keeps 15.
sheet_numbers = st.integers(-(10**13), 10**13) | st.builds(
    lambda n, places: n / 10**places, st.integers(-(10**13), 10**13), st.integers(1, 8)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sheet_numbers)
def test_any_excel_number_in_a_text_column_reads_back_as_itself_without_a_trailing_zero(tmp_path, number):
    path = tmp_path / "one.xlsx"
    path.write_bytes(xlsx_bytes([["text"], [number]]))
    (text,) = cm.read_table(str(path), text_columns=["text"])["text"].tolist()
    assert isinstance(text, str) and float(text) == number
    assert not text.endswith(".0") and (
        text == str(int(number)) if float(number).is_integer() else text == repr(number)
    )


def test_the_same_sheet_as_csv_xlsx_or_json_lines_scores_the_same(tmp_path, tiny_model):
    outputs = {}
    for suffix, content in (("csv", SHEET_CSV.encode()), ("xlsx", xlsx_bytes(SHEET)), ("jsonl", SHEET_JSONL.encode())):
        source, out = tmp_path / f"sheet.{suffix}", tmp_path / f"{suffix}.csv"
        source.write_bytes(content)
        options = JobOptions(str(source), str(out), str(tiny_model), id_column="id", keep_columns=("text", "note"))
        summary = run_job(options)
        assert dict(summary.errors) == {"empty text": 1}
        outputs[suffix] = out.read_text(encoding="utf-8")
    assert outputs["xlsx"] == outputs["csv"]
    assert outputs["jsonl"] == outputs["csv"].replace("line 5:", "line 4:")  # JSON Lines has no header line
    scored = {line.split(",")[0]: line for line in outputs["csv"].splitlines()}
    assert scored["2"].startswith("2,12345,12345,") and scored["2"].endswith(",")  # scored: no error
    assert scored["7.5"].startswith("7.5,0.1,0.1,") and scored["7.5"].endswith(",")


def test_ids_keep_their_types_and_booleans_objects_and_arrays_stay_error_rows(tmp_path, tiny_model):
    source = tmp_path / "posts.jsonl"
    source.write_text(
        '{"id": 7, "text": 12345}\n{"id": 7.0, "text": true}\n{"id": "007", "text": [1]}\n{"id": 9, "text": {}}\n'
        '{"id": 10, "text": null}\n{"id": 11}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    run_job(JobOptions(str(source), str(out), str(tiny_model), id_column="id", keep_columns=("text",)))
    rows = lines_of(out)
    assert [row["id"] for row in rows] == [7, 7.0, "007", 9, 10, 11] and isinstance(rows[1]["id"], float)
    assert [row["text"] for row in rows] == ["12345", True, [1], {}, None, None]
    assert [row["error"] for row in rows] == [
        "",
        "line 2: text is not a string but bool",
        "line 3: text is not a string but list",
        "line 4: text is not a string but dict",
        "line 5: empty text",
        "line 6: empty text",
    ]
    sheet = tmp_path / "sheet.xlsx"
    sheet.write_bytes(xlsx_bytes([["id", "text"], [7, 12345], [7.5, "好评"], ["007", True]]))
    out = tmp_path / "sheet.jsonl"
    run_job(JobOptions(str(sheet), str(out), str(tiny_model), id_column="id"))
    rows = lines_of(out)
    assert [row["id"] for row in rows] == [7, 7.5, "007"] and isinstance(rows[0]["id"], int)  # 7, not 7.0
    assert [row["error"] for row in rows] == ["", "", "line 4: text is not a string but bool"]


@pytest.mark.parametrize("suffix", ["jsonl", "xlsx", "parquet"])
def test_a_phone_number_stored_as_a_number_is_masked(tmp_path, suffix):
    source = tmp_path / f"in.{suffix}"
    if suffix == "xlsx":
        source.write_bytes(xlsx_bytes([["id", "text"], [1, 13812345678], [2, 599]]))
    elif suffix == "parquet":
        pd.DataFrame({"id": [1, 2], "text": [13812345678, 599]}).to_parquet(source)  # an int64 column
    else:
        source.write_text('{"id": 1, "text": 13812345678}\n{"id": 2, "text": 599}\n', encoding="utf-8")
    out = tmp_path / "masked.jsonl"
    run_mask_job(str(source), str(out), ("text",))
    assert [(row["id"], row["text"]) for row in lines_of(out)] == [(1, "[PHONE]"), (2, "599")]


def test_the_cli_scores_an_excel_sheet_as_the_same_sheet_saved_as_csv(tmp_path, tiny_model):
    outputs = []
    for name, content in (("sheet.csv", SHEET_CSV.encode()), ("sheet.xlsx", xlsx_bytes(SHEET))):
        (tmp_path / name).write_bytes(content)
        result = run("classify", tmp_path / name, "--id-column", "id", "--keep-columns", "text", "--model", tiny_model)
        assert result.returncode == 0, result.stderr
        assert "1 row(s) could not be scored" in result.stderr and "text is not a string" not in result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert next(line for line in outputs[1].splitlines() if line.startswith("2,12345,")).endswith(",")  # no error


class Interrupt(Exception):
    pass


def test_a_job_begun_reading_numbers_as_numbers_is_not_resumed_into_a_mix(tmp_path, tiny_model, monkeypatch):
    """A job interrupted before numbers were read as text (simulated: the reader without text columns) wrote error
    rows for them; resumed now, its rows would mix the two readings. The input chain check refuses instead."""
    from complaintmine.scoring import batch

    source = tmp_path / "sheet.xlsx"
    source.write_bytes(xlsx_bytes([["text"], *([[12345], ["尾款涨了五十"]] * 4)]))
    out = tmp_path / "out.csv"
    options = JobOptions(str(source), str(out), str(tiny_model), chunk_rows=2, resume=True)
    reader = batch.iter_chunks

    def stop(rows, _fraction):
        raise Interrupt

    with monkeypatch.context() as patch:
        patch.setattr(batch, "iter_chunks", lambda *args: reader(*args[:4]))  # as before: no text columns
        with pytest.raises(Interrupt):
            run_job(options, progress=stop)
    with pytest.raises(cm.InputError, match=r"is not the one the interrupted job read .*reads differently"):
        run_job(options)


def test_a_parquet_number_in_a_text_column_reads_as_text_on_both_engines(tmp_path):
    """Parquet keeps types, so a text column may hold numbers: the single-machine reader and the Dask engine's
    read them as text, as CSV does (a phone stored as an int had been left unmasked, with success reported)."""
    source = tmp_path / "posts.parquet"
    pd.DataFrame({"id": [7, 8, 9], "text": [12345.0, 1.5, None], "n": [1.0, 2.0, 3.0]}).to_parquet(source)
    table = cm.read_table(str(source), text_columns=["text"])
    assert table["text"].tolist() == ["12345.0", "1.5", ""] and table["n"].tolist() == [1.0, 2.0, 3.0]
    assert table["id"].tolist() == [7, 8, 9]  # ids as typed
    pytest.importorskip("dask.dataframe")
    from complaintmine.scoring import dask as cmd

    frame = cmd.read_inputs(str(source), "text", id_column="id").compute()
    assert frame["text"].tolist()[:2] == ["12345.0", "1.5"] and pd.isna(frame["text"].tolist()[2])  # missing
    assert frame["id"].tolist() == [7, 8, 9]
