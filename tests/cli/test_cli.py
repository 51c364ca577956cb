"""The installed `complaintmine` command, run in a subprocess as a user runs it."""

import json
import re
import subprocess
import sys

import pytest

from complaintmine.errors import OutputError

from ..conftest import DATA, ROOT, entry_point

EXAMPLES = ROOT / "examples" / "complaints.csv"


def run(*args, stdin=None, cwd=None):
    return subprocess.run(
        [*entry_point(), *map(str, args)], input=stdin, capture_output=True, text=True, cwd=cwd, check=False
    )


def test_classify_example_with_default_model():
    result = run("classify", EXAMPLES, "--id-column", "id")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "id,labels,presale,p_price_hike,p_no_price_protection,p_gift_not_honored,"
        "p_late_shipping,p_false_lowest_price,error"
    )
    ids = [line.split(",")[0] for line in lines[1:]]
    assert ids == [f"c{i:03d}" for i in range(1, 16)]
    row13 = next(line for line in lines if line.startswith("c013,"))
    assert row13.endswith(",line 14: empty text")  # the line it was read from, as every row error says
    assert "1 row(s) could not be scored" in result.stderr


def test_classify_jsonl_output_and_row_ids_without_id_column(tmp_path, tiny_model):
    out = tmp_path / "scored.jsonl"
    result = run("classify", EXAMPLES, "-o", out, "--model", tiny_model)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in records] == list(range(15))
    assert records[12]["error"] == "line 14: empty text" and records[12]["presale"] is None
    assert all(0.0 <= r["p_price_hike"] <= 1.0 for r in records if not r["error"])


@pytest.mark.parametrize(("suffix", "extra"), [(".csv", ()), (".tsv", ("--explain",)), (".jsonl", ("--workers", "2"))])
def test_classify_of_text_formats_never_imports_pandas(tmp_path, suffix, extra):
    """pandas alone cost 0.3 s of every start: the CSV, TSV and JSON Lines path works on plain columns."""
    source = tmp_path / "in.csv"
    source.write_text("id,text\n" + "".join(f"{i},预售尾款涨了{i}元\n" for i in range(30)), encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    code = (
        "import sys\n"
        "from complaintmine.cli import app\n"
        "try:\n"
        f"    app(['classify', {str(source)!r}, '-o', {str(out)!r}, '--id-column', 'id', '--chunk-rows', '10', "
        f"*{list(extra)!r}])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'pandas', 'pyarrow', 'sklearn', 'scipy'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert len(out.read_text(encoding="utf-8").splitlines()) == 30 + (suffix != ".jsonl")


def test_classify_reads_standard_input(tiny_model):
    result = run("classify", "-", "--model", tiny_model, "--quiet", stdin="text\n尾款涨价了\n发货很快\n")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == ["row", "0", "1"]


def test_missing_column_is_one_line_with_a_hint(tiny_model):
    result = run("classify", EXAMPLES, "--text-column", "txt", "--model", tiny_model)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "no column 'txt'" in result.stderr and "Did you mean 'text'?" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["classify", "nope.csv"], 2, "nope.csv: no such file"),
        (["classify", EXAMPLES, "--format", "parquetz"], 2, "unknown format 'parquetz'"),
        (["classify", "x.parquetz"], 2, "x.parquetz: no such file"),  # a missing file first, whatever its suffix
        (["classify", "."], 2, ".: is a directory, expected a file"),
        (["classify", EXAMPLES, "--model", "no-such-model"], 3, "no-such-model: not a model directory"),
        (["train", "nope.csv", "-o", "m"], 2, "nope.csv: no such file"),
    ],
)
def test_errors_are_one_clean_line(tmp_path, args, code, message):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("piped", "fmt"), [("id\ttext\n1\t发货很快\n", "tsv"), ('{"id": 1, "text": "发货很快"}\n', "jsonl")]
)
def test_piped_tsv_or_jsonl_is_read_as_what_it_is_and_a_wrong_format_gets_a_hint(piped, fmt, tiny_model):
    for told in ((), ("--format", fmt)):
        result = run("classify", "-", *told, "--id-column", "id", "--model", tiny_model, stdin=piped)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[1].startswith("1,"), result.stdout
    result = run("classify", "-", "--format", "csv", "--id-column", "id", "--model", tiny_model, stdin=piped)
    assert result.returncode == 2 and f"looks like {fmt}: use --format {fmt}" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("content", "told", "expected"),
    [
        ('{"id": 1, "text": "发货很快"}\n', "tsv", "The header looks like jsonl: use --format jsonl"),
        ("id,text\n1,发货很快\n", "tsv", "The header looks like csv: use --format csv"),
        ("id\ttext\n1\t发货很快\n", "csv", "The header looks like tsv: use --format tsv"),
        ("id,text\n1,发货很快\n", "jsonl", "not valid JSON (Expecting value)). If it is CSV or TSV, use --format csv"),
        ("id\ttext\tamount,yuan\n1\t发货很快\t3\n", "csv", "The header looks like tsv: use --format tsv"),
        # no format reads it; the hint was "Did you mean 'id;text'?"
        ("id;text\n1;发货很快\n", "csv", "The file is separated by semicolons: save it as CSV with commas"),
        # a header written "ID; Text" (a space after each separator) got no hint at all
        ("ID; Text\n1; 发货很快\n", "csv", "The file is separated by semicolons: save it as CSV with commas"),
    ],
)
def test_a_file_read_in_the_wrong_format_says_which_format_it_looks_like(tmp_path, content, told, expected, tiny_model):
    for source in ("-", tmp_path / "in.txt"):
        if source != "-":
            source.write_text(content, encoding="utf-8")
        stdin = content if source == "-" else None
        result = run("classify", source, "--format", told, "--model", tiny_model, stdin=stdin)
        assert result.returncode == 2 and expected in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Did you mean" not in result.stderr


