"""The output side of a job (issue #14): checked before scoring, every write failure one line, the input never
overwritten, --resume never mixing two inputs, SIGTERM a clean stop, and CSV/TSV cells that a spreadsheet would
run as formulas written as text."""

from __future__ import annotations

import csv
import errno
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.errors import InputError, JobStopped, OutputError
from complaintmine.io import writers
from complaintmine.mining.jobs import run_extract_job, run_mask_job
from complaintmine.model.artifact import ModelVersionWarning
from complaintmine.scoring import batch
from complaintmine.scoring.batch import JobOptions, run_job
from complaintmine.scoring.frame import PROBABILITY_COLUMNS

from ..conftest import FROZEN, complaints_file, entry_point

MISSING_MODEL = "/nonexistent/model"  # a job that gets past its output checks would fail on this instead


@pytest.fixture(scope="module")
def model(frozen_model: cm.Model) -> cm.Model:
    return frozen_model


def complaints(path: Path, rows: int = 40) -> Path:
    return complaints_file(path, rows)


def options(source: Path | str, output: Path | str, **extra: Any) -> JobOptions:
    return JobOptions(input=str(source), output=str(output), model_dir=str(FROZEN), workers=1, **extra)


# -- the output place is checked before the model loads or any row is scored --------------------------------


def test_a_missing_output_folder_fails_before_any_work(tmp_path):
    source = complaints(tmp_path / "in.csv")
    with pytest.raises(OutputError, match="does not exist"):
        run_job(JobOptions(input=str(source), output=str(tmp_path / "nope" / "out.csv"), model_dir=MISSING_MODEL))


def test_an_output_that_is_a_directory_fails_before_any_work(tmp_path):
    source = complaints(tmp_path / "in.csv")
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        run_job(JobOptions(input=str(source), output=str(tmp_path / "out.csv"), model_dir=MISSING_MODEL))


def test_a_device_or_fifo_as_output_is_refused_not_replaced(tmp_path):
    source = complaints(tmp_path / "in.csv")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        run_job(JobOptions(input=str(source), output=str(fifo), model_dir=MISSING_MODEL, output_format="csv"))
    assert fifo.is_fifo() and not Path(f"{fifo}.partial").exists()
    # without --output-format too: the device is named before its missing suffix is judged
    with pytest.raises(OutputError, match="not a regular file"):
        run_job(JobOptions(input=str(source), output=str(fifo), model_dir=MISSING_MODEL))


def test_a_read_only_folder_fails_before_any_work(tmp_path, monkeypatch):
    source = complaints(tmp_path / "in.csv")
    folder = tmp_path / "locked"
    folder.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == folder else real(path, mode))
    with pytest.raises(OutputError, match="permission denied"):
        run_job(JobOptions(input=str(source), output=str(folder / "out.csv"), model_dir=MISSING_MODEL))


@pytest.mark.parametrize("how", ["same name", "other spelling", "symlink", "hard link"])
@pytest.mark.parametrize("command", ["classify", "extract", "mask"])
def test_the_input_is_never_overwritten(tmp_path, how, command):
    source = complaints(tmp_path / "in.csv")
    before = source.read_bytes()
    target = {
        "same name": source,
        "other spelling": tmp_path / "." / "in.csv",
        "symlink": tmp_path / "link.csv",
        "hard link": tmp_path / "hard.csv",
    }[how]
    if how == "symlink":
        target.symlink_to(source)
    if how == "hard link":
        os.link(source, target)
    with pytest.raises(OutputError, match="is the input file"):
        if command == "classify":
            run_job(JobOptions(input=str(source), output=str(target), model_dir=MISSING_MODEL))
        elif command == "extract":
            run_extract_job(str(source), str(target))
        else:
            run_mask_job(str(source), str(target))
    assert source.read_bytes() == before


@pytest.mark.parametrize("companion", [".partial", ".progress.json"])
@pytest.mark.parametrize("command", ["classify", "extract", "mask"])
def test_an_input_named_like_the_files_a_job_writes_beside_its_output_is_refused(tmp_path, companion, command):
    # classify in.csv.partial -o in.csv once read back its own rows as it wrote them (without end) and then
    # renamed the file away; an input named in.csv.progress.json was deleted when the job ended
    output = tmp_path / "out.csv"
    source = complaints(Path(f"{output}{companion}"))
    before = source.read_bytes()
    with pytest.raises(OutputError, match=f"which is the input file .*{re.escape(companion)}"):
        if command == "classify":
            run_job(JobOptions(input=str(source), output=str(output), input_format="csv", model_dir=MISSING_MODEL))
        elif command == "extract":
            run_extract_job(str(source), str(output), input_format="csv")
        else:
            run_mask_job(str(source), str(output), input_format="csv")
    assert source.read_bytes() == before and not output.exists()


