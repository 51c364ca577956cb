"""The shipped corpus: its size and make-up, the no-shared-phrase rule, split hygiene, and the join with ../shared."""

import pandas as pd
import pytest

import complaintmine as cm
from complaintmine.corpus.check import check_corpus
from complaintmine.corpus.dedup import near_duplicate_pairs, shared_phrases
from complaintmine.labels import ISSUE_LABELS, parse_labels

from ..conftest import ROOT

CORPUS = ROOT / "corpora"


@pytest.fixture(scope="module")
def team():
    return pd.read_csv(CORPUS / "team_written.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def real():
    return pd.read_csv(CORPUS / "real_labels.csv", dtype=str, keep_default_na=False)


def _count(frame, label):
    return int(frame["labels"].map(lambda cell: label in parse_labels(cell)).sum())


def test_no_two_team_texts_share_a_ten_character_phrase(team):
    found = shared_phrases(team["text"].tolist(), length=10)
    assert found == [], [(team["id"][a], team["id"][b], phrase) for a, b, phrase in found[:5]]


def test_team_written_part_covers_what_the_real_pool_lacks(team):
    assert _count(team, "price_hike") >= 300
    assert _count(team, "false_lowest_price") >= 300
    presale_complaints = team[(team["presale"] == "1") & (team["labels"] != "other")]
    assert len(presale_complaints) >= 300
    hard_negatives = team[team["kind"] == "hard_negative"]
    assert len(hard_negatives) >= 500 and (hard_negatives["labels"] == "other").all()
    lengths = team["text"].str.len()
    assert lengths.min() >= 5 and lengths.max() <= 400


def test_real_labels_are_keys_not_texts(real):
    assert list(real.columns) == [
        "source",
        "source_id",
        "text_sha1",
        "labels",
        "presale",
        "split",
        "proposer",
        "annotator",
    ]
    assert real["text_sha1"].str.fullmatch(r"[0-9a-f]{40}").all()


def test_real_part_size_random_share_and_test_split(real):
    assert len(real) >= 5000
    assert (real["proposer"] == "random").sum() >= 1500
    test = real[real["split"] == "test"]
    assert len(test) >= 600
    for label in ("no_price_protection", "gift_not_honored", "late_shipping"):
        share = _count(test, label) / max(_count(real, label), 1)
        assert 0.12 <= share <= 0.30, (label, share)  # stratified: about a fifth of each label


def test_team_test_split_is_stratified(team):
    for label in ("price_hike", "false_lowest_price"):
        share = _count(team[team["split"] == "test"], label) / _count(team, label)
        assert 0.15 <= share <= 0.25


def test_near_duplicates_never_straddle_the_team_split(team):
    texts, splits = team["text"].tolist(), team["split"].tolist()
    leaks = [(i, j) for i, j, _ in near_duplicate_pairs(texts) if splits[i] != splits[j]]
    assert leaks == []


@pytest.mark.slow
@pytest.mark.shared
def test_corpus_validates_against_shared_with_no_problems(shared_pool):
    report = check_corpus(CORPUS, shared_pool.parent.parent)
    assert report.problems == []
    assert report.notes == []


@pytest.mark.shared
def test_join_with_shared_restores_every_real_text(shared_pool, real):
    corpus = cm.load_corpus(CORPUS, shared_pool.parent.parent)
    assert (corpus.frame["origin"] == "real").sum() == len(real)
    assert corpus.notes == []
    assert (corpus.frame["text"].str.len() > 0).all()


def test_without_shared_training_data_is_team_only_and_says_so(tmp_path):
    corpus = cm.load_corpus(CORPUS, tmp_path / "no-shared")
    assert set(corpus.frame["origin"]) == {"team"}
    assert len(corpus.notes) == 1 and "team-written texts only" in corpus.notes[0]


def test_hash_mismatch_is_reported(tmp_path, real):
    shared = tmp_path / "shared" / "corpora"
    shared.mkdir(parents=True)
    first = real.iloc[0]
    pd.DataFrame(
        {
            "source": [first["source"]],
            "source_id": [first["source_id"]],
            "domain": [""],
            "sentiment": [""],
            "text": ["这不是原来那条评论"],
        }
    ).to_csv(shared / "real_reviews.csv", index=False)
    directory = tmp_path / "corpora"
    directory.mkdir()
    (directory / "team_written.csv").write_text(
        (CORPUS / "team_written.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    real.iloc[:1].to_csv(directory / "real_labels.csv", index=False)
    report = check_corpus(directory, tmp_path / "shared")
    assert any("text hash mismatch" in p for p in report.problems)
    with pytest.raises(cm.CorpusError, match="missing from or changed"):
        cm.load_corpus(directory, tmp_path / "shared")


def test_validator_catches_bad_rows(tmp_path):
    directory = tmp_path / "corpora"
    directory.mkdir()
    rows = pd.DataFrame(
        {
            "id": ["a", "b", "c", "c"],
            "text": ["预售尾款涨了三十块钱真过分", "other和问题混在一起的例子", "短", "完全不同的第四条文本内容"],
            "labels": ["price_hike", "other|late_shipping", "gift", "other"],
            "presale": ["1", "0", "2", "0"],
            "split": ["train", "test", "dev", "train"],
            "kind": ["seed"] * 4,
            "author": ["t"] * 4,
        }
    )
    rows.to_csv(directory / "team_written.csv", index=False)
    problems = "\n".join(check_corpus(directory).problems)
    for expected in [
        "'other' cannot be combined",
        "unknown label(s) 'gift'",
        "presale must be 0 or 1",
        "split must be one of",
        "duplicate id",
        "outside 5..400",
    ]:
        assert expected in problems


def test_adjudication_log_matches_the_labels_and_never_touches_test(real):
    log = pd.read_csv(CORPUS / "adjudication.csv", dtype=str, keep_default_na=False)
    merged = log.merge(real, on=["source", "source_id", "text_sha1"], how="left", validate="one_to_one")
    assert merged["split"].eq("train").all()  # every logged text exists, and only training texts are re-decided
    assert merged["labels"].eq(merged["adjudicated"]).all()
    readings = ("first", "second", "model")
    for row in merged.itertuples():
        votes = [set(parse_labels(getattr(row, cell))) for cell in readings]  # raises on a malformed cell
        majority = {label for label in ISSUE_LABELS if sum(label in v for v in votes) >= 2}
        expected = majority if row.kind == "disputed" else votes[0]  # controls keep their first label
        assert set(parse_labels(row.adjudicated)) == expected, row
    # The annotator column marks exactly the label sets the vote changed, and none in the test split.
    changed = merged.loc[merged["first"] != merged["adjudicated"], "text_sha1"]
    tagged = real.loc[real["annotator"].str.endswith("+adjudicated")]
    assert set(tagged["text_sha1"]) == set(changed)
    assert tagged["split"].eq("train").all()


def test_evidence_spans_point_into_labelled_real_training_texts_only(real):
    evidence = pd.read_csv(CORPUS / "real_evidence.csv", dtype=str, keep_default_na=False)
    assert list(evidence.columns) == ["source", "source_id", "text_sha1", "label", "spans"]
    merged = evidence.merge(real, on=["source", "source_id", "text_sha1"], how="left", validate="many_to_one")
    assert merged["split"].eq("train").all()  # never a test text: the held-out figures stay untouched
    assert all(label in parse_labels(cell) for label, cell in zip(merged["label"], merged["labels"]))
    assert not evidence.duplicated(["source", "source_id", "label"]).any()


@pytest.mark.shared
def test_evidence_rows_are_training_rows_in_their_source_group(shared_pool):
    frame = cm.load_corpus(CORPUS, shared_pool.parent.parent, derived=True).frame
    derived = frame[frame["origin"] == "derived"]
    assert len(derived) > 0 and derived["split"].eq("train").all()
    sources = frame[frame["key"].isin(set(derived["group"]))]
    assert (sources["group"] == sources["key"]).all() and sources["origin"].eq("real").all()


def test_relabel_log_matches_the_corpus(team):
    """corpora/relabels.csv records the edits made to team texts, training and held-out, after they were written
    (labels, presale, removed rows): each logged edit is in effect (a removed row is gone, a changed cell holds its
    new value), so undoing one fails here. That the log lists every edit is not checked: git history records that."""
    log = pd.read_csv(CORPUS / "relabels.csv", dtype=str, keep_default_na=False)
    pairs = pd.read_csv(CORPUS / "team_pairs.csv", dtype=str, keep_default_na=False)
    contrast = pd.read_csv(CORPUS / "contrast_set.csv", dtype=str, keep_default_na=False)
    rows = pd.concat([team, pairs, contrast]).set_index("id")
    assert not log.duplicated(["id", "field"]).any()
    for edit in log.itertuples():
        if edit.field == "row":
            assert edit.id not in rows.index, edit.id
        else:
            assert edit.field in ("labels", "presale"), edit.field
            assert rows.loc[edit.id, edit.field] == edit.after != edit.before, edit.id
