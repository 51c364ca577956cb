"""Scale-out scoring on Dask: the same rows as `complaintmine classify --workers 1`, global ids, one model load
per worker process, no lost or doubled rows when a worker dies mid-job, and CSV split only between records."""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")

import dask
import dask.dataframe as dd
from distributed import Client, LocalCluster

import complaintmine as cm
from complaintmine.cli import app
from complaintmine.io.readers import chunks_frame, iter_chunks, open_source
from complaintmine.io.tables import read_table, write_table
from complaintmine.io.writers import scored_by
from complaintmine.scoring import dask as cmd
from complaintmine.scoring.batch import JobOptions, run_job
from complaintmine.scoring.frame import PROBABILITY_COLUMNS

from ..conftest import ROOT, entry_point

N_ROWS = 3000
BLOCKSIZE = "48KiB"  # about ten partitions of the ~0.5 MB test file
# Our own awkward records, as raw bytes: a stray quote in an unquoted field, a quoted text with line breaks,
# doubled quotes and a comma, a ragged row, undecodable bytes, a blank line (not a row), an empty and a blank
# text, and a carriage return inside quotes. Seven rows; four of them cannot be scored.
AWKWARD = [
    b'A1,5" screen cracked',
    b'A2,"\xe7\xac\xac\xe4\xb8\x80\xe8\xa1\x8c\nline two ""quoted"", with comma"',
    b"A3,too,many,fields",
    b"A4,\xff\xfe bad bytes",
    b"",
    b"A5,",
    b'A6,"   "',
    b'A7,"\xe5\xb0\xbe\xe6\xac\xbe\r\n\xe6\xb6\xa8\xe4\xba\x86"',
]
AWKWARD_ROWS = 7
AWKWARD_FAILED = 4


def _record(*cells: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue().encode("utf-8")


def _start_cluster() -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")


# Each test starts or uses a Dask cluster (seconds each): the whole module is in the slow set.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_path(tiny_model: Path) -> str:
    return str(tiny_model)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("distributed")


@pytest.fixture(scope="module")
def complaints(workdir: Path) -> Path:
    """3,000 rows: the team-written texts repeated, with the awkward records near the start and the end."""
    texts = read_table(str(ROOT / "corpora" / "team_written.csv"))["text"].tolist()
    clean = N_ROWS - 2 * AWKWARD_ROWS
    rows = [_record(f"T{i:05d}", texts[i % len(texts)]) for i in range(clean)]
    awkward = [line + b"\n" for line in AWKWARD]
    records = [_record("ticket", "text"), *rows[:250], *awkward, *rows[250:2900], *awkward, *rows[2900:]]
    path = workdir / "complaints.csv"
    path.write_bytes(b"".join(records))
    (workdir / "head.csv").write_bytes(b"".join(records[:201]))  # the header and 200 clean rows
    return path


@pytest.fixture(scope="module")
def expected(model_path: str, complaints: Path, workdir: Path) -> pd.DataFrame:
    """What `complaintmine classify --workers 1` writes (ids are row numbers); the command runs in-process."""
    out = workdir / "single.parquet"
    arguments = ["classify", str(complaints), "-o", str(out), "--workers", "1", "--model", model_path, "--quiet"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return pd.read_parquet(out)


@pytest.fixture(scope="module")
def cluster():
    with _start_cluster() as local:
        yield local


@pytest.fixture(scope="module")
def client(cluster: LocalCluster):
    with Client(cluster, set_as_default=False) as connected:
        yield connected


def _read_parts(directory: Path, files: tuple[str, ...]) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(directory / name) for name in files], ignore_index=True)