@pytest.mark.parametrize("companion", ["", ".partial", ".progress.json"])
def test_standard_input_redirected_from_the_output_or_its_companions_is_refused(tmp_path, companion):
    # classify - -o out.csv < out.csv.partial read back its own rows without end (215 MB in 15 s)
    output = tmp_path / "out.csv"
    source = complaints(Path(f"{output}{companion}"))
    before = source.read_bytes()
    with open(source, "rb") as stdin:
        result = subprocess.run(
            [*entry_point(), "classify", "-", "--format", "csv", "-o", str(output)],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    assert result.returncode == OutputError.exit_code, result.stderr
    assert "the file on standard input" in result.stderr and result.stderr.count("\n") == 1
    assert source.read_bytes() == before and (companion == "" or not output.exists())


def test_cli_classify_onto_its_input_is_one_line_and_leaves_it_alone(tmp_path):
    source = complaints(tmp_path / "in.csv")
    before = source.read_bytes()
    result = subprocess.run(
        [*entry_point(), "classify", str(source), "-o", str(source)], capture_output=True, text=True, check=False
    )
    assert result.returncode == OutputError.exit_code
    assert result.stderr.count("\n") == 1 and "is the input file" in result.stderr
    assert source.read_bytes() == before


# -- failures while writing ------------------------------------------------------------------------------------


def fail_on_chunk(monkeypatch, number: int, error: OSError) -> None:
    """Make the ``number``-th chunk written (1-based) fail as a full disk would."""
    real = writers.OutputWriter._write
    seen = [0]

    def write(self, frame, input_digest):
        seen[0] += 1
        if seen[0] == number:
            raise error
        return real(self, frame, input_digest)

    monkeypatch.setattr(writers.OutputWriter, "_write", write)


def test_a_full_disk_is_one_error_and_resume_finishes_the_same_file(tmp_path, model, monkeypatch):
    source = complaints(tmp_path / "in.csv", rows=50)
    reference = tmp_path / "reference.csv"
    run_job(options(source, reference, id_column="id", chunk_rows=10), model=model)
    out = tmp_path / "out.csv"
    monkeypatch.setattr(writers, "CHECKPOINT_SECONDS", 0.0)
    fail_on_chunk(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError, match="no space left") as raised:
        run_job(options(source, out, id_column="id", chunk_rows=10), model=model)
    assert str(out) in str(raised.value) and "--resume" in str(raised.value)
    assert not out.exists() and Path(f"{out}.partial").exists()
    monkeypatch.undo()
    run_job(options(source, out, id_column="id", chunk_rows=10, resume=True), model=model)
    assert out.read_bytes() == reference.read_bytes()


def test_a_failed_parquet_output_leaves_no_partial_file(tmp_path, model, monkeypatch):
    source = complaints(tmp_path / "in.csv", rows=30)
    out = tmp_path / "out.parquet"
    fail_on_chunk(monkeypatch, 2, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(OutputError, match="cannot write"):
        run_job(options(source, out, chunk_rows=10), model=model)
    assert not out.exists() and not Path(f"{out}.partial").exists()


def test_a_failure_when_renaming_into_place_is_an_output_error(tmp_path, model, monkeypatch):
    source = complaints(tmp_path / "in.csv", rows=5)
    out = tmp_path / "out.csv"

    def refuse(*args):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writers.os, "replace", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        run_job(options(source, out), model=model)


# -- a link, or a file already there, as the output: written as write_table writes it -------------------------


def linked_output(tmp_path: Path, suffix: str = ".csv") -> tuple[Path, Path]:
    """``out<suffix>``, a link to ``kept/real<suffix>`` (in another folder, which is where the job's companion
    files must go: its rename lands there), and that file, not written yet."""
    (tmp_path / "kept").mkdir()
    link, real = tmp_path / f"out{suffix}", tmp_path / "kept" / f"real{suffix}"
    link.symlink_to(Path("kept") / real.name)
    return link, real


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_linked_output_writes_the_file_it_points_at_and_stays_a_link(tmp_path, model, suffix):
    source = complaints(tmp_path / "in.csv", rows=25)
    reference = tmp_path / f"reference{suffix}"
    run_job(options(source, reference, id_column="id", chunk_rows=10), model=model)
    link, real = linked_output(tmp_path, suffix)
    for _ in ("new", "over an earlier one"):
        run_job(options(source, link, id_column="id", chunk_rows=10), model=model)
        assert link.is_symlink() and os.readlink(link) == str(Path("kept") / real.name)
        assert cm.read_table(str(real)).equals(cm.read_table(str(reference)))
        assert [p.name for p in real.parent.iterdir()] == [real.name]  # no .partial, no .progress.json
        assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "kept", link.name, reference.name]


def test_a_linked_output_of_a_table_job_writes_the_file_it_points_at(tmp_path):
    source = complaints(tmp_path / "in.csv", rows=5)
    link, real = linked_output(tmp_path)
    run_mask_job(str(source), str(link))
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("id,text,error\n0,")


@pytest.mark.parametrize("mode", [0o640, 0o600, 0o664], ids=oct)
def test_an_existing_output_keeps_its_mode(tmp_path, model, mode):
    source = complaints(tmp_path / "in.csv", rows=5)
    out = tmp_path / "plain.csv"
    out.write_text("yesterday's rows\n", encoding="utf-8")
    out.chmod(mode)
    run_job(options(source, out, id_column="id"), model=model)
    assert out.read_text(encoding="utf-8").startswith("id,") and stat.S_IMODE(out.stat().st_mode) == mode
    link, real = linked_output(tmp_path)
    real.write_text("yesterday's rows\n", encoding="utf-8")
    real.chmod(mode)
    run_mask_job(str(source), str(link))
    assert link.is_symlink() and stat.S_IMODE(real.stat().st_mode) == mode


def test_resume_through_a_linked_output_finishes_the_file_it_points_at(tmp_path, model, monkeypatch):
    source = complaints(tmp_path / "in.csv", rows=50)
    reference = tmp_path / "reference.csv"
    run_job(options(source, reference, id_column="id", chunk_rows=10), model=model)
    link, real = linked_output(tmp_path)
    real.write_text("yesterday's rows\n", encoding="utf-8")
    real.chmod(0o640)
    monkeypatch.setattr(writers, "CHECKPOINT_SECONDS", 0.0)
    fail_on_chunk(monkeypatch, 3, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError, match="no space left") as raised:
        run_job(options(source, link, id_column="id", chunk_rows=10), model=model)
    assert str(link) in str(raised.value)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "yesterday's rows\n"
    assert sorted(p.name for p in real.parent.iterdir()) == [
        real.name,
        f"{real.name}.partial",
        f"{real.name}.progress.json",
    ]
    monkeypatch.undo()
    summary = run_job(options(source, link, id_column="id", chunk_rows=10, resume=True), model=model)
    assert summary.resumed_chunks == 2
    assert link.is_symlink() and real.read_bytes() == reference.read_bytes()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640 and [p.name for p in real.parent.iterdir()] == [real.name]


@pytest.mark.parametrize("companion", [".partial", ".progress.json"])
def test_an_input_named_like_the_files_a_job_writes_beside_a_linked_outputs_file_is_refused(tmp_path, companion):
    link, real = linked_output(tmp_path)
    source = complaints(Path(f"{real}{companion}"))
    with pytest.raises(OutputError, match=f"which is the input file .*{re.escape(companion)}"):
        run_job(JobOptions(input=str(source), output=str(link), input_format="csv", model_dir=MISSING_MODEL))
    assert link.is_symlink() and not real.exists()


def test_a_link_into_a_read_only_folder_fails_before_any_work(tmp_path, monkeypatch):
    # the job writes in the folder of the file the link points at, not in the link's own
    link, real = linked_output(tmp_path)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != real.parent and real_access(path, mode))
    with pytest.raises(OutputError, match="permission denied"):
        run_job(JobOptions(input=str(complaints(tmp_path / "in.csv")), output=str(link), model_dir=MISSING_MODEL))


