"""The label definitions the package ships (label_guide.py, what `complaintmine labels` prints) are docs/labels.md's
words, so that the short form and the long form cannot drift apart."""

import re

from complaintmine.label_guide import label_guide
from complaintmine.labels import ALL_LABELS

from ..conftest import ROOT

GUIDE = (ROOT / "docs" / "labels.md").read_text(encoding="utf-8")
HEADING = re.compile(r"^### `(\w+)` (\S+): (.+)$")


def _plain(markdown: str) -> str:
    """Markdown as the package writes it: no bold or code marks, one space between words."""
    return " ".join(markdown.replace("**", "").replace("`", "").split())


def _sections() -> dict[str, list[str]]:
    """Each ``### `label` ...`` section's lines, heading first, up to the next heading."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in GUIDE.splitlines():
        if line.startswith("#"):
            current = None
        if line.startswith("### `"):
            current = sections.setdefault(line.split("`")[1], [])
        if current is not None:
            current.append(line)
    return sections


def test_every_label_has_the_heading_of_its_section_in_the_docs():
    sections = _sections()
    assert list(sections) == list(ALL_LABELS)
    for label in label_guide().labels:
        heading = HEADING.match(sections[label.name][0])
        assert heading, sections[label.name][0]
        assert heading.groups() == (label.name, label.chinese, label.summary)


def test_each_definition_is_the_first_paragraph_of_its_section():
    sections = _sections()
    for label in label_guide().labels:
        paragraph = "\n".join(sections[label.name][2:]).split("\n\n")[0]
        assert label.means == _plain(paragraph), label.name


def test_what_a_label_is_not_is_the_docs_table_of_texts_that_are_not_it():
    """The right-hand column of each section's table: '(why: `the label it gets`)' after each example."""
    sections = _sections()
    for label in label_guide().labels:
        rows = [line.split("|") for line in sections[label.name] if line.startswith("| ") and "---" not in line]
        notes = [re.search(r"\(([^()]+): `(\w+)`\)\s*$", row[2].strip()) for row in rows[1:] if row[2].strip()]
        assert [note.groups() for note in notes if note] == list(label.not_meant), label.name
        assert len([note for note in notes if note]) == len(notes), label.name  # every example says what it is


def _section(title: str) -> str:
    """The text of the ``## title`` section, up to the next heading."""
    return GUIDE.split(f"\n## {title}\n", 1)[1].split("\n#", 1)[0]


def test_the_rules_are_the_docs_rules_whole_and_all_of_them():
    """Each bullet of 'How a text is labelled' without its bold title, in order: a sentence added to or dropped
    from either side fails (a substring check passed the docs' 'Irony counts for what it means.' not shipped)."""
    bullets = re.split(r"^- ", _section("How a text is labelled").strip(), flags=re.M)[1:]
    rules = [_plain(re.sub(r"^\*\*[^*]+\*\*\s*", "", bullet)) for bullet in bullets]
    assert rules == list(label_guide().rules)


def test_the_presale_flag_is_the_docs_first_paragraph_whole():
    assert label_guide().presale == _plain(_section("The pre-sale flag").strip().split("\n\n")[0])


def test_the_readme_table_names_the_labels_as_the_package_does():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| (\S+) \|", readme, flags=re.M)
    assert rows[: len(ALL_LABELS)] == [(label.name, label.chinese) for label in label_guide().labels]