def assert_same_rows(got: pd.DataFrame, want: pd.DataFrame, id_column: str = "row") -> None:
    """Ids, labels, presale and errors equal; probabilities within 1e-9 (missing in the same rows)."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    assert got[id_column].astype(object).tolist() == want[id_column].astype(object).tolist()
    for column in ("labels", "error"):
        assert got[column].astype(object).tolist() == want[column].astype(object).tolist(), column
    assert got["presale"].astype("Int64").tolist() == want["presale"].astype("Int64").tolist()
    for column in PROBABILITY_COLUMNS:
        np.testing.assert_allclose(
            got[column].to_numpy(dtype=float), want[column].to_numpy(dtype=float), rtol=0, atol=1e-9
        )


def test_run_on_an_existing_cluster_equals_the_single_machine_command_row_for_row(
    cluster, model_path, complaints, expected, tmp_path
):
    out = tmp_path / "scored"
    summary = cmd.run(str(complaints), out, model_path, scheduler=cluster.scheduler_address, blocksize=BLOCKSIZE)
    assert summary.partitions >= 5
    assert (summary.rows, summary.failed) == (N_ROWS, 2 * AWKWARD_FAILED)
    assert not summary.started_cluster and summary.scheduler_address == cluster.scheduler_address
    assert sorted(p.name for p in out.iterdir()) == list(summary.files)  # no temporary files left
    got = _read_parts(out, summary.files)
    assert_same_rows(got, expected)
    assert got.dtypes.to_dict() == expected.dtypes.to_dict()
    # Error messages carry the file's line numbers, also for rows read by a late partition.
    data = complaints.read_bytes()
    lines = [data[: match.start()].count(b"\n") + 1 for match in re.finditer(rb"\nA4,", data)]
    assert [e.split(":")[0] for e in got["error"] if "not valid text" in e] == [f"line {n + 1}" for n in lines]


def test_csv_parts_with_an_id_column_are_the_single_machine_csv_byte_for_byte(
    cluster, model_path, complaints, tmp_path
):
    out = tmp_path / "scored"
    summary = cmd.run(
        str(complaints), out, model_path, cluster.scheduler_address, id_column="ticket", fmt="csv", blocksize=BLOCKSIZE
    )
    assert summary.partitions >= 5 and all(name.endswith(".csv") for name in summary.files)
    single = tmp_path / "single.csv"
    run_job(JobOptions(input=str(complaints), output=str(single), model_dir=model_path, id_column="ticket"))
    parts = [(out / name).read_text(encoding="utf-8") for name in summary.files]
    header = parts[0].split("\n", 1)[0]
    assert all(part.startswith(header + "\n") for part in parts)  # every part file reads on its own
    joined = parts[0] + "".join(part.split("\n", 1)[1] for part in parts[1:])
    assert joined == single.read_text(encoding="utf-8")


def test_ids_are_global_row_numbers_across_uneven_and_empty_partitions(client, model_path):
    texts = ["预售尾款涨价", "没发货", "", "赠品没给"] * 50
    frame = pd.DataFrame({"text": texts}, index=pd.RangeIndex(1000, 1000 + len(texts)))
    bounds = [0, 7, 7, 90, 91, 200]  # includes an empty partition and a one-row partition
    slices = [frame.iloc[a:b] for a, b in itertools.pairwise(bounds)]
    ddf = dd.from_map(lambda part: part, slices, meta=frame.iloc[:0])
    with client.as_current():
        scored = cmd.classify_dask(ddf, model_path)
        parts = [scored.partitions[i].compute() for i in range(scored.npartitions)]
    assert [len(p) for p in parts] == [7, 0, 83, 1, 109]
    assert [int(p["row"].iloc[0]) for p in parts if len(p)] == [0, 7, 90, 91]
    whole = pd.concat(parts)
    assert whole["row"].tolist() == list(range(len(texts)))
    assert whole.index.tolist() == frame.index.tolist()  # rows keep their input index, so divisions stay true
    local = cm.classify_frame(cm.load_model(model_path), frame.reset_index(drop=True))
    assert_same_rows(whole.reset_index(drop=True), local)


def test_the_model_is_loaded_once_per_worker_process_not_per_partition(client, model_path, complaints):
    client.run(cmd.clear_model_cache)
    cmd.clear_model_cache()
    ddf = cmd.read_inputs(str(complaints), blocksize="16KiB")
    with client.as_current():
        scored = cmd.classify_dask(ddf, model_path).compute()
    assert len(scored) == N_ROWS
    loads = client.run(cmd.model_cache_info)
    assert len(loads) == 2 and ddf.npartitions >= 10 * len(loads)
    per_worker = [info.get(model_path, 0) for info in loads.values()]
    assert all(n <= 1 for n in per_worker) and sum(per_worker) >= 1, loads
    assert cmd.model_cache_info().get(model_path, 0) == 0  # the client never loaded it: tasks carry only the path


def _exit_once(frame: pd.DataFrame, marker: str, doomed: int, partition_info=None) -> pd.DataFrame:
    """Kill this worker process the first time partition ``doomed`` passes through (after scoring, before
    writing); the marker file makes the retry, on whichever worker, go through."""
    if partition_info and partition_info["number"] == doomed:
        try:
            handle = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return frame
        os.close(handle)
        os._exit(1)
    return frame


def test_a_worker_killed_mid_job_loses_no_rows_and_doubles_none(client, model_path, complaints, expected, tmp_path):
    marker = tmp_path / "killed-once"
    out = tmp_path / "scored"
    before = set(client.run(os.getpid).values())
    ddf = cmd.read_inputs(str(complaints), blocksize=BLOCKSIZE)
    with client.as_current():
        scored = cmd.classify_dask(ddf, model_path)
        doomed = scored.map_partitions(_exit_once, str(marker), 2, meta=cmd.output_meta(None))
        counts = cmd.write_outputs(doomed, out, "parquet")
    assert marker.exists()  # a worker really died holding partition 2 ...
    client.wait_for_workers(2, timeout=30)
    assert len(before & set(client.run(os.getpid).values())) == 1  # ... and its nanny replaced it
    assert counts["partition"].tolist() == list(range(ddf.npartitions))
    assert int(counts["rows"].sum()) == N_ROWS
    result = _read_parts(out, tuple(counts["file"]))
    assert result["row"].is_unique
    assert_same_rows(result, expected)
    assert sorted(p.name for p in out.iterdir()) == counts["file"].tolist()


def test_run_without_a_scheduler_starts_a_local_cluster_and_announces_its_dashboard(
    model_path, complaints, expected, tmp_path
):
    links: list[str] = []
    head = str(complaints.with_name("head.csv"))
    summary = cmd.run(
        head, tmp_path / "out", model_path, n_workers=1, dashboard_address=":0", on_dashboard=links.append
    )
    assert summary.started_cluster and summary.dashboard_link is not None
    assert links == [summary.dashboard_link] and summary.dashboard_link.startswith("http://")
    assert (summary.rows, summary.partitions, summary.model_name) == (200, 1, cm.load_model(model_path).name)
    recorded = scored_by(str(tmp_path / "out" / summary.files[0]))  # Parquet parts name the model, as classify does
    assert (recorded["model"], recorded["model_version"]) == (summary.model_name, summary.model_version)
    assert_same_rows(_read_parts(tmp_path / "out", summary.files), expected.iloc[:200])


def test_run_on_an_existing_cluster_sizes_blocks_for_its_workers(cluster, model_path, complaints, tmp_path):
    head = str(complaints.with_name("head.csv"))  # ~35 KB: one block of the 1 MiB minimum
    summary = cmd.run(head, tmp_path / "out", model_path, scheduler=cluster.scheduler_address)
    assert (summary.rows, summary.partitions) == (200, 1)


def test_workers_running_another_complaintmine_version_are_refused(
    cluster, model_path, complaints, monkeypatch, tmp_path
):
    monkeypatch.setattr(cm, "__version__", "0.0.0-client")  # the workers still report the installed version
    with pytest.raises(cmd.DistributedError, match=r"workers run complaintmine .*, this is 0.0.0-client"):
        cmd.run(str(complaints), tmp_path / "out", model_path, scheduler=cluster.scheduler_address)
    assert not (tmp_path / "out").exists()


def test_the_cli_engine_dask_writes_the_same_rows(cluster, model_path, complaints, expected, tmp_path):
    if "--engine" not in CliRunner().invoke(app, ["classify", "--help"]).output:
        pytest.skip("cli.py has no --engine option yet")
    head, out = complaints.with_name("head.csv"), tmp_path / "out"
    arguments = ["classify", str(head), "--engine", "dask", "-o", str(out), "--model", model_path]
    refused = CliRunner().invoke(app, [*arguments, "--explain"])
    assert refused.exit_code == 2 and "--explain cannot be used with --engine dask" in refused.output
    command = [*entry_point(), *arguments, "--scheduler", cluster.scheduler_address]  # the installed command
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "dask dashboard: http://" in result.stderr and "classified 200 of 200 rows" in result.stderr
    assert_same_rows(_read_parts(out, tuple(sorted(p.name for p in out.iterdir()))), expected.iloc[:200])
    model = cm.load_model(model_path)
    assert f"with {model.name} {model.version};" in result.stderr  # as the local engine's summary does
    # the report reads the folder of part files, and the model they record
    page = tmp_path / "report.html"
    report = subprocess.run([*entry_point(), "report", str(out), "-o", str(page)], capture_output=True, text=True)
    assert report.returncode == 0, report.stderr
    assert f"{model.name} {model.version}" in page.read_text(encoding="utf-8")
    assert f"{200:,} / {200:,}" in page.read_text(encoding="utf-8")


def test_the_cli_engine_dask_neutralises_formulas_in_csv_parts_unless_raw_formulas(cluster, model_path, tmp_path):
    # --raw-formulas was refused with --engine dask, whose CSV parts were always neutralised
    source = tmp_path / "in.csv"
    source.write_text("id,text\n=1+1,尾款涨了五十\n@SUM(A1),好评\n", encoding="utf-8")
    arguments = ["classify", str(source), "--engine", "dask", "--output-format", "csv", "--id-column", "id"]
    arguments += ["--model", model_path, "--scheduler", cluster.scheduler_address, "--quiet"]
    ids = {}
    for flags in ([], ["--raw-formulas"]):
        out = tmp_path / f"out{len(flags)}"
        result = CliRunner().invoke(app, [*arguments, *flags, "-o", str(out)])
        assert result.exit_code == 0, result.output
        parts = sorted(out.glob("part-*.csv"))
        lines = [line for part in parts for line in part.read_text(encoding="utf-8").splitlines()[1:]]
        ids[tuple(flags)] = [line.split(",")[0] for line in lines]
    assert ids[()] == ["'=1+1", "'@SUM(A1)"]
    assert ids[("--raw-formulas",)] == ["=1+1", "@SUM(A1)"]


# --- reading inputs (no cluster: the synchronous scheduler) ------------------------------------------------------


def _plain(frame: pd.DataFrame) -> list[dict[str, object]]:
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.text(alphabet='a中",\n\r x\t', max_size=300),
    header=st.sampled_from(["id,text\n", "id,text\r\n", "id,text\r", '"id","text"\n']),
    blocksize=st.integers(min_value=1, max_value=64),
    bom=st.booleans(),
)
@example(body=";\n;\n;", header="id,text\r", blocksize=1, bom=False)  # a header ended by a lone CR ...
@example(body=";\n\n;", header="id,text\r", blocksize=1, bom=False)  # ... and a block that starts with LF
@example(body='1,5" screen\n2,"a\nb"\n', header="id,text\n", blocksize=1, bom=False)  # a stray quote, then a real one
@example(body="1,2\n", header='"i\nd",text\n', blocksize=1, bom=True)  # a quoted header name right after the BOM
def test_splitting_a_csv_never_changes_what_the_reader_sees(body, header, blocksize, bom):
    """Any bytes at all, well-formed CSV or not: the blocks together give the single-machine reader's rows,
    error rows and line numbers."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "one.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (header + body).encode("utf-8"))
        ddf = cmd.read_inputs(str(path), "text", blocksize)
        got = ddf.compute(scheduler="sync").reset_index(drop=True)
        want = chunks_frame(list(iter_chunks(open_source(str(path)))))
    assert _plain(got) == _plain(want)


