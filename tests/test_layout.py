"""The package's shape (issue #15): short one-job modules, few top-level modules, no sys.path edits."""

import re

from .conftest import ROOT

PACKAGE = ROOT / "src" / "complaintmine"


def test_no_source_module_is_over_450_lines():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450
    }
    assert not long, f"split these modules: {long}"


def test_at_most_ten_modules_at_the_top_level():
    assert len(list(PACKAGE.glob("*.py"))) <= 10


def test_no_sys_path_manipulation_outside_tests():
    edits = re.compile(r"sys\.path\.(insert|append)|sys\.path\s*=")
    found = [
        str(path.relative_to(ROOT))
        for folder in ("src", "experiments", "benchmarks", "corpora", "docs", "models")
        for path in (ROOT / folder).rglob("*.py")
        if edits.search(path.read_text(encoding="utf-8"))
    ]
    assert not found
