"""Static checks that are part of the test suite: ruff and mypy clean on src/."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def _tool(name):
    path = Path(sys.executable).with_name(name)
    if not path.exists() and shutil.which(name) is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return str(path) if path.exists() else name


def test_ruff_is_clean():
    result = subprocess.run(
        [_tool("ruff"), "check", "src", "tests"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean():
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
