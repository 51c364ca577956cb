"""The minimal pairs (training) and the contrast set (evaluation only): make-up, and the line between them."""

import re
import shutil
import unicodedata

import numpy as np
import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.corpus.check import check_corpus
from complaintmine.corpus.dedup import containing, near_duplicate_pairs, shared_phrases, squash
from complaintmine.labels import ISSUE_LABELS, TARGETS
from complaintmine.model.contrast import contrast_report, contrast_targets, format_contrast_report, load_contrast_set
from complaintmine.model.runtime import Model

from ..conftest import ROOT

CORPUS = ROOT / "corpora"
RULES = {
    "price_hike": ["PH1", "PH2", "PH3", "PH4", "PH5", "PHX"],
    "no_price_protection": ["NP1", "NP2", "NP3", "NPX"],
    "gift_not_honored": ["GH1", "GH2", "GH3", "GH4", "GHX"],
    "late_shipping": ["LS1", "LS2", "LS3", "LS4", "LS5", "LSX"],
    "false_lowest_price": ["FL1", "FL2", "FL3", "FLX"],
}


@pytest.fixture(scope="module")
def contrast():
    return load_contrast_set(CORPUS)


@pytest.fixture(scope="module")
def pairs():
    return pd.read_csv(CORPUS / "team_pairs.csv", dtype=str, keep_default_na=False)


def test_contrast_set_covers_every_rule_and_register(contrast):
    assert len(contrast) >= 800
    assert set(contrast["split"]) == {"contrast"}
    rules = {rule for names in RULES.values() for rule in names}
    counts = contrast["rule"].value_counts()
    assert set(counts.index) == rules and counts.min() >= 15
    assert set(contrast["register"]) == {"short", "review", "post"}
    short = contrast[contrast["register"] == "short"]
    assert len(short) >= 150 and short["text"].str.len().max() <= 15
    complaint = contrast_targets(contrast).sum(axis=1) > 0
    assert 0.3 < complaint.mean() < 0.6  # both sides of every boundary
    for label, names in RULES.items():
        part = contrast[contrast["rule"].isin(names)]
        column = contrast_targets(part)[:, ISSUE_LABELS.index(label)]
        assert 0 < column.sum() < len(part), label


def test_training_pairs_are_minimal_pair_groups(pairs):
    assert len(pairs) >= 3000
    assert set(pairs["split"]) == {"train"}
    sizes = pairs.groupby("group").size()
    assert (sizes >= 2).mean() > 0.99  # one text of a pair was dropped as a near-duplicate of a test text
    mixed = pairs.groupby("group")["labels"].agg(lambda cells: len(set(cells)) > 1)
    assert mixed.mean() > 0.9  # nearly every group crosses a label boundary


def test_load_corpus_never_reads_the_contrast_set(contrast):
    corpus = cm.load_corpus(CORPUS, shared_dir=ROOT / "no-such-shared")
    assert "contrast" not in set(corpus.frame["split"])
    assert not set(contrast["text"]) & set(corpus.frame["text"])
    pair_rows = corpus.frame[corpus.frame["key"].str.startswith("pair:")]
    assert len(pair_rows) >= 3000 and pair_rows["group"].str.startswith("pair:").all()


def test_no_contrast_text_is_near_a_team_written_training_text(contrast, pairs):
    team = pd.read_csv(CORPUS / "team_written.csv", dtype=str, keep_default_na=False)
    training = team.loc[team["split"] == "train", "text"].tolist() + pairs["text"].tolist()
    texts = training + contrast["text"].tolist()
    crossing = [(i, j) for i, j, _ in near_duplicate_pairs(texts, 0.6) if i < len(training) <= j]
    assert crossing == []
    phrases = [(a, b) for a, b, _ in shared_phrases(texts, length=12) if a < len(training) <= b]
    assert phrases == []


# Team-written training texts (written before the check existed) that hold a short held-out phrase whole, e.g.
# 确实是全网最低 inside a longer review (corpora/README.md, "Known gaps"). None may be added; pairs hold none.
KNOWN_TEAM_CONTAINERS = {"hn-0007", "ph-0053", "ph-0114"}


def test_no_training_pair_holds_a_held_out_team_text_whole(contrast, pairs):
    """The near-duplicate line compares texts of similar length only, so a short held-out text could sit whole
    inside a longer training text; the 16 pairs that did were removed (corpora/relabels.csv) and none may come."""
    team = pd.read_csv(CORPUS / "team_written.csv", dtype=str, keep_default_na=False)
    held_out = team.loc[team["split"] == "test", "text"].tolist() + contrast["text"].tolist()
    training = pairs["text"].tolist()
    assert sorted(pairs["id"][i] for i in containing(training, held_out, 6)) == []
    written = team[team["split"] == "train"].reset_index(drop=True)
    assert {written["id"][i] for i in containing(written["text"].tolist(), held_out, 6)} == KNOWN_TEAM_CONTAINERS
    # the check finds one when there is one: a contrast text of 6+ characters inside a longer pair text
    short = next(text for text in contrast["text"] if 6 <= len(squash(text)) <= 12)
    assert containing([*training[:50], f"昨天说的，{short}，还没人回"], held_out, 6) == {50}


