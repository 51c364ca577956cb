"""``--bom``: CSV/TSV output that Excel and WPS on Windows open as UTF-8 (a newcomer saw mojibake without it).

The byte-order mark is written once, at the very start of the file: also by a job written chunk by chunk to
``OUTPUT.partial`` and resumed; files with it read back as files without it (our readers, and pandas with
``utf-8-sig``); and an output that is not CSV or TSV refuses the option instead of ignoring it."""

from __future__ import annotations

import codecs
import io
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.errors import InputError
from complaintmine.io.rows import Rows
from complaintmine.io.tables import read_table, write_table
from complaintmine.io.writers import OutputWriter
from complaintmine.mining.jobs import run_extract_job, run_mask_job
from complaintmine.retrain.sheets import read_label_sheets, write_sheet
from complaintmine.scoring.batch import JobOptions, run_job

from ..conftest import FROZEN, complaints_file, entry_point

MISSING_MODEL = "/nonexistent/model"  # a job that got past its option checks would fail on this instead
BOM = codecs.BOM_UTF8


@pytest.fixture(scope="module")
def model(frozen_model: cm.Model) -> cm.Model:
    return frozen_model


def complaints(path: Path, rows: int = 40) -> Path:
    return complaints_file(path, rows, gift="赠品没给，客服也不回")


def options(source: Path, output: Path | str, **extra: Any) -> JobOptions:
    extra.setdefault("model_dir", str(FROZEN))
    return JobOptions(input=str(source), output=str(output), workers=1, id_column="id", **extra)


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*entry_point(), *map(str, args)], capture_output=True, check=False, timeout=120)


