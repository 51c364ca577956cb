"""What a new user meets in the first hour (issue 16), through the installed command."""

import json

import pandas as pd
import pytest

from .test_cli import run

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
    assert records[2]["labels"] is None and records[2]["error"] == "empty text"
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
    for unreadable in ("<bool>", "<list[str]>", "{input}", "<str>  CSV"):
        assert unreadable not in text, unreadable
    assert "--text-column COLUMN" in text and "--workers N" in text
    # paragraphs are wrapped as paragraphs: no line ends after a mere two words of a sentence
    assert "labels joined by '|', or\n" not in text
    assert "docs/labels.md" in text and "docs/labels.md" in run("--help").stdout


def test_a_misspelt_id_column_gets_a_did_you_mean(tiny_model):
    from .test_cli import EXAMPLES

    result = run("classify", EXAMPLES, "--id-column", "ID", "--model", tiny_model)
    assert result.returncode == 2
    assert "no column 'ID'" in result.stderr and "Did you mean 'id'?" in result.stderr