@pytest.mark.parametrize(("encoding", "splits"), [("gb18030", True), ("utf-16", False)])
def test_encoded_exports_are_detected_and_split_like_the_single_machine_reader(complaints, tmp_path, encoding, splits):
    path = tmp_path / "export.csv"
    path.write_bytes(complaints.with_name("head.csv").read_bytes().decode("utf-8").encode(encoding))
    ddf = cmd.read_inputs(str(path), "text", blocksize="4KiB")
    assert (ddf.npartitions > 1) is splits  # UTF-16 has no byte boundaries safe to split at: one block
    want = chunks_frame(list(iter_chunks(open_source(str(path)))))
    assert _plain(ddf.compute(scheduler="sync").reset_index(drop=True)) == _plain(want)
    assert len(want) == 200 and not want["__error__"].notna().any()


def test_a_large_well_formed_csv_is_split_into_many_partitions(complaints):
    ddf = cmd.read_inputs(str(complaints), blocksize="16KiB")
    assert ddf.npartitions >= 25
    lengths = ddf.map_partitions(len).compute(scheduler="sync").tolist()
    assert sum(lengths) == N_ROWS and min(lengths) > 0


def test_a_glob_of_csv_files_is_read_in_name_order_with_global_ids(model_path, tmp_path):
    texts = [f"第{i}单尾款涨价" for i in range(30)]
    for number, start in enumerate(range(0, 30, 10)):
        write_table(pd.DataFrame({"text": texts[start : start + 10]}), str(tmp_path / f"batch-{number}.csv"))
    ddf = cmd.read_inputs(str(tmp_path / "batch-*.csv"), blocksize=None)
    assert ddf.npartitions == 3
    scored = cmd.classify_dask(ddf, model_path).compute(scheduler="sync")
    assert scored["row"].tolist() == list(range(30))
    assert_same_rows(scored.reset_index(drop=True), cm.classify_texts(cm.load_model(model_path), texts))


