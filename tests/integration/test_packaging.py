"""The default model must ship inside the wheel and be found there, not only in a source checkout."""

import subprocess
import sys
import zipfile

import pytest

from complaintmine.model.defaults import DEFAULT_MODEL_NAME

from ..conftest import ROOT


@pytest.mark.slow
def test_wheel_contains_and_finds_the_default_model(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(tmp_path.glob("complaintmine-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for part in ("model.json", "weights.skops", "lexicon.txt"):
        assert f"complaintmine/models/{DEFAULT_MODEL_NAME}/{part}" in names
    assert "complaintmine/data/lexicon.txt" in names and "complaintmine/py.typed" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # Run from an unrelated directory with the unpacked wheel first on the path: the checkout must not be used.
    code = (
        "import complaintmine, pathlib; d = complaintmine.default_model_dir(); "
        "assert str(d).startswith(str(pathlib.Path(complaintmine.__file__).parent)), d; "
        "print(complaintmine.__file__); print(complaintmine.load_model().name)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(site))
