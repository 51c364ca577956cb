"""What a new user meets in the first hour (issue 16), through the installed command."""

import json
import re
import subprocess

import pandas as pd
import pytest

from ..conftest import ROOT, entry_point
from .test_cli import _commands, run

SOURCE = (
    "id,date,merchant,text,presale\n"
    "c1,2026-01-01,甲店,付了定金，尾款涨了50,1\n"
    "c2,2026-01-02,乙店,说好送围巾，结果没收到,0\n"
)


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def _columns(path):
    if path.suffix == ".parquet":
        return list(pd.read_parquet(path).columns)
    if path.suffix == ".jsonl":
        return list(json.loads(path.read_text(encoding="utf-8").splitlines()[0]))
    return path.read_text(encoding="utf-8").splitlines()[0].split(",")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("keep", [["*"], ["id", "date", "merchant"]])
def test_kept_columns_come_right_after_the_id_and_before_labels(tmp_path, tiny_model, source, suffix, keep):
    out = tmp_path / f"scored{suffix}"
    flags = [arg for column in keep for arg in ("--keep-columns", column)]
    result = run("classify", source, "--id-column", "id", *flags, "--model", tiny_model, "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    columns = _columns(out)
    kept = ["date", "merchant", "text", "input_presale"] if keep == ["*"] else ["date", "merchant"]
    assert columns[: len(kept) + 2] == ["id", *kept, "labels"]


def test_jsonl_labels_are_a_json_list_and_csv_keeps_the_bar(tmp_path, tiny_model, source):
    source.write_text(SOURCE + "c3,2026-01-03,甲店,,0\n", encoding="utf-8")
    out = tmp_path / "scored.jsonl"
    result = run("classify", source, "--id-column", "id", "--model", tiny_model, "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert all(isinstance(r["labels"], list) and r["labels"] for r in records[:2])
    assert records[2]["labels"] is None and records[2]["error"] == "line 4: empty text"
    csv_out = tmp_path / "scored.csv"
    result = run("classify", source, "--id-column", "id", "--model", tiny_model, "-o", csv_out, "-q")
    frame = pd.read_csv(csv_out, dtype=str, keep_default_na=False)
    assert frame["labels"][:2].tolist() == ["|".join(r["labels"]) for r in records[:2]]
    # and the report reads the list back
    page = tmp_path / "report.html"
    result = run("report", out, "--model", tiny_model, "-o", page)
    assert result.returncode == 0, result.stderr
    assert "unreadable labels cell" not in page.read_text(encoding="utf-8")


def test_help_shows_brackets_defaults_readable_types_and_the_label_guide():
    result = run("classify", "--help")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "'complaintmine[dask]'" in text  # not eaten as markup
    assert "Default: text." in text  # the default text column
    assert text.startswith("Usage: complaintmine classify [OPTIONS] INPUT\n")  # not typer 0.28's {INPUT}
    for unreadable in ("<bool>", "<list[str]>", "{input}", "{INPUT}", "<str>  CSV"):
        assert unreadable not in text, unreadable
    assert "--text-column COLUMN" in text and "--workers N" in text
    # paragraphs are wrapped as paragraphs: no line ends after a mere two words of a sentence
    assert "labels joined by '|', or\n" not in text
    # the label guide a user who installed the package can read (docs/labels.md is in the repository only)
    for shown in (text, run("--help").stdout):
        assert "What each label means: complaintmine labels." in " ".join(shown.split())


def test_labels_prints_each_label_with_its_chinese_name_and_what_it_is_not():
    from complaintmine.labels import ALL_LABELS, LABEL_ZH

    result = run("labels")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    text = result.stdout
    headings = [line for line in text.splitlines() if line and not line.startswith(" ") and ": " in line]
    assert [line.split(":")[0] for line in headings[: len(ALL_LABELS)]] == [f"{n} {LABEL_ZH[n]}" for n in ALL_LABELS]
    assert headings[0] == "price_hike 尾款涨价: paid more than promised"
    assert "  Not price_hike: just expensive (other); a price drop after buying (no_price_protection)." in text
    assert "presale (1/0):" in text and "late_shipping|gift_not_honored" in text
    from complaintmine.text.width import display_width

    assert max(map(display_width, text.splitlines())) <= 100  # terminal columns: a Chinese character takes two


def test_no_command_help_shows_a_bare_type_name():
    """Every option of every command names its value (N, FILE, COLUMN), never typer's '<str>' or '<int range>'."""

    names = re.findall(r"^  (\w+)\s", run("--help").stdout.split("Commands:")[1].split("Exit codes:")[0], flags=re.M)
    assert {"classify", "train", "suggest", "compare", "promote"} <= set(names)
    for name in names:
        text = run(name, "--help").stdout
        assert not re.findall(r"(?<!\w)<[a-z][^>]*>", text), (name, re.findall(r"(?<!\w)<[a-z][^>]*>", text))
        assert not re.search(r"[{}]", text.splitlines()[0]), text.splitlines()[0]  # arguments as click names them


def test_every_command_names_its_arguments_in_capitals_as_its_usage_line_does():
    """suggest, compare and promote listed 'scored', 'model_a', 'candidate' under Arguments, the others INPUT, DATA."""

    names = re.findall(r"^  (\w+)\s", run("--help").stdout.split("Commands:")[1].split("Exit codes:")[0], flags=re.M)
    for name in names:
        text = run(name, "--help").stdout
        usage = text.splitlines()[0].split("[OPTIONS]")[1].split()
        section = text.split("Arguments:")[1].split("Options:")[0] if "Arguments:" in text else ""
        listed = re.findall(r"^  (\S+)\s", section, flags=re.M)
        assert [piece.strip("[]") for piece in usage] == listed, (name, usage, listed)
        assert all(argument == argument.upper() for argument in listed), (name, listed)


def test_a_misspelt_id_column_gets_a_did_you_mean(tiny_model):
    from .test_cli import EXAMPLES

    result = run("classify", EXAMPLES, "--id-column", "ID", "--model", tiny_model)
    assert result.returncode == 2
    assert "no column 'ID'" in result.stderr and "Did you mean 'id'?" in result.stderr


@pytest.mark.parametrize(
    ("command", "option"), [("classify", "--text-column"), ("extract", "--text-column"), ("mask", "--column")]
)
def test_a_missing_default_text_column_names_the_option_that_picks_another(tmp_path, tiny_model, command, option):
    table = tmp_path / "posts.csv"
    table.write_text("id,content\n1,发货慢\n", encoding="utf-8")
    extra = ["--model", tiny_model] if command == "classify" else []
    result = run(command, table, "-o", tmp_path / "out.csv", *extra)
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        f"available columns: 'id', 'content'. Name the column that holds the text with {option}"
    )
    # not where the user named the column, nor where a near name is suggested instead
    named = run(command, table, "-o", tmp_path / "out.csv", option, "body", *extra)
    assert "no column 'body'" in named.stderr and "Name the column" not in named.stderr
    table.write_text("id,Text\n1,发货慢\n", encoding="utf-8")
    near = run(command, table, "-o", tmp_path / "out.csv", *extra)
    assert "Did you mean 'Text'?" in near.stderr and "Name the column" not in near.stderr


def _train(tmp_path, *args):
    from ..conftest import DATA

    config = tmp_path / "c.json"
    config.write_text(json.dumps({"min_df": 1, "cv": 2}), encoding="utf-8")
    return run("train", DATA / "tiny_corpus.csv", "--config", config, *args)


def test_a_trained_model_is_named_after_its_folder_and_is_not_overwritten(tmp_path):
    from complaintmine.model.artifact import read_manifest

    target = tmp_path / "shop-zh-2.1"
    result = _train(tmp_path, "-o", target)
    assert result.returncode == 0, result.stderr
    manifest = read_manifest(target)
    assert (manifest["name"], manifest["version"]) == ("shop-zh", "2.1")
    assert "shop-zh 2.1" in result.stderr
    assert (target / "README.md").read_text(encoding="utf-8").startswith("# shop-zh 2.1")

    again = _train(tmp_path, "-o", target, "--name", "mine", "--version", "3")
    assert again.returncode == 6 and "--force" in again.stderr and "Traceback" not in again.stderr  # an output
    assert read_manifest(target)["name"] == "shop-zh"

    forced = _train(tmp_path, "-o", target, "--name", "mine", "--version", "3", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (read_manifest(target)["name"], read_manifest(target)["version"]) == ("mine", "3")

    plain = _train(tmp_path, "-o", tmp_path / "my-model")
    assert plain.returncode == 0, plain.stderr
    assert read_manifest(tmp_path / "my-model")["name"] == "my-model"


def test_training_on_too_few_examples_warns_per_label(tmp_path):
    small = tmp_path / "small.csv"
    rows = ["text,labels,presale"]
    rows += [f"尾款涨了{n}块，说好的价格不算数,price_hike,1" for n in range(10, 22)]
    rows += ["买完就降价了，不给保价,no_price_protection,0", "说好送的围巾没收到,gift_not_honored,0"]
    rows += ["付款一周了还没发货,late_shipping,0", "说是全网最低价，别家更便宜,false_lowest_price,0"]
    rows += [f"质量一般般{n},other,0" for n in range(12)]
    small.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"min_df": 1, "cv": 2, "tune_thresholds": False}), encoding="utf-8")
    result = run("train", small, "-o", tmp_path / "m", "--config", config)
    assert result.returncode == 0, result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    for label in ("no_price_protection", "gift_not_honored", "late_shipping", "false_lowest_price"):
        assert any(f"only 1 training example(s) of {label} (fewer than 10)" in line for line in warned), label
    assert not any("of price_hike" in line or "of presale" in line for line in warned)