def test_encoding_advice_names_the_option_only_in_commands_that_have_it(tmp_path, tiny_model):
    """The library says "name the file's encoding"; a command with --encoding says to pass it, one without says
    what its user can do instead."""
    scored = tmp_path / "scored.csv"
    scored.write_bytes("id,text\n1,尾款涨价，赠品没给\n".encode("gbk"))
    result = run("report", scored, "--encoding", "utf-8", "--model", tiny_model, "-o", tmp_path / "r.html")
    assert result.returncode == 2
    assert result.stderr == (
        f"complaintmine: error: {scored}:2: bytes that are not valid text in column 'text' (read as utf-8); "
        "pass --encoding (for example gb18030)\n"
    )
    header = tmp_path / "header.csv"
    header.write_bytes(b"id,\xff\xfetext\n1,x\n")
    result = run("classify", header, "--encoding", "utf-8", "--model", tiny_model)
    assert result.returncode == 2 and result.stderr.startswith(f"complaintmine: error: {header}:1:2: the header")
    assert result.stderr.endswith("; pass --encoding (for example gb18030 or utf-16)\n")
    labels = tmp_path / "labels.csv"  # mostly UTF-8, so read as UTF-8; one line pasted from a GBK export
    labels.write_bytes(
        "text,labels\n尾款涨价了，多付五十,price_hike\n发货很快，包装也好,other\n".encode()
        + "说好的赠品没给,gift_not_honored\n".encode("gbk")
    )
    result = run("evaluate", tiny_model, labels)
    assert result.returncode == 2
    assert result.stderr == (
        f"complaintmine: error: {labels}:4: bytes that are not valid text in column 'text' (read as utf-8); "
        "save the file as UTF-8 (this command has no --encoding)\n"
    )


def test_keep_all_columns_says_which_later_fields_it_left_out(tmp_path, tiny_model):
    lines = ['{"id": 1, "text": "发货很快"}', '{"id": 2, "text": "尾款涨了", "shop": "A"}']
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("classify", source, "--keep-columns", "*", "--chunk-rows", "1", "--model", tiny_model, "-q")
    assert result.returncode == 0, result.stderr
    assert "fields first seen later were left out: shop (raise --chunk-rows" in result.stderr
    assert result.stdout.splitlines()[0].startswith("row,id,text,labels")


