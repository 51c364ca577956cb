"""The README's quick start is what CI runs: its test command must be the one in .ci/run."""

import re

from .conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", quick_start)
    assert len(commands) == 2, commands
    assert "complaintmine classify examples/complaints.csv" in commands[0]
    assert commands[1].endswith("python -m pytest")
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_label_guide_is_in_the_project_and_linked():
    from complaintmine.labels import ALL_LABELS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/labels.md)" in readme and "shared folder" not in readme
    guide = (ROOT / "docs" / "labels.md").read_text(encoding="utf-8")
    for label in ALL_LABELS:
        assert f"### `{label}`" in guide, label
    assert "## Borderline decisions" in guide and "## The pre-sale flag" in guide


def test_model_cards_point_at_the_label_guide_in_the_project(tiny_model):
    card = (tiny_model / "README.md").read_text(encoding="utf-8")
    assert "docs/labels.md" in card and "LABELS.md" not in card
    assert "`complaintmine labels`" in card  # what a user without the repository can read


def _adaptation_table(monkeypatch, domain_args):
    """The tables experiments/adaptation.py prints with --table, from the committed results."""
    import importlib.util
    import json
    import sys

    monkeypatch.setattr(sys, "argv", ["adaptation.py", *domain_args, "--table"])
    spec = importlib.util.spec_from_file_location("adaptation_for_test", ROOT / "experiments" / "adaptation.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.table(json.loads(module.OUT.read_text(encoding="utf-8")))


def test_retraining_guide_shows_the_committed_adaptation_results(monkeypatch):
    """docs/retraining.md's two tables are what the committed results files give, so they cannot drift apart."""
    guide = (ROOT / "docs" / "retraining.md").read_text(encoding="utf-8")
    for args in ([], ["--domain=figure_preorders"]):
        assert _adaptation_table(monkeypatch, args) in guide, args


def test_the_read_table_example_prints_what_the_readme_shows(tmp_path):
    """docs/library.md's read_table -> classify_frame -> write_table example, run as written: its output, and
    that it wrote the bytes `complaintmine classify` writes, as the guide says."""
    import subprocess
    import sys

    from .conftest import entry_point

    guide = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    section = guide.split("To read a file exactly as `complaintmine classify` reads it", 1)[1]
    code = re.search(r"```python\n(.+?)\n```", section, re.S).group(1)
    shown = re.search(r"```text\n(.+?)\n```", section, re.S).group(1)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown + "\n"
    command = [*entry_point(), "classify", "tickets.csv", "--id-column", "id", "-o", "cli.csv", "--quiet"]
    subprocess.run(command, cwd=tmp_path, check=True)
    assert (tmp_path / "cli.csv").read_bytes() == (tmp_path / "scored.csv").read_bytes()


def test_every_exit_code_an_error_gives_is_in_the_help_and_the_readme():
    import complaintmine.errors as errors
    from complaintmine.cli import app

    def subclasses(cls):
        return [cls, *(sub for direct in cls.__subclasses__() for sub in subclasses(direct))]

    codes = {cls.exit_code for cls in subclasses(errors.ComplaintMineError)}
    assert 7 in codes  # a refused promote's own code
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = " ".join(readme.split("Exit codes, the same for every command:", 1)[1].split("\n\n", 1)[0].split())
    for code in codes:
        assert re.search(rf"[:;] {code} \w", app.info.epilog), code
        assert re.search(rf"[:;] {code} \w", table), code


def _anchor(heading):
    """The anchor GitHub gives a Markdown heading: lower case, punctuation other than - and _ dropped, spaces as -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readmes_links_into_docs_reach_a_file_and_heading():
    """The README links the sections moved out of it (docs/cli.md, library.md, design.md): each link must land."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((docs/[^)#]+)(?:#([^)]+))?\)", readme)
    assert {"docs/cli.md", "docs/library.md", "docs/design.md", "docs/labels.md"} <= {path for path, _ in links}
    for path, anchor in links:
        text = (ROOT / path).read_text(encoding="utf-8")
        anchors = {_anchor(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
        assert not anchor or anchor in anchors, (path, anchor)