def test_evaluate_says_the_real_texts_need_the_shared_pool_and_writes_json_only_when_asked(tmp_path):
    from complaintmine import default_model_dir

    from ..conftest import DATA

    model = default_model_dir()
    empty = tmp_path / "no-shared"
    empty.mkdir()
    result = run(
        "evaluate", model, ROOT / "corpora", "--split", "test", "--origin", "real", "--shared", empty, cwd=tmp_path
    )
    assert result.returncode == 5
    assert "nothing to evaluate" in result.stderr and "corpora/real_reviews.csv" in result.stderr
    result = run("evaluate", model, DATA / "tiny_corpus.csv", "--split", "test", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "micro-F1" in result.stdout
    assert list(tmp_path.iterdir()) == [empty]  # no evaluation.json unasked


def test_report_without_a_text_column_says_so(tmp_path, tiny_model, source):
    scored = tmp_path / "scored.csv"
    result = run("classify", source, "--id-column", "id", "--model", tiny_model, "-o", scored, "-q")
    assert result.returncode == 0, result.stderr
    result = run("report", scored, "--model", tiny_model, "-o", tmp_path / "r.html")
    assert result.returncode == 0, result.stderr
    assert "note: no text column 'text'" in result.stderr and "--keep-columns text" in result.stderr
    result = run("classify", source, "--keep-columns", "text", "--model", tiny_model, "-o", scored, "-q")
    result = run("report", scored, "--model", tiny_model, "-o", tmp_path / "r.html")
    assert result.returncode == 0 and "note:" not in result.stderr


def test_report_reads_a_folder_of_part_files_in_order(tmp_path, tiny_model, source):
    scored = tmp_path / "scored.csv"
    result = run("classify", source, "--keep-columns", "*", "--model", tiny_model, "-o", scored, "-q")
    assert result.returncode == 0, result.stderr
    header, *rows = scored.read_text(encoding="utf-8").splitlines()
    parts = tmp_path / "scored"
    parts.mkdir()
    for number, row in enumerate(rows):  # what --engine dask --output-format csv writes: one header per part
        (parts / f"part-{number:05d}.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    page = tmp_path / "r.html"
    result = run("report", parts, "--model", tiny_model, "-o", page)
    assert result.returncode == 0, result.stderr
    assert f"{len(rows)} / {len(rows)}" in page.read_text(encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("report", empty, "--model", tiny_model, "-o", page)
    assert result.returncode == 2 and "without part files" in result.stderr


def test_the_exit_codes_in_help_and_the_readme_are_the_errors_own():

    from complaintmine import errors

    text = " ".join(run("--help").stdout.split())
    listed = {name: int(code) for code, name in re.findall(r"(\d+) ([a-z]+)", text.split("Exit codes:")[1])}
    assert listed["input"] == errors.InputError.exit_code == 2
    assert listed["model"] == errors.ModelError.exit_code
    assert listed["corpus"] == errors.CorpusError.exit_code
    assert listed["training"] == errors.TrainingError.exit_code
    assert listed["output"] == errors.OutputError.exit_code
    assert listed["stopped"] == errors.JobStopped.exit_code and listed["other"] == errors.ComplaintMineError.exit_code
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for code, what in [
        (2, "an input"),
        (3, "a model"),
        (4, "a corpus"),
        (5, "training"),
        (6, "an output"),
        (143, "stopped"),
    ]:
        assert f"; {code} {what}" in readme, (code, what)


def test_default_names_the_shipped_model_in_every_command(tmp_path):
    """'default' was accepted by compare and train --base but refused by evaluate and classify --model."""
    labelled = tmp_path / "labelled.csv"
    labelled.write_text(
        "text,labels,presale\n付了定金，尾款涨了50,price_hike,1\n发货很快，好评,other,0\n", encoding="utf-8"
    )
    result = run("evaluate", "default", labelled)
    assert result.returncode == 0, result.stderr
    assert "micro-F1" in result.stdout
    result = run("classify", labelled, "--model", "default", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("0,price_hike,1,")


def test_errors_say_what_kind_of_file_was_expected(tmp_path, tiny_model):
    bare = tmp_path / "reviews.txt"
    bare.write_text("赠品没给，客服也不回\n尾款涨了五十\n", encoding="utf-8")
    result = run("classify", bare, "--model", tiny_model)
    assert result.returncode == 2
    assert "The first line is read as the header: add a first line naming the column (e.g. text)" in result.stderr
    unscored = tmp_path / "unscored.csv"
    unscored.write_text("id,text\n1,赠品没给\n", encoding="utf-8")
    result = run("report", unscored, "-o", tmp_path / "report.html")
    assert result.returncode == 2 and "classify it first" in result.stderr, result.stderr
    result = run("evaluate", tiny_model, unscored)
    assert result.returncode == 2 and "Labelled data has the columns text, labels" in result.stderr, result.stderr


def test_a_wrong_encoding_that_spoils_most_rows_is_named(tmp_path, tiny_model):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("id,text\n1,赠品没给，客服也不回\n2,尾款涨了五十\n".encode("gbk"))
    result = run("classify", gbk, "--encoding", "utf-8", "--model", tiny_model, "-q")
    assert result.returncode == 0
    assert "2 of 2 rows are not valid utf-8: is --encoding right?" in result.stderr
    detected = run("classify", gbk, "--model", tiny_model, "-q")
    assert detected.returncode == 0 and "is --encoding right" not in detected.stderr


def test_tokenize_reads_standard_input_for_a_dash():
    result = run("tokenize", "-", stdin="赠品没给\n尾款涨了五十\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["赠品 没 给", "尾款 涨 了 五十"]


def test_default_is_refused_when_a_folder_of_that_name_is_here(tmp_path):
    (tmp_path / "default").mkdir()
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("text,labels,presale\n赠品没给,gift_not_honored,0\n", encoding="utf-8")
    result = run("evaluate", "default", labelled, cwd=tmp_path)
    assert result.returncode == 3
    assert "there is also a folder 'default' here" in result.stderr, result.stderr


def test_a_real_single_chinese_column_name_gets_no_header_hint(tmp_path, tiny_model):
    source = tmp_path / "one.csv"
    source.write_text("用户投诉内容\n赠品没给\n", encoding="utf-8")
    result = run("classify", source, "--model", tiny_model)
    assert result.returncode == 2
    assert "first line is read as the header" not in result.stderr
    assert "--text-column" in result.stderr


@pytest.mark.parametrize(("data", "encoding"), [("\ufeff赠品没给\n", "utf-8"), ("赠品没给\n", "gbk")])
def test_tokenize_dash_reads_standard_input_as_classify_reads_files(data, encoding):
    result = subprocess.run(
        [*entry_point(), "tokenize", "-", "--spans"], input=data.encode(encoding), capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").splitlines() == ["赠品[0,2) 没[2,3) 给[3,4)"]


def test_a_mistyped_input_name_gets_a_suggestion_and_extract_names_its_failures(tmp_path):
    (tmp_path / "complaints.csv").write_text("id,text\n1,赠品没给\n2,\n", encoding="utf-8")
    result = run("classify", tmp_path / "complaint.csv")
    assert result.returncode == 2
    assert f"no such file; did you mean {str(tmp_path / 'complaints.csv')!r}?" in result.stderr, result.stderr
    assert "did you mean" not in run("classify", tmp_path / "other.csv").stderr
    result = run("extract", tmp_path / "complaints.csv", "--id-column", "id", "-o", tmp_path / "fields.csv")
    assert result.returncode == 0, result.stderr
    assert "extracted fields from 1 of 2 rows" in result.stderr and "  1 empty text" in result.stderr


def test_mask_says_which_rows_it_could_not_read(tmp_path):
    # a row in another encoding is copied with its reason in 'error'; the summary used to say only "masked 3 row(s)"
    source = tmp_path / "mixed.csv"
    utf8 = "".join(f"{i},预售尾款涨价了，客服电话13812345678不接\n" for i in range(3, 40))
    source.write_bytes("id,text\n1,好评\n".encode() + "2,赠品没收到\n".encode("gbk") + utf8.encode())
    result = run("mask", source, "-o", tmp_path / "masked.csv")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].endswith("1 row(s) could not be read: kept as decoded (masked too), reason in 'error'"), lines
    assert lines[1:] == ["  1 undecodable bytes"]
    clean = tmp_path / "ok.csv"
    clean.write_text("id,text\n1,好评\n", encoding="utf-8")
    assert "could not be read" not in run("mask", clean, "-o", tmp_path / "ok-masked.csv").stderr


def test_evaluate_shows_a_label_without_texts_or_predictions_as_not_measurable(tmp_path, tiny_model):
    # its F1 was printed 0.000, read as a failure of a model that rightly never gave it
    path = tmp_path / "ev.csv"
    path.write_text("text,labels,presale\n尾款涨价了，多付了50,price_hike,0\n发货很快,other,0\n", encoding="utf-8")
    result = run("evaluate", tiny_model, path, "--json", tmp_path / "ev.json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "ev.json").read_text(encoding="utf-8"))
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[1:7]}
    unmeasured = [name for name, row in metrics["labels"].items() if not row["support"] and not row["predicted"]]
    assert unmeasured  # two texts: the model gives at most a few of the four issues they lack
    for name, row in metrics["labels"].items():
        if name in unmeasured:
            assert row["undefined"] == ["precision", "recall", "f1"] and row["f1"] == 0.0  # JSON keys kept
            assert rows[name][1:] == ["n/a", "n/a", "n/a", "0", "no", "texts", "of", "it,", "none", "predicted"]
        elif not row["support"]:  # given to a text that does not have it: F1 0 is a measured failure
            assert row["undefined"] == ["recall"] and rows[name][1:4] == ["0.000", "n/a", "0.000"]


def test_evaluate_says_what_its_figures_rest_on(tmp_path, tiny_model):
    # a labelled file without presale was scored against presale 0, and unlabelled rows dropped, without a word
    path = tmp_path / "ev.csv"
    path.write_text("text,labels\n尾款涨价了，多付了50,price_hike\n发货很快,other\n还没看完,\n", encoding="utf-8")
    result = run("evaluate", str(tiny_model), str(path))
    assert result.returncode == 0, result.stderr
    assert "1 row(s) with an empty labels cell skipped" in result.stderr
    assert "no presale column; presale is taken as 0" in result.stderr


def _help_examples(name):
    """The example commands of NAME's help as an 80-column terminal shows them, one string per line."""
    import os

    env = {**os.environ, "COLUMNS": "80"}
    command = [*entry_point(), *([name] if name else []), "--help"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "Example: complaintmine " in result.stdout, name
    block = result.stdout.split("Example: ", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in block.splitlines()]


@pytest.mark.parametrize("name", ["", *_commands()])
def test_every_help_shows_its_examples_one_whole_command_a_line(name):
    """complaintmine --help and each command's: a wrapped example (suggest's and promote's were, at 80 columns)
    pastes as two broken commands."""
    for line in _help_examples(name):
        assert re.match(r"(.*: )?complaintmine [a-z]+", line), (name, line)


def test_the_help_examples_that_need_only_a_checkout_run_as_pasted(tmp_path):
    """From a checkout, the examples of these commands run in order as a newcomer pastes them: report's and
    suggest's make the scored file they read (with the columns they need), extract and mask read the example file."""
    import shlex
    import shutil

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for name in ("", "classify", "extract", "mask", "report", "suggest", "tokenize", "labels"):
        for line in _help_examples(name):
            command = shlex.split(line[line.index("complaintmine ") :])
            if "--engine" in command:  # needs the dask extra and a cluster
                continue
            result = run(*command[1:], cwd=tmp_path)
            assert result.returncode == 0, (line, result.stderr)
    assert "云帆家电旗舰店" in (tmp_path / "report.html").read_text(encoding="utf-8")  # --group-column merchant
    assert (tmp_path / "to_label.xlsx").exists() and (tmp_path / "masked.csv").exists()


def test_a_title_line_above_the_header_is_named_as_the_likely_cause(tmp_path, tiny_model):
    # an office export with "2026年投诉汇总" above the header said only: no column '内容'; available columns: ...
    import openpyxl

    csv_path = tmp_path / "titled.csv"
    csv_path.write_text("2026年投诉汇总,\n编号,内容\n1,赠品没给\n", encoding="utf-8")
    result = run("classify", csv_path, "--text-column", "内容", "--id-column", "编号", "--model", tiny_model)
    assert result.returncode == 2
    assert "The header seems to be on line 2: delete the line(s) above it" in result.stderr, result.stderr
    book = openpyxl.Workbook()
    for row in (["2026年投诉汇总"], ["编号", "内容"], [1, "赠品没给"]):
        book.active.append(row)
    book.save(tmp_path / "titled.xlsx")
    result = run("classify", tmp_path / "titled.xlsx", "--text-column", "内容", "--model", tiny_model)
    assert result.returncode == 2
    assert "if line 1 is a title, delete it so the header is first" in result.stderr, result.stderr
    plain = tmp_path / "plain.csv"  # an ordinary missing column gets no such advice
    plain.write_text("编号,正文\n1,赠品没给\n", encoding="utf-8")
    assert "(a title?)" not in run("classify", plain, "--text-column", "内容", "--model", tiny_model).stderr


def test_a_title_line_is_named_in_a_csv_without_padding_and_before_a_name_near_the_asked_one(tmp_path):
    # A CSV title line holds one field when no program padded it with commas: its rows were cut to one column,
    # and the message said only "available columns: '投诉明细'". And a title near the asked-for name (内容汇总 for
    # 内容) drew "Did you mean '内容汇总'?", which reads the title as the column, where the header was found below.
    unpadded = tmp_path / "unpadded.csv"
    unpadded.write_text("投诉明细\n编号,内容\n1,赠品没给\n", encoding="utf-8")
    result = run("mask", unpadded, "--column", "内容", "-o", tmp_path / "a.csv")
    assert result.returncode == 2
    assert "if line 1 is a title, delete it so the header is first" in result.stderr, result.stderr
    near = tmp_path / "near.csv"
    near.write_text("内容汇总,\n编号,内容\n1,赠品没给\n", encoding="utf-8")
    result = run("mask", near, "--column", "内容", "-o", tmp_path / "b.csv")
    assert result.returncode == 2
    assert "The header seems to be on line 2" in result.stderr and "Did you mean" not in result.stderr, result.stderr
    short = tmp_path / "short.csv"  # rows narrower than the header are no sign of a title
    short.write_text("编号,正文,备注\n1,赠品没给\n", encoding="utf-8")
    result = run("mask", short, "--column", "内容", "-o", tmp_path / "c.csv")
    assert result.returncode == 2 and "delete" not in result.stderr, result.stderr


def test_the_title_line_hint_reaches_the_commands_that_read_whole_tables(tmp_path):
    # evaluate, train and suggest read a table whole (read_table): they said only "no column 'text'", or for a
    # workbook "a cell in column B, beyond the header's 1 columns"
    import openpyxl

    labelled = tmp_path / "labels.csv"
    labelled.write_text("2026年标注,\ntext,labels\n赠品没给,gift_not_honored\n", encoding="utf-8")
    result = run("evaluate", "default", labelled)
    assert result.returncode == 2 and "The header seems to be on row 2" in result.stderr, result.stderr
    book = openpyxl.Workbook()
    for row in (["2026年投诉汇总"], ["编号", "text"], [1, "赠品没给"]):
        book.active.append(row)
    book.save(tmp_path / "titled.xlsx")
    result = run("suggest", tmp_path / "titled.xlsx", "-o", tmp_path / "sheet.xlsx")
    assert result.returncode == 2, result.stderr
    assert "beyond the header's 1 columns. If line 1 is a title, delete it" in result.stderr, result.stderr
    plain = tmp_path / "plain.csv"  # no title: the advice it had
    plain.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("evaluate", "default", plain)
    assert "(a title?)" not in result.stderr and "Labelled data has the columns text, labels" in result.stderr