@pytest.mark.slow
def test_train_then_evaluate_writes_model_card_and_json(tmp_path):
    model_dir = tmp_path / "m"
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"min_df": 1, "cv": 2, "name": "tiny"}), encoding="utf-8")
    comparison = ROOT / "models" / "card_comparison.json"  # the default model's: the rows that chose its design
    result = run("train", DATA / "tiny_corpus.csv", "-o", model_dir, "--config", config, "--comparison", comparison)
    assert result.returncode == 0, result.stderr
    assert (model_dir / "model.json").exists() and (model_dir / "README.md").exists()
    card = (model_dir / "README.md").read_text(encoding="utf-8")
    assert "## Model comparison (cross-validation on the training split)\n\nThese rows chose the design" in card
    assert "| **reader 8 epochs** (chosen: 0.8.0's design, this model's) | 0 / 1 |" in card
    assert "test_user: micro-F1" in result.stderr
    result = run("evaluate", model_dir, DATA / "tiny_corpus.csv", "--split", "test", "--json", tmp_path / "m.json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert metrics["n_texts"] == 8
    assert metrics["trained_on"] == 0 and "warning" not in result.stderr  # the test rows: held out
    every = run("evaluate", model_dir, DATA / "tiny_corpus.csv")  # its training rows too: said, as compare says it
    assert every.returncode == 0, every.stderr
    assert re.search(r"warning: tiny \S+ was trained on \d+ of these \d+ texts", every.stderr), every.stderr
    assert metrics["model"].startswith("tiny ") and (metrics["data"], metrics["split"]) == (
        str(DATA / "tiny_corpus.csv"),
        "test",
    )
    assert re.search(r"micro-F1 \(5 issues\) \d\.\d{3}", result.stdout)
    for label in ("price_hike", "no_price_protection", "gift_not_honored", "late_shipping", "false_lowest_price"):
        assert label in result.stdout
    missing = tmp_path / "no such folder" / "m.json"
    result = run("evaluate", model_dir, DATA / "tiny_corpus.csv", "--split", "test", "--json", missing)
    assert result.returncode == OutputError.exit_code and "Traceback" not in result.stderr
    assert result.stderr.strip() == f"complaintmine: error: {missing}: cannot write: No such file or directory"


@pytest.mark.slow
def test_bad_training_config_is_reported(tmp_path):
    config = tmp_path / "c.json"
    config.write_text('{"learning_rate": 1}', encoding="utf-8")
    result = run("train", DATA / "tiny_corpus.csv", "-o", tmp_path / "m", "--config", config)
    assert result.returncode == 5
    assert "unknown training option(s): learning_rate" in result.stderr


def test_python_dash_m_works_like_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "complaintmine", "tokenize", "付了定金，尾款涨了50"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["付", "了", "定金", "尾款", "涨", "了", "50"]


def _commands():
    from complaintmine.cli import app

    return [command.name for command in app.registered_commands]


@pytest.mark.slow
def test_every_command_has_help_that_appears_in_the_readme():
    """Each command is in the README's table, with its help's summary, and has its section in docs/cli.md."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _commands()
    assert {"classify", "train", "evaluate", "tokenize"} <= set(commands)
    for name in commands:
        result = run(name, "--help")
        assert result.returncode == 0, result.stderr
        assert "Usage" in result.stdout
        assert f"### `complaintmine {name}`" in reference, name
        summary = _docstring_summary(name)
        assert f"| [`{name}`](docs/cli.md#complaintmine-{name}) | {summary}" in readme, (name, summary)
        assert summary in reference, (name, summary)


def _docstring_summary(name):
    from complaintmine.cli import app

    command = next(c for c in app.registered_commands if c.name == name)
    return command.callback.__doc__.strip().splitlines()[0]


def test_version():
    result = run("--version")
    from complaintmine.model.defaults import DEFAULT_MODEL_NAME

    assert result.returncode == 0 and result.stdout.startswith("complaintmine 0.1.0")
    assert f"(default model: {DEFAULT_MODEL_NAME})" in result.stdout


def test_mask_command_keeps_rows_and_masks_only_private_data(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(
        "id,text\n1,我的手机13812345678，订单号 123456789012345678 还没发货\n2,iPhone 15 售价5999元\n3,\n"
        "4,电话幺三九 零零零零 一一一一，住一二三楼，付了三百五十元\n",
        encoding="utf-8",
    )
    out = tmp_path / "masked.jsonl"
    result = run("mask", source, "-o", out)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert rows[0]["text"] == "我的手机[PHONE]，订单号 [ORDER] 还没发货"
    assert rows[1]["text"] == "iPhone 15 售价5999元"
    assert rows[3]["text"] == "电话[PHONE]，住一二三楼，付了三百五十元"
    assert "13812345678" not in out.read_text(encoding="utf-8")
    # the summary says what was replaced, not only how many rows were copied (it said "masked 4 row(s)")
    assert "copied 4 row(s)" in result.stderr and "masked 2 PHONE, 1 ORDER in 2 of them" in result.stderr
    clean = tmp_path / "clean.csv"
    clean.write_text("id,text\n1,发货很快\n", encoding="utf-8")
    assert "nothing to mask found" in run("mask", clean, "-o", tmp_path / "clean-masked.csv").stderr


def test_classify_mask_applies_to_kept_columns(tmp_path, tiny_model):
    source = tmp_path / "in.csv"
    source.write_text("text\n收件人：王小明，电话13812345678，赠品没给\n", encoding="utf-8")
    result = run("classify", source, "--model", tiny_model, "--keep-columns", "text", "--mask", "-q")
    assert result.returncode == 0, result.stderr
    assert "13812345678" not in result.stdout and "[PHONE]" in result.stdout and "[NAME]" in result.stdout


@pytest.mark.slow
def test_extract_command_and_classify_extract(tmp_path, tiny_model):
    source = tmp_path / "in.csv"
    source.write_text(
        "id,text\na,双十一付了定金100，尾款599，说好48小时内发货，等了半个月还没发\nb,好评\nc,\n", encoding="utf-8"
    )
    out = tmp_path / "fields.jsonl"
    result = run("extract", source, "--id-column", "id", "-o", out)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["promised_days"] == 2.0 and rows[0]["waited_days"] == 15.0
    assert rows[0]["money"] == ["定金100", "尾款599"]  # a JSON list in JSON Lines, as labels
    assert rows[1]["money"] is None and rows[2]["error"].endswith(": empty text")
    parquet = tmp_path / "scored.parquet"
    result = run("classify", source, "--model", tiny_model, "--extract", "-o", parquet, "-q")
    assert result.returncode == 0, result.stderr
    import pandas as pd

    frame = pd.read_parquet(parquet)
    assert frame["waited_days"].tolist()[0] == 15.0
    assert json.loads(frame["fields"][0])["money"][0]["role"] == "定金"


@pytest.mark.slow
def test_report_command_writes_a_self_contained_page(tmp_path, tiny_model):
    source = tmp_path / "in.csv"
    source.write_text(
        "text,date,merchant\n尾款涨了五十，电话13812345678,2026-11-01,甲店\n赠品没给,2026-11-02,乙店\n好评,2026-11-09,甲店\n",
        encoding="utf-8",
    )
    scored = tmp_path / "scored.csv"
    result = run("classify", source, "--model", tiny_model, "--keep-columns", "*", "--explain", "-o", scored, "-q")
    assert result.returncode == 0, result.stderr
    page = tmp_path / "report.html"
    result = run(
        "report", scored, "--date-column", "date", "--group-column", "merchant", "--model", tiny_model, "-o", page
    )
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "甲店" in html
    assert "13812345678" not in html and "http://" not in html and "https://" not in html


@pytest.mark.slow
def test_parquet_output_records_the_model_and_report_names_it(tmp_path, tiny_model):
    import pandas as pd

    from complaintmine.io.writers import OutputWriter, scored_by
    from complaintmine.model.artifact import read_manifest

    manifest = read_manifest(tiny_model)
    scored = tmp_path / "scored.parquet"
    result = run("classify", EXAMPLES, "--id-column", "id", "--model", tiny_model, "-o", scored)
    assert result.returncode == 0, result.stderr
    assert f"with {manifest['name']} {manifest['version']}" in result.stderr
    assert scored_by(str(scored))["model"] == manifest["name"]
    assert scored_by(str(scored))["model_version"] == manifest["version"]
    assert scored_by(str(EXAMPLES)) == {}  # a CSV has no place for it

    # The report takes the model from the file, not from the default model, when --model is not given.
    other = tmp_path / "other.parquet"
    writer = OutputWriter(str(other), "parquet", "test", metadata={"model": "other-model", "model_version": "2.0"})
    writer.write(pd.read_parquet(scored))
    writer.finish()
    page = tmp_path / "report.html"
    result = run("report", other, "--text-column", "id", "-o", page)
    assert result.returncode == 0, result.stderr
    assert "other-model 2.0" in page.read_text(encoding="utf-8")


def test_an_empty_parquet_output_still_records_the_model(tmp_path):
    from complaintmine.io.writers import OutputWriter, scored_by

    empty = tmp_path / "empty.parquet"
    writer = OutputWriter(str(empty), "parquet", "test", metadata={"model": "m", "model_version": "1"})
    writer.finish()
    assert scored_by(str(empty)) == {"model": "m", "model_version": "1"}


def test_no_option_help_begins_with_another_options_name():
    """An option's help is a sentence of its own: compare's --bom once read "--disagreements CSV/TSV output: begin
    the file with ...", a prefix glued onto another command's help."""
    import typer.main

    from complaintmine.cli import app

    command = typer.main.get_command(app)
    helps = {(name, param.name): param.help or "" for name, sub in command.commands.items() for param in sub.params}
    assert helps[("compare", "bom")].startswith("Begin a CSV or TSV --disagreements file with a UTF-8 byte-order")
    assert [key for key, text in helps.items() if text.startswith("-")] == []


def test_output_help_lists_every_suffix_each_command_accepts_and_no_other():
    """-o's help once left out .txt, .tab, .json, .ndjson and .pq, which the README and the writers accept; suggest's
    and compare --disagreements' listed four of the ten their sheets can be written as."""
    import typer.main

    from complaintmine.cli import app
    from complaintmine.errors import InputError
    from complaintmine.io.readers import _SUFFIXES
    from complaintmine.io.writers import output_format
    from complaintmine.retrain.sheets import sheet_format

    def accepted(check):
        found = set()
        for suffix in [*_SUFFIXES, "xls", "docx", "html"]:
            try:
                check(f"out.{suffix}")
            except InputError:
                continue
            found.add(f".{suffix}")
        return found

    command = typer.main.get_command(app)
    options = {(name, param.name): param.help or "" for name, sub in command.commands.items() for param in sub.params}
    for key, check in [
        (("classify", "output"), output_format),
        (("extract", "output"), output_format),
        (("mask", "output"), output_format),
        (("suggest", "output"), sheet_format),
        (("compare", "disagreements"), sheet_format),
    ]:
        listed = set(re.findall(r"\.[a-z]+\b", options[key].partition("by suffix:")[2]))
        assert listed == accepted(check), key


def test_model_directories_named_in_help_texts_exist():
    """Help examples that name a shipped model point at one still in the tree (0.4.0 had outlived its example)."""
    named = set()
    for source in (ROOT / "src" / "complaintmine").rglob("*.py"):
        named |= set(re.findall(r"models/complaintmine-zh-[0-9.]*[0-9]", source.read_text(encoding="utf-8")))
    assert named, "no help text names a model directory: this test checks nothing"
    assert [name for name in sorted(named) if not (ROOT / name).is_dir()] == []


def test_the_documented_report_example_runs_as_written(tmp_path):
    """docs/cli.md's `complaintmine report` block, command by command, on the shipped example file."""
    import shlex
    import shutil

    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = reference.split("### `complaintmine report`", 1)[1]
    block = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).replace("\\\n", " ")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    commands = [shlex.split(line) for line in block.splitlines() if line.strip()]
    assert [c[:2] for c in commands] == [["complaintmine", "classify"], ["complaintmine", "report"]]
    for command in commands:
        result = run(*command[1:], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "云帆家电旗舰店" in html and "<svg" in html


BROKEN_PIPE_INSIDE = """
import sys, typer
from complaintmine.cli import handle_errors

@handle_errors
def command():
    print("id,labels", flush=True)
    raise BrokenPipeError(32, "Broken pipe")  # as a pipe to a dead worker process raises it

try:
    command()
except typer.Exit as stop:
    sys.exit(stop.exit_code)
"""


def test_a_broken_pipe_that_is_not_standard_output_is_an_error_and_a_closed_head_is_not(tmp_path):
    # a BrokenPipeError used to end every command with exit code 0 and no message, as `| head` should
    script = tmp_path / "inside.py"
    script.write_text(BROKEN_PIPE_INSIDE, encoding="utf-8")
    inside = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert inside.returncode == 1 and "a pipe closed unexpectedly" in inside.stderr, inside.stderr
    rows = "id,text\n" + "".join(f"{n},尾款涨了{n}元\n" for n in range(20000))
    (tmp_path / "in.csv").write_text(rows, encoding="utf-8")
    command = " ".join(f"'{a}'" for a in [*entry_point(), "classify", str(tmp_path / "in.csv")]) + " | head -n 2"
    head = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=120)
    assert head.returncode == 0 and head.stderr == "" and len(head.stdout.splitlines()) == 2, head.stderr


