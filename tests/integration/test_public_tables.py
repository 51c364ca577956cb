"""complaintmine.read_table / write_table: a file read exactly as `complaintmine classify` reads it (pandas.read_csv
makes "NA", "null" and "None" NaN, drops the zeros of "007" and guesses encodings its own way), and scores written
as the CLI writes them."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import complaintmine as cm

from ..cli.test_cli import run


def test_read_table_and_write_table_are_public_and_imported_on_first_use():
    code = (
        "import sys, complaintmine as cm\n"
        "assert 'complaintmine.io.tables' not in sys.modules\n"
        "from complaintmine.io import tables\n"
        "assert cm.read_table is tables.read_table and cm.write_table is tables.write_table\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert {"read_table", "write_table"} <= set(cm.__all__) <= set(dir(cm))


def test_a_gbk_csv_keeps_leading_zeros_and_na_like_texts(tmp_path):
    path = tmp_path / "工单.csv"
    path.write_bytes("id,text\n007,NA\n0100,null\n,None\n08,尾款涨价了，客服说没办法\n".encode("gbk"))
    table = cm.read_table(str(path))
    assert table["id"].tolist() == ["007", "0100", "", "08"]
    assert table["text"].tolist() == ["NA", "null", "None", "尾款涨价了，客服说没办法"]
    assert pd.read_csv(path, encoding="gbk")["text"].isna().sum() == 3  # what the reader is for


def test_gb18030_beyond_gbk_and_byte_order_marks_are_read(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_bytes("id,text\n01,赠品𠮷字杯没给，说好的€5券也没有\n".encode("gb18030"))  # 𠮷 and € are not GBK
    assert cm.read_table(str(wide))["text"].tolist() == ["赠品𠮷字杯没给，说好的€5券也没有"]
    for encoding in ("utf-8-sig", "utf-16"):  # each writes its byte order mark first
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes("id,text\n007,NA\n".encode(encoding))
        table = cm.read_table(str(path))
        assert list(table.columns) == ["id", "text"] and table.values.tolist() == [["007", "NA"]], encoding


def test_a_jsonl_file_keeps_its_types_and_names_the_line_of_a_bad_record(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(
        '{"id": "007", "text": "NA"}\n\n{"id": 8, "text": "发货慢", "shop": null}\n{"text": "好评"}\n', encoding="utf-8"
    )
    table = cm.read_table(str(path))
    assert table.to_dict("list") == {"id": ["007", 8, ""], "text": ["NA", "发货慢", "好评"], "shop": ["", "", ""]}
    path.write_text('{"text": "a"}\n\n["not", "an", "object"]\n', encoding="utf-8")
    with pytest.raises(cm.InputError) as raised:
        cm.read_table(str(path))
    assert (raised.value.path, raised.value.line) == (str(path), 3)  # the blank line counts
    assert str(raised.value) == f"{path}:3: expected a JSON object, found list"


def test_unreadable_rows_are_input_errors_naming_file_and_line(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text('id,text\n1,"两行\n的评论"\n2,好评,多出来\n', encoding="utf-8")
    with pytest.raises(cm.InputError) as raised:
        cm.read_table(str(ragged))
    assert (raised.value.path, raised.value.line) == (str(ragged), 4)  # where the row is, past a two-line cell
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("id,text\n1,尾款涨了\n".encode("gbk"))
    with pytest.raises(cm.InputError, match=r"gbk\.csv:2: .*not valid text") as raised:
        cm.read_table(str(gbk), encoding="utf-8")
    assert raised.value.line == 2
    with pytest.raises(cm.InputError, match="no such file"):
        cm.read_table(str(tmp_path / "missing.csv"))


def test_standard_input_and_a_folder_of_part_files(tmp_path):
    code = "import complaintmine as cm; print(cm.read_table('-').to_dict('list'))"
    for sample in ("id\ttext\n007\tNA\n", '{"id": "007", "text": "NA"}\n'):  # TSV, JSON Lines: told apart
        result = subprocess.run([sys.executable, "-c", code], input=sample, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "{'id': ['007'], 'text': ['NA']}"
    parts = tmp_path / "scored"
    parts.mkdir()
    with pytest.raises(cm.InputError, match="folder without part files"):
        cm.read_table(str(parts))
    (parts / "part-00000.csv").write_text("id,labels\n007,other\n", encoding="utf-8")
    (parts / "part-00001.csv").write_text("id,labels\n008,price_hike\n", encoding="utf-8")
    assert cm.read_table(str(parts))["id"].tolist() == ["007", "008"]


def test_write_table_failures_are_output_errors(tmp_path):
    with pytest.raises(cm.OutputError, match="cannot write") as raised:
        cm.write_table(pd.DataFrame({"id": ["007"]}), str(tmp_path / "missing" / "out.csv"))
    assert raised.value.path == str(tmp_path / "missing" / "out.csv")
    mixed = pd.DataFrame({"id": ["007", 8]}, dtype=object)  # JSON Lines ids as read_table gives them
    with pytest.raises(cm.OutputError, match="cannot be written as Parquet"):
        cm.write_table(mixed, str(tmp_path / "out.parquet"))


def _library_round_trip(model_dir, source, out):
    table = cm.read_table(str(source))
    cm.write_table(cm.classify_frame(cm.load_model(model_dir), table, id_column="id"), str(out))
    return out.read_bytes()


def test_read_classify_write_gives_the_bytes_the_cli_writes(tmp_path, tiny_model):
    source = tmp_path / "tickets.csv"
    source.write_bytes("id,text\n007,NA\n,预售付了定金，尾款涨了五十\n0100,说好的赠品没给\n".encode("gbk"))
    result = run("classify", source, "--id-column", "id", "-o", tmp_path / "cli.csv", "--model", tiny_model)
    assert result.returncode == 0, result.stderr
    cli = (tmp_path / "cli.csv").read_bytes()
    assert _library_round_trip(tiny_model, source, tmp_path / "lib.csv") == cli
    assert cli.decode().splitlines()[1].startswith("007,") and cli.decode().splitlines()[2].startswith(",")


def test_the_documented_differences_from_the_cli_and_nothing_else(tmp_path, tiny_model):
    """An error row names its line only in the CLI (a frame has no lines), and write_table writes a cell that
    begins with = as it is (as --raw-formulas does) where the CLI puts an apostrophe before it."""
    source = tmp_path / "tickets.csv"
    source.write_text("id,text\n=1+1,尾款涨了\n002,\n003,赠品没给\n", encoding="utf-8")
    library = _library_round_trip(tiny_model, source, tmp_path / "lib.csv").decode()
    outputs = {}
    for name, extra in (("cli", ()), ("raw", ("--raw-formulas",))):
        result = run("classify", source, "--id-column", "id", "-o", tmp_path / f"{name}.csv", "--model", tiny_model,
                     *extra)  # fmt: skip
        assert result.returncode == 0, result.stderr
        outputs[name] = (tmp_path / f"{name}.csv").read_text(encoding="utf-8")
    assert "line 3: empty text" in outputs["raw"] and "\n002,,,,,,,,empty text\n" in library
    assert library == outputs["raw"].replace("line 3: empty text", "empty text")
    assert outputs["cli"] == outputs["raw"].replace("\n=1+1,", "\n'=1+1,")