class Interrupt(Exception):
    pass


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_a_bom_output_is_the_plain_output_after_one_bom_and_reads_back_the_same(tmp_path, model, suffix):
    source = complaints(tmp_path / "in.csv")
    plain, marked = tmp_path / f"plain{suffix}", tmp_path / f"marked{suffix}"
    run_job(options(source, plain, keep_columns=("text",)), model=model)
    run_job(options(source, marked, keep_columns=("text",), bom=True), model=model)
    data = marked.read_bytes()
    assert data.startswith(BOM) and data.count(BOM) == 1
    assert data == BOM + plain.read_bytes()
    pd.testing.assert_frame_equal(read_table(str(marked)), read_table(str(plain)))
    sep = "\t" if suffix == ".tsv" else ","
    with_pandas = pd.read_csv(marked, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert with_pandas.columns[0] == "id"  # not "\ufeffid"
    pd.testing.assert_frame_equal(with_pandas, pd.read_csv(plain, sep=sep, dtype=str, keep_default_na=False))
    assert with_pandas["text"].tolist()[:2] == ["尾款涨了五十0", "赠品没给，客服也不回1"]
    # and classify reads it as its input: the same rows, and the text column found under its own name
    again, reference = tmp_path / "again.csv", tmp_path / "reference.csv"
    summary = run_job(options(marked, again, keep_columns=("text",)), model=model)
    run_job(options(plain, reference, keep_columns=("text",)), model=model)
    assert summary.encoding == "utf-8-sig"
    assert again.read_bytes() == reference.read_bytes()


def test_a_resumed_job_writes_the_bom_once_and_finishes_the_same_file(tmp_path, model):
    source = complaints(tmp_path / "in.csv", rows=500)
    reference = tmp_path / "reference.csv"
    run_job(options(source, reference, chunk_rows=50, bom=True), model=model)
    out = tmp_path / "out.csv"

    def stop_after_three_chunks(rows: int, _fraction: float | None) -> None:
        if rows >= 150:
            raise Interrupt

    with pytest.raises(Interrupt):
        run_job(
            options(source, out, chunk_rows=50, resume=True, bom=True), model=model, progress=stop_after_three_chunks
        )
    partial = Path(f"{out}.partial")
    assert partial.read_bytes().startswith(BOM) and not out.exists()
    summary = run_job(options(source, out, chunk_rows=50, resume=True, bom=True), model=model)
    assert summary.resumed_chunks == 3
    data = out.read_bytes()
    assert data.startswith(BOM) and data.count(BOM) == 1
    assert data == reference.read_bytes()
    assert len(read_table(str(out))) == 500


def test_resuming_with_another_bom_choice_is_refused(tmp_path, model):
    source = complaints(tmp_path / "in.csv", rows=200)
    out = tmp_path / "out.csv"

    def stop(_rows: int, _fraction: float | None) -> None:
        raise Interrupt

    with pytest.raises(Interrupt):
        run_job(options(source, out, chunk_rows=50, resume=True), model=model, progress=stop)
    with pytest.raises(cm.InputError, match="different input, model or options"):
        run_job(options(source, out, chunk_rows=50, resume=True, bom=True), model=model)


def test_a_job_stopped_before_its_first_chunk_writes_the_bom_when_resumed(tmp_path):
    out = tmp_path / "out.csv"
    frame = Rows({"id": ["1", "2"], "text": ["尾款涨了", "赠品没给"]}, 2)
    first = OutputWriter(str(out), "csv", "job", resume=True, bom=True)
    first.abandon()  # recorded: no chunk, no byte
    second = OutputWriter(str(out), "csv", "job", resume=True, bom=True)
    second.write(frame)
    second.abandon()
    third = OutputWriter(str(out), "csv", "job", resume=True, bom=True)
    assert third.progress.chunks == 1
    third.write(frame)
    third.finish()
    assert out.read_bytes() == BOM + "id,text\n1,尾款涨了\n2,赠品没给\n1,尾款涨了\n2,赠品没给\n".encode()


def test_standard_output_gets_the_bom_once_too(tmp_path, model):
    source = complaints(tmp_path / "in.csv", rows=120)
    stream = io.StringIO()
    run_job(options(source, "-", chunk_rows=50, bom=True), model=model, stream=stream)
    text = stream.getvalue()
    assert text.startswith("\ufeffid,labels,") and text.count("\ufeff") == 1 and text.count("\n") == 121


@pytest.mark.parametrize(
    ("output", "extra", "fmt"),
    [
        ("out.jsonl", {}, "jsonl"),
        ("out.parquet", {}, "parquet"),
        ("out.csv", {"output_format": "jsonl"}, "jsonl"),
        ("-", {"output_format": "jsonl"}, "jsonl"),
    ],
)
def test_bom_with_an_output_that_is_not_csv_or_tsv_is_refused_before_any_work(tmp_path, output, extra, fmt):
    source = complaints(tmp_path / "in.csv")
    target = output if output == "-" else tmp_path / output
    with pytest.raises(cm.InputError, match=rf"--bom works with csv and tsv output, not {fmt}$"):
        run_job(options(source, target, model_dir=MISSING_MODEL, bom=True, **extra))  # before the model loads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_mask_extract_and_write_table_write_one_bom_and_refuse_other_formats(tmp_path):
    source = complaints(tmp_path / "in.csv", rows=30)
    for name, job in (("masked.csv", run_mask_job), ("fields.tsv", run_extract_job)):
        job(str(source), str(tmp_path / name), bom=True)
        data = (tmp_path / name).read_bytes()
        assert data.startswith(BOM) and data.count(BOM) == 1
        with pytest.raises(cm.InputError, match="--bom works with csv and tsv output, not jsonl"):
            job(str(source), str(tmp_path / "out.jsonl"), bom=True)
    assert not (tmp_path / "out.jsonl").exists()
    assert len(read_table(str(tmp_path / "masked.csv"))) == 30
    frame = pd.DataFrame({"id": ["a"], "text": ["尾款涨了"]})
    write_table(frame, str(tmp_path / "table.csv"), bom=True)
    assert (tmp_path / "table.csv").read_bytes() == BOM + "id,text\na,尾款涨了\n".encode()
    with pytest.raises(cm.InputError, match="not parquet"):
        write_table(frame, str(tmp_path / "table.parquet"), bom=True)


def test_a_csv_labelling_sheet_with_a_bom_reads_back_as_written(tmp_path):
    sheet = pd.DataFrame({"id": ["1"], "text": ["=赠品没给"], "labels": ["gift_not_honored"], "presale": ["0"]})
    path = write_sheet(sheet, tmp_path / "sheet.csv", bom=True)
    assert path.read_bytes().startswith(BOM) and path.read_bytes().count(BOM) == 1
    corpus = read_label_sheets(path)
    assert corpus.texts == ["=赠品没给"] and corpus.frame["labels"].tolist() == ["gift_not_honored"]
    with pytest.raises(cm.InputError, match="--bom works with csv and tsv output, not xlsx"):
        write_sheet(sheet, tmp_path / "sheet.xlsx", bom=True)
    assert not (tmp_path / "sheet.xlsx").exists()


# -- the command line ------------------------------------------------------------------------------------------


def test_the_commands_write_the_bom_on_request_only_and_standard_output_too(tmp_path):
    source = complaints(tmp_path / "in.csv", rows=20)
    for command in ("classify", "extract", "mask"):
        plain = run_cli(command, source, "-q")
        marked = run_cli(command, source, "-q", "--bom")
        assert plain.returncode == 0 and marked.returncode == 0, marked.stderr
        assert not plain.stdout.startswith(BOM)
        assert marked.stdout == BOM + plain.stdout, command
        out = tmp_path / f"{command}.tsv"
        assert run_cli(command, source, "-q", "--bom", "-o", out).returncode == 0
        assert out.read_bytes().startswith(BOM) and out.read_bytes().count(BOM) == 1
    scored = tmp_path / "classify.tsv"
    again = run_cli("classify", scored, "--text-column", "labels", "--keep-columns", "labels", "-o", tmp_path / "x.csv")
    assert again.returncode == 0 and b"read as utf-8-sig" in again.stderr, again.stderr


@pytest.mark.parametrize(
    ("args", "told"),
    [
        (
            ["classify", "{in}", "-o", "{tmp}/out.jsonl"],
            "{tmp}/out.jsonl: --bom works with csv and tsv output, not jsonl",
        ),
        (
            ["classify", "{in}", "--output-format", "parquet"],
            "standard output: --bom works with csv and tsv output, not parquet",
        ),
        (
            ["extract", "{in}", "-o", "{tmp}/out.parquet"],
            "{tmp}/out.parquet: --bom works with csv and tsv output, not parquet",
        ),
        (
            ["mask", "{in}", "-o", "{tmp}/out.ndjson"],
            "{tmp}/out.ndjson: --bom works with csv and tsv output, not jsonl",
        ),
        (["suggest", "{in}", "-o", "{tmp}/out.xlsx"], "{tmp}/out.xlsx: --bom works with csv and tsv output, not xlsx"),
        (
            ["compare", "{model}", "{model}", "{in}"],
            "--bom: only the --disagreements file takes it, and none is asked for",
        ),
        (
            ["compare", "{model}", "{model}", "{in}", "--disagreements", "{tmp}/d.xlsx"],
            "{tmp}/d.xlsx: --bom works with csv and tsv output, not xlsx",
        ),
    ],
)
def test_bom_where_no_csv_or_tsv_is_written_is_one_command_line_error(tmp_path, args, told):
    source = complaints(tmp_path / "in.csv")
    names = {"in": source, "tmp": tmp_path, "model": FROZEN}
    result = run_cli(*(arg.format(**names) for arg in args), "--bom")
    assert result.returncode == cm.InputError.exit_code
    assert result.stderr.decode() == f"complaintmine: error: {told.format(**names)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_every_command_that_writes_csv_for_users_offers_bom():
    import inspect

    from complaintmine.cli import app

    offering = {c.name for c in app.registered_commands if "bom" in inspect.signature(c.callback).parameters}
    assert offering == {"classify", "extract", "mask", "suggest", "compare"}


# -- Dask: each CSV part file is a file of its own --------------------------------------------------------------


@pytest.mark.slow  # imports Dask
def test_dask_csv_parts_each_begin_with_one_bom_and_parquet_parts_refuse_it(tmp_path):
    pytest.importorskip("dask.dataframe")
    from complaintmine.scoring import dask as cmd

    source = complaints(tmp_path / "in.csv", rows=60)
    with pytest.raises(cm.InputError, match="--bom works with csv and tsv output, not parquet"):
        cmd.run(str(source), tmp_path / "parquet-out", str(FROZEN), bom=True)  # before any cluster starts
    assert not (tmp_path / "parquet-out").exists()
    ddf = cmd.read_inputs(str(source), "text", blocksize=300, id_column="id")
    assert ddf.npartitions > 1
    counts = cmd.write_outputs(cmd.classify_dask(ddf, str(FROZEN), "text", "id"), tmp_path / "out", "csv", bom=True)
    parts = [(tmp_path / "out" / name).read_bytes() for name in counts["file"]]
    assert all(part.startswith(BOM) and part.count(BOM) == 1 for part in parts)
    assert len(read_table(str(tmp_path / "out"))) == 60


def test_a_bom_is_refused_on_standard_output_written_in_another_encoding():
    """A redirect on Windows writes standard output in the local code page (gbk): U+FEFF has no place there, and
    a mark saying UTF-8 before gbk text would be wrong. Refused in words, not a UnicodeEncodeError."""
    gbk = io.TextIOWrapper(io.BytesIO(), encoding="gbk")
    with pytest.raises(InputError, match="--bom marks UTF-8, but standard output is written as gbk"):
        OutputWriter("-", "csv", "job", stream=gbk, bom=True)
    OutputWriter("-", "csv", "job", stream=gbk)  # without --bom, gbk is written as before
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    OutputWriter("-", "csv", "job", stream=utf8, bom=True)
    table = pd.DataFrame({"text": ["赠品没给"]})
    with pytest.raises(InputError, match="--bom marks UTF-8, but standard output is written as gbk"):
        write_table(table, "-", stream=gbk, bom=True)  # the library's table writer: the same check
    write_table(table, "-", stream=utf8, bom=True)


def test_without_bom_a_job_keeps_the_resume_fingerprint_it_had_before_the_option(tmp_path, model):
    """A job interrupted on a version without --bom resumes on this one: with the option off, the fingerprint is
    that of the same options without the field; with it on, another."""
    from dataclasses import fields, make_dataclass

    from complaintmine.io.readers import open_source
    from complaintmine.scoring.batch import _fingerprint

    source = complaints(tmp_path / "in.csv")
    before = make_dataclass("BeforeBom", [(f.name, f.type, f) for f in fields(JobOptions) if f.name != "bom"])
    old = before(input=str(source), output=str(tmp_path / "o.csv"), model_dir=str(FROZEN), workers=1, id_column="id")
    opened = open_source(str(source), None, None)
    was = _fingerprint(old, opened, model)
    assert _fingerprint(options(source, tmp_path / "o.csv"), opened, model) == was
    assert _fingerprint(options(source, tmp_path / "o.csv", bom=True), opened, model) != was


def test_a_json_lines_extract_job_begun_before_the_fields_became_lists_is_not_resumed(tmp_path, model):
    """JSON Lines output writes the extracted fields as lists (session 21), "a|b" strings before: a job begun
    before must not be resumed into a file of both, so its fingerprint changed; other formats' did not."""
    from complaintmine.io.readers import open_source
    from complaintmine.scoring.batch import _fingerprint

    source = complaints(tmp_path / "in.csv")
    opened = open_source(str(source), None, None)
    as_jsonl = _fingerprint(options(source, tmp_path / "o.jsonl", extract=True), opened, model)
    as_csv = _fingerprint(options(source, tmp_path / "o.csv", extract=True), opened, model)
    assert as_jsonl != as_csv  # the output's name is not in a fingerprint: only the marker tells them apart
    plain = _fingerprint(options(source, tmp_path / "o.jsonl"), opened, model)
    assert plain == _fingerprint(options(source, tmp_path / "o.csv"), opened, model)