def test_mask_kinds_are_the_names_help_lists_and_card_works(tmp_path):
    from complaintmine.mining.privacy import KIND_ALIASES, KINDS

    from ..unit.test_privacy import CARD_19

    listed = " ".join(run("mask", "--help").stdout.split()).split("Only these kinds: ")[1].split(";")[0]
    assert listed == ", ".join(
        f"{k} (or {a})" if (a := {v: a for a, v in KIND_ALIASES.items()}.get(k)) else k for k in KINDS
    )
    source = tmp_path / "in.csv"
    source.write_text(f"id,text\n1,卡号{CARD_19}，电话13812345678\n", encoding="utf-8")
    result = run("mask", source, "--kind", "CARD")
    assert result.returncode == 0, result.stderr
    assert "卡号[CARD]，电话13812345678" in result.stdout


def test_mask_account_kind_through_python_m(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,加我QQ：12345678，微信号 abc_12345，电话1381 234 5678\n", encoding="utf-8")
    command = [sys.executable, "-m", "complaintmine", "mask", str(source), "--kind", "ACCOUNT", "-o", "-"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "加我QQ：[ACCOUNT]，微信号 [ACCOUNT]，电话1381 234 5678" in result.stdout
    assert "ACCOUNT" in " ".join(run("mask", "--help").stdout.split())


@pytest.mark.parametrize("kind", ["", "PHONES"])
def test_a_wrong_mask_kind_is_a_command_line_error_before_anything_is_written(tmp_path, kind):
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,电话13812345678\n", encoding="utf-8")
    result = run("mask", source, "--kind", kind, "-o", tmp_path / "out.csv")
    assert result.returncode == 2 and "unknown privacy kind" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.slow
def test_report_heads_examples_with_the_id_column_classify_wrote_first(tmp_path, tiny_model):
    source = tmp_path / "in.csv"
    source.write_text("id,text\nk1,尾款涨了五十\nk2,赠品没给\nk3,说好48小时发货，一周了还没发\n", encoding="utf-8")
    scored = tmp_path / "scored.csv"
    result = run("classify", source, "--model", tiny_model, "--id-column", "id", "--keep-columns", "text", "-o", scored)
    assert result.returncode == 0, result.stderr
    page = tmp_path / "report.html"
    result = run("report", scored, "--model", tiny_model, "-o", page)
    assert result.returncode == 0, result.stderr
    heads = re.findall(r'<div class="example"[^>]*><div class="meta">#(\w+)', page.read_text(encoding="utf-8"))
    assert heads and set(heads) <= {"k1", "k2", "k3"}, heads  # not the kept text, which comes right before labels
    # a report that cannot be written is an output error (exit 6), not an input error
    result = run("report", scored, "--model", tiny_model, "-o", tmp_path)
    assert result.returncode == 6 and "cannot write the report" in result.stderr, result.stderr


def test_extract_writes_strict_json_for_a_run_of_hundreds_of_digits(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"id,text\na,多付了{'9' * 400}元\nb,多付了50元\n", encoding="utf-8")
    out = tmp_path / "fields.jsonl"
    result = run("extract", source, "--id-column", "id", "-o", out)
    assert result.returncode == 0, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} written")) for line in lines]
    assert rows[0]["difference"] is None and rows[0]["money"] is None and rows[0]["fields"]["money"] == []
    assert rows[1]["difference"] == 50.0


def test_an_id_column_named_like_an_extracted_field_comes_out_as_input_name(tmp_path, tiny_model):
    # it crashed with "column 'difference' already exists"
    path = tmp_path / "clash.csv"
    path.write_text("difference,text\nd1,尾款涨了50元\nd2,好评\n", encoding="utf-8")
    result = run("classify", str(path), "--id-column", "difference", "--extract", "--model", str(tiny_model))
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.startswith("input_difference,labels,") and ",difference," in header
    assert [row.split(",")[0] for row in rows] == ["d1", "d2"]
