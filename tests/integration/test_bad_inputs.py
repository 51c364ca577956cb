"""Bad inputs never lose a row, never rewrite an id, never end in a traceback (issue #14).

Two layers: the fixture folder ``tests/data/bad/`` (see its make_fixtures.py: each file once broke a reader,
with the exact ids and error counts ``classify`` must give, or the one-line InputError it must raise), and
hypothesis properties that mutate valid CSV and JSONL bytes (stray quotes, separators, line breaks, bad
bytes, lone surrogates, other encodings) and check the same invariants on whatever comes out.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import complaintmine as cm
from complaintmine.errors import InputError
from complaintmine.io.readers import ERROR, LINE, Source, chunks_frame, iter_chunks
from complaintmine.model.runtime import score_texts
from complaintmine.scoring.batch import JobOptions, run_job

from ..conftest import DATA, FROZEN, entry_point

BAD = DATA / "bad"
CASES: list[dict[str, Any]] = json.loads((BAD / "cases.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model(frozen_model: cm.Model) -> cm.Model:
    return frozen_model


def classify(model: cm.Model, path: Path, output: Path, **options: Any):
    return run_job(
        JobOptions(input=str(path), output=str(output), model_dir=str(FROZEN), workers=1, **options), model=model
    )


def jsonl_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_each_bad_input_gives_its_rows_with_exact_ids_or_one_clear_error(tmp_path, model, case):
    options = case["options"]
    out = tmp_path / "out.jsonl"
    if case["raises"] is not None:
        try:
            summary = classify(model, BAD / case["file"], out, **options)
        except InputError as exc:
            assert case["raises"] in str(exc) and "\n" not in str(exc)
            assert (not out.exists() and not Path(f"{out}.partial").exists()) or case["raises"] == ""
            return
        assert case["raises"] == "", f"expected an InputError saying {case['raises']!r}"
        assert summary.rows == len(jsonl_rows(out))  # garbage may also read as rows: each one reported
        return
    summary = classify(model, BAD / case["file"], out, **options)
    rows = jsonl_rows(out)
    id_name = options.get("id_column", "row")
    assert [row[id_name] for row in rows] == case["ids"]
    assert dict(summary.errors) == case["errors"]
    assert sum(1 for row in rows if row["error"]) == sum(case["errors"].values())
    # CSV output: the same ids, byte for byte (raw, so that no formula guard touches them)
    csv_out = tmp_path / "out.csv"
    classify(model, BAD / case["file"], csv_out, raw_formulas=True, **options)
    with open(csv_out, encoding="utf-8", newline="") as handle:
        cells = [row[0] for row in csv.reader(handle)][1:]
    assert cells == ["" if value is None else str(value) for value in case["ids"]]  # no id: an empty cell


def test_a_raw_cr_in_a_json_string_keeps_later_line_numbers(tmp_path, model):
    out = tmp_path / "out.jsonl"
    classify(model, BAD / "raw_cr_in_json_string.jsonl", out, id_column="id")
    errors = [row["error"] for row in jsonl_rows(out)]
    assert errors[1].startswith("line 2:") and errors[0] == errors[2] == ""


def test_a_stray_quote_costs_its_own_row_only(tmp_path, model):
    out = tmp_path / "out.jsonl"
    classify(model, BAD / "stray_quote_mid_file.csv", out, id_column="id", keep_columns=("text",))
    rows = jsonl_rows(out)
    assert rows[1]["error"].startswith("line 3: a quote opened here is never closed")
    assert rows[1]["text"] == "说好的赠品没给"  # its cells kept, by position
    assert rows[39]["text"] == "好评,很好" and not rows[39]["error"]  # a properly quoted field is untouched


def test_short_gbk_is_read_as_chinese_and_the_summary_says_so(tmp_path, model):
    out = tmp_path / "out.jsonl"
    summary = classify(model, BAD / "short_gbk.csv", out, id_column="id", keep_columns=("text",))
    assert summary.encoding == "gb18030"
    assert jsonl_rows(out)[0]["text"] == "尾款涨价"


def test_a_ragged_row_keeps_its_cells_by_position(tmp_path, model):
    out = tmp_path / "out.jsonl"
    classify(model, BAD / "ragged_rows.csv", out, id_column="id", keep_columns=("text",))
    rows = jsonl_rows(out)
    assert [row["text"] for row in rows] == ["好评", None, "差评"]
    assert rows[0]["error"] == "line 2: expected 2 fields, found 3"


@pytest.mark.parametrize("case", [case for case in CASES if case["raises"] is not None], ids=lambda case: case["file"])
def test_the_cli_answers_bad_files_in_one_line(tmp_path, case):
    args = [*entry_point(), "classify", str(BAD / case["file"]), "-o", str(tmp_path / "out.csv"), "-j", "1"]
    for key, value in case["options"].items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in result.stderr
    if result.returncode:
        assert result.returncode == InputError.exit_code and result.stderr.count("\n") == 1, result.stderr


def test_the_cli_summary_names_the_encoding(tmp_path):
    result = subprocess.run(
        [*entry_point(), "classify", str(BAD / "short_gbk.csv"), "-o", str(tmp_path / "o.csv"), "--model", str(FROZEN)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "(read as gb18030)" in result.stderr


# -- properties: mutated valid files ------------------------------------------------------------------------

TEXTS = st.text(
    alphabet=st.sampled_from(list("尾款涨价赠品没给发货慢好评差不保价abc 123,，。\n")), min_size=1, max_size=12
).filter(lambda text: text.strip() and text[0] not in ",\n")


def csv_bytes(texts: list[str], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", "text"])
    for number, text in enumerate(texts):
        writer.writerow([f"id{number:04d}", text])
    return buffer.getvalue().encode("utf-8")


def read_all(path: Path, fmt: str, encoding: str | None = None) -> list[dict[str, Any]]:
    """Every row the reader gives, or [] after one InputError; anything else fails the property."""
    try:
        chunks = list(iter_chunks(Source(str(path), fmt, encoding, None), chunk_rows=7))
    except InputError as exc:
        assert "\n" not in str(exc)
        return []
    return [dict(zip(chunk.columns, row)) for chunk in chunks for row in chunk.tuples()]


def is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


MUTATIONS = st.sampled_from(['"', ",", "\t", "\n", "\r", "\r\n", "\x00", '""', '"\n'])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(TEXTS, min_size=2, max_size=25),
    victim=st.data(),
    mutation=MUTATIONS,
    fmt=st.sampled_from(["csv", "tsv"]),
)
def test_csv_one_mutation_never_costs_the_other_rows(tmp_path, texts, victim, mutation, fmt):
    """Put a quote, separator, line break or NUL into one row's text (CSV or TSV): every other row keeps its
    exact id."""
    delimiter = "\t" if fmt == "tsv" else ","
    content = csv_bytes(texts, delimiter)
    target = victim.draw(st.integers(0, len(texts) - 1))
    marker = f"id{target:04d}{delimiter}".encode()
    at = content.index(marker) + len(marker)
    at += victim.draw(st.integers(0, 1))  # at the start of the field, or one character in
    mutated = content[:at] + mutation.encode() + content[at:]
    path = tmp_path / f"m.{fmt}"
    path.write_bytes(mutated)
    rows = read_all(path, fmt, "utf-8")
    ids = [row["id"] for row in rows]
    others = [f"id{n:04d}" for n in range(len(texts)) if n != target]
    missing = [i for i in others if i not in ids]
    assert not missing, f"rows lost: {missing}"
    lines = [row[LINE] for row in rows]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)  # one row per start line, in file order
    # (A line after a broken quote is read as a row of its own, which may give it a made-up id: that is the
    # price of never letting a quote swallow the rows after it.)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(TEXTS, min_size=1, max_size=20),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
)
def test_csv_in_any_supported_encoding_keeps_every_id(tmp_path, texts, encoding):
    content = csv_bytes(texts).decode("utf-8").encode(encoding)
    if encoding == "gb18030":  # GBK bytes that are also valid UTF-8 (没 is C3 BB, UTF-8's û) read as UTF-8
        assume(not is_utf8(content))
    path = tmp_path / f"e-{encoding}.csv"
    path.write_bytes(content)
    rows = read_all(path, "csv")
    assert [row["id"] for row in rows] == [f"id{n:04d}" for n in range(len(texts))]
    assert [row["text"] for row in rows] == [text.replace("\r\n", "\n") for text in texts]


JSON_MUTATIONS = st.sampled_from(["\r", "\\ud800", "\\udfff", "\u2028", "\x85", "\t", "\x00", '"', "}", "\\", "\xff"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(TEXTS, min_size=2, max_size=25),
    victim=st.data(),
    mutation=JSON_MUTATIONS,
    big=st.integers(2**53, 2**63),
)
def test_jsonl_one_mutation_never_costs_the_other_rows(tmp_path, texts, victim, mutation, big):
    """A raw CR, a lone surrogate escape, a bad byte, a broken quote in one line: every line still gives one
    row (or one error), and the other rows keep their integer ids exactly."""
    lines = [json.dumps({"id": big + n, "text": text}, ensure_ascii=False) for n, text in enumerate(texts)]
    target = victim.draw(st.integers(0, len(lines) - 1))
    where = lines[target].index('"text": "') + len('"text": "')
    raw = mutation.encode("latin-1") if mutation == "\xff" else mutation.encode("utf-8")
    encoded = [line.encode("utf-8") for line in lines]
    encoded[target] = encoded[target][:where] + raw + encoded[target][where:]
    path = tmp_path / "m.jsonl"
    path.write_bytes(b"\n".join(encoded) + b"\n")
    rows = read_all(path, "jsonl", "utf-8")
    assert len(rows) == len(lines)  # one per line: a CR or U+2028 inside a string never splits a record
    assert [row[LINE] for row in rows] == list(range(1, len(lines) + 1))
    for n, row in enumerate(rows):
        if n != target:
            assert row["id"] == big + n and type(row["id"]) is int and not row[ERROR]
    if mutation in ("\\ud800", "\\udfff", "\xff"):
        assert rows[target][ERROR] and rows[target]["id"] == big + target
    for row in rows:  # whatever was read can be written back out as UTF-8
        json.dumps({k: v for k, v in row.items()}, ensure_ascii=False, default=str).encode("utf-8")


def test_stray_quotes_deep_in_a_long_file_cost_their_own_rows_only(tmp_path):
    """Past the few thousand lines the reader keeps for taking a bad record apart, and twice in one file."""
    rows = [f"{n},第{n}条投诉" for n in range(9000)]
    rows[5000] = '5000,"说好的赠品'
    rows[8500] = '8500,"又一个'
    path = tmp_path / "long.csv"
    path.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    read = read_all(path, "csv", "utf-8")
    assert [row["id"] for row in read] == [str(n) for n in range(9000)]
    assert [row[LINE] for row in read] == list(range(2, 9002))
    assert [row["id"] for row in read if row[ERROR]] == ["5000", "8500"]


@pytest.mark.parametrize("command", ["extract", "mask"])
def test_extract_and_mask_refuse_a_duplicate_excel_header_in_one_line(tmp_path, command):
    args = [*entry_point(), command, str(BAD / "duplicate_header.xlsx"), "-o", str(tmp_path / "out.csv")]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == InputError.exit_code
    assert result.stderr.count("\n") == 1 and "appears twice" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_dataframe_text_with_a_lone_surrogate_is_an_error_row(model):
    import pandas as pd

    frame = pd.DataFrame({"text": pd.Series(["尾款\ud800涨价", "好评"], dtype=object), "id": [1, 2]})
    out = cm.classify_frame(model, frame, id_column="id")
    assert out["id"].tolist() == [1, 2]
    assert "lone surrogate" in out.loc[0, "error"] and out.loc[1, "error"] == ""


@pytest.mark.parametrize("texts", [1, 100], ids=["one text", "a batch of the fast path"])
@pytest.mark.parametrize("explain", [False, True])
def test_a_library_text_with_a_lone_surrogate_raises_an_input_error_naming_it(model, texts, explain):
    """The library refuses what the segmenter cannot read with an InputError naming the text and the character,
    not a UnicodeEncodeError from inside rjieba (the jieba backend reads such text as it reads any symbol)."""
    if model.tokenizer.backend != "rjieba":
        pytest.skip("only rjieba refuses a lone surrogate")
    batch = ["好评"] * texts + ["尾款\ud800涨价"]
    with pytest.raises(InputError, match=rf"text {texts} holds a lone surrogate \(U\+D800.* at character 2"):
        if explain:
            score_texts(model, batch, explain=True)
        else:
            cm.predict_texts(model, batch)


CSV_CASES = [case for case in CASES if case["file"].endswith(".csv") and case["raises"] is None]


@pytest.mark.slow  # imports Dask
@pytest.mark.parametrize("case", CSV_CASES, ids=[case["file"] for case in CSV_CASES])
@pytest.mark.parametrize("blocksize", [20, 64, None])
def test_the_dask_engine_reads_each_bad_csv_as_the_single_machine_reader_does(case, blocksize):
    pytest.importorskip("dask.dataframe")
    import dask

    from complaintmine.io.readers import open_source
    from complaintmine.scoring import dask as cmd

    path = str(BAD / case["file"])
    encoding = case["options"].get("encoding")
    with dask.config.set(scheduler="sync"):
        split = cmd.read_inputs(path, id_column="id", encoding=encoding, blocksize=blocksize).compute()
    whole = chunks_frame(list(iter_chunks(open_source(path, encoding=encoding))))
    for column in ("id", LINE, ERROR):
        assert split[column].tolist() == whole[column].tolist()