def test_several_text_columns_are_joined_as_the_command_joins_them(model_path, tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("title,body\n尾款涨价,付了定金\n,没发货\n,\n赠品,\n", encoding="utf-8")
    ddf = cmd.read_inputs(str(path), ("title", "body"), blocksize=8)
    assert ddf.npartitions > 1
    counts = cmd.write_outputs(cmd.classify_dask(ddf, model_path, ("title", "body")), tmp_path / "out", "csv")
    single = tmp_path / "single.csv"
    run_job(JobOptions(input=str(path), output=str(single), model_dir=model_path, text_columns=("title", "body")))
    rows = [
        line
        for name in counts["file"]
        for line in (tmp_path / "out" / name).read_text(encoding="utf-8").splitlines()[1:]
    ]
    assert rows == single.read_text(encoding="utf-8").splitlines()[1:]
    assert rows[2].endswith(",line 4: empty text")


def test_parquet_input_with_integer_ids_and_nulls_matches_the_single_machine_output(model_path, tmp_path):
    frame = pd.DataFrame({"ticket": [10, 11, 12, 13], "text": ["尾款涨价", None, "没发货", "赠品"], "extra": 1})
    frame.to_parquet(tmp_path / "in.parquet", index=False)
    ddf = cmd.read_inputs(str(tmp_path / "in.parquet"), id_column="ticket")
    assert list(ddf.columns) == ["ticket", "text", "__line__", "__error__"]
    scored = cmd.classify_dask(ddf, model_path, id_column="ticket")
    counts = cmd.write_outputs(scored, tmp_path / "out", "parquet")
    single = tmp_path / "single.parquet"
    run_job(
        JobOptions(input=str(tmp_path / "in.parquet"), output=str(single), model_dir=model_path, id_column="ticket")
    )
    got = pd.read_parquet(tmp_path / "out" / counts["file"].iloc[0])
    pd.testing.assert_frame_equal(got, pd.read_parquet(single))
    assert got["error"].tolist() == ["", "line 2: empty text", "", ""]


# --- contracts and errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("id_column", [None, "ticket"])
def test_output_meta_is_exactly_what_score_partition_returns(model_path, id_column):
    frame = pd.DataFrame({"ticket": ["x", "y"], "text": ["预售尾款涨价", ""]})
    scored = cmd.score_partition(frame, model_path, id_column=id_column)
    meta = cmd.output_meta(id_column, frame["ticket"].dtype)
    assert list(meta.columns) == list(scored.columns)
    assert meta.dtypes.to_dict() == scored.dtypes.to_dict()
    local = cm.classify_frame(cm.load_model(model_path), frame, id_column=id_column)
    assert list(local.columns) == list(meta.columns)


def test_score_partition_offsets_ids_treats_na_as_empty_and_keeps_the_schema_when_empty(model_path):
    frame = pd.DataFrame({"text": pd.array(["预售尾款涨价", pd.NA], dtype="string")}, index=[5, 6])
    scored = cmd.score_partition(frame, model_path, row_offset=40)
    assert scored["row"].tolist() == [40, 41] and scored.index.tolist() == [5, 6]
    assert scored["error"].tolist() == ["", "empty text"]
    empty = cmd.score_partition(frame.iloc[:0], model_path)
    assert empty.dtypes.to_dict() == cmd.output_meta(None).dtypes.to_dict()


def test_input_problems_are_reported_before_any_cluster_starts(tmp_path, model_path):
    (tmp_path / "a.csv").write_text("id,body\n1,尾款涨价\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,texts\n2,没发货\n", encoding="utf-8")
    (tmp_path / "c.parquet").write_bytes(b"")
    (tmp_path / "d.jsonl").write_text('{"text": "尾款涨价"}\n', encoding="utf-8")
    with pytest.raises(cm.MissingColumnError, match="Did you mean 'body'"):
        cmd.read_inputs(str(tmp_path / "a.csv"), "bodi")
    with pytest.raises(cm.InputError, match="differ from"):
        cmd.read_inputs(str(tmp_path / "[ab].csv"), "id")
    with pytest.raises(cm.InputError, match="several formats"):
        cmd.read_inputs(str(tmp_path / "[ac].*"), "id")
    with pytest.raises(cm.InputError, match="reads CSV, TSV and Parquet"):
        cmd.read_inputs(str(tmp_path / "d.jsonl"))
    with pytest.raises(cm.InputError, match="no files match"):
        cmd.read_inputs(str(tmp_path / "*.tsv"), "id")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.parquet").write_bytes(b"x")
    with pytest.raises(cm.InputError, match="not empty"):
        cmd.run(str(tmp_path / "a.csv"), tmp_path / "out", model_path, text_column="body")
    with pytest.raises(cm.InputError, match="unknown output format"):
        cmd.run(str(tmp_path / "a.csv"), tmp_path / "new", model_path, text_column="body", fmt="xlsx")


def test_a_header_that_is_not_text_keeps_its_advice_to_name_the_encoding(tmp_path):
    """The block reader raises the InputError itself (it pickles whole, so a worker's reaches the client as it
    is); the advice (which the CLI words as "pass --encoding") must come back with it."""
    path = tmp_path / "head.csv"
    path.write_bytes(b"id,\xff\xfetext\n1,x\n")
    with pytest.raises(cm.InputError, match="header has bytes that are not valid text") as raised:
        cmd.read_inputs(str(path), "id", encoding="utf-8")
    assert raised.value.line == 1 and raised.value.encoding_hint == "for example gb18030 or utf-16"


def test_an_unreachable_scheduler_is_a_clean_error(tmp_path, model_path):
    (tmp_path / "a.csv").write_text("text\n尾款涨价\n", encoding="utf-8")
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(cmd.DistributedError, match="cannot reach the Dask scheduler"),
    ):
        cmd.run(str(tmp_path / "a.csv"), tmp_path / "out", model_path, scheduler="tcp://127.0.0.1:9")