def run_cli(args: list[str], shell_suffix: str = "", **kwargs: Any) -> subprocess.CompletedProcess[str]:
    command = " ".join(f"'{a}'" for a in [*entry_point(), *args]) + shell_suffix
    return subprocess.run(command, shell=True, capture_output=True, text=True, check=False, timeout=120, **kwargs)


def appended_run(log: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    """The installed command with its standard output appended to ``log`` (as ``>> log`` does)."""
    with open(log, "a", encoding="utf-8") as appended:
        return subprocess.run(
            [*entry_point(), *args], stdout=appended, stderr=subprocess.PIPE, text=True, check=False, timeout=120
        )


SCORED = [(1, "尾款涨了五十", "price_hike", 0.5), (2, "发货太慢了", "other", 0.4), (3, "好评", "other", 0.1)]


def with_an_earlier_line(path: Path) -> Path:
    path.write_text("an earlier line\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not Path("/proc/self/fd/1").exists(), reason="needs /dev/stdout, /dev/fd/1, /proc/self/fd/1")
@pytest.mark.parametrize(
    ("command", "name", "first"),
    [
        (["classify", "{in}", "--id-column", "id", "--model", "{model}", "-o"], "/dev/stdout", "id,labels,presale,"),
        (["classify", "{in}", "--output-format", "csv", "--model", "{model}", "-o"], "/dev/stdout", "row,labels,"),
        (["extract", "{in}", "-o"], "/dev/stdout", "row,difference,money,"),
        (["extract", "{in}", "-o"], "/dev/fd/1", "row,difference,money,"),
        (["extract", "{in}", "-o"], "/proc/self/fd/1", "row,difference,money,"),
        (["mask", "{in}", "-o"], "/dev/stdout", "id,text,error"),
        (["suggest", "{scored}", "-n", "3", "-o"], "/dev/stdout", "id,text,model_labels,"),
        (
            ["compare", "{model}", "{model}", "{labelled}", "--n-boot", "5", "--disagreements"],
            "/dev/stdout",
            "row,text,labels,labels_a,",
        ),
        (["report", "{scored}", "-o"], "/dev/stdout", "<!DOCTYPE html>"),
    ],
)
def test_standard_output_by_its_device_name_is_standard_output_as_dash_is(tmp_path, command, name, first):
    # -o /dev/stdout with standard output appended to a file once wrote a temporary file beside that file and
    # renamed it onto it: `>> log` lost what log held. Now it is "-": written to the stream, appended to the log.
    source = complaints(tmp_path / "in.csv", rows=12)
    scored, labelled = tmp_path / "scored.csv", tmp_path / "labelled.csv"
    probabilities = ",".join(PROBABILITY_COLUMNS)
    rows = [f"{n},{text},{label},0,{p},0.1,0.1,0.1,0.1," for n, text, label, p in SCORED]
    scored.write_text(f"id,text,labels,presale,{probabilities},error\n" + "\n".join(rows) + "\n", encoding="utf-8")
    labelled.write_text("text,labels\n尾款涨了五十,price_hike\n发货太慢了,late_shipping\n好评,other\n", "utf-8")
    names = {"in": source, "scored": scored, "labelled": labelled, "model": FROZEN}
    log = with_an_earlier_line(tmp_path / "log.txt")
    before = sorted(tmp_path.iterdir())
    result = appended_run(log, [*(arg.format(**names) for arg in command), name])  # the output option's value
    assert result.returncode == 0, result.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "an earlier line" and any(line.startswith(first) for line in lines[1:]), lines[:3]
    assert sorted(tmp_path.iterdir()) == before  # no file beside the log, no file named like the device
    assert name not in result.stderr and " to -" not in result.stderr  # summaries say "standard output", if anything


def test_the_library_writes_standard_output_by_its_device_name_to_the_stream(tmp_path, model, monkeypatch):
    import io

    frame = pd.DataFrame({"id": ["1"], "text": ["赠品没给"]})
    source = complaints(tmp_path / "in.csv", rows=3)
    buffer = io.StringIO()
    cm.write_table(frame, "/dev/stdout", stream=buffer)  # CSV, as for "-"
    run_job(options(source, "/dev/fd/1", id_column="id"), model=model, stream=buffer)
    monkeypatch.setattr(sys, "stdout", buffer)
    run_extract_job(str(source), "/dev/stdout")
    from complaintmine.retrain.sheets import write_sheet

    assert str(write_sheet(frame, "/dev/stdout")) == "-"
    written = buffer.getvalue()
    assert written.startswith("id,text\n1,赠品没给\nid,labels,presale,") and "row,difference,money," in written
    assert written.count("id,text\n1,赠品没给\n") == 2
    from complaintmine.scoring.dask.outputs import check_output_dir  # no Dask needed to import it

    with pytest.raises(InputError, match=r"^standard output: the Dask engine writes a directory"):
        check_output_dir("/dev/stdout", "parquet")


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
@pytest.mark.parametrize("command", ["classify", "extract", "mask"])
def test_standard_output_appended_to_the_input_is_refused_before_any_work(tmp_path, command, name):
    # `classify in.csv -o /dev/stdout >> in.csv` read back what it wrote: in 20 seconds the input grew to half a
    # million lines (review, session 21). As a file name, /dev/stdout had been refused as "the input file".
    source = complaints(tmp_path / "in.csv", rows=12)
    before = source.read_bytes()
    args = [command, str(source), *(["--model", str(FROZEN)] if command == "classify" else []), "-o", name]
    result = appended_run(source, args)
    assert result.returncode == 6, result.stderr
    assert f"standard output: is redirected to the input file {source}" in result.stderr
    assert source.read_bytes() == before
    with open(source, "rb") as same, open(source, "ab") as appended:  # `- < in.csv >> in.csv`: one file
        piped = subprocess.run(
            [*entry_point(), "classify", "-", "--model", str(FROZEN), "-o", name],
            stdin=same, stdout=appended, stderr=subprocess.PIPE, text=True, check=False, timeout=120,
        )  # fmt: skip
    assert piped.returncode == 6 and "redirected to the file on standard input" in piped.stderr
    assert source.read_bytes() == before


def test_parquet_to_standard_output_is_refused_and_dot_slash_dash_is_a_file(tmp_path):
    # `-o /dev/stdout --output-format parquet` exited 0 with nothing written and left `-.partial` behind; the
    # library's write_table(frame, "/dev/stdout", fmt="parquet") wrote a file named "-" (review, session 21).
    from complaintmine.io.output_place import output_name

    frame = pd.DataFrame({"id": ["1"], "text": ["赠品没给"]})
    for name in ("-", "/dev/stdout"):
        with pytest.raises(OutputError, match=r"^standard output: Parquet is written to a file"):
            cm.write_table(frame, name, fmt="parquet")
    source = complaints(tmp_path / "in.csv", rows=3)
    result = run_cli(["classify", str(source), "--model", str(FROZEN), "--output-format", "parquet", "-o", "-"],
                     cwd=tmp_path)  # fmt: skip
    assert result.returncode == 6 and "Parquet is written to a file" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no "-", no "-.partial"
    assert output_name("./-") == "./-" and output_name("/dev/stdout") == "-"  # only the exact names


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_dev_stdout_on_a_pipe_is_written_as_dash_writes_it(tmp_path):
    # once refused as "not a regular file": the link resolves to /proc/.../pipe:[n], and writing through it
    # meant a temporary file and a rename. As "-", it is the pipe that `| gzip` or `| head` reads.
    source = complaints(tmp_path / "in.csv")
    dash = run_cli(["classify", str(source), "--model", str(FROZEN), "-q", "-o", "-"])  # captured: a pipe
    named = run_cli(["classify", str(source), "--model", str(FROZEN), "-q", "-o", "/dev/stdout"])
    assert named.returncode == 0, named.stderr
    assert named.stdout == dash.stdout and dash.stdout.startswith("row,labels,presale,")


@pytest.mark.parametrize(
    ("flags", "told"),
    [
        (["--resume"], "standard output: --resume continues a file; name one with -o"),
        (["--output-format", "xls"], "standard output: unknown output format 'xls'; use one of csv, tsv, jsonl"),
        (["--bom", "--output-format", "jsonl"], "standard output: --bom works with csv and tsv output, not jsonl"),
    ],
)
def test_errors_about_standard_output_call_it_so(tmp_path, flags, told):
    # "-" is what the command line says, but "-: --resume needs ..." reads like a stray dash (or standard input)
    result = run_cli(["classify", str(complaints(tmp_path / "in.csv")), "--model", str(FROZEN), *flags])
    assert result.returncode == InputError.exit_code
    assert result.stderr.startswith(f"complaintmine: error: {told}") and result.stderr.count("\n") == 1


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_device_is_one_line(tmp_path):
    source = complaints(tmp_path / "in.csv")
    result = run_cli(["classify", str(source), "--model", str(FROZEN), "-q"], " > /dev/full")
    assert result.returncode == OutputError.exit_code, result.stderr
    assert result.stderr.count("\n") == 1 and "no space left" in result.stderr


def test_closed_standard_output_and_input_are_one_line_each(tmp_path):
    source = complaints(tmp_path / "in.csv")
    closed_out = run_cli(["classify", str(source), "--model", str(FROZEN), "-q"], " >&-")
    assert closed_out.returncode == OutputError.exit_code and "standard output is closed" in closed_out.stderr
    closed_in = run_cli(["classify", "-", "--model", str(FROZEN), "-q"], " <&-")
    assert closed_in.returncode == InputError.exit_code and "standard input is closed" in closed_in.stderr
    for result in (closed_out, closed_in):
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# -- --resume on standard input --------------------------------------------------------------------------------


class Stdin:
    def __init__(self, data: bytes):
        import io

        self.buffer = io.BytesIO(data)


def interrupt_after(monkeypatch, chunks: int) -> None:
    real = batch.score_chunk
    seen = [0]

    def score(*args):
        seen[0] += 1
        if seen[0] > chunks:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(batch, "score_chunk", score)


def test_resume_from_standard_input_refuses_another_stream(tmp_path, model, monkeypatch):
    first = complaints(tmp_path / "a.csv", rows=60).read_bytes()
    other = first.replace("尾款".encode(), "定金".encode())
    out = tmp_path / "out.csv"
    monkeypatch.setattr(writers, "CHECKPOINT_SECONDS", 0.0)
    monkeypatch.setattr(sys, "stdin", Stdin(first))
    with monkeypatch.context() as patch:
        interrupt_after(patch, 3)
        with pytest.raises(KeyboardInterrupt):
            run_job(options("-", out, id_column="id", chunk_rows=10), model=model)
    partial = Path(f"{out}.partial").read_bytes()
    for stream in (other, first[: len(first) // 4]):  # another input, and a shorter one
        monkeypatch.setattr(sys, "stdin", Stdin(stream))
        with pytest.raises(InputError, match="not the one the interrupted job read"):
            run_job(options("-", out, id_column="id", chunk_rows=10, resume=True), model=model)
        assert Path(f"{out}.partial").read_bytes() == partial  # nothing written
    monkeypatch.setattr(sys, "stdin", Stdin(first))
    summary = run_job(options("-", out, id_column="id", chunk_rows=10, resume=True), model=model)
    assert summary.resumed_chunks == 3
    reference = tmp_path / "reference.csv"
    monkeypatch.setattr(sys, "stdin", Stdin(first))
    run_job(options("-", reference, id_column="id", chunk_rows=10), model=model)
    assert out.read_bytes() == reference.read_bytes()


def test_the_input_chain_tells_cells_apart_and_an_older_versions_chain_resumes_a_file_only():
    from complaintmine.io.rows import Rows
    from complaintmine.scoring.resume_check import VERSION, InputTrail, chunk_digest

    digests = {
        chunk_digest("", Rows({"id": cells, "text": ["a", "b"]}))
        for cells in (["1", "2"], [1, 2], [None, "2"], ["", "2"])
    }
    assert len(digests) == 4 and all(d.startswith(VERSION) for d in digests)
    chunk = Rows({"id": ["1"], "text": ["尾款涨了"]})
    older = "a" * 64  # a chain recorded before chunks stopped being pandas frames
    assert [c for c, _ in InputTrail("in.csv", 1, older).follow(iter([(chunk, 0), (chunk, 1)]))] == [chunk]
    with pytest.raises(InputError, match="not the one the interrupted job read"):
        list(InputTrail("-", 1, older).follow(iter([(chunk, 0), (chunk, 1)])))
    with pytest.raises(InputError, match="first rows differ"):
        list(InputTrail("in.csv", 1, VERSION + "0" * 64).follow(iter([(chunk, 0)])))


# -- SIGTERM -----------------------------------------------------------------------------------------------------


def start_job(tmp_path: Path) -> tuple[subprocess.Popen[str], list[str], Path]:
    """A 400,000-row classify job with two workers, in its own process group, once its first progress record is
    written (large enough to be still running then: 120,000 rows often finished first on a quiet machine, and
    the tests skipped themselves); skips the test if it finished first."""
    source = complaints(tmp_path / "in.csv", rows=400_000)
    out = tmp_path / "out.csv"
    base = [*entry_point(), "classify", str(source), "--id-column", "id", "--model", str(FROZEN), "--chunk-rows", "200"]
    process = subprocess.Popen(
        [*base, "-o", str(out), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a scheduler's job has
    )
    progress = Path(f"{out}.progress.json")
    deadline = time.monotonic() + 60
    while not progress.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    if process.poll() is not None:
        process.communicate()  # close its pipes
        pytest.skip("the job finished before it could be stopped")
    return process, base, out


def finished_like_a_fresh_run(tmp_path: Path, base: list[str], out: Path) -> None:
    fresh = tmp_path / "fresh.csv"
    subprocess.run([*base, "-o", str(fresh), "-j", "1", "-q"], check=True)
    assert out.read_bytes() == fresh.read_bytes()


def resumed_like_a_fresh_run(tmp_path: Path, base: list[str], out: Path) -> None:
    resumed = subprocess.run([*base, "-o", str(out), "-j", "2", "--resume", "-q"], capture_output=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    finished_like_a_fresh_run(tmp_path, base, out)


def ended_within(process: subprocess.Popen[str], seconds: float, after: str) -> str:
    """The job's standard error once it ends; the test fails (and the job is killed) if it runs ``seconds`` more."""
    try:
        return process.communicate(timeout=seconds)[1]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"the job was still running {seconds} s after {after}")


def workers_of(pid: int) -> list[int]:
    """The worker processes of a job: its children that run the same command (not multiprocessing's helpers)."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent == pid and (entry / "cmdline").read_bytes() == command:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):  # gone meanwhile
                continue
    return found


@pytest.mark.slow  # a 400,000-row job in subprocesses, three times
@pytest.mark.parametrize("to", ["the job", "its process group", "its process group twice"])
def test_sigterm_with_two_workers_stops_cleanly_and_resume_completes(tmp_path, to):
    # "its process group": what timeout, systemd and kill -TERM -PGID do. Workers used to die at once then, and
    # the job could wait for ever for a chunk a dead worker held, or for the task queue's lock one died holding;
    # a second signal while the job was stopping could leave it waiting for its workers for ever
    process, base, out = start_job(tmp_path)
    if to == "the job":
        process.send_signal(signal.SIGTERM)
    else:
        os.killpg(process.pid, signal.SIGTERM)
        if to.endswith("twice"):
            time.sleep(0.02)
            os.killpg(process.pid, signal.SIGTERM)
    stderr = ended_within(process, 60, "SIGTERM")
    # a second SIGTERM may find the job's handler already gone: then it ends the process, as SIGTERM does
    assert process.returncode in ((JobStopped.exit_code, -signal.SIGTERM) if to.endswith("twice") else (143,)), stderr
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr
    assert stderr.strip().splitlines() == [
        "complaintmine: error: stopped by SIGTERM; what was written is kept: run it again with --resume"
    ]
    assert not out.exists()
    resumed_like_a_fresh_run(tmp_path, base, out)


@pytest.mark.slow  # a 400,000-row job in subprocesses, twice
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_a_worker_killed_outright_stops_the_job_with_an_error_and_resume_completes(tmp_path):
    # as the out-of-memory killer does: the job used to wait for the lost chunk for ever, Ctrl-C included
    process, base, out = start_job(tmp_path)
    os.kill(workers_of(process.pid)[0], signal.SIGKILL)
    stderr = ended_within(process, 60, "one of its workers was killed")
    assert process.returncode == 1 and "ended (exit code -9) before it answered" in stderr, stderr
    assert "run the job again with --resume" in stderr and "Traceback" not in stderr
    resumed_like_a_fresh_run(tmp_path, base, out)


@pytest.mark.slow  # a 400,000-row job in subprocesses, twice
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_a_sigterm_sent_to_a_worker_alone_loses_nothing(tmp_path):
    # stopping is the main process's business: a SIGTERM to a worker alone must not end it (its chunk would be lost)
    process, base, out = start_job(tmp_path)
    workers = workers_of(process.pid)
    assert len(workers) == 2
    for worker in workers:
        os.kill(worker, signal.SIGTERM)
    stderr = ended_within(process, 120, "its workers were sent SIGTERM")
    assert process.returncode == 0, stderr
    finished_like_a_fresh_run(tmp_path, base, out)


def test_the_sigterm_handler_is_the_callers_again_after_a_job(tmp_path, model):
    before = signal.getsignal(signal.SIGTERM)
    run_job(options(complaints(tmp_path / "in.csv", rows=3), tmp_path / "out.csv"), model=model)
    assert signal.getsignal(signal.SIGTERM) is before


# -- global state ------------------------------------------------------------------------------------------------


def test_importing_and_reading_leave_the_csv_field_size_limit_alone(tmp_path):
    source = tmp_path / "long.csv"
    source.write_text("id,text\n1," + "尾款涨价" * 100_000 + "\n", encoding="utf-8")  # a 400,000-character cell
    code = (
        "import csv; before = csv.field_size_limit()\n"
        "import complaintmine.io.readers as r, complaintmine.io.tables as t\n"
        "assert csv.field_size_limit() == before, 'changed at import'\n"
        f"frame = t.read_table({str(source)!r})\n"
        "assert len(frame.loc[0, 'text']) == 400_000\n"
        "assert csv.field_size_limit() == before, 'changed by reading'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- formulas ----------------------------------------------------------------------------------------------------

FORMULAS = (
    "id,=cmd,text\n"
    '=1+1,a,"=HYPERLINK(""http://example.com"",""点我"")"\n'
    "-5,b,+尾款涨价\n"
    "@SUM(A1),c,-2+3+cmd|' /C calc'!A0\n"
    "7,d,普通投诉\n"
)


def cells(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_csv_and_tsv_cells_that_would_run_as_formulas_are_written_as_text(tmp_path, model, suffix):
    source = tmp_path / "in.csv"
    source.write_text(FORMULAS, encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    run_job(options(source, out, id_column="id", keep_columns=("*",)), model=model)
    rows = cells(out, "\t" if suffix == ".tsv" else ",")
    header = rows[0]
    assert "'=cmd" in header and "=cmd" not in header  # a column name is a cell too
    assert [row[0] for row in rows[1:]] == ["'=1+1", "-5", "'@SUM(A1)", "7"]  # -5 is a number, not a formula
    assert [row[header.index("text")] for row in rows[1:]] == [
        '\'=HYPERLINK("http://example.com","点我")',
        "'+尾款涨价",
        "'-2+3+cmd|' /C calc'!A0",
        "普通投诉",
    ]
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_raw_formulas_and_jsonl_and_parquet_keep_cells_as_they_are(tmp_path, model):
    source = tmp_path / "in.csv"
    source.write_text(FORMULAS, encoding="utf-8")
    raw = tmp_path / "raw.csv"
    run_job(options(source, raw, id_column="id", keep_columns=("text",), raw_formulas=True), model=model)
    assert [row[0] for row in cells(raw)[1:]] == ["=1+1", "-5", "@SUM(A1)", "7"]
    as_json = tmp_path / "out.jsonl"
    run_job(options(source, as_json, id_column="id", keep_columns=("text",)), model=model)
    first = json.loads(as_json.read_text(encoding="utf-8").splitlines()[0])
    assert first["id"] == "=1+1" and first["text"].startswith("=HYPERLINK")
    as_parquet = tmp_path / "out.parquet"
    run_job(options(source, as_parquet, id_column="id"), model=model)
    assert pd.read_parquet(as_parquet)["id"].tolist()[0] == "=1+1"


def test_extract_and_mask_neutralise_too_and_the_cli_has_the_option(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(FORMULAS, encoding="utf-8")
    run_mask_job(str(source), str(tmp_path / "masked.csv"))
    assert cells(tmp_path / "masked.csv")[1][0] == "'=1+1"
    run_extract_job(str(source), str(tmp_path / "fields.csv"), id_column="id")
    assert cells(tmp_path / "fields.csv")[1][0] == "'=1+1"
    result = run_cli(["mask", str(source), "--raw-formulas", "-q"])
    assert result.returncode == 0 and result.stdout.splitlines()[1].startswith("=1+1")


# -- Dask: ids stay exact too -------------------------------------------------------------------------------------


@pytest.mark.slow  # imports Dask
def test_dask_keeps_integer_ids_exact_when_a_parquet_id_is_null(tmp_path):
    pytest.importorskip("dask.dataframe")
    from complaintmine.scoring import dask as cmd

    big = 1234567890123456789
    pd.DataFrame({"id": pd.array([big, None, 1], dtype="Int64"), "text": ["尾款涨价", "赠品", "发货"]}).to_parquet(
        tmp_path / "in.parquet", index=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelVersionWarning)
        scored = cmd.classify_dask(
            cmd.read_inputs(str(tmp_path / "in.parquet"), id_column="id"), str(FROZEN), id_column="id"
        )
        counts = cmd.write_outputs(scored, tmp_path / "out", "csv")
    rows = cells(tmp_path / "out" / counts["file"].iloc[0])
    assert [row[0] for row in rows[1:]] == [str(big), "", "1"]


def test_dask_output_under_a_read_only_folder_fails_before_any_cluster_starts(tmp_path, monkeypatch):
    pytest.importorskip("dask.dataframe")
    from complaintmine.scoring.dask.outputs import check_output_dir

    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == locked else real(path, mode))
    with pytest.raises(OutputError, match="not a writable folder"):
        check_output_dir(locked / "scored" / "parts", "parquet")
    assert check_output_dir(tmp_path / "new" / "parts", "csv") == tmp_path / "new" / "parts"


def test_the_summary_names_the_encoding_of_standard_input_too(tmp_path, model, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Stdin("id,text\n1,尾款涨价\n".encode("gbk")))
    summary = run_job(options("-", tmp_path / "out.csv", id_column="id"), model=model)
    assert summary.encoding == "gb18030"


@pytest.mark.parametrize("name", ["-", "/dev/stdout"])
def test_json_to_standard_output_is_appended_after_the_table(tmp_path, name):
    # evaluate --json /dev/stdout >> log opened the name for writing and truncated the log; --json - made a file "-"
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("text,labels\n尾款涨了五十,price_hike\n发货太慢了,late_shipping\n好评,other\n", "utf-8")
    log = with_an_earlier_line(tmp_path / "log.txt")
    result = appended_run(log, ["evaluate", str(FROZEN), str(labelled), "--json", name])
    assert result.returncode == 0, result.stderr
    written = log.read_text(encoding="utf-8")
    assert written.startswith("an earlier line\n") and "micro" in written
    metrics = json.loads(written[written.index("\n{") + 1 :])  # the JSON follows the printed table
    assert "micro_f1" in metrics or "micro" in json.dumps(metrics)
    assert "metrics written to standard output" in result.stderr and not (tmp_path / "-").exists()


@pytest.mark.parametrize("through", ["name", "redirect"])
@pytest.mark.parametrize("command", ["report", "suggest", "compare"])
def test_report_suggest_and_compare_never_write_over_the_file_they_read(tmp_path, command, through):
    # report s.csv -o s.csv replaced the scored file with HTML, suggest s.csv -o s.csv cut it to a sheet, and
    # compare ... --disagreements lab.csv cut the labelled file to a header, all with exit 0 (review, session 21)
    scored, labelled = tmp_path / "scored.csv", tmp_path / "labelled.csv"
    probabilities = ",".join(PROBABILITY_COLUMNS)
    rows = [f"{n},{text},{label},0,{p},0.1,0.1,0.1,0.1," for n, text, label, p in SCORED]
    scored.write_text(f"id,text,labels,presale,{probabilities},error\n" + "\n".join(rows) + "\n", encoding="utf-8")
    labelled.write_text("text,labels\n尾款涨了五十,price_hike\n发货太慢了,late_shipping\n好评,other\n", "utf-8")
    read = labelled if command == "compare" else scored
    before = read.read_bytes()
    args = {
        "report": ["report", str(scored), "-o"],
        "suggest": ["suggest", str(scored), "-n", "2", "-o"],
        "compare": ["compare", str(FROZEN), str(FROZEN), str(labelled), "--n-boot", "5", "--disagreements"],
    }[command]
    if through == "name":
        result = run_cli([*args, str(read)])
        assert result.returncode == 6 and f"{read}: is the input file {read}" in result.stderr, result.stderr
        assert result.stderr.rstrip().endswith(f"Pass another {args[-1]}")  # -o, or compare's --disagreements
    else:
        result = appended_run(read, [*args, "-"])
        assert result.returncode == 6 and f"is redirected to the input file {read}" in result.stderr, result.stderr
    assert read.read_bytes() == before


def test_an_unnormalised_absolute_name_of_standard_output_is_standard_output(tmp_path):
    # /dev//stdout >> log replaced the log again once the names were compared exactly (review, session 21)
    from complaintmine.io.output_place import output_name

    assert output_name("/dev//stdout") == output_name("/proc/self/./fd/1") == "-" and output_name("./-") == "./-"
    log = with_an_earlier_line(tmp_path / "log.txt")
    result = appended_run(log, ["extract", str(complaints(tmp_path / "in.csv", rows=3)), "-o", "/dev//stdout"])
    assert result.returncode == 0, result.stderr
    assert log.read_text(encoding="utf-8").startswith("an earlier line\nrow,difference,")
