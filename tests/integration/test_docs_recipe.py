"""The Spark recipe in docs/: it imports and type-checks without pyspark, and its per-batch function gives the
rows of `complaintmine classify`; the Python in docs/distributed.md at least compiles."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from types import ModuleType

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.distributed import output_meta

from ..conftest import ROOT

RECIPE = ROOT / "docs" / "spark_recipe.py"
GUIDE = ROOT / "docs" / "distributed.md"


@pytest.fixture(scope="module")
def recipe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("spark_recipe", RECIPE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_recipe_type_checks_with_mypy_strict_without_pyspark():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", str(RECIPE), "--ignore-missing-imports", "--strict"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_importing_the_recipe_does_not_import_pyspark():
    code = (
        "import importlib.util, sys; "
        f"spec = importlib.util.spec_from_file_location('spark_recipe', {str(RECIPE)!r}); "
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
        "assert 'pyspark' not in sys.modules; print(module.spark_schema('id'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("`id` string, `labels` string, `presale` bigint, `p_price_hike` double")


def test_the_spark_schema_names_every_output_column_in_order(recipe):
    fields = [field.split(" ") for field in recipe.spark_schema("ticket").split(", ")]
    assert [name.strip("`") for name, _ in fields] == list(output_meta("ticket").columns)
    kinds = dict((name.strip("`"), kind) for name, kind in fields)
    assert kinds["ticket"] == "string" and kinds["presale"] == "bigint" and kinds["error"] == "string"
    assert all(kinds[f"p_{label}"] == "double" for label in cm.ISSUE_LABELS)


def test_score_batches_gives_the_rows_of_classify_for_each_arrow_batch(recipe, tiny_model):
    frame = pd.DataFrame({"ticket": ["a", "b", "c", None], "body": ["预售尾款涨了五十", "", "没发货", "赠品没给"]})
    batches = [frame.iloc[:3], frame.iloc[3:]]  # Spark hands mapInPandas an iterator of batches
    out = list(recipe.score_batches(iter(batches), str(tiny_model), "body", "ticket"))
    assert [len(b) for b in out] == [3, 1] and all(b.index.tolist() == list(range(len(b))) for b in out)
    got = pd.concat(out, ignore_index=True)
    local = cm.classify_frame(cm.load_model(tiny_model), frame, "body", "ticket")  # a missing id stays missing
    pd.testing.assert_frame_equal(got, local, check_dtype=False)
    assert got["error"].tolist() == ["", "empty text", "", ""]


def test_the_python_in_the_guide_compiles():
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2
    for number, block in enumerate(blocks, 1):
        compile(block, f"{GUIDE.name} block {number}", "exec")
