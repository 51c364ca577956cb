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
