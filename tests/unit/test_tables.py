"""Reading and writing tables: error positions, and round trips that keep ids, order and row count."""

import errno
import io
import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from complaintmine.errors import InputError, OutputError
from complaintmine.io.formulas import escape, neutralise, neutralise_column, risky, unescape
from complaintmine.io.tables import detect_format, read_table, write_table

cell_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(st.text(alphabet="abcxyz0123456789-", min_size=1, max_size=8), cell_text), max_size=25),
    st.sampled_from(["csv", "tsv", "jsonl"]),
)
def test_round_trip_keeps_ids_order_and_count(tmp_path, rows, fmt):
    frame = pd.DataFrame({"id": [r[0] for r in rows], "text": [r[1] for r in rows]}, dtype=str)
    if frame.empty:
        frame = pd.DataFrame({"id": ["only"], "text": ["x"]})
    path = tmp_path / f"t.{fmt}"
    write_table(frame, str(path))
    back = read_table(str(path))
    assert back["id"].tolist() == frame["id"].tolist()
    if fmt != "tsv":  # TSV cannot hold tabs or newlines inside cells; CSV and JSONL keep every character
        assert back["text"].tolist() == frame["text"].tolist()
    assert len(back) == len(frame)


def test_read_table_is_strict_and_names_the_bad_line_and_column(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "a"}\n{"text": \n[1, 2]\n{"text": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(str(path))
    assert (info.value.line, info.value.column) == (2, 10)  # the column json names, as the reader's message does
    assert str(info.value) == f"{path}:2:10: not valid JSON (Expecting value)"


def test_gbk_is_detected_and_a_forced_wrong_encoding_names_the_line(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("text\nok\n尾款涨价，赠品也没给，客服说没货了\n".encode("gbk"))
    assert read_table(str(path))["text"].tolist() == ["ok", "尾款涨价，赠品也没给，客服说没货了"]
    with pytest.raises(InputError) as info:
        read_table(str(path), encoding="utf-8")
    assert info.value.line == 3
    assert str(info.value) == (  # in a library's terms: a caller of read_table has no --encoding to pass
        f"{path}:3: bytes that are not valid text in column 'text' (read as utf-8); "
        "name the file's encoding (for example gb18030)"
    )
    assert info.value.encoding_hint == "for example gb18030"  # what the CLI turns into "pass --encoding (...)"


def test_a_header_that_is_not_text_names_its_field_in_a_librarys_terms(tmp_path):
    path = tmp_path / "head.csv"
    path.write_bytes(b"id,\xff\xfetext\n1,x\n")
    with pytest.raises(InputError) as info:
        read_table(str(path), encoding="utf-8")
    assert (info.value.line, info.value.column) == (1, 2)
    assert str(info.value).endswith("; name the file's encoding (for example gb18030 or utf-16)")
    assert "--encoding" not in str(info.value)


def test_an_unterminated_quote_is_told_as_what_happens_where_it_is_met(tmp_path):
    """read_table stops at the row; the streaming reader (classify) keeps it alone and reads on."""
    from complaintmine.io.readers import ERROR, iter_chunks, open_source

    path = tmp_path / "quote.csv"
    path.write_text('id,text\n1,"赠品没给\n2,发货很快\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(str(path))
    assert str(info.value) == f"{path}:2: a quote opened here is never closed"
    errors = [e for chunk in iter_chunks(open_source(str(path))) for e in chunk[ERROR]]
    assert errors == [
        "line 2: a quote opened here is never closed; the row is kept alone, reading goes on at the next line",
        None,
    ]


def test_bom_is_removed_from_the_first_header(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,text\n1,赠品没给\n".encode())
    assert list(read_table(str(path)).columns) == ["id", "text"]


def test_malformed_csv_names_the_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,text\n1,a\n2,b,c,d\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.csv:3: .*expected 2 fields, found 4"):
        read_table(str(path))


@pytest.mark.parametrize("content", ["", "   \n"])
def test_empty_file_is_an_input_error(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_table(str(path))


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_table(str(tmp_path / "nope.csv"))
    with pytest.raises(InputError, match="unknown format 'docx'"):
        detect_format("a.docx")


def test_old_excel_workbooks_say_how_to_save_them_and_a_renamed_xlsx_is_read(tmp_path):
    """A consumer association's export is often an Excel 97-2003 .xls: the error says to save it as .xlsx, and a
    workbook that is .xlsx inside but named .xls is read with --format xlsx (openpyxl refused it by its suffix with
    its own exception, a traceback from the CLI)."""
    from openpyxl import Workbook

    with pytest.raises(InputError, match=r"Excel 97-2003 .* save it in Excel or WPS as \.xlsx"):
        detect_format("complaints.xls")
    book = Workbook()
    book.active.append(["id", "text"])
    book.active.append(["007", "赠品没给"])
    renamed = tmp_path / "export.xls"
    book.save(renamed)
    assert read_table(str(renamed), fmt="xlsx").to_dict("list") == {"id": ["007"], "text": ["赠品没给"]}
    # read by its suffix, it is told what reads it, not to save it as the .xlsx it already is (review h23d)
    with pytest.raises(InputError, match=r"an \.xlsx workbook under another name: use --format xlsx"):
        read_table(str(renamed))
    old = tmp_path / "old.xlsx"  # an OLE2 compound file: Excel 97-2003, or a workbook with a password to open
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(InputError, match=r"old\.xlsx: an Excel 97-2003 \(\.xls\) or password-protected workbook"):
        read_table(str(old))


def test_jsonl_nan_is_written_as_null():
    buffer = io.StringIO()
    write_table(pd.DataFrame({"a": [float("nan")], "b": pd.array([pd.NA], dtype="Int64")}), "-", "jsonl", buffer)
    assert buffer.getvalue() == '{"a": null, "b": null}\n'


def test_no_nan_or_infinity_is_written_as_json_at_any_depth():
    """Extracted fields are nested: json.dumps would write NaN/Infinity there, which strict JSON parsers reject."""
    inf, nan = float("inf"), float("nan")
    fields = {"money": [{"amount": inf, "role": None}], "difference": -inf, "days": (nan, 1.5), "ok": 2.0}
    frame = pd.DataFrame({"id": ["a"], "top": [inf], "fields": [fields]})

    def strict(text: str):
        return json.loads(text, parse_constant=lambda constant: pytest.fail(f"{constant} written in {text}"))

    nulled = {"money": [{"amount": None, "role": None}], "difference": None, "days": [None, 1.5], "ok": 2.0}
    buffer = io.StringIO()
    write_table(frame, "-", "jsonl", buffer)
    assert strict(buffer.getvalue()) == {"id": "a", "top": None, "fields": nulled}
    buffer = io.StringIO()
    write_table(frame, "-", "csv", buffer)  # a dict in a CSV cell is JSON text too
    assert strict(pd.read_csv(io.StringIO(buffer.getvalue()))["fields"][0]) == nulled


@given(st.text(alphabet="'=+-@\t\r1a尾 ", max_size=12))
def test_formula_escape_is_undone_exactly_and_leaves_nothing_runnable(cell):
    escaped = escape(cell)
    assert unescape(escaped) == cell
    assert not risky(escaped)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ('{"id": 1, "text": "发货慢"}\n', "jsonl"),
        ('\ufeff\n\n  {"id": 1}\n', "jsonl"),
        ("id\ttext\n1\t发货慢，客服不理\n", "tsv"),
        ("id,text\n1,发货慢\t客服不理\n", "csv"),  # a tab in a text, not in the header
        ("id\ttext\tamount,yuan\n", "tsv"),  # more tabs than commas
        ("id,text,title\tx\n", "csv"),
        ("text\n发货慢\n", "csv"),
        ("", "csv"),
    ],
)
def test_standard_input_format_is_told_from_its_first_line(sample, expected):
    from complaintmine.io.readers import sniffed_format

    assert sniffed_format(sample) == expected


@given(
    st.one_of(
        st.lists(st.text(alphabet="=+-@\t\r\n1.e预a", max_size=5), max_size=8),  # text only: the one-regex path
        st.lists(st.one_of(st.none(), st.integers(), st.text(alphabet="=+-@\n1a", max_size=4)), max_size=6),
    )
)
@example(["="])
@example(["a", "-x"])
@example(["a\n@b", "c"])
@example(["\rx"])
@example(["-5", "+1.5e3"])
def test_a_column_is_neutralised_exactly_as_cell_by_cell(cells):
    """The one-regex shortcut over the joined column never skips a risky cell (a match inside a cell is checked)."""
    assert neutralise_column(cells) == [neutralise(cell) for cell in cells]


class _DiskFillsUp(io.StringIO):
    """A file that takes the first few characters written to it, then reports a full disk."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def write(self, text: str) -> int:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(text[:5])
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_write_that_fails_midway_leaves_the_earlier_file_as_it_was_and_nothing_beside_it(
    tmp_path, monkeypatch, suffix
):
    from complaintmine.io import tables

    target = tmp_path / f"scored{suffix}"
    target.write_bytes(b"the results of yesterday\n")
    if suffix == ".parquet":

        def half_parquet(frame, path, **options):
            Path(path).write_bytes(b"PAR1 half a file")
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(pd.DataFrame, "to_parquet", half_parquet)
    else:
        monkeypatch.setattr(tables, "open", lambda path, *args, **kwargs: _DiskFillsUp(path), raising=False)
    with pytest.raises(OutputError, match="no space left on the device") as raised:
        write_table(pd.DataFrame({"id": ["007"], "text": ["尾款涨价了"]}), str(target))
    assert raised.value.path == str(target)  # the file asked for, not the temporary one
    assert "--resume" not in str(raised.value)  # a whole file written at once: nothing to resume
    assert target.read_bytes() == b"the results of yesterday\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_complete_write_replaces_the_file_keeping_its_mode_and_links(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real.name)
    write_table(pd.DataFrame({"id": ["007"]}), str(link))
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "id\n007\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_a_fifo_is_written_into_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    write_table(pd.DataFrame({"id": ["007"]}), str(fifo))
    reader.join(timeout=10)
    assert got == ["id\n007\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_standard_output_on_a_pipe_is_written_into(tmp_path):
    """/dev/stdout names a pipe here: its real path (/proc/.../pipe:[n]) is no folder to put a temporary file in,
    so the table is written into it, as before writes were renamed into place."""
    code = (
        "import pandas as pd, complaintmine as cm; "
        "cm.write_table(pd.DataFrame({'id': ['007'], 'text': ['尾款涨价了']}), '/dev/stdout', 'csv')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8") == "id,text\n007,尾款涨价了\n"


def test_a_file_whose_folder_takes_no_new_file_is_written_in_place(tmp_path, monkeypatch):
    """A writable file in a read-only folder: the temporary file cannot be made (as root can, the refusal is
    played by Path.touch), so the file itself is written, as before writes were renamed into place."""
    target = tmp_path / "scored.csv"
    target.write_text("old\n", encoding="utf-8")

    def refused(self, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "touch", refused)
    write_table(pd.DataFrame({"id": ["007"]}), str(target))
    assert target.read_text(encoding="utf-8") == "id\n007\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_name_too_long_for_a_temporary_file_is_written_in_place(tmp_path):
    target = tmp_path / ("长" * 80 + ".csv")  # 244 bytes: the name fits, the hidden temporary name would not
    write_table(pd.DataFrame({"id": ["007"]}), str(target))
    assert target.read_text(encoding="utf-8") == "id\n007\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("interruption", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()])
def test_a_file_written_beside_is_removed_when_the_writing_fails(tmp_path, interruption):
    """The shared step under write_table, the Dask part files, labelling sheets and the tokenizer's cache: the
    error that stopped the writing is passed on, the target is as it was, and the temporary file is gone."""
    from complaintmine.io.output_place import moved_onto, new_file_beside

    target = tmp_path / "kept.bin"
    target.write_bytes(b"before")
    temporary = new_file_beside(target)
    assert temporary.parent == tmp_path and temporary.name.startswith(".kept.bin.")
    with pytest.raises(type(interruption)), moved_onto(temporary, target):
        temporary.write_bytes(b"half")
        raise interruption
    assert target.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_file_written_beside_replaces_its_target_and_a_link_there_is_replaced_not_followed(tmp_path):
    from complaintmine.io.output_place import moved_onto, new_file_beside

    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(b"not to be touched")
    target = tmp_path / "cache.bin"
    target.symlink_to(elsewhere.name)
    temporary = new_file_beside(target)
    with moved_onto(temporary, target):
        temporary.write_bytes(b"complete")
    assert not target.is_symlink() and target.read_bytes() == b"complete"
    assert elsewhere.read_bytes() == b"not to be touched"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.bin", "elsewhere.bin"]


def test_a_file_made_beside_has_the_mode_asked_for_from_the_start(tmp_path):
    """A private file (the tokenizer's cache) is private before a byte is written, whatever the umask."""
    from complaintmine.io.output_place import new_file_beside

    previous = os.umask(0)
    try:
        private = new_file_beside(tmp_path / "private.npz", mode=0o600)
        shared = new_file_beside(tmp_path / "shared.csv")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(shared.stat().st_mode) == 0o666  # as open() makes a file: only the umask takes bits away