def test_a_missing_dask_install_names_the_extra(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(cmd.DistributedError, match=r"pip install 'complaintmine\[dask\]'"):
        cmd.read_inputs(str(tmp_path / "*.csv"))
    assert issubclass(cmd.DistributedError, cm.ComplaintMineError)


def test_importing_complaintmine_imports_no_dask_and_creates_no_cache():
    code = (
        "import sys, complaintmine, complaintmine.scoring.dask.cache as c; "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')], 'dask imported'; "
        "assert c._cache is None, 'cache created at import'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "flags"), [("out.csv", []), ("out.parquet", ["--output-format", "csv"])])
def test_an_output_suffix_that_is_not_what_the_dask_engine_writes_is_refused(tmp_path, model_path, name, flags):
    (tmp_path / "a.csv").write_text("text\n尾款涨了\n", encoding="utf-8")
    command = [*entry_point(), "classify", str(tmp_path / "a.csv"), "--engine", "dask", "-o", str(tmp_path / name)]
    result = subprocess.run([*command, *flags, "--model", model_path], capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    assert "writes a folder of" in result.stderr and "dask dashboard" not in result.stderr
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("stop", ["disk full while writing", "Ctrl-C after the writer finished"])
def test_a_partition_whose_write_fails_leaves_no_hidden_file(tmp_path, monkeypatch, stop):
    """A worker that fails mid-write (a full disk), or is stopped once its temporary file is complete, leaves
    neither a part file nor a hidden temporary one, nor the writer's own files beside it."""
    from complaintmine.scoring.dask import outputs

    def disk_full(self, rows):
        raise OSError(28, "No space left on device")

    finish = outputs.OutputWriter.finish

    def interrupted(self):
        finish(self)
        raise KeyboardInterrupt

    if stop == "disk full while writing":
        monkeypatch.setattr(outputs.OutputWriter, "write", disk_full)
    else:
        monkeypatch.setattr(outputs.OutputWriter, "finish", interrupted)
    frame = pd.DataFrame({"id": ["007"], "labels": ["other"], "error": [""]})
    with pytest.raises(OSError if stop == "disk full while writing" else KeyboardInterrupt):
        outputs._write_partition(frame, str(tmp_path), "csv", 5, partition_info={"number": 0})
    assert list(tmp_path.iterdir()) == []


def test_a_retried_partition_replaces_its_own_part_file(tmp_path):
    from complaintmine.scoring.dask import outputs

    for labels in ("other", "price_hike"):
        frame = pd.DataFrame({"id": ["007"], "labels": [labels], "error": [""]})
        outputs._write_partition(frame, str(tmp_path), "csv", 5, partition_info={"number": 0})
    assert [p.name for p in tmp_path.iterdir()] == ["part-00000.csv"]
    assert read_table(str(tmp_path / "part-00000.csv"))["labels"].tolist() == ["price_hike"]


def _raise_input_error(_: int) -> None:
    from complaintmine.errors import InputError

    raise InputError("blocks/a.csv", "the header has bytes that are not valid text", 1, 4, encoding_hint="x")


def test_an_error_raised_in_a_worker_process_reaches_the_client_as_itself(client):
    """The Dask engine lets a block reader's InputError travel as it is (no wrapper): it must arrive whole, from a
    worker process, with its file, line, column and advice, and task_errors must leave it so."""
    from complaintmine.scoring.dask.common import task_errors

    with pytest.raises(cm.InputError) as raised, task_errors():
        client.submit(_raise_input_error, 0, pure=False).result()
    got = raised.value
    assert (got.path, got.line, got.column, got.encoding_hint) == ("blocks/a.csv", 1, 4, "x")
    assert str(got) == "blocks/a.csv:1:4: the header has bytes that are not valid text; name the file's encoding (x)"