def test_corpus_check_flags_a_contrast_text_copied_into_training(tmp_path):
    for name in ("team_written.csv", "team_pairs.csv", "contrast_set.csv"):
        shutil.copy(CORPUS / name, tmp_path / name)
    pairs = pd.read_csv(tmp_path / "team_pairs.csv", dtype=str, keep_default_na=False)
    contrast = pd.read_csv(tmp_path / "contrast_set.csv", dtype=str, keep_default_na=False)
    leaked = contrast[contrast["text"].str.len() > 40].iloc[0]
    row = pairs.iloc[0].copy()
    row["id"], row["text"] = "tp-leak", leaked["text"] + "。"
    pd.concat([pairs, row.to_frame().T]).to_csv(tmp_path / "team_pairs.csv", index=False)
    report = check_corpus(tmp_path, shared_dir=tmp_path / "no-shared")
    assert any("contrast" in problem for problem in report.problems), report.problems


class _FixedModel(Model):
    """A Model whose probabilities are given (the scoring core applies its thresholds)."""

    def __init__(self, proba):
        super().__init__(path=ROOT, manifest={"thresholds": [0.5] * len(TARGETS)})
        self.proba = proba

    def predict_proba(self, texts):
        return self.proba[: len(texts)]

    def thresholds(self):
        return np.full(len(TARGETS), 0.5)


def _two_pairs(rules: list[str], variants: list[str]) -> pd.DataFrame:
    """Two contrast pairs (a gift complaint and a satisfied text, a shipping complaint and a satisfied text)."""
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "group": ["g1", "g1", "g2", "g2"],
            "text": ["赠品没给", "赠品收到了", "发货很慢", "发货很快"],
            "labels": ["gift_not_honored", "other", "late_shipping", "other"],
            "presale": ["0"] * 4,
            "rule": rules,
            "variant": variants,
            "register": ["short"] * 4,
        }
    )


def test_contrast_report_counts_complaints_and_non_complaints_separately():
    frame = _two_pairs(["GH1", "GH1", "LS2", "LS2"], ["complaint", "satisfied", "complaint", "satisfied"])
    proba = np.zeros((4, len(TARGETS)))
    proba[0, 2] = 0.9  # right: the complaint gets its label
    proba[1, 2] = 0.8  # wrong: a satisfied text flagged
    proba[2, 0] = 0.9  # wrong: the complaint misses late_shipping (another label does not count)
    report = contrast_report(_FixedModel(proba), frame)
    assert report["overall"]["complaint_accuracy"] == 0.5
    assert report["overall"]["non_complaint_accuracy"] == 0.5
    assert report["by_rule"]["GH1"]["accuracy"] == 0.5
    assert [error["id"] for error in report["errors"]] == ["b", "c"]


def _display_columns(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def test_the_contrast_table_lines_up_rows_named_in_chinese_or_longer_than_the_old_column():
    """Rows were padded to 10 characters: a name in Chinese (two terminal columns a character) or longer than
    that (var:other_party) pushed its numbers to the right of the others'."""
    rules = ["GH1", "GH1", "赠品承诺不兑现", "赠品承诺不兑现"]
    frame = _two_pairs(rules, ["complaint", "other_party", "complaint", "满意"])
    proba = np.zeros((4, len(TARGETS)))
    proba[0, 2] = 0.9
    text = format_contrast_report(contrast_report(_FixedModel(proba), frame))
    header, *rows = [line for line in text.splitlines()[2:] if line]
    names = [row.split()[0] for row in rows]
    assert names == ["rul:GH1", "rul:赠品承诺不兑现", "reg:short", "var:complaint", "var:other_party", "var:满意"]
    # each number column ends at the same terminal column as its header: the last ones right-aligned, so every
    # line is as wide as the header, and the widest name is followed by the one space between columns
    assert {_display_columns(row) for row in rows} == {_display_columns(header)}, "\n" + text
    assert _display_columns(header) == _display_columns("rul:赠品承诺不兑现") + 1 + 5 + 1 + 6 + 1 + 7 + 1 + 7


def test_a_bad_label_in_a_contrast_set_names_the_line_its_row_starts_on(tmp_path):
    """As for the other corpus files, counting the lines of a quoted text with line breaks above the bad row."""
    path = tmp_path / "contrast_set.csv"
    columns = ["id", "group", "text", "labels", "presale", "split", "rule", "variant", "register", "author"]
    rows = [
        ["cs-1", "g1", "收到了。\n\n赠品说好送的，到现在没给", "gift_not_honored", "0", "contrast", "GH1", "complaint"],
        ["cs-2", "g1", "赠品收到了", "gift", "0", "contrast", "GH1", "satisfied"],
    ]
    pd.DataFrame([[*row, "review", "t"] for row in rows], columns=columns).to_csv(path, index=False)
    with pytest.raises(cm.CorpusError, match=rf"^{re.escape(str(path))}:5: unknown label\(s\) 'gift'") as caught:
        load_contrast_set(path)
    assert (caught.value.path, caught.value.line) == (str(path), 5)
