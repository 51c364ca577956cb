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


def test_every_experiment_script_answers_help_before_it_runs():
    """The experiment scripts read sys.argv by hand, and `python experiments/X.py --help` once started a run of up to
    an hour: each prints its docstring first (experiments/script_help.py)."""
    import subprocess
    import sys

    guard = 'if __name__ == "__main__":\n    import script_help\n\n    script_help.exit_on_help(__doc__)\n'
    main = re.compile(r'^if __name__ == "__main__":', re.M)
    scripts = [p for p in sorted((ROOT / "experiments").glob("*.py")) if main.search(p.read_text(encoding="utf-8"))]
    assert len(scripts) >= 20
    missing = [p.name for p in scripts if guard not in p.read_text(encoding="utf-8")]
    assert not missing, f"call script_help.exit_on_help(__doc__) first under __main__ in: {missing}"
    shown = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "unlabelled_flags.py"), "--help"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0 and shown.stdout.startswith("How many texts of the shared pool"), shown.stderr
