"""One encoding rule (io/encoding.py) for the readers, tables and the Dask inputs, chosen once per input."""

import codecs

import pytest

from complaintmine.errors import InputError
from complaintmine.io.encoding import choose_encoding, detect_encoding, file_encoding
from complaintmine.io.readers import chosen_encoding, iter_chunks, open_source

TEXT = "id,text\n1,预售付了定金，尾款涨了五十\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        ((TEXT + "2,赠品没收到，客服说没货了，发货也慢\n" * 20).encode("gbk"), "gb18030"),
    ],
)
def test_the_file_reader_and_the_dask_inputs_choose_the_same_encoding(tmp_path, data, expected):
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    source = open_source(str(path))
    assert source.encoding == chosen_encoding(source) == file_encoding(path) == expected
    frame = next(iter_chunks(source))
    assert frame["text"][0] == "预售付了定金，尾款涨了五十"


def test_a_forced_utf8_reads_past_a_bom_and_an_unknown_one_names_the_file(tmp_path):
    assert choose_encoding("x.csv", codecs.BOM_UTF8 + b"a", "utf-8") == "utf-8-sig"
    assert choose_encoding("x.csv", b"a", "gbk") == "gbk"
    with pytest.raises(InputError, match=r"x\.csv.*unknown encoding 'klingon'"):
        choose_encoding("x.csv", b"a", "klingon")
    path = tmp_path / "in.csv"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        open_source(str(path), encoding="klingon")


def test_a_sample_that_cuts_a_character_in_half_is_still_utf8():
    assert detect_encoding("尾款".encode()[:-1]) == "utf-8"


def test_binary_formats_have_no_encoding(tmp_path):
    import pandas as pd

    path = tmp_path / "in.parquet"
    pd.DataFrame({"text": ["赠品没收到"]}).to_parquet(path)
    assert chosen_encoding(open_source(str(path))) is None


def test_a_utf8_file_with_a_line_from_a_gbk_one_is_read_as_utf8_and_that_line_alone_flagged(tmp_path):
    # read as GB18030 (what the detector guessed for so short a file), the UTF-8 lines decoded without an error
    # into other characters
    path = tmp_path / "mixed.csv"
    path.write_bytes("id,text\n1,电话13812345678\n".encode() + "2,赠品没收到\n".encode("gbk") + "3,好评\n".encode())
    source = open_source(str(path))
    assert source.encoding == "utf-8"
    frame = next(iter_chunks(source))
    assert frame["text"][0] == "电话13812345678" and frame["text"][2] == "好评"
    assert "not valid text" in frame["__error__"][1] and not frame["__error__"][0] and not frame["__error__"][2]


@pytest.mark.parametrize("lines", [1, 2, 5])
def test_a_short_gbk_file_is_not_taken_for_a_mostly_utf8_one(lines):
    data = ("id,text\n" + "".join(f"{i},赠品没收到，客服说{i}天内补发\n" for i in range(lines))).encode("gbk")
    assert detect_encoding(data) == "gb18030"


def test_gbk_lines_that_happen_to_be_valid_utf8_do_not_make_a_file_utf8():
    # GBK's 没 is C3 BB, which UTF-8 reads as û: such a line is valid UTF-8 through two-byte sequences only and
    # says nothing either way (hypothesis found ["。", "没", "没"] read as UTF-8, every text garbled)
    data = "id,text\nid0000,。\nid0001,没\nid0002,没\n".encode("gbk")
    assert data.decode("utf-8", errors="replace").count("û") == 2
    assert detect_encoding(data) == "gb18030"
